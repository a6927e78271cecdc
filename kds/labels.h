/* labels: item labels for takeaway bags (and void tickets for the
 * kitchen: the same machinery for another printer), through the durable print queue
 * (drivers/printq.h) on a thread of their own, so a printer that is off,
 * slow or out of paper never holds up the screen. labels_print queues one
 * job (one label per unit) from the loop thread; the thread prints and
 * reports the printer's state back through the loop.
 */
#ifndef BRIGADE_KDS_LABELS_H
#define BRIGADE_KDS_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "order.h"

struct labels_state {
	char state[64];              /* "ready", "offline", "paper out", ... */
	bool ok;                     /* nothing a person needs to do */
	int64_t queued;              /* jobs not printed yet */
	char error[256];             /* the last failure, "" when none */
};

typedef void (*labels_state_fn)(void *ctx, const struct labels_state *st);

struct labels *labels_new(struct loop *l, const char *uri, const char *profile_id,
    const char *queue_path, labels_state_fn fn, void *ctx, char *err, size_t errsize);
void labels_free(struct labels *lb);
/* Queue the labels of an order; 0, or -1 (logged; the state says why). */
int labels_print(struct labels *lb, const struct order *o);
/* Queue a void ticket (document_void_ticket: corr, n) under ref, the job's
 * reference in the queue ("void order 12 to 3"); 0 or -1. */
int labels_print_void(struct labels *lb, const struct order *o, const int *corr, int n,
    int64_t now_ms, const char *ref);

#endif
