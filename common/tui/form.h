/* form: a small model of line inputs (a login with staff code and masked
 * PIN, a find-by-number prompt, an amount tendered, a table number). It
 * takes keys (input.h) and edits UTF-8 values with a cursor; it never
 * draws (form_view does). Masked values are wiped with form_wipe.
 *
 *   struct form f;
 *   form_init(&f, "Sign in");
 *   form_add(&f, "Staff code", STAFF_MAX, FORM_ID, FORM_REQUIRED);
 *   form_add(&f, "PIN", 12, FORM_DIGITS, FORM_REQUIRED | FORM_MASKED);
 *   switch (form_key(&f, key)) { case FORM_SUBMIT: ... form_value(&f, 1) ... }
 *
 * API:
 *   form_init(f, title)                         empty form
 *   form_add(f, label, max_bytes, charset, flags)  a field; its index
 *   form_key(f, key)                            FORM_* result (below)
 *   form_value(f, i) / form_set_value(f, i, v)  read / preset a value
 *   form_clear(f, i)                            empty a field (wipes it)
 *   form_focus(f, i)                            move the focus
 *   form_set_message(f, role, fmt, ...)         the line under the fields
 *   form_display(f, i, out, n, &cursor_cols)    the text to draw ('*' when
 *                                               masked) and the cursor column
 *   form_wipe(f)                                zero every value (PINs)
 */
#ifndef BRIGADE_TUI_FORM_H
#define BRIGADE_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "theme.h"

#define FORM_FIELDS_MAX 8
#define FORM_VALUE_MAX 256
#define FORM_LABEL_MAX 40

enum form_charset {
	FORM_ANY,               /* printable text, no control characters */
	FORM_DIGITS,            /* 0-9 */
	FORM_ID,                /* A-Z a-z 0-9 - _ (staff codes, skus) */
	FORM_AMOUNT,            /* digits and one '.' with at most 2 decimals */
};

#define FORM_REQUIRED 0x1u      /* submit refuses an empty value */
#define FORM_MASKED 0x2u        /* shown as '*' */

enum form_result {
	FORM_IGNORED,           /* not a key the form uses: the app may */
	FORM_CHANGED,           /* a value, the cursor or the focus moved */
	FORM_REFUSED,           /* a character the field does not take, or
	                           the field is full: the value is unchanged */
	FORM_SUBMIT,            /* Enter on the last field, all required set */
	FORM_CANCEL,            /* Esc */
};

struct form_field {
	char label[FORM_LABEL_MAX];
	char value[FORM_VALUE_MAX + 1];
	size_t max;                 /* bytes */
	size_t len;
	size_t cursor;              /* byte offset in value */
	enum form_charset charset;
	unsigned flags;             /* FORM_REQUIRED, FORM_MASKED */
};

struct form {
	char title[64];
	int nfields;
	int focus;
	struct form_field f[FORM_FIELDS_MAX];
	char message[192];          /* shown under the fields, "" for none */
	enum theme_role message_role;
	bool busy;                  /* waiting for an answer: keys are ignored
	                               (the app shows message, e.g. "Signing in") */
};

void form_init(struct form *f, const char *title);
int form_add(struct form *f, const char *label, size_t max, enum form_charset cs,
    unsigned flags);
enum form_result form_key(struct form *f, int key);
const char *form_value(const struct form *f, int i);
int form_set_value(struct form *f, int i, const char *v);
void form_clear(struct form *f, int i);
void form_focus(struct form *f, int i);
void form_set_message(struct form *f, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void form_display(const struct form *f, int i, char *out, size_t size, int *cursor_cols);
void form_wipe(struct form *f);

#endif
