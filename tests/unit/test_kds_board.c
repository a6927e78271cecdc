/* Unit tests of the KDS board model: columns by status, stations, pending
 * marks, ages and thresholds, linked orders side by side, all-day counts,
 * the recall list, layout (lanes, scrolling, digits), moving the
 * selection, refusals; voids (struck quantities, VOID cards, the void
 * tickets due); and the KDS settings (durations, per-station
 * thresholds, errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "board.h"
#include "kds_config.h"
#include "xalloc.h"

#define T0 1800000000000LL   /* a server time, ms */

struct spec {
	const char *sku, *name, *station;
	int qty;
	bool done;
};

static void
make(struct order *o, int64_t id, enum order_status st, int64_t paid_at,
    const struct spec *items, int n)
{
	order_init(o);
	o->id = id;
	o->number = (int)id;
	o->status = st;
	o->version = 1;
	o->source = SOURCE_POS;
	o->service = SERVICE_PICKUP;
	o->created_at = o->updated_at = paid_at;
	order_record(o, STATUS_PAID, -1, paid_at, "k1");
	if (st == STATUS_PREPARING || st == STATUS_READY)
		order_record(o, STATUS_PREPARING, ACTION_START, paid_at + 1000, "c1");
	if (st == STATUS_READY)
		order_record(o, STATUS_READY, ACTION_READY, paid_at + 2000, "c1");
	for (int i = 0; i < n; i++) {
		struct order_item *it = order_add_item(o);

		xstrlcpy(it->sku, items[i].sku, sizeof it->sku);
		xstrlcpy(it->name, items[i].name, sizeof it->name);
		xstrlcpy(it->station, items[i].station, sizeof it->station);
		it->qty = items[i].qty;
		it->done = items[i].done;
	}
}

static const struct spec burger_fries[] = {
	{ "B1", "Classic Burger", "grill", 2, false },
	{ "S1", "Fries", "fryer", 1, false },
};
static const struct spec cola[] = { { "DR1", "Cola", "bar", 1, false } };

static bool
put(struct board *b, int64_t id, enum order_status st, int64_t paid_at,
    const struct spec *items, int n)
{
	struct order o;
	bool r;

	make(&o, id, st, paid_at, items, n);
	r = board_upsert(b, &o, NULL);
	order_free(&o);
	return r;
}

static void
test_columns_and_closing(void **state)
{
	struct board b;
	struct order o;

	board_init(&b);
	assert_true(put(&b, 1, STATUS_PAID, T0, burger_fries, 2));
	assert_false(put(&b, 1, STATUS_PAID, T0, burger_fries, 2));   /* not new again */
	assert_false(put(&b, 2, STATUS_PREPARING, T0, cola, 1));      /* new, not New */
	assert_false(put(&b, 3, STATUS_READY, T0, cola, 1));
	make(&o, 4, STATUS_PENDING, T0, cola, 1);
	assert_false(board_upsert(&b, &o, NULL));
	order_free(&o);
	assert_int_equal(b.n, 3);
	assert_int_equal(board_card_column(&b, board_find(&b, 1)), BOARD_NEW);
	assert_int_equal(board_card_column(&b, board_find(&b, 2)), BOARD_PREPARING);
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), -1);
	board_layout(&b, 80, 21);
	assert_int_equal(board_count(&b, BOARD_NEW), 1);
	assert_int_equal(board_count(&b, BOARD_PREPARING), 1);
	/* closed orders leave */
	make(&o, 3, STATUS_COMPLETED, T0, cola, 1);
	board_upsert(&b, &o, NULL);
	order_free(&o);
	assert_null(board_find(&b, 3));
	board_remove(&b, 2);
	assert_null(board_find(&b, 2));
	assert_non_null(board_find_number(&b, 1));
	board_free(&b);
}

