/* test_pos_models: the dispatch board (groups, oldest first, the one
 * action the lifecycle table allows per role, selection kept across
 * rebuilds), sales (provisional labels, outbox kinds, queued -> numbered),
 * the typed field (filters, UTF-8 backspace, limits), and the form (fields
 * in turn, choices, the field the server names, hidden fields wiped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dispatch.h"
#include "field.h"
#include "form.h"
#include "sales.h"
#include "xalloc.h"

static void
mk(struct order *o, int64_t id, enum order_status st, enum service_type sv, int64_t at)
{
	order_init(o);
	o->id = id;
	o->number = (int)id;
	o->status = st;
	o->service = sv;
	o->version = 3;
	order_record(o, st, -1, at, "k1");
	if (sv == SERVICE_DINE_IN)
		xstrlcpy(o->table, "T4", sizeof o->table);
	else
		xstrlcpy(o->customer.name, "Pat", sizeof o->customer.name);
}

static void
test_dispatch(void **state)
{
	struct order o[6];
	const struct order *list[6];
	struct dispatch d;

	(void)state;
	mk(&o[0], 1, STATUS_READY, SERVICE_PICKUP, 500);
	mk(&o[1], 2, STATUS_READY, SERVICE_DINE_IN, 900);
	mk(&o[2], 3, STATUS_READY, SERVICE_DINE_IN, 100);
	mk(&o[3], 4, STATUS_OUT_FOR_DELIVERY, SERVICE_DELIVERY, 50);
	mk(&o[4], 5, STATUS_PENDING, SERVICE_PICKUP, 10);
	mk(&o[5], 6, STATUS_PREPARING, SERVICE_PICKUP, 10);   /* not on the board */
	for (int i = 0; i < 6; i++)
		list[i] = &o[i];
	dispatch_init(&d);
	dispatch_build(&d, list, 6, ROLE_WAITER);
	assert_int_equal(d.nrows, 5);
	/* dine-in first, oldest first within a group */
	assert_int_equal(d.rows[0].id, 3);
	assert_int_equal(d.rows[1].id, 2);
	assert_int_equal(d.rows[2].id, 1);
	assert_int_equal(d.rows[3].id, 4);
	assert_int_equal(d.rows[4].id, 5);
	assert_int_equal(d.rows[0].action, ACTION_SERVE);
	assert_int_equal(d.rows[2].action, ACTION_PICKUP);
	assert_int_equal(d.rows[3].action, ACTION_DELIVER);
	assert_int_equal(d.rows[4].action, ACTION_PAY);
	assert_string_equal(d.rows[0].who, "table T4");
	assert_string_equal(dispatch_action_label(&d.rows[3]), "deliver");
	assert_int_equal(d.counts[DISPATCH_READY_DINE_IN], 2);
	/* the selection follows the order when the board changes */
	dispatch_move(&d, 2);
	assert_int_equal(dispatch_selected(&d)->id, 1);
	order_free(&o[2]);
	mk(&o[2], 3, STATUS_COMPLETED, SERVICE_DINE_IN, 100);
	dispatch_build(&d, list, 6, ROLE_WAITER);
	assert_int_equal(d.nrows, 4);
	assert_int_equal(dispatch_selected(&d)->id, 1);
	dispatch_move(&d, 99);
	assert_int_equal(dispatch_selected(&d)->id, 5);
	/* a cashier may take payment but not hand over */
	dispatch_build(&d, list, 6, ROLE_CASHIER);
	assert_int_equal(d.rows[0].action, -1);
	assert_int_equal(d.rows[3].action, ACTION_PAY);
	/* an empty board */
	dispatch_build(&d, list, 0, ROLE_WAITER);
	assert_null(dispatch_selected(&d));
	dispatch_free(&d);
	for (int i = 0; i < 6; i++)
		order_free(&o[i]);
}

static void
test_sales(void **state)
{
	struct sales s;
	char label[SALE_LABEL_MAX + 1], kind[64], shown[64];
	struct sale *x;

	(void)state;
	sales_init(&s);
	sales_label("till1", 7, label, sizeof label);
	assert_string_equal(label, "till1-7");
	assert_int_equal(sales_label_seq(label), 7);
	sales_label("a-terminal-with-a-very-long-name-indeed", 12, label, sizeof label);
	assert_true(strlen(label) <= SALE_LABEL_MAX);
	assert_int_equal(sales_label_seq(label), 12);
	sales_kind("till1-7", kind, sizeof kind);
	assert_string_equal(kind, "sale:till1-7");
	assert_string_equal(sales_kind_label(kind), "till1-7");
	assert_null(sales_kind_label("serve #4"));
	assert_null(sales_kind_label("sale:"));
	x = sales_add(&s, 41, "till1-7", 7, 1000, 0, 5);
	sales_display(x, shown, sizeof shown);
	assert_string_equal(shown, "till1-7 (queued)");
	assert_int_equal(sales_queued(&s), 1);
	sales_done(sales_by_entry(&s, 41), 900, 12);
	sales_display(x, shown, sizeof shown);
	assert_string_equal(shown, "#12");
	assert_int_equal(sales_queued(&s), 0);
	x = sales_add(&s, 42, "till1-8", 8, 1000, 0, 6);
	sales_refused(x, "422 item_unavailable");
	sales_display(x, shown, sizeof shown);
	assert_string_equal(shown, "till1-8 (refused)");
	for (int i = 0; i < SALES_MAX + 5; i++)
		sales_add(&s, 100 + i, "t-1", 1, 1, 0, 1);
	assert_int_equal(s.n, SALES_MAX);
	assert_null(sales_by_entry(&s, 41));
	assert_int_equal(sales_last(&s)->entry, 100 + SALES_MAX + 4);
}

