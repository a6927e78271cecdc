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

#include <dirent.h>
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
#ifndef PROFILES_DIR
#error PROFILES_DIR must name drivers/profiles
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

/* A card's approval code under its line, "approved" with it and never
 * without it. */
static void
test_receipt_approval(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	load("epson-tm-t88", &p);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	assert_null(memmem(e.data, e.len, "pproved", 7));
	escpos_free(&e);
	xstrlcpy(o.payments[0].approval, "T01134", sizeof o.payments[0].approval);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	assert_non_null(memmem(e.data, e.len, "  Approved, code T01134", 23));
	escpos_free(&e);
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

	/* after voids: a line voided whole is left out, one voided in part
	 * is what is left to make */
	{
		struct order v;
		char *text;
		int whole = -1, part = -1;

		order_copy(&v, &o);
		for (int i = 0; i < v.nitems; i++) {
			if (v.items[i].qty > 1 && part < 0)
				part = i;
			else if (whole < 0)
				whole = i;
		}
		assert_true(part >= 0 && whole >= 0);
		v.items[whole].voided = v.items[whole].qty;
		v.items[part].voided = v.items[part].qty - 1;
		escpos_begin(&e, &g80);
		assert_int_equal(document_kitchen(&e, &v, NULL, T0), 0);
		text = render_to_text(e.data, e.len, g80.columns);
		assert_null(strstr(text, order_item_kitchen_name(&v.items[whole])));
		assert_non_null(strstr(text, "1 x "));
		assert_null(strstr(text, "2 x "));
		assert_non_null(strstr(text, "(2 ordered, 1 voided)"));
		free(text);
		escpos_free(&e);
		/* nothing left to make: nothing printed */
		for (int i = 0; i < v.nitems; i++)
			v.items[i].voided = v.items[i].qty;
		escpos_begin(&e, &g80);
		at = e.len;
		assert_int_equal(document_kitchen(&e, &v, NULL, T0), -1);
		assert_int_equal(e.len, at);
		escpos_free(&e);
		order_free(&v);
	}

	/* under the restaurant's name, from the store's details */
	{
		struct doc_config c;
		char *text;

		doc_config_init(&c);
		xstrlcpy(c.name, "Chez Zoe", sizeof c.name);
		escpos_begin(&e, &g80);
		assert_int_equal(document_kitchen_of(&e, &o, NULL, T0, &c), 0);
		text = render_to_text(e.data, e.len, g80.columns);
		assert_non_null(strstr(text, "Chez Zoe"));
		free(text);
		escpos_free(&e);
	}
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

/* A void ticket: one line voided in part by a cashier with a manager's
 * approval; then the rest voided, which cancels the order. Labels leave
 * out what was voided. */
static void
test_void_ticket(void **state)
{
	struct order o;
	struct profile g80;
	struct escpos e;
	struct correction *c;
	char *text;
	int idx[2];
	size_t at;

	(void)state;
	sample_order(&o);
	load("generic-80", &g80);
	c = order_add_correction(&o);
	c->kind = CORRECTION_VOID;
	c->at = T0 + 120 * 1000;
	xstrlcpy(c->by, "k1", sizeof c->by);
	xstrlcpy(c->approved_by, "m1", sizeof c->approved_by);
	xstrlcpy(c->reason, "Wrong item", sizeof c->reason);
	c->line = 0;
	c->qty = 1;
	o.items[0].voided = 1;
	escpos_begin(&e, &g80);
	idx[0] = 0;
	assert_int_equal(document_void_ticket(&e, &o, idx, 1, T0 + 180 * 1000), 0);
	golden("void_line_generic-80", &e);
	escpos_free(&e);

	/* labels: one burger left */
	escpos_begin(&e, &g80);
	assert_int_equal(document_labels(&e, &o), 3);
	escpos_free(&e);

	/* the rest, as one request: the order is cancelled */
	for (int i = 1; i < 3; i++) {
		c = order_add_correction(&o);
		c->kind = CORRECTION_VOID;
		c->at = T0 + 240 * 1000;
		xstrlcpy(c->by, "m1", sizeof c->by);
		xstrlcpy(c->reason, "Customer left", sizeof c->reason);
		c->line = i == 1 ? 0 : 1;
		c->qty = 1;
		o.items[c->line].voided++;
	}
	o.status = STATUS_CANCELLED;
	idx[0] = 1;
	idx[1] = 2;
	escpos_begin(&e, &g80);
	assert_int_equal(document_void_ticket(&e, &o, idx, 2, T0 + 250 * 1000), 0);
	text = render_to_text(e.data, e.len, g80.columns);
	assert_non_null(strstr(text, "VOID"));
	assert_non_null(strstr(text, "#42"));
	assert_non_null(strstr(text, "ORDER CANCELLED"));
	assert_non_null(strstr(text, "1 x Frites"));
	assert_non_null(strstr(text, "Reason: Customer left"));
	assert_non_null(strstr(text, "Voided by: m1"));
	assert_null(strstr(text, "Approved by"));
	free(text);
	/* nothing voided among them: nothing printed */
	at = e.len;
	o.corrections[1].kind = CORRECTION_COMP;
	o.corrections[2].kind = CORRECTION_COMP;
	assert_int_equal(document_void_ticket(&e, &o, idx, 2, T0), -1);
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
	static struct day_report_line reasons[] = {
		{ CORRECTION_VOID, "Wrong item", 2, 2300 },
		{ CORRECTION_COMP, "Regular", 1, 487 },
	};
	static struct day_report_line staff[] = {
		{ CORRECTION_VOID, "m1", 2, 2300 },
		{ CORRECTION_COMP, "k1", 1, 487 },
	};

	r.orders = 57;
	/* gross less 21.25 of voids and 4.50 of comps */
	r.gross = 55750 + 2125 + 450;
	r.corr_count[CORRECTION_VOID] = 2;
	r.corr_net[CORRECTION_VOID] = -2125;
	r.corr_count[CORRECTION_COMP] = 1;
	r.corr_net[CORRECTION_COMP] = -450;
	r.tender_refund_count[TENDER_CASH] = 1;
	r.tender_refunded[TENDER_CASH] = 1150;
	r.owed_back = 1150;
	r.nby_reason = r.nby_staff = 2;
	r.by_reason = reasons;
	r.by_staff = staff;
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


/* ---- the longest content the API allows, on every profile ---- */

/* Every profile shipped, by id (the files in drivers/profiles). */
static int
all_profiles(char ids[][PROFILE_ID_MAX + 1], int max)
{
	DIR *d = opendir(PROFILES_DIR);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL && n < max) {
		size_t len = strlen(de->d_name);

		if (len > 8 && strcmp(de->d_name + len - 8, ".profile") == 0 &&
		    len - 8 <= PROFILE_ID_MAX) {
			memcpy(ids[n], de->d_name, len - 8);
			ids[n][len - 8] = '\0';
			n++;
		}
	}
	closedir(d);
	return n;
}

/* s repeated into a buffer of exactly max bytes (whole code points). */
static void
fill(char *buf, size_t max, const char *s)
{
	size_t n = 0, l = strlen(s);

	while (n + l <= max) {
		memcpy(buf + n, s, l);
		n += l;
	}
	while (n < max)
		buf[n++] = 'x';
	buf[n] = '\0';
}

/* An order at every limit: 64-byte names in two-byte UTF-8 (with spaces
 * and without), 140-byte notes, a 200-byte address, 99 of each, eight
 * modifiers, amounts near the most money can hold. ascii: the same in
 * plain letters, which every code page prints back as it was. */
static void
longest_order(struct order *o, bool ascii)
{
	const char *word = ascii ? "Sweet potato " : "Crème brûlée ";
	const char *solid = ascii ? "Supercalifragilistic" : "éàüöçñ";

	order_init(o);
	o->id = 9223372036854775807LL;
	o->number = 9999;
	o->status = STATUS_CANCELLED;
	o->service = SERVICE_DELIVERY;
	fill(o->customer.name, NAME_MAX_, word);
	fill(o->customer.phone, PHONE_MAX, "+44 20 7946 0958 ");
	fill(o->customer.address, ADDRESS_MAX, ascii ? "Flat 12, 221B Baker Street, " :
	    "Appt 12, 221 rue de l'Église, ");
	fill(o->staff, STAFF_MAX, "m");
	fill(o->cancel_reason, REASON_MAX, word);
	o->created_at = T0;
	for (int i = 0; i < 3; i++) {
		struct order_item *it = order_add_item(o);

		fill(it->name, NAME_MAX_, i == 1 ? solid : word);
		fill(it->kitchen_name, KNAME_MAX, i == 2 ? solid : word);
		fill(it->station, STATION_MAX, "grill");
		it->qty = QTY_MAX;
		it->unit_price = PRICE_MAX;
		it->line_total = (money_t)PRICE_MAX * QTY_MAX;
		it->tax_bp = i == 0 ? 2000 : 550 + i;
		for (int m = 0; m < MODS_MAX; m++)
			fill(it->mods[it->nmods++].name, NAME_MAX_, m % 2 ? solid : word);
		fill(it->note, NOTE_MAX, ascii ? "Nut allergy: no peanuts at all " :
		    "Allergie aux noix: pas d'arachides ");
	}
	o->subtotal = MONEY_MAX;
	o->tax = MONEY_MAX / 5;
	o->total = MONEY_MAX;
	o->npayments = PAYMENTS_MAX;
	for (int i = 0; i < PAYMENTS_MAX; i++) {
		o->payments[i].tender = i % 2 ? TENDER_CASH : TENDER_CARD;
		o->payments[i].amount = MONEY_MAX / 4;
		fill(o->payments[i].card.brand, BRAND_MAX, "MASTERCARD");
		xstrlcpy(o->payments[i].card.last4, "4444", sizeof o->payments[i].card.last4);
	}
	o->paid = MONEY_MAX;
	o->change = MONEY_MAX / 2;
}

static void
longest_config(struct doc_config *c, bool ascii)
{
	doc_config_init(c);
	fill(c->name, sizeof c->name - 1, ascii ? "Chez Brigade " : "Café Brûlé ");
	for (int i = 0; i < DOC_LINES; i++) {
		fill(c->header[i], sizeof c->header[i] - 1, "12 Rue de la Paix ");
		fill(c->footer[i], sizeof c->footer[i] - 1, ascii ? "Thank you " : "Merci à bientôt ");
	}
	doc_config_money(c, 825, ascii ? "CHF" : "EUR");
	xstrlcpy(c->qr_url, "https://brigade.example/a/very/long/path/that/goes/on/"
	    "and/on/for/the/printers/without/qr/{number}?id={id}", sizeof c->qr_url);
	c->kick_drawer = true;
}

static struct day_report_item longest_items[3];

static void
longest_report(struct day_report *r, bool ascii)
{
	memset(r, 0, sizeof *r);
	xstrlcpy(r->business_day, "2026-11-22", sizeof r->business_day);
	r->from_ms = T0;
	r->to_ms = r->printed_ms = T0 + 3600 * 1000;
	r->orders = 999999;
	r->subtotal = r->total = r->tax = r->change = r->cancelled_total = MONEY_MAX;
	for (int i = 0; i < TENDER_COUNT; i++) {
		r->tender_count[i] = 999999;
		r->tender_total[i] = MONEY_MAX;
	}
	for (int i = 0; i < SERVICE_COUNT; i++) {
		r->service_count[i] = 999999;
		r->service_total[i] = MONEY_MAX;
	}
	for (int i = 0; i < 3; i++) {
		fill(longest_items[i].name, NAME_MAX_, i == 1 ? (ascii ? "Supercalifragilistic" :
		    "éàüöçñ") : (ascii ? "Sweet potato " : "Crème brûlée "));
		longest_items[i].qty = 9999;
		longest_items[i].total = MONEY_MAX;
	}
	r->nitems = 3;
	r->items = longest_items;
	r->cancelled = 999999;
	r->final = true;
	r->z_number = 999999;
}

/* The paper as one run of words: markers out, every run of white space
 * one space, so text wrapped anywhere still reads as it was sent. */
static char *
paper_words(const char *text, bool squeeze_all)
{
	static const char *const markers[] = {
		"[b]", "[/b]", "[u]", "[/u]", "[inv]", "[/inv]", "[/size]",
	};
	char *out = xmalloc(strlen(text) + 1);
	size_t n = 0;

	for (const char *s = text; *s;) {
		bool skipped = false;

		for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
			size_t l = strlen(markers[i]);

			if (strncmp(s, markers[i], l) == 0) {
				s += l;
				skipped = true;
			}
		}
		if (strncmp(s, "[size ", 6) == 0 && strchr(s, ']') != NULL) {
			s = strchr(s, ']') + 1;
			skipped = true;
		}
		if (skipped)
			continue;
		if (*s == ' ' || *s == '\n') {
			if (!squeeze_all && n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			s++;
			continue;
		}
		out[n++] = *s++;
	}
	out[n] = '\0';
	return out;
}

/* what was printed whole: its characters in order, wherever the lines
 * broke (a word longer than the room beside an amount breaks inside) */
static void
assert_printed(const char *text, const char *what, const char *where)
{
	char *paper = paper_words(text, true), *want = paper_words(what, true);
	size_t n = strlen(want);

	while (n > 0 && want[n - 1] == ' ')
		want[--n] = '\0';
	if (strstr(paper, want) == NULL)
		fail_msg("%s: \"%s\" is not on the paper whole:\n%s", where, what, text);
	free(paper);
	free(want);
}

/* Render what e holds on paper of the profile's width: no line a printer
 * would wrap. Returns the text. */
static char *
paper_of(const struct escpos *e, const char *where)
{
	int over = 0, widest = 0;
	char *text = render_to_text_checked(e->data, e->len, e->profile->columns, &over,
	    &widest);

	if (over != 0)
		fail_msg("%s: %d lines wider than %d columns (widest %d):\n%s", where, over,
		    e->profile->columns, widest, text);
	return text;
}

static void
check_longest(const char *id, bool ascii)
{
	struct doc_config c;
	struct day_report r;
	struct profile p;
	struct escpos e;
	struct order o;
	char where[96], *text;

	load(id, &p);
	longest_order(&o, ascii);
	longest_config(&c, ascii);

	snprintf(where, sizeof where, "%s receipt", id);
	escpos_begin(&e, &p);
	document_banner(&e, " COPY - PROVISIONAL NUMBER ", "till-with-a-long-name-42-999");
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	text = paper_of(&e, where);
	if (ascii) {
		assert_printed(text, o.customer.name, where);
		assert_printed(text, o.customer.phone, where);
		assert_printed(text, o.customer.address, where);
		assert_printed(text, o.cancel_reason, where);
		assert_printed(text, c.name, where);
		assert_printed(text, c.header[0], where);
		assert_printed(text, c.footer[0], where);
		for (int i = 0; i < o.nitems; i++) {
			assert_printed(text, o.items[i].name, where);
			assert_printed(text, o.items[i].note, where);
			for (int m = 0; m < o.items[i].nmods; m++)
				assert_printed(text, o.items[i].mods[m].name, where);
		}
		assert_printed(text, "CHF 9900000.00", where);
	}
	free(text);
	escpos_free(&e);

	snprintf(where, sizeof where, "%s kitchen ticket", id);
	escpos_begin(&e, &p);
	assert_int_equal(document_kitchen(&e, &o, NULL, T0), 0);
	text = paper_of(&e, where);
	if (ascii) {
		assert_printed(text, o.customer.address, where);
		assert_printed(text, o.customer.phone, where);
		for (int i = 0; i < o.nitems; i++) {
			assert_printed(text, o.items[i].kitchen_name, where);
			assert_printed(text, o.items[i].note, where);
			for (int m = 0; m < o.items[i].nmods; m++)
				assert_printed(text, o.items[i].mods[m].name, where);
		}
	}
	free(text);
	escpos_free(&e);

	snprintf(where, sizeof where, "%s labels", id);
	escpos_begin(&e, &p);
	assert_int_equal(document_labels(&e, &o), 3 * QTY_MAX);
	text = paper_of(&e, where);
	if (ascii) {
		assert_printed(text, o.customer.address, where);
		assert_printed(text, o.items[1].note, where);
		assert_printed(text, o.items[1].name, where);
	}
	free(text);
	escpos_free(&e);

	longest_report(&r, ascii);
	for (int z = 0; z < 2; z++) {
		r.final = z == 1;
		snprintf(where, sizeof where, "%s %s report", id, z ? "Z" : "X");
		escpos_begin(&e, &p);
		assert_int_equal(document_report(&e, &r, &c), 0);
		text = paper_of(&e, where);
		if (ascii) {
			assert_printed(text, longest_items[0].name, where);
			assert_printed(text, longest_items[1].name, where);
		}
		free(text);
		escpos_free(&e);
	}

	snprintf(where, sizeof where, "%s test page", id);
	escpos_begin(&e, &p);
	assert_int_equal(document_test(&e, &c), 0);
	free(paper_of(&e, where));
	escpos_free(&e);
	order_free(&o);
}

/* The renderer counts a line a real printer would wrap: over the columns
 * at size 1, or half of them at double width (ESC ! and GS ! alike). */
static void
test_render_flags_wide_lines(void **state)
{
	static const unsigned char ok[] = "0123456789012345678901234567890\n"
	    "\x1b!\x20" "0123456789012345\n";
	static const unsigned char wide[] = "012345678901234567890123456789012\n"
	    "\x1b!\x20" "01234567890123456\n" "\x1d!\x11" "01234567890123456\n"
	    "\x1d!\x00" "short\n";
	int over, widest;
	char *text;

	(void)state;
	text = render_to_text_checked(ok, sizeof ok - 1, 32, &over, &widest);
	assert_int_equal(over, 0);
	assert_int_equal(widest, 32);
	free(text);
	text = render_to_text_checked(wide, sizeof wide - 1, 32, &over, &widest);
	assert_int_equal(over, 3);
	assert_int_equal(widest, 34);
	free(text);
}

/* Every document, every profile, the longest content: no line wider than
 * the paper (a printer would wrap it, and the amounts with it), and no
 * text cut. */
static void
test_longest_everywhere(void **state)
{
	char ids[128][PROFILE_ID_MAX + 1];
	int n = all_profiles(ids, 128);

	(void)state;
	assert_true(n >= 5);
	for (int i = 0; i < n; i++) {
		check_longest(ids[i], true);
		check_longest(ids[i], false);
	}
}

/* The note: 115 characters, every word on the paper, on the
 * receipt, the kitchen ticket and the label, 58 and 80 mm. */
static void
test_note_in_full(void **state)
{
	static const char note[] = "Very long note: please plate this cheesecake on the "
	    "blue plate with a candle and write the birthday of Zoe (42)";
	static const char *const ids[] = { "generic-58", "epson-tm-t88", "epson-tm-l90" };
	struct doc_config c;
	struct order o;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	xstrlcpy(o.items[0].note, note, sizeof o.items[0].note);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct profile p;
		struct escpos e;
		char *text;

		load(ids[i], &p);
		escpos_begin(&e, &p);
		document_receipt(&e, &o, &c);
		document_kitchen(&e, &o, NULL, T0);
		document_labels(&e, &o);
		text = paper_of(&e, ids[i]);
		assert_printed(text, note, ids[i]);
		/* three documents, three whole notes (and one more label) */
		{
			int count = 0;

			for (const char *at = text; (at = strstr(at, "(42)")) != NULL; at++)
				count++;
			assert_int_equal(count, 4);
		}
		free(text);
		escpos_free(&e);
	}
	order_free(&o);
}

