/* dynlib: libcups and libusb, opened with dlopen() the first time a
 * cups:// printer or a USB printer or card reader is used, instead of
 * being linked. Linked, they load into every program at start (libcups
 * brings GnuTLS, p11-kit, avahi, dbus and krb5; libusb brings libudev),
 * about 2 MB of resident memory in each screen, though most tills never
 * print through CUPS or USB.
 *
 * The real headers still give the types, the constants and, through
 * __typeof__, each function's prototype. For the transports and the card
 * reader only: <cups/cups.h> and libwebsockets' headers both define
 * HTTP_STATUS_*.
 *
 *   char why[200];
 *
 *   if (dynlib_cups_load(why, sizeof why) < 0)
 *           return printer_fail(err, PRINTER_ENOTFOUND, "%s", why);
 *   req = dynlib_cups.ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
 */
#ifndef BRIGADE_DYNLIB_H
#define BRIGADE_DYNLIB_H

#include <cups/cups.h>
#include <libusb.h>
#include <stddef.h>

/* Every libcups and libusb function Brigade calls; a call to one not
 * listed here fails to link, so none is missed. */
#define DYNLIB_CUPS_FUNCS(X) \
	X(cupsCancelJob2) X(cupsCreateJob) X(cupsDoRequest) X(cupsEncryption) \
	X(cupsFinishDocument) X(cupsLastError) X(cupsLastErrorString) X(cupsServer) \
	X(cupsStartDocument) X(cupsWriteRequestData) X(httpAssembleURIf) X(httpClose) \
	X(httpConnect2) X(ippAddInteger) X(ippAddString) X(ippAddStrings) X(ippDelete) \
	X(ippFindAttribute) X(ippGetCount) X(ippGetInteger) X(ippGetStatusCode) \
	X(ippGetString) X(ippNewRequest) X(ippPort)

#define DYNLIB_USB_FUNCS(X) \
	X(libusb_attach_kernel_driver) X(libusb_bulk_transfer) X(libusb_claim_interface) \
	X(libusb_clear_halt) X(libusb_close) X(libusb_detach_kernel_driver) X(libusb_exit) \
	X(libusb_free_config_descriptor) X(libusb_free_device_list) \
	X(libusb_get_active_config_descriptor) X(libusb_get_config_descriptor) \
	X(libusb_get_device_descriptor) X(libusb_get_device_list) \
	X(libusb_get_string_descriptor_ascii) X(libusb_init) X(libusb_interrupt_transfer) \
	X(libusb_kernel_driver_active) X(libusb_open) X(libusb_release_interface) \
	X(libusb_strerror)

#define DYNLIB_MEMBER(f) __typeof__(&f) f;

/* Members are named after the functions they point to. */
struct dynlib_cups {
	DYNLIB_CUPS_FUNCS(DYNLIB_MEMBER)
};

struct dynlib_usb {
	DYNLIB_USB_FUNCS(DYNLIB_MEMBER)
};

/* Filled by a successful load, and never changed after it. */
extern struct dynlib_cups dynlib_cups;
extern struct dynlib_usb dynlib_usb;

/* Load the library if it is not yet loaded: 0, or -1 with a sentence in
 * err naming the Debian package to install. Safe from any thread; a
 * failure is tried again on the next call, so installing the package
 * fixes a running till. */
int dynlib_cups_load(char *err, size_t errsize);
int dynlib_usb_load(char *err, size_t errsize);

#endif
