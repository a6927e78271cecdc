/* cache: the last known open orders and menu, fed by a REST snapshot and
 * then by stream events, and kept in a small JSON file so that a screen
 * that starts while the server is away shows what it last knew, marked
 * stale. A model: no I/O but its own file, no curses, one thread. */
#ifndef BRIGADE_CLIENT_CACHE_H
#define BRIGADE_CLIENT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "order.h"

struct cache;

/* path: where cache_save writes (NULL: memory only). */
struct cache *cache_new(const char *path);
void cache_free(struct cache *c);

/* Read the file: 0 loaded (and stale), 1 no file, -1 unreadable (err says
 * why; the cache stays empty and the file is left for a person to see). */
int cache_load(struct cache *c, char *err, size_t errsize);
/* Write the file atomically (temporary file, fsync, rename). */
int cache_save(struct cache *c);

/* A snapshot: GET /api/v1/orders (open orders) answer {"orders","head"};
 * replaces every order and the head, and makes the cache fresh. */
int cache_set_orders(struct cache *c, const cJSON *answer, struct codec_error *err);
/* GET /api/v1/menu. */
int cache_set_menu(struct cache *c, const cJSON *menu, struct codec_error *err);
/* GET /api/v1/store: the restaurant's details. */
int cache_set_store(struct cache *c, const cJSON *store, struct codec_error *err);
/* A stream event (seq in order). Orders are replaced only by a newer
 * version and leave the cache when they close; menu.updated replaces its
 * item. Returns 0, or -1 for an event that does not parse. */
int cache_apply_event(struct cache *c, const cJSON *event, struct codec_error *err);

int64_t cache_head(const struct cache *c);       /* last seq reflected */
bool cache_stale(const struct cache *c);         /* loaded, not yet confirmed */
void cache_set_stale(struct cache *c, bool stale);
int64_t cache_saved_at(const struct cache *c);   /* ms, of the loaded file */
bool cache_dirty(const struct cache *c);         /* changed since saved */

/* The open orders by id, oldest first. */
int cache_norders(const struct cache *c);
const struct order *cache_order(const struct cache *c, int i);
const struct order *cache_find(const struct cache *c, int64_t id);
const struct menu *cache_menu(const struct cache *c);
/* The restaurant's details, NULL until a snapshot or the file gave them. */
struct store_info;
const struct store_info *cache_store(const struct cache *c);

#endif