static void
test_field(void **state)
{
	struct field f;

	(void)state;
	field_init(&f, FIELD_PLU, 8, false);
	assert_true(field_put(&f, '3'));
	assert_true(field_put(&f, '*'));
	assert_true(field_put(&f, 'B'));
	assert_false(field_put(&f, ' '));
	assert_false(field_put(&f, 0xe9));
	assert_string_equal(f.text, "3*B");
	field_init(&f, FIELD_AMOUNT, 8, false);
	assert_true(field_put(&f, '1'));
	assert_true(field_put(&f, '.'));
	assert_false(field_put(&f, '.'));
	assert_false(field_put(&f, 'a'));
	field_init(&f, FIELD_TEXT, 4, false);
	assert_true(field_put(&f, 0xe9));        /* é: two bytes */
	assert_true(field_put(&f, 'a'));
	assert_true(field_put(&f, 'b'));
	assert_false(field_put(&f, 'c'));         /* 4 bytes already */
	assert_false(field_put(&f, 0x1b));        /* no escapes */
	assert_true(field_back(&f));
	assert_true(field_back(&f));
	assert_true(field_back(&f));              /* the whole é */
	assert_true(field_empty(&f));
	assert_false(field_back(&f));
	field_init(&f, FIELD_DIGITS, 12, true);
	field_set(&f, "1234");
	field_clear(&f);
	for (size_t i = 0; i < sizeof f.text; i++)
		assert_int_equal(f.text[i], 0);
}

static void
test_form(void **state)
{
	struct form fm;
	int cat, pin;
	const char *typed;

	(void)state;
	memset(&fm, 0, sizeof fm);
	form_reset(&fm, "New item");
	assert_int_equal(form_add_text(&fm, "SKU", "sku", FIELD_CODE, 16, false, NULL), 0);
	assert_int_equal(form_add_text(&fm, "Price", "price", FIELD_AMOUNT, 12, false, "9.50"), 1);
	cat = form_add_choice(&fm, "Category", "category");
	form_offer(&fm, cat, "Burgers");
	form_offer(&fm, cat, "Sides");
	form_offer(&fm, cat, "Burgers");             /* offered once */
	form_offer(&fm, cat, "");                    /* never */
	form_offer(&fm, cat, "Salads");
	assert_int_equal(fm.fields[cat].nchoices, 3);
	assert_string_equal(form_value(&fm, cat), "Burgers");
	assert_true(form_choose(&fm, cat, "Salads"));
	assert_false(form_choose(&fm, cat, "Drinks"));
	assert_string_equal(form_value(&fm, cat), "Salads");
	pin = form_add_text(&fm, "PIN", "pin", FIELD_DIGITS, 12, true, NULL);

	/* typing goes to the focused field, through its filter */
	for (typed = "B9"; *typed; typed++)
		assert_true(form_put(&fm, *typed));
	assert_false(form_put(&fm, '*'));
	assert_string_equal(form_value(&fm, 0), "B9");
	form_move(&fm, -1);                          /* wraps to the last */
	assert_int_equal(fm.focus, pin);
	assert_true(form_put(&fm, '4'));
	assert_false(form_put(&fm, 'x'));
	form_move(&fm, 1);
	assert_int_equal(fm.focus, 0);
	form_back(&fm);
	assert_string_equal(form_value(&fm, 0), "B");

	/* a choice: letters jump, Left and Right go round */
	fm.focus = cat;
	assert_true(form_put(&fm, 's'));             /* Salads -> Sides */
	assert_string_equal(form_value(&fm, cat), "Sides");
	assert_true(form_put(&fm, 'S'));             /* -> Salads */
	assert_string_equal(form_value(&fm, cat), "Salads");
	assert_false(form_put(&fm, 'q'));
	form_cycle(&fm, 1);
	assert_string_equal(form_value(&fm, cat), "Burgers");
	form_cycle(&fm, -1);
	assert_string_equal(form_value(&fm, cat), "Salads");
	form_back(&fm);                              /* nothing to erase */
	assert_string_equal(form_value(&fm, cat), "Salads");

	/* the field the server names, also as a path */
	assert_true(form_focus_key(&fm, "price"));
	assert_int_equal(fm.focus, 1);
	assert_true(form_focus_key(&fm, "items[0].sku"));
	assert_int_equal(fm.focus, 0);
	assert_true(form_focus_key(&fm, "pin"));
	assert_int_equal(fm.focus, pin);
	assert_false(form_focus_key(&fm, "barcode"));
	assert_false(form_focus_key(&fm, NULL));
	assert_int_equal(fm.focus, pin);

	/* hidden fields are wiped, the rest stays */
	form_drop_secrets(&fm);
	assert_string_equal(form_value(&fm, pin), "");
	assert_string_equal(form_value(&fm, 1), "9.50");

	/* a new form: empty, and told apart from the last */
	{
		unsigned gen = fm.gen;

		form_reset(&fm, "Your PIN");
		assert_int_equal(fm.n, 0);
		assert_true(fm.gen != gen);
		assert_string_equal(fm.title, "Your PIN");
	}
	for (int i = 0; i < FORM_FIELDS; i++)
		assert_int_equal(form_add_text(&fm, "x", "x", FIELD_TEXT, 8, false, NULL), i);
	assert_int_equal(form_add_text(&fm, "x", "x", FIELD_TEXT, 8, false, NULL), -1);
	assert_int_equal(form_add_choice(&fm, "x", "x"), -1);
	form_free(&fm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_sales),
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
