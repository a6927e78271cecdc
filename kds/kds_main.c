/* brigade-kds: the kitchen display. Settings, the session's handlers, the
 * one-second tick and the loop; keys are in kds_keys.c, drawing in
 * kds_view.c, the model in board.c. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cfg.h"
#include "codec.h"
#include "kds.h"
#include "labels.h"
#include "log.h"
#include "printq.h"
#include "term.h"
#include "trace.h"
#include "util.h"
#include "voids.h"
#include "xalloc.h"

#define NOTE_MS 8000            /* how long a header message stays */
#define CHECK_BASE_MS 1000      /* asking about a missing order again */
#define CHECK_CAP_MS 10000
#define CHECK_LOST_MS 60000     /* an answer this late is not coming (the
                                   worker went with the login) */
#define REFUSAL_MS 60000        /* how long a refusal stays on its card */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: brigade-kds [--server URL[,URL...]] [--store CODE] [--staff CODE --pin PIN]\n"
	    "                   [--station NAME|all]\n"
	    "                   [--theme NAME] [--label-printer URI] [--ticket-printer URI]\n"
	    "                   [--quiet]\n"
	    "\n"
	    "  --server URL[,URL...] brigade-server (http://HOST:PORT or https://); several\n"
	    "                        instances of one database: the next is used when one\n"
	    "                        stops answering\n"
	    "  --store CODE          the store to log in to\n"
	    "  --staff, --pin        sign in; without them a login screen opens\n"
	    "  --station NAME|all    show one station's items, or all (expo)\n"
	    "  --theme NAME          default, dark, high-contrast, mono (themes/)\n"
	    "  --mono                no colours (NO_COLOR does the same)\n"
	    "  --label-printer URI   print item labels for pickup and delivery orders\n"
	    "                        (tcp://HOST[:PORT], usb://VID:PID, cups://QUEUE, file:///path)\n"
	    "  --label-profile ID    the label printer's profile (default epson-tm-l90)\n"
	    "  --ticket-printer URI  the kitchen printer for void tickets (default: the\n"
	    "                        label printer)\n"
	    "  --ticket-profile ID   the ticket printer's profile (default generic-80)\n"
	    "  --warn DURATION       ticket age that turns the timer to warning (5m)\n"
	    "  --late DURATION       ticket age that marks it late (8m)\n"
	    "  --recall-window DUR   how far back r looks (10m)\n"
	    "  --quiet               no bell on new orders\n"
	    "  --version, --help\n"
	    "\n"
	    "Settings also come from BRIGADE_* variables, brigade.conf and kds.conf;\n"
	    "keys are listed on screen with ?. See brigade-kds(1).\n");
}

/* --- shared helpers (kds.h) ------------------------------------------------ */

static void
redraw_fire(struct loop_timer *t)
{
	struct kds *k = t->ctx;

	k->redraw_due = false;
	kds_view_draw(k);
}

void
kds_dirty(struct kds *k)
{
	if (k->redraw_due || !k->running)
		return;
	k->redraw_due = true;
	loop_timer_schedule(&k->redraw, 0);
}

void
kds_note(struct kds *k, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->header.note, sizeof k->header.note, fmt, ap);
	va_end(ap);
	k->header.note_role = role;
	k->note_at = util_mono_ms();
	kds_dirty(k);
}

void
kds_context(struct kds *k)
{
	const struct session_state *st = session_state(k->s);

	snprintf(k->header.context, sizeof k->header.context, "%s%s%s%s",
	    board_is_expo(&k->board) ? "all stations" : "station ",
	    board_is_expo(&k->board) ? "" : k->board.station,
	    st->staff[0] ? "  " : "", st->staff);
}

enum staff_role
kds_role(const struct kds *k)
{
	int r = session_state(k->s)->role;

	return r >= 0 ? (enum staff_role)r : ROLE_CHEF;
}

int64_t
kds_now(const struct kds *k)
{
	return clock_server_now(session_clock(k->s));
}

