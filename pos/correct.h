/* correct: what the till works out for a correction before it sends one
 * (voids, discounts, comps, refunds: docs/api.md, "Corrections"), as pure
 * functions on the order model, by the server's own rules, so that the
 * till asks for a manager's approval when the server would want one and
 * shows the money a refund gives back before it is given. The server
 * checks everything again. No I/O and no curses. */
#ifndef BRIGADE_POS_CORRECT_H
#define BRIGADE_POS_CORRECT_H

#include <stdbool.h>
#include <stdint.h>

#include "order.h"
#include "storeinfo.h"

/* What a discount is taken off (o's figures worked out): the line's
 * quantity left at its price, or for the order (line -1) what its lines
 * sell for after their own discounts. 0 for a line that is not there. */
money_t correct_discount_base(const struct order *o, int line);
/* The share of base a discount takes, in basis points, rounded up; a comp
 * is 10000. */
int correct_discount_bp(const struct discount *d, money_t base);

/* Whether someone of role may make this correction on their own: a void
 * or a refund a MANAGER or an ADMIN; a discount (d, taken off base) within
 * the store's limit for the role; a comp when the role may give 100 %.
 * si NULL (the store not known yet): the default limits. */
bool correct_may_alone(enum staff_role role, const struct store_info *si,
    enum correction_kind kind, const struct discount *d, money_t base);

/* What of tender p's (and, for a card, of that card's, by last 4) money
 * on o was charged and not yet given back. */
money_t correct_tender_left(const struct order *o, const struct payment *p);
/* The tenders that paid o and have money left to give back, each once
 * (cash; each card by its last 4), oldest first: up to max into out
 * (tender, and for a card its brand and last 4). Returns how many. */
int correct_tenders(const struct order *o, struct payment *out, int max);
/* What is owed back on o once qty of line (-1 or qty 0: none) are taken
 * back: -balance after, never below 0. */
money_t correct_refund_owed(const struct order *o, int line, int qty);
/* What a refund of qty of line (0: money only) gives back to tender p:
 * what is then owed back, no more than p has left. 0: nothing to give. */
money_t correct_refund_amount(const struct order *o, int line, int qty,
    const struct payment *p);
/* The refund made on o, as the server would record it: qty of line taken
 * back, p (with its amount) in the ledger as a refund at `at` by `by`, one
 * correction with the reason and the money. For the receipt of a refund
 * made while the server is away. */
void correct_apply_refund(struct order *o, int line, int qty, const struct payment *p,
    const char *reason, const char *by, int64_t at);

/* "owed back 9.13", "still due 1.00" or "settled" for o's balance. */
void correct_balance_text(const struct order *o, char *buf, size_t size);

#endif
