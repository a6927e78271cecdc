/* spool: documents into the durable print queue, and the thread that
 * prints them and watches the printers. */
#include "spool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escpos.h"
#include "log.h"
#include "loop.h"
#include "printer.h"
#include "printq.h"
#include "profile.h"
#include "util.h"
#include "xalloc.h"

/* How often an idle printer is asked how it is, so "paper out" shows
 * before the next sale rather than after it. */
#define SPOOL_PROBE_MS 5000
/* The longest the thread sleeps without looking at the queue. */
#define SPOOL_NAP_MS 1000

struct spool {
	struct loop *loop;
	spool_status_fn fn;
	void *ctx;
	struct spool_cfg cfg;
	struct doc_config base;      /* the till's own words, before the store's */
	struct profile prof[SPOOL_PRINTERS];
	struct printq *q;            /* the UI thread's connection: adds jobs */
	/* the last receipt, for a reprint */
	struct order last;
	bool have_last;
	char last_banner[64];
	/* the printing thread */
	struct printq *tq;           /* its own connection */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool quit, wake;
	int64_t probe_at[SPOOL_PRINTERS];
	struct spool_printer_status probe[SPOOL_PRINTERS];  /* from probes */
	int64_t probe_ms[SPOOL_PRINTERS];
	struct spool_status posted;  /* the last status handed to the loop */
	bool posted_once;
};

struct spool_note {
	struct spool *s;
	struct spool_status st;
};

static const char *
spool_uri(const struct spool *s, int which)
{
	return which == SPOOL_RECEIPT ? s->cfg.receipt_uri : s->cfg.kitchen_uri;
}

static void
deliver_status(void *arg)
{
	struct spool_note *n = arg;

	if (n->s->fn != NULL)
		n->s->fn(n->s->ctx, &n->st);
	free(n);
}

/* Ask a printer how it is without printing (the thread, between jobs). */
static void
spool_probe(struct spool *s, int which, int64_t now)
{
	struct spool_printer_status *ps = &s->probe[which];
	struct printer_error err;
	struct printer_status st;
	struct printer *p = printer_open(spool_uri(s, which), &err);

	memset(ps, 0, sizeof *ps);
	ps->configured = true;
	ps->known = true;
	s->probe_ms[which] = now;
	if (p == NULL || printer_status(p, &st, &err) < 0) {
		xstrlcpy(ps->state, p == NULL ? printer_err_name(err.code) : "offline",
		    sizeof ps->state);
		xstrlcpy(ps->error, err.message, sizeof ps->error);
		printer_close(p);
		return;
	}
	printer_close(p);
	ps->paper_out = (st.known & PRINTER_PAPER_OUT) && (st.flags & PRINTER_PAPER_OUT);
	ps->ready = !ps->paper_out;
	if (ps->paper_out)
		xstrlcpy(ps->state, "paper out", sizeof ps->state);
	else if (st.known != 0)
		printer_status_text(&st, ps->state, sizeof ps->state);
	else
		xstrlcpy(ps->state, "ready", sizeof ps->state);
}

/* The queue's view and the probes', the newer of the two per printer. */
static void
spool_collect(struct spool *s, struct spool_status *out)
{
	struct printq_printer *pp = NULL;
	struct printq_job *jobs = NULL;
	int np = printq_printers(s->tq, &pp);
	int nj = printq_jobs(s->tq, false, 200, &jobs);

	memset(out, 0, sizeof *out);
	for (int w = 0; w < SPOOL_PRINTERS; w++) {
		struct spool_printer_status *ps = &out->printer[w];

		if (spool_uri(s, w)[0] == '\0')
			continue;
		*ps = s->probe[w];
		ps->configured = true;
		for (int i = 0; i < np; i++) {
			if (strcmp(pp[i].uri, spool_uri(s, w)) != 0 ||
			    pp[i].updated_at < s->probe_ms[w])
				continue;
			ps->known = true;
			xstrlcpy(ps->state, pp[i].state, sizeof ps->state);
			xstrlcpy(ps->error, pp[i].error, sizeof ps->error);
			ps->paper_out = strcmp(pp[i].state, "paper out") == 0;
			ps->ready = pp[i].error[0] == '\0' && !ps->paper_out;
		}
	}
	for (int i = 0; i < nj; i++) {
		if (jobs[i].state == PRINTQ_ATTENTION) {
			if (out->attention++ == 0) {
				out->attention_job = jobs[i].id;
				snprintf(out->attention_what, sizeof out->attention_what,
				    "%s %s", jobs[i].kind, jobs[i].ref);
			}
		} else if (jobs[i].state != PRINTQ_DONE && jobs[i].state != PRINTQ_DISCARDED) {
			out->waiting++;
		}
	}
	free(pp);
	free(jobs);
}

