/* usbdev-serve: one emulated USB device for another process, as
 * umockdev-run does, with a script on standard input playing the person at
 * the device.
 *
 *   usbdev-serve DIR FILE NODE [MANUFACTURER PRODUCT]
 *
 * It makes a umockdev testbed holding DIR/FILE (a description from
 * tests/hardware/usb/) with usbdev's handler on NODE, then prints
 * "UMOCKDEV_DIR=PATH": a program run with that variable and umockdev's
 * preload library (LD_PRELOAD=libumockdev-preload.so.0) sees the device.
 * Then it reads commands, one a line, and answers each with "ok" or
 * "error: WHY":
 *
 *   swipe TEXT     a keyboard-mode card reader sends TEXT then Enter
 *   unplug         the cable comes out: every request fails with ENODEV
 *   plug           and goes back in
 *   printed        how many bytes the device received so far ("ok N")
 *
 * End of input ends it, and the testbed with it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usbdev.h"

static void
answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
answer(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
command(char *line)
{
	char *arg = strchr(line, ' ');

	if (arg != NULL)
		*arg++ = '\0';
	pthread_mutex_lock(&usbdev.lock);
	if (strcmp(line, "swipe") == 0 && arg != NULL) {
		char *text = g_strdup_printf("%s\r", arg);
		int rc = usbdev_type_keys(text);

		g_free(text);
		usbdev_feed_in();
		if (rc < 0)
			answer("error: a character of the swipe has no key");
		else
			answer("ok");
	} else if (strcmp(line, "unplug") == 0) {
		usbdev.gone = true;
		answer("ok");
	} else if (strcmp(line, "plug") == 0) {
		usbdev.gone = false;
		answer("ok");
	} else if (strcmp(line, "printed") == 0) {
		answer("ok %u", usbdev.out->len);
	} else {
		answer("error: unknown command \"%s\"", line);
	}
	pthread_mutex_unlock(&usbdev.lock);
}

int
main(int argc, char **argv)
{
	UMockdevTestbed *tb;
	GError *error = NULL;
	char line[4096];
	char *root;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: usbdev-serve DIR FILE NODE [MANUFACTURER PRODUCT]\n");
		return 2;
	}
	usbdev_reset();
	if (argc == 6) {
		usbdev.manufacturer = argv[4];
		usbdev.product = argv[5];
	}
	tb = usbdev_plug(argv[1], argv[2], argv[3], &error);
	if (tb == NULL) {
		fprintf(stderr, "usbdev-serve: %s/%s: %s\n", argv[1], argv[2], error->message);
		g_error_free(error);
		usbdev_clear();
		return 1;
	}
	root = umockdev_testbed_get_root_dir(tb);
	answer("UMOCKDEV_DIR=%s", root);
	g_free(root);
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			command(line);
	}
	usbdev_clear();
	return 0;
}
