/* test_menucsv: the menu file read into the menu document (every kind of
 * row, inherited groups, defaults), every refusal with its row, column and
 * words, a field path traced back to the file, and export -> import giving
 * back the same document. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "menucsv.h"
#include "strbuf.h"

static const char small_menu[] =
    "type,code,name,price,category,tax,station,kitchen_name,group,available,barcode,"
    "rate,min,max,required,comment\r\n"
    "tax,food,Food,,,,,,,,,8.25,,,,\r\n"
    "tax,zero,Zero-rated,,,,,,,,,0%,,,,\r\n"
    "category,,Burgers,,,,,,,,,,,,,\r\n"
    "category,,\"Sides, small\",,,,,,,,,,,,,\r\n"
    "group,BEXTRA,Burger extras,,,,,,,,,,0,3,no,\r\n"
    "modifier,XCH,Extra cheese,1.00,,,,,,,,,,,,under its group\r\n"
    "modifier,NOON,No onions,,,,,,,no,,,,,,\r\n"
    "group,DONE,Doneness,,,,,,,,,,1,1,yes,\r\n"
    "modifier,MR,Medium rare,,,,,,DONE,,,,,,,\r\n"
    "# a comment row,,,,,,,,,,,,,,,\r\n"
    ",,,,,,,,,,,,,,,\r\n"
    "item,B1,Classic Burger,9.50,Burgers,food,grill,CLASSIC,BEXTRA|DONE,yes,4006381333931,,,,,\r\n"
    "item,S1,\"Fries, large\",3.5,\"Sides, small\",zero,fryer,,,n,,,,,,\r\n"
    "modifier,WD,Well done,0,,,,,DONE,,,,,,,\r\n";

static const char small_doc[] =
    "{\"tax_classes\":[{\"code\":\"food\",\"name\":\"Food\",\"rate_bp\":825},"
    "{\"code\":\"zero\",\"name\":\"Zero-rated\",\"rate_bp\":0}],"
    "\"stations\":[\"grill\",\"fryer\"],"
    "\"categories\":[\"Burgers\",\"Sides, small\"],"
    "\"modifier_groups\":["
    "{\"code\":\"BEXTRA\",\"name\":\"Burger extras\",\"min\":0,\"max\":3,\"required\":false,"
    "\"modifiers\":[{\"code\":\"XCH\",\"name\":\"Extra cheese\",\"price\":100,\"available\":true},"
    "{\"code\":\"NOON\",\"name\":\"No onions\",\"price\":0,\"available\":false}]},"
    "{\"code\":\"DONE\",\"name\":\"Doneness\",\"min\":1,\"max\":1,\"required\":true,"
    "\"modifiers\":[{\"code\":\"MR\",\"name\":\"Medium rare\",\"price\":0,\"available\":true},"
    "{\"code\":\"WD\",\"name\":\"Well done\",\"price\":0,\"available\":true}]}],"
    "\"items\":["
    "{\"sku\":\"B1\",\"name\":\"Classic Burger\",\"kitchen_name\":\"CLASSIC\",\"price\":950,"
    "\"tax_class\":\"food\",\"category\":\"Burgers\",\"station\":\"grill\",\"available\":true,"
    "\"barcode\":\"4006381333931\",\"groups\":[\"BEXTRA\",\"DONE\"]},"
    "{\"sku\":\"S1\",\"name\":\"Fries, large\",\"kitchen_name\":\"\",\"price\":350,"
    "\"tax_class\":\"zero\",\"category\":\"Sides, small\",\"station\":\"fryer\",\"available\":false,"
    "\"barcode\":\"\",\"groups\":[]}]}";

static void
assert_json_equal(const cJSON *got, const char *want_text)
{
	cJSON *want = cJSON_Parse(want_text);

	assert_non_null(want);
	if (!cJSON_Compare(got, want, true)) {
		char *g = cJSON_PrintUnformatted(got);

		fail_msg("got  %s\nwant %s", g, want_text);
	}
	cJSON_Delete(want);
}

static struct menucsv *
read_ok(const char *text)
{
	struct menucsv_errors errs;
	struct menucsv *m = menucsv_read(text, strlen(text), &errs);

	if (m == NULL)
		fail_msg("refused: %d:%d: %s", errs.e[0].row, errs.e[0].col, errs.e[0].message);
	return m;
}

static void
test_read(void **state)
{
	struct menucsv *m = read_ok(small_menu);

	(void)state;
	assert_json_equal(menucsv_document(m), small_doc);
	menucsv_free(m);
}

/* The same menu in the shape spreadsheets in France or Germany save:
 * semicolons, decimal commas, a byte order mark, columns in another order,
 * only some of them, names in capitals, LF line ends. */
