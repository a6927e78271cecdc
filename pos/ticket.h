/* ticket: the order being rung up at the till. A pure model: lines taken
 * from the menu, quantities, modifiers, notes, the service details, running
 * totals from menu prices and the menu's tax rate, and the tenders that pay
 * it. No I/O and no curses; the screens call it and draw what it holds. */
#ifndef BRIGADE_POS_TICKET_H
#define BRIGADE_POS_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"

enum ticket_err {
	TICKET_OK,
	TICKET_EMPTY_ENTRY,          /* nothing typed */
	TICKET_BAD_ENTRY,            /* not "SKU", "N*SKU" or "N*" */
	TICKET_UNKNOWN_ITEM,         /* no such sku on the menu */
	TICKET_UNAVAILABLE,          /* the item is 86'd */
	TICKET_FULL,                 /* ITEMS_MAX lines already */
	TICKET_BAD_QTY,              /* outside 1..QTY_MAX */
	TICKET_NO_LINE,              /* no line is selected */
	TICKET_UNKNOWN_MODIFIER,     /* the item does not offer it */
	TICKET_TOO_MANY_MODS,
	TICKET_GROUP_FULL,           /* the modifier's group has its max */
	TICKET_TOO_LONG,             /* a note, table, name... over its limit */
	TICKET_BAD_AMOUNT,           /* zero, negative or beyond MONEY_MAX */
	TICKET_NOTHING_DUE,          /* already paid in full */
	TICKET_CARD_OVER,            /* a card for more than is due */
	TICKET_CARD_CHARGED,         /* an approved card payment cannot just go */
	TICKET_TOO_MANY_TENDERS,     /* TENDERS_MAX tenders already */
	TICKET_NO_ITEMS,             /* the ticket is empty */
	TICKET_NEEDS_TABLE,          /* dine-in without a table */
	TICKET_NEEDS_ADDRESS,        /* delivery without phone and address */
	TICKET_TOO_LARGE,            /* totals beyond MONEY_MAX */
	TICKET_BAD_DISCOUNT,         /* not 1-100 %, or more than it is taken off */
	TICKET_PAID_BEFORE,          /* a payment carried from a refused sale */
	TICKET_ERR_COUNT
};

/* A sentence for the person at the till. */
const char *ticket_err_message(enum ticket_err e);

struct ticket_line {
	char sku[SKU_MAX + 1];
	char name[NAME_MAX_ + 1];
	char station[STATION_MAX + 1];
	char kitchen_name[KNAME_MAX + 1];
	money_t price;               /* the item's menu price, without modifiers */
	int tax_bp;                  /* its tax class's rate */
	int qty;
	int nmods;
	struct modifier mods[MODS_MAX];
	char note[NOTE_MAX + 1];
	struct discount disc;        /* its discount or comp (none: both 0) */
	char disc_reason[REASON_MAX + 1];
};

struct ticket {
	enum order_source source;    /* SOURCE_POS (walk-in) or SOURCE_PHONE */
	enum service_type service;
	char table[TABLE_MAX + 1];   /* DINE_IN */
	struct customer customer;    /* PICKUP name; DELIVERY phone and address */
	int64_t linked_to;           /* id of an open order of the same service */
	int linked_number;           /* its short number, for the screen */
	int tax_bp;                  /* from the menu */
	int nlines;
	int sel;                     /* selected line, -1 when none */
	struct ticket_line lines[ITEMS_MAX];
	int npayments;
	struct payment payments[PAYMENTS_MAX];
	int ncarried;                /* the first ncarried payments were taken
	                                at a refused sale rung again: sent as
	                                they were, never charged or taken off */
	money_t given_back;          /* cash change handed over at that sale */
	struct discount disc;        /* on the whole ticket (none: both 0) */
	char disc_reason[REASON_MAX + 1];
};

/* What the ticket adds up to, from menu prices (the server's pricing is
 * authoritative once the order is sent). */
struct ticket_totals {
	money_t subtotal, tax, total;  /* after the discounts */
	money_t discount;            /* what the discounts take off, before tax */
	money_t order_discount;      /* of it, the whole ticket's */
	money_t paid;                /* every tender */
	money_t cash, card;
	money_t carried;             /* of paid, taken at a refused sale */
	money_t due;                 /* total - (paid - given_back), never below 0 */
	money_t change;              /* cash to hand over now: what is paid
	                                beyond the total, as far as cash covers it
	                                (less the change given at the refused sale) */
	money_t owed;                /* paid beyond the total on a card: no change
	                                can give it back (a card refund does) */
};

/* An empty walk-in ticket for service (the till's default). */
void ticket_init(struct ticket *t, enum service_type service, int tax_bp);
/* Start over, keeping the till's default service and the tax rate. */
void ticket_clear(struct ticket *t, enum service_type service);

/* The sku of menu item matching text, ignoring case; NULL when none. */
const struct menu_item *ticket_find_item(const struct menu *m, const char *sku);

/* Split an entry "3*B1" into qty 3 and sku "B1"; "B1" is qty 0 (not given)
 * and "3*" is qty 3 with an empty sku. */
enum ticket_err ticket_parse_entry(const char *text, int *qty, char *sku,
    size_t skusize);

/* Add qty (1 when 0) of menu item sku; a repeat of the line just added
 * (same item, no modifiers or note) raises its quantity instead. The new
 * or raised line becomes the selected one. */
enum ticket_err ticket_add(struct ticket *t, const struct menu *m,
    const char *sku, int qty);
/* What the PLU field does on Enter: "B1" and "3*B1" add, "3*" sets the
 * selected line's quantity. */
