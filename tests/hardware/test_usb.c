/* test_usb: the usb:// printer transport and the USB HID card reader on
 * umockdev-emulated devices (descriptions in tests/hardware/usb/). An
 * ioctl handler plays the device's side of usbfs: it records the bytes
 * the printer receives, answers DLE EOT, holds a kernel driver that must
 * be detached and given back, and can be busy, answer nothing, or be
 * unplugged mid-job. libusb is loaded by the first USB device opened, not
 * at start, and umockdev still sees it. Runs under umockdev-wrapper;
 * skips (77) outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glib.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

#include "hidreader.h"
#include "log.h"
#include "mapped.h"
#include "printer.h"
#include "util.h"
#include "xalloc.h"

#ifndef USB_DATA_DIR
#error USB_DATA_DIR must name tests/hardware/usb
#endif

/* The emulated device's side. Touched by umockdev's ioctl thread and the
 * test, hence the lock. */
struct device {
	pthread_mutex_t lock;
	bool busy;                  /* CLAIMINTERFACE fails with EBUSY */
	bool driver;                /* a kernel driver (usblp) holds it */
	int detaches, attaches;
	size_t unplug_after;        /* ENODEV once this many bytes went out */
	bool gone;
	bool answer_status;
	bool paper_out;
	const char *serial;
	GByteArray *out;            /* what the printer received */
	GQueue in;                  /* GBytes waiting for an IN transfer */
	GList *pending_in;          /* IN urbs waiting for data */
	GList *completed;           /* struct done, waiting to be reaped */
};

struct done {
	UMockdevIoctlData *urb;
	int status;
	int actual;
};

static struct device dev;
static UMockdevTestbed *testbed;
static UMockdevIoctlBase *handler;

static void
complete_urb(UMockdevIoctlData *urb, int status, int actual)
{
	struct done *d = g_new0(struct done, 1);

	d->urb = umockdev_ioctl_data_ref(urb);
	d->status = status;
	d->actual = actual;
	dev.completed = g_list_append(dev.completed, d);
}

/* Give queued IN data to waiting IN urbs. */
static void
feed_in(void)
{
	while (dev.pending_in != NULL && !g_queue_is_empty(&dev.in)) {
		UMockdevIoctlData *urb_data = dev.pending_in->data;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
		GBytes *b = g_queue_pop_head(&dev.in);
		gsize n;
		const void *p = g_bytes_get_data(b, &n);

		if ((int)n > urb->buffer_length)
			n = (gsize)urb->buffer_length;
		memcpy(urb->buffer, p, n);
		complete_urb(urb_data, 0, (int)n);
		umockdev_ioctl_data_unref(urb_data);
		dev.pending_in = g_list_delete_link(dev.pending_in, dev.pending_in);
		g_bytes_unref(b);
	}
}

static void
queue_in(const void *data, size_t n)
{
	g_queue_push_tail(&dev.in, g_bytes_new(data, n));
}

/* DLE EOT n in what the printer received: answer like an Epson TM. */
static void
printer_answers(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		unsigned char a = 0x12;

		if (b[i] != 0x10 || b[i + 1] != 0x04 || !dev.answer_status)
			continue;
		if (b[i + 2] == 1 && dev.paper_out)
			a |= 0x08;
		if (b[i + 2] == 2 && dev.paper_out)
			a |= 0x20;
		if (b[i + 2] == 4 && dev.paper_out)
			a |= 0x6c;
		queue_in(&a, 1);
	}
}

/* String descriptors: languages, then manufacturer, product, serial. */
static int
control_reply(const unsigned char *setup, unsigned char *out, int room)
{
	const char *s;
	int n = 0;

	if (setup[0] != 0x80 || setup[1] != 6 || setup[3] != 3)
		return -1;
	if (setup[2] == 0) {
		static const unsigned char langs[] = { 4, 3, 0x09, 0x04 };

		memcpy(out, langs, room < 4 ? (size_t)room : 4);
		return room < 4 ? room : 4;
	}
	s = setup[2] == 1 ? "EPSON" : setup[2] == 2 ? "TM-T20" : dev.serial;
	out[n++] = (unsigned char)(2 + 2 * strlen(s));
	out[n++] = 3;
	for (; *s && n + 2 <= room; s++) {
		out[n++] = (unsigned char)*s;
		out[n++] = 0;
	}
	return n;
}

