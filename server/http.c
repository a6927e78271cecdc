/* http: brigade-server's connections: HTTP/1.1 requests (routing, auth,
 * bodies, deferred answers, pipelining) and the WebSocket event stream, on
 * one port. libwebsockets owns the loop, the listening socket, TLS and the
 * timers; every accepted connection comes to us as a raw socket and we
 * read HTTP ourselves (h1.c), so that no request, however split, pipelined
 * or malformed, is read two ways, and a slow or idle connection costs only
 * its own small buffer. (libwebsockets 4.1's own HTTP server re-reads a
 * pipelined request's buffered header bytes as the body of the next one and
 * then spins; it also shares a fixed pool of header buffers among all
 * connections, which slow senders can exhaust.) */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "accesslog.h"
#include "cluster.h"
#include "codec.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

/* How long a connection may take, in seconds: to send a whole head once it
 * has begun (or from connecting), to send a body once its head is in, and
 * to start another request after an answer. */
#define HEAD_TIMEOUT_S 10
#define BODY_TIMEOUT_S 30
#define IDLE_TIMEOUT_S 60
/* Bytes read ahead of the request being answered (pipelining): beyond
 * this the connection is not read until it catches up. */
#define INPUT_MAX (H1_HEAD_MAX + MAX_BODY + 4096)
/* The stream: a ping after this long without a frame from the client, and
 * the connection closed when the ping has no answer within WS_DEAD_S. */
#define WS_PING_S 20
#define WS_DEAD_S 25
#define WS_SWEEP_S 5             /* how often the keepalive looks */
#define WS_FRAME_MAX 4096        /* a client has nothing bigger to say */
#define WS_BATCH 8192            /* bytes of events sent at once to a screen behind */

#define TO_HEAD ((enum pending_timeout)(PENDING_TIMEOUT_USER_REASON_BASE + 0))
#define TO_BODY ((enum pending_timeout)(PENDING_TIMEOUT_USER_REASON_BASE + 1))
#define TO_IDLE ((enum pending_timeout)(PENDING_TIMEOUT_USER_REASON_BASE + 2))

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

/* ---- connections per client address ---------------------------------- */

/* A client address and how many connections it holds. */
struct peer {
	unsigned char addr[16];
	int n;
	bool warned;                 /* said so in the log once */
	struct peer *next;
};

#define PEER_BUCKETS 256

static unsigned
peer_hash(const unsigned char addr[16])
{
	unsigned h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h % PEER_BUCKETS;
}

/* The connection's client address as 16 bytes (IPv4 mapped into IPv6). */
static void
peer_addr(struct lws *wsi, unsigned char out[16])
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	memset(out, 0, 16);
	if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&ss, &sl) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		memcpy(out, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
}

/* Whether a connection's address (peer_addr's form) is a trusted proxy. */
static bool
peer_is_proxy(const struct server *s, const unsigned char addr[16])
{
	for (int i = 0; i < s->cfg.ntrusted_proxies; i++) {
		if (memcmp(s->cfg.trusted_bin[i], addr, 16) == 0)
			return true;
	}
	return false;
}

/* Count a new connection against its address; false when the address
 * already holds as many as it may (the connection is then closed). A
 * trusted proxy carries every terminal behind it from its one address:
 * it is not held to one address's share (its own maxconn is the limit). */
static bool
peer_admit(struct server *s, struct pss *p, struct lws *wsi)
{
	struct peer **b, *e;

	if (s->peers == NULL)
		s->peers = xcalloc(PEER_BUCKETS, sizeof *s->peers);
	peer_addr(wsi, p->peer);
	b = &s->peers[peer_hash(p->peer)];
	for (e = *b; e != NULL && memcmp(e->addr, p->peer, 16) != 0; e = e->next)
		;
	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		memcpy(e->addr, p->peer, 16);
		e->next = *b;
		*b = e;
	}
	if (s->cfg.max_conn_per_addr > 0 && e->n >= s->cfg.max_conn_per_addr &&
	    !peer_is_proxy(s, p->peer)) {
		if (!e->warned)
			log_warn("%s: a client address holds %d connections; refusing more",
			    __func__, e->n);
		e->warned = true;
		return false;
	}
	e->n++;
	p->counted = true;
	return true;
}

static void
peer_release(struct server *s, struct pss *p)
{
	struct peer **b, *e;

	if (!p->counted)
		return;
	p->counted = false;
	b = &s->peers[peer_hash(p->peer)];
	for (; (e = *b) != NULL; b = &e->next) {
		if (memcmp(e->addr, p->peer, 16) == 0) {
			if (--e->n == 0) {
				*b = e->next;
				free(e);
			}
			return;
		}
	}
}

