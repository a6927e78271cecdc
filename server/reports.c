/* reports: the X report and the Z close from the stored orders. */
#include "reports.h"

/* The report being built, and the first order seen: before any close the
 * period starts there (docs/api.md), not at the epoch. */
struct reports_walk {
	struct day_report *r;
	int64_t first;
};

static void
add_order(void *ctx, const struct order *o)
{
	struct reports_walk *w = ctx;

	report_add(w->r, o);
	if (o->created_at > 0 && (w->first == 0 || o->created_at < w->first))
		w->first = o->created_at;
}

int
reports_build(struct store *st, int64_t sid, bool final, int64_t now, int day_start_hour,
    struct day_report *r)
{
	struct reports_walk w = { r, 0 };
	int64_t from;
	int last;

	if (store_last_close(st, sid, &last, &from) < 0)
		return -1;
	report_init(r, final, from, now, day_start_hour);
	if (final)
		r->z_number = last + 1;
	if (store_orders_since(st, sid, from, add_order, &w) < 0) {
		report_free(r);
		return -1;
	}
	/* no close yet: from the first order (from now when there is none) */
	if (from == 0)
		r->from_ms = w.first > 0 && w.first < now ? w.first : now;
	report_finish(r);
	return 0;
}
