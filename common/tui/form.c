/* form: line-input fields with a cursor, charsets and masking. */
#include "form.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "input.h"
#include "text.h"
#include "utf8.h"
#include "xalloc.h"

void
form_init(struct form *f, const char *title)
{
	memset(f, 0, sizeof *f);
	xstrlcpy(f->title, title, sizeof f->title);
	f->message_role = THEME_DIALOG;
}

int
form_add(struct form *f, const char *label, size_t max, enum form_charset cs,
    unsigned flags)
{
	struct form_field *fl;

	if (f->nfields >= FORM_FIELDS_MAX)
		return -1;
	fl = &f->f[f->nfields];
	memset(fl, 0, sizeof *fl);
	xstrlcpy(fl->label, label, sizeof fl->label);
	fl->max = max > FORM_VALUE_MAX ? FORM_VALUE_MAX : max;
	fl->charset = cs;
	fl->flags = flags;
	return f->nfields++;
}

/* Whether the character c may go in at the cursor of fl. */
static bool
accepts(const struct form_field *fl, int c)
{
	switch (fl->charset) {
	case FORM_DIGITS:
		return c >= '0' && c <= '9';
	case FORM_ID:
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
	case FORM_AMOUNT: {
		const char *dot = memchr(fl->value, '.', fl->len);

		if (c == '.')
			return dot == NULL;
		if (c < '0' || c > '9')
			return false;
		/* at most two decimals after the dot */
		return dot == NULL || (size_t)(dot - fl->value) >= fl->cursor ||
		    fl->len - (size_t)(dot - fl->value) - 1 < 2;
	}
	case FORM_ANY:
	default:
		return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && c < 0x110000;
	}
}

