/* corrections: voids, discounts, comps and refunds on an order, as pure
 * functions on the models (like service.c): who may make them (the
 * caller's role, or a manager's approval), from which statuses, within
 * which limits, and what they do to the lines, the ledger and the
 * figures. Each one made is kept in the order's corrections with its
 * effect on the subtotal and the tax. */
#ifndef BRIGADE_CORRECTIONS_H
#define BRIGADE_CORRECTIONS_H

#include <stdbool.h>

#include "codec.h"
#include "order.h"
#include "service.h"
#include "storeinfo.h"

struct correction_line {
	int line;
	int qty;
};

/* A correction as a request asks for it (POST /orders/{id}/corrections). */
struct correction_request {
	enum correction_kind kind;
	char reason[REASON_MAX + 1];
	int nlines;                  /* void, refund: the lines and how many of
	                                each; a void of none voids the order */
	struct correction_line lines[ITEMS_MAX];
	int line;                    /* discount, comp: the line, -1: the order */
	struct discount disc;
	int nrefunds;                /* refund: the money given back, by tender */
	struct payment refunds[TENDERS_MAX];
	int expected_version;        /* -1: any */
};

/* Who stands behind a correction: the caller, or the manager who approved
 * it (role and code; approved false when none did). */
struct authority {
	enum staff_role role;
	bool approved;
	char approved_by[STAFF_MAX + 1];
};

/* Read a request body (docs/api.md, "Corrections"). */
int correction_request_from_json(const cJSON *j, struct correction_request *r,
    struct codec_error *err);

/* Apply r to o as caller c under authority a. On success o has the
 * changed lines or ledger, its new figures, the corrections appended (at
 * now, by the caller, approved_by the manager), version + 1, and a whole
 * void has made it CANCELLED. Refusals (o unchanged in meaning; the caller
 * discards it): 403 approval_required / discount_over_limit / forbidden,
 * 409 order_cancelled / order_completed / version_conflict /
 * nothing_to_refund, 422 with the field. */
int corrections_apply(const struct caller *c, const struct authority *a,
    const struct store_info *si, struct order *o,
    const struct correction_request *r, int64_t now, struct codec_error *err);

/* Discounts asked for with a new sale (the request's corrections, read by
 * the codec into o->corrections and the lines' and order's discounts):
 * checked against the authority's limit and the store's reasons, and
 * their effects worked out. */
int corrections_on_create(const struct caller *c, const struct authority *a,
    const struct store_info *si, struct order *o, int64_t now,
    struct codec_error *err);

/* A cancel of a paid order voids what is left of every line, so that the
 * reports take it off the day's sales as a void (by reason and staff). */
void corrections_void_all(const struct caller *c, const struct authority *a,
    struct order *o, const char *reason, int64_t now);

#endif
