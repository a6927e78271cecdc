/* test_printer: printer URIs (good, malformed, unknown scheme), the file
 * transport (files, character devices, missing and forbidden paths), the
 * DLE EOT status decoding and how status reads to a person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "printer.h"

static void
test_uris(void **state)
{
	struct printer_uri u;
	struct printer_error err;

	(void)state;
	assert_int_equal(printer_uri_parse("usb://04b8:0e15", &u, &err), 0);
	assert_string_equal(u.scheme, "usb");
	assert_int_equal(u.vid, 0x04b8);
	assert_int_equal(u.pid, 0x0e15);
	assert_string_equal(u.serial, "");
	assert_int_equal(printer_uri_parse("USB://4B8:E15?serial=J7XF012345", &u, &err), 0);
	assert_int_equal(u.vid, 0x04b8);
	assert_string_equal(u.serial, "J7XF012345");
	assert_int_equal(printer_uri_parse("tcp://10.0.0.9", &u, &err), 0);
	assert_string_equal(u.target, "10.0.0.9");
	assert_int_equal(u.port, 9100);
	assert_int_equal(printer_uri_parse("tcp://printer-1.local:9101", &u, &err), 0);
	assert_int_equal(u.port, 9101);
	assert_int_equal(printer_uri_parse("tcp://[::1]:9100", &u, &err), 0);
	assert_string_equal(u.target, "::1");
	assert_int_equal(printer_uri_parse("cups://Kitchen_TM-T20", &u, &err), 0);
	assert_string_equal(u.target, "Kitchen_TM-T20");
	assert_int_equal(printer_uri_parse("file:///dev/usb/lp0", &u, &err), 0);
	assert_string_equal(u.target, "/dev/usb/lp0");

	static const struct {
		const char *uri;
		enum printer_err code;
	} bad[] = {
		{ "", PRINTER_EURI },
		{ "/dev/usb/lp0", PRINTER_EURI },
		{ "lpd://host/queue", PRINTER_ESCHEME },
		{ "://x", PRINTER_ESCHEME },
		{ "usb://04b8", PRINTER_EURI },
		{ "usb://04b8:", PRINTER_EURI },
		{ "usb://xyz:0e15", PRINTER_EURI },
		{ "usb://04b80:0e15", PRINTER_EURI },
		{ "usb://04b8:0e15?vendor=1", PRINTER_EURI },
		{ "usb://04b8:0e15?serial=", PRINTER_EURI },
		{ "tcp://", PRINTER_EURI },
		{ "tcp://host:0", PRINTER_EURI },
		{ "tcp://host:70000", PRINTER_EURI },
		{ "tcp://host:91x", PRINTER_EURI },
		{ "tcp://ho st", PRINTER_EURI },
		{ "tcp://[::1", PRINTER_EURI },
		{ "cups://", PRINTER_EURI },
		{ "cups://a/b", PRINTER_EURI },
		{ "file://relative/path", PRINTER_EURI },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (printer_uri_parse(bad[i].uri, &u, &err) != -1 || err.code != bad[i].code)
			fail_msg("\"%s\": code %d, want %d", bad[i].uri, err.code, bad[i].code);
		assert_true(err.message[0] != '\0');
		assert_null(printer_open(bad[i].uri, &err));
		assert_int_equal(err.code, bad[i].code);
	}
	assert_int_equal(printer_uri_parse("lpd://x", &u, &err), -1);
	assert_non_null(strstr(err.message, "unknown printer type \"lpd\""));
}

static void
test_file_transport(void **state)
{
	struct printer_error err;
	struct printer_status st;
	struct printer *p;
	char path[64], uri[80], buf[64];
	size_t sent = 99;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof path, "/tmp/test_printer_%d.bin", (int)getpid());
	snprintf(uri, sizeof uri, "file://%s", path);
	unlink(path);
	p = printer_open(uri, &err);
	assert_non_null(p);
	assert_int_equal(printer_print(p, "\x1b@hello\n", 8, &sent, &err), 0);
	assert_int_equal(sent, 8);
	assert_int_equal(printer_print(p, "more", 4, &sent, &err), 0);
	/* a plain file says nothing about paper: unknown, said as unknown */
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_int_equal(st.known, 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "unknown");
	printer_close(p);
	fp = fopen(path, "rb");
	assert_int_equal(fread(buf, 1, sizeof buf, fp), 12);
	fclose(fp);
	assert_memory_equal(buf, "\x1b@hello\nmore", 12);
	unlink(path);

	/* a character device that never answers: status unknown, no hang */
	p = printer_open("file:///dev/null", &err);
	assert_non_null(p);
	assert_int_equal(printer_print(p, "x", 1, &sent, &err), 0);
	assert_int_equal(printer_status(p, &st, &err), 0);
	assert_int_equal(st.known, 0);
	printer_close(p);

	assert_null(printer_open("file:///nonexistent-dir/lp0", &err));
	assert_int_equal(err.code, PRINTER_ENOTFOUND);
	assert_non_null(strstr(err.message, "/nonexistent-dir/lp0"));
	assert_null(printer_open("file:///tmp", &err));
	assert_int_equal(err.code, PRINTER_ENOTFOUND);
	if (geteuid() != 0) {
		assert_null(printer_open("file:///proc/version", &err));
		assert_int_equal(err.code, PRINTER_EACCESS);
		assert_non_null(strstr(err.message, "udev"));
	}
}

static void
test_status_decoding(void **state)
{
	struct printer_status st = { 0, 0 };
	char buf[96];

	(void)state;
	assert_int_equal(printer_decode_status(1, 0x12, false, &st), 0);
	assert_int_equal(printer_decode_status(2, 0x12, false, &st), 0);
	assert_int_equal(printer_decode_status(4, 0x12, false, &st), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf), "online, drawer open");
	memset(&st, 0, sizeof st);
	assert_int_equal(printer_decode_status(1, 0x1e, false, &st), 0);  /* offline, pin 3 high */
	assert_int_equal(printer_decode_status(2, 0x36, false, &st), 0);  /* cover, paper end */
	assert_int_equal(printer_decode_status(4, 0x7e, false, &st), 0);  /* near end + end */
	assert_string_equal(printer_status_text(&st, buf, sizeof buf),
	    "offline, paper out, paper low, cover open, drawer closed");
	assert_int_equal(printer_decode_status(1, 0xff, false, &st), -1);
	assert_int_equal(printer_decode_status(1, 0x00, false, &st), -1);
	assert_int_equal(printer_decode_status(3, 0x12, false, &st), -1);
	memset(&st, 0, sizeof st);
	assert_int_equal(printer_decode_status(1, 0x12, true, &st), 0);
	assert_string_equal(printer_status_text(&st, buf, sizeof buf),
	    "online, drawer closed, paper unknown");
	assert_string_equal(printer_err_name(PRINTER_EACCESS), "access-denied");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_file_transport),
		cmocka_unit_test(test_status_decoding),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