static void
test_stations(void **state)
{
	struct board b;
	const struct spec half_done[] = {
		{ "B1", "Classic Burger", "grill", 1, true },
		{ "S1", "Fries", "fryer", 1, false },
	};

	board_init(&b);
	board_set_station(&b, "grill");
	assert_false(board_is_expo(&b));
	assert_true(put(&b, 1, STATUS_PAID, T0, burger_fries, 2));
	assert_false(put(&b, 2, STATUS_PAID, T0, cola, 1));    /* no grill items */
	put(&b, 3, STATUS_PREPARING, T0, half_done, 2);
	assert_int_equal(board_card_column(&b, board_find(&b, 2)), -1);
	/* the grill bumped its part: done for the grill, not for the fryer */
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), -1);
	board_set_station(&b, "fryer");
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), BOARD_PREPARING);
	assert_false(board_item_shown(&b, &board_find(&b, 3)->items[0]));
	assert_true(board_item_shown(&b, &board_find(&b, 3)->items[1]));
	/* expo shows everything, done or not */
	board_set_station(&b, "all");
	assert_true(board_is_expo(&b));
	assert_int_equal(board_card_column(&b, board_find(&b, 2)), BOARD_NEW);
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), BOARD_PREPARING);
	board_free(&b);
}

static void
test_pending_marks(void **state)
{
	struct board b;
	struct order o;
	struct board_mark m;

	board_init(&b);
	make(&o, 1, STATUS_PAID, T0, burger_fries, 2);
	memset(&m, 0, sizeof m);
	m.pending = true;
	m.status = STATUS_PREPARING;
	board_upsert(&b, &o, &m);
	assert_int_equal(board_find(&b, 1)->status, STATUS_PREPARING);
	assert_true(board_find(&b, 1)->pending);
	/* a pending station bump marks that station's items done */
	board_set_station(&b, "grill");
	m.nstations = 1;
	xstrlcpy(m.stations[0], "grill", sizeof m.stations[0]);
	board_upsert(&b, &o, &m);
	assert_true(board_find(&b, 1)->items[0].done);
	assert_false(board_find(&b, 1)->items[1].done);
	assert_int_equal(board_card_column(&b, board_find(&b, 1)), -1);
	/* pending READY: off the board, into the recall list at its time */
	m.status = STATUS_READY;
	m.at = T0 + 60000;
	board_upsert(&b, &o, &m);
	int idx[4];
	assert_int_equal(board_recall_list(&b, T0 + 120000, idx, 4), 1);
	assert_int_equal(b.cards[idx[0]].ready_at, T0 + 60000);
	/* a pending recall clears every done */
	o.items[0].done = o.items[1].done = true;
	memset(&m, 0, sizeof m);
	m.pending = true;
	m.status = STATUS_PREPARING;
	m.cleared = true;
	board_upsert(&b, &o, &m);
	assert_false(board_find(&b, 1)->items[0].done);
	/* confirmed: the mark goes */
	board_upsert(&b, &o, NULL);
	assert_false(board_find(&b, 1)->pending);
	assert_int_equal(board_find(&b, 1)->status, STATUS_PAID);
	order_free(&o);
	board_free(&b);
}

static void
test_ages(void **state)
{
	struct board b;
	char t[16];

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0, burger_fries, 2);
	const struct board_card *c = board_find(&b, 1);
	assert_int_equal(board_age(&b, c, T0 + 4 * 60000), BOARD_AGE_OK);
	assert_int_equal(board_age(&b, c, T0 + 5 * 60000), BOARD_AGE_WARN);
	assert_int_equal(board_age(&b, c, T0 + 8 * 60000), BOARD_AGE_LATE);
	board_timer_text(c, T0 + 8 * 60000 + 7500, t, sizeof t);
	assert_string_equal(t, "08:07");
	board_timer_text(c, T0 - 5000, t, sizeof t);        /* clock behind */
	assert_string_equal(t, "00:00");
	board_timer_text(c, T0 + 101LL * 60000, t, sizeof t);
	assert_string_equal(t, "101:00");
	/* per station */
	board_set_thresholds(&b, "", 2000, 4000);
	board_set_thresholds(&b, "grill", 60000, 120000);
	assert_int_equal(board_age(&b, c, T0 + 5000), BOARD_AGE_LATE);
	board_set_station(&b, "grill");
	assert_int_equal(board_age(&b, c, T0 + 5000), BOARD_AGE_OK);
	assert_int_equal(board_age(&b, c, T0 + 61000), BOARD_AGE_WARN);
	assert_int_equal(board_thresholds(&b)->late_ms, 120000);
	board_set_station(&b, "fryer");
	assert_int_equal(board_thresholds(&b)->late_ms, 4000);
	board_free(&b);
}

