/* overlay_correct: corrections of the order on the order screen, as forms
 * (the form overlay): a void of the selected line or of the whole order,
 * a discount of the line or of the order (percent or amount), a comp of
 * the line, a refund (the line's quantity or money only, to a tender that
 * paid), each with a reason from the restaurant's list for its kind.
 *
 * Who may do it alone is worked out at the till (correct.c): when the
 * person logged in may not, the form also asks a manager's code and PIN.
 * On Enter the till makes the correction's Idempotency-Key, asks the
 * server for the manager's approval of that one request (POST
 * /api/v1/auth/approve) and sends the correction with it under the same
 * key; the person stays logged in. The PIN is wiped once sent and is
 * never queued or written. A refusal that says an approval is needed
 * (the store's limits changed) adds the manager's fields to the form.
 *
 * With the server away, a correction that needs no approval goes through
 * the outbox like a sale (durable, idempotent, pending on screen); one
 * that needs an approval cannot, and the form says so. A cash refund
 * opens the drawer and prints a refund receipt.
 *
 * On the sale screen the same discount and comp forms act on the ticket
 * being rung up: the discount goes with the sale, within what the person
 * may give (a discount beyond it is approved on the order once sold).
 * A ticket that holds discounts beyond it without an approval (a refused
 * sale rung again: its approval was for the old sale's key) is approved
 * before it goes to tender, by someone whose own limit covers them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "codec.h"
#include "correct.h"
#include "log.h"
#include "screens.h"
#include "storeinfo.h"
#include "util.h"
#include "xalloc.h"

static const char *const kind_words[CORRECTION_KIND_COUNT] = {
	[CORRECTION_VOID] = "Void",
	[CORRECTION_DISCOUNT] = "Discount",
	[CORRECTION_COMP] = "Comp",
	[CORRECTION_REFUND] = "Refund",
};

static const struct store_info *
store(const struct app *a)
{
	return a->cache != NULL ? cache_store(a->cache) : NULL;
}

/* The form up is this correction's. */
static bool
corr_up(const struct app *a)
{
	return a->overlay == OVERLAY_FORM && a->form.gen == a->corr_gen;
}

static void
corr_forget(struct app *a)
{
	if (a->corr_body != NULL) {
		cJSON_Delete(a->corr_body);
		a->corr_body = NULL;
	}
	free(a->corr_sig);
	a->corr_sig = NULL;
	a->corr_key[0] = '\0';
}

static void
retry_forget(struct app *a)
{
	free(a->corr_retry_sig);
	a->corr_retry_sig = NULL;
	a->corr_retry_key[0] = '\0';
}

/* ---- the form ---- */

static int
int_value(const struct app *a, int f, int def)
{
	const char *s = f >= 0 ? form_value(&a->form, f) : "";
	char *end;
	long v;

	if (s[0] == '\0')
		return def;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 && v <= QTY_MAX ? (int)v : -1;
}

/* The reason: one of the store's for the kind, or typed when it keeps
 * none. */
static void
add_reason(struct app *a, enum correction_kind kind)
{
	const struct store_info *si = store(a);

	if (si != NULL && si->nreasons[kind] > 0) {
		a->corr_f_reason = form_add_choice(&a->form, "Reason", "reason");
		for (int i = 0; i < si->nreasons[kind]; i++)
			form_offer(&a->form, a->corr_f_reason, si->reasons[kind][i]);
	} else {
		a->corr_f_reason = form_add_text(&a->form, "Reason", "reason", FIELD_TEXT,
		    REASON_MAX, false, NULL);
	}
}

static void
add_manager(struct app *a)
{
	if (a->corr_manager)
		return;
	a->corr_manager = true;
	a->corr_f_mcode = form_add_text(&a->form, "Manager code", "staff", FIELD_CODE,
	    STAFF_MAX, false, NULL);
	a->corr_f_mpin = form_add_text(&a->form, "Manager PIN", "pin", FIELD_DIGITS, 12, true,
	    NULL);
}

/* A card refund goes through the payment terminal (--payment-terminal,
 * pos/cardpay.c) when Enter is pressed: the external terminal's driver
 * asks for the code of the refund made on the standalone terminal, an
 * integrated one refunds the card itself. The correction is sent with
 * the approval code the terminal gave, and only then. */
static void
refund_card_fields(struct app *a)
{
	a->corr_f_approval = a->corr_f_last4 = -1;
}

/* The tender chosen, with the money the refund gives back to it. */
static const struct payment *
refund_tender(const struct app *a, money_t *amount, int *qty)
{
	const struct payment *p;
	int q = int_value(a, a->corr_f_qty, 0);

	if (a->corr_f_tender < 0 || a->corr_ntenders == 0)
		return NULL;
	p = &a->corr_tenders[a->form.fields[a->corr_f_tender].sel % a->corr_ntenders];
	if (qty != NULL)
		*qty = q;
	if (amount != NULL)
		*amount = q < 0 ? 0 : correct_refund_amount(&a->detail, a->corr_line, q, p);
	return p;
}

