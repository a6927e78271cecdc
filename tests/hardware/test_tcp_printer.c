/* test_tcp_printer: the tcp:// transport and the print queue against the
 * real virtual printer (brigade-vprinter) on an ephemeral loopback port:
 * bytes arrive byte for byte, status is read, a printer out of paper keeps
 * the job until paper is back and then prints it once, a printer that is
 * off gets the job when it comes on, one that vanishes mid-job is never
 * resent blindly, and a crash mid-send is left for a person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "escpos.h"
#include "log.h"
#include "printer.h"
#include "printq.h"
#include "util.h"
#include "xalloc.h"

static const char *vprinter_bin;
static pid_t started[16];
static int nstarted;
static char dir[64];

struct vp {
	pid_t pid;
	int port;
	char raw[128], text[128];
};

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	*len = 0;
	if (fp == NULL)
		return xstrdup("");
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static size_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* Wait (bounded) until path holds at least n bytes. */
static size_t
wait_size(const char *path, size_t n)
{
	for (int i = 0; i < 500 && file_size(path) < n; i++)
		sleep_ms(10);
	return file_size(path);
}

static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void
vp_start(struct vp *v, const char *name, int port, const char *extra)
{
	char listen_at[64], port_file[128];
	size_t len;

	snprintf(v->raw, sizeof v->raw, "%s/%s.raw", dir, name);
	snprintf(v->text, sizeof v->text, "%s/%s.txt", dir, name);
	snprintf(port_file, sizeof port_file, "%s/%s.port", dir, name);
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", port);
	unlink(port_file);
	v->pid = fork();
	assert_true(v->pid >= 0);
	if (v->pid == 0) {
		/* a failed assertion must not leave printers running */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(vprinter_bin, vprinter_bin, "--listen", listen_at, "--raw", v->raw,
		    "--text", v->text, "--port-file", port_file, extra, (char *)NULL);
		_exit(127);
	}
	started[nstarted++ % 16] = v->pid;
	for (int i = 0; i < 500 && access(port_file, F_OK) != 0; i++)
		sleep_ms(10);
	{
		char *s = slurp(port_file, &len);

		v->port = atoi(s);
		free(s);
	}
	assert_true(v->port > 0);
}

static void
vp_stop(struct vp *v)
{
	int status;

	kill(v->pid, SIGTERM);
	waitpid(v->pid, &status, 0);
	for (int i = 0; i < 16; i++) {
		if (started[i] == v->pid)
			started[i] = 0;
	}
}

/* After each test: stop printers a failed assertion left behind. */
static int
teardown(void **state)
{
	int status;

	(void)state;
	for (int i = 0; i < 16; i++) {
		if (started[i] > 0) {
			kill(started[i], SIGTERM);
			waitpid(started[i], &status, 0);
			started[i] = 0;
		}
	}
	return 0;
}

static char *
uri_of(int port)
{
	return xasprintf("tcp://127.0.0.1:%d", port);
}

/* Status changes arrive by signal: wait (bounded) until the printer says
 * paper is out (or back). */
static void
wait_paper(struct printer *p, bool out)
{
	struct printer_status st;
	struct printer_error err;

	for (int i = 0; i < 200; i++) {
		if (printer_status(p, &st, &err) == 0 && (st.known & PRINTER_PAPER_OUT) &&
		    !!(st.flags & PRINTER_PAPER_OUT) == out)
			return;
		sleep_ms(10);
	}
	fail_msg("printer never reported paper %s", out ? "out" : "in");
}

static void
sample_job(struct escpos *e, const struct profile *p, const char *line)
{
	escpos_begin(e, p);
	escpos_line(e, line);
	escpos_cut(e, true);
}

static void
test_print_and_status(void **state)
{
	struct profile prof;
	struct escpos e;
	struct vp v;
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	char *uri, *raw, *text, buf[96];
	size_t sent, len;

	(void)state;
	assert_int_equal(profile_load("epson-tm-t20", &prof, buf, sizeof buf), 0);
	vp_start(&v, "basic", 0, NULL);
	uri = uri_of(v.port);
	p = printer_open(uri, &err);
	assert_non_null(p);
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "online, drawer closed");
	sample_job(&e, &prof, "Crème brûlée €4.50 £3");
	assert_int_equal(printer_print(p, e.data, e.len, &sent, &err), 0);
	assert_int_equal(sent, e.len);
	assert_int_equal(wait_size(v.raw, e.len), e.len);
	raw = slurp(v.raw, &len);
	assert_int_equal(len, e.len);
	assert_memory_equal(raw, e.data, e.len);    /* status queries are not in it */
	free(raw);
	for (int i = 0; i < 200 && file_size(v.text) < 10; i++)
		sleep_ms(10);
	text = slurp(v.text, &len);
	assert_non_null(strstr(text, "Crème brûlée €4.50 £3\n"));
	assert_non_null(strstr(text, " partial cut "));
	free(text);
	printer_close(p);
	vp_stop(&v);

	/* a printer that does not answer DLE EOT: unknown, said as unknown */
	vp_start(&v, "mute", 0, "--no-status");
	free(uri);
	uri = uri_of(v.port);
	p = printer_open(uri, &err);
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_int_equal(st.known, 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "unknown");
	assert_int_equal(printer_print(p, e.data, e.len, &sent, &err), 0);
	assert_int_equal(wait_size(v.raw, e.len), e.len);
	printer_close(p);
	vp_stop(&v);
	escpos_free(&e);
	free(uri);
}

