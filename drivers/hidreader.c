/* hidreader: USB HID card readers (keyboard and vendor mode) via libusb,
 * loaded when the first reader opens. */
#include "hidreader.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

/* In keyboard mode a swipe that stops without Enter for this long is a
 * bad read (a reader sends a whole swipe in a few tens of ms). */
#define HID_QUIET_MS 500

/* Filled by dynlib_usb_load() in hidreader_open(), before any other call. */
static const struct dynlib_usb *const usb = &dynlib_usb;

struct hidreader {
	libusb_context *ctx;
	libusb_device_handle *h;
	int iface;
	unsigned char ep;
	int packet;
	bool keyboard;
	bool detached;
	unsigned char prev[8];      /* last keyboard report: keys held down */
	char buf[SWIPE_MAX + 2];    /* track characters so far; wiped */
	size_t len;
	int64_t last_ms;
};

/* US layout, usages 0x04..0x38: unshifted, then shifted. One table
 * indexed by shift rather than picking one of two arrays with ?:, which
 * GCC 12's UBSan object-size check wrongly reports as out of bounds. */
#define HID_USAGES (0x38 - 0x04 + 1)
static const char hid_keys[2][HID_USAGES + 1] = {
	"abcdefghijklmnopqrstuvwxyz1234567890\n\033\b\t -=[]\\#;'`,./",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()\n\033\b\t _+{}|~:\"~<>?",
};

int
hidreader_usage_char(unsigned char usage, int shift)
{
	if (usage < 0x04 || usage > 0x38)
		return 0;
	return (unsigned char)hid_keys[shift != 0][usage - 0x04];
}

static void
hid_wipe(struct hidreader *r)
{
	swipe_wipe(r->buf, sizeof r->buf);
	r->len = 0;
}

struct hidreader *
hidreader_open(const char *vid_pid, char *err, size_t errsize)
{
	struct hidreader *r;
	struct libusb_config_descriptor *cfg = NULL;
	unsigned vid, pid;
	char tail;
	int rc;

	if (sscanf(vid_pid, "%4x:%4x%c", &vid, &pid, &tail) != 2) {
		snprintf(err, errsize, "card reader must be given as VID:PID in hex, as in 0801:0001");
		return NULL;
	}
	if (dynlib_usb_load(err, errsize) < 0)
		return NULL;
	r = xcalloc(1, sizeof *r);
	if ((rc = usb->libusb_init(&r->ctx)) != 0) {
		snprintf(err, errsize, "libusb: %s", usb->libusb_strerror(rc));
		free(r);
		return NULL;
	}
	{
		libusb_device **list;
		ssize_t n = usb->libusb_get_device_list(r->ctx, &list);
		int denied = 0;

		for (ssize_t i = 0; i < n && r->h == NULL; i++) {
			struct libusb_device_descriptor d;

			if (usb->libusb_get_device_descriptor(list[i], &d) != 0 ||
			    d.idVendor != vid || d.idProduct != pid)
				continue;
			rc = usb->libusb_open(list[i], &r->h);
			denied |= rc == LIBUSB_ERROR_ACCESS;
			if (rc == 0 && usb->libusb_get_active_config_descriptor(list[i], &cfg) != 0)
				cfg = NULL;
		}
		usb->libusb_free_device_list(list, 1);
		if (r->h == NULL) {
			if (denied)
				snprintf(err, errsize, "permission denied on card reader %04x:%04x: "
				    "install the udev rule (sudo cp packaging/udev/60-brigade.rules "
				    "/etc/udev/rules.d/ && sudo udevadm control --reload, then replug)",
				    vid, pid);
			else
				snprintf(err, errsize, "no card reader %04x:%04x (plugged in?)", vid, pid);
			goto fail;
		}
	}
	r->iface = -1;
	for (int i = 0; cfg != NULL && i < cfg->bNumInterfaces && r->iface < 0; i++) {
		const struct libusb_interface_descriptor *alt = &cfg->interface[i].altsetting[0];

		if (alt->bInterfaceClass != LIBUSB_CLASS_HID)
			continue;
		for (int e = 0; e < alt->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];

			if ((ep->bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_INTERRUPT &&
			    (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)) {
				r->iface = alt->bInterfaceNumber;
				r->ep = ep->bEndpointAddress;
				r->packet = ep->wMaxPacketSize;
				/* boot keyboard: subclass 1, protocol 1 */
				r->keyboard = alt->bInterfaceSubClass == 1 &&
				    alt->bInterfaceProtocol == 1;
				break;
			}
		}
	}
	usb->libusb_free_config_descriptor(cfg);
	if (r->iface < 0) {
		snprintf(err, errsize, "USB device %04x:%04x is not a HID card reader", vid, pid);
		goto fail;
	}
	/* usbhid would turn a keyboard-mode reader into keystrokes for the
	 * console; we read it ourselves while open */
	if (usb->libusb_kernel_driver_active(r->h, r->iface) == 1) {
		rc = usb->libusb_detach_kernel_driver(r->h, r->iface);
		r->detached = rc == 0;
	}
	if ((rc = usb->libusb_claim_interface(r->h, r->iface)) != 0) {
		snprintf(err, errsize, "card reader %04x:%04x is %s", vid, pid,
		    rc == LIBUSB_ERROR_BUSY ? "busy: another program holds it" :
		    usb->libusb_strerror(rc));
		if (r->detached)
			usb->libusb_attach_kernel_driver(r->h, r->iface);
		goto fail;
	}
	return r;
fail:
	if (r->h != NULL)
		usb->libusb_close(r->h);
	usb->libusb_exit(r->ctx);
	free(r);
	return NULL;
}

