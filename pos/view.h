/* view: brigade-pos's frame on the terminal (the status line, the screen
 * and overlay up, the message line, the key bar), and the pieces more
 * than one screen draws. */
#ifndef BRIGADE_POS_VIEW_H
#define BRIGADE_POS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

int view_init(struct app *a, char *err, size_t errsize);
void view_end(void);
/* One frame: the screen's drawing, then the overlay's (screens.c). */
void view_draw(struct app *a);
void view_resize(struct app *a);

/* "left ...... right" in w columns. */
void view_lr(int y, int x, int w, enum theme_role role, const char *left, const char *right);
/* text over at most max rows of w columns, broken at spaces; the rows
 * used. */
int view_wrap(int y, int x, int w, int max, enum theme_role role, const char *text);
/* A dialog of one field being typed (the note, the cancel reason). */
void view_input_dialog(const char *title, const char *label, const struct field *f);
/* The ticket lines with totals (sale and tender screens); returns the row
 * after it. */
int view_ticket(struct app *a, int y, int x, int h, int w, bool selectable);
/* How the ticket's payment i reads on screen: "Cash", "Card VISA ****1234
 * (approval AB12CD)", "Paid before: " ahead of one carried from a refused
 * sale. Brand and last 4 only: a card number is never there to show. */
void view_payment(const struct ticket *t, int i, char *buf, size_t size);
/* "Recent:" and the last sales with their numbers. */
void view_recent(struct app *a, int y, int x, int w);
/* An order on one line: number, status, service, source, who, total, time. */
void view_order_line(const struct order *o, char *buf, size_t size);

#endif
