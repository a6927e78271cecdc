/* text: measuring and cutting UTF-8 text by the columns it takes on a
 * terminal (wide characters take two), and the styled segment that the
 * line models (header, key bar) hand to the views. Pure: no curses; it
 * needs setlocale(LC_ALL, "") with a UTF-8 locale for wide characters,
 * and treats bytes that do not decode as one column each.
 *
 * API:
 *   text_width(s)                   columns s takes
 *   text_fit(s, cols)               bytes of the longest prefix within cols
 *   text_fit_ellipsis(s, cols, out, n)  s cut to cols with "~" when cut
 *   text_pad(s, cols, right, out, n)    s padded with spaces to cols
 *   text_seg_add(segs, &n, max, role, fmt, ...)  append a segment
 *   text_segs_width(segs, n, gap)   columns of segments joined by gap
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

#endif
