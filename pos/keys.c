/* keys: binding tables and handlers for login, order entry, tender, the
 * done screen and the entry overlays; routing of every key. */
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "catalog.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

bool
keys_role_ok(const struct app *a, const struct binding *k)
{
	return k->roles == 0 || (k->roles & ROLE_BIT(a->role));
}

/* ---- global: screen switching ---- */

static void
go_screen(struct app *a, int key)
{
	static const struct {
		int key;
		enum pos_screen s;
	} to[] = {
		{ INPUT_F1 + 1, SCREEN_ENTRY }, { INPUT_F1 + 2, SCREEN_DISPATCH },
		{ INPUT_F1 + 3, SCREEN_ORDERS }, { INPUT_F1 + 4, SCREEN_ATTENTION },
		{ INPUT_F1 + 5, SCREEN_MENU }, { INPUT_F1 + 6, SCREEN_REPORTS },
		{ INPUT_F1 + 7, SCREEN_STAFF },
	};

	for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
		if (to[i].key != key)
			continue;
		if (!app_screen_allowed(a, to[i].s)) {
			app_say(a, THEME_ERROR, "Not for a %s", role_name(a->role));
			return;
		}
		if (to[i].s == SCREEN_ENTRY && a->screen == SCREEN_DONE)
			checkout_new_ticket(a);
		app_go(a, to[i].s);
		floor_enter(a, to[i].s);
		return;
	}
}

static void
show_help(struct app *a, int key)
{
	a->overlay = OVERLAY_HELP;
}

/* Logging out ends the process's session completely: the loop stops,
 * everything is released, and main() starts the program afresh at the
 * login screen. */
static void
logout(struct app *a, int key)
{
	session_logout(a->s);
	a->relaunch = true;
	a->quit = true;
	loop_stop(a->loop);
}

static const struct binding global_map[] = {
	{ INPUT_F1, "F1", "help", 0, show_help },
	{ INPUT_F1 + 1, "F2", "sale", 0, go_screen },
	{ INPUT_F1 + 2, "F3", "dispatch",
	  ROLE_BIT(ROLE_WAITER) | MANAGERS, go_screen },
	{ INPUT_F1 + 3, "F4", "orders", 0, go_screen },
	{ INPUT_F1 + 4, "F5", "attention", 0, go_screen },
	{ INPUT_F1 + 5, "F6", "86", MANAGERS, go_screen },
	{ INPUT_F1 + 6, "F7", "reports", MANAGERS, go_screen },
	{ INPUT_F1 + 7, "F8", "staff", MANAGERS, go_screen },
	{ INPUT_F1 + 9, "F10", "log out", 0, logout },
};
static const struct keytable global_keys = { global_map, KEYS_ROWS(global_map), NULL };

const struct keytable *
keys_global(const struct app *a)
{
	return a->logged_in && a->overlay == OVERLAY_NONE ? &global_keys : NULL;
}

/* ---- login ---- */

static void
login_text(struct app *a, int key)
{
	struct field *f = a->login_focus == 0 ? &a->f_staff : &a->f_pin;

	if (!field_put(f, key))
		app_say(a, THEME_ERROR, a->login_focus == 0 ? "Staff codes are letters and digits" :
		    "PINs are digits");
}

static void
login_enter(struct app *a, int key)
{
	if (a->login_focus == 0 && !field_empty(&a->f_staff)) {
		a->login_focus = 1;
		return;
	}
	if (a->logged_in)
		return;
	if (field_empty(&a->f_staff) || field_empty(&a->f_pin)) {
		app_say(a, THEME_ERROR, "Type your staff code and PIN");
		return;
	}
	/* the answer comes to main.c's login handler */
	a->logging_in = true;
	session_login(a->s, a->f_staff.text, a->f_pin.text);
	app_say(a, THEME_DIM, "Logging in as %s...", a->f_staff.text);
}

static void
login_switch(struct app *a, int key)
{
	a->login_focus = !a->login_focus;
}

static void
login_back(struct app *a, int key)
{
	field_back(a->login_focus == 0 ? &a->f_staff : &a->f_pin);
}

