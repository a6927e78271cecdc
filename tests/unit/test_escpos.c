/* test_escpos: the encoder's bytes, code pages on every profile, barcodes,
 * QR (native and raster), images from PNG, cuts, drawer, and profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escpos.h"
#include "image.h"
#include "profile.h"
#include "render.h"

static void
load(const char *id, struct profile *p)
{
	char err[256];

	if (profile_load(id, p, err, sizeof err) < 0)
		fail_msg("%s", err);
}

static void
assert_bytes(const struct escpos *e, size_t from, const void *want, size_t n)
{
	if (e->len - from != n || memcmp(e->data + from, want, n) != 0) {
		for (size_t i = from; i < e->len; i++)
			fprintf(stderr, "%02x ", e->data[i]);
		fprintf(stderr, "\n");
		fail_msg("bytes differ (got %zu, want %zu)", e->len - from, n);
	}
}

static void
test_init_and_styles(void **state)
{
	struct profile p;
	struct escpos e;

	(void)state;
	load("generic-80", &p);
	escpos_begin(&e, &p);
	assert_bytes(&e, 0, "\x1b@", 2);
	escpos_style(&e, ESCPOS_BOLD | ESCPOS_UNDERLINE);
	escpos_style(&e, ESCPOS_BOLD | ESCPOS_UNDERLINE);       /* no change, no bytes */
	escpos_style(&e, ESCPOS_INVERSE);
	escpos_size(&e, 2, 2);
	escpos_size(&e, 9, 0);                                  /* clamped to 8x1 */
	escpos_align(&e, ESCPOS_CENTER);
	escpos_line(&e, "Hi");
	escpos_feed(&e, 3);
	assert_bytes(&e, 2,
	    "\x1b" "E\x01" "\x1b-\x01"
	    "\x1b" "E\x00" "\x1b-\x00" "\x1d" "B\x01"
	    "\x1d!\x11" "\x1d!\x70"
	    "\x1b" "a\x01"
	    "Hi\n" "\x1b" "d\x03", 30);
	escpos_free(&e);
}

/* Each character, each profile: the bytes and the ESC t that selects them. */
static void
test_codepages(void **state)
{
	struct profile t20, g58, g80;
	struct escpos e;

	(void)state;
	load("epson-tm-t20", &t20);
	load("generic-58", &g58);
	load("generic-80", &g80);

	escpos_begin(&e, &t20);
	escpos_text(&e, "café £5 €3");
	/* é and £ in CP437 (ESC t 0), € needs CP858 (ESC t 19, 0xd5) */
	assert_bytes(&e, 2, "caf\x1bt\x00\x82 \x9c" "5 \x1bt\x13\xd5" "3", 16);
	assert_int_equal(e.replaced, 0);
	escpos_free(&e);

	/* the 58 mm clone has no page with the euro sign: "EUR", visibly */
	escpos_begin(&e, &g58);
	escpos_text(&e, "€3 £1 ñ");
	assert_bytes(&e, 2, "EUR3 \x1bt\x00\x9c" "1 \xa4", 12);
	assert_int_equal(e.replaced, 1);
	escpos_free(&e);

	/* Windows-1252 only characters: curly quotes switch to ESC t 16 */
	escpos_begin(&e, &g80);
	escpos_text(&e, "“Œuf”");
	assert_bytes(&e, 2, "\x1bt\x10\x93\x8cuf\x94", 8);
	escpos_free(&e);

	/* nothing has it: '?'; controls and broken UTF-8: '?' (never commands) */
	escpos_begin(&e, &g80);
	escpos_text(&e, "\xe4\xb8\xad\x1b@\x01\xff\xc3");
	assert_bytes(&e, 2, "??@???", 6);
	assert_int_equal(e.replaced, 5);
	escpos_free(&e);
}

/* Accented names, the euro and the pound on every profile come back as the
 * same text when read as the printer does (or as a visible stand-in). */
