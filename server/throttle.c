/* throttle: wrong-login budgets per address and per (code, address), in
 * memory or, for servers that share a database, in it (store.h). */
#include "throttle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "xalloc.h"

/* Fixed tables: a flood of addresses or codes recycles the stalest entry
 * instead of growing without bound. */
#define ADDR_SLOTS 1024
#define PAIR_SLOTS 4096

struct addr_slot {
	char addr[THROTTLE_ADDR_MAX];
	int64_t window_start;
	int failures;
};

struct pair_slot {
	char addr[THROTTLE_ADDR_MAX];
	char code[THROTTLE_CODE_MAX];  /* throttle_key's */
	int failures;                /* wrong PINs in a row */
	int64_t locked_until;
	int64_t last;                /* the last failure, for recycling */
};

/* Shared by the auth worker (checks and counts) and the writer (forgets a
 * code's locks on a new PIN): one lock, held for a table scan only. The
 * tables are unused when the counts are the database's. */
struct throttle {
	struct throttle_config cfg;
	pthread_mutex_t lock;
	struct addr_slot addrs[ADDR_SLOTS];
	struct pair_slot pairs[PAIR_SLOTS];
};

void
throttle_key(int64_t sid, const char *code, char out[THROTTLE_CODE_MAX])
{
	if (sid == 1)
		snprintf(out, THROTTLE_CODE_MAX, "%s", code);
	else
		snprintf(out, THROTTLE_CODE_MAX, "%lld:%s", (long long)sid, code);
}

