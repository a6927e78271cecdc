/* job: a unit of work handed from the service thread to a worker thread
 * (the writer, which owns the database's writes, or the auth worker, which
 * does the slow PIN hashing) and back with its result. A job is allocated
 * and freed by the service thread; while a worker has it, only the worker
 * touches it. */
#ifndef BRIGADE_JOB_H
#define BRIGADE_JOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "approval.h"
#include "auth.h"
#include "corrections.h"
#include "throttle.h"
#include "order.h"
#include "service.h"
#include "store.h"
#include "storeinfo.h"

#define IDEM_KEY_MAX 64

enum job_kind {
	JOB_ORDER_CREATE,
	JOB_ORDER_ACTION,
	JOB_ORDER_PATCH,
	JOB_ITEMS_DONE,
	JOB_MENU_EDIT,
	JOB_STORE_PATCH,
	JOB_PIN_CHANGE,
	JOB_STAFF_CREATE,
	JOB_STAFF_PATCH,
	JOB_LOGIN,
	JOB_LOGOUT,
	JOB_HOUSEKEEPING,
	JOB_REPORT_Z,
	JOB_PROBE,                   /* /healthz: can the store commit again? */
	JOB_ORDER_CORRECT,
	JOB_APPROVE,                 /* a manager approves one action */
	JOB_STORE_CREATE,            /* an organisation admin adds a store */
	JOB_KIND_COUNT
};

/* Which staff fields a PATCH /staff changes. */
#define STAFF_PATCH_NAME 1u
#define STAFF_PATCH_ROLE 2u
#define STAFF_PATCH_PIN 4u
#define STAFF_PATCH_ACTIVE 8u

/* A rendered event produced by a committed job. */
struct job_event {
	int64_t seq;
	char *text;
};

struct job {
	struct job *next;            /* queue link */
	enum job_kind kind;
	uint64_t req_id;             /* the HTTP request waiting for it */
	int64_t started_us;          /* monotonic, for latency metrics */
	struct caller caller;

	/* Idempotency: key ("" = none) and the hash of method, path, body. */
	char idem_key[IDEM_KEY_MAX + 1];
	char req_hash[65];

	/* Inputs. */
	int64_t order_id;
	struct order order;          /* create request, or PATCH fields */
	unsigned mask;               /* ORDER_PATCH_* or STAFF_PATCH_* */
	int action;                  /* enum order_action */
	int expected_version;        /* -1: any */
	int npay;
	struct payment pay[PAYMENTS_MAX];
	char reason[REASON_MAX + 1];
	struct correction_request corr; /* corrections */
	char approval[APPROVAL_TOKEN_MAX + 1]; /* a manager's approval, "" none */
	unsigned approve_scope;      /* approve: what it covers */
	char station[STATION_MAX + 1];
	int menu_kind;               /* menu edits: enum menu_kind, */
	int menu_op;                 /* enum menu_op, */
	char key[72], key2[72];      /* the keys from the path (a login: the
	                                store's code; a new store: code, name) */
	char *text;                  /* the body (malloc'd; NULL: none) */
	bool dry_run;                /* answer what it would change, change nothing */
	struct staff_row staff;      /* staff create/patch; login: the account */
	char pin[16];                /* wiped once hashed or verified */
	char new_pin[16];            /* own PIN change: the new one, wiped */
	char terminal[TERMINAL_MAX + 1];
	bool pin_ok;                 /* login: the auth worker's verdict */
	char peer[THROTTLE_ADDR_MAX]; /* login: the client's address */
	int64_t lock_until;          /* login: this failure locked the code for
	                                the address until then (0: it did not) */
	char token_hash[65];         /* logout */

	/* Results, filled by the worker. */
	int status;                  /* HTTP status */
	int retry_after;             /* seconds, for a 429's Retry-After */
	char *body;                  /* JSON response (malloc'd) */
	int nevents;
	struct job_event *events;
	char *menu_json;             /* new GET /menu body after a menu change */
	char *store_json;            /* new GET /store body after a change, */
	int day_start_hour;          /* and its business day's start */
	bool has_session;            /* login: add this session to the cache */
	struct session session;
	int64_t revoke_staff;        /* drop this staff's cached sessions */
	int64_t commit_us;           /* when its transaction committed */
};

struct job *job_new(enum job_kind kind, uint64_t req_id);
void job_free(struct job *j);
/* Set an error result: {"error":{code,message,field}} with status. */
void job_fail(struct job *j, int status, const char *code, const char *field,
    const char *message);

/* A locked FIFO of jobs between threads. */
struct job_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	bool closed;
};

void job_queue_init(struct job_queue *q);
void job_queue_destroy(struct job_queue *q);
void job_queue_push(struct job_queue *q, struct job *j);
/* Wait for jobs and take them all (FIFO order); NULL once closed and empty. */
/* Whether job_queue_close has been called. */
bool job_queue_closed(struct job_queue *q);
struct job *job_queue_take_all(struct job_queue *q);
/* Take whatever is queued without waiting (NULL if nothing). */
struct job *job_queue_poll(struct job_queue *q);
void job_queue_close(struct job_queue *q);

#endif