static void
login_clear(struct app *a, int key)
{
	field_clear(&a->f_staff);
	field_clear(&a->f_pin);
	a->login_focus = 0;
}

static void
quit(struct app *a, int key)
{
	a->quit = true;
	loop_stop(a->loop);
}

static const struct binding login_map[] = {
	{ INPUT_ENTER, "Enter", "log in", 0, login_enter },
	{ INPUT_TAB, "Tab", "next field", 0, login_switch },
	{ INPUT_DOWN, NULL, NULL, 0, login_switch },
	{ INPUT_UP, NULL, NULL, 0, login_switch },
	{ INPUT_BACKSPACE, NULL, NULL, 0, login_back },
	{ INPUT_ESC, "Esc", "clear", 0, login_clear },
	{ INPUT_F1 + 9, "F10", "quit", 0, quit },
};
static const struct keytable login_keys = { login_map, KEYS_ROWS(login_map), login_text };

/* ---- order entry ---- */

static void
entry_say_err(struct app *a, enum ticket_err e, const char *what)
{
	if (what != NULL && what[0] != '\0')
		app_say(a, THEME_ERROR, "%s: %s", what, ticket_err_message(e));
	else
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
}

static void
open_search(struct app *a)
{
	field_clear(&a->f_search);
	a->nhits = 0;
	a->hit_sel = 0;
	a->overlay = OVERLAY_SEARCH;
}

static void
entry_text(struct app *a, int key)
{
	struct ticket_totals tt;

	if (key == '/') {
		open_search(a);
		return;
	}
	if ((key == '+' || key == '-') && field_empty(&a->f_plu)) {
		enum ticket_err e = ticket_bump_qty(&a->ticket, key == '+' ? 1 : -1);

		if (e != TICKET_OK)
			entry_say_err(a, e, NULL);
		return;
	}
	if (!field_put(&a->f_plu, key)) {
		if (key < 0x80 && key > 0x20)
			app_say(a, THEME_ERROR, "\"%c\" is not part of a PLU: type the item's code, "
			    "/ to search", key);
	}
	(void)tt;
}