static void
test_paper_out_waits(void **state)
{
	struct profile prof;
	struct escpos e;
	struct vp v;
	struct printq *q;
	struct printq_job job;
	struct printq_printer *ps;
	struct printer_error err;
	struct printer *p;
	char qpath[128], *uri, msg[256], *raw;
	int64_t id, now = 1000000;
	size_t len;
	int n;

	(void)state;
	profile_fallback(&prof);
	vp_start(&v, "paper", 0, "--paper-out");
	uri = uri_of(v.port);
	snprintf(qpath, sizeof qpath, "%s/paper.db", dir);
	q = printq_open(qpath, msg, sizeof msg);
	assert_non_null(q);
	sample_job(&e, &prof, "Kitchen: 2 x Burger");
	id = printq_add(q, uri, "kitchen", "order 42", e.data, e.len, now);
	assert_true(id > 0);

	assert_int_equal(printq_run(q, now), 0);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_WAITING);
	assert_string_equal(job.error, "printer is out of paper");
	assert_int_equal(job.sent, 0);
	assert_int_equal(file_size(v.raw), 0);          /* nothing printed */
	n = printq_printers(q, &ps);
	assert_int_equal(n, 1);
	assert_string_equal(ps[0].state, "paper out");
	free(ps);
	/* not due yet: nothing happens */
	assert_int_equal(printq_run(q, now + 10), 0);

	kill(v.pid, SIGUSR2);                           /* paper loaded */
	p = printer_open(uri, &err);
	wait_paper(p, false);
	printer_close(p);
	assert_int_equal(printq_run(q, now + 5000), 1);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_DONE);
	assert_int_equal(job.sent, e.len);
	assert_int_equal(wait_size(v.raw, e.len), e.len);
	/* more passes print nothing more */
	assert_int_equal(printq_run(q, now + 60000), 0);
	assert_int_equal(printq_run(q, now + 120000), 0);
	sleep_ms(50);
	raw = slurp(v.raw, &len);
	assert_int_equal(len, e.len);                   /* once */
	assert_memory_equal(raw, e.data, e.len);
	free(raw);
	n = printq_printers(q, &ps);
	assert_string_equal(ps[0].state, "online, drawer closed");
	free(ps);

	/* jobs survive a restart of the program */
	kill(v.pid, SIGUSR1);
	p = printer_open(uri, &err);
	wait_paper(p, true);
	printer_close(p);
	id = printq_add(q, uri, "receipt", "order 43", e.data, e.len, now + 200000);
	assert_int_equal(printq_run(q, now + 200000), 0);
	printq_close(q);
	q = printq_open(qpath, msg, sizeof msg);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_WAITING);
	kill(v.pid, SIGUSR2);
	p = printer_open(uri, &err);
	wait_paper(p, false);
	printer_close(p);
	assert_int_equal(printq_run(q, now + 300000), 1);
	assert_int_equal(wait_size(v.raw, 2 * e.len), 2 * e.len);
	printq_close(q);
	vp_stop(&v);
	escpos_free(&e);
	free(uri);
}

static void
test_printer_off_then_on(void **state)
{
	struct profile prof;
	struct escpos e;
	struct vp v;
	struct printq *q;
	struct printq_job job, *jobs;
	char qpath[128], *uri, msg[256];
	int64_t id, now = 5000000;
	int port = free_port();

	(void)state;
	profile_fallback(&prof);
	uri = uri_of(port);
	snprintf(qpath, sizeof qpath, "%s/off.db", dir);
	q = printq_open(qpath, msg, sizeof msg);
	sample_job(&e, &prof, "first");
	id = printq_add(q, uri, "receipt", "", e.data, e.len, now);
	printq_add(q, uri, "receipt", "", e.data, e.len, now);

	assert_int_equal(printq_run(q, now), 0);        /* nobody listening */
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_WAITING);
	assert_int_equal(job.attempts, 1);
	assert_non_null(strstr(job.error, "unreachable"));
	assert_int_equal(printq_next_due(q), now + 1000);
	assert_int_equal(printq_jobs(q, false, 10, &jobs), 2);  /* both visible */
	free(jobs);
	assert_int_equal(printq_run(q, now + 1000), 0);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.attempts, 2);
	assert_int_equal(printq_next_due(q), now + 3000);   /* backing off */

	vp_start(&v, "late", port, NULL);               /* switched on */
	assert_int_equal(printq_run(q, now + 3000), 2);
	assert_int_equal(wait_size(v.raw, 2 * e.len), 2 * e.len);
	assert_int_equal(printq_jobs(q, false, 10, &jobs), 0);
	free(jobs);
	printq_close(q);
	vp_stop(&v);
	escpos_free(&e);
	free(uri);
}

