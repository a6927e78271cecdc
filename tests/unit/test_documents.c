/* test_documents: golden bytes for every document on the printers that
 * matter (native and raster QR, euro sign present and missing, labels),
 * plus the human-readable rendering beside each, and the refusals. Set
 * BRIGADE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate
 * change, then review the .txt diffs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "documents.h"
#include "render.h"
#include "xalloc.h"

#ifndef GOLDEN_DIR
#error GOLDEN_DIR must name tests/unit/golden
#endif

/* 2026-11-22 13:05:00 UTC */
#define T0 1795352700000LL

static void
load(const char *id, struct profile *p)
{
	char err[256];

	if (profile_load(id, p, err, sizeof err) < 0)
		fail_msg("%s", err);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *
hexdump(const unsigned char *b, size_t n)
{
	char *out = xmalloc(n * 3 + n / 16 + 2);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		k += (size_t)sprintf(out + k, "%02x", b[i]);
		out[k++] = (i % 16 == 15 || i + 1 == n) ? '\n' : ' ';
	}
	out[k] = '\0';
	return out;
}

static void
golden_one(const char *path, const char *got)
{
	char *want;

	if (getenv("BRIGADE_UPDATE_GOLDEN") != NULL) {
		spit(path, got);
		return;
	}
	want = slurp(path);
	if (want == NULL)
		fail_msg("%s is missing (BRIGADE_UPDATE_GOLDEN=1 writes it)", path);
	if (strcmp(want, got) != 0) {
		char *actual = xasprintf("%s.actual", path);

		spit(actual, got);
		fail_msg("%s differs; got %s", path, actual);
	}
	free(want);
}

/* Pin both the bytes and what a person sees on the paper. */
static void
golden(const char *name, const struct escpos *e)
{
	char *path, *hex, *text;

	hex = hexdump(e->data, e->len);
	path = xasprintf("%s/%s.hex", GOLDEN_DIR, name);
	golden_one(path, hex);
	free(path);
	free(hex);
	text = render_to_text(e->data, e->len, e->profile->columns);
	path = xasprintf("%s/%s.txt", GOLDEN_DIR, name);
	golden_one(path, text);
	free(path);
	free(text);
}

static void
add_item(struct order *o, const char *name, const char *station, int qty,
    money_t unit, const char *mod1, const char *mod2, const char *note)
{
	struct order_item *it = order_add_item(o);

	xstrlcpy(it->name, name, sizeof it->name);
	xstrlcpy(it->station, station, sizeof it->station);
	it->qty = qty;
	it->unit_price = unit;
	it->line_total = unit * qty;
	if (mod1)
		xstrlcpy(it->mods[it->nmods++].name, mod1, sizeof it->mods[0].name);
	if (mod2)
		xstrlcpy(it->mods[it->nmods++].name, mod2, sizeof it->mods[0].name);
	if (note)
		xstrlcpy(it->note, note, sizeof it->note);
}

static void
sample_order(struct order *o)
{
	order_init(o);
	o->id = 1042;
	o->number = 42;
	o->status = STATUS_PAID;
	o->source = SOURCE_POS;
	o->service = SERVICE_PICKUP;
	xstrlcpy(o->customer.name, "Zoë Brûlé", sizeof o->customer.name);
	xstrlcpy(o->staff, "ana", sizeof o->staff);
	o->created_at = T0;
	add_item(o, "Crème brûlée burger", "grill", 2, 1400, "Extra cheese",
	    "Gluten-free bun", "well done; nut allergy");
	add_item(o, "Frites", "fry", 1, 350, NULL, NULL, NULL);
	add_item(o, "Café au lait with an extremely long name for the bar", "bar", 1, 300,
	    "Oat milk", NULL, NULL);
	o->subtotal = 3450;
	o->tax = money_tax(3450, 825);
	o->total = o->subtotal + o->tax;
	o->npayments = 2;
	o->payments[0].tender = TENDER_CARD;
	o->payments[0].amount = 2000;
	xstrlcpy(o->payments[0].card.brand, "VISA", sizeof o->payments[0].card.brand);
	xstrlcpy(o->payments[0].card.last4, "1111", sizeof o->payments[0].card.last4);
	o->payments[1].tender = TENDER_CASH;
	o->payments[1].amount = 2000;
	o->paid = 4000;
	o->change = o->paid - o->total;
}

static void
sample_config(struct doc_config *c)
{
	doc_config_init(c);
	xstrlcpy(c->name, "Café Brigade", sizeof c->name);
	xstrlcpy(c->header[0], "12 Rue de la Paix, Paris", sizeof c->header[0]);
	xstrlcpy(c->header[1], "Tel 01 23 45 67 89", sizeof c->header[1]);
	xstrlcpy(c->footer[0], "Merci & à bientôt £€", sizeof c->footer[0]);
	xstrlcpy(c->currency, "€", sizeof c->currency);
	xstrlcpy(c->qr_url, "https://brigade.example/o/{number}?id={id}", sizeof c->qr_url);
	c->tax_rate_bp = 825;
	c->kick_drawer = true;
}

static void
test_receipts(void **state)
{
	static const char *const ids[] = {
		"epson-tm-t20", "epson-tm-t88", "epson-tm-l90", "generic-58", "generic-80",
	};
	struct doc_config c;
	struct order o;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct profile p;
		struct escpos e;
		char name[64];

		load(ids[i], &p);
		escpos_begin(&e, &p);
		assert_int_equal(document_receipt(&e, &o, &c), 0);
		snprintf(name, sizeof name, "receipt_%s", ids[i]);
		golden(name, &e);
		escpos_free(&e);
	}
	order_free(&o);
}

