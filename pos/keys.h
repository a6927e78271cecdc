/* keys: the key bindings, as tables per screen and overlay, and the one
 * function that routes a key to its handler. The key bar and the help
 * screen are drawn from the same tables, so what is shown is what works. */
#ifndef BRIGADE_POS_KEYS_H
#define BRIGADE_POS_KEYS_H

#include <stdbool.h>

#include "app.h"
#include "input.h"

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

#define KEYS_ROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))
#define MANAGERS (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* The bindings in force now (the overlay's, else the screen's), and the
 * global ones (screen switching) when no overlay is up. */
const struct keytable *keys_current(const struct app *a);
const struct keytable *keys_global(const struct app *a);
bool keys_role_ok(const struct app *a, const struct binding *k);

/* floor.c: the waiter's and manager's screens. */
extern const struct keytable floor_dispatch_keys, floor_orders_keys, floor_order_keys,
    floor_attention_keys, floor_menu_keys, floor_reports_keys, floor_staff_keys,
    floor_reason_keys, floor_confirm_keys;
/* Entering a screen: fetch what it shows. */
void floor_enter(struct app *a, enum pos_screen s);
/* Rebuild the dispatch board from the cache. */
void floor_rebuild(struct app *a);
/* Orders visible on the orders screen after the filter. */
int floor_orders_visible(const struct app *a, int *out, int max);

#endif
