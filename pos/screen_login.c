/* screen_login: the staff code and PIN; the answer comes to main.c's
 * login handler. */
#include <string.h>

#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"

static void
login_text(struct app *a, int key)
{
	struct field *f = a->login_focus == 0 ? &a->f_staff : &a->f_pin;

	if (!field_put(f, key))
		app_say(a, THEME_ERROR, a->login_focus == 0 ? "Staff codes are letters and digits" :
		    "PINs are digits");
}

static void
login_enter(struct app *a, int key)
{
	if (a->login_focus == 0 && !field_empty(&a->f_staff)) {
		a->login_focus = 1;
		return;
	}
	if (a->logged_in)
		return;
	if (field_empty(&a->f_staff) || field_empty(&a->f_pin)) {
		app_say(a, THEME_ERROR, "Type your staff code and PIN");
		return;
	}
	/* the answer comes to main.c's login handler */
	a->logging_in = true;
	session_login(a->s, a->f_staff.text, a->f_pin.text);
	app_say(a, THEME_DIM, "Logging in as %s...", a->f_staff.text);
}

static void
login_switch(struct app *a, int key)
{
	a->login_focus = !a->login_focus;
}

static void
login_back(struct app *a, int key)
{
	field_back(a->login_focus == 0 ? &a->f_staff : &a->f_pin);
}

static void
login_clear(struct app *a, int key)
{
	field_clear(&a->f_staff);
	field_clear(&a->f_pin);
	a->login_focus = 0;
}

static void
quit(struct app *a, int key)
{
	a->quit = true;
	loop_stop(a->loop);
}

static const struct binding login_map[] = {
	{ INPUT_ENTER, "Enter", "log in", 0, login_enter },
	{ INPUT_TAB, "Tab", "next field", 0, login_switch },
	{ INPUT_DOWN, NULL, NULL, 0, login_switch },
	{ INPUT_UP, NULL, NULL, 0, login_switch },
	{ INPUT_BACKSPACE, NULL, NULL, 0, login_back },
	{ INPUT_ESC, "Esc", "clear", 0, login_clear },
	{ INPUT_F1 + 9, "F10", "quit", 0, quit },
};
const struct keytable screen_login_keys = { login_map, KEYS_ROWS(login_map), login_text };

void
screen_login_draw(struct app *a)
{
	int y, x, h, w;
	char stars[FIELD_MAX];

	draw_dialog(9, 44, "Brigade POS", THEME_DIALOG, &y, &x, &h, &w);
	draw_textf(y, x + 1, w - 2, THEME_DIALOG, "Terminal %s  %s", a->cfg.terminal,
	    session_state(a->s)->server[0] != '\0' ? session_state(a->s)->server :
	    a->cfg.servers[0]);
	draw_text(y + 2, x + 1, 12, THEME_DIALOG, "Staff code");
	draw_fill(y + 2, x + 13, 1, w - 14, a->login_focus == 0 ? THEME_INPUT_FOCUS : THEME_INPUT);
	draw_text(y + 2, x + 13, w - 14, a->login_focus == 0 ? THEME_INPUT_FOCUS : THEME_INPUT,
	    a->f_staff.text);
	draw_text(y + 4, x + 1, 12, THEME_DIALOG, "PIN");
	memset(stars, '*', a->f_pin.len);
	stars[a->f_pin.len] = '\0';
	draw_fill(y + 4, x + 13, 1, w - 14, a->login_focus == 1 ? THEME_INPUT_FOCUS : THEME_INPUT);
	draw_text(y + 4, x + 13, w - 14, a->login_focus == 1 ? THEME_INPUT_FOCUS : THEME_INPUT,
	    stars);
	if (a->logging_in)
		draw_text(y + 6, x + 1, w - 2, THEME_DIM, "Logging in...");
	term_cursor(a->login_focus == 0 ? y + 2 : y + 4, x + 13 + (a->login_focus == 0 ?
	    text_width(a->f_staff.text) : (int)a->f_pin.len));
}
