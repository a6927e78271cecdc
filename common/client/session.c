/* session: login, snapshot, stream, cache and the outbox for a screen. */
#include "session.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "codec.h"
#include "failover.h"
#include "log.h"
#include "outbox.h"
#include "stream.h"
#include "strbuf.h"
#include "util.h"
#include "worker.h"
#include "xalloc.h"

#define SNAPSHOT_PAGE 2000
#define SAVE_DELAY_MS 5000      /* the stream replays what a stale start missed */
#define SAVE_QUIET_MS 1000      /* no key for this long before writing the cache */
#define SAVE_MAX_WAIT_MS 30000
#define RETRY_BASE_MS 500
#define RETRY_CAP_MS 5000

struct session {
	char app[16];
	char statuses[96];
	struct client_cfg cfg;
	char store[CFG_STORE_MAX + 1]; /* the login's store, as the server names it */
	struct session_handlers h;
	struct loop *loop;
	struct clock clk;
	struct cache *cache;
	struct stream *stream;
	struct outbox *ob;           /* this thread's own connection to the outbox */
	struct worker *checker;      /* no outbox: only checks a login, so a wrong
	                                PIN is never retried behind anyone's back */
	struct worker *worker;       /* sends the outbox, once the login is good */
	struct loop_timer retry;     /* login check or snapshot, after a failure */
	struct loop_timer save;
	bool save_due;
	int64_t save_wanted;         /* mono ms the first unsaved change came */
	int64_t busy_at;             /* mono ms of the person's last key */
	int failures;
	unsigned generation;         /* of the credentials: stale answers are dropped */
	bool have_creds, checking, logged_in, snapshotting, stream_started;
	bool relogin, closing;
	bool told_offline;
	struct check_ctx *check;     /* the login check in flight (its context is
	                                ours to free if the worker drops it) */
	struct session_state st;
	struct session_pending *ops;
	int nops, capops;
	cJSON *snap_orders;          /* pages gathered so far */
	int64_t snap_head;
};

struct check_ctx {
	struct session *s;
	unsigned generation;
};

static void check_login(struct session *s);
static void take_snapshot(struct session *s);

/* The server in use, for the screens to show when there is a choice:
 * whether it changed since they were told. */
static bool
note_server(struct session *s)
{
	struct failover_pick p;

	if (failover_count(s->cfg.failover) < 2)
		return false;
	failover_current(s->cfg.failover, &p);
	if (strcmp(p.label, s->st.server) == 0)
		return false;
	xstrlcpy(s->st.server, p.label, sizeof s->st.server);
	return true;
}

static void
tell_state(struct session *s)
{
	note_server(s);
	if (s->h.state != NULL)
		s->h.state(s->h.ctx, &s->st);
}

static void
tell_orders(struct session *s, const int64_t *ids, int n)
{
	if (s->h.orders != NULL)
		s->h.orders(s->h.ctx, ids, n);
}

static void
set_conn(struct session *s, enum session_conn c, const char *error)
{
	if (s->st.conn != c)
		s->st.since = util_now_ms();
	s->st.conn = c;
	if (error != NULL)
		xstrlcpy(s->st.error, error, sizeof s->st.error);
}

static void
count_outbox(struct session *s)
{
	int64_t counts[OUTBOX_STATE_COUNT];

	if (outbox_counts(s->ob, counts) == 0) {
		s->st.queued = counts[OUTBOX_PENDING];
		s->st.attention = counts[OUTBOX_ATTENTION];
	}
	outbox_oldest_pending(s->ob, &s->st.oldest_queued_at);
	/* another person's changes wait for their login (outbox_entry_for) */
	if (outbox_waiting(s->ob, s->st.staff, s->store, &s->st.waiting, s->st.waiting_for,
	    sizeof s->st.waiting_for) < 0)
		s->st.waiting = 0;
}

static void
save_fire(struct loop_timer *t)
{
	struct session *s = t->ctx;
	int64_t now = util_mono_ms();

	/* writing 500 orders takes some 20 ms: not while someone is typing,
	 * unless it has waited long enough */
	if (now - s->busy_at < SAVE_QUIET_MS && now - s->save_wanted < SAVE_MAX_WAIT_MS) {
		loop_timer_schedule(&s->save, SAVE_QUIET_MS);
		return;
	}
	s->save_due = false;
	if (cache_dirty(s->cache)) {
		int64_t t0 = util_mono_us();

		cache_save(s->cache);
		malloc_trim(0);      /* the file's text and tree were as big as the cache */
		log_debug("cache saved (%d orders) in %lld us", cache_norders(s->cache),
		    (long long)(util_mono_us() - t0));
	}
}

/* The cache is written a little after a change, not at every event: a
 * burst of events costs one write. */
static void
schedule_save(struct session *s)
{
	if (s->save_due)
		return;
	s->save_due = true;
	s->save_wanted = util_mono_ms();
	loop_timer_schedule(&s->save, SAVE_DELAY_MS);
}

/* An event into the cache; an order it closes (it leaves the cache) is
 * handed to the closed handler first, as the event has it. */
static int
apply_event(struct session *s, const cJSON *ev, struct codec_error *err)
{
	const cJSON *order = cJSON_GetObjectItemCaseSensitive(ev, "order");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(order, "id");
	int64_t oid = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
	bool had = oid > 0 && cache_find(s->cache, oid) != NULL;
	int rc = cache_apply_event(s->cache, ev, err);

	if (rc == 0 && had && s->h.closed != NULL && cache_find(s->cache, oid) == NULL) {
		struct codec_error oerr;
		struct order o;

		order_init(&o);
		if (order_from_json(order, &o, &oerr) == 0)
			s->h.closed(s->h.ctx, &o);
		order_free(&o);
	}
	return rc;
}

