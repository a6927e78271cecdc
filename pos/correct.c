/* correct: a correction worked out at the till, by the server's rules
 * (server/corrections.c). */
#include "correct.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

money_t
correct_discount_base(const struct order *o, int line)
{
	money_t base = 0;

	if (line >= 0) {
		if (line >= o->nitems)
			return 0;
		return o->items[line].unit_price * order_item_left(&o->items[line]);
	}
	for (int i = 0; i < o->nitems; i++)
		base += o->items[i].unit_price * order_item_left(&o->items[i]) -
		    o->items[i].disc.value;
	return base;
}

int
correct_discount_bp(const struct discount *d, money_t base)
{
	if (d->comp)
		return 10000;
	if (d->percent_bp > 0)
		return d->percent_bp;
	if (base <= 0)
		return 10000;
	return (int)((d->amount * 10000 + base - 1) / base);
}

bool
correct_may_alone(enum staff_role role, const struct store_info *si,
    enum correction_kind kind, const struct discount *d, money_t base)
{
	struct store_info def;
	bool boss = role == ROLE_MANAGER || role == ROLE_ADMIN;

	if ((unsigned)role >= ROLE_COUNT)
		return false;
	switch (kind) {
	case CORRECTION_VOID:
	case CORRECTION_REFUND:
		return boss;
	case CORRECTION_DISCOUNT:
	case CORRECTION_COMP:
		if (si == NULL) {
			store_info_init(&def);
			si = &def;
		}
		return correct_discount_bp(d, base) <= si->discount_limit[role] * 100;
	case CORRECTION_KIND_COUNT:
		break;
	}
	return false;
}

static bool
same_tender(const struct payment *a, const struct payment *b)
{
	if (a->tender != b->tender)
		return false;
	return a->tender != TENDER_CARD || strcmp(a->card.last4, b->card.last4) == 0;
}

money_t
correct_tender_left(const struct order *o, const struct payment *p)
{
	money_t left = 0;

	for (int i = 0; i < o->npayments; i++) {
		const struct payment *q = &o->payments[i];

		if (same_tender(q, p))
			left += q->kind == PAYMENT_REFUND ? -q->amount : q->amount;
	}
	if (p->tender == TENDER_CASH)
		left -= o->change;
	return left > 0 ? left : 0;
}

int
correct_tenders(const struct order *o, struct payment *out, int max)
{
	int n = 0;

	for (int i = 0; i < o->npayments && n < max; i++) {
		const struct payment *q = &o->payments[i];
		bool seen = false;

		if (q->kind != PAYMENT_CHARGE)
			continue;
		for (int k = 0; k < n && !seen; k++)
			seen = same_tender(&out[k], q);
		if (seen || correct_tender_left(o, q) <= 0)
			continue;
		memset(&out[n], 0, sizeof out[n]);
		out[n].tender = q->tender;
		out[n].card = q->card;
		out[n].kind = PAYMENT_REFUND;
		n++;
	}
	return n;
}

money_t
correct_refund_owed(const struct order *o, int line, int qty)
{
	struct order c;
	money_t owed;

	order_copy(&c, o);
	if (line >= 0 && line < c.nitems && qty > 0)
		c.items[line].refunded += qty;
	order_totals(&c);
	owed = -c.balance;
	order_free(&c);
	return owed > 0 ? owed : 0;
}

money_t
correct_refund_amount(const struct order *o, int line, int qty, const struct payment *p)
{
	money_t owed = correct_refund_owed(o, line, qty);
	money_t left = correct_tender_left(o, p);

	return owed < left ? owed : left;
}

void
correct_apply_refund(struct order *o, int line, int qty, const struct payment *p,
    const char *reason, const char *by, int64_t at)
{
	money_t sub0, tax0;
	struct correction *co;

	order_totals(o);
	sub0 = o->subtotal;
	tax0 = o->tax;
	if (line >= 0 && line < o->nitems && qty > 0)
		o->items[line].refunded += qty;
	if (o->npayments < PAYMENTS_MAX) {
		struct payment *q = &o->payments[o->npayments++];

		*q = *p;
		q->kind = PAYMENT_REFUND;
		q->at = at;
		xstrlcpy(q->by, by, sizeof q->by);
	}
	order_totals(o);
	co = order_add_correction(o);
	co->kind = CORRECTION_REFUND;
	co->at = at;
	xstrlcpy(co->by, by, sizeof co->by);
	xstrlcpy(co->reason, reason, sizeof co->reason);
	co->line = qty > 0 ? line : -1;
	co->qty = qty > 0 ? qty : 0;
	co->net = o->subtotal - sub0;
	co->tax = o->tax - tax0;
	co->refund = p->amount;
}

void
correct_balance_text(const struct order *o, char *buf, size_t size)
{
	char m[32];

	if (o->balance == 0) {
		snprintf(buf, size, "settled");
		return;
	}
	money_format(o->balance < 0 ? -o->balance : o->balance, m, sizeof m);
	snprintf(buf, size, "%s %s", o->balance < 0 ? "owed back" : "still due", m);
}
