/* Unit tests of the terminal UI models: themes (the four shipped files,
 * errors, colour fallbacks), key decoding, key tables and the key bar,
 * forms (masked PIN, charsets, UTF-8 editing), pick lists, the header
 * line and column widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "form.h"
#include "header.h"
#include "input.h"
#include "keymap.h"
#include "listbox.h"
#include "text.h"
#include "theme.h"

/* --- themes --- */

static void
test_theme_files(void **state)
{
	static const char *const names[] = { "default", "dark", "high-contrast", "mono" };
	char err[512];

	for (size_t i = 0; i < 4; i++) {
		struct theme th;
		char path[1024];
		FILE *fp;
		char line[256];
		int roles = 0;

		memset(&th, 0, sizeof th);
		assert_int_equal(theme_load(names[i], &th, err, sizeof err), 0);
		assert_string_equal(th.name, names[i]);
		/* every shipped file names every role */
		snprintf(path, sizeof path, "%s/%s.theme", THEMES_DIR, names[i]);
		fp = fopen(path, "r");
		assert_non_null(fp);
		while (fgets(line, sizeof line, fp) != NULL) {
			if (line[0] != '#' && strchr(line, '=') != NULL)
				roles++;
		}
		fclose(fp);
		assert_int_equal(roles, THEME_ROLE_COUNT);
	}
}

static void
test_theme_builtin_matches_files(void **state)
{
	struct theme file, built;
	char err[256];

	assert_int_equal(theme_load("default", &file, err, sizeof err), 0);
	theme_builtin(&built);
	assert_memory_equal(file.role, built.role, sizeof file.role);
	assert_int_equal(theme_load("mono", &file, err, sizeof err), 0);
	theme_builtin_mono(&built);
	assert_memory_equal(file.role, built.role, sizeof file.role);
}

/* In mono, the roles a person must tell apart differ by attributes. */
static void
test_theme_mono_distinct(void **state)
{
	static const enum theme_role must_differ[] = {
		THEME_NORMAL, THEME_SELECTED, THEME_TIMER_LATE, THEME_TIMER_WARN,
		THEME_OFFLINE_BANNER, THEME_STALE, THEME_PENDING, THEME_ERROR,
	};
	struct theme m;

	theme_builtin_mono(&m);
	for (size_t i = 0; i < sizeof must_differ / sizeof must_differ[0]; i++) {
		for (size_t j = i + 1; j < sizeof must_differ / sizeof must_differ[0]; j++)
			assert_int_not_equal(m.role[must_differ[i]].attrs, m.role[must_differ[j]].attrs);
	}
	assert_true(m.role[THEME_TIMER_LATE].attrs & THEME_A_REVERSE);
}

