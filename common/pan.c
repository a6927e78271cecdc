/* pan: spotting card numbers in free text. */
#include "pan.h"

#include <string.h>

#define RUN_DIGITS_MAX 256       /* a longer run is judged in pieces */
#define RUN_GROUPS_MAX 128

bool
pan_luhn_ok(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';

		if (v < 0 || v > 9)
			return false;
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return n > 0 && sum % 10 == 0;
}

/* A run of digit groups: does any stretch of consecutive groups with
 * min_digits to PAN_DIGITS_MAX digits pass Luhn? */
static bool
run_has_pan(const char *digits, const int *glen, int ngroups, int min_digits)
{
	int start = 0;

	for (int i = 0; i < ngroups; start += glen[i], i++) {
		int n = 0;

		for (int k = i; k < ngroups; k++) {
			n += glen[k];
			if (n > PAN_DIGITS_MAX)
				break;
			if (n >= min_digits && pan_luhn_ok(digits + start, (size_t)n))
				return true;
		}
	}
	return false;
}

bool
pan_in_text(const char *text, int min_digits)
{
	char digits[RUN_DIGITS_MAX];
	int glen[RUN_GROUPS_MAX];
	int nd = 0, ng = 0;
	const char *p = text;

	for (;;) {
		char c = *p;

		if (c >= '0' && c <= '9' && nd < RUN_DIGITS_MAX) {
			if (ng == 0 || (p > text && (p[-1] < '0' || p[-1] > '9')))
				glen[ng++] = 0;
			digits[nd++] = c;
			glen[ng - 1]++;
			p++;
			/* a single space or dash between digits keeps the run */
			if ((*p == ' ' || *p == '-') && p[1] >= '0' && p[1] <= '9' &&
			    ng < RUN_GROUPS_MAX)
				p++;
			continue;
		}
		if (ng > 0 && run_has_pan(digits, glen, ng, min_digits))
			return true;
		nd = ng = 0;
		if (c == '\0')
			return false;
		if (!(c >= '0' && c <= '9'))
			p++;
	}
}
