/* worker: the REST thread with a job queue, and the outbox in the background. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "log.h"
#include "loop.h"
#include "sender.h"
#include "util.h"
#include "xalloc.h"

/* The sender works in slices so that requests from the screen never wait
 * long behind a big replay. */
#define WORKER_SLICE_MS 300
#define WORKER_BACKOFF_BASE_MS 500
#define WORKER_BACKOFF_CAP_MS 5000

enum job_kind { JOB_REQUEST, JOB_LOGIN, JOB_PIN };

struct job {
	enum job_kind kind;
	char *method, *path, *body;
	char idem[40];               /* Idempotency-Key, "" for none */
	int attempts;
	worker_reply_fn done;
	void *ctx;
	struct api_reply reply;
	struct worker *w;
	struct job *next;
};

struct worker {
	struct loop *loop;
	struct api *api;
	struct outbox *ob;
	struct sender *sender;
	struct worker_handlers h;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	bool kicked, quit;
	int fail_streak;
	int64_t next_try;            /* mono ms; 0 = not due */
	int64_t retention_ms;        /* the server's key retention, 0 unknown */
	volatile sig_atomic_t stop;  /* asks a running sender slice to end */
};

/* Notes carry the handlers, not the worker: one may still wait in the
 * loop's queue after worker_free. */
struct outbox_note {
	struct worker_handlers h;
	struct worker_outbox_status st;
};

struct token_note {
	struct worker_handlers h;
	char token[128];
	enum staff_role role;
};

/* A job's request, forgotten: the body may carry a PIN. */
static void
free_job(struct job *j)
{
	free(j->method);
	free(j->path);
	if (j->body != NULL) {
		explicit_bzero(j->body, strlen(j->body));
		free(j->body);
	}
	free(j);
}

/* A reply nobody will read (the loop ended first). */
static void
drop_reply(void *arg)
{
	struct job *j = arg;

	api_reply_free(&j->reply);
	free_job(j);
}

static void
deliver_reply(void *arg)
{
	struct job *j = arg;

	if (j->done != NULL)
		j->done(j->ctx, &j->reply);
	drop_reply(j);
}

static void
drop_token(void *arg)
{
	struct token_note *n = arg;

	explicit_bzero(n->token, sizeof n->token);
	free(n);
}

static void
deliver_outbox(void *arg)
{
	struct outbox_note *n = arg;

	if (n->h.outbox != NULL)
		n->h.outbox(n->h.ctx, &n->st);
	free(n);
}

static void
deliver_token(void *arg)
{
	struct token_note *n = arg;

	if (n->h.token != NULL)
		n->h.token(n->h.ctx, n->token, n->role);
	drop_token(n);
}

static void
post_token(struct worker *w)
{
	struct token_note *n = xcalloc(1, sizeof *n);

	n->h = w->h;
	xstrlcpy(n->token, api_session(w->api)->token, sizeof n->token);
	n->role = api_session(w->api)->role;
	loop_post_drop(w->loop, deliver_token, drop_token, n);
}

static void
post_outbox(struct worker *w, const struct sender_report *rep, bool online)
{
	struct outbox_note *n = xcalloc(1, sizeof *n);
	int64_t counts[OUTBOX_STATE_COUNT];

	n->h = w->h;
	if (outbox_counts(w->ob, counts) == 0) {
		n->st.pending = counts[OUTBOX_PENDING];
		n->st.attention = counts[OUTBOX_ATTENTION];
	}
	outbox_oldest_pending(w->ob, &n->st.oldest_at);
	n->st.retention_ms = w->retention_ms;
	n->st.online = online;
	n->st.retry_in_ms = w->next_try > 0 ? w->next_try - util_mono_ms() : 0;
	if (rep != NULL)
		xstrlcpy(n->st.last_error, rep->last_error, sizeof n->st.last_error);
	loop_post(w->loop, deliver_outbox, n);
}

static void
run_job(struct worker *w, struct job *j)
{
	bool had = api_logged_in(w->api);
	const char *before = had ? api_session(w->api)->token : "";
	char old[128];

	xstrlcpy(old, before, sizeof old);
	if (j->kind == JOB_PIN) {
		/* nothing is sent: the PIN for the next login, then forgotten */
		api_set_pin(w->api, j->body);
		explicit_bzero(old, sizeof old);
		free_job(j);
		return;
	}
	if (j->kind == JOB_LOGIN) {
		api_login(w->api, &j->reply);
	} else {
		struct api_req req = { j->method, j->path, j->body,
		    j->idem[0] != '\0' ? j->idem : NULL, false };

		api_call(w->api, &req, j->attempts, &j->reply);
	}
	/* the reply to a login carries the token: do not hand it around */
	if (j->kind == JOB_LOGIN && j->reply.body != NULL)
		explicit_bzero(j->reply.body, j->reply.len);
	if (api_logged_in(w->api) && strcmp(old, api_session(w->api)->token) != 0)
		post_token(w);
	explicit_bzero(old, sizeof old);
	loop_post_drop(w->loop, deliver_reply, drop_reply, j);
}

/* How long the server recognises an Idempotency-Key: asked once, when it
 * answers, so that the screens can warn about a change queued for nearly
 * that long. */
static void
learn_retention(struct worker *w)
{
	struct api_req req = { "GET", "/healthz", NULL, NULL, true };
	struct api_reply r;

	if (w->retention_ms > 0)
		return;
	if (api_call(w->api, &req, 1, &r) == API_OK) {
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(r.json, "idempotency_retention_ms");

		if (cJSON_IsNumber(ms) && ms->valuedouble > 0)
			w->retention_ms = (int64_t)ms->valuedouble;
	}
	api_reply_free(&r);
}

