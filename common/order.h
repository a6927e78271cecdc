/* order: the order and menu models shared by the server, the screens and
 * the printers. Plain data with fixed limits; no I/O. */
#ifndef BRIGADE_ORDER_H
#define BRIGADE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "money.h"

/* Limits, in bytes of UTF-8 (excluding the NUL) unless said otherwise. They
 * are part of the API contract (docs/api.md). */
#define SKU_MAX 16
#define CODE_MAX 16           /* modifier code */
#define NAME_MAX_ 64          /* item, modifier and customer names */
#define KNAME_MAX 24          /* an item's short kitchen name */
#define BARCODE_MAX 32
#define CATEGORY_MAX 32
#define STATION_MAX 24
#define NOTE_MAX 140
#define TABLE_MAX 16
#define PHONE_MAX 32
#define ADDRESS_MAX 200
#define STAFF_MAX 16
#define TERMINAL_MAX 32
#define BRAND_MAX 16
#define REASON_MAX 140
#define DAY_MAX 10            /* YYYY-MM-DD */
#define PROVISIONAL_MAX 44    /* a till's own number for a sale: "till2-1" */
#define QTY_MAX 99            /* per line */
#define ITEMS_MAX 100         /* lines per order */
#define MODS_MAX 8            /* modifiers per line */
#define TENDERS_MAX 4         /* tenders one request may give */
#define PAYMENTS_MAX 16       /* the order's ledger: charges and refunds */
#define CORRECTIONS_MAX 200   /* voids, discounts, comps, refunds per order */
#define APPROVAL_MAX 24       /* a card terminal's approval code */
#define HISTORY_MAX 64        /* status changes remembered per order */
#define TAX_CLASSES_MAX 16    /* tax classes per menu */
#define TAX_RATE_MAX 10000    /* basis points: 100% */
#define ITEM_GROUPS_MAX 6     /* modifier groups per item */
#define GROUP_MODS_MAX 24     /* modifiers per group */
#define MENU_GROUPS_MAX 200
#define STATIONS_MAX 32
#define MENU_CATEGORIES_MAX 200
#define MENU_ITEMS_MAX 5000
#define PRICE_MAX 10000000    /* a menu price: 100,000.00 */

struct modifier {
	char code[CODE_MAX + 1];
	char name[NAME_MAX_ + 1];
	money_t price;
};

/* A discount on a line or on the whole order: a percentage (basis points,
 * 10000 = 100 %) or an amount, whichever is set. A comp is a 100 % one
 * with a comp's reason. */
struct discount {
	int percent_bp;              /* 1..10000, or 0 */
	money_t amount;              /* > 0, or 0 */
	bool comp;
	money_t value;               /* derived: what it takes off now, before tax */
};

struct order_item {
	char sku[SKU_MAX + 1];
	char name[NAME_MAX_ + 1];
	char kitchen_name[KNAME_MAX + 1]; /* "" when the menu gives none */
	int tax_bp;                  /* its tax class's rate when sold */
	char station[STATION_MAX + 1];
	int qty;
	money_t unit_price;          /* item price plus its modifiers */
	money_t line_total;          /* unit_price * qty */
	int nmods;
	struct modifier mods[MODS_MAX];
	char note[NOTE_MAX + 1];
	bool done;                   /* its station has bumped it */
	int voided;                  /* of qty: voided after it was rung up */
	int refunded;                /* of qty: taken back and refunded */
	struct discount disc;        /* its discount (none: both 0) */
	money_t net;                 /* derived: what it sells for now, before
	                                tax, after voids, refunds and discounts
	                                (the order's discount included) */
};

struct card_info {
	char brand[BRAND_MAX + 1];
	char last4[5];
};

/* One entry of an order's payment ledger: money taken (a charge) or
 * given back (a refund). */
enum payment_kind {
	PAYMENT_CHARGE,
	PAYMENT_REFUND,
};

struct payment {
	enum tender_type tender;
	money_t amount;              /* positive either way */
	struct card_info card;       /* CARD only: brand and last 4, never more */
	char approval[APPROVAL_MAX + 1]; /* CARD: the code the terminal approved
	                                it with; "" when none was obtained */
	enum payment_kind kind;
	int64_t at;                  /* when the server recorded it (0: not yet) */
	char by[STAFF_MAX + 1];      /* who took or gave it */
};

