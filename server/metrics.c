/* metrics: request counters and latency histograms in Prometheus format. */
#include "metrics.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* Upper bounds of the latency buckets, in seconds. */
static const double bucket_le[METRICS_BUCKETS] = {
	0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10,
};

void
metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof *m);
}

static struct metrics_route *
route_slot(struct metrics *m, const char *name)
{
	for (int i = 0; i < m->nroutes; i++) {
		if (m->routes[i].name == name || strcmp(m->routes[i].name, name) == 0)
			return &m->routes[i];
	}
	if (m->nroutes == METRICS_ROUTES)
		return &m->routes[METRICS_ROUTES - 1];
	m->routes[m->nroutes].name = name;
	return &m->routes[m->nroutes++];
}

void
metrics_request(struct metrics *m, const char *route, int status, int64_t micros)
{
	struct metrics_route *r = route_slot(m, route);
	double secs = (double)micros / 1e6;
	int i;

	for (i = 0; i < METRICS_STATUSES; i++) {
		if (r->statuses[i].status == status || r->statuses[i].status == 0) {
			r->statuses[i].status = status;
			r->statuses[i].count++;
			break;
		}
	}
	for (i = 0; i < METRICS_BUCKETS; i++) {
		if (secs <= bucket_le[i]) {
			r->buckets[i]++;
			break;
		}
	}
	r->count++;
	r->sum_seconds += secs;
}

void
metrics_render(const struct metrics *m, struct strbuf *out)
{
	strbuf_puts(out, "# HELP brigade_http_requests_total HTTP requests by route and status.\n"
	    "# TYPE brigade_http_requests_total counter\n");
	for (int i = 0; i < m->nroutes; i++) {
		const struct metrics_route *r = &m->routes[i];

		for (int s = 0; s < METRICS_STATUSES && r->statuses[s].status; s++)
			strbuf_printf(out, "brigade_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			    r->name, r->statuses[s].status,
			    (unsigned long long)r->statuses[s].count);
	}
	strbuf_puts(out, "# HELP brigade_http_request_duration_seconds Time from request to response.\n"
	    "# TYPE brigade_http_request_duration_seconds histogram\n");
	for (int i = 0; i < m->nroutes; i++) {
		const struct metrics_route *r = &m->routes[i];
		uint64_t cum = 0;

		for (int b = 0; b < METRICS_BUCKETS; b++) {
			cum += r->buckets[b];
			strbuf_printf(out,
			    "brigade_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
			    r->name, bucket_le[b], (unsigned long long)cum);
		}
		strbuf_printf(out,
		    "brigade_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
		    "brigade_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
		    "brigade_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
		    r->name, (unsigned long long)r->count, r->name, r->sum_seconds,
		    r->name, (unsigned long long)r->count);
	}
}

/* A scraper cannot log in (sessions expire; a PIN is for people): it shows
 * a long random token from the config instead, which opens /metrics only. */
bool
metrics_token_ok(const char *want, const char *authorization)
{
	size_t n = strlen(want);

	if (n == 0 || authorization == NULL || strncasecmp(authorization, "Bearer ", 7) != 0)
		return false;
	authorization += 7;
	return strlen(authorization) == n && CRYPTO_memcmp(authorization, want, n) == 0;
}