static void
to_mark(struct kds *k, int64_t id, struct board_mark *bm)
{
	struct session_mark m;

	session_mark(k->s, id, &m);
	memset(bm, 0, sizeof *bm);
	bm->pending = m.pending;
	bm->status = m.status;
	bm->cleared = m.cleared;
	bm->nstations = m.nstations < 8 ? m.nstations : 8;
	for (int i = 0; i < bm->nstations; i++)
		xstrlcpy(bm->stations[i], m.stations[i], sizeof bm->stations[i]);
	bm->at = m.pending ? m.since + clock_skew_ms(session_clock(k->s)) : 0;
}

/* --- void tickets --------------------------------------------------------- */

static struct kds_void_mark *
void_mark(struct kds *k, int64_t id)
{
	for (int i = 0; i < k->nvoid_marks; i++) {
		if (k->void_marks[i].id == id)
			return &k->void_marks[i];
	}
	return NULL;
}

static void
void_mark_set(struct kds *k, int64_t id, int upto)
{
	struct kds_void_mark *m = void_mark(k, id);

	if (m == NULL) {
		if (k->nvoid_marks < KDS_VOID_MARKS) {
			m = &k->void_marks[k->nvoid_marks++];
		} else {
			/* full: the oldest mark goes (its order is long gone) */
			m = &k->void_marks[k->void_next];
			k->void_next = (k->void_next + 1) % KDS_VOID_MARKS;
		}
		m->id = id;
		m->upto = 0;
	}
	if (upto > m->upto)
		m->upto = upto;
}

static struct labels *
ticket_printer(struct kds *k)
{
	return k->tickets != NULL ? k->tickets : k->labels;
}

static bool
same_void(const struct correction *a, const struct correction *b)
{
	return a->at == b->at && strcmp(a->by, b->by) == 0 &&
	    strcmp(a->reason, b->reason) == 0 && strcmp(a->approved_by, b->approved_by) == 0;
}

/* Voids of o this kitchen has not had a ticket for: one ticket per
 * correction made at once, on the ticket printer. */
static void
kds_check_voids(struct kds *k, const struct order *o)
{
	const struct kds_void_mark *m = void_mark(k, o->id);
	int from = m != NULL ? m->upto : 0, idx[CORRECTIONS_MAX], n;
	struct labels *p = ticket_printer(k);
	char ref[64];

	if (o->ncorrections <= from)
		return;
	n = board_new_voids(&k->board, o, from, idx, CORRECTIONS_MAX);
	void_mark_set(k, o->id, o->ncorrections);
	if (n == 0)
		return;
	log_info("order %d: %d void%s since correction %d", o->number, n, n == 1 ? "" : "s",
	    from);
	if (p == NULL)
		return;
	snprintf(ref, sizeof ref, "void order %lld to %d", (long long)o->id, o->ncorrections);
	for (int g = 0; g < n;) {
		int e = g + 1;

		while (e < n && same_void(&o->corrections[idx[g]], &o->corrections[idx[e]]))
			e++;
		if (labels_print_void(p, o, idx + g, e - g, kds_now(k), ref) == 0)
			kds_note(k, THEME_WARNING, "#%d: void ticket sent to the printer", o->number);
		g = e;
	}
}

/* The void tickets already in the print queue (its jobs' references). */
static void
load_void_marks(struct kds *k, const char *queue)
{
	char err[256];
	struct printq *q = printq_open(queue, err, sizeof err);
	struct printq_job *jobs = NULL;
	int n;

	if (q == NULL) {
		log_warn("void tickets printed before: %s", err);
		return;
	}
	n = printq_jobs(q, true, 4000, &jobs);
	for (int i = n - 1; i >= 0; i--) {
		long long id;
		int upto;

		if (strcmp(jobs[i].kind, "void") == 0 &&
		    sscanf(jobs[i].ref, "void order %lld to %d", &id, &upto) == 2)
			void_mark_set(k, (int64_t)id, upto);
	}
	free(jobs);
	printq_close(q);
}

static bool
kitchen_status(enum order_status s)
{
	return s == STATUS_PAID || s == STATUS_PREPARING || s == STATUS_READY;
}

/* The VOID cards changed (one came, the chef cleared one, the server
 * overruled one): their file follows at once, before the screen shows the
 * change, so a kill a moment later loses nothing. A failed write is said
 * once and tried again at the next change or tick. */
