/* reports: the X report and the Z close from the stored orders. */
#include "reports.h"

static void
add_order(void *ctx, const struct order *o)
{
	report_add(ctx, o);
}

int
reports_build(struct store *st, bool final, int64_t now, int day_start_hour,
    struct day_report *r)
{
	int64_t from;
	int last;

	if (store_last_close(st, &last, &from) < 0)
		return -1;
	report_init(r, final, from, now, day_start_hour);
	if (final)
		r->z_number = last + 1;
	if (store_orders_since(st, from, add_order, r) < 0) {
		report_free(r);
		return -1;
	}
	report_finish(r);
	return 0;
}
