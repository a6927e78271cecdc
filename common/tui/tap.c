/* tap: the regions of the frame drawn, and which one a tap touched. */
#include "tap.h"

static struct {
	struct {
		int y, x, h, w;
		int kind;
		int64_t value;
	} r[TAP_REGIONS_MAX];
	int n;
} regions;

void
tap_clear(void)
{
	regions.n = 0;
}

void
tap_mark(int y, int x, int h, int w, int kind, int64_t value)
{
	if (h <= 0 || w <= 0 || regions.n >= TAP_REGIONS_MAX)
		return;
	regions.r[regions.n].y = y;
	regions.r[regions.n].x = x;
	regions.r[regions.n].h = h;
	regions.r[regions.n].w = w;
	regions.r[regions.n].kind = kind;
	regions.r[regions.n].value = value;
	regions.n++;
}

int
tap_find(int y, int x, int64_t *value)
{
	/* the last marked is on top */
	for (int i = regions.n - 1; i >= 0; i--) {
		if (y >= regions.r[i].y && y < regions.r[i].y + regions.r[i].h &&
		    x >= regions.r[i].x && x < regions.r[i].x + regions.r[i].w) {
			*value = regions.r[i].value;
			return regions.r[i].kind;
		}
	}
	*value = 0;
	return TAP_NONE;
}
