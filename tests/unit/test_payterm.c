/* test_payterm: the payment terminal interface: what passes for an
 * approval code, last 4 and brand; the external terminal's sale, refund,
 * refusals and cancel; loading a module; the test terminal's every path
 * by amount, with its wakes; and that an "approval" without a code is
 * never reported as approved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "payterm.h"

static int
check_approval(const char *s, char *why)
{
	return payterm_check_approval(s, why, 160);
}

static void
test_checks(void **state)
{
	char why[160], brand[BRAND_MAX + 1];

	(void)state;
	assert_int_equal(check_approval("A1B2C3", why), 0);
	assert_int_equal(check_approval("12", why), 0);
	assert_int_equal(check_approval("ABCDEFGHIJKL", why), 0);
	assert_int_equal(check_approval("1", why), -1);
	assert_non_null(strstr(why, "2 to 12"));
	assert_int_equal(check_approval("", why), -1);
	assert_int_equal(check_approval("ABCDEFGHIJKLM", why), -1);
	assert_int_equal(check_approval("AB-12", why), -1);
	assert_non_null(strstr(why, "letters and digits"));
	assert_int_equal(check_approval("AB 12", why), -1);
	assert_int_equal(check_approval("ok!", why), -1);
	/* a card number, whole, grouped, or with a typo: said to be one */
	assert_int_equal(check_approval("4111111111111111", why), -1);
	assert_non_null(strstr(why, "card number"));
	assert_int_equal(check_approval("4111-1111-1111-1111", why), -1);
	assert_non_null(strstr(why, "card number"));
	assert_int_equal(check_approval("4111111111111112", why), -1);
	assert_non_null(strstr(why, "card number"));
	assert_int_equal(check_approval("123456789012", why), 0);  /* 12 digits: a code */

	assert_int_equal(payterm_check_last4("1111", why, sizeof why), 0);
	assert_int_equal(payterm_check_last4("111", why, sizeof why), -1);
	assert_int_equal(payterm_check_last4("11a1", why, sizeof why), -1);
	assert_int_equal(payterm_check_last4("11111", why, sizeof why), -1);

	assert_int_equal(payterm_check_brand("visa", brand, why, sizeof why), 0);
	assert_string_equal(brand, "VISA");
	assert_int_equal(payterm_check_brand("", brand, why, sizeof why), 0);
	assert_string_equal(brand, "CARD");
	assert_int_equal(payterm_check_brand("4111111111111111", brand, why, sizeof why), -1);
	assert_int_equal(payterm_check_brand("BANK", brand, why, sizeof why), -1);

	assert_true(payterm_final(PAYTERM_APPROVED));
	assert_true(payterm_final(PAYTERM_FAILED));
	assert_false(payterm_final(PAYTERM_NEEDS_INPUT));
	assert_false(payterm_final(PAYTERM_IDLE));
	assert_string_equal(payterm_state_name(PAYTERM_TIMED_OUT), "timed out");
}

static void
input3(struct payterm_input *in, const char *approval, const char *last4, const char *brand)
{
	memset(in, 0, sizeof *in);
	in->n = 3;
	snprintf(in->values[0], sizeof in->values[0], "%s", approval);
	snprintf(in->values[1], sizeof in->values[1], "%s", last4);
	snprintf(in->values[2], sizeof in->values[2], "%s", brand);
}

