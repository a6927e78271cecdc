/* keymap: binding lookup, key bar layout and help lines. */
#include "keymap.h"

#include <stdio.h>
#include <string.h>

const char *
keymap_label(const struct keymap *km, const struct keymap_entry *e)
{
	if (km->state == NULL)
		return e->label != NULL ? e->label : "";
	return km->state(km->ctx, e);
}

const struct keymap_entry *
keymap_lookup(const struct keymap *km, int key)
{
	for (int i = 0; i < km->n; i++) {
		const struct keymap_entry *e = &km->entries[i];

		for (int k = 0; k < KEYMAP_KEYS_MAX && e->keys[k] != 0; k++) {
			if (e->keys[k] == key && keymap_label(km, e) != NULL)
				return e;
		}
	}
	return NULL;
}

static bool
in_bar(const struct keymap *km, const struct keymap_entry *e)
{
	return (e->flags & (KEYMAP_HELP_ONLY | KEYMAP_HIDDEN)) == 0 && e->label != NULL &&
	    keymap_label(km, e) != NULL;
}

/* Width of one bar item: " KEYS" then " label " */
static int
item_width(const struct keymap *km, const struct keymap_entry *e)
{
	return text_width(e->keys_text) + 1 + text_width(keymap_label(km, e)) + 2;
}

int
keymap_bar(const struct keymap *km, int width, struct text_seg *segs, int max)
{
	return keymap_bar_keys(km, width, segs, max, NULL);
}

int
keymap_bar_keys(const struct keymap *km, int width, struct text_seg *segs, int max, int *keys)
{
	bool take[128];
	int n = km->n < 128 ? km->n : 128, used = 0, count = 0;

	/* pinned entries first, then the others in table order while they fit */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const struct keymap_entry *e = &km->entries[i];
			bool pinned = (e->flags & KEYMAP_PINNED) != 0;

			if (pass == 0)
				take[i] = false;
			if ((pass == 0) != pinned || !in_bar(km, e))
				continue;
			int w = item_width(km, e);
			if (used + w > width)
				continue;
			take[i] = true;
			used += w;
		}
	}
	for (int i = 0; i < n; i++) {
		const struct keymap_entry *e = &km->entries[i];

		if (!take[i])
			continue;
		if (keys != NULL && count + 1 < max)
			keys[count] = keys[count + 1] = e->keys[0];
		text_seg_add(segs, &count, max, THEME_KEYBAR_KEY, " %s", e->keys_text);
		text_seg_add(segs, &count, max, THEME_KEYBAR, " %s ", keymap_label(km, e));
	}
	return count;
}

int
keymap_help(const struct keymap *km, struct text_seg *lines, int max)
{
	int keys_w = 0, count = 0;

	for (int i = 0; i < km->n; i++) {
		int w = text_width(km->entries[i].keys_text);

		if ((km->entries[i].flags & KEYMAP_HIDDEN) == 0 && w > keys_w)
			keys_w = w;
	}
	for (int i = 0; i < km->n; i++) {
		const struct keymap_entry *e = &km->entries[i];
		char keys[64];
		bool offered = keymap_label(km, e) != NULL;

		if (e->flags & KEYMAP_HIDDEN)
			continue;
		text_pad(e->keys_text, keys_w, false, keys, sizeof keys);
		text_seg_add(lines, &count, max, offered ? THEME_DIALOG : THEME_DIM, "%s  %s%s",
		    keys, e->help, offered ? "" : " (not now)");
	}
	return count;
}
