/* test_csv: the strict RFC 4180 reader (quotes, line breaks, CRLF, BOM,
 * delimiters, every refusal with its row and column) and the writer's
 * quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "csv.h"
#include "strbuf.h"

static int
parse(const char *text, struct csv *c, struct csv_error *err)
{
	return csv_parse(text, strlen(text), 0, c, err);
}

static void
assert_row(const struct csv *c, int i, int n, ...)
{
	va_list ap;

	assert_true(i < c->nrows);
	assert_int_equal(c->rows[i].nfields, n);
	va_start(ap, n);
	for (int f = 0; f < n; f++)
		assert_string_equal(c->rows[i].fields[f].text, va_arg(ap, const char *));
	va_end(ap);
}

static void
test_plain(void **state)
{
	struct csv c;
	struct csv_error err;

	(void)state;
	assert_int_equal(parse("type,code,name\nitem,B1,Burger\n", &c, &err), 0);
	assert_int_equal(c.nrows, 2);
	assert_int_equal(c.delim, ',');
	assert_false(c.bom);
	assert_row(&c, 0, 3, "type", "code", "name");
	assert_row(&c, 1, 3, "item", "B1", "Burger");
	assert_int_equal(c.rows[1].row, 2);
	assert_int_equal(c.rows[1].line, 2);
	csv_free(&c);

	/* no line break at the end; an empty last field */
	assert_int_equal(parse("a,b,\n,,", &c, &err), 0);
	assert_int_equal(c.nrows, 2);
	assert_row(&c, 0, 3, "a", "b", "");
	assert_row(&c, 1, 3, "", "", "");
	csv_free(&c);

	assert_int_equal(parse("", &c, &err), 0);
	assert_int_equal(c.nrows, 0);
	csv_free(&c);
}

static void
test_quotes(void **state)
{
	struct csv c;
	struct csv_error err;

	(void)state;
	assert_int_equal(parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"
	    "\"two\nlines\",x\n"
	    "\"crlf\r\ninside\",y\r\n"
	    "last,row\n", &c, &err), 0);
	assert_int_equal(c.nrows, 4);
	assert_row(&c, 0, 3, "a,b", "say \"hi\"", "");
	assert_true(c.rows[0].fields[0].quoted);
	assert_true(c.rows[0].fields[2].quoted);
	assert_row(&c, 1, 2, "two\nlines", "x");
	assert_row(&c, 2, 2, "crlf\r\ninside", "y");
	assert_row(&c, 3, 2, "last", "row");
	/* rows as a spreadsheet counts them; lines as an editor does */
	assert_int_equal(c.rows[3].row, 4);
	assert_int_equal(c.rows[1].line, 2);
	assert_int_equal(c.rows[2].line, 4);
	assert_int_equal(c.rows[3].line, 6);
	csv_free(&c);
}

static void
test_line_ends(void **state)
{
	struct csv c;
	struct csv_error err;

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbftype,name\r\nitem,Caf\xc3\xa9\r\n\r\nitem,Tea\r\n",
	    &c, &err), 0);
	assert_true(c.bom);
	assert_int_equal(c.nrows, 4);
	assert_row(&c, 0, 2, "type", "name");
	assert_row(&c, 1, 2, "item", "Caf\xc3\xa9");
	assert_row(&c, 2, 1, "");           /* a blank row still counts */
	assert_row(&c, 3, 2, "item", "Tea");
	assert_int_equal(c.rows[3].row, 4);
	csv_free(&c);

	/* a lone CR ends a row too (old Mac files) */
	assert_int_equal(parse("a,b\rc,d\r", &c, &err), 0);
	assert_int_equal(c.nrows, 2);
	assert_row(&c, 1, 2, "c", "d");
	csv_free(&c);
}

static void
test_delimiter(void **state)
{
	struct csv c;
	struct csv_error err;

	(void)state;
	assert_int_equal(parse("type;name;price\nitem;\"A;B\";9,50\n", &c, &err), 0);
	assert_int_equal(c.delim, ';');
	assert_row(&c, 1, 3, "item", "A;B", "9,50");
	csv_free(&c);
	/* commas in the first row win */
	assert_int_equal(parse("type,name;x\nitem,a;b\n", &c, &err), 0);
	assert_int_equal(c.delim, ',');
	assert_row(&c, 1, 2, "item", "a;b");
	csv_free(&c);
	/* a semicolon inside quotes says nothing */
	assert_int_equal(parse("\"a;b\"\n", &c, &err), 0);
	assert_int_equal(c.delim, ',');
	csv_free(&c);
	/* or the caller says */
	assert_int_equal(csv_parse("a;b", 3, ';', &c, &err), 0);
	assert_row(&c, 0, 2, "a", "b");
	csv_free(&c);
}

static void
assert_refused(const char *text, size_t len, int row, int col, const char *words)
{
	struct csv c;
	struct csv_error err;

	assert_int_equal(csv_parse(text, len, 0, &c, &err), -1);
	assert_int_equal(err.row, row);
	assert_int_equal(err.col, col);
	if (strstr(err.message, words) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.message, words);
	assert_int_equal(c.nrows, 0);
	assert_null(c.rows);
}

#define REFUSED(lit, row, col, words) assert_refused(lit, sizeof lit - 1, row, col, words)

static void
test_refused(void **state)
{
	(void)state;
	REFUSED("a,b\nc,\"open\nd,e\n", 2, 2, "never closes");
	REFUSED("a,b\n1,\"x\"y,z\n", 2, 2, "after a closing quote");
	REFUSED("a,b\n1,12\" pizza\n", 2, 2, "quote the whole field");
	REFUSED("a,b\nc,d\0e\n", 2, 2, "NUL");
	REFUSED("a,b\n1,\"\0\"\n", 2, 2, "NUL");
	REFUSED("a,b\nx,y,caf\xe9\n", 2, 3, "not UTF-8");
	REFUSED("a,b\nx,\"\xc3\x28\"\n", 2, 2, "not UTF-8");
	/* rows after a multi-line field are counted as rows */
	REFUSED("a,b\n\"1\n2\n3\",x\n4,5\"\n", 3, 2, "quote the whole field");
}

static void
test_write(void **state)
{
	static const char *const values[] = {
		"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "trail\t", "", "Caf\xc3\xa9",
		"semi;colon",
	};
	struct strbuf sb;
	struct csv c;
	struct csv_error err;
	size_t n = sizeof values / sizeof values[0];

	(void)state;
	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_putc(&sb, ',');
		csv_put_field(&sb, values[i], ',');
	}
	strbuf_puts(&sb, "\r\n");
	assert_string_equal(sb.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\","
	    "\"trail\t\",,Caf\xc3\xa9,semi;colon\r\n");
	assert_int_equal(csv_parse(sb.data, sb.len, 0, &c, &err), 0);
	assert_int_equal(c.nrows, 1);
	assert_int_equal(c.rows[0].nfields, (int)n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(c.rows[0].fields[i].text, values[i]);
	csv_free(&c);
	strbuf_reset(&sb);
	csv_put_field(&sb, "semi;colon", ';');
	assert_string_equal(sb.data, "\"semi;colon\"");
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_delimiter),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