static void
test_read_semicolons(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbfType;Name;Code;Price;Category;Station;Rate;Tax\n"
	    "tax;TVA 10 %;tva10;;;;10;\n"
	    "category;Plats;;;;;;\n"
	    "item;Steak frites;P1;14,50;Plats;grill;;tva10\n"
	    "item;Caf\xc3\xa9;P2;1,8;Plats;bar;;tva10\n";
	struct menucsv *m = read_ok(text);

	(void)state;
	assert_json_equal(menucsv_document(m),
	    "{\"tax_classes\":[{\"code\":\"tva10\",\"name\":\"TVA 10 %\",\"rate_bp\":1000}],"
	    "\"stations\":[\"grill\",\"bar\"],"
	    "\"categories\":[\"Plats\"],\"modifier_groups\":[],\"items\":["
	    "{\"sku\":\"P1\",\"name\":\"Steak frites\",\"kitchen_name\":\"\",\"price\":1450,"
	    "\"tax_class\":\"tva10\",\"category\":\"Plats\",\"station\":\"grill\","
	    "\"available\":true,\"barcode\":\"\",\"groups\":[]},"
	    "{\"sku\":\"P2\",\"name\":\"Caf\xc3\xa9\",\"kitchen_name\":\"\",\"price\":180,"
	    "\"tax_class\":\"tva10\",\"category\":\"Plats\",\"station\":\"bar\","
	    "\"available\":true,\"barcode\":\"\",\"groups\":[]}]}");
	menucsv_free(m);
}

/* A file of the header and one row after it, refused with this first
 * error. */
static void
assert_refused(const char *text, int row, int col, const char *message)
{
	struct menucsv_errors errs;
	struct menucsv *m = menucsv_read(text, strlen(text), &errs);

	if (m != NULL)
		fail_msg("taken: %s", text);
	assert_true(errs.n > 0);
	if (errs.e[0].row != row || errs.e[0].col != col ||
	    strcmp(errs.e[0].message, message) != 0)
		fail_msg("got  %d:%d: %s\nwant %d:%d: %s", errs.e[0].row, errs.e[0].col,
		    errs.e[0].message, row, col, message);
}

#define HEAD "type,code,name,price,category,tax,station,group,available,rate,min,max,required\n"
#define DECL "tax,food,Food,,,,,,,8,,,\ncategory,,Burgers,,,,,,,,,,\n"

