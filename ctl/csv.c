/* csv: a strict RFC 4180 reader, and the quoting its writer needs. */
#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

static int csv_fail(struct csv_error *err, int row, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
csv_fail(struct csv_error *err, int row, int col, const char *fmt, ...)
{
	va_list ap;

	err->row = row;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* The delimiter of the first row: semicolons and no commas outside quotes
 * make it ';'. */
static char
detect_delim(const char *p, const char *end)
{
	bool quoted = false, comma = false, semi = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted && *p == ',')
			comma = true;
		else if (!quoted && *p == ';')
			semi = true;
	}
	return semi && !comma ? ';' : ',';
}

static void
add_field(struct csv_row *r, struct strbuf *sb, bool quoted)
{
	struct csv_field *f;

	r->fields = xreallocarray(r->fields, (size_t)r->nfields + 1, sizeof *r->fields);
	f = &r->fields[r->nfields++];
	f->len = sb->len;
	f->text = sb->data != NULL ? xstrndup(sb->data, sb->len) : xstrdup("");
	f->quoted = quoted;
	strbuf_reset(sb);
}

static bool
line_end(const char *p, const char *end)
{
	return p < end && (*p == '\n' || *p == '\r');
}

/* Past one line break (CRLF, LF or CR) at p. */
static const char *
skip_line_end(const char *p, const char *end)
{
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		return p + 2;
	return p + 1;
}

/* One field at *pp into sb: the quoted form or the plain one. Leaves *pp
 * on what follows it (a delimiter, a line break or the end). */
static int
read_field(const char **pp, const char *end, char delim, struct strbuf *sb,
    bool *quoted, int row, int col, int *line, struct csv_error *err)
{
	const char *p = *pp;

	*quoted = p < end && *p == '"';
	if (*quoted) {
		for (p++;; p++) {
			if (p >= end)
				return csv_fail(err, row, col, "a quoted field never closes: "
				    "a quote (\") is missing");
			if (*p == '\0')
				return csv_fail(err, row, col, "a NUL byte: this is not a text file");
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					strbuf_putc(sb, '"');
					p++;
					continue;
				}
				p++;
				break;
			}
			if (*p == '\n' || (*p == '\r' && !(p + 1 < end && p[1] == '\n')))
				(*line)++;
			strbuf_putc(sb, *p);
		}
		if (p < end && *p != delim && !line_end(p, end))
			return csv_fail(err, row, col, "text after a closing quote (a quote "
			    "inside a quoted field is written twice: \"\")");
	} else {
		const char *start = p;

		for (; p < end && *p != delim && !line_end(p, end); p++) {
			if (*p == '"')
				return csv_fail(err, row, col, "a quote in a field that does not "
				    "start with one: quote the whole field and write the quote "
				    "twice (\"12\"\" pizza\")");
			if (*p == '\0')
				return csv_fail(err, row, col, "a NUL byte: this is not a text file");
		}
		strbuf_append(sb, start, (size_t)(p - start));
	}
	if (!utf8_valid(sb->data != NULL ? sb->data : "", sb->len, false))
		return csv_fail(err, row, col, "text that is not UTF-8 (save the file as "
		    "\"CSV UTF-8\")");
	*pp = p;
	return 0;
}

int
csv_parse(const char *text, size_t len, char delim, struct csv *out,
    struct csv_error *err)
{
	const char *p = text, *end = text + len;
	struct strbuf sb;
	int line = 1;

	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		out->bom = true;
		p += 3;
	}
	out->delim = delim != 0 ? delim : detect_delim(p, end);
	strbuf_init(&sb);
	while (p < end) {
		struct csv_row *r;

		out->rows = xreallocarray(out->rows, (size_t)out->nrows + 1, sizeof *out->rows);
		r = &out->rows[out->nrows++];
		memset(r, 0, sizeof *r);
		r->row = out->nrows;
		r->line = line;
		for (;;) {
			bool quoted;

			if (read_field(&p, end, out->delim, &sb, &quoted, r->row,
			    r->nfields + 1, &line, err) < 0) {
				strbuf_free(&sb);
				csv_free(out);
				return -1;
			}
			add_field(r, &sb, quoted);
			if (p < end && *p == out->delim) {
				p++;
				continue;
			}
			if (p < end) {
				p = skip_line_end(p, end);
				line++;
			}
			break;
		}
	}
	strbuf_free(&sb);
	return 0;
}

void
csv_free(struct csv *c)
{
	for (int i = 0; i < c->nrows; i++) {
		for (int f = 0; f < c->rows[i].nfields; f++)
			free(c->rows[i].fields[f].text);
		free(c->rows[i].fields);
	}
	free(c->rows);
	memset(c, 0, sizeof *c);
}

void
csv_put_field(struct strbuf *sb, const char *s, char delim)
{
	size_t n = strlen(s);
	bool quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t');

	for (const char *p = s; *p != '\0' && !quote; p++)
		quote = *p == delim || *p == '"' || *p == '\n' || *p == '\r';
	if (!quote) {
		strbuf_append(sb, s, n);
		return;
	}
	strbuf_putc(sb, '"');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_putc(sb, '"');
		strbuf_putc(sb, *p);
	}
	strbuf_putc(sb, '"');
}
