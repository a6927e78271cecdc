/* codepage: single-byte printer code pages (CP437, CP850, CP858 with the
 * euro sign, Windows-1252) and the mapping between them and Unicode. */
#ifndef BRIGADE_CODEPAGE_H
#define BRIGADE_CODEPAGE_H

#include <stdint.h>

enum codepage {
	CODEPAGE_CP437,
	CODEPAGE_CP850,
	CODEPAGE_CP858,
	CODEPAGE_CP1252,
	CODEPAGE_COUNT
};

const char *codepage_name(enum codepage p);
/* "CP858" (case-insensitive) -> CODEPAGE_CP858; -1 if unknown. */
int codepage_parse(const char *name);
/* The byte for code point cp in page p, or -1 when the page lacks it.
 * Printable ASCII maps to itself in every page; control characters never
 * map (text must not turn into printer commands). */
int codepage_encode(enum codepage p, int32_t cp);
/* The code point of byte b in page p, -1 for an undefined byte. */
int32_t codepage_decode(enum codepage p, unsigned char b);

#endif
