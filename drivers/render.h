/* render: reads an ESC/POS byte stream the way a printer does and turns it
 * into what a person would see on paper, as text: styles marked ([b]bold[/b],
 * [u], [inv], [size 2x2]), alignment by padding, cuts as a line, QR codes,
 * barcodes and images as placeholders. The virtual printer and the tests
 * use it; it is also how a golden receipt is reviewed by eye. */
#ifndef BRIGADE_RENDER_H
#define BRIGADE_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "codepage.h"

struct render {
	int columns;
	/* one finished line of paper (no newline) */
	void (*on_line)(void *ctx, const char *line);
	/* a real-time status query (DLE EOT n); the answer byte is sent back */
	int (*on_status)(void *ctx, int n);
	void *ctx;

	enum codepage page;
	unsigned style;             /* ESCPOS_* bits of the printer's mode */
	int width, height;
	int align;
	char *line;                 /* the line being built, markers included */
	size_t len, cap;
	int cols;                   /* columns used on paper so far */
	unsigned line_style;        /* style whose markers are open in line */
	int line_w, line_h;
	unsigned char *qr;          /* stored QR data waiting for "print" */
	size_t qrlen;
	int image_w, image_h;       /* consecutive raster bands, merged */
	int unknown;                /* commands we did not understand */
	/* a finished line wider than the paper, which a real printer of
	 * this width would have wrapped onto a second line: its text and the
	 * columns it needed (double width counted twice); NULL: not told */
	void (*on_overflow)(void *ctx, const char *line, int cols);
	int overflows;              /* how many lines were too wide */
	int widest;                 /* the most columns one line needed */
};

void render_init(struct render *r, int columns,
    void (*on_line)(void *ctx, const char *line),
    int (*on_status)(void *ctx, int n), void *ctx);
void render_free(struct render *r);

/* Interpret the first command (or run of text) in buf. Returns the bytes
 * it used, or 0 when buf ends inside a command (feed it more later).
 * *realtime is set for status queries, which are not print data. */
size_t render_step(struct render *r, const unsigned char *buf, size_t len,
    bool *realtime);
/* All of buf; returns what was used (the rest is an unfinished command). */
size_t render_feed(struct render *r, const unsigned char *buf, size_t len);
/* End of job: emit a line still being built. */
void render_flush(struct render *r);

/* The whole of buf as text, one '\n' per paper line (malloc'd). */
char *render_to_text(const unsigned char *buf, size_t len, int columns);
/* The same, also counting the lines a real printer of that many columns
 * would wrap (*overflows) and the widest line's columns (*widest; either
 * pointer may be NULL). */
char *render_to_text_checked(const unsigned char *buf, size_t len, int columns,
    int *overflows, int *widest);

#endif
