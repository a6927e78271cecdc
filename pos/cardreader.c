/* cardreader: a hidreader on its own thread, results posted to the loop. */
#include "cardreader.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hidreader.h"
#include "log.h"
#include "loop.h"
#include "xalloc.h"

#define CARDREADER_POLL_MS 200      /* how long one wait for a swipe lasts */
#define CARDREADER_RETRY_MS 3000    /* a missing reader is looked for again */

struct cardreader {
	struct loop *loop;
	cardreader_fn fn;
	void *ctx;
	char vid_pid[16];
	pthread_t thread;
	atomic_bool quit;
};

struct cardreader_note {
	struct cardreader *c;
	struct cardreader_event ev;
};

static void
deliver(void *arg)
{
	struct cardreader_note *n = arg;

	n->c->fn(n->c->ctx, &n->ev);
	explicit_bzero(n, sizeof *n);
	free(n);
}

static void
post(struct cardreader *c, enum cardreader_event_kind kind, enum swipe_result result,
    const struct swipe_card *card, const char *message)
{
	struct cardreader_note *n = xcalloc(1, sizeof *n);

	n->c = c;
	n->ev.kind = kind;
	n->ev.result = result;
	if (card != NULL)
		swipe_card_info(card, &n->ev.card);
	xstrlcpy(n->ev.message, message != NULL ? message : "", sizeof n->ev.message);
	loop_post(c->loop, deliver, n);
}

static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *
cardreader_main(void *arg)
{
	struct cardreader *c = arg;
	struct hidreader *r = NULL;
	bool failed = false;
	char err[256];

	while (!atomic_load(&c->quit)) {
		struct swipe_card card;
		enum swipe_result result;
		int rc;

		if (r == NULL) {
			r = hidreader_open(c->vid_pid, err, sizeof err);
			if (r == NULL) {
				if (!failed)
					post(c, CARDREADER_FAILED, SWIPE_EMPTY, NULL, err);
				failed = true;
				for (int i = 0; i < CARDREADER_RETRY_MS / 100 && !atomic_load(&c->quit); i++)
					nap(100);
				continue;
			}
			if (failed)
				post(c, CARDREADER_BACK, SWIPE_EMPTY, NULL, "card reader ready");
			failed = false;
		}
		rc = hidreader_poll(r, CARDREADER_POLL_MS, &card, &result, err, sizeof err);
		if (rc == 1) {
			post(c, result == SWIPE_OK ? CARDREADER_SWIPE : CARDREADER_BAD_SWIPE, result,
			    result == SWIPE_OK ? &card : NULL, swipe_message(result));
		} else if (rc < 0) {
			log_warn("card reader %s: %s", c->vid_pid, err);
			post(c, CARDREADER_FAILED, SWIPE_EMPTY, NULL, err);
			failed = true;
			hidreader_close(r);
			r = NULL;
		}
		explicit_bzero(&card, sizeof card);
	}
	hidreader_close(r);
	return NULL;
}

struct cardreader *
cardreader_new(struct loop *l, const char *spec, cardreader_fn fn, void *ctx,
    char *err, size_t errsize)
{
	struct cardreader *c;
	unsigned vid, pid;
	char tail;

	if (strncmp(spec, "usb://", 6) != 0 ||
	    sscanf(spec + 6, "%4x:%4x%c", &vid, &pid, &tail) != 2) {
		snprintf(err, errsize, "card reader \"%s\": give usb://VID:PID (hex, as lsusb "
		    "shows it) or wedge", spec);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->loop = l;
	c->fn = fn;
	c->ctx = ctx;
	snprintf(c->vid_pid, sizeof c->vid_pid, "%04x:%04x", vid, pid);
	if (pthread_create(&c->thread, NULL, cardreader_main, c) != 0) {
		snprintf(err, errsize, "cannot start the card reader thread: %s", strerror(errno));
		free(c);
		return NULL;
	}
	return c;
}

void
cardreader_free(struct cardreader *c)
{
	if (c == NULL)
		return;
	atomic_store(&c->quit, true);
	pthread_join(c->thread, NULL);
	free(c);
}
