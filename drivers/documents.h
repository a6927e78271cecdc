/* documents: what Brigade prints, built from the order model into ESC/POS
 * for one printer profile: the customer receipt, the kitchen ticket, the
 * item labels for takeaway bags and the X and Z end-of-day reports. Each
 * appends to an encoder begun by the caller, so several documents can go
 * out as one job. */
#ifndef BRIGADE_DOCUMENTS_H
#define BRIGADE_DOCUMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "escpos.h"
#include "order.h"

#define DOC_LINES 4

/* The shop's own words and choices (from its config file). */
struct doc_config {
	char name[64];                  /* printed large at the top */
	char header[DOC_LINES][64];     /* address, phone, tax number */
	char footer[DOC_LINES][64];     /* "Thank you!" */
	char currency[8];               /* before amounts: "€", "$" or "" */
	char qr_url[160];               /* receipt QR; "{number}" and "{id}"
	                                   are replaced; empty for none */
	char logo[256];                 /* PNG printed above the name, or "" */
	int tax_rate_bp;                /* shown beside the tax line */
	bool kick_drawer;               /* open the drawer on a cash receipt */
};

void doc_config_init(struct doc_config *c);

/* The customer receipt. Returns 0 (a bad logo file is logged and left
 * out: the receipt still prints). */
int document_receipt(struct escpos *e, const struct order *o,
    const struct doc_config *c);

/* The kitchen ticket for one station ("" or NULL: every item), printed at
 * now_ms. Returns -1, emitting nothing, when the station has no items. */
int document_kitchen(struct escpos *e, const struct order *o,
    const char *station, int64_t now_ms);

/* One label per unit ("2 x Burger" is two labels, 1/3 and 2/3 of 3).
 * Returns the count of labels, -1 for an order without items. */
int document_labels(struct escpos *e, const struct order *o);

/* The end-of-day figures the server's report fills in. */
struct day_report_item {
	char name[NAME_MAX_ + 1];
	int qty;
	money_t total;
};

struct day_report {
	bool final;                         /* Z (closes the day) or X (a peek) */
	int z_number;                       /* Z only: the running count */
	char business_day[DAY_MAX + 1];
	int64_t from_ms, to_ms;             /* first and last order */
	int64_t printed_ms;
	int orders;                         /* not counting cancelled */
	money_t subtotal, tax, total;
	int tender_count[TENDER_COUNT];
	money_t tender_total[TENDER_COUNT];
	int service_count[SERVICE_COUNT];
	money_t service_total[SERVICE_COUNT];
	int cancelled;
	money_t cancelled_total;
	int nitems;
	const struct day_report_item *items;    /* best sellers first */
};

int document_report(struct escpos *e, const struct day_report *r,
    const struct doc_config *c);

#endif
