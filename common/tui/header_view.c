/* header_view: the status line on screen. */
#include "header_view.h"

#include "draw.h"

void
header_view_draw(int y, const struct header_info *h)
{
	struct text_seg left[8], right[12];
	int nl, nr;

	header_segments(h, left, &nl, right, &nr, 12);
	draw_bar(y, left, nl, right, nr, THEME_HEADER);
}
