/* listbox: a scrolling list to pick one line from (recall an order,
 * switch station, choose a menu item, look at needs-attention entries).
 * A model: items, selection and the first visible row; listbox_view draws
 * it as a dialog. Up/Down (and k/j), PgUp/PgDn, Home/End move; Enter
 * chooses; Esc cancels. Disabled items are shown but cannot be chosen.
 *
 * API:
 *   listbox_init(lb, title) / listbox_free(lb) / listbox_clear(lb)
 *   listbox_add(lb, tag, role, fmt, ...)   an item; tag is the app's id
 *   listbox_disable(lb, i)                 shown dim, not choosable
 *   listbox_key(lb, key)                   LISTBOX_* result
 *   listbox_selected(lb)                   the selected item or NULL
 *   listbox_select_tag(lb, tag)            select the item with tag
 *   listbox_set_rows(lb, rows)             rows the view shows (scrolling)
 */
#ifndef BRIGADE_TUI_LISTBOX_H
#define BRIGADE_TUI_LISTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "theme.h"

#define LISTBOX_TEXT_MAX 160

enum listbox_result { LISTBOX_IGNORED, LISTBOX_CHANGED, LISTBOX_CHOSEN, LISTBOX_CANCEL };

struct listbox_item {
	char text[LISTBOX_TEXT_MAX];
	enum theme_role role;
	int64_t tag;
	bool disabled;
};

struct listbox {
	char title[64];
	char empty[96];             /* shown when there are no items */
	char footer[96];            /* a hint under the list, "" for none */
	struct listbox_item *items;
	int n, cap;
	int sel;                    /* -1 when empty */
	int top;                    /* first visible item */
	int rows;                   /* visible rows (from the view), >= 1 */
};

void listbox_init(struct listbox *lb, const char *title);
void listbox_free(struct listbox *lb);
void listbox_clear(struct listbox *lb);
int listbox_add(struct listbox *lb, int64_t tag, enum theme_role role, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
void listbox_disable(struct listbox *lb, int i);
enum listbox_result listbox_key(struct listbox *lb, int key);
const struct listbox_item *listbox_selected(const struct listbox *lb);
bool listbox_select_tag(struct listbox *lb, int64_t tag);
void listbox_set_rows(struct listbox *lb, int rows);

#endif