static gboolean
handle_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer unused)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	unsigned long request = umockdev_ioctl_client_get_request(client);
	gboolean handled = TRUE;

	(void)h;
	(void)unused;
	pthread_mutex_lock(&dev.lock);
	if (dev.gone && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY &&
	    request != USBDEVFS_DISCARDURB) {
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		pthread_mutex_unlock(&dev.lock);
		return TRUE;
	}
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(guint32), NULL);

		*(guint32 *)d->data = USBDEVFS_CAP_BULK_SCATTER_GATHER |
		    USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
		    USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
		if (dev.busy || dev.driver)
			umockdev_ioctl_client_complete(client, -1, EBUSY);
		else
			umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_GETDRIVER: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_getdriver), NULL);
		struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)d->data;

		if (dev.driver) {
			snprintf(gd->driver, sizeof gd->driver, "usblp");
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, ENODATA);
		}
		break;
	}
	case USBDEVFS_IOCTL: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_ioctl), NULL);
		struct usbdevfs_ioctl *io = (struct usbdevfs_ioctl *)d->data;

		if (io->ioctl_code == (int)USBDEVFS_DISCONNECT) {
			dev.detaches++;
			dev.driver = false;
		} else if (io->ioctl_code == (int)USBDEVFS_CONNECT) {
			dev.attaches++;
			dev.driver = true;
		}
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_SUBMITURB: {
		g_autoptr(UMockdevIoctlData) urb_data = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_urb), NULL);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
		g_autoptr(UMockdevIoctlData) buf = umockdev_ioctl_data_resolve(urb_data,
		    G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), (gsize)urb->buffer_length, NULL);

		if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
			int n = control_reply(buf->data, buf->data + 8, urb->buffer_length - 8);

			complete_urb(urb_data, n < 0 ? -EPIPE : 0, n < 0 ? 0 : n);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else if (urb->endpoint & 0x80) {
			dev.pending_in = g_list_append(dev.pending_in,
			    umockdev_ioctl_data_ref(urb_data));
			feed_in();
			umockdev_ioctl_client_complete(client, 0, 0);
		} else if (dev.unplug_after > 0 &&
		    dev.out->len + (size_t)urb->buffer_length > dev.unplug_after) {
			dev.gone = true;        /* the cable came out */
			umockdev_ioctl_client_complete(client, -1, ENODEV);
		} else {
			g_byte_array_append(dev.out, buf->data, (guint)urb->buffer_length);
			printer_answers(buf->data, (size_t)urb->buffer_length);
			complete_urb(urb_data, 0, urb->buffer_length);
			feed_in();
			umockdev_ioctl_client_complete(client, 0, 0);
		}
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		if (dev.completed != NULL) {
			struct done *d = dev.completed->data;
			struct usbdevfs_urb *urb = (struct usbdevfs_urb *)d->urb->data;
			g_autoptr(UMockdevIoctlData) ptr = umockdev_ioctl_data_resolve(arg, 0,
			    sizeof(gpointer), NULL);

			dev.completed = g_list_delete_link(dev.completed, dev.completed);
			urb->status = d->status;
			urb->actual_length = d->actual;
			umockdev_ioctl_data_set_ptr(ptr, 0, d->urb);
			umockdev_ioctl_data_unref(d->urb);
			g_free(d);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, dev.gone ? ENODEV : EAGAIN);
		}
		break;
	case USBDEVFS_DISCARDURB: {
		void *addr = *(void **)arg->data;
		GList *l;

		for (l = dev.pending_in; l != NULL; l = l->next) {
			if ((void *)((UMockdevIoctlData *)l->data)->client_addr == addr)
				break;
		}
		if (l != NULL) {
			complete_urb(l->data, -ENOENT, 0);
			umockdev_ioctl_data_unref(l->data);
			dev.pending_in = g_list_delete_link(dev.pending_in, l);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, EINVAL);
		}
		break;
	}
	default:
		handled = FALSE;
		break;
	}
	pthread_mutex_unlock(&dev.lock);
	return handled;
}

