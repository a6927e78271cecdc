/* checkout: a paid ticket becomes a sale: a provisional number, the
 * outbox entry that carries it to the server, the receipt (with the
 * server's number when it answers within a moment, else the provisional
 * one), the kitchen ticket, and the fate of the entry afterwards. Paying
 * an online order at pickup goes the same way as a `pay` action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codec.h"
#include "counter.h"
#include "log.h"
#include "screens.h"
#include "util.h"
#include "xalloc.h"

/* How long the receipt waits for the server's number before it prints
 * with the provisional one. Short: the customer is standing there. */
#define CHECKOUT_RECEIPT_WAIT_MS 1500

void
checkout_new_ticket(struct app *a)
{
	const struct menu *m = app_menu(a);

	ticket_clear(&a->ticket, a->default_service);
	a->ticket.tax_bp = m != NULL ? m->tax_bp : a->ticket.tax_bp;
	a->pay_order_id = 0;
	a->sale_key[0] = '\0';
	a->rering_entry = 0;
	explicit_bzero(a->sale_approval, sizeof a->sale_approval);
	a->sale_approved_by[0] = '\0';
	order_free(&a->pay_order);
	order_init(&a->pay_order);
	field_clear(&a->f_amount);
	field_clear(&a->f_plu);
	a->card.show_last = false;
}

/* Print what the receipt wait holds: the server's order (banner NULL) or
 * the order as rung up with its provisional number. */
static void
checkout_print(struct app *a, const struct order *o, const char *banner)
{
	bool provisional = banner != NULL && banner[0] != '\0';

	if (a->spool == NULL)
		return;
	if ((a->receipt_shut ? spool_receipt_shut(a->spool, o, banner) :
	    spool_receipt(a->spool, o, banner)) < 0)
		app_say(a, THEME_ERROR, "The receipt could not be queued for printing (see the "
		    "log); F5 reprints");
	/* the kitchen prints its ticket when it has a printer; offline it gets
	 * one whatever happens, as the screens there cannot see the order */
	if (a->receipt_kitchen_pending)
		spool_kitchen(a->spool, o, banner, provisional);
	a->receipt_kitchen_pending = false;
}

static void
checkout_wait_end(struct app *a)
{
	a->receipt_wait_entry = 0;
	a->receipt_shut = false;
	order_free(&a->receipt_order);
	order_init(&a->receipt_order);
	a->receipt_label[0] = '\0';
}

/* A sale finished while the previous one still waits for the server's
 * answer: the previous one prints now with what we have, as when its wait
 * runs out, rather than being dropped with its kitchen ticket. */
static void
checkout_flush_wait(struct app *a)
{
	if (a->receipt_wait_entry == 0)
		return;
	a->receipt_wait_until = 0;
	checkout_tick(a);
}

/* The customer's tenders as a request's "payments" array. */
static cJSON *
checkout_payments_json(const struct ticket *t)
{
	struct order o;
	cJSON *j, *p;

	order_init(&o);
	o.npayments = t->npayments;
	memcpy(o.payments, t->payments, sizeof o.payments);
	j = order_request_to_json(&o);
	p = cJSON_DetachItemFromObjectCaseSensitive(j, "payments");
	cJSON_Delete(j);
	order_free(&o);
	return p != NULL ? p : cJSON_CreateArray();
}

static void
checkout_pay_order(struct app *a)
{
	struct ticket_totals tt;
	cJSON *body = cJSON_CreateObject();
	char path[96], key[32], what[48];
	int64_t entry;

	ticket_totals(&a->ticket, &tt);
	cJSON_AddStringToObject(body, "action", "pay");
	codec_add_int(body, "expected_version", a->pay_order_version);
	cJSON_AddItemToObject(body, "payments", checkout_payments_json(&a->ticket));
	snprintf(path, sizeof path, "/api/v1/orders/%lld/actions", (long long)a->pay_order_id);
	snprintf(key, sizeof key, "order:%lld", (long long)a->pay_order_id);
	snprintf(what, sizeof what, "pay #%d", a->pay_order.number);
	entry = app_push(a, "POST", path, body, key, what, a->pay_order_id, what);
	cJSON_Delete(body);
	if (entry < 0)
		return;
	/* the receipt waits for the server's order, paid; a copy of ours with
	 * the tenders is printed if it does not come in time */
	checkout_flush_wait(a);
	order_copy(&a->receipt_order, &a->pay_order);
	a->receipt_order.npayments = a->ticket.npayments;
	memcpy(a->receipt_order.payments, a->ticket.payments, sizeof a->ticket.payments);
	a->receipt_order.paid = tt.paid;
	a->receipt_order.change = tt.change;
	a->receipt_order.status = STATUS_PAID;
	a->receipt_wait_entry = entry;
	a->receipt_wait_until = util_mono_ms() + (app_offline(a) ? 0 : CHECKOUT_RECEIPT_WAIT_MS);
	a->receipt_kitchen_pending = false;
	a->last_change = tt.change;
	a->last_total = tt.total;
	snprintf(a->last_what, sizeof a->last_what, "Order #%d paid", a->pay_order.number);
	a->last_entry = entry;
	checkout_new_ticket(a);
	app_go(a, SCREEN_DONE);
}

