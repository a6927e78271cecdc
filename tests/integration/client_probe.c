/* client_probe: a small program on the client library for the
 * responsiveness test. It runs the loop with a 50 ms timer, reads commands
 * on stdin, and sends requests through the worker:
 *   ping     -> "pong TICKS"
 *   request  -> "sent N"; later "reply N ERR STATUS" when it finished
 *   status   -> "status TICKS LATE_MAX_MS INFLIGHT STREAMSTATE"
 *   quit     -> exits
 * With CLIENT_PROBE_EVENTS=1 it also follows the stream as a screen would:
 *   "event SEQ TYPE ORDER_ID" for each event handed over, in order
 *   "stream STATE SERVER LAST_SEQ" when the stream's state or server changes
 *   "resync HEAD" when the stream says the log is another one
 * Output lines are flushed at once. Settings come from BRIGADE_*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"
#include "failover.h"
#include "log.h"
#include "loop.h"
#include "stream.h"
#include "strbuf.h"
#include "util.h"
#include "worker.h"

#define TICK_MS 50

struct probe {
	struct loop *loop;
	struct worker *worker;
	struct stream *stream;
	struct loop_timer tick;
	int64_t ticks, due, late_max;
	int inflight, sent;
	struct strbuf line;
	char last_stream[128];       /* the last "stream ..." line printed */
};

struct req {
	struct probe *p;
	int n;
};

static void
on_tick(struct loop_timer *t)
{
	struct probe *p = t->ctx;
	int64_t now = util_mono_ms();

	if (p->due > 0 && now - p->due > p->late_max)
		p->late_max = now - p->due;
	p->ticks++;
	p->due = now + TICK_MS;
	loop_timer_schedule(t, TICK_MS);
}

static void
on_reply(void *ctx, struct api_reply *r)
{
	struct req *q = ctx;

	q->p->inflight--;
	printf("reply %d %s %d\n", q->n, api_err_name(r->err), r->status);
	fflush(stdout);
	free(q);
}

static void
command(struct probe *p, const char *cmd)
{
	if (strcmp(cmd, "ping") == 0) {
		printf("pong %lld\n", (long long)p->ticks);
	} else if (strcmp(cmd, "request") == 0) {
		struct req *q = malloc(sizeof *q);

		if (q == NULL)
			abort();
		q->p = p;
		q->n = ++p->sent;
		p->inflight++;
		worker_request(p->worker, "GET", "/api/v1/menu", NULL, 1, on_reply, q);
		printf("sent %d\n", q->n);
	} else if (strcmp(cmd, "status") == 0) {
		printf("status %lld %lld %d %s\n", (long long)p->ticks, (long long)p->late_max,
		    p->inflight, stream_state_name(stream_status(p->stream)->state));
	} else if (strcmp(cmd, "quit") == 0) {
		loop_stop(p->loop);
		return;
	} else {
		printf("unknown %s\n", cmd);
	}
	fflush(stdout);
}

static void
on_input(void *ctx, const char *data, size_t len)
{
	struct probe *p = ctx;
	char *nl;

	if (len == 0) {
		loop_stop(p->loop);
		return;
	}
	strbuf_append(&p->line, data, len);
	while ((nl = memchr(p->line.data, '\n', p->line.len)) != NULL) {
		size_t n = (size_t)(nl - p->line.data);
		char cmd[64];

		snprintf(cmd, sizeof cmd, "%.*s", (int)(n < 63 ? n : 63), p->line.data);
		memmove(p->line.data, nl + 1, p->line.len - n - 1);
		p->line.len -= n + 1;
		p->line.data[p->line.len] = '\0';
		command(p, cmd);
	}
}

static int
on_event(void *ctx, int64_t seq, const cJSON *ev)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
	const cJSON *order = cJSON_GetObjectItemCaseSensitive(ev, "order");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(order, "id");

	(void)ctx;
	printf("event %lld %s %lld\n", (long long)seq,
	    cJSON_IsString(type) ? type->valuestring : "?",
	    cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL);
	fflush(stdout);
	return 0;
}

static void
on_resync(void *ctx, int64_t head)
{
	(void)ctx;
	printf("resync %lld\n", (long long)head);
	fflush(stdout);
}

static void
on_stream(void *ctx, const struct stream_status *st)
{
	struct probe *p = ctx;
	char line[128];

	snprintf(line, sizeof line, "stream %s %s", stream_state_name(st->state), st->server);
	if (strcmp(line, p->last_stream) == 0)
		return;
	snprintf(p->last_stream, sizeof p->last_stream, "%s", line);
	printf("%s %lld\n", line, (long long)st->last_seq);
	fflush(stdout);
}

static void
on_token(void *ctx, const char *token, enum staff_role role)
{
	struct probe *p = ctx;

	stream_set_token(p->stream, token);
	if (stream_status(p->stream)->state == STREAM_CONNECTING)
		stream_start(p->stream, -1);
}

int
main(void)
{
	struct client_cfg cfg;
	struct clock clk;
	struct probe p;
	char err[512];

	log_init("client_probe");
	memset(&p, 0, sizeof p);
	strbuf_init(&p.line);
	clock_init(&clk);
	if (cfg_load(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "client_probe: %s\n", err);
		return 2;
	}
	p.loop = loop_new(stream_protocols(), cfg_tls(&cfg), cfg.ca_file);
	if (p.loop == NULL)
		return 1;
	struct stream_handlers sh = { NULL, NULL, NULL, &p };
	const char *events = getenv("CLIENT_PROBE_EVENTS");

	if (events != NULL && strcmp(events, "1") == 0) {
		sh.event = on_event;
		sh.resync = on_resync;
		sh.status = on_stream;
	}
	/* the stream and the worker share one choice of server, as in a
	 * session */
	cfg.failover = failover_new(&cfg);
	p.stream = stream_new(p.loop, &cfg, &clk, &sh);
	struct worker_handlers wh = { NULL, on_token, &p };
	p.worker = worker_new(p.loop, &cfg, &clk, NULL, &wh, err, sizeof err);
	if (p.stream == NULL || p.worker == NULL) {
		fprintf(stderr, "client_probe: %s\n", err);
		return 1;
	}
	worker_login(p.worker);
	loop_timer_init(&p.tick, p.loop, on_tick, &p);
	loop_timer_schedule(&p.tick, TICK_MS);
	loop_watch_input(p.loop, 0, on_input, &p);
	printf("ready\n");
	fflush(stdout);
	loop_run(p.loop);
	worker_free(p.worker);
	loop_timer_cancel(&p.tick);
	stream_free(p.stream);
	failover_unref(cfg.failover);
	loop_free(p.loop);
	strbuf_free(&p.line);
	return 0;
}
