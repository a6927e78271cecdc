/* cluster: following the other servers of a shared store. */
#include "cluster.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "http.h"
#include "log.h"
#include "pgwatch.h"
#include "server.h"
#include "storeinfo.h"
#include "util.h"
#include "xalloc.h"

/* The most events one catch-up reads before the loop turns again (the
 * rest follow at the next wake, which it asks for). */
#define CATCH_UP_MAX 2000

static void
wake(void *ctx)
{
	struct server *s = ctx;

	if (s->ctx != NULL)
		lws_cancel_service(s->ctx);
}

void
cluster_start(struct server *s)
{
	if (store_is_url(s->cfg.db_path))
		s->watch = pgwatch_start(s->cfg.db_path, wake, s);
}

void
cluster_stop(struct server *s)
{
	pgwatch_stop(s->watch);
	s->watch = NULL;
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

/* Another server changed the menu or the store's details: GET /menu and
 * GET /store answer what the store now holds. */
static void
reload_config(struct server *s)
{
	struct store_info si;
	struct menu m;

	if (store_info_load(s->reader, &si) < 0)
		return;
	free(s->store_json);
	s->store_json = render(store_info_to_json(&si));
	s->cfg.day_start_hour = si.day_start_hour;
	if (store_menu_load(s->reader, &m) < 0)
		return;
	xstrlcpy(m.currency, si.currency, sizeof m.currency);
	free(s->menu_json);
	s->menu_json = render(menu_to_json(&m));
	menu_free(&m);
}

static bool
changes_config(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
	bool yes = cJSON_IsString(t) && (strcmp(t->valuestring, "menu.updated") == 0 ||
	    strcmp(t->valuestring, "store.updated") == 0);

	cJSON_Delete(j);
	return yes;
}

void
cluster_catch_up(struct server *s)
{
	bool config = false;
	int64_t seq;
	char *text;
	int n = 0;

	if (!store_shared(s->reader))
		return;
	while (n < CATCH_UP_MAX &&
	    (text = store_event_after(s->reader, s->stream.head, &seq)) != NULL) {
		stream_append(&s->stream, seq, text);
		config = config || changes_config(text);
		free(text);
		n++;
	}
	if (config)
		reload_config(s);
	if (n == CATCH_UP_MAX)
		lws_cancel_service(s->ctx);   /* more to read: next turn */
}

void
cluster_poll(struct server *s)
{
	struct pgwatch_news news;

	if (s->watch == NULL || !pgwatch_take(s->watch, &news))
		return;
	for (int i = 0; i < news.nlogouts; i++) {
		sessions_remove(&s->sessions, news.logouts[i]);
		http_close_streams(s, news.logouts[i], 0);
	}
	for (int i = 0; i < news.nrevoked; i++) {
		sessions_remove_staff(&s->sessions, news.revoked[i]);
		http_close_streams(s, NULL, news.revoked[i]);
	}
	if (news.lost || news.connected) {
		/* the writer tries the store now: /healthz says why it fails,
		 * and when it commits again */
		writer_submit(s->writer, job_new(JOB_PROBE, 0));
	}
	if (news.connected) {
		/* what was told while the ear was deaf: the stream reads the
		 * table, and cached logins are looked up again */
		sessions_free(&s->sessions);
		sessions_init(&s->sessions);
		cluster_catch_up(s);
	} else if (news.seq > s->stream.head) {
		cluster_catch_up(s);
	}
	pgwatch_news_free(&news);
	stream_wake(&s->stream);
}

const struct session *
cluster_session(struct server *s, const char *token_hash, int64_t now)
{
	const struct session *found = sessions_find(&s->sessions, token_hash, now);
	struct session_row row;
	struct staff_row staff;
	struct session se;

	if (found != NULL || !store_shared(s->reader) ||
	    store_session_get(s->reader, token_hash, now, &row, &staff) != 0)
		return found;
	memset(&se, 0, sizeof se);
	memcpy(se.token_hash, row.token_hash, sizeof se.token_hash);
	se.staff_id = row.staff_id;
	xstrlcpy(se.staff, staff.code, sizeof se.staff);
	xstrlcpy(se.name, staff.name, sizeof se.name);
	se.role = staff.role;
	xstrlcpy(se.terminal, row.terminal, sizeof se.terminal);
	se.expires_at = row.expires_at;
	sessions_add(&s->sessions, &se);
	return sessions_find(&s->sessions, token_hash, now);
}