void
kds_save_voids(struct kds *k)
{
	char err[PATH_MAX + 128];

	if (!k->board.voids_changed || k->voids_foreign)
		return;
	if (voids_save(&k->board, k->cfg.void_file, err, sizeof err) < 0) {
		if (!k->voids_failing) {
			log_error("%s: the VOID cards are not saved: %s", __func__, err);
			kds_note(k, THEME_ERROR, "VOID cards not saved (a restart forgets them): %s",
			    err);
		}
		k->voids_failing = true;
		return;
	}
	if (k->voids_failing)
		log_info("the VOID cards are saved again");
	k->voids_failing = false;
	k->board.voids_changed = false;
}

/* The VOID cards of the last run, before the saved board and the snapshot
 * come: an older word on their orders then changes nothing, and nothing is
 * printed or rung for them again. */
static void
load_voids(struct kds *k)
{
	char err[PATH_MAX + 128];
	int n = 0;

	if (k->cfg.void_file[0] == '\0')
		return;
	cfg_mkdirs_for(k->cfg.void_file);
	switch (voids_load(&k->board, k->cfg.void_file, err, sizeof err)) {
	case -1:
		log_warn("%s; VOID cards are not kept over a restart", err);
		kds_note(k, THEME_ERROR, "VOID cards are not kept over a restart: %s", err);
		k->voids_foreign = true;
		break;
	case 0:
		for (int i = 0; i < k->board.n; i++)
			n += board_is_void(&k->board.cards[i]);
		log_info("%d VOID card%s kept from before", n, n == 1 ? "" : "s");
		break;
	default:
		break;
	}
	k->board.voids_changed = false;
}

static void check_next(struct kds *k);

void
kds_refresh_order(struct kds *k, int64_t id, bool ring)
{
	const struct order *o = cache_find(session_cache(k->s), id);
	struct board_mark bm;

	if (o == NULL) {
		board_gone(&k->board, id);   /* a card being checked stays */
	} else {
		if (kitchen_status(o->status))
			kds_check_voids(k, o);
		to_mark(k, id, &bm);
		if (board_upsert(&k->board, o, &bm) && ring)
			k->bells++;
		trace_apply(k->trace, id, o->version);
	}
	kds_save_voids(k);
	kds_dirty(k);
}

void
kds_refresh_all(struct kds *k)
{
	struct cache *c = session_cache(k->s);

	board_sync_begin(&k->board);
	for (int i = 0; i < cache_norders(c); i++) {
		const struct order *o = cache_order(c, i);
		struct board_mark bm;

		if (kitchen_status(o->status))
			kds_check_voids(k, o);
		to_mark(k, o->id, &bm);
		board_upsert(&k->board, o, &bm);
	}
	/* the server's snapshot (not the saved board): an order the kitchen
	 * had that it lacks was cancelled, or made ready elsewhere, while we
	 * were not looking; the server is asked which */
	if (session_state(k->s)->stale) {
		board_sync_end(&k->board);
	} else if (board_sync_end_missing(&k->board) > 0) {
		k->check_at = 0;
		k->check_failures = 0;
	}
	kds_save_voids(k);
	check_next(k);
	kds_dirty(k);
}

/* --- orders a snapshot lacked ---------------------------------------------- */

/* The server's word on a card being checked: cancelled, it turns into a
 * VOID card as if the cancel had been seen live (told, rung, its void
 * ticket printed once); still open, it is the order as it stands; closed
 * otherwise (made ready and served elsewhere), it leaves quietly. */
static void
check_settle(struct kds *k, const struct order *o)
{
	struct board_mark bm;

	if (o->status == STATUS_CANCELLED) {
		const struct board_card *c;

		kds_check_voids(k, o);
		if (board_upsert_void(&k->board, o) &&
		    (c = board_find(&k->board, o->id)) != NULL &&
		    board_card_column(&k->board, c) >= 0) {
			k->bells++;
			kds_note(k, THEME_VOID, "#%d VOID%s%s", o->number,
			    o->cancel_reason[0] ? ": " : "", o->cancel_reason);
		}
		log_info("order %d was cancelled meanwhile%s%s", o->number,
		    o->cancel_reason[0] ? ": " : "", o->cancel_reason);
	} else if (kitchen_status(o->status)) {
		kds_check_voids(k, o);
		to_mark(k, o->id, &bm);
		board_upsert(&k->board, o, &bm);
		/* into the cache too, so that its events apply */
		session_refresh_order(k->s, o->id);
	} else {
		log_info("order %d is %s: its card leaves", o->number, status_name(o->status));
		board_remove(&k->board, o->id);
	}
}

