/* header: the top status line every screen shows, as a model: what the
 * connection is doing ("ONLINE", "OFFLINE since 14:02", "CONNECTING",
 * "SIGNED OUT") and, with several servers, which one ("via 10.0.0.6:8080"),
 * whether the data is from the saved cache ("STALE"),
 * the outbox ("3 queued", "1 needs attention") and the printer ("printer
 * offline"). header_segments turns that into styled segments; header_view
 * draws them. Pure, unit-tested.
 *
 * API:
 *   header_conn_text(h, out, n, &role)      the connection words and role
 *   header_segments(h, left, &nl, right, &nr, max)  the line's pieces
 *   header_clock_text(ms, out, n)           "14:02:09" local time
 */
#ifndef BRIGADE_TUI_HEADER_H
#define BRIGADE_TUI_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

enum header_conn {
	HEADER_CONNECTING,          /* starting, no answer yet */
	HEADER_ONLINE,
	HEADER_OFFLINE,             /* the server is unreachable since `since` */
	HEADER_SIGNED_OUT,          /* the server refused our login/token */
};

struct header_info {
	char title[48];             /* "KDS", "POS" */
	char context[64];           /* "station grill", "k1 (Kim)" */
	int64_t now_ms;             /* the clock shown (server time), 0 = none */
	enum header_conn conn;
	int64_t since_ms;           /* local wall ms the state began */
	bool stale;                 /* showing the saved cache, unconfirmed */
	int64_t stale_saved_at;     /* when that cache was saved (ms), 0 unknown */
	int64_t queued;             /* outbox entries waiting */
	char queued_age[24];        /* the oldest one's age ("3 h 05 m"), "" unknown */
	bool queued_warn;           /* it nears the server's key retention */
	int64_t waiting;            /* of the queued: another person's, waiting
	                               for their login here */
	char waiting_for[64];       /* their staff codes, "" for none */
	char retention[24];         /* that retention ("7 d 0 h"), "" unknown */
	int64_t attention;          /* outbox entries refused, to look at */
	char printer[64];           /* printer state, "" when there is none */
	bool printer_ok;            /* the printer state is good news */
	int64_t printer_queued;     /* print jobs not done */
	char server[80];            /* "host:port" of the server in use when
	                               several are configured, "" otherwise */
	char note[96];              /* a transient message, "" for none */
	enum theme_role note_role;
};

void header_clock_text(int64_t ms, char *out, size_t size);
/* The oldest queued change's age (shown from a minute on, or when near),
 * and whether it nears the server's key retention (outbox_age_near). */
void header_queued_age(struct header_info *h, int64_t age_ms, int64_t retention_ms,
    bool near);
void header_conn_text(const struct header_info *h, char *out, size_t size,
    enum theme_role *role);
/* Left: title and context; right: the states, most important last (the
 * connection). */
void header_segments(const struct header_info *h, struct text_seg *left, int *nl,
    struct text_seg *right, int *nr, int max);

#endif
