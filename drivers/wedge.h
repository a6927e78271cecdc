/* wedge: tells a keyboard-wedge card swipe from a person typing. A reader
 * in keyboard mode "types" the tracks: a burst starting with "%B" or ";",
 * characters milliseconds apart, ended by Enter. Keys that might start a
 * swipe are held back briefly; if the burst breaks the rule they are
 * handed on as ordinary keys, so typing is never taken for a swipe, and a
 * swipe never leaks card digits into a text field. */
#ifndef BRIGADE_WEDGE_H
#define BRIGADE_WEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swipe.h"

/* Longest gap between two keys of a swipe. Readers send a key every few
 * ms; people need 80 ms or more even when typing fast. */
#define WEDGE_GAP_MS 30
/* Held keys past this count cannot have been typed by a person: when such
 * a burst breaks off it is a bad swipe, not keys to hand on. */
#define WEDGE_BURST_MIN 6

enum wedge_event {
	WEDGE_NONE,
	WEDGE_SWIPE,            /* out->card holds a good read */
	WEDGE_BAD_SWIPE,        /* out->result says why; show "swipe again" */
};

struct wedge_out {
	char keys[SWIPE_MAX + 2];   /* ordinary keys to deliver, in order */
	size_t nkeys;
	enum wedge_event event;
	enum swipe_result result;
	struct swipe_card card;
};

struct wedge {
	char buf[SWIPE_MAX + 2];    /* held keys: maybe card data, wiped */
	size_t len;
	int64_t last_ms;
	int gap_ms;
	bool draining;              /* swallowing the rest of a broken burst */
};

void wedge_init(struct wedge *w, int gap_ms);
/* Feed one key pressed at now_ms (monotonic). Fills out (cleared first). */
void wedge_feed(struct wedge *w, unsigned char key, int64_t now_ms,
    struct wedge_out *out);
/* Call from a timer: held keys are released once the gap has passed.
 * Returns true while keys are held (call again soon). */
bool wedge_tick(struct wedge *w, int64_t now_ms, struct wedge_out *out);
/* Forget and wipe anything held. */
void wedge_reset(struct wedge *w);

#endif
