/* api: REST requests over libwebsockets' HTTP client, with error mapping,
 * login and backoff. Each struct api has its own lws context, serviced only
 * inside api_poll on the api's thread. */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libwebsockets.h>
#include <netdb.h>

#include "cfg.h"
#include "clock.h"
#include "log.h"
#include "tls.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

/* Our server's largest answer is an order list of 2,000 orders; anything
 * far beyond that is not our server talking. */
#define API_RESPONSE_MAX (64u * 1024 * 1024)
#define API_BACKOFF_BASE_MS 200
#define API_BACKOFF_CAP_MS 5000

static const char *const api_err_names[API_ERR_COUNT] = {
	[API_OK] = "ok",
	[API_ERR_NETWORK] = "network",
	[API_ERR_TLS] = "tls",
	[API_ERR_BAD_RESPONSE] = "bad_response",
	[API_ERR_SERVER] = "server",
	[API_ERR_RATE_LIMITED] = "rate_limited",
	[API_ERR_UNAUTHORIZED] = "unauthorized",
	[API_ERR_FORBIDDEN] = "forbidden",
	[API_ERR_NOT_FOUND] = "not_found",
	[API_ERR_CONFLICT] = "conflict",
	[API_ERR_INVALID] = "invalid",
	[API_ERR_IDEMPOTENCY] = "idempotency",
	[API_ERR_REJECTED] = "rejected",
};

/* HTTP statuses to errors; ranges are matched in order. */
static const struct {
	int lo, hi;
	enum api_err err;
} status_map[] = {
	{ 200, 299, API_OK },
	{ 400, 400, API_ERR_INVALID },
	{ 401, 401, API_ERR_UNAUTHORIZED },
	{ 403, 403, API_ERR_FORBIDDEN },
	{ 404, 404, API_ERR_NOT_FOUND },
	{ 408, 408, API_ERR_NETWORK },
	{ 409, 409, API_ERR_CONFLICT },
	{ 411, 411, API_ERR_INVALID },
	{ 413, 413, API_ERR_INVALID },
	{ 422, 422, API_ERR_INVALID },
	{ 429, 429, API_ERR_RATE_LIMITED },
	{ 400, 499, API_ERR_REJECTED },
	{ 500, 599, API_ERR_SERVER },
	{ 0, 199, API_ERR_BAD_RESPONSE },
	{ 300, 399, API_ERR_BAD_RESPONSE },
};

/* Server error codes that say more than their status. */
static const struct {
	const char *code;
	enum api_err err;
} code_map[] = {
	{ "idempotency_key_reused", API_ERR_IDEMPOTENCY },
	{ "account_locked", API_ERR_RATE_LIMITED },
	{ "storage_error", API_ERR_SERVER },
};

#define API_PROTOCOL "brigade-rest"

/* One request. It lives on a->active while it runs and on a->done once it
 * has an outcome, until api_poll hands it over. */
struct transfer {
	struct api *a;
	struct lws *wsi;             /* the connection carrying it, if any */
	int lane;
	char method[8];
	char *path;
	unsigned char *wire;         /* LWS_PRE bytes, then the request body */
	size_t body_len;
	bool has_body;
	char auth[160];              /* "Bearer ...", or "" */
	char idem[128];
	struct strbuf resp;
	int status;
	bool answered;               /* the status line and headers came */
	bool retried;                /* sent again on a new connection */
	bool settled;                /* has its outcome */
	bool failed;                 /* no whole answer: err, code, message */
	enum api_err err;
	char code[32];
	char message[256];
	int64_t sent_ms, server_time;
	lws_sorted_usec_list_t deadline;
	void *tag;
	struct transfer *next;
};

/* Connections are kept open, one per lane; a lane is an lws vhost, since
 * lws queues the requests to one server on one kept connection per vhost.
 * Eight lanes let the outbox's window of eight go at once. */
#define API_LANES 8

struct api_lane {
	struct lws_vhost *vh;
	int busy;                    /* requests on it now */
};

struct api {
	struct client_cfg cfg;
	struct server_addr addr;
	struct clock *clk;
	struct lws_context *ctx;
	struct api_lane lanes[API_LANES];
	struct lws_protocols protocols[2];
	struct transfer *active;
	struct transfer *done, **done_tail;
	struct transfer *spare;      /* finished transfers kept for reuse */
	int inflight;                /* started and not yet handed over */
	lws_sorted_usec_list_t wake; /* bounds the wait in api_poll */
	char tls_error[300];         /* why https:// cannot work, or "" */
	bool woken;
	struct api_session sess;
};

