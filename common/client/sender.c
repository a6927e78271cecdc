/* sender: the outbox delivery loop with ordering, backoff and re-login. */
#include "sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "outbox.h"
#include "util.h"
#include "xalloc.h"

#define SENDER_BATCH 256
#define SENDER_WINDOW 8
#define SENDER_BACKOFF_BASE_MS 250
#define SENDER_BACKOFF_CAP_MS 5000

struct slot {
	struct outbox_entry e;
	bool started, finished;
	bool answered;               /* an answer waits to be recorded */
	enum api_err err;
	int status;
	bool moves_on;               /* the server was away (api_reply_moves_on) */
	bool moved;                  /* and this failure moved us to the next */
	char *text;                  /* the answer's body or the reason */
};

struct sender {
	struct api *api;
	struct outbox *ob;
	struct slot *batch;
	int nbatch;
	sender_entry_fn on_entry;
	void *on_entry_ctx;
	/* per run */
	const struct sender_opts *opts;
	struct sender_report *rep;
	int fail_streak;             /* transient failures in a row */
	int moves;                   /* servers left since the last answer */
	int away;                    /* failures that found a server away since */
	int64_t backoff_until;       /* mono ms */
	bool need_login;
	bool fresh_login;            /* no answer but 401s since the last login */
	bool auth_refused;           /* a 401 right after a fresh login */
	bool offline;                /* stop_on_transient hit a failure */
	bool storage_failed;
};

static const char *const result_names[] = {
	[SENDER_DRAINED] = "drained",
	[SENDER_OFFLINE] = "offline",
	[SENDER_TIMEOUT] = "timeout",
	[SENDER_STOPPED] = "stopped",
	[SENDER_AUTH] = "auth",
	[SENDER_STORAGE] = "storage",
};

const char *
sender_result_name(enum sender_result r)
{
	return result_names[r];
}

struct sender *
sender_new(struct api *a, struct outbox *ob)
{
	struct sender *s = xcalloc(1, sizeof *s);

	s->api = a;
	s->ob = ob;
	return s;
}

static void
batch_clear(struct sender *s)
{
	for (int i = 0; i < s->nbatch; i++) {
		outbox_entry_free(&s->batch[i].e);
		free(s->batch[i].text);
	}
	free(s->batch);
	s->batch = NULL;
	s->nbatch = 0;
}

void
sender_free(struct sender *s)
{
	if (s == NULL)
		return;
	batch_clear(s);
	free(s);
}

void
sender_on_entry(struct sender *s, sender_entry_fn fn, void *ctx)
{
	s->on_entry = fn;
	s->on_entry_ctx = ctx;
}

/* Whether key is one of the n keys held back. */
static bool
key_held(char (*keys)[OUTBOX_ORDER_KEY_MAX + 1], int n, const char *key)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(keys[i], key) == 0)
			return true;
	}
	return false;
}

/* Load the oldest pending entries this login may send. A change made by
 * someone else waits for that person to log in here again (sent under our
 * login it would be refused, or recorded under the wrong name); so do the
 * later entries of the same order key, which must not overtake it. Every
 * other entry older than the batch is done, so the per-order rule only
 * needs to look inside it. */
static int
batch_load(struct sender *s)
{
	const char *me = api_session(s->api)->staff;
	const char *my_store = api_session(s->api)->store;
	char (*held)[OUTBOX_ORDER_KEY_MAX + 1] = NULL;
	int nheld = 0, capheld = 0;
	int64_t after = 0;
	struct outbox_entry *e;
	int n;

	batch_clear(s);
	s->rep->held = 0;
	s->batch = xcalloc(SENDER_BATCH, sizeof *s->batch);
	while (s->nbatch < SENDER_BATCH) {
		if (outbox_list(s->ob, OUTBOX_BIT(OUTBOX_PENDING), after, SENDER_BATCH, &e, &n) < 0) {
			free(held);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			after = e[i].id;
			if ((s->opts->max_id > 0 && e[i].id > s->opts->max_id) ||
			    s->nbatch == SENDER_BATCH) {
				outbox_entry_free(&e[i]);
				continue;
			}
			if (!outbox_entry_for(&e[i], me, my_store) || key_held(held, nheld, e[i].order_key)) {
				if (!key_held(held, nheld, e[i].order_key)) {
					if (nheld == capheld) {
						capheld = capheld ? capheld * 2 : 8;
						held = xreallocarray(held, (size_t)capheld, sizeof *held);
					}
					xstrlcpy(held[nheld++], e[i].order_key, sizeof *held);
				}
				s->rep->held++;
				outbox_entry_free(&e[i]);
				continue;
			}
			s->batch[s->nbatch++].e = e[i];
		}
		free(e);
		if (n < SENDER_BATCH || (s->opts->max_id > 0 && after >= s->opts->max_id))
			break;
	}
	free(held);
	return 0;
}

static bool
batch_busy(const struct sender *s)
{
	for (int i = 0; i < s->nbatch; i++) {
		if (!s->batch[i].finished)
			return true;
	}
	return false;
}