static int
encode(int c, char *out)
{
	unsigned u = (unsigned)c;

	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xe0 | (u >> 12));
		out[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (u >> 18));
	out[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	out[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* Bytes of the UTF-8 character that ends at off. */
static size_t
prev_len(const char *s, size_t off)
{
	size_t n = 0;

	while (off > 0) {
		off--;
		n++;
		if (((unsigned char)s[off] & 0xc0) != 0x80)
			break;
	}
	return n;
}

static size_t
next_len(const char *s, size_t off, size_t len)
{
	size_t n = 0;

	if (off >= len)
		return 0;
	do {
		n++;
	} while (off + n < len && ((unsigned char)s[off + n] & 0xc0) == 0x80);
	return n;
}

static enum form_result
insert(struct form_field *fl, int c)
{
	char u[4];
	int n;

	if (!accepts(fl, c))
		return FORM_REFUSED;
	n = encode(c, u);
	if (fl->len + (size_t)n > fl->max)
		return FORM_REFUSED;
	memmove(fl->value + fl->cursor + n, fl->value + fl->cursor, fl->len - fl->cursor);
	memcpy(fl->value + fl->cursor, u, (size_t)n);
	fl->len += (size_t)n;
	fl->cursor += (size_t)n;
	fl->value[fl->len] = '\0';
	return FORM_CHANGED;
}

static void
erase(struct form_field *fl, size_t at, size_t n)
{
	memmove(fl->value + at, fl->value + at + n, fl->len - at - n);
	fl->len -= n;
	memset(fl->value + fl->len, 0, n);
}

/* Enter: the next field, or submit from the last one when every required
 * field has a value (else the focus goes to the first empty one). */
static enum form_result
enter(struct form *f)
{
	if (f->focus + 1 < f->nfields) {
		f->focus++;
		return FORM_CHANGED;
	}
	for (int i = 0; i < f->nfields; i++) {
		if ((f->f[i].flags & FORM_REQUIRED) && f->f[i].len == 0) {
			f->focus = i;
			form_set_message(f, THEME_ERROR, "%s is needed", f->f[i].label);
			return FORM_REFUSED;
		}
	}
	return FORM_SUBMIT;
}

enum form_result
form_key(struct form *f, int key)
{
	struct form_field *fl;

	if (f->busy || f->nfields == 0)
		return FORM_IGNORED;
	fl = &f->f[f->focus];
	switch (key) {
	case INPUT_ESC:
		return FORM_CANCEL;
	case INPUT_ENTER:
		return enter(f);
	case INPUT_TAB:
	case INPUT_DOWN:
		if (f->nfields < 2)
			return FORM_IGNORED;
		f->focus = (f->focus + 1) % f->nfields;
		return FORM_CHANGED;
	case INPUT_BACKTAB:
	case INPUT_UP:
		if (f->nfields < 2)
			return FORM_IGNORED;
		f->focus = (f->focus + f->nfields - 1) % f->nfields;
		return FORM_CHANGED;
	case INPUT_LEFT:
		fl->cursor -= prev_len(fl->value, fl->cursor);
		return FORM_CHANGED;
	case INPUT_RIGHT:
		fl->cursor += next_len(fl->value, fl->cursor, fl->len);
		return FORM_CHANGED;
	case INPUT_HOME:
	case INPUT_CTRL('a'):
		fl->cursor = 0;
		return FORM_CHANGED;
	case INPUT_END:
	case INPUT_CTRL('e'):
		fl->cursor = fl->len;
		return FORM_CHANGED;
	case INPUT_BACKSPACE: {
		size_t n = prev_len(fl->value, fl->cursor);

		if (n == 0)
			return FORM_REFUSED;
		erase(fl, fl->cursor - n, n);
		fl->cursor -= n;
		return FORM_CHANGED;
	}
	case INPUT_DELETE: {
		size_t n = next_len(fl->value, fl->cursor, fl->len);

		if (n == 0)
			return FORM_REFUSED;
		erase(fl, fl->cursor, n);
		return FORM_CHANGED;
	}
	case INPUT_CTRL('u'):
		form_clear(f, f->focus);
		return FORM_CHANGED;
	default:
		if (key < 0x20 || key >= 0x110000)
			return FORM_IGNORED;
		return insert(fl, key);
	}
}

const char *
form_value(const struct form *f, int i)
{
	return i >= 0 && i < f->nfields ? f->f[i].value : "";
}

int
form_set_value(struct form *f, int i, const char *v)
{
	struct form_field *fl;
	size_t n = strlen(v);

	if (i < 0 || i >= f->nfields)
		return -1;
	fl = &f->f[i];
	if (n > fl->max || !utf8_valid(v, n, true))
		return -1;
	form_clear(f, i);
	memcpy(fl->value, v, n);
	fl->len = fl->cursor = n;
	return 0;
}

void
form_clear(struct form *f, int i)
{
	if (i < 0 || i >= f->nfields)
		return;
	explicit_bzero(f->f[i].value, sizeof f->f[i].value);
	f->f[i].len = f->f[i].cursor = 0;
}

void
form_focus(struct form *f, int i)
{
	if (i >= 0 && i < f->nfields)
		f->focus = i;
}

void
form_set_message(struct form *f, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	f->message_role = role;
}

void
form_display(const struct form *f, int i, char *out, size_t size, int *cursor_cols)
{
	const struct form_field *fl;

	if (size == 0)
		return;
	out[0] = '\0';
	if (cursor_cols != NULL)
		*cursor_cols = 0;
	if (i < 0 || i >= f->nfields)
		return;
	fl = &f->f[i];
	if (fl->flags & FORM_MASKED) {
		size_t chars = utf8_length(fl->value), k;

		for (k = 0; k < chars && k + 1 < size; k++)
			out[k] = '*';
		out[k] = '\0';
		if (cursor_cols != NULL) {
			char before[FORM_VALUE_MAX + 1];

			memcpy(before, fl->value, fl->cursor);
			before[fl->cursor] = '\0';
			*cursor_cols = (int)utf8_length(before);
			explicit_bzero(before, sizeof before);
		}
		return;
	}
	xstrlcpy(out, fl->value, size);
	if (cursor_cols != NULL)
		*cursor_cols = text_width_n(fl->value, fl->cursor);
}

void
form_wipe(struct form *f)
{
	for (int i = 0; i < f->nfields; i++)
		form_clear(f, i);
}
