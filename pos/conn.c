/* conn: the till's link to the server: login through the worker, the menu
 * and open orders as a snapshot then a stream into the cache, and the
 * outbox, whose results (done, refused) are matched to what the screens
 * marked as pending. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cache.h"
#include "codec.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

static void conn_on_login(void *ctx, struct api_reply *r);
static void conn_relogin_fire(struct loop_timer *t);

static int
conn_on_event(void *ctx, int64_t seq, const cJSON *ev)
{
	struct app *a = ctx;
	struct codec_error err;

	if (cache_apply_event(a->cache, ev, &err) < 0)
		log_warn("event %lld ignored: %s", (long long)seq, err.message);
	app_dirty(a);
	return 0;
}

static void
conn_on_resync(void *ctx, int64_t head)
{
	struct app *a = ctx;

	log_info("the server's log ends at %lld: taking a fresh snapshot", (long long)head);
	conn_snapshot(a);
}

static void
conn_on_stream(void *ctx, const struct stream_status *st)
{
	struct app *a = ctx;

	if (st->state != a->stream_state)
		log_info("stream %s%s%s", stream_state_name(st->state), st->error[0] ? ": " : "",
		    st->error);
	if (st->state == STREAM_ONLINE && a->stream_state != STREAM_ONLINE) {
		cache_set_stale(a->cache, false);
		/* back online: whatever waits in the outbox goes now */
		if (a->worker != NULL)
			worker_kick(a->worker);
	}
	a->stream_state = st->state;
	xstrlcpy(a->stream_error, st->error, sizeof a->stream_error);
	if (st->state == STREAM_UNAUTHORIZED && a->logged_in && !a->logging_in) {
		/* the session ended (expired, server restarted afresh): a REST call
		 * makes the worker log in again and hand the stream a token */
		a->logging_in = true;
		worker_request(a->worker, "GET", "/api/v1/auth/me", NULL, 1, conn_on_login, a);
	}
	app_dirty(a);
}

static void
conn_on_token(void *ctx, const char *token, enum staff_role role)
{
	struct app *a = ctx;

	if (a->stream != NULL)
		stream_set_token(a->stream, token);
}

/* A pending change reached an end: done or needs attention. */
static void
conn_settle(struct app *a, int i, const struct outbox_entry *e)
{
	struct pending p = a->pending[i];

	memmove(&a->pending[i], &a->pending[i + 1],
	    (size_t)(a->npending - i - 1) * sizeof a->pending[0]);
	a->npending--;
	if (e->state == OUTBOX_DONE) {
		if (p.kind == PENDING_SALE || p.kind == PENDING_Z ||
		    (p.kind == PENDING_ACTION && strncmp(p.what, "pay ", 4) == 0))
			checkout_entry_done(a, e);
		return;
	}
	if (p.kind == PENDING_SALE)
		checkout_entry_refused(a, e);
	else
		app_say(a, THEME_ERROR, "%s refused: %s (see needs attention, F5)", p.what,
		    e->error);
	conn_load_attention(a);
}

static void
conn_on_outbox(void *ctx, const struct worker_outbox_status *st)
{
	struct app *a = ctx;

	a->obst = *st;
	a->have_obst = true;
	for (int i = 0; i < a->npending;) {
		struct outbox_entry e;

		if (outbox_get(a->ob, a->pending[i].entry, &e) != 0) {
			i++;
			continue;
		}
		if (e.state == OUTBOX_DONE || e.state == OUTBOX_ATTENTION) {
			conn_settle(a, i, &e);
			outbox_entry_free(&e);
			continue;
		}
		outbox_entry_free(&e);
		i++;
	}
	if (st->attention != a->nattention)
		conn_load_attention(a);
	app_dirty(a);
}

/* Sales a previous run queued and the server has not answered yet: they
 * are watched again, with their provisional numbers. */
