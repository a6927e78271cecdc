/* overlay_mods: the selected line's modifiers, each on or off. */
#include <stdio.h>

#include "draw.h"
#include "screens.h"
#include "xalloc.h"

void
overlay_mods_open(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *it;

	if (a->ticket.sel < 0) {
		app_say_ticket_err(a, TICKET_NO_LINE, NULL);
		return;
	}
	it = ticket_find_item(m, a->ticket.lines[a->ticket.sel].sku);
	if (it == NULL || menu_item_nmods(m, it) == 0) {
		app_say(a, THEME_WARNING, "%s has no modifiers", a->ticket.lines[a->ticket.sel].name);
		return;
	}
	a->mod_sel = 0;
	a->overlay = OVERLAY_MODS;
}

bool
overlay_mods_ask(struct app *a)
{
	const struct menu *m = app_menu(a);
	const struct ticket_line *l;

	if (m == NULL || !ticket_line_asks(&a->ticket, m, a->ticket.sel))
		return false;
	l = &a->ticket.lines[a->ticket.sel];
	a->mod_sel = 0;
	a->overlay = OVERLAY_MODS;
	app_say(a, THEME_WARNING, "%s: choose (Space), then Esc", l->name);
	return true;
}

static const struct menu_item *
mods_item(const struct app *a)
{
	if (a->ticket.sel < 0)
		return NULL;
	return ticket_find_item(app_menu(a), a->ticket.lines[a->ticket.sel].sku);
}

static void
mods_move(struct app *a, int key)
{
	const struct menu_item *it = mods_item(a);

	if (it != NULL)
		keys_list_move(&a->mod_sel, menu_item_nmods(app_menu(a), it), key);
}

static void
mods_toggle(struct app *a, int key)
{
	const struct menu_item *it = mods_item(a);
	enum ticket_err e;

	const struct modifier *md = it != NULL ?
	    menu_item_mod(app_menu(a), it, a->mod_sel, NULL, NULL) : NULL;

	if (md == NULL) {
		a->overlay = OVERLAY_NONE;
		return;
	}
	e = ticket_toggle_mod(&a->ticket, app_menu(a), md->code);
	if (e != TICKET_OK)
		app_say_ticket_err(a, e, NULL);
}

static void
mods_text(struct app *a, int key)
{
	if (key == ' ')
		mods_toggle(a, key);
}

static const struct binding mods_map[] = {
	{ ' ', "Space", "on/off", 0, NULL },
	{ INPUT_ENTER, NULL, NULL, 0, mods_toggle },
	{ INPUT_UP, NULL, NULL, 0, mods_move },
	{ INPUT_DOWN, "Up/Dn", "pick", 0, mods_move },
	{ INPUT_ESC, "Esc", "done", 0, keys_close_overlay },
};
const struct keytable overlay_mods_keys = { mods_map, KEYS_ROWS(mods_map), mods_text };

void
overlay_mods_draw(struct app *a)
{
	const struct ticket_line *l = a->ticket.sel >= 0 ? &a->ticket.lines[a->ticket.sel] : NULL;
	const struct menu_item *it = l != NULL ? ticket_find_item(app_menu(a), l->sku) : NULL;
	int y, x, h, w;

	if (it == NULL)
		return;
	const struct modifier *md;
	bool offered;

	draw_dialog(menu_item_nmods(app_menu(a), it) + 4, 56, it->name, THEME_DIALOG,
	    &y, &x, &h, &w);
	const struct modifier_group *g;

	for (int i = 0; (md = menu_item_mod(app_menu(a), it, i, &g, &offered)) != NULL; i++) {
		char price[32], label[NAME_MAX_ * 2 + 4];
		bool on = ticket_has_mod(l, md->code);

		if (offered)
			app_money(md->price, price, sizeof price);
		else
			xstrlcpy(price, "off", sizeof price);
		/* the group says what the choice is: "Doneness: Rare" */
		if (it->ngroups > 1 || g->min > 0)
			snprintf(label, sizeof label, "%s: %s", g->name, md->name);
		else
			xstrlcpy(label, md->name, sizeof label);
		draw_fill(y + i, x, 1, w, i == a->mod_sel ? THEME_SELECTED : THEME_DIALOG);
		draw_textf(y + i, x, w, i == a->mod_sel ? THEME_SELECTED : THEME_DIALOG,
		    "[%c] %-34s %8s", on ? 'x' : ' ', label, price);
	}
}
