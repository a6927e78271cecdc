/* service: the order rules the server applies, as pure functions. */
#include "service.h"

#include <stdio.h>
#include <string.h>

#include "storeinfo.h"
#include "xalloc.h"

int
service_price(const struct menu *menu, struct order *o, struct codec_error *err)
{
	money_t subtotal = 0;
	char field[64];

	for (int i = 0; i < o->nitems; i++) {
		struct order_item *it = &o->items[i];
		const struct menu_item *mi = menu_find(menu, it->sku);
		int chosen[ITEM_GROUPS_MAX] = { 0 };
		money_t unit;

		snprintf(field, sizeof field, "items[%d].sku", i);
		if (mi == NULL) {
			codec_error_set(err, 422, "unknown_item", field,
			    "%s: no item with sku \"%s\" on the menu", field, it->sku);
			return -1;
		}
		if (!mi->available) {
			codec_error_set(err, 422, "item_unavailable", field,
			    "%s: %s is not available right now", field, mi->name);
			return -1;
		}
		/* the order keeps the names, station, rate and prices it was
		 * taken with, whatever the menu says later */
		xstrlcpy(it->name, mi->name, sizeof it->name);
		xstrlcpy(it->kitchen_name, mi->kitchen_name, sizeof it->kitchen_name);
		xstrlcpy(it->station, mi->station, sizeof it->station);
		it->tax_bp = menu_item_tax_bp(menu, mi);
		unit = mi->price;
		for (int m = 0; m < it->nmods; m++) {
			const struct modifier_group *g = NULL;
			bool on = false;
			const struct modifier *md = menu_item_modifier(menu, mi,
			    it->mods[m].code, &g, &on);

			snprintf(field, sizeof field, "items[%d].modifiers[%d]", i, m);
			if (md == NULL) {
				codec_error_set(err, 422, "unknown_modifier", field,
				    "%s: %s has no modifier \"%s\"", field, mi->name,
				    it->mods[m].code);
				return -1;
			}
			if (!on) {
				codec_error_set(err, 422, "modifier_unavailable", field,
				    "%s: %s is not available right now", field, md->name);
				return -1;
			}
			for (int k = 0; k < mi->ngroups; k++) {
				if (strcmp(mi->groups[k], g->code) == 0)
					chosen[k]++;
			}
			it->mods[m] = *md;
			if (money_add(unit, md->price, &unit) < 0)
				goto too_large;
		}
		for (int k = 0; k < mi->ngroups; k++) {
			const struct modifier_group *g = menu_find_group(menu, mi->groups[k]);

			snprintf(field, sizeof field, "items[%d].modifiers", i);
			if (g != NULL && chosen[k] < g->min) {
				codec_error_set(err, 422, "modifier_required", field,
				    "%s: %s needs %d or more of %s", field, mi->name, g->min,
				    g->name);
				return -1;
			}
			if (g != NULL && chosen[k] > g->max) {
				codec_error_set(err, 422, "too_many_modifiers", field,
				    "%s: %s takes at most %d of %s", field, mi->name, g->max,
				    g->name);
				return -1;
			}
		}
		if (unit < 0)
			unit = 0;   /* a discount modifier never makes a line negative */
		it->unit_price = unit;
		it->done = false;
		if (money_mul(unit, it->qty, &it->line_total) < 0 ||
		    money_add(subtotal, it->line_total, &subtotal) < 0)
			goto too_large;
	}
	o->subtotal = subtotal;
	o->tax = order_tax(o);
	if (money_add(subtotal, o->tax, &o->total) < 0)
		goto too_large;
	order_totals(o);
	return 0;
too_large:
	codec_error_set(err, 422, "total_too_large", "items",
	    "items: the order total is larger than the largest amount accepted");
	return -1;
}

int
service_offered(const struct store_info *info, enum service_type service,
    struct codec_error *err)
{
	if (info->services & SERVICE_BIT(service))
		return 0;
	codec_error_set(err, 422, "service_not_offered", "service",
	    "service: this restaurant does not offer %s", service_name(service));
	return -1;
}