void
http_free_peers(struct server *s)
{
	if (s->peers == NULL)
		return;
	for (int i = 0; i < PEER_BUCKETS; i++) {
		while (s->peers[i] != NULL) {
			struct peer *e = s->peers[i];

			s->peers[i] = e->next;
			free(e);
		}
	}
	free(s->peers);
	s->peers = NULL;
}

/* ---- output ----------------------------------------------------------- */

/* Queue bytes to send on the next WRITEABLE (after what is queued). */
static void
out_queue(struct lws *wsi, struct pss *p, const void *data, size_t len)
{
	size_t have = p->out_len;

	p->out = xrealloc(p->out, LWS_PRE + have + len);
	memcpy(p->out + LWS_PRE + have, data, len);
	p->out_len = have + len;
	lws_callback_on_writable(wsi);
}

/* Send what is queued. lws keeps what the socket does not take and sends
 * it before it calls WRITEABLE again. */
static int
out_flush(struct lws *wsi, struct pss *p)
{
	int n;

	if (p->out_len == 0)
		return 0;
	n = lws_write(wsi, p->out + LWS_PRE, p->out_len, LWS_WRITE_RAW);
	free(p->out);
	p->out = NULL;
	p->out_len = 0;
	return n < 0 ? -1 : 0;
}

static void
in_consume(struct pss *p, size_t n)
{
	memmove(p->in.data, p->in.data + n, p->in.len - n);
	p->in.len -= n;
}

/* ---- responses ------------------------------------------------------- */

static const char *
reason_phrase(int status)
{
	static const struct { int status; const char *text; } phrases[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 409, "Conflict" }, { 411, "Length Required" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 503, "Service Unavailable" }, { 505, "HTTP Version Not Supported" },
	};

	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
		if (phrases[i].status == status)
			return phrases[i].text;
	}
	return "Unknown";
}

static void
request_reset(struct pss *p)
{
	strbuf_free(&p->body);
	free(p->deferred_body);
	p->deferred_body = NULL;
	p->deferred_status = 0;
	p->authed = false;
	p->allow[0] = '\0';
	p->retry_after = 0;
	p->route = NULL;
	p->idem_key[0] = '\0';
	p->token_hash[0] = '\0';
	p->arg[0][0] = p->arg[1][0] = '\0';
	p->body_len = 0;
	memset(&p->caller, 0, sizeof p->caller);
	p->shop = NULL;
}

/* Queue the whole answer (head and body: one send) and wait for WRITEABLE;
 * the connection reads nothing more until it has gone. */
void
http_respond(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *ctype, const char *body, size_t len)
{
	char head[560], retry[40] = "";
	int n;

	if (p->retry_after > 0)
		snprintf(retry, sizeof retry, "retry-after: %d\r\n", p->retry_after);
	n = snprintf(head, sizeof head,
	    "HTTP/1.1 %d %s\r\n"
	    "content-type: %s\r\n"
	    "content-length: %zu\r\n"
	    "x-brigade-time: %lld\r\n"
	    "cache-control: no-store\r\n"
	    "%s%s%s"
	    "%s"
	    "%s"
	    "%s"
	    "\r\n",
	    status, reason_phrase(status), ctype, len, (long long)util_now_ms(),
	    p->allow[0] != '\0' ? "allow: " : "", p->allow,
	    p->allow[0] != '\0' ? "\r\n" : "", retry,
	    status == 401 ? "www-authenticate: Bearer\r\n" : "",
	    p->close_after ? "connection: close\r\n" : "");
	out_queue(wsi, p, head, (size_t)n);
	if (len > 0)
		out_queue(wsi, p, body, len);
	p->status = status;
	p->state = C_ANSWERED;
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
	char *body;

	/* "not found" from a read that failed is not an answer: a store
	 * that cannot be read is a 503 (PostgreSQL down) */
	if (status == 404 && p->store_mark != 0 &&
	    store_errors(s->reader) + 1 != p->store_mark) {
		status = 503;
		code = "storage_error";
		field = NULL;
		message = "the order database could not be read; try again";
	}
	p->store_mark = 0;
	body = codec_error_body(code, field, message);
	http_respond_json(s, wsi, p, status, body);
	free(body);
}

/* A refusal that ends the connection: what follows it cannot be trusted
 * to be where the next request begins. */
static void
refuse_and_close(struct server *s, struct lws *wsi, struct pss *p, int status,
    const char *code, const char *field, const char *message)
{
	p->close_after = true;
	http_error(s, wsi, p, status, code, field, message);
}

void
http_submit(struct server *s, struct lws *wsi, struct pss *p, struct job *j,
    bool via_auth)
{
	j->req_id = ++s->next_req_id;
	j->started_us = p->start_us;
	p->req_id = j->req_id;
	p->state = C_WAITING;
	pending_add(s, j->req_id, wsi);
	if (via_auth)
		authw_submit(s->authw, j);
	else
		writer_submit(s->writer, j);
}

