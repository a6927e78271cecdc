/* screen_staff: the staff list from the server; a manager adds a
 * cashier, waiter or chef, sets a new PIN, changes a name or a role,
 * disables and enables (an admin the same for everyone: the server says
 * who may). Every change goes to the server at once, not through the
 * outbox (a PIN never reaches a file), and the list is read again when
 * it is taken. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "screens.h"
#include "term.h"
#include "xalloc.h"

static void
on_staff(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;

	if (r->err != API_OK) {
		app_say(a, THEME_ERROR, "Staff list: %s", r->message);
		return;
	}
	cJSON_Delete(a->staff_list);
	a->staff_list = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(r->json, "staff"), 1);
	app_dirty(a);
}

static void
staff_move(struct app *a, int key)
{
	keys_list_move(&a->staff_sel, cJSON_GetArraySize(a->staff_list), key);
}

static void
staff_reload(struct app *a, int key)
{
	session_get(a->s, "/api/v1/staff", on_staff, a);
}

/* A change taken: say so and read the list again (a refusal the form
 * has said already). */
static void
staff_changed(struct app *a, const char *what, bool ok, const cJSON *answer)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(answer, "staff");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(answer, "role");
	bool active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(answer, "active"));

	if (!ok)
		return;
	app_say(a, THEME_SUCCESS, "%s: saved (%s, %s, %s)", what, cJSON_IsString(code) ?
	    code->valuestring : "?", cJSON_IsString(role) ? role->valuestring : "?",
	    active ? "active" : "disabled");
	staff_reload(a, 0);
}

static bool
staff_changeable(struct app *a)
{
	if (app_offline(a)) {
		app_say(a, THEME_ERROR, "Offline: staff cannot be changed until the server is "
		    "back");
		return false;
	}
	return true;
}

/* The selected person's code, or NULL. */
static const char *
staff_code(struct app *a, const cJSON **person)
{
	const cJSON *s = cJSON_GetArrayItem(a->staff_list, a->staff_sel);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "staff");

	if (person != NULL)
		*person = s;
	return cJSON_IsString(code) ? code->valuestring : NULL;
}

static const char *
json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void
staff_toggle(struct app *a, int key)
{
	const cJSON *s;
	const char *code = staff_code(a, &s);
	bool active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "active"));
	cJSON *body;
	char path[64], what[64];

	if (code == NULL || !staff_changeable(a))
		return;
	body = cJSON_CreateObject();
	cJSON_AddBoolToObject(body, "active", !active);
	snprintf(path, sizeof path, "/api/v1/staff/%s", code);
	snprintf(what, sizeof what, "%s %s", active ? "Disable" : "Enable", code);
	overlay_form_send(a, "PATCH", path, body, what, staff_changed);
}

/* A PIN typed twice (fields pin and pin + 1): the same, or both wiped and
 * the person asked again. */
static bool
staff_pins_agree(struct app *a, int pin)
{
	if (strcmp(form_value(&a->form, pin), form_value(&a->form, pin + 1)) == 0)
		return true;
	field_clear(&a->form.fields[pin].f);
	field_clear(&a->form.fields[pin + 1].f);
	overlay_form_fail(a, pin, "The PIN and its repeat differ: type the PIN twice again");
	return false;
}

static void
role_choices(struct app *a, int f, const char *now)
{
	static const enum staff_role roles[] = { ROLE_CASHIER, ROLE_WAITER, ROLE_CHEF,
		ROLE_MANAGER, ROLE_ADMIN };

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		form_offer(&a->form, f, role_name(roles[i]));
	if (now != NULL)
		form_choose(&a->form, f, now);
}

enum { ADD_CODE, ADD_NAME, ADD_ROLE, ADD_PIN, ADD_PIN2 };

static void
add_submit(struct app *a)
{
	cJSON *body;
	char what[64];

	if (!staff_pins_agree(a, ADD_PIN))
		return;
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "staff", form_value(&a->form, ADD_CODE));
	cJSON_AddStringToObject(body, "name", form_value(&a->form, ADD_NAME));
	cJSON_AddStringToObject(body, "role", form_value(&a->form, ADD_ROLE));
	cJSON_AddStringToObject(body, "pin", form_value(&a->form, ADD_PIN));
	snprintf(what, sizeof what, "Add %s", form_value(&a->form, ADD_CODE));
	overlay_form_send(a, "POST", "/api/v1/staff", body, what, staff_changed);
}

/* a: a new person: code, name, role (a cashier unless chosen), PIN twice. */
static void
staff_add(struct app *a, int key)
{
	if (!staff_changeable(a))
		return;
	form_reset(&a->form, "New staff member");
	form_add_text(&a->form, "Staff code", "staff", FIELD_CODE, 32, false, NULL);
	form_add_text(&a->form, "Name", "name", FIELD_TEXT, 200, false, NULL);
	role_choices(a, form_add_choice(&a->form, "Role", "role"), NULL);
	form_add_text(&a->form, "PIN", "pin", FIELD_DIGITS, 12, true, NULL);
	form_add_text(&a->form, "PIN again", "pin", FIELD_DIGITS, 12, true, NULL);
	overlay_form_open(a, add_submit);
}