static void
entry_enter(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	enum ticket_err e;
	char typed[FIELD_MAX];

	if (!field_empty(&a->f_plu)) {
		if (m == NULL) {
			app_say(a, THEME_ERROR, "No menu yet: waiting for the server");
			return;
		}
		xstrlcpy(typed, a->f_plu.text, sizeof typed);
		e = ticket_enter(&a->ticket, m, typed);
		field_clear(&a->f_plu);
		if (e != TICKET_OK) {
			entry_say_err(a, e, typed);
			return;
		}
		if (a->ticket.sel >= 0) {
			const struct ticket_line *l = &a->ticket.lines[a->ticket.sel];

			app_say(a, THEME_DIM, "%d x %s", l->qty, l->name);
		}
		return;
	}
	e = ticket_check(&a->ticket);
	if (e != TICKET_OK) {
		entry_say_err(a, e, NULL);
		return;
	}
	field_clear(&a->f_amount);
	a->card_wait = false;
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
		entry_say_err(a, e, NULL);
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
entry_mods(struct app *a, int key)
{
	const struct menu *m = app_menu(a);
	const struct menu_item *it;

	if (a->ticket.sel < 0) {
		entry_say_err(a, TICKET_NO_LINE, NULL);
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

static void
entry_note(struct app *a, int key)
{
	if (a->ticket.sel < 0) {
		entry_say_err(a, TICKET_NO_LINE, NULL);
		return;
	}
	field_set(&a->f_note, a->ticket.lines[a->ticket.sel].note);
	a->overlay = OVERLAY_NOTE;
}

static void
entry_details(struct app *a, int key)
{
	field_set(&a->f_table, a->ticket.table);
	field_set(&a->f_name, a->ticket.customer.name);
	field_set(&a->f_phone, a->ticket.customer.phone);
	field_set(&a->f_address, a->ticket.customer.address);
	a->detail_focus = 0;
	a->overlay = OVERLAY_DETAILS;
}

static void
entry_link(struct app *a, int key)
{
	a->nlinks = 0;
	for (int i = 0; a->cache != NULL && i < cache_norders(a->cache) && a->nlinks < HITS_MAX;
	    i++) {
		const struct order *o = cache_order(a->cache, i);

		if (o->service == a->ticket.service && status_is_open(o->status))
			a->link_ids[a->nlinks++] = o->id;
	}
	if (a->nlinks == 0) {
		app_say(a, THEME_WARNING, "No open %s order to link to",
		    service_name(a->ticket.service));
		return;
	}
	a->link_sel = 0;
	a->overlay = OVERLAY_LINK;
}

static void
entry_void(struct app *a, int key)
{
	if (a->ticket.nlines == 0)
		return;
	checkout_new_ticket(a);
	app_say(a, THEME_WARNING, "Ticket cleared");
}

static void
reprint(struct app *a, int key)
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
	{ INPUT_CTRL('o'), "^O", "modifiers", 0, entry_mods },
	{ INPUT_CTRL('n'), "^N", "note", 0, entry_note },
	{ INPUT_DELETE, "Del", "delete", 0, entry_delete },
	{ INPUT_TAB, "Tab", "service", 0, entry_service },
	{ INPUT_CTRL('t'), "^T", "table/customer", 0, entry_details },
	{ INPUT_CTRL('p'), "^P", "phone/walk-in", 0, entry_source },
	{ INPUT_BACKTAB, NULL, NULL, 0, entry_source },
	{ INPUT_CTRL('l'), "^L", "link", 0, entry_link },
	{ INPUT_LEFT, NULL, NULL, 0, entry_category },
	{ INPUT_RIGHT, "<-/->", "category", 0, entry_category },
	{ INPUT_PGUP, NULL, NULL, 0, entry_page },
	{ INPUT_PGDN, NULL, NULL, 0, entry_page },
	{ INPUT_CTRL('x'), "^X", "clear", 0, entry_void },
	{ INPUT_CTRL('r'), "^R", "reprint", 0, reprint },
	{ INPUT_BACKSPACE, NULL, NULL, 0, entry_back },
	{ INPUT_ESC, NULL, NULL, 0, entry_esc },
};
static const struct keytable entry_keys = { entry_map, KEYS_ROWS(entry_map), entry_text };

/* ---- tender ---- */

static void
tender_result(struct app *a, enum ticket_err e, const char *what)
{
	if (e != TICKET_OK) {
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
		return;
	}
	field_clear(&a->f_amount);
	if (ticket_paid(&a->ticket)) {
		checkout_submit(a);
		return;
	}
	{
		struct ticket_totals tt;
		char due[32];

		ticket_totals(&a->ticket, &tt);
		app_money(tt.due, due, sizeof due);
		app_say(a, THEME_WARNING, "%s taken: %s still due", what, due);
	}
}

static void
tender_cash(struct app *a, money_t amount)
{
	tender_result(a, ticket_pay_cash(&a->ticket, amount), "Cash");
}

static void
tender_enter(struct app *a, int key)
{
	struct ticket_totals tt;
	money_t amount;

	if (a->card_wait) {
		app_say(a, THEME_WARNING, "Waiting for the card: swipe it, or Esc");
		return;
	}
	ticket_totals(&a->ticket, &tt);
	if (field_empty(&a->f_amount)) {
		tender_cash(a, tt.due);      /* exact */
		return;
	}
	if (money_parse(a->f_amount.text, &amount) < 0) {
		field_clear(&a->f_amount);
		app_say(a, THEME_ERROR, "%s", ticket_err_message(TICKET_BAD_AMOUNT));
		return;
	}
	tender_cash(a, amount);
}

static void
tender_text(struct app *a, int key)
{
	struct ticket_totals tt;
	money_t s[4];
	int n;

	if (key > 0 && key < 0x80 && strchr("asdf", key) != NULL) {
		int i = (int)(strchr("asdf", key) - "asdf");

		ticket_totals(&a->ticket, &tt);
		n = ticket_cash_suggestions(tt.due, s, 4);
		if (i < n)
			tender_cash(a, s[i]);
		return;
	}
	if (key == 'c') {
		money_t amount;

		ticket_totals(&a->ticket, &tt);
		amount = tt.due;
		if (!field_empty(&a->f_amount) && money_parse(a->f_amount.text, &amount) < 0) {
			app_say(a, THEME_ERROR, "%s", ticket_err_message(TICKET_BAD_AMOUNT));
			return;
		}
		if (amount <= 0 || amount > tt.due) {
			app_say(a, THEME_ERROR, "%s", ticket_err_message(amount <= 0 ?
			    TICKET_BAD_AMOUNT : TICKET_CARD_OVER));
			return;
		}
		a->card_wait = true;
		a->card_amount = amount;
		field_clear(&a->f_amount);
		app_say(a, THEME_WARNING, "Swipe the card now (Esc cancels)");
		return;
	}
	if (!field_put(&a->f_amount, key))
		app_say(a, THEME_ERROR, "Type an amount (digits and a point), Enter for cash, "
		    "c for card");
}

static void
tender_back(struct app *a, int key)
{
	field_back(&a->f_amount);
}

static void
tender_undo(struct app *a, int key)
{
	if (ticket_unpay(&a->ticket) == TICKET_OK)
		app_say(a, THEME_WARNING, "Last tender taken off");
}

static void
tender_esc(struct app *a, int key)
{
	if (a->card_wait) {
		a->card_wait = false;
		app_say(a, THEME_DIM, "Card cancelled");
		return;
	}
	if (!field_empty(&a->f_amount)) {
		field_clear(&a->f_amount);
		return;
	}
	if (a->pay_order_id != 0) {
		/* paying an online order: back to the board, nothing taken */
		checkout_new_ticket(a);
		app_go(a, SCREEN_DISPATCH);
		return;
	}
	app_go(a, SCREEN_ENTRY);
}

static const struct binding tender_map[] = {
	{ INPUT_ENTER, "Enter", "cash (exact if empty)", 0, tender_enter },
	{ 'a', "a s d f", "next round amounts", 0, NULL },
	{ 'c', "c", "card", 0, NULL },
	{ INPUT_DELETE, "Del", "undo tender", 0, tender_undo },
	{ INPUT_BACKSPACE, NULL, NULL, 0, tender_back },
	{ INPUT_ESC, "Esc", "back", 0, tender_esc },
};
static const struct keytable tender_keys = { tender_map, KEYS_ROWS(tender_map), tender_text };

/* ---- done: the change, and the next order starts by typing ---- */

static void
done_next(struct app *a, int key)
{
	checkout_new_ticket(a);
	app_go(a, SCREEN_ENTRY);
}

static void
done_text(struct app *a, int key)
{
	done_next(a, key);
	entry_text(a, key);
}

static const struct binding done_map[] = {
	{ INPUT_ENTER, "Enter", "next order", 0, done_next },
	{ INPUT_ESC, NULL, NULL, 0, done_next },
	{ INPUT_CTRL('r'), "^R", "reprint", 0, reprint },
};
static const struct keytable done_keys = { done_map, KEYS_ROWS(done_map), done_text };

/* ---- overlays of the entry screen ---- */

static void
close_overlay(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
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
list_move(int *sel, int n, int key)
{
	*sel += key == INPUT_UP ? -1 : key == INPUT_DOWN ? 1 : key == INPUT_PGUP ? -10 : 10;
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < 0)
		*sel = 0;
}

static void
search_move(struct app *a, int key)
{
	list_move(&a->hit_sel, a->nhits, key);
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
		entry_say_err(a, e, m->items[a->hits[a->hit_sel]].name);
		return;
	}
	field_clear(&a->f_plu);
	a->overlay = OVERLAY_NONE;
}

static const struct binding search_map[] = {
	{ INPUT_ENTER, "Enter", "add", 0, search_pick },
	{ INPUT_UP, NULL, NULL, 0, search_move },
	{ INPUT_DOWN, "Up/Dn", "pick", 0, search_move },
	{ INPUT_PGUP, NULL, NULL, 0, search_move },
	{ INPUT_PGDN, NULL, NULL, 0, search_move },
	{ INPUT_BACKSPACE, NULL, NULL, 0, search_back },
	{ INPUT_ESC, "Esc", "close", 0, close_overlay },
};
static const struct keytable search_keys = { search_map, KEYS_ROWS(search_map), search_text };

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
		list_move(&a->mod_sel, menu_item_nmods(app_menu(a), it), key);
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
		entry_say_err(a, e, NULL);
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
	{ INPUT_ESC, "Esc", "done", 0, close_overlay },
};
static const struct keytable mods_keys = { mods_map, KEYS_ROWS(mods_map), mods_text };

