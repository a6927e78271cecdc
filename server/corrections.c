/* corrections: voids, discounts, comps and refunds, as pure functions. */
#include "corrections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pan.h"
#include "xalloc.h"

#define BOSS (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

static const struct codec_str_spec spec_reason = { 1, REASON_MAX, false, false };

static int
lines_from_json(const cJSON *j, struct correction_request *r, struct codec_error *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "lines"), *e;
	static const char *const keys[] = { "line", "qty", NULL };
	char path[32];

	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0 ||
	    cJSON_GetArraySize(arr) > ITEMS_MAX) {
		codec_error_set(err, 422, "invalid_field", "lines",
		    "lines: must be an array of 1 to %d {line, qty}", ITEMS_MAX);
		return -1;
	}
	cJSON_ArrayForEach(e, arr) {
		struct correction_line *l = &r->lines[r->nlines];
		int64_t line = 0, qty = 0;

		snprintf(path, sizeof path, "lines[%d]", r->nlines);
		if (!cJSON_IsObject(e)) {
			codec_error_set(err, 422, "invalid_field", path, "%s: must be an object",
			    path);
			return -1;
		}
		if (codec_only_keys(e, path, keys, err) < 0 ||
		    codec_get_int(e, "line", path, 0, ITEMS_MAX - 1, true, &line, NULL, err) < 0 ||
		    codec_get_int(e, "qty", path, 1, QTY_MAX, true, &qty, NULL, err) < 0)
			return -1;
		for (int d = 0; d < r->nlines; d++) {
			if (r->lines[d].line == (int)line) {
				codec_error_set(err, 422, "invalid_field", path,
				    "%s: line %d is given twice", path, (int)line);
				return -1;
			}
		}
		l->line = (int)line;
		l->qty = (int)qty;
		r->nlines++;
	}
	return 0;
}

static int
refunds_from_json(const cJSON *j, struct correction_request *r, struct codec_error *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "refunds");
	struct order tmp;
	int rc;

	if (arr == NULL) {
		codec_error_set(err, 422, "missing_field", "refunds",
		    "refunds: a refund gives the money back by tender: "
		    "[{\"tender\":\"CASH\",\"amount\":...}]");
		return -1;
	}
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
		codec_error_set(err, 422, "invalid_field", "refunds",
		    "refunds: must be an array of 1 to %d tenders", TENDERS_MAX);
		return -1;
	}
	/* the same rules as a sale's tenders, under another name */
	cJSON *wrap = cJSON_CreateObject();

	cJSON_AddItemReferenceToObject(wrap, "payments", (cJSON *)arr);
	order_init(&tmp);
	rc = order_payments_from_json(wrap, &tmp, err);
	cJSON_Delete(wrap);
	if (rc < 0) {
		/* name the field as the request did */
		if (strncmp(err->field, "payments", 8) == 0) {
			char f[sizeof err->field];

			snprintf(f, sizeof f, "refunds%s", err->field + 8);
			xstrlcpy(err->field, f, sizeof err->field);
		}
		order_free(&tmp);
		return -1;
	}
	r->nrefunds = tmp.npayments;
	memcpy(r->refunds, tmp.payments, (size_t)tmp.npayments * sizeof r->refunds[0]);
	order_free(&tmp);
	return 0;
}

int
correction_request_from_json(const cJSON *j, struct correction_request *r,
    struct codec_error *err)
{
	static const char *const keys[] = { "kind", "reason", "lines", "line", "percent",
	    "percent_bp", "amount", "refunds", "expected_version", "approval", NULL };
	int kind = 0;
	int64_t v = -1;
	const cJSON *line;

