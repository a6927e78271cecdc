/* menudiff: what a menu import adds, changes and retires, for people. */
#include "menudiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "strbuf.h"

/* The server's kinds and fields under the names the CSV file gives them. */
static const struct { const char *api, *csv; } kind_names[] = {
	{ "item", "item" }, { "category", "category" }, { "group", "group" },
	{ "modifier_group", "group" }, { "modifier", "modifier" }, { "tax_class", "tax" },
	{ "station", "station" },
};
static const struct { const char *api, *csv; } field_names[] = {
	{ "sku", "code" }, { "tax_class", "tax" }, { "rate_bp", "rate" }, { "groups", "group" },
};

static const char *
kind_name(const char *api)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (strcmp(kind_names[i].api, api) == 0)
			return kind_names[i].csv;
	}
	return api;
}

static const char *
field_name(const char *api)
{
	for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
		if (strcmp(field_names[i].api, api) == 0)
			return field_names[i].csv;
	}
	return api;
}

/* Text in double quotes, its quotes doubled and control characters shown
 * as '?' (a line stays a line, and no escape reaches the terminal). */
static void
put_quoted(struct strbuf *out, const char *s)
{
	strbuf_putc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			strbuf_putc(out, '"');
		strbuf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	}
	strbuf_putc(out, '"');
}

/* A code as it is when it is one (B1, XCH), in quotes when it is a name. */
static void
put_key(struct strbuf *out, const char *s)
{
	bool plain = *s != '\0';

	for (const char *p = s; *p != '\0' && plain; p++)
		plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '/';
	if (plain)
		strbuf_puts(out, s);
	else
		put_quoted(out, s);
}

static bool
is_money_field(const char *field)
{
	size_t n = strlen(field);

	return n >= 5 && strcmp(field + n - 5, "price") == 0;
}

/* One value of a changed field, as the file would write it. */
static void
put_value(struct strbuf *out, const char *field, const cJSON *v)
{
	char buf[48];

	if (cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble &&
	    v->valuedouble < 1e15 && v->valuedouble > -1e15) {
		int64_t n = (int64_t)v->valuedouble;

		if (is_money_field(field)) {
			money_format(n, buf, sizeof buf);
		} else if (strcmp(field, "rate_bp") == 0) {
			size_t len;

			money_format(n, buf, sizeof buf);
			len = strlen(buf);
			if (len > 3 && strcmp(buf + len - 3, ".00") == 0)
				buf[len - 3] = '\0';
			strcat(buf, "%");
		} else {
			snprintf(buf, sizeof buf, "%lld", (long long)n);
		}
		strbuf_puts(out, buf);
	} else if (cJSON_IsBool(v)) {
		strbuf_puts(out, cJSON_IsTrue(v) ? "yes" : "no");
	} else if (cJSON_IsString(v)) {
		put_quoted(out, v->valuestring);
	} else if (v == NULL || cJSON_IsNull(v)) {
		strbuf_puts(out, "none");
	} else {
		const cJSON *e;
		bool strings = cJSON_IsArray(v);

		cJSON_ArrayForEach(e, v)
			strings &= cJSON_IsString(e);
		if (strings && cJSON_GetArraySize(v) == 0) {
			strbuf_puts(out, "none");
		} else if (strings) {
			cJSON_ArrayForEach(e, v) {
				if (e != v->child)
					strbuf_putc(out, '|');
				strbuf_puts(out, e->valuestring);
			}
		} else {
			char *txt = cJSON_PrintUnformatted(v);

			if (txt == NULL)
				abort();
			for (char *p = txt; *p != '\0'; p++) {
				if ((unsigned char)*p < 0x20)
					*p = '?';
			}
			strbuf_puts(out, txt);
			free(txt);
		}
	}
}

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "add item B7 \"Smash Burger\"": the verb, the kind, the key, and the
 * name when it says more than the key. */