static void
test_external_sale(void **state)
{
	struct card_info swiped = { "MASTERCARD", "4444" };
	struct payterm_status st;
	struct payterm_input in;
	struct payterm *p;
	char err[200];
	int bad;

	(void)state;
	p = payterm_open("external", NULL, NULL, err, sizeof err);
	assert_non_null(p);
	assert_string_equal(payterm_name(p), "external");
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_IDLE);
	/* an input with nothing asked is refused */
	input3(&in, "ABC123", "1111", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);

	assert_int_equal(payterm_sale(p, 0, "t-1", NULL, err, sizeof err), -1);
	assert_int_equal(payterm_sale(p, 1134, "t-1", &swiped, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_NEEDS_INPUT);
	assert_int_equal(st.kind, PAYMENT_CHARGE);
	assert_int_equal(st.amount, 1134);
	assert_non_null(strstr(st.message, "Charge 11.34 on the card terminal"));
	assert_int_equal(st.nfields, 3);
	assert_int_equal(st.fields[0].kind, PAYTERM_FIELD_APPROVAL);
	assert_true(st.fields[0].required);
	assert_string_equal(st.fields[0].value, "");
	assert_int_equal(st.fields[1].kind, PAYTERM_FIELD_LAST4);
	assert_string_equal(st.fields[1].value, "4444");     /* from the swipe */
	assert_int_equal(st.fields[2].kind, PAYTERM_FIELD_BRAND);
	assert_string_equal(st.fields[2].value, "MASTERCARD");
	assert_false(st.fields[2].required);
	/* one at a time */
	assert_int_equal(payterm_sale(p, 100, "t-2", NULL, err, sizeof err), -1);

	/* refusals leave it waiting */
	input3(&in, "", "4444", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);
	assert_int_equal(bad, 0);
	input3(&in, "5555555555554444", "4444", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);
	assert_int_equal(bad, 0);
	assert_non_null(strstr(err, "card number"));
	input3(&in, "ab12cd", "44", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);
	assert_int_equal(bad, 1);
	input3(&in, "ab12cd", "4444", "BANK");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);
	assert_int_equal(bad, 2);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_NEEDS_INPUT);
	assert_string_equal(st.approval, "");

	input3(&in, "ab12cd", "4444", "mastercard");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_APPROVED);
	assert_string_equal(st.approval, "AB12CD");
	assert_string_equal(st.card.brand, "MASTERCARD");
	assert_string_equal(st.card.last4, "4444");
	assert_int_equal(st.nfields, 0);

	/* the next sale starts afresh; an unknown brand is CARD */
	assert_int_equal(payterm_sale(p, 500, "t-2", NULL, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_string_equal(st.fields[1].value, "");
	assert_string_equal(st.approval, "");
	input3(&in, "X9", "0005", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_APPROVED);
	assert_string_equal(st.card.brand, "CARD");
	payterm_close(p);
}

static void
test_external_cancel_and_refund(void **state)
{
	struct card_info orig = { "VISA", "1111" };
	struct payterm_status st;
	struct payterm_input in;
	struct payterm *p;
	char err[200];
	int bad;

	(void)state;
	p = payterm_open("external", NULL, NULL, err, sizeof err);
	assert_non_null(p);
	assert_int_equal(payterm_cancel(p, err, sizeof err), -1);     /* nothing to cancel */
	assert_int_equal(payterm_sale(p, 700, "t-3", NULL, err, sizeof err), 0);
	assert_int_equal(payterm_cancel(p, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_CANCELLED);
	assert_string_equal(st.approval, "");
	input3(&in, "AB12", "1111", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);

	assert_int_equal(payterm_refund(p, 250, "t-3", "AB12CD", &orig, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_NEEDS_INPUT);
	assert_int_equal(st.kind, PAYMENT_REFUND);
	assert_non_null(strstr(st.message, "Refund 2.50 to card VISA ****1111"));
	assert_non_null(strstr(st.message, "(sale approved AB12CD)"));
	assert_string_equal(st.fields[1].value, "1111");
	input3(&in, "RF77", "1111", "VISA");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), 0);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_APPROVED);
	assert_int_equal(st.kind, PAYMENT_REFUND);
	assert_string_equal(st.approval, "RF77");
	payterm_close(p);
}

