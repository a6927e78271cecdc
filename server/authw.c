/* authw: the auth worker thread (slow PIN hashing off the service thread). */
#include "authw.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "xalloc.h"

struct authw {
	struct store *st;
	struct writer *writer;
	struct throttle *throttle;
	int iterations;
	struct job_queue queue;
	pthread_t thread;
	writer_done_fn done;
	void *done_ctx;
};

static void
finish(struct authw *a, struct job *j)
{
	j->next = NULL;
	a->done(a->done_ctx, j);
}

/* Refuse a login that its address or its (code, address) pair may not
 * make now: the same answer whether the code exists or not, before any
 * lookup or hashing. When the shared counts could not be read the login
 * is refused too: a database that is down is no way around the budget. */
static void
refuse_limited(struct job *j, enum throttle_verdict v, int64_t retry_ms)
{
	char msg[160];
	int secs = (int)((retry_ms + 999) / 1000);

	if (v == THROTTLE_ERROR) {
		job_fail(j, 503, "storage_error", NULL,
		    "the login database could not be read; try again");
		return;
	}
	j->retry_after = secs > 0 ? secs : 1;
	if (v == THROTTLE_ADDRESS) {
		snprintf(msg, sizeof msg, "too many wrong logins from this address: "
		    "try again in %d seconds", j->retry_after);
		job_fail(j, 429, "too_many_attempts", NULL, msg);
	} else {
		snprintf(msg, sizeof msg, "too many wrong PINs: the account is locked "
		    "on this terminal for %d more seconds", j->retry_after);
		job_fail(j, 429, "account_locked", NULL, msg);
	}
}

/* Verify a login's PIN. Every wrong login, for an unknown code as for a
 * known one, counts against the client's address and against the (code,
 * address) pair (throttle.h); unknown or disabled accounts cost the same
 * time as real ones. */
static void
login(struct authw *a, struct job *j)
{
	char code[THROTTLE_CODE_MAX];
	int64_t now = util_now_ms(), retry_ms = 0, sid = j->caller.store_id;
	enum throttle_verdict v;
	int rc = 0;

	/* A login names its store (none: the main one); an approval is given
	 * in the store of the login that asks for it. An unknown store is
	 * answered as an unknown code is. */
	if (j->kind == JOB_LOGIN) {
		struct store_row row;

		rc = store_store_by_code(a->st, j->key[0] != '\0' ? j->key : STORE_MAIN_CODE,
		    &row);
		sid = rc == 0 ? row.id : -1;
		if (rc == 0)
			xstrlcpy(j->key, row.code, sizeof j->key);
		j->caller.store_id = sid;
	}
	throttle_key(sid, j->staff.code, code);
	v = throttle_check(a->throttle, a->st, j->peer, code, now, &retry_ms);
	if (v != THROTTLE_OK) {
		explicit_bzero(j->pin, sizeof j->pin);
		refuse_limited(j, v, retry_ms);
		finish(a, j);
		return;
	}
	if (rc == 0) {
		/* the store's own account, else an organisation admin's */
		char staff[STAFF_MAX + 1];

		xstrlcpy(staff, j->staff.code, sizeof staff);
		rc = store_staff_by_code(a->st, sid, staff, &j->staff);
		if (rc == 1)
			rc = store_staff_by_code(a->st, STORE_ORG, staff, &j->staff);
	}
	if (rc != 0 || !j->staff.active) {
		auth_pin_burn(a->iterations);
		explicit_bzero(j->pin, sizeof j->pin);
		if (rc < 0) {
			job_fail(j, 503, "storage_error", NULL, "the staff database could not be read");
		} else {
			throttle_failed(a->throttle, a->st, j->peer, code, now);
			job_fail(j, 401, "invalid_credentials", NULL, "unknown staff code or wrong PIN");
		}
		finish(a, j);
		return;
	}
	j->pin_ok = auth_pin_verify(j->pin, j->staff.pin_hash);
	explicit_bzero(j->pin, sizeof j->pin);
	explicit_bzero(j->staff.pin_hash, sizeof j->staff.pin_hash);
	if (j->pin_ok) {
		throttle_succeeded(a->throttle, a->st, j->peer, code);
	} else {
		j->lock_until = throttle_failed(a->throttle, a->st, j->peer, code, now);
		/* answered here, as an unknown code is, unless the staff row
		 * is to record a new lock */
		if (j->lock_until == 0) {
			job_fail(j, 401, "invalid_credentials", NULL,
			    "unknown staff code or wrong PIN");
			finish(a, j);
			return;
		}
	}
	writer_submit(a->writer, j);
}

