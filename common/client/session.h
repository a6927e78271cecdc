/* session: what every screen needs between the person and the server, on
 * top of the client library. One call starts it all:
 *
 *   settings -> login (from the settings, or a login screen calling
 *   session_login) -> snapshot (menu + open orders, its "head") -> stream
 *   from head -> the cache follows every event -> the app hears "these
 *   orders changed", "the menu changed", "the connection is now ...",
 *   "the outbox holds N" -> a resync takes a fresh snapshot.
 *
 * With the server away at start, the board is the saved cache, marked
 * stale, and login is tried again for ever (backoff). A person's change
 * (session_act, session_items_done, session_create_order) goes into the
 * durable outbox with an Idempotency-Key made at that moment and is shown
 * at once: session_mark tells the app how an order looks with this
 * terminal's unconfirmed changes applied ("pending"). The mark goes when
 * the server's answer arrives (the answer's order is applied to the cache,
 * so nothing flickers back) or when the server refuses (4xx): then the
 * refused handler gets the server's words and the order is fetched again.
 * Everything runs on the loop thread; nothing here waits on the network.
 *
 * Files: unless the settings name them, the outbox and the cache are
 * STATE/brigade/APP-outbox.db and APP-cache.json (STATE: $XDG_STATE_HOME
 * or ~/.local/state), so a POS and a KDS on one machine never send each
 * other's changes under the wrong login.
 *
 * API (stable; the KDS and the POS use it):
 *   session_new(opts, handlers, err, n) / session_free(s)
 *   session_loop(s) / session_clock(s) / session_cache(s)
 *   session_start(s)                 stale board from the cache; log in when
 *                                    the settings carry staff and PIN
 *   session_has_credentials(s)       whether staff and PIN are known
 *   session_login(s, staff, pin)     from a login screen; answer in ->login
 *   session_sign_out(s)              forget the login (a role the program
 *                                    does not serve): nothing more is sent
 *   session_state(s)                 connection, stale, queue, identity
 *   session_act(s, id, action, reason)       a lifecycle action
 *   session_items_done(s, id, station)       a station's bump
 *   session_create_order(s, body_json)       a new order (POS)
 *   session_push(s, &change)         any other change (a pay with tenders, an
 *                                    86, the Z close), marked pending the same
 *                                    way; ->done hears the server's answer
 *   session_get(s, path, fn, ctx)    a GET whose answer fn hears on the loop
 *   session_request(s, method, path, body, fn, ctx)   a change sent at once
 *                                    with a fresh Idempotency-Key, never
 *                                    stored (PINs, the menu, staff)
 *   session_request_key(s, method, path, body, key, fn, ctx)   the same
 *                                    under a key the caller made (a change a
 *                                    manager's approval is bound to)
 *   session_attention(s, &e, &n)     the refused entries, for a screen
 *   session_pin_changed(s, pin)      the person changed their PIN: the
 *                                    next login (a token expired) uses it
 *   session_logout(s)                end the login at the server
 *   session_mark(s, id, &mark)       this terminal's pending changes to id
 *   session_npending(s) / session_pending(s, i)   the unconfirmed changes
 *   session_dismiss(s, entry) / session_retry(s, entry)   refused entries
 *   session_refresh_order(s, id)     fetch one order again
 *   session_snapshot(s)              take a fresh snapshot now
 *   session_save(s)                  write the cache file now
 *   session_busy(s)                  a key was pressed: the cache file (some
 *                                    20 ms for 500 orders) waits for a pause
 */
#ifndef BRIGADE_CLIENT_SESSION_H
#define BRIGADE_CLIENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "cfg.h"
#include "clock.h"
#include "loop.h"
#include "order.h"
#include "outbox.h"
#include "worker.h"

struct session;
struct session_pending;

struct session_opts {
	const char *app;                /* "kds", "pos": default file names */
	const struct client_cfg *cfg;   /* settings, flags applied (copied) */
	const char *statuses;           /* snapshot filter ("PAID,PREPARING,READY"),
	                                   NULL: every open order */
};

enum session_conn {
	SESSION_STARTING,               /* no answer from the server yet */
	SESSION_ONLINE,                 /* logged in, snapshot taken, stream live */
	SESSION_OFFLINE,                /* the server is unreachable (since) */
	SESSION_SIGNED_OUT,             /* no login: none given, or refused */
};

