/* app: the shared state's small helpers: messages, screens by role (from
 * the screens table), the connection summary, changes into the session
 * with their fate on screen, money on screen. */
#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "codec.h"
#include "screens.h"
#include "util.h"
#include "xalloc.h"

struct app *app_main;

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
app_say_ticket_err(struct app *a, enum ticket_err e, const char *what)
{
	if (what != NULL && what[0] != '\0')
		app_say(a, THEME_ERROR, "%s: %s", what, ticket_err_message(e));
	else
		app_say(a, THEME_ERROR, "%s", ticket_err_message(e));
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
	unsigned roles = screens_get(s)->roles;

	if (s == SCREEN_LOGIN)
		return true;
	if (!a->logged_in)
		return false;
	return roles == 0 || (roles & ROLE_BIT(a->role));
}

bool
app_is_manager(const struct app *a)
{
	return a->logged_in && (a->role == ROLE_MANAGER || a->role == ROLE_ADMIN);
}

bool
app_offline(const struct app *a)
{
	const struct session_state *st = session_state(a->s);

	if (!a->logged_in)
		return false;
	return st->conn == SESSION_OFFLINE || st->send_failing;
}

int64_t
app_push(struct app *a, const char *method, const char *path, const cJSON *body,
    const char *order_key, const char *kind, int64_t order_id, const char *what)
{
	return app_push_key(a, method, path, body, order_key, kind, order_id, what, NULL);
}

int64_t
app_push_key(struct app *a, const char *method, const char *path, const cJSON *body,
    const char *order_key, const char *kind, int64_t order_id, const char *what,
    const char *idem_key)
{
	char *text = body != NULL ? cJSON_PrintUnformatted(body) : NULL;
	struct session_change c = { method, path, text, order_key, kind, order_id, what,
	    idem_key };
	int64_t id;

	if (body != NULL && text == NULL)
		abort();
	id = session_push(a->s, &c);
	free(text);
	if (id < 0)
		app_say(a, THEME_ERROR, "Could not store %s (%s): nothing was sent", what,
		    session_state(a->s)->error);
	app_dirty(a);
	return id;
}

void
app_order_action(struct app *a, int64_t id, int number, int version,
    enum order_action act, const char *reason)
{
	cJSON *body = cJSON_CreateObject();
	char path[96], key[32], what[48];

	cJSON_AddStringToObject(body, "action", action_name(act));
	codec_add_int(body, "expected_version", version);
	if (reason != NULL)
		cJSON_AddStringToObject(body, "reason", reason);
	snprintf(path, sizeof path, "/api/v1/orders/%lld/actions", (long long)id);
	snprintf(key, sizeof key, "order:%lld", (long long)id);
	snprintf(what, sizeof what, "%s #%d", action_name(act), number);
	if (app_push(a, "POST", path, body, key, what, id, what) > 0)
		app_say(a, THEME_PENDING, "%s: sent", what);
	cJSON_Delete(body);
}

bool
app_pending_for(const struct app *a, int64_t order_id)
{
	struct session_mark m;

	session_mark(a->s, order_id, &m);
	return m.pending;
}

void
app_load_attention(struct app *a)
{
	outbox_entries_free(a->attention, a->nattention);
	session_attention(a->s, &a->attention, &a->nattention);
	if (a->attention_sel >= a->nattention)
		a->attention_sel = a->nattention > 0 ? a->nattention - 1 : 0;
	app_dirty(a);
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