static void
put_head(struct strbuf *out, const char *verb, const cJSON *e)
{
	const char *kind = str_of(e, "kind"), *key = str_of(e, "key"), *name = str_of(e, "name");

	strbuf_printf(out, "%s %s ", verb, kind_name(kind != NULL ? kind : "?"));
	put_key(out, key != NULL ? key : "?");
	if (name != NULL && (key == NULL || strcmp(name, key) != 0)) {
		strbuf_putc(out, ' ');
		put_quoted(out, name);
	}
}

/* The modifiers of an object array, by code; NULL when it is not one. */
static const cJSON *
mod_by_code(const cJSON *arr, const char *code)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		const char *c = str_of(e, "code");

		if (c != NULL && strcmp(c, code) == 0)
			return e;
	}
	return NULL;
}

static bool
is_modifier_list(const cJSON *arr)
{
	const cJSON *e;

	if (!cJSON_IsArray(arr))
		return false;
	cJSON_ArrayForEach(e, arr) {
		if (str_of(e, "code") == NULL)
			return false;
	}
	return true;
}

/* The codes of list that are in other too, in list's order, joined by |. */
static void
common_order(const cJSON *list, const cJSON *other, struct strbuf *out)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list) {
		if (mod_by_code(other, str_of(e, "code")) == NULL)
			continue;
		if (out->len > 0)
			strbuf_putc(out, '|');
		strbuf_puts(out, str_of(e, "code"));
	}
}

/* A group's modifiers changed: a line per modifier added, changed or
 * retired, as the file's modifier rows, each counted in n; and whether a
 * line for the group's own new order was said. */
static bool
put_modifier_changes(struct strbuf *out, const char *group, const cJSON *was,
    const cJSON *now, struct menudiff_counts *n)
{
	const cJSON *e, *f;
	struct strbuf a, b;

	cJSON_ArrayForEach(e, now) {
		const cJSON *old = mod_by_code(was, str_of(e, "code"));
		bool first = true;

		if (old == NULL) {
			strbuf_printf(out, "add modifier %s/", group);
			put_key(out, str_of(e, "code"));
			if (str_of(e, "name") != NULL) {
				strbuf_putc(out, ' ');
				put_quoted(out, str_of(e, "name"));
			}
			strbuf_putc(out, '\n');
			n->added++;
			continue;
		}
		cJSON_ArrayForEach(f, e) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, f->string);

			if (v != NULL && cJSON_Compare(v, f, true))
				continue;
			if (first) {
				strbuf_printf(out, "change modifier %s/", group);
				put_key(out, str_of(e, "code"));
			}
			strbuf_puts(out, first ? " " : ", ");
			strbuf_puts(out, field_name(f->string));
			strbuf_putc(out, ' ');
			put_value(out, f->string, v);
			strbuf_puts(out, " -> ");
			put_value(out, f->string, f);
			first = false;
		}
		if (!first) {
			strbuf_putc(out, '\n');
			n->changed++;
		}
	}
	cJSON_ArrayForEach(e, was) {
		if (mod_by_code(now, str_of(e, "code")) != NULL)
			continue;
		strbuf_printf(out, "retire modifier %s/", group);
		put_key(out, str_of(e, "code"));
		if (str_of(e, "name") != NULL) {
			strbuf_putc(out, ' ');
			put_quoted(out, str_of(e, "name"));
		}
		strbuf_putc(out, '\n');
		n->retired++;
	}
	strbuf_init(&a);
	strbuf_init(&b);
	common_order(was, now, &a);
	common_order(now, was, &b);
	bool reordered = a.len > 0 && strcmp(a.data, b.data) != 0;
	if (reordered)
		strbuf_printf(out, "change group %s modifier order %s -> %s\n", group, a.data,
		    b.data);
	strbuf_free(&a);
	strbuf_free(&b);
	return reordered;
}

/* ---- moves ------------------------------------------------------------ */

/* Where each kind's entries are in a menu document, and what keys them
 * (NULL: the entries are names). */
