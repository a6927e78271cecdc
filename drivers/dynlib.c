/* dynlib: libcups and libusb loaded on first use, not at start. */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* dlsym() hands back a void *; POSIX makes it convertible to a function
 * pointer, which is stored by copying its bytes into the table. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "function pointers are not the size of void *");

struct dynlib_sym {
	const char *name;
	size_t offset;              /* of its member in the table */
};

struct dynlib {
	const char *soname;
	const char *needed_by;      /* who needs it, for the error */
	const char *package;        /* the Debian package that has it */
	const struct dynlib_sym *syms;
	size_t nsyms;
	void *table;                /* struct dynlib_cups or dynlib_usb */
	bool loaded;
};

#define DYNLIB_CUPS_SYM(f) { #f, offsetof(struct dynlib_cups, f) },
#define DYNLIB_USB_SYM(f) { #f, offsetof(struct dynlib_usb, f) },

static const struct dynlib_sym dynlib_cups_syms[] = { DYNLIB_CUPS_FUNCS(DYNLIB_CUPS_SYM) };
static const struct dynlib_sym dynlib_usb_syms[] = { DYNLIB_USB_FUNCS(DYNLIB_USB_SYM) };

struct dynlib_cups dynlib_cups;
struct dynlib_usb dynlib_usb;

static struct dynlib dynlib_libcups = {
	.soname = "libcups.so.2",
	.needed_by = "cups:// printers",
	.package = "libcups2",
	.syms = dynlib_cups_syms,
	.nsyms = sizeof dynlib_cups_syms / sizeof dynlib_cups_syms[0],
	.table = &dynlib_cups,
};

static struct dynlib dynlib_libusb = {
	.soname = "libusb-1.0.so.0",
	.needed_by = "USB printers and card readers",
	.package = "libusb-1.0-0",
	.syms = dynlib_usb_syms,
	.nsyms = sizeof dynlib_usb_syms / sizeof dynlib_usb_syms[0],
	.table = &dynlib_usb,
};

/* The print queue runs on its own thread and the card reader on another. */
static pthread_mutex_t dynlib_lock = PTHREAD_MUTEX_INITIALIZER;

/* The caller reports it (printer error, card reader state) as for any
 * other failure to open the device. */
static int
dynlib_fail(const struct dynlib *lib, const char *why, char *err, size_t errsize)
{
	snprintf(err, errsize, "%s need %s (apt-get install %s): %s", lib->needed_by,
	    lib->package, lib->package, why != NULL ? why : "unknown error");
	return -1;
}

/* dlopen the library and fill its table, all or nothing. RTLD_LOCAL keeps
 * its symbols from resolving anyone else's. */
static int
dynlib_load(struct dynlib *lib, char *err, size_t errsize)
{
	void *h;
	int rc = -1;

	pthread_mutex_lock(&dynlib_lock);
	if (lib->loaded) {
		rc = 0;
		goto out;
	}
	if ((h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		dynlib_fail(lib, dlerror(), err, errsize);
		goto out;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *f = dlsym(h, lib->syms[i].name);

		if (f == NULL) {
			const char *e = dlerror();      /* names the symbol and the file */
			char why[160];

			/* copied: dlclose() may free dlerror()'s text */
			snprintf(why, sizeof why, "%s", e != NULL ? e : lib->syms[i].name);
			dlclose(h);
			dynlib_fail(lib, why, err, errsize);
			goto out;
		}
		memcpy((char *)lib->table + lib->syms[i].offset, &f, sizeof f);
	}
	lib->loaded = true;
	rc = 0;
out:
	pthread_mutex_unlock(&dynlib_lock);
	return rc;
}

int
dynlib_cups_load(char *err, size_t errsize)
{
	return dynlib_load(&dynlib_libcups, err, errsize);
}

int
dynlib_usb_load(char *err, size_t errsize)
{
	return dynlib_load(&dynlib_libusb, err, errsize);
}
