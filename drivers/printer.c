/* printer: URIs, the transport table and the status vocabulary. */
#include "printer.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

#define PRINTER_TIMEOUT_MS 5000
#define PRINTER_STATUS_TIMEOUT_MS 1000

static const struct transport *const printer_transports[] = {
	&transport_usb,
	&transport_cups,
	&transport_tcp,
	&transport_file,
};

static const char *const printer_err_names[PRINTER_ERR_COUNT] = {
	[PRINTER_OK] = "ok",
	[PRINTER_EURI] = "bad-uri",
	[PRINTER_ESCHEME] = "unknown-scheme",
	[PRINTER_ENOTFOUND] = "not-found",
	[PRINTER_EACCESS] = "access-denied",
	[PRINTER_EBUSY] = "busy",
	[PRINTER_EOFFLINE] = "offline",
	[PRINTER_ETIMEOUT] = "timeout",
	[PRINTER_EGONE] = "gone",
	[PRINTER_EIO] = "io-error",
	[PRINTER_EJOB] = "job-failed",
};

static const struct {
	unsigned bit;
	const char *yes, *no;
} printer_status_words[] = {
	{ PRINTER_ONLINE, "online", "offline" },
	{ PRINTER_PAPER_OUT, "paper out", NULL },
	{ PRINTER_PAPER_LOW, "paper low", NULL },
	{ PRINTER_COVER_OPEN, "cover open", NULL },
	{ PRINTER_DRAWER_OPEN, "drawer open", "drawer closed" },
};

const char *
printer_err_name(enum printer_err e)
{
	return (unsigned)e < PRINTER_ERR_COUNT ? printer_err_names[e] : "?";
}

int
printer_fail_at(const char *func, struct printer_error *err, enum printer_err code,
    const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	log_write(LOG_WARN, func, "%s: %s", printer_err_name(code), err->message);
	return -1;
}

static int
printer_hex16(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n < 1 || n > 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return 0;
}

static int
printer_uri_usb(const char *rest, struct printer_uri *u, struct printer_error *err)
{
	const char *colon = strchr(rest, ':');
	const char *q = strchr(rest, '?');
	size_t pidlen;

	if (colon == NULL || (q != NULL && q < colon))
		return printer_fail(err, PRINTER_EURI, "usb:// needs VID:PID in hex, as in usb://04b8:0e15");
	pidlen = q ? (size_t)(q - colon - 1) : strlen(colon + 1);
	if (printer_hex16(rest, (size_t)(colon - rest), &u->vid) < 0 ||
	    printer_hex16(colon + 1, pidlen, &u->pid) < 0)
		return printer_fail(err, PRINTER_EURI, "usb:// needs VID:PID in hex, as in usb://04b8:0e15");
	if (q != NULL) {
		if (strncmp(q + 1, "serial=", 7) != 0 || q[8] == '\0' ||
		    strlen(q + 8) >= sizeof u->serial)
			return printer_fail(err, PRINTER_EURI, "usb:// takes only ?serial=S");
		xstrlcpy(u->serial, q + 8, sizeof u->serial);
	}
	return 0;
}

static int
printer_uri_tcp(const char *rest, struct printer_uri *u, struct printer_error *err)
{
	const char *port = NULL;
	size_t hostlen;

	u->port = 9100;
	if (rest[0] == '[') {           /* [::1]:9100 */
		const char *close = strchr(rest, ']');

		if (close == NULL)
			return printer_fail(err, PRINTER_EURI, "unclosed [ in tcp:// address");
		hostlen = (size_t)(close - rest - 1);
		memcpy(u->target, rest + 1, hostlen);
		u->target[hostlen] = '\0';
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return printer_fail(err, PRINTER_EURI, "junk after ] in tcp:// address");
	} else {
		const char *colon = strchr(rest, ':');

		hostlen = colon ? (size_t)(colon - rest) : strlen(rest);
		if (hostlen >= 254)
			return printer_fail(err, PRINTER_EURI, "host name too long");
		memcpy(u->target, rest, hostlen);
		u->target[hostlen] = '\0';
		if (colon)
			port = colon + 1;
		for (size_t i = 0; i < hostlen; i++) {
			if (!isalnum((unsigned char)rest[i]) && rest[i] != '.' && rest[i] != '-')
				return printer_fail(err, PRINTER_EURI, "bad host name in tcp:// URI");
		}
	}
	if (u->target[0] == '\0')
		return printer_fail(err, PRINTER_EURI, "tcp:// needs a host, as in tcp://10.0.0.9:9100");
	if (port != NULL) {
		char *end;
		long v = strtol(port, &end, 10);

		if (*port == '\0' || *end != '\0' || v < 1 || v > 65535)
			return printer_fail(err, PRINTER_EURI, "bad port in tcp:// URI");
		u->port = (int)v;
	}
	return 0;
}

