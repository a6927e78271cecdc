/* test_pos_ticket: the till's ticket model: PLU entry with 3*, 86'd and
 * unknown items, modifiers, notes, service details, totals from menu
 * prices and tax, cash/card/split tenders with change, the cash
 * suggestions, and the order request the ticket becomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "codec.h"
#include "ticket.h"
#include "xalloc.h"

static struct menu menu;

static void
add_item(const char *sku, const char *name, const char *cat, const char *station,
    money_t price, bool available)
{
	struct menu_item *it = menu_add_item(&menu);

	xstrlcpy(it->sku, sku, sizeof it->sku);
	xstrlcpy(it->name, name, sizeof it->name);
	xstrlcpy(it->category, cat, sizeof it->category);
	xstrlcpy(it->station, station, sizeof it->station);
	it->price = price;
	it->available = available;
}

static int
setup(void **state)
{
	struct menu_item *b1;

	(void)state;
	menu_init(&menu);
	menu.tax_bp = 800;
	menu_add_category(&menu, "Burgers");
	menu_add_category(&menu, "Sides");
	menu_add_category(&menu, "Drinks");
	add_item("B1", "Classic Burger", "Burgers", "grill", 950, true);
	b1 = &menu.items[0];
	struct modifier mods[2] = { { "XCH", "Extra cheese", 100 }, { "NOON", "No onions", 0 } };
	menu_item_offer(&menu, b1, mods, 2);
	add_item("S1", "Fries", "Sides", "fryer", 350, true);
	add_item("S3", "Onion Rings", "Sides", "fryer", 400, false);
	add_item("DR1", "Cola", "Drinks", "bar", 250, true);
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
test_entry_parse(void **state)
{
	char sku[SKU_MAX + 2];
	int qty;

	(void)state;
	assert_int_equal(ticket_parse_entry("B1", &qty, sku, sizeof sku), TICKET_OK);
	assert_int_equal(qty, 0);
	assert_string_equal(sku, "B1");
	assert_int_equal(ticket_parse_entry("3*DR1", &qty, sku, sizeof sku), TICKET_OK);
	assert_int_equal(qty, 3);
	assert_string_equal(sku, "DR1");
	assert_int_equal(ticket_parse_entry("12*", &qty, sku, sizeof sku), TICKET_OK);
	assert_int_equal(qty, 12);
	assert_string_equal(sku, "");
	assert_int_equal(ticket_parse_entry("", &qty, sku, sizeof sku), TICKET_EMPTY_ENTRY);
	assert_int_equal(ticket_parse_entry("*B1", &qty, sku, sizeof sku), TICKET_BAD_ENTRY);
	assert_int_equal(ticket_parse_entry("x*B1", &qty, sku, sizeof sku), TICKET_BAD_ENTRY);
	assert_int_equal(ticket_parse_entry("0*B1", &qty, sku, sizeof sku), TICKET_BAD_QTY);
	assert_int_equal(ticket_parse_entry("100*B1", &qty, sku, sizeof sku), TICKET_BAD_QTY);
	assert_int_equal(ticket_parse_entry("99999999999*B1", &qty, sku, sizeof sku),
	    TICKET_BAD_QTY);
	assert_int_equal(ticket_parse_entry("B 1", &qty, sku, sizeof sku), TICKET_BAD_ENTRY);
	assert_int_equal(ticket_parse_entry("ABCDEFGHIJKLMNOPQRST", &qty, sku, sizeof sku),
	    TICKET_UNKNOWN_ITEM);
}

static void
test_add_items(void **state)
{
	struct ticket t;
	struct ticket_totals tt;

	(void)state;
	ticket_init(&t, SERVICE_PICKUP, menu.tax_bp);
	assert_int_equal(ticket_enter(&t, &menu, "b1"), TICKET_OK);   /* any case */
	assert_int_equal(ticket_enter(&t, &menu, "3*DR1"), TICKET_OK);
	assert_int_equal(ticket_enter(&t, &menu, "S1"), TICKET_OK);
	assert_int_equal(t.nlines, 3);
	assert_int_equal(t.lines[1].qty, 3);
	assert_int_equal(t.sel, 2);
	/* the same PLU again raises the line just added */
	assert_int_equal(ticket_enter(&t, &menu, "S1"), TICKET_OK);
	assert_int_equal(t.nlines, 3);
	assert_int_equal(t.lines[2].qty, 2);
	/* refusals change nothing */
	assert_int_equal(ticket_enter(&t, &menu, "ZZ9"), TICKET_UNKNOWN_ITEM);
	assert_int_equal(ticket_enter(&t, &menu, "S3"), TICKET_UNAVAILABLE);
	assert_int_equal(ticket_enter(&t, &menu, "0*B1"), TICKET_BAD_QTY);
	assert_int_equal(t.nlines, 3);
	/* 950 + 3 * 250 + 2 * 350 = 2400; 8% tax = 192 */
	assert_int_equal(ticket_totals(&t, &tt), 0);
	assert_int_equal(tt.subtotal, 2400);
	assert_int_equal(tt.tax, 192);
	assert_int_equal(tt.total, 2592);
	assert_int_equal(tt.due, 2592);
	assert_string_equal(ticket_err_message(TICKET_UNAVAILABLE),
	    "86'd: that item is off the menu right now");
}

