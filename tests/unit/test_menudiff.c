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
	assert_int_equal(menudiff_render(j, NULL, NULL, &sb, &n), 0);
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
	assert_int_equal(menudiff_render(j, NULL, NULL, &sb, &n), 0);
	assert_int_equal(sb.len, 0);
	assert_int_equal(n.added + n.changed + n.retired, 0);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"version\":4}");
	assert_int_equal(menudiff_render(j, NULL, NULL, &sb, &n), -1);
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
	assert_int_equal(menudiff_render(j, NULL, NULL, &sb, &n), 0);
	assert_string_equal(sb.data,
	    "change group BEXTRA name \"Extras\" -> \"Burger extras\"\n"
	    "change modifier BEXTRA/XCH price 1.00 -> 1.20, available yes -> no\n"
	    "add modifier BEXTRA/EGG \"Fried egg\"\n"
	    "retire modifier BEXTRA/JAL \"Jalape\xc3\xb1os\"\n"
	    "change group BEXTRA modifier order XCH|BAC -> BAC|XCH\n"
	    "change modifier DONE/RARE name \"Rare\" -> \"Bleu\"\n");
	/* BEXTRA and two of its modifiers; DONE only through RARE */
	assert_int_equal(n.added, 1);
	assert_int_equal(n.changed, 3);
	assert_int_equal(n.retired, 1);
	cJSON_Delete(j);
	strbuf_free(&sb);
}

/* An item added or retired shifts the places of those after it: that is
 * no move of theirs, and only real moves are said. */
static void
test_moves(void **state)
{
	cJSON *before = cJSON_Parse("{\"categories\":[\"Mains\",\"Sides\",\"Drinks\"],"
	    "\"items\":[{\"sku\":\"A\"},{\"sku\":\"B\"},{\"sku\":\"C\"},{\"sku\":\"D\"},"
	    "{\"sku\":\"E\"}]}");
	cJSON *after = cJSON_Parse("{\"categories\":[\"Drinks\",\"Mains\",\"Sides\"],"
	    "\"items\":[{\"sku\":\"A\"},{\"sku\":\"N\"},{\"sku\":\"B\"},{\"sku\":\"D\"},"
	    "{\"sku\":\"C\"}]}");
	cJSON *answer = cJSON_Parse("{\"version\":3,"
	    "\"added\":[{\"kind\":\"item\",\"key\":\"N\",\"name\":\"New\"}],"
	    "\"changed\":["
	    "{\"kind\":\"category\",\"key\":\"Mains\",\"fields\":{\"position\":[0,1]}},"
	    "{\"kind\":\"category\",\"key\":\"Sides\",\"fields\":{\"position\":[1,2]}},"
	    "{\"kind\":\"category\",\"key\":\"Drinks\",\"fields\":{\"position\":[2,0]}},"
	    "{\"kind\":\"item\",\"key\":\"B\",\"fields\":{\"position\":[1,2]}},"
	    "{\"kind\":\"item\",\"key\":\"C\",\"fields\":{\"price\":[100,150],"
	    "\"position\":[2,4]}}],"
	    "\"retired\":[{\"kind\":\"item\",\"key\":\"E\"}]}");
	struct menudiff_counts n;
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	assert_int_equal(menudiff_render(answer, before, after, &sb, &n), 0);
	assert_string_equal(sb.data,
	    "add item N \"New\"\n"
	    "move category Drinks to the top\n"
	    "change item C price 1.00 -> 1.50\n"
	    "move item C after D\n"
	    "retire item E\n");
	assert_int_equal(n.added, 1);
	assert_int_equal(n.changed, 2);
	assert_int_equal(n.retired, 1);
	/* without the documents, the server's places as they are */
	strbuf_reset(&sb);
	assert_int_equal(menudiff_render(answer, NULL, NULL, &sb, &n), 0);
	assert_string_equal(sb.data,
	    "add item N \"New\"\n"
	    "change category Mains position 0 -> 1\n"
	    "change category Sides position 1 -> 2\n"
	    "change category Drinks position 2 -> 0\n"
	    "change item B position 1 -> 2\n"
	    "change item C price 1.00 -> 1.50, position 2 -> 4\n"
	    "retire item E\n");
	assert_int_equal(n.changed, 5);
	strbuf_free(&sb);
	cJSON_Delete(before);
	cJSON_Delete(after);
	cJSON_Delete(answer);
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
		cmocka_unit_test(test_moves),
		cmocka_unit_test(test_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
