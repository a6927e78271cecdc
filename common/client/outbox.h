/* outbox: the durable queue of changes a person made, in a SQLite file.
 * A change is written here, with its Idempotency-Key, before anything is
 * sent; the sender (sender.h) then delivers it. An entry is pending until
 * the server answers 2xx (done); a 4xx moves it to needs-attention with the
 * server's reason, where it stays until a person retries or dismisses it.
 * Nothing is ever dropped. Commits are fsynced (WAL, synchronous=FULL), so
 * an entry that outbox_push returned survives kill -9 and power loss.
 * One struct outbox per thread; several may share a file. */
#ifndef BRIGADE_CLIENT_OUTBOX_H
#define BRIGADE_CLIENT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"

enum outbox_state {
	OUTBOX_PENDING,              /* waiting to be sent, or being sent */
	OUTBOX_DONE,                 /* the server took it (2xx) */
	OUTBOX_ATTENTION,            /* the server refused it (4xx): a person decides */
	OUTBOX_DISMISSED,            /* a person gave it up; kept for the record */
	OUTBOX_STATE_COUNT
};
#define OUTBOX_BIT(s) (1u << (s))

const char *outbox_state_name(enum outbox_state s);

#define OUTBOX_KEY_MAX 64          /* Idempotency-Key: 1-64 of [A-Za-z0-9_-] */
#define OUTBOX_ORDER_KEY_MAX 80
#define OUTBOX_STORE_MAX 32        /* a store's code (CFG_STORE_MAX) */

struct outbox_entry {
	int64_t id;                  /* rises with every push: the send order */
	char idem_key[OUTBOX_KEY_MAX + 1];
	char method[8];
	char *path;
	char *body;                  /* JSON text, "" for none */
	char order_key[OUTBOX_ORDER_KEY_MAX + 1]; /* entries with the same key
	                                 are delivered one after another, in id order */
	char kind[24];               /* what it is, for people: "order.create" */
	char staff[STAFF_MAX + 1];   /* who made the change: it goes out under
	                                their login only ("" in entries from
	                                before: under any) */
	char store[OUTBOX_STORE_MAX + 1]; /* the store it was made in ("main"):
	                                it goes out under a login of that store
	                                only ("" in entries from before: any) */
	enum outbox_state state;
	int attempts;                /* sends that got no final answer */
	int64_t created_at;          /* ms since the epoch, local clock */
	int64_t updated_at;
	int http_status;             /* of the last answer, 0 if none */
	char *error;                 /* the last failure, "" when none */
	char *response;              /* the 2xx answer (done entries) */
};

struct outbox_new {
	const char *method;
	const char *path;
	const char *body;            /* NULL for none */
	const char *order_key;       /* NULL: every entry on its own */
	const char *kind;
	const char *staff;
	const char *idem_key;        /* NULL: a fresh UUID */
	const char *store;           /* the maker's store, as cfg_store_code */
};

#define OUTBOX_OPEN_READONLY 1u

/* Open (creating it and its directory when missing) and check the file.
 * NULL with a sentence in err for a file that is not an outbox, damaged,
 * from a newer version, or read-only when writing was asked for. */
struct outbox *outbox_open(const char *path, unsigned flags, char *err,
    size_t errsize);
void outbox_close(struct outbox *ob);
/* The last SQLite error of this connection, for messages. */
const char *outbox_errmsg(const struct outbox *ob);

/* Queue a change durably. Fills *out (optional; free it with
 * outbox_entry_free) with the stored entry. -1 when it could not be stored:
 * then nothing was queued and nothing must be sent. */
int outbox_push(struct outbox *ob, const struct outbox_new *n,
    struct outbox_entry *out);

/* Entries whose state bit is in mask, by id, after after_id, at most limit
 * (0 = all). *out is malloc'd; free with outbox_entries_free. */
int outbox_list(struct outbox *ob, unsigned mask, int64_t after_id, int limit,
    struct outbox_entry **out, int *n);
void outbox_entries_free(struct outbox_entry *e, int n);
void outbox_entry_free(struct outbox_entry *e);
/* 0 found, 1 no such entry, -1 error. */
int outbox_get(struct outbox *ob, int64_t id, struct outbox_entry *out);
/* counts[OUTBOX_STATE_COUNT] */
int outbox_counts(struct outbox *ob, int64_t *counts);
/* When the oldest pending entry was made (ms since the epoch), 0 for none. */
int outbox_oldest_pending(struct outbox *ob, int64_t *created_at);

/* Whether an entry may be sent under the login of staff in store: a change
 * reaches the server as the person who made it, in the store it was made
 * in, so roles, the audit trail and the store's books stay true (the same
 * code in another store is another person). Entries that record nobody
 * or no store (written before these were kept) go out under any login. */
bool outbox_entry_for(const struct outbox_entry *e, const char *staff,
    const char *store);
/* The pending entries that wait for someone other than staff of store to
 * log in: how many (*n) and who, their codes in order of their first
 * change, separated by ", ", with their store when it is another
 * ("k1 of north"; cut to size). */
int outbox_waiting(struct outbox *ob, const char *staff, const char *store,
    int64_t *n, char *who, size_t size);

/* The server recognises an Idempotency-Key for its retention (GET /healthz
 * idempotency_retention_ms); an entry still pending after that could be
 * applied twice. Whether an entry's age nears it (three quarters of it
 * gone), to warn while there is time to send it. retention_ms <= 0: not
 * known. */
bool outbox_age_near(int64_t age_ms, int64_t retention_ms);

/* State changes, called by the sender. A batch of them may be grouped in
 * outbox_begin/outbox_commit so that one fsync covers them all. */
int outbox_begin(struct outbox *ob);
int outbox_commit(struct outbox *ob);
int outbox_mark_done(struct outbox *ob, int64_t id, int status,
    const char *response);
int outbox_mark_attention(struct outbox *ob, int64_t id, int status,
    const char *error);
int outbox_mark_failed(struct outbox *ob, int64_t id, int status,
    const char *error);

/* A person's decisions on a needs-attention entry: send it again (same
 * key; the server stored nothing for a 4xx so it judges afresh), or give it
 * up. 0 done, 1 no such entry in needs-attention, -1 error. */
int outbox_requeue(struct outbox *ob, int64_t id);
/* The same, by another person who takes the change on: it is sent under
 * staff's login (staff NULL or "": the entry keeps its maker). */
int outbox_requeue_as(struct outbox *ob, int64_t id, const char *staff);
int outbox_dismiss(struct outbox *ob, int64_t id);

#endif
