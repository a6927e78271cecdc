/* jsonw: a small streaming JSON writer into a strbuf. The hot paths (an
 * order rendered for the database, the response and the event) use it
 * instead of building a cJSON tree, which costs a malloc per value and a
 * printf/scanf round trip per large number. */
#ifndef BRIGADE_JSONW_H
#define BRIGADE_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

#define JSONW_DEPTH 16

struct jsonw {
	struct strbuf *out;
	int depth;
	bool first[JSONW_DEPTH];     /* no comma before the next value yet */
	bool after_key;              /* a key was written: the value follows */
};

void jsonw_init(struct jsonw *w, struct strbuf *out);
void jsonw_object(struct jsonw *w);   /* { */
void jsonw_array(struct jsonw *w);    /* [ */
void jsonw_end_object(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Already-rendered JSON text inserted as one value. */
void jsonw_raw(struct jsonw *w, const char *json, size_t len);

/* key + value shorthands */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, int64_t v);
void jsonw_kbool(struct jsonw *w, const char *key, bool v);
/* a string, or null when it is empty */
void jsonw_kstr_or_null(struct jsonw *w, const char *key, const char *s);

#endif
