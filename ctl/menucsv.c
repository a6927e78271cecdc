/* menucsv: the menu as one CSV file, to the JSON menu document and back. */
#include "menucsv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "money.h"
#include "order.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

/* The columns, in the order export writes them. */
enum col {
	COL_TYPE, COL_CODE, COL_NAME, COL_PRICE, COL_CATEGORY, COL_TAX, COL_STATION,
	COL_KITCHEN_NAME, COL_GROUP, COL_AVAILABLE, COL_BARCODE, COL_RATE, COL_MIN,
	COL_MAX, COL_REQUIRED,
	COL_COMMENT,                 /* the owner's notes: read, ignored, not written */
	COL_COUNT,
	COL_NONE = -1
};

static const char *const col_names[COL_COUNT] = {
	"type", "code", "name", "price", "category", "tax", "station", "kitchen_name",
	"group", "available", "barcode", "rate", "min", "max", "required", "comment",
};

#define B(c) (1u << (c))

/* A growable list of row numbers: which row each entry of a document
 * array came from. */
struct rows {
	int *v;
	int n;
};

static void
rows_push(struct rows *r, int row)
{
	r->v = xreallocarray(r->v, (size_t)r->n + 1, sizeof *r->v);
	r->v[r->n++] = row;
}

struct menucsv {
	cJSON *doc;
	int cols[COL_COUNT];         /* 1-based column of each in the file, 0: absent */
	struct rows tax, stations, categories, groups, items;
	struct rows *mods;           /* per group: its modifiers' rows */
	bool stations_derived;       /* no station rows: the items' stations */
};

/* A modifier row waiting for its group (groups may come later in the file). */
struct pending_mod {
	int row;
	char *group;
	cJSON *obj;
};

struct reader {
	struct menucsv *m;
	struct menucsv_errors *errs;
	char delim;
	cJSON *tax, *stations, *categories, *groups, *items;
	struct pending_mod *mods;
	int nmods;
	char *current_group;         /* the group a modifier row under it belongs to */
	cJSON *bad;                  /* "kind:key" of declared rows that had errors */
};

struct row_kind;
typedef void (*row_fn)(struct reader *r, int row, char *const v[COL_COUNT]);

/* What each type of row is, which columns it takes and which it needs:
 * a value in any other column is a mistake (a value in the wrong column,
 * a row of the wrong type), and is said so. */
static void read_tax(struct reader *r, int row, char *const v[COL_COUNT]);
static void read_station(struct reader *r, int row, char *const v[COL_COUNT]);
static void read_category(struct reader *r, int row, char *const v[COL_COUNT]);
static void read_group(struct reader *r, int row, char *const v[COL_COUNT]);
static void read_modifier(struct reader *r, int row, char *const v[COL_COUNT]);
static void read_item(struct reader *r, int row, char *const v[COL_COUNT]);

static const struct row_kind {
	const char *name;
	unsigned takes;
	unsigned needs;
	row_fn read;
} kinds[] = {
	{ "tax", B(COL_CODE) | B(COL_NAME) | B(COL_RATE),
	    B(COL_CODE) | B(COL_NAME) | B(COL_RATE), read_tax },
	{ "station", B(COL_CODE), B(COL_CODE), read_station },
	{ "category", B(COL_NAME), B(COL_NAME), read_category },
	{ "group", B(COL_CODE) | B(COL_NAME) | B(COL_MIN) | B(COL_MAX) | B(COL_REQUIRED),
	    B(COL_CODE) | B(COL_NAME), read_group },
	{ "modifier", B(COL_GROUP) | B(COL_CODE) | B(COL_NAME) | B(COL_PRICE) |
	    B(COL_AVAILABLE), B(COL_CODE) | B(COL_NAME), read_modifier },
	{ "item", B(COL_CODE) | B(COL_NAME) | B(COL_PRICE) | B(COL_CATEGORY) | B(COL_TAX) |
	    B(COL_STATION) | B(COL_KITCHEN_NAME) | B(COL_GROUP) | B(COL_AVAILABLE) |
	    B(COL_BARCODE), B(COL_CODE) | B(COL_NAME) | B(COL_PRICE) | B(COL_CATEGORY) |
	    B(COL_TAX) | B(COL_STATION), read_item },
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The document's field names against the file's columns, per part. */
struct field_col {
	const char *key;
	enum col col;
};

static const struct field_col tax_fields[] = {
	{ "code", COL_CODE }, { "name", COL_NAME }, { "rate_bp", COL_RATE }, { NULL, 0 },
};
static const struct field_col group_fields[] = {
	{ "code", COL_CODE }, { "name", COL_NAME }, { "min", COL_MIN }, { "max", COL_MAX },
	{ "required", COL_REQUIRED }, { NULL, 0 },
};
static const struct field_col mod_fields[] = {
	{ "code", COL_CODE }, { "name", COL_NAME }, { "price", COL_PRICE },
	{ "available", COL_AVAILABLE }, { NULL, 0 },
};
static const struct field_col item_fields[] = {
	{ "sku", COL_CODE }, { "name", COL_NAME }, { "kitchen_name", COL_KITCHEN_NAME },
	{ "price", COL_PRICE }, { "tax_class", COL_TAX }, { "category", COL_CATEGORY },
	{ "station", COL_STATION }, { "available", COL_AVAILABLE }, { "barcode", COL_BARCODE },
	{ "groups", COL_GROUP }, { NULL, 0 },
};

/* ---- errors ---------------------------------------------------------- */

static void add_error(struct menucsv_errors *errs, int row, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add_error(struct menucsv_errors *errs, int row, int col, const char *fmt, ...)
{
	struct menucsv_error *e;
	va_list ap;

	if (errs->n >= MENUCSV_ERRORS_MAX) {
		errs->more++;
		return;
	}
	e = &errs->e[errs->n++];
	e->row = row;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}

static void fail(struct reader *r, int row, enum col c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* An error in row's column c, the message led by the column's name. */
static void
fail(struct reader *r, int row, enum col c, const char *fmt, ...)
{
	char msg[180];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c == COL_NONE)
		add_error(r->errs, row, 0, "%s", msg);
	else
		add_error(r->errs, row, r->m->cols[c], "%s: %s", col_names[c], msg);
}

/* A value as quoted in a message: at most 40 bytes, control characters
 * shown as '?', so that a message stays one line. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t n = utf8_truncate(s, 40), i = 0;

	if (size < 8)
		return "";
	buf[i++] = '"';
	for (size_t k = 0; k < n && i + 6 < size; k++)
		buf[i++] = (unsigned char)s[k] < 0x20 || s[k] == 0x7f ? '?' : s[k];
	if (n < strlen(s)) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i++] = '"';
	buf[i] = '\0';
	return buf;
}

/* ---- values ---------------------------------------------------------- */

static void
trim(struct csv_field *f)
{
	char *s = f->text;
	size_t a = 0, b = f->len;

	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	memmove(s, s + a, b - a);
	s[b - a] = '\0';
	f->len = b - a;
}

/* A code (sku, tax class, group, modifier, station): 1 to max of
 * A-Z a-z 0-9 - _. */
static bool
check_code(struct reader *r, int row, enum col c, const char *s, size_t max)
{
	char buf[64];

	if (strlen(s) > max) {
		fail(r, row, c, "%s is longer than %zu characters", shown(s, buf, sizeof buf), max);
		return false;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			fail(r, row, c, "%s may hold only letters A-Z, digits, - and _",
			    shown(s, buf, sizeof buf));
			return false;
		}
	}
	return true;
}

/* A name: at most max bytes of UTF-8 on one line. */
static bool
check_text(struct reader *r, int row, enum col c, const char *s, size_t max)
{
	char buf[64];

	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			fail(r, row, c, "%s holds a line break or another control character",
			    shown(s, buf, sizeof buf));
			return false;
		}
	}
	if (strlen(s) > max) {
		fail(r, row, c, "%s is longer than %zu bytes (%zu)", shown(s, buf, sizeof buf),
		    max, strlen(s));
		return false;
	}
	return true;
}