static void
test_line_edits(void **state)
{
	struct ticket t;
	struct ticket_totals tt;

	(void)state;
	ticket_init(&t, SERVICE_PICKUP, 0);
	assert_int_equal(ticket_set_qty(&t, 2), TICKET_NO_LINE);
	assert_int_equal(ticket_enter(&t, &menu, "B1"), TICKET_OK);
	assert_int_equal(ticket_enter(&t, &menu, "DR1"), TICKET_OK);
	ticket_select(&t, -1);
	assert_int_equal(t.sel, 0);
	ticket_select(&t, -5);
	assert_int_equal(t.sel, 0);
	assert_int_equal(ticket_toggle_mod(&t, &menu, "XCH"), TICKET_OK);
	assert_int_equal(ticket_toggle_mod(&t, &menu, "NOON"), TICKET_OK);
	assert_int_equal(ticket_toggle_mod(&t, &menu, "BAD"), TICKET_UNKNOWN_MODIFIER);
	assert_true(ticket_has_mod(&t.lines[0], "XCH"));
	assert_int_equal(ticket_toggle_mod(&t, &menu, "NOON"), TICKET_OK);
	assert_false(ticket_has_mod(&t.lines[0], "NOON"));
	assert_int_equal(ticket_set_note(&t, "no pickles"), TICKET_OK);
	assert_string_equal(t.lines[0].note, "no pickles");
	char longnote[NOTE_MAX + 10];
	memset(longnote, 'x', sizeof longnote - 1);
	longnote[sizeof longnote - 1] = '\0';
	assert_int_equal(ticket_set_note(&t, longnote), TICKET_TOO_LONG);
	assert_int_equal(ticket_set_note(&t, "bad\x1b[2J"), TICKET_TOO_LONG);
	assert_string_equal(t.lines[0].note, "no pickles");
	/* "4*" alone sets the selected line's quantity */
	assert_int_equal(ticket_enter(&t, &menu, "4*"), TICKET_OK);
	assert_int_equal(t.lines[0].qty, 4);
	assert_int_equal(ticket_bump_qty(&t, -1), TICKET_OK);
	assert_int_equal(t.lines[0].qty, 3);
	assert_int_equal(ticket_set_qty(&t, 100), TICKET_BAD_QTY);
	/* a line with a modifier is not merged with a plain one */
	ticket_select(&t, 1);
	assert_int_equal(ticket_totals(&t, &tt), 0);
	assert_int_equal(tt.subtotal, 3 * 1050 + 250);
	assert_int_equal(ticket_delete(&t), TICKET_OK);
	assert_int_equal(t.nlines, 1);
	assert_int_equal(t.sel, 0);
	assert_int_equal(ticket_delete(&t), TICKET_OK);
	assert_int_equal(t.nlines, 0);
	assert_int_equal(t.sel, -1);
	assert_int_equal(ticket_delete(&t), TICKET_NO_LINE);
}

