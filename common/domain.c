/* domain: the restaurant's vocabulary and the order lifecycle table. */
#include "domain.h"

#include <string.h>

static const char *const status_names[STATUS_COUNT] = {
	"PENDING", "PAID", "PREPARING", "READY", "OUT_FOR_DELIVERY",
	"COMPLETED", "CANCELLED",
};
static const char *const action_names[ACTION_COUNT] = {
	"pay", "start", "ready", "recall", "serve", "pickup", "dispatch",
	"deliver", "cancel",
};
static const char *const service_names[SERVICE_COUNT] = {
	"DINE_IN", "PICKUP", "DELIVERY",
};
static const char *const source_names[SOURCE_COUNT] = {
	"ONLINE", "POS", "PHONE",
};
static const char *const role_names[ROLE_COUNT] = {
	"CUSTOMER", "CASHIER", "WAITER", "CHEF", "MANAGER", "ADMIN",
};
static const char *const tender_names[TENDER_COUNT] = {
	"CASH", "CARD",
};
static const char *const card_brand_names[CARD_BRAND_COUNT] = {
	"CARD", "VISA", "MASTERCARD", "AMEX", "DISCOVER", "JCB", "DINERS",
	"UNIONPAY", "MAESTRO",
};

#define FLOOR (ROLE_BIT(ROLE_WAITER) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))
#define KITCHEN (ROLE_BIT(ROLE_CHEF) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))
#define TILL (ROLE_BIT(ROLE_CASHIER) | FLOOR)
#define BOSS (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* The lifecycle table (docs/api.md shows the same table). Indexed by action. */
static const struct lifecycle_rule lifecycle_table[ACTION_COUNT] = {
	{ ACTION_PAY, STATUS_BIT(STATUS_PENDING), STATUS_PAID, SERVICE_ANY, TILL, 0, 0 },
	{ ACTION_START, STATUS_BIT(STATUS_PAID), STATUS_PREPARING, SERVICE_ANY, KITCHEN, 0, 0 },
	{ ACTION_READY, STATUS_BIT(STATUS_PREPARING), STATUS_READY, SERVICE_ANY, KITCHEN, 0, 0 },
	{ ACTION_RECALL, STATUS_BIT(STATUS_READY), STATUS_PREPARING, SERVICE_ANY, KITCHEN, 0, 0 },
	{ ACTION_SERVE, STATUS_BIT(STATUS_READY), STATUS_COMPLETED,
	    SERVICE_BIT(SERVICE_DINE_IN), FLOOR, 0, 0 },
	{ ACTION_PICKUP, STATUS_BIT(STATUS_READY), STATUS_COMPLETED,
	    SERVICE_BIT(SERVICE_PICKUP), FLOOR, 0, 0 },
	{ ACTION_DISPATCH, STATUS_BIT(STATUS_READY), STATUS_OUT_FOR_DELIVERY,
	    SERVICE_BIT(SERVICE_DELIVERY), FLOOR, 0, 0 },
	{ ACTION_DELIVER, STATUS_BIT(STATUS_OUT_FOR_DELIVERY), STATUS_COMPLETED,
	    SERVICE_BIT(SERVICE_DELIVERY), FLOOR, 0, 0 },
	{ ACTION_CANCEL, STATUS_BIT(STATUS_PENDING) | STATUS_BIT(STATUS_PAID),
	    STATUS_CANCELLED, SERVICE_ANY, BOSS,
	    ROLE_BIT(ROLE_CUSTOMER), STATUS_BIT(STATUS_PENDING) },
};

static int
name_lookup(const char *const *names, int n, const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	return -1;
}

static const char *
name_of(const char *const *names, int n, int v)
{
	return v >= 0 && v < n ? names[v] : "?";
}