/* A fresh testbed holding one device described in tests/hardware/usb/. */
static void
plug(const char *file, const char *node)
{
	char *path = g_strdup_printf("%s/%s", USB_DATA_DIR, file);
	GError *error = NULL;

	testbed = umockdev_testbed_new();
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(handle_ioctl), NULL);
	/* the handler first: libusb may open the node as soon as it appears */
	assert_true(umockdev_testbed_attach_ioctl(testbed, node, handler, &error));
	if (!umockdev_testbed_add_from_file(testbed, path, &error))
		fail_msg("%s: %s", path, error->message);
	g_free(path);
}

static int
setup(void **state)
{
	(void)state;
	memset(&dev, 0, sizeof dev);
	pthread_mutex_init(&dev.lock, NULL);
	g_queue_init(&dev.in);
	dev.out = g_byte_array_new();
	dev.answer_status = true;
	dev.serial = "J7XF012345";
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	g_clear_object(&handler);
	g_clear_object(&testbed);
	g_byte_array_unref(dev.out);
	g_queue_clear_full(&dev.in, (GDestroyNotify)g_bytes_unref);
	g_list_free_full(dev.pending_in, (GDestroyNotify)umockdev_ioctl_data_unref);
	while (dev.completed != NULL) {
		struct done *d = dev.completed->data;

		umockdev_ioctl_data_unref(d->urb);
		g_free(d);
		dev.completed = g_list_delete_link(dev.completed, dev.completed);
	}
	return 0;
}

static int
with_lock_int(const int *v)
{
	int r;

	pthread_mutex_lock(&dev.lock);
	r = *v;
	pthread_mutex_unlock(&dev.lock);
	return r;
}

/* A program without USB printers or readers does not carry libusb and
 * libudev. Runs first: nothing has opened a USB device yet. */
static void
test_loaded_on_first_use(void **state)
{
	struct printer_error err;
	struct printer *p;

	(void)state;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	assert_false(mapped("/libusb-1.0.so.0"));
	p = printer_open("usb://04b8:0e15", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	assert_true(mapped("/libusb-1.0.so.0"));
	printer_close(p);
}

static void
test_print_and_status(void **state)
{
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	unsigned char job[10000];
	char buf[96];
	size_t sent = 0;

	(void)state;
	dev.driver = true;          /* usblp has it, as on a real system */
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	p = printer_open("usb://04b8:0e15", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	assert_int_equal(with_lock_int(&dev.detaches), 1);
	for (size_t i = 0; i < sizeof job; i++)
		job[i] = (unsigned char)(i * 7 + 3);
	job[0] = 0x1b;
	job[1] = '@';
	assert_int_equal(printer_print(p, job, sizeof job, &sent, &err), 0);
	assert_int_equal(sent, sizeof job);
	pthread_mutex_lock(&dev.lock);
	assert_int_equal(dev.out->len, sizeof job);
	assert_memory_equal(dev.out->data, job, sizeof job);
	g_byte_array_set_size(dev.out, 0);
	pthread_mutex_unlock(&dev.lock);

	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "online, drawer closed");
	pthread_mutex_lock(&dev.lock);
	assert_memory_equal(dev.out->data, "\x10\x04\x01\x10\x04\x02\x10\x04\x04", 9);
	dev.paper_out = true;
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf),
	    "offline, paper out, paper low, drawer closed");
	printer_close(p);
	/* usblp gets its printer back */
	assert_int_equal(with_lock_int(&dev.attaches), 1);
}

