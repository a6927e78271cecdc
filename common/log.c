/* log: one-line diagnostics to stderr (or a file), tagged with the function. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level log_level = LOG_INFO;
static const char *log_progname = "brigade";
static FILE *log_fp;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_names[] = { "debug", "info", "warn", "error", "off" };

void
log_init(const char *progname)
{
	const char *env = getenv("BRIGADE_LOG");

	log_progname = progname;
	if (env == NULL)
		return;
	for (int i = 0; i <= LOG_OFF; i++) {
		if (strcmp(env, log_names[i]) == 0)
			log_level = (enum log_level)i;
	}
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

int
log_set_file(const char *path)
{
	FILE *fp = fopen(path, "a");

	if (fp == NULL)
		return -1;
	setvbuf(fp, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = fp;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void
log_write(enum log_level level, const char *func, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level < log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	pthread_mutex_lock(&log_lock);
	FILE *fp = log_fp != NULL ? log_fp : stderr;
	fprintf(fp, "%s.%03ldZ %s %s %s: ", stamp, ts.tv_nsec / 1000000,
	    log_progname, log_names[level], func);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
	pthread_mutex_unlock(&log_lock);
}
