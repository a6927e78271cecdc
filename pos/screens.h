/* screens: the till's screens and overlays as tables (screens.c), and
 * what each screen's file (screen_*.c) and each overlay's (overlay_*.c)
 * gives them: its key table and its drawing, and the few ways in that
 * other screens use. A new screen is a new file, its value in enum
 * pos_screen (app.h), its lines here and one row in the table. */
#ifndef BRIGADE_POS_SCREENS_H
#define BRIGADE_POS_SCREENS_H

#include "app.h"
#include "keys.h"

struct screen_def {
	const char *name;            /* the header's title: "Sale" */
	const struct keytable *keys;
	void (*draw)(struct app *a);
	/* opened with a function key: fetch what it shows; or NULL */
	void (*enter)(struct app *a);
	/* left for screen `to` with a function key; or NULL */
	void (*leave)(struct app *a, enum pos_screen to);
	unsigned roles;              /* ROLE_BIT set, 0 = every role */
};

struct overlay_def {
	const struct keytable *keys;
	void (*draw)(struct app *a);
};

const struct screen_def *screens_get(enum pos_screen s);
const struct overlay_def *screens_overlay(enum overlay o);
/* Switch to screen s as the function keys do: the screen up leaves, s is
 * shown and entered. The caller has checked that the role may see s. */
void screens_open(struct app *a, enum pos_screen s);

/* ---- screens ---- */

extern const struct keytable screen_login_keys;
void screen_login_draw(struct app *a);

extern const struct keytable screen_entry_keys;
void screen_entry_draw(struct app *a);
/* A typed key as the sale screen takes it (the paid screen hands on the
 * key that starts the next order). */
void screen_entry_text(struct app *a, int key);
void screen_entry_reprint(struct app *a, int key);
/* The ticket to the tender screen (checked already). */
void screen_entry_tender(struct app *a);
/* A tap on a menu item adds it as its PLU and Enter would (with a "3*"
 * typed first, three); a tap on a ticket line selects it. A double tap
 * is two taps: two of the item. */
void screen_entry_tap(struct app *a, int kind, int64_t value, bool twice);

extern const struct keytable screen_tender_keys;
void screen_tender_draw(struct app *a);
/* c, or a card swiped on the tender screen: a card payment for the
 * amount typed (or all that is due) on the card terminal. */
void screen_tender_card(struct app *a, const struct card_info *swiped);

extern const struct keytable screen_done_keys;
void screen_done_draw(struct app *a);
void screen_done_leave(struct app *a, enum pos_screen to);

extern const struct keytable screen_dispatch_keys;
void screen_dispatch_draw(struct app *a);
/* The board from the cache: on opening, and again each frame. */
void screen_dispatch_rebuild(struct app *a);

extern const struct keytable screen_orders_keys;
void screen_orders_draw(struct app *a);
/* Today's orders fetched again (also when the screen opens). */
void screen_orders_load(struct app *a);

extern const struct keytable screen_order_keys;
void screen_order_draw(struct app *a);
/* Show order o (a copy, refreshed from the server); Esc goes to back. */
void screen_order_open(struct app *a, const struct order *o, enum pos_screen back);

extern const struct keytable screen_attention_keys;
void screen_attention_draw(struct app *a);

extern const struct keytable screen_menu_keys;
void screen_menu_draw(struct app *a);

extern const struct keytable screen_reports_keys;
void screen_reports_draw(struct app *a);
void screen_reports_enter(struct app *a);

extern const struct keytable screen_staff_keys;
void screen_staff_draw(struct app *a);
void screen_staff_enter(struct app *a);

/* ---- overlays: each opens with a key handler of the screen under it ---- */

extern const struct keytable overlay_search_keys;
void overlay_search_draw(struct app *a);
void overlay_search_open(struct app *a, int key);

extern const struct keytable overlay_mods_keys;
void overlay_mods_draw(struct app *a);
/* The selected line's modifiers, or a word on why there are none. */
void overlay_mods_open(struct app *a, int key);
/* After a line is added: open the choices its item requires; false when
 * it requires none (or has them). */
bool overlay_mods_ask(struct app *a);

