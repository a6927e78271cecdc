/* input: turns the bytes a terminal sends into keys. The loop reads stdin
 * (curses never does), so escape sequences are decoded here. First come
 * the running terminal's own key strings (terminfo's kf1, kcuu1, khome...,
 * handed over by term_input_keys: the Linux console's F1 is ESC [ [ A);
 * then the forms common to every ANSI terminal: arrows, Home, End,
 * PgUp/PgDn, Insert/Delete, F1-F12 in the normal, application (SS3) and
 * Linux console forms, the numeric keypad in application mode, Enter, Tab,
 * Shift-Tab, Backspace, Esc, and UTF-8 characters. Mouse reports (SGR 1006
 * and the older X10 form) become taps: a press of the first button is
 * INPUT_TAP, a second press on the same spot soon after is
 * INPUT_DOUBLE_TAP; input_tap_at says where. A model: pure, unit-tested.
 *
 * A key is an int: a Unicode code point for characters (control keys are
 * their control code: Ctrl-C is 3), or one of INPUT_* below.
 *
 * API:
 *   input_init(&in)
 *   input_add_seq(&in, seq, key)         a key string of the terminal
 *   input_clock(&in, now_ms)             the time of the bytes fed next
 *                                        (double taps)
 *   input_feed(&in, bytes, len, fn, ctx)  fn(ctx, key) for each whole key;
 *                                         a lone Esc at the end of a chunk
 *                                         is the Esc key
 *   input_tap_at(&in, &y, &x)            the cell of the last tap
 *   input_key_name(key, buf, n)          "Enter", "Up", "F1", "a", "^C"
 */
#ifndef BRIGADE_TUI_INPUT_H
#define BRIGADE_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum input_key {
	INPUT_ENTER = 0x110000,     /* past the last code point */
	INPUT_TAB,
	INPUT_BACKTAB,
	INPUT_BACKSPACE,
	INPUT_ESC,
	INPUT_UP,
	INPUT_DOWN,
	INPUT_LEFT,
	INPUT_RIGHT,
	INPUT_HOME,
	INPUT_END,
	INPUT_PGUP,
	INPUT_PGDN,
	INPUT_INSERT,
	INPUT_DELETE,
	INPUT_F1,                   /* F1 .. F12 follow in order */
	INPUT_F12 = INPUT_F1 + 11,
	INPUT_TAP,                  /* a press of the first mouse button */
	INPUT_DOUBLE_TAP,           /* a second one on the same spot, soon */
	INPUT_KEY_END
};

#define INPUT_SEQS_MAX 48
#define INPUT_SEQ_LEN 16
#define INPUT_DOUBLE_TAP_MS 500

#define INPUT_CTRL(c) ((c) & 0x1f)

struct input_seq {
	char seq[INPUT_SEQ_LEN];    /* as the terminal sends it: "\033[[A" */
	int key;
};

struct input {
	unsigned char buf[32];      /* an escape sequence or UTF-8 character
	                               cut by the end of a read */
	size_t len;
	struct input_seq seqs[INPUT_SEQS_MAX];  /* the terminal's (terminfo) */
	int nseqs;
	int64_t now_ms;             /* when the bytes being fed came */
	int tap_y, tap_x;           /* the last tap, 0-based cell */
	int64_t tap_ms;             /* its time */
	bool tap_armed;             /* the next tap there may be a double */
};

typedef void (*input_key_fn)(void *ctx, int key);

void input_init(struct input *in);
/* A key string of the running terminal, tried before the common forms.
 * Strings that do not start with ESC, and strings already given, are
 * left out. Returns 0, or -1 when the table is full or seq too long. */
int input_add_seq(struct input *in, const char *seq, int key);
void input_clock(struct input *in, int64_t now_ms);
void input_tap_at(const struct input *in, int *y, int *x);
void input_feed(struct input *in, const char *data, size_t len, input_key_fn fn,
    void *ctx);
const char *input_key_name(int key, char *buf, size_t size);

#endif
