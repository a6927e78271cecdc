/* floor: the waiter's dispatch board, today's orders with their history,
 * and the manager's tools (cancel, 86, needs attention, X/Z reports,
 * staff): bindings, handlers and the requests behind them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "catalog.h"
#include "codec.h"
#include "keys.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

enum confirm_what { CONFIRM_Z, CONFIRM_DISMISS };

static void
list_step(int *sel, int n, int key)
{
	*sel += key == INPUT_UP ? -1 : key == INPUT_DOWN ? 1 : key == INPUT_PGUP ? -10 : 10;
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < 0)
		*sel = 0;
}

static void
back_to_sale(struct app *a, int key)
{
	app_go(a, SCREEN_ENTRY);
}

/* ---- dispatch ---- */

void
floor_rebuild(struct app *a)
{
	const struct order **list;
	int n = a->cache != NULL ? cache_norders(a->cache) : 0;

	list = xcalloc((size_t)n + 1, sizeof *list);
	for (int i = 0; i < n; i++)
		list[i] = cache_order(a->cache, i);
	dispatch_build(&a->dispatch, list, n, a->role);
	free(list);
}

/* Send a lifecycle action through the outbox, marked pending on screen. */
static void
floor_act(struct app *a, int64_t id, int number, int version, enum order_action act,
    const char *reason)
{
	cJSON *body = cJSON_CreateObject();
	char path[96], key[32], what[48];

	cJSON_AddStringToObject(body, "action", action_name(act));
	codec_add_int(body, "expected_version", version);
	if (reason != NULL)
		cJSON_AddStringToObject(body, "reason", reason);
	snprintf(path, sizeof path, "/api/v1/orders/%lld/actions", (long long)id);
	snprintf(key, sizeof key, "order:%lld", (long long)id);
	snprintf(what, sizeof what, "%s #%d", action_name(act), number);
	if (app_push(a, "POST", path, body, key, what, id, what) > 0)
		app_say(a, THEME_PENDING, "%s: sent", what);
	cJSON_Delete(body);
}

static void
dispatch_move_key(struct app *a, int key)
{
	dispatch_move(&a->dispatch, key == INPUT_UP ? -1 : key == INPUT_DOWN ? 1 :
	    key == INPUT_PGUP ? -10 : 10);
}

static void
dispatch_next_group(struct app *a, int key)
{
	const struct dispatch_row *r = dispatch_selected(&a->dispatch);

	if (r == NULL)
		return;
	for (int i = a->dispatch.sel + 1; i < a->dispatch.nrows; i++) {
		if (a->dispatch.rows[i].group != r->group) {
			dispatch_move(&a->dispatch, i - a->dispatch.sel);
			return;
		}
	}
	dispatch_move(&a->dispatch, -a->dispatch.sel);
}

/* Enter: the one action the lifecycle table allows on the row. */
static void
dispatch_do(struct app *a, int key)
{
	const struct dispatch_row *r = dispatch_selected(&a->dispatch);
	const struct order *o;

	if (r == NULL) {
		app_say(a, THEME_DIM, "Nothing to hand over");
		return;
	}
	if (r->action < 0) {
		app_say(a, THEME_ERROR, "A %s cannot move order #%d now", role_name(a->role),
		    r->number);
		return;
	}
	if (app_pending_for(a, r->id)) {
		app_say(a, THEME_PENDING, "#%d: already sent, waiting for the server", r->number);
		return;
	}
	if (r->action != ACTION_PAY) {
		floor_act(a, r->id, r->number, r->version, (enum order_action)r->action, NULL);
		return;
	}
	/* pay at pickup: the order's items on the ticket, then the tender */
	o = cache_find(a->cache, r->id);
	if (o == NULL)
		return;
	checkout_new_ticket(a);
	for (int i = 0; i < o->nitems && i < ITEMS_MAX; i++) {
		struct ticket_line *l = &a->ticket.lines[a->ticket.nlines++];
		const struct order_item *it = &o->items[i];

		memset(l, 0, sizeof *l);
		xstrlcpy(l->sku, it->sku, sizeof l->sku);
		xstrlcpy(l->name, it->name, sizeof l->name);
		xstrlcpy(l->station, it->station, sizeof l->station);
		xstrlcpy(l->kitchen_name, it->kitchen_name, sizeof l->kitchen_name);
		l->tax_bp = it->tax_bp;
		l->qty = it->qty;
		l->nmods = it->nmods;
		memcpy(l->mods, it->mods, sizeof l->mods);
		l->price = it->unit_price;
		for (int m = 0; m < it->nmods; m++)
			l->price -= it->mods[m].price;
		xstrlcpy(l->note, it->note, sizeof l->note);
	}
	a->ticket.service = o->service;
	a->ticket.source = o->source;
	a->pay_order_id = o->id;
	a->pay_order_version = o->version;
	order_free(&a->pay_order);
	order_copy(&a->pay_order, o);
	app_go(a, SCREEN_TENDER);
	app_say(a, THEME_DIM, "Paying online order #%d at pickup", o->number);
}