static void
note_text(struct app *a, int key)
{
	if (!field_put(&a->f_note, key))
		app_say(a, THEME_ERROR, "A note holds at most %d bytes", NOTE_MAX);
}

static void
note_back(struct app *a, int key)
{
	field_back(&a->f_note);
}

static void
note_save(struct app *a, int key)
{
	enum ticket_err e = ticket_set_note(&a->ticket, a->f_note.text);

	if (e != TICKET_OK) {
		entry_say_err(a, e, NULL);
		return;
	}
	a->overlay = OVERLAY_NONE;
}

static const struct binding note_map[] = {
	{ INPUT_ENTER, "Enter", "save", 0, note_save },
	{ INPUT_BACKSPACE, NULL, NULL, 0, note_back },
	{ INPUT_ESC, "Esc", "cancel", 0, close_overlay },
};
static const struct keytable note_keys = { note_map, KEYS_ROWS(note_map), note_text };

/* The detail fields the service asks for, in order. */
static int
detail_fields(struct app *a, struct field **out)
{
	switch (a->ticket.service) {
	case SERVICE_DINE_IN:
		out[0] = &a->f_table;
		return 1;
	case SERVICE_PICKUP:
		out[0] = &a->f_name;
		return 1;
	default:
		out[0] = &a->f_name;
		out[1] = &a->f_phone;
		out[2] = &a->f_address;
		return 3;
	}
}