static void *
spool_main(void *arg)
{
	struct spool *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->quit) {
		int64_t now, next;
		struct spool_status st;

		s->wake = false;
		pthread_mutex_unlock(&s->lock);
		now = util_now_ms();
		printq_run(s->tq, now);
		for (int w = 0; w < SPOOL_PRINTERS; w++) {
			if (spool_uri(s, w)[0] != '\0' && now >= s->probe_at[w]) {
				spool_probe(s, w, util_now_ms());
				s->probe_at[w] = now + SPOOL_PROBE_MS;
			}
		}
		spool_collect(s, &st);
		if (!s->posted_once || memcmp(&st, &s->posted, sizeof st) != 0) {
			struct spool_note *n = xcalloc(1, sizeof *n);

			s->posted = st;
			s->posted_once = true;
			n->s = s;
			n->st = st;
			loop_post(s->loop, deliver_status, n);
		}
		next = printq_next_due(s->tq);
		now = util_now_ms();
		if (next > now + SPOOL_NAP_MS)
			next = now + SPOOL_NAP_MS;
		pthread_mutex_lock(&s->lock);
		if (!s->wake && !s->quit && next > now) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)((next - now) / 1000);
			ts.tv_nsec += (long)((next - now) % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void
spool_kick(struct spool *s)
{
	pthread_mutex_lock(&s->lock);
	s->wake = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

struct spool *
spool_new(struct loop *l, const struct spool_cfg *c, spool_status_fn fn, void *ctx,
    char *err, size_t errsize)
{
	struct spool *s = xcalloc(1, sizeof *s);
	char why[256];

	s->loop = l;
	s->fn = fn;
	s->ctx = ctx;
	s->cfg = *c;
	s->base = c->doc;
	order_init(&s->last);
	for (int w = 0; w < SPOOL_PRINTERS; w++) {
		const char *id = w == SPOOL_RECEIPT ? c->receipt_profile : c->kitchen_profile;
		struct printer_uri u;
		struct printer_error perr;

		if (spool_uri(s, w)[0] == '\0')
			continue;
		if (printer_uri_parse(spool_uri(s, w), &u, &perr) < 0) {
			snprintf(err, errsize, "%s", perr.message);
			free(s);
			return NULL;
		}
		if (profile_load(id[0] ? id : "epson-tm-t20", &s->prof[w], why, sizeof why) < 0) {
			snprintf(err, errsize, "%s", why);
			free(s);
			return NULL;
		}
	}
	/* both connections before the thread starts: opening the queue
	 * marks jobs found mid-send, which must only mean "we crashed" */
	s->q = printq_open(c->queue_path, err, errsize);
	s->tq = s->q != NULL ? printq_open(c->queue_path, err, errsize) : NULL;
	if (s->tq == NULL) {
		printq_close(s->q);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, spool_main, s) != 0) {
		snprintf(err, errsize, "cannot start the printing thread: %s", strerror(errno));
		spool_free(s);
		return NULL;
	}
	s->started = true;
	return s;
}

void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->quit = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	printq_close(s->q);
	printq_close(s->tq);
	order_free(&s->last);
	free(s);
}

bool
spool_has_receipt_printer(const struct spool *s)
{
	return s != NULL && s->cfg.receipt_uri[0] != '\0';
}

bool
spool_has_kitchen_printer(const struct spool *s)
{
	return s != NULL && s->cfg.kitchen_uri[0] != '\0';
}

static int
spool_add(struct spool *s, int which, const char *kind, const struct order *o,
    const char *banner, struct escpos *e)
{
	char ref[64];
	int64_t id;

	if (banner != NULL && banner[0] != '\0')
		snprintf(ref, sizeof ref, "order %s", banner);
	else if (o != NULL)
		snprintf(ref, sizeof ref, "order #%d", o->number);
	else
		snprintf(ref, sizeof ref, "%s", kind);
	id = printq_add(s->q, spool_uri(s, which), kind, ref, e->data, e->len,
	    util_now_ms());
	escpos_free(e);
	if (id < 0)
		return -1;
	spool_kick(s);
	return 0;
}

static int
spool_receipt_as(struct spool *s, const struct order *o, const char *banner,
    const char *what)
{
	struct escpos e;

	escpos_begin(&e, &s->prof[SPOOL_RECEIPT]);
	document_banner(&e, what, banner);
	document_receipt(&e, o, &s->cfg.doc);
	return spool_add(s, SPOOL_RECEIPT, "receipt", o, banner, &e);
}

