/* test_codec: the wire format, round trips and every refusal of a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"
#include "pan.h"
#include "utf8.h"

static const char good[] =
    "{\"source\":\"POS\",\"service\":\"DELIVERY\","
    "\"customer\":{\"name\":\"Zoë\",\"phone\":\"555-0101\",\"address\":\"1 Main St\"},"
    "\"items\":[{\"sku\":\"B1\",\"qty\":2,\"modifiers\":[\"XCH\",\"NO-ON\"],\"note\":\"well done\"},"
    "{\"sku\":\"F1\",\"qty\":1}],"
    "\"payments\":[{\"tender\":\"CARD\",\"amount\":2500,\"card\":{\"brand\":\"VISA\",\"last4\":\"4242\"}}],"
    "\"linked_to\":7}";

/* Decode body as a request; returns the error (status 0 when accepted). */
static struct codec_error
decode(const char *body)
{
	struct codec_error err;
	struct order o;
	cJSON *j;

	memset(&err, 0, sizeof err);
	j = codec_parse_object(body, strlen(body), &err);
	if (j == NULL)
		return err;
	if (order_request_from_json(j, &o, &err) == 0) {
		order_free(&o);
		memset(&err, 0, sizeof err);
	}
	cJSON_Delete(j);
	return err;
}

/* The strict grammar check before cJSON: what cJSON lets through (a string
 * cut at \u0000, 01, 1.) is refused; every valid form passes. */
static void
test_json_strict(void **state)
{
	static const char *const good_docs[] = {
		"{}", " {\"a\" : [ ] } ", "{\"a\":0}", "{\"a\":-0.5e+10}", "{\"a\":1E2}",
		"{\"a\":[1,2.25,-3,true,false,null,\"x\",{}]}", "{\"a\":\"\\u00e9\\n\\\"\\/\"}",
		"{\"a\":\"Zo\xc3\xab\"}", "[1]", "\"s\"", "10",
	};
	static const char *const bad_docs[] = {
		"{\"staff\":\"k1\\u0000zz\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
		"{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":00}", "{\"a\":-01}",
		"{\"a\":[1,]}", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":\"\t\"}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{'a':1}",
		"{\"a\":1}x", "{\"a\":NaN}", "{\"a\":Infinity}", "", " ", "{\"a\":\"open}",
		"{\"a\":1}{}",
	};
	char deep[200];
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof good_docs / sizeof good_docs[0]; i++)
		assert_true(codec_json_strict(good_docs[i], strlen(good_docs[i]), &at));
	for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
		if (codec_json_strict(bad_docs[i], strlen(bad_docs[i]), &at))
			fail_msg("accepted: %s", bad_docs[i]);
	}
	/* a NUL byte in the raw text, inside or after the document */
	assert_false(codec_json_strict("{\"a\":\"x\0y\"}", 12, &at));
	assert_false(codec_json_strict("{}\0", 3, &at));
	/* nesting: 64 levels pass, 65 do not */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	assert_true(codec_json_strict(deep, 128, &at));
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	assert_false(codec_json_strict(deep, 130, &at));
	/* and the body codec refuses them with 400 invalid_json */
	struct codec_error err = decode("{\"source\":\"POS\",\"service\":\"PICKUP\","
	    "\"items\":[{\"sku\":\"B1\",\"qty\":01}]}");
	assert_int_equal(err.status, 400);
	assert_string_equal(err.code, "invalid_json");
}

/* Card numbers in free text: 13-19 digits, grouped by single spaces or
 * dashes, that pass Luhn; a phone field only from 16 digits. */
