/* writer: the thread that owns every write, with group commit. */
#include "writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "codec.h"
#include "corrections.h"
#include "log.h"
#include "menuedit.h"
#include "reports.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

/* What the writer keeps of one store, loaded the first time one of its
 * jobs comes (STORE_ORG's holds nothing: its jobs price nothing and emit
 * no event). */
struct wshop {
	int64_t id;
	struct menu menu;            /* the truth for pricing; writer-owned */
	struct store_info info;      /* the restaurant's details */
	int64_t next_seq;            /* next event seq to hand out */
	int64_t next_order_id;
	char num_day[DAY_MAX + 1];   /* the business day of num_last */
	int num_last;                /* the last daily number given that day */
	int64_t config;              /* a shared store's count of menu and details
	                                changes, as last loaded (-1: never) */
};

struct writer {
	struct store *st;
	struct writer_config cfg;
	struct wshop **shops;        /* by id, ascending */
	int nshops;
	struct wshop *cur;           /* the store of the transaction under way */
	bool poisoned;               /* a write failed: the batch rolls back */
	struct job_queue queue;
	pthread_t thread;
	writer_done_fn done;
	void *done_ctx;
	struct writer_stats stats;
	pthread_mutex_t health_lock; /* guards failing and failing_why */
	bool failing;                /* the last batch that wrote did not commit */
	char failing_why[200];
	uint8_t approval_key[APPROVAL_KEY_LEN]; /* signs managers' approvals */
};

/* A handler runs one job. It fills j->status and j->body, and returns 0
 * when done (even with an error status, as a failed login that counts the
 * failure is) or -1 when it refused the job. A handler checks everything
 * before it writes, so a refusal has written nothing; a write that fails
 * (storage_error) poisons the whole batch, which then rolls back. */
typedef int (*job_handler)(struct writer *w, struct job *j, int64_t now);

static void
fail(struct job *j, const struct codec_error *err)
{
	job_fail(j, err->status, err->code, err->field, err->message);
}

static void
respond_json(struct job *j, int status, cJSON *body)
{
	free(j->body);
	j->status = status;
	j->body = cJSON_PrintUnformatted(body);
	if (j->body == NULL)
		abort();
	cJSON_Delete(body);
}

/* Record an event in the same transaction as the change it describes;
 * payload is the rendered object it carries under key ("order", "item",
 * "menu", "staff", "store", "z"). */
static int
emit(struct writer *w, struct job *j, enum event_type type, const char *key,
    int64_t order_id, const char *payload, size_t len, int64_t now)
{
	int64_t seq = w->cur->next_seq;
	char *text = event_render(seq, type, now, key, payload, len);

	if (store_event_insert(w->st, w->cur->id, seq, event_type_name(type), now, order_id,
	    text) < 0) {
		free(text);
		return -1;
	}
	w->cur->next_seq++;
	j->events = xreallocarray(j->events, (size_t)j->nevents + 1, sizeof *j->events);
	j->events[j->nevents].seq = seq;
	j->events[j->nevents].text = text;
	j->nevents++;
	return 0;
}

static void
storage_error(struct writer *w, struct job *j)
{
	w->poisoned = true;
	job_fail(j, 503, "storage_error", NULL,
	    "the order database could not be written; nothing was changed, try again");
}

/* Store a changed order, emit its event and make it the response. */
static int
save_order(struct writer *w, struct job *j, struct order *o, bool created,
    int64_t now)
{
	struct strbuf sb;
	size_t len;
	char *text;
	int rc;

	/* one rendering serves the stored document, the event and the reply */
	strbuf_init(&sb);
	order_render(o, &sb);
	text = strbuf_detach(&sb, &len);
	rc = created ? store_order_insert(w->st, w->cur->id, o, text) :
	    store_order_update(w->st, w->cur->id, o, text);
	if (rc == 0)
		rc = emit(w, j, created ? EVENT_ORDER_CREATED : EVENT_ORDER_UPDATED, "order",
		    o->id, text, len, now);
	if (rc < 0) {
		free(text);
		storage_error(w, j);
		return -1;
	}
	free(j->body);
	j->body = text;
	j->status = created ? 201 : 200;
	return 0;
}

/* linked_to must name another open order of the same service type. */
static int
check_link(struct writer *w, const struct order *o, struct codec_error *err)
{
	struct order target;
	int rc;

	if (o->linked_to == 0)
		return 0;
	if (o->linked_to == o->id) {
		codec_error_set(err, 422, "invalid_field", "linked_to",
		    "linked_to: an order cannot be linked to itself");
		return -1;
	}
	rc = store_order_load(w->st, w->cur->id, o->linked_to, &target);
	if (rc < 0) {
		w->poisoned = true;
		codec_error_set(err, 503, "storage_error", NULL,
		    "the order database could not be read; nothing was changed, try again");
		return -1;
	}
	if (rc > 0) {
		codec_error_set(err, 422, "unknown_order", "linked_to",
		    "linked_to: no order %lld", (long long)o->linked_to);
		return -1;
	}
	if (!status_is_open(target.status) || target.service != o->service) {
		codec_error_set(err, 422, "invalid_link", "linked_to",
		    "linked_to: order %d is %s %s; a link needs an open %s order",
		    target.number, status_name(target.status),
		    service_name(target.service), service_name(o->service));
		order_free(&target);
		return -1;
	}
	order_free(&target);
	return 0;
}

/* Who stands behind the job: its caller, or the manager whose approval
 * it carries (checked here: signed by this database, given to this
 * caller, for this order and this request's key, covering need, not
 * expired, and from an account that is still an active manager). */
static int
authority_of(struct writer *w, struct job *j, unsigned need, int64_t now,
    struct authority *a, struct codec_error *err)
{
	struct approval ap;
	struct staff_row row;
	char kh[17];
	int rc;

	memset(a, 0, sizeof *a);
	a->role = j->caller.role;
	if (j->approval[0] == '\0')
		return 0;
	if (approval_verify(w->approval_key, j->approval, &ap) < 0 ||
	    ap.for_staff_id != j->caller.staff_id || ap.store_id != w->cur->id) {
		codec_error_set(err, 403, "approval_invalid", "approval",
		    "approval: not an approval given to you by this server");
		return -1;
	}
	if (ap.expires_at <= now) {
		codec_error_set(err, 403, "approval_expired", "approval",
		    "approval: it has expired; ask the manager again");
		return -1;
	}
	approval_key_hash(j->idem_key, kh);
	if (ap.order_id != j->order_id || j->idem_key[0] == '\0' || strcmp(kh, ap.key_hash) != 0 ||
	    (ap.scope & need) == 0) {
		codec_error_set(err, 403, "approval_mismatch", "approval",
		    "approval: it was given for another action%s",
		    ap.order_id != j->order_id ? " on another order" : "");
		return -1;
	}
	rc = store_staff_by_id(w->st, ap.approver_id, &row);
	if (rc < 0) {
		codec_error_set(err, 503, "storage_error", NULL, "the staff database could not be read");
		return -1;
	}
	if (rc > 0 || !row.active ||
	    (row.store_id != w->cur->id && row.store_id != STORE_ORG) ||
	    (row.role != ROLE_MANAGER && row.role != ROLE_ADMIN)) {
		codec_error_set(err, 403, "approval_invalid", "approval",
		    "approval: the approving account is no longer an active manager");
		return -1;
	}
	a->role = row.role;
	a->approved = true;
	xstrlcpy(a->approved_by, row.code, sizeof a->approved_by);
	return 0;
}

