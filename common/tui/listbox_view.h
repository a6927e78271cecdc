/* listbox_view: draws a listbox of listbox.h as a centred dialog (a view).
 * It tells the model how many rows fit (listbox_set_rows) so paging and
 * scrolling follow the screen.
 *   listbox_view_draw(lb, w)    w: wanted width in columns (0: fit items)
 */
#ifndef BRIGADE_TUI_LISTBOX_VIEW_H
#define BRIGADE_TUI_LISTBOX_VIEW_H

#include "listbox.h"

void listbox_view_draw(struct listbox *lb, int w);

#endif
