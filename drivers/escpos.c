/* escpos: the ESC/POS encoder. */
#include "escpos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* Rows per GS v 0 band: small enough for the input buffer of cheap
 * printers, which drop or garble one huge image command. */
#define ESCPOS_BAND_ROWS 128
/* GS ( k stores at most 7089 bytes; receipts carry short URLs. */
#define ESCPOS_QR_MAX 700

/* What to print for characters no code page has: a look-alike beats '?'. */
static const struct {
	int32_t cp;
	const char *ascii;
} escpos_lookalikes[] = {
	{ 0x20ac, "EUR" }, { 0x00a3, "GBP" }, { 0x00a0, " " },
	{ 0x2018, "'" }, { 0x2019, "'" }, { 0x201a, "," },
	{ 0x201c, "\"" }, { 0x201d, "\"" }, { 0x201e, "\"" },
	{ 0x2013, "-" }, { 0x2014, "-" }, { 0x2212, "-" },
	{ 0x2026, "..." }, { 0x2022, "*" }, { 0x00d7, "x" },
	{ 0x2122, "TM" }, { 0x00a9, "(C)" }, { 0x00ae, "(R)" },
};

static void
escpos_put(struct escpos *e, const void *bytes, size_t len)
{
	if (e->len + len > e->cap) {
		size_t cap = e->cap ? e->cap : 256;

		while (cap < e->len + len)
			cap *= 2;
		e->data = xrealloc(e->data, cap);
		e->cap = cap;
	}
	memcpy(e->data + e->len, bytes, len);
	e->len += len;
}

static void
escpos_put3(struct escpos *e, int a, int b, int c)
{
	unsigned char cmd[3] = { (unsigned char)a, (unsigned char)b, (unsigned char)c };

	escpos_put(e, cmd, 3);
}

void
escpos_begin(struct escpos *e, const struct profile *p)
{
	memset(e, 0, sizeof *e);
	e->profile = p;
	escpos_init(e);
}

void
escpos_free(struct escpos *e)
{
	free(e->data);
	e->data = NULL;
	e->len = e->cap = 0;
}

void
escpos_init(struct escpos *e)
{
	static const unsigned char cmd[] = { ESCPOS_ESC, '@' };

	escpos_put(e, cmd, sizeof cmd);
	e->page = -1;
	e->style = 0;
	e->width = e->height = 1;
	e->align = ESCPOS_LEFT;
}

void
escpos_style(struct escpos *e, unsigned style)
{
	unsigned diff = style ^ e->style;

	if (diff & ESCPOS_BOLD)
		escpos_put3(e, ESCPOS_ESC, 'E', (style & ESCPOS_BOLD) ? 1 : 0);
	if (diff & ESCPOS_UNDERLINE)
		escpos_put3(e, ESCPOS_ESC, '-', (style & ESCPOS_UNDERLINE) ? 1 : 0);
	if (diff & ESCPOS_INVERSE)
		escpos_put3(e, ESCPOS_GS, 'B', (style & ESCPOS_INVERSE) ? 1 : 0);
	e->style = style;
}

void
escpos_size(struct escpos *e, int width, int height)
{
	if (width < 1)
		width = 1;
	if (width > 8)
		width = 8;
	if (height < 1)
		height = 1;
	if (height > 8)
		height = 8;
	if (width == e->width && height == e->height)
		return;
	escpos_put3(e, ESCPOS_GS, '!', ((width - 1) << 4) | (height - 1));
	e->width = width;
	e->height = height;
}

void
escpos_align(struct escpos *e, enum escpos_align a)
{
	if (a == e->align)
		return;
	escpos_put3(e, ESCPOS_ESC, 'a', (int)a);
	e->align = a;
}

/* Put one code point: the current page if it has it, else the first page
 * in the profile's order that does (switching with ESC t), else a
 * look-alike, else '?'. */
static void
escpos_codepoint(struct escpos *e, int32_t cp)
{
	const struct profile *p = e->profile;
	unsigned char byte;
	int b;

	if (cp == '\n') {
		byte = ESCPOS_LF;
		escpos_put(e, &byte, 1);
		return;
	}
	if (cp == '\t')
		cp = ' ';
	if (cp >= 0x20 && cp < 0x7f) {
		byte = (unsigned char)cp;
		escpos_put(e, &byte, 1);
		return;
	}
	if (cp >= 0xa0) {
		if (e->page >= 0 && (b = codepage_encode(p->pages[e->page].page, cp)) >= 0) {
			byte = (unsigned char)b;
			escpos_put(e, &byte, 1);
			return;
		}
		for (int i = 0; i < p->npages; i++) {
			if ((b = codepage_encode(p->pages[i].page, cp)) < 0)
				continue;
			escpos_put3(e, ESCPOS_ESC, 't', p->pages[i].esc_t);
			e->page = i;
			byte = (unsigned char)b;
			escpos_put(e, &byte, 1);
			return;
		}
		for (size_t i = 0; i < sizeof escpos_lookalikes / sizeof escpos_lookalikes[0]; i++) {
			if (escpos_lookalikes[i].cp == cp) {
				escpos_put(e, escpos_lookalikes[i].ascii,
				    strlen(escpos_lookalikes[i].ascii));
				e->replaced++;
				return;
			}
		}
	}
	byte = '?';
	escpos_put(e, &byte, 1);
	e->replaced++;
}