static void
test_status_never_answers(void **state)
{
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	int64_t t0;

	(void)state;
	dev.answer_status = false;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	p = printer_open("usb://04b8:0e15", &err);
	assert_non_null(p);
	p->status_timeout_ms = 200;
	t0 = util_mono_ms();
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_int_equal(st.known, 0);                  /* unknown, not "fine" */
	/* it returned: the read has a timeout (no wall-clock assertion beyond
	 * "did not hang", which the test's own timeout enforces) */
	(void)t0;
	printer_close(p);
}

static void
test_busy(void **state)
{
	struct printer_error err;

	(void)state;
	dev.busy = true;
	dev.driver = true;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	assert_null(printer_open("usb://04b8:0e15", &err));
	assert_int_equal(err.code, PRINTER_EBUSY);
	assert_non_null(strstr(err.message, "busy"));
	/* what we took from usblp we gave back */
	assert_int_equal(with_lock_int(&dev.detaches), 1);
	assert_int_equal(with_lock_int(&dev.attaches), 1);
}

static void
test_unplugged_mid_job(void **state)
{
	struct printer_error err;
	struct printer *p;
	unsigned char job[20000];
	size_t sent = 0;

	(void)state;
	dev.unplug_after = 9000;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	p = printer_open("usb://04b8:0e15", &err);
	assert_non_null(p);
	memset(job, 'x', sizeof job);
	assert_int_equal(printer_print(p, job, sizeof job, &sent, &err), -1);
	assert_int_equal(err.code, PRINTER_EGONE);
	assert_int_equal(sent, 8192);                   /* two chunks got through */
	assert_non_null(strstr(err.message, "unplugged"));
	printer_close(p);
}

static void
test_not_found_and_serial(void **state)
{
	struct printer_error err;
	struct printer *p;

	(void)state;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	assert_null(printer_open("usb://dead:beef", &err));
	assert_int_equal(err.code, PRINTER_ENOTFOUND);
	assert_non_null(strstr(err.message, "no USB printer dead:beef"));
	assert_null(printer_open("usb://04b8:0e15?serial=SOMEONE-ELSE", &err));
	assert_int_equal(err.code, PRINTER_ENOTFOUND);
	p = printer_open("usb://04b8:0e15?serial=J7XF012345", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	printer_close(p);
}

/* Access denied the way it happens: the device node belongs to root and
 * the till runs as an ordinary user. A child drops to "nobody" (we may
 * be root here) after the node's mode is narrowed. */
static void
test_access_denied(void **state)
{
	char *node, *root, *cmd;
	pid_t pid;
	int status;

	(void)state;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	if (geteuid() != 0)
		skip();         /* cannot make a node someone else's without root */
	root = umockdev_testbed_get_root_dir(testbed);
	/* the rest of the emulated machine stays open to everyone (as /sys
	 * is); only the device node is root's */
	cmd = g_strdup_printf("chmod -R a+rwX %s", root);
	assert_int_equal(system(cmd), 0);
	g_free(cmd);
	node = g_strdup_printf("%s/dev/bus/usb/001/001", root);
	assert_int_equal(chmod(node, 0600), 0);
	g_free(node);
	g_free(root);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct printer_error err;
		struct printer *p;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(3);
		p = printer_open("usb://04b8:0e15", &err);
		if (p != NULL)
			_exit(4);
		if (err.code != PRINTER_EACCESS) {
			fprintf(stderr, "got %s: %s\n", printer_err_name(err.code), err.message);
			_exit(5);
		}
		if (strstr(err.message, "udev rule") == NULL)
			_exit(6);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The reader's key reports for text: key down, then all keys up. */
static void
type_keys(const char *s)
{
	unsigned char up[8] = { 0 };

	for (; *s; s++) {
		unsigned char rep[8] = { 0 };

		for (unsigned u = 4; u <= 0x38; u++) {
			if (hidreader_usage_char((unsigned char)u, 0) == *s) {
				rep[2] = (unsigned char)u;
				break;
			}
			if (hidreader_usage_char((unsigned char)u, 1) == *s) {
				rep[0] = 0x02;
				rep[2] = (unsigned char)u;
				break;
			}
		}
		if (*s == '\r')
			rep[2] = 0x28;
		assert_true(rep[2] != 0);
		queue_in(rep, 8);
		queue_in(up, 8);
	}
}

#define T1 "%B4111111111111111^DOE/JOHN^2912101000000000000000000?"
#define T2 ";4111111111111111=29121010000000000000?"

static void
test_hid_keyboard_mode(void **state)
{
	struct swipe_card card;
	enum swipe_result res;
	struct hidreader *r;
	char err[256];

	(void)state;
	plug("hid-reader-keyboard.umockdev", "/dev/bus/usb/001/002");
	r = hidreader_open("0801:0001", err, sizeof err);
	if (r == NULL)
		fail_msg("%s", err);
	/* nothing swiped: nothing comes, and the wait ends */
	assert_int_equal(hidreader_poll(r, 100, &card, &res, err, sizeof err), 0);

	pthread_mutex_lock(&dev.lock);
	type_keys(T1 T2 "\r");
	feed_in();
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_OK);
	assert_string_equal(card.brand, "VISA");
	assert_string_equal(card.last4, "1111");
	assert_string_equal(card.name, "JOHN DOE");

	/* a bad read says so */
	pthread_mutex_lock(&dev.lock);
	type_keys(";4111111111111112=2912101?\r");
	feed_in();
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_BAD_LUHN);
	assert_non_null(strstr(swipe_message(res), "swipe again"));
	assert_string_equal(card.last4, "");

	/* a swipe cut short (no Enter): a partial read once it goes quiet */
	pthread_mutex_lock(&dev.lock);
	type_keys(";41111111");
	feed_in();
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 3000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_PARTIAL);
	hidreader_close(r);
}

