/* field: one line of text being typed (a PLU, an amount, a PIN, a note),
 * with a byte limit, UTF-8 aware backspace, and an optional character
 * filter. A pure model; masked fields are wiped when cleared. */
#ifndef BRIGADE_POS_FIELD_H
#define BRIGADE_POS_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#define FIELD_MAX 256

enum field_kind {
	FIELD_TEXT,                  /* any printable character */
	FIELD_PLU,                   /* A-Z a-z 0-9 - _ and the quantity star */
	FIELD_AMOUNT,                /* digits and one decimal point */
	FIELD_DIGITS,                /* PINs */
	FIELD_CODE,                  /* staff codes: A-Z a-z 0-9 - _ */
};

struct field {
	char text[FIELD_MAX];
	size_t len;
	size_t max;                  /* bytes allowed (< FIELD_MAX) */
	enum field_kind kind;
	bool masked;                 /* shown as stars, wiped on clear */
};

void field_init(struct field *f, enum field_kind kind, size_t max, bool masked);
/* Append the character with code point cp; false (nothing changes) when
 * the kind does not take it or the field is full. */
bool field_put(struct field *f, int cp);
/* Remove the last character; false when empty. */
bool field_back(struct field *f);
void field_clear(struct field *f);
void field_set(struct field *f, const char *text);
bool field_empty(const struct field *f);

#endif