static void
on_check(void *ctx, struct api_reply *r)
{
	struct kds *k = ctx;
	int64_t id = k->check_id;
	const struct board_card *c;
	struct codec_error err;
	struct order o;
	bool ok;

	if (!k->running)
		return;
	order_init(&o);
	ok = r->err == API_OK && order_from_json(r->json, &o, &err) == 0;
	if (ok)
		id = o.id;               /* the answer names its order: a late one too */
	if (id == k->check_id)
		k->check_id = 0;
	c = board_find(&k->board, id);
	if (c == NULL || !board_is_checking(c)) {
		/* settled meanwhile (a snapshot, an event) */
	} else if (ok && o.number == c->number) {
		check_settle(k, &o);
		k->check_failures = 0;
	} else if (ok || r->status == 404) {
		/* not the server's order, or the id is another's now (a
		 * database started afresh) */
		log_info("order %lld is unknown to the server: its card leaves", (long long)id);
		board_remove(&k->board, id);
		k->check_failures = 0;
	} else {
		/* the card stays, marked, and is asked about again */
		log_warn("%s: order %lld: %s", __func__, (long long)id,
		    r->err == API_OK ? err.message : r->message);
		k->check_failures++;
		k->check_at = util_mono_ms() +
		    api_backoff_ms(k->check_failures, CHECK_BASE_MS, CHECK_CAP_MS);
	}
	order_free(&o);
	kds_save_voids(k);
	kds_dirty(k);
	check_next(k);
}

/* Ask about the next card being checked, one at a time (bounded by the
 * board), through the session's worker: the loop never waits. */
static void
check_next(struct kds *k)
{
	int64_t id;
	char path[64];

	if (k->check_id != 0 && util_mono_ms() - k->check_since < CHECK_LOST_MS)
		return;
	if (util_mono_ms() < k->check_at)
		return;
	if ((id = board_next_checking(&k->board, 0)) == 0)
		return;
	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)id);
	if (session_get(k->s, path, on_check, k) < 0) {
		k->check_at = util_mono_ms() + CHECK_BASE_MS;   /* not signed in yet */
		return;
	}
	k->check_id = id;
	k->check_since = util_mono_ms();
}

/* --- labels ---------------------------------------------------------------- */

static void
kds_labels_now(struct kds *k, int64_t id)
{
	const struct order *o = cache_find(session_cache(k->s), id);

	if (o == NULL) {
		log_warn("labels for order %lld: the order is no longer known", (long long)id);
		return;
	}
	if (labels_print(k->labels, o) == 0)
		kds_note(k, THEME_SUCCESS, "labels for #%d sent to the printer", o->number);
}

static void
kds_label_unwait(struct kds *k, int i)
{
	k->label_wait[i] = k->label_wait[--k->nlabel_wait];
}

void
kds_labels_bumped(struct kds *k, int64_t id)
{
	if (session_state(k->s)->conn != SESSION_ONLINE || k->nlabel_wait == KDS_LABEL_WAIT) {
		kds_labels_now(k, id);     /* the kitchen goes on without the server */
		return;
	}
	for (int i = 0; i < k->nlabel_wait; i++) {
		if (k->label_wait[i] == id)
			return;
	}
	k->label_wait[k->nlabel_wait++] = id;
}

/* The server's word on orders whose labels wait: READY (or beyond) prints
 * them; cancelled or gone, they are dropped. id 0: every waiting order. */
static void
kds_labels_settle(struct kds *k, int64_t id)
{
	for (int i = 0; i < k->nlabel_wait;) {
		const struct order *o;
		struct session_mark m;

		if (id != 0 && k->label_wait[i] != id) {
			i++;
			continue;
		}
		o = cache_find(session_cache(k->s), k->label_wait[i]);
		session_mark(k->s, k->label_wait[i], &m);
		if (o == NULL || o->status == STATUS_CANCELLED) {
			kds_label_unwait(k, i);
		} else if (!m.pending && o->status >= STATUS_READY) {
			kds_labels_now(k, k->label_wait[i]);
			kds_label_unwait(k, i);
		} else {
			i++;
		}
	}
}