int
spool_receipt(struct spool *s, const struct order *o, const char *banner)
{
	if (!spool_has_receipt_printer(s))
		return 0;
	order_free(&s->last);
	order_copy(&s->last, o);
	s->have_last = true;
	xstrlcpy(s->last_banner, banner != NULL ? banner : "", sizeof s->last_banner);
	return spool_receipt_as(s, o, banner, " PROVISIONAL NUMBER ");
}

int
spool_receipt_shut(struct spool *s, const struct order *o, const char *banner)
{
	struct doc_config keep;
	int rc;

	keep = s->cfg.doc;
	s->cfg.doc.kick_drawer = false;
	rc = spool_receipt(s, o, banner);
	s->cfg.doc = keep;
	return rc;
}

int
spool_reprint(struct spool *s)
{
	struct doc_config keep;
	int rc;

	if (!spool_has_receipt_printer(s) || !s->have_last)
		return -1;
	/* a copy never opens the drawer again */
	keep = s->cfg.doc;
	s->cfg.doc.kick_drawer = false;
	rc = spool_receipt_as(s, &s->last, s->last_banner[0] ? s->last_banner : "COPY",
	    s->last_banner[0] ? " COPY - PROVISIONAL NUMBER " : " RECEIPT ");
	s->cfg.doc = keep;
	return rc;
}

int
spool_receipt_again(struct spool *s, const struct order *o)
{
	struct doc_config keep;
	int rc;

	if (!spool_has_receipt_printer(s))
		return -1;
	keep = s->cfg.doc;
	s->cfg.doc.kick_drawer = false;
	rc = spool_receipt_as(s, o, NULL, "");
	s->cfg.doc = keep;
	return rc;
}

int
spool_kitchen(struct spool *s, const struct order *o, const char *banner,
    bool to_receipt)
{
	int which = spool_has_kitchen_printer(s) ? SPOOL_KITCHEN : SPOOL_RECEIPT;
	struct escpos e;

	if (which == SPOOL_RECEIPT && (!to_receipt || !spool_has_receipt_printer(s)))
		return 0;
	escpos_begin(&e, &s->prof[which]);
	document_banner(&e, " PROVISIONAL NUMBER ", banner);
	if (document_kitchen_of(&e, o, NULL, util_now_ms(), &s->cfg.doc) < 0) {
		escpos_free(&e);
		return 0;
	}
	return spool_add(s, which, "kitchen", o, banner, &e);
}

int
spool_kitchen_copy(struct spool *s, const struct order *o)
{
	int which = spool_has_kitchen_printer(s) ? SPOOL_KITCHEN : SPOOL_RECEIPT;
	struct escpos e;

	if (which == SPOOL_RECEIPT && !spool_has_receipt_printer(s))
		return -1;
	escpos_begin(&e, &s->prof[which]);
	/* a copy is not an order to make again: the cook is told so first */
	document_banner(&e, " COPY: NOT A NEW ORDER ", "REPRINT");
	if (document_kitchen_of(&e, o, NULL, util_now_ms(), &s->cfg.doc) < 0) {
		escpos_free(&e);
		return 1;
	}
	return spool_add(s, which, "kitchen", o, NULL, &e);
}

void
spool_set_money(struct spool *s, int tax_bp, const char *currency)
{
	doc_config_money(&s->cfg.doc, tax_bp, currency);
}

void
spool_set_store(struct spool *s, const struct store_info *si)
{
	doc_config_store(&s->cfg.doc, &s->base, si);
}

int
spool_report(struct spool *s, const struct day_report *r)
{
	struct escpos e;

	if (!spool_has_receipt_printer(s))
		return -1;
	escpos_begin(&e, &s->prof[SPOOL_RECEIPT]);
	document_report(&e, r, &s->cfg.doc);
	return spool_add(s, SPOOL_RECEIPT, r->final ? "z-report" : "x-report", NULL, NULL, &e);
}

int
spool_refund(struct spool *s, const struct order *o)
{
	struct escpos e;

	if (!spool_has_receipt_printer(s))
		return -1;
	escpos_begin(&e, &s->prof[SPOOL_RECEIPT]);
	if (document_refund(&e, o, &s->cfg.doc) < 0) {
		escpos_free(&e);
		return -1;
	}
	return spool_add(s, SPOOL_RECEIPT, "refund", o, NULL, &e);
}

int
spool_resolve(struct spool *s, int64_t job, bool reprint)
{
	int rc = reprint ? printq_reprint(s->q, job, util_now_ms()) :
	    printq_discard(s->q, job, util_now_ms());

	spool_kick(s);
	return rc;
}