static int
do_order_create(struct writer *w, struct job *j, int64_t now)
{
	struct order *o = &j->order;
	struct codec_error err;
	struct authority a;
	unsigned need = 0;

	for (int k = 0; k < o->ncorrections; k++)
		need |= 1u << o->corrections[k].kind;
	if (service_check_times(o, now, w->cfg.idem_retention_ms, &err) < 0 ||
	    service_price(&w->cur->menu, o, &err) < 0 ||
	    service_offered(&w->cur->info, o->service, &err) < 0 ||
	    authority_of(w, j, need, now, &a, &err) < 0 ||
	    corrections_on_create(&j->caller, &a, &w->cur->info, o, now, &err) < 0 ||
	    service_create(&j->caller, o, now, &err) < 0 ||
	    check_link(w, o, &err) < 0) {
		fail(j, &err);
		return -1;
	}
	/* the discounts were given when it was sold */
	for (int k = 0; k < o->ncorrections; k++)
		o->corrections[k].at = o->created_at;
	o->id = w->cur->next_order_id;
	/* an offline sale belongs to the day it was sold */
	util_business_day(o->created_at, w->cur->info.day_start_hour, o->business_day);
	/* daily numbers are counted here; the first order of a day (or of a
	 * restart) asks the database where the count stands */
	if (strcmp(o->business_day, w->cur->num_day) != 0) {
		if (store_last_number(w->st, w->cur->id, o->business_day, &w->cur->num_last) < 0) {
			storage_error(w, j);
			return -1;
		}
		xstrlcpy(w->cur->num_day, o->business_day, sizeof w->cur->num_day);
	}
	o->number = w->cur->num_last + 1;
	if (save_order(w, j, o, true, now) < 0)
		return -1;
	w->cur->num_last++;
	w->cur->next_order_id++;
	return 0;
}

/* Load the job's order; 404 for orders that do not exist or that the
 * caller may not see. */
static int
load_order(struct writer *w, struct job *j, struct order *o)
{
	int rc = store_order_load(w->st, w->cur->id, j->order_id, o);

	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc > 0 || !service_may_see(&j->caller, o)) {
		if (rc == 0)
			order_free(o);
		job_fail(j, 404, "not_found", NULL, "no such order");
		return -1;
	}
	return 0;
}

/* {"error":{code, message[, field]}} for a refusal a handler adds to. */
static cJSON *
refusal_body(const struct codec_error *err)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(body, "error");

	cJSON_AddStringToObject(e, "code", err->code);
	cJSON_AddStringToObject(e, "message", err->message);
	if (err->field[0] != '\0')
		cJSON_AddStringToObject(e, "field", err->field);
	return body;
}

static int
do_order_action(struct writer *w, struct job *j, int64_t now)
{
	struct codec_error err;
	struct order o;
	enum service_refusal r;

	struct caller as = j->caller;
	struct authority a;
	bool was_paid;

	if (load_order(w, j, &o) < 0)
		return -1;
	if (authority_of(w, j, j->action == ACTION_CANCEL ? APPROVE_CANCEL : 0, now, &a,
	    &err) < 0) {
		order_free(&o);
		fail(j, &err);
		return -1;
	}
	/* an approved action is the cashier's, under the manager's authority */
	as.role = a.role;
	was_paid = o.status != STATUS_PENDING && o.paid > 0;
	r = service_act(&as, &o, (enum order_action)j->action,
	    j->expected_version, j->pay, j->npay, j->reason, now, &err);
	/* a paid order cancelled is its lines voided: the day's sales lose
	 * them by reason, and what was paid is owed back (a refund) */
	if (r == REFUSE_NONE && j->action == ACTION_CANCEL && was_paid)
		corrections_void_all(&j->caller, &a, &o,
		    j->reason[0] != '\0' ? j->reason : "Cancelled", now);
	if (r != REFUSE_NONE) {
		cJSON *body = refusal_body(&err);
		cJSON *e = cJSON_GetObjectItemCaseSensitive(body, "error");

		if (r == REFUSE_ILLEGAL) {
			unsigned bits = lifecycle_allowed(j->caller.role,
			    strcmp(o.staff, j->caller.staff) == 0, o.status, o.service);
			cJSON *allowed = cJSON_AddArrayToObject(e, "allowed");

			for (int k = 0; k < ACTION_COUNT; k++) {
				if (bits & (1u << k))
					cJSON_AddItemToArray(allowed, cJSON_CreateString(
					    action_name((enum order_action)k)));
			}
		}
		/* a stale version or illegal move: give the current order so the
		 * screen can refresh the card */
		if (r == REFUSE_VERSION || r == REFUSE_ILLEGAL)
			cJSON_AddItemToObject(body, "order", order_to_json(&o));
		respond_json(j, err.status, body);
		order_free(&o);
		return -1;
	}
	int rc = save_order(w, j, &o, false, now);
	order_free(&o);
	return rc;
}

static int
do_order_correct(struct writer *w, struct job *j, int64_t now)
{
	struct codec_error err;
	struct authority a;
	struct order o, work;
	int rc;

	if (load_order(w, j, &o) < 0)
		return -1;
	/* the rules work on a copy: a refusal may come after a change to it */
	order_copy(&work, &o);
	if (authority_of(w, j, 1u << j->corr.kind, now, &a, &err) < 0 ||
	    corrections_apply(&j->caller, &a, &w->cur->info, &work, &j->corr, now, &err) < 0) {
		cJSON *body = refusal_body(&err);

		/* a conflict: the order as it is, so the screen can refresh */
		if (err.status == 409)
			cJSON_AddItemToObject(body, "order", order_to_json(&o));
		respond_json(j, err.status, body);
		order_free(&work);
		order_free(&o);
		return -1;
	}
	rc = save_order(w, j, &work, false, now);
	order_free(&work);
	order_free(&o);
	return rc;
}

/* A manager's approval: the PIN was checked by the auth worker (wrong
 * ones count as wrong logins do); only a manager or an admin approves. */
