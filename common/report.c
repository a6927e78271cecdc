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

void
report_add(struct day_report *r, const struct order *o)
{
	if (o->status == STATUS_CANCELLED) {
		if (in_period(r, order_status_at(o, STATUS_CANCELLED))) {
			r->cancelled++;
			r->cancelled_total += o->total;
		}
		return;
	}
	int64_t at = paid_at(o);

	/* a sale counts by when it was sold; one that reached the server
	 * after the period it was sold in was closed (an offline till) was
	 * not in that close, and counts in the period it arrived in */
	if (at != 0 && at < r->from_ms && o->received_at >= r->from_ms)
		at = o->received_at;
	if (!in_period(r, at))
		return;
	r->orders++;
	r->subtotal += o->subtotal;
	r->tax += o->tax;
	r->total += o->total;
	for (int i = 0; i < o->npayments; i++) {
		const struct payment *p = &o->payments[i];

		r->tender_count[p->tender]++;
		r->tender_total[p->tender] += p->amount;
	}
	/* the drawer keeps the cash minus the change handed back */
	r->tender_total[TENDER_CASH] -= o->change;
	r->change += o->change;
	r->service_count[o->service]++;
	r->service_total[o->service] += o->total;
	for (int i = 0; i < o->nitems; i++) {
		struct day_report_item *slot = item_slot(r, &o->items[i]);

		slot->qty += o->items[i].qty;
		slot->total += o->items[i].line_total;
	}
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
	if (r->nitems > 1)
		qsort((void *)r->items, (size_t)r->nitems, sizeof r->items[0], best_first);
}

void
report_free(struct day_report *r)
{
	free((void *)r->items);   /* built here, so ours to free */
	r->items = NULL;
	r->nitems = 0;
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
	jsonw_kint(&w, "subtotal", r->subtotal);
	jsonw_kint(&w, "tax", r->tax);
	jsonw_kint(&w, "total", r->total);
	jsonw_key(&w, "tenders");
	jsonw_array(&w);
	for (int t = 0; t < TENDER_COUNT; t++) {
		jsonw_object(&w);
		jsonw_kstr(&w, "tender", tender_name((enum tender_type)t));
		jsonw_kint(&w, "count", r->tender_count[t]);
		jsonw_kint(&w, "amount", r->tender_total[t]);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kint(&w, "change", r->change);
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
	arr = cJSON_GetObjectItemCaseSensitive(j, "tenders");
	if (!cJSON_IsArray(arr))
		arr = NULL;
	cJSON_ArrayForEach(e, arr) {
		int t = -1;

		if (codec_get_enum(e, "tender", "tenders", tender_parse, true, &t, NULL, err) < 0 ||
		    get_count(e, "count", "tenders", &r->tender_count[t], err) < 0 ||
		    get_money(e, "amount", "tenders", &r->tender_total[t], err) < 0)
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
