/* text: measuring and cutting UTF-8 text by the columns it takes on a
 * terminal (wide characters take two), and the styled segment that the
 * line models (header, key bar) hand to the views. Pure: no curses; it
 * needs setlocale(LC_ALL, "") with a UTF-8 locale for wide characters,
 * and treats bytes that do not decode as one column each.
 *
 * In a locale without UTF-8 (LANG=C on a till) the terminal shows plain
 * ASCII: term_init turns ASCII mode on, text_to_ascii spells each
 * character the way it will be drawn ("Zoë Ångström" as "Zoe Angstrom",
 * ß as ss, € as EUR, the rest "?"), and every width here counts that
 * spelling, so layouts come out the same.
 *
 * API:
 *   text_width(s)                   columns s takes
 *   text_fit(s, cols)               bytes of the longest prefix within cols
 *   text_fit_ellipsis(s, cols, out, n)  s cut to cols with "~" when cut
 *   text_pad(s, cols, right, out, n)    s padded with spaces to cols
 *   text_seg_add(segs, &n, max, role, fmt, ...)  append a segment
 *   text_segs_width(segs, n, gap)   columns of segments joined by gap
 *   text_fit_labels(labels, n, cols)   short labels laid out on one line
 *   text_set_ascii(on) / text_ascii()   ASCII mode
 *   text_to_ascii(s, len, out, n)   the ASCII spelling of s's first len bytes
 */
#ifndef BRIGADE_TUI_TEXT_H
#define BRIGADE_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "theme.h"

#define TEXT_SEG_MAX 128

/* A piece of a line with its role. */
struct text_seg {
	char text[TEXT_SEG_MAX];
	enum theme_role role;
};

int text_width(const char *s);
int text_width_n(const char *s, size_t len);
size_t text_fit(const char *s, int cols);
/* s cut to at most cols columns; when it had to be cut, the last column
 * holds '~'. Returns the columns written. */
int text_fit_ellipsis(const char *s, int cols, char *out, size_t size);
/* s cut or padded with spaces to exactly cols columns, on the left when
 * right is true (right-aligned). */
void text_pad(const char *s, int cols, bool right, char *out, size_t size);

/* Append a segment (dropped when segs is full). Returns its index or -1. */
int text_seg_add(struct text_seg *segs, int *n, int max, enum theme_role role,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int text_segs_width(const struct text_seg *segs, int n, int gap);

#define TEXT_LABEL_FORMS 4

/* One piece of a line of short labels ("PICKUP", " Ann", "  link #11",
 * " PENDING "). Its forms say it in fewer and fewer columns; a form is
 * shown whole or not at all, so a number in it is never cut. Only a
 * label with cut_min (a name) is cut, with "~". */
struct text_label {
	const char *form[TEXT_LABEL_FORMS]; /* longest first, with the spaces
	                                       before it; NULL after the last */
	int rank;                    /* 0 goes last; higher ranks shorten and
	                                drop first */
	int cut_min;                 /* > 0: may be cut down to this many
	                                columns (a name); 0: whole or nothing */
	int cut_soft;                /* a name is cut to this many columns
	                                before any word shortens */
	bool right;                  /* at the right end of the line */
	enum theme_role role;
	/* set by text_fit_labels */
	int shown;                   /* the form shown, -1 = left out */
	int x;                       /* its first column on the line */
	char text[TEXT_SEG_MAX];     /* what to draw there */
};

/* Lay labels out on a line of cols columns: the left ones one after
 * another, the right ones against the end. When they do not fit, a long
 * name is cut to cut_soft, then the words shorten (each label to its
 * next form, the highest rank first), then names are cut to cut_min, and
 * only then labels are left out, the highest rank first. Returns the
 * columns the line takes. */
int text_fit_labels(struct text_label *labels, int n, int cols);

void text_set_ascii(bool on);
bool text_ascii(void);
/* The ASCII spelling of s's first len bytes (cut at whole characters to
 * fit size); returns its length. */
size_t text_to_ascii(const char *s, size_t len, char *out, size_t size);

#endif