static void
conn_restore_sales(struct app *a)
{
	struct outbox_entry *e = NULL;
	int n = 0;

	if (outbox_list(a->ob, OUTBOX_BIT(OUTBOX_PENDING) | OUTBOX_BIT(OUTBOX_ATTENTION), 0,
	    SALES_MAX, &e, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *label = sales_kind_label(e[i].kind);
		struct sale *x;

		if (label == NULL)
			continue;
		x = sales_add(&a->sales, e[i].id, label, sales_label_seq(label), 0, 0,
		    e[i].created_at);
		x->printed = true;
		if (e[i].state == OUTBOX_ATTENTION) {
			sales_refused(x, e[i].error);
		} else if (a->npending < PENDING_MAX) {
			struct pending *p = &a->pending[a->npending++];

			memset(p, 0, sizeof *p);
			p->entry = e[i].id;
			p->kind = PENDING_SALE;
			xstrlcpy(p->what, label, sizeof p->what);
		}
	}
	outbox_entries_free(e, n);
}

int
conn_start(struct app *a, char *err, size_t errsize)
{
	struct stream_handlers sh = { conn_on_event, conn_on_resync, conn_on_stream, a };

	a->cache = cache_new(a->cfg.cache[0] ? a->cfg.cache : NULL);
	if (cache_load(a->cache, err, errsize) < 0) {
		log_warn("%s", err);
		app_say(a, THEME_WARNING, "%s", err);
	}
	a->ob = outbox_open(a->cfg.outbox, 0, err, errsize);
	if (a->ob == NULL)
		return -1;
	conn_restore_sales(a);
	a->stream = stream_new(a->loop, a->cfg.server, a->cfg.insecure, &a->clk, &sh);
	if (a->stream == NULL) {
		snprintf(err, errsize, "cannot start the event stream for %s", a->cfg.server);
		return -1;
	}
	a->stream_state = STREAM_CONNECTING;
	loop_timer_init(&a->relogin, a->loop, conn_relogin_fire, a);
	return 0;
}

void
conn_stop(struct app *a)
{
	worker_free(a->worker);
	a->worker = NULL;
	stream_free(a->stream);
	a->stream = NULL;
	if (a->cache != NULL) {
		if (cache_dirty(a->cache))
			cache_save(a->cache);
		cache_free(a->cache);
		a->cache = NULL;
	}
	outbox_entries_free(a->attention, a->nattention);
	a->attention = NULL;
	a->nattention = 0;
	outbox_close(a->ob);
	a->ob = NULL;
}

static void
conn_on_menu(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	struct codec_error err;

	if (r->err != API_OK) {
		app_say(a, THEME_WARNING, "Menu not loaded (%s): showing the last one known",
		    r->message);
		return;
	}
	if (cache_set_menu(a->cache, r->json, &err) < 0) {
		app_say(a, THEME_ERROR, "The server's menu is not usable: %s", err.message);
		return;
	}
	a->ticket.tax_bp = cache_menu(a->cache)->tax_bp;
	if (a->spool != NULL)
		spool_set_money(a->spool, cache_menu(a->cache)->tax_bp,
		    cache_menu(a->cache)->currency);
	app_dirty(a);
}

static void
conn_on_orders(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	struct codec_error err;

	if (r->err != API_OK)
		return;
	if (cache_set_orders(a->cache, r->json, &err) < 0) {
		log_warn("open orders not usable: %s", err.message);
		return;
	}
	a->have_snapshot = true;
	if (a->stream != NULL && !a->stream_started) {
		/* the stream picks up right after the snapshot: nothing missed */
		a->stream_started = true;
		stream_start(a->stream, cache_head(a->cache));
	}
	app_dirty(a);
}

void
conn_snapshot(struct app *a)
{
	if (a->worker == NULL)
		return;
	worker_request(a->worker, "GET", "/api/v1/menu", NULL, 2, conn_on_menu, a);
	worker_request(a->worker, "GET", "/api/v1/orders", NULL, 2, conn_on_orders, a);
}

static void
conn_relogin_fire(struct loop_timer *t)
{
	struct app *a = t->ctx;

	if (a->worker != NULL && a->logged_in && !a->logging_in) {
		a->logging_in = true;
		worker_request(a->worker, "GET", "/api/v1/auth/me", NULL, 1, conn_on_login, a);
	}
}

/* The answer to "who am I" when the session had to be renewed. */
static void
conn_on_login(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;

	a->logging_in = false;
	if (r->err != API_OK && api_err_transient(r->err))
		loop_timer_schedule(&a->relogin, 3000);
	else if (r->err != API_OK)
		app_say(a, THEME_ERROR, "The server no longer accepts %s's login (%s): log out "
		    "and in again", a->staff, r->message);
}

/* A login is checked on a thread of its own, with its own REST client,
 * before the worker (which keeps logging in for the outbox) is made: a
 * wrong PIN must not leave a worker retrying it until the account locks. */
struct login_job {
	struct app *a;
	struct client_cfg cfg;
	struct clock *clk;
	enum api_err err;
	int role;
	char message[256];
	char token[128];             /* for the stream until the worker has its own */
	cJSON *menu, *orders;        /* the first snapshot, taken with that login */
};

/* A login answer nobody will read (the till stopped first). */
static void
conn_login_drop(void *arg)
{
	struct login_job *j = arg;

	explicit_bzero(j->cfg.pin, sizeof j->cfg.pin);
	explicit_bzero(j->token, sizeof j->token);
	cJSON_Delete(j->menu);
	cJSON_Delete(j->orders);
	free(j);
}

/* The snapshot the login thread took; what it could not get is asked for
 * again through the worker. */
static void
conn_first_snapshot(struct app *a, struct login_job *j)
{
	struct api_reply r;

	if (a->stream != NULL && j->token[0] != '\0')
		stream_set_token(a->stream, j->token);
	api_reply_init(&r);
	if (j->menu != NULL) {
		r.json = j->menu;
		conn_on_menu(a, &r);
	} else {
		worker_request(a->worker, "GET", "/api/v1/menu", NULL, 2, conn_on_menu, a);
	}
	if (j->orders != NULL) {
		r.json = j->orders;
		conn_on_orders(a, &r);
	} else {
		worker_request(a->worker, "GET", "/api/v1/orders", NULL, 2, conn_on_orders, a);
	}
}

static void
conn_login_done(void *arg)
{
	struct login_job *j = arg;
	struct app *a = j->a;
	struct worker_handlers wh = { conn_on_outbox, conn_on_token, a };
	char err[512];

	a->logging_in = false;
	if (j->err != API_OK) {
		switch (j->err) {
		case API_ERR_UNAUTHORIZED:
			app_say(a, THEME_ERROR, "Wrong staff code or PIN");
			break;
		case API_ERR_RATE_LIMITED:
			app_say(a, THEME_ERROR, "Account locked after wrong PINs: wait, or ask "
			    "a manager");
			break;
		default:
			app_say(a, THEME_ERROR, "Cannot log in: the server at %s is unreachable "
			    "(%s)", a->cfg.server, j->message);
		}
		field_clear(&a->f_pin);
		a->login_focus = 1;
	} else if (j->role == ROLE_CUSTOMER || j->role == ROLE_CHEF) {
		app_say(a, THEME_ERROR, "A %s cannot use the till",
		    role_name((enum staff_role)j->role));
		field_clear(&a->f_pin);
	} else {
		xstrlcpy(a->cfg.staff, j->cfg.staff, sizeof a->cfg.staff);
		xstrlcpy(a->cfg.pin, j->cfg.pin, sizeof a->cfg.pin);
		a->worker = worker_new(a->loop, &a->cfg, &a->clk, a->cfg.outbox, &wh, err,
		    sizeof err);
		explicit_bzero(a->cfg.pin, sizeof a->cfg.pin);
		if (a->worker == NULL) {
			app_say(a, THEME_ERROR, "%s", err);
		} else {
			a->logged_in = true;
			a->role = (enum staff_role)j->role;
			xstrlcpy(a->staff, j->cfg.staff, sizeof a->staff);
			field_clear(&a->f_pin);
			log_info("%s logged in as %s", a->staff, role_name(a->role));
			app_say(a, THEME_SUCCESS, "Logged in: %s (%s)", a->staff,
			    role_name(a->role));
			conn_first_snapshot(a, j);
			conn_load_attention(a);
			app_go(a, a->start_screen != SCREEN_LOGIN &&
			    app_screen_allowed(a, a->start_screen) ? a->start_screen : SCREEN_ENTRY);
		}
	}
	cJSON_Delete(j->menu);
	cJSON_Delete(j->orders);
	explicit_bzero(j, sizeof *j);
	free(j);
	app_dirty(a);
}

static void *
conn_login_main(void *arg)
{
	struct login_job *j = arg;
	struct api *api = api_new(&j->cfg, j->clk);
	struct api_reply r;

	api_reply_init(&r);
	j->err = api_login(api, &r);
	if (j->err == API_OK)
		j->role = (int)api_session(api)->role;
	xstrlcpy(j->message, r.message, sizeof j->message);
	api_reply_free(&r);
	if (j->err == API_OK) {
		/* the first snapshot rides on this login: one PIN check, not two,
		 * before the menu is on the screen */
		struct api_req menu = { "GET", "/api/v1/menu", NULL, NULL, false };
		struct api_req orders = { "GET", "/api/v1/orders", NULL, NULL, false };

		xstrlcpy(j->token, api_session(api)->token, sizeof j->token);
		if (api_call(api, &menu, 1, &r) == API_OK) {
			j->menu = r.json;
			r.json = NULL;
		}
		api_reply_free(&r);
		if (api_call(api, &orders, 1, &r) == API_OK) {
			j->orders = r.json;
			r.json = NULL;
		}
		api_reply_free(&r);
	}
	api_free(api);
	loop_post_drop(j->a->loop, conn_login_done, conn_login_drop, j);
	return NULL;
}

void
conn_login(struct app *a)
{
	struct login_job *j;
	pthread_t th;

	if (a->logging_in || a->logged_in)
		return;
	if (field_empty(&a->f_staff) || field_empty(&a->f_pin)) {
		app_say(a, THEME_ERROR, "Type your staff code and PIN");
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->a = a;
	j->cfg = a->cfg;
	j->clk = &a->clk;
	j->cfg.retries = 1;
	xstrlcpy(j->cfg.staff, a->f_staff.text, sizeof j->cfg.staff);
	xstrlcpy(j->cfg.pin, a->f_pin.text, sizeof j->cfg.pin);
	if (pthread_create(&th, NULL, conn_login_main, j) != 0) {
		explicit_bzero(j, sizeof *j);
		free(j);
		app_say(a, THEME_ERROR, "Cannot start the login");
		return;
	}
	pthread_detach(th);
	a->logging_in = true;
	app_say(a, THEME_DIM, "Logging in as %s...", a->f_staff.text);
}

/* Logging out ends the process's session completely: the loop stops,
 * everything is released (the worker's last notes die with the loop), and
 * main() starts the program afresh at the login screen. */
void
conn_logout(struct app *a)
{
	if (a->worker != NULL)
		worker_request(a->worker, "POST", "/api/v1/auth/logout", NULL, 1, NULL, NULL);
	a->relaunch = true;
	a->quit = true;
	loop_stop(a->loop);
}

int64_t
conn_push(struct app *a, const char *method, const char *path, const cJSON *body,
    const char *order_key, const char *kind, enum pending_kind pk, int64_t order_id,
    const char *what)
{
	char *text = body != NULL ? cJSON_PrintUnformatted(body) : NULL;
	struct outbox_new n = { method, path, text, order_key, kind, a->staff, NULL };
	struct outbox_entry e;
	int64_t id;

	if (body != NULL && text == NULL)
		abort();
	if (outbox_push(a->ob, &n, &e) < 0) {
		app_say(a, THEME_ERROR, "Could not store %s (%s): nothing was sent", what,
		    outbox_errmsg(a->ob));
		free(text);
		return -1;
	}
	free(text);
	id = e.id;
	outbox_entry_free(&e);
	if (a->npending == PENDING_MAX) {
		/* the oldest mark goes; its entry still goes out */
		memmove(&a->pending[0], &a->pending[1], (PENDING_MAX - 1) * sizeof a->pending[0]);
		a->npending--;
	}
	a->pending[a->npending].entry = id;
	a->pending[a->npending].order_id = order_id;
	a->pending[a->npending].kind = (int)pk;
	xstrlcpy(a->pending[a->npending].what, what, sizeof a->pending[0].what);
	a->npending++;
	if (a->worker != NULL)
		worker_kick(a->worker);
	app_dirty(a);
	return id;
}

bool
conn_pending_for(const struct app *a, int64_t order_id)
{
	for (int i = 0; i < a->npending; i++) {
		if (a->pending[i].order_id == order_id && order_id != 0)
			return true;
	}
	return false;
}

void
conn_load_attention(struct app *a)
{
	outbox_entries_free(a->attention, a->nattention);
	a->attention = NULL;
	a->nattention = 0;
	if (outbox_list(a->ob, OUTBOX_BIT(OUTBOX_ATTENTION), 0, 200, &a->attention,
	    &a->nattention) < 0) {
		a->attention = NULL;
		a->nattention = 0;
	}
	if (a->attention_sel >= a->nattention)
		a->attention_sel = a->nattention > 0 ? a->nattention - 1 : 0;
	app_dirty(a);
}

void
conn_get(struct app *a, const char *path, worker_reply_fn fn)
{
	if (a->worker == NULL)
		return;
	worker_request(a->worker, "GET", path, NULL, 1, fn, a);
}

