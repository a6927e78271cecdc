/* api: REST requests over libcurl with error mapping, login and backoff. */
#include "api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "cfg.h"
#include "clock.h"
#include "log.h"
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

/* curl failures to errors; anything not listed is a network error. */
static const struct {
	CURLcode rc;
	enum api_err err;
	const char *code;
} curl_map[] = {
	{ CURLE_OPERATION_TIMEDOUT, API_ERR_NETWORK, "timeout" },
	{ CURLE_COULDNT_CONNECT, API_ERR_NETWORK, "unreachable" },
	{ CURLE_COULDNT_RESOLVE_HOST, API_ERR_NETWORK, "unresolved" },
	{ CURLE_GOT_NOTHING, API_ERR_NETWORK, "connection_closed" },
	{ CURLE_SEND_ERROR, API_ERR_NETWORK, "connection_lost" },
	{ CURLE_RECV_ERROR, API_ERR_NETWORK, "connection_lost" },
	{ CURLE_PARTIAL_FILE, API_ERR_BAD_RESPONSE, "truncated_response" },
	{ CURLE_WEIRD_SERVER_REPLY, API_ERR_BAD_RESPONSE, "bad_response" },
	{ CURLE_BAD_CONTENT_ENCODING, API_ERR_BAD_RESPONSE, "bad_response" },
	{ CURLE_HTTP2, API_ERR_BAD_RESPONSE, "bad_response" },
	{ CURLE_UNSUPPORTED_PROTOCOL, API_ERR_BAD_RESPONSE, "bad_response" },
	{ CURLE_WRITE_ERROR, API_ERR_BAD_RESPONSE, "response_too_large" },
	{ CURLE_SSL_CONNECT_ERROR, API_ERR_TLS, "tls" },
	{ CURLE_PEER_FAILED_VERIFICATION, API_ERR_TLS, "tls_certificate" },
	{ CURLE_SSL_CERTPROBLEM, API_ERR_TLS, "tls" },
	{ CURLE_SSL_CACERT_BADFILE, API_ERR_TLS, "tls" },
	{ CURLE_SSL_CIPHER, API_ERR_TLS, "tls" },
};

struct transfer {
	CURL *easy;
	struct curl_slist *headers;
	char *body;                  /* our copy of the request body */
	struct strbuf resp;
	bool too_big;
	int64_t sent_ms;
	int64_t server_time;
	void *tag;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;       /* in flight, or the free list */
};

struct api {
	struct client_cfg cfg;
	struct clock *clk;
	CURLM *multi;
	struct transfer *active;
	struct transfer *spare;      /* finished transfers kept for reuse */
	int inflight;
	struct api_session sess;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

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

	pthread_once(&curl_once, curl_init_once);
	a->cfg = *cfg;
	a->clk = clk;
	a->multi = curl_multi_init();
	if (a->multi == NULL)
		abort();
	curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
	return a;
}

static void
transfer_destroy(struct transfer *t)
{
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->body);
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
	while ((t = a->spare) != NULL) {
		a->spare = t->next;
		transfer_destroy(t);
	}
	curl_multi_cleanup(a->multi);
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