/* An order from an answer (an action's reply, a refresh) into the cache as
 * if the stream had brought it: only a newer version replaces ours. */
static int64_t
apply_order(struct session *s, const cJSON *order)
{
	struct codec_error err;
	cJSON *ev;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(order, "id");
	int64_t head = cache_head(s->cache);
	int rc;

	if (!cJSON_IsObject(order) || !cJSON_IsNumber(id))
		return 0;
	ev = cJSON_CreateObject();
	codec_add_int(ev, "seq", head > 0 ? head : 1);
	cJSON_AddStringToObject(ev, "type", "order.updated");
	codec_add_int(ev, "at", 0);
	cJSON_AddItemReferenceToObject(ev, "order", (cJSON *)order);
	rc = apply_event(s, ev, &err);
	cJSON_Delete(ev);
	if (rc < 0) {
		log_warn("an order in an answer does not parse: %s", err.message);
		return 0;
	}
	schedule_save(s);
	return (int64_t)id->valuedouble;
}

/* --- pending changes -------------------------------------------------- */

static void
op_free(struct session_pending *p)
{
	free(p->body);
	p->body = NULL;
}

static void
op_remove(struct session *s, int i)
{
	op_free(&s->ops[i]);
	memmove(&s->ops[i], &s->ops[i + 1], (size_t)(s->nops - i - 1) * sizeof *s->ops);
	s->nops--;
}

static struct session_pending *
op_add(struct session *s)
{
	if (s->nops == s->capops) {
		s->capops = s->capops ? s->capops * 2 : 16;
		s->ops = xreallocarray(s->ops, (size_t)s->capops, sizeof *s->ops);
	}
	memset(&s->ops[s->nops], 0, sizeof s->ops[0]);
	return &s->ops[s->nops++];
}

/* A pending change from its outbox entry: at a push, or rebuilt after a
 * restart while the server was away. An order's lifecycle action, a
 * station's bump or a new order is marked on the order; anything else is
 * only pending. */
static struct session_pending *
op_from_entry(struct session *s, const struct outbox_entry *e)
{
	long long id = 0;
	int n = 0, act = -1;
	struct session_pending *p;
	cJSON *body = cJSON_Parse(e->body != NULL ? e->body : "");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "action");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(body, "station");

	p = op_add(s);
	p->kind = SESSION_OP_OTHER;
	if (strcmp(e->method, "POST") != 0) {
		/* a PATCH of a menu item or of a person: no order's */
	} else if (strcmp(e->path, "/api/v1/orders") == 0) {
		p->kind = SESSION_OP_CREATE;
		p->body = xstrdup(e->body != NULL ? e->body : "");
	} else if (sscanf(e->path, "/api/v1/orders/%lld/actions%n", &id, &n) == 1 &&
	    e->path[n] == '\0') {
		act = cJSON_IsString(a) ? action_parse(a->valuestring) : -1;
		if (act >= 0) {
			p->kind = SESSION_OP_ACTION;
			p->action = act;
		}
	} else if (sscanf(e->path, "/api/v1/orders/%lld/items/done%n", &id, &n) == 1 &&
	    e->path[n] == '\0') {
		if (cJSON_IsString(st)) {
			p->kind = SESSION_OP_ITEMS_DONE;
			xstrlcpy(p->station, st->valuestring, sizeof p->station);
		}
	}
	cJSON_Delete(body);
	p->entry = e->id;
	p->order_id = id;
	p->made_at = e->created_at;
	xstrlcpy(p->name, e->kind, sizeof p->name);
	xstrlcpy(p->label, e->kind, sizeof p->label);
	return p;
}

/* "code (field): message" or "code: message", as the sender records a
 * refusal. */
static void
parse_refusal(const char *text, struct session_refusal *r)
{
	const char *colon = strstr(text, ": ");
	size_t n = strcspn(text, " :");

	if (n >= sizeof r->code)
		n = sizeof r->code - 1;
	memcpy(r->code, text, n);
	r->code[n] = '\0';
	xstrlcpy(r->message, colon != NULL ? colon + 2 : text, sizeof r->message);
}

static void
report_refusal(struct session *s, const struct outbox_entry *e, int64_t order_id,
    const char *label, bool earlier)
{
	struct session_refusal r;

	memset(&r, 0, sizeof r);
	r.entry = e->id;
	r.order_id = order_id;
	r.earlier = earlier;
	xstrlcpy(r.kind, e->kind, sizeof r.kind);
	xstrlcpy(r.label, label != NULL ? label : e->kind, sizeof r.label);
	xstrlcpy(r.error, e->error != NULL ? e->error : "", sizeof r.error);
	r.http_status = e->http_status;
	parse_refusal(r.error, &r);
	log_warn("%s of order %" PRId64 " refused (%d %s): %s", e->kind, order_id,
	    e->http_status, r.code, r.message);
	if (s->h.refused != NULL)
		s->h.refused(s->h.ctx, &r);
}

/* The outbox moved: settle the pending changes whose entries finished. A
 * done entry's answer to an order's change is the order after it, applied
 * so the board does not flicker back while the stream's event is on its
 * way; then the done handler hears of it. A refused one is reported and
 * its order fetched again. */
