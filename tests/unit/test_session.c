/* Unit tests of the session glue without a server: changes queued while
 * the server is away are marked on their orders at once (start, bump,
 * station bumps adding up to READY, a recall clearing them), survive a
 * restart (rebuilt from the outbox), any other change pushed as it is
 * (an 86, a pay with its tenders, the Z close) is pending the same way,
 * and the outbox and cache files are the app's own unless the settings
 * name them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache.h"
#include "cfg.h"
#include "codec.h"
#include "session.h"
#include "xalloc.h"

static char dir[] = "/tmp/brigade-session-XXXXXX";

static struct session *
open_session(const char *app)
{
	struct client_cfg cfg;
	struct session_opts o = { app, &cfg, NULL };
	char err[512];
	struct session *s;

	setenv("XDG_STATE_HOME", dir, 1);
	cfg_defaults(&cfg);
	/* nothing listens on port 1 of the loopback: the server is away */
	assert_int_equal(cfg_set(&cfg, "server", "http://127.0.0.1:1", err, sizeof err), 0);
	xstrlcpy(cfg.staff, "c1", sizeof cfg.staff);
	xstrlcpy(cfg.pin, "3333", sizeof cfg.pin);
	s = session_new(&o, NULL, err, sizeof err);
	assert_non_null(s);
	return s;
}

/* One PREPARING order 7 with a grill and a fryer item, into the cache. */
static void
load_order(struct session *s)
{
	struct codec_error err;
	struct order o;
	cJSON *answer = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(answer, "orders");
	const char *st[2] = { "grill", "fryer" };

	order_init(&o);
	o.id = 7;
	o.number = 7;
	xstrlcpy(o.business_day, "2026-11-22", sizeof o.business_day);
	o.status = STATUS_PREPARING;
	o.version = 2;
	o.source = SOURCE_POS;
	o.service = SERVICE_PICKUP;
	for (int i = 0; i < 2; i++) {
		struct order_item *it = order_add_item(&o);

		snprintf(it->sku, sizeof it->sku, "X%d", i);
		snprintf(it->name, sizeof it->name, "Item %d", i);
		xstrlcpy(it->station, st[i], sizeof it->station);
		it->qty = 1;
		it->unit_price = it->line_total = 100;
	}
	o.subtotal = o.total = o.paid = 200;
	xstrlcpy(o.staff, "k1", sizeof o.staff);
	xstrlcpy(o.terminal, "t", sizeof o.terminal);
	o.created_at = o.updated_at = 1000;
	order_record(&o, STATUS_PAID, -1, 1000, "k1");
	cJSON_AddItemToArray(arr, order_to_json(&o));
	codec_add_int(answer, "head", 3);
	assert_int_equal(cache_set_orders(session_cache(s), answer, &err), 0);
	cJSON_Delete(answer);
	order_free(&o);
}

static void
test_marks_and_restart(void **state)
{
	struct session *s = open_session("unit");
	struct session_mark m;

	load_order(s);
	session_mark(s, 7, &m);
	assert_false(m.pending);
	assert_int_equal(m.status, -1);

	assert_true(session_items_done(s, 7, "grill") > 0);
	session_mark(s, 7, &m);
	assert_true(m.pending);
	assert_int_equal(m.nstations, 1);
	assert_string_equal(m.stations[0], "grill");
	assert_int_equal(m.status, -1);              /* the fryer is not done */
	assert_true(session_items_done(s, 7, "fryer") > 0);
	session_mark(s, 7, &m);
	assert_int_equal(m.status, STATUS_READY);    /* the last station */
	assert_true(session_act(s, 7, ACTION_RECALL, NULL) > 0);
	session_mark(s, 7, &m);
	assert_int_equal(m.status, STATUS_PREPARING);
	assert_true(m.cleared);
	assert_int_equal(m.nstations, 0);

	assert_true(session_act(s, 9, ACTION_START, NULL) > 0);
	session_mark(s, 9, &m);
	assert_int_equal(m.status, STATUS_PREPARING);
	assert_true(session_create_order(s, "{\"source\":\"POS\"}") > 0);
	assert_int_equal(session_npending(s), 5);
	assert_int_equal(session_pending(s, 4)->kind, SESSION_OP_CREATE);
	assert_string_equal(session_pending(s, 4)->body, "{\"source\":\"POS\"}");
	assert_int_equal(session_state(s)->queued, 5);
	session_free(s);

	/* a restart while the server is still away: the same marks */
	s = open_session("unit");
	load_order(s);
	session_start(s);
	assert_int_equal(session_npending(s), 5);
	session_mark(s, 7, &m);
	assert_true(m.pending);
	assert_int_equal(m.status, STATUS_PREPARING);
	session_mark(s, 9, &m);
	assert_int_equal(m.status, STATUS_PREPARING);
	assert_int_equal(session_pending(s, 0)->kind, SESSION_OP_ITEMS_DONE);
	assert_string_equal(session_pending(s, 0)->station, "grill");
	assert_int_equal(session_pending(s, 3)->action, ACTION_START);
	assert_int_equal(session_pending(s, 3)->order_id, 9);
	session_free(s);
}