static void
refund_note(struct app *a, char *buf, size_t size)
{
	money_t amount;
	int qty;
	const struct payment *p = refund_tender(a, &amount, &qty);
	char m[32];

	if (p == NULL)
		return;
	if (qty < 0 || (a->corr_line >= 0 &&
	    qty > order_item_left(&a->detail.items[a->corr_line]))) {
		snprintf(buf, size, "Quantity: 0 to %d", a->corr_line >= 0 ?
		    order_item_left(&a->detail.items[a->corr_line]) : 0);
		return;
	}
	if (amount <= 0) {
		snprintf(buf, size, "Nothing to give back to %s", tender_name(p->tender));
		return;
	}
	money_format(amount, m, sizeof m);
	if (p->tender == TENDER_CARD)
		snprintf(buf, size, "Gives back %s to card ****%s: the card terminal refunds it "
		    "on Enter", m, p->card.last4);
	else
		snprintf(buf, size, "Gives back %s cash from the drawer", m);
}

static void correct_submit(struct app *a);

static void
corr_begin(struct app *a, enum correction_kind kind, int line, const char *title)
{
	form_reset(&a->form, title);
	a->corr_gen = a->form.gen;
	a->corr_kind = kind;
	a->corr_line = line;
	a->corr_manager = false;
	a->corr_f_qty = a->corr_f_how = a->corr_f_value = a->corr_f_tender = -1;
	a->corr_f_approval = a->corr_f_last4 = a->corr_f_reason = -1;
	a->corr_f_mcode = a->corr_f_mpin = -1;
	a->corr_ntenders = 0;
	a->corr_ticket = false;
	a->corr_card = false;
	corr_forget(a);
}

/* Fields are in; the manager's too when the person may not do it alone
 * (a discount's depends on its figure: asked on Enter). */
static void
corr_open(struct app *a)
{
	if (a->corr_kind != CORRECTION_DISCOUNT && !a->corr_ticket &&
	    !correct_may_alone(a->role, store(a), a->corr_kind,
	    &(struct discount){ .comp = true }, 1))
		add_manager(a);
	overlay_form_open(a, correct_submit);
	if (a->corr_kind == CORRECTION_REFUND)
		a->form_note = refund_note;
}

static bool
corr_can(struct app *a, bool need_line)
{
	if (!a->have_detail || a->detail.id <= 0) {
		app_say(a, THEME_ERROR, "This order is not at the server yet: it cannot be "
		    "corrected");
		return false;
	}
	if (need_line && (a->detail_sel < 0 || a->detail_sel >= a->detail.nitems)) {
		app_say(a, THEME_ERROR, "No line selected (Up/Down)");
		return false;
	}
	if (need_line && order_item_left(&a->detail.items[a->detail_sel]) <= 0) {
		app_say(a, THEME_ERROR, "Nothing is left of %s to correct",
		    a->detail.items[a->detail_sel].name);
		return false;
	}
	return true;
}

void
correct_void_line(struct app *a, int key)
{
	const struct order_item *it;
	char title[64], qty[8];

	if (!corr_can(a, true))
		return;
	it = &a->detail.items[a->detail_sel];
	snprintf(title, sizeof title, "Void %s (#%d)", it->name, a->detail.number);
	corr_begin(a, CORRECTION_VOID, a->detail_sel, title);
	snprintf(qty, sizeof qty, "%d", order_item_left(it));
	a->corr_f_qty = form_add_text(&a->form, "Quantity", "lines", FIELD_DIGITS, 2, false, qty);
	add_reason(a, CORRECTION_VOID);
	corr_open(a);
}

void
correct_void_order(struct app *a, int key)
{
	char title[64];

	if (!corr_can(a, false))
		return;
	snprintf(title, sizeof title, "Void the whole order #%d", a->detail.number);
	corr_begin(a, CORRECTION_VOID, -1, title);
	add_reason(a, CORRECTION_VOID);
	corr_open(a);
}

static void
discount_open(struct app *a, int line, bool ticket)
{
	char title[64];

	if (ticket && line >= 0)
		snprintf(title, sizeof title, "Discount %s", a->ticket.lines[line].name);
	else if (ticket)
		snprintf(title, sizeof title, "Discount the whole ticket");
	else if (line >= 0)
		snprintf(title, sizeof title, "Discount %s (#%d)", a->detail.items[line].name,
		    a->detail.number);
	else
		snprintf(title, sizeof title, "Discount the whole order #%d", a->detail.number);
	corr_begin(a, CORRECTION_DISCOUNT, line, title);
	a->corr_ticket = ticket;
	a->corr_f_how = form_add_choice(&a->form, "Discount", "how");
	form_offer(&a->form, a->corr_f_how, "percent");
	form_offer(&a->form, a->corr_f_how, "amount");
	a->corr_f_value = form_add_text(&a->form, "Value", "percent", FIELD_AMOUNT, 10,
	    false, NULL);
	add_reason(a, CORRECTION_DISCOUNT);
	corr_open(a);
}