static void
test_theme_errors(void **state)
{
	char dir[] = "/tmp/brigade-theme-XXXXXX", path[256], err[512];
	struct theme th, before;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/bad.theme", dir);
	fp = fopen(path, "w");
	fputs("normal = default default\ntimer_laet = red black\n", fp);
	fclose(fp);
	theme_builtin(&th);
	before = th;
	assert_int_equal(theme_load(path, &th, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: unknown role \"timer_laet\""));
	assert_memory_equal(&th, &before, sizeof th);

	fp = fopen(path, "w");
	fputs("normal = purple black\n", fp);
	fclose(fp);
	assert_int_equal(theme_load(path, &th, err, sizeof err), -1);
	assert_non_null(strstr(err, "\"purple\" is not a colour"));

	fp = fopen(path, "w");
	fputs("normal = red black sparkly\n", fp);
	fclose(fp);
	assert_int_equal(theme_load(path, &th, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a list of attributes"));

	/* a partial file keeps the defaults for what it leaves out */
	fp = fopen(path, "w");
	fputs("# just one\nheader = 208 default bold,underline\n", fp);
	fclose(fp);
	assert_int_equal(theme_load(path, &th, err, sizeof err), 0);
	assert_int_equal(th.role[THEME_HEADER].fg, 208);
	assert_int_equal(th.role[THEME_HEADER].bg, THEME_DEFAULT_COLOR);
	assert_int_equal(th.role[THEME_HEADER].attrs, THEME_A_BOLD | THEME_A_UNDERLINE);
	assert_int_equal(th.role[THEME_TIMER_LATE].bg, before.role[THEME_TIMER_LATE].bg);
	assert_string_equal(th.name, "bad");
	unlink(path);
	rmdir(dir);

	assert_int_equal(theme_load("no-such-theme", &th, err, sizeof err), -1);
	assert_non_null(strstr(err, "no theme \"no-such-theme\""));
	assert_int_equal(theme_load("../etc", &th, err, sizeof err), -1);
	assert_int_equal(theme_load("bad name", &th, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a theme name"));
}

static void
test_theme_colors(void **state)
{
	bool bright;

	assert_int_equal(theme_color_parse("default"), THEME_DEFAULT_COLOR);
	assert_int_equal(theme_color_parse("red"), 1);
	assert_int_equal(theme_color_parse("bright-white"), 15);
	assert_int_equal(theme_color_parse("208"), 208);
	assert_int_equal(theme_color_parse("256"), -2);
	assert_int_equal(theme_color_parse("-1"), -2);
	assert_int_equal(theme_color_parse("12x"), -2);
	assert_int_equal(theme_color_parse("purple"), -2);
	assert_int_equal(theme_role_parse("timer_late"), THEME_TIMER_LATE);
	assert_int_equal(theme_role_parse("nope"), -1);
	assert_string_equal(theme_role_name(THEME_OFFLINE_BANNER), "offline_banner");

	assert_int_equal(theme_color_8(3, &bright), 3);
	assert_false(bright);
	assert_int_equal(theme_color_8(9, &bright), 1);
	assert_true(bright);
	assert_int_equal(theme_color_8(196, &bright), 1);     /* pure red */
	assert_true(bright);
	assert_int_equal(theme_color_8(21, &bright), 4);      /* pure blue */
	assert_int_equal(theme_color_8(226, &bright), 3);     /* yellow */
	assert_int_equal(theme_color_8(232, &bright), 0);     /* near black */
	assert_int_equal(theme_color_8(255, &bright), 7);     /* near white */
	assert_int_equal(theme_color_8(-1, &bright), -1);
}

static void
test_theme_no_color(void **state)
{
	unsetenv("NO_COLOR");
	assert_false(theme_no_color());
	setenv("NO_COLOR", "", 1);
	assert_false(theme_no_color());
	setenv("NO_COLOR", "1", 1);
	assert_true(theme_no_color());
	unsetenv("NO_COLOR");
}

/* --- input --- */

struct keys {
	int k[64];
	int n;
};

static void
collect(void *ctx, int key)
{
	struct keys *ks = ctx;

	if (ks->n < 64)
		ks->k[ks->n++] = key;
}

static void
feed(struct input *in, struct keys *ks, const char *s)
{
	input_feed(in, s, strlen(s), collect, ks);
}

static void
test_input_keys(void **state)
{
	struct input in;
	struct keys ks = { .n = 0 };

	input_init(&in);
	feed(&in, &ks, "a\r\x1b[A\x1bOB\x1b[C\x1b[D\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[3~\x7f\t\x1b[Z");
	int want[] = { 'a', INPUT_ENTER, INPUT_UP, INPUT_DOWN, INPUT_RIGHT, INPUT_LEFT,
	    INPUT_PGUP, INPUT_PGDN, INPUT_HOME, INPUT_END, INPUT_DELETE, INPUT_BACKSPACE,
	    INPUT_TAB, INPUT_BACKTAB };
	assert_int_equal(ks.n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < ks.n; i++)
		assert_int_equal(ks.k[i], want[i]);

	/* a lone Esc, F1 both ways, Ctrl-U, modified arrows */
	ks.n = 0;
	feed(&in, &ks, "\x1b");
	feed(&in, &ks, "\x1bOP\x1b[11~\x15\x1b[1;5A");
	assert_int_equal(ks.n, 5);
	assert_int_equal(ks.k[0], INPUT_ESC);
	assert_int_equal(ks.k[1], INPUT_F1);
	assert_int_equal(ks.k[2], INPUT_F1);
	assert_int_equal(ks.k[3], INPUT_CTRL('u'));
	assert_int_equal(ks.k[4], INPUT_UP);
}

static void
test_input_split(void **state)
{
	struct input in;
	struct keys ks = { .n = 0 };

	input_init(&in);
	/* an escape sequence and a UTF-8 character cut across reads */
	feed(&in, &ks, "\x1b[");
	assert_int_equal(ks.n, 0);
	feed(&in, &ks, "B\xc3");
	assert_int_equal(ks.n, 1);
	feed(&in, &ks, "\xa9\xe2\x82\xac");
	assert_int_equal(ks.n, 3);
	assert_int_equal(ks.k[0], INPUT_DOWN);
	assert_int_equal(ks.k[1], 0xe9);
	assert_int_equal(ks.k[2], 0x20ac);
	/* unknown sequences are swallowed whole */
	ks.n = 0;
	feed(&in, &ks, "\x1b[99~x");
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0], 'x');
}

/* The Linux console's keys, from its terminfo strings and without them
 * (a till whose TERM says xterm on the console): F1 must never type "A". */
static void
test_input_terminfo(void **state)
{
	static const struct {
		const char *seq;
		int key;
	} linux_keys[] = {
		{ "\x1b[[A", INPUT_F1 }, { "\x1b[[B", INPUT_F1 + 1 }, { "\x1b[[E", INPUT_F1 + 4 },
		{ "\x1b[17~", INPUT_F1 + 5 }, { "\x1b[21~", INPUT_F1 + 9 }, { "\x1b[1~", INPUT_HOME },
		{ "\x1b[4~", INPUT_END }, { "\x1b\t", INPUT_BACKTAB }, { "\x1b[A", INPUT_UP },
	};
	struct input in;
	struct keys ks = { .n = 0 };

	for (int pass = 0; pass < 2; pass++) {
		input_init(&in);
		if (pass == 1) {
			for (size_t i = 0; i < sizeof linux_keys / sizeof linux_keys[0]; i++)
				assert_int_equal(input_add_seq(&in, linux_keys[i].seq, linux_keys[i].key), 0);
		}
		ks.n = 0;
		feed(&in, &ks, "\x1b[[A\x1b[[B\x1b[[E\x1b[17~\x1b[21~\x1b[1~\x1b[4~\x1b[A");
		int want[] = { INPUT_F1, INPUT_F1 + 1, INPUT_F1 + 4, INPUT_F1 + 5, INPUT_F1 + 9,
		    INPUT_HOME, INPUT_END, INPUT_UP };
		assert_int_equal(ks.n, (int)(sizeof want / sizeof want[0]));
		for (int i = 0; i < ks.n; i++)
			assert_int_equal(ks.k[i], want[i]);
	}
	/* a terminal string cut by the end of a read waits for its rest */
	ks.n = 0;
	feed(&in, &ks, "\x1b[[");
	assert_int_equal(ks.n, 0);
	feed(&in, &ks, "A1");
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.k[0], INPUT_F1);
	assert_int_equal(ks.k[1], '1');
	/* ESC Tab is Shift-Tab on the console */
	ks.n = 0;
	feed(&in, &ks, "\x1b\t");
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0], INPUT_BACKTAB);
	/* strings that are not escape sequences are left to the decoder */
	assert_int_equal(input_add_seq(&in, "\x7f", INPUT_DELETE), 0);
	assert_int_equal(input_add_seq(&in, "\x1b[0123456789012345~", INPUT_F1), -1);
	ks.n = 0;
	feed(&in, &ks, "\x7f");
	assert_int_equal(ks.k[0], INPUT_BACKSPACE);

	/* the keypad in application mode types digits; modified keys */
	input_init(&in);
	ks.n = 0;
	feed(&in, &ks, "\x1bOq\x1bOp\x1bOn\x1bOk\x1bOM\x1b[3;5~\x1b[15;2~");
	int kp[] = { '1', '0', '.', '+', INPUT_ENTER, INPUT_DELETE, INPUT_F1 + 4 };
	assert_int_equal(ks.n, 7);
	for (int i = 0; i < ks.n; i++)
		assert_int_equal(ks.k[i], kp[i]);
}