/* What the server needs to tell this sale's story when it arrives late:
 * when it was sold (the server's clock as this till knows it: the skew
 * learned from its answers; without one, the server's time of arrival
 * stands), the till's own number for it, and, offline, that its kitchen
 * ticket is printed here now, so the kitchen screen can say it was. */
static void
checkout_sale_times(struct app *a, cJSON *body, const char *label)
{
	int64_t sold = clock_known(a->clk) ? clock_server_now(a->clk) : 0;

	if (sold > 0)
		codec_add_int(body, "sold_at", sold);
	cJSON_AddStringToObject(body, "provisional", label);
	if (sold > 0 && app_offline(a) && a->spool != NULL)
		codec_add_int(body, "ticket_printed_at", sold);
}

/* Whether the sale's receipt may open the drawer: not for a sale rung
 * again whose cash went in before, when no cash comes in or goes out now. */
static bool
checkout_drawer_shut(const struct ticket *t, const struct ticket_totals *tt)
{
	if (t->ncarried == 0 || tt->change > 0)
		return false;
	for (int i = t->ncarried; i < t->npayments; i++) {
		if (t->payments[i].tender == TENDER_CASH)
			return false;
	}
	return true;
}

/* The refused sale rung again is sold now: it leaves needs attention. */
static void
checkout_rering_done(struct app *a)
{
	struct sale *x;

	if (a->rering_entry == 0)
		return;
	if ((x = sales_by_entry(&a->sales, a->rering_entry)) != NULL)
		x->state = SALE_DISMISSED;
	session_dismiss(a->s, a->rering_entry);
	a->rering_entry = 0;
	app_load_attention(a);
}

void
checkout_submit(struct app *a)
{
	struct ticket_totals tt;
	struct order o;
	char day[DAY_MAX + 1], label[SALE_LABEL_MAX + 1], kind[64];
	int64_t now = util_now_ms(), entry;
	int seq = 0;
	enum ticket_err e;
	cJSON *body;

	if (!ticket_paid(&a->ticket)) {
		app_say(a, THEME_ERROR, "Not paid in full yet");
		return;
	}
	if (a->pay_order_id != 0) {
		checkout_pay_order(a);
		return;
	}
	if ((e = ticket_check(&a->ticket)) != TICKET_OK) {
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
		return;
	}
	ticket_totals(&a->ticket, &tt);
	if (tt.owed > 0) {
		char m[32];

		/* the server takes no card payment beyond the total, and a sale
		 * carries no refund: nothing goes until the ticket makes it up */
		app_money(tt.owed, m, sizeof m);
		app_say(a, THEME_ERROR, "The card paid before is %s more than this ticket and "
		    "cannot be given back as change: add to the ticket to make it up, or clear "
		    "it (the refused sale stays in needs attention)", m);
		return;
	}
	util_business_day(now, 4, day);
	if (counter_next(a->counter_path, day, &seq) < 0) {
		app_say(a, THEME_ERROR, "Cannot keep the order number (%s): nothing was sent",
		    a->counter_path);
		return;
	}
	sales_label(a->cfg.terminal, seq, label, sizeof label);
	ticket_totals(&a->ticket, &tt);
	ticket_to_order(&a->ticket, &o);
	o.number = 0;              /* the server numbers it; paper shows the label */
	o.created_at = o.updated_at = now;
	xstrlcpy(o.business_day, day, sizeof o.business_day);
	xstrlcpy(o.staff, a->staff, sizeof o.staff);
	xstrlcpy(o.terminal, a->cfg.terminal, sizeof o.terminal);
	order_record(&o, o.status, -1, now, a->staff);
	body = order_request_to_json(&o);
	checkout_sale_times(a, body, label);
	sales_kind(label, kind, sizeof kind);
	/* a manager approved its discounts for the key it goes under */
	if (a->sale_approval[0] != '\0')
		cJSON_AddStringToObject(body, "approval", a->sale_approval);
	entry = app_push_key(a, "POST", "/api/v1/orders", body, NULL, kind, 0, label,
	    a->sale_key[0] != '\0' ? a->sale_key : NULL);
	cJSON_Delete(body);
	if (entry < 0) {
		order_free(&o);
		return;   /* the ticket stays: nothing was sold */
	}
	/* all the change the guest got, at a refused sale rung again too */
	sales_add(&a->sales, entry, label, seq, tt.total, tt.change + a->ticket.given_back, now);
	checkout_flush_wait(a);
	a->receipt_shut = checkout_drawer_shut(&a->ticket, &tt);
	checkout_rering_done(a);
	a->receipt_order = o;      /* takes the items */
	xstrlcpy(a->receipt_label, label, sizeof a->receipt_label);
	a->receipt_wait_entry = entry;
	a->receipt_kitchen_pending = true;
	a->receipt_wait_until = util_mono_ms() + (app_offline(a) ? 0 : CHECKOUT_RECEIPT_WAIT_MS);
	a->last_change = tt.change;
	a->last_total = tt.total;
	a->last_entry = entry;
	snprintf(a->last_what, sizeof a->last_what, "Sale %s", label);
	log_info("sale %s queued as outbox entry %lld, total %lld", label, (long long)entry,
	    (long long)tt.total);
	checkout_new_ticket(a);
	app_go(a, SCREEN_DONE);
	if (app_offline(a))
		checkout_tick(a);
}

