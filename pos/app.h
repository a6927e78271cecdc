/* app: what brigade-pos's modules share: the settings, the session, the
 * models, which screen and overlay are up, and each screen's state. The
 * screens are a table (screens.c), each screen and overlay a file with its
 * keys, its handlers and its drawing (screen_*.c, overlay_*.c); keys.c
 * routes a key to the one up, whose handler changes the state here and
 * sets dirty; view.c draws the frame once per loop turn. The server, the
 * outbox and the cache are the shared session's (common/client/session.c,
 * its handlers in main.c); checkout.c turns sales into its changes and
 * talks to the printers. Everything runs on the loop thread. */
#ifndef BRIGADE_POS_APP_H
#define BRIGADE_POS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cardreader.h"
#include "cfg.h"
#include "clock.h"
#include "dispatch.h"
#include "field.h"
#include "form.h"
#include "loop.h"
#include "order.h"
#include "outbox.h"
#include "payterm.h"
#include "report.h"
#include "sales.h"
#include "session.h"
#include "spool.h"
#include "theme.h"
#include "ticket.h"
#include "wedge.h"

enum pos_screen {
	SCREEN_LOGIN,
	SCREEN_ENTRY,                /* the ticket beside the menu */
	SCREEN_TENDER,
	SCREEN_DONE,                 /* change due, the sale's number */
	SCREEN_DISPATCH,
	SCREEN_ORDERS,               /* today's orders */
	SCREEN_ORDER,                /* one order and its history */
	SCREEN_ATTENTION,            /* refused changes, cut-off print jobs */
	SCREEN_MENU,                 /* 86 board */
	SCREEN_REPORTS,
	SCREEN_STAFF,
	SCREEN_COUNT
};

enum overlay {
	OVERLAY_NONE,
	OVERLAY_SEARCH,              /* "/" name search */
	OVERLAY_MODS,                /* modifier pick list */
	OVERLAY_NOTE,
	OVERLAY_DETAILS,             /* table / name / phone / address */
	OVERLAY_LINK,                /* pick an open order to link to */
	OVERLAY_REASON,              /* cancel reason */
	OVERLAY_CONFIRM,             /* yes / no */
	OVERLAY_HELP,
	OVERLAY_FORM,                /* labelled fields sent to the server at once */
	OVERLAY_CARD,                /* a card payment or refund on the terminal */
	OVERLAY_COUNT
};

struct app;
struct confirm;

/* A form's request on its way (overlay_form.c): its answer is matched by
 * id, so one that comes after its form was closed is still said. */
#define FORM_SENDS 8
struct form_send {
	unsigned id;                 /* 0: free */
	unsigned gen;                /* the form it came from */
	char what[96];               /* "Add item B9" */
	void (*done)(struct app *a, const char *what, bool ok, const cJSON *answer);
};

/* What a card operation's starter hears when it is over (cardpay.c). */
typedef void (*cardpay_done_fn)(struct app *a, const struct payterm_status *result,
    void *ctx);

/* The card operation on the payment terminal: while it runs the card
 * overlay shows its progress; the terminal's driver is polled and wakes
 * the loop when it has news. */
struct cardpay {
	bool running;                /* started and not over: OVERLAY_CARD is up */
	money_t amount;
	enum payment_kind kind;
	struct payterm_status st;    /* as last read from the driver */
	unsigned form_seq;           /* the status the fields were made from */
	struct payterm_field asked[PAYTERM_FIELDS_MAX];  /* what the form shows */
	struct form form;            /* NEEDS_INPUT: what the cashier types */
	bool cancel_asked;           /* Esc: the driver was asked to cancel */
	char note[PAYTERM_MESSAGE_MAX];  /* the till's word: a cancel refused */
	cardpay_done_fn done;
	void *done_ctx;
	struct payterm_status last;  /* the last sale that did not go through,
	                                shown on the tender screen */
	bool show_last;
	struct loop_timer poll;
};

#define HITS_MAX 200
#define LIST_MAX 2000

