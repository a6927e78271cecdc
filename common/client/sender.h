/* sender: delivers the outbox. Entries go out in id order, several at once
 * (a window) except that entries with the same order key wait for each
 * other. 2xx marks an entry done; a 4xx moves it to needs-attention with
 * the server's reason and the rest goes on; network errors, 5xx and 429
 * leave it pending and the sender backs off (exponential, with jitter)
 * before trying again, for ever if asked to. With several servers, an entry
 * whose server was away (api_reply_moves_on) goes again at once, with the
 * same Idempotency-Key, to the next one, until each server was left once
 * since the last answer; only then the backoff. A 401 logs in again, once: a
 * 401 right after a login ends the run (SENDER_AUTH). Only the logged-in
 * person's entries go out; another person's wait for their login (and
 * hold back the later entries of the same order). Runs on
 * the thread that owns the struct api (the worker, or brigadectl). */
#ifndef BRIGADE_CLIENT_SENDER_H
#define BRIGADE_CLIENT_SENDER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "outbox.h"

enum sender_result {
	SENDER_DRAINED,              /* nothing pending is left (within max_id) */
	SENDER_OFFLINE,              /* stopped at a network/server failure */
	SENDER_TIMEOUT,              /* the deadline came first */
	SENDER_STOPPED,              /* *stop was set */
	SENDER_AUTH,                 /* cannot log in (bad or missing staff/PIN),
	                                or refused right after a login */
	SENDER_STORAGE,              /* the outbox could not be written */
};

struct sender_opts {
	int window;                  /* requests in flight at once (default 8) */
	int64_t max_id;              /* send only entries up to this id, 0 = all */
	bool stop_on_transient;      /* give up at the first network failure */
	int64_t deadline_ms;         /* util_mono_ms() to stop at, 0 = none */
	volatile sig_atomic_t *stop; /* set from a signal handler or thread */
};

struct sender_report {
	int64_t done;                /* entries the server took */
	int64_t attention;           /* entries refused (4xx) */
	int64_t failures;            /* sends that will be tried again */
	int64_t held;                /* pending entries left for another person's
	                                login (outbox_entry_for), at the last load */
	enum api_err last_err;       /* of the last failure */
	char last_error[300];        /* "code: message" of the last failure */
	int64_t retry_in_ms;         /* current backoff, 0 when none */
	bool refused_after_login;    /* SENDER_AUTH: the login worked, the
	                                request with its token got 401 */
};

/* Called for each entry that reached done or needs-attention, after that
 * was recorded, on the sender's thread (brigadectl prints; the worker posts
 * to the loop). text is the server's answer (done) or the reason. */
typedef void (*sender_entry_fn)(void *ctx, const struct outbox_entry *e,
    enum outbox_state state, int http_status, const char *text);

struct sender *sender_new(struct api *a, struct outbox *ob);
void sender_free(struct sender *s);
void sender_on_entry(struct sender *s, sender_entry_fn fn, void *ctx);

enum sender_result sender_run(struct sender *s, const struct sender_opts *opts,
    struct sender_report *report);
const char *sender_result_name(enum sender_result r);

#endif
