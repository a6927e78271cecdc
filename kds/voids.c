/* voids: the uncleared VOID cards on disk, for a restart. */
#include "voids.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "domain.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

#define VOIDS_VERSION 1
#define VOIDS_FILE_MAX (8 * 1024 * 1024)

static const char *const col_names[BOARD_COLS] = {
	[BOARD_NEW] = "new",
	[BOARD_PREPARING] = "preparing",
};

/* --- reading: a missing field reads as empty ---------------------------- */

static int64_t
get_int(const cJSON *obj, const char *key, int64_t def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : def;
}

static void
get_str(const cJSON *obj, const char *key, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	xstrlcpy(out, cJSON_IsString(v) ? v->valuestring : "", size);
}

static int
get_enum(const cJSON *obj, const char *key, int (*parse)(const char *), int def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	int e = cJSON_IsString(v) ? parse(v->valuestring) : -1;

	return e >= 0 ? e : def;
}

static void
read_item(const cJSON *j, struct board_item *it)
{
	const cJSON *mods = cJSON_GetObjectItemCaseSensitive(j, "mods"), *m;
	size_t off = 0;

	if (!cJSON_IsArray(mods))
		mods = NULL;

	get_str(j, "name", it->name, sizeof it->name);
	it->qty = (int)get_int(j, "qty", 0);
	it->voided = (int)get_int(j, "voided", 0);
	get_str(j, "note", it->note, sizeof it->note);
	get_str(j, "station", it->station, sizeof it->station);
	it->done = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "done"));
	it->nmods = 0;
	cJSON_ArrayForEach(m, mods) {
		int w;

		if (!cJSON_IsString(m))
			continue;
		w = snprintf(it->mods + off, sizeof it->mods - off, "%s%s", it->nmods > 0 ? "\n" : "",
		    m->valuestring);
		if (w < 0 || (size_t)w >= sizeof it->mods - off)
			break;
		off += (size_t)w;
		it->nmods++;
	}
}

/* One saved card onto b; false when it has no id (nothing to show). */
static bool
read_card(struct board *b, const cJSON *j)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items"), *e;
	const cJSON *col = cJSON_GetObjectItemCaseSensitive(j, "column");
	struct board_card c;
	int n = 0;

	if (!cJSON_IsArray(items))
		items = NULL;
	memset(&c, 0, sizeof c);
	c.id = get_int(j, "id", 0);
	c.number = (int)get_int(j, "number", 0);
	if (c.id <= 0 || c.number <= 0)
		return false;
	c.version = (int)get_int(j, "version", 0);
	c.status = (enum order_status)get_enum(j, "status", status_parse, STATUS_PREPARING);
	c.service = (enum service_type)get_enum(j, "service", service_parse, SERVICE_PICKUP);
	c.source = (enum order_source)get_enum(j, "source", source_parse, SOURCE_POS);
	get_str(j, "table", c.table, sizeof c.table);
	get_str(j, "customer", c.customer, sizeof c.customer);
	c.paid_at = get_int(j, "paid_at", 0);
	c.ready_at = get_int(j, "ready_at", 0);
	c.linked_to = get_int(j, "linked_to", 0);
	get_str(j, "provisional", c.provisional, sizeof c.provisional);
	c.ticket_printed_at = get_int(j, "ticket_printed_at", 0);
	c.void_col = BOARD_PREPARING;
	if (cJSON_IsString(col) && strcmp(col->valuestring, col_names[BOARD_NEW]) == 0)
		c.void_col = BOARD_NEW;
	get_str(j, "reason", c.void_reason, sizeof c.void_reason);
	c.voided_at = get_int(j, "voided_at", 0);
	c.checking = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "checking"));
	c.items = xcalloc(ITEMS_MAX, sizeof *c.items);
	cJSON_ArrayForEach(e, items) {
		if (n == ITEMS_MAX)
			break;
		if (cJSON_IsObject(e))
			read_item(e, &c.items[n++]);
	}
	c.nitems = n;
	board_restore_void(b, &c);   /* copies the card */
	free(c.items);
	return true;
}