static int
do_approve(struct writer *w, struct job *j, int64_t now)
{
	struct staff_row row;
	struct approval ap;
	char token[APPROVAL_TOKEN_MAX + 1];
	int rc = store_staff_by_id(w->st, j->staff.id, &row);
	cJSON *body, *scope;

	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc == 0 && row.store_id != w->cur->id && row.store_id != STORE_ORG)
		rc = 1;   /* another store's manager approves nothing here */
	if (rc > 0 || !row.active || !j->pin_ok) {
		job_fail(j, 401, "invalid_credentials", NULL, "unknown staff code or wrong PIN");
		if (rc > 0 || j->pin_ok || j->lock_until == 0)
			return -1;
		if (store_staff_login_failed(w->st, row.id, 1, j->lock_until) < 0) {
			storage_error(w, j);
			return -1;
		}
		return 0;
	}
	if (row.role != ROLE_MANAGER && row.role != ROLE_ADMIN) {
		job_fail(j, 403, "not_a_manager", "staff",
		    "staff: only a manager or an admin can approve");
		return -1;
	}
	if (row.failed > 0 && store_staff_login_ok(w->st, row.id) < 0) {
		storage_error(w, j);
		return -1;
	}
	memset(&ap, 0, sizeof ap);
	ap.store_id = w->cur->id;
	ap.approver_id = row.id;
	ap.for_staff_id = j->caller.staff_id;
	ap.order_id = j->order_id;
	ap.scope = j->approve_scope;
	ap.expires_at = now + APPROVAL_TTL_MS;
	approval_key_hash(j->key, ap.key_hash);
	approval_sign(w->approval_key, &ap, token);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "approval", token);
	cJSON_AddStringToObject(body, "staff", row.code);
	cJSON_AddStringToObject(body, "name", row.name);
	cJSON_AddStringToObject(body, "role", role_name(row.role));
	cJSON_AddStringToObject(body, "for", j->caller.staff);
	if (j->order_id > 0)
		codec_add_int(body, "order_id", j->order_id);
	else
		cJSON_AddNullToObject(body, "order_id");
	scope = cJSON_AddArrayToObject(body, "scope");
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		if (ap.scope & (1u << k))
			cJSON_AddItemToArray(scope, cJSON_CreateString(
			    correction_kind_name((enum correction_kind)k)));
	}
	if (ap.scope & APPROVE_CANCEL)
		cJSON_AddItemToArray(scope, cJSON_CreateString("cancel"));
	codec_add_int(body, "expires_at", ap.expires_at);
	respond_json(j, 200, body);
	explicit_bzero(token, sizeof token);
	return 0;
}

static int
do_order_patch(struct writer *w, struct job *j, int64_t now)
{
	struct codec_error err;
	struct order o;
	int rc;

	if (load_order(w, j, &o) < 0)
		return -1;
	if (((j->mask & ORDER_PATCH_SERVICE) &&
	    service_offered(&w->cur->info, j->order.service, &err) < 0) ||
	    service_patch(&j->caller, &o, &j->order, j->mask, now, &err) < 0 ||
	    ((j->mask & (ORDER_PATCH_LINK | ORDER_PATCH_SERVICE)) &&
	    check_link(w, &o, &err) < 0)) {
		fail(j, &err);
		order_free(&o);
		return -1;
	}
	rc = save_order(w, j, &o, false, now);
	order_free(&o);
	return rc;
}

/* A station bumps its items. When every item is done the order becomes
 * READY through the lifecycle table's ready rule, so the same roles and
 * statuses apply as for a whole-order bump. */
static int
do_items_done(struct writer *w, struct job *j, int64_t now)
{
	struct codec_error err;
	struct order o;
	bool any = false, all = true;
	enum order_status to;
	int rc;

	if (load_order(w, j, &o) < 0)
		return -1;
	switch (lifecycle_check(ACTION_READY, j->caller.role, false, o.status,
	    o.service, &to)) {
	case LIFECYCLE_FORBIDDEN:
		job_fail(j, 403, "forbidden", "station", "this role may not bump orders");
		order_free(&o);
		return -1;
	case LIFECYCLE_ILLEGAL:
		job_fail(j, 409, "illegal_transition", "station",
		    "only a PREPARING order's items can be marked done");
		order_free(&o);
		return -1;
	case LIFECYCLE_OK:
		break;
	}
	for (int i = 0; i < o.nitems; i++) {
		if (strcmp(o.items[i].station, j->station) == 0) {
			any = true;
			o.items[i].done = true;
		}
		/* a line voided whole has nothing left to make */
		all = all && (o.items[i].done || order_item_left(&o.items[i]) <= 0);
	}
	if (!any) {
		codec_error_set(&err, 422, "unknown_station", "station",
		    "station: order %d has no items for %s", o.number, j->station);
		fail(j, &err);
		order_free(&o);
		return -1;
	}
	if (j->expected_version >= 0 && j->expected_version != o.version) {
		job_fail(j, 409, "version_conflict", "expected_version",
		    "the order changed meanwhile");
		order_free(&o);
		return -1;
	}
	o.version++;
	o.updated_at = now;
	if (all) {
		o.status = to;
		order_record(&o, to, ACTION_READY, now, j->caller.staff);
	}
	rc = save_order(w, j, &o, false, now);
	order_free(&o);
	return rc;
}

/* Emit a JSON payload as an event of type (rendering it once). */
static int
emit_json(struct writer *w, struct job *j, enum event_type type, const char *key,
    const cJSON *payload, int64_t now)
{
	char *text = cJSON_PrintUnformatted(payload);
	int rc;

	if (text == NULL)
		abort();
	rc = emit(w, j, type, key, 0, text, strlen(text), now);
	free(text);
	if (rc < 0)
		storage_error(w, j);
	return rc;
}

static char *
render(const cJSON *j)
{
	char *t = cJSON_PrintUnformatted(j);

	if (t == NULL)
		abort();
	return t;
}

/* A change to the menu: made on a copy, checked whole, saved with a new
 * version in the transaction of its menu.updated event. A change that
 * changes nothing writes nothing and keeps the version. */
