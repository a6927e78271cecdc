/* screen_entry: the sale: the menu by category beside the ticket, a PLU
 * typed and Enter, the ticket's lines, service and customer, then Enter
 * again to tender. Its overlays (search, modifiers, note, details, link)
 * are files of their own. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "draw.h"
#include "screens.h"
#include "tap.h"
#include "term.h"
#include "text.h"
#include "view.h"
#include "xalloc.h"

void
screen_entry_text(struct app *a, int key)
{
	struct ticket_totals tt;

	if (key == '/') {
		overlay_search_open(a, key);
		return;
	}
	if ((key == '+' || key == '-') && field_empty(&a->f_plu)) {
		enum ticket_err e = ticket_bump_qty(&a->ticket, key == '+' ? 1 : -1);

		if (e != TICKET_OK)
			app_say_ticket_err(a, e, NULL);
		return;
	}
	if (!field_put(&a->f_plu, key)) {
		if (key < 0x80 && key > 0x20)
			app_say(a, THEME_ERROR, "\"%c\" is not part of a PLU: type the item's code, "
			    "/ to search", key);
	}
	(void)tt;
}

/* A PLU entry ("B1", "3*B1", "3*") onto the ticket, as Enter takes it. */
static void
entry_ring(struct app *a, const char *typed)
{
	const struct menu *m = app_menu(a);
	enum ticket_err e;

	if (m == NULL) {
		app_say(a, THEME_ERROR, "No menu yet: waiting for the server");
		return;
	}
	e = ticket_enter(&a->ticket, m, typed);
	if (e != TICKET_OK) {
		app_say_ticket_err(a, e, typed);
		return;
	}
	if (overlay_mods_ask(a))
		return;
	if (a->ticket.sel >= 0) {
		const struct ticket_line *l = &a->ticket.lines[a->ticket.sel];

		app_say(a, THEME_DIM, "%d x %s", l->qty, l->name);
	}
}

static void
entry_enter(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	enum ticket_err e;
	char typed[FIELD_MAX];

	if (!field_empty(&a->f_plu)) {
		xstrlcpy(typed, a->f_plu.text, sizeof typed);
		if (m != NULL)
			field_clear(&a->f_plu);
		entry_ring(a, typed);
		return;
	}
	e = ticket_check(&a->ticket);
	if (e != TICKET_OK) {
		app_say_ticket_err(a, e, NULL);
		return;
	}
	/* a line without the choice its item requires would be refused by
	 * the server: the cashier makes it now */
	if (m != NULL) {
		const struct modifier_group *g = NULL;
		int i = ticket_missing_choice(&a->ticket, m, &g);

		if (i >= 0) {
			a->ticket.sel = i;
			a->mod_sel = 0;
			a->overlay = OVERLAY_MODS;
			app_say(a, THEME_WARNING, "%s needs %s: choose (Space), then Esc",
			    a->ticket.lines[i].name, g->name);
			return;
		}
	}
	/* discounts beyond what this person may give (a sale rung again
	 * brings its own): a manager approves them before any money is taken */
	if (!correct_ticket_approved(a)) {
		correct_ticket_approve(a);
		return;
	}
	screen_entry_tender(a);
}

void
screen_entry_tender(struct app *a)
{
	field_clear(&a->f_amount);
	a->card.show_last = false;
	app_go(a, SCREEN_TENDER);
}

static void
entry_back(struct app *a, int key)
{
	field_back(&a->f_plu);
}

static void
entry_esc(struct app *a, int key)
{
	field_clear(&a->f_plu);
}

static void
entry_move(struct app *a, int key)
{
	ticket_select(&a->ticket, key == INPUT_UP ? -1 : 1);
}

static void
entry_category(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	int n = m != NULL ? m->ncategories : 0;

	if (n == 0)
		return;
	a->category = (a->category + (key == INPUT_LEFT ? n - 1 : 1)) % n;
	a->menu_top = 0;
}

static void
entry_page(struct app *a, int key)
{
	a->menu_top += key == INPUT_PGDN ? 10 : -10;
	if (a->menu_top < 0)
		a->menu_top = 0;
}

static void
entry_delete(struct app *a, int key)
{
	enum ticket_err e = ticket_delete(&a->ticket);

	if (e != TICKET_OK)
		app_say_ticket_err(a, e, NULL);
}

static void
entry_service(struct app *a, int key)
{
	ticket_cycle_service(&a->ticket);
	app_say(a, THEME_DIM, "Service: %s", service_name(a->ticket.service));
}

static void
entry_source(struct app *a, int key)
{
	ticket_toggle_source(&a->ticket);
	app_say(a, THEME_DIM, "Source: %s", a->ticket.source == SOURCE_PHONE ? "phone" :
	    "walk-in");
}

static void
entry_void(struct app *a, int key)
{
	if (a->ticket.nlines == 0)
		return;
	if (ticket_card_charged(&a->ticket)) {
		app_say_ticket_err(a, TICKET_CARD_CHARGED, NULL);
		return;
	}
	if (a->rering_entry != 0) {
		/* the guest's money is not forgotten with the ticket */
		checkout_new_ticket(a);
		app_say(a, THEME_WARNING, "Ticket cleared: the refused sale and what was paid "
		    "for it stay in needs attention (F5)");
		return;
	}
	checkout_new_ticket(a);
	app_say(a, THEME_WARNING, "Ticket cleared");
}

