/* api: the REST client (libcurl's multi interface). A struct api belongs
 * to one thread (the worker, or a command-line program): it keeps the
 * bearer token and a multi handle whose connection cache keeps up to eight
 * connections to the server open, so that eight requests go at once.
 * libcurl brings proxies (https_proxy, http_proxy, no_proxy), the system's
 * CA store, IPv6 and a threaded resolver. Results are parsed: JSON bodies,
 * and errors turned into an enum api_err plus the server's code, field and
 * message. */
#ifndef BRIGADE_CLIENT_API_H
#define BRIGADE_CLIENT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cfg.h"
#include "order.h"

struct client_cfg;
struct clock;

enum api_err {
	API_OK,
	API_ERR_NETWORK,        /* no connection, connection lost, timeout */
	API_ERR_TLS,            /* certificate or handshake refused */
	API_ERR_BAD_RESPONSE,   /* not our protocol: garbage, truncated, too big */
	API_ERR_SERVER,         /* 5xx */
	API_ERR_RATE_LIMITED,   /* 429 (a locked account, too many tries) */
	API_ERR_UNAUTHORIZED,   /* 401: no token, expired, wrong PIN */
	API_ERR_FORBIDDEN,      /* 403: the role may not do this */
	API_ERR_NOT_FOUND,      /* 404 */
	API_ERR_CONFLICT,       /* 409: illegal transition, version conflict */
	API_ERR_INVALID,        /* 400, 413, 422: the request itself is wrong */
	API_ERR_IDEMPOTENCY,    /* 422 idempotency_key_reused */
	API_ERR_REJECTED,       /* any other 4xx */
	API_ERR_COUNT
};

const char *api_err_name(enum api_err e);
/* Whether trying the same request again later may succeed: network, TLS,
 * bad responses, 5xx and 429. Everything else is the request's fault. */
bool api_err_transient(enum api_err e);

struct api_reply;
/* Whether a failure says the server asked is away rather than the request
 * wrong, so that the next server in the list should be tried: no
 * connection, a timeout or a broken one (network), a TLS handshake that
 * failed, a truncated or non-HTTP answer, and 502, 503 and 504 (a proxy
 * without a backend; brigade-server's own 503, its database down, is the
 * same on every instance, so moving on costs one request and the callers'
 * backoff keeps it from going round hot). */
bool api_reply_moves_on(const struct api_reply *r);

struct api_req {
	const char *method;          /* "GET", "POST", "PATCH" */
	const char *path;            /* "/api/v1/orders?status=PAID" */
	const char *body;            /* JSON text or NULL */
	const char *idem_key;        /* Idempotency-Key header or NULL */
	bool no_auth;                /* send no bearer token (login) */
};

struct api_reply {
	enum api_err err;
	int status;                  /* HTTP status, 0 when none came */
	char *body;                  /* malloc'd, NUL-terminated, or NULL */
	size_t len;
	cJSON *json;                 /* the parsed body, when it was JSON */
	char code[32];               /* the server's error code, or ours */
	char field[64];
	char message[256];           /* a sentence for people */
	int64_t server_time;         /* x-brigade-time, 0 when absent */
	char server[80];             /* "host:port" of the server asked */
	int server_index;            /* its place in the server list */
	bool moved;                  /* this failure moved the client on to the
	                                next server (failover.h) */
};

void api_reply_init(struct api_reply *r);
void api_reply_free(struct api_reply *r);

/* The identity the login gave. */
struct api_session {
	char token[128];
	enum staff_role role;
	char staff[STAFF_MAX + 1];
	char store[CFG_STORE_MAX + 1]; /* the store of the login ("main") */
	char name[NAME_MAX_ + 1];
	int64_t expires_at;
};

struct api *api_new(const struct client_cfg *cfg, struct clock *clk);
void api_free(struct api *a);

/* The body of POST /api/v1/auth/login for c: staff, pin, terminal, and
 * store when c->store is set; malloc'd, the caller wipes and frees it. */
char *api_login_body(const struct client_cfg *c);

/* POST /api/v1/auth/login with the configured staff and PIN. The PIN is
 * never logged, and the request body is wiped after use. */
enum api_err api_login(struct api *a, struct api_reply *reply);
const struct api_session *api_session(const struct api *a);
bool api_logged_in(const struct api *a);
void api_forget_token(struct api *a);
/* Take over a login another client made (its token and identity). */
void api_adopt(struct api *a, const struct api_session *s);
/* The PIN the next login uses (the person changed theirs). */
void api_set_pin(struct api *a, const char *pin);

/* One request, waiting for its answer: logs in first when needed, logs in
 * again once on a 401 with an older token (a 401 right after a login is
 * the answer, with a message saying so: no login loop), and retries network errors, 5xx and 429 up to
 * `attempts` times with exponential backoff and jitter. With several
 * servers, an attempt that finds its server away (api_reply_moves_on)
 * goes on at once with the next one, until each was tried once; only then
 * does it count, and the backoff comes before the next round. A request
 * with an Idempotency-Key carries the same key to every server. For the worker
 * thread and command-line programs only: it blocks. */
enum api_err api_call(struct api *a, const struct api_req *req, int attempts,
    struct api_reply *reply);

/* Several requests at once, for the outbox sender. api_start queues one
 * (copying everything it needs); api_poll runs transfers for at most
 * timeout_ms and calls done for each that finished. Returns the number
 * still in flight. No login or retry here: the caller decides. */
typedef void (*api_done_fn)(void *ctx, void *tag, struct api_reply *reply);
void api_start(struct api *a, const struct api_req *req, void *tag);
int api_poll(struct api *a, int timeout_ms, api_done_fn done, void *ctx);
int api_inflight(const struct api *a);
/* How many servers the api may use (1 when only one is configured). */
int api_servers(const struct api *a);

/* Backoff before attempt n (1-based), in ms: exponential from base, capped,
 * with full jitter (a random value in [d/2, d]) so that many terminals that
 * lost the server together do not come back in step. */
int64_t api_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms);

#endif
