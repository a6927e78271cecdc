/* money: amounts as int64 minor units (cents), formatting, parsing, tax. */
#include "money.h"

#include <ctype.h>
#include <stdio.h>

int
money_format(money_t m, char *buf, size_t size)
{
	uint64_t a = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;

	return snprintf(buf, size, "%s%llu.%02llu", m < 0 ? "-" : "",
	    (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

int
money_parse(const char *s, money_t *out)
{
	money_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	if (s == NULL)
		return -1;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		whole = whole * 10 + (*s - '0');
		if (whole > MONEY_MAX / 100)
			return -1;
	}
	if (digits == 0)
		return -1;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, fdigits++) {
			if (fdigits == 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (fdigits == 0)
			return -1;
		if (fdigits == 1)
			frac *= 10;
	}
	if (*s != '\0')
		return -1;
	*out = whole * 100 + frac;
	return 0;
}

money_t
money_tax(money_t amount, int rate_bp)
{
	/* amount <= MONEY_MAX and rate_bp <= 10000 keeps this in range. */
	int64_t scaled = amount * rate_bp;

	if (scaled >= 0)
		return (scaled + 5000) / 10000;
	return -((-scaled + 5000) / 10000);
}

int
money_add(money_t a, money_t b, money_t *out)
{
	money_t r = a + b;   /* both within +-MONEY_MAX: cannot overflow int64 */

	if (r > MONEY_MAX || r < -MONEY_MAX)
		return -1;
	*out = r;
	return 0;
}

int
money_mul(money_t a, int64_t n, money_t *out)
{
	if (a > MONEY_MAX || a < -MONEY_MAX || n > MONEY_MAX || n < -MONEY_MAX)
		return -1;
	money_t r = a * n;   /* |a|,|n| <= 1e9: |r| <= 1e18 < INT64_MAX */
	if (r > MONEY_MAX || r < -MONEY_MAX)
		return -1;
	*out = r;
	return 0;
}
