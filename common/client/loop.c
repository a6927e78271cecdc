/* loop: lws context, stdin, timers, signals and the cross-thread queue. */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tls.h"
#include "xalloc.h"

#define LOOP_PROTOCOL "brigade-loop"

struct post {
	loop_post_fn fn;
	loop_post_fn drop;           /* releases arg undelivered */
	void *arg;
	struct post *next;
};

struct loop {
	struct lws_context *ctx;
	struct lws_protocols *protocols;
	bool tls;                    /* holds the shared TLS context */
	bool stopping;
	/* input */
	int input_fd;
	loop_input_fn input_fn;
	void *input_ctx;
	/* signals */
	int sig_pipe[2];
	loop_signal_fn sig_fn;
	void *sig_ctx;
	/* posts from other threads */
	pthread_mutex_t lock;
	struct post *head, *tail;
};

/* The self-pipe's write end, for the signal handler. One loop per process. */
static volatile int loop_sig_fd = -1;

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (loop_sig_fd >= 0 && write(loop_sig_fd, &b, 1) < 0) {
		/* a full pipe already holds a wake-up */
	}
	errno = saved;
}

static void
drain_posts(struct loop *l)
{
	struct post *p;

	pthread_mutex_lock(&l->lock);
	p = l->head;
	l->head = l->tail = NULL;
	pthread_mutex_unlock(&l->lock);
	while (p != NULL) {
		struct post *next = p->next;

		p->fn(p->arg);
		free(p);
		p = next;
	}
}

