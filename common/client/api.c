/* api: REST requests over libcurl's multi interface, with error mapping,
 * login and backoff. Each struct api has its own multi handle, driven only
 * inside api_poll on the api's thread; libcurl resolves names on threads of
 * its own, so a slow DNS never holds api_poll past its timeout. */
#include "api.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "cfg.h"
#include "clock.h"
#include "failover.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

/* Our server's largest answer is an order list of 2,000 orders; anything
 * far beyond that is not our server talking. */
#define API_RESPONSE_MAX (64u * 1024 * 1024)
#define API_BACKOFF_BASE_MS 200
#define API_BACKOFF_CAP_MS 5000
/* Connections kept open to the server: the outbox's window of eight goes
 * out at once, each request on a connection of its own (HTTP/1.1), or all
 * on one when the server speaks HTTP/2. */
#define API_CONNECTIONS 8L

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

/* libcurl's failures to ours. say is the sentence people read; curl's own
 * words follow it in brackets. A timeout and a name that does not resolve
 * have sentences of their own (curl_failed); anything not listed is a
 * network error. */
static const struct {
	CURLcode rc;
	enum api_err err;
	const char *code;
	const char *say;
} curl_map[] = {
	{ CURLE_COULDNT_CONNECT, API_ERR_NETWORK, "unreachable", "cannot reach the server" },
	{ CURLE_COULDNT_RESOLVE_PROXY, API_ERR_NETWORK, "unreachable",
	  "the proxy's name is not known (check https_proxy, http_proxy and no_proxy)" },
	{ CURLE_GOT_NOTHING, API_ERR_NETWORK, "connection_closed",
	  "the server closed the connection without answering" },
	{ CURLE_SEND_ERROR, API_ERR_NETWORK, "connection_lost",
	  "the connection broke while sending the request" },
	{ CURLE_RECV_ERROR, API_ERR_NETWORK, "connection_lost",
	  "the connection broke before a whole answer came" },
	{ CURLE_PARTIAL_FILE, API_ERR_BAD_RESPONSE, "truncated_response",
	  "the answer was truncated" },
	{ CURLE_WEIRD_SERVER_REPLY, API_ERR_BAD_RESPONSE, "bad_response",
	  "the server's answer is not HTTP we understand" },
	{ CURLE_UNSUPPORTED_PROTOCOL, API_ERR_BAD_RESPONSE, "bad_response",
	  "the server's answer is not HTTP we understand" },
	{ CURLE_BAD_CONTENT_ENCODING, API_ERR_BAD_RESPONSE, "bad_response",
	  "the server's answer is not HTTP we understand" },
	{ CURLE_HTTP2, API_ERR_BAD_RESPONSE, "bad_response",
	  "the server's answer is not HTTP we understand" },
	{ CURLE_HTTP2_STREAM, API_ERR_BAD_RESPONSE, "bad_response",
	  "the server's answer is not HTTP we understand" },
	{ CURLE_WRITE_ERROR, API_ERR_BAD_RESPONSE, "response_too_large",
	  "the server's answer is too large" },
	{ CURLE_PEER_FAILED_VERIFICATION, API_ERR_TLS, "tls_certificate",
	  "the server's TLS certificate was refused" },
	{ CURLE_SSL_CACERT_BADFILE, API_ERR_TLS, "tls", "cannot read the CA file" },
	{ CURLE_SSL_CERTPROBLEM, API_ERR_TLS, "tls", "TLS failed" },
	{ CURLE_SSL_CIPHER, API_ERR_TLS, "tls", "TLS failed" },
	{ CURLE_SSL_CONNECT_ERROR, API_ERR_TLS, "tls", "TLS failed" },
	{ CURLE_SSL_ENGINE_INITFAILED, API_ERR_TLS, "tls", "TLS failed" },
	{ CURLE_USE_SSL_FAILED, API_ERR_TLS, "tls", "TLS failed" },
};

/* One request: its easy handle (kept for reuse, with its buffers, once the
 * request is over), what it sends and what came back. It is on a->active
 * while libcurl has it, on a->done when it failed before reaching libcurl
 * (a bad URL), and on a->spare afterwards. */
struct transfer {
	CURL *easy;
	struct curl_slist *headers;  /* ours, with the bearer token: wiped */
	char *body;                  /* our copy of the request body: wiped */
	struct strbuf resp;
	bool too_big;                /* we stopped the answer at the cap */
	bool failed;                 /* an outcome of ours: err, code, message */
	enum api_err err;
	char code[32];
	char message[256];
	int64_t sent_ms, server_time;
	struct failover_pick server; /* where it went */
	void *tag;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;
};

