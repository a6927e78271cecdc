/* screen_staff: the staff list from the server; a manager enables or
 * disables a person. */
#include <stdio.h>

#include "draw.h"
#include "screens.h"
#include "term.h"

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
staff_toggle(struct app *a, int key)
{
	const cJSON *s = cJSON_GetArrayItem(a->staff_list, a->staff_sel);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "staff");
	const cJSON *active = cJSON_GetObjectItemCaseSensitive(s, "active");
	cJSON *body;
	char path[64], what[64];

	if (!cJSON_IsString(code))
		return;
	body = cJSON_CreateObject();
	cJSON_AddBoolToObject(body, "active", !cJSON_IsTrue(active));
	snprintf(path, sizeof path, "/api/v1/staff/%s", code->valuestring);
	snprintf(what, sizeof what, "%s %s", cJSON_IsTrue(active) ? "disable" : "enable",
	    code->valuestring);
	if (app_push(a, "PATCH", path, body, NULL, what, 0, what) > 0)
		app_say(a, THEME_PENDING, "%s: sent", what);
	cJSON_Delete(body);
}

static void
staff_reload(struct app *a, int key)
{
	session_get(a->s, "/api/v1/staff", on_staff, a);
}

static const struct binding staff_map[] = {
	{ INPUT_UP, NULL, NULL, 0, staff_move },
	{ INPUT_DOWN, "Up/Dn", "person", 0, staff_move },
	{ INPUT_ENTER, "Enter", "enable / disable", MANAGERS, staff_toggle },
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