static const struct {
	const char *kind, *array, *key;
} lists[] = {
	{ "tax_class", "tax_classes", "code" }, { "station", "stations", NULL },
	{ "category", "categories", NULL }, { "group", "modifier_groups", "code" },
	{ "item", "items", "sku" },
};

static const char *
entry_key(const cJSON *e, const char *key)
{
	const cJSON *k = key != NULL ? cJSON_GetObjectItemCaseSensitive(e, key) : e;

	return cJSON_IsString(k) ? k->valuestring : NULL;
}

struct keyed {
	const char *key;
	int index;
};

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* The entries of one list that really moved: an entry added or retired
 * shifts the ones after it, which is no move of theirs. Of the entries in
 * both lists, the longest run already in the same order stays; each other
 * one moved, and goes into moved as key -> the key it now follows (null:
 * first). */
static void
find_moves(const cJSON *before, const cJSON *after, const char *key, cJSON *moved)
{
	int nb = cJSON_GetArraySize(before), na = cJSON_GetArraySize(after), n = 0, len = 0;
	struct keyed *idx = calloc((size_t)na + 1, sizeof *idx);
	const char **keys = calloc((size_t)nb + 1, sizeof *keys);
	int *seq = calloc((size_t)nb + 1, sizeof *seq), *tail = calloc((size_t)nb + 1, sizeof *tail);
	int *prev = calloc((size_t)nb + 1, sizeof *prev);
	bool *keep = calloc((size_t)nb + 1, sizeof *keep);
	const cJSON *e;
	int i = 0;

	if (idx == NULL || keys == NULL || seq == NULL || tail == NULL || prev == NULL ||
	    keep == NULL)
		abort();
	cJSON_ArrayForEach(e, after) {
		idx[i].key = entry_key(e, key);
		idx[i].index = i;
		i++;
	}
	for (int k = 0; k < na; k++) {
		if (idx[k].key == NULL)
			idx[k].key = "";
	}
	qsort(idx, (size_t)na, sizeof *idx, by_key);
	/* the common entries in the old order, with their place in the new */
	cJSON_ArrayForEach(e, before) {
		struct keyed want = { entry_key(e, key), 0 }, *hit;

		if (want.key == NULL)
			continue;
		hit = bsearch(&want, idx, (size_t)na, sizeof *idx, by_key);
		if (hit == NULL)
			continue;
		keys[n] = want.key;
		seq[n++] = hit->index;
	}
	/* the longest increasing run of places (patience sorting) */
	for (i = 0; i < n; i++) {
		int lo = 0, hi = len;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (seq[tail[mid]] < seq[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo > 0 ? tail[lo - 1] : -1;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (i = len > 0 ? tail[len - 1] : -1; i >= 0; i = prev[i])
		keep[i] = true;
	for (i = 0; i < n; i++) {
		const cJSON *before_it;

		if (keep[i])
			continue;
		before_it = seq[i] > 0 ? cJSON_GetArrayItem(after, seq[i] - 1) : NULL;
		if (before_it != NULL && entry_key(before_it, key) != NULL)
			cJSON_AddStringToObject(moved, keys[i], entry_key(before_it, key));
		else
			cJSON_AddNullToObject(moved, keys[i]);
	}
	free(idx);
	free(keys);
	free(seq);
	free(tail);
	free(prev);
	free(keep);
}

/* {kind: {key: key it follows now}} of what really moved between two
 * menu documents. */
static cJSON *
all_moves(const cJSON *before, const cJSON *after)
{
	cJSON *moves = cJSON_CreateObject();

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		cJSON *moved = cJSON_AddObjectToObject(moves, lists[i].kind);

		find_moves(cJSON_GetObjectItemCaseSensitive(before, lists[i].array),
		    cJSON_GetObjectItemCaseSensitive(after, lists[i].array), lists[i].key, moved);
	}
	return moves;
}

int
menudiff_render(const cJSON *answer, const cJSON *before, const cJSON *after,
    struct strbuf *out, struct menudiff_counts *n)
{
	const cJSON *added = cJSON_GetObjectItemCaseSensitive(answer, "added");
	const cJSON *changed = cJSON_GetObjectItemCaseSensitive(answer, "changed");
	const cJSON *retired = cJSON_GetObjectItemCaseSensitive(answer, "retired");
	cJSON *moves = before != NULL && after != NULL ? all_moves(before, after) : NULL;
	const cJSON *e;

	memset(n, 0, sizeof *n);
	if (!cJSON_IsArray(added) || !cJSON_IsArray(changed) || !cJSON_IsArray(retired)) {
		cJSON_Delete(moves);
		return -1;
	}
	cJSON_ArrayForEach(e, added) {
		put_head(out, "add", e);
		strbuf_putc(out, '\n');
		n->added++;
	}
	cJSON_ArrayForEach(e, changed) {
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(e, "fields"), *f;
		const char *kind = str_of(e, "kind"), *key = str_of(e, "key");
		const cJSON *mods = NULL, *moved = NULL;
		bool first = true, said;

		cJSON_ArrayForEach(f, fields) {
			const cJSON *was = cJSON_GetArrayItem(f, 0), *now = cJSON_GetArrayItem(f, 1);

			/* a group's modifiers: said one by one, below */
			if (strcmp(f->string, "modifiers") == 0 && cJSON_GetArraySize(f) == 2 &&
			    (is_modifier_list(was) || cJSON_IsNull(was)) &&
			    (is_modifier_list(now) || cJSON_IsNull(now))) {
				mods = f;
				continue;
			}
			/* a new place in the list: said when it is a move of its own,
			 * not when what came before it was added or retired */
			if (strcmp(f->string, "position") == 0 && moves != NULL && kind != NULL &&
			    key != NULL && cJSON_GetObjectItemCaseSensitive(moves, kind) != NULL) {
				moved = cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(moves, kind), key);
				continue;
			}
			if (first) {
				strbuf_printf(out, "change %s ", kind_name(kind != NULL ? kind : "?"));
				put_key(out, key != NULL ? key : "?");
			}
			strbuf_puts(out, first ? " " : ", ");
			first = false;
			strbuf_puts(out, field_name(f->string));
			strbuf_putc(out, ' ');
			if (cJSON_IsArray(f) && cJSON_GetArraySize(f) == 2) {
				put_value(out, f->string, was);
				strbuf_puts(out, " -> ");
				put_value(out, f->string, now);
			} else {
				put_value(out, f->string, f);
			}
		}
		said = !first;
		if (!first)
			strbuf_putc(out, '\n');
		if (moved != NULL) {
			strbuf_printf(out, "move %s ", kind_name(kind));
			put_key(out, key);
			if (cJSON_IsString(moved)) {
				strbuf_puts(out, " after ");
				put_key(out, moved->valuestring);
			} else {
				strbuf_puts(out, " to the top");
			}
			strbuf_putc(out, '\n');
			said = true;
		}
		if (mods != NULL)
			said |= put_modifier_changes(out, key != NULL ? key : "?",
			    cJSON_GetArrayItem(mods, 0), cJSON_GetArrayItem(mods, 1), n);
		if (fields == NULL || cJSON_GetArraySize(fields) == 0) {
			/* the server says it changed, and not how */
			strbuf_printf(out, "change %s ", kind_name(kind != NULL ? kind : "?"));
			put_key(out, key != NULL ? key : "?");
			strbuf_putc(out, '\n');
			said = true;
		}
		if (said)
			n->changed++;
	}
	cJSON_ArrayForEach(e, retired) {
		put_head(out, "retire", e);
		strbuf_putc(out, '\n');
		n->retired++;
	}
	cJSON_Delete(moves);
	return 0;
}

bool
menudiff_same(const cJSON *a, const cJSON *b)
{
	static const char *const parts[] = { "added", "changed", "retired" };

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, parts[i]),
		    cJSON_GetObjectItemCaseSensitive(b, parts[i]), true))
			return false;
	}
	return true;
}
