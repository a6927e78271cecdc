/* strbuf: a growable byte buffer for building responses and documents. */
#ifndef BRIGADE_STRBUF_H
#define BRIGADE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *data;          /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_append(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the buffer to the caller (malloc'd, NUL-terminated) and reset sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