static size_t
on_body(char *ptr, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;

	if (t->resp.len + n > API_RESPONSE_MAX) {
		t->too_big = true;
		return 0;   /* curl stops with CURLE_WRITE_ERROR */
	}
	strbuf_append(&t->resp, ptr, n);
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t n, void *ud)
{
	static const char name[] = "x-brigade-time:";
	struct transfer *t = ud;

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

void
api_start(struct api *a, const struct api_req *req, void *tag)
{
	struct transfer *t = a->spare;
	char line[256], url[CFG_URL_MAX + 1024];

	if (t != NULL) {
		a->spare = t->next;
		curl_easy_reset(t->easy);
	} else {
		t = xcalloc(1, sizeof *t);
		t->easy = curl_easy_init();
		if (t->easy == NULL)
			abort();
	}
	strbuf_reset(&t->resp);
	t->too_big = false;
	t->server_time = 0;
	t->errbuf[0] = '\0';
	t->tag = tag;
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	free(t->body);
	t->body = req->body != NULL ? xstrdup(req->body) : NULL;

	snprintf(url, sizeof url, "%s%s", a->cfg.server, req->path);
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)a->cfg.connect_timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)a->cfg.timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYPEER, a->cfg.insecure ? 0L : 1L);
	curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYHOST, a->cfg.insecure ? 0L : 2L);
	if (a->cfg.ca_file[0] != '\0')
		curl_easy_setopt(t->easy, CURLOPT_CAINFO, a->cfg.ca_file);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, req->method);
	if (t->body != NULL) {
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(t->body));
	} else if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE, 0L);
	}
	t->headers = curl_slist_append(t->headers, "Accept: application/json");
	t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
	t->headers = curl_slist_append(t->headers, "Expect:");
	if (!req->no_auth && a->sess.token[0] != '\0') {
		snprintf(line, sizeof line, "Authorization: Bearer %s", a->sess.token);
		t->headers = curl_slist_append(t->headers, line);
		explicit_bzero(line, sizeof line);
	}
	if (req->idem_key != NULL && req->idem_key[0] != '\0') {
		snprintf(line, sizeof line, "Idempotency-Key: %s", req->idem_key);
		t->headers = curl_slist_append(t->headers, line);
	}
	if (t->headers == NULL)
		abort();
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);

	t->sent_ms = util_now_ms();
	t->next = a->active;
	a->active = t;
	a->inflight++;
	curl_multi_add_handle(a->multi, t->easy);
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
make_reply(struct api *a, struct transfer *t, CURLcode rc, struct api_reply *r)
{
	long status = 0;

	api_reply_init(r);
	r->server_time = t->server_time;
	if (t->server_time > 0 && a->clk != NULL)
		clock_observe(a->clk, t->server_time, t->sent_ms, util_now_ms());
	if (rc != CURLE_OK) {
		r->err = API_ERR_NETWORK;
		xstrlcpy(r->code, "network", sizeof r->code);
		for (size_t i = 0; i < sizeof curl_map / sizeof curl_map[0]; i++) {
			if (curl_map[i].rc == rc) {
				r->err = curl_map[i].err;
				xstrlcpy(r->code, curl_map[i].code, sizeof r->code);
				break;
			}
		}
		if (t->too_big)
			snprintf(r->message, sizeof r->message,
			    "the server's answer is larger than %u MiB", API_RESPONSE_MAX >> 20);
		else
			copy_text(r->message, sizeof r->message,
			    t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror(rc));
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

int
api_poll(struct api *a, int timeout_ms, api_done_fn done, void *ctx)
{
	int running = 0, left;
	CURLMsg *m;

	curl_multi_perform(a->multi, &running);
	if (a->inflight > 0 && running == a->inflight) {
		curl_multi_poll(a->multi, NULL, 0, timeout_ms, NULL);
		curl_multi_perform(a->multi, &running);
	}
	while ((m = curl_multi_info_read(a->multi, &left)) != NULL) {
		struct transfer *t = NULL, **pp;
		struct api_reply reply;

		if (m->msg != CURLMSG_DONE)
			continue;
		CURLcode rc = m->data.result;

		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(a->multi, t->easy);
		for (pp = &a->active; *pp != NULL && *pp != t; pp = &(*pp)->next)
			;
		if (*pp == t)
			*pp = t->next;
		a->inflight--;
		make_reply(a, t, rc, &reply);
		if (t->body != NULL) {
			explicit_bzero(t->body, strlen(t->body));
			free(t->body);
			t->body = NULL;
		}
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

		api_reply_free(reply);
		if (!req->no_auth && !api_logged_in(a))
			e = api_login(a, reply);
		else
			e = API_OK;
		if (e == API_OK) {
			api_reply_free(reply);
			e = run_one(a, req, reply);
			if (e == API_ERR_UNAUTHORIZED && !req->no_auth && !relogged) {
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