static void
test_hid_vendor_mode(void **state)
{
	unsigned char rep[HIDREADER_VENDOR_REPORT] = { 0 };
	struct swipe_card card;
	enum swipe_result res;
	struct hidreader *r;
	char err[256];

	(void)state;
	plug("hid-reader-vendor.umockdev", "/dev/bus/usb/001/003");
	r = hidreader_open("0801:0002", err, sizeof err);
	if (r == NULL)
		fail_msg("%s", err);
	rep[3] = sizeof T1 - 1;
	rep[4] = sizeof T2 - 1;
	memcpy(rep + 7, T1, sizeof T1 - 1);
	memcpy(rep + 7 + 110, T2, sizeof T2 - 1);
	pthread_mutex_lock(&dev.lock);
	queue_in(rep, sizeof rep);
	feed_in();
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_OK);
	assert_string_equal(card.last4, "1111");

	/* track 2 failed to decode, track 1 is garbage: swipe again */
	memset(rep, 0, sizeof rep);
	rep[1] = 1;
	rep[3] = 5;
	memcpy(rep + 7, "%XYZ?", 5);
	pthread_mutex_lock(&dev.lock);
	queue_in(rep, sizeof rep);
	feed_in();
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_GARBAGE);

	/* unplugged while waiting */
	pthread_mutex_lock(&dev.lock);
	dev.gone = true;
	pthread_mutex_unlock(&dev.lock);
	assert_int_equal(hidreader_poll(r, 2000, &card, &res, err, sizeof err), -1);
	assert_non_null(strstr(err, "card reader"));
	hidreader_close(r);

	assert_null(hidreader_open("0801:9999", err, sizeof err));
	assert_non_null(strstr(err, "no card reader 0801:9999"));
	assert_null(hidreader_open("nonsense", err, sizeof err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loaded_on_first_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_never_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unplugged_mid_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_serial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hid_keyboard_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hid_vendor_mode, setup, teardown),
	};

	if (getenv("LD_PRELOAD") == NULL || strstr(getenv("LD_PRELOAD"), "umockdev") == NULL) {
		printf("SKIP: run under umockdev-wrapper (Debian package umockdev)\n");
		return 77;
	}
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