/* Check a staff member's own old PIN before their new one is hashed; the
 * wrong ones count as wrong logins do (a token left on a till is not a
 * way to try PINs). */
static void
pin_change(struct authw *a, struct job *j)
{
	int64_t now = util_now_ms(), retry_ms = 0;
	enum throttle_verdict v;
	struct staff_row row;
	int rc;

	char code[THROTTLE_CODE_MAX];

	throttle_key(j->caller.store_id, j->caller.staff, code);
	v = throttle_check(a->throttle, a->st, j->peer, code, now, &retry_ms);
	if (v != THROTTLE_OK) {
		refuse_limited(j, v, retry_ms);
		goto done;
	}
	rc = store_staff_by_id(a->st, j->caller.staff_id, &row);
	if (rc != 0) {
		job_fail(j, rc < 0 ? 503 : 404, rc < 0 ? "storage_error" : "not_found",
		    NULL, rc < 0 ? "the staff database could not be read" :
		    "this account is gone");
		goto done;
	}
	j->pin_ok = auth_pin_verify(j->pin, row.pin_hash);
	explicit_bzero(row.pin_hash, sizeof row.pin_hash);
	if (!j->pin_ok) {
		throttle_failed(a->throttle, a->st, j->peer, code, now);
		log_warn("staff %s: wrong old PIN on a PIN change", j->caller.staff);
		job_fail(j, 403, "wrong_pin", "old_pin", "old_pin: that is not your PIN");
		goto done;
	}
	auth_pin_hash(j->new_pin, a->iterations, j->staff.pin_hash);
	explicit_bzero(j->pin, sizeof j->pin);
	explicit_bzero(j->new_pin, sizeof j->new_pin);
	writer_submit(a->writer, j);
	return;
done:
	explicit_bzero(j->pin, sizeof j->pin);
	explicit_bzero(j->new_pin, sizeof j->new_pin);
	finish(a, j);
}

static void *
authw_main(void *arg)
{
	struct authw *a = arg;
	struct job *list;

	while ((list = job_queue_take_all(&a->queue)) != NULL) {
		while (list != NULL) {
			struct job *j = list;

			list = j->next;
			if (job_queue_closed(&a->queue)) {
				/* stopping: a PIN hash costs tens of milliseconds,
				 * so a backlog of logins would hold the stop up for
				 * as long; nothing queued was answered, and its
				 * client asks again */
				job_free(j);
				continue;
			}
			if (j->kind == JOB_LOGIN || j->kind == JOB_APPROVE) {
				login(a, j);
			} else if (j->kind == JOB_PIN_CHANGE) {
				pin_change(a, j);
			} else {
				/* staff create / PIN change: hash, then record */
				auth_pin_hash(j->pin, a->iterations, j->staff.pin_hash);
				explicit_bzero(j->pin, sizeof j->pin);
				writer_submit(a->writer, j);
			}
		}
	}
	return NULL;
}

struct authw *
authw_start(struct store *st, struct writer *w, struct throttle *throttle,
    int iterations, writer_done_fn done, void *ctx)
{
	struct authw *a = xcalloc(1, sizeof *a);

	a->st = st;
	a->writer = w;
	a->throttle = throttle;
	a->iterations = iterations;
	a->done = done;
	a->done_ctx = ctx;
	job_queue_init(&a->queue);
	if (pthread_create(&a->thread, NULL, authw_main, a) != 0)
		abort();
	return a;
}

void
authw_submit(struct authw *a, struct job *j)
{
	job_queue_push(&a->queue, j);
}

void
authw_stop(struct authw *a)
{
	if (a == NULL)
		return;
	job_queue_close(&a->queue);
	pthread_join(a->thread, NULL);
	job_queue_destroy(&a->queue);
	store_close(a->st);
	free(a);
}
