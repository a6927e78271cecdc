/* routes: the API's routes table and its handlers. Handlers validate what
 * they can without the database, then either answer from the read
 * connection or hand a job to a worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "http.h"
#include "log.h"
#include "menuedit.h"
#include "pan.h"
#include "reports.h"
#include "util.h"
#include "xalloc.h"

#define STAFF_ROLES (ROLE_BIT(ROLE_CASHIER) | ROLE_BIT(ROLE_WAITER) | \
    ROLE_BIT(ROLE_CHEF) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))
#define ANY_ROLE (STAFF_ROLES | ROLE_BIT(ROLE_CUSTOMER))
#define KITCHEN_ROLES (ROLE_BIT(ROLE_CHEF) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))
#define BOSS_ROLES (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

#define LIST_LIMIT_DEFAULT 500
#define MENU_BODY_MAX (4u * 1024 * 1024)  /* a whole menu: 5,000 items fit */
#define LIST_LIMIT_MAX 2000

/* Parse the body as a JSON object or answer 400. */
static cJSON *
body_json(struct server *s, struct lws *wsi, struct pss *p)
{
	struct codec_error err;
	cJSON *j = codec_parse_object(p->body.data, p->body.len, &err);

	if (j == NULL)
		http_error(s, wsi, p, err.status, err.code, err.field, err.message);
	return j;
}

static void
codec_fail(struct server *s, struct lws *wsi, struct pss *p,
    const struct codec_error *err)
{
	http_error(s, wsi, p, err->status, err->code, err->field, err->message);
}

/* Order ids in paths are positive integers. */
static bool
path_id(const char *arg, int64_t *id)
{
	int64_t v = 0;

	if (*arg == '\0' || strlen(arg) > 15)
		return false;
	for (const char *c = arg; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (*c - '0');
	}
	*id = v;
	return v > 0;
}

static struct job *
new_job(struct pss *p, enum job_kind kind)
{
	struct job *j = job_new(kind, 0);

	j->caller = p->caller;
	/* a login is not replayable: its answer is a new token, and a stored
	 * copy would be a token kept in plain text */
	if (kind != JOB_LOGIN && kind != JOB_APPROVE)
		xstrlcpy(j->idem_key, p->idem_key, sizeof j->idem_key);
	if (j->idem_key[0] != '\0') {
		/* what a replay must match: method, path and body */
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_printf(&sb, "%d %s\n", (int)p->method, p->path);
		if (p->body.len > 0)
			strbuf_append(&sb, p->body.data, p->body.len);
		auth_sha256_hex(sb.data, sb.len, j->req_hash);
		strbuf_free(&sb);
	}
	return j;
}

/* Decodes a request body into a job; -1 with err filled refuses it. */
typedef int (*job_decoder)(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err);

/* The common path of every change: parse the body, decode it into a job of
 * kind (for order id when nonzero), answer a refusal, or hand the job to a
 * worker (the auth worker when a PIN must be hashed or checked). PINs in
 * the body are wiped whatever happens. */
static void
submit_body(struct server *s, struct lws *wsi, struct pss *p, enum job_kind kind,
    int64_t order_id, job_decoder decode)
{
	struct codec_error err;
	struct job *j;
	cJSON *body, *pin;
	int rc;

	if ((body = body_json(s, wsi, p)) == NULL)
		return;
	j = new_job(p, kind);
	j->order_id = order_id;
	/* logins are budgeted per client address (throttle.h) */
	if (kind == JOB_LOGIN || kind == JOB_PIN_CHANGE || kind == JOB_APPROVE)
		xstrlcpy(j->peer, p->client, sizeof j->peer);
	rc = decode(p, body, j, &err);
	for (int k = 0; k < 3; k++) {
		static const char *const pin_keys[] = { "pin", "old_pin", "new_pin" };

		pin = cJSON_GetObjectItemCaseSensitive(body, pin_keys[k]);
		if (pin != NULL && cJSON_IsString(pin))
			explicit_bzero(pin->valuestring, strlen(pin->valuestring));
	}
	if (kind == JOB_LOGIN || kind == JOB_STAFF_CREATE || kind == JOB_STAFF_PATCH ||
	    kind == JOB_PIN_CHANGE || kind == JOB_APPROVE)
		explicit_bzero(p->body.data, p->body.len);
	cJSON_Delete(body);
	if (rc < 0) {
		job_free(j);
		codec_fail(s, wsi, p, &err);
		return;
	}
	http_submit(s, wsi, p, j, kind == JOB_LOGIN || kind == JOB_PIN_CHANGE ||
	    kind == JOB_APPROVE || (j->mask & STAFF_PATCH_PIN) != 0);
}

/* The order id in the path, or a 404 (answered) and false. */
static bool
order_id_arg(struct server *s, struct lws *wsi, struct pss *p, int64_t *id)
{
	if (path_id(p->arg[0], id))
		return true;
	http_error(s, wsi, p, 404, "not_found", NULL, "no such order");
	return false;
}

/* ---- health, metrics, auth ------------------------------------------- */

/* The main store's head (/healthz is asked without a login). */
static int64_t
main_head(struct server *s)
{
	struct shop *sh = shop_find(s, STORE_MAIN);

	return sh != NULL ? sh->stream.head : 0;
}

