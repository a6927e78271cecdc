/* http: the request/response mechanics of brigade-server on libwebsockets,
 * shared by the route handlers (routes.c) and the protocol callback
 * (http.c). */
#ifndef BRIGADE_HTTP_H
#define BRIGADE_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "h1.h"
#include "server.h"

struct pss;
typedef void (*route_handler)(struct server *s, struct lws *wsi, struct pss *p);

/* One row of the routes table. A pattern segment "{x}" captures one path
 * segment into p->arg[n]. roles is the ROLE_BIT set allowed (0: public). */
struct route {
	enum http_method method;
	const char *pattern;
	route_handler handler;
	unsigned roles;
	bool body;                   /* the handler reads a JSON body */
	const char *name;            /* metrics label */
	size_t body_max;             /* largest body (0: MAX_BODY) */
};

extern const struct route routes[];
extern const int nroutes;

/* Where a connection is: reading a head, reading a body, running its
 * handler, waiting on a worker, its answer queued, streaming, or closing
 * once what is queued has gone. */
enum conn_state { C_HEAD, C_BODY, C_RUNNING, C_WAITING, C_ANSWERED, C_WS, C_CLOSING };

/* Per-connection state; lws allocates it zeroed for each connection and the
 * request part is reset for each request on a kept-alive connection. */
struct pss {
	enum conn_state state;
	struct strbuf in;            /* read, not yet consumed (pipelined too) */
	size_t head_scanned;         /* see h1_parse */
	bool head_started;           /* a head's first bytes are in */
	bool rx_held;                /* too far ahead: not read for now */
	unsigned char peer[16];      /* the client's address */
	bool counted;                /* counted against it */
	unsigned char *out;          /* LWS_PRE bytes of headroom, then bytes */
	size_t out_len;
	bool is_ws;
	/* the request */
	enum http_method method;
	char path[H1_PATH_MAX];
	char query[H1_QUERY_MAX];
	const struct route *route;
	char arg[2][72];
	size_t body_len;
	struct strbuf body;
	int64_t start_us;
	char client[64];             /* the client's address: the connection's,
	                                or a trusted proxy's X-Forwarded-For */
	bool authed;
	struct caller caller;
	struct shop *shop;           /* the caller's store (authed requests) */
	char token_hash[65];
	char idem_key[IDEM_KEY_MAX + 1];
	int deferred_status;         /* an error found before the body ended */
	uint64_t store_mark;         /* the reader's failed reads as its handler
	                                began, plus one (0: no handler running) */
	char *deferred_body;
	uint64_t req_id;             /* waiting on a worker when nonzero */
	/* the answer */
	int status;
	char allow[64];              /* the Allow header of a 405 */
	int retry_after;             /* seconds: the Retry-After of a 429 */
	bool close_after;
	/* the stream */
	struct stream_sub sub;
	int64_t ws_last_rx_ms;       /* the client's last frame */
	int64_t ws_ping_sent_ms;     /* a ping awaiting its pong, or 0 */
};

/* Queue a response (the body is copied) and ask for WRITEABLE. */
void http_respond(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *ctype, const char *body, size_t len);
void http_respond_json(struct server *s, struct lws *wsi, struct pss *p,
    int status, const char *json);
void http_error(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *code, const char *field, const char *message);
/* Hand a job to a worker; the response follows when it is done. */
void http_submit(struct server *s, struct lws *wsi, struct pss *p,
    struct job *j, bool via_auth);
/* A query argument's value ("" when absent); false if too long. */
bool http_query(struct lws *wsi, const char *name, char *out, int size);

/* Free the count of connections per client address (at exit). */
void http_free_peers(struct server *s);

/* Close every stream of a revoked login (token_hash) or staff member. */
void http_close_streams(struct server *s, const char *token_hash,
    int64_t staff_id);

#endif