enum ticket_err ticket_enter(struct ticket *t, const struct menu *m,
    const char *text);

void ticket_select(struct ticket *t, int delta);
enum ticket_err ticket_set_qty(struct ticket *t, int qty);
enum ticket_err ticket_bump_qty(struct ticket *t, int delta);
enum ticket_err ticket_delete(struct ticket *t);
/* Add the modifier if the selected line lacks it, else take it off. */
/* The first line that lacks a choice its item requires (fewer of a
 * group's modifiers than its min): returns the line's index and sets *g,
 * or -1 when every line has its choices. */
int ticket_missing_choice(const struct ticket *t, const struct menu *m,
    const struct modifier_group **g);
/* Whether the item at line i has a group that asks (required, or a min). */
bool ticket_line_asks(const struct ticket *t, const struct menu *m, int i);
/* Add an order's lines as it was sold (names, prices, rates, modifiers,
 * notes): the inverse of ticket_to_order's lines. Returns how many. */
int ticket_take_lines(struct ticket *t, const struct order *o);
/* What ticket_ring_again could not carry over. */
struct ticket_again {
	int dropped;                 /* lines whose item is gone or 86'd */
	int lost;                    /* discounts that no longer fit what they
	                                were taken off (or went with a line) */
};
/* A sale's request (order_request_from_json: o) rung again from menu m
 * onto t, which is started afresh: its service, table, customer, each
 * line still on the menu with its modifiers, note and discount or comp,
 * and the order's discount, each with its reason. Lines are kept as they
 * were (never merged), prices are the menu's now. What is left off is
 * counted in *out. The approval the sale carried is not: it was for that
 * sale alone. */
void ticket_ring_again(struct ticket *t, const struct menu *m, const struct order *o,
    struct ticket_again *out);
/* What a sale's request o came to at menu m's prices, 86'd items priced
 * too (the change a refused sale gave, when the till no longer has its
 * figures); -1 when an item or a discount no longer fits the menu. */
money_t ticket_request_total(const struct menu *m, const struct order *o);
/* Carry the refused sale's payments (o's, as its request sent them) onto
 * t as already taken, with the cash change given_back handed over then:
 * they pay the ticket first, go with the new sale exactly as they were,
 * and cannot be taken off. */
void ticket_carry_payments(struct ticket *t, const struct order *o, money_t given_back);
/* Bring the lines' names, prices and tax rates to menu m (after a menu
 * change while the ticket is open). Returns how many lines changed. */
int ticket_reprice(struct ticket *t, const struct menu *m);
enum ticket_err ticket_toggle_mod(struct ticket *t, const struct menu *m,
    const char *code);
bool ticket_has_mod(const struct ticket_line *l, const char *code);
enum ticket_err ticket_set_note(struct ticket *t, const char *note);

/* Service details. */
void ticket_cycle_service(struct ticket *t);
void ticket_toggle_source(struct ticket *t);
enum ticket_err ticket_set_table(struct ticket *t, const char *table);
enum ticket_err ticket_set_customer(struct ticket *t, const char *name,
    const char *phone, const char *address);
void ticket_link(struct ticket *t, int64_t id, int number);

/* Running totals; -1 when they leave MONEY_MAX (TICKET_TOO_LARGE). */
int ticket_totals(const struct ticket *t, struct ticket_totals *out);
money_t ticket_line_total(const struct ticket_line *l);

/* Discounts, sent with the sale (the server checks them against the
 * person's limit and the store's reasons): d on line (-1: the whole
 * ticket) for reason; d with neither a percent nor an amount nor comp
 * takes the discount off. The same rules as a correction: a percentage
 * 1-100 % (basis points), an amount no more than what it is taken off
 * (ticket_discount_base). The totals and the tenders follow. */
enum ticket_err ticket_set_discount(struct ticket *t, int line, const struct discount *d,
    const char *reason);
/* What a discount on line (-1: the whole ticket, after the lines' own
 * discounts) is taken off, before tax. */
money_t ticket_discount_base(const struct ticket *t, int line);
/* What line's own discount takes off now. */
money_t ticket_line_discount(const struct ticket_line *l);

/* Tenders. Cash may exceed what is due (change); a card may not. A card
 * payment carries the approval code its terminal gave. */
enum ticket_err ticket_pay_cash(struct ticket *t, money_t amount);
enum ticket_err ticket_pay_card(struct ticket *t, money_t amount,
    const struct card_info *card, const char *approval);
/* Whether a card could pay amount now (what ticket_pay_card would say),
 * asked before the terminal charges anything. */
enum ticket_err ticket_card_check(const struct ticket *t, money_t amount);
/* Whether a tender is a card payment a terminal approved at this till
 * for this ticket: money taken that only a refund gives back (a card
 * carried from a refused sale stays with that sale in needs attention). */
bool ticket_card_charged(const struct ticket *t);
/* Take the last tender back off (not an approved card payment:
 * TICKET_CARD_CHARGED; not one carried from a refused sale:
 * TICKET_PAID_BEFORE). */
enum ticket_err ticket_unpay(struct ticket *t);
bool ticket_paid(const struct ticket *t);
/* Cash amounts a customer is likely to hand over for due: the next whole
 * unit, then the next 5, 10, 20, 50 and 100, each above due and distinct,
 * at most max of them; returns the count. */
int ticket_cash_suggestions(money_t due, money_t *out, int max);

/* Whether the ticket can go to tender: items, and the service's details. */
enum ticket_err ticket_check(const struct ticket *t);

/* The order the ticket describes, priced from the menu, for the request
 * (order_request_to_json) and for printing before the server answers. */
void ticket_to_order(const struct ticket *t, struct order *o);

#endif