static void
h_healthz(struct server *s, struct lws *wsi, struct pss *p)
{
	char body[320];

	/* a damaged database refuses every change: the supervisor and the
	 * screens should know, not just the log */
	if (store_damaged()) {
		snprintf(body, sizeof body,
		    "{\"status\":\"damaged\",\"server_time\":%lld,\"head\":%lld,"
		    "\"error\":{\"code\":\"store_corrupt\",\"message\":\"the database is "
		    "damaged: changes are refused until it is restored from a backup\"}}",
		    (long long)util_now_ms(), (long long)main_head(s));
		http_respond_json(s, wsi, p, 503, body);
		return;
	}
	/* the last write did not commit (a full or read-only disk, an I/O
	 * error): a probe write decides, and its answer is the health */
	if (writer_failing(s->writer, body, sizeof body)) {
		http_submit(s, wsi, p, job_new(JOB_PROBE, 0), false);
		return;
	}
	/* the key retention tells an offline client how long its queued
	 * changes stay safe to replay */
	snprintf(body, sizeof body,
	    "{\"status\":\"ok\",\"server_time\":%lld,\"head\":%lld,"
	    "\"idempotency_retention_ms\":%lld}",
	    (long long)util_now_ms(), (long long)main_head(s),
	    (long long)s->cfg.idem_retention_days * 86400000LL);
	http_respond_json(s, wsi, p, 200, body);
}

/* One store's orders per status, labelled with its code. */
static void
metrics_orders(struct server *s, struct strbuf *sb, int64_t sid, const char *code)
{
	int64_t counts[STATUS_COUNT];

	if (store_count_by_status(s->reader, sid, counts) < 0)
		return;
	for (int i = 0; i < STATUS_COUNT; i++)
		strbuf_printf(sb, "brigade_orders{store=\"%s\",status=\"%s\"} %lld\n",
		    code, status_name((enum order_status)i), (long long)counts[i]);
}

static void
metrics_store_row(void *ctx, const struct store_row *row)
{
	struct { struct server *s; struct strbuf *sb; } *c = ctx;

	metrics_orders(c->s, c->sb, row->id, row->code);
}

/* One shop's stream: its screens and its head. */
static void
metrics_stream(struct strbuf *clients, struct strbuf *heads, const struct shop *sh)
{
	strbuf_printf(clients, "brigade_stream_clients{store=\"%s\"} %d\n",
	    sh->code, sh->stream.nsubs);
	strbuf_printf(heads, "brigade_events_head{store=\"%s\"} %lld\n",
	    sh->code, (long long)sh->stream.head);
}

/* A store's login sees its own store's gauges; the scrape credential
 * (no store) and an organisation admin see every store's, each labelled
 * with its code. The request and writer counters are the server's. */
static void
h_metrics(struct server *s, struct lws *wsi, struct pss *p)
{
	bool every = p->shop == NULL || p->caller.org;
	struct { struct server *s; struct strbuf *sb; } ctx;
	struct writer_stats ws;
	struct strbuf sb, clients, heads;

	strbuf_init(&sb);
	strbuf_init(&clients);
	strbuf_init(&heads);
	metrics_render(&s->metrics, &sb);
	strbuf_puts(&sb, "# HELP brigade_orders Orders by store and status.\n"
	    "# TYPE brigade_orders gauge\n");
	if (every) {
		ctx.s = s;
		ctx.sb = &sb;
		(void)store_stores_each(s->reader, metrics_store_row, &ctx);
		for (int i = 0; i < s->shops.n; i++)
			metrics_stream(&clients, &heads, s->shops.v[i]);
	} else {
		metrics_orders(s, &sb, p->shop->id, p->shop->code);
		metrics_stream(&clients, &heads, p->shop);
	}
	strbuf_printf(&sb,
	    "# HELP brigade_stream_clients Connected stream subscribers, by store.\n"
	    "# TYPE brigade_stream_clients gauge\n%s"
	    "# HELP brigade_events_head Highest event seq committed, by store.\n"
	    "# TYPE brigade_events_head gauge\n%s",
	    clients.len > 0 ? clients.data : "", heads.len > 0 ? heads.data : "");
	writer_stats(s->writer, &ws);
	strbuf_printf(&sb,
	    "# HELP brigade_sessions Live login sessions.\n"
	    "# TYPE brigade_sessions gauge\nbrigade_sessions %d\n"
	    "# HELP brigade_commit_batches_total Transactions committed by the writer.\n"
	    "# TYPE brigade_commit_batches_total counter\nbrigade_commit_batches_total %llu\n"
	    "# HELP brigade_commit_jobs_total Jobs run by the writer.\n"
	    "# TYPE brigade_commit_jobs_total counter\nbrigade_commit_jobs_total %llu\n"
	    "# HELP brigade_commit_failures_total Transactions that failed to commit.\n"
	    "# TYPE brigade_commit_failures_total counter\nbrigade_commit_failures_total %llu\n"
	    "# HELP brigade_stores_served Stores this server has served since it started.\n"
	    "# TYPE brigade_stores_served gauge\nbrigade_stores_served %d\n",
	    s->sessions.count,
	    (unsigned long long)ws.batches, (unsigned long long)ws.jobs,
	    (unsigned long long)ws.commit_failures, s->shops.n);
	http_respond(s, wsi, p, 200, "text/plain; version=0.0.4", sb.data, sb.len);
	strbuf_free(&sb);
	strbuf_free(&clients);
	strbuf_free(&heads);
}

static const struct codec_str_spec spec_staff_code = { 1, STAFF_MAX, true, false };
static const struct codec_str_spec spec_store_code = { 1, STORE_CODE_MAX, true, false };
static const struct codec_str_spec spec_pin = { 4, 12, false, true };
static const struct codec_str_spec spec_terminal = { 1, TERMINAL_MAX, false, false };
static const struct codec_str_spec spec_person = { 1, NAME_MAX_, false, false };