/* An amount in major units: "9.50", "9.5", "9", "-1.00" where negative is
 * allowed; in a semicolon file, "9,50" too. */
static bool
parse_amount(const char *s, char delim, bool negative, money_t *out)
{
	char buf[32];
	bool minus = false;

	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	if (delim == ';') {
		char *comma = strchr(buf, ',');

		if (comma != NULL && strchr(buf, '.') == NULL && strchr(comma + 1, ',') == NULL)
			*comma = '.';
	}
	const char *p = buf;
	if (*p == '-' && negative) {
		minus = true;
		p++;
	}
	if (money_parse(p, out) < 0)
		return false;
	if (minus)
		*out = -*out;
	return true;
}

static bool
read_amount(struct reader *r, int row, enum col c, const char *s, bool negative,
    money_t *out)
{
	char buf[64];

	if (parse_amount(s, r->delim, negative, out))
		return true;
	fail(r, row, c, "%s is not an amount (write it like 9.50%s)", shown(s, buf, sizeof buf),
	    negative ? ", or -1.00 for less" : "");
	return false;
}

/* A tax rate in percent: "8.25", "8.25%", "20", "0". */
static bool
read_rate(struct reader *r, int row, const char *s, int *bp)
{
	char num[32], buf[64];
	size_t n = strlen(s);
	money_t v;

	if (n > 0 && s[n - 1] == '%')
		n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n < sizeof num) {
		memcpy(num, s, n);
		num[n] = '\0';
		if (parse_amount(num, r->delim, false, &v) && v <= 10000) {
			*bp = (int)v;
			return true;
		}
	}
	fail(r, row, COL_RATE, "%s is not a rate in percent from 0 to 100 (write it like 8.25)",
	    shown(s, buf, sizeof buf));
	return false;
}