bool
http_query(struct lws *wsi, const char *name, char *out, int size)
{
	struct pss *p = lws_wsi_user(wsi);

	return h1_query(p->query, name, out, (size_t)size) >= 0;
}

/* Finished jobs from the workers: apply their effects (events, menu,
 * sessions) and answer their requests if the connections are still here. */
static void
complete_jobs(struct server *s)
{
	struct job *list = job_queue_poll(&s->done);

	while (list != NULL) {
		struct job *j = list;
		/* a store not loaded here yet reads its rows when it is */
		struct shop *sh = shop_find(s, j->caller.store_id);
		struct lws *wsi;

		list = j->next;
		if (sh != NULL) {
			/* a shared store: others' commits come before this one's */
			if (j->nevents > 0 && j->events[0].seq > sh->stream.head + 1)
				cluster_catch_up(s, sh);
			for (int i = 0; i < j->nevents; i++)
				stream_append(&sh->stream, j->events[i].seq, j->events[i].text);
			if (j->nevents > 0)
				stream_wake(&sh->stream);
			if (j->menu_json != NULL) {
				shop_set_menu(sh, j->menu_json);
				j->menu_json = NULL;
			}
			if (j->store_json != NULL) {
				shop_set_details(sh, j->store_json, j->day_start_hour);
				j->store_json = NULL;
			}
		}
		if (j->has_session)
			sessions_add(&s->sessions, &j->session);
		if (j->revoke_staff != 0) {
			sessions_remove_staff(&s->sessions, j->revoke_staff);
			http_close_streams(s, NULL, j->revoke_staff);
		}
		accesslog_job(j);
		wsi = pending_take(s, j->req_id);
		if (wsi != NULL) {
			struct pss *p = lws_wsi_user(wsi);

			p->req_id = 0;
			p->retry_after = j->retry_after;
			http_respond_json(s, wsi, p, j->status, j->body != NULL ? j->body : "{}");
		}
		job_free(j);
	}
}

/* ---- routing --------------------------------------------------------- */

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
authenticate(struct server *s, struct pss *p, const char *hdr)
{
	const struct session *se;

	if (strncasecmp(hdr, "Bearer ", 7) != 0 || strlen(hdr + 7) != AUTH_TOKEN_LEN)
		return false;
	auth_token_hash(hdr + 7, p->token_hash);
	se = cluster_session(s, p->token_hash, util_now_ms());
	if (se == NULL || (p->shop = shop_get(s, se->store_id)) == NULL)
		return false;
	p->caller.store_id = se->store_id;
	p->caller.org = se->org;
	p->caller.staff_id = se->staff_id;
	xstrlcpy(p->caller.staff, se->staff, sizeof p->caller.staff);
	p->caller.role = se->role;
	xstrlcpy(p->caller.terminal, se->terminal, sizeof p->caller.terminal);
	p->authed = true;
	return true;
}

/* Authenticate, or fill the refusal: 401, or 503 when a token this server
 * does not know could not be looked up (a shared store that is down). */
static bool
authenticate_or_refuse(struct server *s, struct pss *p, const char *hdr,
    int *status, char **body)
{
	uint64_t errors = store_errors(s->reader);

	if (authenticate(s, p, hdr))
		return true;
	if (store_errors(s->reader) != errors) {
		*status = 503;
		*body = codec_error_body("storage_error", NULL,
		    "the login could not be checked: the database cannot be read");
	} else {
		*status = 401;
		*body = codec_error_body("unauthorized", NULL,
		    "log in first: send Authorization: Bearer <token>");
	}
	return false;
}

/* Decide the fate of a request from its line and headers. Returns 0 when it
 * may proceed to its handler, or fills an error into status/body. */
static int
request_check(struct server *s, struct pss *p, const struct h1_request *r,
    const char *allow, int *status, char **body)
{
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
	if (p->route->roles != 0 && strcmp(p->route->pattern, "/metrics") == 0 &&
	    metrics_token_ok(s->cfg.metrics_token, r->authorization)) {
		/* the scrape credential (metrics_token): /metrics and nothing else */
		p->authed = true;
		xstrlcpy(p->caller.staff, "-", sizeof p->caller.staff);
		xstrlcpy(p->caller.terminal, "metrics-token", sizeof p->caller.terminal);
	} else if (p->route->roles != 0) {
		if (!authenticate_or_refuse(s, p, r->authorization, status, body))
			return -1;
		if (!(p->route->roles & ROLE_BIT(p->caller.role))) {
			char msg[128];

			snprintf(msg, sizeof msg, "a %s may not use %s",
			    role_name(p->caller.role), p->route->name);
			*status = 403;
			*body = codec_error_body("forbidden", NULL, msg);
			return -1;
		}
	}
	if (r->idem_len >= 0) {
		bool ok = r->idem_len > 0 && r->idem_len <= IDEM_KEY_MAX;

		for (int i = 0; ok && i < r->idem_len; i++) {
			char c = r->idem_key[i];

			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
		}
		if (!ok) {
			*status = 400;
			*body = codec_error_body("invalid_idempotency_key", "Idempotency-Key",
			    "Idempotency-Key: 1 to 64 letters, digits, '-' or '_'");
			return -1;
		}
		memcpy(p->idem_key, r->idem_key, (size_t)r->idem_len);
		p->idem_key[r->idem_len] = '\0';
	}
	return 0;
}

