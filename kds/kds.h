/* kds: the kitchen display program's state, shared by its modules:
 * kds_main.c (setup and the session's handlers), kds_keys.c (key tables
 * and what each command does) and kds_view.c (drawing, the only file here
 * that calls curses). Handlers change this state and call kds_dirty; the
 * screen is drawn once per loop turn. */
#ifndef BRIGADE_KDS_KDS_H
#define BRIGADE_KDS_KDS_H

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "form.h"
#include "header.h"
#include "input.h"
#include "kds_config.h"
#include "labels.h"
#include "listbox.h"
#include "loop.h"
#include "session.h"
#include "tap.h"
#include "theme.h"

struct labels;
struct trace;

enum kds_mode {
	KDS_BOARD,
	KDS_LOGIN,
	KDS_HELP,
	KDS_RECALL,
	KDS_ALLDAY,
	KDS_STATION,
	KDS_FIND,
	KDS_QUIT,
	KDS_MODE_COUNT
};

#define KDS_LABEL_WAIT 64
#define KDS_VOID_MARKS 1024

/* How far an order's corrections have been looked at for void tickets:
 * corrections before upto are printed (or are none of this kitchen's). */
struct kds_void_mark {
	int64_t id;
	int upto;
};

/* What the board marks on the frame for taps (tap.h); the key bar's
 * entries are TAP_KEY. */
enum kds_tap {
	KDS_TAP_CARD = TAP_APP,      /* value: the order's id */
};

struct kds {
	struct kds_config cfg;
	struct session *s;
	struct loop *loop;
	struct board board;
	struct theme theme;
	enum kds_mode mode;
	struct input in;
	struct form login;
	struct form find;
	struct listbox list;         /* recall, all-day and station lists */
	int help_top;
	struct header_info header;
	int64_t oldest_queued_at;    /* session state: for the header's age */
	int64_t retention_ms;
	struct loop_timer tick, redraw;
	bool redraw_due;
	int bells;                   /* new orders to ring for at the next frame */
	struct labels *labels;
	/* orders bumped to READY here while online: their labels print when
	 * the server confirms (not for a bump it refuses), or at once if the
	 * connection drops first */
	int64_t label_wait[KDS_LABEL_WAIT];
	int nlabel_wait;
	struct labels *tickets;      /* the ticket printer (void tickets); NULL:
	                                they go to the label printer, if any */
	struct labels_state label_st, ticket_st;
	/* void tickets printed, by order (oldest replaced when full); read
	 * back from the print queue at start so a restart prints none twice */
	struct kds_void_mark void_marks[KDS_VOID_MARKS];
	int nvoid_marks, void_next;
	bool voids_foreign;          /* the void file is not ours: never written */
	bool voids_failing;          /* the last write of it failed (said once) */
	/* cards a snapshot lacked (board_is_checking): their orders are
	 * asked about one at a time, again after a failure */
	int64_t check_id;            /* the order asked about now, 0 = none */
	int64_t check_since;         /* mono ms it was asked */
	int64_t check_at;            /* mono ms before which none is asked */
	int check_failures;          /* in a row, for the backoff */
	struct trace *trace;
	int64_t note_at;             /* when header.note was set (mono ms) */
	bool running;
	bool full_redraw;            /* repaint every cell at the next frame */
};

/* Something changed: draw at the end of this loop turn. */
void kds_dirty(struct kds *k);
/* A short message in the header (kept for a while). */
void kds_note(struct kds *k, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The header's station and staff. */
void kds_context(struct kds *k);
/* The role actions are offered for: the login's, a chef's until known. */
enum staff_role kds_role(const struct kds *k);
/* The server's time now. */
int64_t kds_now(const struct kds *k);
/* Bring the board up to date with the session for an order (or all). */
void kds_refresh_order(struct kds *k, int64_t id, bool ring);
void kds_refresh_all(struct kds *k);
/* Write the VOID cards to their file if they changed (voids.h). */
void kds_save_voids(struct kds *k);

/* A bump took order id to READY (service not dine-in): print its labels,
 * now when offline, when the server confirms when online. */
void kds_labels_bumped(struct kds *k, int64_t id);

/* kds_keys.c */
void kds_keys_input(struct kds *k, int key);
void kds_keys_open_login(struct kds *k, const char *message, enum theme_role role);
const struct keymap *kds_keys_map(struct kds *k);

/* kds_view.c */
void kds_view_draw(struct kds *k);

#endif