static void
test_linked_side_by_side(void **state)
{
	struct board b;
	struct order o;

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0, cola, 1);
	put(&b, 2, STATUS_PAID, T0 + 1000, cola, 1);
	put(&b, 3, STATUS_PAID, T0 + 2000, cola, 1);
	make(&o, 4, STATUS_PAID, T0 + 3000, cola, 1);
	o.linked_to = 1;
	board_upsert(&b, &o, NULL);
	order_free(&o);
	board_layout(&b, 80, 100);
	const struct board_column *c = &b.col[BOARD_NEW];
	assert_int_equal(c->n, 4);
	assert_int_equal(b.cards[c->slots[0].card].id, 1);
	assert_int_equal(b.cards[c->slots[1].card].id, 4);
	assert_int_equal(b.cards[c->slots[2].card].id, 2);
	assert_int_equal(b.cards[c->slots[3].card].id, 3);
	board_free(&b);
}

static void
test_all_day(void **state)
{
	struct board b;
	struct board_count n[8];
	const struct spec more[] = {
		{ "B1", "Classic Burger", "grill", 1, false },
		{ "DR1", "Cola", "bar", 3, false },
		{ "S1", "Fries", "fryer", 4, true },
	};

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0, burger_fries, 2);
	put(&b, 2, STATUS_PREPARING, T0, more, 3);
	put(&b, 3, STATUS_READY, T0, cola, 1);            /* bumped: not open */
	assert_int_equal(board_all_day(&b, n, 8), 3);
	assert_string_equal(n[0].name, "Classic Burger");
	assert_int_equal(n[0].qty, 3);
	assert_string_equal(n[1].name, "Cola");
	assert_int_equal(n[1].qty, 3);
	assert_string_equal(n[2].name, "Fries");
	assert_int_equal(n[2].qty, 1);                    /* the done 4 do not count */
	board_set_station(&b, "grill");
	assert_int_equal(board_all_day(&b, n, 8), 1);
	assert_int_equal(n[0].qty, 3);
	board_free(&b);
}

/* A void of some of a line, as the server records it. */
static void
void_line(struct order *o, int line, int qty, int64_t at)
{
	struct correction *c = order_add_correction(o);

	c->kind = CORRECTION_VOID;
	c->at = at;
	xstrlcpy(c->by, "m1", sizeof c->by);
	xstrlcpy(c->reason, "Wrong item", sizeof c->reason);
	c->line = line;
	c->qty = qty;
	o->items[line].voided += qty;
	o->version++;
}

