/* demo: the demo restaurant that --demo puts into a new database. */
#ifndef BRIGADE_DEMO_H
#define BRIGADE_DEMO_H

#include "store.h"

/* Fill an empty database with the demo menu and one account per role.
 * Returns 0, or -1 with the database unchanged. */
int demo_fill(struct store *st, int pin_iterations);

#endif
