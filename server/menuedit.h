/* menuedit: every change to the menu, checked whole before anything is
 * written. A change is made on the menu's JSON document (the one GET
 * /api/v1/menu gives, without its derived fields), read back into a menu
 * and checked there: one reader and one set of rules serve the API's
 * single changes, a whole import and the start-up load alike. Pure: no
 * store, no threads. */
#ifndef BRIGADE_MENUEDIT_H
#define BRIGADE_MENUEDIT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "order.h"

/* What a change is made to. */
enum menu_kind {
	MENU_KIND_TAX,               /* a tax class, by code */
	MENU_KIND_STATION,           /* a kitchen station, by name */
	MENU_KIND_CATEGORY,          /* by name */
	MENU_KIND_GROUP,             /* a modifier group, by code */
	MENU_KIND_MODIFIER,          /* a modifier: group code, then its code */
	MENU_KIND_ITEM,              /* by sku */
	MENU_KIND_MENU,              /* all of it (PUT /menu) */
	MENU_KIND_COUNT
};

enum menu_op { MENU_CREATE, MENU_CHANGE, MENU_RETIRE, MENU_REPLACE };

struct menu_edit {
	enum menu_kind kind;
	enum menu_op op;
	char key[72];                /* the entity's key from the path */
	char key2[72];               /* MENU_KIND_MODIFIER: the modifier's code */
	const cJSON *body;           /* create, change, replace */
};

/* Check a whole menu: unique keys, every reference known, groups whose
 * min and max make sense, one item's groups never offering one code
 * twice. 0, or -1 with err naming the field (a path into the document). */
int menu_check(const struct menu *m, struct codec_error *err);

/* Make the change on cur into *out (a new menu, its version unchanged).
 * Returns 0 when out differs from cur, 1 when the change changes nothing
 * (out is then a copy of cur), -1 with err set (422 for a bad field, 404
 * for an unknown key, 409 when something still uses what would go). */
int menu_apply(const struct menu *cur, const struct menu_edit *e,
    struct menu *out, struct codec_error *err);

/* What differs between two menus, entity by entity:
 * {"added":[{kind,key,name}], "changed":[{kind,key,fields:{f:[old,new]}}],
 *  "retired":[{kind,key,name}]}. */
cJSON *menu_diff(const struct menu *from, const struct menu *to);

/* The JSON of the entity a change was made to, as it is in m (NULL when
 * retired or for the whole menu). */
cJSON *menu_entity_json(const struct menu *m, const struct menu_edit *e);

const char *menu_kind_name(enum menu_kind k);

#endif
