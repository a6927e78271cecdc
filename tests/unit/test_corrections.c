/* test_corrections: the order's figures after voids, discounts and
 * refunds (order_totals), the corrections' rules (who, from which status,
 * within which limits), and the signed approvals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "approval.h"
#include "corrections.h"

static const struct caller cashier = { 1, "k1", ROLE_CASHIER, "pos-1", 1, false };
static const struct caller manager = { 4, "m1", ROLE_MANAGER, "pos-1", 1, false };
static const struct caller chef = { 3, "c1", ROLE_CHEF, "kds-1", 1, false };

static void
line(struct order *o, const char *sku, int qty, money_t unit, int tax_bp)
{
	struct order_item *it = order_add_item(o);

	strcpy(it->sku, sku);
	strcpy(it->name, sku);
	it->qty = qty;
	it->unit_price = unit;
	it->line_total = unit * qty;
	it->tax_bp = tax_bp;
}

/* 2 x 9.50 at 8 %, 1 x 3.50 at 8 %, 1 x 2.00 at 20 %, paid 30.00 cash. */
static void
sale(struct order *o)
{
	order_init(o);
	o->number = 7;
	o->status = STATUS_PAID;
	o->version = 1;
	line(o, "B1", 2, 950, 800);
	line(o, "S1", 1, 350, 800);
	line(o, "W1", 1, 200, 2000);
	o->npayments = 1;
	o->payments[0].tender = TENDER_CASH;
	o->payments[0].amount = 3000;
	order_totals(o);
	o->change = o->payments[0].amount - o->total;
	order_totals(o);
}

static struct authority
own(const struct caller *c)
{
	struct authority a = { c->role, false, "" };

	return a;
}

static struct correction_request
req(enum correction_kind kind, const char *reason)
{
	struct correction_request r;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.line = -1;
	r.expected_version = -1;
	strcpy(r.reason, reason);
	return r;
}

static void
test_figures(void **state)
{
	struct order o;

	(void)state;
	sale(&o);
	/* 22.50 at 8 % = 1.80, 2.00 at 20 % = 0.40 */
	assert_int_equal(o.gross, 2450);
	assert_int_equal(o.subtotal, 2450);
	assert_int_equal(o.tax, 180 + 40);
	assert_int_equal(o.total, 2670);
	assert_int_equal(o.balance, 0);
	/* one burger voided: 13.00 at 8 % = 1.04 */
	o.items[0].voided = 1;
	order_totals(&o);
	assert_int_equal(o.subtotal, 1500);
	assert_int_equal(o.tax, 104 + 40);
	assert_int_equal(o.balance, 1644 - 2670);
	assert_int_equal(o.gross, 2450);      /* as rung up, always */
	/* 10 % off the order, shared by what each line sells for: 1.50 off
	 * 15.00, of which 1.30 on the 8 % lines and 0.20 on the 20 % one */
	o.disc.percent_bp = 1000;
	order_totals(&o);
	assert_int_equal(o.disc.value, 150);
	assert_int_equal(o.items[0].net + o.items[1].net, 1300 - 130);
	assert_int_equal(o.items[2].net, 180);
	assert_int_equal(o.subtotal, 1350);
	assert_int_equal(o.tax, 94 + 36);
	/* an amount off never takes more than there is */
	o.disc.percent_bp = 0;
	o.disc.amount = 999999;
	order_totals(&o);
	assert_int_equal(o.subtotal, 0);
	assert_int_equal(o.tax, 0);
	order_free(&o);
}

static void
test_shares_add_up(void **state)
{
	struct order o;

	(void)state;
	/* three lines of 1.00: 1.00 off shares as 0.34 + 0.33 + 0.33 */
	order_init(&o);
	line(&o, "A", 1, 100, 0);
	line(&o, "B", 1, 100, 0);
	line(&o, "C", 1, 100, 0);
	o.disc.amount = 100;
	order_totals(&o);
	assert_int_equal(o.items[0].net + o.items[1].net + o.items[2].net, 200);
	assert_int_equal(o.subtotal, 200);
	for (int i = 0; i < 3; i++)
		assert_true(o.items[i].net == 66 || o.items[i].net == 67);
	order_free(&o);
}

static void
test_void_and_refund(void **state)
{
	struct store_info si;
	struct codec_error err;
	struct order o;
	struct authority a = own(&manager);
	struct correction_request r = req(CORRECTION_VOID, "Wrong item");

	(void)state;
	store_info_init(&si);
	sale(&o);
	r.nlines = 1;
	r.lines[0].line = 0;
	r.lines[0].qty = 1;
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 5000, &err), 0);
	assert_int_equal(o.version, 2);
	assert_int_equal(o.ncorrections, 1);
	assert_int_equal(o.corrections[0].net, -950);
	assert_int_equal(o.corrections[0].tax, 104 - 180);
	assert_int_equal(o.balance, -(2670 - 1644));
	/* what is owed back, to the cash that paid it */
	r = req(CORRECTION_REFUND, "Quality");
	r.nrefunds = 1;
	r.refunds[0].tender = TENDER_CASH;
	r.refunds[0].amount = 2670 - 1644 + 1;
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 6000, &err), -1);
	assert_string_equal(err.code, "refund_exceeds_paid");
	assert_int_equal(o.npayments, 1);
	r.refunds[0].amount--;
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 6000, &err), 0);
	assert_int_equal(o.balance, 0);
	assert_int_equal(o.payments[1].kind, PAYMENT_REFUND);
	assert_string_equal(o.payments[1].by, "m1");
	/* a card never paid cannot be refunded */
	r.refunds[0].tender = TENDER_CARD;
	strcpy(r.refunds[0].card.last4, "4242");
	strcpy(r.refunds[0].approval, "X1");
	r.refunds[0].amount = 1;
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 7000, &err), -1);
	assert_string_equal(err.code, "refund_wrong_tender");
	/* the rest voided: the order is cancelled, every correction adds up */
	r = req(CORRECTION_VOID, "Wrong item");
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 8000, &err), 0);
	assert_int_equal(o.status, STATUS_CANCELLED);
	assert_string_equal(o.cancel_reason, "Wrong item");
	money_t net = 0, tax = 0;

	for (int i = 0; i < o.ncorrections; i++) {
		net += o.corrections[i].net;
		tax += o.corrections[i].tax;
	}
	assert_int_equal(o.gross + net, o.subtotal);
	assert_int_equal(220 + tax, o.tax);
	assert_int_equal(o.total, 0);
	order_free(&o);
}

