/* test_pos_correct: what the till works out before a correction: who may
 * make it alone (a void or refund a manager; a discount within the role's
 * limit, an amount as its share of what it is taken off; a comp 100 %),
 * the tenders a refund may go back to and how much, the money owed back
 * after a void or with the lines taken back, the refund as the server
 * records it (for a receipt printed offline), and the balance in words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "correct.h"
#include "xalloc.h"

/* 2 x 9.50 and 1 x 6.00 at 8 %: 27.00, paid cash 24.00 (2.00 change)
 * and card 5.00 (VISA 4242). */
static void
mk(struct order *o)
{
	struct order_item *it;
	struct payment *p;

	order_init(o);
	o->id = 7;
	o->number = 3;
	it = order_add_item(o);
	xstrlcpy(it->name, "Classic Burger", sizeof it->name);
	it->qty = 2;
	it->unit_price = 950;
	it->line_total = 1900;
	it->tax_bp = 800;
	it = order_add_item(o);
	xstrlcpy(it->name, "Cheesecake", sizeof it->name);
	it->qty = 1;
	it->unit_price = 600;
	it->line_total = 600;
	it->tax_bp = 800;
	p = &o->payments[o->npayments++];
	p->tender = TENDER_CASH;
	p->amount = 2400;
	p = &o->payments[o->npayments++];
	p->tender = TENDER_CARD;
	p->amount = 500;
	xstrlcpy(p->card.brand, "VISA", sizeof p->card.brand);
	xstrlcpy(p->card.last4, "4242", sizeof p->card.last4);
	o->change = 200;
	order_totals(o);
}

static void
test_may_alone(void **state)
{
	struct store_info si;
	struct discount pct = { .percent_bp = 1000 }, more = { .percent_bp = 1001 };
	struct discount amt = { .amount = 100 }, comp = { .comp = true };

	(void)state;
	store_info_init(&si);
	/* voids and refunds: managers and admins */
	assert_false(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_VOID, NULL, 0));
	assert_false(correct_may_alone(ROLE_WAITER, &si, CORRECTION_REFUND, NULL, 0));
	assert_true(correct_may_alone(ROLE_MANAGER, &si, CORRECTION_VOID, NULL, 0));
	assert_true(correct_may_alone(ROLE_ADMIN, &si, CORRECTION_REFUND, NULL, 0));
	/* a cashier up to 10 %: an amount counts as its share, rounded up */
	assert_true(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_DISCOUNT, &pct, 0));
	assert_false(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_DISCOUNT, &more, 0));
	assert_true(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_DISCOUNT, &amt, 1000));
	assert_false(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_DISCOUNT, &amt, 999));
	assert_int_equal(correct_discount_bp(&amt, 999), 1002);
	/* a comp is 100 % */
	assert_false(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_COMP, &comp, 500));
	assert_true(correct_may_alone(ROLE_MANAGER, &si, CORRECTION_COMP, &comp, 500));
	/* the store's limits, when it changes them; the defaults before it is known */
	si.discount_limit[ROLE_CASHIER] = 0;
	assert_false(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_DISCOUNT, &pct, 0));
	si.discount_limit[ROLE_CASHIER] = 100;
	assert_true(correct_may_alone(ROLE_CASHIER, &si, CORRECTION_COMP, &comp, 500));
	assert_true(correct_may_alone(ROLE_CASHIER, NULL, CORRECTION_DISCOUNT, &pct, 0));
	assert_false(correct_may_alone(ROLE_CHEF, NULL, CORRECTION_DISCOUNT, &pct, 0));
}

static void
test_discount_base(void **state)
{
	struct order o;

	(void)state;
	mk(&o);
	assert_int_equal(correct_discount_base(&o, 0), 1900);
	assert_int_equal(correct_discount_base(&o, 1), 600);
	assert_int_equal(correct_discount_base(&o, 5), 0);
	/* the order's: after the lines' own discounts and voids */
	o.items[0].disc.percent_bp = 1000;
	o.items[1].voided = 1;
	order_totals(&o);
	assert_int_equal(correct_discount_base(&o, -1), 1710);
	assert_int_equal(correct_discount_base(&o, 1), 0);
	order_free(&o);
}

static void
test_refund(void **state)
{
	struct order o;
	struct payment t[PAYMENTS_MAX];
	char buf[64];
	int n;

	(void)state;
	mk(&o);
	assert_int_equal(o.total, 2700);
	assert_int_equal(o.balance, 0);
	correct_balance_text(&o, buf, sizeof buf);
	assert_string_equal(buf, "settled");
	/* cash (less the change) and the card, each once */
	n = correct_tenders(&o, t, PAYMENTS_MAX);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].tender, TENDER_CASH);
	assert_int_equal(correct_tender_left(&o, &t[0]), 2200);
	assert_int_equal(t[1].tender, TENDER_CARD);
	assert_string_equal(t[1].card.last4, "4242");
	assert_int_equal(correct_tender_left(&o, &t[1]), 500);
	/* nothing owed back; a burger taken back is 9.50 + 0.76 */
	assert_int_equal(correct_refund_owed(&o, -1, 0), 0);
	assert_int_equal(correct_refund_owed(&o, 0, 1), 1026);
	assert_int_equal(correct_refund_amount(&o, 0, 1, &t[0]), 1026);
	/* no more to a tender than it paid */
	assert_int_equal(correct_refund_amount(&o, 0, 1, &t[1]), 500);
	/* after a void of a burger: 10.26 owed back, money only */
	o.items[0].voided = 1;
	order_totals(&o);
	correct_balance_text(&o, buf, sizeof buf);
	assert_string_equal(buf, "owed back 10.26");
	assert_int_equal(correct_refund_amount(&o, -1, 0, &t[0]), 1026);
	/* given back: recorded as the server would, then settled */
	t[0].amount = 1026;
	correct_apply_refund(&o, -1, 0, &t[0], "Quality", "m1", 1234);
	assert_int_equal(o.npayments, 3);
	assert_int_equal(o.payments[2].kind, PAYMENT_REFUND);
	assert_int_equal(o.payments[2].at, 1234);
	assert_string_equal(o.payments[2].by, "m1");
	assert_int_equal(o.ncorrections, 1);
	assert_int_equal(o.corrections[0].kind, CORRECTION_REFUND);
	assert_int_equal(o.corrections[0].refund, 1026);
	assert_int_equal(o.corrections[0].line, -1);
	assert_int_equal(o.balance, 0);
	assert_int_equal(correct_tender_left(&o, &t[0]), 1174);
	/* a line taken back with its money */
	t[0].amount = correct_refund_amount(&o, 1, 1, &t[0]);
	assert_int_equal(t[0].amount, 648);
	correct_apply_refund(&o, 1, 1, &t[0], "Quality", "m1", 1300);
	assert_int_equal(o.items[1].refunded, 1);
	assert_int_equal(o.corrections[1].line, 1);
	assert_int_equal(o.corrections[1].qty, 1);
	assert_int_equal(o.corrections[1].net, -600);
	assert_int_equal(o.corrections[1].tax, -48);
	assert_int_equal(o.balance, 0);
	/* an unpaid order has no tender to refund to */
	o.npayments = 0;
	o.change = 0;
	order_totals(&o);
	assert_int_equal(correct_tenders(&o, t, PAYMENTS_MAX), 0);
	correct_balance_text(&o, buf, sizeof buf);
	assert_string_equal(buf, "still due 10.26");
	order_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_may_alone),
		cmocka_unit_test(test_discount_base),
		cmocka_unit_test(test_refund),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
