/* screen_order: one order with its history, as the server has it now;
 * a manager cancels it from here (the reason overlay). */
#include <stdio.h>
#include <time.h>

#include "codec.h"
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
	if (spool_receipt(a->spool, &a->detail, NULL) == 0)
		app_say(a, THEME_SUCCESS, "Printing the receipt of #%d", a->detail.number);
}

static const struct binding order_map[] = {
	{ INPUT_CTRL('k'), "^K", "cancel order", MANAGERS, overlay_reason_open },
	{ INPUT_CTRL('r'), "^R", "print receipt", 0, order_reprint },
	{ INPUT_ESC, "Esc", "back", 0, order_back },
};
const struct keytable screen_order_keys = { order_map, KEYS_ROWS(order_map), NULL };

void
screen_order_draw(struct app *a)
{
	const struct order *o = &a->detail;
	int y = 1, h = term_rows() - 3, w = term_cols();
	char buf[256], amount[32];

	view_order_line(o, buf, sizeof buf);
	draw_text(y++, 0, w, THEME_TITLE, buf);
	if (o->customer.phone[0] || o->customer.address[0])
		draw_textf(y++, 2, w - 2, THEME_NORMAL, "%s  %s", o->customer.phone,
		    o->customer.address);
	if (o->cancel_reason[0])
		draw_textf(y++, 2, w - 2, THEME_ERROR, "Cancelled: %s", o->cancel_reason);
	for (int i = 0; i < o->nitems && y < h - 8; i++) {
		app_money(o->items[i].line_total, amount, sizeof amount);
		snprintf(buf, sizeof buf, "  %d x %s", o->items[i].qty, o->items[i].name);
		view_lr(y++, 0, w / 2, THEME_NORMAL, buf, amount);
	}
	app_money(o->total, amount, sizeof amount);
	view_lr(y++, 0, w / 2, THEME_TOTAL, "  TOTAL", amount);
	y++;
	draw_text(y++, 0, w, THEME_TITLE, "History");
	for (int i = 0; i < o->nhistory && y < h; i++) {
		const struct order_change *c = &o->history[i];
		char when[16];
		time_t t = (time_t)(c->at / 1000);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		draw_textf(y++, 2, w - 2, THEME_NORMAL, "%s  %-16s %-10s by %s", when,
		    status_name(c->status), c->action >= 0 ?
		    action_name((enum order_action)c->action) : "create", c->by);
	}
}