static const struct binding dispatch_map[] = {
	{ INPUT_ENTER, "Enter", "serve / pickup / dispatch / deliver / pay", 0, dispatch_do },
	{ INPUT_UP, NULL, NULL, 0, dispatch_move_key },
	{ INPUT_DOWN, "Up/Dn", "order", 0, dispatch_move_key },
	{ INPUT_PGUP, NULL, NULL, 0, dispatch_move_key },
	{ INPUT_PGDN, NULL, NULL, 0, dispatch_move_key },
	{ INPUT_TAB, "Tab", "next group", 0, dispatch_next_group },
	{ INPUT_ESC, NULL, NULL, 0, back_to_sale },
};
const struct keytable floor_dispatch_keys = { dispatch_map, KEYS_ROWS(dispatch_map), NULL };

/* ---- today's orders ---- */

static int
order_cmp_desc(const void *x, const void *y)
{
	const struct order *a = x, *b = y;

	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

static void
floor_on_orders(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, "orders");
	const cJSON *e;
	struct codec_error err;
	int n = 0;

	a->orders_loading = false;
	if (r->err != API_OK || !cJSON_IsArray(arr)) {
		app_say(a, THEME_ERROR, "Today's orders could not be loaded: %s", r->message);
		app_dirty(a);
		return;
	}
	for (int i = 0; i < a->norders; i++)
		order_free(&a->orders[i]);
	free(a->orders);
	a->orders = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *a->orders);
	cJSON_ArrayForEach(e, arr) {
		order_init(&a->orders[n]);
		if (order_from_json(e, &a->orders[n], &err) == 0)
			n++;
		else
			order_free(&a->orders[n]);
	}
	a->norders = n;
	qsort(a->orders, (size_t)n, sizeof *a->orders, order_cmp_desc);
	if (a->orders_sel >= n)
		a->orders_sel = n > 0 ? n - 1 : 0;
	app_dirty(a);
}

static void
floor_load_orders(struct app *a)
{
	a->orders_loading = true;
	session_get(a->s, "/api/v1/orders?day=today&limit=2000", floor_on_orders, a);
}

/* Whether an order matches what was typed: its number, a table, a name, a
 * phone, a status or an item's sku or name. */
static bool
order_matches(const struct order *o, const char *q)
{
	char num[16];

	if (q[0] == '\0')
		return true;
	snprintf(num, sizeof num, "%d", o->number);
	if (q[0] == '#')
		return strcmp(num, q + 1) == 0;
	if (strcmp(num, q) == 0 || strcasestr(o->table, q) || strcasestr(o->customer.name, q) ||
	    strcasestr(o->customer.phone, q) || strcasecmp(status_name(o->status), q) == 0 ||
	    strcasestr(service_name(o->service), q))
		return true;
	for (int i = 0; i < o->nitems; i++) {
		if (strcasecmp(o->items[i].sku, q) == 0 || strcasestr(o->items[i].name, q))
			return true;
	}
	return false;
}

int
floor_orders_visible(const struct app *a, int *out, int max)
{
	int n = 0;

	for (int i = 0; i < a->norders && n < max; i++) {
		if (order_matches(&a->orders[i], a->f_filter.text))
			out[n++] = i;
	}
	return n;
}

static void
orders_text(struct app *a, int key)
{
	if (field_put(&a->f_filter, key))
		a->orders_sel = 0;
}

static void
orders_back(struct app *a, int key)
{
	field_back(&a->f_filter);
	a->orders_sel = 0;
}

