/* failover: the current server among several, shared between threads. */
#include "failover.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

struct failover {
	pthread_mutex_t lock;        /* guards current and refs */
	int refs;
	int n;
	int current;
	char urls[CFG_SERVERS_MAX][CFG_URL_MAX];
};

struct failover *
failover_new(const struct client_cfg *c)
{
	struct failover *f = xcalloc(1, sizeof *f);

	pthread_mutex_init(&f->lock, NULL);
	f->refs = 1;
	f->n = c->nservers > 0 ? c->nservers : 1;
	if (f->n > CFG_SERVERS_MAX)
		f->n = CFG_SERVERS_MAX;
	memcpy(f->urls, c->servers, sizeof f->urls);
	return f;
}

struct failover *
failover_ref(struct failover *f)
{
	pthread_mutex_lock(&f->lock);
	f->refs++;
	pthread_mutex_unlock(&f->lock);
	return f;
}

void
failover_unref(struct failover *f)
{
	int left;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	left = --f->refs;
	pthread_mutex_unlock(&f->lock);
	if (left > 0)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

int
failover_count(const struct failover *f)
{
	return f->n;   /* fixed at creation */
}

int
failover_next(int current, int failed, int n)
{
	if (n <= 1 || failed != current)
		return current;
	return (current + 1) % n;
}

int
failover_current(struct failover *f, struct failover_pick *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&f->lock);
	out->index = f->current;
	xstrlcpy(out->url, f->urls[f->current], sizeof out->url);
	pthread_mutex_unlock(&f->lock);
	cfg_server_label(out->url, out->label, sizeof out->label);
	if (cfg_server_addr(out->url, &out->addr) < 0)
		return -1;
	/* only scheme, host and port count: the request path goes after (an
	 * IPv6 host keeps its brackets) */
	snprintf(out->url, sizeof out->url, "%s://%s:%d", out->addr.tls ? "https" : "http",
	    out->addr.host, out->addr.port);
	return 0;
}

bool
failover_failed(struct failover *f, int index)
{
	int was, now;

	pthread_mutex_lock(&f->lock);
	was = f->current;
	now = f->current = failover_next(f->current, index, f->n);
	pthread_mutex_unlock(&f->lock);
	if (now == was)
		return false;
	log_warn("server %s stopped answering; going on with %s", f->urls[was], f->urls[now]);
	return true;
}