static int
do_menu_edit(struct writer *w, struct job *j, int64_t now)
{
	struct menu_edit e;
	struct codec_error err;
	struct menu out;
	cJSON *body = NULL, *answer, *event;
	int rc;

	memset(&e, 0, sizeof e);
	e.kind = (enum menu_kind)j->menu_kind;
	e.op = (enum menu_op)j->menu_op;
	xstrlcpy(e.key, j->key, sizeof e.key);
	xstrlcpy(e.key2, j->key2, sizeof e.key2);
	if (j->text != NULL && (body = cJSON_Parse(j->text)) == NULL) {
		job_fail(j, 400, "bad_json", NULL, "the body is not JSON");
		return -1;
	}
	e.body = body;
	rc = menu_apply(&w->cur->menu, &e, &out, &err);
	if (rc < 0) {
		cJSON_Delete(body);
		fail(j, &err);
		return -1;
	}
	if (rc == 0 && !j->dry_run)
		out.version = w->cur->menu.version + 1;
	if (e.kind == MENU_KIND_MENU) {
		answer = menu_diff(&w->cur->menu, &out);
		codec_add_int(answer, "version", rc == 0 && !j->dry_run ? out.version :
		    w->cur->menu.version);
		cJSON_AddBoolToObject(answer, "dry_run", j->dry_run);
	} else {
		answer = menu_entity_json(&out, &e);
		if (answer == NULL) {
			answer = cJSON_CreateObject();
			cJSON *r = cJSON_AddObjectToObject(answer, "retired");

			cJSON_AddStringToObject(r, "kind", menu_kind_name(e.kind));
			cJSON_AddStringToObject(r, "key", e.kind == MENU_KIND_MODIFIER ?
			    e.key2 : e.key);
		}
		codec_add_int(answer, "menu_version", out.version);
	}
	cJSON_Delete(body);
	if (rc == 1 || j->dry_run) {
		menu_free(&out);
		respond_json(j, 200, answer);
		return 0;
	}
	if (store_menu_save(w->st, w->cur->id, &out) < 0) {
		menu_free(&out);
		cJSON_Delete(answer);
		storage_error(w, j);
		return -1;
	}
	/* an item's change travels alone; anything else sends the menu */
	bool one_item = e.kind == MENU_KIND_ITEM && e.op == MENU_CHANGE;

	if (one_item) {
		event = menu_item_to_json(&out, menu_find(&out, e.key));
		codec_add_int(event, "menu_version", out.version);
	} else {
		event = menu_to_json(&out);
	}
	rc = emit_json(w, j, EVENT_MENU_UPDATED, one_item ? "item" : "menu", event, now);
	cJSON_Delete(event);
	if (rc < 0) {
		menu_free(&out);
		cJSON_Delete(answer);
		return -1;
	}
	menu_free(&w->cur->menu);
	w->cur->menu = out;
	respond_json(j, e.op == MENU_CREATE ? 201 : 200, answer);
	cJSON *m = menu_to_json(&w->cur->menu);
	free(j->menu_json);
	j->menu_json = render(m);
	cJSON_Delete(m);
	return 0;
}

/* The restaurant's details: any staff reads them, an ADMIN changes them. */
static int
do_store_patch(struct writer *w, struct job *j, int64_t now)
{
	struct store_info si = w->cur->info;
	struct codec_error err;
	cJSON *body = cJSON_Parse(j->text), *a, *b;
	char *text;
	bool same;

	if (body == NULL) {
		job_fail(j, 400, "bad_json", NULL, "the body is not JSON");
		return -1;
	}
	if (store_info_from_json(body, &si, &err) < 0) {
		cJSON_Delete(body);
		fail(j, &err);
		return -1;
	}
	cJSON_Delete(body);
	a = store_info_to_json(&w->cur->info);
	b = store_info_to_json(&si);
	same = cJSON_Compare(a, b, true);
	cJSON_Delete(a);
	if (same) {
		respond_json(j, 200, b);
		return 0;
	}
	text = render(b);
	if (store_meta_put(w->st, w->cur->id, "store", text) < 0) {
		free(text);
		cJSON_Delete(b);
		storage_error(w, j);
		return -1;
	}
	free(text);
	if (emit_json(w, j, EVENT_STORE_UPDATED, "store", b, now) < 0) {
		cJSON_Delete(b);
		return -1;
	}
	w->cur->info = si;
	j->store_json = render(b);
	j->day_start_hour = si.day_start_hour;
	respond_json(j, 200, b);
	/* the menu shows the store's currency */
	if (strcmp(w->cur->menu.currency, si.currency) != 0) {
		cJSON *m;

		xstrlcpy(w->cur->menu.currency, si.currency, sizeof w->cur->menu.currency);
		m = menu_to_json(&w->cur->menu);
		j->menu_json = render(m);
		cJSON_Delete(m);
	}
	return 0;
}

/* A staff change in the event log: the account as the API shows it (never
 * a PIN or its hash), what changed and who changed it. */
static int
emit_staff(struct writer *w, struct job *j, const struct staff_row *row,
    const char *change, int64_t now)
{
	cJSON *ev = writer_staff_json(row);
	int rc;

	cJSON_AddStringToObject(ev, "change", change);
	cJSON_AddStringToObject(ev, "by", j->caller.staff);
	rc = emit_json(w, j, EVENT_STAFF_UPDATED, "staff", ev, now);
	cJSON_Delete(ev);
	return rc;
}

cJSON *
writer_staff_json(const struct staff_row *s)
{
	cJSON *j = cJSON_CreateObject();

	codec_add_int(j, "id", s->id);
	cJSON_AddStringToObject(j, "staff", s->code);
	if (s->store_id == STORE_ORG)
		cJSON_AddBoolToObject(j, "org", true);
	cJSON_AddStringToObject(j, "name", s->name);
	cJSON_AddStringToObject(j, "role", role_name(s->role));
	cJSON_AddBoolToObject(j, "active", s->active);
	cJSON_AddBoolToObject(j, "locked", s->locked_until > util_now_ms());
	codec_add_int(j, "created_at", s->created_at);
	codec_add_int(j, "updated_at", s->updated_at);
	return j;
}

/* Managers look after the floor and kitchen crews; admins after everyone. */
static bool
may_manage(enum staff_role who, enum staff_role target)
{
	if (who == ROLE_ADMIN)
		return true;
	return who == ROLE_MANAGER && (target == ROLE_CASHIER ||
	    target == ROLE_WAITER || target == ROLE_CHEF);
}

/* A new PIN or a re-enabled account: its login locks end (on a shared
 * database, every server's: the rows go in this transaction). An
 * organisation admin's are kept per store it logs in to: those of this
 * one. */
static int
forget_locks(struct writer *w, const struct staff_row *row)
{
	char key[THROTTLE_CODE_MAX];

	throttle_key(row->store_id == STORE_ORG ? w->cur->id : row->store_id,
	    row->code, key);
	return throttle_forget_code(w->cfg.throttle, w->st, key);
}

