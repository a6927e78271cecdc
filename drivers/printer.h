/* printer: a printer addressed by URI, behind one interface whatever the
 * wire: usb://VID:PID[?serial=S], cups://QUEUE, tcp://HOST[:PORT] and
 * file:///path (also character devices such as /dev/usb/lp0). Each
 * transport lives in its own transport_*.c behind struct transport.
 *
 *   struct printer_error err;
 *   struct printer *p = printer_open("tcp://10.0.0.9", &err);
 *   printer_print(p, bytes, len, &sent, &err);
 *   printer_status(p, &st, &err);
 *   printer_close(p);
 */
#ifndef BRIGADE_PRINTER_H
#define BRIGADE_PRINTER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum printer_err {
	PRINTER_OK,
	PRINTER_EURI,           /* malformed URI */
	PRINTER_ESCHEME,        /* a scheme we have no transport for */
	PRINTER_ENOTFOUND,      /* no such device, queue, host or file */
	PRINTER_EACCESS,        /* permission denied (udev rule, lp group) */
	PRINTER_EBUSY,          /* another driver or program holds it */
	PRINTER_EOFFLINE,       /* unreachable: off, unplugged, refused */
	PRINTER_ETIMEOUT,       /* it stopped taking bytes */
	PRINTER_EGONE,          /* vanished in the middle of a job */
	PRINTER_EIO,            /* anything else the wire reported */
	PRINTER_EJOB,           /* the spooler reports the job failed */
	PRINTER_ERR_COUNT
};

struct printer_error {
	enum printer_err code;
	char message[256];      /* a sentence for the person who can fix it */
};

/* Status bits. `known` says which of them the transport could tell; a bit
 * outside `known` is "unknown", never "no". */
#define PRINTER_ONLINE 0x01u
#define PRINTER_PAPER_LOW 0x02u
#define PRINTER_PAPER_OUT 0x04u
#define PRINTER_COVER_OPEN 0x08u
#define PRINTER_DRAWER_OPEN 0x10u

struct printer_status {
	unsigned known;
	unsigned flags;
};

struct printer_uri {
	char scheme[8];
	char target[PATH_MAX];  /* tcp host, cups queue, file path */
	int port;               /* tcp */
	unsigned vid, pid;      /* usb */
	char serial[64];        /* usb, optional */
};

struct printer;

/* One backend. print() sends one whole job; status() is NULL for a
 * transport that can never tell. */
struct transport {
	const char *scheme;
	int (*open)(struct printer *p, struct printer_error *err);
	int (*print)(struct printer *p, const unsigned char *buf, size_t len,
	    size_t *sent, struct printer_error *err);
	int (*status)(struct printer *p, struct printer_status *st,
	    struct printer_error *err);
	void (*close)(struct printer *p);
};

struct printer {
	const struct transport *t;
	struct printer_uri uri;
	char *uri_text;
	int timeout_ms;             /* per write and per connect */
	int status_timeout_ms;      /* per DLE EOT answer */
	bool drawer_open_high;      /* from the profile; see profile.h */
	void *impl;                 /* the transport's own state */
};

int printer_uri_parse(const char *uri, struct printer_uri *u,
    struct printer_error *err);

/* Open a printer. NULL with err filled (bad URI, unknown scheme, device
 * missing, access denied, busy...). Nothing is printed by opening. */
struct printer *printer_open(const char *uri, struct printer_error *err);
void printer_close(struct printer *p);

/* Send one job. Returns 0 when the transport took every byte; -1 with
 * err, and *sent telling how many bytes went out before the failure
 * (0 means the printer saw nothing and a retry cannot print twice). */
int printer_print(struct printer *p, const void *data, size_t len,
    size_t *sent, struct printer_error *err);

/* What the printer says about itself. Returns 0 (st->known may be 0 when
 * the printer does not answer status queries), or -1 when the printer
 * cannot be reached at all. */
int printer_status(struct printer *p, struct printer_status *st,
    struct printer_error *err);

/* "online, paper low", "offline, cover open", "unknown". */
const char *printer_status_text(const struct printer_status *st, char *buf,
    size_t size);
const char *printer_err_name(enum printer_err e);

/* For transports: poll one fd for events, retrying on EINTR; poll()'s
 * result (0 on timeout). */
int printer_wait_fd(int fd, short events, int timeout_ms);

/* For transports: set err, log it under the caller's name, return -1. */
int printer_fail_at(const char *func, struct printer_error *err,
    enum printer_err code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define printer_fail(err, code, ...) \
	printer_fail_at(__func__, (err), (code), __VA_ARGS__)

/* For transports that carry ESC/POS both ways: ask DLE EOT 1, 2 and 4
 * through xchg (send the query, wait up to timeout_ms for one byte; it
 * returns 1 with the byte, 0 on no answer, -1 when the link failed) and
 * decode the answers. A printer that never answers is "unknown". */
int printer_dle_status(struct printer *p,
    int (*xchg)(struct printer *p, const unsigned char *q, size_t n,
        unsigned char *answer, int timeout_ms, struct printer_error *err),
    struct printer_status *st, struct printer_error *err);

/* Decode one DLE EOT answer (n = 1, 2 or 4) into st; -1 if the byte is
 * not a well-formed answer (fixed bits wrong). */
int printer_decode_status(int n, unsigned char b, bool drawer_open_high,
    struct printer_status *st);

extern const struct transport transport_file;
extern const struct transport transport_tcp;
extern const struct transport transport_cups;
extern const struct transport transport_usb;

#endif
