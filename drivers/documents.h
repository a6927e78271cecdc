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
#include "report.h"

#define DOC_LINES 12

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

/* The menu's tax rate (basis points) and currency (ISO 4217 code) into c:
 * the sign printed before amounts ("USD" -> "$", "EUR" -> "€", a code
 * without a sign we know as "CHF "). Every program that prints a receipt
 * builds its doc_config this way, so one order prints one receipt. */
void doc_config_money(struct doc_config *c, int tax_bp, const char *currency);

/* The restaurant's details (GET /api/v1/store) over base (the terminal's
 * own settings) into c: its name, its address, phone and tax number then
 * its receipt header lines as the header, its footer lines (when it has
 * any) as the footer. What the restaurant leaves empty stays base's.
 * Money, QR, logo and drawer settings in c are left as they are. */
struct store_info;
void doc_config_store(struct doc_config *c, const struct doc_config *base,
    const struct store_info *si);

/* Every document wraps what does not fit on a line (at the size it is
 * printed at) in full, by words where it can: a note, a name, an address
 * is never cut, and no line is wider than the profile's paper, so no
 * printer wraps one on its own. */

/* The customer receipt: each line as it was sold, then what was voided
 * and refunded of it and its discount; the charges and the refunds of the
 * ledger and the change. Returns 0 (a bad logo file is logged and left
 * out: the receipt still prints). */
int document_receipt(struct escpos *e, const struct order *o,
    const struct doc_config *c);

/* The refund receipt of the order's latest refund: REFUND large, the
 * lines taken back, the money by tender (card last 4, approval code), the
 * reason, who gave it and who approved it; the drawer opens for cash when
 * c says so. Returns -1, emitting nothing, when the order has none. */
int document_refund(struct escpos *e, const struct order *o,
    const struct doc_config *c);

/* what (a line in inverse) and banner large above a document, when banner
 * is not empty: the provisional number of an order printed offline. */
void document_banner(struct escpos *e, const char *what, const char *banner);

/* The printer test page: styles, accents and currency signs, a barcode in
 * an encoding the model has, a QR code, the cut. */
int document_test(struct escpos *e, const struct doc_config *c);

/* The kitchen ticket for one station ("" or NULL: every item), printed at
 * now_ms: what is left to make of each line (its quantity less what was
 * voided; a line voided whole is left out). Returns -1, emitting nothing,
 * when the station has nothing left to make. */
int document_kitchen(struct escpos *e, const struct order *o,
    const char *station, int64_t now_ms);
/* The same under the restaurant's name (c's; NULL or "" for none). */
int document_kitchen_of(struct escpos *e, const struct order *o,
    const char *station, int64_t now_ms, const struct doc_config *c);

/* The void ticket for the kitchen: VOID large, the order's number and
 * service, the lines voided (corr: n indices into o->corrections, voids
 * of lines) with their quantities, the reason, who voided and who
 * approved it, when, and whether the order is cancelled now (nothing of
 * it to make). Printed at now_ms. Returns -1, emitting nothing, when
 * there is no void of a line among them. */
int document_void_ticket(struct escpos *e, const struct order *o, const int *corr, int n,
    int64_t now_ms);

/* One label per unit ("2 x Burger" is two labels, 1/3 and 2/3 of 3;
 * units voided or refunded get none).
 * Returns the count of labels, -1 for an order without items. */
int document_labels(struct escpos *e, const struct order *o);

/* The X or Z report (struct day_report, common/report.h). */
int document_report(struct escpos *e, const struct day_report *r,
    const struct doc_config *c);

#endif
