/* Unit tests of the KDS's VOID cards over a restart: what the board takes
 * from the server once a card is VOID or was cleared (older news changes
 * nothing, a newer word or another order under the id does), and the file
 * the cards are kept in (a round trip, an older file without the cleared
 * list or with fields missing, a file that is not ours, none at all); the
 * cards a snapshot lacked, checked with the server, kept over a restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "board.h"
#include "voids.h"
#include "xalloc.h"

#define T0 1800000000000LL   /* a server time, ms */

static void
make(struct order *o, int64_t id, enum order_status st, int version)
{
	struct order_item *it;

	order_init(o);
	o->id = id;
	o->number = (int)id + 100;
	o->status = st;
	o->version = version;
	o->source = SOURCE_POS;
	o->service = SERVICE_DINE_IN;
	xstrlcpy(o->table, "T4", sizeof o->table);
	o->created_at = o->updated_at = T0;
	order_record(o, STATUS_PAID, -1, T0, "k1");
	if (st != STATUS_PAID)
		order_record(o, STATUS_PREPARING, ACTION_START, T0 + 1000, "c1");
	it = order_add_item(o);
	xstrlcpy(it->sku, "B1", sizeof it->sku);
	xstrlcpy(it->name, "Classic Burger", sizeof it->name);
	xstrlcpy(it->station, "grill", sizeof it->station);
	it->qty = 2;
	it->nmods = 2;
	xstrlcpy(it->mods[0].name, "Extra cheese", sizeof it->mods[0].name);
	xstrlcpy(it->mods[1].name, "No onion", sizeof it->mods[1].name);
	xstrlcpy(it->note, "well done", sizeof it->note);
	it = order_add_item(o);
	xstrlcpy(it->sku, "S1", sizeof it->sku);
	xstrlcpy(it->name, "Fries", sizeof it->name);
	xstrlcpy(it->station, "fryer", sizeof it->station);
	it->qty = 1;
}

/* The order id on b, PREPARING at version 3, then cancelled (version 4). */
static void
void_card(struct board *b, int64_t id, const char *reason)
{
	struct order o;

	make(&o, id, STATUS_PREPARING, 3);
	board_upsert(b, &o, NULL);
	order_free(&o);
	make(&o, id, STATUS_CANCELLED, 4);
	o.items[0].voided = 2;
	o.items[1].voided = 1;
	o.updated_at = T0 + 9000;
	xstrlcpy(o.cancel_reason, reason, sizeof o.cancel_reason);
	assert_true(board_upsert_void(b, &o));
	order_free(&o);
}

static void
upsert(struct board *b, int64_t id, enum order_status st, int version)
{
	struct order o;

	make(&o, id, st, version);
	board_upsert(b, &o, NULL);
	order_free(&o);
}

static void
test_older_news_and_newer(void **state)
{
	struct board b;
	struct order o;

	board_init(&b);
	void_card(&b, 1, "Long wait");
	assert_true(b.voids_changed);
	b.voids_changed = false;
	/* the same cancelled version again: nothing new */
	make(&o, 1, STATUS_CANCELLED, 4);
	assert_false(board_upsert_void(&b, &o));
	assert_false(b.voids_changed);
	order_free(&o);
	/* a board saved before the void: older, the card stays VOID */
	upsert(&b, 1, STATUS_PREPARING, 3);
	assert_true(board_is_void(board_find(&b, 1)));
	assert_string_equal(board_find(&b, 1)->void_reason, "Long wait");
	assert_false(b.voids_changed);
	/* the server later says the order goes on (newer, not cancelled): its
	 * word wins, the card is live again */
	upsert(&b, 1, STATUS_PREPARING, 5);
	assert_false(board_is_void(board_find(&b, 1)));
	assert_int_equal(board_find(&b, 1)->version, 5);
	assert_true(b.voids_changed);
	b.voids_changed = false;

	/* another order under the id (another number): not the one voided */
	void_card(&b, 2, "Wrong item");
	make(&o, 2, STATUS_PAID, 1);
	o.number = 7;
	assert_true(board_upsert(&b, &o, NULL));
	order_free(&o);
	assert_false(board_is_void(board_find(&b, 2)));
	assert_int_equal(board_find(&b, 2)->number, 7);

	/* a newer version that closed otherwise: the card goes */
	void_card(&b, 3, "Long wait");
	upsert(&b, 3, STATUS_COMPLETED, 9);
	assert_null(board_find(&b, 3));
	board_free(&b);
}