struct app_msg {
	char text[256];
	enum theme_role role;        /* THEME_ERROR, THEME_SUCCESS, ... */
	int64_t at;                  /* mono ms */
};

struct app {
	/* settings */
	struct client_cfg cfg;
	struct spool_cfg spool_cfg;
	char card_spec[280];         /* "wedge" or usb://VID:PID */
	char payterm_spec[4200];     /* "external" or module:/path/driver.so[,ARG] */
	char theme_name[64];
	enum service_type default_service;
	char state_dir[4096];        /* outbox, print queue, counter, cache */
	char counter_path[4096];
	bool bench_exit;             /* --bench-first-frame: exit after drawing */
	double bench_ms;             /* start to the first frame with the menu */
	double bench_first_ms;       /* start to the first frame of all */

	/* the machinery */
	struct session *s;           /* login, snapshot, stream, cache, outbox */
	struct loop *loop;           /* the session's */
	struct clock *clk;           /* the session's */
	struct cache *cache;         /* the session's */
	struct spool *spool;
	struct cardreader *reader;
	struct payterm *payterm;     /* the card payment terminal's driver */
	struct wedge wedge;
	struct loop_timer wedge_timer;
	struct loop_timer tick;      /* 1 s: the clock, ages, receipt waits */

	/* who is at the till */
	bool logged_in, logging_in;
	bool relaunch;               /* logged out: main() starts afresh */
	enum pos_screen start_screen;    /* --screen: where a login lands */
	enum staff_role role;
	char staff[STAFF_MAX + 1];

	/* the connection as the status bar shows it (and session_state) */
	int64_t offline_since;       /* local wall ms, for "OFFLINE since" */
	bool was_offline;
	struct spool_status printers;
	bool reader_failed;
	char reader_error[256];

	/* screens */
	enum pos_screen screen;
	enum pos_screen back;            /* where Esc goes from a detail screen */
	enum overlay overlay;
	bool quit;
	bool dirty;
	struct app_msg msg;
	const struct confirm *confirm;   /* what OVERLAY_CONFIRM asks (screens.h) */

	/* login */
	struct field f_staff, f_pin;
	int login_focus;             /* 0 staff, 1 PIN */

	/* order entry */
	struct ticket ticket;
	struct field f_plu;
	int category;                /* index into the menu's categories */
	int menu_top;                /* first item shown in the menu pane */
	struct field f_search;
	int hits[HITS_MAX];
	int nhits, hit_sel;
	int mod_sel;
	struct field f_note;
	struct field f_table, f_name, f_phone, f_address;
	int detail_focus;
	int64_t link_ids[HITS_MAX];
	int nlinks, link_sel;

	/* tender */
	struct field f_amount;
	struct cardpay card;
	int64_t pay_order_id;        /* paying an online order at pickup, 0 = the ticket */
	int pay_order_version;
	struct order pay_order;      /* its copy */

	/* sales (our changes in flight are the session's pending list) */
	struct sales sales;
	int64_t receipt_wait_entry;  /* sale whose receipt waits for the number */
	int64_t receipt_wait_until;  /* mono ms */
	struct order receipt_order;  /* as rung up, printed if the server is slow */
	char receipt_label[SALE_LABEL_MAX + 1];
	bool receipt_kitchen_pending;

	/* the last sale, for the done screen */
	money_t last_change, last_total;
	char last_what[64];
	int64_t last_entry;

	/* the hand-over board */
	struct dispatch dispatch;

