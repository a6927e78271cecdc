/* menuedit: every change to the menu, checked whole before it is written. */
#include "menuedit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xalloc.h"

/* Where each kind lives in the document: its array, the field that keys
 * an object entry (NULL: the entries are plain names), and what error
 * code a duplicate or an unknown key gets. */
static const struct kind_info {
	const char *name;            /* in diffs and messages */
	const char *array;
	const char *key;
	const char *duplicate;
	const char *unknown;
} kinds[MENU_KIND_COUNT] = {
	[MENU_KIND_TAX] = { "tax_class", "tax_classes", "code", "duplicate_code", "unknown_tax_class" },
	[MENU_KIND_STATION] = { "station", "stations", NULL, "duplicate_name", "unknown_station" },
	[MENU_KIND_CATEGORY] = { "category", "categories", NULL, "duplicate_name", "unknown_category" },
	[MENU_KIND_GROUP] = { "group", "modifier_groups", "code", "duplicate_code", "unknown_group" },
	[MENU_KIND_MODIFIER] = { "modifier", "modifiers", "code", "duplicate_code", "unknown_modifier" },
	[MENU_KIND_ITEM] = { "item", "items", "sku", "duplicate_sku", "unknown_item" },
	[MENU_KIND_MENU] = { "menu", NULL, NULL, NULL, NULL },
};

const char *
menu_kind_name(enum menu_kind k)
{
	return k < MENU_KIND_COUNT ? kinds[k].name : "?";
}

/* ---- the checks -------------------------------------------------------- */