/* One slice of outbox delivery, then the next try is planned. */
static void
run_sender(struct worker *w)
{
	struct sender_report rep;
	struct sender_opts opts = { .stop_on_transient = true, .stop = &w->stop,
	    .deadline_ms = util_mono_ms() + WORKER_SLICE_MS };
	bool had = api_logged_in(w->api);
	char old[128];

	xstrlcpy(old, had ? api_session(w->api)->token : "", sizeof old);
	enum sender_result res = sender_run(w->sender, &opts, &rep);

	if (res == SENDER_DRAINED || res == SENDER_TIMEOUT || rep.done > 0)
		learn_retention(w);

	if (api_logged_in(w->api) && strcmp(old, api_session(w->api)->token) != 0)
		post_token(w);
	explicit_bzero(old, sizeof old);
	switch (res) {
	case SENDER_DRAINED:
		w->fail_streak = 0;
		w->next_try = 0;
		break;
	case SENDER_TIMEOUT:
	case SENDER_STOPPED:
		w->next_try = util_mono_ms();   /* more to do: go on after the jobs */
		break;
	default:
		/* offline, no login, or the outbox file failed: try again later */
		w->fail_streak++;
		w->next_try = util_mono_ms() + api_backoff_ms(w->fail_streak,
		    WORKER_BACKOFF_BASE_MS, WORKER_BACKOFF_CAP_MS);
	}
	if (rep.done > 0 || rep.attention > 0 || rep.failures > 0 || res != SENDER_TIMEOUT)
		post_outbox(w, &rep, res == SENDER_DRAINED || res == SENDER_TIMEOUT ||
		    rep.done > 0);
}

static void *
thread_main(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct job *j;

		if (w->quit)
			break;
		if ((j = w->head) != NULL) {
			w->head = j->next;
			if (w->head == NULL)
				w->tail = NULL;
			pthread_mutex_unlock(&w->lock);
			run_job(w, j);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		if (w->ob != NULL && w->kicked) {
			w->kicked = false;
			w->next_try = util_mono_ms();
		}
		if (w->ob != NULL && w->next_try > 0 && w->next_try <= util_mono_ms()) {
			w->stop = 0;
			pthread_mutex_unlock(&w->lock);
			run_sender(w);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		if (w->ob != NULL && w->next_try > 0) {
			struct timespec ts;
			int64_t wait = w->next_try - util_mono_ms();

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		} else {
			pthread_cond_wait(&w->cond, &w->lock);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct worker *
worker_new(struct loop *l, const struct client_cfg *cfg, struct clock *clk,
    const char *outbox_path, const struct worker_handlers *h, char *err,
    size_t errsize)
{
	return worker_new_as(l, cfg, clk, outbox_path, h, NULL, err, errsize);
}

struct worker *
worker_new_as(struct loop *l, const struct client_cfg *cfg, struct clock *clk,
    const char *outbox_path, const struct worker_handlers *h,
    const struct api_session *login, char *err, size_t errsize)
{
	struct worker *w = xcalloc(1, sizeof *w);

	w->loop = l;
	if (h != NULL)
		w->h = *h;
	if (outbox_path != NULL) {
		w->ob = outbox_open(outbox_path, 0, err, errsize);
		if (w->ob == NULL) {
			free(w);
			return NULL;
		}
	}
	w->api = api_new(cfg, clk);
	if (login != NULL)
		api_adopt(w->api, login);
	if (w->ob != NULL) {
		w->sender = sender_new(w->api, w->ob);
		w->kicked = true;   /* whatever a previous run left pending */
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		snprintf(err, errsize, "cannot start the worker thread: %s", strerror(errno));
		sender_free(w->sender);
		api_free(w->api);
		outbox_close(w->ob);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_free(struct worker *w)
{
	worker_free_keep(w, NULL);
}

void
worker_free_keep(struct worker *w, struct api_session *keep)
{
	struct job *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	while ((j = w->head) != NULL) {
		w->head = j->next;
		free_job(j);
	}
	sender_free(w->sender);
	if (keep != NULL)
		*keep = *api_session(w->api);   /* the thread has ended: ours */
	api_free(w->api);
	outbox_close(w->ob);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

static void
enqueue(struct worker *w, struct job *j)
{
	j->w = w;
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->stop = 1;   /* a sender slice in progress yields to the request */
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void
worker_request(struct worker *w, const char *method, const char *path,
    const char *body, int attempts, worker_reply_fn done, void *ctx)
{
	worker_request_key(w, method, path, body, NULL, attempts, done, ctx);
}

void
worker_request_key(struct worker *w, const char *method, const char *path,
    const char *body, const char *idem_key, int attempts, worker_reply_fn done, void *ctx)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->kind = JOB_REQUEST;
	if (idem_key != NULL)
		xstrlcpy(j->idem, idem_key, sizeof j->idem);
	j->method = xstrdup(method);
	j->path = xstrdup(path);
	j->body = body != NULL ? xstrdup(body) : NULL;
	j->attempts = attempts;
	j->done = done;
	j->ctx = ctx;
	enqueue(w, j);
}

void
worker_login(struct worker *w)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->kind = JOB_LOGIN;
	enqueue(w, j);
}

void
worker_set_pin(struct worker *w, const char *pin)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->kind = JOB_PIN;
	j->body = xstrdup(pin);
	enqueue(w, j);
}

void
worker_kick(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->kicked = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}