static void
test_partial_void(void **state)
{
	struct board b;
	struct order o;
	struct board_count n[8];
	const struct board_card *c;
	int idx[8];

	board_init(&b);
	make(&o, 1, STATUS_PREPARING, T0, burger_fries, 2);
	board_upsert(&b, &o, NULL);
	assert_int_equal(board_new_voids(&b, &o, 0, idx, 8), 0);
	/* one of the two burgers, then the fries whole */
	void_line(&o, 0, 1, T0 + 5000);
	void_line(&o, 1, 1, T0 + 5000);
	board_upsert(&b, &o, NULL);
	c = board_find(&b, 1);
	assert_false(board_is_void(c));
	assert_int_equal(c->items[0].qty, 2);
	assert_int_equal(c->items[0].voided, 1);
	assert_int_equal(board_item_left(&c->items[0]), 1);
	assert_int_equal(board_item_left(&c->items[1]), 0);
	assert_int_equal(board_card_column(&b, c), BOARD_PREPARING);
	/* all-day: what is left to make */
	assert_int_equal(board_all_day(&b, n, 8), 1);
	assert_string_equal(n[0].name, "Classic Burger");
	assert_int_equal(n[0].qty, 1);
	/* the fryer has nothing left to make: its part is done */
	board_set_station(&b, "fryer");
	assert_int_equal(board_card_column(&b, c), -1);
	assert_int_equal(board_all_day(&b, n, 8), 0);
	/* the void tickets due: the fryer's void only, then none again */
	assert_int_equal(board_new_voids(&b, &o, 0, idx, 8), 1);
	assert_int_equal(idx[0], 1);
	board_set_station(&b, "all");
	assert_int_equal(board_new_voids(&b, &o, 0, idx, 8), 2);
	assert_int_equal(board_new_voids(&b, &o, 1, idx, 8), 1);
	assert_int_equal(board_new_voids(&b, &o, o.ncorrections, idx, 8), 0);
	order_free(&o);

	/* a void before the sale was paid never reached the kitchen */
	make(&o, 2, STATUS_PAID, T0, burger_fries, 2);
	void_line(&o, 0, 1, T0 - 1000);
	assert_int_equal(board_new_voids(&b, &o, 0, idx, 8), 0);
	order_free(&o);
	board_free(&b);
}

static void
test_void_card(void **state)
{
	struct board b;
	struct order o;
	struct board_count n[8];
	const struct board_card *c;

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0, burger_fries, 2);
	make(&o, 2, STATUS_PREPARING, T0, cola, 1);
	board_upsert(&b, &o, NULL);
	board_layout(&b, 80, 21);
	assert_int_equal(board_count_live(&b, BOARD_PREPARING), 1);
	/* order 2 voided whole: the server cancels it */
	void_line(&o, 0, 1, T0 + 9000);
	o.status = STATUS_CANCELLED;
	xstrlcpy(o.cancel_reason, "Customer left", sizeof o.cancel_reason);
	o.updated_at = T0 + 9000;
	assert_true(board_upsert_void(&b, &o));
	assert_false(board_upsert_void(&b, &o));          /* told once */
	c = board_find(&b, 2);
	assert_non_null(c);
	assert_true(board_is_void(c));
	assert_string_equal(c->void_reason, "Customer left");
	assert_int_equal(c->voided_at, T0 + 9000);
	assert_int_equal(board_card_column(&b, c), BOARD_PREPARING);
	board_layout(&b, 80, 21);
	assert_int_equal(board_count(&b, BOARD_PREPARING), 1);
	assert_int_equal(board_count_live(&b, BOARD_PREPARING), 0);
	/* it takes a row for the VOID line */
	assert_int_equal(board_card_height(&b, c, 40), 5);
	/* not in the all-day counts */
	assert_int_equal(board_all_day(&b, n, 8), 2);
	assert_string_equal(n[0].name, "Classic Burger");
	assert_string_equal(n[1].name, "Fries");
	/* the order left the cache, a snapshot did not have it: the card stays */
	board_gone(&b, 2);
	board_sync_begin(&b);
	put(&b, 1, STATUS_PAID, T0, burger_fries, 2);
	board_sync_end(&b);
	assert_non_null(board_find(&b, 2));
	/* an older version does not bring it back to life */
	o.status = STATUS_PREPARING;
	board_upsert(&b, &o, NULL);
	assert_true(board_is_void(board_find(&b, 2)));
	/* the chef clears it; a live card is not cleared */
	assert_false(board_clear_void(&b, 1));
	assert_true(board_clear_void(&b, 2));
	assert_null(board_find(&b, 2));
	assert_false(board_clear_void(&b, 2));
	order_free(&o);

	/* a cancel of a New order: the card stays in New */
	make(&o, 1, STATUS_CANCELLED, T0, burger_fries, 2);
	board_upsert(&b, &o, NULL);
	c = board_find(&b, 1);
	assert_true(board_is_void(c));
	assert_int_equal(board_card_column(&b, c), BOARD_NEW);
	assert_string_equal(c->void_reason, "");
	order_free(&o);
	/* a bumped (READY) order cancelled: with the ones in preparation */
	put(&b, 3, STATUS_READY, T0, cola, 1);
	make(&o, 3, STATUS_CANCELLED, T0, cola, 1);
	assert_true(board_upsert_void(&b, &o));
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), BOARD_PREPARING);
	order_free(&o);
	/* cancelled without ever being on the board: no card */
	make(&o, 4, STATUS_CANCELLED, T0, cola, 1);
	assert_false(board_upsert_void(&b, &o));
	assert_null(board_find(&b, 4));
	order_free(&o);
	/* a station with nothing on it does not see it */
	board_set_station(&b, "grill");
	assert_int_equal(board_card_column(&b, board_find(&b, 3)), -1);
	/* a completed order just leaves */
	put(&b, 5, STATUS_READY, T0, cola, 1);
	make(&o, 5, STATUS_COMPLETED, T0, cola, 1);
	assert_false(board_upsert_void(&b, &o));
	assert_null(board_find(&b, 5));
	order_free(&o);
	board_free(&b);
}

