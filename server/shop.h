/* shop: what the service thread keeps of each store it serves: the bodies
 * of its GET /menu and GET /store, the hour its business day starts, the
 * identity of its event log and its stream (the ring of its recent events
 * and its subscribers: a store's screens get only its events). A shop is
 * made the first time a request, a login or another server's commit
 * names its store, and kept for the life of the server. */
#ifndef BRIGADE_SHOP_H
#define BRIGADE_SHOP_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "stream.h"

struct server;

struct shop {
	int64_t id;
	char code[STORE_CODE_MAX + 1];
	char *menu_json;
	char *store_json;
	int day_start_hour;
	char log_id[LOG_ID_LEN + 1];
	struct stream stream;
};

/* The shops, by store id (ascending). */
struct shops {
	struct shop **v;
	int n;
};

/* The shop of store sid if it is loaded, else NULL. */
struct shop *shop_find(struct server *s, int64_t sid);
/* The shop of store sid, loaded through the read connection if need be;
 * NULL when there is no such store or it cannot be read now. */
struct shop *shop_get(struct server *s, int64_t sid);
/* Read the store's menu and details again (another server changed them). */
int shop_reload(struct server *s, struct shop *sh);
/* Set the shop's GET /menu or GET /store body (the text is taken). */
void shop_set_menu(struct shop *sh, char *menu_json);
void shop_set_details(struct shop *sh, char *store_json, int day_start_hour);
void shops_free(struct shops *ss);

#endif
