/* usbdev: one umockdev-emulated USB device and its side of usbfs, played
 * by an ioctl handler on umockdev's thread: it records the bytes an OUT
 * endpoint receives (a printer's paper), answers an ESC/POS printer's
 * DLE EOT, holds a kernel driver that must be detached and given back,
 * can be busy, answer nothing, or be unplugged, and hands queued bytes to
 * IN transfers (a card reader's key reports).
 *
 *   usbdev_reset();                               fresh state, defaults
 *   tb = usbdev_plug(USB_DATA_DIR, "tm-t20.umockdev", "/dev/bus/usb/001/001", &err);
 *   pthread_mutex_lock(&usbdev.lock);
 *   usbdev_type_keys(";4111...?\r");              a swipe, as key reports
 *   usbdev_feed_in();
 *   pthread_mutex_unlock(&usbdev.lock);
 *   usbdev_clear();                               testbed gone, state freed
 *
 * Everything in struct usbdev is shared with the handler's thread: touch it
 * with usbdev.lock held. The process that uses the device (this one, or
 * another given UMOCKDEV_DIR) must run with umockdev's preload library. */
#ifndef BRIGADE_TEST_USBDEV_H
#define BRIGADE_TEST_USBDEV_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <umockdev.h>

struct usbdev {
	pthread_mutex_t lock;
	bool busy;                  /* CLAIMINTERFACE fails with EBUSY */
	bool driver;                /* a kernel driver (usblp) holds it */
	int detaches, attaches;
	size_t unplug_after;        /* ENODEV once this many bytes went out */
	bool gone;                  /* unplugged: every ioctl fails with ENODEV */
	bool answer_status;         /* a printer answers DLE EOT */
	bool paper_out;
	const char *manufacturer, *product, *serial;   /* string descriptors 1-3 */
	GByteArray *out;            /* what the device received */
	GQueue in;                  /* GBytes waiting for an IN transfer */
	GList *pending_in;          /* IN urbs waiting for data */
	GList *completed;           /* urbs done, waiting to be reaped */
};

extern struct usbdev usbdev;

void usbdev_reset(void);
void usbdev_clear(void);

/* A new testbed holding DIR/FILE with the handler on NODE; NULL and *error
 * set if it cannot be made. The testbed belongs to usbdev (usbdev_clear). */
UMockdevTestbed *usbdev_plug(const char *dir, const char *file, const char *node,
    GError **error);

/* Queue bytes for the next IN transfers; hand them to waiting ones. Lock held. */
void usbdev_queue_in(const void *data, size_t n);
void usbdev_feed_in(void);

/* Queue text as a keyboard-mode reader sends it: a key report per
 * character (with shift where needed; '\r' is Enter), each followed by
 * all keys up. -1 if a character has no key. Lock held. */
int usbdev_type_keys(const char *s);

#endif