	/* today's orders (a REST snapshot when the screen opens) */
	struct order *orders;
	int norders;
	int orders_sel;
	struct field f_filter;
	bool orders_loading;
	struct order detail;         /* SCREEN_ORDER */
	bool have_detail;
	int detail_sel;              /* its selected line */
	/* a correction of it (overlay_correct.c): the form's kind and line,
	 * its fields, the request waiting for a manager's approval */
	enum correction_kind corr_kind;
	int corr_line;               /* -1: the whole order */
	unsigned corr_gen;           /* the form it is (struct form gen) */
	bool corr_manager;           /* the form asks for a manager's code and PIN */
	bool corr_ticket;            /* a discount of the ticket being rung up */
	int corr_f_qty, corr_f_how, corr_f_value, corr_f_tender, corr_f_approval,
	    corr_f_last4, corr_f_reason, corr_f_mcode, corr_f_mpin;   /* -1: none */
	int corr_ntenders;
	struct payment corr_tenders[PAYMENTS_MAX];   /* the tender choices, in turn */
	char corr_key[40];           /* the Idempotency-Key of the one on its way */
	char *corr_sig;              /* what it asks (method, path, body without the
	                                approval), to know a retry of it */
	char corr_retry_key[40];     /* the key of one that got no answer: a retry
	                                of the same goes under it, never twice */
	char *corr_retry_sig;
	/* a manager's approval of the discounts of the sale being rung up: the
	 * key the sale goes under, the token, who gave it; the discount asked
	 * while the approval is on its way */
	char sale_key[40];
	int64_t rering_entry;        /* the refused sale on the ticket again
	                                (its payments carried): dismissed once
	                                the new sale is queued, kept in needs
	                                attention if the ticket is cleared */
	bool receipt_shut;           /* the receipt waiting opens no drawer */
	char sale_approval[256];
	char sale_approved_by[STAFF_MAX + 1];
	struct discount sale_disc;
	char sale_reason[REASON_MAX + 1];
	cJSON *corr_body;            /* the correction, while its approval is asked
	                                or its card refund runs on the terminal */
	bool corr_card;              /* a card refund: the terminal gives the money
	                                back before the correction is sent */
	bool corr_card_offline;      /* then queued (the server is away), */
	int corr_card_qty;           /* of the line, */
	money_t corr_card_amount;    /* this much, */
	struct payment corr_card_original;   /* to this card's charge */
	unsigned corr_card_gen;      /* which card refund the answer is for */
	struct field f_reason;
	int64_t cancel_id;
	int cancel_version;

	/* needs attention */
	struct outbox_entry *attention;
	int nattention;
	int attention_sel;

	/* 86 board */
	int menu_sel;
	char menu_edit_sku[SKU_MAX + 1];     /* the item the change form is for */

	/* reports */
	struct day_report report;
	bool have_report;
	bool report_loading;

	/* staff */
	cJSON *staff_list;
	int staff_sel;
	char staff_edit[STAFF_MAX + 1];      /* the person a PIN or change form is for */

	/* the form overlay: its fields, what Enter does, requests in flight */
	struct form form;
	void (*form_submit)(struct app *a);
	/* a line under the fields the screen works out from them as they are
	 * typed (a refund's money), or NULL; set after overlay_form_open */
	void (*form_note)(struct app *a, char *buf, size_t size);
	char form_refusal[40];       /* the code the last form's request was refused
	                                with ("" when taken or not answered) */
	struct form_send form_sends[FORM_SENDS];
	unsigned form_next_id;
	char pin_sent[FIELD_MAX];    /* one's own new PIN while its change is on its
	                                way (overlay_pin.c); wiped at the answer */
};

/* The one app (main.c owns it). */
extern struct app *app_main;

