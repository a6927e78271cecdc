/* loop: the one event loop of a client process. libwebsockets owns it;
 * stdin (adopted as a raw file), timers (lws_sul), signals (SIGWINCH,
 * SIGTERM, SIGINT, SIGHUP through a self-pipe) and results from other
 * threads (loop_post) all arrive here as callbacks, one at a time, on the
 * thread that called loop_run. Nothing here waits on the network. */
#ifndef BRIGADE_CLIENT_LOOP_H
#define BRIGADE_CLIENT_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

struct loop;

/* Protocols other modules need in the context (the stream client). */
struct loop_protocols {
	const struct lws_protocols *list;
	int count;
};

/* Create the loop. extra may be NULL. TLS is set up only when tls is true
 * (an https:// server): OpenSSL's setup costs some 3 MB of resident memory
 * that a till talking plain HTTP on its LAN does not need. wss://
 * connections then trust ca_file (PEM; NULL or "": the system's CAs only),
 * like --ca-file does for REST. NULL (after a log line) when lws could not
 * start. */
struct loop *loop_new(const struct loop_protocols *extra, bool tls, const char *ca_file);
void loop_free(struct loop *l);

struct lws_context *loop_context(struct loop *l);
struct loop *loop_from_context(struct lws_context *ctx);

/* Run until loop_stop; returns 0. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* Input: fn gets each chunk read from fd (stdin), then len 0 at end of
 * file. The fd is set non-blocking. */
typedef void (*loop_input_fn)(void *ctx, const char *data, size_t len);
int loop_watch_input(struct loop *l, int fd, loop_input_fn fn, void *ctx);

/* Signals: fn runs on the loop for each delivered SIGWINCH, SIGTERM, SIGINT
 * or SIGHUP. Without a handler SIGTERM, SIGINT and SIGHUP stop the loop. */
typedef void (*loop_signal_fn)(void *ctx, int sig);
void loop_on_signal(struct loop *l, loop_signal_fn fn, void *ctx);

/* Timers: fn runs once, after delay_ms, on the loop. A struct loop_timer
 * lives in the caller's memory; scheduling it again moves it. */
struct loop_timer;
typedef void (*loop_timer_fn)(struct loop_timer *t);
struct loop_timer {
	lws_sorted_usec_list_t sul;  /* first: lws hands this back */
	struct loop *loop;
	loop_timer_fn fn;
	void *ctx;
};
void loop_timer_init(struct loop_timer *t, struct loop *l, loop_timer_fn fn, void *ctx);
void loop_timer_schedule(struct loop_timer *t, int64_t delay_ms);
void loop_timer_cancel(struct loop_timer *t);

/* From any thread: run fn(arg) on the loop soon. The only way other
 * threads talk to the loop. fn owns arg. If the loop is freed before fn
 * runs, arg is released with free(); loop_post_drop names another way to
 * release it (nested allocations, secrets to wipe) without delivering. */
typedef void (*loop_post_fn)(void *arg);
void loop_post(struct loop *l, loop_post_fn fn, void *arg);
void loop_post_drop(struct loop *l, loop_post_fn fn, loop_post_fn drop, void *arg);
/* On the loop thread: run every queued post now. For shutting down once
 * the threads that post have stopped (worker_free), so that no reply is
 * left behind unfreed. */
void loop_flush(struct loop *l);

#endif
