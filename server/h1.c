/* h1: the HTTP/1.1 request head parser (see h1.h). */
#include "h1.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int
refuse(struct h1_error *err, int status, const char *code, const char *field,
    const char *message)
{
	err->status = status;
	err->code = code;
	err->field = field;
	err->message = message;
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode n bytes of s into out (size bytes); plus_space for query
 * values. -1 on a bad escape, an encoded NUL or no room. */
static int
pct_decode(const char *s, size_t n, char *out, size_t size, bool plus_space)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* RFC 9110 tchar: what a method or a header name is made of. */
static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const struct {
	const char *name;
	enum http_method m;
} methods[] = {
	{ "GET", M_GET }, { "POST", M_POST }, { "PATCH", M_PATCH },
	{ "PUT", M_PUT }, { "DELETE", M_DELETE },
};

static int
parse_request_line(const char *s, size_t n, struct h1_request *r, struct h1_error *err)
{
	const char *sp1 = memchr(s, ' ', n), *sp2, *q;
	size_t tlen;

	if (sp1 == NULL || sp1 == s || sp1 - s > 16)
		return refuse(err, 400, "bad_request", NULL, "malformed request line");
	for (const char *c = s; c < sp1; c++) {
		if (!is_tchar((unsigned char)*c))
			return refuse(err, 400, "bad_request", NULL, "malformed request line");
	}
	r->method = M_OTHER;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (strlen(methods[i].name) == (size_t)(sp1 - s) &&
		    memcmp(methods[i].name, s, (size_t)(sp1 - s)) == 0)
			r->method = methods[i].m;
	}
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s));
	if (sp2 == NULL || sp2 == sp1 + 1 || sp1[1] != '/')
		return refuse(err, 400, "bad_request", NULL, "malformed request line");
	if ((size_t)(s + n - sp2) != 9 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1')) {
		if ((size_t)(s + n - sp2) > 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0)
			return refuse(err, 505, "http_version_not_supported", NULL,
			    "only HTTP/1.0 and HTTP/1.1 are served");
		return refuse(err, 400, "bad_request", NULL, "malformed request line");
	}
	r->minor = sp2[8] - '0';
	tlen = (size_t)(sp2 - (sp1 + 1));
	for (size_t i = 0; i < tlen; i++) {
		unsigned char c = (unsigned char)sp1[1 + i];

		if (c <= 0x20 || c >= 0x7f)
			return refuse(err, 400, "bad_request", NULL, "malformed request target");
	}
	q = memchr(sp1 + 1, '?', tlen);
	if (q != NULL) {
		size_t qlen = (size_t)(sp2 - q - 1);

		if (qlen >= sizeof r->query)
			return refuse(err, 414, "uri_too_long", NULL, "the query is too long");
		memcpy(r->query, q + 1, qlen);
		r->query[qlen] = '\0';
		tlen = (size_t)(q - (sp1 + 1));
	}
	if (tlen >= sizeof r->path)
		return refuse(err, 414, "uri_too_long", NULL, "the path is too long");
	if (pct_decode(sp1 + 1, tlen, r->path, sizeof r->path, false) < 0)
		return refuse(err, 400, "bad_request", NULL, "malformed percent-encoding in the path");
	return 0;
}

/* Whether the comma-separated list v (n bytes) holds token tok. */
static bool
list_has(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i = 0;

	while (i < n) {
		size_t b, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		b = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - b == tl && strncasecmp(v + b, tok, tl) == 0)
			return true;
	}
	return false;
}

static void
copy_value(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = 0;   /* too long for any good use: as if empty */
	memcpy(dst, v, n);
	dst[n] = '\0';
}

struct head_state {
	bool has_cl, te, conn_close, conn_keep, conn_upgrade, upgrade_hdr;
	bool has_auth, has_idem;
};

static int
parse_header(const char *s, size_t n, struct h1_request *r, struct head_state *h,
    struct h1_error *err)
{
	const char *colon = memchr(s, ':', n), *v;
	size_t nlen, vlen;