/* The connection dropped before the server answered: the bumps wait in
 * the outbox, the labels print now. */
static void
kds_labels_flush(struct kds *k)
{
	while (k->nlabel_wait > 0) {
		kds_labels_now(k, k->label_wait[0]);
		kds_label_unwait(k, 0);
	}
}

/* --- session handlers --------------------------------------------------------- */

static void
on_orders(void *ctx, const int64_t *ids, int n)
{
	struct kds *k = ctx;

	if (n < 0) {
		kds_refresh_all(k);
		kds_labels_settle(k, 0);
		return;
	}
	for (int i = 0; i < n; i++) {
		kds_refresh_order(k, ids[i], true);
		if (k->nlabel_wait > 0)
			kds_labels_settle(k, ids[i]);
	}
}

/* An order left the open orders: cancelled (a void of the whole order,
 * or a cancel) while the kitchen had it, its card turns into a VOID card
 * and its voids print. */
static void
on_closed(void *ctx, const struct order *o)
{
	struct kds *k = ctx;

	if (board_find(&k->board, o->id) == NULL)
		return;
	kds_check_voids(k, o);
	if (board_upsert_void(&k->board, o)) {
		const struct board_card *c = board_find(&k->board, o->id);

		if (c != NULL && board_card_column(&k->board, c) >= 0) {
			k->bells++;
			kds_note(k, THEME_VOID, "#%d VOID%s%s", o->number,
			    o->cancel_reason[0] ? ": " : "", o->cancel_reason);
		}
	}
	kds_save_voids(k);
	kds_dirty(k);
}

static void
on_menu(void *ctx)
{
	kds_dirty(ctx);
}

static void
on_state(void *ctx, const struct session_state *st)
{
	struct kds *k = ctx;
	static const enum header_conn conns[] = {
		[SESSION_STARTING] = HEADER_CONNECTING,
		[SESSION_ONLINE] = HEADER_ONLINE,
		[SESSION_OFFLINE] = HEADER_OFFLINE,
		[SESSION_SIGNED_OUT] = HEADER_SIGNED_OUT,
	};

	k->header.conn = conns[st->conn];
	k->header.since_ms = st->since;
	k->header.stale = st->stale;
	k->header.stale_saved_at = st->saved_at;
	k->header.queued = st->queued;
	k->header.attention = st->attention;
	k->header.waiting = st->waiting;
	xstrlcpy(k->header.waiting_for, st->waiting_for, sizeof k->header.waiting_for);
	xstrlcpy(k->header.server, st->server, sizeof k->header.server);
	k->oldest_queued_at = st->oldest_queued_at;
	k->retention_ms = st->retention_ms;
	if (st->conn != SESSION_ONLINE)
		kds_labels_flush(k);
	kds_context(k);
	kds_dirty(k);
}

static void
on_login(void *ctx, enum session_login_result r, const char *message)
{
	struct kds *k = ctx;

	switch (r) {
	case SESSION_LOGIN_OK:
		if (k->mode == KDS_LOGIN) {
			form_wipe(&k->login);
			k->mode = KDS_BOARD;
		}
		kds_note(k, THEME_SUCCESS, "signed in as %s", session_state(k->s)->staff);
		log_info("signed in as %s", session_state(k->s)->staff);
		break;
	case SESSION_LOGIN_OFFLINE:
		if (k->mode == KDS_LOGIN) {
			form_wipe(&k->login);
			k->mode = KDS_BOARD;
		}
		kds_note(k, THEME_OFFLINE_BANNER, "server unreachable: showing the last known "
		    "board; signing in when it is back");
		break;
	case SESSION_LOGIN_REFUSED:
		kds_keys_open_login(k, message[0] ? message : "wrong staff code or PIN",
		    THEME_ERROR);
		break;
	case SESSION_LOGIN_LOCKED:
		kds_keys_open_login(k, message[0] ? message :
		    "too many wrong PINs: the account is locked for a while", THEME_ERROR);
		break;
	case SESSION_LOGIN_FAILED:
		kds_keys_open_login(k, message, THEME_ERROR);
		break;
	}
	kds_dirty(k);
}

