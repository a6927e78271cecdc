/* domain: the restaurant's vocabulary (statuses, actions, services, sources,
 * roles, tenders, card brands) and the one lifecycle table that says how an order moves. */
#ifndef BRIGADE_DOMAIN_H
#define BRIGADE_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

enum order_status {
	STATUS_PENDING,
	STATUS_PAID,
	STATUS_PREPARING,
	STATUS_READY,
	STATUS_OUT_FOR_DELIVERY,
	STATUS_COMPLETED,
	STATUS_CANCELLED,
	STATUS_COUNT
};

enum order_action {
	ACTION_PAY,
	ACTION_START,
	ACTION_READY,
	ACTION_RECALL,
	ACTION_SERVE,
	ACTION_PICKUP,
	ACTION_DISPATCH,
	ACTION_DELIVER,
	ACTION_CANCEL,
	ACTION_COUNT
};

enum service_type {
	SERVICE_DINE_IN,
	SERVICE_PICKUP,
	SERVICE_DELIVERY,
	SERVICE_COUNT
};

enum order_source {
	SOURCE_ONLINE,
	SOURCE_POS,
	SOURCE_PHONE,
	SOURCE_COUNT
};

enum staff_role {
	ROLE_CUSTOMER,
	ROLE_CASHIER,
	ROLE_WAITER,
	ROLE_CHEF,
	ROLE_MANAGER,
	ROLE_ADMIN,
	ROLE_COUNT
};

enum tender_type {
	TENDER_CASH,
	TENDER_CARD,
	TENDER_COUNT
};

/* The card brands a payment may name: what the card reader
 * (drivers/swipe.c) can tell from a card number, and CARD when it cannot.
 * A closed list, so a brand field can never carry anything else. */
enum card_brand {
	CARD_BRAND_CARD,
	CARD_BRAND_VISA,
	CARD_BRAND_MASTERCARD,
	CARD_BRAND_AMEX,
	CARD_BRAND_DISCOVER,
	CARD_BRAND_JCB,
	CARD_BRAND_DINERS,
	CARD_BRAND_UNIONPAY,
	CARD_BRAND_MAESTRO,
	CARD_BRAND_COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define STATUS_BIT(s) (1u << (s))
#define SERVICE_BIT(s) (1u << (s))
#define SERVICE_ANY ((1u << SERVICE_COUNT) - 1)

/* Wire names ("PAID", "start", "DINE_IN", ...) and their inverses; the parse
 * functions return -1 for a name that is not in the vocabulary. */
const char *status_name(enum order_status s);
const char *action_name(enum order_action a);
const char *service_name(enum service_type s);
const char *source_name(enum order_source s);
const char *role_name(enum staff_role r);
const char *tender_name(enum tender_type t);
const char *card_brand_name(enum card_brand b);
int status_parse(const char *name);
int action_parse(const char *name);
int service_parse(const char *name);
int source_parse(const char *name);
int role_parse(const char *name);
int tender_parse(const char *name);
int card_brand_parse(const char *name);

/* Whether an order in this status is still open (not COMPLETED/CANCELLED). */
bool status_is_open(enum order_status s);

/* One row of the lifecycle table. */
struct lifecycle_rule {
	enum order_action action;
	unsigned from;          /* STATUS_BIT set the action applies to */
	enum order_status to;
	unsigned services;      /* SERVICE_BIT set, SERVICE_ANY for all */
	unsigned roles;         /* ROLE_BIT set allowed to perform it */
	unsigned owner_roles;   /* roles allowed only on their own order, and
	                           only from owner_from */
	unsigned owner_from;
};

enum lifecycle_verdict {
	LIFECYCLE_OK,
	LIFECYCLE_FORBIDDEN,    /* the role may never perform this action */
	LIFECYCLE_ILLEGAL,      /* not from this status / for this service */
};

const struct lifecycle_rule *lifecycle_rule(enum order_action a);

/* Decide whether role may perform action on an order with this status and
 * service; is_owner says whether the order was created by the caller. When
 * the verdict is OK, *to receives the new status. Role is checked first:
 * a role that can never perform the action is FORBIDDEN whatever the status. */
enum lifecycle_verdict lifecycle_check(enum order_action a, enum staff_role role,
    bool is_owner, enum order_status from, enum service_type service,
    enum order_status *to);

/* Bit set (1 << action) of the actions role may perform now. */
unsigned lifecycle_allowed(enum staff_role role, bool is_owner,
    enum order_status from, enum service_type service);

/* Bit set of actions the status/service allows for anyone (for 409 bodies). */
unsigned lifecycle_possible(enum order_status from, enum service_type service);

/* Which statuses an order may be created in for a source, and which roles
 * may create it: ONLINE -> PENDING (CUSTOMER, MANAGER, ADMIN), POS/PHONE ->
 * PAID (CASHIER, WAITER, MANAGER, ADMIN). */
enum order_status lifecycle_initial_status(enum order_source src);
bool lifecycle_may_create(enum staff_role role, enum order_source src);

/* Whether service type, table, customer and link may still change. */
bool lifecycle_editable(enum order_status s);

#endif
