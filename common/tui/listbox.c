/* listbox: items, selection and scrolling of a pick list. */
#include "listbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "xalloc.h"

void
listbox_init(struct listbox *lb, const char *title)
{
	memset(lb, 0, sizeof *lb);
	xstrlcpy(lb->title, title, sizeof lb->title);
	xstrlcpy(lb->empty, "(nothing)", sizeof lb->empty);
	lb->sel = -1;
	lb->rows = 10;
}

void
listbox_free(struct listbox *lb)
{
	free(lb->items);
	lb->items = NULL;
	lb->n = lb->cap = 0;
	lb->sel = -1;
}

void
listbox_clear(struct listbox *lb)
{
	lb->n = 0;
	lb->sel = -1;
	lb->top = 0;
}

static void
keep_visible(struct listbox *lb)
{
	if (lb->rows < 1)
		lb->rows = 1;
	if (lb->sel < 0) {
		lb->top = 0;
		return;
	}
	if (lb->sel < lb->top)
		lb->top = lb->sel;
	if (lb->sel >= lb->top + lb->rows)
		lb->top = lb->sel - lb->rows + 1;
	if (lb->top > lb->n - lb->rows)
		lb->top = lb->n - lb->rows;
	if (lb->top < 0)
		lb->top = 0;
}

int
listbox_add(struct listbox *lb, int64_t tag, enum theme_role role, const char *fmt, ...)
{
	struct listbox_item *it;
	va_list ap;

	if (lb->n == lb->cap) {
		lb->cap = lb->cap ? lb->cap * 2 : 16;
		lb->items = xreallocarray(lb->items, (size_t)lb->cap, sizeof *lb->items);
	}
	it = &lb->items[lb->n];
	memset(it, 0, sizeof *it);
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof it->text, fmt, ap);
	va_end(ap);
	it->role = role;
	it->tag = tag;
	if (lb->sel < 0)
		lb->sel = lb->n;
	return lb->n++;
}

void
listbox_disable(struct listbox *lb, int i)
{
	if (i >= 0 && i < lb->n)
		lb->items[i].disabled = true;
}

static enum listbox_result
move_to(struct listbox *lb, int i)
{
	if (lb->n == 0)
		return LISTBOX_IGNORED;
	if (i < 0)
		i = 0;
	if (i >= lb->n)
		i = lb->n - 1;
	lb->sel = i;
	keep_visible(lb);
	return LISTBOX_CHANGED;
}

enum listbox_result
listbox_key(struct listbox *lb, int key)
{
	switch (key) {
	case INPUT_UP:
	case 'k':
		return move_to(lb, lb->sel - 1);
	case INPUT_DOWN:
	case 'j':
		return move_to(lb, lb->sel + 1);
	case INPUT_PGUP:
		return move_to(lb, lb->sel - lb->rows);
	case INPUT_PGDN:
		return move_to(lb, lb->sel + lb->rows);
	case INPUT_HOME:
		return move_to(lb, 0);
	case INPUT_END:
		return move_to(lb, lb->n - 1);
	case INPUT_ENTER:
	case ' ':
		if (lb->sel < 0 || lb->items[lb->sel].disabled)
			return LISTBOX_IGNORED;
		return LISTBOX_CHOSEN;
	case INPUT_ESC:
	case 'q':
		return LISTBOX_CANCEL;
	default:
		return LISTBOX_IGNORED;
	}
}

const struct listbox_item *
listbox_selected(const struct listbox *lb)
{
	return lb->sel >= 0 && lb->sel < lb->n ? &lb->items[lb->sel] : NULL;
}

bool
listbox_select_tag(struct listbox *lb, int64_t tag)
{
	for (int i = 0; i < lb->n; i++) {
		if (lb->items[i].tag == tag) {
			move_to(lb, i);
			return true;
		}
	}
	return false;
}

void
listbox_set_rows(struct listbox *lb, int rows)
{
	lb->rows = rows < 1 ? 1 : rows;
	keep_visible(lb);
}