static void
on_refused(void *ctx, const struct session_refusal *r)
{
	struct kds *k = ctx;
	const struct board_card *c = board_find(&k->board, r->order_id);
	const char *what = strchr(r->kind, '.') != NULL ? strchr(r->kind, '.') + 1 : r->kind;

	if (strcmp(r->kind, "items.done") == 0)
		what = "bump";
	if (c != NULL) {
		board_set_refusal(&k->board, r->order_id, r->message, util_mono_ms());
		kds_note(k, THEME_ERROR, "#%d: %s refused: %s", c->number, what, r->message);
	} else {
		kds_note(k, THEME_ERROR, "order %lld: %s refused: %s", (long long)r->order_id,
		    what, r->message);
	}
	/* a refused bump prints no labels */
	for (int i = 0; i < k->nlabel_wait; i++) {
		if (k->label_wait[i] == r->order_id) {
			kds_label_unwait(k, i);
			break;
		}
	}
	/* shown on the card and in the log: nothing is left for a person to
	 * decide about a kitchen move, and the card shows the server's truth */
	session_dismiss(k->s, r->entry);
}

/* The header shows one printer: the one that needs a person, else the
 * label printer, else the ticket printer; jobs waiting on both. */
static void
show_printers(struct kds *k)
{
	const struct labels_state *l = k->labels != NULL ? &k->label_st : NULL;
	const struct labels_state *t = k->tickets != NULL ? &k->ticket_st : NULL;
	const struct labels_state *shown = l != NULL && !l->ok ? l : t != NULL && !t->ok ? t :
	    l != NULL ? l : t;

	if (shown == NULL)
		return;
	if (shown == t && l != NULL && !t->ok)
		snprintf(k->header.printer, sizeof k->header.printer, "tickets %s", t->state);
	else
		xstrlcpy(k->header.printer, shown->state, sizeof k->header.printer);
	k->header.printer_ok = shown->ok;
	k->header.printer_queued = (l != NULL ? l->queued : 0) + (t != NULL ? t->queued : 0);
	kds_dirty(k);
}

static void
on_labels(void *ctx, const struct labels_state *st)
{
	struct kds *k = ctx;

	k->label_st = *st;
	if (!st->ok)
		log_warn("label printer: %s %s", st->state, st->error);
	show_printers(k);
}

static void
on_tickets(void *ctx, const struct labels_state *st)
{
	struct kds *k = ctx;

	k->ticket_st = *st;
	if (!st->ok)
		log_warn("ticket printer: %s %s", st->state, st->error);
	show_printers(k);
}

/* --- loop glue ---------------------------------------------------------------- */

static void
on_key(void *ctx, int key)
{
	kds_keys_input(ctx, key);
}

static void
on_input(void *ctx, const char *data, size_t len)
{
	struct kds *k = ctx;

	if (len == 0) {
		/* the terminal went away */
		k->running = false;
		loop_stop(k->loop);
		return;
	}
	input_clock(&k->in, util_mono_ms());
	input_feed(&k->in, data, len, on_key, k);
}

static void
on_signal(void *ctx, int sig)
{
	struct kds *k = ctx;

	if (sig == SIGWINCH) {
		term_resize();
		k->board.stale = true;
		kds_dirty(k);
		return;
	}
	log_info("signal %d: quitting", sig);
	k->running = false;
	loop_stop(k->loop);
}

/* Every second, on the server clock's second: timers and the clock move. */
static void
tick_fire(struct loop_timer *t)
{
	struct kds *k = t->ctx;
	int64_t now = kds_now(k);

	if (k->header.note[0] != '\0' && util_mono_ms() - k->note_at > NOTE_MS)
		k->header.note[0] = '\0';
	board_expire_refusals(&k->board, util_mono_ms(), REFUSAL_MS);
	kds_save_voids(k);           /* a write that failed, again */
	check_next(k);               /* a lookup that failed, again */
	kds_dirty(k);
	loop_timer_schedule(t, 1000 - now % 1000 + 2);
}