struct throttle *
throttle_new(const struct throttle_config *cfg)
{
	struct throttle *l = xcalloc(1, sizeof *l);

	l->cfg = *cfg;
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

void
throttle_free(struct throttle *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* The slot of addr, or NULL; with create, an empty slot or else the one
 * whose window started longest ago. */
static struct addr_slot *
addr_find(struct throttle *l, const char *addr, bool create, int64_t now)
{
	struct addr_slot *empty = NULL, *oldest = NULL, *victim;

	for (int i = 0; i < ADDR_SLOTS; i++) {
		struct addr_slot *a = &l->addrs[i];

		if (a->addr[0] == '\0') {
			if (empty == NULL)
				empty = a;
		} else if (strcmp(a->addr, addr) == 0) {
			return a;
		} else if (oldest == NULL || a->window_start < oldest->window_start) {
			oldest = a;
		}
	}
	if (!create)
		return NULL;
	victim = empty != NULL ? empty : oldest;
	memset(victim, 0, sizeof *victim);
	xstrlcpy(victim->addr, addr, sizeof victim->addr);
	victim->window_start = now;
	return victim;
}

/* The slot of (addr, code), or NULL; with create, an empty slot or else
 * the one that failed longest ago. */
static struct pair_slot *
pair_find(struct throttle *l, const char *addr, const char *code, bool create)
{
	struct pair_slot *empty = NULL, *oldest = NULL, *victim;

	for (int i = 0; i < PAIR_SLOTS; i++) {
		struct pair_slot *p = &l->pairs[i];

		if (p->addr[0] == '\0') {
			if (empty == NULL)
				empty = p;
		} else if (strcmp(p->addr, addr) == 0 && strcmp(p->code, code) == 0) {
			return p;
		} else if (oldest == NULL || p->last < oldest->last) {
			oldest = p;
		}
	}
	if (!create)
		return NULL;
	victim = empty != NULL ? empty : oldest;
	memset(victim, 0, sizeof *victim);
	xstrlcpy(victim->addr, addr, sizeof victim->addr);
	xstrlcpy(victim->code, code, sizeof victim->code);
	return victim;
}

/* The verdict on an address's window (failures since window_start, a
 * window that has not ended) and a pair's lock, with how long to wait. */
static enum throttle_verdict
verdict(const struct throttle_config *cfg, int failures, int64_t window_start,
    int64_t locked_until, int64_t now, int64_t *retry_ms)
{
	if (failures >= cfg->addr_failures) {
		*retry_ms = window_start + cfg->addr_window_ms - now;
		return THROTTLE_ADDRESS;
	}
	if (locked_until > now) {
		*retry_ms = locked_until - now;
		return THROTTLE_ACCOUNT;
	}
	return THROTTLE_OK;
}

/* The servers' shared counts: the address's window (begun anew by the
 * database when it ended) and the pair's lock. A window read as it ended
 * (another server's failure moved it meanwhile) counts as a new one. */
static enum throttle_verdict
db_check(struct store *st, const struct throttle_config *cfg, const char *addr,
    const char *code, int64_t now, int64_t *retry_ms)
{
	struct store_throttle t;

	if (store_throttle_check(st, addr, code, now, cfg->addr_window_ms, &t) < 0) {
		log_error("%s: %s: %s", __func__, addr, store_errmsg(st));
		return THROTTLE_ERROR;
	}
	if (now - t.window_start >= cfg->addr_window_ms)
		t.addr_failures = 0;
	return verdict(cfg, t.addr_failures, t.window_start, t.locked_until, now, retry_ms);
}

/* The counts are the database's when st is shared. */
static bool
in_db(const struct store *st)
{
	return st != NULL && store_shared(st);
}

static struct throttle_config
config_of(struct throttle *l)
{
	struct throttle_config cfg;

	pthread_mutex_lock(&l->lock);
	cfg = l->cfg;
	pthread_mutex_unlock(&l->lock);
	return cfg;
}

enum throttle_verdict
throttle_check(struct throttle *l, struct store *st, const char *addr,
    const char *code, int64_t now, int64_t *retry_ms)
{
	enum throttle_verdict v;
	struct addr_slot *a;
	struct pair_slot *p;

	if (in_db(st)) {
		struct throttle_config cfg = config_of(l);

		return db_check(st, &cfg, addr, code, now, retry_ms);
	}
	pthread_mutex_lock(&l->lock);
	a = addr_find(l, addr, false, now);
	if (a != NULL && now - a->window_start >= l->cfg.addr_window_ms) {
		a->window_start = now;   /* a new window */
		a->failures = 0;
	}
	p = pair_find(l, addr, code, false);
	v = verdict(&l->cfg, a != NULL ? a->failures : 0, a != NULL ? a->window_start : 0,
	    p != NULL ? p->locked_until : 0, now, retry_ms);
	pthread_mutex_unlock(&l->lock);
	return v;
}

int64_t
throttle_failed(struct throttle *l, struct store *st, const char *addr,
    const char *code, int64_t now)
{
	int64_t locked = 0;
	struct addr_slot *a;
	struct pair_slot *p;

	if (in_db(st)) {
		struct throttle_config cfg = config_of(l);

		if (store_throttle_failed(st, addr, code, now, cfg.addr_window_ms,
		    cfg.account_failures, cfg.lock_ms, &locked) < 0) {
			log_error("%s: %s: %s", __func__, addr, store_errmsg(st));
			return 0;
		}
		return locked;
	}
	pthread_mutex_lock(&l->lock);
	a = addr_find(l, addr, true, now);
	if (now - a->window_start >= l->cfg.addr_window_ms) {
		a->window_start = now;
		a->failures = 0;
	}
	a->failures++;
	p = pair_find(l, addr, code, true);
	if (p->locked_until != 0 && p->locked_until <= now)
		p->failures = 0;         /* a lock that ended starts a new count */
	p->last = now;
	if (++p->failures >= l->cfg.account_failures) {
		p->locked_until = now + l->cfg.lock_ms;
		p->failures = 0;
		locked = p->locked_until;
	}
	pthread_mutex_unlock(&l->lock);
	return locked;
}

void
throttle_succeeded(struct throttle *l, struct store *st, const char *addr,
    const char *code)
{
	struct pair_slot *p;

	if (in_db(st)) {
		if (store_throttle_succeeded(st, addr, code) < 0)
			log_error("%s: %s: %s", __func__, addr, store_errmsg(st));
		return;
	}
	pthread_mutex_lock(&l->lock);
	p = pair_find(l, addr, code, false);
	if (p != NULL)
		memset(p, 0, sizeof *p);
	pthread_mutex_unlock(&l->lock);
}

int
throttle_forget_code(struct throttle *l, struct store *st, const char *code)
{
	if (in_db(st)) {
		if (store_throttle_forget(st, code) < 0) {
			log_error("%s: %s", __func__, store_errmsg(st));
			return -1;
		}
		return 0;
	}
	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < PAIR_SLOTS; i++) {
		if (l->pairs[i].addr[0] != '\0' && strcmp(l->pairs[i].code, code) == 0)
			memset(&l->pairs[i], 0, sizeof l->pairs[i]);
	}
	pthread_mutex_unlock(&l->lock);
	return 0;
}

int
throttle_prune(struct throttle *l, struct store *st, int64_t now)
{
	struct throttle_config cfg;

	if (!in_db(st))
		return 0;
	cfg = config_of(l);
	if (store_throttle_prune(st, now, now - cfg.addr_window_ms,
	    now - THROTTLE_PAIR_KEEP_MS) < 0) {
		log_error("%s: %s", __func__, store_errmsg(st));
		return -1;
	}
	return 0;
}

void
throttle_configure(struct throttle *l, const struct throttle_config *cfg)
{
	pthread_mutex_lock(&l->lock);
	l->cfg = *cfg;
	pthread_mutex_unlock(&l->lock);
}
