/* payterm: the payment terminal a till is set up with, its driver built
 * in or loaded from a module, and the checks of what terminals say. */
#include "payterm.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "log.h"
#include "pan.h"
#include "xalloc.h"

struct payterm {
	const struct payterm_ops *ops;
	void *dev;
	void *module;                /* dlopen handle, NULL for a built-in */
};

static const char *const payterm_state_names[PAYTERM_STATE_COUNT] = {
	[PAYTERM_IDLE] = "idle",
	[PAYTERM_PRESENT_CARD] = "present card",
	[PAYTERM_PROCESSING] = "processing",
	[PAYTERM_NEEDS_INPUT] = "needs input",
	[PAYTERM_APPROVED] = "approved",
	[PAYTERM_DECLINED] = "declined",
	[PAYTERM_TIMED_OUT] = "timed out",
	[PAYTERM_CANCELLED] = "cancelled",
	[PAYTERM_FAILED] = "failed",
};

const char *
payterm_state_name(enum payterm_state s)
{
	return (unsigned)s < PAYTERM_STATE_COUNT ? payterm_state_names[s] : "?";
}

bool
payterm_final(enum payterm_state s)
{
	return s >= PAYTERM_APPROVED && s < PAYTERM_STATE_COUNT;
}

static int
payterm_why(char *why, size_t whysize, const char *text)
{
	if (why != NULL && whysize > 0)
		snprintf(why, whysize, "%s", text);
	return -1;
}

/* A card number typed into the field is said to be one: it is the one
 * mistake that must never reach an order. Any run of 13 or more digits
 * counts, Luhn or not: a card number with a typo is still one. */
int
payterm_check_approval(const char *s, char *why, size_t whysize)
{
	size_t len = strlen(s), run = 0, longest = 0;

	for (size_t i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			run++;
		else if (s[i] != ' ' && s[i] != '-')
			run = 0;
		longest = run > longest ? run : longest;
	}
	if (longest >= PAN_DIGITS_MIN || pan_in_text(s, PAN_DIGITS_MIN))
		return payterm_why(why, whysize, "That is a card number, not an approval code: "
		    "type the code the card terminal printed");
	if (len < PAYTERM_APPROVAL_MIN || len > PAYTERM_APPROVAL_LEN)
		return payterm_why(why, whysize, "An approval code is 2 to 12 letters and digits, "
		    "as the card terminal printed it");
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return payterm_why(why, whysize, "An approval code is letters and digits "
			    "only, as the card terminal printed it");
	}
	return 0;
}

int
payterm_check_last4(const char *s, char *why, size_t whysize)
{
	if (strlen(s) != 4)
		return payterm_why(why, whysize, "Type the card's last 4 digits");
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return payterm_why(why, whysize, "Type the card's last 4 digits");
	}
	return 0;
}

