/* cache: open orders and the menu, from snapshot + events, on disk as JSON. */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "storeinfo.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

#define CACHE_VERSION 1
#define CACHE_FILE_MAX (64 * 1024 * 1024)

struct cache {
	char path[PATH_MAX];
	struct order *orders;        /* sorted by id */
	int norders, cap;
	struct menu menu;
	bool has_store;              /* the restaurant's details are known */
	struct store_info store;
	int64_t head;
	char log_id[40];             /* the event log head numbers */
	int64_t saved_at;
	bool stale, dirty;
	bool foreign;                /* the path holds another program's file:
	                                never written over */
};

struct cache *
cache_new(const char *path)
{
	struct cache *c = xcalloc(1, sizeof *c);

	if (path != NULL)
		xstrlcpy(c->path, path, sizeof c->path);
	menu_init(&c->menu);
	return c;
}

static void
clear_orders(struct cache *c)
{
	for (int i = 0; i < c->norders; i++)
		order_free(&c->orders[i]);
	c->norders = 0;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	clear_orders(c);
	free(c->orders);
	menu_free(&c->menu);
	free(c);
}

/* Index of id, or where it would go (as -1 - index). */
static int
find(const struct cache *c, int64_t id)
{
	int lo = 0, hi = c->norders - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (c->orders[mid].id == id)
			return mid;
		if (c->orders[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1 - lo;
}

/* Put an order in (taking its items), or take one out when it closed. A
 * version not newer than what we hold is old news and ignored. */
static void
upsert(struct cache *c, struct order *o)
{
	int i = find(c, o->id);

	if (i >= 0) {
		if (o->version <= c->orders[i].version) {
			order_free(o);
			return;
		}
		order_free(&c->orders[i]);
		if (!status_is_open(o->status)) {
			memmove(&c->orders[i], &c->orders[i + 1],
			    (size_t)(c->norders - i - 1) * sizeof *c->orders);
			c->norders--;
			order_free(o);
		} else {
			c->orders[i] = *o;
		}
		c->dirty = true;
		return;
	}
	if (!status_is_open(o->status)) {
		order_free(o);
		return;
	}
	i = -1 - i;
	if (c->norders == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->orders = xreallocarray(c->orders, (size_t)c->cap, sizeof *c->orders);
	}
	memmove(&c->orders[i + 1], &c->orders[i], (size_t)(c->norders - i) * sizeof *c->orders);
	c->orders[i] = *o;
	c->norders++;
	c->dirty = true;
}

static int
read_orders(struct cache *c, const cJSON *arr, struct codec_error *err)
{
	const cJSON *e;

	if (!cJSON_IsArray(arr)) {
		codec_error_set(err, 422, "invalid_field", "orders", "orders: expected an array");
		return -1;
	}
	clear_orders(c);
	cJSON_ArrayForEach(e, arr) {
		struct order o;

		order_init(&o);
		if (order_from_json(e, &o, err) < 0) {
			order_free(&o);
			clear_orders(c);
			return -1;
		}
		upsert(c, &o);
	}
	return 0;
}

int
cache_set_orders(struct cache *c, const cJSON *answer, struct codec_error *err)
{
	int64_t head = 0;

	if (codec_get_int(answer, "head", NULL, 0, INT64_MAX, true, &head, NULL, err) < 0 ||
	    read_orders(c, cJSON_GetObjectItemCaseSensitive(answer, "orders"), err) < 0)
		return -1;
	c->head = head;
	c->stale = false;
	c->dirty = true;
	return 0;
}

int
cache_set_menu(struct cache *c, const cJSON *menu, struct codec_error *err)
{
	struct menu m;

	menu_init(&m);
	if (menu_from_json(menu, &m, err) < 0) {
		menu_free(&m);
		return -1;
	}
	menu_free(&c->menu);
	c->menu = m;
	c->dirty = true;
	return 0;
}

int
cache_set_store(struct cache *c, const cJSON *store, struct codec_error *err)
{
	struct store_info si;

	store_info_init(&si);
	if (store_info_from_json(store, &si, err) < 0)
		return -1;
	c->store = si;
	c->has_store = true;
	c->dirty = true;
	return 0;
}

const char *
cache_log_id(const struct cache *c)
{
	return c->log_id;
}

void
cache_set_log_id(struct cache *c, const char *id)
{
	xstrlcpy(c->log_id, id, sizeof c->log_id);
	c->dirty = true;
}

const struct store_info *
cache_store(const struct cache *c)
{
	return c->has_store ? &c->store : NULL;
}

int
cache_apply_event(struct cache *c, const cJSON *event, struct codec_error *err)
{
	struct event ev;

	if (event_from_json(event, &ev, err) < 0) {
		event_free(&ev);
		return -1;
	}
	if (ev.type == EVENT_MENU_UPDATED && ev.has_menu) {
		if (ev.menu.currency[0] == '\0')
			memcpy(ev.menu.currency, c->menu.currency, sizeof ev.menu.currency);
		menu_free(&c->menu);
		c->menu = ev.menu;
		menu_init(&ev.menu);
		event_free(&ev);
	} else if (ev.type == EVENT_MENU_UPDATED) {
		struct menu_item *it = menu_find(&c->menu, ev.item.sku);

		if (it != NULL)
			*it = ev.item;
		else
			*menu_add_item(&c->menu) = ev.item;
		if (ev.menu_version > 0)
			c->menu.version = ev.menu_version;
		event_free(&ev);
	} else if (ev.type == EVENT_STORE_UPDATED) {
		struct codec_error serr;

		if (cache_set_store(c, ev.store, &serr) < 0)
			log_warn("the restaurant's details do not read: %s", serr.message);
		event_free(&ev);
	} else if (ev.type != EVENT_ORDER_CREATED && ev.type != EVENT_ORDER_UPDATED) {
		/* staff and report events: nothing the cache keeps */
		event_free(&ev);
	} else {
		upsert(c, &ev.order);    /* takes the order's items */
		order_init(&ev.order);
		event_free(&ev);
	}
	if (ev.seq > c->head)
		c->head = ev.seq;
	c->dirty = true;
	return 0;
}

int
cache_load(struct cache *c, char *err, size_t errsize)
{
	struct codec_error cerr;
	struct strbuf sb;
	char buf[65536];
	size_t n;
	FILE *fp;
	cJSON *j;
	int64_t version = 0, head = 0, saved = 0;

	if (c->path[0] == '\0')
		return 1;
	if ((fp = fopen(c->path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsize, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0 && sb.len <= CACHE_FILE_MAX)
		strbuf_append(&sb, buf, n);
	fclose(fp);
	if (sb.len > CACHE_FILE_MAX) {
		strbuf_free(&sb);
		snprintf(err, errsize, "%s: larger than %d MiB", c->path, CACHE_FILE_MAX >> 20);
		return -1;
	}
	j = sb.len > 0 ? cJSON_ParseWithLength(sb.data, sb.len) : NULL;
	/* ours, even damaged, is a JSON object; anything else (a database,
	 * a document) was put there by someone else and is not replaced */
	size_t lead = 0;
	while (lead < sb.len && (sb.data[lead] == ' ' || sb.data[lead] == '\n' ||
	    sb.data[lead] == '\r' || sb.data[lead] == '\t'))
		lead++;
	if (sb.len > 0 && (lead == sb.len || sb.data[lead] != '{' || (j != NULL &&
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "version"))))) {
		strbuf_free(&sb);
		cJSON_Delete(j);
		c->foreign = true;
		snprintf(err, errsize, "%s is not a Brigade cache file: it is left as it is, "
		    "and the orders are not saved (see the cache setting)", c->path);
		return -1;
	}
	strbuf_free(&sb);
	if (j == NULL ||
	    codec_get_int(j, "version", NULL, 1, CACHE_VERSION, true, &version, NULL, &cerr) < 0 ||
	    codec_get_int(j, "head", NULL, 0, INT64_MAX, true, &head, NULL, &cerr) < 0 ||
	    codec_get_int(j, "saved_at", NULL, 0, INT64_MAX, true, &saved, NULL, &cerr) < 0 ||
	    read_orders(c, cJSON_GetObjectItemCaseSensitive(j, "orders"), &cerr) < 0 ||
	    cache_set_menu(c, cJSON_GetObjectItemCaseSensitive(j, "menu"), &cerr) < 0 ||
	    (cJSON_GetObjectItemCaseSensitive(j, "store") != NULL &&
	    cache_set_store(c, cJSON_GetObjectItemCaseSensitive(j, "store"), &cerr) < 0)) {
		snprintf(err, errsize, "%s: not a usable cache file%s%s", c->path,
		    j != NULL ? ": " : "", j != NULL ? cerr.message : "");
		cJSON_Delete(j);
		clear_orders(c);
		return -1;
	}
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");

	if (cJSON_IsString(log))
		xstrlcpy(c->log_id, log->valuestring, sizeof c->log_id);
	cJSON_Delete(j);
	c->head = head;
	c->saved_at = saved;
	c->stale = true;
	c->dirty = false;
	return 0;
}

int
cache_save(struct cache *c)
{
	cJSON *j, *arr;
	char *text;
	int rc = 0;

	if (c->path[0] == '\0')
		return 0;
	if (c->foreign) {
		c->dirty = false;
		return -1;   /* said at load */
	}
	j = cJSON_CreateObject();
	codec_add_int(j, "version", CACHE_VERSION);
	codec_add_int(j, "saved_at", util_now_ms());
	codec_add_int(j, "head", c->head);
	cJSON_AddItemToObject(j, "menu", menu_to_json(&c->menu));
	if (c->has_store)
		cJSON_AddItemToObject(j, "store", store_info_to_json(&c->store));
	cJSON_AddStringToObject(j, "log", c->log_id);
	arr = cJSON_AddArrayToObject(j, "orders");
	for (int i = 0; i < c->norders; i++)
		cJSON_AddItemToArray(arr, order_to_json(&c->orders[i]));
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		abort();
	cfg_mkdirs_for(c->path);
	if (util_write_durable(c->path, text, strlen(text)) < 0) {
		log_error("cannot save the cache %s: %s", c->path, strerror(errno));
		rc = -1;
	} else {
		c->dirty = false;
	}
	free(text);
	return rc;
}

int64_t
cache_head(const struct cache *c)
{
	return c->head;
}

bool
cache_stale(const struct cache *c)
{
	return c->stale;
}

void
cache_set_stale(struct cache *c, bool stale)
{
	c->stale = stale;
}

int64_t
cache_saved_at(const struct cache *c)
{
	return c->saved_at;
}

bool
cache_dirty(const struct cache *c)
{
	return c->dirty;
}

int
cache_norders(const struct cache *c)
{
	return c->norders;
}

const struct order *
cache_order(const struct cache *c, int i)
{
	return i >= 0 && i < c->norders ? &c->orders[i] : NULL;
}

const struct order *
cache_find(const struct cache *c, int64_t id)
{
	int i = find(c, id);

	return i >= 0 ? &c->orders[i] : NULL;
}

const struct menu *
cache_menu(const struct cache *c)
{
	return &c->menu;
}