void
correct_discount_line(struct app *a, int key)
{
	if (corr_can(a, true))
		discount_open(a, a->detail_sel, false);
}

void
correct_discount_order(struct app *a, int key)
{
	if (corr_can(a, false))
		discount_open(a, -1, false);
}

void
correct_comp_line(struct app *a, int key)
{
	char title[64];

	if (!corr_can(a, true))
		return;
	snprintf(title, sizeof title, "Comp %s (#%d)", a->detail.items[a->detail_sel].name,
	    a->detail.number);
	corr_begin(a, CORRECTION_COMP, a->detail_sel, title);
	add_reason(a, CORRECTION_COMP);
	corr_open(a);
}

void
correct_refund(struct app *a, int key)
{
	struct payment t[PAYMENTS_MAX];
	char title[80], qty[8], choice[FORM_CHOICE_MAX];
	int n, line = a->detail_sel;

	if (!corr_can(a, false))
		return;
	n = correct_tenders(&a->detail, t, PAYMENTS_MAX);
	if (a->detail.paid <= 0 || n == 0) {
		app_say(a, THEME_ERROR, "Order #%d %s: nothing to refund", a->detail.number,
		    a->detail.paid <= 0 ? "was never paid" : "has had all its money back");
		return;
	}
	if (line < 0 || line >= a->detail.nitems)
		line = -1;
	if (line >= 0)
		snprintf(title, sizeof title, "Refund on #%d: %s", a->detail.number,
		    a->detail.items[line].name);
	else
		snprintf(title, sizeof title, "Refund on #%d", a->detail.number);
	corr_begin(a, CORRECTION_REFUND, line, title);
	/* money only when some is owed back already (after a void or a
	 * discount), else the line as it is left */
	snprintf(qty, sizeof qty, "%d", line < 0 || correct_refund_owed(&a->detail, -1, 0) > 0 ?
	    0 : order_item_left(&a->detail.items[line]));
	if (line >= 0)
		a->corr_f_qty = form_add_text(&a->form, "Quantity", "lines", FIELD_DIGITS, 2,
		    false, qty);
	a->corr_f_tender = form_add_choice(&a->form, "Tender", "refunds");
	for (int i = 0; i < n; i++) {
		if (t[i].tender == TENDER_CARD)
			snprintf(choice, sizeof choice, "CARD %s ****%s", t[i].card.brand,
			    t[i].card.last4);
		else
			snprintf(choice, sizeof choice, "%s", tender_name(t[i].tender));
		a->corr_tenders[a->corr_ntenders++] = t[i];
		form_offer(&a->form, a->corr_f_tender, choice);
	}
	refund_card_fields(a);
	add_reason(a, CORRECTION_REFUND);
	corr_open(a);
}

/* On the sale screen: the ticket being rung up. */
void
correct_ticket_discount_line(struct app *a, int key)
{
	if (a->ticket.sel < 0 || a->ticket.sel >= a->ticket.nlines) {
		app_say_ticket_err(a, TICKET_NO_LINE, NULL);
		return;
	}
	discount_open(a, a->ticket.sel, true);
}

void
correct_ticket_discount(struct app *a, int key)
{
	if (a->ticket.nlines == 0) {
		app_say_ticket_err(a, TICKET_NO_ITEMS, NULL);
		return;
	}
	discount_open(a, -1, true);
}

void
correct_ticket_comp_line(struct app *a, int key)
{
	char title[64];

	if (a->ticket.sel < 0 || a->ticket.sel >= a->ticket.nlines) {
		app_say_ticket_err(a, TICKET_NO_LINE, NULL);
		return;
	}
	snprintf(title, sizeof title, "Comp %s", a->ticket.lines[a->ticket.sel].name);
	corr_begin(a, CORRECTION_COMP, a->ticket.sel, title);
	a->corr_ticket = true;
	add_reason(a, CORRECTION_COMP);
	corr_open(a);
}

/* ---- sending ---- */

static void
corr_what(const struct app *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s #%d", kind_words[a->corr_kind], a->detail.number);
}