static int fail(struct codec_error *err, int status, const char *code,
    const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail(struct codec_error *err, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	codec_error_set(err, status, code, field, "%s: %s", field, msg);
	return -1;
}

static bool
has_station(const struct menu *m, const char *name)
{
	for (int i = 0; i < m->nstations; i++) {
		if (strcmp(m->stations[i], name) == 0)
			return true;
	}
	return false;
}

static int
check_groups(const struct menu *m, struct codec_error *err)
{
	char f[64];

	for (int i = 0; i < m->ngroups; i++) {
		const struct modifier_group *g = &m->groups[i];

		for (int k = 0; k < i; k++) {
			if (strcmp(m->groups[k].code, g->code) == 0) {
				snprintf(f, sizeof f, "modifier_groups[%d].code", i);
				return fail(err, 422, "duplicate_code", f,
				    "there is already a modifier group %s", g->code);
			}
		}
		snprintf(f, sizeof f, "modifier_groups[%d].min", i);
		if (g->min > g->max)
			return fail(err, 422, "invalid_field", f,
			    "min is more than max");
		if (g->min > g->nmods)
			return fail(err, 422, "invalid_field", f,
			    "min is more than the group's modifiers");
		if (g->required && g->min < 1)
			return fail(err, 422, "invalid_field", f,
			    "a required group needs a min of 1 or more");
		snprintf(f, sizeof f, "modifier_groups[%d].max", i);
		if (g->max > g->nmods)
			return fail(err, 422, "invalid_field", f,
			    "max is more than the group's modifiers");
		if (g->nmods > 0 && g->max < 1)
			return fail(err, 422, "invalid_field", f,
			    "max must be 1 or more");
		for (int k = 0; k < g->nmods; k++) {
			const struct modifier *md = &g->mods[k];

			snprintf(f, sizeof f, "modifier_groups[%d].modifiers[%d].price", i, k);
			if (md->price > PRICE_MAX || md->price < -PRICE_MAX)
				return fail(err, 422, "invalid_field", f,
				    "a price change of more than 100000.00 either way");
			for (int d = 0; d < k; d++) {
				if (strcmp(g->mods[d].code, md->code) == 0) {
					snprintf(f, sizeof f,
					    "modifier_groups[%d].modifiers[%d].code", i, k);
					return fail(err, 422, "duplicate_code", f,
					    "modifier %s is in the group twice", md->code);
				}
			}
		}
	}
	return 0;
}

/* One item's groups: known, each once, and no code offered twice. */
static int
check_item_groups(const struct menu *m, int i, struct codec_error *err)
{
	const struct menu_item *it = &m->items[i];
	char f[64];

	for (int g = 0; g < it->ngroups; g++) {
		const struct modifier_group *gr = menu_find_group(m, it->groups[g]);

		snprintf(f, sizeof f, "items[%d].groups[%d]", i, g);
		if (gr == NULL)
			return fail(err, 422, "unknown_group", f,
			    "no modifier group %s", it->groups[g]);
		for (int h = 0; h < g; h++) {
			const struct modifier_group *other;

			if (strcmp(it->groups[h], it->groups[g]) == 0)
				return fail(err, 422, "duplicate_code", f,
				    "group %s is given twice", it->groups[g]);
			other = menu_find_group(m, it->groups[h]);
			for (int a = 0; other != NULL && a < gr->nmods; a++) {
				for (int b = 0; b < other->nmods; b++) {
					if (strcmp(gr->mods[a].code, other->mods[b].code) == 0)
						return fail(err, 422, "duplicate_code", f,
						    "modifier %s is also in group %s: an order could"
						    " not say which", gr->mods[a].code, other->code);
				}
			}
		}
	}
	return 0;
}

/* Items ordered by a key (sku or barcode), then by place in the menu: a
 * key twice is found among neighbours, in n log n for a big menu. */
static const struct menu *sort_menu;
static bool sort_by_barcode;

static int
item_key_cmp(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	const struct menu_item *x = &sort_menu->items[i], *y = &sort_menu->items[j];
	int c = sort_by_barcode ? strcmp(x->barcode, y->barcode) : strcmp(x->sku, y->sku);

	return c != 0 ? c : (i > j) - (i < j);
}

static int
check_unique_items(const struct menu *m, struct codec_error *err)
{
	int *idx = xreallocarray(NULL, (size_t)m->nitems + 1, sizeof *idx);
	char f[64];
	int rc = 0;

	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (int i = 0; i < m->nitems; i++)
			idx[i] = i;
		sort_menu = m;   /* the writer thread alone checks menus */
		sort_by_barcode = pass == 1;
		qsort(idx, (size_t)m->nitems, sizeof *idx, item_key_cmp);
		for (int k = 1; k < m->nitems && rc == 0; k++) {
			const struct menu_item *a = &m->items[idx[k - 1]], *b = &m->items[idx[k]];

			if (pass == 0 && strcmp(a->sku, b->sku) == 0) {
				snprintf(f, sizeof f, "items[%d].sku", idx[k]);
				rc = fail(err, 422, "duplicate_sku", f,
				    "there is already an item %s", b->sku);
			} else if (pass == 1 && b->barcode[0] != '\0' &&
			    strcmp(a->barcode, b->barcode) == 0) {
				snprintf(f, sizeof f, "items[%d].barcode", idx[k]);
				rc = fail(err, 422, "duplicate_barcode", f,
				    "item %s has barcode %s already", a->sku, b->barcode);
			}
		}
	}
	free(idx);
	return rc;
}