static int
decode_login(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "staff", "pin", "terminal", "store", NULL };

	xstrlcpy(j->terminal, "unknown", sizeof j->terminal);
	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_str(body, "store", NULL, &spec_store_code, false, j->key,
	    sizeof j->key, NULL, err) < 0 ||
	    codec_get_str(body, "staff", NULL, &spec_staff_code, true, j->staff.code,
	    sizeof j->staff.code, NULL, err) < 0 ||
	    codec_get_str(body, "pin", NULL, &spec_pin, true, j->pin, sizeof j->pin,
	    NULL, err) < 0 ||
	    codec_get_str(body, "terminal", NULL, &spec_terminal, false, j->terminal,
	    sizeof j->terminal, NULL, err) < 0 ||
	    codec_check_no_pan(j->terminal, "terminal", PAN_DIGITS_MIN, err) < 0)
		return -1;
	for (char *c = j->key; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (j->key[0] != '\0' && !store_code_valid(j->key)) {
		codec_error_set(err, 422, "invalid_field", "store",
		    "store: a store's code: lower-case letters, digits, - and _");
		return -1;
	}
	return 0;
}

static void
h_login(struct server *s, struct lws *wsi, struct pss *p)
{
	submit_body(s, wsi, p, JOB_LOGIN, 0, decode_login);
}

static void
h_logout(struct server *s, struct lws *wsi, struct pss *p)
{
	struct job *j = new_job(p, JOB_LOGOUT);

	/* the token stops working now, not when the delete commits */
	sessions_remove(&s->sessions, p->token_hash);
	http_close_streams(s, p->token_hash, 0);
	memcpy(j->token_hash, p->token_hash, sizeof j->token_hash);
	http_submit(s, wsi, p, j, false);
}

static void
h_me(struct server *s, struct lws *wsi, struct pss *p)
{
	const struct session *se = sessions_find(&s->sessions, p->token_hash,
	    util_now_ms());
	cJSON *j = cJSON_CreateObject();
	char *txt;

	cJSON_AddStringToObject(j, "staff", p->caller.staff);
	cJSON_AddStringToObject(j, "name", se != NULL ? se->name : "");
	cJSON_AddStringToObject(j, "role", role_name(p->caller.role));
	cJSON_AddStringToObject(j, "terminal", p->caller.terminal);
	cJSON_AddStringToObject(j, "store", p->shop->code);
	if (p->caller.org)
		cJSON_AddBoolToObject(j, "org", true);
	codec_add_int(j, "expires_at", se != NULL ? se->expires_at : 0);
	codec_add_int(j, "server_time", util_now_ms());
	txt = cJSON_PrintUnformatted(j);
	http_respond_json(s, wsi, p, 200, txt);
	free(txt);
	cJSON_Delete(j);
}

/* ---- menu ------------------------------------------------------------ */

static void
h_menu(struct server *s, struct lws *wsi, struct pss *p)
{
	http_respond_json(s, wsi, p, 200, p->shop->menu_json);
}

/* Hand a menu change to the writer, which checks it against the menu it
 * owns. The body goes as it came (checked to be a JSON object here). */
static void
menu_submit(struct server *s, struct lws *wsi, struct pss *p, enum menu_kind kind,
    enum menu_op op)
{
	struct job *j;
	char q[8];

	if (op != MENU_RETIRE) {
		cJSON *body = body_json(s, wsi, p), *e;

		if (body == NULL)
			return;
		/* the kitchen takes items off and on; the rest is a manager's */
		if (kind == MENU_KIND_ITEM && op == MENU_CHANGE &&
		    !(ROLE_BIT(p->caller.role) & BOSS_ROLES)) {
			cJSON_ArrayForEach(e, body) {
				if (strcmp(e->string, "available") != 0) {
					char field[64];

					xstrlcpy(field, e->string, sizeof field);
					cJSON_Delete(body);
					http_error(s, wsi, p, 403, "forbidden", field,
					    "the kitchen takes items on and off; a MANAGER changes"
					    " the rest");
					return;
				}
			}
		}
		cJSON_Delete(body);
	}
	j = new_job(p, JOB_MENU_EDIT);
	j->menu_kind = kind;
	j->menu_op = op;
	xstrlcpy(j->key, p->arg[0], sizeof j->key);
	xstrlcpy(j->key2, p->arg[1], sizeof j->key2);
	if (op != MENU_RETIRE) {
		j->text = xmalloc(p->body.len + 1);
		memcpy(j->text, p->body.data, p->body.len);
		j->text[p->body.len] = '\0';
	}
	if (op == MENU_REPLACE && http_query(wsi, "dry_run", q, sizeof q))
		j->dry_run = strcmp(q, "1") == 0 || strcmp(q, "true") == 0;
	http_submit(s, wsi, p, j, false);
}

#define MENU_HANDLER(fn, kind, op) \
static void \
fn(struct server *s, struct lws *wsi, struct pss *p) \
{ \
	menu_submit(s, wsi, p, kind, op); \
}