	if (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		return refuse(err, 400, "bad_request", NULL,
		    "folded header lines are not accepted");
	if (colon == NULL || colon == s)
		return refuse(err, 400, "bad_request", NULL, "malformed header line");
	nlen = (size_t)(colon - s);
	for (size_t i = 0; i < nlen; i++) {
		if (!is_tchar((unsigned char)s[i]))
			return refuse(err, 400, "bad_request", NULL, "malformed header name");
	}
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (size_t i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return refuse(err, 400, "bad_request", NULL,
			    "a header value holds a control character");
	}
#define IS(name) (nlen == sizeof(name) - 1 && strncasecmp(s, name, nlen) == 0)
	if (IS("content-length")) {
		int64_t cl = 0;

		if (h->has_cl)
			return refuse(err, 400, "bad_request", "Content-Length",
			    "Content-Length is given more than once");
		if (vlen == 0 || vlen > 15)
			return refuse(err, 400, "bad_request", "Content-Length",
			    "Content-Length: one decimal number of bytes");
		for (size_t i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				return refuse(err, 400, "bad_request", "Content-Length",
				    "Content-Length: one decimal number of bytes");
			cl = cl * 10 + (v[i] - '0');
		}
		h->has_cl = true;
		r->content_length = cl;
	} else if (IS("transfer-encoding")) {
		h->te = true;
	} else if (IS("connection")) {
		h->conn_close |= list_has(v, vlen, "close");
		h->conn_keep |= list_has(v, vlen, "keep-alive");
		h->conn_upgrade |= list_has(v, vlen, "upgrade");
	} else if (IS("upgrade")) {
		h->upgrade_hdr = list_has(v, vlen, "websocket");
	} else if (IS("expect")) {
		r->expect_continue = vlen == 12 && strncasecmp(v, "100-continue", 12) == 0;
	} else if (IS("authorization")) {
		if (h->has_auth)
			return refuse(err, 400, "bad_request", "Authorization",
			    "Authorization is given more than once");
		h->has_auth = true;
		copy_value(r->authorization, sizeof r->authorization, v, vlen);
	} else if (IS("idempotency-key")) {
		if (h->has_idem)
			return refuse(err, 400, "invalid_idempotency_key", "Idempotency-Key",
			    "Idempotency-Key is given more than once");
		h->has_idem = true;
		r->idem_len = (int)vlen;
		copy_value(r->idem_key, sizeof r->idem_key, v, vlen);
	} else if (IS("x-forwarded-for")) {
		/* the last entry is the one the nearest proxy added; a second
		 * header line is the same list continued */
		const char *last = v;

		for (size_t i = 0; i < vlen; i++)
			if (v[i] == ',')
				last = v + i + 1;
		while (last < v + vlen && (*last == ' ' || *last == '\t'))
			last++;
		if ((size_t)(v + vlen - last) < sizeof r->forwarded_for)
			copy_value(r->forwarded_for, sizeof r->forwarded_for, last,
			    (size_t)(v + vlen - last));
		else
			memcpy(r->forwarded_for, "?", 2);
	} else if (IS("sec-websocket-key")) {
		copy_value(r->ws_key, sizeof r->ws_key, v, vlen);
	} else if (IS("sec-websocket-version")) {
		copy_value(r->ws_version, sizeof r->ws_version, v, vlen);
	}
#undef IS
	return 0;
}

/* The end of the head: the offset just past "\r\n\r\n", or 0. Bytes that
 * belong in no head are refused as soon as they arrive, not at the end. */
static size_t
head_end(const char *buf, size_t start, size_t from, size_t len, bool *bad)
{
	*bad = false;
	for (size_t i = from > start + 3 ? from - 3 : start; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			if (i == start || buf[i - 1] != '\r') {
				*bad = true;   /* a bare LF */
				return 0;
			}
			if (i >= start + 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
				return i + 1;
		} else if (c == '\r') {
			if (i + 1 < len && buf[i + 1] != '\n') {
				*bad = true;   /* a bare CR */
				return 0;
			}
		} else if (c == '\0') {
			*bad = true;
			return 0;
		}
	}
	return 0;
}

int
h1_parse(const char *buf, size_t len, size_t *scanned, struct h1_request *r,
    struct h1_error *err)
{
	struct head_state h;
	size_t start = 0, end, line;
	bool bad;

	/* empty lines before a request are forgiven (RFC 9112 2.2), such as
	 * the CRLF some clients send after a body */
	while (start + 1 < len && buf[start] == '\r' && buf[start + 1] == '\n')
		start += 2;
	end = head_end(buf, start, *scanned, len, &bad);
	*scanned = len;
	if (bad)
		return refuse(err, 400, "bad_request", NULL,
		    "malformed request head (stray CR, LF or NUL)");
	if (end == 0) {
		if (len - start >= H1_HEAD_MAX)
			return refuse(err, 431, "headers_too_large", NULL,
			    "the request line and headers are larger than 8 KiB");
		return 0;
	}
	if (end - start > H1_HEAD_MAX)
		return refuse(err, 431, "headers_too_large", NULL,
		    "the request line and headers are larger than 8 KiB");

	memset(r, 0, sizeof *r);
	memset(&h, 0, sizeof h);
	r->content_length = -1;
	r->idem_len = -1;
	line = start;
	for (bool first = true;; first = false) {
		const char *eol = memchr(buf + line, '\r', end - line);
		size_t n = (size_t)(eol - (buf + line));

		if (n == 0)
			break;   /* the blank line */
		if (first ? parse_request_line(buf + line, n, r, err) :
		    parse_header(buf + line, n, r, &h, err))
			return -1;
		line += n + 2;
	}
	if (h.te && h.has_cl)
		return refuse(err, 400, "bad_request", "Content-Length",
		    "Content-Length and Transfer-Encoding together are not accepted");
	if (h.te)
		return refuse(err, 411, "length_required", NULL,
		    "send the body with a Content-Length (chunked uploads are not accepted)");
	r->keep_alive = r->minor == 1 ? !h.conn_close : h.conn_keep && !h.conn_close;
	r->upgrade_ws = h.upgrade_hdr && h.conn_upgrade;
	return (int)end;
}

int
h1_query(const char *query, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);
	const char *p = query;

	out[0] = '\0';
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t n = amp != NULL ? (size_t)(amp - p) : strlen(p);

		if (n > nl && p[nl] == '=' && strncmp(p, name, nl) == 0)
			return pct_decode(p + nl + 1, n - nl - 1, out, size, true) < 0 ? -1 : 1;
		if (n == nl && strncmp(p, name, nl) == 0)
			return 1;   /* "name" alone: an empty value */
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}