const char *
api_err_name(enum api_err e)
{
	return (unsigned)e < API_ERR_COUNT ? api_err_names[e] : "unknown";
}

bool
api_err_transient(enum api_err e)
{
	return e == API_ERR_NETWORK || e == API_ERR_TLS || e == API_ERR_BAD_RESPONSE ||
	    e == API_ERR_SERVER || e == API_ERR_RATE_LIMITED;
}

void
api_reply_init(struct api_reply *r)
{
	memset(r, 0, sizeof *r);
}

void
api_reply_free(struct api_reply *r)
{
	free(r->body);
	cJSON_Delete(r->json);
	api_reply_init(r);
}

static int on_http(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len);

struct api *
api_new(const struct client_cfg *cfg, struct clock *clk)
{
	struct lws_context_creation_info info;
	struct api *a = xcalloc(1, sizeof *a);

	a->cfg = *cfg;
	a->clk = clk;
	a->done_tail = &a->done;
	/* cfg_set has checked the URL; a bad one fails each request instead */
	if (cfg_server_addr(cfg->server, &a->addr) < 0)
		a->addr.port = 0;
	a->protocols[0].name = API_PROTOCOL;
	a->protocols[0].callback = on_http;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = a->protocols;
	info.user = a;
	info.fd_limit_per_thread = 64;
	/* lws's own connect timer, in whole seconds; our deadline is finer */
	info.timeout_secs = (unsigned)(cfg->connect_timeout_ms + 999) / 1000 + 1;
	if (a->addr.tls) {
		info.provided_client_ssl_ctx = client_tls_acquire(cfg->ca_file, a->tls_error,
		    sizeof a->tls_error);
		if (info.provided_client_ssl_ctx != NULL)
			info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	}
	client_tls_log_setup();
	info.options |= LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	a->ctx = lws_create_context(&info);
	if (a->ctx == NULL)
		abort();
	/* lws 4.1 keeps the name's pointer: the names are string literals */
	static const char *const lane_names[API_LANES] = {
		"rest0", "rest1", "rest2", "rest3", "rest4", "rest5", "rest6", "rest7",
	};
	for (int k = 0; k < API_LANES; k++) {
		info.vhost_name = lane_names[k];
		a->lanes[k].vh = lws_create_vhost(a->ctx, &info);
		if (a->lanes[k].vh == NULL)
			abort();
	}
	return a;
}

static void
transfer_wipe(struct transfer *t)
{
	if (t->wire != NULL) {
		explicit_bzero(t->wire + LWS_PRE, t->body_len);
		free(t->wire);
		t->wire = NULL;
	}
	free(t->path);
	t->path = NULL;
	explicit_bzero(t->auth, sizeof t->auth);
}

static void
transfer_destroy(struct transfer *t)
{
	transfer_wipe(t);
	strbuf_free(&t->resp);
	free(t);
}

void
api_free(struct api *a)
{
	struct transfer *t;

	if (a == NULL)
		return;
	/* closing the context closes every connection; nobody hears of them */
	for (t = a->active; t != NULL; t = t->next) {
		if (t->wsi != NULL)
			lws_set_opaque_user_data(t->wsi, NULL);
	}
	lws_context_destroy(a->ctx);
	if (a->addr.tls && a->tls_error[0] == '\0')
		client_tls_release();
	while ((t = a->active) != NULL) {
		a->active = t->next;
		transfer_destroy(t);
	}
	while ((t = a->done) != NULL) {
		a->done = t->next;
		transfer_destroy(t);
	}
	while ((t = a->spare) != NULL) {
		a->spare = t->next;
		transfer_destroy(t);
	}
	explicit_bzero(&a->sess, sizeof a->sess);
	explicit_bzero(&a->cfg.pin, sizeof a->cfg.pin);
	free(a);
}

const struct api_session *
api_session(const struct api *a)
{
	return &a->sess;
}

bool
api_logged_in(const struct api *a)
{
	return a->sess.token[0] != '\0';
}

void
api_forget_token(struct api *a)
{
	explicit_bzero(a->sess.token, sizeof a->sess.token);
}

