/* report: the end-of-day figures, built from orders, as JSON. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

void
report_init(struct day_report *r, bool final, int64_t from_ms, int64_t to_ms,
    int day_start_hour)
{
	memset(r, 0, sizeof *r);
	r->final = final;
	r->from_ms = from_ms;
	r->to_ms = to_ms;
	r->printed_ms = to_ms;
	util_business_day(to_ms, day_start_hour, r->business_day);
}

static bool
in_period(const struct day_report *r, int64_t at)
{
	return at != 0 && at >= r->from_ms && at < r->to_ms;
}

/* When the order first entered PAID (0 if never): a recall or a later
 * change does not move the sale. */
static int64_t
paid_at(const struct order *o)
{
	for (int i = 0; i < o->nhistory; i++) {
		if (o->history[i].status == STATUS_PAID)
			return o->history[i].at;
	}
	return 0;
}

static struct day_report_item *
item_slot(struct day_report *r, const struct order_item *it)
{
	struct day_report_item *items = (struct day_report_item *)r->items;

	for (int i = 0; i < r->nitems; i++) {
		if (strcmp(items[i].sku, it->sku) == 0)
			return &items[i];
	}
	items = xreallocarray(items, (size_t)r->nitems + 1, sizeof *items);
	r->items = items;
	memset(&items[r->nitems], 0, sizeof items[0]);
	xstrlcpy(items[r->nitems].sku, it->sku, sizeof items[0].sku);
	xstrlcpy(items[r->nitems].name, it->name, sizeof items[0].name);
	return &items[r->nitems++];
}

/* The net figures from the gross and the corrections. */
static void
refigure(struct day_report *r)
{
	r->subtotal = r->gross;
	r->tax = r->gross_tax;
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		r->subtotal += r->corr_net[k];
		r->tax += r->corr_tax[k];
	}
	r->total = r->subtotal + r->tax;
	for (int t = 0; t < TENDER_COUNT; t++)
		r->tender_total[t] = r->tender_charged[t] - r->tender_refunded[t] -
		    (t == TENDER_CASH ? r->change : 0);
}

static struct day_report_line *
line_slot(struct day_report_line **lines, int *n, enum correction_kind kind,
    const char *what)
{
	struct day_report_line *l;

	for (int i = 0; i < *n; i++) {
		if ((*lines)[i].kind == kind && strcmp((*lines)[i].what, what) == 0)
			return &(*lines)[i];
	}
	*lines = xreallocarray(*lines, (size_t)*n + 1, sizeof **lines);
	l = &(*lines)[(*n)++];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	xstrlcpy(l->what, what, sizeof l->what);
	return l;
}

/* A paid order cancelled before corrections were kept: it never counted
 * as a sale, only as a cancellation. */
static bool
cancelled_of_old(const struct order *o)
{
	if (o->status != STATUS_CANCELLED)
		return false;
	for (int i = 0; i < o->ncorrections; i++) {
		if (o->corrections[i].kind == CORRECTION_VOID)
			return false;
	}
	return true;
}

void
report_add(struct day_report *r, const struct order *o)
{
	int64_t at = paid_at(o);
	money_t corr_net = 0, corr_tax = 0, voids = 0;
	bool sale_in, touched;

	for (int i = 0; i < o->ncorrections; i++) {
		corr_net += o->corrections[i].net;
		corr_tax += o->corrections[i].tax;
		if (o->corrections[i].kind == CORRECTION_VOID)
			voids += o->corrections[i].net + o->corrections[i].tax;
	}
	if (o->status == STATUS_CANCELLED && in_period(r, order_status_at(o, STATUS_CANCELLED))) {
		r->cancelled++;
		r->cancelled_total += o->total - voids;   /* what it was worth */
	}
	if (at == 0 || cancelled_of_old(o))
		return;
	/* a sale counts by when it was sold; one that reached the server
	 * after the period it was sold in was closed (an offline till) was
	 * not in that close, and counts in the period it arrived in */
	if (at < r->from_ms && o->received_at >= r->from_ms)
		at = o->received_at;
	sale_in = in_period(r, at);
	touched = sale_in;
	if (sale_in) {
		r->gross += o->subtotal - corr_net;
		r->gross_tax += o->tax - corr_tax;
		r->change += o->change;
		if (o->status != STATUS_CANCELLED) {
			r->orders++;
			r->service_count[o->service]++;
			r->service_total[o->service] += o->total;
			for (int i = 0; i < o->nitems; i++) {
				int left = order_item_left(&o->items[i]);
				struct day_report_item *slot;

				if (left <= 0)
					continue;
				slot = item_slot(r, &o->items[i]);
				slot->qty += left;
				slot->total += o->items[i].net;
			}
		}
	}
	for (int i = 0; i < o->ncorrections; i++) {
		const struct correction *c = &o->corrections[i];
		money_t amount = c->kind == CORRECTION_REFUND ? c->refund : -(c->net + c->tax);
		struct day_report_line *l;

		/* one made before the sale (a discount as it was rung up) is
		 * part of it */
		if (!in_period(r, c->at > at ? c->at : at))
			continue;
		touched = true;
		r->corr_count[c->kind]++;
		r->corr_net[c->kind] += c->net;
		r->corr_tax[c->kind] += c->tax;
		l = line_slot(&r->by_reason, &r->nby_reason, c->kind, c->reason);
		l->count++;
		l->amount += amount;
		l = line_slot(&r->by_staff, &r->nby_staff, c->kind, c->by);
		l->count++;
		l->amount += amount;
	}
	for (int i = 0; i < o->npayments; i++) {
		const struct payment *p = &o->payments[i];
		int64_t when = p->at > at ? p->at : at;

		if (!in_period(r, when))
			continue;
		touched = true;
		if (p->kind == PAYMENT_REFUND) {
			r->tender_refund_count[p->tender]++;
			r->tender_refunded[p->tender] += p->amount;
			r->refunded += p->amount;
		} else {
			r->tender_count[p->tender]++;
			r->tender_charged[p->tender] += p->amount;
		}
	}
	if (touched && o->balance < 0)
		r->owed_back -= o->balance;
	else if (touched && o->status != STATUS_CANCELLED)
		r->balance_due += o->balance;
	refigure(r);
}