static void
test_cleared_stays_cleared(void **state)
{
	struct board b;
	struct board_cleared cl[4];

	board_init(&b);
	void_card(&b, 1, "Long wait");
	b.voids_changed = false;
	assert_true(board_clear_void(&b, 1));
	assert_true(b.voids_changed);
	assert_null(board_find(&b, 1));
	assert_int_equal(board_cleared_list(&b, cl, 4), 1);
	assert_int_equal(cl[0].id, 1);
	assert_int_equal(cl[0].number, 101);
	assert_int_equal(cl[0].version, 4);
	/* a board saved before the void: it does not come back, live */
	upsert(&b, 1, STATUS_PREPARING, 3);
	assert_null(board_find(&b, 1));
	board_sync_begin(&b);
	upsert(&b, 1, STATUS_PAID, 2);
	board_sync_end(&b);
	assert_null(board_find(&b, 1));
	/* nor as a VOID card (it is no card now) */
	{
		struct order o;

		make(&o, 1, STATUS_CANCELLED, 4);
		assert_false(board_upsert_void(&b, &o));
		order_free(&o);
	}
	assert_null(board_find(&b, 1));
	/* a newer word, or another order under the id, does */
	upsert(&b, 1, STATUS_PREPARING, 6);
	assert_non_null(board_find(&b, 1));
	board_free(&b);
}

static void
test_file_round_trip(void **state)
{
	char dir[] = "/tmp/kds-voids-XXXXXX", path[128], err[512];
	struct board b, r;
	const struct board_card *c;
	struct board_cleared cl[4];
	struct order o;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kds-voids.json", dir);
	board_init(&b);
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), 1);   /* none yet */
	void_card(&b, 1, "Long wait");
	make(&o, 2, STATUS_PAID, 1);
	board_upsert(&b, &o, NULL);
	order_free(&o);
	make(&o, 2, STATUS_CANCELLED, 2);
	xstrlcpy(o.cancel_reason, "Customer left", sizeof o.cancel_reason);
	assert_true(board_upsert_void(&b, &o));
	order_free(&o);
	void_card(&b, 3, "Wrong item");
	assert_true(board_clear_void(&b, 3));
	upsert(&b, 4, STATUS_PREPARING, 1);              /* live: not saved */
	assert_int_equal(voids_save(&b, path, err, sizeof err), 0);
	assert_int_equal(access(path, F_OK), 0);

	assert_int_equal(voids_load(&r, path, err, sizeof err), 0);
	assert_int_equal(r.n, 2);
	assert_false(r.voids_changed);
	c = board_find(&r, 1);
	assert_non_null(c);
	assert_true(board_is_void(c));
	assert_int_equal(c->number, 101);
	assert_int_equal(c->version, 4);
	assert_int_equal(c->status, STATUS_CANCELLED);
	assert_int_equal(c->service, SERVICE_DINE_IN);
	assert_string_equal(c->table, "T4");
	assert_string_equal(c->void_reason, "Long wait");
	assert_int_equal(c->voided_at, T0 + 9000);
	assert_int_equal(c->paid_at, T0);
	assert_int_equal(board_card_column(&r, c), BOARD_PREPARING);
	assert_int_equal(c->nitems, 2);
	assert_string_equal(c->items[0].name, "Classic Burger");
	assert_int_equal(c->items[0].qty, 2);
	assert_int_equal(c->items[0].voided, 2);
	assert_int_equal(c->items[0].nmods, 2);
	assert_string_equal(c->items[0].mods, "Extra cheese\nNo onion");
	assert_string_equal(c->items[0].note, "well done");
	assert_string_equal(c->items[1].station, "fryer");
	c = board_find(&r, 2);
	assert_true(board_is_void(c));
	assert_int_equal(board_card_column(&r, c), BOARD_NEW);
	assert_string_equal(c->void_reason, "Customer left");
	assert_null(board_find(&r, 3));
	assert_null(board_find(&r, 4));
	assert_int_equal(board_cleared_list(&r, cl, 4), 1);
	assert_int_equal(cl[0].id, 3);
	/* and they act as before: cleared for good, older news ignored */
	upsert(&r, 3, STATUS_PREPARING, 3);
	assert_null(board_find(&r, 3));
	upsert(&r, 1, STATUS_PREPARING, 3);
	assert_true(board_is_void(board_find(&r, 1)));
	assert_true(board_clear_void(&r, 2));
	assert_int_equal(voids_save(&r, path, err, sizeof err), 0);
	board_free(&r);
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), 0);
	assert_int_equal(r.n, 1);
	assert_null(board_find(&r, 2));
	assert_int_equal(board_cleared_list(&r, cl, 4), 2);

	board_free(&b);
	board_free(&r);
	unlink(path);
	rmdir(dir);
}

/* A snapshot (not a saved board) lacking orders the kitchen had: those
 * still to cook stay, checking; one bumped here leaves; the word on each
 * settles it (cancelled: a VOID card; open: the card as it is; closed
 * otherwise: gone), and a card being checked is kept over a restart. */
