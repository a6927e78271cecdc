/* term: the terminal for a full-screen program (a view module: curses is
 * used here and in the *_view.c files only). term_init starts curses on
 * stdout without ever reading stdin (the loop reads keys; input.c decodes
 * them), applies a theme, and arranges that the terminal is restored
 * whatever happens: term_end at exit, on fatal signals (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGABRT: restored, then the signal goes on to its
 * previous handler), and in term_fatal. Colours: 256, 8 (bright colours
 * become bold) or none (NO_COLOR set, TERM_MONO asked, or a terminal
 * without colours): then every role takes its look from the mono theme.
 *
 * The keys: term_input_keys gives the decoder the terminal's own key
 * strings from terminfo (the Linux console's F1 is ESC [ [ A, not the
 * xterm ESC O P). Taps: when terminfo says the terminal has a mouse,
 * mouse reporting is on (SGR 1006) until term_end, unless TERM_NO_MOUSE.
 * Without UTF-8 in the locale, text is drawn in ASCII (text.h).
 *
 * Start curses after loop_new (the loop's SIGWINCH handler must be in
 * place first, so curses leaves it alone); on SIGWINCH call term_resize.
 *
 * API:
 *   term_init(theme, flags, err, n) / term_end() / term_active()
 *   term_input_keys(&in)            terminfo's key strings to the decoder
 *   term_fatal(fmt, ...)            restore the terminal, say why, exit(70)
 *   term_set_theme(theme)           switch themes while running
 *   term_attr(role)                 curses attributes (attr_t) of a role
 *   term_colors()                   TERM_COLORS_NONE, _8 or _256
 *   term_rows() / term_cols()       the size now
 *   term_resize()                   take the new size after SIGWINCH
 *   term_frame_begin() / term_frame_end()  one frame: erase, draw, update
 *   term_cursor(y, x)               show the cursor there in this frame
 *   term_bell()                     ring the terminal bell
 */
#ifndef BRIGADE_TUI_TERM_H
#define BRIGADE_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "theme.h"

#define TERM_MONO 0x1u              /* no colours, whatever the terminal */
#define TERM_NO_MOUSE 0x2u          /* no mouse reporting (no taps) */

enum term_colors { TERM_COLORS_NONE, TERM_COLORS_8, TERM_COLORS_256 };

int term_init(const struct theme *th, unsigned flags, char *err, size_t errsize);
void term_end(void);
void term_input_keys(struct input *in);
bool term_active(void);
void term_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void term_set_theme(const struct theme *th);
unsigned term_attr(enum theme_role role);
enum term_colors term_colors(void);
int term_rows(void);
int term_cols(void);
void term_resize(void);
void term_frame_begin(void);
void term_frame_end(void);
void term_cursor(int y, int x);
void term_bell(void);

#endif