static int
do_staff_create(struct writer *w, struct job *j, int64_t now)
{
	struct staff_row existing;
	int rc;

	if (!may_manage(j->caller.role, j->staff.role)) {
		job_fail(j, 403, "forbidden", "role",
		    "a MANAGER adds cashiers, waiters and chefs; only an ADMIN adds others");
		return -1;
	}
	if (j->staff.store_id == STORE_ORG && !j->caller.org) {
		job_fail(j, 403, "forbidden", "org",
		    "only an organisation admin adds organisation admins");
		return -1;
	}
	if (j->staff.store_id != STORE_ORG)
		j->staff.store_id = w->cur->id;
	rc = store_staff_by_code(w->st, j->staff.store_id, j->staff.code, &existing);
	if (rc == 0) {
		job_fail(j, 409, "staff_exists", "staff", "that staff code is taken");
		return -1;
	}
	j->staff.created_at = j->staff.updated_at = now;
	if (rc < 0 || store_staff_insert(w->st, &j->staff) < 0) {
		storage_error(w, j);
		return -1;
	}
	if (emit_staff(w, j, &j->staff, "created", now) < 0)
		return -1;
	log_info("staff %s (%s) added by %s", j->staff.code, role_name(j->staff.role),
	    j->caller.staff);
	respond_json(j, 201, writer_staff_json(&j->staff));
	return 0;
}

static int
do_staff_patch(struct writer *w, struct job *j, int64_t now)
{
	struct staff_row row;
	int rc = store_staff_by_code(w->st, w->cur->id, j->staff.code, &row);

	/* an organisation admin also manages the organisation's accounts */
	if (rc == 1 && j->caller.org)
		rc = store_staff_by_code(w->st, STORE_ORG, j->staff.code, &row);
	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc > 0) {
		job_fail(j, 404, "not_found", "staff", "no staff member with that code");
		return -1;
	}
	if ((row.store_id == STORE_ORG && !j->caller.org) ||
	    !may_manage(j->caller.role, row.role) ||
	    ((j->mask & STAFF_PATCH_ROLE) && !may_manage(j->caller.role, j->staff.role))) {
		job_fail(j, 403, "forbidden", "staff",
		    "a MANAGER manages cashiers, waiters and chefs; only an ADMIN manages others");
		return -1;
	}
	if (row.id == j->caller.staff_id && (j->mask & (STAFF_PATCH_ACTIVE | STAFF_PATCH_ROLE)) &&
	    (!j->staff.active || j->staff.role != row.role)) {
		job_fail(j, 409, "self_lockout", "staff",
		    "you cannot disable yourself or change your own role");
		return -1;
	}
	if (j->mask & STAFF_PATCH_NAME)
		xstrlcpy(row.name, j->staff.name, sizeof row.name);
	if (j->mask & STAFF_PATCH_ROLE)
		row.role = j->staff.role;
	if (j->mask & STAFF_PATCH_PIN) {
		xstrlcpy(row.pin_hash, j->staff.pin_hash, sizeof row.pin_hash);
		row.failed = 0;
		row.locked_until = 0;
		if (forget_locks(w, &row) < 0) {
			storage_error(w, j);
			return -1;
		}
	}
	if (j->mask & STAFF_PATCH_ACTIVE) {
		row.active = j->staff.active;
		if (row.active) {          /* re-enabling also unlocks */
			row.failed = 0;
			row.locked_until = 0;
			if (forget_locks(w, &row) < 0) {
				storage_error(w, j);
				return -1;
			}
		}
	}
	row.updated_at = now;
	if (store_staff_update(w->st, &row) < 0) {
		storage_error(w, j);
		return -1;
	}
	/* a disabled account, a new role or a new PIN ends its sessions */
	if (j->mask & (STAFF_PATCH_ACTIVE | STAFF_PATCH_ROLE | STAFF_PATCH_PIN)) {
		if (store_sessions_delete_staff(w->st, row.id) < 0) {
			storage_error(w, j);
			return -1;
		}
		j->revoke_staff = row.id;
	}
	char change[64];

	snprintf(change, sizeof change, "%s%s%s%s",
	    (j->mask & STAFF_PATCH_NAME) ? "name " : "",
	    (j->mask & STAFF_PATCH_ROLE) ? "role " : "",
	    (j->mask & STAFF_PATCH_PIN) ? "pin_reset " : "",
	    (j->mask & STAFF_PATCH_ACTIVE) ? (row.active ? "enabled " : "disabled ") : "");
	change[strlen(change) > 0 ? strlen(change) - 1 : 0] = '\0';
	if (emit_staff(w, j, &row, change, now) < 0)
		return -1;
	log_info("staff %s changed by %s: %s", row.code, j->caller.staff, change);
	respond_json(j, 200, writer_staff_json(&row));
	return 0;
}

/* A staff member's own new PIN, the old one checked by the auth worker. */
static int
do_pin_change(struct writer *w, struct job *j, int64_t now)
{
	struct staff_row row;
	int rc;

	if (!j->pin_ok) {
		job_fail(j, 403, "wrong_pin", "old_pin", "old_pin: that is not your PIN");
		return -1;
	}
	rc = store_staff_by_id(w->st, j->caller.staff_id, &row);
	if (rc != 0) {
		if (rc < 0)
			storage_error(w, j);
		else
			job_fail(j, 404, "not_found", NULL, "this account is gone");
		return -1;
	}
	xstrlcpy(row.pin_hash, j->staff.pin_hash, sizeof row.pin_hash);
	row.failed = 0;
	row.locked_until = 0;
	row.updated_at = now;
	if (store_staff_update(w->st, &row) < 0) {
		storage_error(w, j);
		return -1;
	}
	if (emit_staff(w, j, &row, "own_pin", now) < 0)
		return -1;
	log_info("staff %s changed their own PIN", row.code);
	respond_json(j, 200, writer_staff_json(&row));
	return 0;
}