static void
test_codepages_roundtrip(void **state)
{
	static const char *const ids[] = {
		"generic-80", "generic-58", "epson-tm-t20", "epson-tm-t88", "epson-tm-l90",
	};
	const char *text = "Crème brûlée, Zoë, Ångström, Øl, señor: €4.50 £3";

	(void)state;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct profile p;
		struct escpos e;
		char *got;

		load(ids[i], &p);
		escpos_begin(&e, &p);
		escpos_line(&e, text);
		got = render_to_text(e.data, e.len, p.columns);
		if (strcmp(ids[i], "generic-58") == 0)
			assert_string_equal(got,
			    "Crème brûlée, Zoë, Ångström, Øl, señor: EUR4.50 £3\n");
		else
			assert_string_equal(got, "Crème brûlée, Zoë, Ångström, Øl, señor: €4.50 £3\n");
		free(got);
		escpos_free(&e);
	}
}

static void
test_barcodes(void **state)
{
	struct profile p;
	struct escpos e;
	size_t at;

	(void)state;
	load("epson-tm-t20", &p);
	escpos_begin(&e, &p);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_EAN13, "4006381333931"), 0);
	assert_bytes(&e, at, "\x1dh\x50\x1dw\x02\x1dH\x02\x1dk\x43\x0c" "400638133393", 25);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_EAN13, "4006381333932"), -1);  /* check digit */
	assert_int_equal(escpos_barcode(&e, ESCPOS_EAN13, "40063813339"), -1);
	assert_int_equal(escpos_barcode(&e, ESCPOS_EAN13, "40063813339x1"), -1);
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE128, "A{B"), -1);
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE128, ""), -1);
	assert_int_equal(e.len, at);            /* refusals emit nothing */
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE128, "ORD-42"), 0);
	assert_bytes(&e, at, "\x1dh\x50\x1dw\x02\x1dH\x02\x1dk\x49\x08{BORD-42", 21);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE39, "ORD-42"), 0);
	assert_bytes(&e, at, "\x1dh\x50\x1dw\x02\x1dH\x02\x1dk\x45\x06ORD-42", 19);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE39, "ord-42"), -1);   /* no lower case */
	assert_int_equal(e.len, at);
	escpos_free(&e);

	/* a 58 mm unit with only GS k function A: EAN13 and CODE39 as
	 * NUL-terminated data, no CODE128 */
	p.features = (p.features & ~PROFILE_BARCODE) | PROFILE_BARCODE_A;
	escpos_begin(&e, &p);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE128, "ORD-42"), -1);
	assert_int_equal(e.len, at);
	assert_int_equal(escpos_barcode(&e, ESCPOS_EAN13, "4006381333931"), 0);
	assert_bytes(&e, at, "\x1dh\x50\x1dw\x02\x1dH\x02\x1dk\x02" "400638133393\0", 25);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE39, "ORD-42"), 0);
	assert_bytes(&e, at, "\x1dh\x50\x1dw\x02\x1dH\x02\x1dk\x04ORD-42\0", 19);
	escpos_free(&e);
	/* neither function: nothing */
	p.features &= ~PROFILE_BARCODE_A;
	escpos_begin(&e, &p);
	at = e.len;
	assert_int_equal(escpos_barcode(&e, ESCPOS_CODE39, "ORD-42"), -1);
	assert_int_equal(e.len, at);
	escpos_free(&e);
}