enum correction_kind {
	CORRECTION_VOID,             /* lines (or the order) taken off: not made,
	                                not served, not charged */
	CORRECTION_DISCOUNT,
	CORRECTION_COMP,
	CORRECTION_REFUND,           /* lines taken back and money given back,
	                                or money owed back given back */
	CORRECTION_KIND_COUNT
};

/* One correction, as the order's audit keeps it. Its effect on the
 * order's figures (net before tax, tax) is worked out when it is made:
 * the difference of the order's totals before and after, so that the sum
 * of an order's corrections always adds up to the cent. */
struct correction {
	enum correction_kind kind;
	int64_t at;
	char by[STAFF_MAX + 1];           /* who did it */
	char approved_by[STAFF_MAX + 1];  /* the manager who approved it, "" */
	char reason[REASON_MAX + 1];
	int line;                    /* the line, -1: the whole order */
	int qty;                     /* void, refund: of the line's quantity */
	struct discount disc;        /* discount, comp: what was set */
	money_t net;                 /* effect on the subtotal (negative: off) */
	money_t tax;                 /* effect on the tax */
	money_t refund;              /* refund: the money given back */
};

struct customer {
	char name[NAME_MAX_ + 1];
	char phone[PHONE_MAX + 1];
	char address[ADDRESS_MAX + 1];
};

/* One status change: the history shown on screens and in the audit. */
struct order_change {
	enum order_status status;
	int action;                  /* enum order_action, or -1 for creation */
	int64_t at;                  /* ms since the epoch, server clock */
	char by[STAFF_MAX + 1];
};

struct order {
	int64_t id;                  /* 0 until the server assigns one */
	int number;                  /* short daily number for screens */
	char business_day[DAY_MAX + 1];
	enum order_status status;
	int version;                 /* rises with every change */
	enum order_source source;
	enum service_type service;
	char table[TABLE_MAX + 1];   /* DINE_IN */
	struct customer customer;
	int64_t linked_to;           /* id of a related open order, 0 = none */
	int nitems;
	struct order_item *items;
	int npayments;
	struct payment payments[PAYMENTS_MAX]; /* the ledger, oldest first */
	struct discount disc;        /* on the whole order (none: both 0) */
	int ncorrections;
	struct correction *corrections; /* oldest first */
	money_t gross;               /* the lines as rung up, before tax: no
	                                void, refund or discount */
	money_t subtotal;            /* what is sold now, before tax */
	money_t tax;
	money_t total;               /* subtotal + tax */
	money_t paid;                /* sum of charges */
	money_t change;              /* cash handed back at the sale */
	money_t refunded;            /* sum of refunds */
	money_t balance;             /* total - (paid - change - refunded):
	                                above 0 still due, below 0 owed back */
	char staff[STAFF_MAX + 1];   /* who created it */
	char terminal[TERMINAL_MAX + 1];
	char cancel_reason[REASON_MAX + 1];
	int64_t created_at;          /* when it was sold (an offline sale: on the
	                                till, by the server's clock), else received */
	int64_t updated_at;
	int64_t received_at;         /* when the server received it, 0 = created_at */
	char provisional[PROVISIONAL_MAX + 1]; /* the till's number on paper before
	                                the server numbered it, "" for none */
	int64_t ticket_printed_at;   /* when the till printed its kitchen ticket
	                                offline, 0 = it did not */
	int nhistory;
	struct order_change history[HISTORY_MAX];
};

/* A tax class: its rate in basis points (825 = 8.25%). */
struct tax_class {
	char code[CODE_MAX + 1];
	char name[NAME_MAX_ + 1];
	int rate_bp;
};

/* A modifier group: choices offered together (extras, doneness, size),
 * at least min and at most max of them on one line. */
struct modifier_group {
	char code[CODE_MAX + 1];
	char name[NAME_MAX_ + 1];
	int min, max;
	bool required;               /* the till asks before the line is done */
	int nmods;
	struct modifier mods[GROUP_MODS_MAX];
	bool mod_available[GROUP_MODS_MAX];
};

struct menu_item {
	char sku[SKU_MAX + 1];       /* also the PLU typed at the till */
	char name[NAME_MAX_ + 1];
	char kitchen_name[KNAME_MAX + 1];
	char category[CATEGORY_MAX + 1];
	char station[STATION_MAX + 1];
	char tax_class[CODE_MAX + 1];
	char barcode[BARCODE_MAX + 1];
	money_t price;
	bool available;
	int ngroups;
	char groups[ITEM_GROUPS_MAX][CODE_MAX + 1];
};