static void
test_service(void **state)
{
	struct ticket t;
	struct order o;

	(void)state;
	ticket_init(&t, SERVICE_DINE_IN, 0);
	assert_int_equal(ticket_check(&t), TICKET_NO_ITEMS);
	ticket_enter(&t, &menu, "B1");
	assert_int_equal(ticket_check(&t), TICKET_NEEDS_TABLE);
	assert_int_equal(ticket_set_table(&t, "T4"), TICKET_OK);
	assert_int_equal(ticket_check(&t), TICKET_OK);
	ticket_link(&t, 12, 7);
	ticket_cycle_service(&t);
	assert_int_equal(t.service, SERVICE_PICKUP);
	assert_int_equal(t.linked_to, 0);   /* a link is per service type */
	assert_int_equal(ticket_check(&t), TICKET_OK);
	ticket_cycle_service(&t);
	assert_int_equal(t.service, SERVICE_DELIVERY);
	assert_int_equal(ticket_check(&t), TICKET_NEEDS_ADDRESS);
	assert_int_equal(ticket_set_customer(&t, "Dee", "555-0100", "1 Main St"), TICKET_OK);
	assert_int_equal(ticket_check(&t), TICKET_OK);
	ticket_toggle_source(&t);
	assert_int_equal(t.source, SOURCE_PHONE);
	ticket_cycle_service(&t);
	assert_int_equal(t.service, SERVICE_DINE_IN);
	/* the table goes out only with dine-in, the address only with delivery */
	ticket_cycle_service(&t);
	ticket_to_order(&t, &o);
	assert_int_equal(o.service, SERVICE_PICKUP);
	assert_int_equal(o.status, STATUS_PAID);
	assert_string_equal(o.table, "");
	assert_string_equal(o.customer.name, "Dee");
	assert_string_equal(o.customer.address, "");
	order_free(&o);
}

static void
test_tenders(void **state)
{
	struct ticket t;
	struct ticket_totals tt;
	struct card_info card = { "VISA", "1111" };

	(void)state;
	ticket_init(&t, SERVICE_PICKUP, 800);
	assert_int_equal(ticket_pay_cash(&t, 100), TICKET_NO_ITEMS);
	ticket_enter(&t, &menu, "B1");
	ticket_enter(&t, &menu, "S1");
	ticket_enter(&t, &menu, "DR1");
	/* 1550 + 124 tax = 1674 */
	ticket_totals(&t, &tt);
	assert_int_equal(tt.total, 1674);
	assert_int_equal(ticket_pay_cash(&t, 0), TICKET_BAD_AMOUNT);
	assert_int_equal(ticket_pay_cash(&t, -5), TICKET_BAD_AMOUNT);
	/* a card never pays more than is due */
	assert_int_equal(ticket_card_check(&t, 2000), TICKET_CARD_OVER);
	assert_int_equal(ticket_pay_card(&t, 2000, &card, "AB12"), TICKET_CARD_OVER);
	assert_int_equal(t.npayments, 0);
	assert_false(ticket_card_charged(&t));
	assert_int_equal(ticket_card_check(&t, 1000), TICKET_OK);
	assert_int_equal(ticket_pay_card(&t, 1000, &card, "AB12"), TICKET_OK);
	assert_string_equal(t.payments[0].approval, "AB12");
	assert_true(ticket_card_charged(&t));
	assert_false(ticket_paid(&t));
	ticket_totals(&t, &tt);
	assert_int_equal(tt.due, 674);
	/* a short cash payment leaves something due */
	assert_int_equal(ticket_pay_cash(&t, 500), TICKET_OK);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.due, 174);
	assert_int_equal(ticket_pay_cash(&t, 500), TICKET_OK);
	assert_true(ticket_paid(&t));
	ticket_totals(&t, &tt);
	assert_int_equal(tt.change, 326);
	assert_int_equal(tt.card, 1000);
	assert_int_equal(tt.cash, 1000);
	assert_int_equal(ticket_pay_cash(&t, 100), TICKET_NOTHING_DUE);
	assert_int_equal(ticket_unpay(&t), TICKET_OK);
	assert_false(ticket_paid(&t));
	assert_int_equal(ticket_pay_cash(&t, 174), TICKET_OK);
	assert_true(ticket_paid(&t));
	ticket_totals(&t, &tt);
	assert_int_equal(tt.change, 0);
	/* the approved card stays: only a refund gives it back */
	assert_int_equal(ticket_unpay(&t), TICKET_OK);
	assert_int_equal(ticket_unpay(&t), TICKET_OK);
	assert_int_equal(ticket_unpay(&t), TICKET_CARD_CHARGED);
	assert_int_equal(t.npayments, 1);
	/* four tenders at most (what one request may carry), the card asked first */
	ticket_clear(&t, SERVICE_PICKUP);
	ticket_enter(&t, &menu, "3*B1");
	for (int i = 0; i < TENDERS_MAX; i++)
		assert_int_equal(ticket_pay_cash(&t, 100), TICKET_OK);
	assert_int_equal(ticket_pay_cash(&t, 100), TICKET_TOO_MANY_TENDERS);
	assert_int_equal(ticket_card_check(&t, 100), TICKET_TOO_MANY_TENDERS);
}