/* Mouse reports become taps with their cell; releases, other buttons,
 * motion and the wheel do nothing; a second tap soon on the same spot is
 * a double tap. */
static void
test_input_taps(void **state)
{
	struct input in;
	struct keys ks = { .n = 0 };
	int y, x;

	input_init(&in);
	input_clock(&in, 1000);
	feed(&in, &ks, "\x1b[<0;12;5M\x1b[<0;12;5m");
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0], INPUT_TAP);
	input_tap_at(&in, &y, &x);
	assert_int_equal(y, 4);
	assert_int_equal(x, 11);
	/* the same spot 200 ms later: double; a third starts again */
	input_clock(&in, 1200);
	feed(&in, &ks, "\x1b[<0;13;5M\x1b[<0;13;5m\x1b[<0;13;5M");
	assert_int_equal(ks.n, 3);
	assert_int_equal(ks.k[1], INPUT_DOUBLE_TAP);
	assert_int_equal(ks.k[2], INPUT_TAP);
	/* too late, or elsewhere: single taps */
	input_clock(&in, 2000);
	feed(&in, &ks, "\x1b[<0;13;5M\x1b[<0;40;5M");
	assert_int_equal(ks.n, 5);
	assert_int_equal(ks.k[3], INPUT_TAP);
	assert_int_equal(ks.k[4], INPUT_TAP);
	/* right button, wheel, motion, shift-click; then a key */
	ks.n = 0;
	input_clock(&in, 9000);
	feed(&in, &ks, "\x1b[<2;1;1M\x1b[<64;1;1M\x1b[<32;3;3M\x1b[<4;30;20Mq");
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.k[0], INPUT_TAP);
	assert_int_equal(ks.k[1], 'q');
	input_tap_at(&in, &y, &x);
	assert_int_equal(y, 19);
	assert_int_equal(x, 29);
	/* cut across reads */
	ks.n = 0;
	feed(&in, &ks, "\x1b[<0;2");
	assert_int_equal(ks.n, 0);
	feed(&in, &ks, "00;3M");
	assert_int_equal(ks.n, 1);
	input_tap_at(&in, &y, &x);
	assert_int_equal(x, 199);
	/* the X10 form: ESC [ M, button, column, row (+32); 3 is a release */
	ks.n = 0;
	input_clock(&in, 20000);
	feed(&in, &ks, "\x1b[M +&\x1b[M#+&x");
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.k[0], INPUT_TAP);
	assert_int_equal(ks.k[1], 'x');
	input_tap_at(&in, &y, &x);
	assert_int_equal(y, 5);
	assert_int_equal(x, 10);
}

