/* dispatch: the waiter's hand-over board as a pure model. Open orders are
 * grouped: READY by service type (dine-in to serve, pickup to hand over,
 * delivery to send out), OUT_FOR_DELIVERY (to mark delivered) and online
 * orders still PENDING (to be paid at pickup). Each row carries the one
 * action the lifecycle table allows the role on it, so a single key does
 * the right thing. Selection follows the order, not the row, when the
 * board is rebuilt from new events. */
#ifndef BRIGADE_POS_DISPATCH_H
#define BRIGADE_POS_DISPATCH_H

#include <stdint.h>

#include "order.h"

enum dispatch_group {
	DISPATCH_READY_DINE_IN,
	DISPATCH_READY_PICKUP,
	DISPATCH_READY_DELIVERY,
	DISPATCH_OUT,                /* OUT_FOR_DELIVERY */
	DISPATCH_PENDING,            /* online orders waiting for payment */
	DISPATCH_GROUP_COUNT
};

const char *dispatch_group_title(enum dispatch_group g);

struct dispatch_row {
	int64_t id;
	int number;
	int version;
	enum dispatch_group group;
	enum order_status status;
	enum service_type service;
	int64_t since;               /* entered its status, server ms (0 unknown) */
	int action;                  /* enum order_action a key performs, -1 none */
	char who[NAME_MAX_ + TABLE_MAX + 16]; /* "table T4 Zoe", the customer's name */
	char phone[PHONE_MAX + 1];   /* DELIVERY: where the driver goes */
	char address[ADDRESS_MAX + 1];
	int nitems;                  /* units on the order */
	money_t total;
};

struct dispatch {
	struct dispatch_row *rows;
	int nrows, cap;
	int sel;                     /* selected row, -1 when empty */
	int64_t sel_id;              /* the order selected, kept across rebuilds */
	int counts[DISPATCH_GROUP_COUNT];
};

void dispatch_init(struct dispatch *d);
void dispatch_free(struct dispatch *d);
/* Rebuild the rows from the open orders; role decides the actions. */
void dispatch_build(struct dispatch *d, const struct order *const *orders, int n,
    enum staff_role role);
void dispatch_move(struct dispatch *d, int delta);
/* The selected row, NULL when the board is empty. */
const struct dispatch_row *dispatch_selected(const struct dispatch *d);
/* The action a row's key performs, for the key bar ("serve", "pickup"...). */
const char *dispatch_action_label(const struct dispatch_row *r);

#endif