	memset(r, 0, sizeof *r);
	r->line = -1;
	r->expected_version = -1;
	if (codec_only_keys(j, NULL, keys, err) < 0 ||
	    codec_get_enum(j, "kind", NULL, correction_kind_parse, true, &kind, NULL, err) < 0 ||
	    codec_get_int(j, "expected_version", NULL, 0, INT32_MAX, false, &v, NULL, err) < 0)
		return -1;
	r->kind = (enum correction_kind)kind;
	r->expected_version = (int)v;
	line = cJSON_GetObjectItemCaseSensitive(j, "line");
	switch (r->kind) {
	case CORRECTION_VOID:
	case CORRECTION_REFUND:
		if (line != NULL) {
			codec_error_set(err, 422, "unknown_field", "line",
			    "line: a %s names its lines in \"lines\"", correction_kind_name(r->kind));
			return -1;
		}
		if (cJSON_GetObjectItemCaseSensitive(j, "percent") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(j, "percent_bp") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(j, "amount") != NULL) {
			codec_error_set(err, 422, "unknown_field", "amount",
			    "a %s takes no percent or amount%s", correction_kind_name(r->kind),
			    r->kind == CORRECTION_REFUND ? ": the money is in \"refunds\"" : "");
			return -1;
		}
		if (codec_get_str(j, "reason", NULL, &spec_reason, true, r->reason,
		    sizeof r->reason, NULL, err) < 0 ||
		    lines_from_json(j, r, err) < 0)
			return -1;
		if (r->kind == CORRECTION_REFUND && refunds_from_json(j, r, err) < 0)
			return -1;
		if (r->kind == CORRECTION_VOID &&
		    cJSON_GetObjectItemCaseSensitive(j, "refunds") != NULL) {
			codec_error_set(err, 422, "unknown_field", "refunds",
			    "refunds: a void gives no money back; a refund does");
			return -1;
		}
		break;
	case CORRECTION_DISCOUNT:
	case CORRECTION_COMP:
		if (cJSON_GetObjectItemCaseSensitive(j, "lines") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(j, "refunds") != NULL) {
			codec_error_set(err, 422, "unknown_field",
			    cJSON_GetObjectItemCaseSensitive(j, "lines") != NULL ? "lines" : "refunds",
			    "a %s is on one line (\"line\") or on the whole order",
			    correction_kind_name(r->kind));
			return -1;
		}
		if (line != NULL && !cJSON_IsNull(line)) {
			if (!codec_is_int(line, 0, ITEMS_MAX - 1)) {
				codec_error_set(err, 422, "invalid_field", "line",
				    "line: must be a line's index, or null for the whole order");
				return -1;
			}
			r->line = (int)line->valuedouble;
		}
		if (codec_discount_from_json(j, NULL, r->kind == CORRECTION_COMP, false,
		    &r->disc, r->reason, sizeof r->reason, err) < 0)
			return -1;
		break;
	case CORRECTION_KIND_COUNT:
		break;
	}
	return codec_check_no_pan(r->reason, "reason", PAN_DIGITS_MIN, err);
}

/* ---- rules --------------------------------------------------------- */

static bool
is_boss(enum staff_role r)
{
	return (ROLE_BIT(r) & BOSS) != 0;
}

static int
check_reason(const struct store_info *si, enum correction_kind kind, const char *reason,
    struct codec_error *err)
{
	char list[REASONS_MAX * (REASON_NAME_MAX + 2) + 1];
	size_t len = 0;

	if (store_info_reason_ok(si, kind, reason))
		return 0;
	list[0] = '\0';
	for (int i = 0; i < si->nreasons[kind]; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
		    si->reasons[kind][i]);
	codec_error_set(err, 422, "unknown_reason", "reason",
	    "reason: \"%s\" is not one of this restaurant's %s reasons (%s)", reason,
	    correction_kind_name(kind), list);
	return -1;
}

/* The share of base a discount takes, in basis points, rounded up. */
static int
discount_bp(const struct discount *d, money_t base)
{
	if (d->percent_bp > 0)
		return d->percent_bp;
	if (base <= 0)
		return 10000;
	return (int)((d->amount * 10000 + base - 1) / base);
}

static int
check_limit(const struct authority *a, const struct store_info *si,
    const struct discount *d, money_t base, struct codec_error *err)
{
	int limit = si->discount_limit[a->role];
	int bp = discount_bp(d, base);

	if (bp <= limit * 100)
		return 0;
	if (a->approved) {
		codec_error_set(err, 403, "discount_over_limit", "percent",
		    "the approving %s may give at most %d %%; this is %d.%02d %%",
		    role_name(a->role), limit, bp / 100, bp % 100);
	} else {
		codec_error_set(err, 403, "discount_over_limit", "percent",
		    "a %s may give at most %d %% on their own; this is %d.%02d %%: "
		    "a manager's approval is needed", role_name(a->role), limit, bp / 100,
		    bp % 100);
	}
	return -1;
}

