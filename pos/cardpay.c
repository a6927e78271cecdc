/* cardpay: the till's side of the payment terminal. An operation (a
 * sale's charge or a refund) is started on the driver, the card overlay
 * goes up, and the driver's status is read on a timer and whenever the
 * driver wakes the loop; when it is over the overlay goes and the
 * starter's done hears the result. The loop never waits on the terminal. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "domain.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

#define CARDPAY_POLL_MS 200          /* how often a running operation is read */
#define CARDPAY_UNKNOWN_BRAND "unknown"

/* ---- the terminal ---- */

static void cardpay_poll(struct app *a);

static void
cardpay_woken(void *arg)
{
	if (app_main != NULL && app_main->card.running)
		cardpay_poll(app_main);
}

/* The driver's news, from any thread: read on the loop. */
static void
cardpay_wake(void *ctx)
{
	struct app *a = ctx;

	loop_post(a->loop, cardpay_woken, NULL);
}

static void
cardpay_timer(struct loop_timer *t)
{
	struct app *a = t->ctx;

	if (a->card.running)
		cardpay_poll(a);
}

int
cardpay_open(struct app *a, char *err, size_t errsize)
{
	a->payterm = payterm_open(a->payterm_spec, cardpay_wake, a, err, errsize);
	if (a->payterm == NULL)
		return -1;
	loop_timer_init(&a->card.poll, a->loop, cardpay_timer, a);
	return 0;
}

void
cardpay_close(struct app *a)
{
	if (a->payterm == NULL)
		return;
	loop_timer_cancel(&a->card.poll);
	payterm_close(a->payterm);
	a->payterm = NULL;
	form_free(&a->card.form);
}

const char *
cardpay_result_word(enum payterm_state s)
{
	switch (s) {
	case PAYTERM_APPROVED:
		return "APPROVED";
	case PAYTERM_DECLINED:
		return "DECLINED";
	case PAYTERM_TIMED_OUT:
		return "TIMED OUT";
	case PAYTERM_CANCELLED:
		return "CANCELLED";
	case PAYTERM_FAILED:
		return "TERMINAL ERROR";
	default:
		return "NOT DONE";
	}
}

bool
cardpay_busy(const struct app *a)
{
	return a->card.running;
}

/* ---- the fields a driver asks for ---- */

static void
cardpay_fill_brand(struct form *fm, int i, const char *brand)
{
	if (brand != NULL && brand[0] != '\0' && strcmp(brand, "CARD") != 0)
		form_choose(fm, i, brand);
}

/* The form of the fields asked for, with what the driver knows filled
 * in. The labels point into card.asked, which stays as it is until the
 * next form. */
static void
cardpay_make_form(struct app *a)
{
	struct cardpay *c = &a->card;
	struct form *fm = &c->form;

	form_reset(fm, "Card");
	memcpy(c->asked, c->st.fields, sizeof c->asked);
	for (int i = 0; i < c->st.nfields; i++) {
		const struct payterm_field *f = &c->asked[i];
		int k;

		switch (f->kind) {
		case PAYTERM_FIELD_APPROVAL:
			/* any text: what is not a code is refused with a reason */
			form_add_text(fm, f->label, "approval", FIELD_TEXT, APPROVAL_MAX, false,
			    f->value);
			break;
		case PAYTERM_FIELD_LAST4:
			form_add_text(fm, f->label, "last4", FIELD_DIGITS, 4, false, f->value);
			break;
		case PAYTERM_FIELD_BRAND:
			k = form_add_choice(fm, f->label, "brand");
			form_offer(fm, k, CARDPAY_UNKNOWN_BRAND);
			for (int b = CARD_BRAND_CARD + 1; b < CARD_BRAND_COUNT; b++)
				form_offer(fm, k, card_brand_name((enum card_brand)b));
			cardpay_fill_brand(fm, k, f->value);
			break;
		default:
			form_add_text(fm, f->label, "text", FIELD_TEXT, PAYTERM_VALUE_MAX - 1, false,
			    f->value);
		}
	}
	/* the focus starts on the first field still empty */
	for (int i = 0; i < fm->n; i++) {
		if (!fm->fields[i].choice && fm->fields[i].f.len == 0) {
			fm->focus = i;
			break;
		}
	}
	c->form_seq = c->st.seq;
}

void
cardpay_swiped(struct app *a, const struct card_info *card)
{
	struct form *fm = &a->card.form;

	if (!a->card.running || a->card.st.state != PAYTERM_NEEDS_INPUT)
		return;
	for (int i = 0; i < fm->n; i++) {
		const char *key = fm->fields[i].key;

		if (strcmp(key, "last4") == 0)
			field_set(&fm->fields[i].f, card->last4);
		else if (strcmp(key, "brand") == 0)
			cardpay_fill_brand(fm, i, card->brand);
	}
	app_say(a, THEME_SUCCESS, "Card %s ****%s read: now the approval code", card->brand,
	    card->last4);
	app_dirty(a);
}