const char *status_name(enum order_status s) { return name_of(status_names, STATUS_COUNT, (int)s); }
const char *action_name(enum order_action a) { return name_of(action_names, ACTION_COUNT, (int)a); }
const char *service_name(enum service_type s) { return name_of(service_names, SERVICE_COUNT, (int)s); }
const char *source_name(enum order_source s) { return name_of(source_names, SOURCE_COUNT, (int)s); }
const char *role_name(enum staff_role r) { return name_of(role_names, ROLE_COUNT, (int)r); }
const char *tender_name(enum tender_type t) { return name_of(tender_names, TENDER_COUNT, (int)t); }
int status_parse(const char *n) { return name_lookup(status_names, STATUS_COUNT, n); }
int action_parse(const char *n) { return name_lookup(action_names, ACTION_COUNT, n); }
int service_parse(const char *n) { return name_lookup(service_names, SERVICE_COUNT, n); }
int source_parse(const char *n) { return name_lookup(source_names, SOURCE_COUNT, n); }
int role_parse(const char *n) { return name_lookup(role_names, ROLE_COUNT, n); }
int tender_parse(const char *n) { return name_lookup(tender_names, TENDER_COUNT, n); }
const char *card_brand_name(enum card_brand b) { return name_of(card_brand_names, CARD_BRAND_COUNT, (int)b); }
int card_brand_parse(const char *n) { return name_lookup(card_brand_names, CARD_BRAND_COUNT, n); }

bool
status_is_open(enum order_status s)
{
	return s != STATUS_COMPLETED && s != STATUS_CANCELLED;
}

const struct lifecycle_rule *
lifecycle_rule(enum order_action a)
{
	if ((int)a < 0 || a >= ACTION_COUNT)
		return NULL;
	return &lifecycle_table[a];
}

enum lifecycle_verdict
lifecycle_check(enum order_action a, enum staff_role role, bool is_owner,
    enum order_status from, enum service_type service, enum order_status *to)
{
	const struct lifecycle_rule *r = lifecycle_rule(a);
	unsigned from_bits;

	if (r == NULL)
		return LIFECYCLE_ILLEGAL;
	if (r->roles & ROLE_BIT(role)) {
		from_bits = r->from;
	} else if ((r->owner_roles & ROLE_BIT(role)) && is_owner) {
		from_bits = r->owner_from;
		/* An owner outside owner_from is refused as illegal only if
		 * staff could do it; otherwise it is simply not theirs to do. */
		if (!(from_bits & STATUS_BIT(from)))
			return (r->from & STATUS_BIT(from)) ?
			    LIFECYCLE_FORBIDDEN : LIFECYCLE_ILLEGAL;
	} else {
		return LIFECYCLE_FORBIDDEN;
	}
	if (!(from_bits & STATUS_BIT(from)) || !(r->services & SERVICE_BIT(service)))
		return LIFECYCLE_ILLEGAL;
	if (to != NULL)
		*to = r->to;
	return LIFECYCLE_OK;
}

unsigned
lifecycle_allowed(enum staff_role role, bool is_owner, enum order_status from,
    enum service_type service)
{
	unsigned bits = 0;

	for (int a = 0; a < ACTION_COUNT; a++) {
		if (lifecycle_check((enum order_action)a, role, is_owner, from,
		    service, NULL) == LIFECYCLE_OK)
			bits |= 1u << a;
	}
	return bits;
}

unsigned
lifecycle_possible(enum order_status from, enum service_type service)
{
	unsigned bits = 0;

	for (int a = 0; a < ACTION_COUNT; a++) {
		const struct lifecycle_rule *r = &lifecycle_table[a];

		if ((r->from & STATUS_BIT(from)) && (r->services & SERVICE_BIT(service)))
			bits |= 1u << a;
	}
	return bits;
}

enum order_status
lifecycle_initial_status(enum order_source src)
{
	return src == SOURCE_ONLINE ? STATUS_PENDING : STATUS_PAID;
}

bool
lifecycle_may_create(enum staff_role role, enum order_source src)
{
	if (src == SOURCE_ONLINE)
		return ((ROLE_BIT(ROLE_CUSTOMER) | BOSS) & ROLE_BIT(role)) != 0;
	return (TILL & ROLE_BIT(role)) != 0;
}

bool
lifecycle_editable(enum order_status s)
{
	return s == STATUS_PENDING || s == STATUS_PAID;
}
