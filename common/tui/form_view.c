/* form_view: fields and form dialogs on screen. */
#include "form_view.h"

#include <string.h>

#include "draw.h"
#include "term.h"
#include "text.h"

#define LABEL_COLS 14

void
form_view_field(int y, int x, int w, const struct form *f, int i)
{
	char shown[FORM_VALUE_MAX * 4 + 1];
	bool focus = i == f->focus && !f->busy;
	int cursor, box_x = x + LABEL_COLS, box_w = w - LABEL_COLS, start = 0;

	if (i < 0 || i >= f->nfields)
		return;
	draw_text(y, x, LABEL_COLS - 1, THEME_DIALOG, f->f[i].label);
	if (box_w < 4) {
		box_x = x;
		box_w = w;
	}
	form_display(f, i, shown, sizeof shown, &cursor);
	/* keep the cursor in view: scroll the value left when it is long */
	if (cursor >= box_w - 1)
		start = cursor - box_w + 2;
	draw_fill(y, box_x, 1, box_w, focus ? THEME_INPUT_FOCUS : THEME_INPUT);
	{
		const char *p = shown;
		int skipped = 0;

		while (*p != '\0' && skipped < start) {
			size_t n = text_fit(p, 1);

			if (n == 0)
				n = 1;
			skipped += text_width_n(p, n);
			p += n;
		}
		draw_text(y, box_x, box_w, focus ? THEME_INPUT_FOCUS : THEME_INPUT, p);
	}
	if (focus)
		term_cursor(y, box_x + cursor - start);
}

void
form_view_dialog(const struct form *f, const char *hint)
{
	int w = 50, h = f->nfields * 2 + 5, y, x, ih, iw;

	if (term_cols() < w + 2)
		w = term_cols() - 2;
	draw_dialog(h, w, f->title, THEME_DIALOG, &y, &x, &ih, &iw);
	for (int i = 0; i < f->nfields; i++)
		form_view_field(y + 1 + i * 2, x, iw, f, i);
	if (f->message[0] != '\0')
		draw_text(y + f->nfields * 2 + 1, x, iw, f->message_role, f->message);
	if (hint != NULL)
		draw_text(y + ih - 1, x, iw, THEME_DIM, hint);
}