/* yes/no; empty is dflt. */
static bool
read_flag(struct reader *r, int row, enum col c, const char *s, bool dflt, bool *out)
{
	static const char *const yes[] = { "yes", "y", "true", "1", NULL };
	static const char *const no[] = { "no", "n", "false", "0", NULL };
	char buf[64];

	if (*s == '\0') {
		*out = dflt;
		return true;
	}
	for (int i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	fail(r, row, c, "%s is neither yes nor no", shown(s, buf, sizeof buf));
	return false;
}

/* A small count (a group's min and max). */
static bool
read_count(struct reader *r, int row, enum col c, const char *s, int *out)
{
	char buf[64];
	size_t n = strlen(s);

	if (n == 0 || n > 3 || strspn(s, "0123456789") != n) {
		fail(r, row, c, "%s is not a whole number", shown(s, buf, sizeof buf));
		return false;
	}
	*out = atoi(s);
	return true;
}

/* ---- declared things --------------------------------------------------- */

/* The index of the entry of arr whose key (or, for arrays of strings, the
 * entry itself) is s, or -1. */
static int
find_in(const cJSON *arr, const char *key, const char *s)
{
	const cJSON *e;
	int i = 0;

	cJSON_ArrayForEach(e, arr) {
		const cJSON *v = key != NULL ? cJSON_GetObjectItemCaseSensitive(e, key) : e;

		if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
			return i;
		i++;
	}
	return -1;
}

/* A row that declares kind:key had errors: references to it are not
 * reported again. */
static void
mark_bad(struct reader *r, const char *kind, const char *key)
{
	char k[128];

	snprintf(k, sizeof k, "%s:%s", kind, key);
	if (cJSON_GetObjectItemCaseSensitive(r->bad, k) == NULL)
		cJSON_AddTrueToObject(r->bad, k);
}

static bool
is_bad(const struct reader *r, const char *kind, const char *key)
{
	char k[128];

	snprintf(k, sizeof k, "%s:%s", kind, key);
	return cJSON_GetObjectItemCaseSensitive(r->bad, k) != NULL;
}

/* Whether s is taken already in arr (declared on an earlier row): said at
 * this row. */
static bool
duplicate(struct reader *r, int row, enum col c, const cJSON *arr, const char *key,
    const struct rows *rows, const char *s, const char *what)
{
	char buf[64];
	int i = find_in(arr, key, s);

	if (i < 0)
		return false;
	fail(r, row, c, "%s %s is on row %d already", what, shown(s, buf, sizeof buf), rows->v[i]);
	return true;
}

/* ---- rows ------------------------------------------------------------ */

static void
read_tax(struct reader *r, int row, char *const v[COL_COUNT])
{
	bool ok = check_code(r, row, COL_CODE, v[COL_CODE], CODE_MAX) &
	    check_text(r, row, COL_NAME, v[COL_NAME], NAME_MAX_);
	int bp = 0;

	ok &= read_rate(r, row, v[COL_RATE], &bp);
	if (duplicate(r, row, COL_CODE, r->tax, "code", &r->m->tax, v[COL_CODE], "tax class"))
		return;
	if (!ok) {
		mark_bad(r, "tax", v[COL_CODE]);
		return;
	}
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "code", v[COL_CODE]);
	cJSON_AddStringToObject(t, "name", v[COL_NAME]);
	cJSON_AddNumberToObject(t, "rate_bp", bp);
	cJSON_AddItemToArray(r->tax, t);
	rows_push(&r->m->tax, row);
}

static void
read_station(struct reader *r, int row, char *const v[COL_COUNT])
{
	if (duplicate(r, row, COL_CODE, r->stations, NULL, &r->m->stations, v[COL_CODE],
	    "station"))
		return;
	if (!check_code(r, row, COL_CODE, v[COL_CODE], STATION_MAX)) {
		mark_bad(r, "station", v[COL_CODE]);
		return;
	}
	cJSON_AddItemToArray(r->stations, cJSON_CreateString(v[COL_CODE]));
	rows_push(&r->m->stations, row);
}

static void
read_category(struct reader *r, int row, char *const v[COL_COUNT])
{
	if (duplicate(r, row, COL_NAME, r->categories, NULL, &r->m->categories, v[COL_NAME],
	    "category"))
		return;
	if (!check_text(r, row, COL_NAME, v[COL_NAME], CATEGORY_MAX)) {
		mark_bad(r, "category", v[COL_NAME]);
		return;
	}
	cJSON_AddItemToArray(r->categories, cJSON_CreateString(v[COL_NAME]));
	rows_push(&r->m->categories, row);
}

static void
read_group(struct reader *r, int row, char *const v[COL_COUNT])
{
	int min = 0, max = 0;
	bool required = false;
	bool ok = check_code(r, row, COL_CODE, v[COL_CODE], CODE_MAX) &
	    check_text(r, row, COL_NAME, v[COL_NAME], NAME_MAX_);

	if (*v[COL_MIN] != '\0')
		ok &= read_count(r, row, COL_MIN, v[COL_MIN], &min);
	if (*v[COL_MAX] != '\0')
		ok &= read_count(r, row, COL_MAX, v[COL_MAX], &max);
	ok &= read_flag(r, row, COL_REQUIRED, v[COL_REQUIRED], false, &required);
	if (ok && *v[COL_MIN] != '\0' && *v[COL_MAX] != '\0' && min > max) {
		fail(r, row, COL_MIN, "%d is more than the max, %d", min, max);
		ok = false;
	}
	free(r->current_group);
	r->current_group = xstrdup(v[COL_CODE]);
	if (duplicate(r, row, COL_CODE, r->groups, "code", &r->m->groups, v[COL_CODE],
	    "modifier group"))
		return;
	if (!ok) {
		mark_bad(r, "group", v[COL_CODE]);
		return;
	}
	cJSON *g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "code", v[COL_CODE]);
	cJSON_AddStringToObject(g, "name", v[COL_NAME]);
	if (*v[COL_MIN] != '\0')
		cJSON_AddNumberToObject(g, "min", min);
	if (*v[COL_MAX] != '\0')
		cJSON_AddNumberToObject(g, "max", max);
	cJSON_AddBoolToObject(g, "required", required);
	cJSON_AddArrayToObject(g, "modifiers");
	cJSON_AddItemToArray(r->groups, g);
	rows_push(&r->m->groups, row);
}

