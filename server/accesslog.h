/* accesslog: the operator's log lines about requests and accounts: one
 * line per answered request (method, path, status, time, staff; never a
 * PIN, token or body), and a line for every failed login, lockout and
 * staff change. Service thread only. */
#ifndef BRIGADE_ACCESSLOG_H
#define BRIGADE_ACCESSLOG_H

#include <stdbool.h>
#include <stdint.h>

struct caller;
struct job;

/* The access_log setting: request lines on (the default) or off. Account
 * lines are always written (at info and warn). */
void accesslog_enable(bool on);
/* Whether request lines are written now (skip building them if not). */
bool accesslog_wanted(void);
/* One answered request. staff is "" for an anonymous one; peer is the
 * client's address. */
void accesslog_request(const char *method, const char *path, int status,
    int64_t micros, const struct caller *who, const char *peer);
/* A finished job's account events: logins (failed, refused, locking),
 * staff created or changed. */
void accesslog_job(const struct job *j);

#endif
