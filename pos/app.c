/* app: the shared state's small helpers: messages, screens by role, the
 * connection summary, money on screen. */
#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "util.h"
#include "xalloc.h"

struct app *app_main;

/* Which roles see which screens; the sale screens are for everyone. */
static const unsigned screen_roles[SCREEN_COUNT] = {
	[SCREEN_DISPATCH] = ROLE_BIT(ROLE_WAITER) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN),
	[SCREEN_MENU] = ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN),
	[SCREEN_REPORTS] = ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN),
	[SCREEN_STAFF] = ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN),
};

void
app_say(struct app *a, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg.text, sizeof a->msg.text, fmt, ap);
	va_end(ap);
	a->msg.role = role;
	a->msg.at = util_mono_ms();
	app_dirty(a);
}

void
app_go(struct app *a, enum pos_screen s)
{
	if (!app_screen_allowed(a, s))
		return;
	a->screen = s;
	a->overlay = OVERLAY_NONE;
	app_dirty(a);
}

bool
app_screen_allowed(const struct app *a, enum pos_screen s)
{
	if (s == SCREEN_LOGIN)
		return true;
	if (!a->logged_in)
		return false;
	return screen_roles[s] == 0 || (screen_roles[s] & ROLE_BIT(a->role));
}

bool
app_is_manager(const struct app *a)
{
	return a->logged_in && (a->role == ROLE_MANAGER || a->role == ROLE_ADMIN);
}

bool
app_offline(const struct app *a)
{
	if (!a->logged_in)
		return false;
	if (a->stream_state == STREAM_RECONNECTING || a->stream_state == STREAM_UNAUTHORIZED)
		return true;
	return a->have_obst && !a->obst.online;
}

const struct menu *
app_menu(const struct app *a)
{
	const struct menu *m = a->cache != NULL ? cache_menu(a->cache) : NULL;

	return m != NULL && m->nitems > 0 ? m : NULL;
}

void
app_money(money_t m, char *buf, size_t size)
{
	money_format(m, buf, size);
}