/* Who the request is from: the connection's address, unless that is a
 * trusted proxy (trusted_proxies) that says whom it forwards: then its
 * X-Forwarded-For's last address, the one it added. Anyone else's
 * X-Forwarded-For is ignored: a till cannot pass itself off as another. */
static void
client_address(struct server *s, struct lws *wsi, struct pss *p,
    const struct h1_request *r)
{
	unsigned char bin[16];

	p->client[0] = '\0';
	lws_get_peer_simple(wsi, p->client, sizeof p->client);
	/* an IPv4 client of a dual-stack socket, as it is configured and known */
	if (strncmp(p->client, "::ffff:", 7) == 0 && strchr(p->client + 7, ':') == NULL &&
	    inet_pton(AF_INET, p->client + 7, bin) == 1)
		memmove(p->client, p->client + 7, strlen(p->client + 7) + 1);
	if (r->forwarded_for[0] == '\0' || s->cfg.ntrusted_proxies == 0)
		return;
	for (int i = 0; i < s->cfg.ntrusted_proxies; i++) {
		if (strcmp(p->client, s->cfg.trusted_proxies[i]) != 0)
			continue;
		if (inet_pton(AF_INET, r->forwarded_for, bin) == 1 ||
		    inet_pton(AF_INET6, r->forwarded_for, bin) == 1)
			xstrlcpy(p->client, r->forwarded_for, sizeof p->client);
		else
			log_warn("%s: X-Forwarded-For \"%s\" is not an address; the proxy's "
			    "own is used", p->client, r->forwarded_for);
		return;
	}
}

/* The request's head is in: check it, and either answer now or wait for
 * its body (an error found now is answered once the body has been read,
 * so that the body is not taken for the next request). */
static void
request_begin(struct server *s, struct lws *wsi, struct pss *p, const struct h1_request *r)
{
	int status = 0;
	char *body = NULL, allow[64];
	size_t limit;

	request_reset(p);
	p->start_us = util_mono_us();
	client_address(s, wsi, p, r);
	p->method = r->method;
	xstrlcpy(p->path, r->path, sizeof p->path);
	xstrlcpy(p->query, r->query, sizeof p->query);
	p->close_after = !r->keep_alive;
	/* found once: its body limit now, its roles in request_check */
	p->route = route_find(p->method, p->path, p->arg, allow, sizeof allow);
	/* a whole menu is larger than any other request */
	limit = p->route != NULL && p->route->body_max > 0 ? p->route->body_max : MAX_BODY;
	if (r->content_length > (int64_t)limit) {
		/* refuse before reading it */
		char msg[96];

		snprintf(msg, sizeof msg, "the request body is larger than %zu KiB",
		    limit / 1024);
		refuse_and_close(s, wsi, p, 413, "body_too_large", NULL, msg);
		return;
	}
	if (r->content_length < 0 && (r->method == M_POST || r->method == M_PATCH ||
	    r->method == M_PUT))
		p->body_len = 0;   /* no Content-Length: no body (RFC 9112 6.3) */
	else
		p->body_len = r->content_length > 0 ? (size_t)r->content_length : 0;
	if (request_check(s, p, r, allow, &status, &body) < 0) {
		if (r->expect_continue && p->body_len > 0) {
			/* the client waits to hear before it sends the body: it
			 * need not, and what it sends anyway is not read */
			p->close_after = true;
			http_respond_json(s, wsi, p, status, body);
			free(body);
			return;
		}
		p->deferred_status = status;
		p->deferred_body = body;
	} else if (r->expect_continue && p->body_len > 0 && r->minor == 1) {
		/* curl, for one, waits a second for this before a larger body */
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

		out_queue(wsi, p, cont, sizeof cont - 1);
	}
	p->state = C_BODY;
	if (p->body_len > 0)
		lws_set_timeout(wsi, TO_BODY, BODY_TIMEOUT_S);
}

/* The whole request is in: run its handler, which answers at once or hands
 * a job to a worker. */
static void
request_run(struct server *s, struct lws *wsi, struct pss *p)
{
	lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
	p->state = C_RUNNING;
	if (p->deferred_status != 0)
		http_respond_json(s, wsi, p, p->deferred_status, p->deferred_body);
	else {
		p->store_mark = store_errors(s->reader) + 1;
		p->route->handler(s, wsi, p);   /* a body where none belongs is ignored */
		p->store_mark = 0;
	}
}

