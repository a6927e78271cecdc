/* board: the kitchen display's model. Cards for the orders the kitchen
 * works on, in two columns (New = PAID, Preparing = PREPARING), filtered
 * to one station's items or showing all of them (expo); the selection;
 * ticket ages against per-station thresholds; linked orders side by side;
 * this terminal's unconfirmed changes marked pending; the all-day counts;
 * the recall list of orders bumped lately; voids (a line's voided
 * quantity struck, an order voided whole kept as a VOID card until the
 * chef clears it, and then kept off the board against older news of it);
 * the cards a snapshot of the open orders lacked, kept and marked while
 * the server is asked what became of them; and the layout of the cards on
 * a screen of a given size (lanes, scrolling), so that moving the
 * selection follows what the chef sees. Pure: no curses, no clock of its
 * own (times are passed in, server time in ms), no I/O.
 */
#ifndef BRIGADE_KDS_BOARD_H
#define BRIGADE_KDS_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "order.h"

enum board_col { BOARD_NEW, BOARD_PREPARING, BOARD_COLS };

enum board_age { BOARD_AGE_OK, BOARD_AGE_WARN, BOARD_AGE_LATE };

enum board_dir { BOARD_UP, BOARD_DOWN, BOARD_LEFT, BOARD_RIGHT };

#define BOARD_CARD_MIN_W 28     /* a lane is at least this wide */
#define BOARD_MODS_TEXT 240
#define BOARD_STATIONS_MAX 16
#define BOARD_CLEARED_MAX 256   /* VOID cards cleared lately, remembered */

struct board_item {
	char name[NAME_MAX_ + 1];
	int qty;                     /* as rung up */
	int voided;                  /* of qty: voided (or refunded), not to make */
	char mods[BOARD_MODS_TEXT];  /* modifier names, '\n' between them */
	int nmods;
	char note[NOTE_MAX + 1];
	char station[STATION_MAX + 1];
	bool done;                   /* its station bumped it (or we did, pending) */
};

struct board_card {
	int64_t id;
	int number;                  /* the daily number */
	int version;
	enum order_status status;    /* with this terminal's pending changes */
	enum service_type service;
	enum order_source source;
	char table[TABLE_MAX + 1];
	char customer[NAME_MAX_ + 1];
	int64_t paid_at;             /* server ms: the ticket timer runs from it */
	int64_t ready_at;            /* server ms it became READY, 0 if not */
	int64_t linked_to;           /* another open order, 0 = none */
	char provisional[PROVISIONAL_MAX + 1]; /* the till's number on its paper
	                                ticket ("till2-1"), "" for none */
	int64_t ticket_printed_at;   /* server ms the till printed the kitchen
	                                ticket offline, 0 = it did not: the
	                                kitchen may already be cooking it */
	int nitems;
	struct board_item *items;
	bool pending;                /* a change of ours waits for the server */
	char refusal[200];           /* the server's last refusal, "" for none */
	int64_t refusal_at;          /* when it came (app's clock), for expiry */
	bool drawn;                  /* it has been on screen (for the trace) */
	bool seen;                   /* upserted since board_sync_begin */
	/* an order voided (cancelled) while the kitchen had it: its card
	 * stays, marked VOID, until the chef clears it */
	bool void_card;
	int void_col;                /* the column it stays in */
	char void_reason[REASON_MAX + 1];
	int64_t voided_at;           /* server ms */
	/* an order still to cook that a snapshot of the open orders lacked
	 * (cancelled, or made ready elsewhere, while this board was not
	 * looking): the card stays, marked, until the server says which */
	bool checking;
};

/* This terminal's unconfirmed changes to an order (from the session). */
struct board_mark {
	bool pending;
	int status;                  /* status after them, -1 = unchanged */
	int nstations;
	char stations[8][STATION_MAX + 1];  /* stations bumped, pending */
	bool cleared;                /* a pending recall clears every done */
	int64_t at;                  /* server ms the change was made */
};

struct board_thresholds {
	char station[STATION_MAX + 1];  /* "" = the default */
	int64_t warn_ms, late_ms;
};

