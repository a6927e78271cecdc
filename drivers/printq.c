/* printq: the SQLite print queue and its retry rules. */
#include "printq.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

/* Retry after 1 s, doubling to at most 30 s: a printer back on is printing
 * again within half a minute, and a dead one costs nothing much. */
#define PRINTQ_RETRY_MIN_MS 1000
#define PRINTQ_RETRY_MAX_MS 30000

static const char *const printq_state_names[PRINTQ_STATE_COUNT] = {
	[PRINTQ_QUEUED] = "queued",
	[PRINTQ_SENDING] = "sending",
	[PRINTQ_WAITING] = "waiting",
	[PRINTQ_PAPER_WAIT] = "paper-wait",
	[PRINTQ_DONE] = "done",
	[PRINTQ_ATTENTION] = "attention",
	[PRINTQ_DISCARDED] = "discarded",
};

static const char printq_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS print_jobs ("
    " id INTEGER PRIMARY KEY,"
    " printer TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " ref TEXT NOT NULL DEFAULT '',"
    " data BLOB NOT NULL,"
    " state INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " sent INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS print_jobs_due ON print_jobs(state, next_try);"
    "CREATE TABLE IF NOT EXISTS print_printers ("
    " uri TEXT PRIMARY KEY,"
    " state TEXT NOT NULL,"
    " known INTEGER NOT NULL DEFAULT 0,"
    " flags INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " updated_at INTEGER NOT NULL);";

struct printq {
	sqlite3 *db;
};

const char *
printq_state_name(enum printq_state s)
{
	return (unsigned)s < PRINTQ_STATE_COUNT ? printq_state_names[s] : "?";
}

static int
printq_exec(struct printq *q, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("%s", msg ? msg : sqlite3_errmsg(q->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *
printq_prepare(struct printq *q, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", sql, sqlite3_errmsg(q->db));
		return NULL;
	}
	return st;
}

struct printq *
printq_open(const char *path, char *err, size_t errsize)
{
	struct printq *q = xcalloc(1, sizeof *q);

	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) : "cannot open");
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, 5000);
	if (printq_exec(q, printq_schema) < 0) {
		snprintf(err, errsize, "%s: %s", path, sqlite3_errmsg(q->db));
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	/* a job left mid-send was maybe printed, maybe not: a person decides */
	{
		char *sql = xasprintf("UPDATE print_jobs SET state=%d, error='interrupted while "
		    "printing; it may have printed in part: reprint or discard' WHERE state=%d",
		    PRINTQ_ATTENTION, PRINTQ_SENDING);

		printq_exec(q, sql);
		free(sql);
	}
	return q;
}

void
printq_close(struct printq *q)
{
	if (q == NULL)
		return;
	sqlite3_close(q->db);
	free(q);
}

