/* input: escape sequence and UTF-8 decoding of terminal input. */
#include "input.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* CSI sequences ending in a letter: ESC [ A, ESC [ 1 ; 5 A ... */
static const struct {
	char final;
	int key;
} csi_letters[] = {
	{ 'A', INPUT_UP }, { 'B', INPUT_DOWN }, { 'C', INPUT_RIGHT }, { 'D', INPUT_LEFT },
	{ 'H', INPUT_HOME }, { 'F', INPUT_END }, { 'Z', INPUT_BACKTAB },
	{ 'P', INPUT_F1 }, { 'Q', INPUT_F1 + 1 }, { 'R', INPUT_F1 + 2 }, { 'S', INPUT_F1 + 3 },
};

/* SS3 sequences (ESC O x): the cursor keys and F1-F4 in application mode,
 * and the numeric keypad in application mode, which a till's keypad must
 * still type digits with. */
static const struct {
	char final;
	int key;
} ss3_keys[] = {
	{ 'A', INPUT_UP }, { 'B', INPUT_DOWN }, { 'C', INPUT_RIGHT }, { 'D', INPUT_LEFT },
	{ 'H', INPUT_HOME }, { 'F', INPUT_END },
	{ 'P', INPUT_F1 }, { 'Q', INPUT_F1 + 1 }, { 'R', INPUT_F1 + 2 }, { 'S', INPUT_F1 + 3 },
	{ 'M', INPUT_ENTER },
	{ 'p', '0' }, { 'q', '1' }, { 'r', '2' }, { 's', '3' }, { 't', '4' },
	{ 'u', '5' }, { 'v', '6' }, { 'w', '7' }, { 'x', '8' }, { 'y', '9' },
	{ 'k', '+' }, { 'm', '-' }, { 'j', '*' }, { 'o', '/' }, { 'n', '.' }, { 'l', ',' },
	{ 'X', '=' },
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
	{ INPUT_TAP, "Tap" }, { INPUT_DOUBLE_TAP, "Double tap" },
	{ ' ', "Space" },
};

void
input_init(struct input *in)
{
	memset(in, 0, sizeof *in);
}

int
input_add_seq(struct input *in, const char *seq, int key)
{
	size_t len = seq != NULL ? strlen(seq) : 0;

	if (len < 2 || seq[0] != 0x1b)
		return 0;        /* single bytes are decoded below anyway */
	if (len >= INPUT_SEQ_LEN || in->nseqs >= INPUT_SEQS_MAX)
		return -1;
	for (int i = 0; i < in->nseqs; i++) {
		if (strcmp(in->seqs[i].seq, seq) == 0)
			return 0;
	}
	memcpy(in->seqs[in->nseqs].seq, seq, len + 1);
	in->seqs[in->nseqs].key = key;
	in->nseqs++;
	return 0;
}

void
input_clock(struct input *in, int64_t now_ms)
{
	in->now_ms = now_ms;
}

void
input_tap_at(const struct input *in, int *y, int *x)
{
	*y = in->tap_y;
	*x = in->tap_x;
}

/* A mouse report: button code b (xterm's: low two bits the button, 4 8 16
 * shift, meta, control, 32 motion, 64 the wheel), at cell y, x (0-based),
 * a press or a release. Only a press of the first button is a tap; a
 * second within INPUT_DOUBLE_TAP_MS on the same spot (a finger moves a
 * little: a row, two columns) is a double tap. */
static int
mouse_key(struct input *in, int b, int y, int x, bool press)
{
	bool dbl;

	if (!press || (b & ~(4 | 8 | 16)) != 0 || y < 0 || x < 0)
		return -1;
	dbl = in->tap_armed && in->now_ms - in->tap_ms <= INPUT_DOUBLE_TAP_MS &&
	    in->now_ms >= in->tap_ms && abs(y - in->tap_y) <= 1 && abs(x - in->tap_x) <= 2;
	in->tap_y = y;
	in->tap_x = x;
	in->tap_ms = in->now_ms;
	in->tap_armed = !dbl;        /* a third tap starts again */
	return dbl ? INPUT_DOUBLE_TAP : INPUT_TAP;
}

/* The terminal's own strings (terminfo) at p: the longest that matches
 * whole. Returns its length, 0 when none does; *wait when p so far is the
 * start of a longer one (the rest may be in the next read). */
static size_t
match_seq(const struct input *in, const unsigned char *p, size_t n, int *key, bool *wait)
{
	size_t best = 0;

	*wait = false;
	for (int i = 0; i < in->nseqs; i++) {
		const char *s = in->seqs[i].seq;
		size_t len = strlen(s);

		if (len <= n && memcmp(p, s, len) == 0) {
			if (len > best) {
				best = len;
				*key = in->seqs[i].key;
			}
		} else if (len > n && memcmp(p, s, n) == 0) {
			*wait = true;
		}
	}
	return best;
}

