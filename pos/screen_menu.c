/* screen_menu: the 86 board: every item of the menu, on or off it; a
 * manager takes one off (86) or puts it back. */
#include <stdio.h>
#include <strings.h>

#include "draw.h"
#include "screens.h"
#include "term.h"

static void
menu_move(struct app *a, int key)
{
	const struct menu *m = app_menu(a);

	if (m != NULL)
		keys_list_move(&a->menu_sel, m->nitems, key);
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
	{ INPUT_ESC, "Esc", "back", 0, keys_to_sale },
};
const struct keytable screen_menu_keys = { menu_map, KEYS_ROWS(menu_map), menu_text };

void
screen_menu_draw(struct app *a)
{
	const struct menu *m = app_menu(a);
	int y = 1, h = term_rows() - 3, w = term_cols(), first = 0;

	if (m == NULL)
		return;
	if (a->menu_sel >= m->nitems)
		a->menu_sel = m->nitems > 0 ? m->nitems - 1 : 0;
	if (a->menu_sel > h - 2)
		first = a->menu_sel - (h - 2);
	for (int i = first; i < m->nitems && y < h; i++) {
		const struct menu_item *it = &m->items[i];
		enum theme_role role = i == a->menu_sel ? THEME_SELECTED : it->available ?
		    THEME_NORMAL : THEME_UNAVAILABLE;

		draw_fill(y, 0, 1, w, role);
		draw_textf(y++, 0, w, role, "%-6s %-28s %-10s %s", it->sku, it->name, it->category,
		    it->available ? "on the menu" : "86 (off)");
	}
}
