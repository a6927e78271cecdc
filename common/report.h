/* report: the end-of-day figures (X: a look since the last close; Z: the
 * close itself). The server builds one from its orders, the wire carries it
 * as JSON, and the printers print it (drivers/documents.c). */
#ifndef BRIGADE_REPORT_H
#define BRIGADE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "order.h"

struct strbuf;

struct day_report_item {
	char name[NAME_MAX_ + 1];
	int qty;
	money_t total;
	char sku[SKU_MAX + 1];
};

struct day_report {
	bool final;                         /* Z (closes the day) or X (a peek) */
	int z_number;                       /* Z only: the running count */
	char business_day[DAY_MAX + 1];     /* the day of to_ms */
	int64_t from_ms, to_ms;             /* the period: [from, to) */
	int64_t printed_ms;                 /* when it was made */
	int orders;                         /* sold: paid in the period, not cancelled */
	money_t subtotal, tax, total;
	int tender_count[TENDER_COUNT];
	money_t tender_total[TENDER_COUNT]; /* cash net of change: the drawer */
	money_t change;                     /* cash handed back */
	int service_count[SERVICE_COUNT];
	money_t service_total[SERVICE_COUNT];
	int cancelled;                      /* cancelled in the period */
	money_t cancelled_total;            /* their totals */
	int nitems;
	const struct day_report_item *items;    /* best sellers first; owned
						   (report_free) when built
						   here */
};

/* Start an empty report for [from_ms, to_ms). */
void report_init(struct day_report *r, bool final, int64_t from_ms,
    int64_t to_ms, int day_start_hour);
/* Count one order: a sale if it entered PAID within the period and is not
 * cancelled (its tenders, services and items count); a cancellation if it
 * was cancelled within the period. Orders outside both are ignored. */
void report_add(struct day_report *r, const struct order *o);
/* Sort the items best sellers first (by quantity, then takings, then name). */
void report_finish(struct day_report *r);
void report_free(struct day_report *r);

/* The report as JSON text (docs/api.md, "Reports"). */
void report_render(const struct day_report *r, struct strbuf *out);
/* Read it back (clients); items are allocated, release with report_free. */
int report_from_json(const cJSON *j, struct day_report *r,
    struct codec_error *err);

#endif
