/* brigadectl tail: the event stream as JSON lines, through the loop, the
 * worker (for logging in) and the stream client. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brigadectl.h"
#include "cfg.h"
#include "clock.h"
#include "log.h"
#include "loop.h"
#include "stream.h"
#include "worker.h"

struct tail {
	struct loop *loop;
	struct worker *worker;
	struct stream *stream;
	struct loop_timer relogin;
	int64_t count, printed;
	int64_t after;
	bool started, logging_in;
	int login_failures;
	int rc;
	enum stream_state last_state;
};

static int
on_event(void *ctx, int64_t seq, const cJSON *ev)
{
	struct tail *t = ctx;
	char *txt = cJSON_PrintUnformatted(ev);

	if (txt == NULL)
		abort();
	printf("%s\n", txt);
	fflush(stdout);
	free(txt);
	if (t->count > 0 && ++t->printed >= t->count)
		loop_stop(t->loop);
	return 0;
}

static void
on_resync(void *ctx, int64_t head)
{
	fprintf(stderr, "brigadectl: the server's event log ends at %lld, before what was "
	    "asked: going on from there\n", (long long)head);
}

static void on_login(void *ctx, struct api_reply *r);

static void
on_status(void *ctx, const struct stream_status *st)
{
	struct tail *t = ctx;

	if (st->state != t->last_state) {
		if (st->state == STREAM_ONLINE)
			fprintf(stderr, "brigadectl: stream online after seq %lld (server head %lld)\n",
			    (long long)st->last_seq, (long long)st->head);
		else
			fprintf(stderr, "brigadectl: stream %s: %s\n", stream_state_name(st->state),
			    st->error);
		t->last_state = st->state;
	}
	if (st->state == STREAM_UNAUTHORIZED && !t->logging_in) {
		/* a 401 on the REST call makes the worker log in again */
		t->logging_in = true;
		worker_request(t->worker, "GET", "/api/v1/auth/me", NULL, 1, on_login, t);
	}
}

static void
on_token(void *ctx, const char *token, enum staff_role role)
{
	struct tail *t = ctx;

	stream_set_token(t->stream, token);
	if (!t->started) {
		t->started = true;
		stream_start(t->stream, t->after);
	}
}

static void
relogin_fire(struct loop_timer *timer)
{
	struct tail *t = timer->ctx;

	worker_request(t->worker, "GET", "/api/v1/auth/me", NULL, 1, on_login, t);
}

/* The login's outcome: a wrong PIN ends tail; a server that is away is
 * tried again, for ever, like the stream itself. */
static void
on_login(void *ctx, struct api_reply *r)
{
	struct tail *t = ctx;

	if (r->err == API_OK) {
		t->logging_in = false;
		t->login_failures = 0;
		return;
	}
	if (!api_err_transient(r->err)) {
		fprintf(stderr, "brigadectl: cannot log in: %s (%s)\n", r->message, r->code);
		t->rc = EXIT_AUTH;
		loop_stop(t->loop);
		return;
	}
	if (t->login_failures++ == 0)
		fprintf(stderr, "brigadectl: cannot reach the server (%s); trying again\n",
		    r->message);
	loop_timer_schedule(&t->relogin, api_backoff_ms(t->login_failures, 500, 5000));
}

static void
on_signal(void *ctx, int sig)
{
	struct tail *t = ctx;

	if (sig != SIGWINCH)
		loop_stop(t->loop);
}

int
brigadectl_tail(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct tail t;
	char err[512], *end;
	int c;

	memset(&t, 0, sizeof t);
	t.after = -1;
	t.last_state = STREAM_CONNECTING;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		long long v = 0;

		if (c == 'a' || c == 'n')
			v = strtoll(optarg, &end, 10);
		if ((c != 'a' && c != 'n') || *end != '\0' || end == optarg || v < 0) {
			fprintf(stderr, "brigadectl: tail: expected [--after SEQ] [--count N]\n");
			return EXIT_USAGE;
		}
		if (c == 'a')
			t.after = v;
		else
			t.count = v;
	}
	if (optind != argc) {
		fprintf(stderr, "brigadectl: tail: unexpected argument \"%s\"\n", argv[optind]);
		return EXIT_USAGE;
	}
	t.loop = loop_new(stream_protocols(), cfg_tls(cfg), cfg->ca_file);
	if (t.loop == NULL) {
		fprintf(stderr, "brigadectl: cannot start the event loop\n");
		return EXIT_UNREACHABLE;
	}
	loop_on_signal(t.loop, on_signal, &t);
	loop_timer_init(&t.relogin, t.loop, relogin_fire, &t);
	struct stream_handlers sh = { on_event, on_resync, on_status, &t };
	t.stream = stream_new(t.loop, cfg, clk, &sh);
	struct worker_handlers wh = { NULL, on_token, &t };
	t.worker = worker_new(t.loop, cfg, clk, NULL, &wh, err, sizeof err);
	if (t.stream == NULL || t.worker == NULL) {
		fprintf(stderr, "brigadectl: %s\n", t.worker == NULL ? err : "bad server URL");
		stream_free(t.stream);
		worker_free(t.worker);
		loop_free(t.loop);
		return EXIT_USAGE;
	}
	t.logging_in = true;
	worker_request(t.worker, "GET", "/api/v1/auth/me", NULL, 1, on_login, &t);
	loop_run(t.loop);
	/* the worker first: it may still post to the loop */
	worker_free(t.worker);
	loop_timer_cancel(&t.relogin);
	stream_free(t.stream);
	loop_free(t.loop);
	return t.rc;
}
