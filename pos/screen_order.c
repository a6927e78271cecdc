/* screen_order: one order as the server has it now: its lines (one
 * selected) with what was voided, refunded and discounted, its figures
 * and balance, its payments (charges and refunds), its corrections and
 * its history. Corrections start here (overlay_correct.c); a manager
 * cancels it (the reason overlay). Its receipt and its kitchen ticket
 * print again as it stands now. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "correct.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "view.h"

static void
on_detail(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	struct codec_error err;

	if (r->err != API_OK) {
		app_say(a, THEME_WARNING, "Order not refreshed (%s): showing what was loaded",
		    r->message);
		return;
	}
	order_free(&a->detail);
	order_init(&a->detail);
	if (order_from_json(r->json, &a->detail, &err) < 0)
		app_say(a, THEME_ERROR, "The order is not readable: %s", err.message);
	app_dirty(a);
}

void
screen_order_open(struct app *a, const struct order *o, enum pos_screen back)
{
	char path[64];

	order_free(&a->detail);
	order_copy(&a->detail, o);
	a->have_detail = true;
	a->detail_sel = 0;
	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)a->detail.id);
	session_get(a->s, path, on_detail, a);
	a->back = back;
	app_go(a, SCREEN_ORDER);
}

static void
order_back(struct app *a, int key)
{
	app_go(a, a->back == SCREEN_ORDER ? SCREEN_ORDERS : a->back);
	screen_orders_load(a);
}

static void
order_reprint(struct app *a, int key)
{
	if (a->spool == NULL || !spool_has_receipt_printer(a->spool)) {
		app_say(a, THEME_ERROR, "No receipt printer (--printer)");
		return;
	}
	if (spool_receipt_again(a->spool, &a->detail) == 0)
		app_say(a, THEME_SUCCESS, "Printing the receipt of #%d", a->detail.number);
}

/* The kitchen ticket again, as the order stands: what was voided is not
 * made. */
static void
order_kitchen(struct app *a, int key)
{
	int rc;

	if (a->spool == NULL || (!spool_has_kitchen_printer(a->spool) &&
	    !spool_has_receipt_printer(a->spool))) {
		app_say(a, THEME_ERROR, "No printer for kitchen tickets (--kitchen-printer)");
		return;
	}
	rc = spool_kitchen_copy(a->spool, &a->detail);
	if (rc == 1)
		app_say(a, THEME_WARNING, "Nothing of #%d is left to make: no kitchen ticket",
		    a->detail.number);
	else if (rc == 0)
		app_say(a, THEME_SUCCESS, "Printing the kitchen ticket of #%d", a->detail.number);
	else
		app_say(a, THEME_ERROR, "The kitchen ticket could not be queued (see the log)");
}

static void
order_move(struct app *a, int key)
{
	keys_list_move(&a->detail_sel, a->detail.nitems, key);
}

static const struct binding order_map[] = {
	{ INPUT_UP, NULL, NULL, 0, order_move },
	{ INPUT_DOWN, "Up/Dn", "line", 0, order_move },
	{ 'v', "v", "void line", 0, correct_void_line },
	{ 'V', "V", "void order", 0, correct_void_order },
	{ 'd', "d", "discount line", 0, correct_discount_line },
	{ 'D', "D", "discount order", 0, correct_discount_order },
	{ 'c', "c", "comp line", 0, correct_comp_line },
	{ 'r', "r", "refund", 0, correct_refund },
	{ INPUT_CTRL('k'), "^K", "cancel order", MANAGERS, overlay_reason_open },
	{ INPUT_CTRL('r'), "^R", "print receipt", 0, order_reprint },
	{ INPUT_CTRL('p'), "^P", "kitchen ticket", 0, order_kitchen },
	{ INPUT_ESC, "Esc", "back", 0, order_back },
};
const struct keytable screen_order_keys = { order_map, KEYS_ROWS(order_map), NULL };

/* "2 x Classic Burger  (1 voided, -10%)" */
static void
line_text(const struct order_item *it, char *buf, size_t size)
{
	char marks[96], m[32];
	size_t n = 0;

	marks[0] = '\0';
	if (it->voided > 0)
		n += (size_t)snprintf(marks + n, sizeof marks - n, "%s%d voided", n ? ", " : "",
		    it->voided);
	if (it->refunded > 0 && n < sizeof marks)
		n += (size_t)snprintf(marks + n, sizeof marks - n, "%s%d refunded",
		    n ? ", " : "", it->refunded);
	if (discount_set(&it->disc) && n < sizeof marks) {
		if (it->disc.comp)
			snprintf(m, sizeof m, "comp");
		else if (it->disc.percent_bp > 0)
			snprintf(m, sizeof m, "-%d.%02d%%", it->disc.percent_bp / 100,
			    it->disc.percent_bp % 100);
		else {
			m[0] = '-';
			money_format(it->disc.amount, m + 1, sizeof m - 1);
		}
		snprintf(marks + n, sizeof marks - n, "%s%s", n ? ", " : "", m);
	}
	if (marks[0])
		snprintf(buf, size, "%d x %s  (%s)", it->qty, it->name, marks);
	else
		snprintf(buf, size, "%d x %s", it->qty, it->name);
}

