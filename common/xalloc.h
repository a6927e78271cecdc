/* xalloc: allocation that aborts on out-of-memory, so callers never check. */
#ifndef BRIGADE_XALLOC_H
#define BRIGADE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy src into dst (size bytes) always NUL-terminating; returns strlen(src). */
size_t xstrlcpy(char *dst, const char *src, size_t size);

#endif
