/* profile: what one printer model can do (paper width in columns and dots,
 * code pages and their ESC t numbers, which commands work), loaded from the
 * data files in drivers/profiles/. */
#ifndef BRIGADE_PROFILE_H
#define BRIGADE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "codepage.h"

#define PROFILE_ID_MAX 32
#define PROFILE_PAGES_MAX 8

/* Feature bits; the profile keys are the lower-case names in profile.c. */
#define PROFILE_QR 0x001u           /* native GS ( k QR codes */
#define PROFILE_CUT 0x002u          /* GS V full cut */
#define PROFILE_PARTIAL_CUT 0x004u  /* GS V partial cut */
#define PROFILE_DRAWER 0x008u       /* ESC p cash drawer kick */
#define PROFILE_STATUS 0x010u       /* answers DLE EOT */
#define PROFILE_BARCODE 0x020u      /* GS k function B: CODE128, EAN13,
                                       CODE39 with a length byte */
#define PROFILE_IMAGE 0x040u        /* GS v 0 raster images */
#define PROFILE_BEEP 0x080u         /* ESC B buzzer */
#define PROFILE_LABEL 0x100u        /* label stock: one document per label */
#define PROFILE_BARCODE_A 0x200u    /* GS k function A: EAN13, CODE39
                                       NUL-terminated (no CODE128) */

struct profile_page {
	enum codepage page;
	int esc_t;                  /* the n of ESC t n on this model */
};

struct profile {
	char id[PROFILE_ID_MAX + 1];    /* file name without .profile */
	char name[64];
	char vendor[48];            /* "" when the file does not say */
	int columns;                /* characters per line, font A */
	int columns_b;              /* in font B, 0 when it has none */
	int dpi;                    /* dots per inch, 0 when not known */
	int dots;                   /* printable width in dots */
	int npages;
	struct profile_page pages[PROFILE_PAGES_MAX]; /* preference order */
	unsigned features;
	int cut_feed;               /* lines to feed so the last line clears
	                               the blade before a cut */
	bool drawer_open_high;      /* DLE EOT 1 bit 2 set means open; wiring
	                               differs between drawers */
	int qr_module;              /* QR module size in dots (1..16) */
};

/* Load a profile by id ("epson-tm-t20") from the profile directories, or
 * by path when id contains a '/'. Returns 0, or -1 with a sentence in err
 * (missing file, unknown key, bad value) leaving *p untouched. */
int profile_load(const char *id, struct profile *p, char *err, size_t errsize);

/* The directories searched, in order: $BRIGADE_PROFILES, the source tree's
 * drivers/profiles (for uninstalled builds), the installed data directory.
 * Returns the count and fills dirs (up to max). */
int profile_dirs(const char **dirs, int max);

/* A built-in generic 80 mm profile for when no file can be read; printing
 * plain text must never depend on a data file being installed. */
void profile_fallback(struct profile *p);

static inline bool
profile_has(const struct profile *p, unsigned feature)
{
	return (p->features & feature) == feature;
}

#endif