static void
test_input_names(void **state)
{
	char b[16];

	assert_string_equal(input_key_name(INPUT_ENTER, b, sizeof b), "Enter");
	assert_string_equal(input_key_name(INPUT_F1 + 9, b, sizeof b), "F10");
	assert_string_equal(input_key_name(3, b, sizeof b), "^C");
	assert_string_equal(input_key_name('q', b, sizeof b), "q");
	assert_string_equal(input_key_name(0xe9, b, sizeof b), "\xc3\xa9");
	assert_string_equal(input_key_name(' ', b, sizeof b), "Space");
}

/* --- keymap --- */

enum { CMD_BUMP = 1, CMD_RECALL, CMD_HELP, CMD_QUIT, CMD_SECRET };

static const struct keymap_entry test_keys[] = {
	{ { INPUT_ENTER, ' ' }, "Enter", "bump", "Bump the selected order", CMD_BUMP, 0 },
	{ { 'r' }, "r", "recall", "Recall a bumped order", CMD_RECALL, 0 },
	{ { 'x' }, "x", "secret", "Hidden alias", CMD_SECRET, KEYMAP_HIDDEN },
	{ { 'q' }, "q", "quit", "Quit", CMD_QUIT, 0 },
	{ { '?' }, "?", "help", "This help", CMD_HELP, KEYMAP_PINNED },
};

static bool can_bump;

static const char *
test_state(void *ctx, const struct keymap_entry *e)
{
	if (e->command == CMD_BUMP)
		return can_bump ? (ctx != NULL ? "start" : e->label) : NULL;
	return e->label;
}