/* "99 x Sweet Potato Fries" at double width: 16 columns on 58 mm, 21 on
 * the TM-T88; the words wrap under the name, never off the paper. */
static void
test_kitchen_double_width(void **state)
{
	static const char *const ids[] = { "generic-58", "epson-tm-t88" };
	struct order o;

	(void)state;
	order_init(&o);
	o.number = 17;
	o.service = SERVICE_PICKUP;
	o.created_at = T0;
	add_item(&o, "Sweet Potato Fries", "fry", 99, 450, NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct profile p;
		struct escpos e;
		char *text;

		load(ids[i], &p);
		escpos_begin(&e, &p);
		assert_int_equal(document_kitchen(&e, &o, NULL, T0), 0);
		text = paper_of(&e, ids[i]);
		assert_printed(text, "99 x Sweet Potato Fries", ids[i]);
		free(text);
		escpos_free(&e);
	}
	order_free(&o);
}

/* A delivery's receipt, ticket and bag labels carry the name, phone and
 * whole address; a dine-in guest's name is printed beside the table. */
static void
test_delivery_details(void **state)
{
	static const char address[] = "Flat 3, 27 Long Lane, behind the bakery, ring twice";
	struct doc_config c;
	struct profile p;
	struct escpos e;
	struct order o;
	char *text;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	o.service = SERVICE_DELIVERY;
	xstrlcpy(o.customer.phone, "+33 6 12 34 56 78", sizeof o.customer.phone);
	xstrlcpy(o.customer.address, address, sizeof o.customer.address);
	load("generic-58", &p);
	escpos_begin(&e, &p);
	document_receipt(&e, &o, &c);
	golden("receipt_delivery_generic-58", &e);
	escpos_free(&e);
	escpos_begin(&e, &p);
	document_kitchen(&e, &o, "grill", T0);
	document_labels(&e, &o);
	text = paper_of(&e, "kitchen and labels");
	/* the ticket and each of the four labels */
	{
		int count = 0;

		for (const char *at = text; (at = strstr(at, "+33 6 12 34 56 78")) != NULL; at++)
			count++;
		assert_int_equal(count, 5);
	}
	assert_printed(text, address, "kitchen and labels");
	assert_printed(text, "DELIVERY - Zoë Brûlé", "kitchen and labels");
	free(text);
	escpos_free(&e);

	o.service = SERVICE_DINE_IN;
	xstrlcpy(o.table, "T5", sizeof o.table);
	escpos_begin(&e, &p);
	document_receipt(&e, &o, &c);
	document_kitchen(&e, &o, NULL, T0);
	text = paper_of(&e, "dine in");
	assert_non_null(strstr(text, "Table T5"));
	assert_non_null(strstr(strstr(text, "Table T5"), "Zoë Brûlé"));
	assert_non_null(strstr(strstr(strstr(text, "Table T5") + 1, "Table T5"), "Zoë Brûlé"));
	assert_null(strstr(text, "+33"));
	free(text);
	escpos_free(&e);
	order_free(&o);
}