static void
test_receipt_cancelled_dine_in(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	c.qr_url[0] = '\0';
	xstrlcpy(c.logo, "/nonexistent/logo.png", sizeof c.logo);  /* left out, logged */
	o.service = SERVICE_DINE_IN;
	xstrlcpy(o.table, "T5", sizeof o.table);
	o.status = STATUS_CANCELLED;
	xstrlcpy(o.cancel_reason, "Customer left", sizeof o.cancel_reason);
	o.npayments = 1;
	o.change = 0;
	load("epson-tm-t88", &p);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	golden("receipt_cancelled_epson-tm-t88", &e);
	escpos_free(&e);
	order_free(&o);
}

/* A sale the server has not numbered yet (made while it was away): no
 * "#0", and no QR link that would name another order. */
static void
test_not_numbered_yet(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;
	char *text;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	o.id = 0;
	o.number = 0;
	load("generic-80", &p);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	text = render_to_text(e.data, e.len, p.columns);
	assert_null(strstr(text, "#0"));
	assert_null(strstr(text, "brigade.example"));
	assert_non_null(strstr(text, "Frites"));
	free(text);
	escpos_free(&e);
	escpos_begin(&e, &p);
	assert_int_equal(document_kitchen(&e, &o, NULL, T0), 0);
	text = render_to_text(e.data, e.len, p.columns);
	assert_null(strstr(text, "#0"));
	assert_non_null(strstr(text, "Frites"));
	free(text);
	escpos_free(&e);
	order_free(&o);
}

static void
test_kitchen(void **state)
{
	struct order o;
	struct profile t20, g80;
	struct escpos e;
	size_t at;

	(void)state;
	sample_order(&o);
	load("epson-tm-t20", &t20);
	load("generic-80", &g80);
	escpos_begin(&e, &t20);
	assert_int_equal(document_kitchen(&e, &o, "grill", T0 + 90 * 1000), 0);
	golden("kitchen_grill_epson-tm-t20", &e);
	at = e.len;
	assert_int_equal(document_kitchen(&e, &o, "pastry", T0), -1);
	assert_int_equal(e.len, at);
	escpos_free(&e);

	escpos_begin(&e, &g80);
	assert_int_equal(document_kitchen(&e, &o, NULL, T0 + 60 * 1000), 0);
	golden("kitchen_all_generic-80", &e);
	escpos_free(&e);
	order_free(&o);
}

static void
test_labels(void **state)
{
	struct order o;
	struct profile l90;
	struct escpos e;
	size_t at;

	(void)state;
	sample_order(&o);
	load("epson-tm-l90", &l90);
	escpos_begin(&e, &l90);
	assert_int_equal(document_labels(&e, &o), 4);   /* 2 + 1 + 1 units */
	golden("labels_epson-tm-l90", &e);
	order_free(&o);
	order_init(&o);
	at = e.len;
	assert_int_equal(document_labels(&e, &o), -1);
	assert_int_equal(e.len, at);
	escpos_free(&e);
	order_free(&o);
}

static void
test_reports(void **state)
{
	static const struct day_report_item items[] = {
		{ "Crème brûlée burger", 31, 43400, "B9" },
		{ "Frites", 25, 8750, "F1" },
		{ "Café au lait", 12, 3600, "C2" },
	};
	struct day_report r;
	struct doc_config c;
	struct profile t20, g58;
	struct escpos e;

	(void)state;
	sample_config(&c);
	memset(&r, 0, sizeof r);
	xstrlcpy(r.business_day, "2026-11-22", sizeof r.business_day);
	r.from_ms = T0 - 4 * 3600 * 1000LL;
	r.to_ms = T0 + 8 * 3600 * 1000LL;
	r.printed_ms = T0 + 9 * 3600 * 1000LL;
	r.orders = 57;
	r.subtotal = 55750;
	r.tax = money_tax(55750, 825);
	r.total = r.subtotal + r.tax;
	r.tender_count[TENDER_CASH] = 31;
	r.tender_total[TENDER_CASH] = 30000;
	r.tender_count[TENDER_CARD] = 26;
	r.tender_total[TENDER_CARD] = r.total - 30000;
	r.service_count[SERVICE_DINE_IN] = 20;
	r.service_total[SERVICE_DINE_IN] = 25000;
	r.service_count[SERVICE_PICKUP] = 30;
	r.service_total[SERVICE_PICKUP] = 27000;
	r.service_count[SERVICE_DELIVERY] = 7;
	r.service_total[SERVICE_DELIVERY] = r.total - 52000;
	r.cancelled = 2;
	r.cancelled_total = 2150;
	r.nitems = 3;
	r.items = items;

	load("epson-tm-t20", &t20);
	escpos_begin(&e, &t20);
	assert_int_equal(document_report(&e, &r, &c), 0);
	golden("report_x_epson-tm-t20", &e);
	escpos_free(&e);

	r.final = true;
	r.z_number = 118;
	load("generic-58", &g58);
	escpos_begin(&e, &g58);
	assert_int_equal(document_report(&e, &r, &c), 0);
	golden("report_z_generic-58", &e);
	escpos_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipts),
		cmocka_unit_test(test_receipt_cancelled_dine_in),
		cmocka_unit_test(test_not_numbered_yet),
		cmocka_unit_test(test_kitchen),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_reports),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
