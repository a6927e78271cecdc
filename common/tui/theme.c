/* theme: semantic roles, theme files, colour names and fallbacks. */
#include "theme.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "xalloc.h"

#ifndef BRIGADE_THEME_INSTALL_DIR
#define BRIGADE_THEME_INSTALL_DIR "/usr/share/brigade/themes"
#endif

static const char *const role_names[THEME_ROLE_COUNT] = {
	[THEME_NORMAL] = "normal",
	[THEME_DIM] = "dim",
	[THEME_HEADER] = "header",
	[THEME_TITLE] = "title",
	[THEME_KEYBAR] = "keybar",
	[THEME_KEYBAR_KEY] = "keybar_key",
	[THEME_SELECTED] = "selected",
	[THEME_CARD] = "card",
	[THEME_CARD_BORDER] = "card_border",
	[THEME_CARD_TITLE] = "card_title",
	[THEME_CARD_LATE] = "card_late",
	[THEME_TIMER_OK] = "timer_ok",
	[THEME_TIMER_WARN] = "timer_warn",
	[THEME_TIMER_LATE] = "timer_late",
	[THEME_NOTE] = "note",
	[THEME_MODIFIER] = "modifier",
	[THEME_LINKED] = "linked",
	[THEME_ONLINE] = "online",
	[THEME_OFFLINE_BANNER] = "offline_banner",
	[THEME_STALE] = "stale",
	[THEME_PENDING] = "pending",
	[THEME_QUEUED] = "queued",
	[THEME_ERROR] = "error",
	[THEME_WARNING] = "warning",
	[THEME_SUCCESS] = "success",
	[THEME_DIALOG] = "dialog",
	[THEME_DIALOG_TITLE] = "dialog_title",
	[THEME_INPUT] = "input",
	[THEME_INPUT_FOCUS] = "input_focus",
	[THEME_TOTAL] = "total",
	[THEME_CHANGE] = "change",
	[THEME_UNAVAILABLE] = "unavailable",
	[THEME_PRICE] = "price",
	[THEME_VOID] = "void",
	[THEME_VOIDED] = "voided",
};

/* Colour numbers of the 8 basic colours, as curses numbers them. */
enum { C_BLACK, C_RED, C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA, C_CYAN, C_WHITE };
#define D THEME_DEFAULT_COLOR
#define B THEME_A_BOLD
#define DM THEME_A_DIM
#define R THEME_A_REVERSE
#define U THEME_A_UNDERLINE
#define BL THEME_A_BLINK

/* The built-in default theme: readable on light and dark terminals alike,
 * since it keeps the terminal's own background for text. */
static const struct theme_style builtin_default[THEME_ROLE_COUNT] = {
	[THEME_NORMAL] = { D, D, 0 },
	[THEME_DIM] = { D, D, DM },
	[THEME_HEADER] = { C_BLACK, C_CYAN, 0 },
	[THEME_TITLE] = { D, D, B | U },
	[THEME_KEYBAR] = { C_BLACK, C_WHITE, 0 },
	[THEME_KEYBAR_KEY] = { C_WHITE, C_BLUE, B },
	[THEME_SELECTED] = { C_BLACK, C_YELLOW, B },
	[THEME_CARD] = { D, D, 0 },
	[THEME_CARD_BORDER] = { D, D, 0 },
	[THEME_CARD_TITLE] = { C_BLACK, C_WHITE, B },
	[THEME_CARD_LATE] = { C_RED, D, B },
	[THEME_TIMER_OK] = { C_GREEN, D, B },
	[THEME_TIMER_WARN] = { C_BLACK, C_YELLOW, B },
	[THEME_TIMER_LATE] = { C_WHITE, C_RED, B | BL },
	[THEME_NOTE] = { C_YELLOW, D, B },
	[THEME_MODIFIER] = { C_CYAN, D, 0 },
	[THEME_LINKED] = { C_MAGENTA, D, B },
	[THEME_ONLINE] = { C_BLACK, C_GREEN, 0 },
	[THEME_OFFLINE_BANNER] = { C_WHITE, C_RED, B },
	[THEME_STALE] = { C_BLACK, C_YELLOW, B },
	[THEME_PENDING] = { C_BLACK, C_MAGENTA, 0 },
	[THEME_QUEUED] = { C_BLACK, C_YELLOW, 0 },
	[THEME_ERROR] = { C_WHITE, C_RED, B },
	[THEME_WARNING] = { C_BLACK, C_YELLOW, 0 },
	[THEME_SUCCESS] = { C_BLACK, C_GREEN, 0 },
	[THEME_DIALOG] = { C_BLACK, C_WHITE, 0 },
	[THEME_DIALOG_TITLE] = { C_WHITE, C_BLUE, B },
	[THEME_INPUT] = { C_BLACK, C_CYAN, 0 },
	[THEME_INPUT_FOCUS] = { C_BLACK, C_YELLOW, B },
	[THEME_TOTAL] = { D, D, B },
	[THEME_CHANGE] = { C_GREEN, D, B },
	[THEME_UNAVAILABLE] = { D, D, DM },
	[THEME_PRICE] = { C_CYAN, D, 0 },
	[THEME_VOID] = { C_WHITE, C_RED, B },
	[THEME_VOIDED] = { C_RED, D, DM },
};

