/* util: clocks, random identifiers and small helpers used everywhere. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

int64_t
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
util_mono_ms(void)
{
	return util_mono_us() / 1000;
}

int64_t
util_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
util_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "brigade: no random numbers from the kernel\n");
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

void
util_hex(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
util_uuid(char out[37])
{
	unsigned char b[16];
	char hex[33];

	util_random(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	util_hex(b, sizeof b, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	    hex + 16, hex + 20);
}

void
util_business_day(int64_t ms, int day_start_hour, char out[11])
{
	time_t t = (time_t)(ms / 1000) - (time_t)day_start_hour * 3600;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
util_ct_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

void
util_age_text(int64_t age_ms, char *out, size_t size)
{
	int64_t s = age_ms > 0 ? age_ms / 1000 : 0;

	if (s < 60)
		snprintf(out, size, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lld m", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, size, "%lld h %02lld m", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%lld d %lld h", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

char *
util_data_dir(const char *sub)
{
	char exe[4096], *slash, *out;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t size;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	size = strlen(exe) + strlen(sub) + 32;
	out = xmalloc(size);
	snprintf(out, size, "%s/../share/brigade/%s", exe, sub);
	return out;
}

/* The rename is durable once the folder that holds the name is. */
static void
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int
util_write_durable(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX];
	const char *p = data;
	size_t off = 0;
	int fd, saved;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	sync_dir(path);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}