/* Record a correction with its effect: the figures after less before. */
static struct correction *
record(struct order *o, enum correction_kind kind, const struct caller *c,
    const struct authority *a, const char *reason, int64_t now, money_t sub0,
    money_t tax0)
{
	struct correction *co = order_add_correction(o);

	co->kind = kind;
	co->at = now;
	xstrlcpy(co->by, c->staff, sizeof co->by);
	if (a->approved)
		xstrlcpy(co->approved_by, a->approved_by, sizeof co->approved_by);
	xstrlcpy(co->reason, reason, sizeof co->reason);
	co->net = o->subtotal - sub0;
	co->tax = o->tax - tax0;
	return co;
}

static bool
all_gone(const struct order *o)
{
	for (int i = 0; i < o->nitems; i++) {
		if (order_item_left(&o->items[i]) > 0)
			return false;
	}
	return true;
}

/* A void that leaves nothing cancels the order: the kitchen stops. */
static void
cancel_if_empty(const struct caller *c, struct order *o, const char *reason, int64_t now)
{
	if (!all_gone(o) || o->status == STATUS_CANCELLED)
		return;
	o->status = STATUS_CANCELLED;
	xstrlcpy(o->cancel_reason, reason, sizeof o->cancel_reason);
	order_record(o, STATUS_CANCELLED, ACTION_CANCEL, now, c->staff);
}

static void
void_line(const struct caller *c, const struct authority *a, struct order *o, int line,
    int qty, const char *reason, int64_t now)
{
	money_t sub0 = o->subtotal, tax0 = o->tax;
	struct correction *co;

	o->items[line].voided += qty;
	order_totals(o);
	co = record(o, CORRECTION_VOID, c, a, reason, now, sub0, tax0);
	co->line = line;
	co->qty = qty;
}

void
corrections_void_all(const struct caller *c, const struct authority *a, struct order *o,
    const char *reason, int64_t now)
{
	order_totals(o);
	for (int i = 0; i < o->nitems; i++) {
		int left = order_item_left(&o->items[i]);

		if (left > 0)
			void_line(c, a, o, i, left, reason, now);
	}
}

/* The lines a void or a refund names: the order's, and no more of each
 * than is left of it. */
static int
check_lines(const struct order *o, const struct correction_request *r,
    struct codec_error *err)
{
	for (int k = 0; k < r->nlines; k++) {
		const struct correction_line *l = &r->lines[k];
		char f[32];

		snprintf(f, sizeof f, "lines[%d]", k);
		if (l->line >= o->nitems) {
			codec_error_set(err, 422, "invalid_field", f,
			    "%s.line: order %d has %d lines", f, o->number, o->nitems);
			return -1;
		}
		if (l->qty > order_item_left(&o->items[l->line])) {
			codec_error_set(err, 422, "invalid_field", f, "%s.qty: %d of %s left to %s",
			    f, order_item_left(&o->items[l->line]), o->items[l->line].name,
			    correction_kind_name(r->kind));
			return -1;
		}
	}
	return 0;
}

static int
apply_void(const struct caller *c, const struct authority *a, struct order *o,
    const struct correction_request *r, int64_t now, struct codec_error *err)
{
	if (o->status == STATUS_COMPLETED) {
		codec_error_set(err, 409, "order_completed", "kind",
		    "order %d is completed: what was served is refunded, not voided",
		    o->number);
		return -1;
	}
	if (r->nlines == 0) {
		corrections_void_all(c, a, o, r->reason, now);
	} else {
		if (check_lines(o, r, err) < 0)
			return -1;
		for (int k = 0; k < r->nlines; k++)
			void_line(c, a, o, r->lines[k].line, r->lines[k].qty, r->reason, now);
	}
	cancel_if_empty(c, o, r->reason, now);
	return 0;
}