static void
test_refused_values(void **state)
{
	(void)state;
	assert_refused(HEAD DECL "item,B1,Burger,\"9,5O\",Burgers,food,grill,,,,,,\n",
	    4, 4, "price: \"9,5O\" is not an amount (write it like 9.50)");
	assert_refused(HEAD DECL "item,B1,Burger,-9.50,Burgers,food,grill,,,,,,\n",
	    4, 4, "price: \"-9.50\" is not an amount (write it like 9.50)");
	assert_refused(HEAD DECL "item,B1,Burger,9.505,Burgers,food,grill,,,,,,\n",
	    4, 4, "price: \"9.505\" is not an amount (write it like 9.50)");
	assert_refused(HEAD DECL "item,B1,Burger,$9,Burgers,food,grill,,,,,,\n",
	    4, 4, "price: \"$9\" is not an amount (write it like 9.50)");
	assert_refused(HEAD "group,G,Extras,,,,,,,,,,\nmodifier,M,Bacon,one,,,,,,,,,\n",
	    3, 4, "price: \"one\" is not an amount (write it like 9.50, or -1.00 for less)");
	assert_refused(HEAD "tax,food,Food,,,,,,,eight,,,\n",
	    2, 10, "rate: \"eight\" is not a rate in percent from 0 to 100 (write it like 8.25)");
	assert_refused(HEAD "tax,food,Food,,,,,,,101,,,\n",
	    2, 10, "rate: \"101\" is not a rate in percent from 0 to 100 (write it like 8.25)");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,food,grill,,maybe,,,,\n",
	    4, 9, "available: \"maybe\" is neither yes nor no");
	assert_refused(HEAD "group,G,Extras,,,,,,,,2,1,\n",
	    2, 11, "min: 2 is more than the max, 1");
	assert_refused(HEAD "group,G,Extras,,,,,,,,-1,,\n",
	    2, 11, "min: \"-1\" is not a whole number");
	assert_refused(HEAD DECL "item,B 1,Burger,9,Burgers,food,grill,,,,,,\n",
	    4, 2, "code: \"B 1\" may hold only letters A-Z, digits, - and _");
	assert_refused(HEAD DECL "item,B1234567890123456,Burger,9,Burgers,food,grill,,,,,,\n",
	    4, 2, "code: \"B1234567890123456\" is longer than 16 characters");
	assert_refused(HEAD DECL "item,B1,\"Two\nlines\",9,Burgers,food,grill,,,,,,\n",
	    4, 3, "name: \"Two?lines\" holds a line break or another control character");
	assert_refused(HEAD DECL "item,B1,"
	    "A name far too long for any till screen or any receipt at all here,9,"
	    "Burgers,food,grill,,,,,,\n",
	    4, 3, "name: \"A name far too long for any till screen ...\" is longer than 64 "
	    "bytes (66)");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,food,grill,A||B,,,,,\n",
	    4, 8, "group: \"A||B\" has an empty group code between the |s");
}

static void
test_refused_shape(void **state)
{
	(void)state;
	assert_refused("", 0, 0, "the file is empty: the first row names the columns "
	    "(see docs/menu-csv.md)");
	assert_refused("code,name\n", 1, 0, "the first row must name the columns, and one of "
	    "them is type (see docs/menu-csv.md)");
	assert_refused("type,prise\n", 1, 2, "\"prise\" is not a column: the columns are type, "
	    "code, name, price, category, tax, station, kitchen_name, group, available, barcode, "
	    "rate, min, max, required and comment");
	assert_refused("type,name,NAME\n", 1, 3, "name: a second name column (the first is "
	    "column 2)");
	assert_refused(HEAD "itme,B1,Burger,9,Burgers,food,grill,,,,,,\n", 2, 1,
	    "type: \"itme\" is not a type of row: tax, station, category, group, modifier "
	    "or item");
	assert_refused(HEAD "category,,Burgers,9.50,,,,,,,,,\n", 2, 4,
	    "price: a category row has no price: leave it empty");
	assert_refused(HEAD DECL "item,B1,Burger,,Burgers,food,grill,,,,,,\n", 4, 4,
	    "price: an item row needs a price");
	assert_refused("type,code,name,category,station\ncategory,,Burgers,,\n"
	    "item,B1,Burger,Burgers,grill\n", 3, 0,
	    "price: an item row needs a price, and the file has no price column");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,food,grill,,,,,,,extra\n", 4, 14,
	    "\"extra\" is in column 14, which has no name in the first row");
	assert_refused(HEAD DECL, 0, 0, "the file has no item rows: importing it would retire "
	    "the whole menu");
	assert_refused(HEAD "item,B1,Burger,9,Burgers,food,\"grill\"x,,,,,,\n", 2, 7,
	    "text after a closing quote (a quote inside a quoted field is written twice: \"\")");
}

