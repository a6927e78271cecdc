/* fanout: a stream fan-out benchmark. Opens WebSocket subscribers to
 * brigade-server's /api/v1/stream, waits until all are connected, then
 * records for every event each subscriber receives the delay from the
 * event's commit time ("at", server clock, same machine) to its receipt.
 *
 *   bench-fanout PORT TOKEN SUBSCRIBERS EVENTS [SECONDS]
 *   bench-fanout --stores PORT TOKENFILE PER_TOKEN [SECONDS]
 *
 * The first form: SUBSCRIBERS subscribers of one login; done when each has
 * EVENTS events or SECONDS (default 60) passed.
 *
 * The second, for many stores: TOKENFILE holds one token a line, each a
 * login of another store (line i is store i); PER_TOKEN subscribers are
 * opened for each. After READY the load runs; then the driver writes on
 * stdin one line per store, "I EVENTS" (the events store i must deliver),
 * and closes it. Done when every subscriber has its store's count or
 * SECONDS after stdin closed. A store's orders name it in the customer's
 * name, "fanout-store-I", so an event of another store is noticed.
 * Per-store completeness is printed: a store is complete when every one of
 * its subscribers got exactly its count and nothing of another store.
 *
 * The subscribers are plain sockets on one epoll set, so the measuring
 * side costs as little as possible on the machine it shares with the
 * server; the load (orders at a steady rate) comes from another process.
 * Connections come from 127.0.0.1 to 127.0.0.8 in turn, so that many
 * thousands do not run out of one address's ports. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define SOURCES 8                /* 127.0.0.1 .. 127.0.0.SOURCES */
#define MARK "fanout-store-"

struct sub {
	int fd;
	int store;                   /* index of its token */
	bool upgraded;
	bool hello;
	bool done;                   /* has its expected count */
	int events;                  /* event messages (the hello excluded) */
	int foreign;                 /* events naming another store */
	unsigned char *buf;
	size_t len, cap;
};

static double *delays;
static size_t ndelays, cap_delays;

static double
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

static void
record(struct sub *s, const unsigned char *msg, size_t len, double t)
{
	const char *at, *mark;

	if (!s->hello) {
		s->hello = true;
		return;
	}
	s->events++;
	mark = memmem(msg, len, MARK, sizeof MARK - 1);
	if (mark != NULL && atoi(mark + sizeof MARK - 1) != s->store)
		s->foreign++;
	at = memmem(msg, len, "\"at\":", 5);
	if (at == NULL)
		return;
	if (ndelays == cap_delays) {
		cap_delays = cap_delays ? 2 * cap_delays : 1 << 16;
		delays = realloc(delays, cap_delays * sizeof *delays);
		if (delays == NULL)
			abort();
	}
	delays[ndelays++] = t - strtod(at + 5, NULL);
}

/* Answer the server's keepalive ping, or it closes the stream: a client's
 * frame is masked (a zero mask leaves the payload as it is). */
static void
pong(struct sub *s, const unsigned char *data, size_t len)
{
	unsigned char f[6 + 125] = { 0x8a, (unsigned char)(0x80 | len), 0, 0, 0, 0 };

	memcpy(f + 6, data, len);
	if (write(s->fd, f, 6 + len) != (ssize_t)(6 + len))
		fprintf(stderr, "pong: %s\n", strerror(errno));
}