static void
fail_text(char *out, size_t size, const struct api_reply *r)
{
	if (r->field[0] != '\0')
		snprintf(out, size, "%s (%s): %s", r->code, r->field, r->message);
	else
		snprintf(out, size, "%s: %s", r->code, r->message);
}

/* An answer is noted in its slot during api_poll and written afterwards,
 * all of one round in one transaction: one fsync, and no write lock held
 * while waiting on the network (the UI thread pushes to the same file). */
static void
on_done(void *ctx, void *tag, struct api_reply *r)
{
	struct sender *s = ctx;
	struct slot *sl = tag;

	sl->answered = true;
	sl->err = r->err;
	sl->status = r->status;
	sl->moves_on = api_reply_moves_on(r);
	sl->moved = r->moved;
	free(sl->text);
	if (r->err == API_OK) {
		sl->text = r->body != NULL ? xstrdup(r->body) : xstrdup("");
	} else {
		char text[400];

		fail_text(text, sizeof text, r);
		sl->text = xstrdup(text);
	}
	(void)s;
}

/* Whether a failure that found its server away should be sent again at
 * once, to the next server: yes until every server was left once since the
 * last answer (then the backoff, so that a cluster whose database is down,
 * 503 everywhere, is not asked in a hot loop). The count of failures bounds
 * it too, should the moves be made by others (the stream). */
static bool
try_next_server(struct sender *s, bool moves_on, bool moved)
{
	int n = api_servers(s->api);

	if (!moves_on || n < 2)
		return false;
	if (moved)
		s->moves++;
	s->away++;
	return s->moves < n && s->away < n * SENDER_WINDOW;
}

/* Record one answer; returns -1 when the outbox could not be written (the
 * entry stays pending and goes again: the server's idempotency makes that
 * harmless). */
static int
record(struct sender *s, struct slot *sl)
{
	enum outbox_state st;

	sl->answered = false;
	sl->started = false;
	if (sl->err != API_ERR_UNAUTHORIZED)
		s->fresh_login = false;
	if (sl->err == API_OK) {
		if (outbox_mark_done(s->ob, sl->e.id, sl->status, sl->text) < 0)
			return -1;
		st = OUTBOX_DONE;
		s->rep->done++;
		s->fail_streak = 0;
		s->moves = s->away = 0;
	} else if (sl->err == API_ERR_UNAUTHORIZED && s->fresh_login) {
		/* refused with a token the server just gave: logging in again
		 * would only do the same (something between here and the server
		 * drops the token, or the server does not keep its sessions) */
		s->auth_refused = true;
		s->rep->refused_after_login = true;
		s->rep->last_err = sl->err;
		snprintf(s->rep->last_error, sizeof s->rep->last_error,
		    "the server refused the request right after a successful login (%s); "
		    "is a proxy between here and the server removing the Authorization "
		    "header?", sl->text);
		return 0;
	} else if (sl->err == API_ERR_UNAUTHORIZED) {
		/* the session is gone, not the entry's fault: log in, send again */
		s->need_login = true;
		return 0;
	} else if (api_err_transient(sl->err)) {
		s->rep->failures++;
		s->rep->last_err = sl->err;
		xstrlcpy(s->rep->last_error, sl->text, sizeof s->rep->last_error);
		if (outbox_mark_failed(s->ob, sl->e.id, sl->status, sl->text) < 0)
			return -1;
		if (try_next_server(s, sl->moves_on, sl->moved)) {
			/* the same entry, the same key, another server: the
			 * key in the shared database makes it count once */
			log_info("entry %lld (%s %s): %s; trying the next server",
			    (long long)sl->e.id, sl->e.method, sl->e.path, sl->text);
			return 0;
		}
		s->fail_streak++;
		int64_t wait = api_backoff_ms(s->fail_streak, SENDER_BACKOFF_BASE_MS,
		    SENDER_BACKOFF_CAP_MS);
		s->backoff_until = util_mono_ms() + wait;
		s->rep->retry_in_ms = wait;
		if (s->opts->stop_on_transient)
			s->offline = true;
		if (s->fail_streak == 1 || s->fail_streak % 10 == 0)
			log_warn("entry %lld (%s %s): %s; trying again in %lld ms",
			    (long long)sl->e.id, sl->e.method, sl->e.path, sl->text,
			    (long long)wait);
		return 0;
	} else {
		/* the server refused it: a person must decide; the queue goes on */
		if (outbox_mark_attention(s->ob, sl->e.id, sl->status, sl->text) < 0)
			return -1;
		st = OUTBOX_ATTENTION;
		s->rep->attention++;
		log_warn("entry %lld (%s %s) needs attention: %s", (long long)sl->e.id,
		    sl->e.method, sl->e.path, sl->text);
	}
	sl->finished = true;
	if (s->on_entry != NULL)
		s->on_entry(s->on_entry_ctx, &sl->e, st, sl->status, sl->text);
	return 0;
}

