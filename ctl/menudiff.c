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
 * retired, as the file's modifier rows, and one for a new order. */
static void
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
	if (a.len > 0 && strcmp(a.data, b.data) != 0) {
		strbuf_printf(out, "change group %s modifier order %s -> %s\n", group, a.data,
		    b.data);
		n->changed++;
	}
	strbuf_free(&a);
	strbuf_free(&b);
}

int
menudiff_render(const cJSON *answer, struct strbuf *out, struct menudiff_counts *n)
{
	const cJSON *added = cJSON_GetObjectItemCaseSensitive(answer, "added");
	const cJSON *changed = cJSON_GetObjectItemCaseSensitive(answer, "changed");
	const cJSON *retired = cJSON_GetObjectItemCaseSensitive(answer, "retired");
	const cJSON *e;

	memset(n, 0, sizeof *n);
	if (!cJSON_IsArray(added) || !cJSON_IsArray(changed) || !cJSON_IsArray(retired))
		return -1;
	cJSON_ArrayForEach(e, added) {
		put_head(out, "add", e);
		strbuf_putc(out, '\n');
		n->added++;
	}
	cJSON_ArrayForEach(e, changed) {
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(e, "fields"), *f;
		const char *kind = str_of(e, "kind"), *key = str_of(e, "key");
		const cJSON *mods = NULL;
		bool first = true;

		cJSON_ArrayForEach(f, fields) {
			const cJSON *was = cJSON_GetArrayItem(f, 0), *now = cJSON_GetArrayItem(f, 1);

			/* a group's modifiers: said one by one, below */
			if (strcmp(f->string, "modifiers") == 0 && cJSON_GetArraySize(f) == 2 &&
			    (is_modifier_list(was) || cJSON_IsNull(was)) &&
			    (is_modifier_list(now) || cJSON_IsNull(now))) {
				mods = f;
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
		if (!first) {
			strbuf_putc(out, '\n');
			n->changed++;
		} else if (mods == NULL) {
			strbuf_printf(out, "change %s ", kind_name(kind != NULL ? kind : "?"));
			put_key(out, key != NULL ? key : "?");
			strbuf_putc(out, '\n');
			n->changed++;
		}
		if (mods != NULL)
			put_modifier_changes(out, key != NULL ? key : "?", cJSON_GetArrayItem(mods, 0),
			    cJSON_GetArrayItem(mods, 1), n);
	}
	cJSON_ArrayForEach(e, retired) {
		put_head(out, "retire", e);
		strbuf_putc(out, '\n');
		n->retired++;
	}
	return 0;
}

bool
menudiff_same(const cJSON *a, const cJSON *b)
{
	static const char *const lists[] = { "added", "changed", "retired" };

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, lists[i]),
		    cJSON_GetObjectItemCaseSensitive(b, lists[i]), true))
			return false;
	}
	return true;
}
