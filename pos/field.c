/* field: a line of typed text with a filter and a limit. */
#include "field.h"

#include <string.h>

void
field_init(struct field *f, enum field_kind kind, size_t max, bool masked)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->max = max < FIELD_MAX ? max : FIELD_MAX - 1;
	f->masked = masked;
}

static bool
field_accepts(const struct field *f, int cp)
{
	bool idc = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9') || cp == '-' || cp == '_';

	switch (f->kind) {
	case FIELD_PLU:
		return idc || cp == '*';
	case FIELD_AMOUNT:
		return (cp >= '0' && cp <= '9') || (cp == '.' && strchr(f->text, '.') == NULL);
	case FIELD_DIGITS:
		return cp >= '0' && cp <= '9';
	case FIELD_CODE:
		return idc;
	case FIELD_TEXT:
	default:
		return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp < 0x110000;
	}
}

bool
field_put(struct field *f, int cp)
{
	unsigned char b[4];
	size_t n;

	if (!field_accepts(f, cp))
		return false;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xd800 && cp < 0xe000)
			return false;
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (f->len + n > f->max)
		return false;
	memcpy(f->text + f->len, b, n);
	f->len += n;
	f->text[f->len] = '\0';
	return true;
}

bool
field_back(struct field *f)
{
	if (f->len == 0)
		return false;
	do
		f->len--;
	while (f->len > 0 && ((unsigned char)f->text[f->len] & 0xc0) == 0x80);
	memset(f->text + f->len, 0, sizeof f->text - f->len);
	return true;
}

void
field_clear(struct field *f)
{
	explicit_bzero(f->text, sizeof f->text);
	f->len = 0;
}

void
field_set(struct field *f, const char *text)
{
	field_clear(f);
	f->len = strlen(text);
	if (f->len > f->max)
		f->len = f->max;
	memcpy(f->text, text, f->len);
	f->text[f->len] = '\0';
}

bool
field_empty(const struct field *f)
{
	return f->len == 0;
}
