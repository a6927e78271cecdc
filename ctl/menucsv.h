/* menucsv: the whole menu as one CSV file a restaurant owner edits in a
 * spreadsheet (docs/menu-csv.md): read into the JSON document that
 * PUT /api/v1/menu takes, written from the one GET /api/v1/menu gives, and
 * a field path of that document ("items[12].price") traced back to the
 * row and column it came from. */
#ifndef BRIGADE_CTL_MENUCSV_H
#define BRIGADE_CTL_MENUCSV_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct strbuf;

#define MENUCSV_ERRORS_MAX 20   /* reported at once; the rest are counted */

/* One thing wrong with the file: the row and column (1-based; col 0 when
 * the column is missing or the row as a whole is to blame, row 0 for the
 * file) and a sentence that starts with the column's name
 * ("price: \"9,5O\" is not an amount"). */
struct menucsv_error {
	int row, col;
	char message[200];
};

struct menucsv_errors {
	int n;
	int more;                    /* found beyond MENUCSV_ERRORS_MAX */
	struct menucsv_error e[MENUCSV_ERRORS_MAX];
};

/* A file read: its menu document and where each part of it came from. */
struct menucsv;

/* Read a menu file, checking everything that can be checked without the
 * server: the CSV itself, the header, row types, which columns each type
 * takes, amounts, rates, flags, codes and name lengths, duplicates, and
 * that every category, tax class and modifier group an item names is
 * declared. A file without station rows gets the stations its items name.
 * NULL with errs filled (rows in file order) when anything is wrong. */
struct menucsv *menucsv_read(const char *text, size_t len, struct menucsv_errors *errs);
void menucsv_free(struct menucsv *m);

/* The menu document (owned by m). */
const cJSON *menucsv_document(const struct menucsv *m);

/* Where a field path of the document came from: its row, its column (0
 * when the file has no such column or the path names a whole row) and the
 * column's name (NULL for a whole row). -1 when the path is not one of the
 * file's rows (the top level, a path we do not know). */
int menucsv_locate(const struct menucsv *m, const char *field, int *row, int *col,
    const char **column);

/* Write a menu document (GET /api/v1/menu) as CSV, in the form
 * menucsv_read reads back to the same document: CRLF line ends, RFC 4180
 * quoting, UTF-8 without a byte order mark. -1 with a sentence in err when
 * the document is not a menu this understands (out is then unchanged). */
int menucsv_write(const cJSON *menu, struct strbuf *out, char *err, size_t errsize);

#endif