MENU_HANDLER(h_menu_put, MENU_KIND_MENU, MENU_REPLACE)
MENU_HANDLER(h_item_create, MENU_KIND_ITEM, MENU_CREATE)
MENU_HANDLER(h_item_patch, MENU_KIND_ITEM, MENU_CHANGE)
MENU_HANDLER(h_item_retire, MENU_KIND_ITEM, MENU_RETIRE)
MENU_HANDLER(h_category_create, MENU_KIND_CATEGORY, MENU_CREATE)
MENU_HANDLER(h_category_patch, MENU_KIND_CATEGORY, MENU_CHANGE)
MENU_HANDLER(h_category_retire, MENU_KIND_CATEGORY, MENU_RETIRE)
MENU_HANDLER(h_group_create, MENU_KIND_GROUP, MENU_CREATE)
MENU_HANDLER(h_group_patch, MENU_KIND_GROUP, MENU_CHANGE)
MENU_HANDLER(h_group_retire, MENU_KIND_GROUP, MENU_RETIRE)
MENU_HANDLER(h_modifier_create, MENU_KIND_MODIFIER, MENU_CREATE)
MENU_HANDLER(h_modifier_patch, MENU_KIND_MODIFIER, MENU_CHANGE)
MENU_HANDLER(h_modifier_retire, MENU_KIND_MODIFIER, MENU_RETIRE)
MENU_HANDLER(h_tax_create, MENU_KIND_TAX, MENU_CREATE)
MENU_HANDLER(h_tax_patch, MENU_KIND_TAX, MENU_CHANGE)
MENU_HANDLER(h_tax_retire, MENU_KIND_TAX, MENU_RETIRE)
MENU_HANDLER(h_station_create, MENU_KIND_STATION, MENU_CREATE)
MENU_HANDLER(h_station_patch, MENU_KIND_STATION, MENU_CHANGE)
MENU_HANDLER(h_station_retire, MENU_KIND_STATION, MENU_RETIRE)

/* ---- the restaurant's details ------------------------------------------ */

static void
h_store(struct server *s, struct lws *wsi, struct pss *p)
{
	http_respond_json(s, wsi, p, 200, p->shop->store_json);
}

static void
h_store_patch(struct server *s, struct lws *wsi, struct pss *p)
{
	cJSON *body = body_json(s, wsi, p);
	struct job *j;

	if (body == NULL)
		return;
	cJSON_Delete(body);
	j = new_job(p, JOB_STORE_PATCH);
	j->text = xmalloc(p->body.len + 1);
	memcpy(j->text, p->body.data, p->body.len);
	j->text[p->body.len] = '\0';
	http_submit(s, wsi, p, j, false);
}

/* ---- orders ---------------------------------------------------------- */

/* A manager's approval a request may carry ("approval"): its signature
 * and binding are checked by the writer, which knows the key. */
static int
decode_approval(const cJSON *body, struct job *j, struct codec_error *err)
{
	static const struct codec_str_spec spec = { 1, APPROVAL_TOKEN_MAX, false, false };

	return codec_get_str(body, "approval", NULL, &spec, false, j->approval,
	    sizeof j->approval, NULL, err);
}

static int
decode_order(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	order_free(&j->order);
	if (decode_approval(body, j, err) < 0)
		return -1;
	return order_request_from_json(body, &j->order, err);
}

static void
h_orders_create(struct server *s, struct lws *wsi, struct pss *p)
{
	if (p->idem_key[0] == '\0') {
		http_error(s, wsi, p, 400, "idempotency_key_required", "Idempotency-Key",
		    "creating an order needs an Idempotency-Key header (a UUID made when the order was taken)");
		return;
	}
	submit_body(s, wsi, p, JOB_ORDER_CREATE, 0, decode_order);
}

