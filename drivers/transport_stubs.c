/* transport_stubs: placeholder while the usb transport lands. */
#include "printer.h"

static int
stub_open(struct printer *p, struct printer_error *err)
{
	return printer_fail(err, PRINTER_ESCHEME, "%s:// is not built in yet", p->uri.scheme);
}

static int
stub_print(struct printer *p, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	return -1;
}

static void
stub_close(struct printer *p)
{
}

const struct transport transport_usb = { "usb", stub_open, stub_print, NULL, stub_close };
