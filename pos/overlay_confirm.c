/* overlay_confirm: a yes/no question another screen asks (struct
 * confirm); y runs its yes, n or Esc does nothing. */
#include "draw.h"
#include "screens.h"

void
overlay_confirm_open(struct app *a, const struct confirm *c)
{
	a->confirm = c;
	a->overlay = OVERLAY_CONFIRM;
}

static void
confirm_yes(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
	if (a->confirm != NULL)
		a->confirm->yes(a);
}

static void
confirm_no(struct app *a, int key)
{
	a->overlay = OVERLAY_NONE;
	app_say(a, THEME_DIM, "Nothing done");
}

static void
confirm_text(struct app *a, int key)
{
	if (key == 'y' || key == 'Y')
		confirm_yes(a, key);
	else if (key == 'n' || key == 'N')
		confirm_no(a, key);
}

static const struct binding confirm_map[] = {
	{ 'y', "y", "yes", MANAGERS, NULL },
	{ 'n', "n", "no", 0, NULL },
	{ INPUT_ESC, "Esc", "no", 0, confirm_no },
};
const struct keytable overlay_confirm_keys = { confirm_map, KEYS_ROWS(confirm_map), confirm_text };

void
overlay_confirm_draw(struct app *a)
{
	const struct confirm *c = a->confirm;
	const char *lines[4];

	if (c == NULL)
		return;
	lines[0] = c->question;
	lines[1] = c->detail;
	lines[2] = "";
	lines[3] = c->answers;
	draw_message(c->title, lines, 4, THEME_DIALOG);
}