static void
h_orders_list(struct server *s, struct lws *wsi, struct pss *p)
{
	char status[128], day[16], limit_s[16], after_s[24];
	unsigned bits = 0;
	int64_t limit = LIST_LIMIT_DEFAULT, after = 0;
	struct strbuf sb;

	if (!http_query(wsi, "status", status, sizeof status) ||
	    !http_query(wsi, "day", day, sizeof day) ||
	    !http_query(wsi, "limit", limit_s, sizeof limit_s) ||
	    !http_query(wsi, "after_id", after_s, sizeof after_s)) {
		http_error(s, wsi, p, 422, "invalid_field", NULL, "a query argument is too long");
		return;
	}
	for (char *save = NULL, *t = strtok_r(status, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		int st = status_parse(t);

		if (st < 0) {
			http_error(s, wsi, p, 422, "invalid_field", "status",
			    "status: expected a comma-separated list of PENDING, PAID, PREPARING, READY, OUT_FOR_DELIVERY, COMPLETED, CANCELLED");
			return;
		}
		bits |= STATUS_BIT(st);
	}
	if (strcmp(day, "today") == 0) {
		util_business_day(util_now_ms(), p->shop->day_start_hour, day);
	} else if (day[0] != '\0' && (strlen(day) != 10 || day[4] != '-' || day[7] != '-')) {
		http_error(s, wsi, p, 422, "invalid_field", "day", "day: expected YYYY-MM-DD or today");
		return;
	}
	if ((limit_s[0] != '\0' && (sscanf(limit_s, "%ld", &limit) != 1 || limit < 1 ||
	    limit > LIST_LIMIT_MAX)) ||
	    (after_s[0] != '\0' && (sscanf(after_s, "%ld", &after) != 1 || after < 0))) {
		http_error(s, wsi, p, 422, "invalid_field", limit_s[0] ? "limit" : "after_id",
		    "limit must be 1 to 2000 and after_id a non-negative integer");
		return;
	}
	/* no filter at all: the open orders */
	if (bits == 0 && day[0] == '\0')
		bits = STATUS_BIT(STATUS_PENDING) | STATUS_BIT(STATUS_PAID) |
		    STATUS_BIT(STATUS_PREPARING) | STATUS_BIT(STATUS_READY) |
		    STATUS_BIT(STATUS_OUT_FOR_DELIVERY);
	strbuf_init(&sb);
	strbuf_puts(&sb, "{\"orders\":[");
	if (store_orders_list(s->reader, p->shop->id, bits, day,
	    p->caller.role == ROLE_CUSTOMER ? p->caller.staff : "", (int)limit, after,
	    &sb) < 0) {
		strbuf_free(&sb);
		http_error(s, wsi, p, 503, "storage_error", NULL, "the order database could not be read");
		return;
	}
	strbuf_printf(&sb, "],\"head\":%lld}", (long long)p->shop->stream.head);
	http_respond(s, wsi, p, 200, "application/json", sb.data, sb.len);
	strbuf_free(&sb);
}

static void
h_order_get(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t id;
	char *doc;

	if (!order_id_arg(s, wsi, p, &id))
		return;
	if ((doc = store_order_doc(s->reader, p->shop->id, id)) == NULL) {
		http_error(s, wsi, p, 404, "not_found", NULL, "no such order");
		return;
	}
	if (p->caller.role == ROLE_CUSTOMER) {
		struct codec_error err;
		struct order o;
		cJSON *j = cJSON_Parse(doc);
		bool mine = false;

		if (j != NULL && order_from_json(j, &o, &err) == 0) {
			mine = strcmp(o.staff, p->caller.staff) == 0;
			order_free(&o);
		}
		cJSON_Delete(j);
		if (!mine) {
			free(doc);
			http_error(s, wsi, p, 404, "not_found", NULL, "no such order");
			return;
		}
	}
	http_respond_json(s, wsi, p, 200, doc);
	free(doc);
}

static int
decode_order_patch(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	return order_patch_from_json(body, &j->order, &j->mask, err);
}

static void
h_order_patch(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t id;

	if (order_id_arg(s, wsi, p, &id))
		submit_body(s, wsi, p, JOB_ORDER_PATCH, id, decode_order_patch);
}

static int
decode_action(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "action", "expected_version", "reason",
	    "payments", "approval", NULL };
	static const struct codec_str_spec spec_reason = { 0, REASON_MAX, false, false };
	int64_t version = -1;

	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_enum(body, "action", NULL, action_parse, true, &j->action, NULL, err) < 0 ||
	    codec_get_int(body, "expected_version", NULL, 1, INT32_MAX, false, &version,
	    NULL, err) < 0 ||
	    codec_get_str(body, "reason", NULL, &spec_reason, false, j->reason,
	    sizeof j->reason, NULL, err) < 0 ||
	    codec_check_no_pan(j->reason, "reason", PAN_DIGITS_MIN, err) < 0 ||
	    order_payments_from_json(body, &j->order, err) < 0 ||
	    decode_approval(body, j, err) < 0)
		return -1;
	j->expected_version = (int)version;
	j->npay = j->order.npayments;
	memcpy(j->pay, j->order.payments, sizeof j->pay);
	return 0;
}

static void
h_order_action(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t id;

	if (order_id_arg(s, wsi, p, &id))
		submit_body(s, wsi, p, JOB_ORDER_ACTION, id, decode_action);
}

static int
decode_correct(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	if (correction_request_from_json(body, &j->corr, err) < 0 ||
	    decode_approval(body, j, err) < 0)
		return -1;
	return 0;
}

static void
h_order_correct(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t id;

	if (p->idem_key[0] == '\0') {
		http_error(s, wsi, p, 400, "idempotency_key_required", "Idempotency-Key",
		    "a correction needs an Idempotency-Key header (made when it was asked "
		    "for), so that a retry is not a second one");
		return;
	}
	if (order_id_arg(s, wsi, p, &id))
		submit_body(s, wsi, p, JOB_ORDER_CORRECT, id, decode_correct);
}

static int
decode_items_done(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "station", "expected_version", NULL };
	static const struct codec_str_spec spec_station = { 1, STATION_MAX, true, false };
	int64_t version = -1;

	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_str(body, "station", NULL, &spec_station, true, j->station,
	    sizeof j->station, NULL, err) < 0 ||
	    codec_get_int(body, "expected_version", NULL, 1, INT32_MAX, false, &version,
	    NULL, err) < 0)
		return -1;
	j->expected_version = (int)version;
	return 0;
}

static void
h_items_done(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t id;

	if (order_id_arg(s, wsi, p, &id))
		submit_body(s, wsi, p, JOB_ITEMS_DONE, id, decode_items_done);
}

static void
h_events(struct server *s, struct lws *wsi, struct pss *p)
{
	char after_s[24], limit_s[16];
	long after = 0, limit = 100;
	struct strbuf sb;

	if (!http_query(wsi, "after", after_s, sizeof after_s) ||
	    !http_query(wsi, "limit", limit_s, sizeof limit_s) ||
	    (after_s[0] && (sscanf(after_s, "%ld", &after) != 1 || after < 0)) ||
	    (limit_s[0] && (sscanf(limit_s, "%ld", &limit) != 1 || limit < 1 || limit > 1000))) {
		http_error(s, wsi, p, 422, "invalid_field", "after",
		    "after must be a non-negative seq and limit 1 to 1000");
		return;
	}
	strbuf_init(&sb);
	strbuf_puts(&sb, "{\"events\":[");
	if (store_events_list(s->reader, p->shop->id, after, (int)limit, &sb) < 0) {
		strbuf_free(&sb);
		http_error(s, wsi, p, 503, "storage_error", NULL, "the event log could not be read");
		return;
	}
	strbuf_printf(&sb, "],\"head\":%lld}", (long long)p->shop->stream.head);
	http_respond(s, wsi, p, 200, "application/json", sb.data, sb.len);
	strbuf_free(&sb);
}

static void
h_stream_plain(struct server *s, struct lws *wsi, struct pss *p)
{
	http_error(s, wsi, p, 426, "upgrade_required", NULL,
	    "the stream is a WebSocket: connect with Upgrade: websocket");
}