/* ---- the stream ------------------------------------------------------ */

void
http_close_streams(struct server *s, const char *token_hash, int64_t staff_id)
{
	for (int i = 0; i < s->shops.n; i++) {
		struct stream *st = &s->shops.v[i]->stream;

		for (struct stream_sub *sub = st->subs; sub != NULL; sub = sub->next) {
			if ((token_hash != NULL && strcmp(sub->token_hash, token_hash) == 0) ||
			    (staff_id != 0 && sub->staff_id == staff_id))
				lws_set_timeout(sub->wsi, PENDING_TIMEOUT_CLOSE_SEND,
				    LWS_TO_KILL_ASYNC);
		}
	}
}

/* Check a stream upgrade: path, key, token, role, after=. Fills the
 * subscription on success, or status and an error body. */
static int
stream_check(struct server *s, struct pss *p, const struct h1_request *r, int *status,
    char **body)
{
	char after[24];

	if (strcmp(r->path, "/api/v1/stream") != 0) {
		*status = 404;
		*body = codec_error_body("not_found", NULL, "the stream is at /api/v1/stream");
		return -1;
	}
	if (r->method != M_GET || strcmp(r->ws_version, "13") != 0 ||
	    strlen(r->ws_key) != 24 || r->content_length > 0) {
		*status = 400;
		*body = codec_error_body("bad_upgrade", NULL,
		    "a WebSocket upgrade is a GET with Sec-WebSocket-Version: 13 and a key");
		return -1;
	}
	if (!authenticate_or_refuse(s, p, r->authorization, status, body))
		return -1;
	if (p->caller.role == ROLE_CUSTOMER) {
		*status = 403;
		*body = codec_error_body("forbidden", NULL, "the stream is for staff screens");
		return -1;
	}
	p->sub.asked_after = -1;
	if (h1_query(r->query, "after", after, sizeof after) < 0)
		xstrlcpy(after, "x", sizeof after);
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

static void ws_ping_sweep(lws_sorted_usec_list_t *sul);
static void log_request(struct lws *wsi, struct pss *p);

/* Answer a good upgrade with 101 and subscribe the connection. */
static void
stream_upgrade(struct server *s, struct lws *wsi, struct pss *p, const struct h1_request *r)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	struct stream_sub *sub = &p->sub;
	unsigned char digest[SHA_DIGEST_LENGTH];
	char cat[64 + sizeof guid], accept[32], head[256];
	int64_t after = sub->asked_after;
	int n;

	snprintf(cat, sizeof cat, "%s%s", r->ws_key, guid);
	SHA1((const unsigned char *)cat, strlen(cat), digest);
	EVP_EncodeBlock((unsigned char *)accept, digest, SHA_DIGEST_LENGTH);
	n = snprintf(head, sizeof head,
	    "HTTP/1.1 101 Switching Protocols\r\n"
	    "upgrade: websocket\r\n"
	    "connection: Upgrade\r\n"
	    "sec-websocket-accept: %s\r\n\r\n", accept);
	out_queue(wsi, p, head, (size_t)n);

	p->state = C_WS;
	p->is_ws = true;
	sub->wsi = wsi;
	memcpy(sub->token_hash, p->token_hash, sizeof sub->token_hash);
	sub->staff_id = p->caller.staff_id;
	/* no after=: live events only; after beyond the head (a replaced
	 * database, or on a shared store events this server has not read
	 * yet): start at the head and say so in the hello */
	if (after > p->shop->stream.head)
		cluster_catch_up(s, p->shop);
	sub->cursor = after < 0 || after > p->shop->stream.head ? p->shop->stream.head : after;
	sub->hello_pending = true;
	stream_subscribe(&p->shop->stream, sub);
	p->ws_last_rx_ms = util_now_ms();
	lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
	if (!lws_dll2_is_detached(&s->sul_ws_ping.list))
		return;   /* the sweep is running */
	lws_sul_schedule(lws_get_context(wsi), 0, &s->sul_ws_ping, ws_ping_sweep,
	    WS_SWEEP_S * LWS_US_PER_SEC);
}