void
checkout_tick(struct app *a)
{
	struct sale *x;

	if (a->receipt_wait_entry == 0 || util_mono_ms() < a->receipt_wait_until)
		return;
	/* no answer in time: print what we have, with the provisional number */
	x = sales_by_entry(&a->sales, a->receipt_wait_entry);
	if (x != NULL) {
		x->printed = true;
		x->offline = true;
	}
	log_info("no answer for entry %lld in time: printing %s", (long long)a->receipt_wait_entry,
	    a->receipt_label[0] ? a->receipt_label : "the receipt");
	checkout_print(a, &a->receipt_order, a->receipt_label);
	checkout_wait_end(a);
	app_dirty(a);
}

void
checkout_entry_done(struct app *a, const struct outbox_entry *e)
{
	struct codec_error err;
	cJSON *j = e->response != NULL ? cJSON_Parse(e->response) : NULL;
	const char *label = sales_kind_label(e->kind);
	struct order o;
	int ok;

	if (strcmp(e->kind, "z-close") == 0) {
		const cJSON *rep = cJSON_GetObjectItemCaseSensitive(j, "report");

		report_free(&a->report);
		memset(&a->report, 0, sizeof a->report);
		if (report_from_json(rep != NULL ? rep : j, &a->report, &err) == 0) {
			a->have_report = true;
			if (a->spool != NULL)
				spool_report(a->spool, &a->report);
			app_say(a, THEME_SUCCESS, "Z report %d: the day is closed", a->report.z_number);
		} else {
			app_say(a, THEME_ERROR, "The Z report came back unreadable: %s", err.message);
		}
		cJSON_Delete(j);
		app_dirty(a);
		return;
	}
	order_init(&o);
	ok = j != NULL && order_from_json(j, &o, &err) == 0;
	cJSON_Delete(j);
	if (label != NULL) {
		struct sale *x = sales_by_entry(&a->sales, e->id);

		if (x != NULL && ok) {
			sales_done(x, o.id, o.number);
			if (x->offline)
				app_say(a, THEME_SUCCESS, "Sale %s is now order #%d", x->label, o.number);
		}
	}
	if (a->receipt_wait_entry == e->id) {
		/* the server answered in time: its number and pricing go on paper */
		checkout_print(a, ok ? &o : &a->receipt_order, ok ? NULL : a->receipt_label);
		checkout_wait_end(a);
	}
	order_free(&o);
	app_dirty(a);
}