int64_t
api_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms)
{
	int64_t d = base_ms;
	uint32_t r;

	for (int i = 1; i < attempt && d < cap_ms; i++)
		d *= 2;
	if (d > cap_ms)
		d = cap_ms;
	util_random(&r, sizeof r);
	return d / 2 + (int64_t)(r % (uint32_t)(d / 2 + 1));
}

/* The transfer has its outcome: off the active list, onto the done list,
 * and no longer tied to a connection or a timer. */
static void
settle(struct transfer *t)
{
	struct api *a = t->a;
	struct transfer **pp;

	if (t->settled)
		return;
	t->settled = true;
	for (pp = &a->active; *pp != NULL && *pp != t; pp = &(*pp)->next)
		;
	if (*pp != t)
		return;   /* settled already */
	*pp = t->next;
	t->next = NULL;
	*a->done_tail = t;
	a->done_tail = &t->next;
	a->lanes[t->lane].busy--;
	lws_sul_cancel(&t->deadline);
	if (t->wsi != NULL)
		lws_set_opaque_user_data(t->wsi, NULL);
	t->wsi = NULL;
}

static void connect_transfer(struct transfer *t, bool pipeline);

static void
fail(struct transfer *t, enum api_err err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
fail(struct transfer *t, enum api_err err, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (t->settled)
		return;
	t->failed = true;
	t->err = err;
	xstrlcpy(t->code, code, sizeof t->code);
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	settle(t);
}

/* A kept-open connection the server closed meanwhile fails the request
 * queued on it before any answer: send it once more on a new connection,
 * as HTTP clients do, when that cannot do anything twice (a read, a login,
 * or a change carrying an Idempotency-Key). */
static bool
resend(struct transfer *t)
{
	if (t->answered || t->retried || t->settled)
		return false;
	if (strcmp(t->method, "GET") != 0 && t->idem[0] == '\0' && t->auth[0] != '\0')
		return false;
	t->retried = true;
	if (t->wsi != NULL)
		lws_set_opaque_user_data(t->wsi, NULL);
	connect_transfer(t, false);
	return true;
}

/* lws says why a connection failed only in words; sort them. */
static void
fail_connection(struct transfer *t, const char *why)
{
	char low[200];
	size_t i;

	if (why == NULL || why[0] == '\0')
		why = "the connection failed";
	for (i = 0; why[i] != '\0' && i + 1 < sizeof low; i++)
		low[i] = (char)((unsigned char)why[i] < 0x20 || why[i] == 0x7f ? ' ' :
		    (why[i] >= 'A' && why[i] <= 'Z' ? why[i] + 32 : why[i]));
	low[i] = '\0';
	bool tls = strstr(low, "cert") != NULL || strstr(low, "verif") != NULL ||
	    strstr(low, "tls") != NULL || strstr(low, "ssl") != NULL;
	const char *detail = tls ? client_tls_last_lws_error() : "";

	if (tls && (strstr(low, "cert") != NULL || strstr(detail, "certificate") != NULL))
		fail(t, API_ERR_TLS, "tls_certificate",
		    "the server's TLS certificate was refused (%s)", detail[0] != '\0' ? detail : low);
	else if (tls)
		fail(t, API_ERR_TLS, "tls", "TLS failed: %s", low);
	else if (strstr(low, "hs:") != NULL || strstr(low, "bad") != NULL ||
	    strstr(low, "response") != NULL || strstr(low, "header") != NULL)
		fail(t, API_ERR_BAD_RESPONSE, "bad_response",
		    "the server's answer is not HTTP we understand (%s)", low);
	else if (strstr(low, "dns") != NULL || strstr(low, "getaddrinfo") != NULL ||
	    strstr(low, "resolv") != NULL)
		fail(t, API_ERR_NETWORK, "unresolved", "cannot resolve %s (%s)",
		    t->a->addr.host, low);
	else if (strstr(low, "timeout") != NULL || strstr(low, "timed out") != NULL)
		fail(t, API_ERR_NETWORK, "timeout", "no answer from %s:%d in time (%s)",
		    t->a->addr.host, t->a->addr.port, low);
	else if (resend(t))
		return;
	else if (strstr(low, "connect") != NULL || strstr(low, "refused") != NULL ||
	    strstr(low, "unreachable") != NULL)
		fail(t, API_ERR_NETWORK, "unreachable", "cannot reach %s:%d (%s)",
		    t->a->addr.host, t->a->addr.port, low);
	else
		fail(t, API_ERR_NETWORK, "connection_lost",
		    "the connection to %s:%d broke before a whole answer came (%s)",
		    t->a->addr.host, t->a->addr.port, low);
}

static void
on_deadline(lws_sorted_usec_list_t *sul)
{
	struct transfer *t = lws_container_of(sul, struct transfer, deadline);
	struct lws *wsi = t->wsi;

	fail(t, API_ERR_NETWORK, "timeout", "no whole answer from the server within %d ms",
	    t->a->cfg.timeout_ms);
	if (wsi != NULL)
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static int
add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
    unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	    (const unsigned char *)value, (int)strlen(value), p, end);
}

