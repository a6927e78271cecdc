/* overlay_search: "/" on the sale screen: items found by name as it is
 * typed; Enter puts the one picked on the ticket. */
#include <stdio.h>

#include "catalog.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"
#include "view.h"

void
overlay_search_open(struct app *a, int key)
{
	field_clear(&a->f_search);
	a->nhits = 0;
	a->hit_sel = 0;
	a->overlay = OVERLAY_SEARCH;
}

static void
search_refresh(struct app *a)
{
	const struct menu *m = app_menu(a);

	a->nhits = m != NULL ? catalog_search(m, a->f_search.text, a->hits, HITS_MAX) : 0;
	a->hit_sel = 0;
}

static void
search_text(struct app *a, int key)
{
	if (field_put(&a->f_search, key))
		search_refresh(a);
}

static void
search_back(struct app *a, int key)
{
	field_back(&a->f_search);
	search_refresh(a);
}

static void
search_move(struct app *a, int key)
{
	keys_list_move(&a->hit_sel, a->nhits, key);
}

static void
search_pick(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	char sku[SKU_MAX + 2];
	int qty = 0;
	enum ticket_err e;

	if (a->nhits == 0 || m == NULL) {
		app_say(a, THEME_ERROR, "Nothing matches \"%s\"", a->f_search.text);
		return;
	}
	/* "3*" typed before the search sets the quantity */
	if (!field_empty(&a->f_plu) && (ticket_parse_entry(a->f_plu.text, &qty, sku,
	    sizeof sku) != TICKET_OK || sku[0] != '\0'))
		qty = 0;
	e = ticket_add(&a->ticket, m, m->items[a->hits[a->hit_sel]].sku, qty);
	if (e != TICKET_OK) {
		app_say_ticket_err(a, e, m->items[a->hits[a->hit_sel]].name);
		return;
	}
	field_clear(&a->f_plu);
	a->overlay = OVERLAY_NONE;
	overlay_mods_ask(a);
}

static const struct binding search_map[] = {
	{ INPUT_ENTER, "Enter", "add", 0, search_pick },
	{ INPUT_UP, NULL, NULL, 0, search_move },
	{ INPUT_DOWN, "Up/Dn", "pick", 0, search_move },
	{ INPUT_PGUP, NULL, NULL, 0, search_move },
	{ INPUT_PGDN, NULL, NULL, 0, search_move },
	{ INPUT_BACKSPACE, NULL, NULL, 0, search_back },
	{ INPUT_ESC, "Esc", "close", 0, keys_close_overlay },
};
const struct keytable overlay_search_keys = { search_map, KEYS_ROWS(search_map), search_text };

void
overlay_search_draw(struct app *a)
{
	const struct menu *m = app_menu(a);
	int y, x, h, w, first = 0;

	draw_dialog(term_rows() - 6, term_cols() * 2 / 3, "Find an item", THEME_DIALOG, &y, &x,
	    &h, &w);
	draw_fill(y, x, 1, w, THEME_INPUT_FOCUS);
	draw_textf(y, x, w, THEME_INPUT_FOCUS, "/%s", a->f_search.text);
	term_cursor(y, x + 1 + text_width(a->f_search.text));
	if (a->hit_sel > h - 3)
		first = a->hit_sel - (h - 3);
	for (int i = first, r = 2; i < a->nhits && r < h && m != NULL; i++, r++) {
		const struct menu_item *it = &m->items[a->hits[i]];
		char price[32], left[128];
		enum theme_role role = i == a->hit_sel ? THEME_SELECTED : it->available ?
		    THEME_DIALOG : THEME_UNAVAILABLE;

		app_money(it->price, price, sizeof price);
		snprintf(left, sizeof left, "%-5s %s%s", it->sku, it->name,
		    it->available ? "" : "  [86]");
		view_lr(y + r, x, w, role, left, price);
	}
	if (a->nhits == 0 && a->f_search.len > 0)
		draw_text(y + 2, x, w, THEME_DIM, "nothing matches");
}
