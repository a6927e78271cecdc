/* counter: the till's provisional order numbers, counted from 1 each
 * business day and kept in a small file so a restart never reuses one. */
#ifndef BRIGADE_POS_COUNTER_H
#define BRIGADE_POS_COUNTER_H

/* The next number for day (YYYY-MM-DD) from the file at path (created when
 * missing; written atomically and fsynced before the number is used).
 * Returns 0, or -1 when the file cannot be written (logged). */
int counter_next(const char *path, const char *day, int *out);

#endif
