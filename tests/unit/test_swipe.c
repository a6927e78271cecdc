/* test_swipe: ISO 7813 track parsing, brands, Luhn, every bad read, that
 * the card number never leaves the parser, and the keyboard-wedge detector
 * telling a swipe from a person typing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "swipe.h"
#include "wedge.h"

#define T1 "%B4111111111111111^DOE/JOHN Q.MR^2912101000000000000000000?"
#define T2 ";4111111111111111=29121010000000000000?"

static enum swipe_result
parse(const char *s, struct swipe_card *c)
{
	return swipe_parse(s, strlen(s), c);
}

static void
assert_no_pan(const void *mem, size_t n)
{
	/* the number must not be anywhere in what the parser hands back */
	assert_null(memmem(mem, n, "411111", 6));
	assert_null(memmem(mem, n, "1111111111", 10));
}

static void
test_good_reads(void **state)
{
	struct swipe_card c;

	(void)state;
	assert_int_equal(parse(T1 T2 "\r", &c), SWIPE_OK);
	assert_string_equal(c.brand, "VISA");
	assert_string_equal(c.last4, "1111");
	assert_string_equal(c.name, "JOHN Q DOE");
	assert_int_equal(c.exp_year, 2029);
	assert_int_equal(c.exp_month, 12);
	assert_no_pan(&c, sizeof c);

	assert_int_equal(parse(T2, &c), SWIPE_OK);     /* track 2 only: no name */
	assert_string_equal(c.last4, "1111");
	assert_string_equal(c.name, "");
	assert_int_equal(parse(T1 "\n", &c), SWIPE_OK);
	/* an LRC character after each end sentinel, and a track 3 */
	assert_int_equal(parse(T1 "X" T2 "Y;0123456789?", &c), SWIPE_OK);
	assert_int_equal(parse("%B5555555555554444^SMITH/ANA^3001201?", &c), SWIPE_OK);
	assert_string_equal(c.brand, "MASTERCARD");
	assert_string_equal(c.name, "ANA SMITH");
	assert_int_equal(parse(";378282246310005=3105101?", &c), SWIPE_OK);
	assert_string_equal(c.brand, "AMEX");
	assert_string_equal(c.last4, "0005");
	assert_int_equal(parse("%B6011111111111117^CARDHOLDER^2702?", &c), SWIPE_PARTIAL);
	assert_int_equal(parse("%B6011111111111117^CARDHOLDER^2702101?", &c), SWIPE_OK);
	assert_string_equal(c.brand, "DISCOVER");
	assert_string_equal(c.name, "CARDHOLDER");
	/* a name field carrying digits is not shown (found by fuzzing) */
	assert_int_equal(parse("%B4111111111111111^4111111111111111DOE^2912110?", &c), SWIPE_OK);
	assert_string_equal(c.name, "");
	assert_no_pan(&c, sizeof c);
}

static void
test_bad_reads(void **state)
{
	static const struct {
		const char *data;
		enum swipe_result want;
	} cases[] = {
		{ "", SWIPE_EMPTY },
		{ "\r", SWIPE_EMPTY },
		{ "%", SWIPE_EMPTY },
		{ "%E?;E?", SWIPE_EMPTY },
		{ "%B4111111111111111^DOE/JOHN^29121", SWIPE_PARTIAL },
		{ ";4111111111111111=2912", SWIPE_PARTIAL },
		{ ";41111111", SWIPE_PARTIAL },
		{ "hello", SWIPE_GARBAGE },
		{ "%A4111111111111111^X^2912101?", SWIPE_GARBAGE },
		{ ";4111111111111111=29121010x?", SWIPE_GARBAGE },
		{ ";41111111111111111111=2912101?", SWIPE_GARBAGE },     /* 20 digits */
		{ ";411111111=2912101?", SWIPE_GARBAGE },                /* 9 digits */
		{ T2 "junk", SWIPE_GARBAGE },
		{ "%B4111111111111111^DOE/JOHN^2912101?;4111111111111111=2912101?x?", SWIPE_GARBAGE },
		{ ";4111111111111112=2912101?", SWIPE_BAD_LUHN },
		{ ";4111111111111111=2913101?", SWIPE_BAD_EXPIRY },
		{ ";4111111111111111=2900101?", SWIPE_BAD_EXPIRY },
		{ "%B4111111111111111^DOE/JOHN^2912101?;5555555555554444=2912101?", SWIPE_MISMATCH },
		{ "%B4111111111111111^DOE/JOHN^2912101?;4111111111111111=3012101?", SWIPE_MISMATCH },
	};
	struct swipe_card c;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum swipe_result r = parse(cases[i].data, &c);

		if (r != cases[i].want)
			fail_msg("case %zu \"%s\": got %d want %d", i, cases[i].data, r,
			    cases[i].want);
		assert_string_equal(c.last4, "");       /* nothing half-filled */
		assert_non_null(strstr(swipe_message(r), "swipe again"));
	}
	{
		char big[SWIPE_MAX + 10];

		memset(big, '1', sizeof big);
		big[0] = ';';
		assert_int_equal(swipe_parse(big, sizeof big, &c), SWIPE_GARBAGE);
	}
}

