/* counter: a per-day sequence in a one-line file ("2026-11-22 7"). */
#include "counter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

int
counter_next(const char *path, const char *day, int *out)
{
	char line[64], have[16] = "";
	int n = 0, len;
	FILE *f = fopen(path, "r");

	if (f != NULL) {
		if (fgets(line, sizeof line, f) != NULL &&
		    sscanf(line, "%10s %d", have, &n) != 2)
			n = 0;
		fclose(f);
	}
	if (strcmp(have, day) != 0 || n < 0 || n >= 999999)
		n = 0;
	n++;
	len = snprintf(line, sizeof line, "%s %d\n", day, n);
	if (util_write_durable(path, line, (size_t)len) < 0) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	*out = n;
	return 0;
}
