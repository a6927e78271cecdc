/* draw: the drawing primitives every view uses (a view module: curses).
 * Text is clipped to the width given, measured in terminal columns, so a
 * long item name never wraps onto the next line; everything is drawn with
 * a theme role.
 *
 * API:
 *   draw_text(y, x, w, role, s)       s clipped to w columns; columns drawn
 *   draw_textf(y, x, w, role, fmt, ...)
 *   draw_fill(y, x, h, w, role)       a rectangle of spaces
 *   draw_hline(y, x, w, role) / draw_box(y, x, h, w, role)
 *   draw_segs(y, x, w, segs, n)       segments one after another
 *   draw_bar(y, left, nl, right, nr, fill)  a full-width line, segments
 *                                     left- and right-aligned
 *   draw_dialog(h, w, title, role, &y, &x)  a centred framed box (clamped
 *                                     to the screen); y, x: its inside
 *   draw_message(title, lines, n, role)     a centred box of lines
 */
#ifndef BRIGADE_TUI_DRAW_H
#define BRIGADE_TUI_DRAW_H

#include "text.h"
#include "theme.h"

int draw_text(int y, int x, int w, enum theme_role role, const char *s);
int draw_textf(int y, int x, int w, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void draw_fill(int y, int x, int h, int w, enum theme_role role);
void draw_hline(int y, int x, int w, enum theme_role role);
void draw_box(int y, int x, int h, int w, enum theme_role role);
int draw_segs(int y, int x, int w, const struct text_seg *segs, int n);
void draw_bar(int y, const struct text_seg *left, int nl, const struct text_seg *right,
    int nr, enum theme_role fill);
void draw_dialog(int h, int w, const char *title, enum theme_role role, int *y, int *x,
    int *ih, int *iw);
void draw_message(const char *title, const char *const *lines, int n, enum theme_role role);

#endif
