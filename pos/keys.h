/* keys: the key bindings as tables (one per screen and overlay, in their
 * files, found through screens.c), the function keys that switch screens,
 * and the one function that routes a key to its handler. The key bar and
 * the help are drawn from the same tables, so what is shown is what works. */
#ifndef BRIGADE_POS_KEYS_H
#define BRIGADE_POS_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "input.h"
#include "tap.h"

struct binding {
	int key;                     /* a character or INPUT_* */
	const char *name;            /* as the key bar shows it: "F2", "^O" */
	const char *what;            /* "tender"; NULL: not on the key bar */
	unsigned roles;              /* ROLE_BIT set, 0 = every role */
	void (*fn)(struct app *a, int key);
};

struct keytable {
	const struct binding *map;
	int n;
	/* keys no row claims (typed text), or NULL */
	void (*text)(struct app *a, int key);
};

/* What the screens mark on the frame for taps (tap.h); the key bar's
 * entries are TAP_KEY. keys.c's table says which screen takes each. */
enum pos_tap {
	POS_TAP_MENU_ITEM = TAP_APP,     /* value: the item's index in the menu */
	POS_TAP_TICKET_LINE,             /* value: the line's index */
};

#define KEYS_ROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))
#define MANAGERS (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* One key from the terminal (after the card-wedge filter). */
void keys_handle(struct app *a, int key);
/* A tap (INPUT_TAP or INPUT_DOUBLE_TAP) at a cell: a key bar entry acts
 * as its key, a region the screen up marked goes to its tap handler;
 * under an overlay only the key bar answers. */
void keys_tap(struct app *a, int key, int y, int x);

/* The bindings in force now (the overlay's, else the screen's), and the
 * global ones (screen switching) when no overlay is up. */
const struct keytable *keys_current(const struct app *a);
const struct keytable *keys_global(const struct app *a);
bool keys_role_ok(const struct app *a, const struct binding *k);

/* Handlers more than one table uses. */
void keys_close_overlay(struct app *a, int key);
void keys_to_sale(struct app *a, int key);        /* back to the sale screen */
/* Up, Down, PgUp, PgDn in a list of n rows. */
void keys_list_move(int *sel, int n, int key);

#endif
