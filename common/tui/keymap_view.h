/* keymap_view: the key bar and the help screen of keymap.h (a view).
 *   keymap_view_bar(y, km)               the bar, full width at row y
 *   keymap_view_help(km, title, top)     the help overlay from line top;
 *                                        returns the number of lines
 */
#ifndef BRIGADE_TUI_KEYMAP_VIEW_H
#define BRIGADE_TUI_KEYMAP_VIEW_H

#include "keymap.h"

void keymap_view_bar(int y, const struct keymap *km);
int keymap_view_help(const struct keymap *km, const char *title, int top);

#endif
