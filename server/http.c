/* http: brigade-server's protocol callback: HTTP requests (routing, auth,
 * bodies, deferred responses) and the WebSocket event stream, on one port. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

static const char *const method_names[M_COUNT] = {
	"GET", "POST", "PATCH", "PUT", "DELETE", "?",
};

static struct server *
server_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* ---- pending requests ------------------------------------------------ */

static void
pending_add(struct server *s, uint64_t id, struct lws *wsi)
{
	if (s->npending == s->cap_pending) {
		s->cap_pending = s->cap_pending ? 2 * s->cap_pending : 64;
		s->pending = xreallocarray(s->pending, (size_t)s->cap_pending,
		    sizeof *s->pending);
	}
	s->pending[s->npending].req_id = id;
	s->pending[s->npending].wsi = wsi;
	s->npending++;
}

static struct lws *
pending_take(struct server *s, uint64_t id)
{
	for (int i = 0; i < s->npending; i++) {
		if (s->pending[i].req_id == id) {
			struct lws *wsi = s->pending[i].wsi;

			s->pending[i] = s->pending[--s->npending];
			return wsi;
		}
	}
	return NULL;
}

/* ---- responses ------------------------------------------------------- */

static void
request_reset(struct pss *p)
{
	strbuf_free(&p->body);
	free(p->resp);
	free(p->deferred_body);
	p->resp = NULL;
	p->deferred_body = NULL;
	p->resp_len = 0;
	p->resp_ready = false;
	p->deferred_status = 0;
	p->body_too_large = false;
	p->authed = false;
	p->allow[0] = '\0';
	p->close_after = false;
	p->route = NULL;
	p->idem_key[0] = '\0';
	p->token_hash[0] = '\0';
	p->arg[0][0] = p->arg[1][0] = '\0';
	memset(&p->caller, 0, sizeof p->caller);
}

void
http_respond(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *ctype, const char *body, size_t len)
{
	free(p->resp);
	p->resp = xmalloc(LWS_PRE + len + 1);
	memcpy(p->resp + LWS_PRE, body, len);
	p->resp[LWS_PRE + len] = '\0';
	p->resp_len = len;
	p->status = status;
	p->ctype = ctype;
	p->resp_ready = true;
	lws_callback_on_writable(wsi);
	(void)s;
}

void
http_respond_json(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *json)
{
	http_respond(s, wsi, p, status, "application/json", json, strlen(json));
}

void
http_error(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *code, const char *field, const char *message)
{
	char *body = codec_error_body(code, field, message);

	http_respond_json(s, wsi, p, status, body);
	free(body);
}

void
http_submit(struct server *s, struct lws *wsi, struct pss *p, struct job *j,
    bool via_auth)
{
	j->req_id = ++s->next_req_id;
	j->started_us = p->start_us;
	p->req_id = j->req_id;
	pending_add(s, j->req_id, wsi);
	if (via_auth)
		authw_submit(s->authw, j);
	else
		writer_submit(s->writer, j);
}

bool
http_query(struct lws *wsi, const char *name, char *out, int size)
{
	char key[40], buf[512];
	const char *v;

	out[0] = '\0';
	snprintf(key, sizeof key, "%s=", name);
	v = lws_get_urlarg_by_name(wsi, key, buf, sizeof buf);
	if (v == NULL)
		return true;
	if ((int)strlen(v) >= size)
		return false;
	memcpy(out, v, strlen(v) + 1);
	return true;
}

/* Write the queued response: headers and body go out in one send, which
 * on a busy server is a measurable share of each request. */
