/* test_report: what counts in an X/Z report, and its JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report.h"
#include "strbuf.h"

static void
make(struct order *o, const char *sku, int qty, money_t unit, enum tender_type t,
    money_t paid, int64_t paid_at)
{
	struct order_item *it;

	order_init(o);
	o->service = SERVICE_PICKUP;
	it = order_add_item(o);
	strcpy(it->sku, sku);
	strcpy(it->name, sku);
	it->qty = qty;
	it->unit_price = unit;
	it->line_total = unit * qty;
	o->subtotal = it->line_total;
	o->tax = 0;
	o->total = o->subtotal;
	o->npayments = 1;
	o->payments[0].tender = t;
	o->payments[0].amount = paid;
	o->paid = paid;
	o->change = paid - o->total;
	o->status = STATUS_PAID;
	order_record(o, STATUS_PAID, -1, paid_at, "k1");
}

/* An offline sale counts by when it was sold; one that arrived after the
 * period it was sold in was closed counts in the period it arrived in. */
static void
test_offline_sales(void **state)
{
	struct day_report closed, open;
	struct order inside, late, before;

	(void)state;
	make(&inside, "B1", 1, 500, TENDER_CASH, 500, 1500);   /* sold in [1000, 2000) */
	inside.received_at = 2100;                              /* arrived after it */
	make(&late, "S1", 1, 300, TENDER_CASH, 300, 900);      /* sold before 1000 */
	late.received_at = 1100;                                /* after that close */
	make(&before, "D1", 1, 700, TENDER_CASH, 700, 900);    /* in the earlier close */
	before.received_at = 950;
	/* the period as a close at 2000 saw it (the late-arriving sale of
	 * 1500 was not there yet) and the one after it */
	report_init(&closed, true, 1000, 2000, 4);
	report_add(&closed, &late);
	report_add(&closed, &before);
	assert_int_equal(closed.orders, 1);
	assert_int_equal(closed.total, 300);
	report_init(&open, false, 2000, 3000, 4);
	report_add(&open, &inside);
	report_add(&open, &late);
	report_add(&open, &before);
	assert_int_equal(open.orders, 1);
	assert_int_equal(open.total, 500);
	/* an X report over a period it was sold in counts it by its sale */
	report_free(&open);
	report_init(&open, false, 1000, 3000, 4);
	report_add(&open, &inside);
	assert_int_equal(open.orders, 1);
	report_free(&closed);
	report_free(&open);
	order_free(&inside);
	order_free(&late);
	order_free(&before);
}

static void
test_what_counts(void **state)
{
	struct day_report r;
	struct order a, b, late, early, gone;

	(void)state;
	report_init(&r, false, 1000, 2000, 4);
	make(&a, "B1", 2, 500, TENDER_CASH, 2000, 1000);          /* sold, change 1000 */
	make(&b, "S1", 3, 100, TENDER_CARD, 300, 1500);
	order_record(&b, STATUS_PREPARING, ACTION_START, 1600, "c1");
	order_record(&b, STATUS_READY, ACTION_READY, 2500, "c1");  /* later moves */
	make(&late, "B1", 1, 500, TENDER_CASH, 500, 2000);        /* after the period */
	make(&early, "B1", 1, 500, TENDER_CASH, 500, 999);        /* before it */
	make(&gone, "D1", 1, 700, TENDER_CASH, 700, 900);         /* paid before, */
	gone.status = STATUS_CANCELLED;                            /* cancelled within */
	order_record(&gone, STATUS_CANCELLED, ACTION_CANCEL, 1200, "m1");
	report_add(&r, &a);
	report_add(&r, &b);
	report_add(&r, &late);
	report_add(&r, &early);
	report_add(&r, &gone);
	report_finish(&r);
	assert_int_equal(r.orders, 2);
	assert_int_equal(r.total, 1300);
	assert_int_equal(r.tender_count[TENDER_CASH], 1);
	assert_int_equal(r.tender_total[TENDER_CASH], 1000);   /* 2000 in, 1000 back */
	assert_int_equal(r.change, 1000);
	assert_int_equal(r.tender_total[TENDER_CARD], 300);
	assert_int_equal(r.service_count[SERVICE_PICKUP], 2);
	assert_int_equal(r.cancelled, 1);
	assert_int_equal(r.cancelled_total, 700);
	assert_int_equal(r.nitems, 2);
	assert_string_equal(r.items[0].sku, "S1");              /* 3 sold first */
	assert_int_equal(r.items[1].qty, 2);

	/* render and read back */
	struct strbuf sb;
	struct codec_error err;
	struct day_report back;

	strbuf_init(&sb);
	report_render(&r, &sb);
	cJSON *j = cJSON_Parse(sb.data);
	assert_int_equal(report_from_json(j, &back, &err), 0);
	assert_false(back.final);
	assert_int_equal(back.orders, 2);
	assert_int_equal(back.tender_total[TENDER_CASH], 1000);
	assert_int_equal(back.nitems, 2);
	assert_string_equal(back.items[0].name, "S1");
	assert_int_equal(back.cancelled_total, 700);
	report_free(&back);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"kind\":\"Q\",\"business_day\":\"x\",\"from\":0,\"to\":0,"
	    "\"generated_at\":0,\"orders\":0,\"subtotal\":0,\"tax\":0,\"total\":0,"
	    "\"change\":0,\"cancelled\":0,\"cancelled_total\":0}");
	assert_int_equal(report_from_json(j, &back, &err), -1);
	assert_string_equal(err.field, "kind");
	cJSON_Delete(j);
	strbuf_free(&sb);
	report_free(&r);
	order_free(&a);
	order_free(&b);
	order_free(&late);
	order_free(&early);
	order_free(&gone);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_counts),
		cmocka_unit_test(test_offline_sales),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