static void
test_pan_in_text(void **state)
{
	static const char *const found[] = {
		"4111111111111111", "card 4111 1111 1111 1111 thanks", "4111-1111-1111-1111",
		"378282246310005", "amex 3782 822463 10005", "12 4111111111111111",
		"4111111111111111 99", "x4111111111111111y", "6011000990139424",
		"4222222222222", "41111111 11111111 x",
	};
	static const char *const clean[] = {
		"", "no pickles", "4111111111111112", "555-0100", "+1 555 010 0100",
		"1 Main St, Apt 12", "4111  1111 1111 1111",
		"4111--1111-1111-1111", "12345678901234567890123",
		"411111111111", "T4",
	};
	struct codec_error err;

	(void)state;
	assert_true(pan_luhn_ok("79927398713", 11));
	assert_false(pan_luhn_ok("79927398710", 11));
	for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
		if (!pan_in_text(found[i], PAN_DIGITS_MIN))
			fail_msg("missed: %s", found[i]);
	}
	for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++) {
		if (pan_in_text(clean[i], PAN_DIGITS_MIN))
			fail_msg("false alarm: %s", clean[i]);
	}
	/* a 13-digit phone number that happens to pass Luhn is a phone number */
	assert_true(pan_luhn_ok("4930123456703", 13));
	assert_false(pan_in_text("+49 30 1234567 03", PAN_PHONE_DIGITS_MIN));
	assert_true(pan_in_text("4111 1111 1111 1111", PAN_PHONE_DIGITS_MIN));

	/* in a request: the field is named, the brand is a closed list */
	err = decode("{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\","
	    "\"qty\":1,\"note\":\"4111 1111 1111 1111\"}]}");
	assert_int_equal(err.status, 422);
	assert_string_equal(err.code, "card_number_refused");
	assert_string_equal(err.field, "items[0].note");
	err = decode("{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\","
	    "\"qty\":1}],\"payments\":[{\"tender\":\"CARD\",\"amount\":100,"
	    "\"card\":{\"brand\":\"4111111111111111\",\"last4\":\"1111\"}}]}");
	assert_int_equal(err.status, 422);
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "payments[0].card.brand");
	for (int b = 0; b < CARD_BRAND_COUNT; b++)
		assert_int_equal(card_brand_parse(card_brand_name((enum card_brand)b)), b);
}

static void
test_request_good(void **state)
{
	struct codec_error err;
	struct order o;
	cJSON *j, *back;

	(void)state;
	j = codec_parse_object(good, strlen(good), &err);
	assert_non_null(j);
	assert_int_equal(order_request_from_json(j, &o, &err), 0);
	assert_int_equal(o.source, SOURCE_POS);
	assert_int_equal(o.service, SERVICE_DELIVERY);
	assert_int_equal(o.nitems, 2);
	assert_string_equal(o.items[0].sku, "B1");
	assert_int_equal(o.items[0].qty, 2);
	assert_int_equal(o.items[0].nmods, 2);
	assert_string_equal(o.items[0].mods[1].code, "NO-ON");
	assert_string_equal(o.items[0].note, "well done");
	assert_string_equal(o.customer.name, "Zoë");
	assert_int_equal(o.npayments, 1);
	assert_string_equal(o.payments[0].card.last4, "4242");
	assert_int_equal(o.linked_to, 7);

	/* encoding the request again and decoding gives the same thing */
	back = order_request_to_json(&o);
	char *s = cJSON_PrintUnformatted(back);
	struct codec_error e2 = decode(s);
	assert_int_equal(e2.status, 0);
	free(s);
	cJSON_Delete(back);
	cJSON_Delete(j);
	order_free(&o);
}

struct bad_case {
	const char *body;
	int status;
	const char *code;
	const char *field;
};

