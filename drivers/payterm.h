/* payterm: card payment terminals behind one small vtable. A driver takes
 * a sale or a refund, runs it without ever blocking its caller (on a
 * thread of its own, or by waiting for the cashier), and tells how it
 * goes through its status: present card, processing, needs input,
 * then approved (with the terminal's approval code), declined, timed
 * out, cancelled or failed. The till polls the status and is woken by
 * the driver's wake callback when it changes.
 *
 * Drivers: "external" (payterm_external.c: a standalone terminal whose
 * approval code the cashier types in) is built in; "module:PATH[,ARG]"
 * loads a shared object that exports `payterm_driver`, a struct
 * payterm_ops, so an integrated terminal or a gateway can be added
 * without rebuilding the till (tests/payterm/ holds one for the tests).
 *
 *   p = payterm_open("external", wake, ctx, err, sizeof err);
 *   payterm_sale(p, 1134, "till1-7", NULL, err, sizeof err);
 *   ...each wake, and now and then:
 *   payterm_status(p, &st);     (st.state APPROVED: st.approval, st.card)
 *
 * An APPROVED status always carries an approval code that passed
 * payterm_check_approval: payterm_status turns a driver's approval
 * without one into FAILED, so no one is told "approved" on a guess. */
#ifndef BRIGADE_PAYTERM_H
#define BRIGADE_PAYTERM_H

#include <stdbool.h>
#include <stddef.h>

#include "money.h"
#include "order.h"

/* The version of struct payterm_ops a module is built against. */
#define PAYTERM_ABI 1

#define PAYTERM_FIELDS_MAX 4
#define PAYTERM_VALUE_MAX 32         /* bytes of one typed value, with its NUL */
#define PAYTERM_MESSAGE_MAX 160
#define PAYTERM_REF_MAX 48
#define PAYTERM_APPROVAL_MIN 2       /* an approval code: 2 to 12 letters and digits */
#define PAYTERM_APPROVAL_LEN 12

enum payterm_state {
	PAYTERM_IDLE,                /* nothing asked yet */
	PAYTERM_PRESENT_CARD,        /* the terminal waits for the card */
	PAYTERM_PROCESSING,          /* the card is in; the bank is asked */
	PAYTERM_NEEDS_INPUT,         /* the cashier types what fields ask for */
	PAYTERM_APPROVED,            /* approval, card: the terminal's */
	PAYTERM_DECLINED,            /* message: the terminal's reason */
	PAYTERM_TIMED_OUT,
	PAYTERM_CANCELLED,           /* at the terminal, or at the till's asking */
	PAYTERM_FAILED,              /* the device or the link failed */
	PAYTERM_STATE_COUNT
};

enum payterm_field_kind {
	PAYTERM_FIELD_APPROVAL,      /* the code a terminal approved with */
	PAYTERM_FIELD_LAST4,         /* the card's last four digits */
	PAYTERM_FIELD_BRAND,         /* one of the brands of domain.h; "" unknown */
	PAYTERM_FIELD_TEXT,          /* anything else a driver asks for */
};

/* One thing a driver in NEEDS_INPUT asks the cashier for. */
struct payterm_field {
	enum payterm_field_kind kind;
	char label[32];              /* "Approval code" */
	bool required;
	char value[PAYTERM_VALUE_MAX];   /* known already (a swiped card's last 4) */
};

struct payterm_status {
	enum payterm_state state;
	enum payment_kind kind;      /* a sale's charge or a refund */
	money_t amount;
	char message[PAYTERM_MESSAGE_MAX];  /* the prompt, the decline reason, the
	                                       error: for the person at the till */
	char approval[APPROVAL_MAX + 1];    /* APPROVED */
	struct card_info card;       /* APPROVED: brand and last 4 (may be "") */
	int nfields;                 /* NEEDS_INPUT */
	struct payterm_field fields[PAYTERM_FIELDS_MAX];
	unsigned seq;                /* rises with every change */
};

/* What the cashier typed, one value per field asked for, in order. */
struct payterm_input {
	int n;
	char values[PAYTERM_FIELDS_MAX][PAYTERM_VALUE_MAX];
};

/* Called by a driver, from any thread, when its status changed. */
typedef void (*payterm_wake_fn)(void *ctx);

/* A driver. Every function returns at once; none may wait on the device
 * or the network. sale and refund start an operation (one at a time:
 * -1 while one runs); its outcome shows in status. */
struct payterm_ops {
	int abi;                     /* PAYTERM_ABI */
	const char *name;            /* "external" */
	/* arg: what follows the driver's name in the spec ("" for none) */
	void *(*open)(const char *arg, payterm_wake_fn wake, void *ctx, char *err,
	    size_t errsize);
	void (*close)(void *dev);
	/* swiped: the card a reader saw for this sale, or NULL (a hint: a
	 * driver never approves on it) */
	int (*sale)(void *dev, money_t amount, const char *ref, const struct card_info *swiped,
	    char *err, size_t errsize);
	/* approval, card: the sale's being refunded */
	int (*refund)(void *dev, money_t amount, const char *ref, const char *approval,
	    const struct card_info *card, char *err, size_t errsize);
	/* Ask to stop the operation: 0 asked (the status says when it is
	 * cancelled), -1 with a reason when it is too late. */
	int (*cancel)(void *dev, char *err, size_t errsize);
	void (*status)(void *dev, struct payterm_status *out);
	/* NEEDS_INPUT: the values typed. -1 with the field refused (*bad)
	 * and why; NULL for a driver that never asks. */
	int (*input)(void *dev, const struct payterm_input *in, int *bad, char *err,
	    size_t errsize);
};

struct payterm;

/* spec: "external" or "module:PATH[,ARG]". NULL with a sentence in err. */
struct payterm *payterm_open(const char *spec, payterm_wake_fn wake, void *ctx,
    char *err, size_t errsize);
void payterm_close(struct payterm *p);
const char *payterm_name(const struct payterm *p);

int payterm_sale(struct payterm *p, money_t amount, const char *ref,
    const struct card_info *swiped, char *err, size_t errsize);
int payterm_refund(struct payterm *p, money_t amount, const char *ref, const char *approval,
    const struct card_info *card, char *err, size_t errsize);
int payterm_cancel(struct payterm *p, char *err, size_t errsize);
/* The driver's status, checked: an approval whose code is not one
 * becomes FAILED, a brand outside the list "CARD", last 4 that are not
 * four digits "". */
void payterm_status(struct payterm *p, struct payterm_status *out);
int payterm_input(struct payterm *p, const struct payterm_input *in, int *bad,
    char *err, size_t errsize);

/* Whether an operation in state s is over. */
bool payterm_final(enum payterm_state s);
const char *payterm_state_name(enum payterm_state s);

/* The checks of what a terminal or a cashier gives (0, or -1 and why).
 * An approval code is 2 to 12 letters and digits and never a card
 * number; last 4 are four digits; a brand is one of the list (any case;
 * "" is unknown), written upper case into out (BRAND_MAX + 1 bytes). */
int payterm_check_approval(const char *s, char *why, size_t whysize);
int payterm_check_last4(const char *s, char *why, size_t whysize);
int payterm_check_brand(const char *s, char *out, char *why, size_t whysize);

/* The built-in drivers. */
extern const struct payterm_ops payterm_external;

#endif