/* The lines (the selected one marked), the figures, the balance. */
static int
draw_lines(struct app *a, int y, int x, int w, int h)
{
	const struct order *o = &a->detail;
	char buf[256], amount[32];

	if (a->detail_sel >= o->nitems)
		a->detail_sel = o->nitems > 0 ? o->nitems - 1 : 0;
	for (int i = 0; i < o->nitems && y < h - 7; i++) {
		const struct order_item *it = &o->items[i];
		bool sel = i == a->detail_sel;
		enum theme_role r = sel ? THEME_SELECTED : order_item_left(it) == 0 ? THEME_DIM :
		    THEME_NORMAL;

		buf[0] = sel ? '>' : ' ';
		buf[1] = ' ';
		line_text(it, buf + 2, sizeof buf - 2);
		app_money(it->net, amount, sizeof amount);
		if (sel)
			draw_fill(y, x, 1, w, r);
		view_lr(y++, x, w, r, buf, amount);
	}
	if (discount_set(&o->disc)) {
		char left[64];

		if (o->disc.percent_bp > 0)
			snprintf(left, sizeof left, "  Order discount %d.%02d%%",
			    o->disc.percent_bp / 100, o->disc.percent_bp % 100);
		else
			snprintf(left, sizeof left, "  Order discount");
		app_money(-o->disc.value, amount, sizeof amount);
		view_lr(y++, x, w, THEME_NORMAL, left, amount);
	}
	app_money(o->subtotal, amount, sizeof amount);
	view_lr(y++, x, w, THEME_NORMAL, "  Subtotal", amount);
	app_money(o->tax, amount, sizeof amount);
	view_lr(y++, x, w, THEME_NORMAL, "  Tax", amount);
	app_money(o->total, amount, sizeof amount);
	view_lr(y++, x, w, THEME_TOTAL, "  TOTAL", amount);
	if (o->npayments > 0) {
		correct_balance_text(o, buf, sizeof buf);
		draw_textf(y++, x, w, o->balance < 0 ? THEME_WARNING : o->balance > 0 ?
		    THEME_ERROR : THEME_SUCCESS, "  Balance: %s", buf);
	}
	return y;
}

/* The ledger: charges and refunds with tender, card, approval, who. */
static int
draw_ledger(struct app *a, int y, int x, int w, int h)
{
	const struct order *o = &a->detail;
	char left[128], amount[32];

	draw_text(y++, x, w, THEME_TITLE, "Payments");
	if (o->npayments == 0)
		draw_text(y++, x + 2, w - 2, THEME_DIM, "none");
	for (int i = 0; i < o->npayments && y < h; i++) {
		const struct payment *p = &o->payments[i];
		int n;

		n = snprintf(left, sizeof left, "%s %s", p->kind == PAYMENT_REFUND ? "refund" :
		    "charge", tender_name(p->tender));
		if (p->tender == TENDER_CARD && p->card.last4[0])
			n += snprintf(left + n, sizeof left - (size_t)n, " %s ****%s",
			    p->card.brand, p->card.last4);
		if (p->approval[0])
			n += snprintf(left + n, sizeof left - (size_t)n, " appr %s", p->approval);
		if (p->by[0])
			snprintf(left + n, sizeof left - (size_t)n, " by %s", p->by);
		app_money(p->kind == PAYMENT_REFUND ? -p->amount : p->amount, amount,
		    sizeof amount);
		view_lr(y++, x + 2, w - 2, p->kind == PAYMENT_REFUND ? THEME_WARNING :
		    THEME_NORMAL, left, amount);
	}
	if (o->change > 0) {
		app_money(-o->change, amount, sizeof amount);
		view_lr(y++, x + 2, w - 2, THEME_NORMAL, "change", amount);
	}
	return y;
}

void
screen_order_draw(struct app *a)
{
	const struct order *o = &a->detail;
	int y = 1, h = term_rows() - 3, w = term_cols(), half = w / 2, ry;
	char buf[256];

	view_order_line(o, buf, sizeof buf);
	if (app_pending_for(a, o->id))
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "  (change pending)");
	draw_text(y++, 0, w, THEME_TITLE, buf);
	if (o->customer.phone[0] || o->customer.address[0])
		draw_textf(y++, 2, w - 2, THEME_NORMAL, "%s  %s", o->customer.phone,
		    o->customer.address);
	if (o->cancel_reason[0])
		draw_textf(y++, 2, w - 2, THEME_ERROR, "Cancelled: %s", o->cancel_reason);
	ry = y;
	draw_lines(a, y, 0, half - 1, h);
	/* the right half: the ledger, the corrections, the history */
	ry = draw_ledger(a, ry, half + 1, w - half - 1, h);
	if (o->ncorrections > 0 && ry < h - 2) {
		ry++;
		draw_text(ry++, half + 1, w - half - 1, THEME_TITLE, "Corrections");
		for (int i = 0; i < o->ncorrections && ry < h - 4; i++) {
			const struct correction *c = &o->corrections[i];
			char line[48];

			if (c->line >= 0 && c->line < o->nitems)
				snprintf(line, sizeof line, "%d x %s", c->qty > 0 ? c->qty : 1,
				    o->items[c->line].name);
			else
				snprintf(line, sizeof line, "order");
			draw_textf(ry++, half + 3, w - half - 3, THEME_NORMAL, "%-8s %-18.18s %s by %s%s%s",
			    correction_kind_name(c->kind), line, c->reason, c->by,
			    c->approved_by[0] ? ", approved " : "", c->approved_by);
		}
	}
	ry++;
	if (ry < h)
		draw_text(ry++, half + 1, w - half - 1, THEME_TITLE, "History");
	for (int i = 0; i < o->nhistory && ry < h; i++) {
		const struct order_change *c = &o->history[i];
		char when[16];
		time_t t = (time_t)(c->at / 1000);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		draw_textf(ry++, half + 3, w - half - 3, THEME_NORMAL, "%s  %-16s %-10s by %s", when,
		    status_name(c->status), c->action >= 0 ?
		    action_name((enum order_action)c->action) : "create", c->by);
	}
}