/* A WebSocket frame header for a server frame (never masked). */
static size_t
ws_frame_head(unsigned char *h, int opcode, size_t len)
{
	h[0] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	if (len < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		return 4;
	}
	h[1] = 127;
	for (int i = 0; i < 8; i++)
		h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/* Queue a control frame (ping, pong, close). */
static void
ws_control(struct lws *wsi, struct pss *p, int opcode, const unsigned char *data,
    size_t len)
{
	unsigned char frame[2 + 125];
	size_t n = ws_frame_head(frame, opcode, len);

	memcpy(frame + n, data, len);
	out_queue(wsi, p, frame, n + len);
}

/* Close the stream with a status code (RFC 6455 7.4): the close frame
 * goes, then the connection. */
static void
ws_fail(struct lws *wsi, struct pss *p, int code)
{
	unsigned char b[2] = { (unsigned char)(code >> 8), (unsigned char)code };

	if (p->state == C_CLOSING)
		return;
	ws_control(wsi, p, 0x8, b, 2);
	p->state = C_CLOSING;
}

/* Keepalive of the stream: a ping after WS_PING_S without a frame from the
 * client, and the end of the connection when it goes unanswered. A dead
 * link is then noticed within WS_PING_S + WS_DEAD_S + WS_SWEEP_S, and its
 * cursor freed. One timer sweeps every subscriber of every store: a timer
 * each, re-inserted into lws's sorted list every few seconds, cost a walk
 * of that list per subscriber (a third of the server's CPU with 10,000). */
static void
ws_ping_sweep(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, sul_ws_ping);
	int64_t now = util_now_ms();
	int nsubs = 0;

	for (int i = 0; i < s->shops.n; i++) {
		struct stream *st = &s->shops.v[i]->stream;

		for (struct stream_sub *sub = st->subs; sub != NULL; sub = sub->next) {
			struct pss *p = lws_container_of(sub, struct pss, sub);

			nsubs++;
			if (p->ws_ping_sent_ms != 0 &&
			    now - p->ws_ping_sent_ms >= WS_DEAD_S * 1000) {
				lws_set_timeout(sub->wsi, PENDING_TIMEOUT_CLOSE_SEND,
				    LWS_TO_KILL_ASYNC);
				continue;
			}
			if (p->ws_ping_sent_ms == 0 &&
			    now - p->ws_last_rx_ms >= WS_PING_S * 1000) {
				ws_control(sub->wsi, p, 0x9, (const unsigned char *)"k", 1);
				p->ws_ping_sent_ms = now;
			}
		}
	}
	if (nsubs > 0)
		lws_sul_schedule(s->ctx, 0, &s->sul_ws_ping, ws_ping_sweep,
		    WS_SWEEP_S * LWS_US_PER_SEC);
}

/* Read the client's frames: the stream is one-way, so only control frames
 * mean anything; every frame must be masked (RFC 6455 5.1). */
static void
ws_read(struct lws *wsi, struct pss *p)
{
	while (p->state == C_WS && p->in.len >= 2) {
		const unsigned char *b = (const unsigned char *)p->in.data;
		int opcode = b[0] & 0x0f;
		bool fin = (b[0] & 0x80) != 0, masked = (b[1] & 0x80) != 0;
		size_t hl = 2, len = b[1] & 0x7f;
		unsigned char payload[125];

		if ((b[0] & 0x70) != 0 || !masked ||
		    (opcode >= 0x3 && opcode <= 0x7) || opcode > 0xa) {
			ws_fail(wsi, p, 1002);   /* protocol error */
			return;
		}
		if (len == 126) {
			if (p->in.len < 4)
				return;
			len = (size_t)b[2] << 8 | b[3];
			hl = 4;
		} else if (len == 127) {
			ws_fail(wsi, p, 1009);   /* too big for anything we take */
			return;
		}
		if ((opcode & 0x8) != 0 && (len > 125 || !fin)) {
			ws_fail(wsi, p, 1002);
			return;
		}
		if (len > WS_FRAME_MAX) {
			ws_fail(wsi, p, 1009);
			return;
		}
		if (p->in.len < hl + 4 + len)
			return;
		p->ws_last_rx_ms = util_now_ms();
		p->ws_ping_sent_ms = 0;
		if (opcode == 0x9 || opcode == 0x8) {
			for (size_t i = 0; i < len; i++)
				payload[i] = b[hl + 4 + i] ^ b[hl + (i & 3)];
		}
		in_consume(p, hl + 4 + len);
		if (opcode == 0x9) {
			ws_control(wsi, p, 0xa, payload, len);
		} else if (opcode == 0x8) {
			/* echo the close, then go */
			ws_control(wsi, p, 0x8, payload, len >= 2 ? 2 : 0);
			p->state = C_CLOSING;
		}
		/* text, binary, continuation and pong: nothing to do */
	}
}

/* A subscriber more than one event behind gets the events after its cursor
 * in one send, frame after frame, up to WS_BATCH bytes: one WRITEABLE (a
 * turn of the loop and, on epoll, two changes of the socket's watch) and
 * one write for many events. A screen that fell behind, or a server behind
 * on thousands of screens of one store, catches up in few turns instead of
 * one per event. buf, len, seq and owned are the first event's, from
 * stream_next. */
