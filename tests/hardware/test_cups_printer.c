/* test_cups_printer: the cups:// transport against a real, private cupsd
 * (tests/hardware/cups/cupsd-up.sh) whose raw queue hands jobs to a
 * capture backend: the bytes that reach the backend are the bytes sent,
 * byte for byte; a job CUPS cancels is reported as failed (and the queue
 * leaves it to a person); a missing queue and a stopped cupsd are clear
 * errors; libcups is loaded by the first cups:// printer, not at start.
 * Skips (77) only when cupsd is not installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "documents.h"
#include "log.h"
#include "mapped.h"
#include "printer.h"
#include "printq.h"
#include "xalloc.h"

static char dir[64];
static pid_t cupsd_pid;

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
	fclose(fp);
	return buf;
}

static void
stop_cupsd(void)
{
	int status;

	if (cupsd_pid > 0) {
		kill(cupsd_pid, SIGTERM);
		for (int i = 0; i < 100 && kill(cupsd_pid, 0) == 0; i++) {
			struct timespec ts = { 0, 20000000L };

			waitpid(cupsd_pid, &status, WNOHANG);
			nanosleep(&ts, NULL);
		}
		cupsd_pid = 0;
	}
}

/* Everything a receipt printer can be sent, including NUL and ESC bytes
 * that a filter would mangle: only a raw path keeps them. */
static void
sample(struct escpos *e, struct profile *p)
{
	struct doc_config c;
	struct order o;
	struct order_item *it;

	profile_load("epson-tm-t20", p, c.name, sizeof c.name);
	doc_config_init(&c);
	xstrlcpy(c.currency, "€", sizeof c.currency);
	xstrlcpy(c.qr_url, "https://brigade.example/o/{number}", sizeof c.qr_url);
	order_init(&o);
	o.number = 7;
	it = order_add_item(&o);
	xstrlcpy(it->name, "Crêpe Suzette", sizeof it->name);
	it->qty = 1;
	it->line_total = 650;
	o.subtotal = o.total = 650;
	escpos_begin(e, p);
	document_receipt(e, &o, &c);
	escpos_raw(e, "\x00\x01\xff", 3);
	order_free(&o);
}

/* A program that never prints through CUPS does not carry libcups (and
 * GnuTLS, avahi, krb5... with it). Runs first: nothing has used a cups://
 * printer yet. */
static void
test_loaded_on_first_use(void **state)
{
	struct printer_error err;
	struct printer *p;

	(void)state;
	assert_false(mapped("/libcups.so.2"));
	p = printer_open("cups://capture", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	assert_true(mapped("/libcups.so.2"));
	printer_close(p);
}

static void
test_raw_job_bytes(void **state)
{
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	struct profile prof;
	struct escpos e;
	char path[128], *got, buf[96];
	size_t sent, len;

	(void)state;
	sample(&e, &prof);
	p = printer_open("cups://capture", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	assert_int_equal(printer_print(p, e.data, e.len, &sent, &err), 0);
	assert_int_equal(sent, e.len);
	snprintf(path, sizeof path, "%s/capture.bin", dir);
	got = slurp(path, &len);
	assert_int_equal(len, e.len);
	assert_memory_equal(got, e.data, e.len);
	free(got);
	/* a second job arrives after the first, untouched too */
	assert_int_equal(printer_print(p, e.data, e.len, &sent, &err), 0);
	got = slurp(path, &len);
	assert_int_equal(len, 2 * e.len);
	assert_memory_equal(got + e.len, e.data, e.len);
	free(got);
	/* a raw queue knows it is up, not whether it has paper */
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "online, paper unknown");
	printer_close(p);
	escpos_free(&e);
}

static void
test_queue_through_cups(void **state)
{
	struct printq *q;
	struct printq_job job;
	char path[128], msg[256];
	int64_t ok, bad;

	(void)state;
	snprintf(path, sizeof path, "%s/queue.db", dir);
	q = printq_open(path, msg, sizeof msg);
	assert_non_null(q);
	ok = printq_add(q, "cups://capture", "test", "", "\x1b@queued\n", 9, 1000);
	bad = printq_add(q, "cups://broken", "test", "", "\x1b@lost\n", 7, 1000);
	assert_int_equal(printq_run(q, 1000), 1);
	assert_int_equal(printq_job(q, ok, &job), 0);
	assert_int_equal(job.state, PRINTQ_DONE);
	/* CUPS cancelled it after taking every byte: a person decides */
	assert_int_equal(printq_job(q, bad, &job), 0);
	assert_int_equal(job.state, PRINTQ_ATTENTION);
	assert_non_null(strstr(job.error, "was cancelled"));
	printq_close(q);
}

static void
test_errors(void **state)
{
	struct printer_error err;
	struct printer *p;
	size_t sent = 0;

	(void)state;
	assert_null(printer_open("cups://no-such-queue", &err));
	assert_int_equal(err.code, PRINTER_ENOTFOUND);
	assert_non_null(strstr(err.message, "no CUPS queue \"no-such-queue\""));

	p = printer_open("cups://broken", &err);
	assert_non_null(p);
	assert_int_equal(printer_print(p, "\x1b@x\n", 4, &sent, &err), -1);
	assert_int_equal(err.code, PRINTER_EJOB);
	assert_int_equal(sent, 4);
	printer_close(p);

	/* the spooler itself gone */
	p = printer_open("cups://capture", &err);
	assert_non_null(p);
	stop_cupsd();
	printer_close(p);
	assert_null(printer_open("cups://capture", &err));
	assert_int_equal(err.code, PRINTER_EOFFLINE);
	assert_non_null(strstr(err.message, "CUPS"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loaded_on_first_use),
		cmocka_unit_test(test_raw_job_bytes),
		cmocka_unit_test(test_queue_through_cups),
		cmocka_unit_test(test_errors),
	};
	char *cmd, *sock, *pidtext;
	size_t len;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-cupsd-up.sh\n", argv[0]);
		return 2;
	}
	log_set_level(LOG_ERROR);
	snprintf(dir, sizeof dir, "/tmp/test_cups_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	cmd = xasprintf("sh %s %s", argv[1], dir);
	rc = system(cmd);
	free(cmd);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
		printf("SKIP: no cupsd on this machine\n");
		return 77;
	}
	if (rc != 0) {
		fprintf(stderr, "could not start a private cupsd\n");
		return 1;
	}
	cmd = xasprintf("%s/cupsd.pid", dir);
	pidtext = slurp(cmd, &len);
	cupsd_pid = atoi(pidtext);
	free(pidtext);
	free(cmd);
	sock = xasprintf("%s/cups.sock", dir);
	setenv("CUPS_SERVER", sock, 1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	stop_cupsd();
	free(sock);
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return rc;
}