static int
add_headers(struct transfer *t, struct lws *wsi, unsigned char **p, unsigned char *end)
{
	char len[24];

	if (add_header(wsi, "accept:", "application/json", p, end) != 0 ||
	    add_header(wsi, "content-type:", "application/json", p, end) != 0)
		return -1;
	if (t->auth[0] != '\0' && add_header(wsi, "authorization:", t->auth, p, end) != 0)
		return -1;
	if (t->idem[0] != '\0' && add_header(wsi, "idempotency-key:", t->idem, p, end) != 0)
		return -1;
	if (strcmp(t->method, "GET") != 0) {
		snprintf(len, sizeof len, "%zu", t->body_len);
		if (add_header(wsi, "content-length:", len, p, end) != 0)
			return -1;
	}
	if (t->body_len > 0) {
		lws_client_http_body_pending(wsi, 1);
		lws_callback_on_writable(wsi);
	}
	return 0;
}

static void
on_status(struct transfer *t, struct lws *wsi)
{
	char v[32];

	t->answered = true;
	t->status = (int)lws_http_client_http_response(wsi);
	if (lws_hdr_custom_copy(wsi, v, sizeof v, "x-brigade-time:", 15) > 0)
		t->server_time = strtoll(v, NULL, 10);
}

static int
on_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
    size_t len)
{
	struct transfer *t = lws_get_opaque_user_data(wsi);

	if (t != NULL)
		t->wsi = wsi;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (t != NULL)
			fail_connection(t, in);
		return 0;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (t == NULL)
			return -1;
		return add_headers(t, wsi, (unsigned char **)in, *(unsigned char **)in + len);
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		if (t == NULL)
			return -1;
		lws_client_http_body_pending(wsi, 0);
		/* lws keeps what the socket did not take and sends it later */
		if (lws_write(wsi, t->wire + LWS_PRE, t->body_len, LWS_WRITE_HTTP_FINAL) < 0) {
			fail(t, API_ERR_NETWORK, "connection_lost",
			    "the connection broke while sending the request");
			return -1;
		}
		return 0;
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		if (t != NULL)
			on_status(t, wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
		char buf[LWS_PRE + 4096], *px = buf + LWS_PRE;
		int n = (int)sizeof buf - LWS_PRE;

		return lws_http_client_read(wsi, &px, &n) < 0 ? -1 : 0;
	}
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (t == NULL)
			return -1;
		if (t->resp.len + len > API_RESPONSE_MAX) {
			fail(t, API_ERR_BAD_RESPONSE, "response_too_large",
			    "the server's answer is larger than %u MiB", API_RESPONSE_MAX >> 20);
			return -1;
		}
		strbuf_append(&t->resp, in, len);
		return 0;
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP: {
		char conn[16];

		if (t != NULL)
			settle(t);
		/* the server will close it: no request may queue on it */
		if (lws_hdr_copy(wsi, conn, sizeof conn, WSI_TOKEN_CONNECTION) > 0 &&
		    strcasecmp(conn, "close") == 0)
			return -1;
		return 0;
	}
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		if (t == NULL)
			return 0;
		if (t->answered)
			fail(t, API_ERR_BAD_RESPONSE, "truncated_response",
			    "the answer was truncated: the connection closed after %zu bytes",
			    t->resp.len);
		else if (!resend(t))
			fail(t, API_ERR_NETWORK, "connection_closed",
			    "the server closed the connection without answering");
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* Whether a host name resolves: said when lws cannot start a connection
 * (it resolves synchronously and does not say why). Only on that path, and
 * only on the REST client's own thread. */
static bool
name_resolves(const char *host)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (res != NULL)
		freeaddrinfo(res);
	return rc == 0;
}

