/* transport_usb: usb://VID:PID[?serial=S] with libusb. Finds the printer
 * class interface (or a vendor one, as some clones have) and its bulk
 * endpoints, takes the interface from the kernel's usblp driver for the
 * time it is open and gives it back on close, writes in chunks with a
 * timeout and reads DLE EOT status with a timeout, so nothing hangs.
 * libusb is loaded when the first USB printer opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "log.h"
#include "printer.h"
#include "xalloc.h"

#define USB_CHUNK 4096
#define USB_CLASS_PRINTER 7
#define USB_RULE "packaging/udev/60-brigade.rules"

/* Filled by dynlib_usb_load() in usb_open(), before any other call. */
static const struct dynlib_usb *const usb = &dynlib_usb;

struct usb_impl {
	libusb_context *ctx;
	libusb_device_handle *h;
	int iface;
	unsigned char ep_out, ep_in;    /* ep_in 0: the printer cannot talk back */
	int in_size;
	bool detached;                  /* we took it from a kernel driver */
};

static int
usb_fail(struct printer *p, int rc, const char *what, struct printer_error *err)
{
	char id[16];

	snprintf(id, sizeof id, "%04x:%04x", p->uri.vid, p->uri.pid);
	switch (rc) {
	case LIBUSB_ERROR_ACCESS:
		return printer_fail(err, PRINTER_EACCESS,
		    "permission denied on USB printer %s (%s): install the udev rule "
		    "(sudo cp %s /etc/udev/rules.d/ && sudo udevadm control --reload, then "
		    "replug the printer) or add this user to the lp group", id, what, USB_RULE);
	case LIBUSB_ERROR_BUSY:
		return printer_fail(err, PRINTER_EBUSY,
		    "USB printer %s is busy (%s): another program holds it, such as CUPS' usb "
		    "backend; give Brigade the printer or print through cups://", id, what);
	case LIBUSB_ERROR_NO_DEVICE:
		return printer_fail(err, PRINTER_EGONE, "USB printer %s was unplugged (%s)", id, what);
	case LIBUSB_ERROR_NOT_FOUND:
		return printer_fail(err, PRINTER_ENOTFOUND, "USB printer %s: %s: %s", id, what,
		    usb->libusb_strerror(rc));
	case LIBUSB_ERROR_TIMEOUT:
		return printer_fail(err, PRINTER_ETIMEOUT,
		    "USB printer %s took no data for %d ms (%s; paper out or offline?)", id,
		    p->timeout_ms, what);
	default:
		return printer_fail(err, PRINTER_EIO, "USB printer %s: %s: %s", id, what,
		    usb->libusb_strerror(rc));
	}
}

/* The first interface of the printer class with a bulk OUT endpoint, else
 * a vendor-specific one with a bulk OUT endpoint. */
static int
usb_find_interface(libusb_device *dev, struct usb_impl *u)
{
	struct libusb_config_descriptor *cfg;
	int found = -1;

	if (usb->libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    usb->libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return -1;
	for (int pass = 0; pass < 2 && found < 0; pass++) {
		int want = pass == 0 ? USB_CLASS_PRINTER : LIBUSB_CLASS_VENDOR_SPEC;

		for (int i = 0; i < cfg->bNumInterfaces && found < 0; i++) {
			const struct libusb_interface_descriptor *alt = &cfg->interface[i].altsetting[0];

			if (cfg->interface[i].num_altsetting < 1 || alt->bInterfaceClass != want)
				continue;
			u->ep_out = u->ep_in = 0;
			for (int e = 0; e < alt->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];

				if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
					u->ep_in = ep->bEndpointAddress;
					u->in_size = ep->wMaxPacketSize;
				} else {
					u->ep_out = ep->bEndpointAddress;
				}
			}
			if (u->ep_out != 0)
				found = alt->bInterfaceNumber;
		}
	}
	usb->libusb_free_config_descriptor(cfg);
	return found;
}

static bool
usb_serial_matches(libusb_device_handle *h, const struct libusb_device_descriptor *d,
    const char *serial)
{
	unsigned char s[128];

	if (d->iSerialNumber == 0)
		return false;
	if (usb->libusb_get_string_descriptor_ascii(h, d->iSerialNumber, s, sizeof s) < 0)
		return false;
	return strcmp((const char *)s, serial) == 0;
}