static void
never_called(void *ctx, struct api_reply *r)
{
	fail();
}

static void
test_push_any_change(void **state)
{
	struct session *s = open_session("push");
	struct session_mark m;
	struct outbox_entry *e;
	int n;
	char cancel[96];
	const struct session_change c86 = { "PATCH", "/api/v1/menu/items/S3",
	    "{\"available\":false}", NULL, "86 S3", 0, "86 S3", NULL };
	const struct session_change cc = { "POST", "/api/v1/orders/7/actions", cancel, NULL,
	    "cancel #7", 7, "cancel #7", NULL };
	const struct session_change cz = { "POST", "/api/v1/reports/z", "{}", "z-close",
	    "z-close", 0, "Z close", NULL };

	snprintf(cancel, sizeof cancel, "{\"action\":\"%s\",\"reason\":\"left\"}",
	    action_name(ACTION_CANCEL));
	load_order(s);
	/* no login yet: nothing to ask the server with */
	assert_int_equal(session_get(s, "/api/v1/menu", never_called, NULL), -1);

	assert_true(session_push(s, &c86) > 0);
	assert_int_equal(session_pending(s, 0)->kind, SESSION_OP_OTHER);
	assert_int_equal(session_pending(s, 0)->order_id, 0);
	assert_string_equal(session_pending(s, 0)->name, "86 S3");
	session_mark(s, 7, &m);
	assert_false(m.pending);

	/* an order's action pushed as it is marks the order like session_act */
	assert_true(session_push(s, &cc) > 0);
	assert_int_equal(session_pending(s, 1)->kind, SESSION_OP_ACTION);
	assert_int_equal(session_pending(s, 1)->action, ACTION_CANCEL);
	assert_string_equal(session_pending(s, 1)->label, "cancel #7");
	session_mark(s, 7, &m);
	assert_true(m.pending);
	assert_int_equal(m.status, STATUS_CANCELLED);

	assert_true(session_push(s, &cz) > 0);
	assert_string_equal(session_pending(s, 2)->label, "Z close");
	assert_int_equal(session_state(s)->queued, 3);
	assert_int_equal(session_attention(s, &e, &n), 0);
	assert_int_equal(n, 0);
	outbox_entries_free(e, n);
	session_free(s);

	/* a restart: the same changes, called by their kinds */
	s = open_session("push");
	load_order(s);
	session_start(s);
	assert_int_equal(session_npending(s), 3);
	assert_int_equal(session_pending(s, 0)->kind, SESSION_OP_OTHER);
	assert_string_equal(session_pending(s, 0)->label, "86 S3");
	assert_int_equal(session_pending(s, 1)->order_id, 7);
	assert_string_equal(session_pending(s, 1)->name, "cancel #7");
	assert_string_equal(session_pending(s, 2)->name, "z-close");
	session_mark(s, 7, &m);
	assert_int_equal(m.status, STATUS_CANCELLED);
	session_free(s);
}

static void
test_files_per_app(void **state)
{
	char path[512];
	struct session *s = open_session("pos");

	session_free(s);
	snprintf(path, sizeof path, "%s/brigade/pos-outbox.db", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/brigade/outbox.db", dir);
	assert_int_equal(access(path, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks_and_restart),
		cmocka_unit_test(test_push_any_change),
		cmocka_unit_test(test_files_per_app),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	unsetenv("BRIGADE_CONFIG");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
