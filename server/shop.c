/* shop: the service thread's view of each store. */
#include "shop.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "log.h"
#include "server.h"
#include "storeinfo.h"
#include "xalloc.h"

/* Recent events kept per store for screens that reconnect: a restaurant
 * that is alone on its server keeps more. */
#define RING_MAIN 4096
#define RING_OTHER 512

static int
slot(const struct shops *ss, int64_t sid)
{
	int lo = 0, hi = ss->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (ss->v[mid]->id < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct shop *
shop_find(struct server *s, int64_t sid)
{
	int i = slot(&s->shops, sid);

	return i < s->shops.n && s->shops.v[i]->id == sid ? s->shops.v[i] : NULL;
}

static char *
render(cJSON *j)
{
	char *text = cJSON_PrintUnformatted(j);

	cJSON_Delete(j);
	if (text == NULL)
		abort();
	return text;
}

void
shop_set_menu(struct shop *sh, char *menu_json)
{
	free(sh->menu_json);
	sh->menu_json = menu_json;
}

void
shop_set_details(struct shop *sh, char *store_json, int day_start_hour)
{
	free(sh->store_json);
	sh->store_json = store_json;
	sh->day_start_hour = day_start_hour;
}

int
shop_reload(struct server *s, struct shop *sh)
{
	struct store_info si;
	struct menu m;

	if (store_info_load(s->reader, sh->id, &si) < 0 ||
	    store_menu_load(s->reader, sh->id, &m) < 0)
		return -1;
	xstrlcpy(m.currency, si.currency, sizeof m.currency);
	shop_set_details(sh, render(store_info_to_json(&si)), si.day_start_hour);
	shop_set_menu(sh, render(menu_to_json(&m)));
	menu_free(&m);
	return 0;
}

struct shop *
shop_get(struct server *s, int64_t sid)
{
	struct shop *sh = shop_find(s, sid);
	struct store_row row;
	int64_t head;
	int i;

	if (sh != NULL)
		return sh;
	if (sid == STORE_ORG || store_store_by_id(s->reader, sid, &row) != 0)
		return NULL;
	head = store_max_seq(s->reader, sid);
	if (head < 0)
		return NULL;
	sh = xcalloc(1, sizeof *sh);
	sh->id = sid;
	xstrlcpy(sh->code, row.code, sizeof sh->code);
	if (store_log_id(s->reader, sid, sh->log_id) < 0 || shop_reload(s, sh) < 0) {
		log_warn("store %s: could not be read: %s", row.code, store_errmsg(s->reader));
		free(sh->menu_json);
		free(sh->store_json);
		free(sh);
		return NULL;
	}
	stream_init(&sh->stream, sid, head, sid == STORE_MAIN ? RING_MAIN : RING_OTHER);
	i = slot(&s->shops, sid);
	s->shops.v = xreallocarray(s->shops.v, (size_t)s->shops.n + 1, sizeof *s->shops.v);
	memmove(s->shops.v + i + 1, s->shops.v + i,
	    (size_t)(s->shops.n - i) * sizeof *s->shops.v);
	s->shops.v[i] = sh;
	s->shops.n++;
	return sh;
}

void
shops_free(struct shops *ss)
{
	for (int i = 0; i < ss->n; i++) {
		stream_free(&ss->v[i]->stream);
		free(ss->v[i]->menu_json);
		free(ss->v[i]->store_json);
		free(ss->v[i]);
	}
	free(ss->v);
	memset(ss, 0, sizeof *ss);
}
