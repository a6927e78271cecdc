/* fuzz_request: the server's request codec on arbitrary bytes: parse as a
 * body, decode as an order (with its discounts), a patch, a correction and a
 * menu, price against a menu, apply the correction to a sale, and render
 * back. Nothing may crash, leak or read out of bounds, and an order's
 * corrections always add up with its gross to its subtotal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "corrections.h"
#include "service.h"

static struct menu *
fuzz_menu(void)
{
	static struct menu m;
	static int ready;

	if (!ready) {
		struct menu_item *it;

		menu_init(&m);
		m.ntax = 1;
		strcpy(m.tax[0].code, "std");
		m.tax[0].rate_bp = 825;
		menu_add_category(&m, "Burgers");
		it = menu_add_item(&m);
		strcpy(it->sku, "B1");
		strcpy(it->name, "Classic Burger");
		strcpy(it->category, "Burgers");
		strcpy(it->station, "grill");
		it->price = 950;
		struct modifier mods[2] = { { "XCH", "Extra cheese", 100 }, { "HALF", "Half", -2000 } };
		menu_item_offer(&m, it, mods, 2);
		it = menu_add_item(&m);
		strcpy(it->sku, "S1");
		strcpy(it->name, "Fries");
		strcpy(it->category, "Burgers");
		strcpy(it->station, "fryer");
		it->price = 350;
		ready = 1;
	}
	return &m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct codec_error err;
	struct caller caller = { 1, "k1", ROLE_CASHIER, "pos-1", 1, false };
	struct order o, patch;
	struct menu m;
	unsigned mask;
	cJSON *j = codec_parse_object((const char *)data, size, &err);

	if (j == NULL)
		return 0;
	if (order_request_from_json(j, &o, &err) == 0) {
		struct store_info si;
		struct authority boss = { ROLE_MANAGER, true, "m1" };

		store_info_init(&si);
		si.nreasons[CORRECTION_DISCOUNT] = si.nreasons[CORRECTION_COMP] = 0;
		if (service_price(fuzz_menu(), &o, &err) == 0 &&
		    corrections_on_create(&caller, &boss, &si, &o, 1000, &err) == 0 &&
		    service_create(&caller, &o, 1000, &err) == 0) {
			cJSON *out = order_to_json(&o);
			struct order back;

			if (order_from_json(out, &back, &err) != 0)
				abort();   /* what we render we must read back */
			order_free(&back);
			cJSON_Delete(out);
		}
		cJSON *req = order_request_to_json(&o);
		cJSON_Delete(req);
		order_free(&o);
	}
	{
		/* a correction on a sale of 2 x B1 and 1 x S1, paid in cash */
		struct correction_request r;
		struct store_info si;
		struct authority boss = { ROLE_MANAGER, false, "" };
		struct caller mgr = { 4, "m1", ROLE_MANAGER, "pos-1", 1, false };

		store_info_init(&si);
		for (int k = 0; k < CORRECTION_KIND_COUNT; k++)
			si.nreasons[k] = 0;
		if (correction_request_from_json(j, &r, &err) == 0) {
			struct order s1;
			money_t net = 0;

			order_init(&s1);
			s1.source = SOURCE_POS;
			strcpy(order_add_item(&s1)->sku, "B1");
			s1.items[0].qty = 2;
			strcpy(order_add_item(&s1)->sku, "S1");
			s1.items[1].qty = 1;
			s1.npayments = 1;
			s1.payments[0].tender = TENDER_CASH;
			s1.payments[0].amount = 10000;
			if (service_price(fuzz_menu(), &s1, &err) != 0 ||
			    service_create(&caller, &s1, 1000, &err) != 0)
				abort();
			if (corrections_apply(&mgr, &boss, &si, &s1, &r, 2000, &err) == 0) {
				for (int i = 0; i < s1.ncorrections; i++)
					net += s1.corrections[i].net;
				if (s1.gross + net != s1.subtotal || s1.total < 0)
					abort();
			}
			order_free(&s1);
		}
	}
	order_init(&patch);
	if (order_patch_from_json(j, &patch, &mask, &err) < 0 && mask > 15)
		abort();
	order_free(&patch);
	if (menu_from_json(j, &m, &err) == 0)
		menu_free(&m);
	order_init(&o);
	if (order_from_json(j, &o, &err) == 0)
		order_free(&o);
	cJSON_Delete(j);
	return 0;
}