/* Lines sold at two rates print a tax line per rate; one rate prints
 * "Tax 8%"; the currency sign comes from the ISO code. */
static void
test_tax_and_currency(void **state)
{
	struct doc_config c;
	struct profile p;
	struct escpos e;
	struct order o;
	char *text;

	(void)state;
	sample_order(&o);
	doc_config_init(&c);
	doc_config_money(&c, 800, "USD");
	assert_string_equal(c.currency, "$");
	for (int i = 0; i < o.nitems; i++)
		o.items[i].tax_bp = 800;
	load("generic-80", &p);
	escpos_begin(&e, &p);
	document_receipt(&e, &o, &c);
	text = paper_of(&e, "one rate");
	assert_non_null(strstr(text, "Tax 8%"));
	assert_non_null(strstr(text, "$34.50"));
	free(text);
	escpos_free(&e);

	o.items[1].tax_bp = 550;        /* the fries at the reduced rate */
	o.tax = order_tax(&o);
	escpos_begin(&e, &p);
	document_receipt(&e, &o, &c);
	text = paper_of(&e, "two rates");
	assert_non_null(strstr(text, "Tax 8%"));
	assert_non_null(strstr(text, "Tax 5.5%"));
	{
		char want[64];

		snprintf(want, sizeof want, "$%d.%02d", (int)(money_tax(3100, 800) / 100),
		    (int)(money_tax(3100, 800) % 100));
		assert_non_null(strstr(text, want));
	}
	assert_non_null(strstr(text, "$0.19"));         /* 5.5% of 3.50 */
	free(text);
	escpos_free(&e);

	doc_config_money(&c, 0, "EUR");
	assert_string_equal(c.currency, "€");
	doc_config_money(&c, 0, "CHF");
	assert_string_equal(c.currency, "CHF ");
	doc_config_money(&c, 0, "");
	assert_string_equal(c.currency, "");
	order_free(&o);
}

