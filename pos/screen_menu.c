/* screen_menu: the menu and 86 board: every item of the menu, on or off
 * it; a manager takes one off (86) or puts it back, adds an item to a
 * category and changes an item's name, kitchen name or price. Additions
 * and changes go to the server at once (a form, overlay_form.c) and the
 * till changes nothing until the server has taken them: the menu.updated
 * event then brings the new menu to every screen. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "draw.h"
#include "screens.h"
#include "term.h"
#include "xalloc.h"

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

/* The fields of the add and change forms, in order. */
enum { ADD_SKU, ADD_NAME, ADD_KNAME, ADD_PRICE, ADD_CATEGORY, ADD_STATION, ADD_TAX };
enum { EDIT_NAME, EDIT_KNAME, EDIT_PRICE };

static bool
menu_changeable(struct app *a)
{
	if (app_offline(a)) {
		app_say(a, THEME_ERROR, "Offline: the menu cannot be changed until the server is "
		    "back");
		return false;
	}
	if (app_menu(a) == NULL) {
		app_say(a, THEME_ERROR, "No menu from the server yet");
		return false;
	}
	return true;
}

/* The price typed, in minor units: the one thing the till checks itself
 * (the server decides whether the amount is allowed). */
static int
menu_price(struct app *a, int field, money_t *price)
{
	if (money_parse(form_value(&a->form, field), price) < 0) {
		overlay_form_fail(a, field, "Price: \"%s\" is not an amount (like 9.50)",
		    form_value(&a->form, field));
		return -1;
	}
	return 0;
}

static void
menu_added(struct app *a, const char *what, bool ok, const cJSON *answer)
{
	const cJSON *sku = cJSON_GetObjectItemCaseSensitive(answer, "sku");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(answer, "name");

	if (!ok)
		return;
	app_say(a, THEME_SUCCESS, "Added %s %s to the menu", cJSON_IsString(sku) ?
	    sku->valuestring : "", cJSON_IsString(name) ? name->valuestring : "");
}

static void
menu_changed(struct app *a, const char *what, bool ok, const cJSON *answer)
{
	if (!ok)
		return;
	app_say(a, THEME_SUCCESS, "%s: saved", what);
}

static void
add_submit(struct app *a)
{
	cJSON *body = cJSON_CreateObject();
	char what[64];
	money_t price;

	if (!field_empty(&a->form.fields[ADD_PRICE].f) && menu_price(a, ADD_PRICE, &price) < 0) {
		cJSON_Delete(body);
		return;
	}
	/* what is left empty is not sent: the server names what is missing */
	for (int i = ADD_SKU; i <= ADD_TAX; i++) {
		const char *v = form_value(&a->form, i);

		if (i == ADD_PRICE && v[0] != '\0')
			cJSON_AddNumberToObject(body, "price", (double)price);
		else if (v[0] != '\0')
			cJSON_AddStringToObject(body, a->form.fields[i].key, v);
	}
	snprintf(what, sizeof what, "Add item %s", form_value(&a->form, ADD_SKU));
	overlay_form_send(a, "POST", "/api/v1/menu/items", body, what, menu_added);
}

/* ^N: a new item, in the selected item's category, station and tax class
 * unless changed. */
static void
menu_add(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *sel;
	int f;

	if (!menu_changeable(a))
		return;
	sel = a->menu_sel < m->nitems ? &m->items[a->menu_sel] : NULL;
	form_reset(&a->form, "New item");
	form_add_text(&a->form, "SKU (PLU)", "sku", FIELD_CODE, 32, false, NULL);
	form_add_text(&a->form, "Name", "name", FIELD_TEXT, 200, false, NULL);
	form_add_text(&a->form, "Kitchen name", "kitchen_name", FIELD_TEXT, 100, false, NULL);
	form_add_text(&a->form, "Price", "price", FIELD_AMOUNT, 16, false, NULL);
	f = form_add_choice(&a->form, "Category", "category");
	for (int i = 0; i < m->ncategories; i++)
		form_offer(&a->form, f, m->categories[i]);
	if (sel != NULL)
		form_choose(&a->form, f, sel->category);
	f = form_add_choice(&a->form, "Station", "station");
	for (int i = 0; i < m->nstations; i++)
		form_offer(&a->form, f, m->stations[i]);
	for (int i = 0; i < m->nitems; i++)
		form_offer(&a->form, f, m->items[i].station);
	if (sel != NULL)
		form_choose(&a->form, f, sel->station);
	f = form_add_choice(&a->form, "Tax class", "tax_class");
	for (int i = 0; i < m->ntax; i++)
		form_offer(&a->form, f, m->tax[i].code);
	if (sel != NULL)
		form_choose(&a->form, f, sel->tax_class);
	overlay_form_open(a, add_submit);
}

static void
edit_submit(struct app *a)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *it = m != NULL ? menu_find(m, a->menu_edit_sku) : NULL;
	cJSON *body;
	char path[64], what[64];
	money_t price;

	if (it == NULL) {
		overlay_form_fail(a, -1, "%s is no longer on the menu", a->menu_edit_sku);
		return;
	}
	if (menu_price(a, EDIT_PRICE, &price) < 0)
		return;
	/* only what changes is sent */
	body = cJSON_CreateObject();
	if (strcmp(form_value(&a->form, EDIT_NAME), it->name) != 0)
		cJSON_AddStringToObject(body, "name", form_value(&a->form, EDIT_NAME));
	if (strcmp(form_value(&a->form, EDIT_KNAME), it->kitchen_name) != 0)
		cJSON_AddStringToObject(body, "kitchen_name", form_value(&a->form, EDIT_KNAME));
	if (price != it->price)
		cJSON_AddNumberToObject(body, "price", (double)price);
	if (cJSON_GetArraySize(body) == 0) {
		cJSON_Delete(body);
		overlay_form_fail(a, -1, "Nothing changed");
		return;
	}
	snprintf(path, sizeof path, "/api/v1/menu/items/%s", it->sku);
	snprintf(what, sizeof what, "Change %s", it->sku);
	overlay_form_send(a, "PATCH", path, body, what, menu_changed);
}

/* ^E: the selected item's name, kitchen name and price. */
static void
menu_edit(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *it;
	char title[64], price[32];

	if (!menu_changeable(a) || a->menu_sel >= m->nitems)
		return;
	it = &m->items[a->menu_sel];
	xstrlcpy(a->menu_edit_sku, it->sku, sizeof a->menu_edit_sku);
	snprintf(title, sizeof title, "Change %s", it->sku);
	money_format(it->price, price, sizeof price);
	form_reset(&a->form, title);
	form_add_text(&a->form, "Name", "name", FIELD_TEXT, 200, false, it->name);
	form_add_text(&a->form, "Kitchen name", "kitchen_name", FIELD_TEXT, 100, false,
	    it->kitchen_name);
	form_add_text(&a->form, "Price", "price", FIELD_AMOUNT, 16, false, price);
	overlay_form_open(a, edit_submit);
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
	{ INPUT_CTRL('n'), "^N", "new item", MANAGERS, menu_add },
	{ INPUT_CTRL('e'), "^E", "change item", MANAGERS, menu_edit },
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
		char price[32];

		money_format(it->price, price, sizeof price);

		draw_fill(y, 0, 1, w, role);
		draw_textf(y++, 0, w, role, "%-6s %-28s %-14s %-10s %9s  %s", it->sku, it->name,
		    it->kitchen_name, it->category, price, it->available ? "on the menu" :
		    "86 (off)");
	}
}
