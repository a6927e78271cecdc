/* payterm_test: a make-believe integrated card terminal, loaded by the
 * till as --payment-terminal module:/path/libpayterm_test.so[,delay=MS],
 * so that every path of a card payment is tested through the real till.
 * It runs on a thread of its own, like a driver that talks to a device,
 * and wakes the till at each change. What happens depends on the cents
 * of the amount:
 *
 *   .01  present card, processing, DECLINED "Insufficient funds"
 *   .02  present card, TIMED OUT
 *   .03  present card, processing, FAILED (a device error)
 *   .04  present card, CANCELLED at the terminal
 *   .05  present card until the till cancels (or a minute passes)
 *   .06  present card, processing, "approved" with no approval code (a
 *        broken driver: the till must not say approved)
 *   else present card, processing, APPROVED with the code T<cents>
 *        (a refund R<cents>), VISA ****4242 or the swiped card
 *
 * Each step takes delay ms (default 300). A cancel is taken while the
 * card is awaited and refused once it is processing. Not installed. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "payterm.h"

#define TEST_WAIT_FOREVER_MS 60000

struct testterm {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	payterm_wake_fn wake;
	void *ctx;
	int delay_ms;
	bool quit;
	bool start;                  /* an operation waits for the thread */
	bool cancel;                 /* the till asked to cancel */
	struct card_info swiped;
	struct payterm_status st;
};

/* Under the lock: a new state, then the till is woken (outside it). */
static void
set_state(struct testterm *t, enum payterm_state s, const char *message)
{
	t->st.state = s;
	t->st.seq++;
	snprintf(t->st.message, sizeof t->st.message, "%s", message);
}

static void
wake(struct testterm *t)
{
	if (t->wake != NULL)
		t->wake(t->ctx);
}

/* Under the lock: wait ms, or less when told to quit or cancel. Returns
 * false when the wait was cut short. */
static bool
nap(struct testterm *t, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!t->quit && !t->cancel) {
		if (pthread_cond_timedwait(&t->cond, &t->lock, &until) == ETIMEDOUT)
			return true;
	}
	return false;
}

/* Under the lock: one operation, step by step. */
static void
run(struct testterm *t)
{
	int cents = (int)(t->st.amount % 100);
	int wait = cents == 5 ? TEST_WAIT_FOREVER_MS : t->delay_ms;

	set_state(t, PAYTERM_PRESENT_CARD, "Present the card on the terminal");
	pthread_mutex_unlock(&t->lock);
	wake(t);
	pthread_mutex_lock(&t->lock);
	if (!nap(t, wait)) {
		if (t->cancel)
			set_state(t, PAYTERM_CANCELLED, "Cancelled at the till's request");
		return;
	}
	if (cents == 2 || cents == 5) {
		set_state(t, PAYTERM_TIMED_OUT, "No card was presented in time");
		return;
	}
	if (cents == 4) {
		set_state(t, PAYTERM_CANCELLED, "Cancelled on the terminal");
		return;
	}
	set_state(t, PAYTERM_PROCESSING, "Processing");
	pthread_mutex_unlock(&t->lock);
	wake(t);
	pthread_mutex_lock(&t->lock);
	t->cancel = false;
	if (!nap(t, t->delay_ms) && t->quit)
		return;
	if (cents == 1) {
		set_state(t, PAYTERM_DECLINED, "Insufficient funds");
		return;
	}
	if (cents == 3) {
		set_state(t, PAYTERM_FAILED, "Terminal error: no answer from the card host");
		return;
	}
	if (cents == 6) {
		set_state(t, PAYTERM_APPROVED, "Approved");
		return;
	}
	snprintf(t->st.approval, sizeof t->st.approval, "%c%05lld",
	    t->st.kind == PAYMENT_REFUND ? 'R' : 'T', (long long)(t->st.amount % 100000));
	if (t->swiped.last4[0] != '\0') {
		t->st.card = t->swiped;
	} else {
		snprintf(t->st.card.brand, sizeof t->st.card.brand, "VISA");
		snprintf(t->st.card.last4, sizeof t->st.card.last4, "4242");
	}
	set_state(t, PAYTERM_APPROVED, "Approved");
}

