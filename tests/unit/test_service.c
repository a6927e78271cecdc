/* test_service: the server's order rules: pricing from the menu, tenders,
 * creation by role, actions and edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "service.h"

static struct menu menu;
static const struct caller cashier = { 1, "k1", ROLE_CASHIER, "pos-1", 1, false };
static const struct caller chef = { 3, "c1", ROLE_CHEF, "kds-1", 1, false };
static const struct caller customer = { 6, "web", ROLE_CUSTOMER, "web", 1, false };

static void
add_item(const char *sku, const char *station, money_t price, bool available)
{
	struct menu_item *it = menu_add_item(&menu);

	strcpy(it->sku, sku);
	snprintf(it->name, sizeof it->name, "Item %s", sku);
	strcpy(it->category, "Food");
	strcpy(it->station, station);
	it->price = price;
	it->available = available;
	strcpy(it->tax_class, "std");
	struct modifier mods[2] = {
		{ "XCH", "Extra cheese", 100 }, { "HALF", "Half portion", -5000 },
	};
	menu_item_offer(&menu, it, mods, 2);
}

static int
setup(void **state)
{
	(void)state;
	menu_init(&menu);
	menu.ntax = 1;
	strcpy(menu.tax[0].code, "std");
	menu.tax[0].rate_bp = 0;
	add_item("B1", "grill", 950, true);
	add_item("S1", "fryer", 350, true);
	add_item("OFF", "grill", 500, false);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	menu_free(&menu);
	return 0;
}

static void
order_with(struct order *o, enum order_source src, const char *sku, int qty,
    const char *mod)
{
	struct order_item *it;

	order_init(o);
	o->source = src;
	o->service = SERVICE_PICKUP;
	it = order_add_item(o);
	strcpy(it->sku, sku);
	it->qty = qty;
	if (mod != NULL) {
		strcpy(it->mods[0].code, mod);
		it->nmods = 1;
	}
}

static void
pay(struct order *o, enum tender_type t, money_t amount)
{
	o->payments[o->npayments].tender = t;
	o->payments[o->npayments].amount = amount;
	o->npayments++;
}

static void
test_pricing(void **state)
{
	struct codec_error err;
	struct order o;

	(void)state;
	menu.tax[0].rate_bp = 825;
	order_with(&o, SOURCE_POS, "B1", 3, "XCH");
	strcpy(o.items[0].name, "client says free");
	o.items[0].unit_price = 1;   /* never trusted */
	assert_int_equal(service_price(&menu, &o, &err), 0);
	assert_int_equal(o.items[0].tax_bp, 825);
	assert_string_equal(o.items[0].name, "Item B1");
	assert_string_equal(o.items[0].station, "grill");
	assert_int_equal(o.items[0].unit_price, 1050);
	assert_int_equal(o.items[0].line_total, 3150);
	assert_int_equal(o.subtotal, 3150);
	assert_int_equal(o.tax, 260);          /* 259.875 */
	assert_int_equal(o.total, 3410);
	order_free(&o);

	/* lines at two rates: each rate's sum is taxed and rounded once */
	menu.ntax = 2;
	strcpy(menu.tax[1].code, "zero");
	menu.tax[1].rate_bp = 0;
	strcpy(menu_find(&menu, "S1")->tax_class, "zero");
	order_with(&o, SOURCE_POS, "B1", 1, NULL);
	struct order_item *fries = order_add_item(&o);
	strcpy(fries->sku, "S1");
	fries->qty = 3;
	assert_int_equal(service_price(&menu, &o, &err), 0);
	assert_int_equal(o.items[1].tax_bp, 0);
	assert_int_equal(o.subtotal, 950 + 1050);
	assert_int_equal(o.tax, 78);           /* 8.25% of 9.50 only */
	order_free(&o);
	strcpy(menu_find(&menu, "S1")->tax_class, "std");
	menu.ntax = 1;
	menu.tax[0].rate_bp = 0;

	/* a big discount modifier never makes a line negative */
	order_with(&o, SOURCE_POS, "B1", 1, "HALF");
	assert_int_equal(service_price(&menu, &o, &err), 0);
	assert_int_equal(o.total, 0);
	order_free(&o);
}

