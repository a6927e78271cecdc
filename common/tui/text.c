/* text: terminal column widths of UTF-8 text, cutting and padding. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"

/* Columns of one code point: 0 for combining marks, 2 for wide ones, 1
 * for anything wcwidth cannot tell (controls never reach the screen: the
 * codec refuses them). */
static int
cp_width(int32_t cp)
{
	int w;

	if (cp < 0)
		return 1;
	if (cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
text_width_n(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int w = 0;

	while (p < end) {
		if ((unsigned char)*p < 0x80) {
			w++;
			p++;
			continue;
		}
		w += cp_width(utf8_decode(&p, end));
	}
	return w;
}

int
text_width(const char *s)
{
	return text_width_n(s, strlen(s));
}

size_t
text_fit(const char *s, int cols)
{
	const char *p = s, *end = s + strlen(s);
	int w = 0;

	while (p < end) {
		const char *q = p;
		int cw;

		if ((unsigned char)*q < 0x80) {
			cw = 1;
			q++;
		} else {
			cw = cp_width(utf8_decode(&q, end));
		}
		if (w + cw > cols)
			break;
		w += cw;
		p = q;
	}
	return (size_t)(p - s);
}

int
text_fit_ellipsis(const char *s, int cols, char *out, size_t size)
{
	size_t n;

	if (size == 0)
		return 0;
	if (cols <= 0) {
		out[0] = '\0';
		return 0;
	}
	if (text_width(s) <= cols) {
		n = strlen(s);
		if (n >= size)
			n = utf8_truncate(s, size - 1);
		memcpy(out, s, n);
		out[n] = '\0';
		return text_width(out);
	}
	n = text_fit(s, cols - 1);
	if (n + 2 > size)
		n = utf8_truncate(s, size - 2);
	memcpy(out, s, n);
	out[n] = '~';
	out[n + 1] = '\0';
	return text_width(out);
}

void
text_pad(const char *s, int cols, bool right, char *out, size_t size)
{
	char cut[512];
	int w = text_fit_ellipsis(s, cols, cut, sizeof cut);
	int pad = cols - w;

	if (pad < 0)
		pad = 0;
	if (right)
		snprintf(out, size, "%*s%s", pad, "", cut);
	else
		snprintf(out, size, "%s%*s", cut, pad, "");
}

int
text_seg_add(struct text_seg *segs, int *n, int max, enum theme_role role,
    const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return -1;
	va_start(ap, fmt);
	vsnprintf(segs[*n].text, sizeof segs[*n].text, fmt, ap);
	va_end(ap);
	segs[*n].role = role;
	return (*n)++;
}

int
text_segs_width(const struct text_seg *segs, int n, int gap)
{
	int w = 0;

	for (int i = 0; i < n; i++)
		w += text_width(segs[i].text) + (i > 0 ? gap : 0);
	return w;
}
