/* jsonw: a small streaming JSON writer into a strbuf. */
#include "jsonw.h"

#include <string.h>

void
jsonw_init(struct jsonw *w, struct strbuf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->first[0] = true;
}

/* The comma between values of the same container. */
static void
sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		strbuf_putc(w->out, ',');
	w->first[w->depth] = false;
}

static void
open_container(struct jsonw *w, char c)
{
	sep(w);
	strbuf_putc(w->out, c);
	if (w->depth + 1 < JSONW_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

void jsonw_object(struct jsonw *w) { open_container(w, '{'); }
void jsonw_array(struct jsonw *w) { open_container(w, '['); }

static void
close_container(struct jsonw *w, char c)
{
	strbuf_putc(w->out, c);
	if (w->depth > 0)
		w->depth--;
}

void jsonw_end_object(struct jsonw *w) { close_container(w, '}'); }
void jsonw_end_array(struct jsonw *w) { close_container(w, ']'); }

/* Escape s as a JSON string: quotes, backslashes and every control
 * character; everything else (valid UTF-8) goes through as is. */
static void
put_string(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	strbuf_putc(out, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7];
		size_t n = 0;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_append(out, run, (size_t)(s - run));
		switch (c) {
		case '"': esc[n++] = '\\'; esc[n++] = '"'; break;
		case '\\': esc[n++] = '\\'; esc[n++] = '\\'; break;
		case '\n': esc[n++] = '\\'; esc[n++] = 'n'; break;
		case '\t': esc[n++] = '\\'; esc[n++] = 't'; break;
		case '\r': esc[n++] = '\\'; esc[n++] = 'r'; break;
		default:
			esc[n++] = '\\'; esc[n++] = 'u'; esc[n++] = '0'; esc[n++] = '0';
			esc[n++] = hex[c >> 4]; esc[n++] = hex[c & 15];
			break;
		}
		strbuf_append(out, esc, n);
		run = s + 1;
	}
	strbuf_append(out, run, (size_t)(s - run));
	strbuf_putc(out, '"');
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	sep(w);
	put_string(w->out, key);
	strbuf_putc(w->out, ':');
	w->after_key = true;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	sep(w);
	put_string(w->out, s);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	/* by hand: printf is a measurable share of rendering an order */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	sep(w);
	strbuf_append(w->out, p, (size_t)(buf + sizeof buf - p));
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	sep(w);
	strbuf_puts(w->out, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *w)
{
	sep(w);
	strbuf_puts(w->out, "null");
}

void
jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
	sep(w);
	strbuf_append(w->out, json, len);
}

void
jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void
jsonw_kint(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void
jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}

void
jsonw_kstr_or_null(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	if (s[0] == '\0')
		jsonw_null(w);
	else
		jsonw_str(w, s);
}