/* The order the server answered with, on the screen; a refund's receipt. */
static void
corrected(struct app *a, const char *what, bool ok, const cJSON *answer)
{
	struct codec_error err;
	struct order o;
	char bal[64];

	if (!ok) {
		if (a->form_refusal[0] == '\0' && a->corr_sig != NULL) {
			/* no answer: a retry of the same goes under the same key */
			retry_forget(a);
			xstrlcpy(a->corr_retry_key, a->corr_key, sizeof a->corr_retry_key);
			a->corr_retry_sig = a->corr_sig;
			a->corr_sig = NULL;
		} else {
			retry_forget(a);
		}
		if (corr_up(a) && !a->corr_manager &&
		    (strcmp(a->form_refusal, "approval_required") == 0 ||
		    strcmp(a->form_refusal, "discount_over_limit") == 0)) {
			add_manager(a);
			a->form.focus = a->corr_f_mcode;
			snprintf(a->form.error + strlen(a->form.error),
			    sizeof a->form.error - strlen(a->form.error),
			    ". A manager types their code and PIN below");
		}
		corr_forget(a);
		return;
	}
	corr_forget(a);
	retry_forget(a);
	order_init(&o);
	if (order_from_json(answer, &o, &err) < 0) {
		app_say(a, THEME_WARNING, "%s: done (the answer is not readable: %s)", what,
		    err.message);
		order_free(&o);
		return;
	}
	if (a->have_detail && a->detail.id == o.id) {
		order_free(&a->detail);
		order_copy(&a->detail, &o);
	}
	correct_balance_text(&o, bal, sizeof bal);
	if (strncmp(what, "Refund", 6) == 0) {
		if (a->spool != NULL && spool_has_receipt_printer(a->spool))
			spool_refund(a->spool, &o);
		app_say(a, THEME_SUCCESS, "%s: refunded (%s): refund receipt printing", what, bal);
	} else {
		app_say(a, THEME_SUCCESS, "%s: done (%s)", what, bal);
	}
	order_free(&o);
}

static void corr_queue(struct app *a, cJSON *body, const char *key,
    const struct payment *refund, int qty);

/* The terminal has answered a card refund: approved, the correction goes
 * with its approval code (to the server, or to the outbox while the server
 * is away); anything else records nothing. */
static void
on_card_refunded(struct app *a, const struct payterm_status *res, void *ctx)
{
	cJSON *body = a->corr_body, *refunds, *e;
	char what[48], path[64];

	if ((unsigned)(uintptr_t)ctx != a->corr_card_gen || body == NULL)
		return;
	a->corr_body = NULL;
	a->corr_card = false;
	corr_what(a, what, sizeof what);
	if (res->state != PAYTERM_APPROVED) {
		app_say(a, THEME_ERROR, "%s: the card terminal did not refund it (%s: %s): "
		    "nothing was recorded", what, cardpay_result_word(res->state), res->message);
		cJSON_Delete(body);
		corr_forget(a);
		return;
	}
	refunds = cJSON_GetObjectItemCaseSensitive(body, "refunds");
	e = cJSON_GetArrayItem(refunds, 0);
	cJSON_AddStringToObject(e, "approval", res->approval);
	if (a->corr_card_offline) {
		struct payment refund = a->corr_card_original;
		char key[40];

		refund.amount = a->corr_card_amount;
		xstrlcpy(refund.approval, res->approval, sizeof refund.approval);
		xstrlcpy(key, a->corr_key, sizeof key);
		corr_forget(a);
		corr_queue(a, body, key, &refund, a->corr_card_qty);
		return;
	}
	snprintf(path, sizeof path, "/api/v1/orders/%lld/corrections", (long long)a->detail.id);
	overlay_form_send_key(a, "POST", path, body, a->corr_key, what, corrected);
}

/* Give the money back on the card terminal first; the form makes way for
 * the terminal's overlay. */
static void
card_refund_start(struct app *a, cJSON *body, bool offline)
{
	char ref[16];

	/* the charge it goes back to: its amount and approval for the terminal */
	for (int i = 0; i < a->detail.npayments; i++) {
		const struct payment *q = &a->detail.payments[i];

		if (q->kind == PAYMENT_CHARGE && q->tender == TENDER_CARD &&
		    strcmp(q->card.last4, a->corr_card_original.card.last4) == 0 &&
		    q->amount >= a->corr_card_original.amount)
			a->corr_card_original = *q;
	}
	a->corr_body = body;
	a->corr_card_offline = offline;
	a->corr_card_gen++;
	form_free(&a->form);
	a->form.gen++;
	if (a->overlay == OVERLAY_FORM)
		a->overlay = OVERLAY_NONE;
	snprintf(ref, sizeof ref, "#%d", a->detail.number);
	if (cardpay_refund(a, a->corr_card_amount, &a->corr_card_original, ref,
	    on_card_refunded, (void *)(uintptr_t)a->corr_card_gen) < 0) {
		a->corr_card = false;
		corr_forget(a);
	}
	app_dirty(a);
}

