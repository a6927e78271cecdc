/* test_money: formatting, parsing, tax rounding and checked arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "money.h"

static void
test_format(void **state)
{
	char buf[32];

	(void)state;
	money_format(0, buf, sizeof buf);
	assert_string_equal(buf, "0.00");
	money_format(1250, buf, sizeof buf);
	assert_string_equal(buf, "12.50");
	money_format(-5, buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	money_format(MONEY_MAX, buf, sizeof buf);
	assert_string_equal(buf, "10000000.00");
}

static void
test_parse(void **state)
{
	money_t m = 0;

	(void)state;
	assert_int_equal(money_parse("12", &m), 0);
	assert_int_equal(m, 1200);
	assert_int_equal(money_parse("12.5", &m), 0);
	assert_int_equal(m, 1250);
	assert_int_equal(money_parse("0.07", &m), 0);
	assert_int_equal(m, 7);
	assert_int_equal(money_parse("1.234", &m), -1);
	assert_int_equal(money_parse("-1", &m), -1);
	assert_int_equal(money_parse("", &m), -1);
	assert_int_equal(money_parse("1.", &m), -1);
	assert_int_equal(money_parse("abc", &m), -1);
	assert_int_equal(money_parse("99999999999999999999", &m), -1);
}

static void
test_tax(void **state)
{
	(void)state;
	assert_int_equal(money_tax(1000, 800), 80);
	assert_int_equal(money_tax(1006, 800), 80);    /* 80.48 */
	assert_int_equal(money_tax(1007, 800), 81);    /* 80.56 */
	assert_int_equal(money_tax(1250, 2000), 250);
	assert_int_equal(money_tax(625, 1000), 63);    /* 62.5 rounds up */
	assert_int_equal(money_tax(0, 825), 0);
}

static void
test_checked(void **state)
{
	money_t r = 0;

	(void)state;
	assert_int_equal(money_add(MONEY_MAX, 1, &r), -1);
	assert_int_equal(money_add(5, 7, &r), 0);
	assert_int_equal(r, 12);
	assert_int_equal(money_mul(MONEY_MAX, 2, &r), -1);
	assert_int_equal(money_mul(950, 99, &r), 0);
	assert_int_equal(r, 94050);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_tax),
		cmocka_unit_test(test_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