static void
record_all(struct sender *s)
{
	bool any = false;

	for (int i = 0; i < s->nbatch && !any; i++)
		any = s->batch[i].answered;
	if (!any)
		return;
	if (outbox_begin(s->ob) < 0) {
		s->storage_failed = true;
		for (int i = 0; i < s->nbatch; i++)
			s->batch[i].answered = s->batch[i].started = false;
		return;
	}
	for (int i = 0; i < s->nbatch; i++) {
		struct slot *sl = &s->batch[i];

		if (sl->answered && record(s, sl) < 0)
			s->storage_failed = true;
	}
	if (outbox_commit(s->ob) < 0) {
		/* nothing of this round is recorded: send it all again */
		s->storage_failed = true;
		for (int i = 0; i < s->nbatch; i++)
			s->batch[i].finished = false;
	}
}

/* Start what may start: in id order, within the window, and only when no
 * earlier unfinished entry has the same order key. */
static void
start_due(struct sender *s, int window)
{
	for (int i = 0; i < s->nbatch && api_inflight(s->api) < window; i++) {
		struct slot *sl = &s->batch[i];
		bool blocked = false;

		if (sl->started || sl->finished)
			continue;
		for (int j = 0; j < i && !blocked; j++)
			blocked = !s->batch[j].finished &&
			    strcmp(s->batch[j].e.order_key, sl->e.order_key) == 0;
		if (blocked)
			continue;
		struct api_req req = { sl->e.method, sl->e.path,
		    sl->e.body[0] != '\0' ? sl->e.body : NULL, sl->e.idem_key, false };
		sl->started = true;
		api_start(s->api, &req, sl);
	}
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Log in with nothing in flight. */
static enum sender_result
relogin(struct sender *s)
{
	struct api_reply r;
	enum api_err e = api_login(s->api, &r);

	if (e == API_OK) {
		s->need_login = false;
		s->fresh_login = true;
		s->moves = s->away = 0;
		api_reply_free(&r);
		return SENDER_DRAINED;
	}
	s->rep->last_err = e;
	fail_text(s->rep->last_error, sizeof s->rep->last_error, &r);
	bool next = try_next_server(s, api_reply_moves_on(&r), r.moved);
	api_reply_free(&r);
	if (!api_err_transient(e))
		return SENDER_AUTH;
	s->rep->failures++;
	if (next)
		return SENDER_DRAINED;   /* log in at the next server, now */
	s->fail_streak++;
	s->backoff_until = util_mono_ms() +
	    api_backoff_ms(s->fail_streak, SENDER_BACKOFF_BASE_MS, SENDER_BACKOFF_CAP_MS);
	if (s->opts->stop_on_transient)
		s->offline = true;
	return SENDER_DRAINED;
}

enum sender_result
sender_run(struct sender *s, const struct sender_opts *opts,
    struct sender_report *report)
{
	int window = opts->window > 0 ? opts->window : SENDER_WINDOW;
	enum sender_result res = SENDER_DRAINED;

	memset(report, 0, sizeof *report);
	s->opts = opts;
	s->rep = report;
	s->fail_streak = 0;
	s->moves = s->away = 0;
	s->backoff_until = 0;
	s->offline = false;
	s->storage_failed = false;
	s->auth_refused = false;
	s->fresh_login = false;
	s->need_login = !api_logged_in(s->api);
	batch_clear(s);

	for (;;) {
		int64_t now = util_mono_ms();
		bool stopping = false;

		if (opts->stop != NULL && *opts->stop) {
			res = SENDER_STOPPED;
			stopping = true;
		} else if (opts->deadline_ms > 0 && now >= opts->deadline_ms) {
			res = SENDER_TIMEOUT;
			stopping = true;
		} else if (s->offline) {
			res = SENDER_OFFLINE;
			stopping = true;
		} else if (s->storage_failed) {
			res = SENDER_STORAGE;
			stopping = true;
		} else if (s->auth_refused) {
			res = SENDER_AUTH;
			stopping = true;
		}
		if (stopping) {
			/* let what is in flight finish, so its answer is recorded */
			while (api_inflight(s->api) > 0)
				api_poll(s->api, 200, on_done, s);
			record_all(s);
			if (s->storage_failed)
				res = SENDER_STORAGE;
			break;
		}
		if (api_inflight(s->api) == 0) {
			if (s->backoff_until > now) {
				int64_t wait = s->backoff_until - now;

				sleep_ms(wait < 100 ? wait : 100);
				continue;
			}
			if (s->need_login) {
				res = relogin(s);
				if (res != SENDER_DRAINED)
					break;
				continue;
			}
			if (!batch_busy(s)) {
				if (batch_load(s) < 0) {
					res = SENDER_STORAGE;
					break;
				}
				if (s->nbatch == 0) {
					res = SENDER_DRAINED;
					break;
				}
			}
		}
		if (s->backoff_until <= now && !s->need_login)
			start_due(s, window);
		if (api_inflight(s->api) == 0)
			continue;
		api_poll(s->api, 100, on_done, s);
		record_all(s);
	}
	report->retry_in_ms = s->backoff_until > util_mono_ms() ?
	    s->backoff_until - util_mono_ms() : 0;
	batch_clear(s);
	s->opts = NULL;
	s->rep = NULL;
	return res;
}
