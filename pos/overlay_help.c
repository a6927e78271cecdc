/* overlay_help: F1: the keys of the screen under it, from the same tables
 * the key bar is drawn from. */
#include <stdio.h>

#include "draw.h"
#include "screens.h"

void
overlay_help_open(struct app *a, int key)
{
	a->overlay = OVERLAY_HELP;
}

static const struct binding help_map[] = {
	{ INPUT_ESC, "Esc", "close", 0, keys_close_overlay },
};
const struct keytable overlay_help_keys = { help_map, KEYS_ROWS(help_map), keys_close_overlay };

void
overlay_help_draw(struct app *a)
{
	static const char *lines[96];
	static char text[96][96];
	const struct keytable *tabs[2];
	int n = 0;
	enum overlay keep = a->overlay;

	/* the help describes the screen under it */
	a->overlay = OVERLAY_NONE;
	tabs[0] = keys_current(a);
	tabs[1] = keys_global(a);
	a->overlay = keep;
	for (int t = 0; t < 2; t++) {
		for (int i = 0; tabs[t] != NULL && i < tabs[t]->n && n < 90; i++) {
			const struct binding *k = &tabs[t]->map[i];
			char name[32];

			if (k->what == NULL)
				continue;
			snprintf(text[n], sizeof text[n], "%-8s %s%s", k->name != NULL ? k->name :
			    input_key_name(k->key, name, sizeof name), k->what,
			    keys_role_ok(a, k) ? "" : " (managers)");
			lines[n] = text[n];
			n++;
		}
	}
	draw_message("Keys", lines, n, THEME_DIALOG);
}