int64_t
printq_add(struct printq *q, const char *printer_uri, const char *kind, const char *ref,
    const void *data, size_t len, int64_t now_ms)
{
	sqlite3_stmt *st = printq_prepare(q, "INSERT INTO print_jobs (printer, kind, ref, data, "
	    "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	int64_t id = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, printer_uri, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ref ? ref : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob64(st, 4, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, PRINTQ_QUEUED);
	sqlite3_bind_int64(st, 6, now_ms);
	sqlite3_bind_int64(st, 7, now_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(q->db);
	else
		log_error("cannot queue a %s job: %s", kind, sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	return id;
}

static int
printq_set(struct printq *q, int64_t id, enum printq_state s, int attempts, size_t sent,
    const char *error, int64_t next_try, int64_t now_ms)
{
	sqlite3_stmt *st = printq_prepare(q, "UPDATE print_jobs SET state=?, attempts=?, sent=?, "
	    "error=?, next_try=?, updated_at=? WHERE id=?");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, s);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)sent);
	sqlite3_bind_text(st, 4, error ? error : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, next_try);
	sqlite3_bind_int64(st, 6, now_ms);
	sqlite3_bind_int64(st, 7, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc < 0)
		log_error("job %lld: %s", (long long)id, sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	return rc;
}

static void
printq_printer_state(struct printq *q, const char *uri, const char *state,
    const struct printer_status *ps, const char *error, int64_t now_ms)
{
	sqlite3_stmt *st = printq_prepare(q, "INSERT INTO print_printers (uri, state, known, "
	    "flags, error, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uri) DO UPDATE SET "
	    "state=excluded.state, known=excluded.known, flags=excluded.flags, "
	    "error=excluded.error, updated_at=excluded.updated_at");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, ps ? (int)ps->known : 0);
	sqlite3_bind_int(st, 4, ps ? (int)ps->flags : 0);
	sqlite3_bind_text(st, 5, error ? error : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, now_ms);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_error("printer %s: %s", uri, sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
}

static int64_t
printq_backoff(int attempts)
{
	int64_t ms = PRINTQ_RETRY_MIN_MS;

	for (int i = 1; i < attempts && ms < PRINTQ_RETRY_MAX_MS; i++)
		ms *= 2;
	return ms < PRINTQ_RETRY_MAX_MS ? ms : PRINTQ_RETRY_MAX_MS;
}

static bool
paper_out(const struct printer_status *st)
{
	return (st->known & PRINTER_PAPER_OUT) && (st->flags & PRINTER_PAPER_OUT);
}

/* A job waiting its turn, as read from the database. */
struct printq_due {
	int64_t id;
	char *printer;
	enum printq_state state;
	int attempts;
	unsigned char *data;
	size_t len;
};

static int
printq_load_due(struct printq *q, int64_t now_ms, struct printq_due **out)
{
	/* every waiting job of each printer that has one due: order within a
	 * printer is kept, so a later ticket never overtakes an earlier one */
	sqlite3_stmt *st = printq_prepare(q, "SELECT id, printer, state, attempts, data FROM "
	    "print_jobs WHERE state IN (?, ?, ?) AND printer IN (SELECT printer FROM print_jobs "
	    "WHERE state IN (?, ?, ?) AND next_try <= ?) ORDER BY printer, id");
	struct printq_due *due = NULL;
	int n = 0;

	if (st == NULL)
		return -1;
	for (int i = 0; i < 2; i++) {
		sqlite3_bind_int(st, 1 + 3 * i, PRINTQ_QUEUED);
		sqlite3_bind_int(st, 2 + 3 * i, PRINTQ_WAITING);
		sqlite3_bind_int(st, 3 + 3 * i, PRINTQ_PAPER_WAIT);
	}
	sqlite3_bind_int64(st, 7, now_ms);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct printq_due *d;

		due = xreallocarray(due, (size_t)n + 1, sizeof *due);
		d = &due[n++];
		d->id = sqlite3_column_int64(st, 0);
		d->printer = xstrdup((const char *)sqlite3_column_text(st, 1));
		d->state = (enum printq_state)sqlite3_column_int(st, 2);
		d->attempts = sqlite3_column_int(st, 3);
		d->len = (size_t)sqlite3_column_bytes(st, 4);
		d->data = xmalloc(d->len ? d->len : 1);
		memcpy(d->data, sqlite3_column_blob(st, 4), d->len);
	}
	sqlite3_finalize(st);
	*out = due;
	return n;
}

/* Jobs behind one that cannot go now wait as long as it does, so the
 * queue never spins on jobs that are blocked anyway. */
static void
printq_defer(struct printq *q, struct printq_due *jobs, int n, const char *why,
    int64_t next_try, int64_t now_ms)
{
	for (int i = 0; i < n; i++) {
		enum printq_state s = jobs[i].state == PRINTQ_PAPER_WAIT ? PRINTQ_PAPER_WAIT :
		    PRINTQ_WAITING;

		printq_set(q, jobs[i].id, s, jobs[i].attempts, s == PRINTQ_PAPER_WAIT ?
		    jobs[i].len : 0, why, next_try, now_ms);
	}
}

