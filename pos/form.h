/* form: a dialog's labelled fields as a model (no curses): typed fields,
 * hidden ones (PINs, wiped whenever the form is reset or its secrets are
 * dropped), and choice fields (a category, a role) picked from a list.
 * The field the focus is on takes the keys; the server's answer names a
 * field by its body key ("price", "new_pin") and the form focuses it.
 * The form overlay (overlay_form.c) draws it and sends it. */
#ifndef BRIGADE_POS_FORM_H
#define BRIGADE_POS_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"

#define FORM_FIELDS 8
#define FORM_CHOICES 200
#define FORM_CHOICE_MAX 40           /* bytes of one choice, with its NUL */

struct form_field {
	const char *label;           /* "Price" (static text) */
	const char *key;             /* the body's field the server names, "price" */
	struct field f;              /* what is typed (not for a choice) */
	bool choice;
	int nchoices, sel;
	char (*choices)[FORM_CHOICE_MAX];   /* FORM_CHOICES of them, choice only */
};

struct form {
	char title[64];
	int n, focus;
	struct form_field fields[FORM_FIELDS];
	char error[320];             /* why the last try failed (the server's words) */
	bool sending;                /* sent; the answer has not come */
	unsigned gen;                /* rises with each form: an old answer is known */
};

/* Empty the form (every field wiped) and title it. */
void form_reset(struct form *fm, const char *title);
/* Add a field; returns its index, or -1 when the form is full. A masked
 * field shows stars and is wiped with form_drop_secrets. */
int form_add_text(struct form *fm, const char *label, const char *key, enum field_kind kind,
    size_t max, bool masked, const char *value);
int form_add_choice(struct form *fm, const char *label, const char *key);
/* Offer one more choice (an empty or repeated one is skipped); the first
 * one offered is chosen until form_choose. */
void form_offer(struct form *fm, int i, const char *choice);
/* Choose the choice that reads `choice`; false when there is none. */
bool form_choose(struct form *fm, int i, const char *choice);
/* The text of field i: what is typed, or the choice ("" for none). */
const char *form_value(const struct form *fm, int i);

/* Keys on the focused field: a character (a choice jumps to the next one
 * that starts with it), backspace, the next or previous field, the next
 * or previous choice. */
bool form_put(struct form *fm, int cp);
void form_back(struct form *fm);
void form_move(struct form *fm, int delta);
void form_cycle(struct form *fm, int delta);
/* Focus the field the server named (its key, or the key a path ends in:
 * "items[0].price" focuses "price"); false when no field has it. */
bool form_focus_key(struct form *fm, const char *key);
/* Wipe every hidden field (after a send, a refusal, a mismatch). */
void form_drop_secrets(struct form *fm);
/* Free the choice lists and wipe everything. */
void form_free(struct form *fm);

#endif