/* --- setup -------------------------------------------------------------------- */

enum {
	OPT_SERVER = 256, OPT_STORE, OPT_STAFF, OPT_PIN, OPT_STATION, OPT_THEME, OPT_LABEL, OPT_PROFILE,
	OPT_TICKET, OPT_TICKET_PROFILE,
	OPT_QUIET, OPT_WARN, OPT_LATE, OPT_RECALL, OPT_MONO, OPT_HELP, OPT_VERSION,
};

static int
parse_args(int argc, char **argv, struct client_cfg *cc, struct kds_config *kc)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "staff", required_argument, NULL, OPT_STAFF },
		{ "pin", required_argument, NULL, OPT_PIN },
		{ "station", required_argument, NULL, OPT_STATION },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "label-printer", required_argument, NULL, OPT_LABEL },
		{ "label-profile", required_argument, NULL, OPT_PROFILE },
		{ "ticket-printer", required_argument, NULL, OPT_TICKET },
		{ "ticket-profile", required_argument, NULL, OPT_TICKET_PROFILE },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "warn", required_argument, NULL, OPT_WARN },
		{ "late", required_argument, NULL, OPT_LATE },
		{ "recall-window", required_argument, NULL, OPT_RECALL },
		{ "mono", no_argument, NULL, OPT_MONO },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		int opt;
		bool client;                /* a client setting (cfg.h) or a KDS one */
		const char *key;
	} keys[] = {
		{ OPT_SERVER, true, "server" }, { OPT_STORE, true, "store" },
		{ OPT_STAFF, true, "staff" },
		{ OPT_PIN, true, "pin" }, { OPT_STATION, false, "station" },
		{ OPT_THEME, false, "theme" }, { OPT_LABEL, false, "label_printer" },
		{ OPT_PROFILE, false, "label_profile" }, { OPT_WARN, false, "warn" },
		{ OPT_LATE, false, "late" }, { OPT_RECALL, false, "recall_window" },
		{ OPT_TICKET, false, "ticket_printer" },
		{ OPT_TICKET_PROFILE, false, "ticket_profile" },
	};
	char err[300];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		size_t i;

		if (c == OPT_HELP) {
			usage(stdout);
			exit(0);
		}
		if (c == OPT_VERSION) {
			printf("brigade-kds 0.1.0\n");
			exit(0);
		}
		if (c == OPT_QUIET) {
			kc->quiet = true;
			continue;
		}
		if (c == OPT_MONO) {
			kc->mono = true;
			continue;
		}
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (keys[i].opt == c)
				break;
		}
		if (i == sizeof keys / sizeof keys[0]) {
			usage(stderr);
			return -1;
		}
		if ((keys[i].client ? cfg_set(cc, keys[i].key, optarg, err, sizeof err) :
		    kds_config_set(kc, keys[i].key, optarg, err, sizeof err)) < 0) {
			fprintf(stderr, "brigade-kds: %s\n", err);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "brigade-kds: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if ((cc->staff[0] != '\0') != (cc->pin[0] != '\0')) {
		fprintf(stderr, "brigade-kds: --staff and --pin go together (or neither: a login "
		    "screen asks)\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct kds the_kds;   /* one per process; nothing to free on the way out */
	struct client_cfg cc;
	struct kds *k = &the_kds;
	char err[512];

	/* a screen runs for days: big buffers (snapshots) go back to the
	 * system when freed, and two arenas (the loop's, the worker's) keep
	 * fragments from piling up per thread */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_ARENA_MAX, 2);
	log_init("brigade-kds");
	kds_config_defaults(&k->cfg);
	if (cfg_load(&cc, err, sizeof err) < 0 || kds_config_load(&k->cfg, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-kds: %s\n", err);
		return 2;
	}
	if (parse_args(argc, argv, &cc, &k->cfg) < 0)
		return 2;
	if (theme_load(k->cfg.theme, &k->theme, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-kds: %s\n", err);
		return 2;
	}
	/* a curses screen: log lines go to a file */
	cfg_mkdirs_for(k->cfg.log_file);
	if (log_set_file(k->cfg.log_file) < 0)
		log_set_level(LOG_OFF);

	board_init(&k->board);
	board_set_station(&k->board, k->cfg.station);
	for (int i = 0; i < k->cfg.nth; i++)
		board_set_thresholds(&k->board, k->cfg.th[i].station, k->cfg.th[i].warn_ms,
		    k->cfg.th[i].late_ms);
	board_set_recall_window(&k->board, k->cfg.recall_window_ms);
	input_init(&k->in);
	snprintf(k->header.title, sizeof k->header.title, "KDS");

	struct session_opts so = { "kds", &cc, "PAID,PREPARING,READY" };
	struct session_handlers sh = { .orders = on_orders, .closed = on_closed,
	    .menu = on_menu, .state = on_state, .login = on_login, .refused = on_refused,
	    .ctx = k };
	k->s = session_new(&so, &sh, err, sizeof err);
	explicit_bzero(cc.pin, sizeof cc.pin);
	if (k->s == NULL) {
		fprintf(stderr, "brigade-kds: %s\n", err);
		return 1;
	}
	k->loop = session_loop(k->s);
	k->trace = trace_open(k->cfg.trace);
	if (k->cfg.label_printer[0] != '\0') {
		cfg_mkdirs_for(k->cfg.print_queue);
		k->labels = labels_new(k->loop, k->cfg.label_printer, k->cfg.label_profile,
		    k->cfg.print_queue, on_labels, k, err, sizeof err);
		if (k->labels == NULL) {
			fprintf(stderr, "brigade-kds: %s\n", err);
			session_free(k->s);
			return 2;
		}
		xstrlcpy(k->header.printer, "starting", sizeof k->header.printer);
		k->header.printer_ok = true;
		xstrlcpy(k->label_st.state, "starting", sizeof k->label_st.state);
		k->label_st.ok = true;
	}
	if (k->cfg.ticket_printer[0] != '\0') {
		/* a queue of its own: one thread drives a queue */
		char tq[PATH_MAX + 16];

		kds_config_ticket_queue(&k->cfg, tq, sizeof tq);
		cfg_mkdirs_for(tq);
		k->tickets = labels_new(k->loop, k->cfg.ticket_printer, k->cfg.ticket_profile,
		    tq, on_tickets, k, err, sizeof err);
		if (k->tickets == NULL) {
			fprintf(stderr, "brigade-kds: ticket printer: %s\n", err);
			labels_free(k->labels);
			session_free(k->s);
			return 2;
		}
		xstrlcpy(k->ticket_st.state, "starting", sizeof k->ticket_st.state);
		k->ticket_st.ok = true;
		show_printers(k);
		load_void_marks(k, tq);
	} else if (k->labels != NULL) {
		load_void_marks(k, k->cfg.print_queue);
	}
	load_voids(k);
	if (term_init(&k->theme, k->cfg.mono ? TERM_MONO : 0, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-kds: %s\n", err);
		labels_free(k->tickets);
		labels_free(k->labels);
		session_free(k->s);
		return 2;
	}
	term_input_keys(&k->in);
	log_info("started: server %s%s, station %s, theme %s", cc.servers[0],
	    cc.nservers > 1 ? " (and others to fail over to)" : "",
	    k->cfg.station[0] ? k->cfg.station : "all", k->theme.name);
	k->running = true;
	loop_timer_init(&k->redraw, k->loop, redraw_fire, k);
	loop_timer_init(&k->tick, k->loop, tick_fire, k);
	loop_watch_input(k->loop, STDIN_FILENO, on_input, k);
	loop_on_signal(k->loop, on_signal, k);
	kds_context(k);
	if (!session_has_credentials(k->s))
		kds_keys_open_login(k, NULL, THEME_DIALOG);
	session_start(k->s);
	loop_timer_schedule(&k->tick, 1000);
	kds_dirty(k);
	loop_run(k->loop);

	k->running = false;
	loop_timer_cancel(&k->tick);
	loop_timer_cancel(&k->redraw);
	term_end();
	labels_free(k->tickets);
	labels_free(k->labels);
	session_free(k->s);
	trace_close(k->trace);
	board_free(&k->board);
	listbox_free(&k->list);
	form_wipe(&k->login);
	log_info("stopped");
	return 0;
}