static void
read_modifier(struct reader *r, int row, char *const v[COL_COUNT])
{
	const char *group = *v[COL_GROUP] != '\0' ? v[COL_GROUP] : r->current_group;
	money_t price = 0;
	bool available = true;
	bool ok = check_code(r, row, COL_CODE, v[COL_CODE], CODE_MAX) &
	    check_text(r, row, COL_NAME, v[COL_NAME], NAME_MAX_);

	if (*v[COL_PRICE] != '\0')
		ok &= read_amount(r, row, COL_PRICE, v[COL_PRICE], true, &price);
	ok &= read_flag(r, row, COL_AVAILABLE, v[COL_AVAILABLE], true, &available);
	if (group == NULL) {
		fail(r, row, COL_GROUP, "which group is this modifier in? Name it here, or "
		    "put the row under its group's row");
		return;
	}
	if (*v[COL_GROUP] != '\0') {
		free(r->current_group);
		r->current_group = xstrdup(v[COL_GROUP]);
		group = r->current_group;
	}
	if (!ok)
		return;
	cJSON *md = cJSON_CreateObject();
	cJSON_AddStringToObject(md, "code", v[COL_CODE]);
	cJSON_AddStringToObject(md, "name", v[COL_NAME]);
	cJSON_AddNumberToObject(md, "price", (double)price);
	cJSON_AddBoolToObject(md, "available", available);
	r->mods = xreallocarray(r->mods, (size_t)r->nmods + 1, sizeof *r->mods);
	r->mods[r->nmods++] = (struct pending_mod){ row, xstrdup(group), md };
}

/* An item's groups: codes separated by '|'. */
static cJSON *
read_item_groups(struct reader *r, int row, const char *s, bool *ok)
{
	cJSON *arr = cJSON_CreateArray();
	char *copy = xstrdup(s), *save = NULL, buf[64];

	if (*s == '\0') {
		free(copy);
		return arr;
	}
	for (char *p = copy;; p = NULL) {
		char *tok = strtok_r(p, "|", &save);
		size_t n;

		if (tok == NULL)
			break;
		while (*tok == ' ')
			tok++;
		n = strlen(tok);
		while (n > 0 && tok[n - 1] == ' ')
			tok[--n] = '\0';
		if (n == 0)
			continue;
		if (!check_code(r, row, COL_GROUP, tok, CODE_MAX)) {
			*ok = false;
			continue;
		}
		if (find_in(arr, NULL, tok) >= 0) {
			fail(r, row, COL_GROUP, "%s is named twice", shown(tok, buf, sizeof buf));
			*ok = false;
			continue;
		}
		cJSON_AddItemToArray(arr, cJSON_CreateString(tok));
	}
	if (strstr(s, "||") != NULL || s[0] == '|' || s[strlen(s) - 1] == '|') {
		fail(r, row, COL_GROUP, "%s has an empty group code between the |s",
		    shown(s, buf, sizeof buf));
		*ok = false;
	}
	free(copy);
	return arr;
}

static void
read_item(struct reader *r, int row, char *const v[COL_COUNT])
{
	money_t price = 0;
	bool available = true;
	bool ok = check_code(r, row, COL_CODE, v[COL_CODE], SKU_MAX) &
	    check_text(r, row, COL_NAME, v[COL_NAME], NAME_MAX_) &
	    check_text(r, row, COL_KITCHEN_NAME, v[COL_KITCHEN_NAME], KNAME_MAX) &
	    check_text(r, row, COL_CATEGORY, v[COL_CATEGORY], CATEGORY_MAX) &
	    check_code(r, row, COL_STATION, v[COL_STATION], STATION_MAX) &
	    check_code(r, row, COL_TAX, v[COL_TAX], CODE_MAX) &
	    check_code(r, row, COL_BARCODE, v[COL_BARCODE], BARCODE_MAX);

	ok &= read_amount(r, row, COL_PRICE, v[COL_PRICE], false, &price);
	ok &= read_flag(r, row, COL_AVAILABLE, v[COL_AVAILABLE], true, &available);
	cJSON *groups = read_item_groups(r, row, v[COL_GROUP], &ok);
	if (duplicate(r, row, COL_CODE, r->items, "sku", &r->m->items, v[COL_CODE], "item") ||
	    !ok) {
		cJSON_Delete(groups);
		return;
	}
	cJSON *it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "sku", v[COL_CODE]);
	cJSON_AddStringToObject(it, "name", v[COL_NAME]);
	cJSON_AddStringToObject(it, "kitchen_name", v[COL_KITCHEN_NAME]);
	cJSON_AddNumberToObject(it, "price", (double)price);
	cJSON_AddStringToObject(it, "tax_class", v[COL_TAX]);
	cJSON_AddStringToObject(it, "category", v[COL_CATEGORY]);
	cJSON_AddStringToObject(it, "station", v[COL_STATION]);
	cJSON_AddBoolToObject(it, "available", available);
	cJSON_AddStringToObject(it, "barcode", v[COL_BARCODE]);
	cJSON_AddItemToObject(it, "groups", groups);
	cJSON_AddItemToArray(r->items, it);
	rows_push(&r->m->items, row);
}

/* ---- the file -------------------------------------------------------- */