static void
details_text(struct app *a, int key)
{
	struct field *f[3];
	int n = detail_fields(a, f);

	if (a->detail_focus < n && !field_put(f[a->detail_focus], key))
		app_say(a, THEME_ERROR, "Too long");
}

static void
details_back(struct app *a, int key)
{
	struct field *f[3];
	int n = detail_fields(a, f);

	if (a->detail_focus < n)
		field_back(f[a->detail_focus]);
}

static void
details_move(struct app *a, int key)
{
	struct field *f[3];
	int n = detail_fields(a, f);

	a->detail_focus = (a->detail_focus + (key == INPUT_UP || key == INPUT_BACKTAB ?
	    n - 1 : 1)) % n;
}

static void
details_save(struct app *a, int key)
{
	struct field *f[3];
	int n = detail_fields(a, f);
	enum ticket_err e;

	if (a->detail_focus < n - 1) {
		a->detail_focus++;
		return;
	}
	if (a->ticket.service == SERVICE_DINE_IN)
		e = ticket_set_table(&a->ticket, a->f_table.text);
	else
		e = ticket_set_customer(&a->ticket, a->f_name.text,
		    a->ticket.service == SERVICE_DELIVERY ? a->f_phone.text : "",
		    a->ticket.service == SERVICE_DELIVERY ? a->f_address.text : "");
	if (e != TICKET_OK) {
		entry_say_err(a, e, NULL);
		return;
	}
	a->overlay = OVERLAY_NONE;
}

static const struct binding details_map[] = {
	{ INPUT_ENTER, "Enter", "next / save", 0, details_save },
	{ INPUT_TAB, "Tab", "field", 0, details_move },
	{ INPUT_BACKTAB, NULL, NULL, 0, details_move },
	{ INPUT_UP, NULL, NULL, 0, details_move },
	{ INPUT_DOWN, NULL, NULL, 0, details_move },
	{ INPUT_BACKSPACE, NULL, NULL, 0, details_back },
	{ INPUT_ESC, "Esc", "cancel", 0, close_overlay },
};
static const struct keytable details_keys = { details_map, KEYS_ROWS(details_map),
	details_text };

static void
link_move(struct app *a, int key)
{
	list_move(&a->link_sel, a->nlinks, key);
}

