/* notify: sd_notify's datagram protocol, written out (it is one sendto())
 * rather than linked from libsystemd, so brigade-server runs the same under
 * any supervisor and pulls in no library for it. */
#include "notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

static struct sockaddr_un notify_addr;
static socklen_t notify_addrlen;
static uint64_t notify_wd_usec;

void
notify_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	const char *wd = getenv("WATCHDOG_USEC");
	const char *wdpid = getenv("WATCHDOG_PID");
	size_t len;

	if (path != NULL && (path[0] == '/' || path[0] == '@') &&
	    (len = strlen(path)) < sizeof notify_addr.sun_path) {
		memset(&notify_addr, 0, sizeof notify_addr);
		notify_addr.sun_family = AF_UNIX;
		memcpy(notify_addr.sun_path, path, len);
		if (path[0] == '@')
			notify_addr.sun_path[0] = '\0';   /* the abstract namespace */
		notify_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	/* the watchdog is ours only when no WATCHDOG_PID names another process */
	if (wd != NULL && (wdpid == NULL || atol(wdpid) == (long)getpid()))
		notify_wd_usec = strtoull(wd, NULL, 10);
	/* children (none today) must not answer for us */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int
notify_send(const char *msg)
{
	int fd, rc;

	if (notify_addrlen == 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (const struct sockaddr *)&notify_addr, notify_addrlen) < 0 ? -1 : 0;
	if (rc < 0)
		log_warn("cannot tell the service manager \"%.40s\": %m", msg);
	close(fd);
	return rc;
}

uint64_t
notify_watchdog_usec(void)
{
	return notify_wd_usec;
}
