/* log: one-line diagnostics to stderr (or a file), tagged with the function. */
#ifndef BRIGADE_LOG_H
#define BRIGADE_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Level from $BRIGADE_LOG (debug, info, warn, error, off); default info.
 * When stderr is the systemd journal (JOURNAL_STREAM), each line starts
 * with its syslog priority ("<3>" error, "<4>" warn, "<6>" info, "<7>"
 * debug), which journald files and strips. */
void log_init(const char *progname);
void log_set_level(enum log_level level);
/* "debug" ... "off" -> level; -1 for anything else. */
int log_level_parse(const char *name, enum log_level *out);
/* Whether a line at level would be written now. */
bool log_enabled(enum log_level level);
/* Send log lines to path instead of stderr (curses programs need this);
 * NULL or "" goes back to stderr. */
int log_set_file(const char *path);
/* Open the log file's path again (after a rotation); 0 when on stderr. */
int log_reopen(void);
void log_write(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_write(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __func__, __VA_ARGS__)

#endif