/* Send t on the connection to the server that is open (pipeline), or on a
 * new one. */
static void
connect_transfer(struct transfer *t, bool pipeline)
{
	struct api *a = t->a;
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof i);
	i.context = a->ctx;
	i.vhost = a->lanes[t->lane].vh;
	i.address = a->addr.host;
	i.port = a->addr.port;
	i.host = a->addr.host;
	i.path = t->path;
	i.method = t->method;
	i.alpn = "http/1.1";
	i.protocol = API_PROTOCOL;
	i.local_protocol_name = API_PROTOCOL;
	i.opaque_user_data = t;
	/* one connection, kept open and reused, requests queued on it */
	i.ssl_connection = pipeline ? LCCSCF_PIPELINE : 0;
	if (a->addr.tls)
		i.ssl_connection |= LCCSCF_USE_SSL;
	if (a->addr.tls && a->cfg.insecure)
		i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
		    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	t->wsi = NULL;
	if (lws_client_connect_via_info(&i) == NULL) {
		if (!name_resolves(a->addr.host))
			fail(t, API_ERR_NETWORK, "unreachable", "the server's name \"%s\" is not "
			    "known (check --server, or the network's DNS)", a->addr.host);
		else
			fail(t, API_ERR_NETWORK, "unreachable", "cannot start a connection to %s:%d",
			    a->addr.host, a->addr.port);
	}
}

void
api_start(struct api *a, const struct api_req *req, void *tag)
{
	struct transfer *t = a->spare;
	size_t n = req->body != NULL ? strlen(req->body) : 0;

	if (t != NULL) {
		a->spare = t->next;
		strbuf_reset(&t->resp);
	} else {
		t = xcalloc(1, sizeof *t);
		strbuf_init(&t->resp);
	}
	t->a = a;
	t->wsi = NULL;
	t->status = 0;
	t->answered = t->retried = t->settled = t->failed = false;
	t->err = API_OK;
	t->code[0] = t->message[0] = '\0';
	t->server_time = 0;
	t->tag = tag;
	xstrlcpy(t->method, req->method, sizeof t->method);
	t->path = xstrdup(req->path);
	t->wire = xmalloc(LWS_PRE + n + 1);
	memcpy(t->wire + LWS_PRE, n > 0 ? req->body : "", n);
	t->body_len = n;
	t->auth[0] = '\0';
	if (!req->no_auth && a->sess.token[0] != '\0')
		snprintf(t->auth, sizeof t->auth, "Bearer %s", a->sess.token);
	xstrlcpy(t->idem, req->idem_key != NULL ? req->idem_key : "", sizeof t->idem);
	t->sent_ms = util_now_ms();
	/* the least busy lane: lane 0 for one request at a time */
	t->lane = 0;
	for (int k = 1; k < API_LANES; k++) {
		if (a->lanes[k].busy < a->lanes[t->lane].busy)
			t->lane = k;
	}
	a->lanes[t->lane].busy++;
	t->next = a->active;
	a->active = t;
	a->inflight++;
	if (a->addr.port == 0) {
		fail(t, API_ERR_NETWORK, "bad_url", "not a server URL: %s", a->cfg.server);
		return;
	}
	if (a->tls_error[0] != '\0') {
		fail(t, API_ERR_TLS, "tls", "%s", a->tls_error);
		return;
	}
	lws_sul_schedule(a->ctx, 0, &t->deadline, on_deadline,
	    (lws_usec_t)a->cfg.timeout_ms * LWS_US_PER_MS);
	connect_transfer(t, true);
}

/* Copy printable text for a message, dropping control characters so that a
 * hostile server cannot put escapes on a terminal. */
static void
copy_text(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src != NULL && *src != '\0' && i + 1 < size; src++)
		dst[i++] = ((unsigned char)*src < 0x20 || *src == 0x7f) ? ' ' : *src;
	dst[i] = '\0';
}

static enum api_err
map_status(int status)
{
	for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++) {
		if (status >= status_map[i].lo && status <= status_map[i].hi)
			return status_map[i].err;
	}
	return API_ERR_BAD_RESPONSE;
}

