/* demo: the demo restaurant that --demo puts into a new database. */
#ifndef BRIGADE_DEMO_H
#define BRIGADE_DEMO_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

/* Fill an empty database with the demo menu (its tax classes at tax_bp)
 * and one account per role, and mark it the demo's. Returns 0, or -1 with
 * the database unchanged. */
int demo_fill(struct store *st, int pin_iterations, int tax_bp);

/* Whether --demo may run on this database: a new one (*fill: give it the
 * demo restaurant) or the demo's own. A restaurant's own database (any
 * staff, order or menu item the demo did not make) is refused: -1 with
 * the reason in why, so the demo's public logins never join real ones. */
int demo_check(struct store *st, bool *fill, char *why, size_t size);

#endif
