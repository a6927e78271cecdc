/* writer: the thread that owns every write to the database. It takes all
 * queued jobs at once and runs them in one transaction (group commit); a
 * refused job has written nothing, and a failed write rolls back the whole
 * batch (every job in it is answered 503 and may be retried). Responses and
 * events are released only after the commit is durable. */
#ifndef BRIGADE_WRITER_H
#define BRIGADE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "store.h"
#include "storeinfo.h"

struct writer_config {
	struct throttle *throttle;   /* login locks, forgotten on a new PIN */
	int64_t token_ttl_ms;        /* how long a login lasts */
	int64_t idem_retention_ms;   /* how long idempotency keys are kept */
	int max_batch;               /* most jobs in one transaction */
	char currency[8];            /* a new store's currency, */
	int day_start_hour;          /* and the hour its business day starts */
};

/* Called on the writer thread with the list of finished jobs (linked by
 * next, in commit order). */
typedef void (*writer_done_fn)(void *ctx, struct job *done);

struct writer;

/* Start the writer on st (it takes ownership). menu and info are the
 * current menu and the restaurant's details (copied). */
struct writer *writer_start(struct store *st, const struct menu *menu,
    const struct store_info *info, const struct writer_config *cfg,
    writer_done_fn done, void *ctx);
void writer_submit(struct writer *w, struct job *j);
/* Finish queued work, stop the thread, close the store. */
void writer_stop(struct writer *w);

/* Counters for /metrics (read without locking: monotonic totals). */
struct writer_stats {
	uint64_t batches;
	uint64_t jobs;
	uint64_t commit_failures;
};
void writer_stats(const struct writer *w, struct writer_stats *out);

/* Whether the last write failed to commit, and why (for /healthz): set by
 * a failed batch, cleared by the next commit that wrote something. */
bool writer_failing(struct writer *w, char *why, size_t size);

/* Render a staff row as the API shows it (no PIN hash). */
cJSON *writer_staff_json(const struct staff_row *s);
/* Render a store as the API shows it. */
cJSON *writer_store_json(const struct store_row *row);

#endif