static void
test_keymap(void **state)
{
	struct keymap km = { test_keys, 5, test_state, NULL };
	struct text_seg segs[32], lines[16];
	int n;

	can_bump = false;
	assert_null(keymap_lookup(&km, INPUT_ENTER));
	assert_int_equal(keymap_lookup(&km, 'r')->command, CMD_RECALL);
	assert_int_equal(keymap_lookup(&km, 'x')->command, CMD_SECRET);
	assert_null(keymap_lookup(&km, 'z'));
	can_bump = true;
	assert_int_equal(keymap_lookup(&km, ' ')->command, CMD_BUMP);

	/* everything fits at 80 columns: bump, recall, quit, help (not hidden) */
	n = keymap_bar(&km, 80, segs, 32);
	assert_int_equal(n, 8);
	assert_string_equal(segs[0].text, " Enter");
	assert_int_equal(segs[0].role, THEME_KEYBAR_KEY);
	assert_string_equal(segs[1].text, " bump ");
	assert_string_equal(segs[7].text, " help ");
	/* the label follows the state */
	km.ctx = &km;
	n = keymap_bar(&km, 80, segs, 32);
	assert_string_equal(segs[1].text, " start ");
	/* narrow: the pinned help stays, the tail goes */
	n = keymap_bar(&km, 24, segs, 32);
	assert_true(text_segs_width(segs, n, 0) <= 24);
	assert_string_equal(segs[n - 1].text, " help ");
	assert_string_equal(segs[1].text, " start ");

	can_bump = false;
	n = keymap_help(&km, lines, 16);
	assert_int_equal(n, 4);
	assert_non_null(strstr(lines[0].text, "Bump the selected order (not now)"));
	assert_int_equal(lines[0].role, THEME_DIM);
	assert_int_equal(strncmp(lines[1].text, "r      Recall", 13), 0);
}

/* --- form --- */

static void
type(struct form *f, const char *s)
{
	struct input in;
	struct keys ks = { .n = 0 };

	input_init(&in);
	feed(&in, &ks, s);
	for (int i = 0; i < ks.n; i++)
		form_key(f, ks.k[i]);
}

static void
test_form_login(void **state)
{
	struct form f;
	char shown[64];
	int cur;

	form_init(&f, "Sign in");
	assert_int_equal(form_add(&f, "Staff code", 16, FORM_ID, FORM_REQUIRED), 0);
	assert_int_equal(form_add(&f, "PIN", 12, FORM_DIGITS, FORM_REQUIRED | FORM_MASKED), 1);
	/* Enter on the last field with the first empty: refused, focus back */
	form_focus(&f, 1);
	assert_int_equal(form_key(&f, INPUT_ENTER), FORM_REFUSED);
	assert_int_equal(f.focus, 0);
	assert_string_equal(f.message, "Staff code is needed");
	assert_int_equal(f.message_role, THEME_ERROR);
	type(&f, "c1");
	assert_int_equal(form_key(&f, ' '), FORM_REFUSED);
	assert_int_equal(form_key(&f, INPUT_ENTER), FORM_CHANGED);
	assert_int_equal(f.focus, 1);
	assert_int_equal(form_key(&f, 'x'), FORM_REFUSED);
	type(&f, "33334");
	assert_int_equal(form_key(&f, INPUT_BACKSPACE), FORM_CHANGED);
	form_display(&f, 1, shown, sizeof shown, &cur);
	assert_string_equal(shown, "****");
	assert_int_equal(cur, 4);
	assert_string_equal(form_value(&f, 1), "3333");
	assert_int_equal(form_key(&f, INPUT_ENTER), FORM_SUBMIT);
	assert_string_equal(form_value(&f, 0), "c1");
	form_wipe(&f);
	assert_string_equal(form_value(&f, 1), "");
	assert_int_equal(form_key(&f, INPUT_ESC), FORM_CANCEL);
	f.busy = true;
	assert_int_equal(form_key(&f, '1'), FORM_IGNORED);
}

