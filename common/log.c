/* log: one-line diagnostics to stderr (or a file), tagged with the function. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_level = LOG_INFO;
static const char *log_progname = "brigade";
static FILE *log_fp;
static char log_path[512];       /* the file log_fp is, for log_reopen */
static bool log_journal;         /* stderr is the journal: "<N>" prefixes */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_names[] = { "debug", "info", "warn", "error", "off" };
/* syslog priorities (LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR) */
static const int log_priorities[] = { 7, 6, 4, 3, 3 };

/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * to stderr; only when stderr is still that stream do lines carry the
 * "<N>" priority prefix journald reads (sd-daemon(3)). */
static bool
stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &sb) != 0)
		return false;
	return (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

void
log_init(const char *progname)
{
	const char *env = getenv("BRIGADE_LOG");

	log_progname = progname;
	log_journal = stderr_is_journal();
	if (env == NULL)
		return;
	(void)log_level_parse(env, &log_level);
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i <= LOG_OFF; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

bool
log_enabled(enum log_level level)
{
	return level >= log_level && log_level != LOG_OFF;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

int
log_set_file(const char *path)
{
	FILE *fp = path != NULL && path[0] != '\0' ? fopen(path, "a") : NULL;

	if (fp == NULL && path != NULL && path[0] != '\0')
		return -1;
	if (fp != NULL)
		setvbuf(fp, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = fp;
	snprintf(log_path, sizeof log_path, "%s", fp != NULL ? path : "");
	pthread_mutex_unlock(&log_lock);
	return 0;
}

/* After logrotate has moved the file away: the same path, a new file. */
int
log_reopen(void)
{
	char path[sizeof log_path];

	pthread_mutex_lock(&log_lock);
	memcpy(path, log_path, sizeof path);
	pthread_mutex_unlock(&log_lock);
	return path[0] != '\0' ? log_set_file(path) : 0;
}

void
log_write(enum log_level level, const char *func, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level < log_level || log_level == LOG_OFF)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	pthread_mutex_lock(&log_lock);
	FILE *fp = log_fp != NULL ? log_fp : stderr;
	if (log_fp == NULL && log_journal)
		fprintf(fp, "<%d>", log_priorities[level]);
	fprintf(fp, "%s.%03ldZ %s %s %s: ", stamp, ts.tv_nsec / 1000000,
	    log_progname, log_names[level], func);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
	pthread_mutex_unlock(&log_lock);
}