enum { PIN_PIN, PIN_PIN2 };

static void
pin_submit(struct app *a)
{
	cJSON *body;
	char path[64], what[64];

	if (!staff_pins_agree(a, PIN_PIN))
		return;
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "pin", form_value(&a->form, PIN_PIN));
	snprintf(path, sizeof path, "/api/v1/staff/%s", a->staff_edit);
	snprintf(what, sizeof what, "New PIN for %s", a->staff_edit);
	overlay_form_send(a, "PATCH", path, body, what, staff_changed);
}

/* p: a new PIN for the selected person, typed twice. */
static void
staff_pin(struct app *a, int key)
{
	const char *code = staff_code(a, NULL);
	char title[64];

	if (code == NULL || !staff_changeable(a))
		return;
	xstrlcpy(a->staff_edit, code, sizeof a->staff_edit);
	snprintf(title, sizeof title, "New PIN for %s", code);
	form_reset(&a->form, title);
	form_add_text(&a->form, "PIN", "pin", FIELD_DIGITS, 12, true, NULL);
	form_add_text(&a->form, "PIN again", "pin", FIELD_DIGITS, 12, true, NULL);
	overlay_form_open(a, pin_submit);
}

enum { EDIT_NAME, EDIT_ROLE };

static void
edit_submit(struct app *a)
{
	const cJSON *s = NULL, *p;
	cJSON *body;
	char path[64], what[64];

	cJSON_ArrayForEach(p, a->staff_list)
		if (strcmp(json_str(p, "staff"), a->staff_edit) == 0)
			s = p;
	body = cJSON_CreateObject();
	if (s == NULL || strcmp(form_value(&a->form, EDIT_NAME), json_str(s, "name")) != 0)
		cJSON_AddStringToObject(body, "name", form_value(&a->form, EDIT_NAME));
	if (s == NULL || strcmp(form_value(&a->form, EDIT_ROLE), json_str(s, "role")) != 0)
		cJSON_AddStringToObject(body, "role", form_value(&a->form, EDIT_ROLE));
	if (cJSON_GetArraySize(body) == 0) {
		cJSON_Delete(body);
		overlay_form_fail(a, -1, "Nothing changed");
		return;
	}
	snprintf(path, sizeof path, "/api/v1/staff/%s", a->staff_edit);
	snprintf(what, sizeof what, "Change %s", a->staff_edit);
	overlay_form_send(a, "PATCH", path, body, what, staff_changed);
}

/* e: the selected person's name and role. */
static void
staff_edit(struct app *a, int key)
{
	const cJSON *s;
	const char *code = staff_code(a, &s);
	char title[64];

	if (code == NULL || !staff_changeable(a))
		return;
	xstrlcpy(a->staff_edit, code, sizeof a->staff_edit);
	snprintf(title, sizeof title, "Change %s", code);
	form_reset(&a->form, title);
	form_add_text(&a->form, "Name", "name", FIELD_TEXT, 200, false, json_str(s, "name"));
	role_choices(a, form_add_choice(&a->form, "Role", "role"), json_str(s, "role"));
	overlay_form_open(a, edit_submit);
}

static const struct binding staff_map[] = {
	{ INPUT_UP, NULL, NULL, 0, staff_move },
	{ INPUT_DOWN, "Up/Dn", "person", 0, staff_move },
	{ INPUT_ENTER, "Enter", "enable / disable", MANAGERS, staff_toggle },
	{ 'a', "a", "add", MANAGERS, staff_add },
	{ 'p', "p", "new PIN", MANAGERS, staff_pin },
	{ 'e', "e", "name, role", MANAGERS, staff_edit },
	{ INPUT_CTRL('r'), "^R", "reload", 0, staff_reload },
	{ INPUT_ESC, "Esc", "back", 0, keys_to_sale },
};
const struct keytable screen_staff_keys = { staff_map, KEYS_ROWS(staff_map), NULL };

void
screen_staff_enter(struct app *a)
{
	staff_reload(a, 0);
}

void
screen_staff_draw(struct app *a)
{
	int y = 1, w = term_cols(), i = 0;
	const cJSON *s;

	cJSON_ArrayForEach(s, a->staff_list) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "staff");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(s, "role");
		bool active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "active"));
		bool locked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "locked"));
		enum theme_role r = i == a->staff_sel ? THEME_SELECTED : active ? THEME_NORMAL :
		    THEME_DIM;

		if (y >= term_rows() - 3)
			break;
		draw_fill(y, 0, 1, w, r);
		draw_textf(y++, 0, w, r, "%-8s %-24s %-9s %s%s", cJSON_IsString(code) ?
		    code->valuestring : "?", cJSON_IsString(name) ? name->valuestring : "",
		    cJSON_IsString(role) ? role->valuestring : "", active ? "active" : "disabled",
		    locked ? ", locked" : "");
		i++;
	}
}
