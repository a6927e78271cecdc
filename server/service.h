/* service: the order rules the server applies, as pure functions on the
 * models: pricing from the server's own menu, payment checks, lifecycle
 * moves and edits. No I/O, so every rule is unit-tested directly. */
#ifndef BRIGADE_SERVICE_H
#define BRIGADE_SERVICE_H

#include <stdbool.h>

#include "codec.h"
#include "order.h"

/* Who is asking: resolved from the bearer token. */
struct caller {
	int64_t staff_id;
	char staff[STAFF_MAX + 1];
	enum staff_role role;
	char terminal[TERMINAL_MAX + 1];
	int64_t store_id;            /* the store of the login */
	bool org;                    /* an organisation admin's login */
};

/* Price a decoded create request in place from menu: item and kitchen
 * names, stations, each line's tax rate (its item's class), unit and line
 * prices, subtotal, tax (order_tax), total. Client prices are never read.
 * Fails 422 unknown_item / item_unavailable / unknown_modifier /
 * modifier_unavailable / modifier_required / too_many_modifiers naming the
 * field, or 422 total_too_large. */
int service_price(const struct menu *menu, struct order *o,
    struct codec_error *err);

/* 422 service_not_offered unless the restaurant offers service. */
struct store_info;
int service_offered(const struct store_info *info, enum service_type service,
    struct codec_error *err);

/* Check tenders against the total: POS and PHONE orders (and the pay action)
 * need payments covering the total; only cash may exceed it, and the excess
 * is the change. Sets paid and change. ONLINE orders are created unpaid. */
int service_check_payments(struct order *o, bool must_cover,
    struct codec_error *err);

/* Validate a create request for caller (role may create this source) and
 * set its initial status, history, staff and terminal. A sale made
 * offline carries its sale time (sold_at, read into created_at): the order
 * is created then, and received_at keeps now. */
int service_create(const struct caller *c, struct order *o, int64_t now,
    struct codec_error *err);

/* How far ahead of the server's clock a till's time may be (its estimate
 * of the server's clock is off by up to half a round trip). */
#define SERVICE_CLOCK_TOLERANCE_MS 60000
/* The times a till sends with a sale (sold_at, ticket_printed_at): not in
 * the future beyond the tolerance, and not older than the idempotency
 * retention (retention_ms; 0: no lower bound), past which a queued change
 * could have been applied twice. */
int service_check_times(const struct order *o, int64_t now, int64_t retention_ms,
    struct codec_error *err);

/* What went wrong with an action, beyond the codec_error. */
enum service_refusal {
	REFUSE_NONE,
	REFUSE_FORBIDDEN,          /* 403: never for this role */
	REFUSE_ILLEGAL,            /* 409: not from this status/service */
	REFUSE_VERSION,            /* 409: expected_version is stale */
	REFUSE_INVALID,            /* 422: bad payments etc. */
};

/* Apply action to o as caller. expected_version < 0 means "any". pay needs
 * payments (given in pay, npay); cancel takes an optional reason. On
 * success o has its new status, version + 1 and a history entry. */
enum service_refusal service_act(const struct caller *c, struct order *o,
    enum order_action action, int expected_version,
    const struct payment *pay, int npay, const char *reason, int64_t now,
    struct codec_error *err);

/* Whether caller may see/touch this order at all (customers: only their
 * own; staff: all). */
bool service_may_see(const struct caller *c, const struct order *o);

/* Apply a PATCH (fields in mask from patch) while PENDING or PAID; fails
 * 409 order_locked after that. The link target is checked by the caller
 * (it needs the store). */
int service_patch(const struct caller *c, struct order *o,
    const struct order *patch, unsigned mask, int64_t now,
    struct codec_error *err);

/* Render the 409 body for an illegal transition: the message names the
 * actions allowed now for this role. */
void service_illegal_message(const struct caller *c, const struct order *o,
    enum order_action action, struct codec_error *err, char *allowed_csv,
    size_t size);

#endif