static void
settle_ops(struct session *s)
{
	int64_t changed[64];
	int nchanged = 0;

	for (int i = 0; i < s->nops;) {
		struct outbox_entry e;
		struct session_pending p = s->ops[i];
		int64_t order_id = p.order_id;
		int rc = outbox_get(s->ob, p.entry, &e);

		if (rc < 0)
			break;
		if (rc == 0 && e.state == OUTBOX_PENDING) {
			outbox_entry_free(&e);
			i++;
			continue;
		}
		if (rc == 0 && e.state == OUTBOX_DONE && e.response != NULL &&
		    p.kind != SESSION_OP_OTHER) {
			cJSON *j = cJSON_Parse(e.response);
			int64_t id = apply_order(s, j);

			if (order_id == 0)
				order_id = id;
			cJSON_Delete(j);
		}
		/* gone before the handlers hear of it (they may push more) */
		s->ops[i].body = NULL;
		op_remove(s, i);
		if (rc == 0 && e.state == OUTBOX_DONE && s->h.done != NULL)
			s->h.done(s->h.ctx, &p, &e);
		if (rc == 0 && e.state == OUTBOX_ATTENTION) {
			report_refusal(s, &e, order_id, p.label, false);
			if (order_id > 0)
				session_refresh_order(s, order_id);
		}
		op_free(&p);
		if (rc == 0)
			outbox_entry_free(&e);
		if (order_id > 0 && nchanged < 64)
			changed[nchanged++] = order_id;
	}
	if (nchanged > 0)
		tell_orders(s, changed, nchanged);
}

/* --- worker and login --------------------------------------------------- */

static void
on_outbox(void *ctx, const struct worker_outbox_status *ws)
{
	struct session *s = ctx;

	if (s->closing)
		return;
	s->st.queued = ws->pending;
	s->st.attention = ws->attention;
	s->st.send_failing = !ws->online;
	if (ws->retention_ms > 0)
		s->st.retention_ms = ws->retention_ms;
	settle_ops(s);
	count_outbox(s);
	tell_state(s);
}

static void
on_token(void *ctx, const char *token, enum staff_role role)
{
	struct session *s = ctx;

	if (s->closing)
		return;
	stream_set_token(s->stream, token);
	s->st.role = (int)role;
}

static void
retry_fire(struct loop_timer *t)
{
	struct session *s = t->ctx;

	if (!s->logged_in)
		check_login(s);
	else
		take_snapshot(s);
}

static void
retry_later(struct session *s)
{
	s->failures++;
	loop_timer_schedule(&s->retry, api_backoff_ms(s->failures, RETRY_BASE_MS, RETRY_CAP_MS));
}

static void
tell_login(struct session *s, enum session_login_result r, const char *message)
{
	if (s->h.login != NULL)
		s->h.login(s->h.ctx, r, message);
}

/* The outbox's worker, logged in as login when the check gave one (the
 * server hashes the PIN once per start, not once per worker). */
static void
start_worker(struct session *s, const struct api_session *login)
{
	struct worker_handlers wh = { on_outbox, on_token, s };
	char err[512];

	if (s->worker != NULL)
		return;
	s->worker = worker_new_as(s->loop, &s->cfg, &s->clk, s->cfg.outbox, &wh,
	    login != NULL && login->token[0] != '\0' ? login : NULL, err, sizeof err);
	if (s->worker == NULL) {
		log_error("%s", err);
		set_conn(s, SESSION_OFFLINE, err);
	}
}

static void
stop_worker(struct worker **w)
{
	if (*w != NULL) {
		worker_free(*w);
		*w = NULL;
	}
}

/* The answer to GET /api/v1/auth/me, which logged in first. */
static void
on_checked(void *arg, struct api_reply *r)
{
	struct check_ctx *cc = arg;
	struct session *s = cc->s;
	bool stale = cc->generation != s->generation;

	if (s->check == cc)
		s->check = NULL;
	free(cc);
	if (s->closing)
		return;
	s->checking = false;
	if (stale) {
		/* the person typed other credentials meanwhile */
		stop_worker(&s->checker);
		check_login(s);
		return;
	}
	if (r->err == API_OK) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(r->json, "role");
		const cJSON *staff = cJSON_GetObjectItemCaseSensitive(r->json, "staff");

		if (cJSON_IsString(role))
			s->st.role = role_parse(role->valuestring);
		if (cJSON_IsString(staff))
			xstrlcpy(s->st.staff, staff->valuestring, sizeof s->st.staff);
		struct api_session login;

		s->logged_in = true;
		s->failures = 0;
		s->told_offline = false;
		worker_free_keep(s->checker, &login);
		s->checker = NULL;
		start_worker(s, &login);
		explicit_bzero(&login, sizeof login);
		s->st.error[0] = '\0';
		count_outbox(s);      /* whose queued changes wait depends on who */
		/* signed in: connecting until the stream is live, not "signed out" */
		if (s->st.conn == SESSION_SIGNED_OUT)
			set_conn(s, SESSION_STARTING, "");
		tell_login(s, SESSION_LOGIN_OK, "");
		take_snapshot(s);
		tell_state(s);
		return;
	}
	if (api_err_transient(r->err) && strcmp(r->code, "account_locked") != 0) {
		char why[300];

		snprintf(why, sizeof why, "cannot reach the server: %s", r->message);
		set_conn(s, SESSION_OFFLINE, why);
		if (!s->told_offline) {
			s->told_offline = true;
			log_warn("%s; trying again", why);
			tell_login(s, SESSION_LOGIN_OFFLINE, why);
		}
		tell_state(s);
		retry_later(s);
		return;
	}
	/* refused: these credentials are no good; ask the person */
	stop_worker(&s->checker);
	s->have_creds = false;
	explicit_bzero(s->cfg.pin, sizeof s->cfg.pin);
	set_conn(s, SESSION_SIGNED_OUT, r->message);
	log_warn("login as %s refused: %s (%s)", s->cfg.staff, r->message, r->code);
	if (strcmp(r->code, "account_locked") == 0)
		tell_login(s, SESSION_LOGIN_LOCKED, r->message);
	else if (r->err == API_ERR_UNAUTHORIZED)
		tell_login(s, SESSION_LOGIN_REFUSED, r->message);
	else
		tell_login(s, SESSION_LOGIN_FAILED, r->message);
	tell_state(s);
}

