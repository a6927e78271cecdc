/* test_menudiff: the server's answer to a menu import as the lines
 * brigadectl prints, in the CSV file's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "menudiff.h"
#include "strbuf.h"

static void
test_render(void **state)
{
	static const char answer[] =
	    "{\"version\":4,\"dry_run\":true,"
	    "\"added\":[{\"kind\":\"item\",\"key\":\"B7\",\"name\":\"Smash Burger\"},"
	    "{\"kind\":\"category\",\"key\":\"Hot drinks\",\"name\":\"Hot drinks\"},"
	    "{\"kind\":\"tax_class\",\"key\":\"zero\",\"name\":\"Zero-rated\"},"
	    "{\"kind\":\"group\",\"key\":\"MILK\"}],"
	    "\"changed\":[{\"kind\":\"item\",\"key\":\"B1\",\"fields\":{\"price\":[950,990]}},"
	    "{\"kind\":\"item\",\"key\":\"B2\",\"fields\":{\"name\":[\"Cheese\",\"Say \\\"cheese\\\"\"],"
	    "\"available\":[true,false],\"groups\":[[\"BEXTRA\"],[\"BEXTRA\",\"DONE\"]],"
	    "\"tax_class\":[\"food\",\"zero\"],\"barcode\":[\"\",\"123\"]}},"
	    "{\"kind\":\"tax_class\",\"key\":\"food\",\"fields\":{\"rate_bp\":[800,825]}},"
	    "{\"kind\":\"group\",\"key\":\"BEXTRA\",\"fields\":{\"max\":[2,3],"
	    "\"modifiers\":[{\"code\":\"XCH\"},null]}},"
	    "{\"kind\":\"modifier\",\"key\":\"BEXTRA/XCH\",\"fields\":{\"price\":[100,-50]}},"
	    "{\"kind\":\"item\",\"key\":\"B3\"}],"
	    "\"retired\":[{\"kind\":\"item\",\"key\":\"D3\"},"
	    "{\"kind\":\"category\",\"key\":\"Old \\u001b[31m\",\"name\":\"Old\"}]}";
	cJSON *j = cJSON_Parse(answer);
	struct menudiff_counts n;
	struct strbuf sb;

	(void)state;
	assert_non_null(j);
	strbuf_init(&sb);
	assert_int_equal(menudiff_render(j, &sb, &n), 0);
	assert_string_equal(sb.data,
	    "add item B7 \"Smash Burger\"\n"
	    "add category \"Hot drinks\"\n"
	    "add tax zero \"Zero-rated\"\n"
	    "add group MILK\n"
	    "change item B1 price 9.50 -> 9.90\n"
	    "change item B2 name \"Cheese\" -> \"Say \"\"cheese\"\"\", available yes -> no, "
	    "group BEXTRA -> BEXTRA|DONE, tax \"food\" -> \"zero\", barcode \"\" -> \"123\"\n"
	    "change tax food rate 8% -> 8.25%\n"
	    "change group BEXTRA max 2 -> 3, modifiers {\"code\":\"XCH\"} -> none\n"
	    "change modifier BEXTRA/XCH price 1.00 -> -0.50\n"
	    "change item B3\n"
	    "retire item D3\n"
	    "retire category \"Old ?[31m\" \"Old\"\n");
	assert_int_equal(n.added, 4);
	assert_int_equal(n.changed, 6);
	assert_int_equal(n.retired, 2);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"version\":4,\"added\":[],\"changed\":[],\"retired\":[]}");
	strbuf_reset(&sb);
	assert_int_equal(menudiff_render(j, &sb, &n), 0);
	assert_int_equal(sb.len, 0);
	assert_int_equal(n.added + n.changed + n.retired, 0);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"version\":4}");
	assert_int_equal(menudiff_render(j, &sb, &n), -1);
	cJSON_Delete(j);
	strbuf_free(&sb);
}

/* A group's modifiers are said one by one, as the file's modifier rows. */
static void
test_modifiers(void **state)
{
	static const char answer[] =
	    "{\"version\":4,\"added\":[],\"retired\":[],\"changed\":["
	    "{\"kind\":\"group\",\"key\":\"BEXTRA\",\"fields\":{"
	    "\"name\":[\"Extras\",\"Burger extras\"],\"modifiers\":[["
	    "{\"code\":\"XCH\",\"name\":\"Extra cheese\",\"price\":100,\"available\":true},"
	    "{\"code\":\"JAL\",\"name\":\"Jalape\u00f1os\",\"price\":50,\"available\":true},"
	    "{\"code\":\"BAC\",\"name\":\"Bacon\",\"price\":150,\"available\":true}],["
	    "{\"code\":\"BAC\",\"name\":\"Bacon\",\"price\":150,\"available\":true},"
	    "{\"code\":\"XCH\",\"name\":\"Extra cheese\",\"price\":120,\"available\":false},"
	    "{\"code\":\"EGG\",\"name\":\"Fried egg\",\"price\":125,\"available\":true}]]}},"
	    "{\"kind\":\"group\",\"key\":\"DONE\",\"fields\":{\"modifiers\":[["
	    "{\"code\":\"RARE\",\"name\":\"Rare\",\"price\":0}],["
	    "{\"code\":\"RARE\",\"name\":\"Bleu\",\"price\":0}]]}}]}";
	cJSON *j = cJSON_Parse(answer);
	struct menudiff_counts n;
	struct strbuf sb;

	(void)state;
	assert_non_null(j);
	strbuf_init(&sb);
	assert_int_equal(menudiff_render(j, &sb, &n), 0);
	assert_string_equal(sb.data,
	    "change group BEXTRA name \"Extras\" -> \"Burger extras\"\n"
	    "change modifier BEXTRA/XCH price 1.00 -> 1.20, available yes -> no\n"
	    "add modifier BEXTRA/EGG \"Fried egg\"\n"
	    "retire modifier BEXTRA/JAL \"Jalape\xc3\xb1os\"\n"
	    "change group BEXTRA modifier order XCH|BAC -> BAC|XCH\n"
	    "change modifier DONE/RARE name \"Rare\" -> \"Bleu\"\n");
	assert_int_equal(n.added, 1);
	assert_int_equal(n.changed, 4);
	assert_int_equal(n.retired, 1);
	cJSON_Delete(j);
	strbuf_free(&sb);
}

static void
test_same(void **state)
{
	cJSON *a = cJSON_Parse("{\"version\":4,\"dry_run\":true,\"added\":[{\"kind\":\"item\","
	    "\"key\":\"B7\"}],\"changed\":[],\"retired\":[]}");
	cJSON *b = cJSON_Parse("{\"version\":5,\"dry_run\":false,\"added\":[{\"kind\":\"item\","
	    "\"key\":\"B7\"}],\"changed\":[],\"retired\":[]}");
	cJSON *c = cJSON_Parse("{\"version\":5,\"dry_run\":false,\"added\":[],\"changed\":[],"
	    "\"retired\":[]}");

	(void)state;
	assert_true(menudiff_same(a, b));
	assert_false(menudiff_same(a, c));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
