/* catalog: the menu as the till browses it: the items of one category and
 * a search by name or PLU. A pure model over struct menu. */
#ifndef BRIGADE_POS_CATALOG_H
#define BRIGADE_POS_CATALOG_H

#include "order.h"

/* Indexes (into m->items) of the items of category cat, in menu order;
 * returns the count (at most max). cat < 0 or beyond the categories: all. */
int catalog_items(const struct menu *m, int cat, int *out, int max);

/* Items whose name contains query or whose sku starts with it, ignoring
 * case; available ones first, then 86'd. Returns the count (at most max). */
int catalog_search(const struct menu *m, const char *query, int *out, int max);

/* The category index of an item (-1 when it names none of the menu's). */
int catalog_category_of(const struct menu *m, const struct menu_item *it);

#endif