static void
orders_esc(struct app *a, int key)
{
	if (!field_empty(&a->f_filter)) {
		field_clear(&a->f_filter);
		a->orders_sel = 0;
		return;
	}
	app_go(a, SCREEN_ENTRY);
}

static void
orders_move(struct app *a, int key)
{
	static int vis[LIST_MAX];
	int n = floor_orders_visible(a, vis, LIST_MAX);

	list_step(&a->orders_sel, n, key);
}

static void
floor_on_detail(void *ctx, struct api_reply *r)
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

static void
orders_open(struct app *a, int key)
{
	static int vis[LIST_MAX];
	int n = floor_orders_visible(a, vis, LIST_MAX);
	char path[64];

	if (a->orders_sel >= n)
		return;
	order_free(&a->detail);
	order_copy(&a->detail, &a->orders[vis[a->orders_sel]]);
	a->have_detail = true;
	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)a->detail.id);
	session_get(a->s, path, floor_on_detail, a);
	a->back = SCREEN_ORDERS;
	app_go(a, SCREEN_ORDER);
}

static void
orders_reload(struct app *a, int key)
{
	floor_load_orders(a);
	app_say(a, THEME_DIM, "Reloading today's orders");
}

static const struct binding orders_map[] = {
	{ INPUT_ENTER, "Enter", "open", 0, orders_open },
	{ INPUT_UP, NULL, NULL, 0, orders_move },
	{ INPUT_DOWN, "Up/Dn", "order", 0, orders_move },
	{ INPUT_PGUP, NULL, NULL, 0, orders_move },
	{ INPUT_PGDN, NULL, NULL, 0, orders_move },
	{ 'a', "type", "search", 0, NULL },
	{ INPUT_CTRL('r'), "^R", "reload", 0, orders_reload },
	{ INPUT_BACKSPACE, NULL, NULL, 0, orders_back },
	{ INPUT_ESC, "Esc", "clear / back", 0, orders_esc },
};
const struct keytable floor_orders_keys = { orders_map, KEYS_ROWS(orders_map), orders_text };

/* ---- one order ---- */

static void
order_back(struct app *a, int key)
{
	app_go(a, a->back == SCREEN_ORDER ? SCREEN_ORDERS : a->back);
	floor_load_orders(a);
}

static void
order_cancel(struct app *a, int key)
{
	if (!(lifecycle_allowed(a->role, false, a->detail.status, a->detail.service) &
	    (1u << ACTION_CANCEL))) {
		app_say(a, THEME_ERROR, "Order #%d is %s: only a PENDING or PAID order can be "
		    "cancelled", a->detail.number, status_name(a->detail.status));
		return;
	}
	field_clear(&a->f_reason);
	a->cancel_id = a->detail.id;
	a->cancel_version = a->detail.version;
	a->overlay = OVERLAY_REASON;
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
	{ INPUT_CTRL('k'), "^K", "cancel order", MANAGERS, order_cancel },
	{ INPUT_CTRL('r'), "^R", "print receipt", 0, order_reprint },
	{ INPUT_ESC, "Esc", "back", 0, order_back },
};
const struct keytable floor_order_keys = { order_map, KEYS_ROWS(order_map), NULL };

static void
reason_text(struct app *a, int key)
{
	if (!field_put(&a->f_reason, key))
		app_say(a, THEME_ERROR, "A reason holds at most %d bytes", REASON_MAX);
}

static void
reason_back(struct app *a, int key)
{
	field_back(&a->f_reason);
}

static void
reason_close(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
}

static void
reason_send(struct app *a, int key)
{
	if (field_empty(&a->f_reason)) {
		app_say(a, THEME_ERROR, "Say why the order is cancelled");
		return;
	}
	floor_act(a, a->cancel_id, a->detail.number, a->cancel_version, ACTION_CANCEL,
	    a->f_reason.text);
	a->overlay = OVERLAY_NONE;
}

static const struct binding reason_map[] = {
	{ INPUT_ENTER, "Enter", "cancel the order", MANAGERS, reason_send },
	{ INPUT_BACKSPACE, NULL, NULL, 0, reason_back },
	{ INPUT_ESC, "Esc", "keep it", 0, reason_close },
};
const struct keytable floor_reason_keys = { reason_map, KEYS_ROWS(reason_map), reason_text };

/* ---- needs attention: refused changes and cut-off print jobs ---- */