static int
read_header(struct reader *r, const struct csv_row *h)
{
	char buf[64];
	int bad = r->errs->n;

	for (int i = 0; i < h->nfields; i++) {
		const char *name = h->fields[i].text;
		int c;

		if (*name == '\0')
			continue;
		for (c = 0; c < COL_COUNT && strcasecmp(name, col_names[c]) != 0; c++)
			;
		if (c == COL_COUNT) {
			add_error(r->errs, h->row, i + 1, "%s is not a column: the columns are "
			    "type, code, name, price, category, tax, station, kitchen_name, group, "
			    "available, barcode, rate, min, max, required and comment",
			    shown(name, buf, sizeof buf));
			continue;
		}
		if (r->m->cols[c] != 0) {
			add_error(r->errs, h->row, i + 1, "%s: a second %s column (the first is "
			    "column %d)", col_names[c], col_names[c], r->m->cols[c]);
			continue;
		}
		r->m->cols[c] = i + 1;
	}
	if (r->errs->n == bad && r->m->cols[COL_TYPE] == 0)
		add_error(r->errs, h->row, 0, "the first row must name the columns, and one of "
		    "them is type (see docs/menu-csv.md)");
	return r->errs->n == bad ? 0 : -1;
}

static const char *
article(const char *word)
{
	return strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

static const struct row_kind *
find_kind(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcasecmp(kinds[i].name, name) == 0)
			return &kinds[i];
	}
	return NULL;
}

/* One row after the header: which kind, then whether its columns fit it,
 * then the kind's own reading. */
static void
read_row(struct reader *r, const struct csv_row *row)
{
	static char empty[] = "";
	char *v[COL_COUNT], buf[64];
	const struct row_kind *k;
	bool blank = true;
	int before = r->errs->n;

	for (int c = 0; c < COL_COUNT; c++) {
		int i = r->m->cols[c];

		v[c] = i > 0 && i <= row->nfields ? row->fields[i - 1].text : empty;
	}
	for (int i = 0; i < row->nfields; i++)
		blank &= row->fields[i].len == 0;
	if (blank || v[COL_TYPE][0] == '#')
		return;   /* a blank row, or a comment row */
	for (int i = 0; i < row->nfields; i++) {
		bool known = false;

		for (int c = 0; c < COL_COUNT; c++)
			known |= r->m->cols[c] == i + 1;
		if (!known && row->fields[i].len > 0) {
			add_error(r->errs, row->row, i + 1, "%s is in column %d, which has no name "
			    "in the first row", shown(row->fields[i].text, buf, sizeof buf), i + 1);
			break;
		}
	}
	if ((k = find_kind(v[COL_TYPE])) == NULL) {
		fail(r, row->row, COL_TYPE, "%s is not a type of row: tax, station, category, "
		    "group, modifier or item", shown(v[COL_TYPE], buf, sizeof buf));
		return;
	}
	for (int c = COL_CODE; c < COL_COMMENT; c++) {
		if (*v[c] != '\0' && !(k->takes & B(c)))
			fail(r, row->row, (enum col)c, "%s %s row has no %s: leave it empty",
			    article(k->name), k->name, col_names[c]);
		else if (*v[c] == '\0' && (k->needs & B(c)) && r->m->cols[c] == 0)
			add_error(r->errs, row->row, 0, "%s: %s %s row needs a %s, and the file has "
			    "no %s column", col_names[c], article(k->name), k->name, col_names[c],
			    col_names[c]);
		else if (*v[c] == '\0' && (k->needs & B(c)))
			fail(r, row->row, (enum col)c, "%s %s row needs a %s", article(k->name),
			    k->name, col_names[c]);
	}
	if (k->read != read_group && k->read != read_modifier) {
		free(r->current_group);
		r->current_group = NULL;
	}
	if (r->errs->n != before) {
		/* keep references to what the row declares from being reported too */
		if (k->read == read_group) {
			free(r->current_group);
			r->current_group = xstrdup(v[COL_CODE]);
			mark_bad(r, "group", v[COL_CODE]);
		} else if (k->read == read_tax) {
			mark_bad(r, "tax", v[COL_CODE]);
		} else if (k->read == read_category) {
			mark_bad(r, "category", v[COL_NAME]);
		} else if (k->read == read_station) {
			mark_bad(r, "station", v[COL_CODE]);
		}
		return;
	}
	k->read(r, row->row, v);
}

/* Modifiers into their groups, in file order. */
static void
attach_modifiers(struct reader *r)
{
	char buf[64];

	r->m->mods = xcalloc((size_t)r->m->groups.n + 1, sizeof *r->m->mods);
	for (int i = 0; i < r->nmods; i++) {
		struct pending_mod *pm = &r->mods[i];
		int g = find_in(r->groups, "code", pm->group);
		const char *code = cJSON_GetObjectItemCaseSensitive(pm->obj, "code")->valuestring;

		if (g < 0) {
			if (!is_bad(r, "group", pm->group))
				fail(r, pm->row, COL_GROUP, "no group row has the code %s",
				    shown(pm->group, buf, sizeof buf));
			continue;
		}
		cJSON *mods = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r->groups, g),
		    "modifiers");
		int dup = find_in(mods, "code", code);
		if (dup >= 0) {
			fail(r, pm->row, COL_CODE, "%s is in group %s already, on row %d",
			    shown(code, buf, sizeof buf), pm->group, r->m->mods[g].v[dup]);
			continue;
		}
		cJSON_AddItemToArray(mods, pm->obj);
		pm->obj = NULL;
		rows_push(&r->m->mods[g], pm->row);
	}
}