/* The menu: items in screen order, categories in screen order. */
struct menu {
	int64_t version;             /* rises with every change */
	int tax_bp;                  /* the first tax class's rate (older clients) */
	char currency[4];            /* ISO 4217 code, "" when not said */
	int ntax;
	struct tax_class tax[TAX_CLASSES_MAX];
	int nstations;               /* the kitchen's stations ("" list: any) */
	char stations[STATIONS_MAX][STATION_MAX + 1];
	int ncategories;
	char (*categories)[CATEGORY_MAX + 1];
	int ngroups;
	struct modifier_group *groups;
	int nitems;
	struct menu_item *items;
};

/* What the kitchen calls a line: its kitchen name, or its name. */
const char *order_item_kitchen_name(const struct order_item *it);

void order_init(struct order *o);
void order_free(struct order *o);
void order_copy(struct order *dst, const struct order *src);
struct order_item *order_add_item(struct order *o);
/* Append a history entry (the oldest is dropped when full). */
void order_record(struct order *o, enum order_status s, int action,
    int64_t at, const char *by);
/* When the order last entered status s, 0 if never. */
int64_t order_status_at(const struct order *o, enum order_status s);

void menu_init(struct menu *m);
void menu_free(struct menu *m);
void menu_copy(struct menu *dst, const struct menu *src);
struct menu_item *menu_find(const struct menu *m, const char *sku);
struct modifier_group *menu_find_group(const struct menu *m, const char *code);
const struct tax_class *menu_find_tax(const struct menu *m, const char *code);
/* The tax rate of an item (its class's; the first class's when it names
 * none or one that is gone). */
int menu_item_tax_bp(const struct menu *m, const struct menu_item *it);
/* The item's modifiers, through its groups in order: how many, and the
 * i-th (NULL past the end) with its group and whether it is offered now. */
int menu_item_nmods(const struct menu *m, const struct menu_item *it);
const struct modifier *menu_item_mod(const struct menu *m,
    const struct menu_item *it, int i, const struct modifier_group **group,
    bool *available);
/* The item's modifier with this code, or NULL. */
const struct modifier *menu_item_modifier(const struct menu *m,
    const struct menu_item *it, const char *code,
    const struct modifier_group **group, bool *available);
int menu_add_category(struct menu *m, const char *name);
/* Add a station to the menu's list unless it is there (or the list is
 * full: -1). */
int menu_add_station(struct menu *m, const char *name);
int menu_category_index(const struct menu *m, const char *name);
struct menu_item *menu_add_item(struct menu *m);
struct modifier_group *menu_add_group(struct menu *m);
/* Offer mods (n of them) on it: through a group holding exactly these
 * (shared by the items that offer the same list), made when there is
 * none, coded after the item's sku and named "<item> options". */
void menu_item_offer(struct menu *m, struct menu_item *it,
    const struct modifier *mods, int n);

/* Tax on lines sold at different rates: the amounts are summed per rate,
 * and each sum taxed and rounded once. */
struct tax_tally {
	int n;
	int rate_bp[ITEMS_MAX];
	money_t base[ITEMS_MAX];
};
void tax_tally_init(struct tax_tally *t);
void tax_tally_add(struct tax_tally *t, int rate_bp, money_t amount);
money_t tax_tally_total(const struct tax_tally *t);

/* An order's tax: its lines tallied at the rates they were sold at. */
money_t order_tax(const struct order *o);

/* How many of a line are still sold: qty less what was voided or refunded. */
int order_item_left(const struct order_item *it);
/* Whether a discount is set, and what it takes off base (a percentage
 * rounded half up to the cent; an amount never more than base). */
bool discount_set(const struct discount *d);
money_t discount_value(const struct discount *d, money_t base);
/* Work out the derived figures from the lines, the discounts and the
 * ledger: gross, each line's net and discount, the order's discount
 * shared over its lines, subtotal, tax (per rate, rounded once per rate),
 * total, paid, refunded and balance. change is kept as recorded. An order
 * with no correction gets the figures it always had. */
void order_totals(struct order *o);
/* Append a correction (zeroed, line -1) to the order's audit. */
struct correction *order_add_correction(struct order *o);

#endif
