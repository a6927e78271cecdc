/* notify: the service manager's readiness and watchdog protocol
 * (sd_notify(3)): datagrams of "KEY=value" lines to $NOTIFY_SOCKET. Without
 * the variable (started by hand, or by another supervisor) every call does
 * nothing. */
#ifndef BRIGADE_NOTIFY_H
#define BRIGADE_NOTIFY_H

#include <stdint.h>

/* Read $NOTIFY_SOCKET and $WATCHDOG_USEC once, at start. */
void notify_init(void);
/* Send one message, e.g. "READY=1\nSTATUS=serving"; 0 sent or not wanted,
 * -1 when the socket refused it. */
int notify_send(const char *msg);
/* The watchdog interval asked for in microseconds (0: no watchdog). Ping
 * at half of it. */
uint64_t notify_watchdog_usec(void);

#endif