void
screen_entry_reprint(struct app *a, int key)
{
	if (a->spool == NULL || spool_reprint(a->spool) < 0)
		app_say(a, THEME_ERROR, "No receipt to reprint");
	else
		app_say(a, THEME_SUCCESS, "Reprinting the last receipt");
}

static const struct binding entry_map[] = {
	{ INPUT_ENTER, "Enter", "add / tender", 0, entry_enter },
	{ '/', "/", "search", 0, NULL },
	{ INPUT_UP, NULL, NULL, 0, entry_move },
	{ INPUT_DOWN, "Up/Dn", "line", 0, entry_move },
	{ '+', "+/-", "qty", 0, NULL },
	{ INPUT_CTRL('o'), "^O", "modifiers", 0, overlay_mods_open },
	{ INPUT_CTRL('n'), "^N", "note", 0, overlay_note_open },
	{ INPUT_CTRL('d'), "^D", "discount", 0, correct_ticket_discount_line },
	{ INPUT_CTRL('e'), "^E", "discount all", 0, correct_ticket_discount },
	{ INPUT_CTRL('g'), "^G", "comp", 0, correct_ticket_comp_line },
	{ INPUT_DELETE, "Del", "delete", 0, entry_delete },
	{ INPUT_TAB, "Tab", "service", 0, entry_service },
	{ INPUT_CTRL('t'), "^T", "table/customer", 0, overlay_details_open },
	{ INPUT_CTRL('p'), "^P", "phone/walk-in", 0, entry_source },
	{ INPUT_BACKTAB, NULL, NULL, 0, entry_source },
	{ INPUT_CTRL('l'), "^L", "link", 0, overlay_link_open },
	{ INPUT_LEFT, NULL, NULL, 0, entry_category },
	{ INPUT_RIGHT, "<-/->", "category", 0, entry_category },
	{ INPUT_PGUP, NULL, NULL, 0, entry_page },
	{ INPUT_PGDN, NULL, NULL, 0, entry_page },
	{ INPUT_CTRL('x'), "^X", "clear", 0, entry_void },
	{ INPUT_CTRL('r'), "^R", "reprint", 0, screen_entry_reprint },
	{ INPUT_BACKSPACE, NULL, NULL, 0, entry_back },
	{ INPUT_ESC, NULL, NULL, 0, entry_esc },
};
void
screen_entry_tap(struct app *a, int kind, int64_t value, bool twice)
{
	const struct menu *m = app_menu(a);
	char typed[FIELD_MAX + SKU_MAX + 1];
	const char *t = a->f_plu.text;
	size_t digits = strspn(t, "0123456789");

	if (kind == POS_TAP_TICKET_LINE) {
		if (value >= 0 && value < a->ticket.nlines)
			a->ticket.sel = (int)value;
		return;
	}
	if (kind != POS_TAP_MENU_ITEM || m == NULL || value < 0 || value >= m->nitems)
		return;
	if (digits > 0 && t[digits] == '*' && t[digits + 1] == '\0') {
		snprintf(typed, sizeof typed, "%s%s", t, m->items[value].sku);
		field_clear(&a->f_plu);
	} else {
		xstrlcpy(typed, m->items[value].sku, sizeof typed);
	}
	entry_ring(a, typed);
}

const struct keytable screen_entry_keys = { entry_map, KEYS_ROWS(entry_map), screen_entry_text };

static void
draw_menu_pane(struct app *a, int y, int x, int h, int w)
{
	const struct menu *m = app_menu(a);
	static int idx[LIST_MAX];
	int n;

	if (m == NULL || m->nitems == 0) {
		draw_text(y, x, w, THEME_DIM, a->logged_in ? "Loading the menu..." : "");
		return;
	}
	if (a->category >= m->ncategories)
		a->category = 0;
	draw_fill(y, x, 1, w, THEME_TITLE);
	draw_textf(y, x, w, THEME_TITLE, "< %s >  %d/%d", m->ncategories > 0 ?
	    m->categories[a->category] : "All", a->category + 1, m->ncategories);
	n = catalog_items(m, m->ncategories > 0 ? a->category : -1, idx, LIST_MAX);
	if (a->menu_top > n - 1)
		a->menu_top = n > 0 ? n - 1 : 0;
	for (int i = a->menu_top, r = 1; i < n && r < h; i++, r++) {
		const struct menu_item *it = &m->items[idx[i]];
		char price[32], left[128];

		app_money(it->price, price, sizeof price);
		snprintf(left, sizeof left, "%-5s %s%s", it->sku, it->name,
		    it->available ? "" : "  [86]");
		view_lr(y + r, x, w, it->available ? THEME_NORMAL : THEME_UNAVAILABLE, left, price);
		tap_mark(y + r, x, 1, w, POS_TAP_MENU_ITEM, idx[i]);
	}
}

void
screen_entry_draw(struct app *a)
{
	int top = 1, h = term_rows() - 4, cols = term_cols();
	int mw = cols * 45 / 100, tx = mw + 1, tw = cols - tx - 1;
	char prompt[300];

	draw_menu_pane(a, top, 0, h - 1, mw);
	view_ticket(a, top, tx, h - 2, tw, true);
	snprintf(prompt, sizeof prompt, "PLU> %s", a->f_plu.text);
	draw_fill(top + h - 2, tx, 1, tw, THEME_INPUT_FOCUS);
	draw_text(top + h - 2, tx, tw, THEME_INPUT_FOCUS, prompt);
	view_recent(a, top + h - 1, tx, tw);
	if (a->overlay == OVERLAY_NONE)
		term_cursor(top + h - 2, tx + text_width(prompt));
}
