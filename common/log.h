/* log: one-line diagnostics to stderr (or a file), tagged with the function. */
#ifndef BRIGADE_LOG_H
#define BRIGADE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Level from $BRIGADE_LOG (debug, info, warn, error, off); default info. */
void log_init(const char *progname);
void log_set_level(enum log_level level);
/* Send log lines to path instead of stderr (curses programs need this). */
int log_set_file(const char *path);
void log_write(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_write(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __func__, __VA_ARGS__)

#endif
