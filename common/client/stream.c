/* stream: WebSocket client of the event stream with resume and backoff. */
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"
#include "failover.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

#define STREAM_PROTOCOL "brigade-stream"

/* Reconnect backoff: grows to 3 s and stays there, for ever, with jitter.
 * Pings every 5 s of silence and a hang-up after 12 s without an answer
 * find a server that stopped answering (SIGSTOP, a pulled cable). */
static const uint32_t backoff_ms[] = { 250, 500, 1000, 2000, 3000 };
static const lws_retry_bo_t retry_policy = {
	.retry_ms_table = backoff_ms,
	.retry_ms_table_count = LWS_ARRAY_SIZE(backoff_ms),
	.conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
	.secs_since_valid_ping = 5,
	.secs_since_valid_hangup = 12,
	.jitter_percent = 30,
};

/* One attempt (TCP connect, TLS, the upgrade, the hello) must be through in
 * this time, or it is abandoned and the next is scheduled. lws's own
 * timeouts are not enough: an attempt whose upgrade gets no answer (a link
 * that drops everything, a stopped server) is closed by lws 4.1 without any
 * callback to us, and nothing would ever try again. */
#define STREAM_ATTEMPT_MS 5000

struct stream {
	struct loop *loop;
	struct lws *wsi;
	lws_sorted_usec_list_t sul;  /* the reconnect timer */
	lws_sorted_usec_list_t attempt; /* the deadline of the attempt under way */
	uint16_t retry_count;
	struct failover *fo;         /* which server to follow */
	struct failover_pick server; /* the one of the attempt under way */
	bool insecure;
	char token[128];
	bool live_only;              /* no after=: start at the head (until the
	                                first hello gives a place in the log) */
	struct clock *clk;
	struct stream_handlers h;
	struct stream_status st;
	struct strbuf msg;           /* the message being reassembled */
	bool oversized;              /* the current message passed the limit */
	bool hello_seen;
	bool started, freeing;
};

static const char *const state_names[] = {
	[STREAM_CONNECTING] = "connecting",
	[STREAM_ONLINE] = "online",
	[STREAM_RECONNECTING] = "reconnecting",
	[STREAM_UNAUTHORIZED] = "unauthorized",
};

const char *
stream_state_name(enum stream_state s)
{
	return state_names[s];
}

static void
set_state(struct stream *s, enum stream_state state, const char *error)
{
	bool changed = s->st.state != state;

	if (changed)
		s->st.since = util_now_ms();
	s->st.state = state;
	if (error != NULL)
		xstrlcpy(s->st.error, error, sizeof s->st.error);
	if (s->h.status != NULL)
		s->h.status(s->h.ctx, &s->st);
}

static void connect_now(lws_sorted_usec_list_t *sul);
static void schedule_retry(struct stream *s, bool away);

/* The connection the stream no longer wants: it is closed, and whatever lws
 * says of it afterwards is not heard. */
static void
abandon(struct stream *s)
{
	if (s->wsi == NULL)
		return;
	lws_set_opaque_user_data(s->wsi, NULL);
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	s->wsi = NULL;
}

/* The attempt under way is not through in time: give it up, try again. */
static void
attempt_expired(lws_sorted_usec_list_t *sul)
{
	struct stream *s = lws_container_of(sul, struct stream, attempt);
	char why[96];

	if (s->hello_seen || s->freeing)
		return;
	abandon(s);
	snprintf(why, sizeof why, "no answer from the server within %d s",
	    STREAM_ATTEMPT_MS / 1000);
	log_info("stream: %s: %s; trying again", s->server.label, why);
	set_state(s, s->st.state == STREAM_ONLINE ? STREAM_RECONNECTING : s->st.state, why);
	schedule_retry(s, true);
}

/* The next attempt after the backoff; away: the server did not answer or
 * the connection broke, so the next attempt goes to the next server (the
 * same one when it is the only one). */