/* A printer that answers status, takes a little of a job, then drops
 * the connection hard (RST), as one does when its power goes. */
struct vanisher {
	int fd;
	int jobs;               /* connections that carried print data */
};

static void *
vanisher_run(void *arg)
{
	struct vanisher *s = arg;
	struct linger lg = { 1, 0 };
	unsigned char buf[4096];

	for (int conn = 0; conn < 4; conn++) {
		size_t got = 0;
		int c = accept(s->fd, NULL, NULL);

		if (c < 0)
			return NULL;
		while (got < 64 * 1024) {
			ssize_t n = read(c, buf, sizeof buf);

			if (n <= 0)
				break;
			if (n % 3 == 0 && buf[0] == 0x10 && buf[1] == 0x04) {
				unsigned char ok = 0x12;

				for (ssize_t i = 0; i < n; i += 3) {
					if (write(c, &ok, 1) != 1)
						break;
				}
				continue;
			}
			got += (size_t)n;
		}
		if (got < 64 * 1024) {          /* a status query: done */
			close(c);
			continue;
		}
		s->jobs++;
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(c);
		return NULL;
	}
	return NULL;
}

static void
test_vanish_mid_job(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t slen = sizeof sa;
	struct vanisher s = { 0 };
	struct printq *q;
	struct printq_job job;
	pthread_t th;
	char qpath[128], *uri, msg[256];
	unsigned char *big = xcalloc(16u << 20, 1);
	int64_t id, now = 9000000;

	(void)state;
	s.fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s.fd, (struct sockaddr *)&sa, sizeof sa), 0);
	listen(s.fd, 4);
	getsockname(s.fd, (struct sockaddr *)&sa, &slen);
	pthread_create(&th, NULL, vanisher_run, &s);
	uri = uri_of(ntohs(sa.sin_port));
	snprintf(qpath, sizeof qpath, "%s/vanish.db", dir);
	q = printq_open(qpath, msg, sizeof msg);
	id = printq_add(q, uri, "label", "", big, 16u << 20, now);
	assert_int_equal(printq_run(q, now), 0);
	pthread_join(th, NULL);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_ATTENTION);
	assert_true(job.sent > 0 && job.sent < job.size);
	assert_non_null(strstr(job.error, "reprint or discard"));
	assert_non_null(strstr(job.error, "dropped the connection"));
	/* never resent by itself, however often the queue runs */
	assert_int_equal(printq_run(q, now + 60000), 0);
	assert_int_equal(printq_run(q, now + 600000), 0);
	assert_int_equal(s.jobs, 1);
	/* the person chooses */
	assert_int_equal(printq_discard(q, id, now + 700000), 0);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_DISCARDED);
	assert_int_equal(printq_discard(q, 999999, now), -1);
	printq_close(q);
	close(s.fd);
	free(big);
	free(uri);
}

static void
test_crash_mid_send(void **state)
{
	struct printq *q;
	struct printq_job job;
	sqlite3 *db;
	char qpath[128], msg[256];
	int64_t id;

	(void)state;
	snprintf(qpath, sizeof qpath, "%s/crash.db", dir);
	q = printq_open(qpath, msg, sizeof msg);
	id = printq_add(q, "tcp://127.0.0.1:1", "receipt", "", "x", 1, 1);
	printq_close(q);
	/* what a crash between "sending" and "done" leaves behind */
	assert_int_equal(sqlite3_open(qpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE print_jobs SET state=1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	q = printq_open(qpath, msg, sizeof msg);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_ATTENTION);
	assert_non_null(strstr(job.error, "interrupted"));
	assert_int_equal(printq_run(q, 100000), 0);
	assert_int_equal(printq_reprint(q, id, 100001), 0);
	assert_int_equal(printq_job(q, id, &job), 0);
	assert_int_equal(job.state, PRINTQ_QUEUED);
	printq_close(q);

	assert_null(printq_open("/nonexistent-dir/q.db", msg, sizeof msg));
	assert_non_null(strstr(msg, "/nonexistent-dir/q.db"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_print_and_status, teardown),
		cmocka_unit_test_teardown(test_paper_out_waits, teardown),
		cmocka_unit_test_teardown(test_printer_off_then_on, teardown),
		cmocka_unit_test_teardown(test_vanish_mid_job, teardown),
		cmocka_unit_test_teardown(test_crash_mid_send, teardown),
	};
	char cmd[96];
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-brigade-vprinter\n", argv[0]);
		return 2;
	}
	vprinter_bin = argv[1];
	log_set_level(LOG_ERROR);
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof dir, "/tmp/test_tcp_printer_XXXXXX");
	assert_non_null(mkdtemp(dir));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return rc;
}