static void
test_recall_list(void **state)
{
	struct board b;
	int idx[8];

	board_init(&b);
	put(&b, 1, STATUS_READY, T0, cola, 1);                /* ready at T0+2s */
	put(&b, 2, STATUS_READY, T0 + 60000, burger_fries, 2);
	put(&b, 3, STATUS_READY, T0 - 20 * 60000, cola, 1);   /* too long ago */
	put(&b, 4, STATUS_PREPARING, T0, cola, 1);
	assert_int_equal(board_recall_list(&b, T0 + 5 * 60000, idx, 8), 2);
	assert_int_equal(b.cards[idx[0]].id, 2);              /* newest first */
	assert_int_equal(b.cards[idx[1]].id, 1);
	board_set_recall_window(&b, 60000);
	assert_int_equal(board_recall_list(&b, T0 + 100000, idx, 8), 1);
	board_set_recall_window(&b, 10 * 60000);
	board_set_station(&b, "grill");
	assert_int_equal(board_recall_list(&b, T0 + 5 * 60000, idx, 8), 1);
	assert_int_equal(b.cards[idx[0]].id, 2);
	board_free(&b);
}

static void
test_layout(void **state)
{
	struct board b;

	board_init(&b);
	for (int i = 1; i <= 12; i++)
		put(&b, i, STATUS_PAID, T0 + i, burger_fries, 2);     /* 5 rows each */
	assert_int_equal(board_card_height(&b, board_find(&b, 1), 40), 5);
	/* 80x24: one lane per column, four cards fit, the rest below */
	board_layout(&b, 80, 21);
	const struct board_column *c = &b.col[BOARD_NEW];
	assert_int_equal(c->lanes, 1);
	assert_int_equal(c->w, 40);
	assert_int_equal(c->slots[0].y, 0);
	assert_int_equal(c->slots[3].y, 15);
	assert_true(c->slots[3].visible);
	assert_false(c->slots[4].visible);                /* one row left: not shown */
	assert_int_equal(c->hidden_before, 0);
	assert_int_equal(c->hidden_after, 8);
	/* a card that starts with three rows or more left is shown, cut */
	board_layout(&b, 80, 23);
	assert_true(c->slots[4].visible);
	assert_int_equal(c->slots[4].h, 3);
	assert_int_equal(c->slots[4].full_h, 5);
	assert_int_equal(c->slots[0].position, 1);
	assert_int_equal(b.sel_id, 1);
	/* 200 columns: three lanes, cards go into the shortest */
	board_layout(&b, 200, 21);
	assert_int_equal(c->lanes, 3);
	assert_int_equal(c->slots[0].lane, 0);
	assert_int_equal(c->slots[1].lane, 1);
	assert_int_equal(c->slots[2].lane, 2);
	assert_int_equal(c->slots[3].lane, 0);
	assert_int_equal(c->slots[3].y, 5);
	assert_int_equal(c->slots[1].x, 33);
	assert_int_equal(c->slots[2].w, 100 - 66);
	/* digits in reading order: row by row */
	assert_int_equal(c->slots[1].position, 2);
	assert_int_equal(c->slots[3].position, 4);
	/* the selection scrolls the column */
	board_layout(&b, 80, 21);
	assert_true(board_select_id(&b, 12));
	assert_int_equal(c->scroll, 12 * 5 - 21);
	assert_true(c->slots[11].visible);
	assert_true(c->hidden_before > 0);
	assert_int_equal(c->hidden_after, 0);
	board_free(&b);
}

