/* utf8: validation and measuring of UTF-8 text from the wire and the user. */
#include "utf8.h"

#include <string.h>

int32_t
utf8_decode(const char **sp, const char *end)
{
	const unsigned char *s = (const unsigned char *)*sp;
	const unsigned char *e = (const unsigned char *)end;
	int32_t cp;
	int n;

	if (s >= e)
		return -1;
	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		*sp += 1;
		return -1;
	}
	if (e - s < n + 1) {
		*sp += 1;
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp += 1;
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlongs, surrogates, out of range */
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
		*sp += 1;
		return -1;
	}
	*sp += n + 1;
	return cp;
}

bool
utf8_valid(const char *s, size_t len, bool no_controls)
{
	const char *end = s + len;

	while (s < end) {
		int32_t cp = utf8_decode(&s, end);

		if (cp < 0)
			return false;
		if (no_controls && ((cp < 0x20 && cp != '\t' && cp != '\n') ||
		    (cp >= 0x7f && cp < 0xa0)))
			return false;
	}
	return true;
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

size_t
utf8_truncate(const char *s, size_t max_bytes)
{
	size_t len = strlen(s);

	if (len <= max_bytes)
		return len;
	len = max_bytes;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}