static int
do_login(struct writer *w, struct job *j, int64_t now)
{
	struct staff_row row;
	struct session_row sr;
	char token[AUTH_TOKEN_LEN + 1];
	int rc = store_staff_by_id(w->st, j->staff.id, &row);

	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc > 0 || !row.active ||
	    (row.store_id != w->cur->id && row.store_id != STORE_ORG)) {
		job_fail(j, 401, "invalid_credentials", NULL, "unknown staff code or wrong PIN");
		return -1;
	}
	/* Locks are kept per (code, address) by the auth worker; the staff
	 * row only records the latest one, for the staff list's "locked". */
	if (!j->pin_ok) {
		job_fail(j, 401, "invalid_credentials", NULL, "unknown staff code or wrong PIN");
		if (j->lock_until == 0)
			return -1;
		if (store_staff_login_failed(w->st, row.id, 1, j->lock_until) < 0) {
			storage_error(w, j);
			return -1;
		}
		return 0;   /* keep the record */
	}
	memset(&sr, 0, sizeof sr);
	auth_token_new(token);
	auth_token_hash(token, sr.token_hash);
	sr.staff_id = row.id;
	sr.store_id = w->cur->id;
	xstrlcpy(sr.terminal, j->terminal, sizeof sr.terminal);
	sr.created_at = now;
	sr.expires_at = now + w->cfg.token_ttl_ms;
	if ((row.failed > 0 && store_staff_login_ok(w->st, row.id) < 0) ||
	    store_session_insert(w->st, &sr) < 0) {
		storage_error(w, j);
		return -1;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "token", token);
	cJSON_AddStringToObject(body, "role", role_name(row.role));
	cJSON_AddStringToObject(body, "staff", row.code);
	cJSON_AddStringToObject(body, "name", row.name);
	cJSON_AddStringToObject(body, "terminal", sr.terminal);
	cJSON_AddStringToObject(body, "store", j->key);
	if (row.store_id == STORE_ORG)
		cJSON_AddBoolToObject(body, "org", true);
	codec_add_int(body, "expires_at", sr.expires_at);
	codec_add_int(body, "server_time", now);
	respond_json(j, 200, body);
	explicit_bzero(token, sizeof token);

	memset(&j->session, 0, sizeof j->session);
	memcpy(j->session.token_hash, sr.token_hash, sizeof sr.token_hash);
	j->session.staff_id = row.id;
	j->session.store_id = w->cur->id;
	j->session.org = row.store_id == STORE_ORG;
	xstrlcpy(j->session.staff, row.code, sizeof j->session.staff);
	xstrlcpy(j->session.name, row.name, sizeof j->session.name);
	j->session.role = row.role;
	xstrlcpy(j->session.terminal, sr.terminal, sizeof j->session.terminal);
	j->session.expires_at = sr.expires_at;
	j->has_session = true;
	return 0;
}

static int
do_logout(struct writer *w, struct job *j, int64_t now)
{
	if (store_session_delete(w->st, j->token_hash) < 0) {
		storage_error(w, j);
		return -1;
	}
	free(j->body);
	j->status = 200;
	j->body = xstrdup("{\"logged_out\":true}");
	return 0;
}

static int
do_housekeeping(struct writer *w, struct job *j, int64_t now)
{
	if (store_sessions_prune(w->st, now) < 0 ||
	    store_idem_prune(w->st, now - w->cfg.idem_retention_ms) < 0 ||
	    throttle_prune(w->cfg.throttle, w->st, now) < 0) {
		storage_error(w, j);
		return -1;
	}
	j->status = 200;
	return 0;
}

/* Close the period: the Z report since the last close, numbered and kept. */
static int
do_report_z(struct writer *w, struct job *j, int64_t now)
{
	struct day_report r;
	struct strbuf sb;

	if (reports_build(w->st, w->cur->id, true, now, w->cur->info.day_start_hour, &r) < 0) {
		storage_error(w, j);
		return -1;
	}
	strbuf_init(&sb);
	report_render(&r, &sb);
	if (store_z_insert(w->st, w->cur->id, r.z_number, now, r.from_ms, j->caller.staff,
	    sb.data) < 0) {
		strbuf_free(&sb);
		report_free(&r);
		storage_error(w, j);
		return -1;
	}
	cJSON *ev = cJSON_CreateObject();

	codec_add_int(ev, "z_number", r.z_number);
	codec_add_int(ev, "from", r.from_ms);
	codec_add_int(ev, "closed_at", now);
	cJSON_AddStringToObject(ev, "by", j->caller.staff);
	report_free(&r);
	if (emit_json(w, j, EVENT_REPORT_CLOSED, "z", ev, now) < 0) {
		cJSON_Delete(ev);
		strbuf_free(&sb);
		return -1;
	}
	cJSON_Delete(ev);
	free(j->body);
	j->status = 201;
	j->body = strbuf_detach(&sb, NULL);
	return 0;
}

/* A /healthz probe while commits fail: one small write (a heartbeat row in
 * meta) that must reach the disk for the store to count as healthy again.
 * Its answer is the health document itself. */
static int
do_probe(struct writer *w, struct job *j, int64_t now)
{
	char body[256];

	if (store_heartbeat(w->st, now) < 0) {
		storage_error(w, j);
		return -1;
	}
	snprintf(body, sizeof body,
	    "{\"status\":\"ok\",\"server_time\":%lld,\"head\":%lld,"
	    "\"idempotency_retention_ms\":%lld}",
	    (long long)now, (long long)(w->cur->next_seq - 1),
	    (long long)w->cfg.idem_retention_ms);
	free(j->body);
	j->status = 200;
	j->body = xstrdup(body);
	return 0;
}

static void
set_failing(struct writer *w, bool failing, const char *why)
{
	pthread_mutex_lock(&w->health_lock);
	if (failing != w->failing)
		log_write(failing ? LOG_ERROR : LOG_INFO, __func__, "%s%s",
		    failing ? "the store cannot commit: " : "the store commits again",
		    failing ? why : "");
	w->failing = failing;
	xstrlcpy(w->failing_why, failing ? why : "", sizeof w->failing_why);
	pthread_mutex_unlock(&w->health_lock);
}

bool
writer_failing(struct writer *w, char *why, size_t size)
{
	bool failing;

	pthread_mutex_lock(&w->health_lock);
	failing = w->failing;
	xstrlcpy(why, w->failing_why, size);
	pthread_mutex_unlock(&w->health_lock);
	return failing;
}

cJSON *
writer_store_json(const struct store_row *row)
{
	cJSON *j = cJSON_CreateObject();

	codec_add_int(j, "id", row->id);
	cJSON_AddStringToObject(j, "code", row->code);
	cJSON_AddStringToObject(j, "name", row->name);
	codec_add_int(j, "created_at", row->created_at);
	return j;
}

/* A new store of the organisation (j->staff carries nothing; the code and
 * name come in j->key and j->key2): its row, its counters and its
 * details, named. Its menu starts empty and its staff are added by an
 * organisation admin logged in to it. */
static int
do_store_create(struct writer *w, struct job *j, int64_t now)
{
	struct store_row row;
	struct store_info si;
	int rc;

	if (!j->caller.org) {
		job_fail(j, 403, "forbidden", NULL, "only an organisation admin adds stores");
		return -1;
	}
	if (!store_shared(w->st)) {
		job_fail(j, 409, "single_store", NULL,
		    "this server's SQLite database holds one store; a group of stores "
		    "runs on PostgreSQL");
		return -1;
	}
	memset(&row, 0, sizeof row);
	xstrlcpy(row.code, j->key, sizeof row.code);
	xstrlcpy(row.name, j->key2, sizeof row.name);
	row.created_at = now;
	/* named, in the currency and business day of the server's settings,
	 * as --add-store makes one */
	store_info_init(&si);
	xstrlcpy(si.name, row.name, sizeof si.name);
	xstrlcpy(si.currency, w->cfg.currency, sizeof si.currency);
	si.day_start_hour = w->cfg.day_start_hour;
	rc = store_add(w->st, &row, &si);
	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc > 0) {
		job_fail(j, 409, "store_exists", "code", "code: that store code is taken");
		return -1;
	}
	log_info("store %s (%lld) added by %s", row.code, (long long)row.id,
	    j->caller.staff);
	respond_json(j, 201, writer_store_json(&row));
	return 0;
}

