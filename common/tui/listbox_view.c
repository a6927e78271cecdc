/* listbox_view: a pick list dialog on screen. */
#include "listbox_view.h"

#include <stdio.h>

#include "draw.h"
#include "term.h"
#include "text.h"

void
listbox_view_draw(struct listbox *lb, int w)
{
	int rows = lb->n > 0 ? lb->n : 1, y, x, ih, iw, extra = lb->footer[0] ? 2 : 0;
	int max_rows = term_rows() - 4 - extra;

	if (w <= 0) {
		w = text_width(lb->title) + 8;
		for (int i = 0; i < lb->n; i++) {
			int lw = text_width(lb->items[i].text) + 6;

			if (lw > w)
				w = lw;
		}
		if (text_width(lb->footer) + 6 > w)
			w = text_width(lb->footer) + 6;
	}
	if (w > term_cols() - 2)
		w = term_cols() - 2;
	if (max_rows < 1)
		max_rows = 1;
	if (rows > max_rows)
		rows = max_rows;
	listbox_set_rows(lb, rows);
	draw_dialog(rows + 2 + extra, w, lb->title, THEME_DIALOG, &y, &x, &ih, &iw);
	if (lb->n == 0)
		draw_text(y, x, iw, THEME_DIM, lb->empty);
	for (int r = 0; r < rows && lb->top + r < lb->n; r++) {
		const struct listbox_item *it = &lb->items[lb->top + r];
		bool sel = lb->top + r == lb->sel;
		enum theme_role role = sel ? THEME_SELECTED : it->disabled ? THEME_DIM : it->role;
		char line[LISTBOX_TEXT_MAX + 8];

		text_pad(it->text, iw, false, line, sizeof line);
		draw_text(y + r, x, iw, role, line);
	}
	if (lb->top > 0)
		draw_text(y - 1, x + iw - 3, 3, THEME_DIALOG_TITLE, " ^ ");
	if (lb->top + rows < lb->n)
		draw_text(y + rows, x + iw - 3, 3, THEME_DIALOG_TITLE, " v ");
	if (extra)
		draw_text(y + rows + 1, x, iw, THEME_DIM, lb->footer);
}