/* A card's place on screen (body coordinates: row 0 is the first row
 * under the column titles). */
struct board_slot {
	int card;                    /* index in cards */
	int lane;                    /* lane in its column, from 0 */
	int x, y, w, h;              /* y: in the column (before scrolling);
	                                h: rows on screen (cut at the bottom) */
	int full_h;                  /* rows the card takes (at most the body) */
	bool visible;                /* on screen now */
	int position;                /* 1-9 for the digit keys, 0 = none */
};

struct board_column {
	struct board_slot *slots;    /* visible cards in display order */
	int n, cap;
	int lanes;                   /* lanes side by side */
	int nlanes;                  /* the same (kept for callers) */
	int content;                 /* rows the tallest lane takes */
	int scroll;                  /* first row on screen */
	int x, w;                    /* the column on screen */
	int hidden_before, hidden_after;  /* cards scrolled off above, below */
};

struct board_count {
	char name[NAME_MAX_ + 1];
	int qty;
};

/* A VOID card the chef cleared: the order as it was then, so that an older
 * word on it (a board saved before the void, a late answer) does not put
 * it back, while a newer one (or another order under its id) still can. */
struct board_cleared {
	int64_t id;
	int number;
	int version;
};

struct board {
	struct board_card *cards;    /* by id */
	int n, cap;
	char station[STATION_MAX + 1];   /* "" = all stations (expo) */
	struct board_thresholds th[BOARD_STATIONS_MAX + 1];
	int nth;                     /* th[0] is the default */
	int64_t recall_window_ms;
	struct board_column col[BOARD_COLS];
	int width, height;           /* the body, as last laid out */
	int64_t sel_id;              /* the selected card, 0 = none */
	int sel_col;                 /* the column the selection is in */
	int sel_index;               /* its place in the column at the last layout */
	bool stale;                  /* cards changed since the last layout */
	struct board_cleared cleared[BOARD_CLEARED_MAX]; /* oldest replaced */
	int ncleared, cleared_next;
	bool voids_changed;          /* VOID cards (or the cleared ones) changed
	                                since the program last saved them */
};

void board_init(struct board *b);
void board_free(struct board *b);

/* "" or "all": every station's items (expo). */
void board_set_station(struct board *b, const char *station);
bool board_is_expo(const struct board *b);
/* Thresholds for a station ("" for the default used by all others). */
void board_set_thresholds(struct board *b, const char *station, int64_t warn_ms,
    int64_t late_ms);
const struct board_thresholds *board_thresholds(const struct board *b);
void board_set_recall_window(struct board *b, int64_t ms);

/* Put in (or update) an order as the server knows it, with this
 * terminal's pending changes (mark may be NULL). Closed orders leave,
 * except that an order on the board that is CANCELLED (voided whole, or
 * cancelled) turns into a VOID card (board_upsert_void tells). A VOID
 * card takes no older or same version of its order (it is the order's
 * last word); a newer version that is not cancelled, or another order
 * under its id (another number), is the server's truth and replaces it.
 * An order whose VOID card was cleared comes back only so.
 * Returns true when the card is new and visible in the New column (the
 * caller may ring the bell). */
bool board_upsert(struct board *b, const struct order *o, const struct board_mark *mark);
/* The same for an order that may have closed: true when it is now a VOID
 * card that was not one before (the caller tells the chef). */
bool board_upsert_void(struct board *b, const struct order *o);
void board_remove(struct board *b, int64_t id);
/* The order left the open orders: its card goes, unless it is a VOID card
 * (which waits for board_clear_void) or a card being checked (whose
 * order's fate the caller is asking the server). */
void board_gone(struct board *b, int64_t id);
/* The chef cleared a VOID card: false when id is no VOID card. */
bool board_clear_void(struct board *b, int64_t id);
bool board_is_void(const struct board_card *c);
bool board_is_checking(const struct board_card *c);
/* The id of a card being checked after after (0: from the first), or 0
 * when there is none: the caller asks the server about each in turn. */
