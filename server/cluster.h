/* cluster: what a server does on the service thread when other servers
 * share its store (PostgreSQL): it follows their commits into its own
 * stream (in number order, with nothing missed: the events table is the
 * truth, a notification only says when to look), drops the logins they
 * ended, finds the logins they made, and reloads the menu and the store's
 * details they changed. With SQLite every call does nothing. */
#ifndef BRIGADE_CLUSTER_H
#define BRIGADE_CLUSTER_H

#include <stdint.h>

struct server;
struct session;
struct shop;

/* Start listening (a shared store only); stop before the loop ends. */
void cluster_start(struct server *s);
void cluster_stop(struct server *s);
/* Take the listener's news (called on each wake of the loop). */
void cluster_poll(struct server *s);
/* Bring a store's stream up to its last committed event: everything after
 * its head is read from the events table, in order. */
void cluster_catch_up(struct server *s, struct shop *sh);
/* The session of a token, from the cache or, for a login another server
 * made, from the store (then cached); NULL if there is none. */
const struct session *cluster_session(struct server *s, const char *token_hash,
    int64_t now);

#endif