static void
schedule_retry(struct stream *s, bool away)
{
	if (s->freeing)
		return;
	if (away)
		failover_failed(s->fo, s->server.index);
	lws_sul_cancel(&s->attempt);
	s->st.attempts++;
	lws_retry_sul_schedule(loop_context(s->loop), 0, &s->sul, &retry_policy,
	    connect_now, &s->retry_count);
}

static void
connect_now(lws_sorted_usec_list_t *sul)
{
	struct stream *s = lws_container_of(sul, struct stream, sul);
	struct lws_client_connect_info i;
	char path[96];

	if (failover_current(s->fo, &s->server) < 0)
		log_error("not a server URL: %s", s->server.url);   /* cfg_set checks */
	xstrlcpy(s->st.server, s->server.label, sizeof s->st.server);
	if (s->live_only && s->st.last_seq <= 0)
		snprintf(path, sizeof path, "/api/v1/stream");
	else
		snprintf(path, sizeof path, "/api/v1/stream?after=%lld",
		    (long long)s->st.last_seq);
	memset(&i, 0, sizeof i);
	i.context = loop_context(s->loop);
	i.address = s->server.addr.host;
	i.port = s->server.addr.port;
	i.host = s->server.addr.host;
	i.origin = s->server.addr.host;
	i.path = path;
	i.local_protocol_name = STREAM_PROTOCOL;
	i.ssl_connection = s->server.addr.tls ? LCCSCF_USE_SSL : 0;
	if (s->server.addr.tls && s->insecure)
		i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
		    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	i.retry_and_idle_policy = &retry_policy;
	i.opaque_user_data = s;
	i.pwsi = &s->wsi;
	s->hello_seen = false;
	abandon(s);
	lws_sul_schedule(loop_context(s->loop), 0, &s->attempt, attempt_expired,
	    (lws_usec_t)STREAM_ATTEMPT_MS * LWS_US_PER_MS);
	if (lws_client_connect_via_info(&i) == NULL) {
		s->wsi = NULL;
		set_state(s, s->st.state == STREAM_UNAUTHORIZED ? STREAM_UNAUTHORIZED :
		    s->st.state == STREAM_CONNECTING ? STREAM_CONNECTING : STREAM_RECONNECTING,
		    "could not start a connection");
		schedule_retry(s, true);
	}
}

/* The hello: the server's time, its head, and whether we must resync. */
static int
on_hello(struct stream *s, const cJSON *j)
{
	const cJSON *head = cJSON_GetObjectItemCaseSensitive(j, "head");
	const cJSON *resync = cJSON_GetObjectItemCaseSensitive(j, "resync");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "server_time");
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");
	int64_t now = util_now_ms();
	bool other_log = false;

	if (!cJSON_IsNumber(head) || head->valuedouble < 0) {
		set_state(s, s->st.state, "the stream's hello has no head");
		return -1;
	}
	s->st.head = (int64_t)head->valuedouble;
	if (cJSON_IsNumber(t) && s->clk != NULL)
		clock_observe(s->clk, (int64_t)t->valuedouble, now, now);
	if (cJSON_IsString(log) && strlen(log->valuestring) < sizeof s->st.log_id) {
		other_log = s->st.log_id[0] != '\0' && strcmp(s->st.log_id, log->valuestring) != 0;
		xstrlcpy(s->st.log_id, log->valuestring, sizeof s->st.log_id);
	}
	if (other_log || cJSON_IsTrue(resync) || (s->live_only && s->st.last_seq <= 0)) {
		/* the server starts at its head: so do we */
		bool was_resync = cJSON_IsTrue(resync) || other_log;

		s->st.last_seq = s->st.head;
		if (was_resync) {
			log_warn("the server's event log %s; resyncing", other_log ?
			    "is another one (a restored database)" : "ends before our last seq");
			if (s->h.resync != NULL)
				s->h.resync(s->h.ctx, s->st.head);
		}
	}
	/* from the first hello on, the stream has a place in the log, even
	 * at head 0 (a new database): a reconnect, to this server or the
	 * next, resumes after it rather than starting at the head again and
	 * skipping what came meanwhile */
	s->live_only = false;
	s->hello_seen = true;
	lws_sul_cancel(&s->attempt);
	s->retry_count = 0;
	s->st.attempts = 0;
	set_state(s, STREAM_ONLINE, "");
	return 0;
}