int
service_check_payments(struct order *o, bool must_cover, struct codec_error *err)
{
	money_t paid = 0, cash = 0;

	for (int i = 0; i < o->npayments; i++) {
		const struct payment *p = &o->payments[i];

		if (money_add(paid, p->amount, &paid) < 0) {
			codec_error_set(err, 422, "invalid_field", "payments",
			    "payments: the amounts add up to more than the largest amount accepted");
			return -1;
		}
		if (p->tender == TENDER_CASH)
			cash += p->amount;
	}
	if (must_cover && o->npayments == 0) {
		codec_error_set(err, 422, "missing_field", "payments",
		    "payments: a %s order is paid when it is taken; give the tenders",
		    source_name(o->source));
		return -1;
	}
	if (must_cover && paid < o->total) {
		char due[32], got[32];

		money_format(o->total, due, sizeof due);
		money_format(paid, got, sizeof got);
		codec_error_set(err, 422, "insufficient_payment", "payments",
		    "payments: %s given for a total of %s", got, due);
		return -1;
	}
	/* change comes out of the drawer: only cash can be overpaid */
	if (paid - o->total > cash) {
		codec_error_set(err, 422, "overpayment", "payments",
		    "payments: card payments exceed the total; only cash gives change");
		return -1;
	}
	o->paid = paid;
	o->change = paid > o->total ? paid - o->total : 0;
	o->balance = o->total - (o->paid - o->change - o->refunded);
	return 0;
}

/* The tenders of a sale or a pay action enter the ledger as charges. */
static void
stamp_charges(struct order *o, int from, const struct caller *c, int64_t now)
{
	for (int i = from; i < o->npayments; i++) {
		o->payments[i].kind = PAYMENT_CHARGE;
		o->payments[i].at = now;
		xstrlcpy(o->payments[i].by, c->staff, sizeof o->payments[i].by);
	}
}

int
service_create(const struct caller *c, struct order *o, int64_t now,
    struct codec_error *err)
{
	if (!lifecycle_may_create(c->role, o->source)) {
		codec_error_set(err, 403, "forbidden", "source",
		    "a %s may not create %s orders", role_name(c->role),
		    source_name(o->source));
		return -1;
	}
	o->status = lifecycle_initial_status(o->source);
	if (o->status == STATUS_PENDING) {
		if (o->npayments > 0) {
			codec_error_set(err, 422, "invalid_field", "payments",
			    "payments: an ONLINE order is created unpaid and paid with the pay action");
			return -1;
		}
	} else if (service_check_payments(o, true, err) < 0) {
		return -1;
	}
	if (o->status == STATUS_PENDING && (o->created_at > 0 || o->ticket_printed_at > 0 ||
	    o->provisional[0] != '\0')) {
		const char *f = o->created_at > 0 ? "sold_at" : o->ticket_printed_at > 0 ?
		    "ticket_printed_at" : "provisional";

		codec_error_set(err, 422, "invalid_field", f,
		    "%s: only a sale paid when it is taken (POS, PHONE) has one", f);
		return -1;
	}
	/* an offline sale happened when it was sold, not when it arrived:
	 * the kitchen's timer, the history and the reports run from then */
	if (o->created_at <= 0 || o->created_at > now)
		o->created_at = now;
	o->version = 1;
	o->received_at = now;
	o->updated_at = now;
	stamp_charges(o, 0, c, o->created_at);
	xstrlcpy(o->staff, c->staff, sizeof o->staff);
	xstrlcpy(o->terminal, c->terminal, sizeof o->terminal);
	o->nhistory = 0;
	order_record(o, o->status, -1, o->created_at, c->staff);
	return 0;
}

static int
check_time(const char *field, int64_t at, int64_t now, int64_t retention_ms,
    struct codec_error *err)
{
	if (at <= 0)
		return 0;
	if (at > now + SERVICE_CLOCK_TOLERANCE_MS) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: %lld s ahead of the server's clock (at most %d s allowed)", field,
		    (long long)((at - now) / 1000), SERVICE_CLOCK_TOLERANCE_MS / 1000);
		return -1;
	}
	if (retention_ms > 0 && at < now - retention_ms) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: older than the server keeps Idempotency-Keys (%lld h): a change "
		    "queued that long may have been applied already", field,
		    (long long)(retention_ms / 3600000));
		return -1;
	}
	return 0;
}

int
service_check_times(const struct order *o, int64_t now, int64_t retention_ms,
    struct codec_error *err)
{
	if (check_time("sold_at", o->created_at, now, retention_ms, err) < 0 ||
	    check_time("ticket_printed_at", o->ticket_printed_at, now, retention_ms, err) < 0)
		return -1;
	return 0;
}

bool
service_may_see(const struct caller *c, const struct order *o)
{
	if (c->role != ROLE_CUSTOMER)
		return true;
	return strcmp(o->staff, c->staff) == 0;
}