/* Messages on the message line. */
void app_say(struct app *a, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void app_dirty(struct app *a);
void app_go(struct app *a, enum pos_screen s);
/* Whether the logged-in role may use screen s. */
bool app_screen_allowed(const struct app *a, enum pos_screen s);
bool app_is_manager(const struct app *a);
/* What the status bar calls the connection, and whether we are offline. */
bool app_offline(const struct app *a);
/* The menu: the cache's, or NULL before the first snapshot. */
const struct menu *app_menu(const struct app *a);
void app_money(money_t m, char *buf, size_t size);
/* A ticket error on the message line, after what it is about (or alone). */
void app_say_ticket_err(struct app *a, enum ticket_err e, const char *what);

/* Queue a change in the session's outbox, marked pending until the server
 * answers (main.c hears the answer). Returns the entry id, or -1 (said on
 * screen: nothing was stored). */
int64_t app_push(struct app *a, const char *method, const char *path, const cJSON *body,
    const char *order_key, const char *kind, int64_t order_id, const char *what);
/* The same under the Idempotency-Key idem_key (NULL: a fresh one): a change
 * first sent at once that got no answer is queued under the key it went
 * with, so that the server never takes it twice. */
int64_t app_push_key(struct app *a, const char *method, const char *path, const cJSON *body,
    const char *order_key, const char *kind, int64_t order_id, const char *what,
    const char *idem_key);
/* A lifecycle action on an order (reason: a cancel's, else NULL), through
 * the outbox like any change, marked pending on screen. */
void app_order_action(struct app *a, int64_t id, int number, int version,
    enum order_action act, const char *reason);
/* Whether an order has one of our changes in flight. */
bool app_pending_for(const struct app *a, int64_t order_id);
/* The outbox's needs-attention entries, read again. */
void app_load_attention(struct app *a);

/* checkout.c: the ticket (or an online order) paid and sent. */
void checkout_submit(struct app *a);
/* Sales a previous run queued: watched again with their provisional
 * numbers (after session_start). */
void checkout_restore(struct app *a);
void checkout_entry_done(struct app *a, const struct outbox_entry *e);
void checkout_entry_refused(struct app *a, const struct session_refusal *r);
void checkout_tick(struct app *a);
/* A card read by a reader: on the tender screen it starts a card payment
 * (the card fills in brand and last 4, it approves nothing); in the card
 * overlay it fills in the fields. */
void checkout_card(struct app *a, const struct card_info *card);
void checkout_bad_swipe(struct app *a, const char *why);
void checkout_new_ticket(struct app *a);
/* A card payment of the ticket is over: approved, it is a tender with its
 * approval code; anything else leaves the ticket as it was. */
void checkout_card_done(struct app *a, const struct payterm_status *result, void *ctx);

/* cardpay.c: card payments and refunds through the payment terminal
 * (--payment-terminal; drivers/payterm.h). Each shows the card overlay
 * while it runs: present card, processing, the fields a driver asks the
 * cashier for (the external terminal's approval code and last 4), and
 * Esc asks the terminal to cancel. Nothing waits: the result comes to
 * done on the loop, later.
 *
 * Charge amount to a card for the ticket on the tender screen (swiped: a
 * card a reader saw, or NULL). The result goes to checkout_card_done.
 * 0 started; -1 not (said on the message line). */
int cardpay_sale(struct app *a, money_t amount, const struct card_info *swiped);
/* Refund amount to the card of an earlier card payment: original is the
 * order's payment (its card and approval code are handed to the
 * terminal), ref what the terminal may record (the order's number).
 * Returns 0 when the refund started: done(a, result, ctx) runs once it is
 * over, result->state PAYTERM_APPROVED with result->approval and
 * result->card when the terminal refunded it, any other final state when
 * it did not (result->message says why; nothing was refunded). -1 when it
 * could not start (another card operation runs, a bad amount, the
 * terminal refused): said on the message line, done never runs. The
 * caller records the refund (a PAYMENT_REFUND with the approval code) only
 * on PAYTERM_APPROVED. */
int cardpay_refund(struct app *a, money_t amount, const struct payment *original,
    const char *ref, cardpay_done_fn done, void *ctx);
/* How a result is said: "APPROVED", "DECLINED", "TIMED OUT", ... */
const char *cardpay_result_word(enum payterm_state s);
/* Whether a card operation runs. */
bool cardpay_busy(const struct app *a);
/* A swiped card while the overlay asks for the card's details. */
void cardpay_swiped(struct app *a, const struct card_info *card);
/* The overlay's keys: Enter hands the values typed to the driver, which
 * takes them or refuses one with a reason; Esc asks the terminal to
 * cancel (it says when it has; a driver may refuse once the card is
 * being processed). */
void cardpay_submit(struct app *a);
void cardpay_cancel(struct app *a);
/* Open the terminal of a->payterm_spec (main.c, at start): -1 and why. */
int cardpay_open(struct app *a, char *err, size_t errsize);
void cardpay_close(struct app *a);

#endif
