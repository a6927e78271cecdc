/* render: an ESC/POS interpreter that prints onto text. */
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escpos.h"
#include "xalloc.h"

/* Epson's ESC t numbers for the pages we know; others print as CP437. */
static const struct {
	int esc_t;
	enum codepage page;
} render_pages[] = {
	{ 0, CODEPAGE_CP437 }, { 2, CODEPAGE_CP850 },
	{ 16, CODEPAGE_CP1252 }, { 19, CODEPAGE_CP858 },
};

static void
render_put(struct render *r, const char *s, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 128;

		while (cap < r->len + n + 1)
			cap *= 2;
		r->line = xrealloc(r->line, cap);
		r->cap = cap;
	}
	memcpy(r->line + r->len, s, n);
	r->len += n;
	r->line[r->len] = '\0';
}

static void
render_puts(struct render *r, const char *s)
{
	render_put(r, s, strlen(s));
}

static void
render_reset(struct render *r)
{
	r->page = CODEPAGE_CP437;
	r->style = 0;
	r->width = r->height = 1;
	r->align = ESCPOS_LEFT;
}

void
render_init(struct render *r, int columns,
    void (*on_line)(void *ctx, const char *line),
    int (*on_status)(void *ctx, int n), void *ctx)
{
	memset(r, 0, sizeof *r);
	r->columns = columns > 0 ? columns : 48;
	r->on_line = on_line;
	r->on_status = on_status;
	r->ctx = ctx;
	r->line_w = r->line_h = 1;
	render_reset(r);
	render_put(r, "", 0);
}

void
render_free(struct render *r)
{
	free(r->line);
	free(r->qr);
	r->line = NULL;
	r->qr = NULL;
}

static void
render_close_markers(struct render *r)
{
	if (r->line_w != 1 || r->line_h != 1)
		render_puts(r, "[/size]");
	if (r->line_style & ESCPOS_INVERSE)
		render_puts(r, "[/inv]");
	if (r->line_style & ESCPOS_UNDERLINE)
		render_puts(r, "[/u]");
	if (r->line_style & ESCPOS_BOLD)
		render_puts(r, "[/b]");
	r->line_style = 0;
	r->line_w = r->line_h = 1;
}

/* Bring the markers open in the line in step with the printer's mode. */
static void
render_sync_markers(struct render *r)
{
	char buf[32];

	if (r->line_style == r->style && r->line_w == r->width && r->line_h == r->height)
		return;
	render_close_markers(r);
	if (r->style & ESCPOS_BOLD)
		render_puts(r, "[b]");
	if (r->style & ESCPOS_UNDERLINE)
		render_puts(r, "[u]");
	if (r->style & ESCPOS_INVERSE)
		render_puts(r, "[inv]");
	if (r->width != 1 || r->height != 1) {
		snprintf(buf, sizeof buf, "[size %dx%d]", r->width, r->height);
		render_puts(r, buf);
	}
	r->line_style = r->style;
	r->line_w = r->width;
	r->line_h = r->height;
}

static void
render_emit(struct render *r, const char *text)
{
	if (r->on_line != NULL)
		r->on_line(r->ctx, text);
}

static void
render_end_image(struct render *r)
{
	char buf[64];

	if (r->image_h == 0)
		return;
	snprintf(buf, sizeof buf, "[image %dx%d]", r->image_w, r->image_h);
	r->image_w = r->image_h = 0;
	render_emit(r, buf);
}

/* Finish the paper line: close markers, pad for alignment, hand it on. */
static void
render_newline(struct render *r)
{
	int pad = 0;
	char *out;

	render_end_image(r);
	render_close_markers(r);
	if (r->cols > r->widest)
		r->widest = r->cols;
	if (r->cols > r->columns) {
		r->overflows++;
		if (r->on_overflow != NULL)
			r->on_overflow(r->ctx, r->line, r->cols);
	}
	if (r->cols > 0 && r->cols < r->columns) {
		if (r->align == ESCPOS_CENTER)
			pad = (r->columns - r->cols) / 2;
		else if (r->align == ESCPOS_RIGHT)
			pad = r->columns - r->cols;
	}
	out = xmalloc((size_t)pad + r->len + 1);
	memset(out, ' ', (size_t)pad);
	memcpy(out + pad, r->line, r->len + 1);
	render_emit(r, out);
	free(out);
	r->len = 0;
	r->line[0] = '\0';
	r->cols = 0;
}

