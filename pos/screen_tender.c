/* screen_tender: the ticket paid: cash typed or exact, round amounts on
 * a s d f, a card for what is typed (or all that is due) through the card
 * terminal (cardpay.c); paid in full, it goes to checkout. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"
#include "view.h"

static void
tender_result(struct app *a, enum ticket_err e, const char *what)
{
	if (e != TICKET_OK) {
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
		return;
	}
	field_clear(&a->f_amount);
	if (ticket_paid(&a->ticket)) {
		checkout_submit(a);
		return;
	}
	{
		struct ticket_totals tt;
		char due[32];

		ticket_totals(&a->ticket, &tt);
		app_money(tt.due, due, sizeof due);
		app_say(a, THEME_WARNING, "%s taken: %s still due", what, due);
	}
}

static void
tender_cash(struct app *a, money_t amount)
{
	tender_result(a, ticket_pay_cash(&a->ticket, amount), "Cash");
}

static void
tender_enter(struct app *a, int key)
{
	struct ticket_totals tt;
	money_t amount;

	a->card.show_last = false;
	ticket_totals(&a->ticket, &tt);
	if (field_empty(&a->f_amount)) {
		/* paid before (a refused sale rung again): nothing more to take */
		if (ticket_paid(&a->ticket))
			checkout_submit(a);
		else
			tender_cash(a, tt.due);      /* exact */
		return;
	}
	if (money_parse(a->f_amount.text, &amount) < 0) {
		field_clear(&a->f_amount);
		app_say(a, THEME_ERROR, "%s", ticket_err_message(TICKET_BAD_AMOUNT));
		return;
	}
	tender_cash(a, amount);
}

void
screen_tender_card(struct app *a, const struct card_info *swiped)
{
	struct ticket_totals tt;
	money_t amount;
	enum ticket_err e;

	a->card.show_last = false;
	ticket_totals(&a->ticket, &tt);
	amount = tt.due;
	if (!field_empty(&a->f_amount) && money_parse(a->f_amount.text, &amount) < 0) {
		app_say(a, THEME_ERROR, "%s", ticket_err_message(TICKET_BAD_AMOUNT));
		return;
	}
	/* what would stop the ticket taking the card stops it before the
	 * terminal charges anything */
	if ((e = ticket_card_check(&a->ticket, amount)) != TICKET_OK) {
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
		return;
	}
	if (cardpay_sale(a, amount, swiped) == 0)
		field_clear(&a->f_amount);
}

static void
tender_text(struct app *a, int key)
{
	struct ticket_totals tt;
	money_t s[4];
	int n;

	a->card.show_last = false;
	if (key > 0 && key < 0x80 && strchr("asdf", key) != NULL) {
		int i = (int)(strchr("asdf", key) - "asdf");

		ticket_totals(&a->ticket, &tt);
		n = ticket_cash_suggestions(tt.due, s, 4);
		if (i < n)
			tender_cash(a, s[i]);
		return;
	}
	if (key == 'c') {
		screen_tender_card(a, NULL);
		return;
	}
	if (!field_put(&a->f_amount, key))
		app_say(a, THEME_ERROR, "Type an amount (digits and a point), Enter for cash, "
		    "c for card");
}

static void
tender_back(struct app *a, int key)
{
	field_back(&a->f_amount);
}

static void
tender_undo(struct app *a, int key)
{
	enum ticket_err e = ticket_unpay(&a->ticket);

	if (e == TICKET_OK)
		app_say(a, THEME_WARNING, "Last tender taken off");
	else if (e == TICKET_CARD_CHARGED || e == TICKET_PAID_BEFORE)
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
}

static void
tender_esc(struct app *a, int key)
{
	a->card.show_last = false;
	if (!field_empty(&a->f_amount)) {
		field_clear(&a->f_amount);
		return;
	}
	if (a->pay_order_id != 0) {
		/* paying an online order: back to the board, nothing taken */
		checkout_new_ticket(a);
		app_go(a, SCREEN_DISPATCH);
		return;
	}
	app_go(a, SCREEN_ENTRY);
}

