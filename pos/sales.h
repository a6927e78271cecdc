/* sales: the orders this till has taken, from the moment they are queued in
 * the outbox until the server has numbered them (or refused them). Each
 * gets a provisional number with the terminal's prefix ("till1-7") when it
 * is rung up, printed on the receipt and kitchen ticket when the server
 * cannot be asked; the server's number replaces it on screen when the
 * outbox entry is done. A pure model: the caller feeds it outbox results. */
#ifndef BRIGADE_POS_SALES_H
#define BRIGADE_POS_SALES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"

#define SALES_MAX 64                 /* recent sales kept on screen */
#define SALE_LABEL_MAX (TERMINAL_MAX + 12)
#define SALE_KIND_PREFIX "sale:"     /* outbox kind: "sale:till1-7" */

enum sale_state {
	SALE_QUEUED,                 /* in the outbox, not yet taken */
	SALE_DONE,                   /* the server took it: number known */
	SALE_REFUSED,                /* 4xx: waits in needs-attention */
	SALE_DISMISSED,              /* a manager gave it up */
	SALE_STATE_COUNT
};

const char *sale_state_name(enum sale_state s);

struct sale {
	int64_t entry;               /* outbox entry id */
	char label[SALE_LABEL_MAX + 1]; /* provisional number "till1-7" */
	int seq;                     /* the 7 of it */
	enum sale_state state;
	int64_t order_id;            /* server's, 0 until known */
	int number;                  /* server's short number, 0 until known */
	money_t total, change;       /* as rung up */
	int64_t at;                  /* ms, local clock */
	bool printed;                /* receipt queued for the printer */
	bool offline;                /* printed with the provisional number */
	char error[200];             /* the refusal, for people */
};

struct sales {
	struct sale rows[SALES_MAX]; /* oldest first */
	int n;
};

void sales_init(struct sales *s);

/* "till1-7"; the prefix is cut so the label fits. */
void sales_label(const char *prefix, int seq, char *out, size_t size);
/* The outbox kind for a sale and back ("sale:till1-7" <-> "till1-7");
 * sales_kind_label returns NULL for a kind that is not a sale. */
void sales_kind(const char *label, char *out, size_t size);
const char *sales_kind_label(const char *kind);
/* The seq of a label made by sales_label, 0 if none. */
int sales_label_seq(const char *label);

/* Record a queued sale (the oldest falls off when full). */
struct sale *sales_add(struct sales *s, int64_t entry, const char *label,
    int seq, money_t total, money_t change, int64_t now_ms);
struct sale *sales_by_entry(struct sales *s, int64_t entry);
/* The outbox said done: the server's order id and number. */
void sales_done(struct sale *x, int64_t order_id, int number);
void sales_refused(struct sale *x, const char *why);
/* Sales still waiting for the server. */
int sales_queued(const struct sales *s);
/* The last sale, NULL when none. */
struct sale *sales_last(struct sales *s);
/* "#12" when numbered, else "till1-7 (queued)". */
void sales_display(const struct sale *x, char *out, size_t size);

#endif