/* Jobs of one printer, in order, until one cannot finish now. */
static int
printq_run_printer(struct printq *q, struct printq_due *jobs, int n, int64_t now_ms)
{
	struct printer_error err;
	struct printer_status ps;
	struct printer *p;
	char text[96];
	int done = 0;

	p = printer_open(jobs[0].printer, &err);
	if (p == NULL) {
		printq_printer_state(q, jobs[0].printer, printer_err_name(err.code), NULL,
		    err.message, now_ms);
		jobs[0].attempts++;
		printq_defer(q, jobs, n, err.message, now_ms + printq_backoff(jobs[0].attempts),
		    now_ms);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct printq_due *j = &jobs[i];
		size_t sent = 0;
		int a = j->attempts + 1;

		if (printer_status(p, &ps, &err) < 0) {
			printq_printer_state(q, j->printer, "offline", NULL, err.message, now_ms);
			if (j->state != PRINTQ_PAPER_WAIT)
				printq_set(q, j->id, PRINTQ_WAITING, a, 0, err.message,
				    now_ms + printq_backoff(a), now_ms);
			printq_defer(q, j + 1, n - i - 1, err.message,
			    now_ms + printq_backoff(a), now_ms);
			break;
		}
		printer_status_text(&ps, text, sizeof text);
		if (paper_out(&ps)) {
			printq_printer_state(q, j->printer, "paper out", &ps, "", now_ms);
			if (j->state != PRINTQ_PAPER_WAIT)
				printq_set(q, j->id, PRINTQ_WAITING, j->attempts, 0,
				    "printer is out of paper", now_ms + PRINTQ_RETRY_MIN_MS, now_ms);
			else
				printq_set(q, j->id, PRINTQ_PAPER_WAIT, j->attempts, j->len,
				    "printer is out of paper", now_ms + PRINTQ_RETRY_MIN_MS, now_ms);
			printq_defer(q, j + 1, n - i - 1, "printer is out of paper",
			    now_ms + PRINTQ_RETRY_MIN_MS, now_ms);
			break;
		}
		printq_printer_state(q, j->printer, ps.known ? text : "ready", &ps, "", now_ms);
		if (j->state == PRINTQ_PAPER_WAIT) {
			/* paper is back: the printer finishes what it holds */
			printq_set(q, j->id, PRINTQ_DONE, j->attempts, j->len, "", 0, now_ms);
			done++;
			continue;
		}
		/* committed before the first byte goes out: after a crash this
		 * job is found mid-send and never resent blindly */
		if (printq_set(q, j->id, PRINTQ_SENDING, a, 0, "", 0, now_ms) < 0)
			break;
		if (printer_print(p, j->data, j->len, &sent, &err) < 0) {
			printq_printer_state(q, j->printer, printer_err_name(err.code), NULL,
			    err.message, now_ms);
			if (sent == 0) {
				printq_set(q, j->id, PRINTQ_WAITING, a, 0, err.message,
				    now_ms + printq_backoff(a), now_ms);
				printq_defer(q, j + 1, n - i - 1, err.message,
				    now_ms + printq_backoff(a), now_ms);
			} else {
				char why[256];

				snprintf(why, sizeof why, "stopped after %zu of %zu bytes (%s): "
				    "reprint or discard", sent, j->len, err.message);
				printq_set(q, j->id, PRINTQ_ATTENTION, a, sent, why, 0, now_ms);
			}
			break;
		}
		/* all bytes taken; a printer that ran out meanwhile finishes
		 * the job once paper is loaded */
		if (printer_status(p, &ps, &err) == 0 && paper_out(&ps)) {
			printq_printer_state(q, j->printer, "paper out", &ps, "", now_ms);
			printq_set(q, j->id, PRINTQ_PAPER_WAIT, a, sent, "printer is out of paper",
			    now_ms + PRINTQ_RETRY_MIN_MS, now_ms);
			printq_defer(q, j + 1, n - i - 1, "printer is out of paper",
			    now_ms + PRINTQ_RETRY_MIN_MS, now_ms);
			break;
		}
		printq_set(q, j->id, PRINTQ_DONE, a, sent, "", 0, now_ms);
		done++;
	}
	printer_close(p);
	return done;
}

int
printq_run(struct printq *q, int64_t now_ms)
{
	struct printq_due *due = NULL;
	int n = printq_load_due(q, now_ms, &due), done = 0;

	for (int i = 0; i < n;) {
		int k = i;

		while (k < n && strcmp(due[k].printer, due[i].printer) == 0)
			k++;
		done += printq_run_printer(q, due + i, k - i, now_ms);
		i = k;
	}
	for (int i = 0; i < n; i++) {
		free(due[i].printer);
		free(due[i].data);
	}
	free(due);
	return done;
}