static void
on_approved(void *ctx, struct api_reply *r)
{
	struct app *a = app_main;
	const cJSON *tok;
	cJSON *body;
	char what[48], path[64];

	if ((unsigned)(uintptr_t)ctx != a->corr_gen || !corr_up(a) || a->corr_body == NULL) {
		corr_forget(a);      /* the form was left meanwhile */
		return;
	}
	a->form.sending = false;
	tok = cJSON_GetObjectItemCaseSensitive(r->json, "approval");
	if (r->err != API_OK || !cJSON_IsString(tok)) {
		if (r->err != API_OK && (!api_err_transient(r->err) || r->status == 429))
			overlay_form_fail(a, strcmp(r->code, "invalid_credentials") == 0 ?
			    a->corr_f_mpin : a->corr_f_mcode, "The manager's approval was refused "
			    "(%d %s): %s", r->status, r->code, r->message);
		else
			overlay_form_fail(a, -1, "No answer from the server for the manager's "
			    "approval (%s): nothing was changed", r->message);
		corr_forget(a);
		return;
	}
	body = a->corr_body;
	a->corr_body = NULL;
	cJSON_AddStringToObject(body, "approval", tok->valuestring);
	corr_what(a, what, sizeof what);
	snprintf(path, sizeof path, "/api/v1/orders/%lld/corrections", (long long)a->detail.id);
	log_info("%s: approved by %s", what,
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r->json, "staff")) ?
	    cJSON_GetObjectItemCaseSensitive(r->json, "staff")->valuestring : "?");
	if (a->corr_card)
		card_refund_start(a, body, false);
	else
		overlay_form_send_key(a, "POST", path, body, a->corr_key, what, corrected);
}

/* Queued while the server is away. A cash refund's money goes out now:
 * the drawer opens and the receipt prints from the till's own figures. */
static void
corr_queue(struct app *a, cJSON *body, const char *key, const struct payment *refund,
    int qty)
{
	char path[64], okey[32], what[48];
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(body, "reason");

	corr_what(a, what, sizeof what);
	snprintf(path, sizeof path, "/api/v1/orders/%lld/corrections", (long long)a->detail.id);
	snprintf(okey, sizeof okey, "order:%lld", (long long)a->detail.id);
	if (app_push_key(a, "POST", path, body, okey, "correction", a->detail.id, what,
	    key[0] ? key : NULL) < 0) {
		cJSON_Delete(body);
		return;
	}
	if (refund != NULL && a->spool != NULL && spool_has_receipt_printer(a->spool)) {
		struct order o;

		order_copy(&o, &a->detail);
		correct_apply_refund(&o, a->corr_line, qty, refund, cJSON_IsString(reason) ?
		    reason->valuestring : "", a->staff, clock_server_now(a->clk));
		spool_refund(a->spool, &o);
		order_free(&o);
	}
	cJSON_Delete(body);
	retry_forget(a);
	form_free(&a->form);
	a->form.gen++;
	a->form_note = NULL;
	a->overlay = OVERLAY_NONE;
	app_say(a, THEME_PENDING, "%s: queued (offline): it goes to the server when it is back",
	    what);
}

/* The discount typed (percent or amount) into d; -1 (said in the form)
 * when it is none or more than base. */
static int
read_discount(struct app *a, money_t base, struct discount *d)
{
	money_t v = 0;
	bool pct = strcmp(form_value(&a->form, a->corr_f_how), "percent") == 0;

	if (money_parse(form_value(&a->form, a->corr_f_value), &v) < 0 || v <= 0 ||
	    (pct && v > 10000) || (!pct && v > base)) {
		char b[32];

		money_format(base, b, sizeof b);
		overlay_form_fail(a, a->corr_f_value, pct ? "Percent: more than 0, at most 100 "
		    "(12.5 is 12.5 %%)" : "Amount: more than 0, at most %s", b);
		return -1;
	}
	memset(d, 0, sizeof *d);
	if (pct)
		d->percent_bp = (int)v;
	else
		d->amount = v;
	return 0;
}

/* The discount on the ticket, the form closed, the new total said (with
 * who approved it, if a manager did). */
static void
ticket_discount_set(struct app *a, const struct discount *d, const char *reason,
    const char *approved_by)
{
	struct ticket_totals tt;
	enum ticket_err err = ticket_set_discount(&a->ticket, a->corr_line, d, reason);
	char total[32];

	if (err != TICKET_OK) {
		overlay_form_fail(a, a->corr_f_value, "%s", ticket_err_message(err));
		return;
	}
	form_free(&a->form);
	a->form.gen++;
	a->overlay = OVERLAY_NONE;
	ticket_totals(&a->ticket, &tt);
	app_money(tt.total, total, sizeof total);
	if (approved_by != NULL)
		app_say(a, THEME_SUCCESS, "%s approved by %s: the ticket is now %s",
		    kind_words[a->corr_kind], approved_by, total);
	else
		app_say(a, THEME_SUCCESS, "%s: the ticket is now %s", kind_words[a->corr_kind],
		    total);
}

/* Can a manager's approval be asked now: the server is there and the
 * form holds the manager's code and PIN (said in the form when not). */