/* ---- reports --------------------------------------------------------- */

static void
h_report_x(struct server *s, struct lws *wsi, struct pss *p)
{
	struct day_report r;
	struct strbuf sb;

	if (reports_build(s->reader, p->shop->id, false, util_now_ms(),
	    p->shop->day_start_hour, &r) < 0) {
		http_error(s, wsi, p, 503, "storage_error", NULL, "the orders could not be read");
		return;
	}
	strbuf_init(&sb);
	report_render(&r, &sb);
	report_free(&r);
	http_respond(s, wsi, p, 200, "application/json", sb.data, sb.len);
	strbuf_free(&sb);
}

static void
h_report_z(struct server *s, struct lws *wsi, struct pss *p)
{
	http_submit(s, wsi, p, new_job(p, JOB_REPORT_Z), false);
}

static void
h_report_z_get(struct server *s, struct lws *wsi, struct pss *p)
{
	int64_t n;
	char *report;

	if (!path_id(p->arg[0], &n) || n > INT32_MAX ||
	    (report = store_z_get(s->reader, p->shop->id, (int)n)) == NULL) {
		http_error(s, wsi, p, 404, "not_found", NULL, "no such Z report");
		return;
	}
	http_respond_json(s, wsi, p, 200, report);
	free(report);
}

/* ---- stores ---------------------------------------------------------- */

static void
store_row_json(void *ctx, const struct store_row *row)
{
	cJSON_AddItemToArray(ctx, writer_store_json(row));
}

/* An organisation admin sees every store; anyone else their own. */
static void
h_stores_list(struct server *s, struct lws *wsi, struct pss *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(j, "stores");
	struct store_row row;
	int rc;
	char *txt;

	if (p->caller.org) {
		rc = store_stores_each(s->reader, store_row_json, arr);
	} else {
		rc = store_store_by_id(s->reader, p->shop->id, &row);
		if (rc == 0)
			store_row_json(arr, &row);
	}
	if (rc < 0) {
		cJSON_Delete(j);
		http_error(s, wsi, p, 503, "storage_error", NULL, "the stores could not be read");
		return;
	}
	cJSON_AddStringToObject(j, "current", p->shop->code);
	txt = cJSON_PrintUnformatted(j);
	http_respond_json(s, wsi, p, 200, txt);
	free(txt);
	cJSON_Delete(j);
}

static int
decode_store_create(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "code", "name", NULL };

	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_str(body, "code", NULL, &spec_store_code, true, j->key,
	    sizeof j->key, NULL, err) < 0 ||
	    codec_get_str(body, "name", NULL, &spec_person, true, j->key2,
	    sizeof j->key2, NULL, err) < 0)
		return -1;
	if (!store_code_valid(j->key)) {
		codec_error_set(err, 422, "invalid_field", "code",
		    "code: lower-case letters, digits, - and _ (at most 32)");
		return -1;
	}
	/* the organisation's change: no store's counter is held for it */
	j->caller.store_id = STORE_ORG;
	return 0;
}

static void
h_store_create(struct server *s, struct lws *wsi, struct pss *p)
{
	if (!p->caller.org) {
		http_error(s, wsi, p, 403, "forbidden", NULL,
		    "only an organisation admin adds stores");
		return;
	}
	submit_body(s, wsi, p, JOB_STORE_CREATE, 0, decode_store_create);
}

/* ---- staff ----------------------------------------------------------- */

static void
staff_row_json(void *ctx, const struct staff_row *row)
{
	cJSON *arr = ctx;

	cJSON_AddItemToArray(arr, writer_staff_json(row));
}

static void
h_staff_list(struct server *s, struct lws *wsi, struct pss *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(j, "staff");
	char *txt;

	if (store_staff_each(s->reader, p->shop->id, staff_row_json, arr) < 0) {
		cJSON_Delete(j);
		http_error(s, wsi, p, 503, "storage_error", NULL, "the staff list could not be read");
		return;
	}
	txt = cJSON_PrintUnformatted(j);
	http_respond_json(s, wsi, p, 200, txt);
	free(txt);
	cJSON_Delete(j);
}

/* Fields shared by staff create and patch. */
static int
staff_fields(const cJSON *body, struct job *j, bool create, struct codec_error *err)
{
	static const char *const keys[] = { "staff", "name", "role", "pin", "active", "org",
	    NULL };
	static const char *const patch_keys[] = { "name", "role", "pin", "active", NULL };
	bool have = false;
	int role = 0;

	if (codec_only_keys(body, NULL, create ? keys : patch_keys, err) < 0)
		return -1;
	/* the code is in every order the account takes */
	if (create && (codec_get_str(body, "staff", NULL, &spec_staff_code, true,
	    j->staff.code, sizeof j->staff.code, NULL, err) < 0 ||
	    codec_check_no_pan(j->staff.code, "staff", PAN_DIGITS_MIN, err) < 0))
		return -1;
	if (codec_get_str(body, "name", NULL, &spec_person, create, j->staff.name,
	    sizeof j->staff.name, &have, err) < 0 ||
	    codec_check_no_pan(j->staff.name, "name", PAN_DIGITS_MIN, err) < 0)
		return -1;
	if (have)
		j->mask |= STAFF_PATCH_NAME;
	if (codec_get_enum(body, "role", NULL, role_parse, create, &role, &have, err) < 0)
		return -1;
	if (have) {
		j->staff.role = (enum staff_role)role;
		j->mask |= STAFF_PATCH_ROLE;
	}
	if (codec_get_str(body, "pin", NULL, &spec_pin, create, j->pin, sizeof j->pin,
	    &have, err) < 0)
		return -1;
	if (have)
		j->mask |= STAFF_PATCH_PIN;
	j->staff.active = true;
	if (codec_get_bool(body, "active", NULL, false, &j->staff.active, &have, err) < 0)
		return -1;
	if (have)
		j->mask |= STAFF_PATCH_ACTIVE;
	if (!create && j->mask == 0) {
		codec_error_set(err, 422, "missing_field", NULL,
		    "nothing to change: give name, role, pin or active");
		return -1;
	}
	if (create) {
		/* the caller's store's, or with "org": true the organisation's
		 * (an admin of every store) */
		bool org = false;

		if (codec_get_bool(body, "org", NULL, false, &org, NULL, err) < 0)
			return -1;
		if (org && j->staff.role != ROLE_ADMIN) {
			codec_error_set(err, 422, "invalid_field", "org",
			    "org: an organisation account is an ADMIN");
			return -1;
		}
		j->staff.store_id = org ? STORE_ORG : j->caller.store_id;
	}
	return 0;
}