/* The X report says how much change was given, and a period that started
 * before any close does not begin in 1970. */
static void
test_report_change_and_from(void **state)
{
	struct doc_config c;
	struct day_report r;
	struct profile p;
	struct escpos e;
	char *text;

	(void)state;
	sample_config(&c);
	memset(&r, 0, sizeof r);
	xstrlcpy(r.business_day, "2026-11-22", sizeof r.business_day);
	r.to_ms = r.printed_ms = T0;
	r.change = 570;
	load("generic-58", &p);
	escpos_begin(&e, &p);
	document_report(&e, &r, &c);
	text = paper_of(&e, "X");
	assert_non_null(strstr(text, "Change given"));
	assert_non_null(strstr(text, "EUR5.70"));
	assert_null(strstr(text, "1970"));
	assert_non_null(strstr(text, "first order"));
	free(text);
	escpos_free(&e);
}

/* The test page fits the 58 mm paper (it once printed 35 columns on 32),
 * and the 58 mm clones without GS k function B print a CODE39 barcode by
 * function A rather than none. */
static void
test_test_page(void **state)
{
	struct doc_config c;
	struct profile p;
	struct escpos e;
	char *text;

	(void)state;
	doc_config_init(&c);
	load("generic-58", &p);
	p.features = (p.features & ~PROFILE_BARCODE) | PROFILE_BARCODE_A;
	escpos_begin(&e, &p);
	document_test(&e, &c);
	text = paper_of(&e, "test page");
	assert_non_null(strstr(text, "[CODE39: BRIGADE-0042]"));
	assert_printed(text, "Profile: Generic 58 mm (32 columns)", "test page");
	assert_non_null(memmem(e.data, e.len, "\x1dk\x04" "BRIGADE-0042\0", 16));
	free(text);
	escpos_free(&e);
}