int
voids_load(struct board *b, const char *path, char *err, size_t errsize)
{
	struct strbuf sb;
	char buf[16384];
	size_t n;
	FILE *fp;
	cJSON *j;
	const cJSON *e, *version, *cards, *cleared;

	if (path == NULL || path[0] == '\0')
		return 1;
	if ((fp = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0 && sb.len <= VOIDS_FILE_MAX)
		strbuf_append(&sb, buf, n);
	fclose(fp);
	if (sb.len > VOIDS_FILE_MAX) {
		strbuf_free(&sb);
		snprintf(err, errsize, "%s: larger than %d MiB", path, VOIDS_FILE_MAX >> 20);
		return -1;
	}
	j = sb.len > 0 ? cJSON_ParseWithLength(sb.data, sb.len) : NULL;
	strbuf_free(&sb);
	version = cJSON_GetObjectItemCaseSensitive(j, "version");
	if (!cJSON_IsObject(j) || !cJSON_IsNumber(version) || version->valuedouble < 1) {
		cJSON_Delete(j);
		snprintf(err, errsize, "%s is not a file of VOID cards: it is left as it is", path);
		return -1;
	}
	/* an older KDS's file may lack a field, a later one's may have more:
	 * what this one knows of it is read */
	cards = cJSON_GetObjectItemCaseSensitive(j, "cards");
	cleared = cJSON_GetObjectItemCaseSensitive(j, "cleared");
	if (!cJSON_IsArray(cards))
		cards = NULL;
	if (!cJSON_IsArray(cleared))
		cleared = NULL;
	cJSON_ArrayForEach(e, cleared) {
		struct board_cleared cl = {
			get_int(e, "id", 0), (int)get_int(e, "number", 0), (int)get_int(e, "version", 0),
		};

		if (cJSON_IsObject(e) && cl.id > 0)
			board_restore_cleared(b, &cl);
	}
	cJSON_ArrayForEach(e, cards) {
		if (cJSON_IsObject(e))
			read_card(b, e);
	}
	cJSON_Delete(j);
	return 0;
}

/* --- writing --------------------------------------------------------------- */

static cJSON *
card_json(const struct board_card *c)
{
	cJSON *j = cJSON_CreateObject(), *items;

	codec_add_int(j, "id", c->id);
	codec_add_int(j, "number", c->number);
	codec_add_int(j, "version", c->version);
	cJSON_AddStringToObject(j, "status", status_name(c->status));
	cJSON_AddStringToObject(j, "service", service_name(c->service));
	cJSON_AddStringToObject(j, "source", source_name(c->source));
	cJSON_AddStringToObject(j, "table", c->table);
	cJSON_AddStringToObject(j, "customer", c->customer);
	codec_add_int(j, "paid_at", c->paid_at);
	codec_add_int(j, "ready_at", c->ready_at);
	codec_add_int(j, "linked_to", c->linked_to);
	cJSON_AddStringToObject(j, "provisional", c->provisional);
	codec_add_int(j, "ticket_printed_at", c->ticket_printed_at);
	cJSON_AddStringToObject(j, "column",
	    col_names[c->void_col == BOARD_NEW ? BOARD_NEW : BOARD_PREPARING]);
	cJSON_AddStringToObject(j, "reason", c->void_reason);
	codec_add_int(j, "voided_at", c->voided_at);
	if (c->checking)
		cJSON_AddTrueToObject(j, "checking");
	items = cJSON_AddArrayToObject(j, "items");
	for (int i = 0; i < c->nitems; i++) {
		const struct board_item *it = &c->items[i];
		cJSON *ij = cJSON_CreateObject(), *mods;
		const char *m = it->mods;

		cJSON_AddStringToObject(ij, "name", it->name);
		codec_add_int(ij, "qty", it->qty);
		codec_add_int(ij, "voided", it->voided);
		mods = cJSON_AddArrayToObject(ij, "mods");
		for (int k = 0; k < it->nmods && *m != '\0'; k++) {
			size_t len = strcspn(m, "\n");
			char name[BOARD_MODS_TEXT];

			snprintf(name, sizeof name, "%.*s", (int)len, m);
			cJSON_AddItemToArray(mods, cJSON_CreateString(name));
			m += len + (m[len] == '\n');
		}
		cJSON_AddStringToObject(ij, "note", it->note);
		cJSON_AddStringToObject(ij, "station", it->station);
		cJSON_AddBoolToObject(ij, "done", it->done);
		cJSON_AddItemToArray(items, ij);
	}
	return j;
}

static int
cmp_newest(const void *pa, const void *pb, void *ctx)
{
	const struct board *b = ctx;
	const struct board_card *x = &b->cards[*(const int *)pa];
	const struct board_card *y = &b->cards[*(const int *)pb];

	if (x->voided_at != y->voided_at)
		return x->voided_at > y->voided_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static cJSON *
voids_json(const struct board *b)
{
	cJSON *j = cJSON_CreateObject(), *cards, *cleared;
	struct board_cleared cl[BOARD_CLEARED_MAX];
	int *idx = xmalloc((size_t)(b->n > 0 ? b->n : 1) * sizeof *idx), n = 0, ncl;

	codec_add_int(j, "version", VOIDS_VERSION);
	codec_add_int(j, "saved_at", util_now_ms());
	for (int i = 0; i < b->n; i++) {
		if (b->cards[i].void_card || b->cards[i].checking)
			idx[n++] = i;
	}
	/* a board that ran for days with VOID cards nobody cleared (another
	 * station's, say) keeps the newest */
	if (n > VOIDS_CARDS_MAX) {
		qsort_r(idx, (size_t)n, sizeof *idx, cmp_newest, (void *)b);
		n = VOIDS_CARDS_MAX;
	}
	cards = cJSON_AddArrayToObject(j, "cards");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(cards, card_json(&b->cards[idx[i]]));
	free(idx);
	cleared = cJSON_AddArrayToObject(j, "cleared");
	ncl = board_cleared_list(b, cl, BOARD_CLEARED_MAX);
	for (int i = 0; i < ncl; i++) {
		cJSON *e = cJSON_CreateObject();

		codec_add_int(e, "id", cl[i].id);
		codec_add_int(e, "number", cl[i].number);
		codec_add_int(e, "version", cl[i].version);
		cJSON_AddItemToArray(cleared, e);
	}
	return j;
}

int
voids_save(const struct board *b, const char *path, char *err, size_t errsize)
{
	cJSON *j;
	char *text;
	int rc = 0;

	if (path == NULL || path[0] == '\0')
		return 0;
	j = voids_json(b);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		abort();
	if (util_write_durable(path, text, strlen(text)) < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}
