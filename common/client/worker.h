/* worker: the thread that owns the REST client. It runs requests for the loop
 * thread and delivers the outbox in the background; results come back to
 * the loop through loop_post. The loop thread never waits for it. */
#ifndef BRIGADE_CLIENT_WORKER_H
#define BRIGADE_CLIENT_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "outbox.h"

struct client_cfg;
struct clock;
struct loop;

/* What the outbox is doing, for a status bar. */
struct worker_outbox_status {
	int64_t pending;
	int64_t attention;
	bool online;                 /* the last send reached the server */
	int64_t retry_in_ms;         /* waiting before the next try */
	int64_t oldest_at;           /* when the oldest pending change was made
	                                (ms since the epoch), 0 for none */
	int64_t retention_ms;        /* the server's idempotency_retention_ms,
	                                0 until GET /healthz told it */
	char last_error[300];
};

struct worker_handlers {
	/* The outbox changed (sent, refused, failed); on the loop thread. */
	void (*outbox)(void *ctx, const struct worker_outbox_status *st);
	/* A login gave a new token (for the stream); on the loop thread. */
	void (*token)(void *ctx, const char *token, enum staff_role role);
	void *ctx;
};

/* outbox_path may be NULL for a program that only reads. */
struct worker *worker_new(struct loop *l, const struct client_cfg *cfg,
    struct clock *clk, const char *outbox_path, const struct worker_handlers *h,
    char *err, size_t errsize);
/* The same, already logged in as login (another worker's, see
 * worker_free_keep): no second PIN check at the server. */
struct worker *worker_new_as(struct loop *l, const struct client_cfg *cfg,
    struct clock *clk, const char *outbox_path, const struct worker_handlers *h,
    const struct api_session *login, char *err, size_t errsize);
/* Stops the thread (after the request in flight) and frees it. */
void worker_free(struct worker *w);
/* The same, keeping its login (token and identity) in *keep; wipe it
 * after use. */
void worker_free_keep(struct worker *w, struct api_session *keep);

/* A request; done(ctx, reply) runs on the loop thread and the reply is
 * freed after it returns. attempts as in api_call. */
typedef void (*worker_reply_fn)(void *ctx, struct api_reply *reply);
void worker_request(struct worker *w, const char *method, const char *path,
    const char *body, int attempts, worker_reply_fn done, void *ctx);
/* The same with an Idempotency-Key (NULL: none), sent with every attempt.
 * The job's copy of the body is wiped when it is freed. */
void worker_request_key(struct worker *w, const char *method, const char *path,
    const char *body, const char *idem_key, int attempts, worker_reply_fn done, void *ctx);
/* The PIN the next login uses, after the person changed theirs; the
 * job's copy is wiped. */
void worker_set_pin(struct worker *w, const char *pin);
/* Log in (again); the token handler hears of it. */
void worker_login(struct worker *w);
/* Deliver the outbox now (after a push, or when the person asks). */
void worker_kick(struct worker *w);

#endif
