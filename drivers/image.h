/* image: one-bit raster images for the printer: logos from PNG files and QR
 * codes drawn with libqrencode for printers without native QR. */
#ifndef BRIGADE_IMAGE_H
#define BRIGADE_IMAGE_H

#include <stddef.h>

/* Rows of stride bytes, most significant bit first, 1 = black dot. */
struct raster {
	int width;
	int height;
	int stride;
	unsigned char *bits;
};

void raster_init(struct raster *r, int width, int height);
void raster_free(struct raster *r);
void raster_set(struct raster *r, int x, int y);
int raster_get(const struct raster *r, int x, int y);

/* Read a PNG (any colour type), flatten it on white, threshold to one bit
 * and scale it down (never up) to at most max_width dots. Returns 0, or -1
 * with the reason in err (missing file, not a PNG, too large). */
int image_load_png(const char *path, int max_width, struct raster *r,
    char *err, size_t errsize);

/* A QR code for data, module dots per module, with a 4-module quiet zone.
 * Returns -1 when data does not fit in a QR code. */
int image_qr(const char *data, int module, struct raster *r);

#endif