static void
test_suggestions(void **state)
{
	money_t s[6];
	int n;

	(void)state;
	n = ticket_cash_suggestions(2345, s, 4);
	assert_int_equal(n, 4);
	assert_int_equal(s[0], 2400);
	assert_int_equal(s[1], 2500);
	assert_int_equal(s[2], 3000);
	assert_int_equal(s[3], 4000);
	n = ticket_cash_suggestions(2000, s, 6);
	assert_int_equal(n, 6);
	assert_int_equal(s[0], 2100);
	assert_int_equal(s[1], 2500);
	assert_int_equal(s[2], 3000);
	assert_int_equal(s[3], 4000);
	assert_int_equal(s[4], 5000);
	assert_int_equal(s[5], 10000);
	n = ticket_cash_suggestions(9990, s, 6);
	assert_int_equal(n, 1);
	assert_int_equal(s[0], 10000);
	assert_int_equal(ticket_cash_suggestions(0, s, 4), 0);
}

static void
test_request(void **state)
{
	struct ticket t;
	struct order o, back;
	struct codec_error err;
	struct card_info card = { "MASTERCARD", "4444" };
	cJSON *j;
	char *text;

	(void)state;
	ticket_init(&t, SERVICE_DINE_IN, 800);
	ticket_set_table(&t, "T4");
	ticket_enter(&t, &menu, "2*B1");
	ticket_toggle_mod(&t, &menu, "XCH");
	ticket_set_note(&t, "no pickles");
	ticket_enter(&t, &menu, "DR1");
	ticket_link(&t, 5, 3);
	ticket_pay_card(&t, 1000, &card, "T01000");
	ticket_pay_cash(&t, 2000);
	ticket_to_order(&t, &o);
	assert_int_equal(o.items[0].unit_price, 1050);
	assert_int_equal(o.items[0].line_total, 2100);
	assert_int_equal(o.subtotal, 2350);
	assert_int_equal(o.tax, 188);
	assert_int_equal(o.total, 2538);
	assert_int_equal(o.change, 462);
	j = order_request_to_json(&o);
	text = cJSON_PrintUnformatted(j);
	/* the card carries brand, last 4 and its approval code, nothing else */
	assert_non_null(strstr(text, "\"card\":{\"brand\":\"MASTERCARD\",\"last4\":\"4444\"}"));
	assert_non_null(strstr(text, "\"approval\":\"T01000\""));
	assert_null(strstr(text, "unit_price"));
	/* what the server's own decoder makes of it */
	order_init(&back);
	assert_int_equal(order_request_from_json(j, &back, &err), 0);
	assert_int_equal(back.source, SOURCE_POS);
	assert_int_equal(back.service, SERVICE_DINE_IN);
	assert_string_equal(back.table, "T4");
	assert_int_equal(back.nitems, 2);
	assert_int_equal(back.items[0].qty, 2);
	assert_string_equal(back.items[0].mods[0].code, "XCH");
	assert_string_equal(back.items[0].note, "no pickles");
	assert_int_equal(back.npayments, 2);
	assert_string_equal(back.payments[0].approval, "T01000");
	assert_int_equal(back.linked_to, 5);
	order_free(&back);
	free(text);
	cJSON_Delete(j);
	order_free(&o);
}