static void
test_pricing_refusals(void **state)
{
	struct codec_error err;
	struct order o;

	(void)state;
	order_with(&o, SOURCE_POS, "NOPE", 1, NULL);
	assert_int_equal(service_price(&menu, &o, &err), -1);
	assert_string_equal(err.code, "unknown_item");
	assert_string_equal(err.field, "items[0].sku");
	order_free(&o);

	order_with(&o, SOURCE_POS, "OFF", 1, NULL);
	assert_int_equal(service_price(&menu, &o, &err), -1);
	assert_string_equal(err.code, "item_unavailable");
	order_free(&o);

	order_with(&o, SOURCE_POS, "S1", 1, "BAC");
	assert_int_equal(service_price(&menu, &o, &err), -1);
	assert_string_equal(err.code, "unknown_modifier");
	assert_string_equal(err.field, "items[0].modifiers[0]");
	order_free(&o);

	/* 100 lines of 99 at a price near the maximum: refused, not wrapped */
	order_with(&o, SOURCE_POS, "B1", 99, NULL);
	menu.items[0].price = MONEY_MAX / 50;
	assert_int_equal(service_price(&menu, &o, &err), -1);
	assert_string_equal(err.code, "total_too_large");
	menu.items[0].price = 950;
	order_free(&o);
}

static void
test_payments(void **state)
{
	struct codec_error err;
	struct order o;

	(void)state;
	order_with(&o, SOURCE_POS, "B1", 1, NULL);
	assert_int_equal(service_price(&menu, &o, &err), 0);
	/* POS orders must be paid */
	assert_int_equal(service_create(&cashier, &o, 5, &err), -1);
	assert_string_equal(err.code, "missing_field");
	pay(&o, TENDER_CASH, 900);
	assert_int_equal(service_create(&cashier, &o, 5, &err), -1);
	assert_string_equal(err.code, "insufficient_payment");
	pay(&o, TENDER_CASH, 100);
	assert_int_equal(service_create(&cashier, &o, 5, &err), 0);
	assert_int_equal(o.paid, 1000);
	assert_int_equal(o.change, 50);
	assert_int_equal(o.status, STATUS_PAID);
	assert_int_equal(o.version, 1);
	assert_string_equal(o.staff, "k1");
	assert_string_equal(o.terminal, "pos-1");
	assert_int_equal(order_status_at(&o, STATUS_PAID), 5);
	order_free(&o);

	/* card overpay is refused; card + cash change comes from the cash */
	order_with(&o, SOURCE_PHONE, "B1", 1, NULL);
	service_price(&menu, &o, &err);
	pay(&o, TENDER_CARD, 1000);
	assert_int_equal(service_create(&cashier, &o, 5, &err), -1);
	assert_string_equal(err.code, "overpayment");
	o.payments[0].amount = 500;
	pay(&o, TENDER_CASH, 500);
	assert_int_equal(service_create(&cashier, &o, 5, &err), 0);
	assert_int_equal(o.change, 50);
	order_free(&o);

	/* ONLINE: unpaid at creation, by a customer; not by a chef */
	order_with(&o, SOURCE_ONLINE, "S1", 2, NULL);
	service_price(&menu, &o, &err);
	assert_int_equal(service_create(&chef, &o, 5, &err), -1);
	assert_int_equal(err.status, 403);
	assert_int_equal(service_create(&customer, &o, 5, &err), 0);
	assert_int_equal(o.status, STATUS_PENDING);
	assert_int_equal(o.paid, 0);
	order_free(&o);
	order_with(&o, SOURCE_ONLINE, "S1", 2, NULL);
	pay(&o, TENDER_CASH, 700);
	assert_int_equal(service_create(&customer, &o, 5, &err), -1);
	order_free(&o);
}

