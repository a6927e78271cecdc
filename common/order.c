/* order: the order and menu models shared by server, screens and printers. */
#include "order.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
order_init(struct order *o)
{
	memset(o, 0, sizeof *o);
	o->status = STATUS_PENDING;
	o->source = SOURCE_POS;
	o->service = SERVICE_PICKUP;
}

void
order_free(struct order *o)
{
	free(o->items);
	o->items = NULL;
	o->nitems = 0;
}

void
order_copy(struct order *dst, const struct order *src)
{
	*dst = *src;
	dst->items = NULL;
	if (src->nitems > 0) {
		dst->items = xreallocarray(NULL, (size_t)src->nitems, sizeof *dst->items);
		memcpy(dst->items, src->items, (size_t)src->nitems * sizeof *dst->items);
	}
}

struct order_item *
order_add_item(struct order *o)
{
	struct order_item *it;

	o->items = xreallocarray(o->items, (size_t)o->nitems + 1, sizeof *o->items);
	it = &o->items[o->nitems++];
	memset(it, 0, sizeof *it);
	return it;
}

void
order_record(struct order *o, enum order_status s, int action, int64_t at,
    const char *by)
{
	struct order_change *c;

	if (o->nhistory == HISTORY_MAX) {
		/* keep the creation entry, drop the oldest change after it */
		memmove(&o->history[1], &o->history[2],
		    (HISTORY_MAX - 2) * sizeof o->history[0]);
		o->nhistory--;
	}
	c = &o->history[o->nhistory++];
	c->status = s;
	c->action = action;
	c->at = at;
	xstrlcpy(c->by, by != NULL ? by : "", sizeof c->by);
}

int64_t
order_status_at(const struct order *o, enum order_status s)
{
	for (int i = o->nhistory - 1; i >= 0; i--) {
		if (o->history[i].status == s)
			return o->history[i].at;
	}
	return 0;
}

void
menu_init(struct menu *m)
{
	memset(m, 0, sizeof *m);
}

void
menu_free(struct menu *m)
{
	free(m->categories);
	free(m->items);
	menu_init(m);
}

void
menu_copy(struct menu *dst, const struct menu *src)
{
	menu_init(dst);
	dst->tax_bp = src->tax_bp;
	memcpy(dst->currency, src->currency, sizeof dst->currency);
	dst->ncategories = src->ncategories;
	dst->nitems = src->nitems;
	if (src->ncategories > 0) {
		dst->categories = xreallocarray(NULL, (size_t)src->ncategories,
		    sizeof *dst->categories);
		memcpy(dst->categories, src->categories,
		    (size_t)src->ncategories * sizeof *dst->categories);
	}
	if (src->nitems > 0) {
		dst->items = xreallocarray(NULL, (size_t)src->nitems, sizeof *dst->items);
		memcpy(dst->items, src->items, (size_t)src->nitems * sizeof *dst->items);
	}
}

struct menu_item *
menu_find(const struct menu *m, const char *sku)
{
	for (int i = 0; i < m->nitems; i++) {
		if (strcmp(m->items[i].sku, sku) == 0)
			return &m->items[i];
	}
	return NULL;
}

const struct modifier *
menu_item_modifier(const struct menu_item *it, const char *code)
{
	for (int i = 0; i < it->nmods; i++) {
		if (strcmp(it->mods[i].code, code) == 0)
			return &it->mods[i];
	}
	return NULL;
}

int
menu_add_category(struct menu *m, const char *name)
{
	for (int i = 0; i < m->ncategories; i++) {
		if (strcmp(m->categories[i], name) == 0)
			return i;
	}
	m->categories = xreallocarray(m->categories, (size_t)m->ncategories + 1,
	    sizeof *m->categories);
	xstrlcpy(m->categories[m->ncategories], name, sizeof m->categories[0]);
	return m->ncategories++;
}

struct menu_item *
menu_add_item(struct menu *m)
{
	struct menu_item *it;

	m->items = xreallocarray(m->items, (size_t)m->nitems + 1, sizeof *m->items);
	it = &m->items[m->nitems++];
	memset(it, 0, sizeof *it);
	it->available = true;
	return it;
}