static void
check_login(struct session *s)
{
	struct check_ctx *cc;

	if (s->checking || !s->have_creds || s->closing)
		return;
	if (s->checker == NULL) {
		struct worker_handlers wh = { NULL, on_token, s };
		char err[512];

		s->checker = worker_new(s->loop, &s->cfg, &s->clk, NULL, &wh, err, sizeof err);
		if (s->checker == NULL) {
			set_conn(s, SESSION_OFFLINE, err);
			tell_state(s);
			retry_later(s);
			return;
		}
	}
	cc = xcalloc(1, sizeof *cc);
	cc->s = s;
	cc->generation = s->generation;
	s->check = cc;
	s->checking = true;
	worker_request(s->checker, "GET", "/api/v1/auth/me", NULL, 1, on_checked, cc);
}

void
session_login(struct session *s, const char *staff, const char *pin)
{
	xstrlcpy(s->cfg.staff, staff, sizeof s->cfg.staff);
	xstrlcpy(s->cfg.pin, pin, sizeof s->cfg.pin);
	xstrlcpy(s->st.staff, staff, sizeof s->st.staff);
	s->have_creds = true;
	s->generation++;
	s->logged_in = false;
	s->failures = 0;
	s->told_offline = false;
	loop_timer_cancel(&s->retry);
	/* a worker logged in as someone else must not send any more */
	stop_worker(&s->worker);
	if (s->checking)
		return;   /* the answer in flight is dropped, then we check again */
	stop_worker(&s->checker);
	check_login(s);
}

/* The login is good but not for this program: its worker must not send
 * the outbox under it. A check in flight is dropped (generation). */
void
session_sign_out(struct session *s)
{
	s->generation++;
	s->have_creds = false;
	s->logged_in = false;
	explicit_bzero(s->cfg.pin, sizeof s->cfg.pin);
	loop_timer_cancel(&s->retry);
	stop_worker(&s->worker);
	if (!s->checking)
		stop_worker(&s->checker);
	set_conn(s, SESSION_SIGNED_OUT, "signed out");
	tell_state(s);
}

/* --- snapshot ----------------------------------------------------------- */

static void on_orders_page(void *arg, struct api_reply *r);
static void on_store(void *arg, struct api_reply *r);

static void
snapshot_failed(struct session *s, const struct api_reply *r)
{
	char why[300];

	s->snapshotting = false;
	cJSON_Delete(s->snap_orders);
	s->snap_orders = NULL;
	snprintf(why, sizeof why, "cannot load the orders: %s", r->message);
	log_warn("%s", why);
	if (api_err_transient(r->err)) {
		set_conn(s, SESSION_OFFLINE, why);
		tell_state(s);
	}
	retry_later(s);
}

static void
request_page(struct session *s, int64_t after_id)
{
	char path[256];

	snprintf(path, sizeof path, "/api/v1/orders?limit=%d&after_id=%" PRId64 "%s%s",
	    SNAPSHOT_PAGE, after_id, s->statuses[0] ? "&status=" : "", s->statuses);
	worker_request(s->worker, "GET", path, NULL, 2, on_orders_page, s);
}

static void
on_menu(void *arg, struct api_reply *r)
{
	struct session *s = arg;
	struct codec_error err;

	if (s->closing)
		return;
	if (r->err != API_OK) {
		snapshot_failed(s, r);
		return;
	}
	if (cache_set_menu(s->cache, r->json, &err) < 0) {
		log_error("the menu does not parse: %s", err.message);
	} else if (s->h.menu != NULL) {
		s->h.menu(s->h.ctx);
	}
	worker_request(s->worker, "GET", "/api/v1/store", NULL, 2, on_store, s);
}

/* The restaurant's details (for receipts), then the open orders. */
static void
on_store(void *arg, struct api_reply *r)
{
	struct session *s = arg;
	struct codec_error err;

	if (s->closing)
		return;
	if (r->err != API_OK) {
		snapshot_failed(s, r);
		return;
	}
	if (cache_set_store(s->cache, r->json, &err) < 0)
		log_error("the restaurant's details do not parse: %s", err.message);
	else if (s->h.store != NULL)
		s->h.store(s->h.ctx);
	cJSON_Delete(s->snap_orders);
	s->snap_orders = cJSON_CreateArray();
	s->snap_head = -1;
	request_page(s, 0);
}