/* Discounts on a line and on the whole ticket, a comp: the totals (and so
 * what the tender asks) as the server works them out, the refusals, and
 * the request carrying each with its reason. */
static void
test_discounts(void **state)
{
	struct ticket t;
	struct ticket_totals tt;
	struct order o, back;
	struct codec_error err;
	struct discount pct = { .percent_bp = 1000 }, amt = { .amount = 100 }, none = { 0 };
	struct discount comp = { .comp = true }, huge = { .amount = 1961 };
	struct discount over = { .percent_bp = 10001 };
	cJSON *j;

	(void)state;
	ticket_init(&t, SERVICE_PICKUP, 800);
	ticket_enter(&t, &menu, "2*B1");
	ticket_enter(&t, &menu, "DR1");
	assert_int_equal(ticket_set_discount(&t, 0, &pct, "Loyalty"), TICKET_OK);
	assert_int_equal(ticket_line_discount(&t.lines[0]), 190);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.subtotal, 1960);
	assert_int_equal(tt.tax, 157);
	assert_int_equal(tt.total, 2117);
	assert_int_equal(tt.discount, 190);
	/* the whole ticket: taken off what the lines sell for after theirs */
	assert_int_equal(ticket_discount_base(&t, -1), 1960);
	assert_int_equal(ticket_set_discount(&t, -1, &huge, "Promotion"), TICKET_BAD_DISCOUNT);
	assert_int_equal(ticket_set_discount(&t, -1, &over, "Promotion"), TICKET_BAD_DISCOUNT);
	assert_int_equal(ticket_set_discount(&t, 5, &pct, "Promotion"), TICKET_NO_LINE);
	assert_int_equal(ticket_set_discount(&t, -1, &amt, "Promotion"), TICKET_OK);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.subtotal, 1860);
	assert_int_equal(tt.total, 1860 + 149);
	assert_int_equal(tt.order_discount, 100);
	assert_int_equal(tt.discount, 290);
	/* a comp; a discounted line is not raised by the same item again */
	assert_int_equal(ticket_set_discount(&t, 1, &comp, "Regular"), TICKET_OK);
	assert_int_equal(ticket_line_discount(&t.lines[1]), 250);
	ticket_enter(&t, &menu, "DR1");
	assert_int_equal(t.nlines, 3);
	assert_int_equal(t.lines[1].qty, 1);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.subtotal, 1860);
	assert_int_equal(ticket_pay_cash(&t, tt.total), TICKET_OK);
	assert_true(ticket_paid(&t));
	ticket_to_order(&t, &o);
	assert_int_equal(o.total, tt.total);
	assert_int_equal(o.change, 0);
	assert_int_equal(o.items[0].disc.value, 190);
	assert_int_equal(o.ncorrections, 3);
	/* what the server's own decoder makes of the request */
	j = order_request_to_json(&o);
	order_init(&back);
	assert_int_equal(order_request_from_json(j, &back, &err), 0);
	assert_int_equal(back.items[0].disc.percent_bp, 1000);
	assert_true(back.items[1].disc.comp);
	assert_int_equal(back.disc.amount, 100);
	assert_int_equal(back.ncorrections, 3);
	assert_string_equal(back.corrections[0].reason, "Loyalty");
	assert_int_equal(back.corrections[1].kind, CORRECTION_COMP);
	assert_string_equal(back.corrections[2].reason, "Promotion");
	order_free(&back);
	cJSON_Delete(j);
	order_free(&o);
	/* taken off again */
	assert_int_equal(ticket_set_discount(&t, -1, &none, ""), TICKET_OK);
	assert_int_equal(ticket_set_discount(&t, 0, &none, ""), TICKET_OK);
	assert_int_equal(ticket_set_discount(&t, 1, &none, ""), TICKET_OK);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.subtotal, 2400);
	assert_int_equal(tt.discount, 0);
	/* an amount is never sent above what its line comes to now */
	amt.amount = 1500;
	assert_int_equal(ticket_set_discount(&t, 0, &amt, "Promotion"), TICKET_OK);
	t.sel = 0;
	assert_int_equal(ticket_set_qty(&t, 1), TICKET_OK);
	ticket_to_order(&t, &o);
	assert_int_equal(o.items[0].disc.amount, 950);
	assert_int_equal(o.corrections[0].disc.amount, 950);
	assert_int_equal(o.items[0].net, 0);
	order_free(&o);
}