static const job_handler handlers[JOB_KIND_COUNT] = {
	[JOB_PROBE] = do_probe,
	[JOB_ORDER_CREATE] = do_order_create,
	[JOB_ORDER_ACTION] = do_order_action,
	[JOB_ORDER_PATCH] = do_order_patch,
	[JOB_ITEMS_DONE] = do_items_done,
	[JOB_MENU_EDIT] = do_menu_edit,
	[JOB_STORE_PATCH] = do_store_patch,
	[JOB_PIN_CHANGE] = do_pin_change,
	[JOB_STAFF_CREATE] = do_staff_create,
	[JOB_STAFF_PATCH] = do_staff_patch,
	[JOB_LOGIN] = do_login,
	[JOB_LOGOUT] = do_logout,
	[JOB_HOUSEKEEPING] = do_housekeeping,
	[JOB_REPORT_Z] = do_report_z,
	[JOB_ORDER_CORRECT] = do_order_correct,
	[JOB_APPROVE] = do_approve,
	[JOB_STORE_CREATE] = do_store_create,
};

/* Answer a replayed Idempotency-Key from the stored result. Returns 1 when
 * the job was answered, 0 to run it, -1 on a storage error. A key belongs
 * to the account that first used it: anyone else is refused, whatever the
 * request, so a stored answer (a customer's address, an order the caller
 * may not create) is only ever given back to its own account. */
static int
idem_replay(struct writer *w, struct job *j)
{
	char hash[65];
	char *body = NULL;
	int64_t owner = 0;
	int status = 0;
	int rc;

	if (j->idem_key[0] == '\0')
		return 0;
	rc = store_idem_get(w->st, w->cur->id, j->idem_key, hash, &status, &body, &owner);
	if (rc < 0) {
		storage_error(w, j);
		return -1;
	}
	if (rc > 0)
		return 0;
	if (strcmp(hash, j->req_hash) != 0) {
		free(body);
		job_fail(j, 422, "idempotency_key_reused", "Idempotency-Key",
		    "this Idempotency-Key was already used for a different request");
		return 1;
	}
	if (owner == 0 || owner != j->caller.staff_id) {
		free(body);
		job_fail(j, 409, "idempotency_key_in_use", "Idempotency-Key",
		    "this Idempotency-Key was already used by another account; make a new one");
		return 1;
	}
	free(j->body);
	j->status = status;
	j->body = body;
	return 1;
}

/* Whether a job's answer is the payload of its last event (an order
 * change: kept as a pointer to the event instead of a copy). */
static bool
answer_is_event(const struct job *j)
{
	return j->nevents > 0 && (j->kind == JOB_ORDER_CREATE ||
	    j->kind == JOB_ORDER_ACTION || j->kind == JOB_ORDER_PATCH ||
	    j->kind == JOB_ITEMS_DONE || j->kind == JOB_ORDER_CORRECT);
}

/* Run one job in the batch's transaction. */
static void
run_job(struct writer *w, struct job *j, int64_t now)
{
	int rc = idem_replay(w, j);

	if (rc != 0)
		return;   /* answered from the stored result, or a read failed */
	if (handlers[j->kind](w, j, now) < 0)
		return;
	/* a changed order's answer is the order its last event carries */
	if (j->idem_key[0] != '\0' && j->status >= 200 && j->status < 300 &&
	    store_idem_put(w->st, w->cur->id, j->idem_key, j->req_hash, j->status,
	    j->body != NULL ? j->body : "",
	    answer_is_event(j) ? j->events[j->nevents - 1].seq : 0, now,
	    j->caller.staff_id) < 0)
		storage_error(w, j);
}

/* The menu and the store's details as the database has them. */
static void
reload_config(struct writer *w)
{
	struct store_info si;
	struct menu m;

	if (store_menu_load(w->st, w->cur->id, &m) == 0) {
		menu_free(&w->cur->menu);
		w->cur->menu = m;
	}
	if (store_info_load(w->st, w->cur->id, &si) >= 0)
		w->cur->info = si;
	xstrlcpy(w->cur->menu.currency, w->cur->info.currency, sizeof w->cur->menu.currency);
}

/* The store sid's state: found, or loaded now (its numbers from where
 * its rows stand; a shared store's come from its counters at each
 * batch). */
static struct wshop *
wshop_get(struct writer *w, int64_t sid)
{
	struct wshop *sh;
	int lo = 0, hi = w->nshops;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (w->shops[mid]->id < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nshops && w->shops[lo]->id == sid)
		return w->shops[lo];
	sh = xcalloc(1, sizeof *sh);
	sh->id = sid;
	menu_init(&sh->menu);
	store_info_init(&sh->info);
	sh->config = -1;
	w->shops = xreallocarray(w->shops, (size_t)w->nshops + 1, sizeof *w->shops);
	memmove(w->shops + lo + 1, w->shops + lo,
	    (size_t)(w->nshops - lo) * sizeof *w->shops);
	w->shops[lo] = sh;
	w->nshops++;
	w->cur = sh;
	if (sid != STORE_ORG) {
		reload_config(w);
		sh->next_seq = store_max_seq(w->st, sid) + 1;
		sh->next_order_id = store_max_order_id(w->st, sid) + 1;
	}
	return sh;
}

/* After a failed write or commit nothing of the batch happened: every job
 * that had succeeded (or had not run) is answered 503, and the in-memory
 * state is reloaded. Refusals stand: they changed nothing either way. */