static void
test_request_refusals(void **state)
{
	static const struct bad_case cases[] = {
		{ "", 400, "invalid_json", "" },
		{ "{", 400, "invalid_json", "" },
		{ "[1,2]", 400, "invalid_json", "" },
		{ "{\"source\":\"POS\"} trailing", 400, "invalid_json", "" },
		{ "{\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "missing_field", "source" },
		{ "{\"source\":\"KIOSK\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "invalid_field", "source" },
		{ "{\"source\":1,\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "invalid_field", "source" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[]}", 422, "invalid_field", "items" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\"}", 422, "missing_field", "items" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":{}}", 422, "invalid_field", "items" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":0}]}", 422, "invalid_field", "items[0].qty" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":-3}]}", 422, "invalid_field", "items[0].qty" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":100000}]}", 422, "invalid_field", "items[0].qty" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1.5}]}", 422, "invalid_field", "items[0].qty" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":\"2\"}]}", 422, "invalid_field", "items[0].qty" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B 1\",\"qty\":1}]}", 422, "invalid_field", "items[0].sku" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"\",\"qty\":1}]}", 422, "invalid_field", "items[0].sku" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1,\"price\":1}]}", 422, "unknown_field", "items[0].price" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1,\"modifiers\":[\"A\",\"A\"]}]}", 422, "invalid_field", "items[0].modifiers[1]" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1,\"modifiers\":[5]}]}", 422, "invalid_field", "items[0].modifiers[0]" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1,\"note\":\"\\u001b[31m\"}]}", 422, "invalid_field", "items[0].note" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"payments\":[{\"tender\":\"CASH\",\"amount\":-5}]}", 422, "invalid_field", "payments[0].amount" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"payments\":[{\"tender\":\"CASH\"}]}", 422, "missing_field", "payments[0].amount" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"payments\":[{\"tender\":\"CHEQUE\",\"amount\":5}]}", 422, "invalid_field", "payments[0].tender" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"payments\":[{\"tender\":\"CARD\",\"amount\":5,\"card\":{\"brand\":\"VISA\",\"number\":\"4111111111111111\"}}]}", 422, "unknown_field", "payments[0].card.number" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"payments\":[{\"tender\":\"CARD\",\"amount\":5,\"card\":{\"brand\":\"VISA\",\"last4\":\"42x2\"}}]}", 422, "invalid_field", "payments[0].card.last4" },
		{ "{\"source\":\"POS\",\"service\":\"DELIVERY\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "missing_field", "customer" },
		{ "{\"source\":\"POS\",\"source\":\"PHONE\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "duplicate_field", "source" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"items\":[{\"sku\":\"B1\",\"qty\":1}],\"linked_to\":0}", 422, "invalid_field", "linked_to" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"table\":\"12345678901234567\",\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "invalid_field", "table" },
		{ "{\"source\":\"POS\",\"service\":\"PICKUP\",\"total\":1,\"items\":[{\"sku\":\"B1\",\"qty\":1}]}", 422, "unknown_field", "total" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct codec_error e = decode(cases[i].body);

		if (e.status != cases[i].status || strcmp(e.code, cases[i].code) != 0 ||
		    strcmp(e.field, cases[i].field) != 0)
			fail_msg("case %zu (%s): got %d %s [%s] %s", i, cases[i].body,
			    e.status, e.code, e.field, e.message);
	}
}

static void
test_invalid_utf8(void **state)
{
	/* raw invalid bytes inside a JSON string: an overlong '/' and a lone
	 * continuation byte */
	const char *bodies[] = {
		"{\"source\":\"POS\",\"service\":\"PICKUP\",\"customer\":{\"name\":\"\xc0\xaf\"},\"items\":[{\"sku\":\"B1\",\"qty\":1}]}",
		"{\"source\":\"POS\",\"service\":\"PICKUP\",\"customer\":{\"name\":\"a\x80\"},\"items\":[{\"sku\":\"B1\",\"qty\":1}]}",
		"{\"source\":\"POS\",\"service\":\"PICKUP\",\"customer\":{\"name\":\"\\ud800\"},\"items\":[{\"sku\":\"B1\",\"qty\":1}]}",
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct codec_error e = decode(bodies[i]);

		if (e.status == 0)
			fail_msg("case %zu accepted", i);
		if (e.status == 422)
			assert_string_equal(e.field, "customer.name");
	}
	assert_true(utf8_valid("Zoë €", strlen("Zoë €"), true));
	assert_false(utf8_valid("\xed\xa0\x80", 3, false));   /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4, false)); /* > U+10FFFF */
	assert_false(utf8_valid("\xe2\x82", 2, false));       /* truncated */
	assert_false(utf8_valid("a\x1b", 2, true));
	assert_true(utf8_valid("a\x1b", 2, false));
	assert_int_equal(utf8_length("Zoë €"), 5);
	assert_int_equal(utf8_truncate("é", 1), 0);
}

