/* failover: which of the configured servers a client uses now. Several
 * brigade-server instances on one PostgreSQL database answer alike (keys,
 * sessions and the event log are in the database), so when the current one
 * stops answering the client goes on with the next in the list, wrapping
 * round to the first. It stays where it is while that works: the first
 * (primary) server is used again when the current one fails in its turn,
 * never by a probe of its own, so a cluster's clients do not flap between
 * a server that comes and goes and one that works.
 *
 * One struct failover is shared by every REST client and the stream of a
 * process (session.c puts it in the settings, cfg.failover); it is locked,
 * so the worker thread and the loop thread may both ask and report. */
#ifndef BRIGADE_CLIENT_FAILOVER_H
#define BRIGADE_CLIENT_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

/* What a client needs of the current server. */
struct failover_pick {
	int index;                   /* in the list, for failover_failed */
	char url[CFG_URL_MAX];       /* scheme://host:port, paths go after */
	struct server_addr addr;
	char label[80];              /* "host:port", for people */
};

/* The list of c (c->servers, c->nservers), the first one current; one
 * reference, the caller's. */
struct failover *failover_new(const struct client_cfg *c);
struct failover *failover_ref(struct failover *f);
void failover_unref(struct failover *f);

int failover_count(const struct failover *f);
/* The server to use now. 0, or -1 when its URL cannot be taken apart
 * (cfg_set checks them: a caller that wrote its own). */
int failover_current(struct failover *f, struct failover_pick *out);
/* The server at index stopped answering. When it is still the current one,
 * the next becomes current and true is returned; a failure reported
 * against a server that is no longer current changes nothing, so the eight
 * requests that broke together with one server move the client once, not
 * eight servers on. */
bool failover_failed(struct failover *f, int index);

/* The choice itself, for tests: the server after a failure of `failed`
 * while `current` is current, among n. */
int failover_next(int current, int failed, int n);

#endif
