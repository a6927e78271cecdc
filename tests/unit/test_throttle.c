/* test_throttle: wrong-login budgets per address and per (code, address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "throttle.h"

static const struct throttle_config cfg = {
	.addr_failures = 5,
	.addr_window_ms = 1000,
	.account_failures = 3,
	.lock_ms = 500,
};

/* A code locks only for the address its failures came from; unknown and
 * known codes are the same to the throttle. */
static void
test_lock_per_address(void **state)
{
	struct throttle *t = throttle_new(&cfg);
	int64_t retry = 0;

	(void)state;
	assert_int_equal(throttle_failed(t, NULL, "10.0.0.1", "a1", 100), 0);
	assert_int_equal(throttle_failed(t, NULL, "10.0.0.1", "a1", 110), 0);
	assert_int_equal(throttle_failed(t, NULL, "10.0.0.1", "a1", 120), 620);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.1", "a1", 130, &retry), THROTTLE_ACCOUNT);
	assert_int_equal(retry, 490);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.2", "a1", 130, &retry), THROTTLE_OK);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.1", "k1", 130, &retry), THROTTLE_OK);
	/* the lock ends on its own, and a new PIN ends it early */
	assert_int_equal(throttle_check(t, NULL, "10.0.0.1", "a1", 620, &retry), THROTTLE_OK);
	for (int i = 0; i < 3; i++)
		throttle_failed(t, NULL, "10.0.0.3", "ghost", 700);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.3", "ghost", 701, &retry), THROTTLE_ACCOUNT);
	throttle_forget_code(t, NULL, "ghost");
	assert_int_equal(throttle_check(t, NULL, "10.0.0.3", "ghost", 701, &retry), THROTTLE_OK);
	/* a right PIN starts the count again */
	throttle_failed(t, NULL, "10.0.0.4", "w1", 800);
	throttle_failed(t, NULL, "10.0.0.4", "w1", 800);
	throttle_succeeded(t, NULL, "10.0.0.4", "w1");
	assert_int_equal(throttle_failed(t, NULL, "10.0.0.4", "w1", 800), 0);
	throttle_free(t);
}

/* An address's budget spans all codes and refills with its window. */
static void
test_address_budget(void **state)
{
	struct throttle *t = throttle_new(&cfg);
	char code[8];
	int64_t retry = 0;

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(code, sizeof code, "c%d", i);
		assert_int_equal(throttle_check(t, NULL, "10.0.0.9", code, 1000 + i, &retry), THROTTLE_OK);
		throttle_failed(t, NULL, "10.0.0.9", code, 1000 + i);
	}
	assert_int_equal(throttle_check(t, NULL, "10.0.0.9", "c9", 1100, &retry), THROTTLE_ADDRESS);
	assert_int_equal(retry, 900);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.8", "c9", 1100, &retry), THROTTLE_OK);
	assert_int_equal(throttle_check(t, NULL, "10.0.0.9", "c9", 2000, &retry), THROTTLE_OK);
	throttle_free(t);
}

/* Many addresses recycle the stalest entries instead of growing. */
static void
test_tables_are_bounded(void **state)
{
	struct throttle *t = throttle_new(&cfg);
	char addr[32];
	int64_t retry = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		throttle_failed(t, NULL, "192.168.0.1", "a1", 10);
	for (int i = 0; i < 20000; i++) {
		snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		throttle_failed(t, NULL, addr, "x", 20 + i);
	}
	/* the oldest lock was recycled; the newest entries are still there */
	assert_int_equal(throttle_check(t, NULL, "192.168.0.1", "a1", 30, &retry), THROTTLE_OK);
	throttle_failed(t, NULL, "10.0.78.31", "x", 30000);
	throttle_failed(t, NULL, "10.0.78.31", "x", 30000);
	assert_int_equal(throttle_check(t, NULL, "10.0.78.31", "x", 30001, &retry), THROTTLE_ACCOUNT);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_per_address),
		cmocka_unit_test(test_address_budget),
		cmocka_unit_test(test_tables_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