static bool
approval_askable(struct app *a)
{
	if (app_offline(a)) {
		form_drop_secrets(&a->form);
		overlay_form_fail(a, -1, "Offline: a manager's approval needs the server. A "
		    "manager can log in at this till instead (F10) and do it");
		return false;
	}
	if (form_value(&a->form, a->corr_f_mcode)[0] == '\0' ||
	    form_value(&a->form, a->corr_f_mpin)[0] == '\0') {
		overlay_form_fail(a, form_value(&a->form, a->corr_f_mcode)[0] == '\0' ?
		    a->corr_f_mcode : a->corr_f_mpin, "A manager types their code and PIN");
		return false;
	}
	return true;
}

/* Ask the server for the manager's approval (the code and PIN the form
 * holds) of scope on order_id (0: a new sale) for the request that goes
 * under key; fn hears the answer. The PIN is in the request only, wiped
 * everywhere else at once. -1 (said in the form) when it was not sent. */
static int
approval_ask(struct app *a, int64_t order_id, const char *const *scope, int nscope,
    const char *key, const char *what, worker_reply_fn fn)
{
	cJSON *ap = cJSON_CreateObject(), *arr;
	char *text;
	int rc;

	cJSON_AddStringToObject(ap, "staff", form_value(&a->form, a->corr_f_mcode));
	cJSON_AddStringToObject(ap, "pin", form_value(&a->form, a->corr_f_mpin));
	if (order_id > 0)
		codec_add_int(ap, "order_id", order_id);
	arr = cJSON_AddArrayToObject(ap, "scope");
	for (int i = 0; i < nscope; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(scope[i]));
	cJSON_AddStringToObject(ap, "key", key);
	text = cJSON_PrintUnformatted(ap);
	if (text == NULL)
		abort();
	explicit_bzero(cJSON_GetObjectItemCaseSensitive(ap, "pin")->valuestring,
	    strlen(cJSON_GetObjectItemCaseSensitive(ap, "pin")->valuestring));
	cJSON_Delete(ap);
	form_drop_secrets(&a->form);
	rc = session_request(a->s, "POST", "/api/v1/auth/approve", text, fn,
	    (void *)(uintptr_t)a->corr_gen);
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc < 0) {
		overlay_form_fail(a, -1, "Not logged in at the server: nothing was sent");
		return -1;
	}
	a->form.sending = true;
	a->form.error[0] = '\0';
	app_say(a, THEME_PENDING, "%s: asking the manager's approval", what);
	return 0;
}

/* The server's answer to a manager's approval asked for a discount on the
 * ticket (ctx: the overlay's generation when it was asked): false when it
 * is stale or refused (the form then says why), true with a usable token. */
static bool
approval_answer(struct app *a, void *ctx, const struct api_reply *r, const cJSON *tok)
{
	if ((unsigned)(uintptr_t)ctx != a->corr_gen || !corr_up(a))
		return false;
	a->form.sending = false;
	if (r->err != API_OK || !cJSON_IsString(tok) ||
	    strlen(tok->valuestring) >= sizeof a->sale_approval) {
		overlay_form_fail(a, r->err != API_OK && strcmp(r->code, "invalid_credentials") == 0 ?
		    a->corr_f_mpin : a->corr_f_mcode, "The manager's approval was refused (%d %s): %s",
		    r->status, r->code, r->message);
		return false;
	}
	return true;
}

/* A manager's approval of the discounts of the sale being rung up: asked
 * now, for the key the sale will go under (made here and kept for it), so
 * that the sale carries it through the outbox like any sale. */
static void
on_sale_approved(void *ctx, struct api_reply *r)
{
	struct app *a = app_main;
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(r->json, "approval");
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(r->json, "staff");

	if (!approval_answer(a, ctx, r, tok))
		return;
	xstrlcpy(a->sale_approval, tok->valuestring, sizeof a->sale_approval);
	xstrlcpy(a->sale_approved_by, cJSON_IsString(by) ? by->valuestring : "?",
	    sizeof a->sale_approved_by);
	ticket_discount_set(a, &a->sale_disc, a->sale_reason, a->sale_approved_by);
}

static void
ticket_approve(struct app *a, const struct discount *d, const char *reason)
{
	static const char *const scope[] = { "discount", "comp" };

	if (!approval_askable(a))
		return;
	if (a->sale_key[0] == '\0')
		util_uuid(a->sale_key);
	a->sale_disc = *d;
	xstrlcpy(a->sale_reason, reason, sizeof a->sale_reason);
	approval_ask(a, 0, scope, 2, a->sale_key, kind_words[a->corr_kind], on_sale_approved);
}

/* A discount or comp on the ticket being rung up: kept on the ticket and
 * sent with the sale, within what the person may give. */