static void
test_moving(void **state)
{
	struct board b;

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0 + 1, burger_fries, 2);
	put(&b, 2, STATUS_PAID, T0 + 2, cola, 1);
	put(&b, 3, STATUS_PAID, T0 + 3, cola, 1);
	put(&b, 4, STATUS_PREPARING, T0 + 4, cola, 1);
	put(&b, 5, STATUS_PREPARING, T0 + 5, cola, 1);
	board_layout(&b, 80, 21);
	assert_int_equal(board_selected(&b)->id, 1);
	assert_false(board_move(&b, BOARD_UP));
	assert_true(board_move(&b, BOARD_DOWN));
	assert_int_equal(board_selected(&b)->id, 2);
	assert_true(board_move(&b, BOARD_RIGHT));          /* to Preparing, same row */
	assert_int_equal(board_selected(&b)->id, 5);
	assert_true(board_move(&b, BOARD_UP));
	assert_int_equal(board_selected(&b)->id, 4);
	assert_false(board_move(&b, BOARD_RIGHT));
	assert_true(board_move(&b, BOARD_LEFT));
	assert_int_equal(board_selected(&b)->id, 1);
	/* digits pick cards on screen */
	assert_true(board_select_position(&b, 3));
	assert_int_equal(board_selected(&b)->id, 3);
	assert_false(board_select_position(&b, 9));
	/* the selected card leaves: its neighbour in the column is selected */
	board_remove(&b, 3);
	board_layout(&b, 80, 21);
	assert_int_equal(board_selected(&b)->id, 2);
	board_remove(&b, 1);
	board_remove(&b, 2);
	board_layout(&b, 80, 21);
	assert_int_equal(board_selected(&b)->id, 4);       /* the other column */
	board_remove(&b, 4);
	board_remove(&b, 5);
	board_layout(&b, 80, 21);
	assert_null(board_selected(&b));
	assert_false(board_move(&b, BOARD_DOWN));
	/* wide: left and right move between lanes */
	for (int i = 1; i <= 3; i++)
		put(&b, i, STATUS_PAID, T0 + i, cola, 1);
	board_layout(&b, 200, 21);
	assert_true(board_select_id(&b, 1));
	assert_true(board_move(&b, BOARD_RIGHT));
	assert_int_equal(board_selected(&b)->id, 2);
	assert_true(board_move(&b, BOARD_RIGHT));
	assert_int_equal(board_selected(&b)->id, 3);
	board_free(&b);
}

static void
test_refusals_and_sync(void **state)
{
	struct board b;

	board_init(&b);
	put(&b, 1, STATUS_PAID, T0, cola, 1);
	put(&b, 2, STATUS_PAID, T0, cola, 1);
	board_set_refusal(&b, 1, "cannot start order 1", 100);
	/* a snapshot keeps the refusal and drops orders no longer there */
	board_sync_begin(&b);
	put(&b, 1, STATUS_PREPARING, T0, cola, 1);
	board_sync_end(&b);
	assert_null(board_find(&b, 2));
	assert_string_equal(board_find(&b, 1)->refusal, "cannot start order 1");
	assert_int_equal(board_card_height(&b, board_find(&b, 1), 14), 3 + 1 + 2);
	assert_false(board_expire_refusals(&b, 200, 1000));
	assert_true(board_expire_refusals(&b, 1100, 1000));
	assert_string_equal(board_find(&b, 1)->refusal, "");
	board_set_refusal(&b, 1, "x", 0);
	board_clear_refusal(&b, 1);
	assert_string_equal(board_find(&b, 1)->refusal, "");
	assert_true(board_note_drawn(&b, 0));
	assert_false(board_note_drawn(&b, 0));
	board_free(&b);
}