static void
test_refused_references(void **state)
{
	(void)state;
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgrs,food,grill,,,,,,\n", 4, 5,
	    "category: no category row is named \"Burgrs\"");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,drink,grill,,,,,,\n", 4, 6,
	    "tax: no tax row has the code \"drink\"");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,food,grill,BEXTRA,,,,,\n", 4, 8,
	    "group: no group row has the code \"BEXTRA\"");
	assert_refused(HEAD DECL "station,bar,,,,,,,,,,,\n"
	    "item,B1,Burger,9,Burgers,food,grill,,,,,,\n", 5, 7,
	    "station: no station row has the code \"grill\"");
	assert_refused(HEAD DECL "item,B1,Burger,9,Burgers,food,grill,,,,,,\n"
	    "item,B1,Burger 2,9,Burgers,food,grill,,,,,,\n", 5, 2,
	    "code: item \"B1\" is on row 4 already");
	assert_refused(HEAD DECL "category,,Burgers,,,,,,,,,,\n", 4, 3,
	    "name: category \"Burgers\" is on row 3 already");
	assert_refused(HEAD "modifier,XCH,Cheese,1,,,,,,,,,\n", 2, 8,
	    "group: which group is this modifier in? Name it here, or put the row under its "
	    "group's row");
	/* a row of another type between a group and its modifiers */
	assert_refused(HEAD DECL "group,G,Extras,,,,,,,,,,\n"
	    "item,B1,Burger,9,Burgers,food,grill,G,,,,,\n"
	    "modifier,XCH,Cheese,1,,,,,,,,,\n", 6, 8,
	    "group: which group is this modifier in? Name it here, or put the row under its "
	    "group's row");
	assert_refused(HEAD DECL "group,G,Extras,,,,,,,,,,\nmodifier,XCH,Cheese,1,,,,,,,,,\n"
	    "modifier,XCH,Cheddar,1,,,,,,,,,\nitem,B1,Burger,9,Burgers,food,grill,G,,,,,\n", 6, 2,
	    "code: \"XCH\" is in group G already, on row 5");
	assert_refused(HEAD DECL "modifier,XCH,Cheese,1,,,,G2,,,,,\n"
	    "item,B1,Burger,9,Burgers,food,grill,,,,,,\n", 4, 8,
	    "group: no group row has the code \"G2\"");
}

/* A row with errors is not blamed again through what refers to it, and
 * every error is reported, in row order, up to the limit. */
static void
test_many_errors(void **state)
{
	struct strbuf sb;
	struct menucsv_errors errs;

	(void)state;
	strbuf_init(&sb);
	strbuf_puts(&sb, HEAD "tax,food,Food,,,,,,,eight,,,\ncategory,,Burgers,,,,,,,,,,\n"
	    "group,G,Extras,,,,,,,,2,1,\nmodifier,XCH,Cheese,1,,,,,,,,,\n");
	for (int i = 0; i < 30; i++)
		strbuf_printf(&sb, "item,B%d,Burger,9.5O,Burgers,food,grill,G,,,,,\n", i);
	assert_null(menucsv_read(sb.data, sb.len, &errs));
	assert_int_equal(errs.n, MENUCSV_ERRORS_MAX);
	assert_int_equal(errs.more, 32 - MENUCSV_ERRORS_MAX);
	assert_int_equal(errs.e[0].row, 2);
	assert_int_equal(errs.e[1].row, 4);
	assert_int_equal(errs.e[2].row, 6);
	assert_string_equal(errs.e[2].message, "price: \"9.5O\" is not an amount (write it "
	    "like 9.50)");
	for (int i = 3; i < errs.n; i++)
		assert_true(errs.e[i].row > errs.e[i - 1].row);
	strbuf_free(&sb);
}