int
menu_check(const struct menu *m, struct codec_error *err)
{
	char f[64];

	for (int i = 0; i < m->ntax; i++) {
		for (int k = 0; k < i; k++) {
			if (strcmp(m->tax[k].code, m->tax[i].code) == 0) {
				snprintf(f, sizeof f, "tax_classes[%d].code", i);
				return fail(err, 422, "duplicate_code", f,
				    "there is already a tax class %s", m->tax[i].code);
			}
		}
	}
	for (int i = 0; i < m->nstations; i++) {
		for (int k = 0; k < i; k++) {
			if (strcmp(m->stations[k], m->stations[i]) == 0) {
				snprintf(f, sizeof f, "stations[%d]", i);
				return fail(err, 422, "duplicate_name", f,
				    "station %s is named twice", m->stations[i]);
			}
		}
	}
	if (check_groups(m, err) < 0)
		return -1;
	if (check_unique_items(m, err) < 0)
		return -1;
	for (int i = 0; i < m->nitems; i++) {
		const struct menu_item *it = &m->items[i];

		snprintf(f, sizeof f, "items[%d].category", i);
		if (menu_category_index(m, it->category) < 0)
			return fail(err, 422, "unknown_category", f,
			    "no category \"%s\"", it->category);
		snprintf(f, sizeof f, "items[%d].station", i);
		if (!has_station(m, it->station))
			return fail(err, 422, "unknown_station", f,
			    "no station \"%s\" (the menu's stations are its kitchen's)",
			    it->station);
		snprintf(f, sizeof f, "items[%d].tax_class", i);
		if (menu_find_tax(m, it->tax_class) == NULL)
			return fail(err, 422, "unknown_tax_class", f,
			    "no tax class \"%s\"", it->tax_class);
		if (check_item_groups(m, i, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- changes on the document ------------------------------------------- */

/* The index of the entry keyed key in arr (strings or objects), or -1. */
static int
find_entry(const cJSON *arr, const char *keyfield, const char *key)
{
	const cJSON *e;
	int i = 0;

	cJSON_ArrayForEach(e, arr) {
		const cJSON *k = keyfield != NULL ?
		    cJSON_GetObjectItemCaseSensitive(e, keyfield) : e;

		if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0)
			return i;
		i++;
	}
	return -1;
}

/* Read "position" from a change's body: where the entry goes in a list of
 * n (after the entry is taken out). -1 when not given. */
static int
position_arg(const cJSON *body, int n, int *pos, struct codec_error *err)
{
	int64_t v = 0;
	bool have = false;

	*pos = -1;
	if (codec_get_int(body, "position", NULL, 0, n, false, &v, &have, err) < 0)
		return -1;
	if (have)
		*pos = (int)v;
	return 0;
}

static void
insert_at(cJSON *arr, int pos, cJSON *entry)
{
	if (pos < 0 || pos >= cJSON_GetArraySize(arr))
		cJSON_AddItemToArray(arr, entry);
	else
		cJSON_InsertItemInArray(arr, pos, entry);
}

/* Every item whose field names from gets to instead. */
static void
rename_refs(cJSON *doc, const char *field, const char *from, const char *to)
{
	cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items")) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(it, field);

		if (cJSON_IsString(v) && strcmp(v->valuestring, from) == 0)
			cJSON_SetValuestring(v, to);
	}
}

/* The skus of the items that still use key (through field, or through
 * their groups list), for a 409's message: "B1, B2 and 3 more". */
static int
users(const cJSON *doc, const char *field, const char *key, char *out, size_t size)
{
	const cJSON *it;
	int n = 0;
	size_t len = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items")) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, field);
		const cJSON *sku = cJSON_GetObjectItemCaseSensitive(it, "sku");
		bool uses = false;

		if (cJSON_IsArray(v))
			uses = find_entry(v, NULL, key) >= 0;
		else
			uses = cJSON_IsString(v) && strcmp(v->valuestring, key) == 0;
		if (!uses || !cJSON_IsString(sku))
			continue;
		if (n < 10 && len + strlen(sku->valuestring) + 3 < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
			    n > 0 ? ", " : "", sku->valuestring);
		n++;
	}
	if (n > 10 && len + 24 < size)
		snprintf(out + len, size - len, " and %d more", n - 10);
	return n;
}

/* A 409 when items still use what would be retired. */
static int
still_used(const cJSON *doc, const struct menu_edit *e, struct codec_error *err)
{
	static const struct {
		const char *field, *code, *what;
	} uses[MENU_KIND_COUNT] = {
		[MENU_KIND_TAX] = { "tax_class", "tax_class_in_use", "tax class" },
		[MENU_KIND_STATION] = { "station", "station_in_use", "station" },
		[MENU_KIND_CATEGORY] = { "category", "category_not_empty", "category" },
		[MENU_KIND_GROUP] = { "groups", "group_in_use", "modifier group" },
	};
	char skus[200];

	if (uses[e->kind].field == NULL ||
	    users(doc, uses[e->kind].field, e->key, skus, sizeof skus) == 0)
		return 0;
	codec_error_set(err, 409, uses[e->kind].code, kinds[e->kind].key != NULL ?
	    kinds[e->kind].key : "name",
	    "%s %s still has items: %s; move or retire them first",
	    uses[e->kind].what, e->key, skus);
	return -1;
}

/* The list a change works on: the document's array for its kind, or a
 * group's modifiers. NULL with a 404 when the group is unknown. */
static cJSON *
target_list(cJSON *doc, const struct menu_edit *e, int *group,
    struct codec_error *err)
{
	cJSON *groups = cJSON_GetObjectItemCaseSensitive(doc, "modifier_groups");

	*group = -1;
	if (e->kind != MENU_KIND_MODIFIER)
		return cJSON_GetObjectItemCaseSensitive(doc, kinds[e->kind].array);
	*group = find_entry(groups, "code", e->key);
	if (*group < 0) {
		codec_error_set(err, 404, "unknown_group", "group",
		    "no modifier group %s on the menu", e->key);
		return NULL;
	}
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(groups, *group),
	    "modifiers");
}