static void
attention_move(struct app *a, int key)
{
	list_step(&a->attention_sel, a->nattention, key);
}

static const struct outbox_entry *
attention_selected(const struct app *a)
{
	return a->attention_sel < a->nattention ? &a->attention[a->attention_sel] : NULL;
}

static void
attention_retry(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);
	char kind[sizeof e->kind];
	struct sale *x;
	int64_t id;

	if (e == NULL) {
		app_say(a, THEME_DIM, "Nothing needs attention");
		return;
	}
	/* the session's news may read the list again: e goes with it */
	id = e->id;
	xstrlcpy(kind, e->kind, sizeof kind);
	if (session_retry(a->s, id) != 0) {
		app_say(a, THEME_ERROR, "Could not send it again");
		return;
	}
	app_say(a, THEME_PENDING, "%s: sent again", kind);
	if ((x = sales_by_entry(&a->sales, id)) != NULL)
		x->state = SALE_QUEUED;
	app_load_attention(a);
}

static void
attention_dismiss(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);

	if (e == NULL)
		return;
	a->confirm_action = CONFIRM_DISMISS;
	a->overlay = OVERLAY_CONFIRM;
}

/* A refused sale back on the ticket: fix it (drop the 86'd item) and
 * ring it again; the refused entry is dismissed once the new one is in. */
static void
attention_reopen(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);
	const struct menu *m = app_menu(a);
	struct codec_error err;
	struct order o;
	cJSON *j;
	struct sale *x;

	if (e == NULL || sales_kind_label(e->kind) == NULL) {
		app_say(a, THEME_ERROR, "Only a refused sale can go back on the ticket");
		return;
	}
	j = cJSON_Parse(e->body);
	order_init(&o);
	if (j == NULL || order_request_from_json(j, &o, &err) < 0) {
		cJSON_Delete(j);
		order_free(&o);
		app_say(a, THEME_ERROR, "That entry cannot be read back");
		return;
	}
	cJSON_Delete(j);
	checkout_new_ticket(a);
	a->ticket.service = o.service;
	a->ticket.source = o.source;
	ticket_set_table(&a->ticket, o.table);
	ticket_set_customer(&a->ticket, o.customer.name, o.customer.phone, o.customer.address);
	for (int i = 0; i < o.nitems; i++) {
		if (ticket_add(&a->ticket, m, o.items[i].sku, o.items[i].qty) != TICKET_OK)
			continue;   /* 86'd or gone: left off, the cashier sees it */
		for (int k = 0; k < o.items[i].nmods; k++)
			ticket_toggle_mod(&a->ticket, m, o.items[i].mods[k].code);
		ticket_set_note(&a->ticket, o.items[i].note);
	}
	order_free(&o);
	if ((x = sales_by_entry(&a->sales, e->id)) != NULL)
		x->state = SALE_DISMISSED;
	session_dismiss(a->s, e->id);   /* e may go with the list after this */
	app_load_attention(a);
	app_go(a, SCREEN_ENTRY);
	app_say(a, THEME_WARNING, "The refused sale is back on the ticket: check it, then "
	    "tender again");
}

static void
attention_print(struct app *a, int key)
{
	if (a->printers.attention == 0) {
		app_say(a, THEME_DIM, "No print job needs attention");
		return;
	}
	spool_resolve(a->spool, a->printers.attention_job, key == INPUT_CTRL('p'));
	app_say(a, THEME_SUCCESS, key == INPUT_CTRL('p') ? "Printing it again" : "Discarded");
}

static void
attention_back(struct app *a, int key)
{
	app_go(a, SCREEN_ENTRY);
}

static const struct binding attention_map[] = {
	{ INPUT_UP, NULL, NULL, 0, attention_move },
	{ INPUT_DOWN, "Up/Dn", "entry", 0, attention_move },
	{ INPUT_ENTER, "Enter", "send again", MANAGERS, attention_retry },
	{ INPUT_CTRL('o'), "^O", "sale back on ticket", MANAGERS, attention_reopen },
	{ INPUT_DELETE, "Del", "dismiss", MANAGERS, attention_dismiss },
	{ INPUT_CTRL('p'), "^P", "reprint job", 0, attention_print },
	{ INPUT_CTRL('d'), "^D", "discard job", 0, attention_print },
	{ INPUT_ESC, "Esc", "back", 0, attention_back },
};
const struct keytable floor_attention_keys = { attention_map, KEYS_ROWS(attention_map), NULL };