void
checkout_entry_refused(struct app *a, const struct session_refusal *r)
{
	struct sale *x = sales_by_entry(&a->sales, r->entry);

	if (x != NULL)
		sales_refused(x, r->error);
	if (a->receipt_wait_entry == r->entry) {
		/* refused at once: nothing was sold, nothing is printed */
		checkout_wait_end(a);
	}
	app_say(a, THEME_ERROR, "Sale %s REFUSED: %s. A manager resolves it in needs "
	    "attention (F5)", x != NULL ? x->label : r->kind, r->error);
	app_dirty(a);
}

/* One sale a previous run queued (or the server refused meanwhile). */
struct restored {
	int64_t entry;
	const char *label;
	int64_t made_at;
	const char *error;           /* NULL: still queued */
};

static int
restored_cmp(const void *x, const void *y)
{
	const struct restored *p = x, *q = y;

	return p->entry < q->entry ? -1 : p->entry > q->entry;
}

void
checkout_restore(struct app *a)
{
	int np = session_npending(a->s);
	struct restored *r = xcalloc((size_t)(np + a->nattention) + 1, sizeof *r);
	int n = 0;

	for (int i = 0; i < np; i++) {
		const struct session_pending *p = session_pending(a->s, i);
		const char *label = sales_kind_label(p->name);

		if (label != NULL)
			r[n++] = (struct restored){ p->entry, label, p->made_at, NULL };
	}
	for (int i = 0; i < a->nattention; i++) {
		const struct outbox_entry *e = &a->attention[i];
		const char *label = sales_kind_label(e->kind);

		if (label != NULL)
			r[n++] = (struct restored){ e->id, label, e->created_at, e->error };
	}
	/* in the order they were rung up, as the last run showed them */
	qsort(r, (size_t)n, sizeof *r, restored_cmp);
	for (int i = 0; i < n && i < SALES_MAX; i++) {
		struct sale *x = sales_add(&a->sales, r[i].entry, r[i].label,
		    sales_label_seq(r[i].label), 0, 0, r[i].made_at);

		x->printed = true;
		if (r[i].error != NULL)
			sales_refused(x, r[i].error);
	}
	free(r);
}

/* A swipe approves nothing: it starts a card payment on the tender
 * screen, or fills in the card's brand and last 4 while the external
 * terminal's fields are up. */
void
checkout_card(struct app *a, const struct card_info *card)
{
	if (cardpay_busy(a)) {
		cardpay_swiped(a, card);
		return;
	}
	if (a->screen != SCREEN_TENDER || a->overlay != OVERLAY_NONE) {
		app_say(a, THEME_WARNING, "Card %s ****%s read: open the tender screen (Enter) "
		    "first, then swipe", card->brand, card->last4);
		return;
	}
	screen_tender_card(a, card);
	app_dirty(a);
}

void
checkout_card_done(struct app *a, const struct payterm_status *r, void *ctx)
{
	struct ticket_totals tt;
	char m[32], due[32], card[48] = "";
	enum ticket_err e;

	app_money(r->amount, m, sizeof m);
	if (r->state != PAYTERM_APPROVED) {
		/* nothing is recorded: the ticket stays as it was, unpaid */
		a->card.last = *r;
		a->card.show_last = true;
		ticket_totals(&a->ticket, &tt);
		app_money(tt.due, due, sizeof due);
		app_say(a, THEME_ERROR, "Card %s: %s. Nothing was taken: %s still due",
		    cardpay_result_word(r->state), r->message, due);
		return;
	}
	if (r->card.last4[0] != '\0')
		snprintf(card, sizeof card, " %s ****%s", r->card.brand, r->card.last4);
	e = ticket_pay_card(&a->ticket, r->amount, &r->card, r->approval);
	if (e != TICKET_OK) {
		/* the ticket changed under the terminal (a new price): the money
		 * is taken, so say so loudly rather than lose it */
		log_warn("card%s approved for %lld (code %s) but the ticket refused it: %s", card,
		    (long long)r->amount, r->approval, ticket_err_message(e));
		app_say(a, THEME_ERROR, "Card%s approved for %s (code %s) but the ticket cannot "
		    "take it (%s): refund it on the terminal", card, m, r->approval,
		    ticket_err_message(e));
		return;
	}
	field_clear(&a->f_amount);
	app_say(a, THEME_SUCCESS, "Card%s: %s approved, code %s", card, m, r->approval);
	if (ticket_paid(&a->ticket))
		checkout_submit(a);
	app_dirty(a);
}

void
checkout_bad_swipe(struct app *a, const char *why)
{
	app_say(a, THEME_ERROR, "%s", why);
}