void
escpos_textn(struct escpos *e, const char *utf8, size_t len)
{
	const char *s = utf8, *end = utf8 + len;

	while (s < end)
		escpos_codepoint(e, utf8_decode(&s, end));
}

void
escpos_text(struct escpos *e, const char *utf8)
{
	escpos_textn(e, utf8, strlen(utf8));
}

void
escpos_line(struct escpos *e, const char *utf8)
{
	unsigned char lf = ESCPOS_LF;

	escpos_text(e, utf8);
	escpos_put(e, &lf, 1);
}

void
escpos_feed(struct escpos *e, int lines)
{
	if (lines <= 0)
		return;
	if (lines > 255)
		lines = 255;
	escpos_put3(e, ESCPOS_ESC, 'd', lines);
}

int
escpos_barcode(struct escpos *e, enum escpos_barcode type, const char *data)
{
	/* GS k m for each symbology: function B's m, function A's m (-1:
	 * not in function A) */
	static const struct {
		int b, a;
	} codes[] = {
		[ESCPOS_CODE128] = { 73, -1 },
		[ESCPOS_EAN13] = { 67, 2 },
		[ESCPOS_CODE39] = { 69, 4 },
	};
	bool fb = profile_has(e->profile, PROFILE_BARCODE);
	bool fa = profile_has(e->profile, PROFILE_BARCODE_A);
	size_t n = strlen(data);
	unsigned char head[4];

	if (n == 0 || (!fb && (!fa || codes[type].a < 0)))
		return -1;
	if (type == ESCPOS_EAN13) {
		int sum = 0;

		if ((n != 12 && n != 13) || strspn(data, "0123456789") != n)
			return -1;
		for (int i = 0; i < 12; i++)
			sum += (data[i] - '0') * (i % 2 ? 3 : 1);
		if (n == 13 && data[12] - '0' != (10 - sum % 10) % 10)
			return -1;
		n = 12;     /* the printer adds the check digit */
	} else if (type == ESCPOS_CODE39) {
		if (strspn(data, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -.$/+%") != n ||
		    n > 250)
			return -1;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '{')
				return -1;
		}
		if (n > 250)
			return -1;
	}
	escpos_put3(e, ESCPOS_GS, 'h', 80);           /* height in dots */
	escpos_put3(e, ESCPOS_GS, 'w', 2);            /* module width */
	escpos_put3(e, ESCPOS_GS, 'H', 2);            /* human-readable text below */
	head[0] = ESCPOS_GS;
	head[1] = 'k';
	if (!fb) {
		const unsigned char nul = 0;

		head[2] = (unsigned char)codes[type].a;
		escpos_put(e, head, 3);
		escpos_put(e, data, n);
		escpos_put(e, &nul, 1);
	} else if (type == ESCPOS_CODE128) {
		head[2] = 73;
		head[3] = (unsigned char)(n + 2);
		escpos_put(e, head, 4);
		escpos_put(e, "{B", 2);    /* code set B: printable ASCII */
		escpos_put(e, data, n);
	} else {
		head[2] = (unsigned char)codes[type].b;
		head[3] = (unsigned char)n;
		escpos_put(e, head, 4);
		escpos_put(e, data, n);
	}
	return 0;
}

/* GS ( k: model 2, module size, error correction M, store, print. */
static void
escpos_qr_native(struct escpos *e, const char *data, size_t n)
{
	const unsigned char model[] = { ESCPOS_GS, '(', 'k', 4, 0, 49, 65, 50, 0 };
	const unsigned char size[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 67,
		(unsigned char)e->profile->qr_module };
	const unsigned char ecc[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 69, 49 };
	const unsigned char store[] = { ESCPOS_GS, '(', 'k', (unsigned char)((n + 3) & 0xff),
		(unsigned char)((n + 3) >> 8), 49, 80, 48 };
	const unsigned char print[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 81, 48 };

	escpos_put(e, model, sizeof model);
	escpos_put(e, size, sizeof size);
	escpos_put(e, ecc, sizeof ecc);
	escpos_put(e, store, sizeof store);
	escpos_put(e, data, n);
	escpos_put(e, print, sizeof print);
}

