/* term: curses start and stop, theme to attributes, frames, and always
 * giving the terminal back. */
#include "term.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"
#include "text.h"

/* Mouse reporting: presses and releases (1000) in the SGR form (1006),
 * which has no limit on the column; a terminal without 1006 sends the
 * X10 form, which input.c reads too. */
#define MOUSE_ON "\033[?1000h\033[?1006h"
#define MOUSE_OFF "\033[?1006l\033[?1000l"

/* The terminfo capabilities of the keys the programs bind. */
static const struct {
	const char *cap;
	int key;
} key_caps[] = {
	{ "kcuu1", INPUT_UP }, { "kcud1", INPUT_DOWN }, { "kcub1", INPUT_LEFT },
	{ "kcuf1", INPUT_RIGHT }, { "khome", INPUT_HOME }, { "kend", INPUT_END },
	{ "kpp", INPUT_PGUP }, { "knp", INPUT_PGDN }, { "kich1", INPUT_INSERT },
	{ "kdch1", INPUT_DELETE }, { "kcbt", INPUT_BACKTAB }, { "kent", INPUT_ENTER },
	{ "kf1", INPUT_F1 }, { "kf2", INPUT_F1 + 1 }, { "kf3", INPUT_F1 + 2 },
	{ "kf4", INPUT_F1 + 3 }, { "kf5", INPUT_F1 + 4 }, { "kf6", INPUT_F1 + 5 },
	{ "kf7", INPUT_F1 + 6 }, { "kf8", INPUT_F1 + 7 }, { "kf9", INPUT_F1 + 8 },
	{ "kf10", INPUT_F1 + 9 }, { "kf11", INPUT_F1 + 10 }, { "kf12", INPUT_F1 + 11 },
};

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NFATAL (int)(sizeof fatal_signals / sizeof fatal_signals[0])

static struct {
	bool active;
	bool atexit_set;
	SCREEN *screen;
	enum term_colors colors;
	bool default_colors;        /* use_default_colors worked */
	attr_t attr[THEME_ROLE_COUNT];
	struct sigaction old[NFATAL];
	bool want_cursor;
	int cy, cx;
	bool mouse;                 /* reporting turned on: off again at the end */
} T;