static int
usb_open(struct printer *p, struct printer_error *err)
{
	struct usb_impl *u;
	libusb_device **list = NULL;
	libusb_device *dev = NULL;
	ssize_t n;
	int rc = LIBUSB_ERROR_NOT_FOUND, denied = 0;
	char why[200];

	if (dynlib_usb_load(why, sizeof why) < 0)
		return printer_fail(err, PRINTER_ENOTFOUND, "%s", why);
	u = xcalloc(1, sizeof *u);
	p->impl = u;
	if ((rc = usb->libusb_init(&u->ctx)) != 0) {
		free(u);
		p->impl = NULL;
		return printer_fail(err, PRINTER_EIO, "libusb: %s", usb->libusb_strerror(rc));
	}
	n = usb->libusb_get_device_list(u->ctx, &list);
	for (ssize_t i = 0; i < n && u->h == NULL; i++) {
		struct libusb_device_descriptor d;
		libusb_device_handle *h;

		if (usb->libusb_get_device_descriptor(list[i], &d) != 0 ||
		    d.idVendor != p->uri.vid || d.idProduct != p->uri.pid)
			continue;
		rc = usb->libusb_open(list[i], &h);
		if (rc != 0) {
			denied |= rc == LIBUSB_ERROR_ACCESS;
			continue;
		}
		if (p->uri.serial[0] && !usb_serial_matches(h, &d, p->uri.serial)) {
			usb->libusb_close(h);
			rc = LIBUSB_ERROR_NOT_FOUND;
			continue;
		}
		u->h = h;
		dev = list[i];
	}
	if (u->h == NULL) {
		usb->libusb_free_device_list(list, 1);
		usb->libusb_exit(u->ctx);
		free(u);
		p->impl = NULL;
		if (denied)
			return usb_fail(p, LIBUSB_ERROR_ACCESS, "open", err);
		return printer_fail(err, PRINTER_ENOTFOUND,
		    "no USB printer %04x:%04x%s%s (plugged in and switched on? lsusb lists it)",
		    p->uri.vid, p->uri.pid, p->uri.serial[0] ? " with serial " : "", p->uri.serial);
	}
	u->iface = usb_find_interface(dev, u);
	usb->libusb_free_device_list(list, 1);
	if (u->iface < 0) {
		usb->libusb_close(u->h);
		usb->libusb_exit(u->ctx);
		free(u);
		p->impl = NULL;
		return printer_fail(err, PRINTER_ENOTFOUND,
		    "USB device %04x:%04x has no printer interface", p->uri.vid, p->uri.pid);
	}
	/* usblp binds to every printer; it must let go for us to talk, and
	 * gets the printer back when we close */
	if (usb->libusb_kernel_driver_active(u->h, u->iface) == 1) {
		rc = usb->libusb_detach_kernel_driver(u->h, u->iface);
		if (rc != 0 && rc != LIBUSB_ERROR_NOT_FOUND) {
			usb_fail(p, rc, "detaching the kernel driver", err);
			goto fail;
		}
		u->detached = rc == 0;
	}
	if ((rc = usb->libusb_claim_interface(u->h, u->iface)) != 0) {
		usb_fail(p, rc, "claiming the interface", err);
		goto fail;
	}
	return 0;
fail:
	if (u->detached)
		usb->libusb_attach_kernel_driver(u->h, u->iface);
	usb->libusb_close(u->h);
	usb->libusb_exit(u->ctx);
	free(u);
	p->impl = NULL;
	return -1;
}

static int
usb_print(struct printer *p, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	struct usb_impl *u = p->impl;

	while (*sent < len) {
		int n = (int)(len - *sent < USB_CHUNK ? len - *sent : USB_CHUNK), done = 0;
		int rc = usb->libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf + *sent,
		    n, &done, (unsigned)p->timeout_ms);

		*sent += (size_t)(done > 0 ? done : 0);
		if (rc == LIBUSB_ERROR_PIPE) {
			usb->libusb_clear_halt(u->h, u->ep_out);
			rc = usb->libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf + *sent,
			    (int)(len - *sent < USB_CHUNK ? len - *sent : USB_CHUNK), &done,
			    (unsigned)p->timeout_ms);
			*sent += (size_t)(done > 0 ? done : 0);
		}
		if (rc != 0)
			return usb_fail(p, rc, "writing", err);
	}
	return 0;
}

static int
usb_xchg(struct printer *p, const unsigned char *q, size_t n, unsigned char *answer,
    int timeout_ms, struct printer_error *err)
{
	struct usb_impl *u = p->impl;
	unsigned char buf[512];
	size_t sent = 0;
	int got = 0, rc, size = u->in_size > 0 && u->in_size <= (int)sizeof buf ? u->in_size : 64;

	if (usb_print(p, q, n, &sent, err) < 0)
		return -1;
	rc = usb->libusb_bulk_transfer(u->h, u->ep_in, buf, size, &got, (unsigned)timeout_ms);
	if (rc == LIBUSB_ERROR_TIMEOUT || (rc == 0 && got == 0))
		return 0;
	if (rc != 0)
		return usb_fail(p, rc, "reading status", err);
	*answer = buf[got - 1];     /* the newest byte answers the newest query */
	return 1;
}

static int
usb_status(struct printer *p, struct printer_status *st, struct printer_error *err)
{
	struct usb_impl *u = p->impl;

	if (u->ep_in == 0)
		return 0;       /* no way back from the printer: unknown */
	return printer_dle_status(p, usb_xchg, st, err);
}

static void
usb_close(struct printer *p)
{
	struct usb_impl *u = p->impl;

	if (u == NULL)
		return;
	usb->libusb_release_interface(u->h, u->iface);
	if (u->detached)
		usb->libusb_attach_kernel_driver(u->h, u->iface);
	usb->libusb_close(u->h);
	usb->libusb_exit(u->ctx);
	free(u);
	p->impl = NULL;
}

const struct transport transport_usb = {
	.scheme = "usb",
	.open = usb_open,
	.print = usb_print,
	.status = usb_status,
	.close = usb_close,
};