static const struct binding tender_map[] = {
	{ INPUT_ENTER, "Enter", "cash (exact if empty)", 0, tender_enter },
	{ 'a', "a s d f", "next round amounts", 0, NULL },
	{ 'c', "c", "card", 0, NULL },
	{ INPUT_DELETE, "Del", "undo tender", 0, tender_undo },
	{ INPUT_BACKSPACE, NULL, NULL, 0, tender_back },
	{ INPUT_ESC, "Esc", "back", 0, tender_esc },
};
const struct keytable screen_tender_keys = { tender_map, KEYS_ROWS(tender_map), tender_text };

void
screen_tender_draw(struct app *a)
{
	struct ticket_totals tt;
	int top = 1, h = term_rows() - 4, cols = term_cols();
	int lw = cols / 2, x = lw + 2, w = cols - x - 1, y = top;
	char amount[32], buf[160];
	money_t s[4];
	int n;

	view_ticket(a, top, 0, h, lw, false);
	ticket_totals(&a->ticket, &tt);
	if (a->pay_order_id != 0)
		draw_textf(y++, x, w, THEME_TITLE, "Online order #%d: pay at pickup",
		    a->pay_order.number);
	app_money(tt.total, amount, sizeof amount);
	view_lr(y++, x, w, THEME_TOTAL, "TOTAL", amount);
	for (int i = 0; i < a->ticket.npayments; i++) {
		view_payment(&a->ticket, i, buf, sizeof buf);
		app_money(a->ticket.payments[i].amount, amount, sizeof amount);
		view_lr(y++, x, w, THEME_SUCCESS, buf, amount);
	}
	if (a->ticket.given_back > 0) {
		app_money(-a->ticket.given_back, amount, sizeof amount);
		view_lr(y++, x, w, THEME_DIM, "Change given before", amount);
	}
	app_money(tt.due, amount, sizeof amount);
	view_lr(y++, x, w, THEME_TOTAL, "DUE", amount);
	if (tt.change > 0 && a->ticket.ncarried > 0) {
		app_money(tt.change, amount, sizeof amount);
		view_lr(y++, x, w, THEME_WARNING, "OWED BACK: change from the drawer", amount);
	}
	if (tt.owed > 0) {
		app_money(tt.owed, amount, sizeof amount);
		view_lr(y++, x, w, THEME_ERROR, "OWED BACK on the card", amount);
	}
	y++;
	if (ticket_paid(&a->ticket)) {
		draw_text(y++, x, w, THEME_SUCCESS, "Nothing more is due: Enter sends the sale");
		if (tt.owed > 0)
			draw_text(y++, x, w, THEME_ERROR, "A card is not given back as change: add "
			    "to the ticket or clear it");
		return;
	}
	if (a->card.show_last) {
		/* the last card that did not go through, until the next key */
		draw_textf(y++, x, w, THEME_ERROR, "CARD %s:",
		    cardpay_result_word(a->card.last.state));
		y += view_wrap(y, x, w, 3, THEME_ERROR, a->card.last.message);
		draw_textf(y++, x, w, THEME_DIM, "Nothing was taken on that card: %s still due",
		    amount);
		y++;
	}
	snprintf(buf, sizeof buf, "Amount> %s", a->f_amount.text);
	draw_fill(y, x, 1, w, THEME_INPUT_FOCUS);
	draw_text(y, x, w, THEME_INPUT_FOCUS, buf);
	term_cursor(y, x + text_width(buf));
	y += 2;
	draw_text(y++, x, w, THEME_DIM, "Enter with nothing typed: exact cash");
	n = ticket_cash_suggestions(tt.due, s, 4);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		app_money(s[i], amount, sizeof amount);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%c %s",
		    i ? "   " : "", "asdf"[i], amount);
	}
	draw_text(y++, x, w, THEME_PRICE, buf);
	draw_text(y++, x, w, THEME_DIM, "c: card for the amount typed (or all due), on the "
	    "card terminal");
}