/* Discounts on the receipt: a line under the discounted item, the order's
 * before the subtotal, the tax on what the lines sell for. */
static void
test_receipt_discounts(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;
	struct correction *co;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	c.qr_url[0] = '\0';
	for (int i = 0; i < o.nitems; i++)
		o.items[i].tax_bp = 825;
	o.items[0].disc.percent_bp = 1000;
	o.items[1].disc.comp = true;
	o.items[1].disc.percent_bp = 10000;
	o.disc.amount = 250;
	co = order_add_correction(&o);
	co->kind = CORRECTION_DISCOUNT;
	co->line = 0;
	co->disc = o.items[0].disc;
	order_totals(&o);
	load("epson-tm-t20", &p);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	golden("receipt_discounts_epson-tm-t20", &e);
	escpos_free(&e);
	order_free(&o);
}

/* A receipt printed again after corrections: each line as sold, what
 * was voided and refunded of it, the refund in the ledger as money out. */
static void
test_receipt_after_corrections(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;
	struct payment *r;
	char *text;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	c.qr_url[0] = '\0';
	c.kick_drawer = true;
	o.items[0].voided = 1;
	o.items[1].refunded = 1;
	r = &o.payments[o.npayments++];
	r->kind = PAYMENT_REFUND;
	r->tender = TENDER_CASH;
	r->amount = 350;
	order_totals(&o);
	load("generic-80", &p);
	escpos_begin(&e, &p);
	assert_int_equal(document_receipt(&e, &o, &c), 0);
	text = render_to_text(e.data, e.len, p.columns);
	assert_non_null(strstr(text, "    Voided 1"));
	assert_non_null(strstr(text, "-€14.00"));
	assert_non_null(strstr(text, "    Refunded 1"));
	assert_non_null(strstr(text, "-€3.50"));
	assert_non_null(strstr(text, "Refund Cash"));
	free(text);
	escpos_free(&e);
	order_free(&o);
}