static int
best_first(const void *a, const void *b)
{
	const struct day_report_item *x = a, *y = b;

	if (x->qty != y->qty)
		return x->qty > y->qty ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

void
report_finish(struct day_report *r)
{
	refigure(r);
	if (r->nitems > 1)
		qsort((void *)r->items, (size_t)r->nitems, sizeof r->items[0], best_first);
}

void
report_free(struct day_report *r)
{
	free((void *)r->items);   /* built here, so ours to free */
	r->items = NULL;
	r->nitems = 0;
	free(r->by_reason);
	free(r->by_staff);
	r->by_reason = r->by_staff = NULL;
	r->nby_reason = r->nby_staff = 0;
}

static void
render_lines(struct jsonw *w, const char *key, const char *what,
    const struct day_report_line *lines, int n)
{
	jsonw_key(w, key);
	jsonw_array(w);
	for (int i = 0; i < n; i++) {
		jsonw_object(w);
		jsonw_kstr(w, "kind", correction_kind_name(lines[i].kind));
		jsonw_kstr(w, what, lines[i].what);
		jsonw_kint(w, "count", lines[i].count);
		jsonw_kint(w, "amount", lines[i].amount);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

void
report_render(const struct day_report *r, struct strbuf *out)
{
	struct jsonw w;

	jsonw_init(&w, out);
	jsonw_object(&w);
	jsonw_kstr(&w, "kind", r->final ? "Z" : "X");
	jsonw_key(&w, "z_number");
	if (r->final)
		jsonw_int(&w, r->z_number);
	else
		jsonw_null(&w);
	jsonw_kstr(&w, "business_day", r->business_day);
	jsonw_kint(&w, "from", r->from_ms);
	jsonw_kint(&w, "to", r->to_ms);
	jsonw_kint(&w, "generated_at", r->printed_ms);
	jsonw_kint(&w, "orders", r->orders);
	jsonw_kint(&w, "gross", r->gross);
	jsonw_kint(&w, "gross_tax", r->gross_tax);
	jsonw_key(&w, "corrections");
	jsonw_object(&w);
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		jsonw_key(&w, correction_kind_name((enum correction_kind)k));
		jsonw_object(&w);
		jsonw_kint(&w, "count", r->corr_count[k]);
		jsonw_kint(&w, "net", r->corr_net[k]);
		jsonw_kint(&w, "tax", r->corr_tax[k]);
		jsonw_end_object(&w);
	}
	jsonw_end_object(&w);
	render_lines(&w, "by_reason", "reason", r->by_reason, r->nby_reason);
	render_lines(&w, "by_staff", "staff", r->by_staff, r->nby_staff);
	jsonw_kint(&w, "subtotal", r->subtotal);
	jsonw_kint(&w, "tax", r->tax);
	jsonw_kint(&w, "total", r->total);
	jsonw_key(&w, "tenders");
	jsonw_array(&w);
	for (int t = 0; t < TENDER_COUNT; t++) {
		jsonw_object(&w);
		jsonw_kstr(&w, "tender", tender_name((enum tender_type)t));
		jsonw_kint(&w, "count", r->tender_count[t]);
		jsonw_kint(&w, "charged", r->tender_charged[t]);
		jsonw_kint(&w, "refund_count", r->tender_refund_count[t]);
		jsonw_kint(&w, "refunded", r->tender_refunded[t]);
		jsonw_kint(&w, "amount", r->tender_total[t]);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kint(&w, "change", r->change);
	jsonw_kint(&w, "refunded", r->refunded);
	jsonw_kint(&w, "owed_back", r->owed_back);
	jsonw_kint(&w, "balance_due", r->balance_due);
	jsonw_key(&w, "services");
	jsonw_array(&w);
	for (int v = 0; v < SERVICE_COUNT; v++) {
		jsonw_object(&w);
		jsonw_kstr(&w, "service", service_name((enum service_type)v));
		jsonw_kint(&w, "count", r->service_count[v]);
		jsonw_kint(&w, "total", r->service_total[v]);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_key(&w, "items");
	jsonw_array(&w);
	for (int i = 0; i < r->nitems; i++) {
		jsonw_object(&w);
		jsonw_kstr(&w, "sku", r->items[i].sku);
		jsonw_kstr(&w, "name", r->items[i].name);
		jsonw_kint(&w, "qty", r->items[i].qty);
		jsonw_kint(&w, "total", r->items[i].total);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kint(&w, "cancelled", r->cancelled);
	jsonw_kint(&w, "cancelled_total", r->cancelled_total);
	jsonw_end_object(&w);
}

static int
get_money(const cJSON *j, const char *key, const char *path, money_t *out,
    struct codec_error *err)
{
	return codec_get_int(j, key, path, -MONEY_MAX * 1000, MONEY_MAX * 1000, true,
	    out, NULL, err);
}

static int
get_count(const cJSON *j, const char *key, const char *path, int *out,
    struct codec_error *err)
{
	int64_t v = 0;

	if (codec_get_int(j, key, path, 0, INT32_MAX, true, &v, NULL, err) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
opt_money(const cJSON *j, const char *key, const char *path, money_t *out,
    struct codec_error *err)
{
	return codec_get_int(j, key, path, -MONEY_MAX * 1000, MONEY_MAX * 1000, false,
	    out, NULL, err);
}

static int
opt_count(const cJSON *j, const char *key, const char *path, int *out,
    struct codec_error *err)
{
	int64_t v = *out;

	if (codec_get_int(j, key, path, 0, INT32_MAX, false, &v, NULL, err) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
corrections_from_json(const cJSON *j, struct day_report *r, struct codec_error *err)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "corrections");

	if (c == NULL)
		return 0;
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(c,
		    correction_kind_name((enum correction_kind)k));

		if (e == NULL)
			continue;
		if (opt_count(e, "count", "corrections", &r->corr_count[k], err) < 0 ||
		    opt_money(e, "net", "corrections", &r->corr_net[k], err) < 0 ||
		    opt_money(e, "tax", "corrections", &r->corr_tax[k], err) < 0)
			return -1;
	}
	return 0;
}

static int
lines_from_json(const cJSON *j, const char *key, const char *what,
    struct day_report_line **lines, int *n, struct codec_error *err)
{
	static const struct codec_str_spec spec_what = { 0, REASON_MAX, false, false };
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, key), *e;

	if (!cJSON_IsArray(arr))
		return 0;
	cJSON_ArrayForEach(e, arr) {
		struct day_report_line *l;
		int kind = 0;

		*lines = xreallocarray(*lines, (size_t)*n + 1, sizeof **lines);
		l = &(*lines)[(*n)++];
		memset(l, 0, sizeof *l);
		if (codec_get_enum(e, "kind", key, correction_kind_parse, true, &kind, NULL, err) < 0 ||
		    codec_get_str(e, what, key, &spec_what, true, l->what, sizeof l->what, NULL, err) < 0 ||
		    opt_count(e, "count", key, &l->count, err) < 0 ||
		    opt_money(e, "amount", key, &l->amount, err) < 0)
			return -1;
		l->kind = (enum correction_kind)kind;
	}
	return 0;
}

int
report_from_json(const cJSON *j, struct day_report *r, struct codec_error *err)
{
	static const struct codec_str_spec spec_kind = { 1, 1, false, false };
	static const struct codec_str_spec spec_day = { 0, DAY_MAX, false, false };
	static const struct codec_str_spec spec_sku = { 0, SKU_MAX, false, false };
	static const struct codec_str_spec spec_name = { 0, NAME_MAX_, false, false };
	const cJSON *arr, *e;
	char kind[2], path[48];
	int64_t z = 0;
	struct day_report_item *items = NULL;

	memset(r, 0, sizeof *r);
	if (!cJSON_IsObject(j) ||
	    codec_get_str(j, "kind", NULL, &spec_kind, true, kind, sizeof kind, NULL, err) < 0 ||
	    codec_get_int(j, "z_number", NULL, 0, INT32_MAX, false, &z, NULL, err) < 0 ||
	    codec_get_str(j, "business_day", NULL, &spec_day, true, r->business_day,
	    sizeof r->business_day, NULL, err) < 0 ||
	    codec_get_int(j, "from", NULL, 0, INT64_MAX, true, &r->from_ms, NULL, err) < 0 ||
	    codec_get_int(j, "to", NULL, 0, INT64_MAX, true, &r->to_ms, NULL, err) < 0 ||
	    codec_get_int(j, "generated_at", NULL, 0, INT64_MAX, true, &r->printed_ms, NULL, err) < 0 ||
	    get_count(j, "orders", NULL, &r->orders, err) < 0 ||
	    get_money(j, "subtotal", NULL, &r->subtotal, err) < 0 ||
	    get_money(j, "tax", NULL, &r->tax, err) < 0 ||
	    get_money(j, "total", NULL, &r->total, err) < 0 ||
	    get_money(j, "change", NULL, &r->change, err) < 0 ||
	    get_count(j, "cancelled", NULL, &r->cancelled, err) < 0 ||
	    get_money(j, "cancelled_total", NULL, &r->cancelled_total, err) < 0) {
		if (!cJSON_IsObject(j))
			codec_error_set(err, 422, "invalid_field", "report", "report: must be an object");
		return -1;
	}
	if (kind[0] != 'X' && kind[0] != 'Z') {
		codec_error_set(err, 422, "invalid_field", "kind", "kind: X or Z");
		return -1;
	}
	r->final = kind[0] == 'Z';
	r->z_number = (int)z;
	/* figures a report of an older server does not have */
	r->gross = r->subtotal;
	r->gross_tax = r->tax;
	if (opt_money(j, "gross", NULL, &r->gross, err) < 0 ||
	    opt_money(j, "gross_tax", NULL, &r->gross_tax, err) < 0 ||
	    opt_money(j, "refunded", NULL, &r->refunded, err) < 0 ||
	    opt_money(j, "owed_back", NULL, &r->owed_back, err) < 0 ||
	    opt_money(j, "balance_due", NULL, &r->balance_due, err) < 0 ||
	    corrections_from_json(j, r, err) < 0 ||
	    lines_from_json(j, "by_reason", "reason", &r->by_reason, &r->nby_reason, err) < 0 ||
	    lines_from_json(j, "by_staff", "staff", &r->by_staff, &r->nby_staff, err) < 0) {
		report_free(r);
		return -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(j, "tenders");
	if (!cJSON_IsArray(arr))
		arr = NULL;
	cJSON_ArrayForEach(e, arr) {
		int t = -1;

		if (codec_get_enum(e, "tender", "tenders", tender_parse, true, &t, NULL, err) < 0 ||
		    get_count(e, "count", "tenders", &r->tender_count[t], err) < 0 ||
		    get_money(e, "amount", "tenders", &r->tender_total[t], err) < 0 ||
		    opt_money(e, "charged", "tenders", &r->tender_charged[t], err) < 0 ||
		    opt_money(e, "refunded", "tenders", &r->tender_refunded[t], err) < 0 ||
		    opt_count(e, "refund_count", "tenders", &r->tender_refund_count[t], err) < 0)
			return -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(j, "services");
	if (!cJSON_IsArray(arr))
		arr = NULL;
	cJSON_ArrayForEach(e, arr) {
		int v = -1;

		if (codec_get_enum(e, "service", "services", service_parse, true, &v, NULL, err) < 0 ||
		    get_count(e, "count", "services", &r->service_count[v], err) < 0 ||
		    get_money(e, "total", "services", &r->service_total[v], err) < 0)
			return -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(j, "items");
	if (!cJSON_IsArray(arr))
		arr = NULL;
	cJSON_ArrayForEach(e, arr) {
		struct day_report_item *it;

		items = xreallocarray(items, (size_t)r->nitems + 1, sizeof *items);
		it = &items[r->nitems];
		memset(it, 0, sizeof *it);
		snprintf(path, sizeof path, "items[%d]", r->nitems);
		r->items = items;
		r->nitems++;
		if (codec_get_str(e, "sku", path, &spec_sku, false, it->sku, sizeof it->sku, NULL, err) < 0 ||
		    codec_get_str(e, "name", path, &spec_name, true, it->name, sizeof it->name, NULL, err) < 0 ||
		    get_count(e, "qty", path, &it->qty, err) < 0 ||
		    get_money(e, "total", path, &it->total, err) < 0) {
			report_free(r);
			return -1;
		}
	}
	return 0;
}