static int
hid_finish(struct hidreader *r, struct swipe_card *card, enum swipe_result *result)
{
	*result = swipe_parse(r->buf, r->len, card);
	hid_wipe(r);
	return 1;
}

/* Keys newly down in this report (not in the previous one) are typed. */
static int
hid_keyboard_report(struct hidreader *r, const unsigned char *rep, int n,
    struct swipe_card *card, enum swipe_result *result)
{
	int shift = (rep[0] & 0x22) != 0, ended = 0;

	if (n < 3)
		return 0;
	for (int i = 2; i < n && i < 8; i++) {
		bool held = false;
		int ch;

		if (rep[i] == 0)
			continue;
		for (int k = 2; k < 8; k++)
			held |= r->prev[k] == rep[i];
		if (held)
			continue;
		if (rep[i] == 0x28 || rep[i] == 0x58) {         /* Enter, keypad Enter */
			ended = hid_finish(r, card, result);
			continue;
		}
		ch = hidreader_usage_char(rep[i], shift);
		if (ch == 0)
			continue;
		if (r->len >= SWIPE_MAX) {
			hid_wipe(r);
			*result = SWIPE_GARBAGE;
			ended = 1;
			continue;
		}
		r->buf[r->len++] = (char)ch;
	}
	memset(r->prev, 0, sizeof r->prev);
	memcpy(r->prev, rep, (size_t)(n < 8 ? n : 8));
	return ended;
}

/* Vendor mode: the tracks arrive whole, with their sentinels. */
static int
hid_vendor_report(struct hidreader *r, const unsigned char *rep, int n,
    struct swipe_card *card, enum swipe_result *result)
{
	if (n < HIDREADER_VENDOR_REPORT) {
		*result = SWIPE_PARTIAL;
		return 1;
	}
	hid_wipe(r);
	for (int t = 0; t < 2; t++) {
		int len = rep[3 + t];
		const unsigned char *data = rep + 7 + 110 * t;

		if (rep[t] != 0 || len == 0)
			continue;       /* this track did not read */
		if (len > 110)
			len = 110;
		memcpy(r->buf + r->len, data, (size_t)len);
		r->len += (size_t)len;
	}
	return hid_finish(r, card, result);
}

int
hidreader_poll(struct hidreader *r, int timeout_ms, struct swipe_card *card,
    enum swipe_result *result, char *err, size_t errsize)
{
	unsigned char rep[HIDREADER_VENDOR_REPORT + 64];
	int size = r->keyboard ? (r->packet > 0 && r->packet <= 64 ? r->packet : 8) :
	    HIDREADER_VENDOR_REPORT;
	int64_t deadline = util_mono_ms() + timeout_ms;
	int ended = 0;

	memset(card, 0, sizeof *card);
	*result = SWIPE_EMPTY;
	while (!ended) {
		int64_t left = deadline - util_mono_ms();
		int got = 0, rc;

		if (left <= 0)
			break;
		rc = usb->libusb_interrupt_transfer(r->h, r->ep, rep, size, &got,
		    (unsigned)(left < HID_QUIET_MS ? left : HID_QUIET_MS));
		if (rc == LIBUSB_ERROR_TIMEOUT) {
			if (r->len > 0 && util_mono_ms() - r->last_ms >= HID_QUIET_MS) {
				hid_wipe(r);
				*result = SWIPE_PARTIAL;        /* stopped before Enter */
				ended = 1;
			}
			continue;
		}
		if (rc != 0) {
			hid_wipe(r);
			snprintf(err, errsize, "card reader %s: %s",
			    rc == LIBUSB_ERROR_NO_DEVICE ? "was unplugged" : "failed",
			    usb->libusb_strerror(rc));
			log_warn("%s", err);
			return -1;
		}
		r->last_ms = util_mono_ms();
		ended = r->keyboard ? hid_keyboard_report(r, rep, got, card, result) :
		    hid_vendor_report(r, rep, got, card, result);
	}
	swipe_wipe(rep, sizeof rep);
	return ended;
}

void
hidreader_close(struct hidreader *r)
{
	if (r == NULL)
		return;
	hid_wipe(r);
	usb->libusb_release_interface(r->h, r->iface);
	if (r->detached)
		usb->libusb_attach_kernel_driver(r->h, r->iface);
	usb->libusb_close(r->h);
	usb->libusb_exit(r->ctx);
	free(r);
}
