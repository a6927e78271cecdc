/* Unit tests of the client cache: snapshot, events in order, versions,
 * closing orders, and a stale start from the saved file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache.h"
#include "codec.h"
#include "log.h"
#include "xalloc.h"

static cJSON *
order_json(int64_t id, int version, enum order_status st)
{
	struct order o;
	struct order_item *it;
	cJSON *j;

	order_init(&o);
	o.id = id;
	o.number = (int)id;
	xstrlcpy(o.business_day, "2026-01-02", sizeof o.business_day);
	o.status = st;
	o.version = version;
	o.source = SOURCE_POS;
	o.service = SERVICE_PICKUP;
	it = order_add_item(&o);
	xstrlcpy(it->sku, "B1", sizeof it->sku);
	xstrlcpy(it->name, "Classic Burger", sizeof it->name);
	xstrlcpy(it->station, "grill", sizeof it->station);
	it->qty = 1;
	it->unit_price = it->line_total = 950;
	o.subtotal = o.total = o.paid = 950;
	xstrlcpy(o.staff, "k1", sizeof o.staff);
	xstrlcpy(o.terminal, "t", sizeof o.terminal);
	o.created_at = o.updated_at = 1000 + version;
	order_record(&o, st, -1, o.created_at, "k1");
	j = order_to_json(&o);
	order_free(&o);
	return j;
}

static cJSON *
event_json(int64_t seq, cJSON *order)
{
	cJSON *e = cJSON_CreateObject();

	codec_add_int(e, "seq", seq);
	cJSON_AddStringToObject(e, "type", seq == 1 ? "order.created" : "order.updated");
	codec_add_int(e, "at", 5000 + seq);
	cJSON_AddItemToObject(e, "order", order);
	return e;
}

static cJSON *
menu_json(void)
{
	struct menu m;
	struct menu_item *it;
	cJSON *j;

	menu_init(&m);
	m.tax_bp = 825;
	menu_add_category(&m, "Burgers");
	it = menu_add_item(&m);
	xstrlcpy(it->sku, "B1", sizeof it->sku);
	xstrlcpy(it->name, "Classic Burger", sizeof it->name);
	xstrlcpy(it->category, "Burgers", sizeof it->category);
	xstrlcpy(it->station, "grill", sizeof it->station);
	it->price = 950;
	it->available = true;
	j = menu_to_json(&m);
	menu_free(&m);
	return j;
}

static void
apply(struct cache *c, cJSON *ev)
{
	struct codec_error err;

	if (cache_apply_event(c, ev, &err) < 0)
		fail_msg("event: %s %s", err.field, err.message);
	cJSON_Delete(ev);
}

static void
test_snapshot_events_and_stale_start(void **state)
{
	char dir[] = "/tmp/brigade-cache-XXXXXX", path[128], err[256];
	struct codec_error cerr;
	struct cache *c;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/cache.json", dir);
	c = cache_new(path);
	assert_int_equal(cache_load(c, err, sizeof err), 1);   /* no file yet */

	cJSON *snap = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(snap, "orders");
	cJSON_AddItemToArray(arr, order_json(3, 1, STATUS_PAID));
	cJSON_AddItemToArray(arr, order_json(1, 2, STATUS_PREPARING));
	codec_add_int(snap, "head", 10);
	assert_int_equal(cache_set_orders(c, snap, &cerr), 0);
	cJSON_Delete(snap);
	cJSON *m = menu_json();
	assert_int_equal(cache_set_menu(c, m, &cerr), 0);
	cJSON_Delete(m);
	assert_int_equal(cache_norders(c), 2);
	assert_int_equal(cache_order(c, 0)->id, 1);   /* by id */
	assert_false(cache_stale(c));
	assert_int_equal(cache_head(c), 10);

	apply(c, event_json(11, order_json(3, 2, STATUS_PREPARING)));
	assert_int_equal(cache_find(c, 3)->status, STATUS_PREPARING);
	/* an older version is old news */
	apply(c, event_json(12, order_json(3, 1, STATUS_PAID)));
	assert_int_equal(cache_find(c, 3)->status, STATUS_PREPARING);
	/* a new order, and a closed one leaves */
	apply(c, event_json(13, order_json(2, 1, STATUS_PAID)));
	apply(c, event_json(14, order_json(1, 3, STATUS_COMPLETED)));
	assert_null(cache_find(c, 1));
	assert_int_equal(cache_norders(c), 2);
	assert_int_equal(cache_order(c, 0)->id, 2);
	assert_int_equal(cache_head(c), 14);

	/* a bad event changes nothing */
	cJSON *bad = cJSON_Parse("{\"seq\":15,\"type\":\"order.updated\",\"at\":1,\"order\":{\"id\":\"x\"}}");
	assert_int_equal(cache_apply_event(c, bad, &cerr), -1);
	cJSON_Delete(bad);
	assert_int_equal(cache_head(c), 14);
	assert_int_equal(cache_norders(c), 2);

	assert_true(cache_dirty(c));
	assert_int_equal(cache_save(c), 0);
	assert_false(cache_dirty(c));
	cache_free(c);

	/* a screen starting with the server away: the last state, stale */
	c = cache_new(path);
	assert_int_equal(cache_load(c, err, sizeof err), 0);
	assert_true(cache_stale(c));
	assert_true(cache_saved_at(c) > 0);
	assert_int_equal(cache_head(c), 14);
	assert_int_equal(cache_norders(c), 2);
	assert_int_equal(cache_find(c, 3)->version, 2);
	assert_string_equal(cache_find(c, 2)->items[0].sku, "B1");
	assert_non_null(menu_find(cache_menu(c), "B1"));
	cache_free(c);

	/* a damaged file: an error, an empty cache, the file left alone */
	FILE *fp = fopen(path, "w");
	fputs("{\"version\":1,\"head\":", fp);
	fclose(fp);
	c = cache_new(path);
	log_set_level(LOG_OFF);
	assert_int_equal(cache_load(c, err, sizeof err), -1);
	log_set_level(LOG_INFO);
	assert_non_null(strstr(err, "not a usable cache"));
	assert_int_equal(cache_norders(c), 0);
	assert_int_equal(cache_save(c), 0);     /* our own damaged file is replaced */
	cache_free(c);

	/* pointed at another program's file (a SQLite database): refused at
	 * load and never written over */
	static const char db[] = "SQLite format 3\0\x10\0\x02\x02";
	fp = fopen(path, "wb");
	fwrite(db, 1, sizeof db, fp);
	fclose(fp);
	c = cache_new(path);
	log_set_level(LOG_OFF);
	assert_int_equal(cache_load(c, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a Brigade cache file"));
	snap = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(snap, "orders");
	cJSON_AddItemToArray(arr, order_json(3, 1, STATUS_PAID));
	codec_add_int(snap, "head", 10);
	assert_int_equal(cache_set_orders(c, snap, &cerr), 0);
	cJSON_Delete(snap);
	assert_int_equal(cache_save(c), -1);
	log_set_level(LOG_INFO);
	cache_free(c);
	char back[sizeof db];
	fp = fopen(path, "rb");
	assert_int_equal(fread(back, 1, sizeof back, fp), sizeof db);
	fclose(fp);
	assert_memory_equal(back, db, sizeof db);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_events_and_stale_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
