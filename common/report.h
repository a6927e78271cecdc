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

/* Corrections in the period by (kind, reason) or by (kind, staff): how
 * many, and the money they took off (a refund: the money given back). */
struct day_report_line {
	enum correction_kind kind;
	char what[REASON_MAX + 1];          /* the reason, or the staff code */
	int count;
	money_t amount;
};

struct day_report {
	bool final;                         /* Z (closes the day) or X (a peek) */
	int z_number;                       /* Z only: the running count */
	char business_day[DAY_MAX + 1];     /* the day of to_ms */
	int64_t from_ms, to_ms;             /* the period: [from, to) */
	int64_t printed_ms;                 /* when it was made */
	int orders;                         /* sold: paid in the period, not cancelled */
	money_t gross, gross_tax;           /* the sales as rung up */
	int corr_count[CORRECTION_KIND_COUNT];   /* corrections made in the period */
	money_t corr_net[CORRECTION_KIND_COUNT]; /* their effect before tax (<= 0) */
	money_t corr_tax[CORRECTION_KIND_COUNT]; /* and on the tax */
	money_t subtotal, tax, total;       /* net: gross plus the corrections */
	int tender_count[TENDER_COUNT];     /* charges */
	money_t tender_charged[TENDER_COUNT];
	int tender_refund_count[TENDER_COUNT];
	money_t tender_refunded[TENDER_COUNT];
	money_t tender_total[TENDER_COUNT]; /* net: charged less refunds, and
	                                       cash less change: the drawer */
	money_t change;                     /* cash handed back at sales */
	money_t refunded;                   /* money given back by refunds */
	money_t owed_back;                  /* orders of the period that owe
	                                       money back (a void or discount
	                                       after payment, not yet refunded) */
	money_t balance_due;                /* and that are still owed money */
	int nby_reason, nby_staff;
	struct day_report_line *by_reason;
	struct day_report_line *by_staff;
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
/* Count one order: its sale if it entered PAID within the period (gross
 * as rung up; services and items when not cancelled), each of its
 * corrections and ledger entries made within the period (one made before
 * the sale counts with it), a cancellation if it was cancelled within the
 * period, and what it still owes or is owed when any of that is in the
 * period. Unpaid orders count only as cancellations. */
void report_add(struct day_report *r, const struct order *o);
/* Work out the net figures and sort the items best sellers first (by
 * quantity, then takings, then name). */
void report_finish(struct day_report *r);
void report_free(struct day_report *r);

/* The report as JSON text (docs/api.md, "Reports"). */
void report_render(const struct day_report *r, struct strbuf *out);
/* Read it back (clients); items are allocated, release with report_free. */
int report_from_json(const cJSON *j, struct day_report *r,
    struct codec_error *err);

#endif
