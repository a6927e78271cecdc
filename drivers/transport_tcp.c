/* transport_tcp: tcp://HOST[:PORT], a network printer's raw port (9100).
 * A connection per job or status query, so one printer can serve several
 * tills; every connect, write and read has a timeout. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "printer.h"
#include "util.h"

/* How long to wait for the printer to close its side after our last byte:
 * its close is the proof it read everything. */
#define TCP_DRAIN_MS 3000

static int
tcp_connect(struct printer *p, struct printer_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char port[8];
	int fd = -1, e = 0, rc;

	snprintf(port, sizeof port, "%d", p->uri.port);
	rc = getaddrinfo(p->uri.target, port, &hints, &res);
	if (rc != 0)
		return printer_fail(err, PRINTER_ENOTFOUND, "cannot find printer host %s: %s",
		    p->uri.target, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		socklen_t len = sizeof e;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		if (e == EINPROGRESS) {
			if (printer_wait_fd(fd, POLLOUT, p->timeout_ms) > 0 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0)
				break;
			if (e == EINPROGRESS)
				e = ETIMEDOUT;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return printer_fail(err, PRINTER_EOFFLINE, "printer at %s:%d is unreachable: %s",
		    p->uri.target, p->uri.port, strerror(e));
	return fd;
}

static int
tcp_send(struct printer *p, int fd, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	while (*sent < len) {
		ssize_t n = send(fd, buf + *sent, len - *sent, MSG_NOSIGNAL);

		if (n > 0) {
			*sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (printer_wait_fd(fd, POLLOUT, p->timeout_ms) == 0)
				return printer_fail(err, PRINTER_ETIMEOUT,
				    "printer at %s:%d took no data for %d ms", p->uri.target,
				    p->uri.port, p->timeout_ms);
			continue;
		}
		return printer_fail(err, PRINTER_EGONE,
		    "printer at %s:%d dropped the connection after %zu of %zu bytes: %s",
		    p->uri.target, p->uri.port, *sent, len, strerror(n < 0 ? errno : EPIPE));
	}
	return 0;
}

static int
tcp_open(struct printer *p, struct printer_error *err)
{
	/* nothing to hold open: connections are made per job */
	p->impl = NULL;
	return 0;
}

static int
tcp_print(struct printer *p, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	unsigned char junk[256];
	int fd = tcp_connect(p, err);
	int64_t deadline;

	if (fd < 0)
		return -1;
	if (tcp_send(p, fd, buf, len, sent, err) < 0) {
		close(fd);
		return -1;
	}
	/* end of job: half-close, then wait for the printer to close its side
	 * (it has read every byte by then). Anything it says meanwhile is
	 * automatic status we did not ask for. */
	shutdown(fd, SHUT_WR);
	deadline = util_mono_ms() + TCP_DRAIN_MS;
	for (;;) {
		int64_t left = deadline - util_mono_ms();
		ssize_t n;

		if (left <= 0 || printer_wait_fd(fd, POLLIN, (int)left) <= 0)
			break;
		n = recv(fd, junk, sizeof junk, 0);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
	}
	close(fd);
	return 0;
}

struct tcp_xchg {
	int fd;
};

static int
tcp_xchg(struct printer *p, const unsigned char *q, size_t n, unsigned char *answer,
    int timeout_ms, struct printer_error *err)
{
	struct tcp_xchg *x = p->impl;
	size_t sent = 0;
	ssize_t r;

	if (tcp_send(p, x->fd, q, n, &sent, err) < 0)
		return -1;
	if (printer_wait_fd(x->fd, POLLIN, timeout_ms) <= 0)
		return 0;
	r = recv(x->fd, answer, 1, 0);
	return r == 1 ? 1 : 0;
}

static int
tcp_status(struct printer *p, struct printer_status *st, struct printer_error *err)
{
	struct tcp_xchg x;
	int rc;

	x.fd = tcp_connect(p, err);
	if (x.fd < 0)
		return -1;
	p->impl = &x;
	rc = printer_dle_status(p, tcp_xchg, st, err);
	p->impl = NULL;
	close(x.fd);
	return rc;
}

static void
tcp_close(struct printer *p)
{
	p->impl = NULL;
}

const struct transport transport_tcp = {
	.scheme = "tcp",
	.open = tcp_open,
	.print = tcp_print,
	.status = tcp_status,
	.close = tcp_close,
};