/* The monochrome theme: attributes only, chosen so that each role a
 * person must notice (late, offline, stale, pending, selected, refused)
 * differs from its neighbours without colour. */
static const unsigned builtin_mono[THEME_ROLE_COUNT] = {
	[THEME_NORMAL] = 0,
	[THEME_DIM] = DM,
	[THEME_HEADER] = R,
	[THEME_TITLE] = B | U,
	[THEME_KEYBAR] = R,
	[THEME_KEYBAR_KEY] = B,
	[THEME_SELECTED] = R | B,
	[THEME_CARD] = 0,
	[THEME_CARD_BORDER] = 0,
	[THEME_CARD_TITLE] = B | U,
	[THEME_CARD_LATE] = B,
	[THEME_TIMER_OK] = 0,
	[THEME_TIMER_WARN] = B | U,
	[THEME_TIMER_LATE] = R | B | BL,
	[THEME_NOTE] = B,
	[THEME_MODIFIER] = 0,
	[THEME_LINKED] = U,
	[THEME_ONLINE] = B,
	[THEME_OFFLINE_BANNER] = R | BL,
	[THEME_STALE] = R,
	[THEME_PENDING] = U,
	[THEME_QUEUED] = U,
	[THEME_ERROR] = R | B | U,
	[THEME_WARNING] = B | U,
	[THEME_SUCCESS] = B,
	[THEME_DIALOG] = 0,
	[THEME_DIALOG_TITLE] = R | B,
	[THEME_INPUT] = U,
	[THEME_INPUT_FOCUS] = R,
	[THEME_TOTAL] = B,
	[THEME_CHANGE] = B | U,
	[THEME_UNAVAILABLE] = DM,
	[THEME_PRICE] = 0,
	[THEME_VOID] = R | B,
	[THEME_VOIDED] = DM,
};

#undef D
#undef B
#undef DM
#undef R
#undef U
#undef BL

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "bold", THEME_A_BOLD },
	{ "dim", THEME_A_DIM },
	{ "reverse", THEME_A_REVERSE },
	{ "underline", THEME_A_UNDERLINE },
	{ "blink", THEME_A_BLINK },
	{ "standout", THEME_A_STANDOUT },
	{ "italic", THEME_A_ITALIC },
	{ "none", 0 },
};

const char *
theme_role_name(enum theme_role r)
{
	return (unsigned)r < THEME_ROLE_COUNT ? role_names[r] : "?";
}

int
theme_role_parse(const char *name)
{
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		if (strcmp(role_names[i], name) == 0)
			return i;
	}
	return -1;
}

void
theme_builtin(struct theme *th)
{
	memset(th, 0, sizeof *th);
	xstrlcpy(th->name, "default", sizeof th->name);
	memcpy(th->role, builtin_default, sizeof th->role);
}

void
theme_builtin_mono(struct theme *th)
{
	memset(th, 0, sizeof *th);
	xstrlcpy(th->name, "mono", sizeof th->name);
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		th->role[i].fg = THEME_DEFAULT_COLOR;
		th->role[i].bg = THEME_DEFAULT_COLOR;
		th->role[i].attrs = builtin_mono[i];
	}
}

int
theme_color_parse(const char *s)
{
	char *end;
	long n;

	if (strcmp(s, "default") == 0)
		return THEME_DEFAULT_COLOR;
	for (int i = 0; i < 8; i++) {
		if (strcmp(s, color_names[i]) == 0)
			return i;
		if (strncmp(s, "bright-", 7) == 0 && strcmp(s + 7, color_names[i]) == 0)
			return i + 8;
	}
	if (!isdigit((unsigned char)s[0]))
		return -2;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 255)
		return -2;
	return (int)n;
}

/* xterm's 256 colours: 16-231 a 6x6x6 cube, 232-255 a grey ramp. The
 * nearest basic colour keeps each channel that is at least half on. */
