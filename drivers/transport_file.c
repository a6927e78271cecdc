/* transport_file: file:///path, for a spool file, a pipe, or a character
 * device such as /dev/usb/lp0 (the kernel's usblp driver), which also
 * answers DLE EOT status queries. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "printer.h"
#include "util.h"
#include "xalloc.h"

struct file_impl {
	int fd;
	bool chardev;
};

static int
file_errno(struct printer *p, int e, struct printer_error *err)
{
	const char *path = p->uri.target;

	switch (e) {
	case EACCES:
	case EPERM:
		return printer_fail(err, PRINTER_EACCESS,
		    "permission denied on %s: add this user to the lp group, or install "
		    "the udev rule from packaging/udev/", path);
	case EBUSY:
		return printer_fail(err, PRINTER_EBUSY,
		    "%s is busy: another program (CUPS?) has it open", path);
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return printer_fail(err, PRINTER_ENOTFOUND, "no printer at %s (unplugged?)", path);
	default:
		return printer_fail(err, PRINTER_EIO, "%s: %s", path, strerror(e));
	}
}

static int
file_open(struct printer *p, struct printer_error *err)
{
	struct file_impl *f = xcalloc(1, sizeof *f);
	struct stat st;

	if (stat(p->uri.target, &st) == 0 && S_ISCHR(st.st_mode)) {
		f->chardev = true;
		/* read-write for status; non-blocking so no call can hang */
		f->fd = open(p->uri.target, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (f->fd < 0 && (errno == EACCES || errno == EPERM))
			f->fd = open(p->uri.target, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	} else if (stat(p->uri.target, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(f);
		return printer_fail(err, PRINTER_ENOTFOUND, "%s is a directory", p->uri.target);
	} else {
		f->fd = open(p->uri.target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	}
	if (f->fd < 0) {
		int e = errno;

		free(f);
		return file_errno(p, e, err);
	}
	p->impl = f;
	return 0;
}

static int
file_print(struct printer *p, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	struct file_impl *f = p->impl;

	while (*sent < len) {
		ssize_t n = write(f->fd, buf + *sent, len - *sent);

		if (n > 0) {
			*sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (printer_wait_fd(f->fd, POLLOUT, p->timeout_ms) == 0)
				return printer_fail(err, PRINTER_ETIMEOUT,
				    "%s took no data for %d ms (paper out or offline?)",
				    p->uri.target, p->timeout_ms);
			continue;
		}
		if (n < 0 && (errno == ENODEV || errno == EIO || errno == ENXIO))
			return printer_fail(err, PRINTER_EGONE, "%s went away after %zu of %zu bytes",
			    p->uri.target, *sent, len);
		return file_errno(p, n < 0 ? errno : EIO, err);
	}
	return 0;
}

static int
file_xchg(struct printer *p, const unsigned char *q, size_t n, unsigned char *answer,
    int timeout_ms, struct printer_error *err)
{
	struct file_impl *f = p->impl;
	size_t sent = 0;
	ssize_t r;

	if (file_print(p, q, n, &sent, err) < 0)
		return -1;
	if (printer_wait_fd(f->fd, POLLIN, timeout_ms) <= 0)
		return 0;
	r = read(f->fd, answer, 1);
	if (r == 1)
		return 1;
	if (r < 0 && (errno == ENODEV || errno == EIO))
		return printer_fail(err, PRINTER_EGONE, "%s went away", p->uri.target);
	return 0;
}

static int
file_status(struct printer *p, struct printer_status *st, struct printer_error *err)
{
	struct file_impl *f = p->impl;

	if (!f->chardev)
		return 0;       /* a file says nothing: unknown */
	return printer_dle_status(p, file_xchg, st, err);
}

static void
file_close(struct printer *p)
{
	struct file_impl *f = p->impl;

	if (f == NULL)
		return;
	close(f->fd);
	free(f);
	p->impl = NULL;
}

const struct transport transport_file = {
	.scheme = "file",
	.open = file_open,
	.print = file_print,
	.status = file_status,
	.close = file_close,
};
