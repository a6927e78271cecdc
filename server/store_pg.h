/* store_pg: the PostgreSQL store behind store.h. store.c hands every call
 * on a store opened from a postgresql:// URL to the function of the same
 * name here; the meanings are store.h's. */
#ifndef BRIGADE_STORE_PG_H
#define BRIGADE_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "order.h"
#include "store.h"

struct pgstore;
struct strbuf;

/* Connect to url with the defaults every connection of the server has: a
 * dead host or network is found out in seconds (connect_timeout,
 * tcp_user_timeout, keepalives), not minutes, since the service thread
 * waits on its reads. Values in the URL win. Never NULL. */
PGconn *pgstore_connect(const char *url);
struct pgstore *pgstore_open(const char *url, bool migrate, char *err, size_t errsize);
void pgstore_close(struct pgstore *p);
const char *pgstore_errmsg(struct pgstore *p);

/* The stores (the stores table). */
int pgstore_store_by_code(struct pgstore *p, const char *code, struct store_row *out);
int pgstore_store_by_id(struct pgstore *p, int64_t id, struct store_row *out);
int pgstore_stores_each(struct pgstore *p,
    void (*fn)(void *ctx, const struct store_row *row), void *ctx);
int pgstore_store_insert(struct pgstore *p, struct store_row *row);

/* begin locks store sid's counters row (none for STORE_ORG) and keeps sid
 * for the transaction: pgstore_counters and the commit are that store's. */
int pgstore_begin(struct pgstore *p, int64_t sid);
int pgstore_commit(struct pgstore *p);
void pgstore_rollback(struct pgstore *p);
int pgstore_counters(struct pgstore *p, int64_t *seq, int64_t *order_id,
    int64_t *config);

int pgstore_menu_load(struct pgstore *p, int64_t sid, struct menu *m);
int pgstore_menu_save(struct pgstore *p, int64_t sid, const struct menu *m);
int pgstore_meta_get(struct pgstore *p, int64_t sid, const char *key, char **value);
int pgstore_meta_put(struct pgstore *p, int64_t sid, const char *key,
    const char *value);
int pgstore_counts(struct pgstore *p, int64_t *staff, int64_t *orders);

int64_t pgstore_max_order_id(struct pgstore *p, int64_t sid);
int pgstore_last_number(struct pgstore *p, int64_t sid, const char *day, int *number);
int pgstore_order_insert(struct pgstore *p, int64_t sid, const struct order *o,
    const char *doc);
int pgstore_order_update(struct pgstore *p, int64_t sid, const struct order *o,
    const char *doc);
char *pgstore_order_doc(struct pgstore *p, int64_t sid, int64_t id);
int pgstore_orders_list(struct pgstore *p, int64_t sid, unsigned status_bits,
    const char *day,
    const char *staff, int limit, int64_t after_id, struct strbuf *out);
int pgstore_count_by_status(struct pgstore *p, int64_t sid, int64_t counts[STATUS_COUNT]);

int64_t pgstore_max_seq(struct pgstore *p, int64_t sid);
int pgstore_event_insert(struct pgstore *p, int64_t sid, int64_t seq,
    const char *type, int64_t at, int64_t order_id, const char *body);
char *pgstore_event_after(struct pgstore *p, int64_t sid, int64_t seq,
    int64_t *next_seq);
int pgstore_events_list(struct pgstore *p, int64_t sid, int64_t after, int limit,
    struct strbuf *out);

int pgstore_idem_get(struct pgstore *p, int64_t sid, const char *key, char hash[65],
    int *status, char **body, int64_t *staff_id);
int pgstore_idem_put(struct pgstore *p, int64_t sid, const char *key,
    const char *hash, int status, const char *body, int64_t event_seq, int64_t now,
    int64_t staff_id);
int pgstore_idem_prune(struct pgstore *p, int64_t older_than);

int pgstore_staff_by_code(struct pgstore *p, int64_t sid, const char *code,
    struct staff_row *out);
int pgstore_staff_by_id(struct pgstore *p, int64_t id, struct staff_row *out);
int pgstore_staff_insert(struct pgstore *p, struct staff_row *s);
int pgstore_staff_update(struct pgstore *p, const struct staff_row *s);
int pgstore_staff_each(struct pgstore *p, int64_t sid,
    void (*fn)(void *ctx, const struct staff_row *s), void *ctx);
int pgstore_staff_login_failed(struct pgstore *p, int64_t id, int max_failures,
    int64_t lock_until);
int pgstore_staff_login_ok(struct pgstore *p, int64_t id);
int pgstore_session_insert(struct pgstore *p, const struct session_row *s);
int pgstore_session_delete(struct pgstore *p, const char *token_hash);
int pgstore_sessions_delete_staff(struct pgstore *p, int64_t staff_id);
int pgstore_sessions_prune(struct pgstore *p, int64_t now);
int pgstore_session_get(struct pgstore *p, const char *token_hash, int64_t now,
    struct session_row *s, struct staff_row *staff);
int pgstore_sessions_each(struct pgstore *p, int64_t now,
    void (*fn)(void *ctx, const struct session_row *s, const struct staff_row *staff),
    void *ctx);

int pgstore_throttle_check(struct pgstore *p, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, struct store_throttle *out);
int pgstore_throttle_failed(struct pgstore *p, const char *addr,
    const char *code_key, int64_t now, int64_t window_ms, int max_failures,
    int64_t lock_ms, int64_t *locked_until);
int pgstore_throttle_succeeded(struct pgstore *p, const char *addr,
    const char *code_key);
int pgstore_throttle_forget(struct pgstore *p, const char *code_key);
int pgstore_throttle_prune(struct pgstore *p, int64_t now, int64_t addr_before,
    int64_t pair_before);

int pgstore_orders_since(struct pgstore *p, int64_t sid, int64_t since,
    void (*fn)(void *ctx, const struct order *o), void *ctx);
int pgstore_last_close(struct pgstore *p, int64_t sid, int *z_number,
    int64_t *closed_at);
int pgstore_z_insert(struct pgstore *p, int64_t sid, int z_number,
    int64_t closed_at, int64_t from, const char *by, const char *report);
char *pgstore_z_get(struct pgstore *p, int64_t sid, int z_number);

int pgstore_heartbeat(struct pgstore *p, int64_t now);
int64_t pgstore_total_changes(struct pgstore *p);
uint64_t pgstore_errors(struct pgstore *p);

/* The notification channel of one database (see pgwatch.h). A commit that
 * added events sends "e SID SEQ" (store SID's last event is now SEQ); an
 * ended login "l TOKEN_HASH"; an account's ended logins "r STAFF_ID". */
#define PGSTORE_CHANNEL "brigade"

#endif