static void
test_actions(void **state)
{
	struct codec_error err;
	struct payment p = { .tender = TENDER_CASH, .amount = 2000 };
	struct order o;

	(void)state;
	order_with(&o, SOURCE_ONLINE, "B1", 1, NULL);
	service_price(&menu, &o, &err);
	service_create(&customer, &o, 1, &err);
	assert_int_equal(service_act(&chef, &o, ACTION_START, -1, NULL, 0, NULL, 2, &err),
	    REFUSE_ILLEGAL);
	assert_string_equal(err.code, "illegal_transition");
	assert_int_equal(service_act(&cashier, &o, ACTION_PAY, -1, NULL, 0, NULL, 2, &err),
	    REFUSE_INVALID);
	assert_int_equal(o.status, STATUS_PENDING);
	assert_int_equal(service_act(&cashier, &o, ACTION_PAY, 7, &p, 1, NULL, 2, &err),
	    REFUSE_VERSION);
	assert_int_equal(service_act(&cashier, &o, ACTION_PAY, 1, &p, 1, NULL, 2, &err),
	    REFUSE_NONE);
	assert_int_equal(o.status, STATUS_PAID);
	assert_int_equal(o.version, 2);
	assert_int_equal(o.change, 1050);
	assert_int_equal(service_act(&cashier, &o, ACTION_START, -1, NULL, 0, NULL, 3, &err),
	    REFUSE_FORBIDDEN);
	assert_int_equal(err.status, 403);
	assert_int_equal(service_act(&chef, &o, ACTION_START, -1, &p, 1, NULL, 3, &err),
	    REFUSE_INVALID);
	assert_int_equal(service_act(&chef, &o, ACTION_START, -1, NULL, 0, NULL, 3, &err),
	    REFUSE_NONE);
	o.items[0].done = true;
	assert_int_equal(service_act(&chef, &o, ACTION_READY, -1, NULL, 0, NULL, 4, &err),
	    REFUSE_NONE);
	assert_int_equal(service_act(&chef, &o, ACTION_RECALL, -1, NULL, 0, NULL, 5, &err),
	    REFUSE_NONE);
	assert_false(o.items[0].done);
	assert_int_equal(o.nhistory, 5);
	assert_int_equal(o.history[4].action, ACTION_RECALL);
	assert_string_equal(o.history[4].by, "c1");
	order_free(&o);
}

static void
test_patch(void **state)
{
	struct codec_error err;
	struct order o, p;

	(void)state;
	order_with(&o, SOURCE_POS, "B1", 1, NULL);
	o.id = 9;
	o.status = STATUS_PAID;
	order_init(&p);
	p.service = SERVICE_DELIVERY;
	assert_int_equal(service_patch(&cashier, &o, &p, ORDER_PATCH_SERVICE, 1, &err), -1);
	assert_string_equal(err.code, "missing_field");
	strcpy(p.customer.phone, "555");
	strcpy(p.customer.address, "1 Main");
	assert_int_equal(service_patch(&cashier, &o, &p,
	    ORDER_PATCH_SERVICE | ORDER_PATCH_CUSTOMER, 1, &err), 0);
	assert_int_equal(o.service, SERVICE_DELIVERY);
	p.linked_to = 9;
	assert_int_equal(service_patch(&cashier, &o, &p, ORDER_PATCH_LINK, 1, &err), -1);
	assert_int_equal(service_patch(&chef, &o, &p, ORDER_PATCH_TABLE, 1, &err), -1);
	assert_int_equal(err.status, 403);
	o.status = STATUS_PREPARING;
	assert_int_equal(service_patch(&cashier, &o, &p, ORDER_PATCH_TABLE, 1, &err), -1);
	assert_string_equal(err.code, "order_locked");
	order_free(&o);
	order_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pricing),
		cmocka_unit_test(test_pricing_refusals),
		cmocka_unit_test(test_payments),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_patch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