static void
assert_at(const struct menucsv *m, const char *field, int row, int col, const char *column)
{
	const char *name = "unset";
	int r = -1, c = -1;

	if (menucsv_locate(m, field, &r, &c, &name) < 0)
		fail_msg("%s: not located", field);
	if (r != row || c != col)
		fail_msg("%s: at %d:%d, not %d:%d", field, r, c, row, col);
	if (column == NULL)
		assert_null(name);
	else
		assert_string_equal(name, column);
}

static void
test_locate(void **state)
{
	struct menucsv *m = read_ok(small_menu);
	int r, c;
	const char *name;

	(void)state;
	assert_at(m, "items[1].price", 14, 4, "price");
	assert_at(m, "items[0].sku", 13, 2, "code");
	assert_at(m, "items[0].tax_class", 13, 6, "tax");
	assert_at(m, "items[0].groups[1]", 13, 9, "group");
	assert_at(m, "items[0].kitchen_name", 13, 8, "kitchen_name");
	assert_at(m, "items[1]", 14, 0, NULL);
	assert_at(m, "items[1].position", 14, 0, NULL);
	assert_at(m, "tax_classes[1].rate_bp", 3, 12, "rate");
	assert_at(m, "categories[1]", 5, 3, "name");
	assert_at(m, "modifier_groups[1].max", 9, 14, "max");
	assert_at(m, "modifier_groups[0].modifiers[1].code", 8, 2, "code");
	/* WD sits at the end of the file, in group DONE */
	assert_at(m, "modifier_groups[1].modifiers[1].price", 15, 4, "price");
	assert_at(m, "modifier_groups[1].modifiers", 9, 0, NULL);
	assert_int_equal(menucsv_locate(m, "items[2].price", &r, &c, &name), -1);
	assert_int_equal(menucsv_locate(m, "items", &r, &c, &name), -1);
	assert_int_equal(menucsv_locate(m, "modifier_groups[1].modifiers[2]", &r, &c, &name), -1);
	/* no station rows: a station is traced to the first item naming it */
	assert_at(m, "stations[1]", 14, 7, "station");
	assert_int_equal(menucsv_locate(m, "stations[2]", &r, &c, &name), -1);
	assert_int_equal(menucsv_locate(m, "menu[0]", &r, &c, &name), -1);
	assert_int_equal(menucsv_locate(m, "", &r, &c, &name), -1);
	assert_int_equal(menucsv_locate(m, "items[x].price", &r, &c, &name), -1);
	menucsv_free(m);

	/* a column the file does not have */
	m = read_ok("type,code,name,price,category,station,tax,rate\ntax,t,T,,,,,5\n"
	    "category,,Mains,,,,,\nitem,M1,Stew,12,Mains,grill,t,\n");
	assert_at(m, "items[0].kitchen_name", 4, 0, "kitchen_name");
	assert_at(m, "items[0].station", 4, 6, "station");
	menucsv_free(m);
}

/* What GET /api/v1/menu gives (with the fields the file leaves out:
 * version, currency, the legacy rate, each item's derived modifiers)
 * written as CSV and read back is the same menu; written again, the same
 * text. */