/* A placeholder on a line of its own (QR, barcode, cut...). */
static void
render_block(struct render *r, const char *text)
{
	if (r->len > 0)
		render_newline(r);
	render_end_image(r);
	render_emit(r, text);
}

static void
render_char(struct render *r, unsigned char b)
{
	int32_t cp = codepage_decode(r->page, b);
	char utf8[4];
	size_t n;

	render_end_image(r);
	render_sync_markers(r);
	if (cp < 0)
		cp = 0xfffd;
	if (cp < 0x80) {
		utf8[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		utf8[0] = (char)(0xc0 | (cp >> 6));
		utf8[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		utf8[0] = (char)(0xe0 | (cp >> 12));
		utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		utf8[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	render_put(r, utf8, n);
	r->cols += r->width;
}

static void
render_cut(struct render *r, bool partial)
{
	const char *label = partial ? " partial cut " : " cut ";
	int n = r->columns, l = (int)strlen(label), left = (n - l) / 2;
	char *line = xmalloc((size_t)n + 1);

	memset(line, partial ? '-' : '=', (size_t)n);
	if (left >= 0 && l <= n)
		memcpy(line + left, label, (size_t)l);
	line[n] = '\0';
	render_block(r, line);
	free(line);
}

static void
render_set_page(struct render *r, int esc_t)
{
	for (size_t i = 0; i < sizeof render_pages / sizeof render_pages[0]; i++) {
		if (render_pages[i].esc_t == esc_t) {
			r->page = render_pages[i].page;
			return;
		}
	}
	r->unknown++;
	r->page = CODEPAGE_CP437;
}

/* ESC commands with a fixed count of parameter bytes. */
static const struct {
	unsigned char cmd;
	unsigned char params;
} render_esc_lengths[] = {
	{ '@', 0 }, { 'E', 1 }, { '-', 1 }, { 'a', 1 }, { 't', 1 }, { 'd', 1 },
	{ 'J', 1 }, { '!', 1 }, { 'M', 1 }, { 'G', 1 }, { '2', 0 }, { '3', 1 },
	{ 'B', 2 }, { 'p', 3 }, { '{', 1 }, { 'R', 1 }, { 'V', 1 }, { ' ', 1 },
	{ 'c', 2 }, { 'e', 1 }, { 'U', 1 },
};

static size_t
render_esc(struct render *r, const unsigned char *b, size_t len)
{
	size_t need = 0;
	char buf[64];
	size_t i;

	if (len < 2)
		return 0;
	for (i = 0; i < sizeof render_esc_lengths / sizeof render_esc_lengths[0]; i++) {
		if (render_esc_lengths[i].cmd == b[1])
			break;
	}
	if (i == sizeof render_esc_lengths / sizeof render_esc_lengths[0]) {
		r->unknown++;
		return 2;
	}
	need = 2 + render_esc_lengths[i].params;
	if (len < need)
		return 0;
	switch (b[1]) {
	case '@':
		if (r->len > 0)
			render_newline(r);
		render_reset(r);
		break;
	case 'E':
	case 'G':
		r->style = (b[2] & 1) ? (r->style | ESCPOS_BOLD) : (r->style & ~ESCPOS_BOLD);
		break;
	case '-':
		r->style = (b[2] & 3) ? (r->style | ESCPOS_UNDERLINE) :
		    (r->style & ~ESCPOS_UNDERLINE);
		break;
	case '!':
		r->style = (r->style & ESCPOS_INVERSE) | ((b[2] & 0x08) ? ESCPOS_BOLD : 0) |
		    ((b[2] & 0x80) ? ESCPOS_UNDERLINE : 0);
		r->width = (b[2] & 0x20) ? 2 : 1;
		r->height = (b[2] & 0x10) ? 2 : 1;
		break;
	case 'a':
		r->align = (b[2] == 1 || b[2] == '1') ? ESCPOS_CENTER :
		    (b[2] == 2 || b[2] == '2') ? ESCPOS_RIGHT : ESCPOS_LEFT;
		break;
	case 't':
		render_set_page(r, b[2]);
		break;
	case 'd': {
		int n = b[2];

		/* the first line fed ends the line being printed */
		if (r->len > 0) {
			render_newline(r);
			n--;
		}
		for (; n > 0; n--)
			render_newline(r);
		break;
	}
	case 'B':
		render_block(r, "[beep]");
		break;
	case 'p':
		snprintf(buf, sizeof buf, "[drawer pin %d]", (b[2] & 1) ? 5 : 2);
		render_block(r, buf);
		break;
	default:
		break;      /* understood, but nothing to show */
	}
	return need;
}

static size_t
render_gs_barcode(struct render *r, const unsigned char *b, size_t len)
{
	static const char *const names[] = {
		[65] = "UPC-A", [66] = "UPC-E", [67] = "EAN13", [68] = "EAN8",
		[69] = "CODE39", [70] = "ITF", [71] = "CODABAR", [72] = "CODE93",
		[73] = "CODE128",
	};
	size_t n, start, i;
	char *text;
	int m;

	if (len < 3)
		return 0;
	m = b[2];
	if (m <= 6) {           /* NUL-terminated form */
		for (i = 3; i < len && b[i] != 0; i++)
			;
		if (i == len)
			return 0;
		start = 3;
		n = i - 3;
		i++;
		m += 65;
	} else {
		if (len < 4)
			return 0;
		n = b[3];
		if (len < 4 + n)
			return 0;
		start = 4;
		i = 4 + n;
	}
	if (m == 73 && n >= 2 && b[start] == '{') {     /* code set prefix */
		start += 2;
		n -= 2;
	}
	text = xasprintf("[%s: %.*s]", m >= 65 && m <= 73 && names[m] ? names[m] : "barcode",
	    (int)n, (const char *)b + start);
	render_block(r, text);
	free(text);
	return i;
}

static size_t
render_gs_paren_k(struct render *r, const unsigned char *b, size_t len)
{
	size_t n;

	if (len < 5)
		return 0;
	n = (size_t)b[3] | ((size_t)b[4] << 8);
	if (len < 5 + n)
		return 0;
	if (b[1] == '(' && b[2] == 'k' && n >= 3 && b[5] == 49) {
		if (b[6] == 80) {               /* store */
			free(r->qr);
			r->qrlen = n - 3;
			r->qr = xmalloc(r->qrlen + 1);
			memcpy(r->qr, b + 8, r->qrlen);
			r->qr[r->qrlen] = '\0';
		} else if (b[6] == 81) {        /* print */
			char *text = xasprintf("[QR: %.*s]", (int)r->qrlen,
			    r->qr ? (const char *)r->qr : "");

			render_block(r, text);
			free(text);
		}
	}
	return 5 + n;
}

static size_t
render_gs(struct render *r, const unsigned char *b, size_t len)
{
	if (len < 2)
		return 0;
	switch (b[1]) {
	case '!':
		if (len < 3)
			return 0;
		r->width = ((b[2] >> 4) & 7) + 1;
		r->height = (b[2] & 7) + 1;
		return 3;
	case 'B':
		if (len < 3)
			return 0;
		r->style = (b[2] & 1) ? (r->style | ESCPOS_INVERSE) : (r->style & ~ESCPOS_INVERSE);
		return 3;
	case 'V':
		if (len < 3)
			return 0;
		if (b[2] == 65 || b[2] == 66) {
			if (len < 4)
				return 0;
			render_cut(r, b[2] == 66);
			return 4;
		}
		render_cut(r, b[2] == 1 || b[2] == 49);
		return 3;
	case 'h': case 'w': case 'H': case 'f': case 'r': case 'a': case 'I':
		return len < 3 ? 0 : 3;
	case 'L': case 'W':
		return len < 4 ? 0 : 4;
	case 'k':
		return render_gs_barcode(r, b, len);
	case '(':
	case '8':
		if (b[1] == '8') {      /* GS 8 L: four length bytes */
			size_t n;

			if (len < 7)
				return 0;
			n = (size_t)b[3] | ((size_t)b[4] << 8) | ((size_t)b[5] << 16) |
			    ((size_t)b[6] << 24);
			if (len - 7 < n)
				return 0;
			r->unknown++;
			return 7 + n;
		}
		if (len < 3)
			return 0;
		if (b[2] == 'k')
			return render_gs_paren_k(r, b, len);
		if (len < 5)
			return 0;
		{
			size_t n = (size_t)b[3] | ((size_t)b[4] << 8);

			if (len < 5 + n)
				return 0;
			r->unknown++;
			return 5 + n;
		}
	case 'v': {
		size_t w, h;

		if (len < 8)
			return 0;
		w = (size_t)b[4] | ((size_t)b[5] << 8);
		h = (size_t)b[6] | ((size_t)b[7] << 8);
		if (len - 8 < w * h)
			return 0;
		if (r->len > 0)
			render_newline(r);
		if (r->image_h > 0 && r->image_w != (int)(w * 8))
			render_end_image(r);
		r->image_w = (int)(w * 8);
		r->image_h += (int)h;
		return 8 + w * h;
	}
	default:
		r->unknown++;
		return 2;
	}
}

size_t
render_step(struct render *r, const unsigned char *b, size_t len, bool *realtime)
{
	*realtime = false;
	if (len == 0)
		return 0;
	switch (b[0]) {
	case ESCPOS_LF:
		render_newline(r);
		return 1;
	case '\r':
		return 1;
	case '\t':
		render_char(r, ' ');
		return 1;
	case ESCPOS_ESC:
		return render_esc(r, b, len);
	case ESCPOS_GS:
		return render_gs(r, b, len);
	case ESCPOS_DLE:
		if (len < 2)
			return 0;
		if (b[1] == ESCPOS_EOT || b[1] == 0x05) {
			if (len < 3)
				return 0;
			*realtime = true;
			if (b[1] == ESCPOS_EOT && r->on_status != NULL)
				r->on_status(r->ctx, b[2]);
			return 3;
		}
		if (b[1] == 0x14) {
			if (len < 5)
				return 0;
			*realtime = true;
			return 5;
		}
		return 1;
	case 0x1c:      /* FS: Kanji modes and NV images */
		if (len < 2)
			return 0;
		if (b[1] == 'p')
			return len < 4 ? 0 : 4;
		return 2;
	default:
		if (b[0] < 0x20)
			return 1;
		render_char(r, b[0]);
		return 1;
	}
}

size_t
render_feed(struct render *r, const unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		bool rt;
		size_t n = render_step(r, buf + done, len - done, &rt);

		if (n == 0)
			break;
		done += n;
	}
	return done;
}

void
render_flush(struct render *r)
{
	if (r->len > 0)
		render_newline(r);
	render_end_image(r);
}

struct render_text {
	char *buf;
	size_t len;
};

static void
render_text_line(void *ctx, const char *line)
{
	struct render_text *t = ctx;
	size_t n = strlen(line);

	t->buf = xrealloc(t->buf, t->len + n + 2);
	memcpy(t->buf + t->len, line, n);
	t->len += n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

char *
render_to_text_checked(const unsigned char *buf, size_t len, int columns,
    int *overflows, int *widest)
{
	struct render_text t = { xstrdup(""), 0 };
	struct render r;

	render_init(&r, columns, render_text_line, NULL, &t);
	render_feed(&r, buf, len);
	render_flush(&r);
	if (overflows != NULL)
		*overflows = r.overflows;
	if (widest != NULL)
		*widest = r.widest;
	render_free(&r);
	return t.buf;
}

char *
render_to_text(const unsigned char *buf, size_t len, int columns)
{
	return render_to_text_checked(buf, len, columns, NULL, NULL);
}