static int
decode_staff_create(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	return staff_fields(body, j, true, err);
}

static int
decode_staff_patch(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	xstrlcpy(j->staff.code, p->arg[0], sizeof j->staff.code);
	return staff_fields(body, j, false, err);
}

static void
h_staff_create(struct server *s, struct lws *wsi, struct pss *p)
{
	submit_body(s, wsi, p, JOB_STAFF_CREATE, 0, decode_staff_create);
}

static void
h_staff_patch(struct server *s, struct lws *wsi, struct pss *p)
{
	submit_body(s, wsi, p, JOB_STAFF_PATCH, 0, decode_staff_patch);
}

static int
decode_pin_change(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "old_pin", "new_pin", NULL };

	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_str(body, "old_pin", NULL, &spec_pin, true, j->pin, sizeof j->pin,
	    NULL, err) < 0 ||
	    codec_get_str(body, "new_pin", NULL, &spec_pin, true, j->new_pin,
	    sizeof j->new_pin, NULL, err) < 0)
		return -1;
	xstrlcpy(j->staff.code, p->caller.staff, sizeof j->staff.code);
	return 0;
}

static void
h_pin_change(struct server *s, struct lws *wsi, struct pss *p)
{
	submit_body(s, wsi, p, JOB_PIN_CHANGE, 0, decode_pin_change);
}

static int
decode_approve(struct pss *p, const cJSON *body, struct job *j,
    struct codec_error *err)
{
	static const char *const keys[] = { "staff", "pin", "order_id", "scope", "key", NULL };
	static const struct codec_str_spec spec_key = { 1, IDEM_KEY_MAX, false, false };
	const cJSON *scope, *e;

	if (codec_only_keys(body, NULL, keys, err) < 0 ||
	    codec_get_str(body, "staff", NULL, &spec_staff_code, true, j->staff.code,
	    sizeof j->staff.code, NULL, err) < 0 ||
	    codec_get_str(body, "pin", NULL, &spec_pin, true, j->pin, sizeof j->pin,
	    NULL, err) < 0 ||
	    codec_get_int(body, "order_id", NULL, 1, INT64_C(9007199254740991), false,
	    &j->order_id, NULL, err) < 0 ||
	    codec_get_str(body, "key", NULL, &spec_key, true, j->key, sizeof j->key,
	    NULL, err) < 0)
		return -1;
	scope = cJSON_GetObjectItemCaseSensitive(body, "scope");
	if (!cJSON_IsArray(scope) || cJSON_GetArraySize(scope) == 0) {
		codec_error_set(err, 422, scope == NULL ? "missing_field" : "invalid_field", "scope",
		    "scope: what is approved: an array of void, discount, comp, refund, cancel");
		return -1;
	}
	cJSON_ArrayForEach(e, scope) {
		int k = cJSON_IsString(e) ? correction_kind_parse(e->valuestring) : -1;

		if (k >= 0)
			j->approve_scope |= 1u << k;
		else if (cJSON_IsString(e) && strcmp(e->valuestring, "cancel") == 0)
			j->approve_scope |= APPROVE_CANCEL;
		else {
			codec_error_set(err, 422, "invalid_field", "scope",
			    "scope: each is one of void, discount, comp, refund, cancel");
			return -1;
		}
	}
	xstrlcpy(j->terminal, p->caller.terminal, sizeof j->terminal);
	return 0;
}

static void
h_approve(struct server *s, struct lws *wsi, struct pss *p)
{
	submit_body(s, wsi, p, JOB_APPROVE, 0, decode_approve);
}