struct api {
	struct client_cfg cfg;
	struct failover *fo;         /* which server each request goes to */
	struct clock *clk;
	CURLM *multi;                /* its connection cache, DNS and CA caches;
	                              * made at the first request */
	struct transfer *active;
	struct transfer *done, **done_tail;
	struct transfer *spare;
	int inflight;                /* started and not yet handed over */
	struct api_session sess;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

/* libcurl's global set-up is not thread-safe: once per process, before any
 * handle (the screens make theirs on the worker thread). */
static void
curl_init_once(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		abort();
}

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

bool
api_reply_moves_on(const struct api_reply *r)
{
	switch (r->err) {
	case API_ERR_NETWORK:
	case API_ERR_TLS:
		return true;
	case API_ERR_BAD_RESPONSE:
		return r->status == 0;   /* no HTTP answer, or a cut one */
	case API_ERR_SERVER:
		return r->status == 502 || r->status == 503 || r->status == 504;
	default:
		return false;
	}
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

struct api *
api_new(const struct client_cfg *cfg, struct clock *clk)
{
	struct api *a = xcalloc(1, sizeof *a);

	a->cfg = *cfg;
	a->clk = clk;
	a->done_tail = &a->done;
	a->fo = cfg->failover != NULL ? failover_ref(cfg->failover) : failover_new(cfg);
	a->cfg.failover = NULL;      /* ours is a->fo */
	return a;
}

/* libcurl is set up at the first request, on the thread that owns the api:
 * its global set-up (OpenSSL's included) stays off a screen's way to its
 * first frame. */
static void
ensure_multi(struct api *a)
{
	if (a->multi != NULL)
		return;
	pthread_once(&curl_once, curl_init_once);
	a->multi = curl_multi_init();
	if (a->multi == NULL)
		abort();
	curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, API_CONNECTIONS);
	curl_multi_setopt(a->multi, CURLMOPT_MAXCONNECTS, API_CONNECTIONS);
}

/* Forget what the request carried: the body (a login's PIN) and the
 * headers (the bearer token). */
static void
transfer_wipe(struct transfer *t)
{
	struct curl_slist *h;

	for (h = t->headers; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	if (t->body != NULL) {
		explicit_bzero(t->body, strlen(t->body));
		free(t->body);
		t->body = NULL;
	}
}

static void
transfer_destroy(struct transfer *t)
{
	transfer_wipe(t);
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	strbuf_free(&t->resp);
	free(t);
}

void
api_free(struct api *a)
{
	struct transfer *t;

	if (a == NULL)
		return;
	while ((t = a->active) != NULL) {
		a->active = t->next;
		curl_multi_remove_handle(a->multi, t->easy);
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
	if (a->multi != NULL)
		curl_multi_cleanup(a->multi);   /* closes the kept connections */
	explicit_bzero(&a->sess, sizeof a->sess);
	explicit_bzero(&a->cfg.pin, sizeof a->cfg.pin);
	failover_unref(a->fo);
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
api_adopt(struct api *a, const struct api_session *s)
{
	a->sess = *s;
}

void
api_set_pin(struct api *a, const char *pin)
{
	explicit_bzero(a->cfg.pin, sizeof a->cfg.pin);
	xstrlcpy(a->cfg.pin, pin, sizeof a->cfg.pin);
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

static void
fail(struct transfer *t, enum api_err err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The request has an outcome of ours, whatever libcurl says. */
static void
fail(struct transfer *t, enum api_err err, const char *code, const char *fmt, ...)
{
	va_list ap;

	t->failed = true;
	t->err = err;
	xstrlcpy(t->code, code, sizeof t->code);
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
}

static size_t
on_body(char *ptr, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;

	(void)size;   /* always 1 */
	if (t->resp.len + n > API_RESPONSE_MAX) {
		t->too_big = true;
		return 0;   /* libcurl stops with CURLE_WRITE_ERROR */
	}
	strbuf_append(&t->resp, ptr, n);
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t n, void *ud)
{
	static const char name[] = "x-brigade-time:";
	struct transfer *t = ud;

	(void)size;
	if (n > sizeof name && strncasecmp(ptr, name, sizeof name - 1) == 0) {
		char buf[32];
		size_t len = n - (sizeof name - 1);

		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, ptr + sizeof name - 1, len);
		buf[len] = '\0';
		t->server_time = strtoll(buf, NULL, 10);
	}
	return n;
}

static void
add_header(struct transfer *t, const char *line)
{
	struct curl_slist *h = curl_slist_append(t->headers, line);

	if (h == NULL)
		abort();   /* out of memory */
	t->headers = h;
}

/* Everything libcurl needs for one request. Proxies (https_proxy,
 * http_proxy, no_proxy), the system's CA store and IPv6 are libcurl's
 * defaults, left as they are. */
static void
setup_easy(struct api *a, struct transfer *t, const struct api_req *req)
{
	CURL *e = t->easy;
	char line[256], url[CFG_URL_MAX + 1024];

	snprintf(url, sizeof url, "%s%s", t->server.url, req->path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)a->cfg.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)a->cfg.timeout_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, a->cfg.insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, a->cfg.insecure ? 0L : 2L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* the CA file adds to the system's store (libcurl's CA path) */
	if (a->cfg.ca_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, a->cfg.ca_file);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body != NULL ? t->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
		    (long)(t->body != NULL ? strlen(t->body) : 0));
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	}
	add_header(t, "Accept: application/json");
	add_header(t, "Content-Type: application/json");
	add_header(t, "Expect:");   /* no 100-continue wait before a body */
	if (!req->no_auth && a->sess.token[0] != '\0') {
		snprintf(line, sizeof line, "Authorization: Bearer %s", a->sess.token);
		add_header(t, line);
		explicit_bzero(line, sizeof line);
	}
	if (req->idem_key != NULL && req->idem_key[0] != '\0') {
		snprintf(line, sizeof line, "Idempotency-Key: %s", req->idem_key);
		add_header(t, line);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
}

void
api_start(struct api *a, const struct api_req *req, void *tag)
{
	struct transfer *t = a->spare;

	ensure_multi(a);
	if (t != NULL) {
		a->spare = t->next;
		curl_easy_reset(t->easy);
	} else {
		t = xcalloc(1, sizeof *t);
		strbuf_init(&t->resp);
		t->easy = curl_easy_init();
		if (t->easy == NULL)
			abort();
	}
	strbuf_reset(&t->resp);
	t->too_big = t->failed = false;
	t->err = API_OK;
	t->code[0] = t->message[0] = t->errbuf[0] = '\0';
	t->server_time = 0;
	t->tag = tag;
	t->next = NULL;
	t->body = req->body != NULL ? xstrdup(req->body) : NULL;
	t->sent_ms = util_now_ms();
	a->inflight++;
	if (failover_current(a->fo, &t->server) < 0) {
		/* cfg_set checks the URLs: only a caller that wrote its own */
		fail(t, API_ERR_NETWORK, "bad_url", "not a server URL: %s", t->server.url);
		*a->done_tail = t;
		a->done_tail = &t->next;
		return;
	}
	setup_easy(a, t, req);
	t->next = a->active;
	a->active = t;
	if (curl_multi_add_handle(a->multi, t->easy) != CURLM_OK)
		abort();   /* only a misuse or no memory */
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

/* libcurl could not finish the transfer: say why, in our words first. */
static void
curl_failed(struct api *a, struct transfer *t, CURLcode rc)
{
	const char *detail = t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror(rc);
	size_t i;

	if (t->too_big) {
		fail(t, API_ERR_BAD_RESPONSE, "response_too_large",
		    "the server's answer is larger than %u MiB", API_RESPONSE_MAX >> 20);
		return;
	}
	if (rc == CURLE_COULDNT_RESOLVE_HOST) {
		fail(t, API_ERR_NETWORK, "unreachable", "the server's name \"%s\" is not "
		    "known (check --server, or the network's DNS)", t->server.addr.host);
		return;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		fail(t, API_ERR_NETWORK, "timeout", "no whole answer from the server within %d ms",
		    a->cfg.timeout_ms);
		return;
	}
	for (i = 0; i < sizeof curl_map / sizeof curl_map[0]; i++) {
		if (curl_map[i].rc == rc)
			break;
	}
	if (i < sizeof curl_map / sizeof curl_map[0])
		fail(t, curl_map[i].err, curl_map[i].code, "%s (%s)", curl_map[i].say, detail);
	else
		fail(t, API_ERR_NETWORK, "network", "the request to %s failed (%s)", t->server.url,
		    detail);
}

/* Turn a finished transfer into a reply. */
static void
make_reply(struct api *a, struct transfer *t, struct api_reply *r)
{
	long status = 0;

	api_reply_init(r);
	xstrlcpy(r->server, t->server.label, sizeof r->server);
	r->server_index = t->server.index;
	r->server_time = t->server_time;
	if (t->server_time > 0 && a->clk != NULL)
		clock_observe(a->clk, t->server_time, t->sent_ms, util_now_ms());
	if (t->failed) {
		r->err = t->err;
		xstrlcpy(r->code, t->code, sizeof r->code);
		copy_text(r->message, sizeof r->message, t->message);
		return;
	}
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	r->status = (int)status;
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

/* Move what libcurl finished from a->active to a->done. */
static void
collect(struct api *a)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(a->multi, &left)) != NULL) {
		struct transfer *t = NULL, **pp;
		CURLcode rc;

		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(a->multi, t->easy);
		for (pp = &a->active; *pp != NULL && *pp != t; pp = &(*pp)->next)
			;
		if (*pp == t)
			*pp = t->next;
		t->next = NULL;
		if (rc != CURLE_OK)
			curl_failed(a, t, rc);
		*a->done_tail = t;
		a->done_tail = &t->next;
	}
}

/* Run transfers until one finishes or timeout_ms passes, then hand over
 * every finished one. */
int
api_poll(struct api *a, int timeout_ms, api_done_fn done, void *ctx)
{
	struct transfer *t;
	int64_t until = util_mono_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	int running;

	if (a->multi == NULL)
		return a->inflight;   /* nothing was ever started: 0 */
	for (;;) {
		int64_t left;

		curl_multi_perform(a->multi, &running);
		collect(a);
		left = until - util_mono_ms();
		if (a->done != NULL || a->active == NULL || left <= 0)
			break;
		curl_multi_poll(a->multi, NULL, 0, (int)left, NULL);
	}
	while ((t = a->done) != NULL) {
		struct api_reply reply;

		a->done = t->next;
		if (a->done == NULL)
			a->done_tail = &a->done;
		a->inflight--;
		make_reply(a, t, &reply);
		if (api_reply_moves_on(&reply))
			reply.moved = failover_failed(a->fo, t->server.index);
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

int
api_servers(const struct api *a)
{
	return failover_count(a->fo);
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

char *
api_login_body(const struct client_cfg *c)
{
	cJSON *j = cJSON_CreateObject();
	char *body;

	cJSON_AddStringToObject(j, "staff", c->staff);
	cJSON_AddStringToObject(j, "pin", c->pin);
	cJSON_AddStringToObject(j, "terminal", c->terminal);
	if (c->store[0] != '\0')
		cJSON_AddStringToObject(j, "store", c->store);
	body = cJSON_PrintUnformatted(j);
	if (body == NULL)
		abort();
	cJSON *pin = cJSON_GetObjectItemCaseSensitive(j, "pin");
	explicit_bzero(pin->valuestring, strlen(pin->valuestring));
	cJSON_Delete(j);
	return body;
}

enum api_err
api_login(struct api *a, struct api_reply *out)
{
	struct api_req req = { "POST", "/api/v1/auth/login", NULL, NULL, true };
	struct api_reply local, *r = out != NULL ? out : &local;
	char *body = api_login_body(&a->cfg);

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
			cfg_store_code(&a->cfg, a->sess.store);
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
	int servers = failover_count(a->fo), tried = 0;   /* this attempt */

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
			if (e == API_ERR_UNAUTHORIZED && strcmp(reply->code, "invalid_credentials") == 0)
				/* the credentials the request carries (a manager's code
				 * and PIN for an approval) were refused, not our token:
				 * an answer. Sending the PIN again would count it twice
				 * towards the manager's lockout. */
				return e;
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
		if (api_reply_moves_on(reply) && ++tried < servers) {
			/* that server is away: the next one now, same attempt */
			log_info("%s %s: %s (%s), trying the next server", req->method, req->path,
			    reply->message, reply->server);
			attempt--;
			continue;
		}
		tried = 0;
		if (!api_err_transient(e) || attempt >= attempts)
			return e;
		log_info("%s %s: %s, retrying (%d of %d)", req->method, req->path,
		    reply->message, attempt + 1, attempts);
		sleep_ms(api_backoff_ms(attempt, API_BACKOFF_BASE_MS, API_BACKOFF_CAP_MS));
	}
}
