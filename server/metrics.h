/* metrics: counters and latency histograms for GET /metrics (Prometheus
 * text format). Service thread only. */
#ifndef BRIGADE_METRICS_H
#define BRIGADE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

#define METRICS_BUCKETS 14
#define METRICS_ROUTES 32
#define METRICS_STATUSES 16

struct metrics_route {
	const char *name;            /* "POST /api/v1/orders" */
	struct {
		int status;
		uint64_t count;
	} statuses[METRICS_STATUSES];
	uint64_t buckets[METRICS_BUCKETS];  /* latency, cumulative at render */
	uint64_t count;
	double sum_seconds;
};

struct metrics {
	struct metrics_route routes[METRICS_ROUTES];
	int nroutes;
};

void metrics_init(struct metrics *m);
/* Count one finished request of route name with status and duration. */
void metrics_request(struct metrics *m, const char *route, int status,
    int64_t micros);
/* Append the request metrics in Prometheus text format. */
void metrics_render(const struct metrics *m, struct strbuf *out);

/* The scrape credential: whether an Authorization header carries the
 * configured metrics_token ("Bearer TOKEN"; want "" accepts nothing).
 * Compared in constant time. */
bool metrics_token_ok(const char *want, const char *authorization);

#endif