/* A refused sale rung again: each line on its own with its discount and
 * reason (the same item twice, one discounted, is not merged), the
 * order's discount, the totals as sold; a line 86'd since is left off
 * with its discount, and an amount that no longer fits is counted. */
static void
test_ring_again(void **state)
{
	struct ticket t, again;
	struct ticket_totals tt, tt2;
	struct ticket_again left;
	struct order o, back;
	struct codec_error err;
	struct discount pct = { .percent_bp = 1000 }, comp = { .comp = true };
	struct discount amt = { .amount = 300 };
	cJSON *j;

	(void)state;
	ticket_init(&t, SERVICE_DINE_IN, 800);
	ticket_set_table(&t, "T4");
	ticket_enter(&t, &menu, "B1");
	ticket_toggle_mod(&t, &menu, "XCH");
	ticket_set_note(&t, "no pickles");
	ticket_enter(&t, &menu, "2*S1");
	assert_int_equal(ticket_set_discount(&t, 1, &pct, "Loyalty"), TICKET_OK);
	t.sel = -1;
	ticket_enter(&t, &menu, "S1");
	ticket_enter(&t, &menu, "DR1");
	assert_int_equal(ticket_set_discount(&t, 3, &comp, "Regular"), TICKET_OK);
	assert_int_equal(ticket_set_discount(&t, -1, &amt, "Promotion"), TICKET_OK);
	assert_int_equal(t.nlines, 4);
	ticket_totals(&t, &tt);
	ticket_to_order(&t, &o);
	j = order_request_to_json(&o);
	assert_int_equal(order_request_from_json(j, &back, &err), 0);

	ticket_init(&again, SERVICE_PICKUP, 800);
	ticket_ring_again(&again, &menu, &back, &left);
	assert_int_equal(left.dropped, 0);
	assert_int_equal(left.lost, 0);
	assert_int_equal(again.service, SERVICE_DINE_IN);
	assert_string_equal(again.table, "T4");
	assert_int_equal(again.nlines, 4);
	assert_int_equal(again.lines[0].nmods, 1);
	assert_string_equal(again.lines[0].note, "no pickles");
	assert_int_equal(again.lines[1].qty, 2);
	assert_int_equal(again.lines[1].disc.percent_bp, 1000);
	assert_string_equal(again.lines[1].disc_reason, "Loyalty");
	assert_int_equal(again.lines[2].qty, 1);
	assert_false(discount_set(&again.lines[2].disc));
	assert_true(again.lines[3].disc.comp);
	assert_string_equal(again.lines[3].disc_reason, "Regular");
	assert_int_equal(again.disc.amount, 300);
	assert_string_equal(again.disc_reason, "Promotion");
	ticket_totals(&again, &tt2);
	assert_int_equal(tt2.total, tt.total);
	assert_int_equal(tt2.discount, tt.discount);

	/* the burger 86'd, the amount off the order more than what is left */
	menu.items[0].available = false;
	back.disc.amount = 1000;     /* more than the 9.80 left */
	ticket_init(&again, SERVICE_PICKUP, 800);
	ticket_ring_again(&again, &menu, &back, &left);
	menu.items[0].available = true;
	assert_int_equal(left.dropped, 1);
	assert_int_equal(left.lost, 1);
	assert_int_equal(again.nlines, 3);
	assert_string_equal(again.lines[0].sku, "S1");
	assert_int_equal(again.lines[0].disc.percent_bp, 1000);
	assert_false(discount_set(&again.disc));
	order_free(&back);
	cJSON_Delete(j);
	order_free(&o);
}

/* A refused sale's payments carried onto the ticket rung again: they pay
 * it first, the change given then counts against them, they cannot be
 * taken off, and a card paid beyond the total is owed back, not change. */
