/* csv: a strict RFC 4180 reader, and the quoting its writer needs, for
 * files people edit in spreadsheets. */
#ifndef BRIGADE_CTL_CSV_H
#define BRIGADE_CTL_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

struct csv_field {
	char *text;                  /* quotes undone, NUL-terminated */
	size_t len;
	bool quoted;
};

struct csv_row {
	int row;                     /* 1-based, as a spreadsheet counts rows */
	int line;                    /* the text line it starts on, 1-based */
	int nfields;
	struct csv_field *fields;
};

struct csv {
	char delim;                  /* ',' or ';' */
	bool bom;                    /* the text began with a UTF-8 byte order mark */
	int nrows;
	struct csv_row *rows;
};

/* Where and why a text is not CSV: row and column are 1-based (col 0: the
 * row as a whole). */
struct csv_error {
	int row, col;
	char message[160];
};

/* Read text into rows of fields. Quoted fields may hold the delimiter,
 * doubled quotes and line breaks; rows end in CRLF, LF or a lone CR; a
 * leading byte order mark is skipped. Refused: a quote inside an unquoted
 * field, text after a closing quote, a quote that never closes, a NUL byte,
 * text that is not UTF-8. delim 0 takes it from the first row: ';' when
 * that row has semicolons and no commas (as spreadsheets set to French or
 * German write), ',' otherwise. Every row counts, blank ones too, so that
 * row numbers are the spreadsheet's. 0, or -1 with err filled. */
int csv_parse(const char *text, size_t len, char delim, struct csv *out,
    struct csv_error *err);
void csv_free(struct csv *c);

/* Append one field, quoted when it must be: it holds the delimiter, a
 * quote, a line break, or starts or ends with a space or a tab. */
void csv_put_field(struct strbuf *sb, const char *s, char delim);

#endif
