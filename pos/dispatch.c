/* dispatch: READY / OUT_FOR_DELIVERY / PENDING orders grouped for hand-over. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "xalloc.h"

static const char *const group_titles[DISPATCH_GROUP_COUNT] = {
	[DISPATCH_READY_DINE_IN] = "READY: dine-in (serve)",
	[DISPATCH_READY_PICKUP] = "READY: pickup (hand over)",
	[DISPATCH_READY_DELIVERY] = "READY: delivery (send out)",
	[DISPATCH_OUT] = "OUT FOR DELIVERY",
	[DISPATCH_PENDING] = "ONLINE, NOT PAID (pay at pickup)",
};

/* The actions a hand-over key may perform, in the order they are tried. */
static const enum order_action dispatch_actions[] = {
	ACTION_SERVE, ACTION_PICKUP, ACTION_DISPATCH, ACTION_DELIVER, ACTION_PAY,
};

const char *
dispatch_group_title(enum dispatch_group g)
{
	return (unsigned)g < DISPATCH_GROUP_COUNT ? group_titles[g] : "?";
}

void
dispatch_init(struct dispatch *d)
{
	memset(d, 0, sizeof *d);
	d->sel = -1;
}

void
dispatch_free(struct dispatch *d)
{
	free(d->rows);
	dispatch_init(d);
}

static int
group_of(const struct order *o)
{
	switch (o->status) {
	case STATUS_READY:
		return DISPATCH_READY_DINE_IN + (int)o->service;
	case STATUS_OUT_FOR_DELIVERY:
		return DISPATCH_OUT;
	case STATUS_PENDING:
		return DISPATCH_PENDING;
	default:
		return -1;
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct dispatch_row *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;   /* oldest first */
	return x->id < y->id ? -1 : x->id > y->id;
}

void
dispatch_build(struct dispatch *d, const struct order *const *orders, int n,
    enum staff_role role)
{
	d->nrows = 0;
	memset(d->counts, 0, sizeof d->counts);
	for (int i = 0; i < n; i++) {
		const struct order *o = orders[i];
		int g = group_of(o);
		struct dispatch_row *r;
		unsigned allowed;

		if (g < 0)
			continue;
		if (d->nrows == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 32;
			d->rows = xreallocarray(d->rows, (size_t)d->cap, sizeof *d->rows);
		}
		r = &d->rows[d->nrows++];
		memset(r, 0, sizeof *r);
		r->id = o->id;
		r->number = o->number;
		r->version = o->version;
		r->group = (enum dispatch_group)g;
		r->status = o->status;
		r->service = o->service;
		r->since = order_status_at(o, o->status);
		if (r->since == 0)
			r->since = o->updated_at;
		r->total = o->total;
		for (int k = 0; k < o->nitems; k++)
			r->nitems += o->items[k].qty;
		if (o->service == SERVICE_DINE_IN && o->table[0])
			snprintf(r->who, sizeof r->who, "table %s%s%s", o->table,
			    o->customer.name[0] ? " " : "", o->customer.name);
		else
			snprintf(r->who, sizeof r->who, "%s", o->customer.name);
		if (o->service == SERVICE_DELIVERY) {
			xstrlcpy(r->phone, o->customer.phone, sizeof r->phone);
			xstrlcpy(r->address, o->customer.address, sizeof r->address);
		}
		r->action = -1;
		allowed = lifecycle_allowed(role, false, o->status, o->service);
		for (size_t k = 0; k < sizeof dispatch_actions / sizeof dispatch_actions[0]; k++) {
			if (allowed & (1u << dispatch_actions[k])) {
				r->action = (int)dispatch_actions[k];
				break;
			}
		}
		d->counts[g]++;
	}
	if (d->nrows > 1)
		qsort(d->rows, (size_t)d->nrows, sizeof *d->rows, row_cmp);
	d->sel = d->nrows > 0 ? 0 : -1;
	for (int i = 0; i < d->nrows; i++) {
		if (d->rows[i].id == d->sel_id) {
			d->sel = i;
			break;
		}
	}
	d->sel_id = d->sel >= 0 ? d->rows[d->sel].id : 0;
}

void
dispatch_move(struct dispatch *d, int delta)
{
	if (d->nrows == 0)
		return;
	d->sel += delta;
	if (d->sel < 0)
		d->sel = 0;
	if (d->sel >= d->nrows)
		d->sel = d->nrows - 1;
	d->sel_id = d->rows[d->sel].id;
}

const struct dispatch_row *
dispatch_selected(const struct dispatch *d)
{
	return d->sel >= 0 && d->sel < d->nrows ? &d->rows[d->sel] : NULL;
}

const char *
dispatch_action_label(const struct dispatch_row *r)
{
	return r != NULL && r->action >= 0 ? action_name((enum order_action)r->action) : "";
}