/* Every category, tax class and group an item names is declared. */
static void
check_items(struct reader *r)
{
	const cJSON *it;
	char buf[64];
	int i = 0;

	cJSON_ArrayForEach(it, r->items) {
		int row = r->m->items.v[i++];
		const char *cat = cJSON_GetObjectItemCaseSensitive(it, "category")->valuestring;
		const char *tax = cJSON_GetObjectItemCaseSensitive(it, "tax_class")->valuestring;
		const char *station = cJSON_GetObjectItemCaseSensitive(it, "station")->valuestring;
		const cJSON *g;

		if (find_in(r->categories, NULL, cat) < 0 && !is_bad(r, "category", cat))
			fail(r, row, COL_CATEGORY, "no category row is named %s",
			    shown(cat, buf, sizeof buf));
		if (find_in(r->tax, "code", tax) < 0 && !is_bad(r, "tax", tax))
			fail(r, row, COL_TAX, "no tax row has the code %s", shown(tax, buf, sizeof buf));
		if (cJSON_GetArraySize(r->stations) > 0 && find_in(r->stations, NULL, station) < 0 &&
		    !is_bad(r, "station", station))
			fail(r, row, COL_STATION, "no station row has the code %s",
			    shown(station, buf, sizeof buf));
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(it, "groups")) {
			if (find_in(r->groups, "code", g->valuestring) < 0 &&
			    !is_bad(r, "group", g->valuestring))
				fail(r, row, COL_GROUP, "no group row has the code %s",
				    shown(g->valuestring, buf, sizeof buf));
		}
	}
}

/* A file without station rows: the stations are the ones its items name,
 * in the order they first come (each traced to that item's row). */
static void
derive_stations(struct reader *r)
{
	const cJSON *it;
	int i = 0;

	r->m->stations_derived = true;
	cJSON_ArrayForEach(it, r->items) {
		const char *station = cJSON_GetObjectItemCaseSensitive(it, "station")->valuestring;
		int row = r->m->items.v[i++];

		if (find_in(r->stations, NULL, station) >= 0)
			continue;
		cJSON_AddItemToArray(r->stations, cJSON_CreateString(station));
		rows_push(&r->m->stations, row);
	}
}

/* Errors in file order: by row, then column; those of one place in the
 * order they were found (a stable insertion sort: there are at most 20). */
static void
sort_errors(struct menucsv_errors *errs)
{
	for (int i = 1; i < errs->n; i++) {
		struct menucsv_error e = errs->e[i];
		int k = i;

		while (k > 0 && (errs->e[k - 1].row > e.row ||
		    (errs->e[k - 1].row == e.row && errs->e[k - 1].col > e.col))) {
			errs->e[k] = errs->e[k - 1];
			k--;
		}
		errs->e[k] = e;
	}
}

struct menucsv *
menucsv_read(const char *text, size_t len, struct menucsv_errors *errs)
{
	struct menucsv *m = xcalloc(1, sizeof *m);
	struct reader r = { 0 };
	struct csv csv;
	struct csv_error cerr;

	memset(errs, 0, sizeof *errs);
	if (csv_parse(text, len, 0, &csv, &cerr) < 0) {
		add_error(errs, cerr.row, cerr.col, "%s", cerr.message);
		free(m);
		return NULL;
	}
	r.m = m;
	r.errs = errs;
	r.delim = csv.delim;
	r.tax = cJSON_CreateArray();
	r.stations = cJSON_CreateArray();
	r.categories = cJSON_CreateArray();
	r.groups = cJSON_CreateArray();
	r.items = cJSON_CreateArray();
	r.bad = cJSON_CreateObject();
	for (int i = 0; i < csv.nrows; i++) {
		for (int f = 0; f < csv.rows[i].nfields; f++)
			trim(&csv.rows[i].fields[f]);
	}
	if (csv.nrows == 0)
		add_error(errs, 0, 0, "the file is empty: the first row names the columns "
		    "(see docs/menu-csv.md)");
	else if (read_header(&r, &csv.rows[0]) == 0) {
		for (int i = 1; i < csv.nrows; i++)
			read_row(&r, &csv.rows[i]);
		attach_modifiers(&r);
		check_items(&r);
		if (cJSON_GetArraySize(r.stations) == 0)
			derive_stations(&r);
		if (errs->n == 0 && cJSON_GetArraySize(r.items) == 0)
			add_error(errs, 0, 0, "the file has no item rows: importing it would retire "
			    "the whole menu");
	}
	sort_errors(errs);
	m->doc = cJSON_CreateObject();
	cJSON_AddItemToObject(m->doc, "tax_classes", r.tax);
	cJSON_AddItemToObject(m->doc, "stations", r.stations);
	cJSON_AddItemToObject(m->doc, "categories", r.categories);
	cJSON_AddItemToObject(m->doc, "modifier_groups", r.groups);
	cJSON_AddItemToObject(m->doc, "items", r.items);
	for (int i = 0; i < r.nmods; i++) {
		free(r.mods[i].group);
		cJSON_Delete(r.mods[i].obj);
	}
	free(r.mods);
	free(r.current_group);
	cJSON_Delete(r.bad);
	csv_free(&csv);
	if (errs->n > 0) {
		menucsv_free(m);
		return NULL;
	}
	return m;
}

void
menucsv_free(struct menucsv *m)
{
	if (m == NULL)
		return;
	if (m->mods != NULL) {
		for (int g = 0; g <= m->groups.n; g++)
			free(m->mods[g].v);
	}
	free(m->mods);
	free(m->tax.v);
	free(m->stations.v);
	free(m->categories.v);
	free(m->groups.v);
	free(m->items.v);
	cJSON_Delete(m->doc);
	free(m);
}

const cJSON *
menucsv_document(const struct menucsv *m)
{
	return m->doc;
}

/* ---- from a field path back to the file ------------------------------ */

/* "name[12]" at *p: the name (into out) and the index (-1 without one);
 * *p moves past a following '.'. */
