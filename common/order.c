/* order: the order and menu models shared by server, screens and printers. */
#include "order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *
order_item_kitchen_name(const struct order_item *it)
{
	return it->kitchen_name[0] != '\0' ? it->kitchen_name : it->name;
}

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
	free(o->corrections);
	o->corrections = NULL;
	o->ncorrections = 0;
}

void
order_copy(struct order *dst, const struct order *src)
{
	*dst = *src;
	dst->items = NULL;
	dst->corrections = NULL;
	if (src->nitems > 0) {
		dst->items = xreallocarray(NULL, (size_t)src->nitems, sizeof *dst->items);
		memcpy(dst->items, src->items, (size_t)src->nitems * sizeof *dst->items);
	}
	if (src->ncorrections > 0) {
		dst->corrections = xreallocarray(NULL, (size_t)src->ncorrections,
		    sizeof *dst->corrections);
		memcpy(dst->corrections, src->corrections,
		    (size_t)src->ncorrections * sizeof *dst->corrections);
	}
}

struct correction *
order_add_correction(struct order *o)
{
	struct correction *c;

	o->corrections = xreallocarray(o->corrections, (size_t)o->ncorrections + 1,
	    sizeof *o->corrections);
	c = &o->corrections[o->ncorrections++];
	memset(c, 0, sizeof *c);
	c->line = -1;
	return c;
}

int
order_item_left(const struct order_item *it)
{
	return it->qty - it->voided - it->refunded;
}

bool
discount_set(const struct discount *d)
{
	return d->percent_bp > 0 || d->amount > 0;
}

money_t
discount_value(const struct discount *d, money_t base)
{
	if (base <= 0)
		return 0;
	if (d->percent_bp > 0)
		return (base * d->percent_bp + 5000) / 10000;
	return d->amount < base ? d->amount : base;
}

/* The order's discount shared over the lines in proportion to what each
 * sells for (largest remainder, so the shares add up to it exactly): each
 * line is taxed at its own rate on what is left of it. */
static void
share_order_discount(struct order *o, money_t off, money_t base)
{
	money_t given = 0;
	money_t *rem;

	if (off <= 0 || base <= 0)
		return;
	rem = xreallocarray(NULL, (size_t)o->nitems, sizeof *rem);
	for (int i = 0; i < o->nitems; i++) {
		money_t share = off * o->items[i].net / base;

		rem[i] = off * o->items[i].net % base;
		o->items[i].net -= share;
		given += share;
	}
	/* the cents left go one each to the lines with the largest remainder */
	while (given < off) {
		int best = -1;

		for (int i = 0; i < o->nitems; i++) {
			if (o->items[i].net > 0 && rem[i] >= 0 &&
			    (best < 0 || rem[i] > rem[best]))
				best = i;
		}
		if (best < 0)
			break;
		o->items[best].net--;
		rem[best] = -1;
		given++;
	}
	free(rem);
}

void
order_totals(struct order *o)
{
	struct tax_tally t;
	money_t base = 0, off;

	o->gross = 0;
	for (int i = 0; i < o->nitems; i++) {
		struct order_item *it = &o->items[i];
		money_t left = it->unit_price * order_item_left(it);

		o->gross += it->line_total;
		it->disc.value = discount_value(&it->disc, left);
		it->net = left - it->disc.value;
		base += it->net;
	}
	off = o->disc.value = discount_value(&o->disc, base);
	share_order_discount(o, off, base);
	tax_tally_init(&t);
	o->subtotal = 0;
	for (int i = 0; i < o->nitems; i++) {
		tax_tally_add(&t, o->items[i].tax_bp, o->items[i].net);
		o->subtotal += o->items[i].net;
	}
	o->tax = tax_tally_total(&t);
	o->total = o->subtotal + o->tax;
	o->paid = o->refunded = 0;
	for (int i = 0; i < o->npayments; i++) {
		if (o->payments[i].kind == PAYMENT_REFUND)
			o->refunded += o->payments[i].amount;
		else
			o->paid += o->payments[i].amount;
	}
	o->balance = o->total - (o->paid - o->change - o->refunded);
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
	free(m->groups);
	free(m->items);
	menu_init(m);
}

static void *
dup_array(const void *src, int n, size_t size)
{
	void *p;

	if (n <= 0)
		return NULL;
	p = xreallocarray(NULL, (size_t)n, size);
	memcpy(p, src, (size_t)n * size);
	return p;
}

