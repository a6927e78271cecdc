/* overlay_pin: F9, for everyone at the till: their own PIN, the old one
 * and then the new one twice, sent at once (never through the outbox) and
 * wiped from the form as soon as it is sent. The new one is kept in memory
 * until the answer: taken, it is the session's for its next login; either
 * way it is wiped then. */
#include <string.h>

#include "screens.h"
#include "xalloc.h"

enum { PIN_OLD, PIN_NEW, PIN_AGAIN };

static void
pin_changed(struct app *a, const char *what, bool ok, const cJSON *answer)
{
	if (ok) {
		session_pin_changed(a->s, a->pin_sent);
		app_say(a, THEME_SUCCESS, "Your PIN is changed: the new one is for your next "
		    "login");
	}
	explicit_bzero(a->pin_sent, sizeof a->pin_sent);
}

static void
pin_submit(struct app *a)
{
	cJSON *body;

	if (strcmp(form_value(&a->form, PIN_NEW), form_value(&a->form, PIN_AGAIN)) != 0) {
		field_clear(&a->form.fields[PIN_NEW].f);
		field_clear(&a->form.fields[PIN_AGAIN].f);
		overlay_form_fail(a, PIN_NEW, "The new PIN and its repeat differ: type the new "
		    "PIN twice again");
		return;
	}
	xstrlcpy(a->pin_sent, form_value(&a->form, PIN_NEW), sizeof a->pin_sent);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "old_pin", form_value(&a->form, PIN_OLD));
	cJSON_AddStringToObject(body, "new_pin", form_value(&a->form, PIN_NEW));
	overlay_form_send(a, "POST", "/api/v1/auth/pin", body, "Your PIN change", pin_changed);
}

void
overlay_pin_open(struct app *a, int key)
{
	if (app_offline(a)) {
		app_say(a, THEME_ERROR, "Offline: your PIN cannot be changed until the server "
		    "is back");
		return;
	}
	form_reset(&a->form, "Your PIN");
	form_add_text(&a->form, "Old PIN", "old_pin", FIELD_DIGITS, 12, true, NULL);
	form_add_text(&a->form, "New PIN", "new_pin", FIELD_DIGITS, 12, true, NULL);
	form_add_text(&a->form, "New again", "new_pin", FIELD_DIGITS, 12, true, NULL);
	overlay_form_open(a, pin_submit);
}