static int
apply_discount(const struct caller *c, const struct authority *a,
    const struct store_info *si, struct order *o, const struct correction_request *r,
    int64_t now, struct codec_error *err)
{
	money_t sub0 = o->subtotal, tax0 = o->tax, base = 0;
	struct correction *co;

	if (r->line >= 0) {
		struct order_item *it;

		if (r->line >= o->nitems) {
			codec_error_set(err, 422, "invalid_field", "line",
			    "line: order %d has %d lines", o->number, o->nitems);
			return -1;
		}
		it = &o->items[r->line];
		base = it->unit_price * order_item_left(it);
	} else {
		for (int i = 0; i < o->nitems; i++)
			base += o->items[i].unit_price * order_item_left(&o->items[i]) -
			    o->items[i].disc.value;
	}
	if (base <= 0) {
		codec_error_set(err, 409, "nothing_to_discount", "line",
		    "%s sells for nothing now", r->line >= 0 ? "that line" : "the order");
		return -1;
	}
	if (r->disc.amount > base) {
		char b[32];

		money_format(base, b, sizeof b);
		codec_error_set(err, 422, "discount_too_large", "amount",
		    "amount: more than the %s it is taken off", b);
		return -1;
	}
	if (check_limit(a, si, &r->disc, base, err) < 0)
		return -1;
	if (r->line >= 0)
		o->items[r->line].disc = r->disc;
	else
		o->disc = r->disc;
	order_totals(o);
	co = record(o, r->kind, c, a, r->reason, now, sub0, tax0);
	co->line = r->line;
	co->disc = r->line >= 0 ? o->items[r->line].disc : o->disc;
	return 0;
}

/* What of tender t (and, for a card, of that card) was charged and not
 * yet given back. */
static money_t
tender_left(const struct order *o, const struct payment *p)
{
	money_t left = 0;

	for (int i = 0; i < o->npayments; i++) {
		const struct payment *q = &o->payments[i];

		if (q->tender != p->tender)
			continue;
		if (p->tender == TENDER_CARD && strcmp(q->card.last4, p->card.last4) != 0)
			continue;
		left += q->kind == PAYMENT_REFUND ? -q->amount : q->amount;
	}
	if (p->tender == TENDER_CASH)
		left -= o->change;
	return left;
}

static int
apply_refund(const struct caller *c, const struct authority *a, struct order *o,
    const struct correction_request *r, int64_t now, struct codec_error *err)
{
	money_t money = 0, owed;
	char f[48], m1[32], m2[32];

	if (o->paid == 0) {
		codec_error_set(err, 409, "nothing_to_refund", "kind",
		    "order %d was never paid", o->number);
		return -1;
	}
	if (o->npayments + r->nrefunds > PAYMENTS_MAX) {
		codec_error_set(err, 409, "ledger_full", "refunds",
		    "order %d has no room for more payments", o->number);
		return -1;
	}
	if (check_lines(o, r, err) < 0)
		return -1;
	for (int k = 0; k < r->nrefunds; k++) {
		const struct payment *p = &r->refunds[k];

		snprintf(f, sizeof f, "refunds[%d]", k);
		if (p->tender == TENDER_CARD && (p->card.last4[0] == '\0' ||
		    p->approval[0] == '\0')) {
			codec_error_set(err, 422, "missing_field", f,
			    "%s: a card refund names the card (last4) and the approval "
			    "code the terminal gave", f);
			return -1;
		}
		if (p->amount > tender_left(o, p)) {
			money_format(tender_left(o, p), m1, sizeof m1);
			codec_error_set(err, 422, "refund_wrong_tender", f,
			    "%s: at most %s can go back to %s%s%s", f, m1,
			    tender_name(p->tender), p->tender == TENDER_CARD ? " ****" : "",
			    p->tender == TENDER_CARD ? p->card.last4 : "");
			return -1;
		}
		money += p->amount;
	}
	/* the lines go first: what they were sold for is then owed back */
	for (int k = 0; k < r->nlines; k++)
		o->items[r->lines[k].line].refunded += r->lines[k].qty;
	order_totals(o);
	owed = -o->balance;
	if (money > owed) {
		money_format(money, m1, sizeof m1);
		money_format(owed > 0 ? owed : 0, m2, sizeof m2);
		codec_error_set(err, 422, "refund_exceeds_paid", "refunds",
		    "refunds: %s is more than the %s owed back on order %d", m1, m2, o->number);
		return -1;
	}
	for (int k = 0; k < r->nrefunds; k++) {
		struct payment *p = &o->payments[o->npayments++];

		*p = r->refunds[k];
		p->kind = PAYMENT_REFUND;
		p->at = now;
		xstrlcpy(p->by, c->staff, sizeof p->by);
	}
	/* one correction per line, with the line's share of the figures; the
	 * money goes on the first */
	{
		int start = o->ncorrections;

		for (int k = 0; k < r->nlines; k++)
			o->items[r->lines[k].line].refunded -= r->lines[k].qty;
		order_totals(o);
		for (int k = 0; k < r->nlines; k++) {
			money_t s0 = o->subtotal, t0 = o->tax;
			struct correction *co;

			o->items[r->lines[k].line].refunded += r->lines[k].qty;
			order_totals(o);
			co = record(o, CORRECTION_REFUND, c, a, r->reason, now, s0, t0);
			co->line = r->lines[k].line;
			co->qty = r->lines[k].qty;
		}
		if (r->nlines == 0)
			record(o, CORRECTION_REFUND, c, a, r->reason, now, o->subtotal, o->tax);
		o->corrections[start].refund = money;
	}
	return 0;
}

