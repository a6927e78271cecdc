/* keymap_view: key bar and help overlay on screen. */
#include "keymap_view.h"

#include "draw.h"
#include "tap.h"
#include "term.h"

#define HELP_LINES_MAX 64

void
keymap_view_bar(int y, const struct keymap *km)
{
	struct text_seg segs[96];
	int keys[96];
	int n = keymap_bar_keys(km, term_cols(), segs, 96, keys), x = 0;

	draw_bar(y, segs, n, NULL, 0, THEME_KEYBAR);
	/* a tap on an entry (its keys or its label) is its key */
	for (int i = 0; i < n; i++) {
		int w = text_width(segs[i].text);

		tap_mark(y, x, 1, w, TAP_KEY, keys[i]);
		x += w;
	}
}

int
keymap_view_help(const struct keymap *km, const char *title, int top)
{
	struct text_seg lines[HELP_LINES_MAX];
	int n = keymap_help(km, lines, HELP_LINES_MAX), w = 30, y, x, ih, iw;

	for (int i = 0; i < n; i++) {
		int lw = text_width(lines[i].text) + 4;

		if (lw > w)
			w = lw;
	}
	draw_dialog(n + 4, w, title, THEME_DIALOG, &y, &x, &ih, &iw);
	if (top > n - (ih - 2))
		top = n - (ih - 2);
	if (top < 0)
		top = 0;
	for (int i = top, r = 0; i < n && r < ih - 2; i++, r++)
		draw_text(y + r, x, iw, lines[i].role, lines[i].text);
	draw_text(y + ih - 1, x, iw, THEME_DIM,
	    n > ih - 2 ? "Up/Down scroll, any other key closes" : "any key closes");
	return n;
}
