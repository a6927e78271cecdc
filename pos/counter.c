/* counter: a per-day sequence in a one-line file ("2026-11-22 7"). */
#include "counter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int
counter_next(const char *path, const char *day, int *out)
{
	char tmp[4096], line[64], have[16] = "";
	int n = 0, fd, len;
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
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("%s: %s", tmp, strerror(errno));
		return -1;
	}
	len = snprintf(line, sizeof line, "%s %d\n", day, n);
	if (write(fd, line, (size_t)len) != len || fsync(fd) != 0) {
		log_error("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		log_error("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	*out = n;
	return 0;
}