static attr_t
curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_A_BLINK)
		r |= A_BLINK;
	if (a & THEME_A_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & THEME_A_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

/* A theme colour for this terminal: 8-colour terminals get the nearest
 * basic colour (bright ones add bold to the foreground). */
static short
map_color(int c, bool fg, attr_t *extra)
{
	bool bright = false;

	if (c < 0)
		return T.default_colors ? -1 : (short)(fg ? COLOR_WHITE : COLOR_BLACK);
	if (T.colors == TERM_COLORS_256 && c < COLORS)
		return (short)c;
	c = theme_color_8(c, &bright);
	if (bright && fg)
		*extra |= A_BOLD;
	return (short)c;
}

static void
apply_mono(void)
{
	char err[256];
	struct theme mono;

	if (theme_load("mono", &mono, err, sizeof err) < 0) {
		log_warn("%s; using the built-in monochrome theme", err);
		theme_builtin_mono(&mono);
	}
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		T.attr[i] = curses_attrs(mono.role[i].attrs);
}

void
term_set_theme(const struct theme *th)
{
	if (!T.active)
		return;
	if (T.colors == TERM_COLORS_NONE) {
		apply_mono();
		return;
	}
	for (int i = 0; i < THEME_ROLE_COUNT && i + 1 < COLOR_PAIRS; i++) {
		attr_t extra = A_NORMAL;
		short fg = map_color(th->role[i].fg, true, &extra);
		short bg = map_color(th->role[i].bg, false, &extra);

		init_pair((short)(i + 1), fg, bg);
		T.attr[i] = COLOR_PAIR(i + 1) | curses_attrs(th->role[i].attrs) | extra;
	}
}

/* A fatal signal: give the terminal back, then let the signal do what it
 * would have done (a sanitizer's report, a core dump). */
static void
on_fatal(int sig)
{
	if (T.active) {
		if (T.mouse)
			(void)!write(STDOUT_FILENO, MOUSE_OFF, sizeof MOUSE_OFF - 1);
		endwin();
		T.active = false;
	}
	for (int i = 0; i < NFATAL; i++) {
		if (fatal_signals[i] == sig) {
			sigaction(sig, &T.old[i], NULL);
			break;
		}
	}
	raise(sig);
}

static void
at_exit(void)
{
	term_end();
}

/* A string capability of the terminal, or NULL. */
static const char *
term_cap(const char *name)
{
	const char *s = tigetstr(name);

	return s == NULL || s == (const char *)-1 ? NULL : s;
}

static bool
has_cap(const char *name)
{
	const char *s = term_cap(name);

	return s != NULL && s[0] != '\0';
}

void
term_input_keys(struct input *in)
{
	if (!T.active)
		return;
	for (size_t i = 0; i < sizeof key_caps / sizeof key_caps[0]; i++) {
		const char *s = term_cap(key_caps[i].cap);

		if (s != NULL && input_add_seq(in, s, key_caps[i].key) < 0)
			log_warn("%s: the key string of %s is too long", __func__, key_caps[i].cap);
	}
}

int
term_init(const struct theme *th, unsigned flags, char *err, size_t errsize)
{
	if (T.active)
		return 0;
	setlocale(LC_ALL, "");
	/* LANG=C, or a Latin-1 console: plain ASCII on screen */
	text_set_ascii(strcmp(nl_langinfo(CODESET), "UTF-8") != 0);
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		snprintf(err, errsize, "this program needs a terminal (stdin and stdout)");
		return -1;
	}
	T.screen = newterm(NULL, stdout, stdin);
	if (T.screen == NULL) {
		const char *t = getenv("TERM");

		snprintf(err, errsize, "cannot use the terminal type \"%s\"", t != NULL ? t : "");
		return -1;
	}
	set_term(T.screen);
	T.active = true;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	T.colors = TERM_COLORS_NONE;
	if (!(flags & TERM_MONO) && !theme_no_color() && has_colors() && start_color() == OK &&
	    COLORS >= 8) {
		T.default_colors = use_default_colors() == OK;
		T.colors = COLORS >= 256 ? TERM_COLORS_256 : TERM_COLORS_8;
	}
	term_set_theme(th);
	/* taps: only where terminfo knows the terminal reports the mouse */
	if (!(flags & TERM_NO_MOUSE) && has_cap("kmous")) {
		fputs(MOUSE_ON, stdout);
		fflush(stdout);
		T.mouse = true;
	}
	for (int i = 0; i < NFATAL; i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND;
		sigaction(fatal_signals[i], &sa, &T.old[i]);
	}
	if (!T.atexit_set) {
		atexit(at_exit);
		T.atexit_set = true;
	}
	return 0;
}

void
term_end(void)
{
	if (!T.active)
		return;
	T.active = false;
	if (T.mouse) {
		fputs(MOUSE_OFF, stdout);
		fflush(stdout);
		T.mouse = false;
	}
	curs_set(1);
	endwin();
	fflush(stdout);
	for (int i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &T.old[i], NULL);
	if (T.screen != NULL) {
		delscreen(T.screen);
		T.screen = NULL;
	}
}

bool
term_active(void)
{
	return T.active;
}

void
term_fatal(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	term_end();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	fprintf(stderr, "%s\n", msg);
	exit(70);
}

unsigned
term_attr(enum theme_role role)
{
	return (unsigned)role < THEME_ROLE_COUNT ? (unsigned)T.attr[role] : 0;
}

enum term_colors
term_colors(void)
{
	return T.colors;
}

int
term_rows(void)
{
	return T.active ? LINES : 24;
}

int
term_cols(void)
{
	return T.active ? COLS : 80;
}

void
term_resize(void)
{
	struct winsize ws;

	if (!T.active)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

void
term_frame_begin(void)
{
	T.want_cursor = false;
	tap_clear();
	if (T.active) {
		attrset(T.attr[THEME_NORMAL]);
		bkgdset(' ' | T.attr[THEME_NORMAL]);
		erase();
	}
}

void
term_frame_end(void)
{
	if (!T.active)
		return;
	if (T.want_cursor) {
		move(T.cy, T.cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void
term_cursor(int y, int x)
{
	T.want_cursor = true;
	T.cy = y;
	T.cx = x;
}

void
term_bell(void)
{
	if (T.active)
		beep();
}