static bool
path_step(const char **p, char *out, size_t size, int *index)
{
	size_t n = strcspn(*p, "[.");
	const char *s = *p + n;

	if (n == 0 || n >= size)
		return false;
	memcpy(out, *p, n);
	out[n] = '\0';
	*index = -1;
	if (*s == '[') {
		char *end;
		long v = strtol(s + 1, &end, 10);

		if (end == s + 1 || *end != ']' || v < 0 || v > 1000000)
			return false;
		*index = (int)v;
		s = end + 1;
	}
	if (*s == '.')
		s++;
	*p = s;
	return true;
}

static enum col
field_column(const struct field_col *fields, const char *key)
{
	for (int i = 0; fields[i].key != NULL; i++) {
		if (strcmp(fields[i].key, key) == 0)
			return fields[i].col;
	}
	return COL_NONE;
}

int
menucsv_locate(const struct menucsv *m, const char *field, int *row, int *col,
    const char **column)
{
	static const struct part {
		const char *name;
		size_t rows_at;              /* offsetof the struct rows */
		const struct field_col *fields;
		enum col whole;              /* the column of a bare entry */
	} parts[] = {
		{ "tax_classes", offsetof(struct menucsv, tax), tax_fields, COL_NONE },
		{ "stations", offsetof(struct menucsv, stations), NULL, COL_CODE },
		{ "categories", offsetof(struct menucsv, categories), NULL, COL_NAME },
		{ "modifier_groups", offsetof(struct menucsv, groups), group_fields, COL_NONE },
		{ "items", offsetof(struct menucsv, items), item_fields, COL_NONE },
	};
	const struct field_col *fields = NULL;
	const struct rows *rows = NULL;
	enum col c = COL_NONE;
	char name[32], key[32];
	const char *p = field;
	int index, g = -1, sub;

	if (!path_step(&p, name, sizeof name, &index) || index < 0)
		return -1;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (strcmp(parts[i].name, name) == 0) {
			rows = (const struct rows *)((const char *)m + parts[i].rows_at);
			fields = parts[i].fields;
			c = parts[i].whole;
			if (strcmp(name, "stations") == 0 && m->stations_derived)
				c = COL_STATION;
			if (strcmp(name, "modifier_groups") == 0)
				g = index;
		}
	}
	if (rows == NULL || index >= rows->n)
		return -1;
	*row = rows->v[index];
	if (*p != '\0' && path_step(&p, key, sizeof key, &sub)) {
		if (g >= 0 && strcmp(key, "modifiers") == 0 && sub >= 0) {
			if (m->mods == NULL || sub >= m->mods[g].n)
				return -1;
			*row = m->mods[g].v[sub];
			fields = mod_fields;
			c = COL_NONE;
			if (*p != '\0' && path_step(&p, key, sizeof key, &sub))
				c = field_column(fields, key);
		} else if (fields != NULL) {
			c = field_column(fields, key);
		}
	}
	*col = c != COL_NONE ? m->cols[c] : 0;
	*column = c != COL_NONE ? col_names[c] : NULL;
	return 0;
}

/* ---- writing --------------------------------------------------------- */

struct writer {
	struct strbuf *out;
	char *err;
	size_t errsize;
	bool failed;
};

static void
put_row(struct writer *w, const char *const cells[COL_COMMENT])
{
	for (int c = 0; c < COL_COMMENT; c++) {
		if (c > 0)
			strbuf_putc(w->out, ',');
		csv_put_field(w->out, cells[c] != NULL ? cells[c] : "", ',');
	}
	strbuf_puts(w->out, "\r\n");
}

static void bad_doc(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bad_doc(struct writer *w, const char *fmt, ...)
{
	char what[96];
	va_list ap;

	if (w->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(w->err, w->errsize, "the server's menu is not one this brigadectl can write "
	    "as CSV: %s", what);
	w->failed = true;
}

static const char *
get_str(struct writer *w, const cJSON *obj, const char *key, const char *where, int i)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || cJSON_IsNull(v))
		return "";
	if (!cJSON_IsString(v)) {
		bad_doc(w, "%s[%d].%s is not text", where, i, key);
		return "";
	}
	return v->valuestring;
}

static bool
get_int(struct writer *w, const cJSON *obj, const char *key, const char *where, int i,
    int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return false;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)v->valuedouble ||
	    v->valuedouble > 1e15 || v->valuedouble < -1e15) {
		bad_doc(w, "%s[%d].%s is not a whole number", where, i, key);
		return false;
	}
	*out = (int64_t)v->valuedouble;
	return true;
}

static const char *
get_flag(struct writer *w, const cJSON *obj, const char *key, const char *where, int i,
    bool dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return dflt ? "yes" : "no";
	if (!cJSON_IsBool(v)) {
		bad_doc(w, "%s[%d].%s is not true or false", where, i, key);
		return "no";
	}
	return cJSON_IsTrue(v) ? "yes" : "no";
}

static const cJSON *
get_array(struct writer *w, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v != NULL && !cJSON_IsArray(v)) {
		bad_doc(w, "%s is not a list", key);
		return NULL;
	}
	return v;
}

/* A rate in percent: 825 -> "8.25", 2000 -> "20", 550 -> "5.50". */
static void
format_rate(int64_t bp, char *buf, size_t size)
{
	money_format(bp, buf, size);
	size_t n = strlen(buf);
	if (n > 3 && strcmp(buf + n - 3, ".00") == 0)
		buf[n - 3] = '\0';
}

