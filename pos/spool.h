/* spool: the till's printing. Documents (receipt, kitchen ticket, X/Z
 * report) are built on the UI thread into ESC/POS bytes and put in the
 * durable print queue (drivers/printq); a thread of its own runs the queue
 * and asks the printers how they are, so a slow, missing or paperless
 * printer never holds up the line. What the printers say comes back to
 * the loop as a struct spool_status. */
#ifndef BRIGADE_POS_SPOOL_H
#define BRIGADE_POS_SPOOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "documents.h"
#include "order.h"
#include "report.h"

struct loop;

struct spool_cfg {
	char receipt_uri[256];       /* "" = no receipt printer */
	char kitchen_uri[256];       /* "" = no kitchen printer */
	char receipt_profile[64];    /* profile ids (drivers/profiles) */
	char kitchen_profile[64];
	char queue_path[PATH_MAX];   /* the print queue's SQLite file */
	struct doc_config doc;       /* shop name, footer, drawer kick */
};

enum spool_printer { SPOOL_RECEIPT, SPOOL_KITCHEN, SPOOL_PRINTERS };

struct spool_printer_status {
	bool configured;
	bool known;                  /* we have heard from it */
	bool ready;
	bool paper_out;
	char state[64];              /* "ready", "paper out", "offline"... */
	char error[256];
};

struct spool_status {
	struct spool_printer_status printer[SPOOL_PRINTERS];
	int waiting;                 /* jobs not yet printed */
	int attention;               /* jobs cut off part way: reprint or discard */
	int64_t attention_job;       /* the oldest of them */
	char attention_what[96];
};

typedef void (*spool_status_fn)(void *ctx, const struct spool_status *st);

/* NULL with a sentence in err when the queue or a profile cannot be used.
 * fn runs on the loop thread whenever something changed. */
struct spool *spool_new(struct loop *l, const struct spool_cfg *c,
    spool_status_fn fn, void *ctx, char *err, size_t errsize);
void spool_free(struct spool *s);

/* Each returns 0 when the job is safely queued, -1 (logged) when not.
 * banner is printed large above the document ("" for none): the
 * provisional number of an order the server has not numbered yet. */
int spool_receipt(struct spool *s, const struct order *o, const char *banner);
/* The same, but the drawer stays shut whatever cash the order records
 * (a sale rung again whose cash went into the drawer before and which
 * gives no change now). */
int spool_receipt_shut(struct spool *s, const struct order *o, const char *banner);
/* to_receipt: print on the receipt printer when there is no kitchen
 * printer (offline, so the kitchen still gets the order). */
int spool_kitchen(struct spool *s, const struct order *o, const char *banner,
    bool to_receipt);
/* The kitchen ticket of o as it stands now (voided lines left out),
 * printed again and marked as a copy, on the kitchen printer or else the
 * receipt printer. 1 when o has nothing left to make (nothing printed). */
int spool_kitchen_copy(struct spool *s, const struct order *o);
int spool_report(struct spool *s, const struct day_report *r);
/* The refund receipt of o's latest refund (document_refund); cash given
 * back opens the drawer when the till is set to (--drawer). */
int spool_refund(struct spool *s, const struct order *o);
/* o's receipt as it stands now (an order looked up, not a sale made
 * now): it opens no drawer and does not become the last receipt. */
int spool_receipt_again(struct spool *s, const struct order *o);
/* The last receipt again, marked as a copy. -1 when there is none. */
int spool_reprint(struct spool *s);
/* A person's choice for a job cut off part way. */
int spool_resolve(struct spool *s, int64_t job, bool reprint);
/* The menu's tax rate and currency (ISO code) for receipts. */
void spool_set_money(struct spool *s, int tax_bp, const char *currency);
/* Print the restaurant's name, address and lines (GET /api/v1/store). */
struct store_info;
void spool_set_store(struct spool *s, const struct store_info *si);
bool spool_has_receipt_printer(const struct spool *s);
bool spool_has_kitchen_printer(const struct spool *s);

#endif
