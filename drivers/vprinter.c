/* brigade-vprinter: a virtual network ESC/POS printer. It takes jobs on a
 * TCP port like a printer's raw port 9100, appends the print data to a raw
 * file, renders what a person would see on paper as text, and answers
 * DLE EOT status queries. SIGUSR1 takes the paper out, SIGUSR2 puts it
 * back: while out, it answers "paper out" and holds what it receives,
 * printing it when paper returns, as real printers do. It plays a printer
 * --columns wide (font A at size 1) and reports every line a real printer
 * of that width would wrap, on standard error and in the --overflow file.
 *
 *   brigade-vprinter --listen 127.0.0.1:PORT --raw PATH [--text PATH]
 *       [--columns N] [--overflow PATH] [--paper-out] [--no-status]
 *       [--port-file PATH]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "render.h"
#include "xalloc.h"

#define VP_CLIENTS 8
/* An unfinished command longer than this is garbage, not a command. */
#define VP_PENDING_MAX (1u << 20)

struct vp_client {
	int fd;
	unsigned char *pending;     /* bytes of a command not yet complete */
	size_t npending;
	struct render splitter;     /* finds command boundaries and status queries */
};

struct vprinter {
	int listen_fd;
	int raw_fd;
	FILE *text;
	FILE *overflow;             /* lines too wide for the paper, or NULL */
	int columns;
	bool answer_status;
	bool paper_out;
	unsigned char *held;        /* print data waiting for paper */
	size_t nheld;
	struct render paper;        /* the paper everyone prints on */
	struct vp_client clients[VP_CLIENTS];
	int answer_fd;              /* the client a status answer goes to */
};

static volatile sig_atomic_t vp_signal_paper = -1;     /* 0 in, 1 out */
static volatile sig_atomic_t vp_stop;

static void
vp_on_signal(int sig)
{
	if (sig == SIGUSR1)
		vp_signal_paper = 1;
	else if (sig == SIGUSR2)
		vp_signal_paper = 0;
	else
		vp_stop = 1;
}

static void
vp_line(void *ctx, const char *line)
{
	struct vprinter *vp = ctx;

	fprintf(vp->text, "%s\n", line);
	fflush(vp->text);
}

/* A line wider than the paper: a real printer would have wrapped it,
 * breaking the layout (an amount on a line of its own, a name in two).
 * Said on standard error and, for tests, one line in the --overflow file:
 * "COLS/COLUMNS: text". */
static void
vp_overflow(void *ctx, const char *line, int cols)
{
	struct vprinter *vp = ctx;

	fprintf(stderr, "brigade-vprinter: a line of %d columns on %d-column paper "
	    "would wrap: %s\n", cols, vp->columns, line);
	if (vp->overflow != NULL) {
		fprintf(vp->overflow, "%d/%d: %s\n", cols, vp->columns, line);
		fflush(vp->overflow);
	}
}

/* DLE EOT answers, as an Epson TM printer gives them: paper out means
 * offline (n=1), "stopped by paper end" (n=2) and the end sensor (n=4). */
static int
vp_status(void *ctx, int n)
{
	struct vprinter *vp = ctx;
	unsigned char b = 0x12;

	if (!vp->answer_status)
		return -1;
	if (n == 1 && vp->paper_out)
		b |= 0x08;
	if (n == 2 && vp->paper_out)
		b |= 0x20;
	if (n == 4 && vp->paper_out)
		b |= 0x6c;
	if (n != 1 && n != 2 && n != 3 && n != 4)
		return -1;
	if (send(vp->answer_fd, &b, 1, MSG_NOSIGNAL) != 1)
		log_warn("status answer lost: %s", strerror(errno));
	return b;
}

static void
vp_write_all(int fd, const unsigned char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("raw file: %s", strerror(errno));
			return;
		}
		b += w;
		n -= (size_t)w;
	}
}

static void
vp_print(struct vprinter *vp, const unsigned char *b, size_t n)
{
	if (vp->paper_out) {
		vp->held = xrealloc(vp->held, vp->nheld + n);
		memcpy(vp->held + vp->nheld, b, n);
		vp->nheld += n;
		return;
	}
	vp_write_all(vp->raw_fd, b, n);
	render_feed(&vp->paper, b, n);
}