struct session_state {
	enum session_conn conn;
	int64_t since;                  /* local wall ms the conn state began */
	bool stale;                     /* orders from the saved cache, unconfirmed */
	int64_t saved_at;               /* when that cache was saved (ms) */
	int64_t queued;                 /* outbox entries waiting to be sent */
	int64_t attention;              /* outbox entries the server refused */
	int64_t oldest_queued_at;       /* when the oldest waiting entry was made
	                                   (ms since the epoch), 0 for none */
	int64_t retention_ms;           /* the server's idempotency key retention,
	                                   0 until known (outbox_age_near) */
	int64_t waiting;                /* of the queued: changes another person
	                                   made here, waiting for their login */
	char waiting_for[64];           /* their staff codes ("c1, w2"), "" none */
	bool send_failing;              /* the outbox's last send did not reach
	                                   the server (the stream may still be up) */
	char error[200];                /* why offline / signed out, "" if none */
	char server[80];                /* "host:port" of the server in use when
	                                   several are configured, else "" */
	int role;                       /* enum staff_role, -1 until known */
	char staff[STAFF_MAX + 1];
	char name[NAME_MAX_ + 1];       /* the staff member's name, once known */
};

enum session_login_result {
	SESSION_LOGIN_OK,
	SESSION_LOGIN_REFUSED,          /* unknown staff code or wrong PIN */
	SESSION_LOGIN_LOCKED,           /* too many wrong PINs: locked for a while */
	SESSION_LOGIN_OFFLINE,          /* server unreachable: trying again; the
	                                   saved board is shown meanwhile */
	SESSION_LOGIN_FAILED,           /* anything else (message says what) */
};

/* A change the server refused (4xx): it stays in the outbox's
 * needs-attention list until dismissed or retried. */
struct session_refusal {
	int64_t entry;                  /* outbox entry id */
	int64_t order_id;               /* 0 for a new order */
	char kind[24];                  /* "order.start", "items.done", "order.create" */
	char label[64];                 /* what session_push called it ("serve #12"),
	                                   else the kind */
	int http_status;
	char code[40];                  /* "illegal_transition" */
	char message[300];              /* the server's sentence */
	char error[400];                /* as the outbox records it: "code: message" */
	bool earlier;                   /* refused before this run (session_start) */
};

struct session_handlers {
	/* Orders changed: ids (n of them), or n < 0 for "all of them" (a
	 * snapshot, the stale start). Read them from session_cache. */
	void (*orders)(void *ctx, const int64_t *ids, int n);
	/* An order in the cache closed (COMPLETED, CANCELLED): o is its last
	 * version, told before orders hears its id (it is no longer in the
	 * cache then). Optional. */
	void (*closed)(void *ctx, const struct order *o);
	void (*menu)(void *ctx);
	/* The restaurant's details arrived or changed (session_cache). */
	void (*store)(void *ctx);
	/* Connection, staleness, queue counts or identity changed. */
	void (*state)(void *ctx, const struct session_state *st);
	/* The outcome of a login (settings or session_login). */
	void (*login)(void *ctx, enum session_login_result r, const char *message);
	void (*refused)(void *ctx, const struct session_refusal *r);
	/* One of this terminal's changes went through: e->response is the
	 * server's answer (for an order's change, already in the cache). */
	void (*done)(void *ctx, const struct session_pending *p, const struct outbox_entry *e);
	void *ctx;
};

enum session_op_kind {
	SESSION_OP_ACTION,              /* POST /api/v1/orders/ID/actions */
	SESSION_OP_ITEMS_DONE,          /* POST /api/v1/orders/ID/items/done */
	SESSION_OP_CREATE,              /* POST /api/v1/orders */
	SESSION_OP_OTHER,               /* anything else (session_push) */
};

/* One change of this terminal the server has not confirmed yet. */
struct session_pending {
	int64_t entry;                  /* outbox entry id */
	enum session_op_kind kind;
	int64_t order_id;               /* 0 for a new order */
	int action;                     /* enum order_action (ACTION kind) */
	char station[STATION_MAX + 1];  /* ITEMS_DONE kind */
	int64_t made_at;                /* local wall ms */
	char *body;                     /* the request body (CREATE kind) */
	char name[24];                  /* the outbox entry's kind: "order.serve",
	                                   "z-close", "sale:till1-4" */
	char label[64];                 /* for messages: "serve #12"; after a
	                                   restart, the entry's kind */
};

