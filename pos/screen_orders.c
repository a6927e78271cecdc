/* screen_orders: today's orders (a REST snapshot when the screen opens),
 * narrowed by what is typed; Enter opens one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"
#include "view.h"
#include "xalloc.h"

static int
order_cmp_desc(const void *x, const void *y)
{
	const struct order *a = x, *b = y;

	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

static void
on_orders(void *ctx, struct api_reply *r)
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

void
screen_orders_load(struct app *a)
{
	a->orders_loading = true;
	session_get(a->s, "/api/v1/orders?day=today&limit=2000", on_orders, a);
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

static int
orders_visible(const struct app *a, int *out, int max)
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
	int n = orders_visible(a, vis, LIST_MAX);

	keys_list_move(&a->orders_sel, n, key);
}

static void
orders_open(struct app *a, int key)
{
	static int vis[LIST_MAX];
	int n = orders_visible(a, vis, LIST_MAX);

	if (a->orders_sel >= n)
		return;
	screen_order_open(a, &a->orders[vis[a->orders_sel]], SCREEN_ORDERS);
}

static void
orders_reload(struct app *a, int key)
{
	screen_orders_load(a);
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
const struct keytable screen_orders_keys = { orders_map, KEYS_ROWS(orders_map), orders_text };

void
screen_orders_draw(struct app *a)
{
	static int vis[LIST_MAX];
	int n = orders_visible(a, vis, LIST_MAX);
	int y = 1, h = term_rows() - 3, w = term_cols(), first = 0;
	char buf[256];

	snprintf(buf, sizeof buf, "Search> %s", a->f_filter.text);
	draw_fill(y, 0, 1, w, THEME_INPUT_FOCUS);
	draw_text(y, 0, w, THEME_INPUT_FOCUS, buf);
	term_cursor(y, text_width(buf));
	y++;
	draw_textf(y++, 0, w, THEME_DIM, "%d of %d orders today%s", n, a->norders,
	    a->orders_loading ? " (loading...)" : "");
	if (a->orders_sel > h - y - 1)
		first = a->orders_sel - (h - y - 1);
	for (int i = first; i < n && y < h; i++) {
		view_order_line(&a->orders[vis[i]], buf, sizeof buf);
		draw_fill(y, 0, 1, w, i == a->orders_sel ? THEME_SELECTED : THEME_NORMAL);
		draw_text(y++, 0, w, i == a->orders_sel ? THEME_SELECTED :
		    a->orders[vis[i]].status == STATUS_CANCELLED ? THEME_DIM : THEME_NORMAL, buf);
	}
}
