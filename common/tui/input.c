/* input: escape sequence and UTF-8 decoding of terminal input. */
#include "input.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* CSI sequences ending in a letter: ESC [ A, ESC O A, ESC [ 1 ; 5 A ... */
static const struct {
	char final;
	int key;
} csi_letters[] = {
	{ 'A', INPUT_UP }, { 'B', INPUT_DOWN }, { 'C', INPUT_RIGHT }, { 'D', INPUT_LEFT },
	{ 'H', INPUT_HOME }, { 'F', INPUT_END }, { 'Z', INPUT_BACKTAB },
	{ 'P', INPUT_F1 }, { 'Q', INPUT_F1 + 1 }, { 'R', INPUT_F1 + 2 }, { 'S', INPUT_F1 + 3 },
	{ 'M', INPUT_ENTER },       /* keypad Enter in application mode (SS3 M) */
};

/* CSI number ~ sequences: ESC [ 5 ~ is PgUp. */
static const struct {
	int num;
	int key;
} csi_tilde[] = {
	{ 1, INPUT_HOME }, { 2, INPUT_INSERT }, { 3, INPUT_DELETE }, { 4, INPUT_END },
	{ 5, INPUT_PGUP }, { 6, INPUT_PGDN }, { 7, INPUT_HOME }, { 8, INPUT_END },
	{ 11, INPUT_F1 }, { 12, INPUT_F1 + 1 }, { 13, INPUT_F1 + 2 }, { 14, INPUT_F1 + 3 },
	{ 15, INPUT_F1 + 4 }, { 17, INPUT_F1 + 5 }, { 18, INPUT_F1 + 6 }, { 19, INPUT_F1 + 7 },
	{ 20, INPUT_F1 + 8 }, { 21, INPUT_F1 + 9 }, { 23, INPUT_F1 + 10 }, { 24, INPUT_F1 + 11 },
};

static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ INPUT_ENTER, "Enter" }, { INPUT_TAB, "Tab" }, { INPUT_BACKTAB, "Shift-Tab" },
	{ INPUT_BACKSPACE, "Backspace" }, { INPUT_ESC, "Esc" }, { INPUT_UP, "Up" },
	{ INPUT_DOWN, "Down" }, { INPUT_LEFT, "Left" }, { INPUT_RIGHT, "Right" },
	{ INPUT_HOME, "Home" }, { INPUT_END, "End" }, { INPUT_PGUP, "PgUp" },
	{ INPUT_PGDN, "PgDn" }, { INPUT_INSERT, "Insert" }, { INPUT_DELETE, "Delete" },
	{ ' ', "Space" },
};

void
input_init(struct input *in)
{
	memset(in, 0, sizeof *in);
}

/* Decode an escape sequence at p (p[0] == ESC). Returns the bytes it
 * takes, 0 when it is cut short (more bytes may come), and sets *key
 * (-1 for a sequence we do not know: it is swallowed whole). */
static size_t
decode_escape(const unsigned char *p, size_t n, int *key)
{
	size_t i;
	int num = 0;

	*key = -1;
	if (n < 2)
		return 0;
	if (p[1] != '[' && p[1] != 'O') {
		*key = INPUT_ESC;   /* Esc, then the next byte on its own */
		return 1;
	}
	for (i = 2; i < n; i++) {
		unsigned char c = p[i];

		if (c >= '0' && c <= '9') {
			if (num < 1000)
				num = num * 10 + (c - '0');
			continue;
		}
		if (c == ';') {
			num = 0;  /* modifiers: ESC [ 1 ; 5 A is Ctrl-Up, taken as Up */
			continue;
		}
		if (c == '~') {
			for (size_t k = 0; k < sizeof csi_tilde / sizeof csi_tilde[0]; k++) {
				if (csi_tilde[k].num == num)
					*key = csi_tilde[k].key;
			}
			/* ESC [ 1 ; 5 ~ style: the number before ';' was lost above;
			 * the plain forms cover every key a bump bar or till sends */
			return i + 1;
		}
		if (c >= 0x40 && c <= 0x7e) {
			for (size_t k = 0; k < sizeof csi_letters / sizeof csi_letters[0]; k++) {
				if (csi_letters[k].final == (char)c)
					*key = csi_letters[k].key;
			}
			return i + 1;
		}
		/* anything else ends a sequence we do not understand */
		return i + 1;
	}
	return n >= sizeof ((struct input *)0)->buf ? n : 0;
}

/* One key at p; returns bytes used, 0 when more bytes are needed. */
static size_t
decode_one(const unsigned char *p, size_t n, bool final_chunk, int *key)
{
	unsigned char c = p[0];

	if (c == 0x1b) {
		size_t used = decode_escape(p, n, key);

		if (used == 0 && n == 1 && final_chunk) {
			*key = INPUT_ESC;
			return 1;
		}
		return used;
	}
	if (c == '\r' || c == '\n') {
		*key = INPUT_ENTER;
		return 1;
	}
	if (c == '\t') {
		*key = INPUT_TAB;
		return 1;
	}
	if (c == 0x7f || c == 0x08) {
		*key = INPUT_BACKSPACE;
		return 1;
	}
	if (c < 0x80) {
		*key = c;
		return 1;
	}
	/* UTF-8: wait for the whole character */
	size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n < need)
		return 0;
	const char *s = (const char *)p;
	int32_t cp = utf8_decode(&s, (const char *)p + need);
	*key = cp < 0 ? -1 : cp;
	return (size_t)(s - (const char *)p);
}

void
input_feed(struct input *in, const char *data, size_t len, input_key_fn fn, void *ctx)
{
	size_t off = 0;

	while (off < len || in->len > 0) {
		/* top the buffer up from data */
		size_t room = sizeof in->buf - in->len;
		size_t take = len - off < room ? len - off : room;

		memcpy(in->buf + in->len, data + off, take);
		in->len += take;
		off += take;

		size_t pos = 0;
		while (pos < in->len) {
			int key;
			size_t used = decode_one(in->buf + pos, in->len - pos, off == len, &key);

			if (used == 0)
				break;
			pos += used;
			if (key >= 0)
				fn(ctx, key);
		}
		memmove(in->buf, in->buf + pos, in->len - pos);
		in->len -= pos;
		if (off == len)
			break;
		if (pos == 0 && in->len == sizeof in->buf) {
			in->len = 0;   /* garbage that never ends a sequence */
		}
	}
	/* a UTF-8 character cut at the end stays; so does ESC [ waiting for
	 * its final byte (the terminal sends the rest in the next read) */
}

const char *
input_key_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key) {
			snprintf(buf, size, "%s", key_names[i].name);
			return buf;
		}
	}
	if (key >= INPUT_F1 && key <= INPUT_F12) {
		snprintf(buf, size, "F%d", key - INPUT_F1 + 1);
	} else if (key > 0 && key < 0x20) {
		snprintf(buf, size, "^%c", key + '@');
	} else if (key >= 0x20 && key < 0x110000) {
		char u[5];
		int n = 0;
		unsigned c = (unsigned)key;

		if (c < 0x80) {
			u[n++] = (char)c;
		} else if (c < 0x800) {
			u[n++] = (char)(0xc0 | (c >> 6));
			u[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			u[n++] = (char)(0xe0 | (c >> 12));
			u[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			u[n++] = (char)(0xf0 | (c >> 18));
			u[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[n++] = (char)(0x80 | (c & 0x3f));
		}
		u[n] = '\0';
		snprintf(buf, size, "%s", u);
	} else {
		snprintf(buf, size, "?");
	}
	return buf;
}