int
escpos_qr(struct escpos *e, const char *data)
{
	size_t n = strlen(data);
	struct raster r;
	int rc;

	if (n == 0 || n > ESCPOS_QR_MAX)
		return -1;
	if (profile_has(e->profile, PROFILE_QR)) {
		escpos_qr_native(e, data, n);
		return 0;
	}
	if (!profile_has(e->profile, PROFILE_IMAGE))
		return -1;
	if (image_qr(data, e->profile->qr_module, &r) < 0)
		return -1;
	rc = escpos_image(e, &r);
	raster_free(&r);
	return rc;
}

int
escpos_image(struct escpos *e, const struct raster *r)
{
	if (!profile_has(e->profile, PROFILE_IMAGE) || r->width <= 0 ||
	    r->height <= 0 || r->width > e->profile->dots)
		return -1;
	for (int y = 0; y < r->height; y += ESCPOS_BAND_ROWS) {
		int rows = r->height - y < ESCPOS_BAND_ROWS ? r->height - y : ESCPOS_BAND_ROWS;
		unsigned char head[8] = { ESCPOS_GS, 'v', '0', 0,
			(unsigned char)(r->stride & 0xff), (unsigned char)(r->stride >> 8),
			(unsigned char)(rows & 0xff), (unsigned char)(rows >> 8) };

		escpos_put(e, head, sizeof head);
		escpos_put(e, r->bits + (size_t)y * r->stride, (size_t)rows * r->stride);
	}
	return 0;
}

void
escpos_cut(struct escpos *e, bool partial)
{
	const struct profile *p = e->profile;

	escpos_feed(e, p->cut_feed);
	if (partial && profile_has(p, PROFILE_PARTIAL_CUT)) {
		escpos_put3(e, ESCPOS_GS, 'V', 1);
	} else if (profile_has(p, PROFILE_CUT) || profile_has(p, PROFILE_PARTIAL_CUT)) {
		escpos_put3(e, ESCPOS_GS, 'V', profile_has(p, PROFILE_CUT) ? 0 : 1);
	}
}

int
escpos_drawer(struct escpos *e, int pin)
{
	/* 50 ms on, 500 ms off: long enough for every solenoid we know */
	unsigned char cmd[5] = { ESCPOS_ESC, 'p', 0, 25, 250 };

	if (!profile_has(e->profile, PROFILE_DRAWER) || (pin != 2 && pin != 5))
		return -1;
	cmd[2] = pin == 2 ? 0 : 1;
	escpos_put(e, cmd, sizeof cmd);
	return 0;
}

int
escpos_beep(struct escpos *e, int times)
{
	unsigned char cmd[4] = { ESCPOS_ESC, 'B', 1, 3 };

	if (!profile_has(e->profile, PROFILE_BEEP))
		return -1;
	if (times < 1)
		times = 1;
	if (times > 9)
		times = 9;
	cmd[2] = (unsigned char)times;
	escpos_put(e, cmd, sizeof cmd);
	return 0;
}

void
escpos_raw(struct escpos *e, const void *bytes, size_t len)
{
	escpos_put(e, bytes, len);
}

/* Columns one code point takes on paper with this profile: what
 * escpos_codepoint would send, without sending it. */
static int
escpos_cp_columns(const struct profile *p, int32_t cp)
{
	if (cp == '\n')
		return 0;
	if (cp < 0xa0)
		return 1;
	for (int i = 0; i < p->npages; i++) {
		if (codepage_encode(p->pages[i].page, cp) >= 0)
			return 1;
	}
	for (size_t i = 0; i < sizeof escpos_lookalikes / sizeof escpos_lookalikes[0]; i++) {
		if (escpos_lookalikes[i].cp == cp)
			return (int)strlen(escpos_lookalikes[i].ascii);
	}
	return 1;
}

int
escpos_columns(const struct profile *p, const char *utf8)
{
	const char *s = utf8, *end = utf8 + strlen(utf8);
	int n = 0;

	while (s < end)
		n += escpos_cp_columns(p, utf8_decode(&s, end));
	return n;
}

size_t
escpos_fit(const struct profile *p, const char *utf8, int cols)
{
	const char *s = utf8, *end = utf8 + strlen(utf8);
	int n = 0;

	while (s < end) {
		const char *at = s;
		int w = escpos_cp_columns(p, utf8_decode(&s, end));

		if (n + w > cols)
			return (size_t)(at - utf8);
		n += w;
	}
	return (size_t)(end - utf8);
}
