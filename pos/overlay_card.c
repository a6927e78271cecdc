/* overlay_card: a card payment or refund on the terminal as it goes:
 * present the card, processing, or the fields the driver asks for (the
 * external terminal's approval code, last 4 and brand); Esc asks the
 * terminal to cancel. It closes by itself when the terminal is done
 * (cardpay.c). */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"
#include "view.h"
#include "xalloc.h"

#define CARD_DIALOG_W 70

static void
card_text(struct app *a, int key)
{
	struct form *fm = &a->card.form;

	if (a->card.st.state != PAYTERM_NEEDS_INPUT)
		return;
	if (!form_put(fm, key) && fm->n > 0 && !fm->fields[fm->focus].choice)
		app_say(a, THEME_ERROR, "%s: not that character, or it is full",
		    fm->fields[fm->focus].label);
}

static void
card_back(struct app *a, int key)
{
	if (a->card.st.state == PAYTERM_NEEDS_INPUT)
		form_back(&a->card.form);
}

static void
card_next(struct app *a, int key)
{
	form_move(&a->card.form, key == INPUT_UP || key == INPUT_BACKTAB ? -1 : 1);
}

static void
card_pick(struct app *a, int key)
{
	form_cycle(&a->card.form, key == INPUT_LEFT ? -1 : 1);
}

static void
card_enter(struct app *a, int key)
{
	if (a->card.st.state != PAYTERM_NEEDS_INPUT) {
		app_say(a, THEME_WARNING, "The card terminal is at work: wait, or Esc to cancel");
		return;
	}
	cardpay_submit(a);
}

static void
card_esc(struct app *a, int key)
{
	cardpay_cancel(a);
}

static const struct binding card_map[] = {
	{ INPUT_ENTER, "Enter", "record the code", 0, card_enter },
	{ INPUT_TAB, "Tab", "next field", 0, card_next },
	{ INPUT_BACKTAB, NULL, NULL, 0, card_next },
	{ INPUT_DOWN, NULL, NULL, 0, card_next },
	{ INPUT_UP, NULL, NULL, 0, card_next },
	{ INPUT_LEFT, "Left/Right", "brand", 0, card_pick },
	{ INPUT_RIGHT, NULL, NULL, 0, card_pick },
	{ INPUT_BACKSPACE, NULL, NULL, 0, card_back },
	{ INPUT_ESC, "Esc", "cancel the card", 0, card_esc },
};
const struct keytable overlay_card_keys = { card_map, KEYS_ROWS(card_map), card_text };

static void
card_fields(const struct form *fm, int y, int x, int w, int *cy, int *cx)
{
	int lw = 16;

	for (int i = 0; i < fm->n; i++) {
		const struct form_field *ff = &fm->fields[i];
		enum theme_role role = i == fm->focus ? THEME_INPUT_FOCUS : THEME_INPUT;
		char shown[FIELD_MAX + 8];

		draw_text(y + i, x, lw, THEME_DIALOG, ff->label);
		if (ff->choice)
			snprintf(shown, sizeof shown, "< %s >", form_value(fm, i));
		else
			xstrlcpy(shown, ff->f.text, sizeof shown);
		draw_fill(y + i, x + lw, 1, w - lw, role);
		draw_text(y + i, x + lw, w - lw, role, shown);
		if (i == fm->focus && !ff->choice) {
			*cy = y + i;
			*cx = x + lw + text_width(shown);
		}
	}
}

void
overlay_card_draw(struct app *a)
{
	const struct cardpay *c = &a->card;
	const struct payterm_status *st = &c->st;
	bool asking = st->state == PAYTERM_NEEDS_INPUT;
	int rows = asking ? c->form.n + 7 : 6;
	int y, x, h, w, r = 0, cy = -1, cx = 0;
	char title[64], amount[32];

	app_money(c->amount, amount, sizeof amount);
	snprintf(title, sizeof title, "Card %s %s", c->kind == PAYMENT_REFUND ? "refund" :
	    "payment", amount);
	draw_dialog(rows, CARD_DIALOG_W, title, THEME_DIALOG, &y, &x, &h, &w);
	switch (st->state) {
	case PAYTERM_NEEDS_INPUT:
		r += view_wrap(y + r, x, w, 2, THEME_WARNING, st->message);
		r++;
		card_fields(&c->form, y + r, x, w, &cy, &cx);
		r += c->form.n;
		break;
	case PAYTERM_PRESENT_CARD:
		draw_text(y + r++, x, w, THEME_WARNING, "PRESENT THE CARD on the terminal");
		r += view_wrap(y + r, x, w, 1, THEME_DIM, st->message);
		break;
	case PAYTERM_PROCESSING:
		draw_text(y + r++, x, w, THEME_PENDING, "PROCESSING...");
		r += view_wrap(y + r, x, w, 1, THEME_DIM, st->message);
		break;
	default:
		draw_text(y + r++, x, w, THEME_PENDING, "Waiting for the card terminal...");
	}
	r++;
	if (c->form.error[0] != '\0' && asking)
		r += view_wrap(y + r, x, w, 2, THEME_ERROR, c->form.error);
	else if (c->note[0] != '\0')
		r += view_wrap(y + r, x, w, 2, THEME_WARNING, c->note);
	if (r < h)
		draw_text(y + h - 1, x, w, THEME_DIM, asking ?
		    "Enter: record   Tab: next field   Left/Right: brand   Esc: cancel" :
		    "Esc: ask the terminal to cancel");
	if (cy >= 0)
		term_cursor(cy, cx);
}