void
menu_copy(struct menu *dst, const struct menu *src)
{
	*dst = *src;
	dst->categories = dup_array(src->categories, src->ncategories,
	    sizeof *src->categories);
	dst->groups = dup_array(src->groups, src->ngroups, sizeof *src->groups);
	dst->items = dup_array(src->items, src->nitems, sizeof *src->items);
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

struct modifier_group *
menu_find_group(const struct menu *m, const char *code)
{
	for (int i = 0; i < m->ngroups; i++) {
		if (strcmp(m->groups[i].code, code) == 0)
			return &m->groups[i];
	}
	return NULL;
}

const struct tax_class *
menu_find_tax(const struct menu *m, const char *code)
{
	for (int i = 0; i < m->ntax; i++) {
		if (strcmp(m->tax[i].code, code) == 0)
			return &m->tax[i];
	}
	return NULL;
}

int
menu_item_tax_bp(const struct menu *m, const struct menu_item *it)
{
	const struct tax_class *t = menu_find_tax(m, it->tax_class);

	if (t != NULL)
		return t->rate_bp;
	return m->ntax > 0 ? m->tax[0].rate_bp : m->tax_bp;
}

int
menu_item_nmods(const struct menu *m, const struct menu_item *it)
{
	int n = 0;

	for (int g = 0; g < it->ngroups; g++) {
		const struct modifier_group *gr = menu_find_group(m, it->groups[g]);

		if (gr != NULL)
			n += gr->nmods;
	}
	return n;
}

const struct modifier *
menu_item_mod(const struct menu *m, const struct menu_item *it, int i,
    const struct modifier_group **group, bool *available)
{
	for (int g = 0; g < it->ngroups && i >= 0; g++) {
		const struct modifier_group *gr = menu_find_group(m, it->groups[g]);

		if (gr == NULL)
			continue;
		if (i < gr->nmods) {
			if (group != NULL)
				*group = gr;
			if (available != NULL)
				*available = gr->mod_available[i];
			return &gr->mods[i];
		}
		i -= gr->nmods;
	}
	return NULL;
}

const struct modifier *
menu_item_modifier(const struct menu *m, const struct menu_item *it,
    const char *code, const struct modifier_group **group, bool *available)
{
	const struct modifier *md;

	for (int i = 0; (md = menu_item_mod(m, it, i, group, available)) != NULL; i++) {
		if (strcmp(md->code, code) == 0)
			return md;
	}
	return NULL;
}

int
menu_category_index(const struct menu *m, const char *name)
{
	for (int i = 0; i < m->ncategories; i++) {
		if (strcmp(m->categories[i], name) == 0)
			return i;
	}
	return -1;
}

int
menu_add_category(struct menu *m, const char *name)
{
	int i = menu_category_index(m, name);

	if (i >= 0)
		return i;
	m->categories = xreallocarray(m->categories, (size_t)m->ncategories + 1,
	    sizeof *m->categories);
	xstrlcpy(m->categories[m->ncategories], name, sizeof m->categories[0]);
	return m->ncategories++;
}

int
menu_add_station(struct menu *m, const char *name)
{
	for (int i = 0; i < m->nstations; i++) {
		if (strcmp(m->stations[i], name) == 0)
			return i;
	}
	if (m->nstations == STATIONS_MAX)
		return -1;
	xstrlcpy(m->stations[m->nstations], name, sizeof m->stations[0]);
	return m->nstations++;
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

struct modifier_group *
menu_add_group(struct menu *m)
{
	struct modifier_group *g;

	m->groups = xreallocarray(m->groups, (size_t)m->ngroups + 1, sizeof *m->groups);
	g = &m->groups[m->ngroups++];
	memset(g, 0, sizeof *g);
	return g;
}

void
menu_item_offer(struct menu *m, struct menu_item *it, const struct modifier *mods,
    int n)
{
	struct modifier_group *g = NULL;

	if (n <= 0 || it->ngroups == ITEM_GROUPS_MAX)
		return;
	if (n > GROUP_MODS_MAX)
		n = GROUP_MODS_MAX;
	for (int i = 0; i < m->ngroups && g == NULL; i++) {
		struct modifier_group *c = &m->groups[i];
		bool same = c->nmods == n;

		for (int k = 0; same && k < n; k++)
			same = strcmp(c->mods[k].code, mods[k].code) == 0 &&
			    strcmp(c->mods[k].name, mods[k].name) == 0 &&
			    c->mods[k].price == mods[k].price;
		if (same)
			g = c;
	}
	if (g == NULL) {
		g = menu_add_group(m);
		xstrlcpy(g->code, it->sku, sizeof g->code);
		snprintf(g->name, sizeof g->name, "%.50s options", it->name);
		for (int k = 0; k < n; k++) {
			g->mods[k] = mods[k];
			g->mod_available[k] = true;
		}
		g->nmods = g->max = n;
	}
	xstrlcpy(it->groups[it->ngroups++], g->code, sizeof it->groups[0]);
}

void
tax_tally_init(struct tax_tally *t)
{
	t->n = 0;
}

void
tax_tally_add(struct tax_tally *t, int rate_bp, money_t amount)
{
	int k = 0;

	while (k < t->n && t->rate_bp[k] != rate_bp)
		k++;
	if (k == t->n) {
		if (t->n == ITEMS_MAX)
			k = t->n - 1;   /* more rates than lines: cannot happen */
		else
			t->n++;
		t->rate_bp[k] = rate_bp;
		t->base[k] = 0;
	}
	t->base[k] += amount;
}

money_t
tax_tally_total(const struct tax_tally *t)
{
	money_t tax = 0;

	for (int k = 0; k < t->n; k++)
		tax += money_tax(t->base[k], t->rate_bp[k]);
	return tax;
}

money_t
order_tax(const struct order *o)
{
	struct tax_tally t;

	tax_tally_init(&t);
	for (int i = 0; i < o->nitems; i++)
		tax_tally_add(&t, o->items[i].tax_bp, o->items[i].line_total);
	return tax_tally_total(&t);
}
