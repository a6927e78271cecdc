/* text: terminal column widths of UTF-8 text, cutting and padding. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"

static bool ascii_mode;          /* the locale is not UTF-8 */

/* Latin-1 letters and Latin Extended-A (U+0100-U+017F) by their base
 * letter; '*' marks the ones spelt with two letters (in ascii_two). */
static const char latin1_letters[] =
    "AAAAAA*CEEEEIIII*NOOOOO**UUUUY**aaaaaa*ceeeeiiii*nooooo**uuuuy*y";
static const char latin_ext_a[] =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi**JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo"
    "**RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/* Everything else worth spelling out; the rest shows as "?". */
static const struct {
	int32_t cp;
	const char *ascii;
} ascii_two[] = {
	{ 0xa0, " " }, { 0xa1, "!" }, { 0xa2, "c" }, { 0xa3, "GBP" }, { 0xa5, "JPY" },
	{ 0xa7, "S" }, { 0xa9, "(c)" }, { 0xaa, "a" }, { 0xab, "<<" }, { 0xad, "-" },
	{ 0xae, "(R)" }, { 0xb0, "o" }, { 0xb1, "+-" }, { 0xb2, "2" }, { 0xb3, "3" },
	{ 0xb5, "u" }, { 0xb7, "." }, { 0xb9, "1" }, { 0xba, "o" }, { 0xbb, ">>" },
	{ 0xbc, "1/4" }, { 0xbd, "1/2" }, { 0xbe, "3/4" }, { 0xbf, "?" },
	{ 0xc6, "AE" }, { 0xd0, "D" }, { 0xd7, "x" }, { 0xd8, "O" }, { 0xde, "TH" },
	{ 0xdf, "ss" }, { 0xe6, "ae" }, { 0xf0, "d" }, { 0xf7, "/" }, { 0xf8, "o" },
	{ 0xfe, "th" }, { 0x132, "IJ" }, { 0x133, "ij" }, { 0x152, "OE" }, { 0x153, "oe" },
	{ 0x1e9e, "SS" }, { 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "-" }, { 0x2018, "'" }, { 0x2019, "'" }, { 0x201a, "," }, { 0x201c, "\"" },
	{ 0x201d, "\"" }, { 0x201e, "\"" }, { 0x2022, "*" }, { 0x2026, "..." },
	{ 0x2039, "<" }, { 0x203a, ">" }, { 0x20ac, "EUR" }, { 0x2122, "TM" },
};

void
text_set_ascii(bool on)
{
	ascii_mode = on;
}

bool
text_ascii(void)
{
	return ascii_mode;
}

/* The plain ASCII a code point shows as when the terminal has no UTF-8:
 * letters lose their accents, a few signs are spelt out, combining marks
 * vanish (the letter before them stays), anything else is "?". one is
 * room for a single character. */
static const char *
ascii_of(int32_t cp, char one[2])
{
	char c = 0;

	if (cp >= 0x20 && cp < 0x7f) {
		c = (char)cp;
	} else if (cp >= 0x300 && cp < 0x370) {
		return "";
	} else if (cp >= 0xc0 && cp < 0x100 && latin1_letters[cp - 0xc0] != '*') {
		c = latin1_letters[cp - 0xc0];
	} else if (cp >= 0x100 && cp < 0x180 && latin_ext_a[cp - 0x100] != '*') {
		c = latin_ext_a[cp - 0x100];
	} else {
		for (size_t i = 0; i < sizeof ascii_two / sizeof ascii_two[0]; i++) {
			if (ascii_two[i].cp == cp)
				return ascii_two[i].ascii;
		}
		c = '?';
	}
	one[0] = c;
	one[1] = '\0';
	return one;
}

/* Columns of one code point: 0 for combining marks, 2 for wide ones, 1
 * for anything wcwidth cannot tell (controls never reach the screen: the
 * codec refuses them); in ASCII mode, the length of its spelling. */
