/* test_printq: the print queue's rules on file:// printers (no network):
 * jobs print in order and once, a printer that cannot be opened keeps its
 * jobs with the reason shown, people can discard and reprint, and the
 * screens see jobs and printer states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "printq.h"
#include "xalloc.h"

static char dir[64];

static size_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void
test_rules(void **state)
{
	struct printq *q;
	struct printq_job job, *jobs;
	struct printq_printer *ps;
	char *db = xasprintf("%s/q.db", dir), *out = xasprintf("%s/paper.bin", dir);
	char *uri = xasprintf("file://%s", out), *bad = xasprintf("file://%s", dir);
	char err[256];
	int64_t a, b, c, now = 1000;
	int n;

	(void)state;
	q = printq_open(db, err, sizeof err);
	assert_non_null(q);
	assert_int_equal(printq_next_due(q), INT64_MAX);
	a = printq_add(q, uri, "receipt", "order 1", "AAAA", 4, now);
	b = printq_add(q, uri, "kitchen", "order 1", "BB", 2, now);
	c = printq_add(q, bad, "label", "order 2", "CCC", 3, now);
	assert_true(a > 0 && b > a && c > b);
	assert_int_equal(printq_jobs(q, false, 10, &jobs), 3);
	assert_string_equal(jobs[0].kind, "receipt");
	assert_int_equal(jobs[0].state, PRINTQ_QUEUED);
	assert_int_equal(jobs[0].size, 4);
	free(jobs);

	assert_int_equal(printq_run(q, now), 2);
	assert_int_equal(file_size(out), 6);                /* in order, once */
	{
		FILE *fp = fopen(out, "rb");
		char buf[8] = { 0 };

		assert_int_equal(fread(buf, 1, sizeof buf, fp), 6);
		fclose(fp);
		assert_memory_equal(buf, "AAAABB", 6);
	}
	assert_int_equal(printq_job(q, c, &job), 0);
	assert_int_equal(job.state, PRINTQ_WAITING);
	assert_non_null(strstr(job.error, "is a directory"));
	assert_int_equal(printq_next_due(q), now + 1000);
	assert_int_equal(printq_run(q, now + 500), 0);      /* not due: untouched */
	assert_int_equal(file_size(out), 6);

	n = printq_printers(q, &ps);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		if (strcmp(ps[i].uri, bad) == 0)
			assert_string_equal(ps[i].state, "not-found");
		else
			assert_string_equal(ps[i].state, "ready");
	}
	free(ps);

	/* people: drop the stuck label, reprint the receipt */
	assert_int_equal(printq_discard(q, c, now + 2000), 0);
	assert_int_equal(printq_reprint(q, a, now + 2000), 0);
	assert_int_equal(printq_reprint(q, c, now + 2000), -1);     /* discarded */
	assert_int_equal(printq_run(q, now + 2000), 1);
	assert_int_equal(file_size(out), 10);
	assert_int_equal(printq_jobs(q, false, 10, &jobs), 0);
	free(jobs);
	assert_int_equal(printq_jobs(q, true, 2, &jobs), 2);        /* newest first */
	assert_int_equal(jobs[0].id, c);
	assert_int_equal(jobs[0].state, PRINTQ_DISCARDED);
	free(jobs);
	assert_int_equal(printq_job(q, 424242, &job), -1);
	printq_close(q);
	unlink(out);
	free(db);
	free(out);
	free(uri);
	free(bad);
}

static void
test_open_errors(void **state)
{
	char err[256], *path = xasprintf("%s/not-a-db", dir);
	FILE *fp = fopen(path, "w");

	(void)state;
	fputs("this is not a database, it is a file of words", fp);
	fclose(fp);
	assert_null(printq_open(path, err, sizeof err));
	assert_non_null(strstr(err, "not-a-db"));
	assert_null(printq_open("/nonexistent-dir/q.db", err, sizeof err));
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_open_errors),
	};
	char cmd[96];
	int rc;

	log_set_level(LOG_OFF);
	snprintf(dir, sizeof dir, "/tmp/test_printq_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return rc;
}