int
theme_color_8(int color, bool *bright)
{
	*bright = false;
	if (color < 0)
		return color;
	if (color < 8)
		return color;
	if (color < 16) {
		*bright = true;
		return color - 8;
	}
	if (color < 232) {
		int c = color - 16, r = c / 36, g = (c / 6) % 6, b = c % 6;
		int max = r > g ? (r > b ? r : b) : (g > b ? g : b);

		*bright = max >= 4;
		return (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0);
	}
	return color - 232 >= 12 ? C_WHITE : C_BLACK;
}

bool
theme_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v != NULL && v[0] != '\0';
}

int
theme_dirs(const char **dirs, int max)
{
	const char *env = getenv("BRIGADE_THEMES");
	int n = 0;

	if (env != NULL && env[0] != '\0' && n < max)
		dirs[n++] = env;
	/* beside the program (the package's /usr/share/brigade, or a build's
	 * own copy): never a source or build path compiled in */
	static char *beside;
	if (beside == NULL)
		beside = util_data_dir("themes");
	if (beside != NULL && n < max)
		dirs[n++] = beside;
	if (n < max)
		dirs[n++] = BRIGADE_THEME_INSTALL_DIR;
	return n;
}

static int
parse_attrs(const char *s, unsigned *out)
{
	char buf[128], *tok, *save = NULL;

	*out = 0;
	if (xstrlcpy(buf, s, sizeof buf) >= sizeof buf)
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		while (*tok == ' ')
			tok++;
		for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
			if (strcmp(tok, attr_names[i].name) == 0)
				break;
		}
		if (i == sizeof attr_names / sizeof attr_names[0])
			return -1;
		*out |= attr_names[i].bit;
	}
	return 0;
}

/* One "role = fg bg [attrs]" line. */
static int
theme_line(void *ctx, const char *key, const char *value, char *err, size_t errsize)
{
	struct theme *th = ctx;
	char fg[32], bg[32], attrs[128];
	int role = theme_role_parse(key), f, b, n;
	unsigned a = 0;

	if (role < 0) {
		snprintf(err, errsize, "unknown role \"%s\"", key);
		return -1;
	}
	attrs[0] = '\0';
	n = sscanf(value, "%31s %31s %127s", fg, bg, attrs);
	if (n < 2) {
		snprintf(err, errsize, "%s: expected \"foreground background [attributes]\"", key);
		return -1;
	}
	if ((f = theme_color_parse(fg)) < -1) {
		snprintf(err, errsize, "%s: \"%s\" is not a colour", key, fg);
		return -1;
	}
	if ((b = theme_color_parse(bg)) < -1) {
		snprintf(err, errsize, "%s: \"%s\" is not a colour", key, bg);
		return -1;
	}
	if (n == 3 && parse_attrs(attrs, &a) < 0) {
		snprintf(err, errsize, "%s: \"%s\" is not a list of attributes (bold, dim, "
		    "reverse, underline, blink, standout, italic, none)", key, attrs);
		return -1;
	}
	th->role[role].fg = (short)f;
	th->role[role].bg = (short)b;
	th->role[role].attrs = a;
	return 0;
}

static bool
valid_name(const char *name)
{
	if (name[0] == '\0' || strlen(name) >= THEME_NAME_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	}
	return true;
}

int
theme_load(const char *name, struct theme *th, char *err, size_t errsize)
{
	char path[PATH_MAX];
	const char *dirs[4];
	struct theme t;
	int n;

	theme_builtin(&t);
	if (strchr(name, '/') != NULL) {
		if (config_load(name, false, theme_line, &t, err, errsize) < 0)
			return -1;
		const char *base = strrchr(name, '/') + 1;
		xstrlcpy(t.name, base, sizeof t.name);
		t.name[strcspn(t.name, ".")] = '\0';
		*th = t;
		return 0;
	}
	if (!valid_name(name)) {
		snprintf(err, errsize, "\"%s\" is not a theme name (letters, digits, - and _)",
		    name);
		return -1;
	}
	n = theme_dirs(dirs, 4);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
		if (access(path, R_OK) != 0)
			continue;
		if (strcmp(name, "mono") == 0)
			theme_builtin_mono(&t);
		if (config_load(path, false, theme_line, &t, err, errsize) < 0)
			return -1;
		xstrlcpy(t.name, name, sizeof t.name);
		*th = t;
		return 0;
	}
	if (strcmp(name, "default") == 0) {
		theme_builtin(th);
		return 0;
	}
	if (strcmp(name, "mono") == 0) {
		theme_builtin_mono(th);
		return 0;
	}
	snprintf(err, errsize, "no theme \"%s\": looked for %s.theme in %s%s%s%s%s", name,
	    name, dirs[0], n > 1 ? ", " : "", n > 1 ? dirs[1] : "", n > 2 ? ", " : "",
	    n > 2 ? dirs[2] : "");
	return -1;
}
