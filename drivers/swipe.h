/* swipe: the magnetic stripe parser, ISO 7813 tracks 1 and 2 (sentinels,
 * separators, expiry, service code, Luhn check). What comes out is what a
 * person may see: brand, last 4, name and expiry. The card number itself
 * never leaves the parser; its copies are wiped before it returns. */
#ifndef BRIGADE_SWIPE_H
#define BRIGADE_SWIPE_H

#include <stddef.h>

#include "order.h"

/* Longest input we look at: track 1 (79) + track 2 (40) + track 3 (107)
 * plus framing; more is not a card. */
#define SWIPE_MAX 256

enum swipe_result {
	SWIPE_OK,
	SWIPE_EMPTY,            /* nothing but a sentinel, or an error track */
	SWIPE_PARTIAL,          /* a track started but never ended */
	SWIPE_GARBAGE,          /* not track data at all */
	SWIPE_BAD_LUHN,         /* the number's check digit is wrong */
	SWIPE_BAD_EXPIRY,
	SWIPE_MISMATCH,         /* track 1 and track 2 disagree */
	SWIPE_RESULT_COUNT
};

struct swipe_card {
	char brand[BRAND_MAX + 1];  /* "VISA", "MASTERCARD", ... or "CARD" */
	char last4[5];
	char name[27];              /* "JOHN DOE" from "DOE/JOHN"; may be empty */
	int exp_year;               /* 2029 */
	int exp_month;              /* 1..12 */
};

/* Parse what a reader sent (track 1 and/or track 2, a trailing CR or LF
 * allowed). On anything but SWIPE_OK *card is zeroed. */
enum swipe_result swipe_parse(const char *data, size_t len, struct swipe_card *card);

/* The sentence for the person at the till; every failure says to swipe
 * again. */
const char *swipe_message(enum swipe_result r);

/* The brand of a card number by its leading digits ("VISA"); "CARD" when
 * none matches. */
const char *swipe_brand(const char *pan);

/* Luhn check of a string of digits. */
int swipe_luhn_ok(const char *digits, size_t n);

/* Fill a payment's card_info (brand and last 4, never more). */
void swipe_card_info(const struct swipe_card *c, struct card_info *out);

/* Wipe a buffer that held track data (not optimised away). */
void swipe_wipe(void *buf, size_t len);

#endif
