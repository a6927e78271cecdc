/* config: "key = value" files with # comments, shared by every program.
 * Precedence (flags over environment over files) is the caller's: it loads
 * files first, then applies the environment, then its flags. */
#ifndef BRIGADE_CONFIG_H
#define BRIGADE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called for each setting; return -1 (after filling err) to reject it. */
typedef int (*config_cb)(void *ctx, const char *key, const char *value,
    char *err, size_t errsize);

/* Read path; a missing file is not an error when optional. Returns 0, or -1
 * with "path:line: why" in err. */
int config_load(const char *path, bool optional, config_cb cb, void *ctx,
    char *err, size_t errsize);

/* Parse helpers for values: -1 on anything malformed or out of range. */
int config_int(const char *value, int64_t min, int64_t max, int64_t *out);
int config_bool(const char *value, bool *out);

#endif