static void
batch_failed(struct writer *w, struct job *batch)
{
	char why[200];

	xstrlcpy(why, store_errmsg(w->st), sizeof why);
	log_error("batch rolled back: %s", why);
	w->poisoned = false;
	store_rollback(w->st);
	w->stats.commit_failures++;
	set_failing(w, true, why);
	for (struct job *j = batch; j != NULL; j = j->next) {
		if (j->kind == JOB_PROBE && !store_damaged()) {
			char body[400];

			snprintf(body, sizeof body,
			    "{\"status\":\"failing\",\"server_time\":%lld,"
			    "\"error\":{\"code\":\"storage_error\",\"message\":"
			    "\"the database cannot commit (%s): changes are refused until it "
			    "can\"}}", (long long)util_now_ms(), why);
			free(j->body);
			j->status = 503;
			j->body = xstrdup(body);
			continue;
		}
		if (j->status < 400 || j->kind == JOB_LOGIN) {
			for (int i = 0; i < j->nevents; i++)
				free(j->events[i].text);
			j->nevents = 0;
			free(j->menu_json);
			j->menu_json = NULL;
			free(j->store_json);
			j->store_json = NULL;
			j->has_session = false;
			j->revoke_staff = 0;
			if (store_damaged())
				job_fail(j, 503, "store_corrupt", NULL,
				    "the order database is damaged: nothing was changed (see /healthz)");
			else
				job_fail(j, 503, "storage_error", NULL,
				    "the order database could not be written; nothing was changed, try again");
		}
	}
	w->cur->num_day[0] = '\0';
	w->cur->next_seq = store_max_seq(w->st, w->cur->id) + 1;
	w->cur->next_order_id = store_max_order_id(w->st, w->cur->id) + 1;
	reload_config(w);
}

/* A shared store, at the start of a batch (its counter row now held):
 * take the numbers from where the store's counters stand, forget the
 * daily count if another server wrote since, and reload the menu and the
 * details if another server changed them. */
static int
writer_sync(struct writer *w)
{
	int64_t seq, order_id, config;
	int rc;

	if (w->cur->id == STORE_ORG)
		return 0;   /* no numbers to take */
	rc = store_counters(w->st, &seq, &order_id, &config);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (seq != w->cur->next_seq - 1)
		w->cur->num_day[0] = '\0';
	w->cur->next_seq = seq + 1;
	w->cur->next_order_id = order_id + 1;
	if (config != w->cur->config) {
		reload_config(w);
		w->cur->config = config;
	}
	return 0;
}

/* Once SQLite has reported the file damaged, nothing more is written to
 * it: a write on a damaged b-tree can spread the damage, and an order
 * accepted now might be unreadable later. Every job is refused. */
static void
refuse_damaged(struct writer *w, struct job *batch)
{
	for (struct job *j = batch; j != NULL; j = j->next)
		job_fail(j, 503, "store_corrupt", NULL,
		    "the order database is damaged: nothing can be changed until it is "
		    "restored (see /healthz)");
	w->poisoned = false;
}

/* One store's jobs of the batch in one transaction. */
static void
run_group(struct writer *w, struct job *group, int64_t sid, int64_t now)
{
	w->cur = wshop_get(w, sid);
	if (store_begin(w->st, sid) < 0 || writer_sync(w) < 0) {
		batch_failed(w, group);
		return;
	}
	int64_t changes = store_total_changes(w->st);

	for (struct job *j = group; j != NULL && !w->poisoned; j = j->next)
		run_job(w, j, now);
	if (w->poisoned || store_commit(w->st) < 0)
		batch_failed(w, group);
	else if (store_total_changes(w->st) != changes)
		set_failing(w, false, "");   /* something reached the disk */
}

/* A transaction writes one store's rows (on PostgreSQL it holds that
 * store's counter row, and holding one row at a time cannot deadlock with
 * another server): the batch is run as one transaction per store, each
 * store's jobs in the order they came. Returns the batch relinked in the
 * order it ran. */
static struct job *
run_batch(struct writer *w, struct job *batch, int64_t now)
{
	struct job *done = NULL, **done_tail = &done;

	while (batch != NULL) {
		int64_t sid = batch->caller.store_id;
		struct job *group = NULL, **gt = &group, *rest = NULL, **rt = &rest;

		for (struct job *j = batch, *next; j != NULL; j = next) {
			next = j->next;
			j->next = NULL;
			if (j->caller.store_id == sid) {
				*gt = j;
				gt = &j->next;
			} else {
				*rt = j;
				rt = &j->next;
			}
		}
		run_group(w, group, sid, now);
		*done_tail = group;
		done_tail = gt;
		batch = rest;
	}
	return done;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct job *batch;

	while ((batch = job_queue_take_all(&w->queue)) != NULL) {
		/* Take at most max_batch jobs into this transaction; the rest go
		 * back to the head of the queue for the next round. */
		struct job *j = batch, *rest = NULL;
		int n = 1;

		while (j->next != NULL && n < w->cfg.max_batch) {
			j = j->next;
			n++;
		}
		rest = j->next;
		j->next = NULL;
		if (rest != NULL) {
			pthread_mutex_lock(&w->queue.lock);
			struct job *tail = rest;
			while (tail->next != NULL)
				tail = tail->next;
			tail->next = w->queue.head;
			if (w->queue.head == NULL)
				w->queue.tail = tail;
			w->queue.head = rest;
			pthread_mutex_unlock(&w->queue.lock);
		}

		int64_t now = util_now_ms();
		if (store_damaged())
			refuse_damaged(w, batch);
		else
			batch = run_batch(w, batch, now);
		int64_t t = util_mono_us();
		for (j = batch; j != NULL; j = j->next)
			j->commit_us = t;
		w->stats.batches++;
		w->stats.jobs += (uint64_t)n;
		w->done(w->done_ctx, batch);
	}
	return NULL;
}

struct writer *
writer_start(struct store *st, const struct menu *menu,
    const struct store_info *info, const struct writer_config *cfg,
    writer_done_fn done, void *ctx)
{
	struct writer *w = xcalloc(1, sizeof *w);
	struct wshop *sh;

	w->st = st;
	w->cfg = *cfg;
	if (w->cfg.max_batch <= 0)
		w->cfg.max_batch = 256;
	/* the main store as the server set it up (its menu and details may
	 * have been seeded from the settings) */
	sh = wshop_get(w, STORE_MAIN);
	menu_free(&sh->menu);
	menu_copy(&sh->menu, menu);
	sh->info = *info;
	if (approval_key_load(st, w->approval_key) < 0)
		log_error("the approval key could not be kept: %s; managers' approvals "
		    "will not outlive this run", store_errmsg(st));
	w->done = done;
	w->done_ctx = ctx;
	pthread_mutex_init(&w->health_lock, NULL);
	job_queue_init(&w->queue);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		abort();
	return w;
}

void
writer_submit(struct writer *w, struct job *j)
{
	job_queue_push(&w->queue, j);
}

void
writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	job_queue_close(&w->queue);
	pthread_join(w->thread, NULL);
	job_queue_destroy(&w->queue);
	pthread_mutex_destroy(&w->health_lock);
	for (int i = 0; i < w->nshops; i++) {
		menu_free(&w->shops[i]->menu);
		free(w->shops[i]);
	}
	free(w->shops);
	store_close(w->st);
	free(w);
}

void
writer_stats(const struct writer *w, struct writer_stats *out)
{
	*out = w->stats;
}
