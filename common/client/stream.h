/* stream: the live event feed (libwebsockets client of /api/v1/stream).
 * Reassembles fragmented messages, hands events to its user strictly in
 * seq order (no gap, no duplicate), remembers the last seq applied, and
 * reconnects for ever with backoff, resuming after that seq. With several
 * servers (one database behind them), a connection that fails or breaks
 * moves the client on to the next (failover.h) and the stream resumes there
 * after the same seq: their event logs are one, so the log id stays and no
 * resync happens. Runs on the loop thread; its protocol goes in the loop
 * (stream_protocols). */
#ifndef BRIGADE_CLIENT_STREAM_H
#define BRIGADE_CLIENT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "loop.h"

struct client_cfg;
struct clock;

/* The largest message accepted: an order is a few KiB at most. */
#define STREAM_MESSAGE_MAX (1024 * 1024)

enum stream_state {
	STREAM_CONNECTING,           /* first connection under way */
	STREAM_ONLINE,               /* hello received: events flow */
	STREAM_RECONNECTING,         /* lost; trying again (since `since`) */
	STREAM_UNAUTHORIZED,         /* the server refused the token */
};

const char *stream_state_name(enum stream_state s);

struct stream_status {
	enum stream_state state;
	int64_t since;               /* local wall ms the state began */
	int64_t last_seq;            /* last event applied */
	int64_t head;                /* the server's head at the last hello */
	int attempts;                /* failed connects since last online */
	char error[160];             /* why the last connection ended */
	char log_id[40];             /* the identity of the server's event log */
	char server[80];             /* "host:port" of the server it follows or
	                                tries */
};

struct stream_handlers {
	/* An event, in order: seq is last_seq + 1 or more (the log may skip
	 * seqs only if the server says so; it does not). Return 0, or -1 to
	 * be handed it again after a reconnect. */
	int (*event)(void *ctx, int64_t seq, const cJSON *event);
	/* The server's log is behind what was asked (a replaced database):
	 * take a fresh snapshot; events after head follow. */
	void (*resync)(void *ctx, int64_t head);
	/* The state or its details changed. */
	void (*status)(void *ctx, const struct stream_status *st);
	void *ctx;
};

/* The protocol to give loop_new. */
const struct loop_protocols *stream_protocols(void);

/* The servers of cfg (http:// -> ws://, https:// -> wss://), its
 * insecure setting, and its shared failover when it has one. */
struct stream *stream_new(struct loop *l, const struct client_cfg *cfg,
    struct clock *clk, const struct stream_handlers *h);
void stream_free(struct stream *s);
void stream_set_token(struct stream *s, const char *token);
/* Connect, asking for events after `after`; after < 0: live events only. */
void stream_start(struct stream *s, int64_t after);
/* The event log last followed (from a saved cache; "" when unknown): a
 * hello naming another one means the numbers start over (a restored
 * database), so the stream resyncs whatever its last seq. */
void stream_set_log_id(struct stream *s, const char *id);
const struct stream_status *stream_status(const struct stream *s);

#endif
