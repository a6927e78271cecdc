/* form_view: draws a form of form.h (a view: curses).
 *   form_view_field(y, x, w, f, i)   one field: label then the value box;
 *                                    puts the cursor there when focused
 *   form_view_dialog(f, hint)        the whole form as a centred dialog,
 *                                    its message and a hint line
 */
#ifndef BRIGADE_TUI_FORM_VIEW_H
#define BRIGADE_TUI_FORM_VIEW_H

#include "form.h"

void form_view_field(int y, int x, int w, const struct form *f, int i);
void form_view_dialog(const struct form *f, const char *hint);

#endif
