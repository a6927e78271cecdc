/* pgwatch: LISTEN on the shared store's channel, in a thread of its own. */
#include "pgwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_pg.h"
#include "util.h"
#include "xalloc.h"

/* How long to wait between attempts to connect (ms). */
#define RETRY_MS 500

struct pgwatch {
	char url[512];
	char name[512];              /* the URL without its password */
	void (*wake)(void *ctx);
	void *ctx;
	pthread_t thread;
	int stop_pipe[2];            /* a byte here ends the thread */
	pthread_mutex_t lock;        /* guards news */
	struct pgwatch_news news;
	bool any;                    /* news holds something */
};

/* Keep seq as store sid's head if it is the highest told: heads stay
 * sorted by sid, one per store. */
static void
note_head(struct pgwatch_news *n, int64_t sid, int64_t seq)
{
	int i = 0;

	while (i < n->nheads && n->heads[i].sid < sid)
		i++;
	if (i < n->nheads && n->heads[i].sid == sid) {
		if (seq > n->heads[i].seq)
			n->heads[i].seq = seq;
		return;
	}
	n->heads = xreallocarray(n->heads, (size_t)n->nheads + 1, sizeof *n->heads);
	memmove(n->heads + i + 1, n->heads + i,
	    (size_t)(n->nheads - i) * sizeof *n->heads);
	n->heads[i] = (struct pgwatch_head){ .sid = sid, .seq = seq };
	n->nheads++;
}

/* Record one notification: "e SID SEQ", "l TOKEN_HASH" or "r STAFF_ID".
 * "e SEQ", a server of one store's, is store 1's. */
static void
note(struct pgwatch *w, const char *payload)
{
	struct pgwatch_news *n = &w->news;

	if (payload[0] == '\0' || payload[1] != ' ')
		return;
	if (payload[0] == 'e') {
		char *end;
		int64_t a = strtoll(payload + 2, &end, 10);
		int64_t sid = STORE_MAIN, seq = a;

		if (*end == ' ') {
			sid = a;
			seq = strtoll(end + 1, &end, 10);
		}
		if (*end != '\0' || sid < 0 || seq <= 0)
			return;
		note_head(n, sid, seq);
	} else if (payload[0] == 'l' && strlen(payload + 2) == 64) {
		n->logouts = xreallocarray(n->logouts, (size_t)n->nlogouts + 1,
		    sizeof *n->logouts);
		memcpy(n->logouts[n->nlogouts++], payload + 2, 65);
	} else if (payload[0] == 'r') {
		n->revoked = xreallocarray(n->revoked, (size_t)n->nrevoked + 1,
		    sizeof *n->revoked);
		n->revoked[n->nrevoked++] = strtoll(payload + 2, NULL, 10);
	} else {
		return;
	}
	w->any = true;
}

static void
set_state(struct pgwatch *w, bool connected, const char *why)
{
	pthread_mutex_lock(&w->lock);
	if (connected) {
		w->news.connected = true;
	} else {
		w->news.lost = true;
		xstrlcpy(w->news.why, why, sizeof w->news.why);
		w->news.why[strcspn(w->news.why, "\n")] = '\0';
	}
	w->any = true;
	pthread_mutex_unlock(&w->lock);
	w->wake(w->ctx);
}

/* Wait for input on fd (or for ms, -1: forever); false when asked to stop. */
static bool
wait_for(struct pgwatch *w, int fd, int ms)
{
	struct pollfd pfd[2] = {
		{ .fd = w->stop_pipe[0], .events = POLLIN },
		{ .fd = fd, .events = POLLIN },
	};

	while (poll(pfd, fd >= 0 ? 2 : 1, ms) < 0) {
		if (errno != EINTR)
			return false;
	}
	return (pfd[0].revents & POLLIN) == 0;
}

/* Listen until the connection goes; false when asked to stop. */
static bool
listen_on(struct pgwatch *w, PGconn *conn)
{
	PGresult *r = PQexec(conn, "LISTEN " PGSTORE_CHANNEL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	if (!ok) {
		set_state(w, false, PQerrorMessage(conn));
		return true;
	}
	log_info("%s: listening for the other servers' commits", w->name);
	set_state(w, true, NULL);
	for (;;) {
		PGnotify *n;
		bool got = false;

		if (!wait_for(w, PQsocket(conn), -1))
			return false;
		if (PQconsumeInput(conn) == 0) {
			log_error("%s: %s", w->name, PQerrorMessage(conn));
			set_state(w, false, PQerrorMessage(conn));
			return true;
		}
		pthread_mutex_lock(&w->lock);
		while ((n = PQnotifies(conn)) != NULL) {
			note(w, n->extra);
			PQfreemem(n);
			got = true;
		}
		pthread_mutex_unlock(&w->lock);
		if (got)
			w->wake(w->ctx);
	}
}

static void *
watch_main(void *arg)
{
	struct pgwatch *w = arg;
	bool was_up = true;

	for (;;) {
		PGconn *conn = pgstore_connect(w->url);

		if (PQstatus(conn) == CONNECTION_OK) {
			was_up = true;
			if (!listen_on(w, conn)) {
				PQfinish(conn);
				break;
			}
		} else if (was_up) {
			/* said once per outage, not at every attempt */
			was_up = false;
			log_error("%s: %s", w->name, PQerrorMessage(conn));
			set_state(w, false, PQerrorMessage(conn));
		}
		PQfinish(conn);
		if (!wait_for(w, -1, RETRY_MS))
			break;
	}
	return NULL;
}

struct pgwatch *
pgwatch_start(const char *url, void (*wake)(void *ctx), void *ctx)
{
	struct pgwatch *w = xcalloc(1, sizeof *w);

	xstrlcpy(w->url, url, sizeof w->url);
	store_display_path(url, w->name, sizeof w->name);
	w->wake = wake;
	w->ctx = ctx;
	if (pipe2(w->stop_pipe, O_CLOEXEC) < 0)
		abort();
	pthread_mutex_init(&w->lock, NULL);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0)
		abort();
	return w;
}

void
pgwatch_stop(struct pgwatch *w)
{
	if (w == NULL)
		return;
	if (write(w->stop_pipe[1], "x", 1) != 1)
		abort();
	pthread_join(w->thread, NULL);
	close(w->stop_pipe[0]);
	close(w->stop_pipe[1]);
	pthread_mutex_destroy(&w->lock);
	pgwatch_news_free(&w->news);
	free(w);
}

bool
pgwatch_take(struct pgwatch *w, struct pgwatch_news *out)
{
	bool any;

	pthread_mutex_lock(&w->lock);
	any = w->any;
	*out = w->news;
	memset(&w->news, 0, sizeof w->news);
	w->any = false;
	pthread_mutex_unlock(&w->lock);
	return any;
}

void
pgwatch_news_free(struct pgwatch_news *n)
{
	free(n->heads);
	free(n->logouts);
	free(n->revoked);
	memset(n, 0, sizeof *n);
}