static int
write_response(struct server *s, struct lws *wsi, struct pss *p)
{
	size_t cap = LWS_PRE + 1024 + p->resp_len;
	unsigned char *buf = xmalloc(cap);
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + LWS_PRE + 1023;
	char now[24];
	int n = -1;

	snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
	if (lws_add_http_common_headers(wsi, (unsigned)p->status, p->ctype,
	    p->resp_len, &q, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"x-brigade-time:",
	    (const unsigned char *)now, (int)strlen(now), &q, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
	    (const unsigned char *)"no-store", 8, &q, end) ||
	    (p->allow[0] != '\0' && lws_add_http_header_by_name(wsi,
	    (const unsigned char *)"allow:", (const unsigned char *)p->allow,
	    (int)strlen(p->allow), &q, end)) ||
	    (p->status == 401 && lws_add_http_header_by_name(wsi,
	    (const unsigned char *)"www-authenticate:", (const unsigned char *)"Bearer", 6,
	    &q, end)) ||
	    (p->close_after && lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
	    (const unsigned char *)"close", 5, &q, end)) ||
	    lws_finalize_http_header(wsi, &q, end))
		goto out;
	memcpy(q, p->resp + LWS_PRE, p->resp_len);
	q += p->resp_len;
	/* written as raw header bytes: lws sends them as they are */
	n = lws_write(wsi, start, (size_t)(q - start), LWS_WRITE_HTTP_HEADERS);
out:
	free(buf);
	if (n < 0)
		return -1;
	metrics_request(&s->metrics, p->route != NULL ? p->route->name : "unmatched",
	    p->status, util_mono_us() - p->start_us);
	if (p->close_after)
		return -1;
	request_reset(p);
	if (lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* Finished jobs from the workers: apply their effects (events, menu,
 * sessions) and answer their requests if the connections are still here. */
static void
complete_jobs(struct server *s)
{
	struct job *list = job_queue_poll(&s->done);

	while (list != NULL) {
		struct job *j = list;
		struct lws *wsi;

		list = j->next;
		for (int i = 0; i < j->nevents; i++)
			stream_append(&s->stream, j->events[i].seq, j->events[i].text);
		if (j->menu_json != NULL) {
			free(s->menu_json);
			s->menu_json = j->menu_json;
			j->menu_json = NULL;
		}
		if (j->has_session)
			sessions_add(&s->sessions, &j->session);
		if (j->revoke_staff != 0) {
			sessions_remove_staff(&s->sessions, j->revoke_staff);
			http_close_streams(s, NULL, j->revoke_staff);
		}
		wsi = pending_take(s, j->req_id);
		if (wsi != NULL) {
			struct pss *p = lws_wsi_user(wsi);

			p->req_id = 0;
			if (j->body != NULL)
				http_respond_json(s, wsi, p, j->status, j->body);
			else
				http_respond_json(s, wsi, p, j->status, "{}");
		}
		job_free(j);
	}
	stream_wake(&s->stream);
}

/* ---- routing --------------------------------------------------------- */

static enum http_method
method_of(struct lws *wsi)
{
	static const struct { int lws; enum http_method m; } map[] = {
		{ LWSHUMETH_GET, M_GET }, { LWSHUMETH_POST, M_POST },
		{ LWSHUMETH_PATCH, M_PATCH }, { LWSHUMETH_PUT, M_PUT },
		{ LWSHUMETH_DELETE, M_DELETE },
	};
	char *uri;
	int len, m = lws_http_get_uri_and_method(wsi, &uri, &len);

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].lws == m)
			return map[i].m;
	}
	return M_OTHER;
}