static void
test_carry_payments(void **state)
{
	struct ticket t;
	struct ticket_totals tt;
	struct order paid, o;
	struct card_info visa = { .brand = "VISA", .last4 = "1234" };
	money_t total;

	(void)state;
	ticket_init(&t, SERVICE_PICKUP, 800);
	ticket_enter(&t, &menu, "B1");
	ticket_enter(&t, &menu, "S1");
	ticket_totals(&t, &tt);
	total = tt.total;

	/* what it was sold for is known with an item 86'd since */
	ticket_to_order(&t, &o);
	menu.items[0].available = false;
	assert_int_equal(ticket_request_total(&menu, &o), total);
	menu.items[0].available = true;
	order_free(&o);

	/* cash: 5.00 more than the total, 3.00 of it given back then */
	order_init(&paid);
	paid.npayments = 1;
	paid.payments[0].tender = TENDER_CASH;
	paid.payments[0].amount = total + 500;
	ticket_carry_payments(&t, &paid, 300);
	assert_int_equal(t.ncarried, 1);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.carried, total + 500);
	assert_int_equal(tt.due, 0);
	assert_int_equal(tt.change, 200);
	assert_int_equal(tt.owed, 0);
	assert_true(ticket_paid(&t));
	assert_int_equal(ticket_pay_cash(&t, 100), TICKET_NOTHING_DUE);
	assert_int_equal(ticket_unpay(&t), TICKET_PAID_BEFORE);
	assert_int_equal(t.npayments, 1);
	ticket_to_order(&t, &o);
	assert_int_equal(o.npayments, 1);
	assert_int_equal(o.payments[0].amount, total + 500);
	assert_int_equal(o.change, 500);   /* the ledger's: then and now */
	order_free(&o);

	/* a card for less: only the rest is due, and a card may pay it */
	paid.payments[0].tender = TENDER_CARD;
	paid.payments[0].amount = total - 100;
	paid.payments[0].card = visa;
	strcpy(paid.payments[0].approval, "AB12CD");
	ticket_carry_payments(&t, &paid, 0);
	assert_false(ticket_card_charged(&t));  /* it stays with the refused sale */
	ticket_totals(&t, &tt);
	assert_int_equal(tt.due, 100);
	assert_false(ticket_paid(&t));
	assert_int_equal(ticket_card_check(&t, 200), TICKET_CARD_OVER);
	assert_int_equal(ticket_pay_cash(&t, 100), TICKET_OK);
	assert_true(ticket_paid(&t));
	assert_int_equal(ticket_unpay(&t), TICKET_OK);
	assert_int_equal(ticket_unpay(&t), TICKET_PAID_BEFORE);
	assert_string_equal(t.payments[0].approval, "AB12CD");
	assert_string_equal(t.payments[0].card.last4, "1234");

	/* a card for more: owed back on the card, no change in cash */
	paid.payments[0].amount = total + 250;
	ticket_carry_payments(&t, &paid, 0);
	ticket_totals(&t, &tt);
	assert_int_equal(tt.due, 0);
	assert_int_equal(tt.change, 0);
	assert_int_equal(tt.owed, 250);

	/* a fresh ticket carries nothing */
	ticket_clear(&t, SERVICE_PICKUP);
	assert_int_equal(t.ncarried, 0);
	assert_int_equal(t.given_back, 0);
	order_free(&paid);
}

/* A group that asks (one of one: doneness) and one with a max (extras):
 * the line lacks its choice until made, a second doneness replaces the
 * first, extras stop at their max, and the menu's change reprices. */
