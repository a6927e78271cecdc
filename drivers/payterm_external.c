/* payterm_external: the driver that works with any card terminal. The
 * cashier charges (or refunds) the amount on a standalone terminal and
 * types the approval code it printed, and the card's last 4 digits and
 * brand, into the till; nothing is approved until a code that looks like
 * one is typed. A swiped card only fills in the brand and last 4. It
 * talks to no device: every call is on the caller's thread and returns
 * at once, and the status changes only when the till calls in. */
#include "payterm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct external {
	struct payterm_status st;
};

/* The fields asked for, in this order. */
enum { EXT_APPROVAL, EXT_LAST4, EXT_BRAND, EXT_NFIELDS };

static void *
external_open(const char *arg, payterm_wake_fn wake, void *ctx, char *err, size_t errsize)
{
	if (arg[0] != '\0') {
		snprintf(err, errsize, "the external payment terminal takes no setting (\"%s\")", arg);
		return NULL;
	}
	return xcalloc(1, sizeof(struct external));
}

static void
external_close(void *dev)
{
	struct external *x = dev;

	if (x != NULL)
		explicit_bzero(x, sizeof *x);
	free(x);
}

static bool
external_busy(const struct external *x, char *err, size_t errsize)
{
	if (x->st.state == PAYTERM_IDLE || payterm_final(x->st.state))
		return false;
	snprintf(err, errsize, "A card payment is already waiting for its approval code");
	return true;
}

static void
external_field(struct payterm_status *st, int i, const char *label, bool required,
    const char *value)
{
	struct payterm_field *f = &st->fields[i];

	f->kind = i == EXT_APPROVAL ? PAYTERM_FIELD_APPROVAL : i == EXT_LAST4 ?
	    PAYTERM_FIELD_LAST4 : PAYTERM_FIELD_BRAND;
	xstrlcpy(f->label, label, sizeof f->label);
	f->required = required;
	xstrlcpy(f->value, value != NULL ? value : "", sizeof f->value);
}

/* Ask for the approval code, the last 4 and the brand, with what is known
 * of the card filled in. */
static void
external_ask(struct external *x, enum payment_kind kind, money_t amount,
    const struct card_info *card, const char *prompt)
{
	unsigned seq = x->st.seq;

	memset(&x->st, 0, sizeof x->st);
	x->st.seq = seq + 1;
	x->st.state = PAYTERM_NEEDS_INPUT;
	x->st.kind = kind;
	x->st.amount = amount;
	xstrlcpy(x->st.message, prompt, sizeof x->st.message);
	x->st.nfields = EXT_NFIELDS;
	external_field(&x->st, EXT_APPROVAL, "Approval code", true, NULL);
	external_field(&x->st, EXT_LAST4, "Last 4 digits", true,
	    card != NULL ? card->last4 : NULL);
	/* an unknown brand (a swipe's "CARD") is left for the cashier */
	external_field(&x->st, EXT_BRAND, "Brand", false,
	    card != NULL && strcmp(card->brand, "CARD") != 0 ? card->brand : NULL);
}

static int
external_sale(void *dev, money_t amount, const char *ref, const struct card_info *swiped,
    char *err, size_t errsize)
{
	struct external *x = dev;
	char m[32], prompt[PAYTERM_MESSAGE_MAX];

	if (external_busy(x, err, errsize))
		return -1;
	money_format(amount, m, sizeof m);
	snprintf(prompt, sizeof prompt, "Charge %s on the card terminal, then type the "
	    "approval code it prints", m);
	external_ask(x, PAYMENT_CHARGE, amount, swiped, prompt);
	return 0;
}

static int
external_refund(void *dev, money_t amount, const char *ref, const char *approval,
    const struct card_info *card, char *err, size_t errsize)
{
	struct external *x = dev;
	char m[32], prompt[PAYTERM_MESSAGE_MAX], sale[48] = "";

	if (external_busy(x, err, errsize))
		return -1;
	money_format(amount, m, sizeof m);
	if (approval[0] != '\0')
		snprintf(sale, sizeof sale, " (sale approved %s)", approval);
	if (card->last4[0] != '\0')
		snprintf(prompt, sizeof prompt, "Refund %s to card %s ****%s on the card "
		    "terminal%s, then type the approval code it prints", m, card->brand,
		    card->last4, sale);
	else
		snprintf(prompt, sizeof prompt, "Refund %s on the card terminal%s, then type the "
		    "approval code it prints", m, sale);
	external_ask(x, PAYMENT_REFUND, amount, card, prompt);
	return 0;
}

static int
external_cancel(void *dev, char *err, size_t errsize)
{
	struct external *x = dev;

	if (x->st.state != PAYTERM_NEEDS_INPUT) {
		snprintf(err, errsize, "No card payment is waiting");
		return -1;
	}
	x->st.state = PAYTERM_CANCELLED;
	x->st.nfields = 0;
	x->st.seq++;
	xstrlcpy(x->st.message, "Cancelled at the till: no approval code was typed",
	    sizeof x->st.message);
	return 0;
}

static void
external_status(void *dev, struct payterm_status *out)
{
	const struct external *x = dev;

	*out = x->st;
}

static int
external_input(void *dev, const struct payterm_input *in, int *bad, char *err,
    size_t errsize)
{
	struct external *x = dev;
	char approval[PAYTERM_VALUE_MAX], brand[BRAND_MAX + 1];
	const char *last4;

	*bad = -1;
	if (x->st.state != PAYTERM_NEEDS_INPUT) {
		snprintf(err, errsize, "No card payment is waiting");
		return -1;
	}
	if (in->n != EXT_NFIELDS) {
		snprintf(err, errsize, "Expected %d values, got %d", EXT_NFIELDS, in->n);
		return -1;
	}
	xstrlcpy(approval, in->values[EXT_APPROVAL], sizeof approval);
	if (payterm_check_approval(approval, err, errsize) < 0) {
		explicit_bzero(approval, sizeof approval);
		*bad = EXT_APPROVAL;
		return -1;
	}
	last4 = in->values[EXT_LAST4];
	if (payterm_check_last4(last4, err, errsize) < 0) {
		*bad = EXT_LAST4;
		return -1;
	}
	if (payterm_check_brand(in->values[EXT_BRAND], brand, err, errsize) < 0) {
		*bad = EXT_BRAND;
		return -1;
	}
	for (char *c = approval; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	x->st.state = PAYTERM_APPROVED;
	x->st.nfields = 0;
	x->st.seq++;
	xstrlcpy(x->st.approval, approval, sizeof x->st.approval);
	xstrlcpy(x->st.card.last4, last4, sizeof x->st.card.last4);
	xstrlcpy(x->st.card.brand, brand, sizeof x->st.card.brand);
	xstrlcpy(x->st.message, "Approval code typed at the till", sizeof x->st.message);
	return 0;
}

const struct payterm_ops payterm_external = {
	.abi = PAYTERM_ABI,
	.name = "external",
	.open = external_open,
	.close = external_close,
	.sale = external_sale,
	.refund = external_refund,
	.cancel = external_cancel,
	.status = external_status,
	.input = external_input,
};