/* Match path against pattern, capturing {x} segments into args. */
static bool
route_match(const char *pattern, const char *path, char args[2][72])
{
	int nargs = 0;

	while (*pattern != '\0' && *path != '\0') {
		if (*pattern == '{') {
			const char *pe = strchr(pattern, '}');
			const char *se = strchr(path, '/');
			size_t n = se != NULL ? (size_t)(se - path) : strlen(path);

			if (pe == NULL || n == 0 || n >= 72 || nargs == 2)
				return false;
			memcpy(args[nargs], path, n);
			args[nargs][n] = '\0';
			nargs++;
			pattern = pe + 1;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	/* a trailing slash is forgiven */
	if (*path == '/' && path[1] == '\0')
		path++;
	return *pattern == '\0' && *path == '\0';
}

/* Find the route; on a path match with the wrong method fill allow. */
static const struct route *
route_find(enum http_method m, const char *path, char args[2][72], char *allow,
    size_t allow_size)
{
	const struct route *found = NULL;
	char tmp[2][72];
	size_t len = 0;

	allow[0] = '\0';
	for (int i = 0; i < nroutes; i++) {
		if (!route_match(routes[i].pattern, path, tmp))
			continue;
		if (routes[i].method == m) {
			memcpy(args, tmp, sizeof tmp);
			found = &routes[i];
		}
		len += (size_t)snprintf(allow + len, allow_size > len ? allow_size - len : 0,
		    "%s%s", len ? ", " : "", method_names[routes[i].method]);
	}
	return found;
}

/* Resolve the bearer token into the caller; false if there is none. */
static bool
authenticate(struct server *s, struct lws *wsi, struct pss *p)
{
	char hdr[128];
	const struct session *se;
	int n = lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_AUTHORIZATION);

	if (n <= 7 || strncasecmp(hdr, "Bearer ", 7) != 0)
		return false;
	if (strlen(hdr + 7) != AUTH_TOKEN_LEN)
		return false;
	auth_token_hash(hdr + 7, p->token_hash);
	explicit_bzero(hdr, sizeof hdr);
	se = sessions_find(&s->sessions, p->token_hash, util_now_ms());
	if (se == NULL)
		return false;
	p->caller.staff_id = se->staff_id;
	xstrlcpy(p->caller.staff, se->staff, sizeof p->caller.staff);
	p->caller.role = se->role;
	xstrlcpy(p->caller.terminal, se->terminal, sizeof p->caller.terminal);
	p->authed = true;
	return true;
}

/* Decide the fate of a request from its line and headers. Returns 0 when it
 * may proceed to its handler, or fills an error into status/body. */
static int
request_check(struct server *s, struct lws *wsi, struct pss *p, int *status,
    char **body)
{
	char allow[64];
	int n;

	p->route = route_find(p->method, p->path, p->arg, allow, sizeof allow);
	if (p->route == NULL) {
		if (allow[0] != '\0') {
			xstrlcpy(p->allow, allow, sizeof p->allow);
			*status = 405;
			*body = codec_error_body("method_not_allowed", NULL,
			    "this method is not allowed here; see the Allow header");
		} else {
			*status = 404;
			*body = codec_error_body("not_found", NULL, "no such endpoint");
		}
		return -1;
	}
	if (p->route->roles != 0) {
		if (!authenticate(s, wsi, p)) {
			*status = 401;
			*body = codec_error_body("unauthorized", NULL,
			    "log in first: send Authorization: Bearer <token>");
			return -1;
		}
		if (!(p->route->roles & ROLE_BIT(p->caller.role))) {
			char msg[128];

			snprintf(msg, sizeof msg, "a %s may not use %s",
			    role_name(p->caller.role), p->route->name);
			*status = 403;
			*body = codec_error_body("forbidden", NULL, msg);
			return -1;
		}
	}
	n = lws_hdr_custom_length(wsi, "idempotency-key:", 16);
	if (n > 0) {
		char key[IDEM_KEY_MAX + 2];
		bool ok = n <= IDEM_KEY_MAX &&
		    lws_hdr_custom_copy(wsi, key, sizeof key, "idempotency-key:", 16) == n;

		for (int i = 0; ok && i < n; i++) {
			char c = key[i];

			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
		}
		if (!ok) {
			*status = 400;
			*body = codec_error_body("invalid_idempotency_key", "Idempotency-Key",
			    "Idempotency-Key: 1 to 64 letters, digits, '-' or '_'");
			return -1;
		}
		memcpy(p->idem_key, key, (size_t)n);
		p->idem_key[n] = '\0';
	}
	return 0;
}

static void
dispatch(struct server *s, struct lws *wsi, struct pss *p)
{
	if (p->deferred_status != 0) {
		http_respond_json(s, wsi, p, p->deferred_status, p->deferred_body);
		return;
	}
	p->route->handler(s, wsi, p);
}

static int
on_http(struct server *s, struct lws *wsi, struct pss *p, const char *uri)
{
	char cl[24];
	int64_t content_length = 0;
	int status = 0;
	char *body = NULL;

	request_reset(p);
	p->start_us = util_mono_us();
	p->method = method_of(wsi);
	xstrlcpy(p->path, uri != NULL ? uri : "/", sizeof p->path);
	if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
		content_length = atoll(cl);

	if (content_length == 0 &&
	    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
		/* chunked request bodies are not taken: say so, and close */
		p->close_after = true;
		http_error(s, wsi, p, 411, "length_required", NULL,
		    "send the body with a Content-Length (chunked uploads are not accepted)");
		return 0;
	}
	if (content_length > MAX_BODY) {
		/* refuse before reading it, and close: the unread body would
		 * otherwise be taken for the next request */
		p->close_after = true;
		http_error(s, wsi, p, 413, "body_too_large", NULL,
		    "the request body is larger than 64 KiB");
		return 0;
	}
	if (request_check(s, wsi, p, &status, &body) < 0) {
		if (content_length > 0) {
			/* answer once the body has been read */
			p->deferred_status = status;
			p->deferred_body = body;
			return 0;
		}
		http_respond_json(s, wsi, p, status, body);
		free(body);
		return 0;
	}
	if (content_length > 0)
		return 0;   /* the handler runs at BODY_COMPLETION */
	dispatch(s, wsi, p);
	return 0;
}

/* ---- the stream ------------------------------------------------------ */

void
http_close_streams(struct server *s, const char *token_hash, int64_t staff_id)
{
	for (struct stream_sub *sub = s->stream.subs; sub != NULL; sub = sub->next) {
		if ((token_hash != NULL && strcmp(sub->token_hash, token_hash) == 0) ||
		    (staff_id != 0 && sub->staff_id == staff_id))
			lws_set_timeout(sub->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	}
}

/* Check a stream upgrade: path, token, role, after=. Fills sub on success,
 * or status and an error body. */
static int
stream_check(struct server *s, struct lws *wsi, struct pss *p, int *status,
    char **body)
{
	char uri[128], after[24];
	int n = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);

	if (n <= 0 || strcmp(uri, "/api/v1/stream") != 0) {
		*status = 404;
		*body = codec_error_body("not_found", NULL, "the stream is at /api/v1/stream");
		return -1;
	}
	if (!authenticate(s, wsi, p)) {
		*status = 401;
		*body = codec_error_body("unauthorized", NULL,
		    "log in first: send Authorization: Bearer <token>");
		return -1;
	}
	if (p->caller.role == ROLE_CUSTOMER) {
		*status = 403;
		*body = codec_error_body("forbidden", NULL, "the stream is for staff screens");
		return -1;
	}
	p->sub.asked_after = -1;
	if (!http_query(wsi, "after", after, sizeof after)) {
		after[0] = 'x';
		after[1] = '\0';
	}
	if (after[0] != '\0') {
		char *end;
		long long v = strtoll(after, &end, 10);

		if (*end != '\0' || v < 0) {
			*status = 422;
			*body = codec_error_body("invalid_field", "after",
			    "after: the last seq you applied, a non-negative integer");
			return -1;
		}
		p->sub.asked_after = v;
	}
	return 0;
}

/* Reject an upgrade with a JSON error, written right away. */
static int
stream_reject(struct lws *wsi, int status, char *body)
{
	unsigned char buf[LWS_PRE + 2048];
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + sizeof buf - 1;
	size_t len = strlen(body);

	if (len > 1024)
		len = 1024;
	if (lws_add_http_common_headers(wsi, (unsigned)status, "application/json",
	    len, &q, end) == 0 &&
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
	    (const unsigned char *)"close", 5, &q, end) == 0 &&
	    lws_finalize_http_header(wsi, &q, end) == 0 &&
	    (size_t)(end - q) > len) {
		memcpy(q, body, len);
		q += len;
		lws_write(wsi, start, (size_t)(q - start), LWS_WRITE_HTTP_HEADERS);
	}
	free(body);
	return 1;
}