/* ESC [ < b ; x ; y M (a press) or m (a release), from the byte after
 * '<'. Returns the bytes it takes from p, 0 when cut short. */
static size_t
decode_sgr_mouse(struct input *in, const unsigned char *p, size_t n, int *key)
{
	int v[3] = { 0, 0, 0 }, nv = 0;

	for (size_t i = 3; i < n; i++) {
		unsigned char c = p[i];

		if (c >= '0' && c <= '9') {
			if (v[nv] < 100000)
				v[nv] = v[nv] * 10 + (c - '0');
		} else if (c == ';') {
			if (++nv > 2)
				return i + 1;          /* not a mouse report: dropped */
		} else if (c == 'M' || c == 'm') {
			if (nv == 2)
				*key = mouse_key(in, v[0], v[2] - 1, v[1] - 1, c == 'M');
			return i + 1;
		} else {
			return i;                  /* broken off: dropped */
		}
	}
	return 0;
}

/* Decode an escape sequence at p (p[0] == ESC) in the forms every ANSI
 * terminal shares. Returns the bytes it takes, 0 when it is cut short
 * (more bytes may come), and sets *key (-1 for a sequence we do not know:
 * it is swallowed whole). */
static size_t
decode_escape(struct input *in, const unsigned char *p, size_t n, int *key)
{
	size_t i;
	int num = 0, first = -1;

	*key = -1;
	if (n < 2)
		return 0;
	if (p[1] == 'O') {
		if (n < 3)
			return 0;
		for (size_t k = 0; k < sizeof ss3_keys / sizeof ss3_keys[0]; k++) {
			if (ss3_keys[k].final == (char)p[2])
				*key = ss3_keys[k].key;
		}
		return 3;
	}
	if (p[1] != '[') {
		*key = INPUT_ESC;   /* Esc, then the next byte on its own */
		return 1;
	}
	if (n < 3)
		return 0;
	if (p[2] == '[') {
		/* the Linux console's F1-F5: ESC [ [ A .. ESC [ [ E */
		if (n < 4)
			return 0;
		if (p[3] >= 'A' && p[3] <= 'E')
			*key = INPUT_F1 + (p[3] - 'A');
		return 4;
	}
	if (p[2] == 'M') {
		/* X10 mouse: ESC [ M, then button, column and row, each + 32 */
		if (n < 6)
			return 0;
		*key = mouse_key(in, p[3] - 32, p[5] - 33, p[4] - 33, (p[3] & 3) != 3);
		return 6;
	}
	if (p[2] == '<')
		return decode_sgr_mouse(in, p, n, key);
	for (i = 2; i < n; i++) {
		unsigned char c = p[i];

		if (c >= '0' && c <= '9') {
			if (num < 1000)
				num = num * 10 + (c - '0');
			continue;
		}
		if (c >= 0x3a && c <= 0x3f) {
			/* ';' and the other parameter bytes: ESC [ 1 ; 5 A is
			 * Ctrl-Up, taken as Up; ESC [ 3 ; 5 ~ as Delete */
			if (first < 0)
				first = num;
			num = 0;
			continue;
		}
		if (c >= 0x20 && c <= 0x2f)
			continue;   /* intermediate bytes */
		if (c == '~') {
			if (first < 0)
				first = num;
			for (size_t k = 0; k < sizeof csi_tilde / sizeof csi_tilde[0]; k++) {
				if (csi_tilde[k].num == first)
					*key = csi_tilde[k].key;
			}
			return i + 1;
		}
		if (c >= 0x40 && c <= 0x7e) {
			for (size_t k = 0; k < sizeof csi_letters / sizeof csi_letters[0]; k++) {
				if (csi_letters[k].final == (char)c)
					*key = csi_letters[k].key;
			}
			return i + 1;
		}
		/* a control byte breaks the sequence off: it is dropped, and the
		 * byte is read on its own */
		return i;
	}
	return n >= sizeof ((struct input *)0)->buf ? n : 0;
}

/* One key at p; returns bytes used, 0 when more bytes are needed. */
static size_t
decode_one(struct input *in, const unsigned char *p, size_t n, bool final_chunk, int *key)
{
	unsigned char c = p[0];

	*key = -1;
	if (c == 0x1b) {
		bool wait = false;
		size_t used = n >= 2 ? match_seq(in, p, n, key, &wait) : 0;

		if (wait && (used == 0 || !final_chunk))
			return 0;
		if (used > 0)
			return used;
		used = decode_escape(in, p, n, key);

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
			size_t used = decode_one(in, in->buf + pos, in->len - pos, off == len, &key);

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
