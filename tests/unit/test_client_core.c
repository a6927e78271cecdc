/* Unit tests of the client's small parts: settings precedence, the server
 * clock, and backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "api.h"
#include "cfg.h"
#include "clock.h"
#include "util.h"

static void
test_cfg_precedence(void **state)
{
	char dir[] = "/tmp/brigade-cfg-XXXXXX", file[128], err[256];
	struct client_cfg c;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/brigade.conf", dir);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("# a terminal\nserver = http://10.0.0.5:8080/\nstaff = k1\nterminal = \"till 2\"\n"
	    "timeout_ms = 2500\n", fp);
	fclose(fp);
	setenv("BRIGADE_CONFIG", file, 1);
	setenv("BRIGADE_STAFF", "w1", 1);
	unsetenv("BRIGADE_SERVER");
	assert_int_equal(cfg_load(&c, err, sizeof err), 0);
	assert_string_equal(c.servers[0], "http://10.0.0.5:8080");   /* slash dropped */
	assert_int_equal(c.nservers, 1);
	assert_string_equal(c.staff, "w1");                      /* env over file */
	assert_string_equal(c.terminal, "till 2");
	assert_int_equal(c.timeout_ms, 2500);
	assert_int_equal(cfg_set(&c, "staff", "m1", err, sizeof err), 0);  /* flag */
	assert_string_equal(c.staff, "m1");

	assert_int_equal(cfg_set(&c, "server", "ftp://x", err, sizeof err), -1);
	assert_non_null(strstr(err, "server"));
	assert_int_equal(cfg_set(&c, "server", "http://h:1/api", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "server", "https://pos.example:8443", err, sizeof err), 0);
	assert_int_equal(cfg_set(&c, "timeout_ms", "5", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "insecure", "maybe", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "colour", "red", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown"));

	fp = fopen(file, "a");
	fputs("bogus = 1\n", fp);
	fclose(fp);
	assert_int_equal(cfg_load(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":6:"));
	setenv("BRIGADE_STAFF", "w1", 1);
	unlink(file);
	rmdir(dir);
	unsetenv("BRIGADE_CONFIG");
	unsetenv("BRIGADE_STAFF");
}

static void
test_clock(void **state)
{
	struct clock c;
	int64_t now = util_now_ms();

	clock_init(&c);
	assert_false(clock_known(&c));
	/* the server is 60 s ahead; the request took 10 ms */
	clock_observe(&c, now + 60000 + 5, now, now + 10);
	assert_true(clock_known(&c));
	assert_int_equal(clock_skew_ms(&c), 60000);
	assert_true(clock_age_ms(&c, now + 60000 - 7 * 60000) >= 7 * 60000);
	/* a much slower sample says less and is not taken */
	clock_observe(&c, now + 1000, now, now + 900);
	assert_int_equal(clock_skew_ms(&c), 60000);
	/* a future timestamp is no negative age */
	assert_int_equal(clock_age_ms(&c, clock_server_now(&c) + 5000), 0);
}

static void
test_backoff(void **state)
{
	for (int attempt = 1; attempt < 20; attempt++) {
		int64_t d = api_backoff_ms(attempt, 200, 5000);
		int64_t full = 200;

		for (int i = 1; i < attempt && full < 5000; i++)
			full *= 2;
		if (full > 5000)
			full = 5000;
		assert_true(d >= full / 2 && d <= full);
	}
}

static void
test_error_names(void **state)
{
	assert_string_equal(api_err_name(API_ERR_IDEMPOTENCY), "idempotency");
	assert_true(api_err_transient(API_ERR_NETWORK));
	assert_true(api_err_transient(API_ERR_SERVER));
	assert_true(api_err_transient(API_ERR_BAD_RESPONSE));
	assert_false(api_err_transient(API_ERR_CONFLICT));
	assert_false(api_err_transient(API_ERR_INVALID));
	assert_false(api_err_transient(API_ERR_UNAUTHORIZED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_precedence),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
