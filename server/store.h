/* store: brigade-server's database: a SQLite file, or PostgreSQL (a
 * postgresql:// URL, store_pg.c) shared by any number of servers. One
 * struct store per connection and thread: the writer thread owns the only
 * connection that writes orders and events; the service thread reads
 * through its own connection (WAL lets both run at once). Every statement
 * is prepared once and reused. */
#ifndef BRIGADE_STORE_H
#define BRIGADE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"

struct store;

/* Stores. Every row of a restaurant's data belongs to one store (its menu,
 * staff, orders, events, reports and details): a login belongs to one and
 * sees only it. A SQLite file holds one store, STORE_MAIN; PostgreSQL
 * holds any number. STORE_ORG is no store: the organisation, whose staff
 * (organisation admins) may log in to any store, and whose meta values
 * (the schema, the approval key) are the database's own. */
#define STORE_ORG 0
#define STORE_MAIN 1
#define STORE_CODE_MAX 32
#define STORE_MAIN_CODE "main"

struct store_row {
	int64_t id;
	char code[STORE_CODE_MAX + 1]; /* [a-z0-9_-], unique */
	char name[NAME_MAX_ + 1];
	int64_t created_at;
};

/* Whether code is a store code: 1 to STORE_CODE_MAX of a-z, 0-9, '-', '_'. */
bool store_code_valid(const char *code);

/* A staff account as stored. */
struct staff_row {
	int64_t id;
	int64_t store_id;            /* its store, or STORE_ORG */
	char code[STAFF_MAX + 1];
	char name[NAME_MAX_ + 1];
	enum staff_role role;
	char pin_hash[160];
	bool active;
	int failed;                  /* wrong PINs in a row */
	int64_t locked_until;        /* ms; 0 when not locked */
	int64_t created_at, updated_at;
};

/* A login session, keyed by the SHA-256 of its token. */
struct session_row {
	char token_hash[65];
	int64_t staff_id;
	int64_t store_id;            /* the store it was made for */
	char terminal[TERMINAL_MAX + 1];
	int64_t created_at;
	int64_t expires_at;
};

enum store_sync { STORE_SYNC_NORMAL, STORE_SYNC_FULL };

/* The schema this server writes (meta 'schema'), in either store. */
#define STORE_SCHEMA_VERSION 4

/* Whether path is a PostgreSQL URL (postgresql:// or postgres://) rather
 * than a SQLite file. */
bool store_is_url(const char *path);
/* path as messages show it: a URL loses its password. */
void store_display_path(const char *path, char *out, size_t size);
/* How many calls on st failed to reach the database (PostgreSQL: down or
 * unreachable) since it was opened: a caller that got "not found" tells
 * it from "could not read" by this count moving. Always 0 for SQLite. */
uint64_t store_errors(struct store *st);
/* Whether other servers may write the store too (PostgreSQL): then the
 * writer takes its numbers from the store (store_counters), and a server
 * learns of the others' commits from store_watch (pgwatch.h). */
bool store_shared(const struct store *st);

/* Before any store_open: route SQLite's error log here, which notices a
 * damaged file on every connection. */
void store_global_init(void);
/* What SQLite first reported about a damaged file since start
 * (SQLITE_CORRUPT or SQLITE_NOTADB; 0 for none), and whether it did:
 * writes are then refused. At start-up NOTADB means a file that is not a
 * database at all, CORRUPT a database that is damaged. */
int store_damage(void);
bool store_damaged(void);
/* PRAGMA quick_check: 0 when sound, else -1 with the first problem in err. */
int store_check(struct store *st, char *err, size_t errsize);

/* Open (creating and migrating) the database at path. Returns NULL with a
 * reason in err. */
struct store *store_open(const char *path, bool readonly, enum store_sync sync,
    char *err, size_t errsize);
void store_close(struct store *st);
const char *store_errmsg(struct store *st);

/* The stores: 0 and the row when found, 1 when not, -1 on error. */
int store_store_by_code(struct store *st, const char *code, struct store_row *out);
int store_store_by_id(struct store *st, int64_t id, struct store_row *out);
/* Call fn for each store, by id. */
int store_stores_each(struct store *st,
    void (*fn)(void *ctx, const struct store_row *row), void *ctx);
/* Add a store (fills row->id): 0, 1 when its code is taken or the
 * database holds one store only (SQLite), -1 on error. */
int store_store_insert(struct store *st, struct store_row *row);
struct store_info;
/* A new store with its details (si), in the caller's transaction: as
 * store_store_insert, then the details saved. */