int
payterm_check_brand(const char *s, char *out, char *why, size_t whysize)
{
	char up[BRAND_MAX + 1];
	size_t len = strlen(s);
	int b;

	if (len == 0) {
		xstrlcpy(out, card_brand_name(CARD_BRAND_CARD), BRAND_MAX + 1);
		return 0;
	}
	if (len > BRAND_MAX)
		goto bad;
	for (size_t i = 0; i <= len; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	if ((b = card_brand_parse(up)) < 0)
		goto bad;
	xstrlcpy(out, card_brand_name((enum card_brand)b), BRAND_MAX + 1);
	return 0;
bad:
	return payterm_why(why, whysize, "The brand is one of VISA, MASTERCARD, AMEX, "
	    "DISCOVER, JCB, DINERS, UNIONPAY, MAESTRO, or none");
}

/* "module:PATH[,ARG]": the shared object's payterm_driver, if it was
 * built against this ABI. */
static const struct payterm_ops *
payterm_load(const char *spec, void **handle, const char **arg, char *path, size_t pathsize,
    char *err, size_t errsize)
{
	const char *comma = strchr(spec, ',');
	size_t n = comma != NULL ? (size_t)(comma - spec) : strlen(spec);
	const struct payterm_ops *ops;

	*arg = comma != NULL ? comma + 1 : "";
	if (n == 0 || n >= pathsize || spec[0] != '/') {
		snprintf(err, errsize, "payment terminal module: give its absolute path "
		    "(module:/path/to/driver.so)");
		return NULL;
	}
	memcpy(path, spec, n);
	path[n] = '\0';
	if ((*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		const char *e = dlerror();

		snprintf(err, errsize, "payment terminal module %s: %s", path,
		    e != NULL ? e : "cannot be loaded");
		return NULL;
	}
	ops = dlsym(*handle, "payterm_driver");
	if (ops == NULL || ops->abi != PAYTERM_ABI || ops->open == NULL || ops->close == NULL ||
	    ops->sale == NULL || ops->refund == NULL || ops->cancel == NULL ||
	    ops->status == NULL) {
		snprintf(err, errsize, "payment terminal module %s: no payterm_driver of "
		    "version %d in it", path, PAYTERM_ABI);
		dlclose(*handle);
		*handle = NULL;
		return NULL;
	}
	return ops;
}

struct payterm *
payterm_open(const char *spec, payterm_wake_fn wake, void *ctx, char *err, size_t errsize)
{
	const struct payterm_ops *ops;
	const char *arg = "";
	void *handle = NULL;
	char path[4096];
	struct payterm *p;
	void *dev;

	if (strcmp(spec, "external") == 0) {
		ops = &payterm_external;
	} else if (strncmp(spec, "module:", 7) == 0) {
		if ((ops = payterm_load(spec + 7, &handle, &arg, path, sizeof path, err,
		    errsize)) == NULL)
			return NULL;
	} else {
		snprintf(err, errsize, "payment terminal \"%s\": give external or "
		    "module:/path/to/driver.so", spec);
		return NULL;
	}
	if ((dev = ops->open(arg, wake, ctx, err, errsize)) == NULL) {
		if (handle != NULL)
			dlclose(handle);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->ops = ops;
	p->dev = dev;
	p->module = handle;
	log_info("payment terminal: %s", ops->name);
	return p;
}

void
payterm_close(struct payterm *p)
{
	if (p == NULL)
		return;
	p->ops->close(p->dev);
	if (p->module != NULL)
		dlclose(p->module);
	free(p);
}

const char *
payterm_name(const struct payterm *p)
{
	return p->ops->name;
}

static bool
payterm_amount_ok(money_t amount, char *err, size_t errsize)
{
	if (amount > 0 && amount <= MONEY_MAX)
		return true;
	snprintf(err, errsize, "A card pays an amount above 0");
	return false;
}

int
payterm_sale(struct payterm *p, money_t amount, const char *ref,
    const struct card_info *swiped, char *err, size_t errsize)
{
	if (!payterm_amount_ok(amount, err, errsize))
		return -1;
	return p->ops->sale(p->dev, amount, ref != NULL ? ref : "", swiped, err, errsize);
}

int
payterm_refund(struct payterm *p, money_t amount, const char *ref, const char *approval,
    const struct card_info *card, char *err, size_t errsize)
{
	static const struct card_info none;

	if (!payterm_amount_ok(amount, err, errsize))
		return -1;
	return p->ops->refund(p->dev, amount, ref != NULL ? ref : "",
	    approval != NULL ? approval : "", card != NULL ? card : &none, err, errsize);
}

int
payterm_cancel(struct payterm *p, char *err, size_t errsize)
{
	return p->ops->cancel(p->dev, err, errsize);
}

void
payterm_status(struct payterm *p, struct payterm_status *out)
{
	char brand[BRAND_MAX + 1];

	memset(out, 0, sizeof *out);
	p->ops->status(p->dev, out);
	out->message[sizeof out->message - 1] = '\0';
	out->approval[sizeof out->approval - 1] = '\0';
	out->card.brand[sizeof out->card.brand - 1] = '\0';
	out->card.last4[sizeof out->card.last4 - 1] = '\0';
	if (out->nfields < 0 || out->nfields > PAYTERM_FIELDS_MAX)
		out->nfields = 0;
	if ((unsigned)out->state >= PAYTERM_STATE_COUNT) {
		log_warn("payment terminal %s: unknown state %d", p->ops->name, (int)out->state);
		out->state = PAYTERM_FAILED;
		snprintf(out->message, sizeof out->message, "The card terminal's driver is confused: "
		    "check the terminal before charging again");
	}
	if (out->state != PAYTERM_APPROVED) {
		out->approval[0] = '\0';
		return;
	}
	if (payterm_check_approval(out->approval, NULL, 0) < 0) {
		log_warn("payment terminal %s: approval without a usable approval code",
		    p->ops->name);
		explicit_bzero(out->approval, sizeof out->approval);
		out->state = PAYTERM_FAILED;
		snprintf(out->message, sizeof out->message, "The card terminal gave no usable "
		    "approval code: check the terminal before charging again");
		return;
	}
	if (out->card.last4[0] != '\0' && payterm_check_last4(out->card.last4, NULL, 0) < 0)
		out->card.last4[0] = '\0';
	if (payterm_check_brand(out->card.brand, brand, NULL, 0) < 0)
		xstrlcpy(brand, card_brand_name(CARD_BRAND_CARD), sizeof brand);
	xstrlcpy(out->card.brand, brand, sizeof out->card.brand);
}

int
payterm_input(struct payterm *p, const struct payterm_input *in, int *bad, char *err,
    size_t errsize)
{
	*bad = -1;
	if (p->ops->input == NULL) {
		snprintf(err, errsize, "The card terminal asks for nothing");
		return -1;
	}
	return p->ops->input(p->dev, in, bad, err, errsize);
}