static void
on_orders_page(void *arg, struct api_reply *r)
{
	struct session *s = arg;
	struct codec_error err;
	cJSON *page, *o, *answer;
	const cJSON *head;
	int n = 0;
	int64_t last = 0;

	if (s->closing)
		return;
	if (r->err != API_OK) {
		snapshot_failed(s, r);
		return;
	}
	head = cJSON_GetObjectItemCaseSensitive(r->json, "head");
	page = cJSON_DetachItemFromObjectCaseSensitive(r->json, "orders");
	if (!cJSON_IsNumber(head) || !cJSON_IsArray(page)) {
		struct api_reply bad = *r;

		cJSON_Delete(page);
		xstrlcpy(bad.message, "the order list is not what the API promises",
		    sizeof bad.message);
		bad.err = API_ERR_BAD_RESPONSE;
		snapshot_failed(s, &bad);
		return;
	}
	/* the first page's head: events after it cover what changed while
	 * the later pages were read */
	if (s->snap_head < 0)
		s->snap_head = (int64_t)head->valuedouble;
	while ((o = cJSON_DetachItemFromArray(page, 0)) != NULL) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");

		if (cJSON_IsNumber(id))
			last = (int64_t)id->valuedouble;
		cJSON_AddItemToArray(s->snap_orders, o);
		n++;
	}
	cJSON_Delete(page);
	if (n == SNAPSHOT_PAGE) {
		request_page(s, last);
		return;
	}
	answer = cJSON_CreateObject();
	cJSON_AddItemToObject(answer, "orders", s->snap_orders);
	codec_add_int(answer, "head", s->snap_head);
	s->snap_orders = NULL;
	if (cache_set_orders(s->cache, answer, &err) < 0) {
		log_error("the order list does not parse: %s", err.message);
		cJSON_Delete(answer);
		s->snapshotting = false;
		retry_later(s);
		return;
	}
	cJSON_Delete(answer);
	/* the snapshot's text and trees were the biggest things this process
	 * ever held: give their pages back (a screen stays small for days) */
	malloc_trim(0);
	s->snapshotting = false;
	s->failures = 0;
	s->st.stale = false;
	if (stream_status(s->stream)->log_id[0] != '\0')
		cache_set_log_id(s->cache, stream_status(s->stream)->log_id);
	schedule_save(s);
	tell_orders(s, NULL, -1);
	if (!s->stream_started) {
		s->stream_started = true;
		stream_set_log_id(s->stream, cache_log_id(s->cache));
		stream_start(s->stream, cache_head(s->cache));
	} else if (stream_status(s->stream)->state == STREAM_ONLINE) {
		set_conn(s, SESSION_ONLINE, "");
	}
	tell_state(s);
}

static void
take_snapshot(struct session *s)
{
	if (s->snapshotting || s->worker == NULL || s->closing)
		return;
	s->snapshotting = true;
	worker_request(s->worker, "GET", "/api/v1/menu", NULL, 2, on_menu, s);
}

void
session_snapshot(struct session *s)
{
	take_snapshot(s);
}

/* --- stream -------------------------------------------------------------- */

static int
on_event(void *ctx, int64_t seq, const cJSON *ev)
{
	struct session *s = ctx;
	struct codec_error err;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
	const cJSON *order = cJSON_GetObjectItemCaseSensitive(ev, "order");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(order, "id");

	if (apply_event(s, ev, &err) < 0) {
		/* handing it again would fail again: note it and go on */
		log_error("event %" PRId64 " does not parse: %s", seq, err.message);
		return 0;
	}
	schedule_save(s);
	if (cJSON_IsString(type) && strcmp(type->valuestring, "menu.updated") == 0) {
		if (s->h.menu != NULL)
			s->h.menu(s->h.ctx);
	} else if (cJSON_IsString(type) && strcmp(type->valuestring, "store.updated") == 0) {
		if (s->h.store != NULL)
			s->h.store(s->h.ctx);
	} else if (cJSON_IsNumber(id)) {
		int64_t oid = (int64_t)id->valuedouble;

		tell_orders(s, &oid, 1);
	}
	return 0;
}

static void
on_resync(void *ctx, int64_t head)
{
	struct session *s = ctx;

	log_warn("the server's log ends at %" PRId64 ": taking a fresh snapshot", head);
	take_snapshot(s);
}

static void
on_relogin(void *arg, struct api_reply *r)
{
	struct session *s = arg;

	if (s->closing)
		return;
	s->relogin = false;
	if (r->err == API_OK || api_err_transient(r->err))
		return;   /* the token handler gave the stream a new token, or later */
	/* our credentials stopped working (PIN changed, account disabled) */
	stop_worker(&s->worker);
	s->logged_in = false;
	s->have_creds = false;
	explicit_bzero(s->cfg.pin, sizeof s->cfg.pin);
	set_conn(s, SESSION_SIGNED_OUT, r->message);
	tell_login(s, strcmp(r->code, "account_locked") == 0 ? SESSION_LOGIN_LOCKED :
	    SESSION_LOGIN_REFUSED, r->message);
	tell_state(s);
}