/* One whole message. Events must come in seq order: an old seq (already
 * applied) is skipped; a gap means something went wrong on the way, and
 * reconnecting from the last applied seq fills it. */
static int
on_message(struct stream *s, const char *text, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *type, *seq;
	int rc = 0;

	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		set_state(s, s->st.state, "the stream sent a message that is not JSON");
		log_warn("dropping the stream: a message is not a JSON object");
		return -1;
	}
	type = cJSON_GetObjectItemCaseSensitive(j, "type");
	if (!s->hello_seen) {
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "hello") != 0) {
			set_state(s, s->st.state, "the stream did not start with a hello");
			rc = -1;
		} else {
			rc = on_hello(s, j);
		}
		cJSON_Delete(j);
		return rc;
	}
	seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	if (!cJSON_IsNumber(seq) || seq->valuedouble < 1 || seq->valuedouble > 9e15) {
		cJSON_Delete(j);
		set_state(s, s->st.state, "the stream sent an event without a seq");
		return -1;
	}
	int64_t n = (int64_t)seq->valuedouble;
	if (n <= s->st.last_seq) {
		cJSON_Delete(j);
		return 0;   /* already applied */
	}
	if (n != s->st.last_seq + 1) {
		log_warn("stream gap: got seq %lld after %lld; reconnecting", (long long)n,
		    (long long)s->st.last_seq);
		cJSON_Delete(j);
		set_state(s, s->st.state, "a gap in the stream's seqs");
		return -1;
	}
	if (s->h.event != NULL && s->h.event(s->h.ctx, n, j) < 0) {
		cJSON_Delete(j);
		set_state(s, s->st.state, "an event could not be applied");
		return -1;
	}
	s->st.last_seq = n;
	if (n > s->st.head)
		s->st.head = n;
	cJSON_Delete(j);
	return 0;
}

static int
on_receive(struct stream *s, struct lws *wsi, const char *in, size_t len)
{
	if (lws_is_first_fragment(wsi)) {
		strbuf_reset(&s->msg);
		s->oversized = false;
	}
	if (!s->oversized) {
		if (s->msg.len + len > STREAM_MESSAGE_MAX) {
			/* keep reading to the end of it, but keep none of it */
			s->oversized = true;
			strbuf_reset(&s->msg);
		} else {
			strbuf_append(&s->msg, in, len);
		}
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
		return 0;
	if (s->oversized) {
		char why[96];

		snprintf(why, sizeof why, "a stream message is larger than %d KiB",
		    STREAM_MESSAGE_MAX / 1024);
		log_warn("%s; reconnecting", why);
		set_state(s, s->st.state, why);
		s->oversized = false;
		return -1;
	}
	int rc = on_message(s, s->msg.data != NULL ? s->msg.data : "", s->msg.len);
	strbuf_reset(&s->msg);
	return rc;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct stream *s = lws_get_opaque_user_data(wsi);

	if (s == NULL)
		return 0;
	if (s->wsi != NULL && wsi != s->wsi)
		return 0;   /* an abandoned attempt */
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = (unsigned char **)in, *end = *p + len;
		char auth[160];
		int n = snprintf(auth, sizeof auth, "Bearer %s", s->token);

		if (s->token[0] != '\0' && lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)auth, n, p, end) != 0)
			return -1;
		explicit_bzero(auth, sizeof auth);
		return 0;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		strbuf_reset(&s->msg);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(s, wsi, in, len);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		int status = lws_http_client_http_response(wsi);
		char why[160];

		s->wsi = NULL;
		if (status == 401 || status == 403) {
			snprintf(why, sizeof why, "the server refused the stream (HTTP %d): log in again",
			    status);
			set_state(s, STREAM_UNAUTHORIZED, why);
		} else {
			snprintf(why, sizeof why, "%s", in != NULL ? (const char *)in :
			    "cannot connect");
			set_state(s, s->st.state == STREAM_ONLINE ? STREAM_RECONNECTING :
			    s->st.state, why);
		}
		/* a refused token is refused by every server (one session
		 * table): stay; anything else says this one is away */
		schedule_retry(s, status != 401 && status != 403);
		return 0;
	}
	case LWS_CALLBACK_WSI_DESTROY:
		/* freed, perhaps with neither of the two above (lws 4.1 closes
		 * some attempts silently): never touch it again; the attempt's
		 * deadline schedules the next */
		if (wsi == s->wsi)
			s->wsi = NULL;
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		s->wsi = NULL;
		if (s->freeing)
			return 0;
		set_state(s, STREAM_RECONNECTING, s->st.state == STREAM_ONLINE &&
		    s->st.error[0] == '\0' ? "the connection closed" : NULL);
		schedule_retry(s, true);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	{ STREAM_PROTOCOL, callback, 0, 4096, 0, NULL, 0 },
};
static const struct loop_protocols stream_protocol_list = { protocols, 1 };

