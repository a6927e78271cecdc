/* pgwatch: a server's ear on a shared PostgreSQL store. A thread of its own
 * holds one connection that LISTENs on the stores' channel and gathers what
 * the other servers (and this one) committed: the last event seq, ended
 * logins, accounts whose logins ended, and whether the connection was lost
 * or made again. It wakes the service loop (wake) and the loop takes the
 * news. Nothing here touches the server's state. */
#ifndef BRIGADE_PGWATCH_H
#define BRIGADE_PGWATCH_H

#include <stdbool.h>
#include <stdint.h>

struct pgwatch;

/* A store's highest committed event seq, as told. */
struct pgwatch_head {
	int64_t sid;
	int64_t seq;
};

struct pgwatch_news {
	struct pgwatch_head *heads;  /* one per store told of, sid ascending */
	int nheads;
	bool connected;              /* (re)connected: anything told meanwhile was missed */
	bool lost;                   /* the connection was lost (why says how) */
	char why[256];
	char (*logouts)[65];         /* token hashes of ended logins */
	int nlogouts;
	int64_t *revoked;            /* staff ids whose logins all ended */
	int nrevoked;
};

/* Start listening on the database at url; wake(ctx) is called from the
 * watch's thread whenever there is news. */
struct pgwatch *pgwatch_start(const char *url, void (*wake)(void *ctx), void *ctx);
void pgwatch_stop(struct pgwatch *w);
/* Take the news gathered since the last take (out is filled; free it with
 * pgwatch_news_free). Returns whether there was any. */
bool pgwatch_take(struct pgwatch *w, struct pgwatch_news *out);
void pgwatch_news_free(struct pgwatch_news *n);

#endif