void
cardpay_submit(struct app *a)
{
	struct cardpay *c = &a->card;
	struct form *fm = &c->form;
	struct payterm_input in;
	char err[PAYTERM_MESSAGE_MAX];
	int bad = -1;

	if (!c->running || c->st.state != PAYTERM_NEEDS_INPUT)
		return;
	memset(&in, 0, sizeof in);
	in.n = fm->n < PAYTERM_FIELDS_MAX ? fm->n : PAYTERM_FIELDS_MAX;
	for (int i = 0; i < in.n; i++) {
		const char *v = form_value(fm, i);

		if (fm->fields[i].choice && strcmp(v, CARDPAY_UNKNOWN_BRAND) == 0)
			v = "";
		xstrlcpy(in.values[i], v, sizeof in.values[i]);
	}
	if (payterm_input(a->payterm, &in, &bad, err, sizeof err) < 0) {
		xstrlcpy(fm->error, err, sizeof fm->error);
		if (bad >= 0 && bad < fm->n) {
			fm->focus = bad;
			/* a refused code may be a card number: it does not stay */
			if (strcmp(fm->fields[bad].key, "approval") == 0)
				field_clear(&fm->fields[bad].f);
		}
		app_say(a, THEME_ERROR, "%s", err);
	} else {
		fm->error[0] = '\0';
	}
	explicit_bzero(&in, sizeof in);
	cardpay_poll(a);
	app_dirty(a);
}

/* ---- an operation ---- */

/* It is over: the overlay goes, the fields are wiped, done hears it. */
static void
cardpay_finish(struct app *a)
{
	struct cardpay *c = &a->card;
	struct payterm_status result = c->st;
	cardpay_done_fn done = c->done;
	void *ctx = c->done_ctx;

	c->running = false;
	c->done = NULL;
	c->done_ctx = NULL;
	loop_timer_cancel(&c->poll);
	form_reset(&c->form, "Card");
	if (a->overlay == OVERLAY_CARD)
		a->overlay = OVERLAY_NONE;
	log_info("card %s of %lld: %s%s%s", result.kind == PAYMENT_REFUND ? "refund" : "sale",
	    (long long)result.amount, payterm_state_name(result.state),
	    result.state == PAYTERM_APPROVED ? ", approval " : "",
	    result.state == PAYTERM_APPROVED ? result.approval : "");
	if (done != NULL)
		done(a, &result, ctx);
	app_dirty(a);
}

static void
cardpay_poll(struct app *a)
{
	struct cardpay *c = &a->card;
	struct payterm_status st;

	if (!c->running)
		return;
	payterm_status(a->payterm, &st);
	if (st.seq != c->st.seq || st.state != c->st.state)
		app_dirty(a);
	c->st = st;
	if (payterm_final(st.state)) {
		cardpay_finish(a);
		return;
	}
	if (st.state == PAYTERM_NEEDS_INPUT && (c->form.n == 0 || c->form_seq != st.seq))
		cardpay_make_form(a);
	loop_timer_schedule(&c->poll, CARDPAY_POLL_MS);
}

static int
cardpay_start(struct app *a, enum payment_kind kind, money_t amount,
    const struct card_info *card, const char *approval, const char *ref,
    cardpay_done_fn done, void *ctx)
{
	struct cardpay *c = &a->card;
	char err[PAYTERM_MESSAGE_MAX];
	int rc;

	if (a->payterm == NULL) {
		app_say(a, THEME_ERROR, "No card terminal is set up (--payment-terminal)");
		return -1;
	}
	if (c->running) {
		app_say(a, THEME_ERROR, "A card payment is running: finish it or Esc first");
		return -1;
	}
	rc = kind == PAYMENT_REFUND ?
	    payterm_refund(a->payterm, amount, ref, approval, card, err, sizeof err) :
	    payterm_sale(a->payterm, amount, ref, card, err, sizeof err);
	if (rc < 0) {
		app_say(a, THEME_ERROR, "Card terminal: %s", err);
		return -1;
	}
	memset(&c->st, 0, sizeof c->st);
	c->st.seq = (unsigned)-1;
	c->running = true;
	c->kind = kind;
	c->amount = amount;
	c->cancel_asked = false;
	c->note[0] = '\0';
	c->done = done;
	c->done_ctx = ctx;
	c->show_last = false;
	form_reset(&c->form, "Card");
	a->overlay = OVERLAY_CARD;
	log_info("card %s of %lld started on the %s terminal",
	    kind == PAYMENT_REFUND ? "refund" : "sale", (long long)amount,
	    payterm_name(a->payterm));
	cardpay_poll(a);
	app_dirty(a);
	return 0;
}

int
cardpay_sale(struct app *a, money_t amount, const struct card_info *swiped)
{
	char ref[PAYTERM_REF_MAX];

	snprintf(ref, sizeof ref, "%s-%lld", a->cfg.terminal, (long long)(util_now_ms() / 1000));
	return cardpay_start(a, PAYMENT_CHARGE, amount, swiped, NULL, ref, checkout_card_done,
	    NULL);
}

int
cardpay_refund(struct app *a, money_t amount, const struct payment *original,
    const char *ref, cardpay_done_fn done, void *ctx)
{
	if (original == NULL || original->tender != TENDER_CARD) {
		app_say(a, THEME_ERROR, "Only a card payment is refunded to a card");
		return -1;
	}
	if (amount <= 0 || amount > original->amount) {
		app_say(a, THEME_ERROR, "A card refund is above 0 and at most what the card paid");
		return -1;
	}
	return cardpay_start(a, PAYMENT_REFUND, amount, &original->card, original->approval,
	    ref, done, ctx);
}

void
cardpay_cancel(struct app *a)
{
	struct cardpay *c = &a->card;
	char err[PAYTERM_MESSAGE_MAX];

	if (!c->running)
		return;
	if (payterm_cancel(a->payterm, err, sizeof err) < 0) {
		xstrlcpy(c->note, err, sizeof c->note);
		app_say(a, THEME_WARNING, "Card terminal: %s", err);
	} else {
		c->cancel_asked = true;
		xstrlcpy(c->note, "Cancelling...", sizeof c->note);
	}
	cardpay_poll(a);
	app_dirty(a);
}