static int
stream_write_batch(struct server *s, struct lws *wsi, struct pss *p, unsigned char *buf,
    size_t len, int64_t seq, bool owned)
{
	static struct strbuf batch;  /* LWS_PRE bytes, then the frames */
	struct stream_sub next = p->sub;
	int n;

	strbuf_reset(&batch);
	strbuf_reserve(&batch, LWS_PRE);
	memset(batch.data, 0, LWS_PRE);
	batch.len = LWS_PRE;
	while (buf != NULL) {
		unsigned char h[10];
		size_t hl = ws_frame_head(h, 0x1, len);

		strbuf_append(&batch, h, hl);
		strbuf_append(&batch, buf + LWS_PRE, len);
		if (owned)
			free(buf);
		next.cursor = seq;
		if (batch.len - LWS_PRE >= WS_BATCH)
			break;
		buf = stream_next(&p->shop->stream, s->reader, &next, &len, &seq, &owned);
	}
	n = lws_write(wsi, (unsigned char *)batch.data + LWS_PRE, batch.len - LWS_PRE,
	    LWS_WRITE_RAW);
	if (n < 0)
		return -1;
	p->sub.cursor = next.cursor;
	if (p->sub.cursor < p->shop->stream.head)
		lws_callback_on_writable(wsi);
	return 0;
}