extern const struct keytable overlay_note_keys;
void overlay_note_draw(struct app *a);
void overlay_note_open(struct app *a, int key);

extern const struct keytable overlay_details_keys;
void overlay_details_draw(struct app *a);
void overlay_details_open(struct app *a, int key);

extern const struct keytable overlay_link_keys;
void overlay_link_draw(struct app *a);
void overlay_link_open(struct app *a, int key);

extern const struct keytable overlay_reason_keys;
void overlay_reason_draw(struct app *a);
/* Cancel the order on the order screen: asks why, if it may be. */
void overlay_reason_open(struct app *a, int key);

/* Corrections of the order on the order screen (overlay_correct.c): each
 * a form, sent at once (with a manager's approval when one is needed) or,
 * offline and needing none, queued in the outbox. */
void correct_void_line(struct app *a, int key);
void correct_void_order(struct app *a, int key);
void correct_discount_line(struct app *a, int key);
void correct_discount_order(struct app *a, int key);
void correct_comp_line(struct app *a, int key);
void correct_refund(struct app *a, int key);
/* On the sale screen: a discount of the selected ticket line or of the
 * whole ticket, a comp of the line, sent with the sale. */
void correct_ticket_discount_line(struct app *a, int key);
void correct_ticket_discount(struct app *a, int key);
void correct_ticket_comp_line(struct app *a, int key);
/* Whether the person logged in may give every discount and comp on the
 * ticket on their own (the store's limit for their role), or a manager
 * approved them for this sale. */
bool correct_ticket_approved(const struct app *a);
/* A manager's code and PIN for the ticket's discounts, asked before it
 * goes to tender (a sale rung again, whose old approval was for the old
 * sale only); approved, the ticket goes to tender. */
void correct_ticket_approve(struct app *a);

/* A yes/no question; yes runs after the overlay has closed. */
struct confirm {
	const char *title;           /* "Z report" */
	const char *question;
	const char *detail;          /* what yes means */
	const char *answers;         /* "y: close the day   n: no" */
	void (*yes)(struct app *a);
};

extern const struct keytable overlay_confirm_keys;
void overlay_confirm_draw(struct app *a);
void overlay_confirm_open(struct app *a, const struct confirm *c);

/* A form (app->form, filled in by the screen that opens it) sent to the
 * server at once. submit runs on Enter: it checks what the till must,
 * then overlay_form_send, or overlay_form_fail to say what is wrong. */
extern const struct keytable overlay_form_keys;
void overlay_form_draw(struct app *a);
void overlay_form_open(struct app *a, void (*submit)(struct app *a));
/* The form's error line (and the message line), focused on field (-1: the
 * focus stays). */
void overlay_form_fail(struct app *a, int field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Send body (consumed: wiped and freed, with the form's hidden fields)
 * through session_request. A 2xx closes the form and runs done with ok
 * set (NULL: "what: done" is said); a refusal is shown in the form, the
 * field named focused, and done runs with ok false (after the form shows
 * the refusal, before the message line says it).
 * Sent with no form up (a screen's key), the answer is said on the
 * message line and done runs the same. */
int overlay_form_send(struct app *a, const char *method, const char *path, cJSON *body,
    const char *what, void (*done)(struct app *a, const char *what, bool ok, const cJSON *answer));
/* overlay_form_send under the Idempotency-Key key the caller made (NULL:
 * a fresh one), for a request a manager's approval is bound to. Before
 * done runs on a refusal, app->form_refusal holds the server's code. */
int overlay_form_send_key(struct app *a, const char *method, const char *path, cJSON *body,
    const char *key, const char *what,
    void (*done)(struct app *a, const char *what, bool ok, const cJSON *answer));
/* F9 (overlay_pin.c): one's own PIN, the old one, then the new one twice:
 * a form sent to POST /api/v1/auth/pin. */
void overlay_pin_open(struct app *a, int key);

/* A card payment or refund on the terminal (cardpay_sale, cardpay_refund
 * open it; it closes when the terminal is done). */
extern const struct keytable overlay_card_keys;
void overlay_card_draw(struct app *a);

extern const struct keytable overlay_help_keys;
void overlay_help_draw(struct app *a);
void overlay_help_open(struct app *a, int key);

#endif