/* A change for session_push. */
struct session_change {
	const char *method;             /* "POST", "PATCH" */
	const char *path;
	const char *body;               /* JSON text, NULL for none */
	const char *order_key;          /* entries with one key go in order; NULL:
	                                   "order:ID" when order_id > 0, else none */
	const char *kind;               /* the entry's kind, for people and the
	                                   program: "z-close", "sale:till1-4" */
	int64_t order_id;               /* the order it changes, 0 for none */
	const char *label;              /* for messages, NULL: the kind */
	const char *idem_key;           /* its Idempotency-Key, NULL: a fresh one
	                                   (a change first sent at once, then
	                                   queued, keeps its key: never twice) */
};

/* How an order looks with this terminal's pending changes applied. */
#define SESSION_MARK_STATIONS 8
struct session_mark {
	bool pending;                   /* some change waits for the server */
	int status;                     /* status after them, -1 = no change */
	int nstations;                  /* stations whose items are bumped */
	char stations[SESSION_MARK_STATIONS][STATION_MAX + 1];
	bool cleared;                   /* a pending recall clears every done */
	int64_t since;                  /* when the oldest pending change was made */
};

struct session *session_new(const struct session_opts *o, const struct session_handlers *h,
    char *err, size_t errsize);
void session_free(struct session *s);

struct loop *session_loop(struct session *s);
struct clock *session_clock(struct session *s);
struct cache *session_cache(struct session *s);
const struct session_state *session_state(const struct session *s);
bool session_has_credentials(const struct session *s);

int session_start(struct session *s);
void session_login(struct session *s, const char *staff, const char *pin);
void session_sign_out(struct session *s);

/* Queue a change; returns its outbox entry id, or -1 when it could not be
 * stored (nothing was queued; the reason is logged and in state.error). */
int64_t session_act(struct session *s, int64_t order_id, enum order_action a,
    const char *reason);
int64_t session_items_done(struct session *s, int64_t order_id, const char *station);
int64_t session_create_order(struct session *s, const char *body_json);
/* Any change: an order's lifecycle path or /api/v1/orders is marked as
 * session_act and session_create_order mark it; anything else is pending
 * on c->order_id (if any) until it settles. */
int64_t session_push(struct session *s, const struct session_change *c);

void session_mark(const struct session *s, int64_t order_id, struct session_mark *m);
int session_npending(const struct session *s);
const struct session_pending *session_pending(const struct session *s, int i);

int session_dismiss(struct session *s, int64_t entry);
int session_retry(struct session *s, int64_t entry);
/* The refused entries (at most 200, oldest first) into *e (free them with
 * outbox_entries_free); 0, or -1 when the outbox cannot be read. */
int session_attention(struct session *s, struct outbox_entry **e, int *n);
void session_refresh_order(struct session *s, int64_t order_id);
/* A GET through the worker; fn(ctx, reply) runs on the loop thread. -1
 * (fn is never called) before the login is good. */
int session_get(struct session *s, const char *path, worker_reply_fn fn, void *ctx);
/* A change sent now, not through the outbox: a fresh Idempotency-Key (the
 * same for its retries), the body wiped once sent, nothing written to a
 * file. fn(ctx, reply) runs on the loop thread. -1 (fn is never called)
 * before the login is good. */
int session_request(struct session *s, const char *method, const char *path, const char *body,
    worker_reply_fn fn, void *ctx);
/* session_request under the Idempotency-Key key (1-64 of A-Z a-z 0-9 - _)
 * the caller made: a manager's approval names the key of the request it
 * approves, so the caller knows it before either is sent. */
int session_request_key(struct session *s, const char *method, const char *path,
    const char *body, const char *key, worker_reply_fn fn, void *ctx);
/* The server took a new PIN for the person logged in (POST
 * /api/v1/auth/pin): the session's next login uses it, not the old one,
 * which would now count as a wrong PIN. */
void session_pin_changed(struct session *s, const char *pin);
/* Tell the server this login ends (best effort: the request is queued for
 * the worker; the program usually frees the session next). */
void session_logout(struct session *s);
void session_snapshot(struct session *s);
int session_save(struct session *s);
void session_busy(struct session *s);

#endif