int store_add(struct store *st, struct store_row *row, const struct store_info *si);

/* Transactions (BEGIN IMMEDIATE: the writer takes the write lock at once;
 * PostgreSQL: store sid's counter row, which the other servers' batches
 * for that store wait for; STORE_ORG takes none). A transaction writes
 * one store's rows (and the organisation's). */
int store_begin(struct store *st, int64_t sid);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* In a transaction of a shared store: where its counters stand (the last
 * event seq and order id given, and a count of the changes to the menu and
 * the store's details). The transaction's events must take the numbers
 * after seq, in order: its commit moves the counter on by their number.
 * Returns 0, 1 for a store this server has to itself, -1 on error. */
int store_counters(struct store *st, int64_t *seq, int64_t *order_id,
    int64_t *config);

/* The menu: one document, loaded whole (an empty menu of version 0 when
 * none was ever saved) and saved whole with its version. */
int store_menu_load(struct store *st, int64_t sid, struct menu *m);
int store_menu_save(struct store *st, int64_t sid, const struct menu *m);
/* meta: small named values of a store (its details, its log id) or of the
 * database (STORE_ORG: the schema, the approval key). 0 and a malloc'd
 * value when found, 1 when not, -1 on error. */
int store_meta_get(struct store *st, int64_t sid, const char *key, char **value);
int store_meta_put(struct store *st, int64_t sid, const char *key, const char *value);
/* The restaurant's details (meta 'store'): 0 loaded, 1 none kept yet
 * (si holds the defaults), -1 unreadable. */
struct store_info;
int store_info_load(struct store *st, int64_t sid, struct store_info *si);
int store_info_save(struct store *st, int64_t sid, const struct store_info *si);
/* The event log's identity (meta 'log_id'): made once for a database and
 * made anew by a restore, so that a screen that reconnects to a log that
 * is not the one it followed resyncs instead of resuming by number. */
#define LOG_ID_LEN 16
int store_log_id(struct store *st, int64_t sid, char id[LOG_ID_LEN + 1]);
void store_new_log_id(char id[LOG_ID_LEN + 1]);
/* How many staff accounts and orders the database holds (every store). */
int store_counts(struct store *st, int64_t *staff, int64_t *orders);

/* Orders. The order's JSON document is stored whole beside the columns
 * that are indexed. */
int64_t store_max_order_id(struct store *st, int64_t sid);
/* The highest daily number given on day (0 before the first order). */
int store_last_number(struct store *st, int64_t sid, const char *day, int *number);
int store_order_insert(struct store *st, int64_t sid, const struct order *o,
    const char *doc);
int store_order_update(struct store *st, int64_t sid, const struct order *o,
    const char *doc);
/* Load order id; 0 found, 1 not found, -1 error. */
int store_order_load(struct store *st, int64_t sid, int64_t id, struct order *o);
/* The stored JSON of order id (malloc'd) or NULL. */
char *store_order_doc(struct store *st, int64_t sid, int64_t id);
/* Append the docs of orders matching the filter to a JSON array text:
 * status_bits (STATUS_BIT set, 0 = any), day ("" = any), staff ("" = any),
 * at most limit, with id > after_id. Returns the number appended or -1. */
struct strbuf;
int store_orders_list(struct store *st, int64_t sid, unsigned status_bits,
    const char *day,
    const char *staff, int limit, int64_t after_id, struct strbuf *out);
/* Orders per status of store sid (for /metrics). */
int store_count_by_status(struct store *st, int64_t sid, int64_t counts[STATUS_COUNT]);

/* Events: numbered per store. */
int64_t store_max_seq(struct store *st, int64_t sid);
int store_event_insert(struct store *st, int64_t sid, int64_t seq,
    const char *type, int64_t at, int64_t order_id, const char *body);
/* The first event after seq: fills *next_seq and returns the body
 * (malloc'd), or NULL when there is none (or on error). */
char *store_event_after(struct store *st, int64_t sid, int64_t seq,
    int64_t *next_seq);
int store_events_list(struct store *st, int64_t sid, int64_t after, int limit,
    struct strbuf *out);

/* Idempotency keys: 0 found (fills outputs, body malloc'd), 1 not found.
 * A result that was an order change is stored as its event's seq (the
 * answer is the order the event carries) instead of a copy of the body.
 * staff_id is the account that first used the key (0: a key kept by a
 * server before keys had owners). */
int store_idem_get(struct store *st, int64_t sid, const char *key, char hash[65],
    int *status, char **body, int64_t *staff_id);
int store_idem_put(struct store *st, int64_t sid, const char *key, const char *hash,
    int status, const char *body, int64_t event_seq, int64_t now,
    int64_t staff_id);
int store_idem_prune(struct store *st, int64_t older_than);

/* Staff and sessions. A code is unique within its store (STORE_ORG: among
 * the organisation's admins); ids are unique in the database. */
int store_staff_by_code(struct store *st, int64_t sid, const char *code,
    struct staff_row *out);
int store_staff_by_id(struct store *st, int64_t id, struct staff_row *out);
int store_staff_insert(struct store *st, struct staff_row *s);
int store_staff_update(struct store *st, const struct staff_row *s);
/* Call fn for each account of store sid, then each of the organisation. */
int store_staff_each(struct store *st, int64_t sid,
    void (*fn)(void *ctx, const struct staff_row *s), void *ctx);
int store_staff_login_failed(struct store *st, int64_t id, int max_failures,
    int64_t lock_until);
int store_staff_login_ok(struct store *st, int64_t id);
int store_session_insert(struct store *st, const struct session_row *s);
int store_session_delete(struct store *st, const char *token_hash);
int store_sessions_delete_staff(struct store *st, int64_t staff_id);
int store_sessions_prune(struct store *st, int64_t now);
/* One live session and its (active) account, for a token another server
 * made: 0 found, 1 not, -1 error. Always 1 for SQLite. */
int store_session_get(struct store *st, const char *token_hash, int64_t now,
    struct session_row *s, struct staff_row *staff);
/* Call fn for each live session (at start-up, to fill the token cache). */
int store_sessions_each(struct store *st, int64_t now,
    void (*fn)(void *ctx, const struct session_row *s, const struct staff_row *staff),
    void *ctx);

/* Login throttling, kept here when servers share the database (throttle.h
 * says what the budgets mean; a SQLite database has one server, which
 * keeps them in memory: these return -1 there). Rows are per address
 * (code "" : its wrong logins in the window from window_start) and per
 * (code key, address) (wrong PINs in a row, and the lock). Each call is one
 * statement, atomic against the other servers' calls. */
struct store_throttle {
	int addr_failures;           /* the address's wrong logins this window */
	int64_t window_start;        /* when that window began (0: none) */
	int64_t locked_until;        /* the pair's lock (0: none) */
};
/* Before a login: the address's window, begun anew at now when the last
 * one ended (window_ms long), and the pair's lock. */
int store_throttle_check(struct store *st, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, struct store_throttle *out);
/* A wrong login: counted against the address (a new window when the last
 * ended) and the pair, which is locked until now + lock_ms at its
 * max_failures-th wrong PIN in a row (a lock that ended starts a new
 * count). *locked_until: that lock when this failure set it, else 0. */
int store_throttle_failed(struct store *st, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, int max_failures, int64_t lock_ms,
    int64_t *locked_until);
/* A right PIN: the pair's count and lock go. */
int store_throttle_succeeded(struct store *st, const char *addr, const char *code_key);
/* A new PIN or a re-enabled account: the code's pairs go, from every
 * address. */
int store_throttle_forget(struct store *st, const char *code_key);
/* Rows no longer needed: unlocked, and an address's window begun at or
 * before addr_before, a pair that counts no failure or whose last one was
 * at or before pair_before. */
int store_throttle_prune(struct store *st, int64_t now, int64_t addr_before,
    int64_t pair_before);

/* Reports: every order changed at or after since (a sale or cancellation
 * in a period starting then has changed since), the last Z close, and the
 * closes themselves. */
int store_orders_since(struct store *st, int64_t sid, int64_t since,
    void (*fn)(void *ctx, const struct order *o), void *ctx);
int store_last_close(struct store *st, int64_t sid, int *z_number,
    int64_t *closed_at);
int store_z_insert(struct store *st, int64_t sid, int z_number,
    int64_t closed_at, int64_t from, const char *by, const char *report);
char *store_z_get(struct store *st, int64_t sid, int z_number);

/* Health: write a heartbeat row (meta "heartbeat" = now), a write that
 * must reach the disk; and the count of rows changed on this connection
 * so far (a commit that changed nothing proves nothing). */
int store_heartbeat(struct store *st, int64_t now);
int64_t store_total_changes(struct store *st);

#endif