int64_t board_next_checking(const struct board *b, int64_t after);
/* A VOID card as it was saved (a restart): the card is copied (its items
 * too) and replaces any card of that id; nothing is told or printed. A
 * card saved while being checked (card->checking) comes back so, not as
 * a VOID card. */
void board_restore_void(struct board *b, const struct board_card *card);
/* A VOID card cleared before (a restart), as board_clear_void remembers. */
void board_restore_cleared(struct board *b, const struct board_cleared *cl);
/* The VOID cards cleared lately, oldest first: how many (at most max). */
int board_cleared_list(const struct board *b, struct board_cleared *out, int max);
void board_clear(struct board *b);
/* How many of a line are still to make. */
int board_item_left(const struct board_item *it);
/* A whole new set of orders (a snapshot): upsert each between these two;
 * cards not upserted leave (VOID cards stay), the others keep their
 * refusal and marks. */
void board_sync_begin(struct board *b);
void board_sync_end(struct board *b);
/* The same for the server's own snapshot (not a saved board): a card not
 * upserted whose order the kitchen was still to cook (PAID or PREPARING
 * here, so not bumped here) may have been cancelled while this board was
 * not looking; it stays, checking, for the caller to ask about. Returns
 * how many cards are being checked. */
int board_sync_end_missing(struct board *b);
const struct board_card *board_find(const struct board *b, int64_t id);
const struct board_card *board_find_number(const struct board *b, int number);

/* Whether a card shows on this board (its column), or -1. */
int board_card_column(const struct board *b, const struct board_card *c);
/* The items of the card this board shows (the station's, or all). */
bool board_item_shown(const struct board *b, const struct board_item *it);

enum board_age board_age(const struct board *b, const struct board_card *c, int64_t now);
/* Whether the card's kitchen ticket was printed at a till while offline
 * (then the card shows the till's number and when it printed). */
bool board_printed_offline(const struct board_card *c);
/* "mm:ss" of the card's age. */
void board_timer_text(const struct board_card *c, int64_t now, char *out, size_t size);

/* Lay the visible cards out on a body of width x height, keeping the
 * selection on screen. */
void board_layout(struct board *b, int width, int height);
/* Rows a card takes at width w (before cutting to the body). */
int board_card_height(const struct board *b, const struct board_card *c, int w);

/* Selection. */
const struct board_card *board_selected(const struct board *b);
bool board_select_id(struct board *b, int64_t id);
bool board_select_position(struct board *b, int position);
bool board_move(struct board *b, enum board_dir d);

/* Cards shown in a column (counting those scrolled away). */
int board_count(const struct board *b, enum board_col c);
/* Of those, the orders still to cook (VOID cards left out). */
int board_count_live(const struct board *b, enum board_col c);

/* The all-day counts: items not yet done on the visible cards, by name,
 * most first, voided quantities and VOID cards left out. Returns the
 * count of names (at most max). */
int board_all_day(const struct board *b, struct board_count *out, int max);

/* Orders bumped (READY) within the recall window before now, newest
 * first, that this board would show: indices into cards. */
int board_recall_list(const struct board *b, int64_t now, int *out, int max);

/* True the first time a card is drawn (the view tells; for the trace). */
bool board_note_drawn(struct board *b, int index);

/* A refusal to show on a card until cleared. */
void board_set_refusal(struct board *b, int64_t id, const char *message, int64_t at);
void board_clear_refusal(struct board *b, int64_t id);
/* Clear refusals older than max_age (app's clock); true if any went. */
bool board_expire_refusals(struct board *b, int64_t now, int64_t max_age);

/* The void corrections of o, from index from on, that this board's
 * kitchen is to hear of (a void ticket): voids made once the order had
 * reached the kitchen (paid), of lines this board shows. Their indices
 * into o->corrections go to out (at most max); returns how many. Every
 * correction before o->ncorrections has then been looked at: the caller
 * remembers o->ncorrections as where to start next time. */
int board_new_voids(const struct board *b, const struct order *o, int from, int *out,
    int max);

/* The stations of the menu or of the cards, for the station switcher. */
const char *board_service_text(const struct board_card *c, char *out, size_t size);
const char *board_source_text(enum order_source s);

#endif