static void
test_form_editing(void **state)
{
	struct form f;
	char shown[64];
	int cur;

	form_init(&f, "Note");
	form_add(&f, "Note", 8, FORM_ANY, 0);
	type(&f, "caf\xc3\xa9");             /* café: 5 bytes */
	assert_string_equal(form_value(&f, 0), "caf\xc3\xa9");
	form_key(&f, INPUT_LEFT);
	form_display(&f, 0, shown, sizeof shown, &cur);
	assert_int_equal(cur, 3);
	form_key(&f, INPUT_BACKSPACE);          /* removes f */
	assert_string_equal(form_value(&f, 0), "ca\xc3\xa9");
	form_key(&f, INPUT_HOME);
	form_key(&f, INPUT_DELETE);
	assert_string_equal(form_value(&f, 0), "a\xc3\xa9");
	type(&f, "123456");                     /* 8 bytes max: 5 fit */
	assert_string_equal(form_value(&f, 0), "12345a\xc3\xa9");
	assert_int_equal(form_key(&f, 'z'), FORM_REFUSED);
	form_key(&f, INPUT_CTRL('u'));
	assert_string_equal(form_value(&f, 0), "");
	assert_int_equal(form_key(&f, INPUT_BACKSPACE), FORM_REFUSED);
	assert_int_equal(form_key(&f, INPUT_ENTER), FORM_SUBMIT);   /* not required */
	assert_int_equal(form_set_value(&f, 0, "toolongvalue"), -1);
	assert_int_equal(form_set_value(&f, 0, "ok"), 0);
	assert_int_equal(form_key(&f, INPUT_TAB), FORM_IGNORED);

	form_init(&f, "Cash");
	form_add(&f, "Tendered", 12, FORM_AMOUNT, FORM_REQUIRED);
	type(&f, "12.505.");
	assert_string_equal(form_value(&f, 0), "12.50");
}

/* --- listbox --- */

static void
test_listbox(void **state)
{
	struct listbox lb;

	listbox_init(&lb, "Recall");
	assert_null(listbox_selected(&lb));
	assert_int_equal(listbox_key(&lb, INPUT_ENTER), LISTBOX_IGNORED);
	for (int i = 0; i < 30; i++)
		listbox_add(&lb, 100 + i, THEME_DIALOG, "order %d", i + 1);
	listbox_set_rows(&lb, 10);
	assert_int_equal(listbox_selected(&lb)->tag, 100);
	assert_int_equal(listbox_key(&lb, INPUT_PGDN), LISTBOX_CHANGED);
	assert_int_equal(lb.sel, 10);
	assert_int_equal(lb.top, 1);
	listbox_key(&lb, INPUT_END);
	assert_int_equal(lb.sel, 29);
	assert_int_equal(lb.top, 20);
	listbox_key(&lb, 'k');
	assert_int_equal(listbox_selected(&lb)->tag, 128);
	assert_true(listbox_select_tag(&lb, 105));
	assert_int_equal(lb.top, 5);
	assert_int_equal(listbox_key(&lb, INPUT_ENTER), LISTBOX_CHOSEN);
	listbox_disable(&lb, 5);
	assert_int_equal(listbox_key(&lb, INPUT_ENTER), LISTBOX_IGNORED);
	assert_int_equal(listbox_key(&lb, INPUT_ESC), LISTBOX_CANCEL);
	assert_false(listbox_select_tag(&lb, 999));
	listbox_clear(&lb);
	assert_null(listbox_selected(&lb));
	listbox_free(&lb);
}

/* --- header --- */

