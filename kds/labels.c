/* labels: a print thread over the durable queue for item labels. */
#include "labels.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "documents.h"
#include "escpos.h"
#include "log.h"
#include "printq.h"
#include "profile.h"
#include "util.h"
#include "xalloc.h"

#define LABELS_POLL_MS 2000     /* how often a waiting printer is looked at */

struct labels {
	struct loop *loop;
	char uri[256];
	struct profile profile;
	struct printq *ui;           /* the loop thread's connection */
	struct printq *q;            /* the print thread's connection */
	labels_state_fn fn;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool kicked, quit;
	struct labels_state last;    /* last reported (print thread) */
};

/* A note carries the handler, not lb: it may be delivered after
 * labels_free (the session's shutdown flushes the loop's queue). */
struct note {
	labels_state_fn fn;
	void *ctx;
	struct labels_state st;
};

static void
deliver(void *arg)
{
	struct note *n = arg;

	if (n->fn != NULL)
		n->fn(n->ctx, &n->st);
	free(n);
}

/* What the queue says about our printer, told to the loop when it moved. */
static void
report(struct labels *lb, bool force)
{
	struct printq_printer *ps = NULL;
	struct printq_job *jobs = NULL;
	struct labels_state st;
	int n = printq_printers(lb->q, &ps), nj = printq_jobs(lb->q, false, 1000, &jobs);

	memset(&st, 0, sizeof st);
	xstrlcpy(st.state, "ready", sizeof st.state);
	st.ok = true;
	for (int i = 0; i < n; i++) {
		if (strcmp(ps[i].uri, lb->uri) != 0)
			continue;
		xstrlcpy(st.error, ps[i].error, sizeof st.error);
		st.ok = strcmp(ps[i].state, "ready") == 0 || strncmp(ps[i].state, "online", 6) == 0;
		/* "online, drawer closed" says more than a kitchen needs */
		if (!st.ok)
			xstrlcpy(st.state, ps[i].state, sizeof st.state);
		else if (strstr(ps[i].state, "paper low") != NULL)
			xstrlcpy(st.state, "ready, paper low", sizeof st.state);
		else
			xstrlcpy(st.state, "ready", sizeof st.state);
	}
	for (int i = 0; i < nj; i++) {
		if (strcmp(jobs[i].printer, lb->uri) == 0) {
			st.queued++;
			if (jobs[i].state == PRINTQ_ATTENTION) {
				st.ok = false;
				xstrlcpy(st.state, "needs attention", sizeof st.state);
			}
		}
	}
	free(ps);
	free(jobs);
	if (!force && memcmp(&st, &lb->last, sizeof st) == 0)
		return;
	lb->last = st;
	struct note *note = xcalloc(1, sizeof *note);
	note->fn = lb->fn;
	note->ctx = lb->ctx;
	note->st = st;
	loop_post(lb->loop, deliver, note);
}

static void *
thread_main(void *arg)
{
	struct labels *lb = arg;
	bool first = true;

	pthread_mutex_lock(&lb->lock);
	while (!lb->quit) {
		int64_t now, due;

		lb->kicked = false;
		pthread_mutex_unlock(&lb->lock);
		now = util_now_ms();
		printq_run(lb->q, now);
		report(lb, first);
		first = false;
		due = printq_next_due(lb->q);
		pthread_mutex_lock(&lb->lock);
		if (lb->kicked || lb->quit)
			continue;
		{
			struct timespec ts;
			int64_t wait = due == INT64_MAX ? LABELS_POLL_MS * 5 : due - util_now_ms();

			if (wait > LABELS_POLL_MS)
				wait = LABELS_POLL_MS;
			if (wait < 10)
				wait = 10;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&lb->cond, &lb->lock, &ts);
		}
	}
	pthread_mutex_unlock(&lb->lock);
	return NULL;
}

struct labels *
labels_new(struct loop *l, const char *uri, const char *profile_id, const char *queue_path,
    labels_state_fn fn, void *ctx, char *err, size_t errsize)
{
	struct labels *lb = xcalloc(1, sizeof *lb);
	struct printer_uri u;
	struct printer_error perr;
	char why[256];

	if (printer_uri_parse(uri, &u, &perr) < 0) {
		snprintf(err, errsize, "label printer \"%s\": %s", uri, perr.message);
		free(lb);
		return NULL;
	}
	if (profile_load(profile_id, &lb->profile, why, sizeof why) < 0) {
		log_warn("%s; using the generic profile", why);
		profile_fallback(&lb->profile);
	}
	lb->loop = l;
	xstrlcpy(lb->uri, uri, sizeof lb->uri);
	lb->fn = fn;
	lb->ctx = ctx;
	lb->ui = printq_open(queue_path, err, errsize);
	if (lb->ui == NULL) {
		free(lb);
		return NULL;
	}
	lb->q = printq_open(queue_path, err, errsize);
	if (lb->q == NULL) {
		printq_close(lb->ui);
		free(lb);
		return NULL;
	}
	pthread_mutex_init(&lb->lock, NULL);
	pthread_cond_init(&lb->cond, NULL);
	if (pthread_create(&lb->thread, NULL, thread_main, lb) != 0) {
		snprintf(err, errsize, "cannot start the print thread");
		printq_close(lb->q);
		printq_close(lb->ui);
		free(lb);
		return NULL;
	}
	return lb;
}

void
labels_free(struct labels *lb)
{
	if (lb == NULL)
		return;
	pthread_mutex_lock(&lb->lock);
	lb->quit = true;
	pthread_cond_signal(&lb->cond);
	pthread_mutex_unlock(&lb->lock);
	pthread_join(lb->thread, NULL);
	printq_close(lb->q);
	printq_close(lb->ui);
	pthread_cond_destroy(&lb->cond);
	pthread_mutex_destroy(&lb->lock);
	free(lb);
}

static void
kick(struct labels *lb)
{
	pthread_mutex_lock(&lb->lock);
	lb->kicked = true;
	pthread_cond_signal(&lb->cond);
	pthread_mutex_unlock(&lb->lock);
}

int
labels_print_void(struct labels *lb, const struct order *o, const int *corr, int n,
    int64_t now_ms, const char *ref)
{
	struct escpos e;
	int64_t id;

	escpos_begin(&e, &lb->profile);
	if (document_void_ticket(&e, o, corr, n, now_ms) < 0) {
		escpos_free(&e);
		return -1;
	}
	id = printq_add(lb->ui, lb->uri, "void", ref, e.data, e.len, util_now_ms());
	escpos_free(&e);
	if (id < 0) {
		log_error("cannot queue the void ticket of order %d", o->number);
		return -1;
	}
	kick(lb);
	return 0;
}

int
labels_print(struct labels *lb, const struct order *o)
{
	struct escpos e;
	char ref[64];
	int64_t id;

	escpos_begin(&e, &lb->profile);
	if (document_labels(&e, o) < 0) {
		escpos_free(&e);
		return -1;
	}
	snprintf(ref, sizeof ref, "order %d", o->number);
	id = printq_add(lb->ui, lb->uri, "label", ref, e.data, e.len, util_now_ms());
	escpos_free(&e);
	if (id < 0) {
		log_error("cannot queue the labels of order %d", o->number);
		return -1;
	}
	kick(lb);
	return 0;
}
