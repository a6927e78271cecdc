/* catalog: category listings and name search over the menu. */
#include "catalog.h"

#include <string.h>
#include <strings.h>

int
catalog_items(const struct menu *m, int cat, int *out, int max)
{
	const char *name = cat >= 0 && cat < m->ncategories ? m->categories[cat] : NULL;
	int n = 0;

	for (int i = 0; i < m->nitems && n < max; i++) {
		if (name == NULL || strcmp(m->items[i].category, name) == 0)
			out[n++] = i;
	}
	return n;
}

int
catalog_search(const struct menu *m, const char *query, int *out, int max)
{
	size_t ql = strlen(query);
	int n = 0;

	if (ql == 0)
		return 0;
	/* two passes keep what can be sold at the top of the list */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < m->nitems && n < max; i++) {
			const struct menu_item *it = &m->items[i];

			if (it->available != (pass == 0))
				continue;
			if (strncasecmp(it->sku, query, ql) == 0 || strcasestr(it->name, query))
				out[n++] = i;
		}
	}
	return n;
}

int
catalog_category_of(const struct menu *m, const struct menu_item *it)
{
	for (int i = 0; i < m->ncategories; i++) {
		if (strcmp(m->categories[i], it->category) == 0)
			return i;
	}
	return -1;
}