static void
vp_set_paper(struct vprinter *vp, bool out)
{
	if (vp->paper_out == out)
		return;
	vp->paper_out = out;
	log_info("paper %s", out ? "out" : "in");
	if (!out && vp->nheld > 0) {
		unsigned char *held = vp->held;
		size_t n = vp->nheld;

		vp->held = NULL;
		vp->nheld = 0;
		vp_print(vp, held, n);
		render_flush(&vp->paper);
		free(held);
	}
}

/* Split what arrived into commands: status queries are answered now,
 * everything else is print data. An unfinished command waits for more. */
static void
vp_receive(struct vprinter *vp, struct vp_client *c, const unsigned char *b, size_t n)
{
	size_t done = 0, start = 0;

	c->pending = xrealloc(c->pending, c->npending + n);
	memcpy(c->pending + c->npending, b, n);
	c->npending += n;
	vp->answer_fd = c->fd;
	while (done < c->npending) {
		bool realtime;
		size_t used = render_step(&c->splitter, c->pending + done, c->npending - done,
		    &realtime);

		if (used == 0)
			break;
		/* print data goes out in runs, not a write per character */
		if (realtime) {
			if (done > start)
				vp_print(vp, c->pending + start, done - start);
			start = done + used;
		}
		done += used;
	}
	if (done > start)
		vp_print(vp, c->pending + start, done - start);
	memmove(c->pending, c->pending + done, c->npending - done);
	c->npending -= done;
	if (c->npending > VP_PENDING_MAX) {
		log_warn("dropping %zu bytes of an endless command", c->npending);
		c->npending = 0;
	}
}

static void
vp_drop(struct vprinter *vp, struct vp_client *c)
{
	if (c->npending > 0)
		vp_print(vp, c->pending, c->npending);      /* a cut-off job */
	if (!vp->paper_out)
		render_flush(&vp->paper);
	close(c->fd);
	free(c->pending);
	render_free(&c->splitter);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

static int
vp_listen(const char *spec, const char *port_file)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(spec, ':');
	char host[64];
	socklen_t len = sizeof sa;
	int fd, one = 1;
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof host) {
		fprintf(stderr, "brigade-vprinter: --listen takes HOST:PORT\n");
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "brigade-vprinter: bad --listen %s\n", spec);
		return -1;
	}
	sa.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0) {
		fprintf(stderr, "brigade-vprinter: cannot listen on %s: %s\n", spec, strerror(errno));
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sa, &len);
	log_info("listening on %s:%d", host, ntohs(sa.sin_port));
	if (port_file != NULL) {
		/* written whole then renamed, so a reader never sees half */
		char *tmp = xasprintf("%s.tmp", port_file);
		FILE *fp = fopen(tmp, "w");

		if (fp == NULL) {
			fprintf(stderr, "brigade-vprinter: %s: %s\n", tmp, strerror(errno));
			free(tmp);
			return -1;
		}
		fprintf(fp, "%d\n", ntohs(sa.sin_port));
		fclose(fp);
		rename(tmp, port_file);
		free(tmp);
	}
	return fd;
}

static void
vp_usage(FILE *fp)
{
	fprintf(fp, "usage: brigade-vprinter --listen HOST:PORT --raw PATH [--text PATH]\n"
	    "        [--columns N] [--overflow PATH] [--paper-out] [--no-status]\n"
	    "        [--port-file PATH]\n"
	    "       brigade-vprinter --help | --version\n"
	    "\n"
	    "A virtual ESC/POS network printer: keeps the bytes it is sent in the\n"
	    "--raw file and shows the paper as text (--text, else standard output).\n"
	    "It is --columns wide (48); a line a real printer of that width would\n"
	    "wrap is reported on standard error and in the --overflow file.\n"
	    "SIGUSR1 takes the paper out, SIGUSR2 puts it back.\n");
}