static void
test_qr(void **state)
{
	struct profile t20, g80, bare;
	struct escpos e;
	size_t at;

	(void)state;
	load("epson-tm-t20", &t20);
	escpos_begin(&e, &t20);
	at = e.len;
	assert_int_equal(escpos_qr(&e, "https://x.example/o/42"), 0);
	assert_bytes(&e, at,
	    "\x1d(k\x04\x00\x31\x41\x32\x00"
	    "\x1d(k\x03\x00\x31\x43\x06"
	    "\x1d(k\x03\x00\x31\x45\x31"
	    "\x1d(k\x19\x00\x31\x50\x30" "https://x.example/o/42"
	    "\x1d(k\x03\x00\x31\x51\x30", 9 + 8 + 8 + 8 + 22 + 8);
	escpos_free(&e);

	/* a clone without GS ( k gets the same QR as a raster image */
	load("generic-80", &g80);
	escpos_begin(&e, &g80);
	at = e.len;
	assert_int_equal(escpos_qr(&e, "https://x.example/o/42"), 0);
	assert_memory_equal(e.data + at, "\x1dv0\x00", 4);
	{
		int stride = e.data[at + 4] | e.data[at + 5] << 8;
		int rows = e.data[at + 6] | e.data[at + 7] << 8;

		/* version 2 (25 modules) + 8 quiet, 6 dots each = 198 square,
		 * sent in a band of 128 rows and one of 70 */
		assert_int_equal(stride, (33 * 6 + 7) / 8);
		assert_int_equal(rows, 128);
		assert_int_equal(e.len - at, 16 + (size_t)stride * 33 * 6);
	}
	escpos_free(&e);

	/* neither native QR nor images: refused, nothing sent */
	bare = g80;
	bare.features = 0;
	escpos_begin(&e, &bare);
	at = e.len;
	assert_int_equal(escpos_qr(&e, "x"), -1);
	assert_int_equal(escpos_qr(&e, ""), -1);
	assert_int_equal(e.len, at);
	escpos_free(&e);
}

static char png_path[64];

static void
write_png(const char *path, int w, int h)
{
	png_image img;
	unsigned char *px = malloc((size_t)w * h * 2);

	/* left half black, right half transparent */
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			px[(y * w + x) * 2] = x < w / 2 ? 0 : 255;
			px[(y * w + x) * 2 + 1] = x < w / 2 ? 255 : 0;
		}
	}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_GA;
	assert_true(png_image_write_to_file(&img, path, 0, px, 0, NULL));
	free(px);
}

static void
test_png_logo(void **state)
{
	struct profile p;
	struct escpos e;
	struct raster r;
	char err[256];
	FILE *fp;

	(void)state;
	snprintf(png_path, sizeof png_path, "/tmp/test_escpos_%d.png", (int)getpid());
	write_png(png_path, 1000, 300);
	assert_int_equal(image_load_png(png_path, 576, &r, err, sizeof err), 0);
	assert_int_equal(r.width, 576);          /* scaled down to the paper */
	assert_int_equal(r.height, 172);
	assert_int_equal(raster_get(&r, 10, 10), 1);
	assert_int_equal(raster_get(&r, 500, 10), 0);    /* transparent is paper */
	load("generic-80", &p);
	escpos_begin(&e, &p);
	assert_int_equal(escpos_image(&e, &r), 0);
	/* two bands: 128 rows and 44 rows of 72 bytes */
	assert_memory_equal(e.data + 2, "\x1dv0\x00\x48\x00\x80\x00", 8);
	assert_memory_equal(e.data + 2 + 8 + 72 * 128, "\x1dv0\x00\x48\x00\x2c\x00", 8);
	assert_int_equal(e.len, 2 + 16 + 72 * 172);
	escpos_free(&e);
	raster_free(&r);

	/* not a PNG, and no file at all: an error that names the file */
	fp = fopen(png_path, "w");
	fputs("GIF89a", fp);
	fclose(fp);
	assert_int_equal(image_load_png(png_path, 576, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, png_path));
	unlink(png_path);
	assert_int_equal(image_load_png(png_path, 576, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, png_path));
}