static void
test_order_round_trip(void **state)
{
	struct order o, back;
	struct codec_error err;
	struct order_item *it;
	cJSON *j;
	char *a, *b;

	(void)state;
	order_init(&o);
	o.id = 42;
	o.number = 7;
	strcpy(o.business_day, "2026-11-22");
	o.status = STATUS_PREPARING;
	o.version = 3;
	o.source = SOURCE_PHONE;
	o.service = SERVICE_DINE_IN;
	strcpy(o.table, "T4");
	it = order_add_item(&o);
	strcpy(it->sku, "B1");
	strcpy(it->name, "Classic Burger");
	strcpy(it->station, "grill");
	it->qty = 2;
	it->unit_price = 1050;
	it->line_total = 2100;
	it->nmods = 1;
	strcpy(it->mods[0].code, "XCH");
	strcpy(it->mods[0].name, "Extra cheese");
	it->mods[0].price = 100;
	o.subtotal = 2100;
	o.tax = 168;
	o.total = 2268;
	o.npayments = 1;
	o.payments[0].tender = TENDER_CASH;
	o.payments[0].amount = 3000;
	o.paid = 3000;
	o.change = 732;
	strcpy(o.staff, "k1");
	order_record(&o, STATUS_PAID, -1, 1000, "k1");
	order_record(&o, STATUS_PREPARING, ACTION_START, 2000, "c1");

	j = order_to_json(&o);
	a = cJSON_PrintUnformatted(j);
	assert_int_equal(order_from_json(j, &back, &err), 0);
	cJSON_Delete(j);
	j = order_to_json(&back);
	b = cJSON_PrintUnformatted(j);
	assert_string_equal(a, b);
	assert_int_equal(order_status_at(&back, STATUS_PREPARING), 2000);
	assert_int_equal(back.history[0].action, -1);
	assert_non_null(strstr(a, "\"status_at\":{\"PAID\":1000,\"PREPARING\":2000}"));
	free(a);
	free(b);
	cJSON_Delete(j);
	order_free(&o);
	order_free(&back);
}

static void
test_event_and_menu(void **state)
{
	struct menu m, back, back2;
	struct menu_item *it;
	struct codec_error err;
	struct event ev;
	cJSON *j, *p;
	char *s;

	(void)state;
	menu_init(&m);
	menu_add_category(&m, "Burgers");
	it = menu_add_item(&m);
	strcpy(it->sku, "B1");
	strcpy(it->name, "Classic Burger");
	strcpy(it->category, "Burgers");
	strcpy(it->station, "grill");
	it->price = 950;
	struct modifier mod = { "XCH", "Extra cheese", 100 };
	menu_item_offer(&m, it, &mod, 1);
	assert_int_equal(m.ngroups, 1);
	assert_string_equal(it->groups[0], "B1");

	j = menu_to_json(&m);
	assert_int_equal(menu_from_json(j, &back, &err), 0);
	assert_int_equal(back.nitems, 1);
	assert_int_equal(back.ngroups, 1);
	assert_non_null(menu_find(&back, "B1"));
	assert_null(menu_find(&back, "B2"));
	assert_non_null(menu_item_modifier(&back, menu_find(&back, "B1"), "XCH", NULL, NULL));
	assert_int_equal(menu_item_nmods(&back, menu_find(&back, "B1")), 1);
	cJSON_Delete(j);

	/* a category named twice is refused, naming the entry */
	j = menu_to_json(&m);
	cJSON_AddItemToArray(cJSON_GetObjectItem(j, "categories"), cJSON_CreateString("Burgers"));
	assert_int_equal(menu_from_json(j, &back2, &err), -1);
	assert_string_equal(err.field, "categories[1]");
	cJSON_Delete(j);

	p = menu_item_to_json(&m, it);
	char *ptxt = cJSON_PrintUnformatted(p);
	s = event_render(9, EVENT_MENU_UPDATED, 123, "item", ptxt, strlen(ptxt));
	size_t plen = 0;
	assert_non_null(event_payload(s, &plen));
	assert_int_equal(plen, strlen(ptxt));
	assert_memory_equal(event_payload(s, &plen), ptxt, plen);
	free(ptxt);
	cJSON_Delete(p);
	j = cJSON_Parse(s);
	assert_int_equal(event_from_json(j, &ev, &err), 0);
	assert_int_equal(ev.seq, 9);
	assert_int_equal(ev.type, EVENT_MENU_UPDATED);
	assert_string_equal(ev.item.sku, "B1");
	event_free(&ev);
	cJSON_Delete(j);
	free(s);
	menu_free(&m);
	menu_free(&back);

	s = codec_error_body("invalid_field", "items[0].qty", "bad \"qty\"");
	assert_string_equal(s, "{\"error\":{\"code\":\"invalid_field\",\"message\":\"bad \\\"qty\\\"\",\"field\":\"items[0].qty\"}}");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_strict),
		cmocka_unit_test(test_pan_in_text),
		cmocka_unit_test(test_request_good),
		cmocka_unit_test(test_request_refusals),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_order_round_trip),
		cmocka_unit_test(test_event_and_menu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
