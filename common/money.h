/* money: amounts as int64 minor units (cents), formatting, parsing, tax. */
#ifndef BRIGADE_MONEY_H
#define BRIGADE_MONEY_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t money_t;

/* Largest amount we accept anywhere: 10 million in major units. */
#define MONEY_MAX ((money_t)1000000000)

/* "12.50" (minus sign for negatives); returns the length written. */
int money_format(money_t m, char *buf, size_t size);

/* Parse "12", "12.5", "12.50" into minor units; -1 on anything else
 * (signs, more than two decimals, overflow past MONEY_MAX). */
int money_parse(const char *s, money_t *out);

/* Tax on amount at rate_bp basis points (825 = 8.25%), rounded half up. */
money_t money_tax(money_t amount, int rate_bp);

/* Checked arithmetic for totals: -1 when the result leaves [-MONEY_MAX,
 * MONEY_MAX]. */
int money_add(money_t a, money_t b, money_t *out);
int money_mul(money_t a, int64_t n, money_t *out);

#endif