/* ---- 86 board ---- */

static void
menu_move(struct app *a, int key)
{
	const struct menu *m = app_menu(a);

	if (m != NULL)
		list_step(&a->menu_sel, m->nitems, key);
}

static void
menu_toggle(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *it;
	cJSON *body;
	char path[64], what[64];

	if (m == NULL || a->menu_sel >= m->nitems)
		return;
	it = &m->items[a->menu_sel];
	body = cJSON_CreateObject();
	cJSON_AddBoolToObject(body, "available", !it->available);
	snprintf(path, sizeof path, "/api/v1/menu/items/%s", it->sku);
	snprintf(what, sizeof what, "%s %s", it->available ? "86" : "back on", it->sku);
	if (app_push(a, "PATCH", path, body, NULL, what, 0, what) > 0)
		app_say(a, THEME_PENDING, "%s: %s sent", it->name, it->available ?
		    "86 (off the menu)" : "back on the menu");
	cJSON_Delete(body);
}

static void
menu_text(struct app *a, int key)
{
	const struct menu *m = app_menu(a);

	if (key == ' ') {
		menu_toggle(a, key);
		return;
	}
	/* a letter or digit jumps to the next item whose sku starts with it */
	for (int k = 1; m != NULL && k <= m->nitems; k++) {
		int i = (a->menu_sel + k) % m->nitems;

		if (strncasecmp(m->items[i].sku, (char[]){ (char)key, 0 }, 1) == 0) {
			a->menu_sel = i;
			return;
		}
	}
}

static const struct binding menu_map[] = {
	{ INPUT_ENTER, "Enter", "86 / back on", MANAGERS, menu_toggle },
	{ INPUT_UP, NULL, NULL, 0, menu_move },
	{ INPUT_DOWN, "Up/Dn", "item", 0, menu_move },
	{ INPUT_PGUP, NULL, NULL, 0, menu_move },
	{ INPUT_PGDN, NULL, NULL, 0, menu_move },
	{ 'a', "letter", "jump to sku", 0, NULL },
	{ INPUT_ESC, "Esc", "back", 0, back_to_sale },
};
const struct keytable floor_menu_keys = { menu_map, KEYS_ROWS(menu_map), menu_text };

/* ---- reports ---- */

static void
floor_on_report(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	struct codec_error err;

	a->report_loading = false;
	if (r->err != API_OK) {
		app_say(a, THEME_ERROR, "X report: %s", r->message);
		app_dirty(a);
		return;
	}
	report_free(&a->report);
	if (report_from_json(r->json, &a->report, &err) < 0) {
		a->have_report = false;
		app_say(a, THEME_ERROR, "The X report is not readable: %s", err.message);
	} else {
		a->have_report = true;
		app_say(a, THEME_SUCCESS, "X report: since the last Z close");
	}
	app_dirty(a);
}

static void
report_x(struct app *a, int key)
{
	a->report_loading = true;
	session_get(a->s, "/api/v1/reports/daily", floor_on_report, a);
}

static void
report_z(struct app *a, int key)
{
	a->confirm_action = CONFIRM_Z;
	a->overlay = OVERLAY_CONFIRM;
}

static void
report_print(struct app *a, int key)
{
	if (!a->have_report) {
		app_say(a, THEME_ERROR, "No report on screen: x for an X report");
		return;
	}
	if (a->spool == NULL || spool_report(a->spool, &a->report) < 0)
		app_say(a, THEME_ERROR, "No receipt printer (--printer)");
	else
		app_say(a, THEME_SUCCESS, "Printing the %s report", a->report.final ? "Z" : "X");
}

static void
report_text(struct app *a, int key)
{
	if (key == 'x' || key == 'X')
		report_x(a, key);
	else if (key == 'z' || key == 'Z')
		report_z(a, key);
	else if (key == 'p' || key == 'P')
		report_print(a, key);
}

static const struct binding reports_map[] = {
	{ 'x', "x", "X report", MANAGERS, report_x },
	{ 'z', "z", "Z close", MANAGERS, report_z },
	{ 'p', "p", "print", MANAGERS, report_print },
	{ INPUT_ESC, "Esc", "back", 0, back_to_sale },
};
const struct keytable floor_reports_keys = { reports_map, KEYS_ROWS(reports_map), report_text };