static const char *
entry_key(const struct menu_edit *e)
{
	return e->kind == MENU_KIND_MODIFIER ? e->key2 : e->key;
}

/* A new entry from a create's body. */
static cJSON *
new_entry(const struct menu_edit *e, struct codec_error *err)
{
	const struct kind_info *k = &kinds[e->kind];
	const cJSON *v;
	cJSON *entry;

	if (k->key == NULL) {
		v = cJSON_GetObjectItemCaseSensitive(e->body, "name");
		if (v == NULL) {
			codec_error_set(err, 422, "missing_field", "name", "name: required");
			return NULL;
		}
		return cJSON_Duplicate(v, true);
	}
	entry = cJSON_Duplicate(e->body, true);
	cJSON_DeleteItemFromObjectCaseSensitive(entry, "position");
	return entry;
}

/* A change's body laid over the entry at index i of list. */
static int
change_entry(cJSON *doc, cJSON *list, int i, const struct menu_edit *e,
    struct codec_error *err)
{
	const struct kind_info *k = &kinds[e->kind];
	cJSON *entry = cJSON_GetArrayItem(list, i);
	const cJSON *v;
	int changes = 0;

	if (k->key == NULL) {
		v = cJSON_GetObjectItemCaseSensitive(e->body, "name");
		if (v == NULL)
			return 0;
		if (!cJSON_IsString(v)) {
			codec_error_set(err, 422, "invalid_field", "name", "name: must be a string");
			return -1;
		}
		if (strcmp(v->valuestring, e->key) != 0) {
			if (find_entry(list, NULL, v->valuestring) >= 0) {
				codec_error_set(err, 422, k->duplicate, "name",
				    "name: there is already a %s \"%s\"", k->name, v->valuestring);
				return -1;
			}
			rename_refs(doc, e->kind == MENU_KIND_CATEGORY ? "category" : "station",
			    e->key, v->valuestring);
			cJSON_SetValuestring(entry, v->valuestring);
		}
		return 1;
	}
	cJSON_ArrayForEach(v, e->body) {
		if (strcmp(v->string, "position") == 0)
			continue;
		if (strcmp(v->string, k->key) == 0) {
			if (!cJSON_IsString(v) || strcmp(v->valuestring, entry_key(e)) != 0) {
				codec_error_set(err, 422, "invalid_field", k->key,
				    "%s: cannot change; retire this %s and make a new one",
				    k->key, k->name);
				return -1;
			}
			continue;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(entry, v->string);
		cJSON_AddItemToObject(entry, v->string, cJSON_Duplicate(v, true));
		changes++;
	}
	return changes;
}

/* Map a field path into the document back to the body's own field when
 * the error is in the entry being changed: "items[3].price" -> "price". */
static void
local_field(struct codec_error *err, const char *prefix)
{
	size_t n = strlen(prefix);

	if (prefix[0] != '\0' && strcmp(err->field, prefix) == 0) {
		/* a plain name's entry: the body's "name" */
		char msg[sizeof err->message];

		snprintf(msg, sizeof msg, "name%s", err->message + n);
		xstrlcpy(err->message, msg, sizeof err->message);
		xstrlcpy(err->field, "name", sizeof err->field);
		return;
	}
	if (prefix[0] != '\0' && strncmp(err->field, prefix, n) == 0 &&
	    err->field[n] == '.') {
		char field[sizeof err->field];
		char msg[sizeof err->message];
		const char *rest = err->field + n + 1;
		size_t fl = strlen(err->field);

		xstrlcpy(field, rest, sizeof field);
		/* the message starts with the field too */
		if (strncmp(err->message, err->field, fl) == 0) {
			snprintf(msg, sizeof msg, "%s%s", field, err->message + fl);
			xstrlcpy(err->message, msg, sizeof err->message);
		}
		xstrlcpy(err->field, field, sizeof err->field);
	}
}

static int
apply_doc(cJSON *doc, const struct menu_edit *e, char *prefix, size_t psize,
    struct codec_error *err)
{
	const struct kind_info *k = &kinds[e->kind];
	int group, i, n, pos = -1;
	cJSON *list;

