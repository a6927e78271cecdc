/* fuzz_menucsv: the menu file reader on any bytes. Invariants: no crash;
 * a refusal names at least one mistake with a row inside the file; a file
 * taken is written back as CSV, and that text is read again into the very
 * same document (export -> import changes nothing); a field path traced
 * back lands on a row of the file. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menucsv.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"items[0].price", "items[1].groups[0]", "modifier_groups[0].modifiers[0].code",
		"tax_classes[0].rate_bp", "categories[0]", "stations[0]", "items", "items[0]",
	};
	struct menucsv_errors errs;
	struct menucsv *m = menucsv_read((const char *)data, size, &errs);
	size_t lines = 1;
	char err[256];

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	if (m == NULL) {
		if (errs.n < 1 || errs.n > MENUCSV_ERRORS_MAX)
			abort();
		for (int i = 0; i < errs.n; i++) {
			if (errs.e[i].row < 0 || (size_t)errs.e[i].row > lines ||
			    errs.e[i].message[0] == '\0')
				abort();
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		int row, col;
		const char *column;

		if (menucsv_locate(m, paths[i], &row, &col, &column) == 0 &&
		    (row < 2 || (size_t)row > lines || col < 0))
			abort();
	}
	struct strbuf sb;
	strbuf_init(&sb);
	if (menucsv_write(menucsv_document(m), &sb, err, sizeof err) < 0)
		abort();
	struct menucsv *again = menucsv_read(sb.data, sb.len, &errs);
	if (again == NULL) {
		fprintf(stderr, "written back and refused: %d:%d: %s\n", errs.e[0].row,
		    errs.e[0].col, errs.e[0].message);
		abort();
	}
	if (!cJSON_Compare(menucsv_document(m), menucsv_document(again), true))
		abort();
	menucsv_free(again);
	menucsv_free(m);
	strbuf_free(&sb);
	return 0;
}