static void
test_header(void **state)
{
	struct header_info h;
	struct text_seg l[8], r[12];
	int nl, nr;
	char text[64];
	enum theme_role role;

	setenv("TZ", "UTC", 1);
	tzset();
	memset(&h, 0, sizeof h);
	snprintf(h.title, sizeof h.title, "KDS");
	snprintf(h.context, sizeof h.context, "station grill");
	h.now_ms = 1795324515866;                /* 05:15:15 UTC */
	h.conn = HEADER_ONLINE;
	header_segments(&h, l, &nl, r, &nr, 8);
	assert_int_equal(nl, 3);
	assert_string_equal(l[2].text, " 05:15:15 ");
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].text, " ONLINE ");
	assert_int_equal(r[0].role, THEME_ONLINE);

	/* several servers: which one, just before the connection */
	snprintf(h.server, sizeof h.server, "10.0.0.6:8080");
	header_segments(&h, l, &nl, r, &nr, 8);
	assert_int_equal(nr, 2);
	assert_string_equal(r[0].text, " via 10.0.0.6:8080 ");
	assert_string_equal(r[1].text, " ONLINE ");
	h.server[0] = '\0';

	h.conn = HEADER_OFFLINE;
	h.since_ms = 1795324515866 - 60000;
	h.stale = true;
	h.stale_saved_at = 1795324515866 - 120000;
	h.queued = 3;
	h.attention = 1;
	snprintf(h.printer, sizeof h.printer, "offline");
	h.printer_queued = 2;
	header_segments(&h, l, &nl, r, &nr, 12);
	assert_int_equal(nr, 5);
	assert_string_equal(r[0].text, " printer offline, 2 to print ");
	assert_int_equal(r[0].role, THEME_ERROR);
	assert_string_equal(r[1].text, " 1 refused ");
	assert_string_equal(r[2].text, " 3 queued ");
	assert_string_equal(r[3].text, " STALE (saved 05:13) ");
	assert_string_equal(r[4].text, " OFFLINE since 05:14 ");
	assert_int_equal(r[4].role, THEME_OFFLINE_BANNER);
	/* another person's queued changes wait for their login */
	h.waiting = 2;
	snprintf(h.waiting_for, sizeof h.waiting_for, "c1");
	header_segments(&h, l, &nl, r, &nr, 12);
	assert_int_equal(nr, 6);
	assert_string_equal(r[2].text, " 3 queued ");
	assert_string_equal(r[3].text, " 2 waiting for c1 ");
	h.conn = HEADER_SIGNED_OUT;
	header_conn_text(&h, text, sizeof text, &role);
	assert_string_equal(text, "SIGNED OUT");
	h.conn = HEADER_CONNECTING;
	header_conn_text(&h, text, sizeof text, &role);
	assert_string_equal(text, "CONNECTING");
}

/* --- text --- */

static void
test_text(void **state)
{
	char out[64];

	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	assert_int_equal(text_width("\xe5\xaf\xbf\xe5\x8f\xb8"), 4);   /* 寿司: wide */
	assert_int_equal(text_fit("\xe5\xaf\xbf\xe5\x8f\xb8", 3), 3);
	assert_int_equal(text_fit_ellipsis("Classic Burger", 8, out, sizeof out), 8);
	assert_string_equal(out, "Classic~");
	text_fit_ellipsis("Fries", 8, out, sizeof out);
	assert_string_equal(out, "Fries");
	text_pad("ab", 5, true, out, sizeof out);
	assert_string_equal(out, "   ab");
	text_pad("ab", 5, false, out, sizeof out);
	assert_string_equal(out, "ab   ");
}

/* A card's second line: words shorten, then the name is cut, then
 * labels go; "link #11" is never "link #1". */
