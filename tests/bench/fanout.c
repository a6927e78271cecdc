/* fanout: a stream fan-out benchmark. Opens N WebSocket subscribers to
 * brigade-server's /api/v1/stream, waits until all are connected, then
 * records for every event each subscriber receives the delay from the
 * event's commit time ("at", server clock, same machine) to its receipt.
 * Prints percentiles when every subscriber has the expected number of
 * events or the time limit passed.
 *
 *   bench-fanout PORT TOKEN SUBSCRIBERS EVENTS [SECONDS]
 *
 * The subscribers are plain sockets on one epoll set, so the measuring
 * side costs as little as possible on the machine it shares with the
 * server; the load (orders at a steady rate) comes from another process. */
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
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct sub {
	int fd;
	bool upgraded;
	int events;                  /* event messages (the hello excluded) */
	bool hello;
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
	const char *at;

	if (!s->hello) {
		s->hello = true;
		return;
	}
	s->events++;
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
		else if ((p[0] & 0x0f) == 0x8)
			return -1;
		off += hdr + (size_t)n;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct epoll_event evs[256];
	struct sub *subs;
	int ep, port, nsubs, expected, seconds, ready = 0, done_subs = 0;
	double deadline;
	char req[512];

	if (argc < 5) {
		fprintf(stderr, "usage: bench-fanout PORT TOKEN SUBSCRIBERS EVENTS [SECONDS]\n");
		return 2;
	}
	port = atoi(argv[1]);
	nsubs = atoi(argv[3]);
	expected = atoi(argv[4]);
	seconds = argc > 5 ? atoi(argv[5]) : 60;
	snprintf(req, sizeof req,
	    "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n", port, argv[2]);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ep = epoll_create1(0);
	subs = calloc((size_t)nsubs, sizeof *subs);
	for (int i = 0; i < nsubs; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &subs[i] };
		int one = 1;

		subs[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (subs[i].fd < 0 || connect(subs[i].fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			perror("connect");
			return 1;
		}
		setsockopt(subs[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (write(subs[i].fd, req, strlen(req)) != (ssize_t)strlen(req)) {
			perror("write");
			return 1;
		}
		subs[i].cap = 1 << 16;
		subs[i].buf = malloc(subs[i].cap);
		epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &ev);
	}
	deadline = now_ms() + 30000;
	while (now_ms() < deadline) {
		int n = epoll_wait(ep, evs, 256, 100);

		for (int k = 0; k < n; k++) {
			struct sub *s = evs[k].data.ptr;
			ssize_t r = read(s->fd, s->buf + s->len, s->cap - s->len);

			if (r <= 0)
				continue;
			s->len += (size_t)r;
			if (parse(s, now_ms()) < 0) {
				fprintf(stderr, "subscriber refused or closed\n");
				return 1;
			}
		}
		ready = 0;
		for (int i = 0; i < nsubs; i++)
			ready += subs[i].hello;
		if (ready == nsubs)
			break;
	}
	printf("READY %d\n", ready);
	fflush(stdout);
	deadline = now_ms() + seconds * 1000.0;
	while (done_subs < nsubs && now_ms() < deadline) {
		int n = epoll_wait(ep, evs, 256, 100);
		double t = now_ms();

		for (int k = 0; k < n; k++) {
			struct sub *s = evs[k].data.ptr;
			int before = s->events;
			ssize_t r;

			if (s->len == s->cap) {
				s->cap *= 2;
				s->buf = realloc(s->buf, s->cap);
			}
			r = read(s->fd, s->buf + s->len, s->cap - s->len);
			if (r <= 0)
				continue;
			s->len += (size_t)r;
			parse(s, t);
			if (before < expected && s->events >= expected)
				done_subs++;
		}
	}
	qsort(delays, ndelays, sizeof *delays, cmp);
	if (ndelays > 0)
		printf("SUBSCRIBERS %d EVENTS %zu P50_MS %.2f P99_MS %.2f MAX_MS %.2f\n",
		    ready, ndelays, delays[ndelays / 2], delays[(size_t)(ndelays * 0.99)],
		    delays[ndelays - 1]);
	else
		printf("SUBSCRIBERS %d EVENTS 0\n", ready);
	if (done_subs < nsubs)
		printf("INCOMPLETE %d of %d subscribers got all %d events\n", done_subs, nsubs,
		    expected);
	return done_subs == nsubs ? 0 : 1;
}