static void
confirm_yes(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
	if (a->confirm_action == CONFIRM_Z) {
		cJSON *body = cJSON_CreateObject();

		if (app_push(a, "POST", "/api/v1/reports/z", body, "z-close", "z-close", 0,
		    "Z close") > 0)
			app_say(a, THEME_PENDING, "Z close sent: the report prints when the server "
			    "answers");
		cJSON_Delete(body);
	} else {
		const struct outbox_entry *e = attention_selected(a);
		char kind[sizeof e->kind];
		struct sale *x;
		int64_t id;

		if (e == NULL)
			return;
		/* the session's news may read the list again: e goes with it */
		id = e->id;
		xstrlcpy(kind, e->kind, sizeof kind);
		if (session_dismiss(a->s, id) == 0) {
			app_say(a, THEME_WARNING, "%s dismissed: it will not be sent", kind);
			if ((x = sales_by_entry(&a->sales, id)) != NULL)
				x->state = SALE_DISMISSED;
		}
		app_load_attention(a);
	}
}

static void
confirm_no(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
	app_say(a, THEME_DIM, "Nothing done");
}

static void
confirm_text(struct app *a, int key)
{
	if (key == 'y' || key == 'Y')
		confirm_yes(a, key);
	else if (key == 'n' || key == 'N')
		confirm_no(a, key);
}

static const struct binding confirm_map[] = {
	{ 'y', "y", "yes", MANAGERS, NULL },
	{ 'n', "n", "no", 0, NULL },
	{ INPUT_ESC, "Esc", "no", 0, confirm_no },
};
const struct keytable floor_confirm_keys = { confirm_map, KEYS_ROWS(confirm_map), confirm_text };

/* ---- staff ---- */

static void
floor_on_staff(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;

	if (r->err != API_OK) {
		app_say(a, THEME_ERROR, "Staff list: %s", r->message);
		return;
	}
	cJSON_Delete(a->staff_list);
	a->staff_list = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(r->json, "staff"), 1);
	app_dirty(a);
}

static void
staff_move(struct app *a, int key)
{
	list_step(&a->staff_sel, cJSON_GetArraySize(a->staff_list), key);
}

static void
staff_toggle(struct app *a, int key)
{
	const cJSON *s = cJSON_GetArrayItem(a->staff_list, a->staff_sel);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "staff");
	const cJSON *active = cJSON_GetObjectItemCaseSensitive(s, "active");
	cJSON *body;
	char path[64], what[64];

	if (!cJSON_IsString(code))
		return;
	body = cJSON_CreateObject();
	cJSON_AddBoolToObject(body, "active", !cJSON_IsTrue(active));
	snprintf(path, sizeof path, "/api/v1/staff/%s", code->valuestring);
	snprintf(what, sizeof what, "%s %s", cJSON_IsTrue(active) ? "disable" : "enable",
	    code->valuestring);
	if (app_push(a, "PATCH", path, body, NULL, what, 0, what) > 0)
		app_say(a, THEME_PENDING, "%s: sent", what);
	cJSON_Delete(body);
}

static void
staff_reload(struct app *a, int key)
{
	session_get(a->s, "/api/v1/staff", floor_on_staff, a);
}

static const struct binding staff_map[] = {
	{ INPUT_UP, NULL, NULL, 0, staff_move },
	{ INPUT_DOWN, "Up/Dn", "person", 0, staff_move },
	{ INPUT_ENTER, "Enter", "enable / disable", MANAGERS, staff_toggle },
	{ INPUT_CTRL('r'), "^R", "reload", 0, staff_reload },
	{ INPUT_ESC, "Esc", "back", 0, back_to_sale },
};
const struct keytable floor_staff_keys = { staff_map, KEYS_ROWS(staff_map), NULL };

void
floor_enter(struct app *a, enum pos_screen s)
{
	switch (s) {
	case SCREEN_DISPATCH:
		floor_rebuild(a);
		break;
	case SCREEN_ORDERS:
		floor_load_orders(a);
		break;
	case SCREEN_ATTENTION:
		app_load_attention(a);
		break;
	case SCREEN_STAFF:
		staff_reload(a, 0);
		break;
	case SCREEN_REPORTS:
		if (!a->have_report)
			report_x(a, 0);
		break;
	default:
		break;
	}
}