static void
ticket_submit(struct app *a)
{
	const char *reason = form_value(&a->form, a->corr_f_reason);
	money_t base = ticket_discount_base(&a->ticket, a->corr_line);
	struct discount d = { 0 };

	if (reason[0] == '\0') {
		overlay_form_fail(a, a->corr_f_reason, "Say why (a reason)");
		return;
	}
	if (a->corr_kind == CORRECTION_COMP)
		d.comp = true;
	else if (read_discount(a, base, &d) < 0)
		return;
	if (!correct_may_alone(a->role, store(a), a->corr_kind, &d, base) &&
	    a->sale_approval[0] == '\0') {
		const struct store_info *si = store(a);
		struct store_info def;

		if (si == NULL) {
			store_info_init(&def);
			si = &def;
		}
		if (!a->corr_manager) {
			add_manager(a);
			overlay_form_fail(a, a->corr_f_mcode, "Over a %s's limit of %d %%: a manager "
			    "types their code and PIN here", role_name(a->role),
			    si->discount_limit[a->role]);
			return;
		}
		ticket_approve(a, &d, reason);
		return;
	}
	ticket_discount_set(a, &d, reason, NULL);
}

/* Whether role may give every discount and comp on the ticket. */
static bool
ticket_within(const struct app *a, enum staff_role role)
{
	const struct ticket *t = &a->ticket;

	for (int i = -1; i < t->nlines; i++) {
		const struct discount *d = i < 0 ? &t->disc : &t->lines[i].disc;

		if (discount_set(d) && !correct_may_alone(role, store(a), d->comp ?
		    CORRECTION_COMP : CORRECTION_DISCOUNT, d, ticket_discount_base(t, i)))
			return false;
	}
	return true;
}

bool
correct_ticket_approved(const struct app *a)
{
	return a->sale_approval[0] != '\0' || ticket_within(a, a->role);
}

/* The manager's approval of the ticket's discounts has come: the ticket
 * goes to tender with it. */
static void
on_ticket_approved(void *ctx, struct api_reply *r)
{
	struct app *a = app_main;
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(r->json, "approval");
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(r->json, "staff");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(r->json, "role");
	struct ticket_totals tt;
	char total[32];
	int rl;

	if (!approval_answer(a, ctx, r, tok))
		return;
	/* the sale is made with the approver's limit: one that does not
	 * cover the discounts would only have it refused again */
	rl = cJSON_IsString(role) ? role_parse(role->valuestring) : -1;
	if (rl >= 0 && !ticket_within(a, (enum staff_role)rl)) {
		overlay_form_fail(a, a->corr_f_mcode, "%s may not give these discounts either "
		    "(a %s's limit): someone who may approves them", cJSON_IsString(by) ?
		    by->valuestring : "That manager", role->valuestring);
		return;
	}
	xstrlcpy(a->sale_approval, tok->valuestring, sizeof a->sale_approval);
	xstrlcpy(a->sale_approved_by, cJSON_IsString(by) ? by->valuestring : "?",
	    sizeof a->sale_approved_by);
	form_free(&a->form);
	a->form.gen++;
	a->overlay = OVERLAY_NONE;
	ticket_totals(&a->ticket, &tt);
	app_money(tt.total, total, sizeof total);
	app_say(a, THEME_SUCCESS, "Discounts approved by %s: the ticket is %s",
	    a->sale_approved_by, total);
	screen_entry_tender(a);
}

static void
ticket_approval_submit(struct app *a)
{
	static const char *const scope[] = { "discount", "comp" };

	if (!approval_askable(a))
		return;
	/* the approval is for the key the sale will go under */
	if (a->sale_key[0] == '\0')
		util_uuid(a->sale_key);
	approval_ask(a, 0, scope, 2, a->sale_key, "The ticket's discounts", on_ticket_approved);
}

void
correct_ticket_approve(struct app *a)
{
	const struct store_info *si = store(a);
	struct store_info def;

	if (si == NULL) {
		store_info_init(&def);
		si = &def;
	}
	corr_begin(a, CORRECTION_DISCOUNT, -1, "Approve the ticket's discounts");
	a->corr_ticket = true;
	add_manager(a);
	overlay_form_open(a, ticket_approval_submit);
	a->form.focus = a->corr_f_mcode;
	snprintf(a->form.error, sizeof a->form.error, "Over a %s's limit of %d %%: a manager "
	    "types their code and PIN here", role_name(a->role), si->discount_limit[a->role]);
}