static void *
testterm_main(void *arg)
{
	struct testterm *t = arg;

	pthread_mutex_lock(&t->lock);
	while (!t->quit) {
		if (!t->start) {
			pthread_cond_wait(&t->cond, &t->lock);
			continue;
		}
		t->start = false;
		run(t);
		pthread_mutex_unlock(&t->lock);
		wake(t);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void *
test_open(const char *arg, payterm_wake_fn wakefn, void *ctx, char *err, size_t errsize)
{
	struct testterm *t = calloc(1, sizeof *t);
	int delay = 300;

	if (t == NULL)
		abort();
	if (arg[0] != '\0' && sscanf(arg, "delay=%d", &delay) != 1) {
		snprintf(err, errsize, "test terminal: expected delay=MS, got \"%s\"", arg);
		free(t);
		return NULL;
	}
	t->delay_ms = delay;
	t->wake = wakefn;
	t->ctx = ctx;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (pthread_create(&t->thread, NULL, testterm_main, t) != 0) {
		snprintf(err, errsize, "test terminal: cannot start its thread");
		free(t);
		return NULL;
	}
	return t;
}

static void
test_close(void *dev)
{
	struct testterm *t = dev;

	pthread_mutex_lock(&t->lock);
	t->quit = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static int
test_start(struct testterm *t, enum payment_kind kind, money_t amount,
    const struct card_info *card, char *err, size_t errsize)
{
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	if (t->start || t->st.state == PAYTERM_PRESENT_CARD ||
	    t->st.state == PAYTERM_PROCESSING) {
		snprintf(err, errsize, "The terminal is busy with another payment");
		goto out;
	}
	memset(&t->st, 0, sizeof t->st);
	memset(&t->swiped, 0, sizeof t->swiped);
	if (card != NULL)
		t->swiped = *card;
	t->st.kind = kind;
	t->st.amount = amount;
	t->st.state = PAYTERM_PRESENT_CARD;
	snprintf(t->st.message, sizeof t->st.message, "Waking the terminal");
	t->cancel = false;
	t->start = true;
	pthread_cond_broadcast(&t->cond);
	rc = 0;
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static int
test_sale(void *dev, money_t amount, const char *ref, const struct card_info *swiped,
    char *err, size_t errsize)
{
	return test_start(dev, PAYMENT_CHARGE, amount, swiped, err, errsize);
}

static int
test_refund(void *dev, money_t amount, const char *ref, const char *approval,
    const struct card_info *card, char *err, size_t errsize)
{
	return test_start(dev, PAYMENT_REFUND, amount, card, err, errsize);
}

static int
test_cancel(void *dev, char *err, size_t errsize)
{
	struct testterm *t = dev;
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	if (t->st.state == PAYTERM_PRESENT_CARD) {
		t->cancel = true;
		pthread_cond_broadcast(&t->cond);
		rc = 0;
	} else if (t->st.state == PAYTERM_PROCESSING) {
		snprintf(err, errsize, "The card is being processed: too late to cancel");
	} else {
		snprintf(err, errsize, "No card payment is running");
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static void
test_status(void *dev, struct payterm_status *out)
{
	struct testterm *t = dev;

	pthread_mutex_lock(&t->lock);
	*out = t->st;
	pthread_mutex_unlock(&t->lock);
}

const struct payterm_ops payterm_driver = {
	.abi = PAYTERM_ABI,
	.name = "test",
	.open = test_open,
	.close = test_close,
	.sale = test_sale,
	.refund = test_refund,
	.cancel = test_cancel,
	.status = test_status,
	.input = NULL,
};
