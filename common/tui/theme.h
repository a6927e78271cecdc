/* theme: colours by semantic role. Screens never name a colour: they draw
 * with a role (THEME_TIMER_LATE, THEME_PENDING, ...) and the theme says
 * what that role looks like. Themes are small text files, one line per
 * role, in themes/NAME.theme:
 *
 *   # role        = fg       bg       attributes
 *   normal        = default  default
 *   timer_late    = white    red      bold,blink
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-black .. bright-white, or a number 0-255. Attributes (comma
 * separated): bold, dim, reverse, underline, blink, standout, italic, none.
 * Roles a file leaves out keep the built-in default theme's look.
 *
 * Every role also has a monochrome look (attributes only) used when the
 * terminal has no colours or NO_COLOR is set; it comes from the "mono"
 * theme, so late cards, the selection and banners stay distinct on a
 * black-and-white screen. A model: no curses here (term.c applies it).
 *
 * API (stable; the POS and the KDS both use it):
 *   theme_role_name(r) / theme_role_parse(name)   role <-> file key
 *   theme_builtin(&th) / theme_builtin_mono(&th)  compiled-in themes
 *   theme_load(name, &th, err, n)                 NAME or a path with '/'
 *   theme_dirs(dirs, max)                         where names are looked up
 *   theme_color_parse(text) / theme_color_8(c, &bold)  colour helpers
 *   theme_no_color()                              NO_COLOR is set
 */
#ifndef BRIGADE_TUI_THEME_H
#define BRIGADE_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum theme_role {
	THEME_NORMAL,           /* ordinary text on the screen's background */
	THEME_DIM,              /* secondary text: hints, done items, "none" */
	THEME_HEADER,           /* the top status line */
	THEME_TITLE,            /* column titles, section headings */
	THEME_KEYBAR,           /* the bottom key bar */
	THEME_KEYBAR_KEY,       /* the key names inside the key bar */
	THEME_SELECTED,         /* the selected card, row or field */
	THEME_CARD,             /* a ticket's body */
	THEME_CARD_BORDER,      /* a ticket's frame */
	THEME_CARD_TITLE,       /* a ticket's number: the most prominent text */
	THEME_CARD_LATE,        /* the frame of a late ticket */
	THEME_TIMER_OK,         /* a ticket timer under the warning threshold */
	THEME_TIMER_WARN,       /* past the warning threshold */
	THEME_TIMER_LATE,       /* past the late threshold */
	THEME_NOTE,             /* a note from the customer or the cashier */
	THEME_MODIFIER,         /* "+ extra cheese" under an item */
	THEME_LINKED,           /* the mark on orders linked to another */
	THEME_ONLINE,           /* connection state: all is well */
	THEME_OFFLINE_BANNER,   /* connection state: the server is away */
	THEME_STALE,            /* data shown from the saved cache */
	THEME_PENDING,          /* a change of ours the server has not confirmed */
	THEME_QUEUED,           /* work waiting in a queue (outbox, printer) */
	THEME_ERROR,            /* a refusal or a failure, said plainly */
	THEME_WARNING,          /* something to look at soon */
	THEME_SUCCESS,          /* something went through */
	THEME_DIALOG,           /* dialog and overlay body */
	THEME_DIALOG_TITLE,     /* dialog and overlay title */
	THEME_INPUT,            /* an input field */
	THEME_INPUT_FOCUS,      /* the input field being typed into */
	THEME_TOTAL,            /* POS: the amount due */
	THEME_CHANGE,           /* POS: the change to hand back */
	THEME_UNAVAILABLE,      /* POS: an 86'd item */
	THEME_PRICE,            /* POS: prices in lists */
	THEME_VOID,             /* KDS: a VOID card (an order voided whole):
	                           its frame, its VOID mark and reason */
	THEME_VOIDED,           /* KDS: a line's voided quantity, struck */
	THEME_ROLE_COUNT
};

/* Attribute bits (term.c maps them to curses attributes). */
#define THEME_A_BOLD 0x01u
#define THEME_A_DIM 0x02u
#define THEME_A_REVERSE 0x04u
#define THEME_A_UNDERLINE 0x08u
#define THEME_A_BLINK 0x10u
#define THEME_A_STANDOUT 0x20u
#define THEME_A_ITALIC 0x40u

#define THEME_DEFAULT_COLOR (-1)
#define THEME_NAME_MAX 64

struct theme_style {
	short fg, bg;           /* THEME_DEFAULT_COLOR or 0-255 */
	unsigned attrs;         /* THEME_A_* with colours */
};

struct theme {
	char name[THEME_NAME_MAX];
	struct theme_style role[THEME_ROLE_COUNT];
};

/* The file key of a role ("timer_late"), and back (-1 when unknown). */
const char *theme_role_name(enum theme_role r);
int theme_role_parse(const char *name);

/* The compiled-in default and monochrome themes (what default.theme and
 * mono.theme hold), so a screen never depends on a data file. */
void theme_builtin(struct theme *th);
void theme_builtin_mono(struct theme *th);

/* Load a theme by name from the theme directories, or from a path when the
 * name holds a '/'. "default" and "mono" fall back to the built-in themes
 * when no file is found. 0, or -1 with a sentence in err (no such theme,
 * file:line and what is wrong), leaving *th untouched. */
int theme_load(const char *name, struct theme *th, char *err, size_t errsize);

/* The directories searched, in order: $BRIGADE_THEMES, the source tree's
 * themes/ (uninstalled builds), the installed data directory. */
int theme_dirs(const char **dirs, int max);

/* "red", "bright-blue", "default", "208" -> colour (THEME_DEFAULT_COLOR or
 * 0-255); -2 when not a colour. */
int theme_color_parse(const char *s);
/* The nearest of the 8 basic colours for a terminal that has only those;
 * *bright says the colour was a bright one (shown bold instead). */
int theme_color_8(int color, bool *bright);

/* Whether NO_COLOR asks for no colours (set and not empty). */
bool theme_no_color(void);

#endif
