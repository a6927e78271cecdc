/* utf8: validation and measuring of UTF-8 text from the wire and the user. */
#ifndef BRIGADE_UTF8_H
#define BRIGADE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strictly valid UTF-8: no overlongs, no surrogates, nothing past U+10FFFF.
 * Control characters other than tab and newline are refused too when
 * no_controls is set (names and notes must not carry terminal escapes). */
bool utf8_valid(const char *s, size_t len, bool no_controls);

/* Number of code points in valid UTF-8 text. */
size_t utf8_length(const char *s);

/* Decode one code point at *s (advancing it); returns -1 and advances one
 * byte on invalid input. */
int32_t utf8_decode(const char **s, const char *end);

/* Length in bytes of the longest prefix of s that is at most max_bytes long
 * and does not split a code point. */
size_t utf8_truncate(const char *s, size_t max_bytes);

#endif