static void
stream_established(struct server *s, struct lws *wsi, struct pss *p)
{
	struct stream_sub *sub = &p->sub;
	int64_t after = sub->asked_after;

	p->is_ws = true;
	sub->wsi = wsi;
	memcpy(sub->token_hash, p->token_hash, sizeof sub->token_hash);
	sub->staff_id = p->caller.staff_id;
	/* no after=: live events only; after beyond the head (a replaced
	 * database): start at the head and say so in the hello */
	sub->cursor = after < 0 || after > s->stream.head ? s->stream.head : after;
	sub->hello_pending = true;
	stream_subscribe(&s->stream, sub);
	lws_callback_on_writable(wsi);
}

static int
stream_writeable(struct server *s, struct lws *wsi, struct pss *p)
{
	struct stream_sub *sub = &p->sub;
	unsigned char *buf;
	size_t len;
	int64_t seq;
	bool owned;

	if (sub->hello_pending) {
		unsigned char hello[LWS_PRE + 256];
		int n = snprintf((char *)hello + LWS_PRE, 256,
		    "{\"type\":\"hello\",\"server_time\":%lld,\"head\":%lld,\"after\":%lld,\"resync\":%s}",
		    (long long)util_now_ms(), (long long)s->stream.head,
		    (long long)sub->asked_after,
		    sub->asked_after > s->stream.head ? "true" : "false");

		sub->hello_pending = false;
		if (lws_write(wsi, hello + LWS_PRE, (size_t)n, LWS_WRITE_TEXT) < n)
			return -1;
		if (sub->cursor < s->stream.head)
			lws_callback_on_writable(wsi);
		return 0;
	}
	buf = stream_next(&s->stream, s->reader, sub, &len, &seq, &owned);
	if (buf == NULL)
		return 0;
	int n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT);
	if (owned)
		free(buf);
	if (n < (int)len)
		return -1;
	sub->cursor = seq;
	if (sub->cursor < s->stream.head)
		lws_callback_on_writable(wsi);
	return 0;
}

