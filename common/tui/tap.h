/* tap: what is where on the frame last drawn, so that a tap (INPUT_TAP,
 * input.h) finds what it touched. Views mark a region as they draw it,
 * with a kind and a value the program chooses (a menu item and its
 * index, a KDS card and its id); the key bars mark their entries
 * TAP_KEY with the key, so a tap on one acts as its key. Regions marked
 * later lie on top: draw_dialog marks its box TAP_NONE, so nothing under
 * a dialog is touched. Every frame starts empty (term_frame_begin). A
 * model: no curses; one frame, like the screen it describes.
 *
 * API:
 *   tap_clear()                          forget every region
 *   tap_mark(y, x, h, w, kind, value)    a region of h rows, w columns
 *   tap_find(y, x, &value)               the kind on top at the cell
 *                                        (TAP_NONE: nothing), its value
 */
#ifndef BRIGADE_TUI_TAP_H
#define BRIGADE_TUI_TAP_H

#include <stdint.h>

#define TAP_REGIONS_MAX 512

enum tap_kind {
	TAP_NONE,                   /* nothing to touch (a dialog's box) */
	TAP_KEY,                    /* a key bar entry: value is its key */
	TAP_APP = 16                /* the programs' kinds start here */
};

void tap_clear(void);
void tap_mark(int y, int x, int h, int w, int kind, int64_t value);
int tap_find(int y, int x, int64_t *value);

#endif