static void
read_signals(struct loop *l)
{
	unsigned char buf[32];
	ssize_t n;

	while ((n = read(l->sig_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (l->sig_fn != NULL)
				l->sig_fn(l->sig_ctx, buf[i]);
			else if (buf[i] != SIGWINCH)
				loop_stop(l);
		}
	}
}

static int
read_input(struct loop *l)
{
	char buf[4096];
	ssize_t n = read(l->input_fd, buf, sizeof buf);

	if (n > 0) {
		l->input_fn(l->input_ctx, buf, (size_t)n);
		/* keystrokes may be a card swipe (keyboard wedge): keep no copy */
		explicit_bzero(buf, (size_t)n);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* end of input (or an error that ends it): tell, then stop watching */
	l->input_fn(l->input_ctx, buf, 0);
	l->input_fn = NULL;
	return -1;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct loop *l = lws_context_user(lws_get_context(wsi));

	if (l == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		drain_posts(l);
		return 0;
	case LWS_CALLBACK_RAW_RX_FILE:
		if (lws_get_socket_fd(wsi) == l->sig_pipe[0]) {
			read_signals(l);
			return 0;
		}
		if (l->input_fn == NULL)
			return -1;
		return read_input(l);
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		return 0;
	case LWS_CALLBACK_WSI_DESTROY: {
		/* lws tells only the first protocol (this one) that a connection
		 * is gone for good, and on some of its own closes nothing else:
		 * pass it on to the protocol the connection served, which may
		 * hold a pointer to it (the stream does) */
		const struct lws_protocols *pr = lws_get_protocol(wsi);

		if (pr != NULL && pr->callback != callback)
			return pr->callback(wsi, reason, user, in, len);
		return 0;
	}
	default:
		return 0;
	}
}

static int
adopt(struct loop *l, int fd)
{
	lws_sock_file_fd_type u;
	struct lws_vhost *vh = lws_get_vhost_by_name(l->ctx, "default");

	u.filefd = (lws_filefd_type)(intptr_t)fd;
	if (vh == NULL || lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, u,
	    LOOP_PROTOCOL, NULL) == NULL) {
		log_error("cannot watch fd %d", fd);
		return -1;
	}
	return 0;
}

struct loop *
loop_new(const struct loop_protocols *extra, bool tls, const char *ca_file)
{
	struct lws_context_creation_info info;
	struct loop *l = xcalloc(1, sizeof *l);
	int n = extra != NULL ? extra->count : 0;

	pthread_mutex_init(&l->lock, NULL);
	l->input_fd = -1;
	/* the protocol list: ours, the caller's, and a zeroed end (lws 4.1) */
	l->protocols = xcalloc((size_t)n + 2, sizeof *l->protocols);
	l->protocols[0].name = LOOP_PROTOCOL;
	l->protocols[0].callback = callback;
	for (int i = 0; i < n; i++)
		l->protocols[i + 1] = extra->list[i];

	if (pipe2(l->sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_error("pipe: %s", strerror(errno));
		free(l->protocols);
		free(l);
		return NULL;
	}
	client_tls_log_setup();
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = l->protocols;
	info.user = l;
	info.timeout_secs = 10;      /* connect and handshake */
	info.fd_limit_per_thread = 64;   /* stdin, a pipe, the stream */
	if (tls) {
		char err[300];

		/* wss:// checks the server against ca_file as well as the system's */
		info.provided_client_ssl_ctx = client_tls_acquire(ca_file, err, sizeof err);
		if (info.provided_client_ssl_ctx == NULL) {
			log_error("%s", err);
			close(l->sig_pipe[0]);
			close(l->sig_pipe[1]);
			free(l->protocols);
			free(l);
			return NULL;
		}
		info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		l->tls = true;
	}
	l->ctx = lws_create_context(&info);
	if (l->ctx == NULL) {
		log_error("cannot create the libwebsockets context");
		if (l->tls)
			client_tls_release();
		close(l->sig_pipe[0]);
		close(l->sig_pipe[1]);
		free(l->protocols);
		free(l);
		return NULL;
	}
	adopt(l, l->sig_pipe[0]);
	loop_sig_fd = l->sig_pipe[1];

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return l;
}

void
loop_free(struct loop *l)
{
	struct post *p;

	if (l == NULL)
		return;
	signal(SIGWINCH, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	loop_sig_fd = -1;
	lws_context_destroy(l->ctx);
	if (l->tls)
		client_tls_release();
	close(l->sig_pipe[0]);
	close(l->sig_pipe[1]);
	/* notes nobody will read: released, not delivered */
	while ((p = l->head) != NULL) {
		l->head = p->next;
		if (p->drop != NULL)
			p->drop(p->arg);
		free(p);
	}
	pthread_mutex_destroy(&l->lock);
	free(l->protocols);
	free(l);
}

struct lws_context *
loop_context(struct loop *l)
{
	return l->ctx;
}

struct loop *
loop_from_context(struct lws_context *ctx)
{
	return lws_context_user(ctx);
}

int
loop_run(struct loop *l)
{
	while (!l->stopping) {
		if (lws_service(l->ctx, 0) < 0)
			break;
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stopping = true;
	lws_cancel_service(l->ctx);
}

int
loop_watch_input(struct loop *l, int fd, loop_input_fn fn, void *ctx)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	l->input_fd = fd;
	l->input_fn = fn;
	l->input_ctx = ctx;
	return adopt(l, fd);
}

void
loop_on_signal(struct loop *l, loop_signal_fn fn, void *ctx)
{
	l->sig_fn = fn;
	l->sig_ctx = ctx;
}

static void
timer_fire(lws_sorted_usec_list_t *sul)
{
	struct loop_timer *t = lws_container_of(sul, struct loop_timer, sul);

	t->fn(t);
}

void
loop_timer_init(struct loop_timer *t, struct loop *l, loop_timer_fn fn, void *ctx)
{
	memset(t, 0, sizeof *t);
	t->loop = l;
	t->fn = fn;
	t->ctx = ctx;
}

void
loop_timer_schedule(struct loop_timer *t, int64_t delay_ms)
{
	lws_sul_schedule(t->loop->ctx, 0, &t->sul, timer_fire,
	    (lws_usec_t)delay_ms * LWS_US_PER_MS);
}

void
loop_timer_cancel(struct loop_timer *t)
{
	lws_sul_schedule(t->loop->ctx, 0, &t->sul, timer_fire, LWS_SET_TIMER_USEC_CANCEL);
}

void
loop_flush(struct loop *l)
{
	drain_posts(l);
}

void
loop_post(struct loop *l, loop_post_fn fn, void *arg)
{
	loop_post_drop(l, fn, free, arg);
}

void
loop_post_drop(struct loop *l, loop_post_fn fn, loop_post_fn drop, void *arg)
{
	struct post *p = xmalloc(sizeof *p);

	p->fn = fn;
	p->drop = drop;
	p->arg = arg;
	p->next = NULL;
	pthread_mutex_lock(&l->lock);
	if (l->tail != NULL)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	pthread_mutex_unlock(&l->lock);
	lws_cancel_service(l->ctx);
}
