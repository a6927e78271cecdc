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
cluster_catch_up(struct server *s, struct shop *sh)
{
	bool config = false;
	int64_t seq;
	char *text;
	int n = 0;

	if (!store_shared(s->reader))
		return;
	while (n < CATCH_UP_MAX && (text = store_event_after(s->reader, sh->id,
	    sh->stream.head, &seq)) != NULL) {
		stream_append(&sh->stream, seq, text);
		config = config || changes_config(text);
		free(text);
		n++;
	}
	/* another server changed the menu or the details: GET /menu and
	 * GET /store answer what the store now holds */
	if (config)
		shop_reload(s, sh);
	if (n > 0)
		stream_wake(&sh->stream);
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
		/* what was told while the ear was deaf: every stream reads the
		 * table, and cached logins are looked up again */
		sessions_free(&s->sessions);
		sessions_init(&s->sessions);
		for (int i = 0; i < s->shops.n; i++)
			cluster_catch_up(s, s->shops.v[i]);
	} else {
		/* only the stores this server serves: another's shop reads its
		 * head when it is first asked for */
		for (int i = 0; i < news.nheads; i++) {
			struct shop *sh = shop_find(s, news.heads[i].sid);

			if (sh != NULL && news.heads[i].seq > sh->stream.head)
				cluster_catch_up(s, sh);
		}
	}
	pgwatch_news_free(&news);
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
	se.store_id = row.store_id;
	se.org = staff.store_id == STORE_ORG;
	se.staff_id = row.staff_id;
	xstrlcpy(se.staff, staff.code, sizeof se.staff);
	xstrlcpy(se.name, staff.name, sizeof se.name);
	se.role = staff.role;
	xstrlcpy(se.terminal, row.terminal, sizeof se.terminal);
	se.expires_at = row.expires_at;
	sessions_add(&s->sessions, &se);
	return sessions_find(&s->sessions, token_hash, now);
}
