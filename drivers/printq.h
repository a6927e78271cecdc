/* printq: the durable print queue (SQLite). A job is done only when the
 * transport took all its bytes and the printer, where it reports status,
 * is not out of paper. A printer that is off, unplugged or out of paper
 * keeps its jobs, in order, and they are retried. Our own retries never
 * print a job twice: a job is resent automatically only when the printer
 * received none of it; one cut off part way (or found mid-send after a
 * crash) waits for a person to choose reprint or discard. Jobs and
 * printer states are there for the screens to show.
 *
 * One thread drives a queue with printq_run(); screens may open the same
 * database file with their own printq to list jobs. */
#ifndef BRIGADE_PRINTQ_H
#define BRIGADE_PRINTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "printer.h"

enum printq_state {
	PRINTQ_QUEUED,
	PRINTQ_SENDING,         /* bytes going out now */
	PRINTQ_WAITING,         /* printer unreachable or out of paper; none sent */
	PRINTQ_PAPER_WAIT,      /* all sent; the printer ran out of paper and
	                           will finish once paper is loaded */
	PRINTQ_DONE,
	PRINTQ_ATTENTION,       /* cut off part way: a person decides */
	PRINTQ_DISCARDED,
	PRINTQ_STATE_COUNT
};

struct printq_job {
	int64_t id;
	char printer[256];          /* URI */
	char kind[16];              /* "receipt", "kitchen", "label", ... */
	char ref[64];               /* what it is for, e.g. "order 42" */
	enum printq_state state;
	int attempts;
	size_t size, sent;          /* bytes in the job, bytes the last try sent */
	char error[256];            /* why it is not done, for people */
	int64_t created_at, updated_at, next_try;
};

struct printq_printer {
	char uri[256];
	char state[64];             /* "ready", "offline", "paper out", ... */
	struct printer_status status;
	char error[256];
	int64_t updated_at;
};

struct printq;

/* Open (creating) the queue at path. A job found mid-send (we crashed
 * while printing) goes to PRINTQ_ATTENTION. NULL with err on failure. */
struct printq *printq_open(const char *path, char *err, size_t errsize);
void printq_close(struct printq *q);

/* Queue a job; returns its id, or -1 (database failure, logged). The
 * bytes are printer commands, never card numbers. */
int64_t printq_add(struct printq *q, const char *printer_uri, const char *kind,
    const char *ref, const void *data, size_t len, int64_t now_ms);

/* One pass: every printer with due jobs gets them in order, stopping at
 * its first job that cannot be done now. Returns jobs finished. */
int printq_run(struct printq *q, int64_t now_ms);

/* When the next retry is due (INT64_MAX if nothing waits). */
int64_t printq_next_due(struct printq *q);

/* A person's choices for a job in ATTENTION (or a finished one): print
 * it again, or drop it. -1 if the job does not exist or is in flight. */
int printq_reprint(struct printq *q, int64_t id, int64_t now_ms);
int printq_discard(struct printq *q, int64_t id, int64_t now_ms);

/* For screens: jobs not yet done (all = also done and discarded, newest
 * first, up to max), and the printers' last known states. Caller frees. */
int printq_jobs(struct printq *q, bool all, int max, struct printq_job **out);
int printq_job(struct printq *q, int64_t id, struct printq_job *out);
int printq_printers(struct printq *q, struct printq_printer **out);

const char *printq_state_name(enum printq_state s);

#endif
