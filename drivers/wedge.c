/* wedge: keyboard-wedge swipe detection by timing and shape. */
#include "wedge.h"

#include <string.h>

void
wedge_init(struct wedge *w, int gap_ms)
{
	memset(w, 0, sizeof *w);
	w->gap_ms = gap_ms > 0 ? gap_ms : WEDGE_GAP_MS;
}

void
wedge_reset(struct wedge *w)
{
	swipe_wipe(w->buf, sizeof w->buf);
	w->len = 0;
	w->draining = false;
}

static void
out_key(struct wedge_out *out, unsigned char key)
{
	if (out->nkeys < sizeof out->keys)
		out->keys[out->nkeys++] = (char)key;
}

static void
out_clear(struct wedge_out *out)
{
	swipe_wipe(out, sizeof *out);
}

/* The held burst ended without Enter: a person's keys go on, a machine's
 * broken burst is a bad swipe (and its digits go nowhere). */
static void
wedge_release(struct wedge *w, struct wedge_out *out)
{
	if (w->len >= WEDGE_BURST_MIN) {
		out->event = WEDGE_BAD_SWIPE;
		out->result = SWIPE_PARTIAL;
	} else {
		for (size_t i = 0; i < w->len; i++)
			out_key(out, (unsigned char)w->buf[i]);
	}
	wedge_reset(w);
}

/* Whether the held keys so far could still be the start of a swipe. */
static bool
wedge_plausible(const struct wedge *w)
{
	if (w->len < 2)
		return true;
	if (w->buf[0] == '%')
		return w->buf[1] == 'B' || w->buf[1] == 'E';
	return (w->buf[1] >= '0' && w->buf[1] <= '9') || w->buf[1] == 'E';
}

void
wedge_feed(struct wedge *w, unsigned char key, int64_t now_ms, struct wedge_out *out)
{
	bool in_time = now_ms - w->last_ms <= w->gap_ms;

	out_clear(out);
	if (w->draining) {
		if (in_time && key != '\r' && key != '\n') {
			w->last_ms = now_ms;
			return;
		}
		w->draining = false;
		if (in_time) {          /* the Enter that ends the broken burst */
			w->last_ms = now_ms;
			return;
		}
	}
	if (w->len > 0 && !in_time)
		wedge_release(w, out);
	w->last_ms = now_ms;
	if (w->len == 0) {
		if (key == '%' || key == ';')
			w->buf[w->len++] = (char)key;
		else
			out_key(out, key);
		return;
	}
	if (key == '\r' || key == '\n') {
		out->result = swipe_parse(w->buf, w->len, &out->card);
		out->event = out->result == SWIPE_OK ? WEDGE_SWIPE : WEDGE_BAD_SWIPE;
		wedge_reset(w);
		return;
	}
	if (w->len >= SWIPE_MAX) {
		out->event = WEDGE_BAD_SWIPE;
		out->result = SWIPE_GARBAGE;
		wedge_reset(w);
		w->draining = true;
		return;
	}
	w->buf[w->len++] = (char)key;
	if (!wedge_plausible(w)) {
		/* "%x" or ";x" typed fast: ordinary keys after all */
		for (size_t i = 0; i < w->len; i++)
			out_key(out, (unsigned char)w->buf[i]);
		wedge_reset(w);
	}
}

bool
wedge_tick(struct wedge *w, int64_t now_ms, struct wedge_out *out)
{
	out_clear(out);
	if (w->len > 0 && now_ms - w->last_ms > w->gap_ms)
		wedge_release(w, out);
	if (w->draining && now_ms - w->last_ms > w->gap_ms)
		w->draining = false;
	return w->len > 0 || w->draining;
}
