/* stream: the live event feed. Events are kept in a ring of the most recent
 * ones; each subscriber has a cursor (the last seq it was sent) and pulls
 * the next event on its own WRITEABLE, from the ring or, when it has fallen
 * further behind, from the events table. No per-connection queues: a slow
 * reader costs nothing but its cursor, and nobody misses or repeats one.
 * Each store has its own stream: an event is offered only to the screens
 * of its store. */
#ifndef BRIGADE_STREAM_H
#define BRIGADE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lws;
struct store;

struct stream_sub {
	struct lws *wsi;
	int64_t cursor;              /* last seq sent */
	bool hello_pending;          /* the hello message goes first */
	int64_t asked_after;         /* the after= it connected with */
	char token_hash[65];         /* to close it when the login ends */
	int64_t staff_id;
	struct stream_sub *prev, *next;
};

struct stream_event {
	int64_t seq;
	size_t len;
	unsigned char *buf;          /* LWS_PRE bytes of headroom, then text */
};

struct stream {
	int64_t sid;                 /* the store whose events these are */
	int64_t head;                /* highest committed seq known here */
	struct stream_event *ring;
	int cap, count, start;       /* ring[start] is the oldest */
	int max;                     /* the most events the ring grows to */
	struct stream_sub *subs;
	int nsubs;
};

/* A store's stream, its head at seq head, keeping up to max recent events. */
void stream_init(struct stream *s, int64_t sid, int64_t head, int max);
void stream_free(struct stream *s);
/* Add a committed event (seqs arrive in order); text is copied. */
void stream_append(struct stream *s, int64_t seq, const char *text);
void stream_subscribe(struct stream *s, struct stream_sub *sub);
void stream_unsubscribe(struct stream *s, struct stream_sub *sub);
/* Ask every subscriber that is behind for a WRITEABLE. */
void stream_wake(struct stream *s);

/* The next event after sub's cursor. Returns a buffer with LWS_PRE bytes
 * of headroom (*owned set when the caller must free it, for events read
 * from the database), its length and seq; NULL when there is none. */
unsigned char *stream_next(struct stream *s, struct store *reader,
    const struct stream_sub *sub, size_t *len, int64_t *seq, bool *owned);

#endif