	prefix[0] = '\0';
	if (e->op != MENU_RETIRE && !cJSON_IsObject(e->body)) {
		codec_error_set(err, 400, "bad_request", NULL, "the body must be a JSON object");
		return -1;
	}
	if (k->key == NULL && e->op != MENU_RETIRE) {
		static const char *const keys[] = { "name", "position", NULL };

		if (codec_only_keys(e->body, NULL, keys, err) < 0)
			return -1;
	}
	if ((list = target_list(doc, e, &group, err)) == NULL)
		return -1;
	n = cJSON_GetArraySize(list);
	i = find_entry(list, k->key, entry_key(e));
	switch (e->op) {
	case MENU_CREATE: {
		const cJSON *key = k->key != NULL ?
		    cJSON_GetObjectItemCaseSensitive(e->body, k->key) :
		    cJSON_GetObjectItemCaseSensitive(e->body, "name");
		cJSON *entry;

		if (cJSON_IsString(key) && find_entry(list, k->key, key->valuestring) >= 0) {
			codec_error_set(err, 422, k->duplicate, k->key != NULL ? k->key : "name",
			    "%s: there is already a %s %s", k->key != NULL ? k->key : "name",
			    k->name, key->valuestring);
			return -1;
		}
		if (position_arg(e->body, n, &pos, err) < 0 ||
		    (entry = new_entry(e, err)) == NULL)
			return -1;
		insert_at(list, pos, entry);
		i = pos >= 0 ? pos : n;
		break;
	}
	case MENU_CHANGE: {
		int changes;

		if (i < 0)
			goto unknown;
		if (position_arg(e->body, n - 1, &pos, err) < 0 ||
		    (changes = change_entry(doc, list, i, e, err)) < 0)
			return -1;
		if (changes == 0 && pos < 0) {
			codec_error_set(err, 422, "missing_field", NULL,
			    "nothing to change: give the fields to change");
			return -1;
		}
		if (pos >= 0 && pos != i) {
			cJSON *entry = cJSON_DetachItemFromArray(list, i);

			insert_at(list, pos, entry);
			i = pos;
		}
		break;
	}
	case MENU_RETIRE:
		if (i < 0)
			goto unknown;
		if (still_used(doc, e, err) < 0)
			return -1;
		cJSON_DeleteItemFromArray(list, i);
		return 0;
	case MENU_REPLACE:
		return 0;
	}
	if (e->kind == MENU_KIND_MODIFIER)
		snprintf(prefix, psize, "modifier_groups[%d].modifiers[%d]", group, i);
	else
		snprintf(prefix, psize, "%s[%d]", k->array, i);
	return 0;
unknown:
	codec_error_set(err, 404, k->unknown, NULL, "no %s %s on the menu", k->name,
	    entry_key(e));
	return -1;
}

int
menu_apply(const struct menu *cur, const struct menu_edit *e, struct menu *out,
    struct codec_error *err)
{
	cJSON *doc, *a, *b;
	char prefix[64];
	int rc;