/* Turn a finished transfer into a reply. */
static void
make_reply(struct api *a, struct transfer *t, struct api_reply *r)
{
	api_reply_init(r);
	r->server_time = t->server_time;
	if (t->server_time > 0 && a->clk != NULL)
		clock_observe(a->clk, t->server_time, t->sent_ms, util_now_ms());
	if (t->failed) {
		r->err = t->err;
		xstrlcpy(r->code, t->code, sizeof r->code);
		copy_text(r->message, sizeof r->message, t->message);
		return;
	}
	r->status = t->status;
	r->len = t->resp.len;
	r->body = strbuf_detach(&t->resp, NULL);
	if (r->body == NULL)
		r->body = xstrdup("");
	if (r->len > 0)
		r->json = cJSON_ParseWithLengthOpts(r->body, r->len + 1, NULL, true);   /* + the NUL, which cJSON wants to see */
	r->err = map_status(r->status);
	if (r->err == API_OK) {
		if (r->len > 0 && r->json == NULL) {
			r->err = API_ERR_BAD_RESPONSE;
			xstrlcpy(r->code, "bad_response", sizeof r->code);
			snprintf(r->message, sizeof r->message,
			    "the server answered %d with a body that is not JSON", r->status);
		}
		return;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r->json, "error");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	const cJSON *field = cJSON_GetObjectItemCaseSensitive(e, "field");

	if (cJSON_IsString(code)) {
		copy_text(r->code, sizeof r->code, code->valuestring);
		for (size_t i = 0; i < sizeof code_map / sizeof code_map[0]; i++) {
			if (strcmp(code_map[i].code, r->code) == 0)
				r->err = code_map[i].err;
		}
	} else {
		snprintf(r->code, sizeof r->code, "http_%d", r->status);
	}
	if (cJSON_IsString(field))
		copy_text(r->field, sizeof r->field, field->valuestring);
	if (cJSON_IsString(msg))
		copy_text(r->message, sizeof r->message, msg->valuestring);
	else
		snprintf(r->message, sizeof r->message, "the server answered HTTP %d%s",
		    r->status, r->json == NULL ? " without a JSON error" : "");
}

static void
on_wake(lws_sorted_usec_list_t *sul)
{
	struct api *a = lws_container_of(sul, struct api, wake);

	a->woken = true;
}

int
api_poll(struct api *a, int timeout_ms, api_done_fn done, void *ctx)
{
	struct transfer *t;

	if (a->done == NULL && a->inflight > 0) {
		a->woken = false;
		lws_sul_schedule(a->ctx, 0, &a->wake, on_wake,
		    (lws_usec_t)(timeout_ms > 0 ? timeout_ms : 1) * LWS_US_PER_MS);
		while (a->done == NULL && !a->woken) {
			if (lws_service(a->ctx, 0) < 0)
				break;
		}
		lws_sul_cancel(&a->wake);
	}
	while ((t = a->done) != NULL) {
		struct api_reply reply;

		a->done = t->next;
		if (a->done == NULL)
			a->done_tail = &a->done;
		a->inflight--;
		make_reply(a, t, &reply);
		transfer_wipe(t);
		t->next = a->spare;
		a->spare = t;
		done(ctx, t->tag, &reply);
		api_reply_free(&reply);
	}
	return a->inflight;
}

int
api_inflight(const struct api *a)
{
	return a->inflight;
}

struct one_call {
	bool done;
	struct api_reply *reply;
};

static void
one_done(void *ctx, void *tag, struct api_reply *reply)
{
	struct one_call *c = ctx;

	if (tag != c)
		return;
	*c->reply = *reply;
	api_reply_init(reply);   /* ownership moves to the caller */
	c->done = true;
}