static void
on_stream_status(void *ctx, const struct stream_status *st)
{
	struct session *s = ctx;

	if (s->closing)
		return;
	switch (st->state) {
	case STREAM_ONLINE:
		/* the log the cache's head numbers: learnt here the first
		 * time; another one is taken with the snapshot it resyncs to */
		if (cache_log_id(s->cache)[0] == '\0' && st->log_id[0] != '\0') {
			cache_set_log_id(s->cache, st->log_id);
			schedule_save(s);
		}
		if (s->st.conn != SESSION_ONLINE) {
			set_conn(s, SESSION_ONLINE, "");
			tell_state(s);
			/* back: what waits in the outbox goes now, not at the
			 * end of the worker's backoff */
			if (s->worker != NULL)
				worker_kick(s->worker);
		}
		break;
	case STREAM_RECONNECTING:
		if (s->st.conn != SESSION_OFFLINE) {
			set_conn(s, SESSION_OFFLINE, st->error);
			s->st.since = st->since;
			tell_state(s);
		}
		break;
	case STREAM_UNAUTHORIZED:
		/* a REST call logs in again; the token handler gives the stream
		 * the new token */
		if (!s->relogin && s->worker != NULL) {
			s->relogin = true;
			worker_request(s->worker, "GET", "/api/v1/auth/me", NULL, 1, on_relogin, s);
		}
		break;
	case STREAM_CONNECTING:
		break;
	}
	if (note_server(s))
		tell_state(s);   /* the stream moved on to another server */
}

/* --- setup --------------------------------------------------------------- */

/* Replace the file name of a default path by APP-NAME. */
static void
app_path(char *path, size_t size, const char *def, const char *app, const char *name)
{
	char *slash;

	if (strcmp(path, def) != 0)
		return;
	slash = strrchr(path, '/');
	if (slash == NULL)
		return;
	snprintf(slash + 1, size - (size_t)(slash + 1 - path), "%s-%s", app, name);
}

struct session *
session_new(const struct session_opts *o, const struct session_handlers *h, char *err,
    size_t errsize)
{
	struct session *s = xcalloc(1, sizeof *s);
	struct client_cfg def;
	struct stream_handlers sh;

	xstrlcpy(s->app, o->app != NULL ? o->app : "client", sizeof s->app);
	xstrlcpy(s->statuses, o->statuses != NULL ? o->statuses : "", sizeof s->statuses);
	s->cfg = *o->cfg;
	cfg_store_code(&s->cfg, s->store);
	if (h != NULL)
		s->h = *h;
	cfg_defaults(&def);
	app_path(s->cfg.outbox, sizeof s->cfg.outbox, def.outbox, s->app, "outbox.db");
	app_path(s->cfg.cache, sizeof s->cfg.cache, def.cache, s->app, "cache.json");
	s->have_creds = s->cfg.staff[0] != '\0' && s->cfg.pin[0] != '\0';
	s->st.role = -1;
	s->st.conn = SESSION_STARTING;
	s->st.since = util_now_ms();
	xstrlcpy(s->st.staff, s->cfg.staff, sizeof s->st.staff);
	clock_init(&s->clk);

	s->ob = outbox_open(s->cfg.outbox, 0, err, errsize);
	if (s->ob == NULL) {
		free(s);
		return NULL;
	}
	s->loop = loop_new(stream_protocols(), cfg_tls(&s->cfg), s->cfg.ca_file);
	if (s->loop == NULL) {
		snprintf(err, errsize, "cannot start the event loop");
		outbox_close(s->ob);
		free(s);
		return NULL;
	}
	/* one choice of server for the stream and every worker */
	s->cfg.failover = failover_new(&s->cfg);
	sh.event = on_event;
	sh.resync = on_resync;
	sh.status = on_stream_status;
	sh.ctx = s;
	s->stream = stream_new(s->loop, &s->cfg, &s->clk, &sh);
	if (s->stream == NULL) {
		snprintf(err, errsize, "not a server URL: %s", s->cfg.servers[0]);
		failover_unref(s->cfg.failover);
		loop_free(s->loop);
		outbox_close(s->ob);
		free(s);
		return NULL;
	}
	s->cache = cache_new(s->cfg.cache);
	loop_timer_init(&s->retry, s->loop, retry_fire, s);
	loop_timer_init(&s->save, s->loop, save_fire, s);
	return s;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	s->closing = true;
	loop_timer_cancel(&s->retry);
	loop_timer_cancel(&s->save);
	/* the workers first: they may still post to the loop; then what they
	 * posted is delivered (and dropped: closing) so nothing leaks */
	stop_worker(&s->checker);
	stop_worker(&s->worker);
	loop_flush(s->loop);
	free(s->check);              /* a check the worker never ran */
	if (cache_dirty(s->cache))
		cache_save(s->cache);
	stream_free(s->stream);
	loop_free(s->loop);
	cache_free(s->cache);
	outbox_close(s->ob);
	cJSON_Delete(s->snap_orders);
	for (int i = 0; i < s->nops; i++)
		op_free(&s->ops[i]);
	free(s->ops);
	failover_unref(s->cfg.failover);
	explicit_bzero(&s->cfg, sizeof s->cfg);
	free(s);
}

struct loop *
session_loop(struct session *s)
{
	return s->loop;
}

struct clock *
session_clock(struct session *s)
{
	return &s->clk;
}

struct cache *
session_cache(struct session *s)
{
	return s->cache;
}

const struct session_state *
session_state(const struct session *s)
{
	return &s->st;
}

bool
session_has_credentials(const struct session *s)
{
	return s->have_creds;
}