const struct route routes[] = {
	{ M_GET, "/healthz", h_healthz, 0, false, "GET /healthz", 0 },
	{ M_GET, "/metrics", h_metrics, BOSS_ROLES, false, "GET /metrics", 0 },
	{ M_POST, "/api/v1/auth/login", h_login, 0, true, "POST /auth/login", 0 },
	{ M_POST, "/api/v1/auth/logout", h_logout, ANY_ROLE, false, "POST /auth/logout", 0 },
	{ M_GET, "/api/v1/auth/me", h_me, ANY_ROLE, false, "GET /auth/me", 0 },
	{ M_POST, "/api/v1/auth/pin", h_pin_change, STAFF_ROLES, true, "POST /auth/pin", 0 },
	{ M_POST, "/api/v1/auth/approve", h_approve, STAFF_ROLES, true, "POST /auth/approve", 0 },
	{ M_GET, "/api/v1/menu", h_menu, ANY_ROLE, false, "GET /menu", 0 },
	{ M_PUT, "/api/v1/menu", h_menu_put, BOSS_ROLES, true, "PUT /menu", MENU_BODY_MAX },
	{ M_POST, "/api/v1/menu/items", h_item_create, BOSS_ROLES, true, "POST /menu/items", 0 },
	{ M_PATCH, "/api/v1/menu/items/{sku}", h_item_patch, KITCHEN_ROLES, true, "PATCH /menu/items", 0 },
	{ M_DELETE, "/api/v1/menu/items/{sku}", h_item_retire, BOSS_ROLES, false, "DELETE /menu/items", 0 },
	{ M_POST, "/api/v1/menu/categories", h_category_create, BOSS_ROLES, true, "POST /menu/categories", 0 },
	{ M_PATCH, "/api/v1/menu/categories/{name}", h_category_patch, BOSS_ROLES, true, "PATCH /menu/categories", 0 },
	{ M_DELETE, "/api/v1/menu/categories/{name}", h_category_retire, BOSS_ROLES, false, "DELETE /menu/categories", 0 },
	{ M_POST, "/api/v1/menu/groups", h_group_create, BOSS_ROLES, true, "POST /menu/groups", 0 },
	{ M_PATCH, "/api/v1/menu/groups/{code}", h_group_patch, BOSS_ROLES, true, "PATCH /menu/groups", 0 },
	{ M_DELETE, "/api/v1/menu/groups/{code}", h_group_retire, BOSS_ROLES, false, "DELETE /menu/groups", 0 },
	{ M_POST, "/api/v1/menu/groups/{code}/modifiers", h_modifier_create, BOSS_ROLES, true, "POST /menu/modifiers", 0 },
	{ M_PATCH, "/api/v1/menu/groups/{code}/modifiers/{mod}", h_modifier_patch, BOSS_ROLES, true, "PATCH /menu/modifiers", 0 },
	{ M_DELETE, "/api/v1/menu/groups/{code}/modifiers/{mod}", h_modifier_retire, BOSS_ROLES, false, "DELETE /menu/modifiers", 0 },
	{ M_POST, "/api/v1/menu/tax-classes", h_tax_create, BOSS_ROLES, true, "POST /menu/tax-classes", 0 },
	{ M_PATCH, "/api/v1/menu/tax-classes/{code}", h_tax_patch, BOSS_ROLES, true, "PATCH /menu/tax-classes", 0 },
	{ M_DELETE, "/api/v1/menu/tax-classes/{code}", h_tax_retire, BOSS_ROLES, false, "DELETE /menu/tax-classes", 0 },
	{ M_POST, "/api/v1/menu/stations", h_station_create, BOSS_ROLES, true, "POST /menu/stations", 0 },
	{ M_PATCH, "/api/v1/menu/stations/{name}", h_station_patch, BOSS_ROLES, true, "PATCH /menu/stations", 0 },
	{ M_DELETE, "/api/v1/menu/stations/{name}", h_station_retire, BOSS_ROLES, false, "DELETE /menu/stations", 0 },
	{ M_GET, "/api/v1/store", h_store, ANY_ROLE, false, "GET /store", 0 },
	{ M_PATCH, "/api/v1/store", h_store_patch, ROLE_BIT(ROLE_ADMIN), true, "PATCH /store", 0 },
	{ M_POST, "/api/v1/orders", h_orders_create, ANY_ROLE, true, "POST /orders", 0 },
	{ M_GET, "/api/v1/orders", h_orders_list, ANY_ROLE, false, "GET /orders", 0 },
	{ M_GET, "/api/v1/orders/{id}", h_order_get, ANY_ROLE, false, "GET /orders/{id}", 0 },
	{ M_PATCH, "/api/v1/orders/{id}", h_order_patch, ANY_ROLE, true, "PATCH /orders/{id}", 0 },
	{ M_POST, "/api/v1/orders/{id}/actions", h_order_action, ANY_ROLE, true, "POST /orders/{id}/actions", 0 },
	{ M_POST, "/api/v1/orders/{id}/items/done", h_items_done, KITCHEN_ROLES, true, "POST /orders/{id}/items/done", 0 },
	{ M_POST, "/api/v1/orders/{id}/corrections", h_order_correct, STAFF_ROLES, true, "POST /orders/{id}/corrections", 0 },
	{ M_GET, "/api/v1/events", h_events, STAFF_ROLES, false, "GET /events", 0 },
	{ M_GET, "/api/v1/stream", h_stream_plain, STAFF_ROLES, false, "GET /stream", 0 },
	{ M_GET, "/api/v1/reports/daily", h_report_x, BOSS_ROLES, false, "GET /reports/daily", 0 },
	{ M_POST, "/api/v1/reports/z", h_report_z, BOSS_ROLES, false, "POST /reports/z", 0 },
	{ M_GET, "/api/v1/reports/z/{n}", h_report_z_get, BOSS_ROLES, false, "GET /reports/z/{n}", 0 },
	{ M_GET, "/api/v1/stores", h_stores_list, STAFF_ROLES, false, "GET /stores", 0 },
	{ M_POST, "/api/v1/stores", h_store_create, ROLE_BIT(ROLE_ADMIN), true, "POST /stores", 0 },
	{ M_GET, "/api/v1/staff", h_staff_list, BOSS_ROLES, false, "GET /staff", 0 },
	{ M_POST, "/api/v1/staff", h_staff_create, BOSS_ROLES, true, "POST /staff", 0 },
	{ M_PATCH, "/api/v1/staff/{code}", h_staff_patch, BOSS_ROLES, true, "PATCH /staff", 0 },
};
const int nroutes = sizeof routes / sizeof routes[0];
