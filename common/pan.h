/* pan: spotting card numbers (PANs) in free text, so that no field of an
 * order or event can hold one. */
#ifndef BRIGADE_PAN_H
#define BRIGADE_PAN_H

#include <stdbool.h>
#include <stddef.h>

#define PAN_DIGITS_MIN 13        /* the shortest card numbers in use */
#define PAN_DIGITS_MAX 19
/* A phone number has at most 15 digits (E.164), and 13 to 15 digit
 * phone numbers pass Luhn one time in ten: in a phone field only a longer
 * run can be a card number. */
#define PAN_PHONE_DIGITS_MIN 16

/* The Luhn check of n digits. */
bool pan_luhn_ok(const char *digits, size_t n);

/* Whether text holds a card number: min_digits to 19 digits, in groups
 * joined by single spaces or dashes ("4111 1111 1111 1111"), that pass
 * the Luhn check. Any run of consecutive groups counts, so a number
 * written next to other digits is still found. */
bool pan_in_text(const char *text, int min_digits);

#endif