int
session_start(struct session *s)
{
	char err[512];
	struct outbox_entry *e = NULL;
	int n = 0;

	switch (cache_load(s->cache, err, sizeof err)) {
	case 0:
		s->st.stale = true;
		s->st.saved_at = cache_saved_at(s->cache);
		tell_orders(s, NULL, -1);
		if (s->h.menu != NULL)
			s->h.menu(s->h.ctx);
		break;
	case -1:
		log_warn("%s; starting without it", err);
		break;
	default:
		break;
	}
	/* changes a previous run queued are still this terminal's: show them */
	if (outbox_list(s->ob, OUTBOX_BIT(OUTBOX_PENDING), 0, 0, &e, &n) == 0) {
		for (int i = 0; i < n; i++)
			op_from_entry(s, &e[i]);
		outbox_entries_free(e, n);
		if (s->nops > 0)
			tell_orders(s, NULL, -1);
	}
	if (outbox_list(s->ob, OUTBOX_BIT(OUTBOX_ATTENTION), 0, 0, &e, &n) == 0) {
		for (int i = 0; i < n; i++) {
			long long id = 0;

			sscanf(e[i].path, "/api/v1/orders/%lld", &id);
			report_refusal(s, &e[i], id, NULL, true);
		}
		outbox_entries_free(e, n);
	}
	count_outbox(s);
	if (s->have_creds) {
		check_login(s);
	} else {
		set_conn(s, SESSION_SIGNED_OUT, "not signed in");
	}
	tell_state(s);
	return 0;
}

/* --- changes ------------------------------------------------------------- */

static int64_t
push(struct session *s, const char *path, const char *body, int64_t order_id,
    const char *kind, struct session_pending *tmpl)
{
	struct outbox_entry e;
	char order_key[OUTBOX_ORDER_KEY_MAX + 1];
	struct outbox_new n = { "POST", path, body, NULL, kind, s->cfg.staff, NULL, s->store };
	struct session_pending *p;

	if (order_id > 0) {
		snprintf(order_key, sizeof order_key, "order:%" PRId64, order_id);
		n.order_key = order_key;
	}
	if (outbox_push(s->ob, &n, &e) < 0) {
		snprintf(s->st.error, sizeof s->st.error, "cannot queue the change: %s",
		    outbox_errmsg(s->ob));
		log_error("%s", s->st.error);
		tell_state(s);
		return -1;
	}
	p = op_add(s);
	*p = *tmpl;
	p->entry = e.id;
	p->order_id = order_id;
	p->made_at = e.created_at;
	xstrlcpy(p->name, e.kind, sizeof p->name);
	xstrlcpy(p->label, e.kind, sizeof p->label);
	outbox_entry_free(&e);
	if (s->worker != NULL)
		worker_kick(s->worker);
	count_outbox(s);
	if (order_id > 0)
		tell_orders(s, &order_id, 1);
	tell_state(s);
	return p->entry;
}

int64_t
session_act(struct session *s, int64_t order_id, enum order_action a, const char *reason)
{
	struct session_pending t;
	char path[96], kind[24];
	struct strbuf body;
	int64_t id;
	cJSON *j = cJSON_CreateObject();
	char *text;

	memset(&t, 0, sizeof t);
	t.kind = SESSION_OP_ACTION;
	t.action = (int)a;
	cJSON_AddStringToObject(j, "action", action_name(a));
	if (reason != NULL && reason[0] != '\0')
		cJSON_AddStringToObject(j, "reason", reason);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		abort();
	strbuf_init(&body);
	strbuf_puts(&body, text);
	free(text);
	snprintf(path, sizeof path, "/api/v1/orders/%" PRId64 "/actions", order_id);
	snprintf(kind, sizeof kind, "order.%s", action_name(a));
	id = push(s, path, body.data, order_id, kind, &t);
	strbuf_free(&body);
	return id;
}

int64_t
session_items_done(struct session *s, int64_t order_id, const char *station)
{
	struct session_pending t;
	char path[96];
	cJSON *j = cJSON_CreateObject();
	char *text;
	int64_t id;

	memset(&t, 0, sizeof t);
	t.kind = SESSION_OP_ITEMS_DONE;
	xstrlcpy(t.station, station, sizeof t.station);
	cJSON_AddStringToObject(j, "station", station);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		abort();
	snprintf(path, sizeof path, "/api/v1/orders/%" PRId64 "/items/done", order_id);
	id = push(s, path, text, order_id, "items.done", &t);
	free(text);
	return id;
}

int64_t
session_create_order(struct session *s, const char *body_json)
{
	struct session_pending t;
	int64_t id;

	memset(&t, 0, sizeof t);
	t.kind = SESSION_OP_CREATE;
	t.body = xstrdup(body_json);
	id = push(s, "/api/v1/orders", body_json, 0, "order.create", &t);
	if (id < 0)
		free(t.body);
	return id;
}

int64_t
session_push(struct session *s, const struct session_change *c)
{
	struct outbox_entry e;
	char order_key[OUTBOX_ORDER_KEY_MAX + 1];
	struct outbox_new n = { c->method, c->path, c->body, c->order_key, c->kind, s->cfg.staff,
	    c->idem_key, s->store };
	struct session_pending *p;
	int64_t order_id;

	if (n.order_key == NULL && c->order_id > 0) {
		snprintf(order_key, sizeof order_key, "order:%" PRId64, c->order_id);
		n.order_key = order_key;
	}
	if (outbox_push(s->ob, &n, &e) < 0) {
		snprintf(s->st.error, sizeof s->st.error, "cannot queue the change: %s",
		    outbox_errmsg(s->ob));
		log_error("%s", s->st.error);
		tell_state(s);
		return -1;
	}
	p = op_from_entry(s, &e);
	if (p->order_id == 0)
		p->order_id = c->order_id;
	if (c->label != NULL)
		xstrlcpy(p->label, c->label, sizeof p->label);
	order_id = p->order_id;
	outbox_entry_free(&e);
	if (s->worker != NULL)
		worker_kick(s->worker);
	count_outbox(s);
	if (order_id > 0)
		tell_orders(s, &order_id, 1);
	tell_state(s);
	return s->ops[s->nops - 1].entry;
}

