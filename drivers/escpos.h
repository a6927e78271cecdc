/* escpos: an encoder that builds the ESC/POS byte stream for one printer
 * profile: text in UTF-8 (sent in the right code page), styles, sizes,
 * alignment, barcodes, QR codes, raster images, cuts, drawer and beep. */
#ifndef BRIGADE_ESCPOS_H
#define BRIGADE_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"
#include "profile.h"

/* Style bits for escpos_style. */
#define ESCPOS_BOLD 1u
#define ESCPOS_UNDERLINE 2u
#define ESCPOS_INVERSE 4u

enum escpos_align { ESCPOS_LEFT, ESCPOS_CENTER, ESCPOS_RIGHT };
enum escpos_barcode { ESCPOS_CODE128, ESCPOS_EAN13, ESCPOS_CODE39 };

/* The command bytes, named, for the encoder and the virtual printer's
 * decoder alike. */
#define ESCPOS_ESC 0x1b
#define ESCPOS_GS 0x1d
#define ESCPOS_DLE 0x10
#define ESCPOS_EOT 0x04
#define ESCPOS_LF 0x0a

struct escpos {
	unsigned char *data;
	size_t len, cap;
	const struct profile *profile;
	int page;                   /* index in profile->pages now selected on
	                               the printer, -1 when not known */
	unsigned style;
	int width, height;          /* character size multipliers, 1..8 */
	enum escpos_align align;
	int replaced;               /* characters no code page had */
};

/* Start a document for profile p (which must outlive e) with ESC @. */
void escpos_begin(struct escpos *e, const struct profile *p);
void escpos_free(struct escpos *e);

/* ESC @: reset the printer's modes (and our idea of them). */
void escpos_init(struct escpos *e);
void escpos_style(struct escpos *e, unsigned style);
void escpos_size(struct escpos *e, int width, int height);
void escpos_align(struct escpos *e, enum escpos_align a);
/* UTF-8 text; '\n' feeds a line. Characters that no code page of the
 * profile has are replaced by a look-alike ("EUR" for the euro sign) or
 * '?', never sent as raw UTF-8; control characters become '?' so text can
 * never turn into commands. */
void escpos_text(struct escpos *e, const char *utf8);
void escpos_textn(struct escpos *e, const char *utf8, size_t len);
/* Text then a line feed. */
void escpos_line(struct escpos *e, const char *utf8);
void escpos_feed(struct escpos *e, int lines);
/* GS k function B (m 65..73, with a length) where the profile has it,
 * else function A (m 0..6, NUL-terminated), which has no CODE128: the
 * cheap 58 mm units only have A. Returns -1 (emitting nothing) for data
 * the symbology cannot carry or a model without it. */
int escpos_barcode(struct escpos *e, enum escpos_barcode type, const char *data);
/* Native GS ( k where the profile allows, else a raster image. -1 when
 * neither is possible or the data is too long. */
int escpos_qr(struct escpos *e, const char *data);
/* GS v 0 in bands; -1 if the profile has no images or it is too wide. */
int escpos_image(struct escpos *e, const struct raster *r);
/* Feed past the blade then cut; partial falls back to full when the
 * profile has only full cuts, and to a feed when it has no cutter. */
void escpos_cut(struct escpos *e, bool partial);
/* ESC p on pin 2 or 5; -1 when the profile has no drawer port. */
int escpos_drawer(struct escpos *e, int pin);
/* ESC B; -1 when the profile has no buzzer. */
int escpos_beep(struct escpos *e, int times);
void escpos_raw(struct escpos *e, const void *bytes, size_t len);

/* Columns UTF-8 text takes on paper at size 1 with profile p, counting
 * stand-ins ("EUR") at their printed width. */
int escpos_columns(const struct profile *p, const char *utf8);
/* Bytes of the longest prefix of utf8 that fits in cols columns. */
size_t escpos_fit(const struct profile *p, const char *utf8, int cols);

#endif