static void
test_open_errors(void **state)
{
	char err[512];

	(void)state;
	assert_null(payterm_open("bogus", NULL, NULL, err, sizeof err));
	assert_non_null(strstr(err, "external or module:"));
	assert_null(payterm_open("external,x", NULL, NULL, err, sizeof err));
	assert_null(payterm_open("module:relative.so", NULL, NULL, err, sizeof err));
	assert_non_null(strstr(err, "absolute path"));
	assert_null(payterm_open("module:/nonexistent/payterm.so", NULL, NULL, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/payterm.so"));
	assert_null(payterm_open("module:" PAYTERM_TEST_MODULE ",delay=x", NULL, NULL, err,
	    sizeof err));
	assert_non_null(strstr(err, "delay=MS"));
}

static atomic_int wakes;

static void
count_wake(void *ctx)
{
	atomic_fetch_add(&wakes, 1);
}

/* Poll until the operation is over (5 s at most). */
static void
settle(struct payterm *p, struct payterm_status *st)
{
	struct timespec ms10 = { 0, 10000000L };

	for (int i = 0; i < 500; i++) {
		payterm_status(p, st);
		if (payterm_final(st->state))
			return;
		nanosleep(&ms10, NULL);
	}
	fail_msg("still %s after 5 s", payterm_state_name(st->state));
}

static void
sale_ends(struct payterm *p, money_t amount, enum payterm_state want, const char *message)
{
	struct payterm_status st;
	char err[200];

	assert_int_equal(payterm_sale(p, amount, "t-9", NULL, err, sizeof err), 0);
	settle(p, &st);
	assert_int_equal(st.state, want);
	assert_string_equal(st.approval, "");
	assert_non_null(strstr(st.message, message));
}

static void
test_module(void **state)
{
	struct card_info swiped = { "AMEX", "0005" };
	struct timespec ms50 = { 0, 50000000L };
	struct payterm_status st;
	struct payterm_input in;
	struct payterm *p;
	char err[512];
	int bad;

	(void)state;
	p = payterm_open("module:" PAYTERM_TEST_MODULE ",delay=20", count_wake, NULL, err,
	    sizeof err);
	if (p == NULL)
		fail_msg("%s", err);
	assert_string_equal(payterm_name(p), "test");

	assert_int_equal(payterm_sale(p, 1134, "t-9", NULL, err, sizeof err), 0);
	assert_int_equal(payterm_sale(p, 1134, "t-9", NULL, err, sizeof err), -1);   /* busy */
	settle(p, &st);
	assert_int_equal(st.state, PAYTERM_APPROVED);
	assert_string_equal(st.approval, "T01134");
	assert_string_equal(st.card.brand, "VISA");
	assert_string_equal(st.card.last4, "4242");
	assert_true(atomic_load(&wakes) >= 3);    /* present card, processing, approved */

	assert_int_equal(payterm_sale(p, 500, "t-9", &swiped, err, sizeof err), 0);
	settle(p, &st);
	assert_string_equal(st.approval, "T00500");
	assert_string_equal(st.card.last4, "0005");

	sale_ends(p, 501, PAYTERM_DECLINED, "Insufficient funds");
	sale_ends(p, 502, PAYTERM_TIMED_OUT, "No card");
	sale_ends(p, 503, PAYTERM_FAILED, "Terminal error");
	sale_ends(p, 504, PAYTERM_CANCELLED, "on the terminal");
	/* approved with no code: never said approved */
	sale_ends(p, 506, PAYTERM_FAILED, "no usable approval code");

	/* waits for the card until the till cancels */
	assert_int_equal(payterm_sale(p, 505, "t-9", NULL, err, sizeof err), 0);
	nanosleep(&ms50, NULL);
	payterm_status(p, &st);
	assert_int_equal(st.state, PAYTERM_PRESENT_CARD);
	assert_int_equal(payterm_cancel(p, err, sizeof err), 0);
	settle(p, &st);
	assert_int_equal(st.state, PAYTERM_CANCELLED);

	/* it asks for nothing */
	input3(&in, "AB12", "1111", "");
	assert_int_equal(payterm_input(p, &in, &bad, err, sizeof err), -1);

	assert_int_equal(payterm_refund(p, 700, "t-9", "T00700", &swiped, err, sizeof err), 0);
	settle(p, &st);
	assert_int_equal(st.state, PAYTERM_APPROVED);
	assert_int_equal(st.kind, PAYMENT_REFUND);
	assert_string_equal(st.approval, "R00700");
	payterm_close(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_external_sale),
		cmocka_unit_test(test_external_cancel_and_refund),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
