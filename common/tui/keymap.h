/* keymap: key bindings as a table, and what the key bar and the help
 * screen show from it. An app lists its commands once (keys, a short label
 * for the bar, a sentence for the help screen, a command id); a state
 * callback says, for the moment, whether a binding is offered and under
 * which label ("start" or "bump" on the same Enter). keymap_lookup finds
 * only offered bindings, so a key that cannot succeed now does nothing and
 * the bar never shows it. A model: pure, unit-tested; keymap_view draws.
 *
 *   static const struct keymap_entry keys[] = {
 *       { { INPUT_ENTER, ' ' }, "Enter", "bump", "Bump the selected order", CMD_BUMP, 0 },
 *       { { '?' }, "?", "help", "This help", CMD_HELP, KEYMAP_PINNED },
 *   };
 *   struct keymap km = { keys, 2, state_fn, app };
 *   const struct keymap_entry *e = keymap_lookup(&km, key);
 *
 * API:
 *   keymap_lookup(km, key)            the offered binding for key, or NULL
 *   keymap_label(km, e)               its label now, NULL when not offered
 *   keymap_bar(km, width, segs, max)  the key bar's segments that fit
 *   keymap_bar_keys(..., keys)        the same, with each segment's key
 *   keymap_help(km, lines, max, cols) the help screen's lines
 */
#ifndef BRIGADE_TUI_KEYMAP_H
#define BRIGADE_TUI_KEYMAP_H

#include <stdbool.h>

#include "text.h"

#define KEYMAP_KEYS_MAX 10

#define KEYMAP_PINNED 0x1u      /* kept in the bar when space runs short */
#define KEYMAP_HELP_ONLY 0x2u   /* listed in help, never in the bar */
#define KEYMAP_HIDDEN 0x4u      /* works, but listed nowhere (aliases) */

struct keymap_entry {
	int keys[KEYMAP_KEYS_MAX];  /* input keys (input.h), 0-terminated */
	const char *keys_text;      /* how people see the keys: "Enter", "1-9" */
	const char *label;          /* short, for the bar: "bump" */
	const char *help;           /* a sentence for the help screen */
	int command;                /* the app's command */
	unsigned flags;             /* KEYMAP_* */
};

/* The label to show for e now, or NULL when it is not offered. Apps
 * return e->label in the common case. NULL state: everything offered. */
typedef const char *(*keymap_state_fn)(void *ctx, const struct keymap_entry *e);

struct keymap {
	const struct keymap_entry *entries;
	int n;
	keymap_state_fn state;
	void *ctx;
};

const struct keymap_entry *keymap_lookup(const struct keymap *km, int key);
const char *keymap_label(const struct keymap *km, const struct keymap_entry *e);

/* The bar: for each offered entry (in table order) a key segment
 * (THEME_KEYBAR_KEY, " KEYS") and a label segment (THEME_KEYBAR,
 * " label "); entries that do
 * not fit in width are left out from the end, pinned ones last. Returns
 * the segment count. */
int keymap_bar(const struct keymap *km, int width, struct text_seg *segs, int max);
/* The same, and keys[i] the key of segment i (its entry's first key), so
 * that a tap on the bar acts as that key. */
int keymap_bar_keys(const struct keymap *km, int width, struct text_seg *segs, int max,
    int *keys);

/* The help screen: one line per entry not hidden, "KEYS  sentence", with
 * the keys padded to a column; entries not offered now are marked
 * "(not now)". Returns the line count. */
int keymap_help(const struct keymap *km, struct text_seg *lines, int max);

#endif
