/* form_view: fields and form dialogs on screen. */
#include "form_view.h"

#include <stdio.h>
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

/* The message, wrapped over up to 3 lines of w columns. */
static int
message_lines(const char *msg, int w, const char *lines[3], size_t lens[3])
{
	int n = 0;

	while (*msg != '\0' && n < 3 && w > 0) {
		size_t fit = text_fit(msg, w);

		if (fit == 0)
			break;
		/* break at the last space that fits, when the rest is longer */
		if (msg[fit] != '\0') {
			size_t sp = fit;

			while (sp > 0 && msg[sp] != ' ')
				sp--;
			if (sp > 0)
				fit = sp;
		}
		lines[n] = msg;
		lens[n++] = fit;
		msg += fit;
		while (*msg == ' ')
			msg++;
	}
	return n;
}

void
form_view_dialog(const struct form *f, const char *hint)
{
	const char *lines[3];
	size_t lens[3];
	int w = 56, nmsg, h, y, x, ih, iw;

	if (term_cols() < w + 2)
		w = term_cols() - 2;
	nmsg = message_lines(f->message, w - 4, lines, lens);
	h = f->nfields * 2 + 4 + nmsg;
	draw_dialog(h, w, f->title, THEME_DIALOG, &y, &x, &ih, &iw);
	for (int i = 0; i < f->nfields; i++)
		form_view_field(y + 1 + i * 2, x, iw, f, i);
	for (int i = 0; i < nmsg; i++) {
		char buf[FORM_VALUE_MAX];

		snprintf(buf, sizeof buf, "%.*s", (int)lens[i], lines[i]);
		draw_text(y + f->nfields * 2 + 1 + i, x, iw, f->message_role, buf);
	}
	if (hint != NULL)
		draw_text(y + ih - 1, x, iw, THEME_DIM, hint);
}
