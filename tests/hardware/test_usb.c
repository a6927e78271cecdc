/* test_usb: the usb:// printer transport and the USB HID card reader on
 * umockdev-emulated devices (descriptions in tests/hardware/usb/), whose
 * side of usbfs usbdev.c plays: it records the bytes the printer
 * receives, answers DLE EOT, holds a kernel driver that must be detached
 * and given back, and can be busy, answer nothing, or be unplugged
 * mid-job. libusb is loaded by the first USB device opened, not
 * at start, and umockdev still sees it. Runs under umockdev-wrapper;
 * skips (77) outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glib.h>
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
#include "usbdev.h"
#include "util.h"
#include "xalloc.h"

#ifndef USB_DATA_DIR
#error USB_DATA_DIR must name tests/hardware/usb
#endif

static UMockdevTestbed *testbed;        /* usbdev's: freed by usbdev_clear */

/* A fresh testbed holding one device described in tests/hardware/usb/. */
static void
plug(const char *file, const char *node)
{
	GError *error = NULL;

	testbed = usbdev_plug(USB_DATA_DIR, file, node, &error);
	if (testbed == NULL)
		fail_msg("%s: %s", file, error->message);
}

static int
setup(void **state)
{
	(void)state;
	usbdev_reset();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	usbdev_clear();
	return 0;
}

static int
with_lock_int(const int *v)
{
	int r;

	pthread_mutex_lock(&usbdev.lock);
	r = *v;
	pthread_mutex_unlock(&usbdev.lock);
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
	usbdev.driver = true;          /* usblp has it, as on a real system */
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	p = printer_open("usb://04b8:0e15", &err);
	if (p == NULL)
		fail_msg("%s", err.message);
	assert_int_equal(with_lock_int(&usbdev.detaches), 1);
	for (size_t i = 0; i < sizeof job; i++)
		job[i] = (unsigned char)(i * 7 + 3);
	job[0] = 0x1b;
	job[1] = '@';
	assert_int_equal(printer_print(p, job, sizeof job, &sent, &err), 0);
	assert_int_equal(sent, sizeof job);
	pthread_mutex_lock(&usbdev.lock);
	assert_int_equal(usbdev.out->len, sizeof job);
	assert_memory_equal(usbdev.out->data, job, sizeof job);
	g_byte_array_set_size(usbdev.out, 0);
	pthread_mutex_unlock(&usbdev.lock);

	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "online, drawer closed");
	pthread_mutex_lock(&usbdev.lock);
	assert_memory_equal(usbdev.out->data, "\x10\x04\x01\x10\x04\x02\x10\x04\x04", 9);
	usbdev.paper_out = true;
	pthread_mutex_unlock(&usbdev.lock);
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf),
	    "offline, paper out, paper low, drawer closed");
	printer_close(p);
	/* usblp gets its printer back */
	assert_int_equal(with_lock_int(&usbdev.attaches), 1);
}

static void
test_status_never_answers(void **state)
{
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	int64_t t0;

	(void)state;
	usbdev.answer_status = false;
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
	usbdev.busy = true;
	usbdev.driver = true;
	plug("tm-t20.umockdev", "/dev/bus/usb/001/001");
	assert_null(printer_open("usb://04b8:0e15", &err));
	assert_int_equal(err.code, PRINTER_EBUSY);
	assert_non_null(strstr(err.message, "busy"));
	/* what we took from usblp we gave back */
	assert_int_equal(with_lock_int(&usbdev.detaches), 1);
	assert_int_equal(with_lock_int(&usbdev.attaches), 1);
}

static void
test_unplugged_mid_job(void **state)
{
	struct printer_error err;
	struct printer *p;
	unsigned char job[20000];
	size_t sent = 0;

	(void)state;
	usbdev.unplug_after = 9000;
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

/* The reader's key reports for text. Lock held. */
static void
type_keys(const char *s)
{
	assert_int_equal(usbdev_type_keys(s), 0);
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

	pthread_mutex_lock(&usbdev.lock);
	type_keys(T1 T2 "\r");
	usbdev_feed_in();
	pthread_mutex_unlock(&usbdev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_OK);
	assert_string_equal(card.brand, "VISA");
	assert_string_equal(card.last4, "1111");
	assert_string_equal(card.name, "JOHN DOE");

	/* a bad read says so */
	pthread_mutex_lock(&usbdev.lock);
	type_keys(";4111111111111112=2912101?\r");
	usbdev_feed_in();
	pthread_mutex_unlock(&usbdev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_BAD_LUHN);
	assert_non_null(strstr(swipe_message(res), "swipe again"));
	assert_string_equal(card.last4, "");

	/* a swipe cut short (no Enter): a partial read once it goes quiet */
	pthread_mutex_lock(&usbdev.lock);
	type_keys(";41111111");
	usbdev_feed_in();
	pthread_mutex_unlock(&usbdev.lock);
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
	pthread_mutex_lock(&usbdev.lock);
	usbdev_queue_in(rep, sizeof rep);
	usbdev_feed_in();
	pthread_mutex_unlock(&usbdev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_OK);
	assert_string_equal(card.last4, "1111");

	/* track 2 failed to decode, track 1 is garbage: swipe again */
	memset(rep, 0, sizeof rep);
	rep[1] = 1;
	rep[3] = 5;
	memcpy(rep + 7, "%XYZ?", 5);
	pthread_mutex_lock(&usbdev.lock);
	usbdev_queue_in(rep, sizeof rep);
	usbdev_feed_in();
	pthread_mutex_unlock(&usbdev.lock);
	assert_int_equal(hidreader_poll(r, 5000, &card, &res, err, sizeof err), 1);
	assert_int_equal(res, SWIPE_GARBAGE);

	/* unplugged while waiting */
	pthread_mutex_lock(&usbdev.lock);
	usbdev.gone = true;
	pthread_mutex_unlock(&usbdev.lock);
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
