/* authw: the auth worker thread. PIN hashing is slow on purpose (tens of
 * milliseconds), so logins and PIN changes are verified or hashed here,
 * never on the service thread, then handed to the writer to record. */
#ifndef BRIGADE_AUTHW_H
#define BRIGADE_AUTHW_H

#include "job.h"
#include "writer.h"

struct authw;

/* st is a connection of its own (read-only use, but for the login
 * budgets of a shared database, which it counts); throttle holds the login
 * budgets (shared with the writer); done receives jobs that finish here (unknown staff,
 * spent budgets) instead of at the writer. */
struct authw *authw_start(struct store *st, struct writer *w,
    struct throttle *throttle, int iterations, writer_done_fn done, void *ctx);
void authw_submit(struct authw *a, struct job *j);
void authw_stop(struct authw *a);

#endif
