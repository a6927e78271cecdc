/* draw: clipped text, fills, boxes, bars and dialogs on curses. */
#include "draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "term.h"

int
draw_text(int y, int x, int w, enum theme_role role, const char *s)
{
	size_t n;
	int cols = term_cols(), rows = term_rows();

	if (y < 0 || y >= rows || x < 0 || x >= cols || w <= 0)
		return 0;
	if (x + w > cols)
		w = cols - x;
	n = text_fit(s, w);
	attrset(term_attr(role));
	if (text_ascii()) {
		char ascii[2048];
		size_t an = text_to_ascii(s, n, ascii, sizeof ascii);

		mvaddnstr(y, x, ascii, (int)an);
	} else {
		mvaddnstr(y, x, s, (int)n);
	}
	return text_width_n(s, n);
}

int
draw_textf(int y, int x, int w, enum theme_role role, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(y, x, w, role, buf);
}

void
draw_fill(int y, int x, int h, int w, enum theme_role role)
{
	int cols = term_cols(), rows = term_rows();

	if (x < 0) {
		w += x;
		x = 0;
	}
	if (x + w > cols)
		w = cols - x;
	if (w <= 0)
		return;
	attrset(term_attr(role));
	for (int r = y; r < y + h && r < rows; r++) {
		if (r < 0)
			continue;
		mvhline(r, x, ' ', w);
	}
}

void
draw_hline(int y, int x, int w, enum theme_role role)
{
	int cols = term_cols();

	if (y < 0 || y >= term_rows() || x >= cols || w <= 0)
		return;
	if (x + w > cols)
		w = cols - x;
	attrset(term_attr(role));
	mvhline(y, x, ACS_HLINE, w);
}

void
draw_box(int y, int x, int h, int w, enum theme_role role)
{
	int rows = term_rows(), cols = term_cols();

	if (h < 2 || w < 2)
		return;
	attrset(term_attr(role));
	if (y >= 0 && y < rows) {
		mvaddch(y, x, ACS_ULCORNER);
		if (w > 2)
			mvhline(y, x + 1, ACS_HLINE, w - 2 < cols - x - 1 ? w - 2 : cols - x - 1);
		if (x + w - 1 < cols)
			mvaddch(y, x + w - 1, ACS_URCORNER);
	}
	for (int r = y + 1; r < y + h - 1 && r < rows; r++) {
		if (r < 0)
			continue;
		mvaddch(r, x, ACS_VLINE);
		if (x + w - 1 < cols)
			mvaddch(r, x + w - 1, ACS_VLINE);
	}
	if (y + h - 1 < rows && y + h - 1 >= 0) {
		mvaddch(y + h - 1, x, ACS_LLCORNER);
		if (w > 2)
			mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2 < cols - x - 1 ? w - 2 : cols - x - 1);
		if (x + w - 1 < cols)
			mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	}
}

int
draw_segs(int y, int x, int w, const struct text_seg *segs, int n)
{
	int used = 0;

	for (int i = 0; i < n && used < w; i++)
		used += draw_text(y, x + used, w - used, segs[i].role, segs[i].text);
	return used;
}

void
draw_bar(int y, const struct text_seg *left, int nl, const struct text_seg *right, int nr,
    enum theme_role fill)
{
	int cols = term_cols();
	int rw = text_segs_width(right, nr, 0);
	int lw;

	draw_fill(y, 0, 1, cols, fill);
	/* the right side wins when space is short: it carries the states */
	if (rw > cols)
		rw = cols;
	lw = draw_segs(y, 0, cols - rw, left, nl);
	(void)lw;
	draw_segs(y, cols - rw, rw, right, nr);
}

void
draw_dialog(int h, int w, const char *title, enum theme_role role, int *y, int *x,
    int *ih, int *iw)
{
	int rows = term_rows(), cols = term_cols();
	int top, left;

	if (w > cols)
		w = cols;
	if (h > rows)
		h = rows;
	top = (rows - h) / 2;
	left = (cols - w) / 2;
	draw_fill(top, left, h, w, role);
	draw_box(top, left, h, w, role);
	tap_mark(top, left, h, w, TAP_NONE, 0);      /* nothing under it is touched */
	if (title != NULL && title[0] != '\0') {
		char t[128];

		snprintf(t, sizeof t, " %s ", title);
		draw_text(top, left + 2, w - 4, THEME_DIALOG_TITLE, t);
	}
	*y = top + 1;
	*x = left + 2;
	*ih = h - 2;
	*iw = w - 4;
}

void
draw_message(const char *title, const char *const *lines, int n, enum theme_role role)
{
	int w = text_width(title != NULL ? title : "") + 8, y, x, ih, iw;

	for (int i = 0; i < n; i++) {
		int lw = text_width(lines[i]) + 4;

		if (lw > w)
			w = lw;
	}
	if (w > term_cols() - 2)
		w = term_cols() - 2;
	draw_dialog(n + 4, w, title, role, &y, &x, &ih, &iw);
	for (int i = 0; i < n && i + 1 < ih; i++)
		draw_text(y + 1 + i, x, iw, role, lines[i]);
}
