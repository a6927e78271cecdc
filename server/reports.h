/* reports: the X report (since the last Z close) and the Z close, built
 * from the stored orders with the shared report model (common/report.h). */
#ifndef BRIGADE_REPORTS_H
#define BRIGADE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "store.h"

/* Build the report of the period from the last Z close to now. For a Z,
 * z_number is the next one (of store sid). Returns 0, or -1 when the store fails. */
int reports_build(struct store *st, int64_t sid, bool final, int64_t now, int day_start_hour,
    struct day_report *r);

#endif
