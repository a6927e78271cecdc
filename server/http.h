/* http: the request/response mechanics of brigade-server on libwebsockets,
 * shared by the route handlers (routes.c) and the protocol callback
 * (http.c). */
#ifndef BRIGADE_HTTP_H
#define BRIGADE_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"

enum http_method { M_GET, M_POST, M_PATCH, M_PUT, M_DELETE, M_OTHER, M_COUNT };

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
};

extern const struct route routes[];
extern const int nroutes;

/* Per-connection state; lws allocates it zeroed for each connection and it
 * is reset at the start of each request on a kept-alive connection. */
struct pss {
	bool is_ws;
	/* the request */
	enum http_method method;
	char path[256];
	const struct route *route;
	char arg[2][72];
	struct strbuf body;
	bool body_too_large;
	int64_t start_us;
	bool authed;
	struct caller caller;
	char token_hash[65];
	char idem_key[IDEM_KEY_MAX + 1];
	int deferred_status;         /* an error found before the body ended */
	char *deferred_body;
	uint64_t req_id;             /* waiting on a worker when nonzero */
	/* the response */
	bool resp_ready;
	int status;
	const char *ctype;
	unsigned char *resp;         /* LWS_PRE bytes of headroom, then body */
	size_t resp_len;
	char allow[64];              /* the Allow header of a 405 */
	bool close_after;
	/* the stream */
	struct stream_sub sub;
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

/* Close every stream of a revoked login (token_hash) or staff member. */
void http_close_streams(struct server *s, const char *token_hash,
    int64_t staff_id);

#endif