static void
test_missing_from_snapshot(void **state)
{
	char dir[] = "/tmp/kds-voids-XXXXXX", path[128], err[512];
	struct board b, r;
	struct order o;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kds-voids.json", dir);
	board_init(&b);
	upsert(&b, 1, STATUS_PREPARING, 2);
	upsert(&b, 2, STATUS_PAID, 1);
	upsert(&b, 3, STATUS_PREPARING, 2);
	upsert(&b, 4, STATUS_READY, 3);                  /* bumped here */
	upsert(&b, 5, STATUS_PREPARING, 2);
	b.voids_changed = false;

	/* a saved board: what it lacks leaves, as before */
	board_sync_begin(&b);
	upsert(&b, 1, STATUS_PREPARING, 2);
	upsert(&b, 2, STATUS_PAID, 1);
	upsert(&b, 3, STATUS_PREPARING, 2);
	upsert(&b, 4, STATUS_READY, 3);
	board_sync_end(&b);
	assert_null(board_find(&b, 5));
	/* the server's snapshot lacks 1, 2, 3 and 4 */
	board_sync_begin(&b);
	assert_int_equal(board_sync_end_missing(&b), 3);
	assert_true(b.voids_changed);
	assert_null(board_find(&b, 4));
	assert_true(board_is_checking(board_find(&b, 1)));
	assert_false(board_is_void(board_find(&b, 1)));
	assert_int_equal(board_card_column(&b, board_find(&b, 2)), BOARD_NEW);
	assert_int_equal(board_next_checking(&b, 0), 1);
	assert_int_equal(board_next_checking(&b, 1), 2);
	assert_int_equal(board_next_checking(&b, 3), 0);
	/* an event that its order left the open orders does not drop it,
	 * nor does another saved board or snapshot that lacks it */
	board_gone(&b, 1);
	board_sync_begin(&b);
	board_sync_end(&b);
	board_sync_begin(&b);
	assert_int_equal(board_sync_end_missing(&b), 3);
	assert_true(board_is_checking(board_find(&b, 1)));

	/* over a restart: back as cards being checked, not as VOID cards */
	assert_int_equal(voids_save(&b, path, err, sizeof err), 0);
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), 0);
	assert_int_equal(r.n, 3);
	assert_true(board_is_checking(board_find(&r, 2)));
	assert_false(board_is_void(board_find(&r, 2)));
	assert_int_equal(board_card_column(&r, board_find(&r, 2)), BOARD_NEW);
	assert_int_equal(board_card_column(&r, board_find(&r, 3)), BOARD_PREPARING);
	board_free(&r);

	/* the answers: 1 cancelled, 2 still open, 3 served elsewhere */
	make(&o, 1, STATUS_CANCELLED, 3);
	xstrlcpy(o.cancel_reason, "Kitchen error", sizeof o.cancel_reason);
	assert_true(board_upsert_void(&b, &o));
	order_free(&o);
	assert_true(board_is_void(board_find(&b, 1)));
	assert_false(board_is_checking(board_find(&b, 1)));
	assert_string_equal(board_find(&b, 1)->void_reason, "Kitchen error");
	assert_int_equal(board_card_column(&b, board_find(&b, 1)), BOARD_PREPARING);
	upsert(&b, 2, STATUS_PAID, 2);
	assert_false(board_is_checking(board_find(&b, 2)));
	board_remove(&b, 3);
	assert_int_equal(board_next_checking(&b, 0), 0);
	assert_int_equal(voids_save(&b, path, err, sizeof err), 0);
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), 0);
	assert_int_equal(r.n, 1);
	assert_true(board_is_void(board_find(&r, 1)));
	board_free(&r);

	board_free(&b);
	unlink(path);
	rmdir(dir);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_older_and_foreign_files(void **state)
{
	char dir[] = "/tmp/kds-voids-XXXXXX", path[128], err[512];
	struct board r;
	struct board_cleared cl[4];
	const struct board_card *c;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kds-voids.json", dir);
	/* no cleared list, fields missing, one more than this KDS knows, a
	 * card without an id */
	write_file(path, "{\"version\":1,\"cards\":[{\"id\":5,\"number\":12,\"reason\":\"Long wait\","
	    "\"column\":\"new\",\"items\":[{\"name\":\"Fries\",\"qty\":1}],\"colour\":\"red\"},"
	    "{\"number\":13}]}");
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), 0);
	assert_int_equal(r.n, 1);
	c = board_find(&r, 5);
	assert_true(board_is_void(c));
	assert_int_equal(c->number, 12);
	assert_string_equal(c->void_reason, "Long wait");
	assert_int_equal(board_card_column(&r, c), BOARD_NEW);
	assert_int_equal(c->nitems, 1);
	assert_int_equal(c->items[0].qty, 1);
	assert_string_equal(c->items[0].mods, "");
	assert_int_equal(board_cleared_list(&r, cl, 4), 0);
	board_free(&r);

	/* not ours: refused, left as it is */
	write_file(path, "[1, 2, 3]");
	board_init(&r);
	assert_int_equal(voids_load(&r, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a file of VOID cards"));
	assert_int_equal(r.n, 0);
	write_file(path, "{\"cards\":[]}");
	assert_int_equal(voids_load(&r, path, err, sizeof err), -1);
	board_free(&r);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_older_news_and_newer),
		cmocka_unit_test(test_cleared_stays_cleared),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_missing_from_snapshot),
		cmocka_unit_test(test_older_and_foreign_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