int
menucsv_write(const cJSON *menu, struct strbuf *out, char *err, size_t errsize)
{
	struct strbuf sb;
	struct writer w = { &sb, err, errsize, false };
	const char *cells[COL_COMMENT];
	const cJSON *e;
	char num[3][32];
	int64_t v;
	int i;

	if (!cJSON_IsObject(menu)) {
		snprintf(err, errsize, "the server's menu is not a JSON object");
		return -1;
	}
	strbuf_init(&sb);
	for (int c = 0; c < COL_COMMENT; c++)
		cells[c] = col_names[c];
	put_row(&w, cells);

	i = 0;
	cJSON_ArrayForEach(e, get_array(&w, menu, "tax_classes")) {
		memset(cells, 0, sizeof cells);
		cells[COL_TYPE] = "tax";
		cells[COL_CODE] = get_str(&w, e, "code", "tax_classes", i);
		cells[COL_NAME] = get_str(&w, e, "name", "tax_classes", i);
		v = 0;
		if (!get_int(&w, e, "rate_bp", "tax_classes", i, &v))
			bad_doc(&w, "tax_classes[%d] has no rate_bp", i);
		format_rate(v, num[0], sizeof num[0]);
		cells[COL_RATE] = num[0];
		put_row(&w, cells);
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(e, get_array(&w, menu, "stations")) {
		memset(cells, 0, sizeof cells);
		cells[COL_TYPE] = "station";
		if (!cJSON_IsString(e))
			bad_doc(&w, "stations[%d] is not text", i);
		cells[COL_CODE] = cJSON_IsString(e) ? e->valuestring : "";
		put_row(&w, cells);
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(e, get_array(&w, menu, "categories")) {
		memset(cells, 0, sizeof cells);
		cells[COL_TYPE] = "category";
		if (!cJSON_IsString(e))
			bad_doc(&w, "categories[%d] is not text", i);
		cells[COL_NAME] = cJSON_IsString(e) ? e->valuestring : "";
		put_row(&w, cells);
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(e, get_array(&w, menu, "modifier_groups")) {
		const char *group = get_str(&w, e, "code", "modifier_groups", i);
		const cJSON *md;
		int k = 0;

		memset(cells, 0, sizeof cells);
		cells[COL_TYPE] = "group";
		cells[COL_CODE] = group;
		cells[COL_NAME] = get_str(&w, e, "name", "modifier_groups", i);
		if (get_int(&w, e, "min", "modifier_groups", i, &v)) {
			snprintf(num[0], sizeof num[0], "%lld", (long long)v);
			cells[COL_MIN] = num[0];
		}
		if (get_int(&w, e, "max", "modifier_groups", i, &v)) {
			snprintf(num[1], sizeof num[1], "%lld", (long long)v);
			cells[COL_MAX] = num[1];
		}
		cells[COL_REQUIRED] = get_flag(&w, e, "required", "modifier_groups", i, false);
		put_row(&w, cells);
		cJSON_ArrayForEach(md, get_array(&w, e, "modifiers")) {
			char where[48];

			snprintf(where, sizeof where, "modifier_groups[%d].modifiers", i);
			memset(cells, 0, sizeof cells);
			cells[COL_TYPE] = "modifier";
			cells[COL_CODE] = get_str(&w, md, "code", where, k);
			cells[COL_NAME] = get_str(&w, md, "name", where, k);
			v = 0;
			get_int(&w, md, "price", where, k, &v);
			money_format(v, num[2], sizeof num[2]);
			cells[COL_PRICE] = num[2];
			cells[COL_GROUP] = group;
			cells[COL_AVAILABLE] = get_flag(&w, md, "available", where, k, true);
			put_row(&w, cells);
			k++;
		}
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(e, get_array(&w, menu, "items")) {
		struct strbuf groups;
		const cJSON *g;

		strbuf_init(&groups);
		memset(cells, 0, sizeof cells);
		cells[COL_TYPE] = "item";
		cells[COL_CODE] = get_str(&w, e, "sku", "items", i);
		cells[COL_NAME] = get_str(&w, e, "name", "items", i);
		v = 0;
		if (!get_int(&w, e, "price", "items", i, &v))
			bad_doc(&w, "items[%d] has no price", i);
		money_format(v, num[0], sizeof num[0]);
		cells[COL_PRICE] = num[0];
		cells[COL_CATEGORY] = get_str(&w, e, "category", "items", i);
		cells[COL_TAX] = get_str(&w, e, "tax_class", "items", i);
		cells[COL_STATION] = get_str(&w, e, "station", "items", i);
		cells[COL_KITCHEN_NAME] = get_str(&w, e, "kitchen_name", "items", i);
		cJSON_ArrayForEach(g, get_array(&w, e, "groups")) {
			if (!cJSON_IsString(g)) {
				bad_doc(&w, "items[%d].groups holds something that is not text", i);
				continue;
			}
			if (groups.len > 0)
				strbuf_putc(&groups, '|');
			strbuf_puts(&groups, g->valuestring);
		}
		cells[COL_GROUP] = groups.data;
		cells[COL_AVAILABLE] = get_flag(&w, e, "available", "items", i, true);
		cells[COL_BARCODE] = get_str(&w, e, "barcode", "items", i);
		put_row(&w, cells);
		strbuf_free(&groups);
		i++;
	}
	if (w.failed) {
		strbuf_free(&sb);
		return -1;
	}
	strbuf_append(out, sb.data, sb.len);
	strbuf_free(&sb);
	return 0;
}
