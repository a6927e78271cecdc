/* image: PNG logos and QR codes turned into one-bit rasters. */
#include "image.h"

#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The largest image we accept from a file: a logo, not a poster. */
#define IMAGE_MAX_SIDE 4096

void
raster_init(struct raster *r, int width, int height)
{
	r->width = width;
	r->height = height;
	r->stride = (width + 7) / 8;
	r->bits = xcalloc((size_t)r->stride * (size_t)(height > 0 ? height : 1), 1);
}

void
raster_free(struct raster *r)
{
	free(r->bits);
	r->bits = NULL;
	r->width = r->height = r->stride = 0;
}

void
raster_set(struct raster *r, int x, int y)
{
	if (x < 0 || y < 0 || x >= r->width || y >= r->height)
		return;
	r->bits[(size_t)y * r->stride + x / 8] |= (unsigned char)(0x80 >> (x % 8));
}

int
raster_get(const struct raster *r, int x, int y)
{
	if (x < 0 || y < 0 || x >= r->width || y >= r->height)
		return 0;
	return (r->bits[(size_t)y * r->stride + x / 8] >> (7 - x % 8)) & 1;
}

int
image_load_png(const char *path, int max_width, struct raster *r, char *err,
    size_t errsize)
{
	png_image img;
	unsigned char *pixels;
	int w, h, ow, oh;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errsize, "%s: %s", path, img.message);
		return -1;
	}
	if (img.width == 0 || img.height == 0 || img.width > IMAGE_MAX_SIDE ||
	    img.height > IMAGE_MAX_SIDE) {
		snprintf(err, errsize, "%s: %ux%u is not a logo size", path,
		    img.width, img.height);
		png_image_free(&img);
		return -1;
	}
	/* gray on a white background: transparency prints as paper */
	img.format = PNG_FORMAT_GRAY;
	pixels = xmalloc(PNG_IMAGE_SIZE(img));
	png_color white = { 255, 255, 255 };
	if (!png_image_finish_read(&img, &white, pixels, 0, NULL)) {
		snprintf(err, errsize, "%s: %s", path, img.message);
		free(pixels);
		png_image_free(&img);
		return -1;
	}
	w = (int)img.width;
	h = (int)img.height;
	ow = w;
	oh = h;
	if (max_width > 0 && w > max_width) {
		ow = max_width;
		oh = (int)((long)h * max_width / w);
		if (oh < 1)
			oh = 1;
	}
	raster_init(r, ow, oh);
	for (int y = 0; y < oh; y++) {
		int sy = (int)((long)y * h / oh);

		for (int x = 0; x < ow; x++) {
			int sx = (int)((long)x * w / ow);

			if (pixels[(size_t)sy * w + sx] < 128)
				raster_set(r, x, y);
		}
	}
	free(pixels);
	return 0;
}

int
image_qr(const char *data, int module, struct raster *r)
{
	QRcode *qr;
	int size, quiet = 4;

	if (module < 1)
		module = 1;
	qr = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		return -1;
	size = (qr->width + 2 * quiet) * module;
	raster_init(r, size, size);
	for (int y = 0; y < qr->width; y++) {
		for (int x = 0; x < qr->width; x++) {
			if (!(qr->data[y * qr->width + x] & 1))
				continue;
			for (int dy = 0; dy < module; dy++) {
				for (int dx = 0; dx < module; dx++)
					raster_set(r, (quiet + x) * module + dx,
					    (quiet + y) * module + dy);
			}
		}
	}
	QRcode_free(qr);
	return 0;
}
