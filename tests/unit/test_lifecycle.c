/* test_lifecycle: every role x action x status x service against the table
 * as the architecture guide writes it, encoded here independently as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"

/* action | from statuses | to | service ("any" or one) | roles */
static const char *const spec[] = {
	"pay|PENDING|PAID|any|CASHIER WAITER MANAGER ADMIN",
	"start|PAID|PREPARING|any|CHEF MANAGER ADMIN",
	"ready|PREPARING|READY|any|CHEF MANAGER ADMIN",
	"recall|READY|PREPARING|any|CHEF MANAGER ADMIN",
	"serve|READY|COMPLETED|DINE_IN|WAITER MANAGER ADMIN",
	"pickup|READY|COMPLETED|PICKUP|WAITER MANAGER ADMIN",
	"dispatch|READY|OUT_FOR_DELIVERY|DELIVERY|WAITER MANAGER ADMIN",
	"deliver|OUT_FOR_DELIVERY|COMPLETED|DELIVERY|WAITER MANAGER ADMIN",
	"cancel|PENDING PAID|CANCELLED|any|MANAGER ADMIN",
};

static int
word_in(const char *list, const char *word)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (strcmp(t, word) == 0)
			return 1;
	return 0;
}

static void
split(const char *line, char f[5][128])
{
	const char *p = line;

	for (int i = 0; i < 5; i++) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		memcpy(f[i], p, n);
		f[i][n] = '\0';
		p = e ? e + 1 : p + n;
	}
}

static void
test_every_combination(void **state)
{
	int checked = 0;

	(void)state;
	for (int a = 0; a < ACTION_COUNT; a++) {
		char f[5][128];

		split(spec[a], f);
		assert_string_equal(f[0], action_name((enum order_action)a));
		for (int r = 0; r < ROLE_COUNT; r++)
		for (int s = 0; s < STATUS_COUNT; s++)
		for (int v = 0; v < SERVICE_COUNT; v++)
		for (int owner = 0; owner < 2; owner++) {
			const char *rn = role_name((enum staff_role)r);
			const char *sn = status_name((enum order_status)s);
			const char *vn = service_name((enum service_type)v);
			int role_ok = word_in(f[4], rn);
			int legal = word_in(f[1], sn) &&
			    (strcmp(f[3], "any") == 0 || strcmp(f[3], vn) == 0);
			enum lifecycle_verdict want;
			enum order_status to = STATUS_COUNT;

			/* the customer's own PENDING order may be cancelled */
			if (a == ACTION_CANCEL && r == ROLE_CUSTOMER && owner) {
				if (s == STATUS_PENDING)
					want = LIFECYCLE_OK;
				else if (legal)
					want = LIFECYCLE_FORBIDDEN;
				else
					want = LIFECYCLE_ILLEGAL;
			} else if (!role_ok) {
				want = LIFECYCLE_FORBIDDEN;
			} else {
				want = legal ? LIFECYCLE_OK : LIFECYCLE_ILLEGAL;
			}
			enum lifecycle_verdict got = lifecycle_check(
			    (enum order_action)a, (enum staff_role)r, owner,
			    (enum order_status)s, (enum service_type)v, &to);
			if (got != want)
				fail_msg("%s by %s%s on %s %s: got %d want %d",
				    f[0], rn, owner ? " (owner)" : "", sn, vn, got, want);
			if (got == LIFECYCLE_OK)
				assert_string_equal(status_name(to), f[2]);
			checked++;
		}
	}
	assert_int_equal(checked, ACTION_COUNT * ROLE_COUNT * STATUS_COUNT * SERVICE_COUNT * 2);
}

static void
test_allowed_sets(void **state)
{
	(void)state;
	/* a chef looking at a paid order may only start it */
	assert_int_equal(lifecycle_allowed(ROLE_CHEF, false, STATUS_PAID, SERVICE_PICKUP),
	    1u << ACTION_START);
	/* a manager on a paid order: start or cancel */
	assert_int_equal(lifecycle_allowed(ROLE_MANAGER, false, STATUS_PAID, SERVICE_PICKUP),
	    (1u << ACTION_START) | (1u << ACTION_CANCEL));
	/* a waiter with a ready delivery: dispatch only */
	assert_int_equal(lifecycle_allowed(ROLE_WAITER, false, STATUS_READY, SERVICE_DELIVERY),
	    1u << ACTION_DISPATCH);
	/* nothing moves a completed or cancelled order */
	for (int s = STATUS_COMPLETED; s <= STATUS_CANCELLED; s++)
		for (int v = 0; v < SERVICE_COUNT; v++)
			assert_int_equal(lifecycle_possible((enum order_status)s,
			    (enum service_type)v), 0);
	assert_int_equal(lifecycle_possible(STATUS_READY, SERVICE_DINE_IN),
	    (1u << ACTION_RECALL) | (1u << ACTION_SERVE));
}

static void
test_creation(void **state)
{
	(void)state;
	assert_int_equal(lifecycle_initial_status(SOURCE_ONLINE), STATUS_PENDING);
	assert_int_equal(lifecycle_initial_status(SOURCE_POS), STATUS_PAID);
	assert_int_equal(lifecycle_initial_status(SOURCE_PHONE), STATUS_PAID);
	assert_true(lifecycle_may_create(ROLE_CUSTOMER, SOURCE_ONLINE));
	assert_false(lifecycle_may_create(ROLE_CUSTOMER, SOURCE_POS));
	assert_false(lifecycle_may_create(ROLE_CHEF, SOURCE_POS));
	assert_false(lifecycle_may_create(ROLE_CHEF, SOURCE_ONLINE));
	assert_true(lifecycle_may_create(ROLE_CASHIER, SOURCE_PHONE));
	assert_true(lifecycle_may_create(ROLE_WAITER, SOURCE_POS));
	assert_false(lifecycle_may_create(ROLE_CASHIER, SOURCE_ONLINE));
	assert_true(lifecycle_editable(STATUS_PENDING));
	assert_true(lifecycle_editable(STATUS_PAID));
	assert_false(lifecycle_editable(STATUS_PREPARING));
}

static void
test_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < STATUS_COUNT; i++)
		assert_int_equal(status_parse(status_name((enum order_status)i)), i);
	for (int i = 0; i < ACTION_COUNT; i++)
		assert_int_equal(action_parse(action_name((enum order_action)i)), i);
	for (int i = 0; i < ROLE_COUNT; i++)
		assert_int_equal(role_parse(role_name((enum staff_role)i)), i);
	assert_int_equal(status_parse("paid"), -1);
	assert_int_equal(action_parse(NULL), -1);
	assert_string_equal(status_name((enum order_status)99), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_allowed_sets),
		cmocka_unit_test(test_creation),
		cmocka_unit_test(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
