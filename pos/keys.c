/* keys: routing of every key (the overlay's table or the screen's, then
 * the function keys), the function keys themselves, and the handlers more
 * than one table uses. */
#include "keys.h"

#include "screens.h"

bool
keys_role_ok(const struct app *a, const struct binding *k)
{
	return k->roles == 0 || (k->roles & ROLE_BIT(a->role));
}

/* ---- shared handlers ---- */

void
keys_close_overlay(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
}

void
keys_to_sale(struct app *a, int key)
{
	app_go(a, SCREEN_ENTRY);
}

void
keys_list_move(int *sel, int n, int key)
{
	*sel += key == INPUT_UP ? -1 : key == INPUT_DOWN ? 1 : key == INPUT_PGUP ? -10 : 10;
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < 0)
		*sel = 0;
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
		screens_open(a, to[i].s);
		return;
	}
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
	{ INPUT_F1, "F1", "help", 0, overlay_help_open },
	{ INPUT_F1 + 1, "F2", "sale", 0, go_screen },
	{ INPUT_F1 + 2, "F3", "dispatch",
	  ROLE_BIT(ROLE_WAITER) | MANAGERS, go_screen },
	{ INPUT_F1 + 3, "F4", "orders", 0, go_screen },
	{ INPUT_F1 + 4, "F5", "attention", 0, go_screen },
	{ INPUT_F1 + 5, "F6", "86", MANAGERS, go_screen },
	{ INPUT_F1 + 6, "F7", "reports", MANAGERS, go_screen },
	{ INPUT_F1 + 7, "F8", "staff", MANAGERS, go_screen },
	{ INPUT_F1 + 8, "F9", "my PIN", 0, overlay_pin_open },
	{ INPUT_F1 + 9, "F10", "log out", 0, logout },
};
static const struct keytable global_keys = { global_map, KEYS_ROWS(global_map), NULL };

const struct keytable *
keys_global(const struct app *a)
{
	return a->logged_in && a->overlay == OVERLAY_NONE ? &global_keys : NULL;
}

/* ---- routing ---- */

const struct keytable *
keys_current(const struct app *a)
{
	const struct overlay_def *o = screens_overlay(a->overlay);

	if (a->overlay != OVERLAY_NONE && o->keys != NULL)
		return o->keys;
	return screens_get(a->screen)->keys;
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

/* Who takes a tap on what a screen marked (enum pos_tap). */
static const struct {
	int kind;
	enum pos_screen screen;
	void (*fn)(struct app *a, int kind, int64_t value, bool twice);
} tap_map[] = {
	{ POS_TAP_MENU_ITEM, SCREEN_ENTRY, screen_entry_tap },
	{ POS_TAP_TICKET_LINE, SCREEN_ENTRY, screen_entry_tap },
};

void
keys_tap(struct app *a, int key, int y, int x)
{
	int64_t value;
	int kind = tap_find(y, x, &value);

	if (kind == TAP_KEY) {
		keys_handle(a, (int)value);
		return;
	}
	for (size_t i = 0; i < sizeof tap_map / sizeof tap_map[0]; i++) {
		if (tap_map[i].kind == kind && tap_map[i].screen == a->screen &&
		    a->overlay == OVERLAY_NONE)
			tap_map[i].fn(a, kind, value, key == INPUT_DOUBLE_TAP);
	}
	app_dirty(a);
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