/* The refund receipt: the latest refund of an order (a burger taken back
 * to the card, with the terminal's approval), and the cash one before it
 * left out; the drawer opens for cash only. */
static void
test_refund_receipt(void **state)
{
	struct doc_config c;
	struct order o;
	struct profile p;
	struct escpos e;
	struct correction *co;
	struct payment *r;
	size_t n;

	(void)state;
	sample_order(&o);
	sample_config(&c);
	load("epson-tm-t20", &p);
	escpos_begin(&e, &p);
	n = e.len;
	assert_int_equal(document_refund(&e, &o, &c), -1);
	assert_int_equal(e.len, n);
	/* an earlier cash refund of money owed back */
	co = order_add_correction(&o);
	co->kind = CORRECTION_REFUND;
	co->at = T0 + 60000;
	xstrlcpy(co->by, "ana", sizeof co->by);
	xstrlcpy(co->reason, "Overcharged", sizeof co->reason);
	co->refund = 100;
	r = &o.payments[o.npayments++];
	r->kind = PAYMENT_REFUND;
	r->tender = TENDER_CASH;
	r->amount = 100;
	r->at = co->at;
	/* then a burger back to the card, approved by a manager */
	co = order_add_correction(&o);
	co->kind = CORRECTION_REFUND;
	co->at = T0 + 120000;
	xstrlcpy(co->by, "ana", sizeof co->by);
	xstrlcpy(co->approved_by, "max", sizeof co->approved_by);
	xstrlcpy(co->reason, "Quality", sizeof co->reason);
	co->line = 0;
	co->qty = 1;
	co->net = -1400;
	co->tax = -116;
	co->refund = 1516;
	r = &o.payments[o.npayments++];
	r->kind = PAYMENT_REFUND;
	r->tender = TENDER_CARD;
	r->amount = 1516;
	xstrlcpy(r->card.brand, "VISA", sizeof r->card.brand);
	xstrlcpy(r->card.last4, "1111", sizeof r->card.last4);
	xstrlcpy(r->approval, "RF9", sizeof r->approval);
	r->at = co->at;
	assert_int_equal(document_refund(&e, &o, &c), 0);
	golden("refund_epson-tm-t20", &e);
	assert_null(memmem(e.data, e.len, "\x1bp", 2));
	escpos_free(&e);
	/* the cash one alone opens the drawer */
	o.ncorrections = 1;
	o.npayments--;
	escpos_begin(&e, &p);
	assert_int_equal(document_refund(&e, &o, &c), 0);
	assert_non_null(memmem(e.data, e.len, "\x1bp", 2));
	escpos_free(&e);
	order_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipts),
		cmocka_unit_test(test_receipt_approval),
		cmocka_unit_test(test_receipt_cancelled_dine_in),
		cmocka_unit_test(test_not_numbered_yet),
		cmocka_unit_test(test_kitchen),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_void_ticket),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_render_flags_wide_lines),
		cmocka_unit_test(test_longest_everywhere),
		cmocka_unit_test(test_note_in_full),
		cmocka_unit_test(test_kitchen_double_width),
		cmocka_unit_test(test_delivery_details),
		cmocka_unit_test(test_tax_and_currency),
		cmocka_unit_test(test_report_change_and_from),
		cmocka_unit_test(test_test_page),
		cmocka_unit_test(test_refund_receipt),
		cmocka_unit_test(test_receipt_after_corrections),
		cmocka_unit_test(test_receipt_discounts),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
