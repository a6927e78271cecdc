/* cardreader: a USB HID magnetic card reader (drivers/hidreader) read on a
 * thread of its own, so the till never waits for a swipe. What reaches the
 * loop is the card's brand and last 4 (or why the read was bad); track
 * data and the card number never leave the reader's thread, and are wiped
 * there. Keyboard-wedge readers need none of this: they type into the
 * terminal and the input path hands their keys to drivers/wedge. */
#ifndef BRIGADE_POS_CARDREADER_H
#define BRIGADE_POS_CARDREADER_H

#include <stdbool.h>
#include <stddef.h>

#include "order.h"
#include "swipe.h"

struct loop;

enum cardreader_event_kind {
	CARDREADER_SWIPE,            /* card holds brand and last 4 */
	CARDREADER_BAD_SWIPE,        /* result says why: swipe again */
	CARDREADER_FAILED,           /* the reader is gone; message says why */
	CARDREADER_BACK,             /* the reader answers again */
};

struct cardreader_event {
	enum cardreader_event_kind kind;
	enum swipe_result result;
	struct card_info card;
	char message[256];
};

typedef void (*cardreader_fn)(void *ctx, const struct cardreader_event *ev);

/* spec is "usb://VID:PID". NULL with a sentence in err for a malformed
 * spec; a reader that is missing or denied is reported through fn
 * (CARDREADER_FAILED) and tried again every few seconds. */
struct cardreader *cardreader_new(struct loop *l, const char *spec,
    cardreader_fn fn, void *ctx, char *err, size_t errsize);
void cardreader_free(struct cardreader *c);

#endif