static int
stream_writeable(struct server *s, struct lws *wsi, struct pss *p)
{
	struct stream_sub *sub = &p->sub;
	unsigned char *buf;
	size_t len, hl;
	int64_t seq;
	bool owned;
	int n;

	if (p->out_len > 0) {
		/* the 101, a pong, a ping or a close go first */
		if (out_flush(wsi, p) < 0)
			return -1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (p->state == C_CLOSING)
		return -1;
	if (sub->hello_pending) {
		unsigned char hello[LWS_PRE + 256];
		unsigned char *t = hello + LWS_PRE;

		n = snprintf((char *)t, 240,
		    "{\"type\":\"hello\",\"server_time\":%lld,\"head\":%lld,\"after\":%lld,"
		    "\"resync\":%s,\"log\":\"%s\"}",
		    (long long)util_now_ms(), (long long)p->shop->stream.head,
		    (long long)sub->asked_after,
		    sub->asked_after > p->shop->stream.head ? "true" : "false",
		    p->shop->log_id);
		hl = ws_frame_head(t - 2, 0x1, (size_t)n);   /* n < 126: two bytes */
		sub->hello_pending = false;
		if (lws_write(wsi, t - hl, hl + (size_t)n, LWS_WRITE_RAW) < 0)
			return -1;
		if (sub->cursor < p->shop->stream.head)
			lws_callback_on_writable(wsi);
		return 0;
	}
	buf = stream_next(&p->shop->stream, s->reader, sub, &len, &seq, &owned);
	if (buf == NULL)
		return 0;
	if (seq < p->shop->stream.head)
		return stream_write_batch(s, wsi, p, buf, len, seq, owned);
	{
		/* the frame head goes in the headroom before the text: the same
		 * bytes for every subscriber of a shared ring entry */
		unsigned char h[10];

		hl = ws_frame_head(h, 0x1, len);
		memcpy(buf + LWS_PRE - hl, h, hl);
		n = lws_write(wsi, buf + LWS_PRE - hl, hl + len, LWS_WRITE_RAW);
	}
	if (owned)
		free(buf);
	if (n < 0)
		return -1;
	sub->cursor = seq;
	if (sub->cursor < p->shop->stream.head)
		lws_callback_on_writable(wsi);
	return 0;
}

/* ---- the connection -------------------------------------------------- */

/* Read what has arrived, as far as the connection's state allows: heads,
 * bodies and the stream's frames. A connection with an answer on its way
 * reads nothing more until it has gone; pipelined bytes wait in p->in. */
static void
conn_process(struct server *s, struct lws *wsi, struct pss *p)
{
	for (;;) {
		if (p->state == C_HEAD) {
			struct h1_request req, *r = &req;
			struct h1_error err;
			int n;

			if (p->in.len == 0)
				return;
			n = h1_parse(p->in.data, p->in.len, &p->head_scanned, r, &err);
			if (n == 0) {
				if (!p->head_started) {
					/* the head has begun: it has HEAD_TIMEOUT_S to end */
					p->head_started = true;
					lws_set_timeout(wsi, TO_HEAD, HEAD_TIMEOUT_S);
				}
				return;
			}
			p->head_scanned = 0;
			p->head_started = false;
			if (n < 0) {
				request_reset(p);
				p->start_us = util_mono_us();
				p->method = M_OTHER;
				p->path[0] = '\0';
				p->in.len = 0;
				refuse_and_close(s, wsi, p, err.status, err.code, err.field,
				    err.message);
				return;
			}
			in_consume(p, (size_t)n);
			if (r->upgrade_ws) {
				int status = 0;
				char *body = NULL;

				request_reset(p);
				p->start_us = util_mono_us();
				p->method = r->method;
				xstrlcpy(p->path, r->path, sizeof p->path);
				if (stream_check(s, p, r, &status, &body) < 0) {
					p->close_after = true;
					http_respond_json(s, wsi, p, status, body);
					free(body);
					return;
				}
				stream_upgrade(s, wsi, p, r);
				p->status = 101;
				log_request(wsi, p);
				continue;
			}
			request_begin(s, wsi, p, r);
			continue;
		}
		if (p->state == C_BODY) {
			/* moved on as it comes: a body may be larger than what
			 * the connection holds unread */
			size_t take = p->body_len - p->body.len;

			if (take > p->in.len)
				take = p->in.len;
			strbuf_append(&p->body, p->in.data, take);
			in_consume(p, take);
			if (p->body.len < p->body_len)
				return;
			request_run(s, wsi, p);
			continue;
		}
		if (p->state == C_WS) {
			ws_read(wsi, p);
			return;
		}
		return;   /* running, waiting on a worker, answered or closing */
	}
}

/* The access log's line for the request just answered. */
static void
log_request(struct lws *wsi, struct pss *p)
{
	char peer[64] = "";

	if (!accesslog_wanted())
		return;
	if (p->client[0] != '\0')
		xstrlcpy(peer, p->client, sizeof peer);
	else
		lws_get_peer_simple(wsi, peer, sizeof peer);
	accesslog_request(p->method < M_COUNT ? method_names[p->method] : "?", p->path,
	    p->status, util_mono_us() - p->start_us, p->authed ? &p->caller : NULL, peer);
}

/* The answer has gone: account for it and take the next request. */
static int
http_writeable(struct server *s, struct lws *wsi, struct pss *p)
{
	if (p->state == C_CLOSING)
		return -1;   /* what was queued before it has gone */
	if (p->state != C_ANSWERED)
		return out_flush(wsi, p);   /* an interim answer: 100 Continue */
	if (p->out_len == 0)
		return 0;
	if (out_flush(wsi, p) < 0)
		return -1;
	metrics_request(&s->metrics, p->route != NULL ? p->route->name : "unmatched",
	    p->status, util_mono_us() - p->start_us);
	log_request(wsi, p);
	if (p->close_after) {
		/* close once lws has sent all of it */
		p->state = C_CLOSING;
		lws_callback_on_writable(wsi);
		return 0;
	}
	request_reset(p);
	p->state = C_HEAD;
	lws_set_timeout(wsi, TO_IDLE, IDLE_TIMEOUT_S);
	if (p->rx_held && p->in.len < INPUT_MAX) {
		p->rx_held = false;
		lws_rx_flow_control(wsi, 1);
	}
	conn_process(s, wsi, p);
	return 0;
}

static void
conn_close(struct server *s, struct lws *wsi, struct pss *p)
{
	for (int i = 0; i < s->npending; i++) {
		/* a job still running answers no one */
		if (s->pending[i].wsi == wsi)
			s->pending[i--] = s->pending[--s->npending];
	}
	if (p->is_ws) {
		stream_unsubscribe(&p->shop->stream, &p->sub);
	}
	peer_release(s, p);
	request_reset(p);
	strbuf_free(&p->in);
	free(p->out);
	p->out = NULL;
	p->out_len = 0;
}

/* ---- the protocol callback ------------------------------------------- */

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct pss *p = user;
	struct server *s;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		s = lws_context_user(lws_get_context(wsi));
		if (s != NULL) {
			cluster_poll(s);
			complete_jobs(s);
		}
		return 0;

	case LWS_CALLBACK_RAW_ADOPT:
		s = server_of(wsi);
		if (!peer_admit(s, p, wsi))
			return -1;
		p->state = C_HEAD;
		strbuf_init(&p->in);
		lws_set_timeout(wsi, TO_HEAD, HEAD_TIMEOUT_S);
		return 0;

	case LWS_CALLBACK_RAW_RX:
		s = server_of(wsi);
		if (p->state == C_CLOSING)
			return 0;
		strbuf_append(&p->in, in, len);
		if (p->in.len >= INPUT_MAX && !p->rx_held) {
			/* a pipelining client far ahead of its answers */
			p->rx_held = true;
			lws_rx_flow_control(wsi, 0);
		}
		conn_process(s, wsi, p);
		return 0;

	case LWS_CALLBACK_RAW_WRITEABLE:
		s = server_of(wsi);
		if (p->is_ws)
			return stream_writeable(s, wsi, p);
		return http_writeable(s, wsi, p);

	case LWS_CALLBACK_RAW_CLOSE:
		if (p != NULL)
			conn_close(server_of(wsi), wsi, p);
		return 0;

	default:
		return 0;
	}
}

const struct lws_protocols server_protocols[] = {
	{ "brigade", callback, sizeof(struct pss), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};