static int
cp_width(int32_t cp)
{
	int w;

	if (cp < 0)
		return 1;
	if (cp < 0x7f)
		return 1;
	if (ascii_mode) {
		char one[2];

		return (int)strlen(ascii_of(cp, one));
	}
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

size_t
text_to_ascii(const char *s, size_t len, char *out, size_t size)
{
	const char *p = s, *end = s + len;
	size_t n = 0;

	if (size == 0)
		return 0;
	while (p < end) {
		char one[2];
		const char *a;

		if ((unsigned char)*p < 0x80) {
			one[0] = *p >= 0x20 && *p < 0x7f ? *p : '?';
			one[1] = '\0';
			a = one;
			p++;
		} else {
			a = ascii_of(utf8_decode(&p, end), one);
		}
		size_t al = strlen(a);
		if (n + al >= size)
			break;
		memcpy(out + n, a, al);
		n += al;
	}
	out[n] = '\0';
	return n;
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

/* Columns label l takes now (its form, or the width it is cut to). */
static int
label_width(const struct text_label *l, const int *cut)
{
	if (l->shown < 0)
		return 0;
	return *cut >= 0 ? *cut : text_width(l->form[l->shown]);
}

/* The label to change at a step (0: cut names to cut_soft, 1: shorten
 * words, 2: cut names to cut_min, 3: leave out): the highest rank (the
 * later one on a tie) that can; -1 when none can. */
static int
label_pick(const struct text_label *labels, int n, const int *cut, int step)
{
	int pick = -1;

	for (int i = 0; i < n; i++) {
		const struct text_label *l = &labels[i];
		int w = label_width(l, &cut[i]);
		bool can;

		if (l->shown < 0)
			continue;
		if (step == 0)
			can = l->cut_min > 0 && l->cut_soft > 0 && w > l->cut_soft && w > l->cut_min;
		else if (step == 1)
			can = l->shown + 1 < TEXT_LABEL_FORMS && l->form[l->shown + 1] != NULL;
		else if (step == 2)
			can = l->cut_min > 0 && w > l->cut_min;
		else
			can = true;
		if (can && (pick < 0 || l->rank >= labels[pick].rank))
			pick = i;
	}
	return pick;
}

int
text_fit_labels(struct text_label *labels, int n, int cols)
{
	int cut[64], total = 0, left = 0, right = cols;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++) {
		labels[i].shown = labels[i].form[0] != NULL ? 0 : -1;
		cut[i] = -1;
		total += label_width(&labels[i], &cut[i]);
	}
	/* a long name gives way first, then words shorten, then names are
	 * cut to the bone, then labels go */
	for (int step = 0; step < 4 && total > cols; ) {
		int i = label_pick(labels, n, cut, step);

		if (i < 0) {
			step++;
			continue;
		}
		int before = label_width(&labels[i], &cut[i]);

		total -= before;
		if (step == 1) {
			labels[i].shown++;
			cut[i] = -1;
		} else if (step == 0 || step == 2) {
			int floor = step == 0 && labels[i].cut_soft > labels[i].cut_min ?
			    labels[i].cut_soft : labels[i].cut_min;
			int w = before - (total + before - cols);

			cut[i] = w > floor ? w : floor;
		} else {
			labels[i].shown = -1;
		}
		total += label_width(&labels[i], &cut[i]);
	}
	for (int i = 0; i < n; i++) {
		struct text_label *l = &labels[i];
		int w = label_width(l, &cut[i]);

		l->text[0] = '\0';
		if (l->shown < 0)
			continue;
		if (cut[i] >= 0)
			text_fit_ellipsis(l->form[l->shown], cut[i], l->text, sizeof l->text);
		else
			snprintf(l->text, sizeof l->text, "%s", l->form[l->shown]);
		if (!l->right) {
			l->x = left;
			left += w;
		}
	}
	for (int i = n - 1; i >= 0; i--) {
		struct text_label *l = &labels[i];

		if (l->shown >= 0 && l->right) {
			right -= label_width(l, &cut[i]);
			l->x = right;
		}
	}
	return total;
}