static void
correct_submit(struct app *a)
{
	const struct order *o = &a->detail;
	enum correction_kind kind = a->corr_kind;
	const char *reason = form_value(&a->form, a->corr_f_reason);
	struct discount d = { 0 };
	struct payment refund;
	money_t base = 1;
	int qty = 0;
	bool alone, approve;
	cJSON *body, *arr, *e;
	char *sig, key[40], what[48], path[64];

	if (a->corr_ticket) {
		ticket_submit(a);
		return;
	}
	memset(&refund, 0, sizeof refund);
	if (reason[0] == '\0') {
		overlay_form_fail(a, a->corr_f_reason, "Say why (a reason)");
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "kind", correction_kind_name(kind));
	cJSON_AddStringToObject(body, "reason", reason);
	switch (kind) {
	case CORRECTION_VOID:
	case CORRECTION_REFUND:
		if (a->corr_line >= 0) {
			int left = order_item_left(&o->items[a->corr_line]);

			qty = int_value(a, a->corr_f_qty, kind == CORRECTION_VOID ? -1 : 0);
			if (qty < (kind == CORRECTION_VOID ? 1 : 0) || qty > left) {
				overlay_form_fail(a, a->corr_f_qty, "Quantity: %d to %d of %s",
				    kind == CORRECTION_VOID ? 1 : 0, left, o->items[a->corr_line].name);
				cJSON_Delete(body);
				return;
			}
		}
		if (qty > 0) {
			arr = cJSON_AddArrayToObject(body, "lines");
			e = cJSON_CreateObject();
			codec_add_int(e, "line", a->corr_line);
			codec_add_int(e, "qty", qty);
			cJSON_AddItemToArray(arr, e);
		}
		if (kind == CORRECTION_REFUND) {
			const struct payment *p = refund_tender(a, &refund.amount, NULL);

			if (p == NULL || refund.amount <= 0) {
				overlay_form_fail(a, a->corr_f_qty >= 0 ? a->corr_f_qty :
				    a->corr_f_tender, "Nothing to give back: a refund of money only "
				    "follows a void or a discount");
				cJSON_Delete(body);
				return;
			}
			refund.tender = p->tender;
			refund.card = p->card;
			a->corr_card = p->tender == TENDER_CARD;
			if (a->corr_card) {
				a->corr_card_original = *p;
				a->corr_card_amount = refund.amount;
			}
			arr = cJSON_AddArrayToObject(body, "refunds");
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "tender", tender_name(refund.tender));
			codec_add_int(e, "amount", refund.amount);
			if (refund.tender == TENDER_CARD) {
				cJSON *c = cJSON_AddObjectToObject(e, "card");

				cJSON_AddStringToObject(c, "brand", refund.card.brand);
				cJSON_AddStringToObject(c, "last4", refund.card.last4);
			}
			cJSON_AddItemToArray(arr, e);
		}
		break;
	case CORRECTION_DISCOUNT:
		base = correct_discount_base(o, a->corr_line);
		if (read_discount(a, base, &d) < 0) {
			cJSON_Delete(body);
			return;
		}
		if (a->corr_line >= 0)
			codec_add_int(body, "line", a->corr_line);
		if (d.percent_bp > 0)
			codec_add_int(body, "percent_bp", d.percent_bp);
		else
			codec_add_int(body, "amount", d.amount);
		break;
	case CORRECTION_COMP:
		d.comp = true;
		codec_add_int(body, "line", a->corr_line);
		break;
	case CORRECTION_KIND_COUNT:
		break;
	}
	alone = correct_may_alone(a->role, store(a), kind, &d, base);
	approve = a->corr_manager && (!alone ||
	    form_value(&a->form, a->corr_f_mcode)[0] != '\0');
	if (!alone && !a->corr_manager) {
		add_manager(a);
		overlay_form_fail(a, a->corr_f_mcode, "A %s may not do this alone: a manager types "
		    "their code and PIN here", role_name(a->role));
		cJSON_Delete(body);
		return;
	}
	if (approve && !approval_askable(a)) {
		cJSON_Delete(body);
		return;
	}
	/* the key: a fresh one, or the one a request just like it went under
	 * when no answer came */
	snprintf(path, sizeof path, "/api/v1/orders/%lld/corrections", (long long)o->id);
	{
		char *text = cJSON_PrintUnformatted(body);

		if (text == NULL)
			abort();
		sig = xasprintf("POST %s %s", path, text);
		free(text);
	}
	if (a->corr_retry_sig != NULL && strcmp(a->corr_retry_sig, sig) == 0)
		xstrlcpy(key, a->corr_retry_key, sizeof key);
	else
		util_uuid(key);
	a->corr_card_qty = qty;
	if (!approve && app_offline(a)) {
		free(sig);
		if (a->corr_card) {
			xstrlcpy(a->corr_key, key, sizeof a->corr_key);
			card_refund_start(a, body, true);
			return;
		}
		corr_queue(a, body, key, kind == CORRECTION_REFUND ? &refund : NULL, qty);
		return;
	}
	corr_forget(a);
	a->corr_sig = sig;
	xstrlcpy(a->corr_key, key, sizeof a->corr_key);
	corr_what(a, what, sizeof what);
	if (!approve) {
		if (a->corr_card)
			card_refund_start(a, body, false);
		else
			overlay_form_send_key(a, "POST", path, body, key, what, corrected);
		return;
	}
	/* the manager's approval of this one request first */
	{
		const char *scope[1] = { correction_kind_name(kind) };

		a->corr_body = body;
		if (approval_ask(a, o->id, scope, 1, key, what, on_approved) < 0)
			corr_forget(a);
	}
}
