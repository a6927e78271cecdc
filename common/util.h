/* util: clocks, random identifiers and small helpers used everywhere. */
#ifndef BRIGADE_UTIL_H
#define BRIGADE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock in ms since the epoch (for timestamps that cross machines). */
int64_t util_now_ms(void);
/* Monotonic clock in ms, and in µs (for timers and measuring). */
int64_t util_mono_ms(void);
int64_t util_mono_us(void);

/* Fill buf with n cryptographically random bytes; aborts if the kernel's
 * generator is unavailable (nothing safe can be done without it). */
void util_random(void *buf, size_t n);
/* A random (version 4) UUID, 36 characters plus NUL. */
void util_uuid(char out[37]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void util_hex(const void *in, size_t n, char *out);

/* The business day (YYYY-MM-DD, local time) that a moment belongs to: a day
 * starts at day_start_hour, so 01:30 after a late service counts as the day
 * before when day_start_hour is 4. */
void util_business_day(int64_t ms, int day_start_hour, char out[11]);

/* Constant-time comparison of n bytes (secrets, hashes). */
int util_ct_equal(const void *a, const void *b, size_t n);
/* A data folder that travels with the program: <the executable's
 * folder>/../share/brigade/<sub> (/usr/bin -> /usr/share/brigade; a build's
 * bin/ -> the build's share/brigade, filled by the build). NULL when the
 * executable cannot be found. The string is the caller's to free. */
char *util_data_dir(const char *sub);
/* A duration for people: "45 s", "12 m", "3 h 05 m", "6 d 12 h". */
void util_age_text(int64_t ms, char *out, size_t size);
/* Replace the file at path with len bytes of data, durably: written whole
 * to path.tmp (mode 0600) and fsynced, renamed over path, then the folder
 * fsynced, so a kill or a power cut leaves the old file or the new one,
 * never a part. 0, or -1 with errno set (the old file is left whole). */
int util_write_durable(const char *path, const void *data, size_t len);

#endif