/* Take whole frames off the buffer; fragments are joined by FIN. */
static int
parse(struct sub *s, double t)
{
	size_t off = 0;

	if (!s->upgraded) {
		unsigned char *end = memmem(s->buf, s->len, "\r\n\r\n", 4);

		if (end == NULL)
			return 0;
		if (s->len < 12 || memcmp(s->buf + 9, "101", 3) != 0)
			return -1;
		s->upgraded = true;
		off = (size_t)(end + 4 - s->buf);
	}
	for (;;) {
		size_t avail = s->len - off, hdr = 2;
		unsigned char *p = s->buf + off;
		uint64_t n;

		if (avail < 2)
			break;
		n = p[1] & 0x7f;
		if (n == 126) {
			hdr = 4;
			if (avail < hdr)
				break;
			n = ((uint64_t)p[2] << 8) | p[3];
		} else if (n == 127) {
			hdr = 10;
			if (avail < hdr)
				break;
			n = 0;
			for (int i = 2; i < 10; i++)
				n = (n << 8) | p[i];
		}
		if (avail < hdr + n)
			break;
		if ((p[0] & 0x0f) == 0x1 && (p[0] & 0x80))
			record(s, p + hdr, (size_t)n, t);
		else if ((p[0] & 0x0f) == 0x9 && n <= 125)
			pong(s, p + hdr, (size_t)n);
		else if ((p[0] & 0x0f) == 0x8)
			return -1;
		off += hdr + (size_t)n;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	return 0;
}

/* Read what the socket has (one read: epoll is level-triggered); -1 when
 * the server refused or closed it. */
static int
drain(struct sub *s, double t)
{
	ssize_t r;

	if (s->len == s->cap) {
		s->cap *= 2;
		s->buf = realloc(s->buf, s->cap);
		if (s->buf == NULL)
			abort();
	}
	r = read(s->fd, s->buf + s->len, s->cap - s->len);
	if (r == 0)
		return -1;
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	s->len += (size_t)r;
	return parse(s, t);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
open_sub(struct sub *s, int i, int port, const char *token, int ep)
{
	struct sockaddr_in sa, src;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
	char req[512];
	int one = 1, n;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(i % SOURCES));
	n = snprintf(req, sizeof req,
	    "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n", port, token);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0) {
		perror("socket");
		return -1;
	}
	setsockopt(s->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	if (bind(s->fd, (struct sockaddr *)&src, sizeof src) < 0 ||
	    connect(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("connect");
		return -1;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (write(s->fd, req, (size_t)n) != n) {
		perror("write");
		return -1;
	}
	s->cap = 4096;
	s->buf = malloc(s->cap);
	if (s->buf == NULL)
		abort();
	return epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
}

/* Tokens, one a line. */
static char **
read_tokens(const char *path, int *n)
{
	FILE *f = fopen(path, "r");
	char line[256], **v = NULL;

	*n = 0;
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		v = realloc(v, (size_t)(*n + 1) * sizeof *v);
		if (v == NULL || (v[*n] = strdup(line)) == NULL)
			abort();
		(*n)++;
	}
	fclose(f);
	return v;
}

/* "I EVENTS" lines from the driver, whole lines only. */
static void
read_expected(char *in, size_t *len, int *expected, int ntokens)
{
	char *line = in, *nl;

	while ((nl = memchr(line, '\n', *len - (size_t)(line - in))) != NULL) {
		int i, n;

		*nl = '\0';
		if (sscanf(line, "%d %d", &i, &n) == 2 && i >= 0 && i < ntokens)
			expected[i] = n;
		line = nl + 1;
	}
	*len -= (size_t)(line - in);
	memmove(in, line, *len);
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[256];
	struct sub *subs;
	char **tokens, *one_token[1], stdin_buf[4096];
	size_t stdin_len = 0;
	int *expected, ep, port, ntokens, per, nsubs, seconds, ready = 0, done_subs = 0;
	bool stores_mode = argc > 1 && strcmp(argv[1], "--stores") == 0, known;
	double deadline;
	struct rlimit rl;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-fanout PORT TOKEN SUBSCRIBERS EVENTS [SECONDS]\n"
		    "       bench-fanout --stores PORT TOKENFILE PER_TOKEN [SECONDS]\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (stores_mode) {
		port = atoi(argv[2]);
		tokens = read_tokens(argv[3], &ntokens);
		per = atoi(argv[4]);
		seconds = argc > 5 ? atoi(argv[5]) : 60;
		expected = calloc((size_t)ntokens, sizeof *expected);
		known = false;    /* the counts come on stdin after the load */
	} else {
		port = atoi(argv[1]);
		one_token[0] = argv[2];
		tokens = one_token;
		ntokens = 1;
		per = atoi(argv[3]);
		seconds = argc > 5 ? atoi(argv[5]) : 60;
		expected = calloc(1, sizeof *expected);
		expected[0] = atoi(argv[4]);
		known = true;
	}
	nsubs = ntokens * per;
	ep = epoll_create1(0);
	subs = calloc((size_t)nsubs, sizeof *subs);
	if (subs == NULL || expected == NULL)
		abort();
	for (int i = 0; i < nsubs; i++) {
		subs[i].store = i / per;
		if (open_sub(&subs[i], i, port, tokens[i / per], ep) < 0)
			return 1;
	}
	deadline = now_ms() + 60000;
	while (now_ms() < deadline && ready < nsubs) {
		int n = epoll_wait(ep, evs, 256, 100);

		for (int k = 0; k < n; k++) {
			struct sub *s = evs[k].data.ptr;
			bool had = s->hello;

			if (drain(s, now_ms()) < 0) {
				fprintf(stderr, "subscriber refused or closed\n");
				return 1;
			}
			ready += s->hello && !had;
		}
	}
	printf("READY %d\n", ready);
	fflush(stdout);
	if (!known) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

		epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
	}
	/* until the counts are known, wait for them as long as the load runs */
	deadline = known ? now_ms() + seconds * 1000.0 : 1e300;
	while (done_subs < nsubs && now_ms() < deadline) {
		int n = epoll_wait(ep, evs, 256, 100);
		double t = now_ms();
		bool recount = false;

		for (int k = 0; k < n; k++) {
			struct sub *s = evs[k].data.ptr;

			if (s == NULL) {
				ssize_t r = read(0, stdin_buf + stdin_len,
				    sizeof stdin_buf - stdin_len);

				if (r > 0) {
					stdin_len += (size_t)r;
					read_expected(stdin_buf, &stdin_len, expected, ntokens);
				} else {
					epoll_ctl(ep, EPOLL_CTL_DEL, 0, NULL);
					known = recount = true;
					deadline = t + seconds * 1000.0;
				}
				continue;
			}
			if (drain(s, t) < 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
				fprintf(stderr, "a subscriber was closed\n");
				continue;
			}
			if (known && !s->done && s->events >= expected[s->store]) {
				s->done = true;
				done_subs++;
			}
		}
		if (recount) {
			for (int i = 0; i < nsubs; i++) {
				if (!subs[i].done && subs[i].events >= expected[subs[i].store]) {
					subs[i].done = true;
					done_subs++;
				}
			}
		}
	}
	if (stores_mode) {
		/* a moment more, so that an event too many would show */
		double end = now_ms() + 500;

		while (now_ms() < end) {
			int n = epoll_wait(ep, evs, 256, 100);

			for (int k = 0; k < n; k++) {
				struct sub *s = evs[k].data.ptr;

				if (s != NULL && drain(s, now_ms()) < 0)
					epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
			}
		}
	}
	qsort(delays, ndelays, sizeof *delays, cmp);
	if (ndelays > 0)
		printf("SUBSCRIBERS %d EVENTS %zu P50_MS %.2f P90_MS %.2f P99_MS %.2f MAX_MS %.2f\n",
		    ready, ndelays, delays[ndelays / 2], delays[(size_t)(ndelays * 0.90)],
		    delays[(size_t)(ndelays * 0.99)], delays[ndelays - 1]);
	else
		printf("SUBSCRIBERS %d EVENTS 0\n", ready);
	if (stores_mode) {
		int complete = 0, short_subs = 0, extra_subs = 0, foreign = 0;

		for (int st = 0; st < ntokens; st++) {
			bool ok = true;

			for (int i = st * per; i < (st + 1) * per; i++) {
				short_subs += subs[i].events < expected[st];
				extra_subs += subs[i].events > expected[st];
				foreign += subs[i].foreign;
				ok = ok && subs[i].events == expected[st] && subs[i].foreign == 0;
			}
			complete += ok;
		}
		printf("STORES %d COMPLETE %d SHORT_SUBS %d EXTRA_SUBS %d FOREIGN_EVENTS %d\n",
		    ntokens, complete, short_subs, extra_subs, foreign);
		return complete == ntokens ? 0 : 1;
	}
	if (done_subs < nsubs)
		printf("INCOMPLETE %d of %d subscribers got all %d events\n", done_subs, nsubs,
		    expected[0]);
	return done_subs == nsubs ? 0 : 1;
}