void
service_illegal_message(const struct caller *c, const struct order *o,
    enum order_action action, struct codec_error *err, char *allowed_csv,
    size_t size)
{
	unsigned bits = lifecycle_allowed(c->role, strcmp(o->staff, c->staff) == 0,
	    o->status, o->service);
	size_t len = 0;

	allowed_csv[0] = '\0';
	for (int a = 0; a < ACTION_COUNT; a++) {
		if (bits & (1u << a))
			len += (size_t)snprintf(allowed_csv + len, size > len ? size - len : 0,
			    "%s%s", len ? ", " : "", action_name((enum order_action)a));
	}
	codec_error_set(err, 409, "illegal_transition", "action",
	    "cannot %s order %d: it is %s (%s); allowed now: %s",
	    action_name(action), o->number, status_name(o->status),
	    service_name(o->service), len ? allowed_csv : "none for your role");
}

enum service_refusal
service_act(const struct caller *c, struct order *o, enum order_action action,
    int expected_version, const struct payment *pay, int npay,
    const char *reason, int64_t now, struct codec_error *err)
{
	bool owner = strcmp(o->staff, c->staff) == 0;
	enum order_status to;
	char allowed[128];

	switch (lifecycle_check(action, c->role, owner, o->status, o->service, &to)) {
	case LIFECYCLE_FORBIDDEN:
		codec_error_set(err, 403, "forbidden", "action",
		    "a %s may not %s this order", role_name(c->role), action_name(action));
		return REFUSE_FORBIDDEN;
	case LIFECYCLE_ILLEGAL:
		service_illegal_message(c, o, action, err, allowed, sizeof allowed);
		return REFUSE_ILLEGAL;
	case LIFECYCLE_OK:
		break;
	}
	if (expected_version >= 0 && expected_version != o->version) {
		codec_error_set(err, 409, "version_conflict", "expected_version",
		    "order %d is at version %d, not %d: it changed meanwhile",
		    o->number, o->version, expected_version);
		return REFUSE_VERSION;
	}
	if (action == ACTION_PAY) {
		if (npay > PAYMENTS_MAX)
			npay = PAYMENTS_MAX;
		o->npayments = npay;
		for (int i = 0; i < npay; i++)
			o->payments[i] = pay[i];
		if (service_check_payments(o, true, err) < 0)
			return REFUSE_INVALID;
		stamp_charges(o, 0, c, now);
	} else if (npay > 0) {
		codec_error_set(err, 422, "invalid_field", "payments",
		    "payments: only the pay action takes payments");
		return REFUSE_INVALID;
	}
	if (action == ACTION_CANCEL && reason != NULL)
		xstrlcpy(o->cancel_reason, reason, sizeof o->cancel_reason);
	/* a recalled order goes back to the kitchen whole */
	if (action == ACTION_RECALL) {
		for (int i = 0; i < o->nitems; i++)
			o->items[i].done = false;
	}
	o->status = to;
	o->version++;
	o->updated_at = now;
	order_record(o, to, (int)action, now, c->staff);
	return REFUSE_NONE;
}

int
service_patch(const struct caller *c, struct order *o, const struct order *patch,
    unsigned mask, int64_t now, struct codec_error *err)
{
	if (c->role == ROLE_CHEF) {
		codec_error_set(err, 403, "forbidden", NULL,
		    "a CHEF may not change an order's service or customer");
		return -1;
	}
	if (c->role == ROLE_CUSTOMER && o->status != STATUS_PENDING) {
		codec_error_set(err, 409, "order_locked", NULL,
		    "order %d is %s: only a PENDING order can be changed online",
		    o->number, status_name(o->status));
		return -1;
	}
	if (!lifecycle_editable(o->status)) {
		codec_error_set(err, 409, "order_locked", NULL,
		    "order %d is %s: service, table, customer and link can only change while PENDING or PAID",
		    o->number, status_name(o->status));
		return -1;
	}
	if (mask & ORDER_PATCH_SERVICE)
		o->service = patch->service;
	if (mask & ORDER_PATCH_TABLE)
		xstrlcpy(o->table, patch->table, sizeof o->table);
	if (mask & ORDER_PATCH_CUSTOMER)
		o->customer = patch->customer;
	if (mask & ORDER_PATCH_LINK)
		o->linked_to = patch->linked_to;
	if (o->service == SERVICE_DELIVERY &&
	    (o->customer.address[0] == '\0' || o->customer.phone[0] == '\0')) {
		codec_error_set(err, 422, "missing_field", "customer",
		    "customer: a delivery needs a phone and an address");
		return -1;
	}
	if (o->linked_to == o->id && o->id != 0) {
		codec_error_set(err, 422, "invalid_field", "linked_to",
		    "linked_to: an order cannot be linked to itself");
		return -1;
	}
	o->version++;
	o->updated_at = now;
	return 0;
}