static void
test_who_may(void **state)
{
	struct store_info si;
	struct codec_error err;
	struct order o;
	struct authority a = own(&cashier);
	struct correction_request r = req(CORRECTION_VOID, "Wrong item");

	(void)state;
	store_info_init(&si);
	sale(&o);
	assert_int_equal(corrections_apply(&cashier, &a, &si, &o, &r, 1, &err), -1);
	assert_string_equal(err.code, "approval_required");
	assert_int_equal(err.status, 403);
	a = own(&chef);
	assert_int_equal(corrections_apply(&chef, &a, &si, &o, &r, 1, &err), -1);
	assert_string_equal(err.code, "forbidden");
	/* a cashier's 10 % is theirs; 11 % needs a manager, and with one
	 * approving it goes through, recorded as theirs */
	a = own(&cashier);
	r = req(CORRECTION_DISCOUNT, "Loyalty");
	r.line = 0;
	r.disc.percent_bp = 1100;
	assert_int_equal(corrections_apply(&cashier, &a, &si, &o, &r, 1, &err), -1);
	assert_string_equal(err.code, "discount_over_limit");
	r.disc.percent_bp = 1000;
	assert_int_equal(corrections_apply(&cashier, &a, &si, &o, &r, 1, &err), 0);
	/* an amount counts as its share: 2.00 of 19.00 is 10.53 % */
	r.disc.percent_bp = 0;
	r.disc.amount = 200;
	assert_int_equal(corrections_apply(&cashier, &a, &si, &o, &r, 1, &err), -1);
	a.role = ROLE_MANAGER;
	a.approved = true;
	strcpy(a.approved_by, "m1");
	assert_int_equal(corrections_apply(&cashier, &a, &si, &o, &r, 1, &err), 0);
	assert_string_equal(o.corrections[o.ncorrections - 1].by, "k1");
	assert_string_equal(o.corrections[o.ncorrections - 1].approved_by, "m1");
	/* the store's reasons */
	r = req(CORRECTION_COMP, "Because");
	r.line = 1;
	r.disc.percent_bp = 10000;
	r.disc.comp = true;
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 1, &err), -1);
	assert_string_equal(err.code, "unknown_reason");
	/* a completed order is refunded, not voided */
	o.status = STATUS_COMPLETED;
	r = req(CORRECTION_VOID, "Wrong item");
	assert_int_equal(corrections_apply(&manager, &a, &si, &o, &r, 1, &err), -1);
	assert_string_equal(err.code, "order_completed");
	order_free(&o);
}

static void
test_approval_tokens(void **state)
{
	uint8_t key[APPROVAL_KEY_LEN], other[APPROVAL_KEY_LEN];
	char token[APPROVAL_TOKEN_MAX + 1], bad[APPROVAL_TOKEN_MAX + 1];
	struct approval a = { 2, 4, 1, 42, 1u << CORRECTION_VOID, 1796294913018, "" }, back;

	(void)state;
	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	approval_key_hash("3c2e0c1e-8b1a-4c55-9a57-0123456789ab", a.key_hash);
	approval_sign(key, &a, token);
	assert_int_equal(approval_verify(key, token, &back), 0);
	assert_int_equal(back.store_id, 2);
	assert_int_equal(back.approver_id, 4);
	assert_int_equal(back.for_staff_id, 1);
	assert_int_equal(back.order_id, 42);
	assert_int_equal(back.scope, 1u << CORRECTION_VOID);
	assert_string_equal(back.key_hash, a.key_hash);
	/* another database's key, one altered digit, a cut token, garbage */
	assert_int_equal(approval_verify(other, token, &back), -1);
	strcpy(bad, token);
	bad[2] = bad[2] == '9' ? '8' : '9';
	assert_int_equal(approval_verify(key, bad, &back), -1);
	strcpy(bad, token);
	bad[strlen(bad) - 3] = '\0';
	assert_int_equal(approval_verify(key, bad, &back), -1);
	assert_int_equal(approval_verify(key, "", &back), -1);
	assert_int_equal(approval_verify(key, "1.2.3.4.5.6.7.", &back), -1);
	/* another store's approval is another token */
	a.store_id = 3;
	approval_sign(key, &a, bad);
	assert_string_not_equal(bad, token);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_shares_add_up),
		cmocka_unit_test(test_void_and_refund),
		cmocka_unit_test(test_who_may),
		cmocka_unit_test(test_approval_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