int
corrections_apply(const struct caller *c, const struct authority *a,
    const struct store_info *si, struct order *o, const struct correction_request *r,
    int64_t now, struct codec_error *err)
{
	if (c->role == ROLE_CUSTOMER || c->role == ROLE_CHEF) {
		codec_error_set(err, 403, "forbidden", "kind", "a %s may not correct orders",
		    role_name(c->role));
		return -1;
	}
	if ((r->kind == CORRECTION_VOID || r->kind == CORRECTION_REFUND) && !is_boss(a->role)) {
		codec_error_set(err, 403, "approval_required", "kind",
		    "a %s may not %s on their own: a manager's approval is needed",
		    role_name(a->role), r->kind == CORRECTION_VOID ? "void" : "refund");
		return -1;
	}
	if (r->expected_version >= 0 && r->expected_version != o->version) {
		codec_error_set(err, 409, "version_conflict", "expected_version",
		    "order %d is at version %d, not %d: it changed meanwhile",
		    o->number, o->version, r->expected_version);
		return -1;
	}
	if (o->status == STATUS_CANCELLED && r->kind != CORRECTION_REFUND) {
		codec_error_set(err, 409, "order_cancelled", "kind",
		    "order %d is cancelled", o->number);
		return -1;
	}
	if (check_reason(si, r->kind, r->reason, err) < 0)
		return -1;
	order_totals(o);
	switch (r->kind) {
	case CORRECTION_VOID:
		if (apply_void(c, a, o, r, now, err) < 0)
			return -1;
		break;
	case CORRECTION_DISCOUNT:
	case CORRECTION_COMP:
		if (apply_discount(c, a, si, o, r, now, err) < 0)
			return -1;
		break;
	case CORRECTION_REFUND:
		if (apply_refund(c, a, o, r, now, err) < 0)
			return -1;
		break;
	case CORRECTION_KIND_COUNT:
		return -1;
	}
	o->version++;
	o->updated_at = now;
	return 0;
}

int
corrections_on_create(const struct caller *c, const struct authority *a,
    const struct store_info *si, struct order *o, int64_t now,
    struct codec_error *err)
{
	struct correction *asked;
	int nasked = o->ncorrections;

	if (nasked == 0)
		return 0;
	/* take them off, then make them again one by one with their effects */
	asked = o->corrections;
	o->corrections = NULL;
	o->ncorrections = 0;
	memset(&o->disc, 0, sizeof o->disc);
	for (int i = 0; i < o->nitems; i++)
		memset(&o->items[i].disc, 0, sizeof o->items[i].disc);
	order_totals(o);
	for (int k = 0; k < nasked; k++) {
		struct correction_request r;
		char f[40];

		memset(&r, 0, sizeof r);
		r.kind = asked[k].kind;
		r.line = asked[k].line;
		r.disc = asked[k].disc;
		r.expected_version = -1;
		xstrlcpy(r.reason, asked[k].reason, sizeof r.reason);
		if (c->role == ROLE_CUSTOMER) {
			codec_error_set(err, 403, "forbidden", "discount",
			    "an online order cannot give itself a discount");
			goto fail;
		}
		if (check_reason(si, r.kind, r.reason, err) < 0 ||
		    apply_discount(c, a, si, o, &r, now, err) < 0) {
			if (r.line >= 0)
				snprintf(f, sizeof f, "items[%d].discount", r.line);
			else
				snprintf(f, sizeof f, "discount");
			if (strcmp(err->field, "reason") == 0 || strcmp(err->field, "amount") == 0 ||
			    strcmp(err->field, "percent") == 0) {
				char g[sizeof err->field];

				snprintf(g, sizeof g, "%s.%s", f, err->field);
				xstrlcpy(err->field, g, sizeof err->field);
			}
			goto fail;
		}
	}
	free(asked);
	return 0;
fail:
	free(asked);
	return -1;
}
