/* screen_dispatch: the waiter's hand-over board (the dispatch model over
 * the cache's open orders): Enter does the one action the lifecycle table
 * allows on the row, paying an online order at pickup included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "xalloc.h"

/* The board from the cache: on opening, and again each frame. */
void
screen_dispatch_rebuild(struct app *a)
{
	const struct order **list;
	int n = a->cache != NULL ? cache_norders(a->cache) : 0;

	list = xcalloc((size_t)n + 1, sizeof *list);
	for (int i = 0; i < n; i++)
		list[i] = cache_order(a->cache, i);
	dispatch_build(&a->dispatch, list, n, a->role);
	free(list);
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
		app_order_action(a, r->id, r->number, r->version, (enum order_action)r->action,
		    NULL);
		return;
	}
	/* pay at pickup: the order's items on the ticket, then the tender */
	o = cache_find(a->cache, r->id);
	if (o == NULL)
		return;
	checkout_new_ticket(a);
	ticket_take_lines(&a->ticket, o);
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
	{ INPUT_ESC, NULL, NULL, 0, keys_to_sale },
};
const struct keytable screen_dispatch_keys = { dispatch_map, KEYS_ROWS(dispatch_map), NULL };

static void
age_text(const struct app *a, int64_t since, char *out, size_t size)
{
	int64_t s = since > 0 ? clock_age_ms(a->clk, since) / 1000 : 0;

	if (s >= 3600)
		snprintf(out, size, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(out, size, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

/* "Deliver to Dee, 555-0100:" and the address in full, wrapped at spaces
 * over up to three lines: the driver needs all of it. */
static void
deliver_to(const struct dispatch_row *r, int y, int w)
{
	const char *p = r->address;
	int room = w - 4 > 20 ? w - 4 : 20;

	draw_fill(y, 0, 4, w, THEME_NORMAL);
	draw_textf(y++, 2, w - 4, THEME_TITLE, "Deliver #%d to %s%s%s:", r->number,
	    r->who[0] ? r->who : "the customer", r->phone[0] ? ", " : "", r->phone);
	for (int line = 0; line < 3 && *p != '\0'; line++) {
		int n = (int)strlen(p);

		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		draw_textf(y++, 4, w - 6, THEME_NORMAL, "%.*s", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

void
screen_dispatch_draw(struct app *a)
{
	int y = 1, h = term_rows() - 3, w = term_cols();
	int first = 0, group = -1;
	char age[24], buf[200];

	screen_dispatch_rebuild(a);
	if (a->dispatch.nrows == 0) {
		draw_text(y + 1, 2, w - 4, THEME_DIM, "Nothing to hand over: no order is READY, "
		    "out for delivery or waiting for payment");
		return;
	}
	/* the selected delivery's whole address, under the board */
	const struct dispatch_row *sel = dispatch_selected(&a->dispatch);

	if (sel != NULL && sel->service == SERVICE_DELIVERY) {
		h -= 4;
		deliver_to(sel, h + 1, w);
	}
	if (a->dispatch.sel > h - 6)
		first = a->dispatch.sel - (h - 6);
	for (int i = first; i < a->dispatch.nrows && y < h; i++) {
		const struct dispatch_row *r = &a->dispatch.rows[i];
		bool pending = app_pending_for(a, r->id);

		if ((int)r->group != group) {
			group = (int)r->group;
			draw_fill(y, 0, 1, w, THEME_TITLE);
			draw_textf(y++, 0, w, THEME_TITLE, "%s (%d)", dispatch_group_title(r->group),
			    a->dispatch.counts[r->group]);
			if (y >= h)
				break;
		}
		age_text(a, r->since, age, sizeof age);
		snprintf(buf, sizeof buf, "  #%-4d %-22s %2d items  %7s  %-10s %s%s%s", r->number,
		    r->who, r->nitems, age, pending ? "sending..." : r->action >= 0 ?
		    dispatch_action_label(r) : "", r->phone, r->phone[0] ? "  " : "", r->address);
		draw_fill(y, 0, 1, w, i == a->dispatch.sel ? THEME_SELECTED : THEME_NORMAL);
		draw_text(y++, 0, w, i == a->dispatch.sel ? THEME_SELECTED : pending ?
		    THEME_PENDING : THEME_NORMAL, buf);
	}
}