int64_t
printq_next_due(struct printq *q)
{
	sqlite3_stmt *st = printq_prepare(q, "SELECT MIN(next_try) FROM print_jobs WHERE "
	    "state IN (?, ?, ?)");
	int64_t next = INT64_MAX;

	if (st == NULL)
		return next;
	sqlite3_bind_int(st, 1, PRINTQ_QUEUED);
	sqlite3_bind_int(st, 2, PRINTQ_WAITING);
	sqlite3_bind_int(st, 3, PRINTQ_PAPER_WAIT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return next;
}

static int
printq_person(struct printq *q, int64_t id, enum printq_state to, int64_t now_ms)
{
	sqlite3_stmt *st = printq_prepare(q, "UPDATE print_jobs SET state=?, error='', "
	    "next_try=0, updated_at=? WHERE id=? AND state IN (?, ?, ?, ?)");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, to);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int(st, 4, PRINTQ_ATTENTION);
	sqlite3_bind_int(st, 5, PRINTQ_DONE);
	sqlite3_bind_int(st, 6, to == PRINTQ_DISCARDED ? PRINTQ_WAITING : PRINTQ_ATTENTION);
	sqlite3_bind_int(st, 7, to == PRINTQ_DISCARDED ? PRINTQ_QUEUED : PRINTQ_ATTENTION);
	if (sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(q->db) == 1)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

int
printq_reprint(struct printq *q, int64_t id, int64_t now_ms)
{
	return printq_person(q, id, PRINTQ_QUEUED, now_ms);
}

int
printq_discard(struct printq *q, int64_t id, int64_t now_ms)
{
	return printq_person(q, id, PRINTQ_DISCARDED, now_ms);
}

static void
printq_row(sqlite3_stmt *st, struct printq_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	xstrlcpy(j->printer, (const char *)sqlite3_column_text(st, 1), sizeof j->printer);
	xstrlcpy(j->kind, (const char *)sqlite3_column_text(st, 2), sizeof j->kind);
	xstrlcpy(j->ref, (const char *)sqlite3_column_text(st, 3), sizeof j->ref);
	j->state = (enum printq_state)sqlite3_column_int(st, 4);
	j->attempts = sqlite3_column_int(st, 5);
	j->size = (size_t)sqlite3_column_int64(st, 6);
	j->sent = (size_t)sqlite3_column_int64(st, 7);
	xstrlcpy(j->error, (const char *)sqlite3_column_text(st, 8), sizeof j->error);
	j->created_at = sqlite3_column_int64(st, 9);
	j->updated_at = sqlite3_column_int64(st, 10);
	j->next_try = sqlite3_column_int64(st, 11);
}

#define PRINTQ_COLUMNS "id, printer, kind, ref, state, attempts, length(data), sent, error, " \
	"created_at, updated_at, next_try"

int
printq_jobs(struct printq *q, bool all, int max, struct printq_job **out)
{
	sqlite3_stmt *st = printq_prepare(q, all ?
	    "SELECT " PRINTQ_COLUMNS " FROM print_jobs ORDER BY id DESC LIMIT ?" :
	    "SELECT " PRINTQ_COLUMNS " FROM print_jobs WHERE state NOT IN (?, ?) "
	    "ORDER BY id LIMIT ?");
	struct printq_job *jobs = NULL;
	int n = 0;

	*out = NULL;
	if (st == NULL)
		return -1;
	if (all) {
		sqlite3_bind_int(st, 1, max);
	} else {
		sqlite3_bind_int(st, 1, PRINTQ_DONE);
		sqlite3_bind_int(st, 2, PRINTQ_DISCARDED);
		sqlite3_bind_int(st, 3, max);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		jobs = xreallocarray(jobs, (size_t)n + 1, sizeof *jobs);
		printq_row(st, &jobs[n++]);
	}
	sqlite3_finalize(st);
	*out = jobs;
	return n;
}

int
printq_job(struct printq *q, int64_t id, struct printq_job *out)
{
	sqlite3_stmt *st = printq_prepare(q, "SELECT " PRINTQ_COLUMNS " FROM print_jobs WHERE id=?");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		printq_row(st, out);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
printq_printers(struct printq *q, struct printq_printer **out)
{
	sqlite3_stmt *st = printq_prepare(q, "SELECT uri, state, known, flags, error, updated_at "
	    "FROM print_printers ORDER BY uri");
	struct printq_printer *ps = NULL;
	int n = 0;

	*out = NULL;
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct printq_printer *p;

		ps = xreallocarray(ps, (size_t)n + 1, sizeof *ps);
		p = &ps[n++];
		memset(p, 0, sizeof *p);
		xstrlcpy(p->uri, (const char *)sqlite3_column_text(st, 0), sizeof p->uri);
		xstrlcpy(p->state, (const char *)sqlite3_column_text(st, 1), sizeof p->state);
		p->status.known = (unsigned)sqlite3_column_int(st, 2);
		p->status.flags = (unsigned)sqlite3_column_int(st, 3);
		xstrlcpy(p->error, (const char *)sqlite3_column_text(st, 4), sizeof p->error);
		p->updated_at = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	*out = ps;
	return n;
}