	menu_init(out);
	if (e->op == MENU_REPLACE) {
		if (!cJSON_IsObject(e->body)) {
			codec_error_set(err, 400, "bad_request", NULL,
			    "the body must be a JSON object: the whole menu");
			return -1;
		}
		doc = cJSON_Duplicate(e->body, true);
		prefix[0] = '\0';
	} else {
		doc = menu_to_json_doc(cur);
		if (apply_doc(doc, e, prefix, sizeof prefix, err) < 0) {
			cJSON_Delete(doc);
			return -1;
		}
	}
	rc = menu_from_json(doc, out, err);
	cJSON_Delete(doc);
	if (rc == 0) {
		/* an item that names no tax class takes the first, whether it
		 * came alone or in a whole menu */
		for (int i = 0; out->ntax > 0 && i < out->nitems; i++) {
			if (out->items[i].tax_class[0] == '\0')
				xstrlcpy(out->items[i].tax_class, out->tax[0].code,
				    sizeof out->items[i].tax_class);
		}
		out->version = cur->version;
		out->tax_bp = out->ntax > 0 ? out->tax[0].rate_bp : cur->tax_bp;
		memcpy(out->currency, cur->currency, sizeof out->currency);
		rc = menu_check(out, err);
	}
	if (rc < 0) {
		local_field(err, prefix);
		menu_free(out);
		return -1;
	}
	/* the same document: nothing changes, nothing is written */
	a = menu_to_json_doc(cur);
	b = menu_to_json_doc(out);
	rc = cJSON_Compare(a, b, true) ? 1 : 0;
	cJSON_Delete(a);
	cJSON_Delete(b);
	return rc;
}

/* ---- diffs -------------------------------------------------------------- */

static void
diff_entry(cJSON *list, const char *kind, const char *key, const cJSON *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(o, "key", key);
	if (cJSON_IsString(name))
		cJSON_AddStringToObject(o, "name", name->valuestring);
	cJSON_AddItemToArray(list, o);
}

/* Which entries of `to` moved: of the entries both lists hold, those
 * outside a longest run that kept its order (an entry added or retired
 * above others does not move them). moved[i] for to's i-th entry. */
static void
find_moves(const cJSON *from, const cJSON *to, const struct kind_info *k,
    bool *moved)
{
	int n = cJSON_GetArraySize(to), m = 0;
	int *idx = xreallocarray(NULL, (size_t)n + 1, sizeof *idx);     /* old index */
	int *pos = xreallocarray(NULL, (size_t)n + 1, sizeof *pos);     /* in to */
	int *tail = xreallocarray(NULL, (size_t)n + 1, sizeof *tail);
	int *prev = xreallocarray(NULL, (size_t)n + 1, sizeof *prev);
	int len = 0, i = 0;
	const cJSON *e;

	cJSON_ArrayForEach(e, to) {
		const cJSON *kv = k->key != NULL ? cJSON_GetObjectItemCaseSensitive(e, k->key) : e;
		int old = cJSON_IsString(kv) ? find_entry(from, k->key, kv->valuestring) : -1;

		moved[i] = false;
		if (old >= 0) {
			idx[m] = old;
			pos[m++] = i;
		}
		i++;
	}
	/* longest increasing run of old indices (patience sorting) */
	for (int j = 0; j < m; j++) {
		int lo = 0, hi = len;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (idx[tail[mid]] < idx[j])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[j] = lo > 0 ? tail[lo - 1] : -1;
		tail[lo] = j;
		if (lo == len)
			len++;
	}
	for (int j = 0; j < m; j++)
		moved[pos[j]] = true;
	for (int j = len > 0 ? tail[len - 1] : -1; j >= 0; j = prev[j])
		moved[pos[j]] = false;
	free(idx);
	free(pos);
	free(tail);
	free(prev);
}

static void
diff_kind(const cJSON *from, const cJSON *to, const struct kind_info *k,
    cJSON *added, cJSON *changed, cJSON *retired)
{
	const cJSON *e;
	int i = 0;
	bool *moved = xreallocarray(NULL, (size_t)cJSON_GetArraySize(to) + 1, sizeof *moved);

	find_moves(from, to, k, moved);
	cJSON_ArrayForEach(e, to) {
		const cJSON *kv = k->key != NULL ? cJSON_GetObjectItemCaseSensitive(e, k->key) : e;
		const cJSON *name = k->key != NULL ? cJSON_GetObjectItemCaseSensitive(e, "name") : e;
		int old;

		if (!cJSON_IsString(kv)) {
			i++;
			continue;
		}
		old = find_entry(from, k->key, kv->valuestring);
		if (old < 0) {
			diff_entry(added, k->name, kv->valuestring, name);
		} else {
			const cJSON *o = cJSON_GetArrayItem(from, old);
			cJSON *fields = cJSON_CreateObject();
			const cJSON *f;

			if (k->key != NULL) {
				cJSON_ArrayForEach(f, e) {
					const cJSON *was = cJSON_GetObjectItemCaseSensitive(o, f->string);

					if (was == NULL || !cJSON_Compare(was, f, true)) {
						cJSON *pair = cJSON_AddArrayToObject(fields, f->string);

						cJSON_AddItemToArray(pair, was != NULL ?
						    cJSON_Duplicate(was, true) : cJSON_CreateNull());
						cJSON_AddItemToArray(pair, cJSON_Duplicate(f, true));
					}
				}
			}
			if (moved[i]) {
				cJSON *pair = cJSON_AddArrayToObject(fields, "position");

				cJSON_AddItemToArray(pair, cJSON_CreateNumber(old));
				cJSON_AddItemToArray(pair, cJSON_CreateNumber(i));
			}
			if (cJSON_GetArraySize(fields) > 0) {
				cJSON *c = cJSON_CreateObject();

				cJSON_AddStringToObject(c, "kind", k->name);
				cJSON_AddStringToObject(c, "key", kv->valuestring);
				cJSON_AddItemToObject(c, "fields", fields);
				cJSON_AddItemToArray(changed, c);
			} else {
				cJSON_Delete(fields);
			}
		}
		i++;
	}
	free(moved);
	cJSON_ArrayForEach(e, from) {
		const cJSON *kv = k->key != NULL ? cJSON_GetObjectItemCaseSensitive(e, k->key) : e;
		const cJSON *name = k->key != NULL ? cJSON_GetObjectItemCaseSensitive(e, "name") : e;

		if (cJSON_IsString(kv) && find_entry(to, k->key, kv->valuestring) < 0)
			diff_entry(retired, k->name, kv->valuestring, name);
	}
}

cJSON *
menu_diff(const struct menu *from, const struct menu *to)
{
	static const enum menu_kind order[] = { MENU_KIND_TAX, MENU_KIND_STATION,
	    MENU_KIND_CATEGORY, MENU_KIND_GROUP, MENU_KIND_ITEM };
	cJSON *a = menu_to_json_doc(from), *b = menu_to_json_doc(to);
	cJSON *d = cJSON_CreateObject();
	cJSON *added = cJSON_AddArrayToObject(d, "added");
	cJSON *changed = cJSON_AddArrayToObject(d, "changed");
	cJSON *retired = cJSON_AddArrayToObject(d, "retired");

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const struct kind_info *k = &kinds[order[i]];

		diff_kind(cJSON_GetObjectItemCaseSensitive(a, k->array),
		    cJSON_GetObjectItemCaseSensitive(b, k->array), k, added, changed,
		    retired);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
	return d;
}

cJSON *
menu_entity_json(const struct menu *m, const struct menu_edit *e)
{
	const struct kind_info *k = &kinds[e->kind];
	cJSON *doc, *list, *out = NULL;
	const char *key = entry_key(e);
	int group, i;
	struct codec_error err;

	if (e->kind == MENU_KIND_MENU || e->op == MENU_RETIRE)
		return NULL;
	doc = menu_to_json(m);
	if (e->op == MENU_CREATE) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e->body,
		    k->key != NULL ? k->key : "name");

		key = cJSON_IsString(v) ? v->valuestring : "";
	} else if (k->key == NULL) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e->body, "name");

		if (cJSON_IsString(v))
			key = v->valuestring;   /* renamed */
	}
	list = target_list(doc, e, &group, &err);
	if (list != NULL && (i = find_entry(list, k->key, key)) >= 0)
		out = cJSON_DetachItemFromArray(list, i);
	cJSON_Delete(doc);
	if (out != NULL && k->key == NULL) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "name", out);
		out = o;
	}
	return out;
}
