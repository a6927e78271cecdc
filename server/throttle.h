/* throttle: how many wrong logins are allowed, per client address and per
 * (staff code, address). A stranger cannot lock anyone out from another
 * terminal, unknown codes are treated exactly like known ones, and one
 * address cannot try PINs faster than its budget across all accounts, nor
 * faster by spreading its tries over the servers of a shared database. */
#ifndef BRIGADE_THROTTLE_H
#define BRIGADE_THROTTLE_H

#include <stdint.h>

#include "order.h"

#define THROTTLE_ADDR_MAX 64     /* an IPv6 address in text, and then some */
/* The code a lock is kept for: a staff code within its store. */
#define THROTTLE_CODE_MAX (STAFF_MAX + 24)

struct throttle_config {
	int addr_failures;           /* wrong logins an address may make... */
	int64_t addr_window_ms;      /* ...per window, then it waits it out */
	int account_failures;        /* wrong PINs in a row for a code from an
	                                address before that pair is locked */
	int64_t lock_ms;             /* how long such a lock lasts */
};

enum throttle_verdict {
	THROTTLE_OK,
	THROTTLE_ADDRESS,              /* the address spent its budget */
	THROTTLE_ACCOUNT,              /* this code is locked for this address */
	THROTTLE_ERROR,                /* the shared counts could not be read:
	                                  the login is refused (503) */
};

struct throttle;
struct store;

/* The throttle's code for staff code in store sid: the code itself in the
 * main store (so a single restaurant's locks read as before), else
 * "SID:CODE". */
void throttle_key(int64_t sid, const char *code, char out[THROTTLE_CODE_MAX]);

struct throttle *throttle_new(const struct throttle_config *cfg);
void throttle_free(struct throttle *l);
/* New budgets (a reload); counts and locks already made stand. */
void throttle_configure(struct throttle *l, const struct throttle_config *cfg);

/* Where the counts are kept: every call names st, the caller's own
 * connection (NULL: none). When st is shared (store_shared: servers on one
 * PostgreSQL database) the counts and locks are the database's, so that
 * every server spends the same budgets and honours the same locks; else
 * (SQLite, one server) they are this server's, in memory. */

/* Before a PIN is checked: may addr try code now? When not, *retry_ms is
 * how long until it may. THROTTLE_ERROR when the database could not be
 * asked: the caller refuses the login rather than let it through. */
enum throttle_verdict throttle_check(struct throttle *l, struct store *st,
    const char *addr, const char *code, int64_t now, int64_t *retry_ms);
/* A wrong login (unknown code or wrong PIN). Returns when the (code,
 * address) lock ends if this failure set it, else 0 (also when the
 * database could not count it, which is logged). */
int64_t throttle_failed(struct throttle *l, struct store *st, const char *addr,
    const char *code, int64_t now);
/* A right PIN: the (code, address) count starts again. */
void throttle_succeeded(struct throttle *l, struct store *st, const char *addr,
    const char *code);
/* A new PIN or a re-enabled account: its locks from every address end (in
 * the database: in st's transaction). 0, or -1 when the database failed. */
int throttle_forget_code(struct throttle *l, struct store *st, const char *code);
/* Drop the database's rows that no longer count (an address's ended
 * window, a pair not locked that counts no failure, or none for
 * THROTTLE_PAIR_KEEP_MS); the
 * memory's tables recycle their stalest entries instead. 0 or -1. */
#define THROTTLE_PAIR_KEEP_MS (24 * 3600 * 1000LL)
int throttle_prune(struct throttle *l, struct store *st, int64_t now);

#endif
