/* header_view: draws the status line of header.h (a view: curses).
 *   header_view_draw(y, h)      one full-width line at row y
 */
#ifndef BRIGADE_TUI_HEADER_VIEW_H
#define BRIGADE_TUI_HEADER_VIEW_H

#include "header.h"

void header_view_draw(int y, const struct header_info *h);

#endif