static void
test_brands_and_luhn(void **state)
{
	(void)state;
	assert_string_equal(swipe_brand("4000"), "VISA");
	assert_string_equal(swipe_brand("2221000000000009"), "MASTERCARD");
	assert_string_equal(swipe_brand("2721000000000000"), "CARD");
	assert_string_equal(swipe_brand("3530111333300000"), "JCB");
	assert_string_equal(swipe_brand("30569309025904"), "DINERS");
	assert_string_equal(swipe_brand("6200000000000005"), "UNIONPAY");
	assert_string_equal(swipe_brand("6449000000000000"), "DISCOVER");
	assert_string_equal(swipe_brand("9999"), "CARD");
	assert_true(swipe_luhn_ok("79927398713", 11));
	assert_false(swipe_luhn_ok("79927398710", 11));
	assert_false(swipe_luhn_ok("", 0));
	assert_false(swipe_luhn_ok("12a4", 4));
}

static void
test_card_info(void **state)
{
	struct swipe_card c;
	struct card_info ci;

	(void)state;
	assert_int_equal(parse(T1, &c), SWIPE_OK);
	swipe_card_info(&c, &ci);
	assert_string_equal(ci.brand, "VISA");
	assert_string_equal(ci.last4, "1111");
}

/* Feed a string as keys dt ms apart; collect delivered keys and events. */
struct typed {
	char keys[512];
	size_t nkeys;
	int swipes, bad;
	struct wedge_out last;
};

static void
collect(struct typed *t, const struct wedge_out *out)
{
	memcpy(t->keys + t->nkeys, out->keys, out->nkeys);
	t->nkeys += out->nkeys;
	t->keys[t->nkeys] = '\0';
	if (out->event == WEDGE_SWIPE)
		t->swipes++;
	if (out->event == WEDGE_BAD_SWIPE)
		t->bad++;
	if (out->event != WEDGE_NONE)
		t->last = *out;
}

static int64_t
type(struct wedge *w, struct typed *t, const char *s, int64_t now, int dt)
{
	struct wedge_out out;

	for (; *s; s++) {
		wedge_feed(w, (unsigned char)*s, now, &out);
		collect(t, &out);
		now += dt;
	}
	return now;
}

static void
settle(struct wedge *w, struct typed *t, int64_t now)
{
	struct wedge_out out;

	wedge_tick(w, now + 1000, &out);
	collect(t, &out);
}

static void
test_wedge_swipe(void **state)
{
	struct wedge w;
	struct typed t = { 0 };

	(void)state;
	wedge_init(&w, 0);
	type(&w, &t, T1 T2 "\r", 1000, 2);
	assert_int_equal(t.swipes, 1);
	assert_int_equal(t.nkeys, 0);
	assert_string_equal(t.last.card.last4, "1111");
	assert_no_pan(&w, sizeof w);

	/* the whole burst in one read from the terminal: same timestamp */
	memset(&t, 0, sizeof t);
	type(&w, &t, "ab" T2 "\ncd", 5000, 0);
	assert_int_equal(t.swipes, 1);
	assert_string_equal(t.keys, "abcd");
}

static void
test_wedge_person(void **state)
{
	struct wedge w;
	struct typed t = { 0 };
	int64_t now;

	(void)state;
	wedge_init(&w, 0);
	/* "%Bob" typed by a person: every key reaches the screen, in order */
	now = type(&w, &t, "%Bob 50% off;2 for 1\r", 1000, 120);
	settle(&w, &t, now);
	assert_string_equal(t.keys, "%Bob 50% off;2 for 1\r");
	assert_int_equal(t.swipes + t.bad, 0);

	/* ";" then nothing: released by the timer */
	memset(&t, 0, sizeof t);
	type(&w, &t, ";", 9000, 0);
	assert_int_equal(t.nkeys, 0);
	settle(&w, &t, 9000);
	assert_string_equal(t.keys, ";");

	/* fast but not shaped like a swipe: handed on at once */
	memset(&t, 0, sizeof t);
	type(&w, &t, "%x;y", 20000, 1);
	assert_string_equal(t.keys, "%x;y");
}

static void
test_wedge_broken(void **state)
{
	struct wedge w;
	struct typed t = { 0 };
	char big[400];
	int64_t now;

	(void)state;
	wedge_init(&w, 0);
	/* a swipe that stops half way: bad swipe, no digits on screen */
	now = type(&w, &t, ";41111111111", 1000, 2);
	settle(&w, &t, now);
	assert_int_equal(t.bad, 1);
	assert_int_equal(t.last.result, SWIPE_PARTIAL);
	assert_int_equal(t.nkeys, 0);

	/* garbage framed like a swipe */
	memset(&t, 0, sizeof t);
	type(&w, &t, "%BXYZ\r", 5000, 2);
	assert_int_equal(t.bad, 1);
	assert_int_equal(t.nkeys, 0);

	/* an endless burst: refused, and the rest of it swallowed */
	memset(&t, 0, sizeof t);
	memset(big, '7', sizeof big);
	big[0] = ';';
	big[sizeof big - 2] = '\r';
	big[sizeof big - 1] = '\0';
	now = type(&w, &t, big, 8000, 1);
	assert_int_equal(t.bad, 1);
	assert_int_equal(t.last.result, SWIPE_GARBAGE);
	assert_int_equal(t.nkeys, 0);
	now = type(&w, &t, "ok", now + 500, 100);
	assert_string_equal(t.keys, "ok");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_reads),
		cmocka_unit_test(test_bad_reads),
		cmocka_unit_test(test_brands_and_luhn),
		cmocka_unit_test(test_card_info),
		cmocka_unit_test(test_wedge_swipe),
		cmocka_unit_test(test_wedge_person),
		cmocka_unit_test(test_wedge_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
