/* form: labelled fields, hidden ones wiped, choices picked from lists. */
#include "form.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xalloc.h"

void
form_free(struct form *fm)
{
	for (int i = 0; i < fm->n; i++) {
		field_clear(&fm->fields[i].f);
		free(fm->fields[i].choices);
		fm->fields[i].choices = NULL;
	}
	fm->n = 0;
	fm->focus = 0;
	fm->error[0] = '\0';
	fm->sending = false;
}

void
form_reset(struct form *fm, const char *title)
{
	unsigned gen = fm->gen;

	form_free(fm);
	memset(fm, 0, sizeof *fm);
	fm->gen = gen + 1;
	xstrlcpy(fm->title, title, sizeof fm->title);
}

static struct form_field *
form_new_field(struct form *fm, const char *label, const char *key)
{
	struct form_field *ff;

	if (fm->n >= FORM_FIELDS)
		return NULL;
	ff = &fm->fields[fm->n++];
	memset(ff, 0, sizeof *ff);
	ff->label = label;
	ff->key = key;
	return ff;
}

int
form_add_text(struct form *fm, const char *label, const char *key, enum field_kind kind,
    size_t max, bool masked, const char *value)
{
	struct form_field *ff = form_new_field(fm, label, key);

	if (ff == NULL)
		return -1;
	field_init(&ff->f, kind, max, masked);
	if (value != NULL)
		field_set(&ff->f, value);
	return fm->n - 1;
}

int
form_add_choice(struct form *fm, const char *label, const char *key)
{
	struct form_field *ff = form_new_field(fm, label, key);

	if (ff == NULL)
		return -1;
	ff->choice = true;
	ff->choices = xcalloc(FORM_CHOICES, sizeof *ff->choices);
	return fm->n - 1;
}

void
form_offer(struct form *fm, int i, const char *choice)
{
	struct form_field *ff = &fm->fields[i];

	if (!ff->choice || choice == NULL || choice[0] == '\0' || ff->nchoices >= FORM_CHOICES)
		return;
	for (int k = 0; k < ff->nchoices; k++)
		if (strcmp(ff->choices[k], choice) == 0)
			return;
	xstrlcpy(ff->choices[ff->nchoices++], choice, FORM_CHOICE_MAX);
}

bool
form_choose(struct form *fm, int i, const char *choice)
{
	struct form_field *ff = &fm->fields[i];

	for (int k = 0; ff->choice && choice != NULL && k < ff->nchoices; k++) {
		if (strcmp(ff->choices[k], choice) == 0) {
			ff->sel = k;
			return true;
		}
	}
	return false;
}

const char *
form_value(const struct form *fm, int i)
{
	const struct form_field *ff = &fm->fields[i];

	if (i < 0 || i >= fm->n)
		return "";
	if (ff->choice)
		return ff->nchoices > 0 ? ff->choices[ff->sel] : "";
	return ff->f.text;
}

bool
form_put(struct form *fm, int cp)
{
	struct form_field *ff;

	if (fm->n == 0)
		return false;
	ff = &fm->fields[fm->focus];
	if (!ff->choice)
		return field_put(&ff->f, cp);
	/* a choice: the next one starting with the letter typed */
	for (int k = 1; cp < 0x80 && k <= ff->nchoices; k++) {
		int c = (ff->sel + k) % ff->nchoices;

		if (tolower((unsigned char)ff->choices[c][0]) == tolower(cp)) {
			ff->sel = c;
			return true;
		}
	}
	return false;
}

void
form_back(struct form *fm)
{
	if (fm->n > 0 && !fm->fields[fm->focus].choice)
		field_back(&fm->fields[fm->focus].f);
}

void
form_move(struct form *fm, int delta)
{
	if (fm->n > 0)
		fm->focus = ((fm->focus + delta) % fm->n + fm->n) % fm->n;
}

void
form_cycle(struct form *fm, int delta)
{
	struct form_field *ff;

	if (fm->n == 0)
		return;
	ff = &fm->fields[fm->focus];
	if (ff->choice && ff->nchoices > 0)
		ff->sel = ((ff->sel + delta) % ff->nchoices + ff->nchoices) % ff->nchoices;
}

bool
form_focus_key(struct form *fm, const char *key)
{
	const char *dot;
	size_t len;

	if (key == NULL || key[0] == '\0')
		return false;
	dot = strrchr(key, '.');
	if (dot != NULL)
		key = dot + 1;
	len = strcspn(key, "[");
	for (int i = 0; i < fm->n; i++) {
		if (fm->fields[i].key != NULL && strlen(fm->fields[i].key) == len &&
		    strncmp(fm->fields[i].key, key, len) == 0) {
			fm->focus = i;
			return true;
		}
	}
	return false;
}

void
form_drop_secrets(struct form *fm)
{
	for (int i = 0; i < fm->n; i++)
		if (fm->fields[i].f.masked)
			field_clear(&fm->fields[i].f);
}