static void
link_pick(struct app *a, int key)
{
	const struct order *o = a->cache != NULL && a->link_sel < a->nlinks ?
	    cache_find(a->cache, a->link_ids[a->link_sel]) : NULL;

	if (o == NULL) {
		app_say(a, THEME_ERROR, "That order is no longer open");
		a->overlay = OVERLAY_NONE;
		return;
	}
	ticket_link(&a->ticket, o->id, o->number);
	app_say(a, THEME_DIM, "Linked to #%d", o->number);
	a->overlay = OVERLAY_NONE;
}

static void
link_clear(struct app *a, int key)
{
	ticket_link(&a->ticket, 0, 0);
	a->overlay = OVERLAY_NONE;
}

static const struct binding link_map[] = {
	{ INPUT_ENTER, "Enter", "link", 0, link_pick },
	{ INPUT_UP, NULL, NULL, 0, link_move },
	{ INPUT_DOWN, "Up/Dn", "pick", 0, link_move },
	{ INPUT_DELETE, "Del", "unlink", 0, link_clear },
	{ INPUT_ESC, "Esc", "close", 0, close_overlay },
};
static const struct keytable link_keys = { link_map, KEYS_ROWS(link_map), NULL };

static void
help_any(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
}

static const struct binding help_map[] = {
	{ INPUT_ESC, "Esc", "close", 0, close_overlay },
};
static const struct keytable help_keys = { help_map, KEYS_ROWS(help_map), help_any };

/* ---- routing ---- */

const struct keytable *
keys_current(const struct app *a)
{
	static const struct keytable *const overlays[OVERLAY_COUNT] = {
		[OVERLAY_SEARCH] = &search_keys,
		[OVERLAY_MODS] = &mods_keys,
		[OVERLAY_NOTE] = &note_keys,
		[OVERLAY_DETAILS] = &details_keys,
		[OVERLAY_LINK] = &link_keys,
		[OVERLAY_REASON] = &floor_reason_keys,
		[OVERLAY_CONFIRM] = &floor_confirm_keys,
		[OVERLAY_HELP] = &help_keys,
	};
	static const struct keytable *const screens[SCREEN_COUNT] = {
		[SCREEN_LOGIN] = &login_keys,
		[SCREEN_ENTRY] = &entry_keys,
		[SCREEN_TENDER] = &tender_keys,
		[SCREEN_DONE] = &done_keys,
		[SCREEN_DISPATCH] = &floor_dispatch_keys,
		[SCREEN_ORDERS] = &floor_orders_keys,
		[SCREEN_ORDER] = &floor_order_keys,
		[SCREEN_ATTENTION] = &floor_attention_keys,
		[SCREEN_MENU] = &floor_menu_keys,
		[SCREEN_REPORTS] = &floor_reports_keys,
		[SCREEN_STAFF] = &floor_staff_keys,
	};

	if (a->overlay != OVERLAY_NONE && overlays[a->overlay] != NULL)
		return overlays[a->overlay];
	return screens[a->screen];
}

/* A row's handler, or the table's text handler for rows that only
 * document typed keys (fn NULL). */
static bool
keys_try(struct app *a, const struct keytable *t, int key)
{
	if (t == NULL)
		return false;
	for (int i = 0; i < t->n; i++) {
		const struct binding *k = &t->map[i];

		if (k->key != key)
			continue;
		if (!keys_role_ok(a, k)) {
			app_say(a, THEME_ERROR, "A %s may not %s", role_name(a->role),
			    k->what != NULL ? k->what : "do that");
			return true;
		}
		if (k->fn != NULL) {
			k->fn(a, key);
			return true;
		}
		break;
	}
	if (t->text != NULL && key < INPUT_ENTER && key >= 0x20) {
		t->text(a, key);
		return true;
	}
	return false;
}

void
keys_handle(struct app *a, int key)
{
	const struct keytable *t = keys_current(a);

	/* Ctrl-C never kills a till in the middle of a sale */
	if (key == INPUT_CTRL('c')) {
		app_say(a, THEME_WARNING, a->logged_in ? "F10 logs out" : "F10 quits");
		app_dirty(a);
		return;
	}
	if (!keys_try(a, t, key) && !keys_try(a, keys_global(a), key)) {
		if (t->text != NULL && key >= 0x20 && key < INPUT_ENTER)
			t->text(a, key);
	}
	app_dirty(a);
}