static void
test_text_labels(void **state)
{
	struct text_label l[4];
	int w;

	memset(l, 0, sizeof l);
	l[0] = (struct text_label){ .form = { "PICKUP", "PICK" }, .rank = 0 };
	l[1] = (struct text_label){ .form = { " Bartholomew" }, .rank = 3, .cut_min = 5 };
	l[2] = (struct text_label){ .form = { "  link #11", " &#11" }, .rank = 1 };
	l[3] = (struct text_label){ .form = { " PENDING ", " PEND " }, .rank = 2, .right = true };

	/* everything fits */
	w = text_fit_labels(l, 4, 40);
	assert_int_equal(w, 6 + 12 + 10 + 9);
	assert_string_equal(l[2].text, "  link #11");
	assert_int_equal(l[2].x, 18);
	assert_int_equal(l[3].x, 40 - 9);
	/* words shorten first, the least kept first */
	w = text_fit_labels(l, 4, 34);
	assert_int_equal(w, 34);
	assert_string_equal(l[1].text, " Bartholomew");
	assert_string_equal(l[2].text, "  link #11");
	assert_string_equal(l[3].text, " PEND ");
	w = text_fit_labels(l, 4, 28);
	assert_string_equal(l[0].text, "PICK");
	assert_string_equal(l[1].text, " Bartholomew");
	assert_string_equal(l[2].text, " &#11");
	assert_int_equal(w, 4 + 12 + 5 + 6);
	/* then the name is cut, to five columns at least */
	w = text_fit_labels(l, 4, 20);
	assert_int_equal(w, 20);
	assert_string_equal(l[1].text, " Bar~");
	assert_string_equal(l[2].text, " &#11");
	/* a name with a soft floor gives way to it before any word shortens */
	l[1].cut_soft = 8;
	w = text_fit_labels(l, 4, 34);
	assert_int_equal(w, 34);
	assert_string_equal(l[1].text, " Barthol~");
	assert_string_equal(l[0].text, "PICKUP");
	assert_string_equal(l[2].text, "  link #11");
	assert_string_equal(l[3].text, " PENDING ");
	w = text_fit_labels(l, 4, 30);
	assert_int_equal(w, 30);
	assert_string_equal(l[1].text, " Bartho~");
	assert_string_equal(l[2].text, "  link #11");
	assert_string_equal(l[3].text, " PEND ");
	l[1].cut_soft = 0;
	/* then labels go whole, the highest rank first: never "#1" */
	w = text_fit_labels(l, 4, 12);
	assert_int_equal(l[3].shown, -1);
	assert_int_equal(l[1].shown, -1);
	assert_string_equal(l[2].text, " &#11");
	assert_int_equal(w, 9);
	w = text_fit_labels(l, 4, 7);
	assert_int_equal(l[2].shown, -1);
	assert_string_equal(l[0].text, "PICK");
	w = text_fit_labels(l, 4, 3);
	assert_int_equal(w, 0);
	for (int i = 0; i < 4; i++)
		assert_string_equal(l[i].text, "");
}

/* Without UTF-8 every character is spelt in ASCII, and measured so. */
static void
test_text_ascii(void **state)
{
	char out[64];
	const char *zoe = "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m";

	text_set_ascii(true);
	text_to_ascii(zoe, strlen(zoe), out, sizeof out);
	assert_string_equal(out, "Zoe Angstrom");
	assert_int_equal(text_width(zoe), 12);
	text_to_ascii("Stra\xc3\x9f" "e \xc3\xa6 \xe2\x82\xac" "5 \xe5\xaf\xbf \xc5\x81\xc3\xb3" "d\xc5\xba",
	    strlen("Stra\xc3\x9f" "e \xc3\xa6 \xe2\x82\xac" "5 \xe5\xaf\xbf \xc5\x81\xc3\xb3" "d\xc5\xba"), out,
	    sizeof out);
	assert_string_equal(out, "Strasse ae EUR5 ? Lodz");
	/* e + combining acute: the mark goes */
	text_to_ascii("e\xcc\x81", 3, out, sizeof out);
	assert_string_equal(out, "e");
	assert_int_equal(text_width("e\xcc\x81"), 1);
	/* widths count the spelling: the Euro sign takes three columns, and
	 * a cut never splits one */
	assert_int_equal(text_width("\xe2\x82\xac" "5"), 4);
	assert_int_equal(text_fit("\xe2\x82\xac" "5", 2), 0);
	assert_int_equal(text_fit_ellipsis(zoe, 6, out, sizeof out), 6);
	text_to_ascii(out, strlen(out), out + 32, 32);
	assert_string_equal(out + 32, "Zoe A~");
	text_set_ascii(false);
	assert_int_equal(text_width("\xe2\x82\xac" "5"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_files),
		cmocka_unit_test(test_theme_builtin_matches_files),
		cmocka_unit_test(test_theme_mono_distinct),
		cmocka_unit_test(test_theme_errors),
		cmocka_unit_test(test_theme_colors),
		cmocka_unit_test(test_theme_no_color),
		cmocka_unit_test(test_input_keys),
		cmocka_unit_test(test_input_split),
		cmocka_unit_test(test_input_terminfo),
		cmocka_unit_test(test_input_taps),
		cmocka_unit_test(test_input_names),
		cmocka_unit_test(test_keymap),
		cmocka_unit_test(test_form_login),
		cmocka_unit_test(test_form_editing),
		cmocka_unit_test(test_listbox),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_labels),
		cmocka_unit_test(test_text_ascii),
	};

	setlocale(LC_ALL, "");
	setenv("BRIGADE_THEMES", THEMES_DIR, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
