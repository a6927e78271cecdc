/* input: turns the bytes a terminal sends into keys. The loop reads stdin
 * (curses never does), so escape sequences are decoded here: arrows, Home,
 * End, PgUp/PgDn, Insert/Delete, F1-F12 in both the normal and the
 * application (SS3) forms, Enter, Tab, Shift-Tab, Backspace, Esc, and
 * UTF-8 characters. A model: pure, unit-tested.
 *
 * A key is an int: a Unicode code point for characters (control keys are
 * their control code: Ctrl-C is 3), or one of INPUT_* below.
 *
 * API:
 *   input_init(&in)
 *   input_feed(&in, bytes, len, fn, ctx)  fn(ctx, key) for each whole key;
 *                                         a lone Esc at the end of a chunk
 *                                         is the Esc key
 *   input_key_name(key, buf, n)          "Enter", "Up", "F1", "a", "^C"
 */
#ifndef BRIGADE_TUI_INPUT_H
#define BRIGADE_TUI_INPUT_H

#include <stddef.h>

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
	INPUT_KEY_END
};

#define INPUT_CTRL(c) ((c) & 0x1f)

struct input {
	unsigned char buf[32];      /* an escape sequence or UTF-8 character
	                               cut by the end of a read */
	size_t len;
};

typedef void (*input_key_fn)(void *ctx, int key);

void input_init(struct input *in);
void input_feed(struct input *in, const char *data, size_t len, input_key_fn fn,
    void *ctx);
const char *input_key_name(int key, char *buf, size_t size);

#endif