int
main(int argc, char **argv)
{
	const char *listen_spec = NULL, *raw = NULL, *text = NULL, *port_file = NULL;
	const char *overflow = NULL;
	struct vprinter vp;
	struct sigaction sa;
	sigset_t block, empty;
	int columns = 48;

	log_init("brigade-vprinter");
	memset(&vp, 0, sizeof vp);
	vp.answer_status = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--listen") == 0 && v) {
			listen_spec = v;
			i++;
		} else if (strcmp(a, "--raw") == 0 && v) {
			raw = v;
			i++;
		} else if (strcmp(a, "--text") == 0 && v) {
			text = v;
			i++;
		} else if (strcmp(a, "--overflow") == 0 && v) {
			overflow = v;
			i++;
		} else if (strcmp(a, "--port-file") == 0 && v) {
			port_file = v;
			i++;
		} else if (strcmp(a, "--columns") == 0 && v) {
			columns = atoi(v);
			i++;
			if (columns < 16 || columns > 96) {
				fprintf(stderr, "brigade-vprinter: --columns must be 16..96\n");
				return 2;
			}
		} else if (strcmp(a, "--paper-out") == 0) {
			vp.paper_out = true;
		} else if (strcmp(a, "--no-status") == 0) {
			vp.answer_status = false;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			vp_usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("brigade-vprinter %s\n", BRIGADE_VERSION);
			return 0;
		} else {
			vp_usage(stderr);
			return 2;
		}
	}
	if (listen_spec == NULL || raw == NULL) {
		vp_usage(stderr);
		return 2;
	}
	vp.raw_fd = open(raw, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (vp.raw_fd < 0) {
		fprintf(stderr, "brigade-vprinter: %s: %s\n", raw, strerror(errno));
		return 1;
	}
	vp.text = text ? fopen(text, "a") : stdout;
	if (vp.text == NULL) {
		fprintf(stderr, "brigade-vprinter: %s: %s\n", text, strerror(errno));
		return 1;
	}
	if (overflow != NULL && (vp.overflow = fopen(overflow, "a")) == NULL) {
		fprintf(stderr, "brigade-vprinter: %s: %s\n", overflow, strerror(errno));
		return 1;
	}
	vp.columns = columns;
	/* signals arrive only inside ppoll, so the flags are read safely */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = vp_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);

	vp.listen_fd = vp_listen(listen_spec, port_file);
	if (vp.listen_fd < 0)
		return 1;
	render_init(&vp.paper, columns, vp_line, NULL, &vp);
	vp.paper.on_overflow = vp_overflow;
	for (int i = 0; i < VP_CLIENTS; i++)
		vp.clients[i].fd = -1;

	while (!vp_stop) {
		struct pollfd pfd[VP_CLIENTS + 1];
		int n = 0, map[VP_CLIENTS + 1];

		pfd[n].fd = vp.listen_fd;
		pfd[n].events = POLLIN;
		map[n++] = -1;
		for (int i = 0; i < VP_CLIENTS; i++) {
			if (vp.clients[i].fd < 0)
				continue;
			pfd[n].fd = vp.clients[i].fd;
			pfd[n].events = POLLIN;
			map[n++] = i;
		}
		if (ppoll(pfd, (nfds_t)n, NULL, &empty) < 0) {
			if (errno != EINTR)
				break;
		} else {
			for (int k = 0; k < n; k++) {
				if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				if (map[k] < 0) {
					int fd = accept4(vp.listen_fd, NULL, NULL, SOCK_CLOEXEC);
					int slot = -1;

					for (int i = 0; i < VP_CLIENTS && fd >= 0; i++) {
						if (vp.clients[i].fd < 0) {
							slot = i;
							break;
						}
					}
					if (fd >= 0 && slot < 0) {
						close(fd);      /* busy: like a printer, one at a time */
					} else if (fd >= 0) {
						vp.clients[slot].fd = fd;
						render_init(&vp.clients[slot].splitter, columns, NULL,
						    vp_status, &vp);
					}
					continue;
				}
				{
					struct vp_client *c = &vp.clients[map[k]];
					unsigned char buf[8192];
					ssize_t got = read(c->fd, buf, sizeof buf);

					if (got > 0)
						vp_receive(&vp, c, buf, (size_t)got);
					else if (got == 0 || errno != EINTR)
						vp_drop(&vp, c);
				}
			}
		}
		if (vp_signal_paper >= 0) {
			vp_set_paper(&vp, vp_signal_paper == 1);
			vp_signal_paper = -1;
		}
	}
	for (int i = 0; i < VP_CLIENTS; i++) {
		if (vp.clients[i].fd >= 0)
			vp_drop(&vp, &vp.clients[i]);
	}
	render_flush(&vp.paper);
	render_free(&vp.paper);
	free(vp.held);
	close(vp.raw_fd);
	if (vp.text != stdout)
		fclose(vp.text);
	if (vp.overflow != NULL)
		fclose(vp.overflow);
	close(vp.listen_fd);
	return 0;
}