static void
test_cut_drawer_beep(void **state)
{
	struct profile t20, g58, t88;
	struct escpos e;

	(void)state;
	load("epson-tm-t20", &t20);
	load("generic-58", &g58);
	load("epson-tm-t88", &t88);

	escpos_begin(&e, &t20);
	escpos_cut(&e, true);
	escpos_cut(&e, false);
	assert_int_equal(escpos_drawer(&e, 2), 0);
	assert_int_equal(escpos_drawer(&e, 5), 0);
	assert_int_equal(escpos_drawer(&e, 3), -1);
	assert_int_equal(escpos_beep(&e, 2), -1);        /* no buzzer on a T20 */
	assert_bytes(&e, 2, "\x1b" "d\x04\x1dV\x01" "\x1b" "d\x04\x1dV\x00"
	    "\x1bp\x00\x19\xfa" "\x1bp\x01\x19\xfa", 22);
	escpos_free(&e);

	/* no cutter, no drawer port: a feed, and a refusal */
	escpos_begin(&e, &g58);
	escpos_cut(&e, true);
	assert_int_equal(escpos_drawer(&e, 2), -1);
	assert_bytes(&e, 2, "\x1b" "d\x03", 3);
	escpos_free(&e);

	escpos_begin(&e, &t88);
	assert_int_equal(escpos_beep(&e, 2), 0);
	assert_bytes(&e, 2, "\x1b" "B\x02\x03", 4);
	escpos_free(&e);
}

static void
test_profiles(void **state)
{
	struct profile p;
	char err[256], dir[64], path[128];
	FILE *fp;

	(void)state;
	load("epson-tm-t20", &p);
	assert_string_equal(p.id, "epson-tm-t20");
	assert_int_equal(p.columns, 48);
	assert_int_equal(p.dots, 576);
	assert_true(profile_has(&p, PROFILE_QR | PROFILE_STATUS | PROFILE_DRAWER));
	load("epson-tm-l90", &p);
	assert_true(profile_has(&p, PROFILE_LABEL));
	load("generic-58", &p);
	assert_int_equal(p.columns, 32);
	assert_false(profile_has(&p, PROFILE_CUT));

	memset(&p, 0x5a, sizeof p);
	assert_int_equal(profile_load("no-such-printer", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "no printer profile \"no-such-printer\""));
	assert_int_equal(((unsigned char *)&p)[0], 0x5a);        /* untouched */
	assert_int_equal(profile_load("../etc/passwd", &p, err, sizeof err), -1);
	assert_int_equal(profile_load("Bad Name", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "bad profile name"));
	assert_int_equal(profile_load("", &p, err, sizeof err), -1);

	/* $BRIGADE_PROFILES comes first; bad files say where and why */
	snprintf(dir, sizeof dir, "/tmp/test_profiles_%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/house.profile", dir);
	fp = fopen(path, "w");
	fputs("name = House\ncolumns = 40\ndots = 512\ncodepages = CP1252:16\n", fp);
	fclose(fp);
	setenv("BRIGADE_PROFILES", dir, 1);
	load("house", &p);
	assert_int_equal(p.columns, 40);
	assert_int_equal(p.pages[0].page, CODEPAGE_CP1252);
	fp = fopen(path, "w");
	fputs("columns = 40\ndots = 512\ncodepages = CP999:1\n", fp);
	fclose(fp);
	assert_int_equal(profile_load("house", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "house.profile:3: unknown code page \"CP999\""));
	fp = fopen(path, "w");
	fputs("columns = 40\ndots = 512\ncodepages = CP437:0\nfeatures = qr teleport\n", fp);
	fclose(fp);
	assert_int_equal(profile_load("house", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown feature \"teleport\""));
	fp = fopen(path, "w");
	fputs("columns = 40\n", fp);
	fclose(fp);
	assert_int_equal(profile_load(path, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "required"));
	unsetenv("BRIGADE_PROFILES");
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_styles),
		cmocka_unit_test(test_codepages),
		cmocka_unit_test(test_codepages_roundtrip),
		cmocka_unit_test(test_barcodes),
		cmocka_unit_test(test_qr),
		cmocka_unit_test(test_png_logo),
		cmocka_unit_test(test_cut_drawer_beep),
		cmocka_unit_test(test_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