static void
test_config(void **state)
{
	struct kds_config c;
	char err[256];

	kds_config_defaults(&c);
	assert_int_equal(kds_config_duration("90"), 90000);
	assert_int_equal(kds_config_duration("90s"), 90000);
	assert_int_equal(kds_config_duration("1500ms"), 1500);
	assert_int_equal(kds_config_duration("5m"), 300000);
	assert_int_equal(kds_config_duration("1h"), 3600000);
	assert_int_equal(kds_config_duration("0.5s"), 500);
	assert_int_equal(kds_config_duration("soon"), -1);
	assert_int_equal(kds_config_duration("5x"), -1);
	assert_int_equal(kds_config_duration("-5"), -1);
	assert_int_equal(kds_config_set(&c, "warn", "2s", err, sizeof err), 0);
	assert_int_equal(kds_config_set(&c, "late.grill", "6m", err, sizeof err), 0);
	assert_int_equal(c.nth, 2);
	assert_string_equal(c.th[1].station, "grill");
	assert_int_equal(c.th[1].warn_ms, 2000);           /* from the default */
	assert_int_equal(c.th[1].late_ms, 360000);
	assert_int_equal(kds_config_set(&c, "station", "all", err, sizeof err), 0);
	assert_string_equal(c.station, "");
	assert_int_equal(kds_config_set(&c, "station", "grill", err, sizeof err), 0);
	assert_int_equal(kds_config_set(&c, "station", "gr ill", err, sizeof err), -1);
	assert_int_equal(kds_config_set(&c, "warnx", "2s", err, sizeof err), -1);
	assert_string_equal(err, "unknown setting \"warnx\"");
	assert_int_equal(kds_config_set(&c, "late", "later", err, sizeof err), -1);
	assert_non_null(strstr(err, "expected a duration"));
	assert_int_equal(kds_config_set(&c, "quiet", "yes", err, sizeof err), 0);
	assert_true(c.quiet);
	assert_int_equal(kds_config_set(&c, "recall_window", "0", err, sizeof err), -1);
	assert_int_equal(kds_config_set(&c, "label_printer", "tcp://127.0.0.1:9100", err,
	    sizeof err), 0);
	assert_int_equal(kds_config_set(&c, "colour", "red", err, sizeof err), -1);
	assert_int_equal(kds_config_set(&c, "ticket_printer", "tcp://127.0.0.1:9101", err,
	    sizeof err), 0);
	{
		char q[PATH_MAX + 16];

		xstrlcpy(c.print_queue, "/var/lib/brigade/kds-printq.db", sizeof c.print_queue);
		kds_config_ticket_queue(&c, q, sizeof q);
		assert_string_equal(q, "/var/lib/brigade/kds-printq-tickets.db");
		xstrlcpy(c.print_queue, "/var/lib/brigade.d/queue", sizeof c.print_queue);
		kds_config_ticket_queue(&c, q, sizeof q);
		assert_string_equal(q, "/var/lib/brigade.d/queue-tickets");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_and_closing),
		cmocka_unit_test(test_stations),
		cmocka_unit_test(test_pending_marks),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_linked_side_by_side),
		cmocka_unit_test(test_all_day),
		cmocka_unit_test(test_partial_void),
		cmocka_unit_test(test_void_card),
		cmocka_unit_test(test_recall_list),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_moving),
		cmocka_unit_test(test_refusals_and_sync),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