/* One request, start to finish, nothing else in flight. */
static enum api_err
run_one(struct api *a, const struct api_req *req, struct api_reply *reply)
{
	struct one_call c = { false, reply };

	api_reply_init(reply);
	api_start(a, req, &c);
	while (!c.done)
		api_poll(a, 1000, one_done, &c);
	return reply->err;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

enum api_err
api_login(struct api *a, struct api_reply *out)
{
	struct api_req req = { "POST", "/api/v1/auth/login", NULL, NULL, true };
	struct api_reply local, *r = out != NULL ? out : &local;
	cJSON *j = cJSON_CreateObject();
	char *body;

	cJSON_AddStringToObject(j, "staff", a->cfg.staff);
	cJSON_AddStringToObject(j, "pin", a->cfg.pin);
	cJSON_AddStringToObject(j, "terminal", a->cfg.terminal);
	body = cJSON_PrintUnformatted(j);
	if (body == NULL)
		abort();
	cJSON *pin = cJSON_GetObjectItemCaseSensitive(j, "pin");
	explicit_bzero(pin->valuestring, strlen(pin->valuestring));
	cJSON_Delete(j);
	req.body = body;
	api_forget_token(a);
	if (a->cfg.staff[0] == '\0' || a->cfg.pin[0] == '\0') {
		api_reply_init(r);
		r->err = API_ERR_UNAUTHORIZED;
		xstrlcpy(r->code, "no_credentials", sizeof r->code);
		xstrlcpy(r->message, "no staff code and PIN configured (--staff, --pin, "
		    "BRIGADE_STAFF, BRIGADE_PIN or the config file)", sizeof r->message);
	} else {
		run_one(a, &req, r);
	}
	explicit_bzero(body, strlen(body));
	free(body);
	if (r->err == API_OK) {
		const cJSON *tok = cJSON_GetObjectItemCaseSensitive(r->json, "token");
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(r->json, "role");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(r->json, "name");
		const cJSON *exp = cJSON_GetObjectItemCaseSensitive(r->json, "expires_at");
		int rl = cJSON_IsString(role) ? role_parse(role->valuestring) : -1;

		if (!cJSON_IsString(tok) || strlen(tok->valuestring) >= sizeof a->sess.token ||
		    rl < 0) {
			r->err = API_ERR_BAD_RESPONSE;
			xstrlcpy(r->code, "bad_response", sizeof r->code);
			xstrlcpy(r->message, "the login answer has no usable token or role",
			    sizeof r->message);
		} else {
			xstrlcpy(a->sess.token, tok->valuestring, sizeof a->sess.token);
			a->sess.role = (enum staff_role)rl;
			xstrlcpy(a->sess.staff, a->cfg.staff, sizeof a->sess.staff);
			copy_text(a->sess.name, sizeof a->sess.name,
			    cJSON_IsString(name) ? name->valuestring : "");
			a->sess.expires_at = cJSON_IsNumber(exp) ? (int64_t)exp->valuedouble : 0;
			explicit_bzero(tok->valuestring, strlen(tok->valuestring));
		}
	}
	/* the answer carries the token: never keep it in the body text */
	if (r->body != NULL)
		explicit_bzero(r->body, r->len);
	enum api_err e = r->err;

	if (e != API_OK)
		log_warn("login as %s failed: %s (%s)", a->cfg.staff, r->message, r->code);
	if (r == &local)
		api_reply_free(&local);
	return e;
}

enum api_err
api_call(struct api *a, const struct api_req *req, int attempts,
    struct api_reply *reply)
{
	bool relogged = false;

	if (attempts < 1)
		attempts = 1;
	api_reply_init(reply);
	for (int attempt = 1;; attempt++) {
		enum api_err e;
		bool fresh = false;      /* this turn logged in */

		api_reply_free(reply);
		if (!req->no_auth && !api_logged_in(a)) {
			e = api_login(a, reply);
			fresh = e == API_OK;
		} else {
			e = API_OK;
		}
		if (e == API_OK) {
			api_reply_free(reply);
			e = run_one(a, req, reply);
			if (e == API_ERR_UNAUTHORIZED && !req->no_auth && (fresh || relogged)) {
				/* refused with the token a login just gave: logging in
				 * again would only do the same, and open one more
				 * session on the server each time */
				char was[sizeof reply->message];

				xstrlcpy(was, reply->message, sizeof was);
				snprintf(reply->message, sizeof reply->message,
				    "the server refused the request right after a successful login "
				    "(HTTP 401: %s); is a proxy between here and the server removing "
				    "the Authorization header?", was);
				log_warn("%s %s: %s", req->method, req->path, reply->message);
				return e;
			}
			if (e == API_ERR_UNAUTHORIZED && !req->no_auth) {
				/* the session ended (expired, server restarted with a
				 * new database): log in again once, at no attempt's cost */
				api_forget_token(a);
				relogged = true;
				attempt--;
				continue;
			}
		}
		if (!api_err_transient(e) || attempt >= attempts)
			return e;
		log_info("%s %s: %s, retrying (%d of %d)", req->method, req->path,
		    reply->message, attempt + 1, attempts);
		sleep_ms(api_backoff_ms(attempt, API_BACKOFF_BASE_MS, API_BACKOFF_CAP_MS));
	}
}