static void
test_round_trip(void **state)
{
	cJSON *served = cJSON_Parse(small_doc);
	struct strbuf a, b;
	struct menucsv *m;
	char err[256];

	(void)state;
	cJSON_AddNumberToObject(served, "version", 7);
	cJSON_AddStringToObject(served, "currency", "EUR");
	cJSON_AddNumberToObject(served, "tax_rate_bp", 825);
	cJSON_AddItemToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(served, "items"), 0),
	    "modifiers", cJSON_Parse("[{\"code\":\"XCH\",\"name\":\"Extra cheese\",\"price\":100}]"));
	strbuf_init(&a);
	strbuf_init(&b);
	assert_int_equal(menucsv_write(served, &a, err, sizeof err), 0);
	assert_string_equal(a.data,
	    "type,code,name,price,category,tax,station,kitchen_name,group,available,barcode,"
	    "rate,min,max,required\r\n"
	    "tax,food,Food,,,,,,,,,8.25,,,\r\n"
	    "tax,zero,Zero-rated,,,,,,,,,0,,,\r\n"
	    "station,grill,,,,,,,,,,,,,\r\n"
	    "station,fryer,,,,,,,,,,,,,\r\n"
	    "category,,Burgers,,,,,,,,,,,,\r\n"
	    "category,,\"Sides, small\",,,,,,,,,,,,\r\n"
	    "group,BEXTRA,Burger extras,,,,,,,,,,0,3,no\r\n"
	    "modifier,XCH,Extra cheese,1.00,,,,,BEXTRA,yes,,,,,\r\n"
	    "modifier,NOON,No onions,0.00,,,,,BEXTRA,no,,,,,\r\n"
	    "group,DONE,Doneness,,,,,,,,,,1,1,yes\r\n"
	    "modifier,MR,Medium rare,0.00,,,,,DONE,yes,,,,,\r\n"
	    "modifier,WD,Well done,0.00,,,,,DONE,yes,,,,,\r\n"
	    "item,B1,Classic Burger,9.50,Burgers,food,grill,CLASSIC,BEXTRA|DONE,yes,"
	    "4006381333931,,,,\r\n"
	    "item,S1,\"Fries, large\",3.50,\"Sides, small\",zero,fryer,,,no,,,,,\r\n");
	m = read_ok(a.data);
	assert_json_equal(menucsv_document(m), small_doc);
	assert_int_equal(menucsv_write(menucsv_document(m), &b, err, sizeof err), 0);
	assert_string_equal(a.data, b.data);
	menucsv_free(m);
	strbuf_free(&a);
	strbuf_free(&b);
	cJSON_Delete(served);
}

/* The sample menu of docs/examples/ reads, holds a real-sized menu, and is
 * in the form export writes (but for its LF line ends). */
static void
test_sample(void **state)
{
	struct strbuf text, crlf, out;
	struct menucsv *m;
	char buf[4096], err[256];
	size_t n;
	FILE *fp = fopen(MENU_SAMPLE, "rb");

	(void)state;
	assert_non_null(fp);
	strbuf_init(&text);
	strbuf_init(&crlf);
	strbuf_init(&out);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_append(&text, buf, n);
	fclose(fp);
	m = read_ok(text.data);
	const cJSON *doc = menucsv_document(m);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")), 68);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "categories")), 8);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tax_classes")), 3);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "modifier_groups")) >= 8);
	for (size_t i = 0; i < text.len; i++) {
		if (text.data[i] == '\n')
			strbuf_putc(&crlf, '\r');
		strbuf_putc(&crlf, text.data[i]);
	}
	assert_int_equal(menucsv_write(doc, &out, err, sizeof err), 0);
	assert_string_equal(out.data, crlf.data);
	menucsv_free(m);
	strbuf_free(&text);
	strbuf_free(&crlf);
	strbuf_free(&out);
}

static void
test_write_refused(void **state)
{
	struct strbuf sb;
	char err[256];
	cJSON *j;

	(void)state;
	strbuf_init(&sb);
	j = cJSON_Parse("{\"items\":[{\"sku\":\"B1\",\"name\":\"x\",\"price\":\"9.50\"}]}");
	assert_int_equal(menucsv_write(j, &sb, err, sizeof err), -1);
	assert_string_equal(err, "the server's menu is not one this brigadectl can write as "
	    "CSV: items[0].price is not a whole number");
	assert_int_equal(sb.len, 0);
	cJSON_Delete(j);
	j = cJSON_Parse("[1]");
	assert_int_equal(menucsv_write(j, &sb, err, sizeof err), -1);
	cJSON_Delete(j);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_semicolons),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_refused_shape),
		cmocka_unit_test(test_refused_references),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_write_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