int
printer_uri_parse(const char *uri, struct printer_uri *u, struct printer_error *err)
{
	const char *sep;
	size_t n;

	memset(u, 0, sizeof *u);
	err->code = PRINTER_OK;
	err->message[0] = '\0';
	if (uri == NULL || (sep = strstr(uri, "://")) == NULL)
		return printer_fail(err, PRINTER_EURI,
		    "\"%.60s\" is not a printer URI (usb://, cups://, tcp:// or file://)",
		    uri ? uri : "");
	n = (size_t)(sep - uri);
	if (n == 0 || n >= sizeof u->scheme) {
		return printer_fail(err, PRINTER_ESCHEME,
		    "unknown printer type \"%.*s\": use usb://, cups://, tcp:// or file://",
		    (int)(n > 20 ? 20 : n), uri);
	}
	memcpy(u->scheme, uri, n);
	u->scheme[n] = '\0';
	for (char *c = u->scheme; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	sep += 3;
	if (strcmp(u->scheme, "usb") == 0)
		return printer_uri_usb(sep, u, err);
	if (strcmp(u->scheme, "tcp") == 0)
		return printer_uri_tcp(sep, u, err);
	if (strcmp(u->scheme, "cups") == 0) {
		size_t len = strlen(sep);

		if (len == 0 || len > 127 || strspn(sep,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
			return printer_fail(err, PRINTER_EURI,
			    "cups:// needs a queue name (letters, digits, _ . -)");
		xstrlcpy(u->target, sep, sizeof u->target);
		return 0;
	}
	if (strcmp(u->scheme, "file") == 0) {
		if (sep[0] != '/' || strlen(sep) >= sizeof u->target)
			return printer_fail(err, PRINTER_EURI,
			    "file:// needs an absolute path, as in file:///dev/usb/lp0");
		xstrlcpy(u->target, sep, sizeof u->target);
		return 0;
	}
	return printer_fail(err, PRINTER_ESCHEME,
	    "unknown printer type \"%s\": use usb://, cups://, tcp:// or file://", u->scheme);
}

struct printer *
printer_open(const char *uri, struct printer_error *err)
{
	struct printer_uri u;
	struct printer *p;

	if (printer_uri_parse(uri, &u, err) < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->uri = u;
	p->uri_text = xstrdup(uri);
	p->timeout_ms = PRINTER_TIMEOUT_MS;
	p->status_timeout_ms = PRINTER_STATUS_TIMEOUT_MS;
	p->drawer_open_high = true;
	for (size_t i = 0; i < sizeof printer_transports / sizeof printer_transports[0]; i++) {
		if (strcmp(printer_transports[i]->scheme, u.scheme) == 0)
			p->t = printer_transports[i];
	}
	if (p->t->open(p, err) < 0) {
		free(p->uri_text);
		free(p);
		return NULL;
	}
	return p;
}

void
printer_close(struct printer *p)
{
	if (p == NULL)
		return;
	p->t->close(p);
	free(p->uri_text);
	free(p);
}

int
printer_print(struct printer *p, const void *data, size_t len, size_t *sent,
    struct printer_error *err)
{
	size_t dummy;

	if (sent == NULL)
		sent = &dummy;
	*sent = 0;
	err->code = PRINTER_OK;
	err->message[0] = '\0';
	return p->t->print(p, data, len, sent, err);
}

int
printer_status(struct printer *p, struct printer_status *st, struct printer_error *err)
{
	st->known = st->flags = 0;
	err->code = PRINTER_OK;
	err->message[0] = '\0';
	if (p->t->status == NULL)
		return 0;
	return p->t->status(p, st, err);
}

const char *
printer_status_text(const struct printer_status *st, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof printer_status_words / sizeof printer_status_words[0]; i++) {
		const char *w;

		if (!(st->known & printer_status_words[i].bit))
			continue;
		w = (st->flags & printer_status_words[i].bit) ? printer_status_words[i].yes :
		    printer_status_words[i].no;
		if (w == NULL)
			continue;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? ", " : "", w);
		if (n >= size)
			break;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "unknown");
	else if (!(st->known & PRINTER_PAPER_OUT) && n < size)
		snprintf(buf + n, size - n, ", paper unknown");
	return buf;
}

int
printer_decode_status(int n, unsigned char b, bool drawer_open_high, struct printer_status *st)
{
	/* every answer has bits 1 and 4 set and bits 0 and 7 clear */
	if ((b & 0x93) != 0x12)
		return -1;
	switch (n) {
	case 1:
		st->known |= PRINTER_ONLINE | PRINTER_DRAWER_OPEN;
		if (!(b & 0x08))
			st->flags |= PRINTER_ONLINE;
		if (((b & 0x04) != 0) == drawer_open_high)
			st->flags |= PRINTER_DRAWER_OPEN;
		return 0;
	case 2:
		st->known |= PRINTER_COVER_OPEN;
		if (b & 0x04)
			st->flags |= PRINTER_COVER_OPEN;
		return 0;
	case 4:
		st->known |= PRINTER_PAPER_LOW | PRINTER_PAPER_OUT;
		if (b & 0x0c)
			st->flags |= PRINTER_PAPER_LOW;
		if (b & 0x60)
			st->flags |= PRINTER_PAPER_OUT;
		return 0;
	default:
		return -1;
	}
}

int
printer_dle_status(struct printer *p,
    int (*xchg)(struct printer *p, const unsigned char *q, size_t n,
        unsigned char *answer, int timeout_ms, struct printer_error *err),
    struct printer_status *st, struct printer_error *err)
{
	static const int queries[] = { 1, 2, 4 };

	st->known = st->flags = 0;
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		unsigned char q[3] = { 0x10, 0x04, (unsigned char)queries[i] }, b;
		int rc = xchg(p, q, sizeof q, &b, p->status_timeout_ms, err);

		if (rc < 0)
			return -1;
		if (rc == 0) {
			/* no answer: this printer (or cable) does not talk back;
			 * later queries would only wait as long again */
			if (i == 0)
				log_debug("%s does not answer DLE EOT", p->uri_text);
			break;
		}
		if (printer_decode_status(queries[i], b, p->drawer_open_high, st) < 0) {
			log_warn("%s: odd status byte 0x%02x for DLE EOT %d", p->uri_text,
			    b, queries[i]);
			break;
		}
	}
	return 0;
}

int
printer_wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	return rc;
}
