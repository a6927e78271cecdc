/* session_probe: a line-oriented program on the session glue, for the
 * integration tests. Settings come from BRIGADE_*; it prints what the
 * session tells it and takes commands on stdin:
 *   login STAFF PIN | act ID ACTION | done ID STATION | create JSON
 *   mark ID | list | dismiss ENTRY | quit
 * Output lines (flushed at once):
 *   login RESULT MESSAGE
 *   state CONN stale=0|1 queued=N attention=N role=ROLE [server=HOST:PORT]
 *     (server= with several servers configured: the one in use)
 *   orders all N | order ID STATUS VERSION
 *   refused ORDER KIND HTTP CODE MESSAGE
 *   mark ID pending=0|1 status=S stations=a,b
 *   queued ENTRY | list ... end */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cfg.h"
#include "log.h"
#include "session.h"
#include "strbuf.h"

static const char *const conn_names[] = { "STARTING", "ONLINE", "OFFLINE", "SIGNED_OUT" };
static const char *const login_names[] = { "OK", "REFUSED", "LOCKED", "OFFLINE", "FAILED" };

struct probe {
	struct session *s;
	struct strbuf line;
	char last_state[256];
};

static void
on_orders(void *ctx, const int64_t *ids, int n)
{
	struct probe *p = ctx;
	struct cache *c = session_cache(p->s);

	if (n < 0) {
		printf("orders all %d\n", cache_norders(c));
	} else {
		for (int i = 0; i < n; i++) {
			const struct order *o = cache_find(c, ids[i]);

			if (o != NULL)
				printf("order %lld %s %d\n", (long long)o->id, status_name(o->status),
				    o->version);
			else
				printf("order %lld GONE 0\n", (long long)ids[i]);
		}
	}
	fflush(stdout);
}

static void
on_state(void *ctx, const struct session_state *st)
{
	struct probe *p = ctx;
	char line[256];

	snprintf(line, sizeof line, "state %s stale=%d queued=%lld attention=%lld role=%s",
	    conn_names[st->conn], st->stale, (long long)st->queued, (long long)st->attention,
	    st->role >= 0 ? role_name((enum staff_role)st->role) : "?");
	if (st->server[0] != '\0')
		snprintf(line + strlen(line), sizeof line - strlen(line), " server=%s", st->server);
	if (strcmp(line, p->last_state) != 0) {
		printf("%s\n", line);
		fflush(stdout);
		snprintf(p->last_state, sizeof p->last_state, "%s", line);
	}
}

static void
on_login(void *ctx, enum session_login_result r, const char *message)
{
	printf("login %s %s\n", login_names[r], message);
	fflush(stdout);
}

static void
on_refused(void *ctx, const struct session_refusal *r)
{
	printf("refused %lld %s %d %s %s\n", (long long)r->order_id, r->kind, r->http_status,
	    r->code, r->message);
	fflush(stdout);
}

static void
command(struct probe *p, char *cmd)
{
	char a[256], b[256];
	long long id;

	if (sscanf(cmd, "login %255s %255s", a, b) == 2) {
		session_login(p->s, a, b);
	} else if (sscanf(cmd, "act %lld %255s", &id, a) == 2) {
		int act = action_parse(a);

		printf("queued %lld\n", act < 0 ? -1LL :
		    (long long)session_act(p->s, id, (enum order_action)act, NULL));
	} else if (sscanf(cmd, "done %lld %255s", &id, a) == 2) {
		printf("queued %lld\n", (long long)session_items_done(p->s, id, a));
	} else if (strncmp(cmd, "create ", 7) == 0) {
		printf("queued %lld\n", (long long)session_create_order(p->s, cmd + 7));
	} else if (sscanf(cmd, "mark %lld", &id) == 1) {
		struct session_mark m;

		session_mark(p->s, id, &m);
		printf("mark %lld pending=%d status=%s stations=", id, m.pending,
		    m.status >= 0 ? status_name((enum order_status)m.status) : "-");
		for (int i = 0; i < m.nstations; i++)
			printf("%s%s", i ? "," : "", m.stations[i]);
		printf("\n");
	} else if (sscanf(cmd, "dismiss %lld", &id) == 1) {
		printf("dismissed %d\n", session_dismiss(p->s, id));
	} else if (strcmp(cmd, "list") == 0) {
		struct cache *c = session_cache(p->s);

		printf("list");
		for (int i = 0; i < cache_norders(c); i++)
			printf(" %lld:%s", (long long)cache_order(c, i)->id,
			    status_name(cache_order(c, i)->status));
		printf(" end\n");
	} else if (strcmp(cmd, "quit") == 0) {
		loop_stop(session_loop(p->s));
		return;
	} else {
		printf("unknown %s\n", cmd);
	}
	fflush(stdout);
}

static void
on_input(void *ctx, const char *data, size_t len)
{
	struct probe *p = ctx;
	char *nl;

	if (len == 0) {
		loop_stop(session_loop(p->s));
		return;
	}
	strbuf_append(&p->line, data, len);
	while ((nl = memchr(p->line.data, '\n', p->line.len)) != NULL) {
		size_t n = (size_t)(nl - p->line.data);
		char cmd[4096];

		snprintf(cmd, sizeof cmd, "%.*s", (int)(n < sizeof cmd - 1 ? n : sizeof cmd - 1),
		    p->line.data);
		memmove(p->line.data, nl + 1, p->line.len - n - 1);
		p->line.len -= n + 1;
		p->line.data[p->line.len] = '\0';
		command(p, cmd);
	}
}

int
main(void)
{
	struct client_cfg cfg;
	struct probe p;
	char err[512];

	log_init("session_probe");
	memset(&p, 0, sizeof p);
	strbuf_init(&p.line);
	if (cfg_load(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "session_probe: %s\n", err);
		return 2;
	}
	struct session_opts o = { "probe", &cfg, NULL };
	struct session_handlers h = { .orders = on_orders, .state = on_state, .login = on_login,
	    .refused = on_refused, .ctx = &p };
	p.s = session_new(&o, &h, err, sizeof err);
	if (p.s == NULL) {
		fprintf(stderr, "session_probe: %s\n", err);
		return 1;
	}
	loop_watch_input(session_loop(p.s), 0, on_input, &p);
	printf("ready\n");
	fflush(stdout);
	session_start(p.s);
	loop_run(session_loop(p.s));
	session_free(p.s);
	strbuf_free(&p.line);
	return 0;
}