static bool
all_done(const struct order *o, const struct session_mark *m)
{
	if (o == NULL || o->nitems == 0)
		return false;
	for (int i = 0; i < o->nitems; i++) {
		bool done = o->items[i].done && !m->cleared;

		for (int k = 0; k < m->nstations && !done; k++)
			done = strcmp(m->stations[k], o->items[i].station) == 0;
		if (!done)
			return false;
	}
	return true;
}

void
session_mark(const struct session *s, int64_t order_id, struct session_mark *m)
{
	const struct order *o = cache_find(s->cache, order_id);

	memset(m, 0, sizeof *m);
	m->status = -1;
	for (int i = 0; i < s->nops; i++) {
		const struct session_pending *p = &s->ops[i];

		if (p->order_id != order_id || order_id == 0)
			continue;
		if (!m->pending)
			m->since = p->made_at;
		m->pending = true;
		if (p->kind == SESSION_OP_ACTION) {
			const struct lifecycle_rule *r = lifecycle_rule((enum order_action)p->action);

			if (r != NULL)
				m->status = (int)r->to;
			if (p->action == ACTION_RECALL) {
				m->cleared = true;
				m->nstations = 0;
			}
		} else if (p->kind == SESSION_OP_ITEMS_DONE) {
			if (m->nstations < SESSION_MARK_STATIONS)
				xstrlcpy(m->stations[m->nstations++], p->station, sizeof m->stations[0]);
			if (all_done(o, m))
				m->status = STATUS_READY;
		}
	}
}

int
session_npending(const struct session *s)
{
	return s->nops;
}

const struct session_pending *
session_pending(const struct session *s, int i)
{
	return i >= 0 && i < s->nops ? &s->ops[i] : NULL;
}

int
session_dismiss(struct session *s, int64_t entry)
{
	int rc = outbox_dismiss(s->ob, entry);

	count_outbox(s);
	tell_state(s);
	return rc;
}

int
session_attention(struct session *s, struct outbox_entry **e, int *n)
{
	*e = NULL;
	*n = 0;
	if (outbox_list(s->ob, OUTBOX_BIT(OUTBOX_ATTENTION), 0, 200, e, n) < 0) {
		*e = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int
session_retry(struct session *s, int64_t entry)
{
	struct outbox_entry e;
	/* the person who sends a refused change again takes it on: it goes
	 * out under their login (a manager resolving a cashier's sale) */
	int rc = outbox_requeue_as(s->ob, entry, s->logged_in ? s->st.staff : NULL);

	if (rc == 0 && outbox_get(s->ob, entry, &e) == 0) {
		op_from_entry(s, &e);
		outbox_entry_free(&e);
		if (s->worker != NULL)
			worker_kick(s->worker);
	}
	count_outbox(s);
	tell_state(s);
	return rc;
}

static void
on_refresh(void *arg, struct api_reply *r)
{
	struct session *s = arg;
	int64_t id;

	if (s->closing || r->err != API_OK)
		return;
	id = apply_order(s, r->json);
	if (id > 0)
		tell_orders(s, &id, 1);
}

void
session_refresh_order(struct session *s, int64_t order_id)
{
	char path[64];

	if (s->worker == NULL)
		return;
	snprintf(path, sizeof path, "/api/v1/orders/%" PRId64, order_id);
	worker_request(s->worker, "GET", path, NULL, 2, on_refresh, s);
}

int
session_get(struct session *s, const char *path, worker_reply_fn fn, void *ctx)
{
	if (s->worker == NULL)
		return -1;
	worker_request(s->worker, "GET", path, NULL, 1, fn, ctx);
	return 0;
}

/* Changes that must not wait in the outbox: they carry a PIN (which never
 * reaches a file) or make no sense later (the menu, staff). The key is
 * fresh, so a retry after a lost answer changes nothing twice; nothing of
 * the request is kept once it is answered. */
int
session_request(struct session *s, const char *method, const char *path, const char *body,
    worker_reply_fn fn, void *ctx)
{
	char key[37];

	util_uuid(key);
	return session_request_key(s, method, path, body, key, fn, ctx);
}

int
session_request_key(struct session *s, const char *method, const char *path,
    const char *body, const char *key, worker_reply_fn fn, void *ctx)
{
	if (s->worker == NULL || !s->logged_in)
		return -1;
	worker_request_key(s->worker, method, path, body, key, 2, fn, ctx);
	return 0;
}

void
session_pin_changed(struct session *s, const char *pin)
{
	if (!s->have_creds)
		return;
	explicit_bzero(s->cfg.pin, sizeof s->cfg.pin);
	xstrlcpy(s->cfg.pin, pin, sizeof s->cfg.pin);
	if (s->worker != NULL)
		worker_set_pin(s->worker, pin);
	if (s->checker != NULL)
		worker_set_pin(s->checker, pin);
}

void
session_logout(struct session *s)
{
	if (s->worker != NULL)
		worker_request(s->worker, "POST", "/api/v1/auth/logout", NULL, 1, NULL, NULL);
}

void
session_busy(struct session *s)
{
	s->busy_at = util_mono_ms();
}

int
session_save(struct session *s)
{
	return cache_save(s->cache);
}