/* ---- the protocol callback ------------------------------------------- */

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct pss *p = user;
	struct server *s;
	int status = 0;
	char *body = NULL;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		s = lws_context_user(lws_get_context(wsi));
		if (s != NULL)
			complete_jobs(s);
		return 0;

	case LWS_CALLBACK_HTTP:
		return on_http(server_of(wsi), wsi, p, in);

	case LWS_CALLBACK_HTTP_BODY:
		if (p->body_too_large)
			return 0;
		if (p->body.len + len > MAX_BODY) {
			p->body_too_large = true;
			return 0;
		}
		strbuf_append(&p->body, in, len);
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		s = server_of(wsi);
		if (p->resp_ready)
			return 0;   /* already answered (413) */
		if (p->body_too_large) {
			p->close_after = true;
			http_error(s, wsi, p, 413, "body_too_large", NULL,
			    "the request body is larger than 64 KiB");
			return 0;
		}
		/* a body where none belongs is ignored, as HTTP allows */
		dispatch(s, wsi, p);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!p->resp_ready)
			return 0;
		return write_response(server_of(wsi), wsi, p);

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (p == NULL)
			return 0;
		s = server_of(wsi);
		if (p->req_id != 0) {
			pending_take(s, p->req_id);
			p->req_id = 0;
		}
		request_reset(p);
		return 0;

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
		/* no per-connection data exists yet: check into a scratch one */
		struct pss scratch;

		memset(&scratch, 0, sizeof scratch);
		s = server_of(wsi);
		if (in == NULL || strcmp(in, "websocket") != 0)
			return stream_reject(wsi, 400, codec_error_body("bad_upgrade", NULL,
			    "only WebSocket upgrades are served"));
		if (stream_check(s, wsi, &scratch, &status, &body) < 0)
			return stream_reject(wsi, status, body);
		return 0;
	}

	case LWS_CALLBACK_ESTABLISHED:
		s = server_of(wsi);
		/* the headers are still here: check again and fill in */
		if (stream_check(s, wsi, p, &status, &body) < 0) {
			free(body);
			return -1;
		}
		stream_established(s, wsi, p);
		return 0;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		return stream_writeable(server_of(wsi), wsi, p);

	case LWS_CALLBACK_RECEIVE:
		return 0;   /* the stream is one-way; pings are handled by lws */

	case LWS_CALLBACK_CLOSED:
		if (p != NULL && p->is_ws)
			stream_unsubscribe(&server_of(wsi)->stream, &p->sub);
		return 0;

	default:
		return 0;
	}
}

const struct lws_protocols server_protocols[] = {
	{ "brigade", callback, sizeof(struct pss), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};