const struct loop_protocols *
stream_protocols(void)
{
	return &stream_protocol_list;
}

struct stream *
stream_new(struct loop *l, const struct client_cfg *cfg, struct clock *clk,
    const struct stream_handlers *h)
{
	struct stream *s = xcalloc(1, sizeof *s);

	s->loop = l;
	s->insecure = cfg->insecure;
	s->clk = clk;
	s->h = *h;
	s->fo = cfg->failover != NULL ? failover_ref(cfg->failover) : failover_new(cfg);
	if (failover_current(s->fo, &s->server) < 0) {
		log_error("not a server URL: %s", s->server.url);
		failover_unref(s->fo);
		free(s);
		return NULL;
	}
	xstrlcpy(s->st.server, s->server.label, sizeof s->st.server);
	strbuf_init(&s->msg);
	return s;
}

void
stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	s->freeing = true;
	lws_sul_schedule(loop_context(s->loop), 0, &s->sul, connect_now,
	    LWS_SET_TIMER_USEC_CANCEL);
	lws_sul_cancel(&s->attempt);
	if (s->wsi != NULL) {
		lws_set_opaque_user_data(s->wsi, NULL);
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
	}
	explicit_bzero(s->token, sizeof s->token);
	strbuf_free(&s->msg);
	failover_unref(s->fo);
	free(s);
}

void
stream_set_token(struct stream *s, const char *token)
{
	xstrlcpy(s->token, token, sizeof s->token);
	if (s->st.state == STREAM_UNAUTHORIZED && s->started) {
		/* try the new token now rather than at the next backoff step */
		s->retry_count = 0;
		lws_sul_schedule(loop_context(s->loop), 0, &s->sul, connect_now, 1);
	}
}

void
stream_start(struct stream *s, int64_t after)
{
	s->live_only = after < 0;
	s->st.last_seq = after < 0 ? 0 : after;
	s->st.state = STREAM_CONNECTING;
	s->st.since = util_now_ms();
	s->started = true;
	lws_sul_schedule(loop_context(s->loop), 0, &s->sul, connect_now, 1);
}

void
stream_set_log_id(struct stream *s, const char *id)
{
	xstrlcpy(s->st.log_id, id != NULL ? id : "", sizeof s->st.log_id);
}

const struct stream_status *
stream_status(const struct stream *s)
{
	return &s->st;
}