static void
test_choices(void **state)
{
	struct menu m;
	struct menu_item *it;
	struct modifier_group *g;
	const struct modifier_group *missing = NULL;
	struct ticket t;
	struct ticket_totals tt;

	(void)state;
	menu_init(&m);
	m.tax_bp = 1000;
	menu_add_category(&m, "Mains");
	g = menu_add_group(&m);
	strcpy(g->code, "DONE");
	strcpy(g->name, "Doneness");
	g->min = g->max = 1;
	g->required = true;
	g->nmods = 2;
	strcpy(g->mods[0].code, "RARE");
	strcpy(g->mods[1].code, "WELL");
	g->mod_available[0] = g->mod_available[1] = true;
	g = menu_add_group(&m);
	strcpy(g->code, "XTRA");
	strcpy(g->name, "Extras");
	g->max = 1 + 1;
	g->nmods = 3;
	strcpy(g->mods[0].code, "XCH");
	g->mods[0].price = 100;
	strcpy(g->mods[1].code, "BAC");
	strcpy(g->mods[2].code, "EGG");
	g->mod_available[0] = g->mod_available[1] = g->mod_available[2] = true;
	it = menu_add_item(&m);
	strcpy(it->sku, "ST");
	strcpy(it->name, "Steak");
	strcpy(it->category, "Mains");
	it->price = 2000;
	it->ngroups = 2;
	strcpy(it->groups[0], "DONE");
	strcpy(it->groups[1], "XTRA");

	ticket_init(&t, SERVICE_PICKUP, 0);
	assert_int_equal(ticket_enter(&t, &m, "ST"), TICKET_OK);
	assert_true(ticket_line_asks(&t, &m, 0));
	assert_int_equal(ticket_missing_choice(&t, &m, &missing), 0);
	assert_string_equal(missing->code, "DONE");
	assert_int_equal(ticket_toggle_mod(&t, &m, "RARE"), TICKET_OK);
	assert_false(ticket_line_asks(&t, &m, 0));
	assert_int_equal(ticket_missing_choice(&t, &m, &missing), -1);
	/* one of one: the second replaces the first */
	assert_int_equal(ticket_toggle_mod(&t, &m, "WELL"), TICKET_OK);
	assert_int_equal(t.lines[0].nmods, 1);
	assert_string_equal(t.lines[0].mods[0].code, "WELL");
	/* two of three extras at most */
	assert_int_equal(ticket_toggle_mod(&t, &m, "XCH"), TICKET_OK);
	assert_int_equal(ticket_toggle_mod(&t, &m, "BAC"), TICKET_OK);
	assert_int_equal(ticket_toggle_mod(&t, &m, "EGG"), TICKET_GROUP_FULL);
	assert_int_equal(t.lines[0].nmods, 3);
	/* the menu's tax rate and a price change reach the open ticket */
	assert_int_equal(ticket_totals(&t, &tt), 0);
	assert_int_equal(tt.total, 2100 + 210);
	it->price = 2500;
	m.groups[1].mods[0].price = 150;
	assert_int_equal(ticket_reprice(&t, &m), 1);
	assert_int_equal(ticket_totals(&t, &tt), 0);
	assert_int_equal(tt.total, 2650 + 265);
	assert_int_equal(ticket_reprice(&t, &m), 0);

	/* an order taken back onto a ticket (pay at pickup) adds up the same */
	{
		struct ticket back;
		struct ticket_totals bt;
		struct order o;

		ticket_totals(&t, &tt);
		ticket_to_order(&t, &o);
		ticket_init(&back, SERVICE_PICKUP, 0);
		assert_int_equal(ticket_take_lines(&back, &o), 1);
		assert_int_equal(ticket_totals(&back, &bt), 0);
		assert_int_equal(bt.total, tt.total);
		assert_int_equal(back.lines[0].price, 2500);
		assert_int_equal(back.lines[0].nmods, 3);
		order_free(&o);
	}
	menu_free(&m);
}

static void
test_catalog(void **state)
{
	int idx[8], n;

	(void)state;
	n = catalog_items(&menu, 1, idx, 8);
	assert_int_equal(n, 2);
	assert_string_equal(menu.items[idx[0]].sku, "S1");
	assert_int_equal(catalog_items(&menu, -1, idx, 8), 4);
	n = catalog_search(&menu, "r", idx, 8);
	/* Onion Rings (86'd) comes after the ones that can be sold */
	assert_int_equal(n, 3);
	assert_string_equal(menu.items[idx[2]].sku, "S3");
	n = catalog_search(&menu, "dr", idx, 8);
	assert_int_equal(n, 1);
	assert_string_equal(menu.items[idx[0]].sku, "DR1");
	assert_int_equal(catalog_search(&menu, "", idx, 8), 0);
	assert_int_equal(catalog_category_of(&menu, &menu.items[3]), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_parse),
		cmocka_unit_test(test_add_items),
		cmocka_unit_test(test_line_edits),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_tenders),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_discounts),
		cmocka_unit_test(test_ring_again),
		cmocka_unit_test(test_carry_payments),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_catalog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
