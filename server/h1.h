/* h1: brigade-server's HTTP/1.1 request head parser. Pure: bytes in, a
 * request or a refusal out, no sockets and no allocation, so it is unit
 * tested and fuzzed on its own. Strict where leniency lets one request be
 * read two ways (RFC 9112): one Content-Length of digits, never beside a
 * Transfer-Encoding; no folded or malformed header lines; no control bytes. */
#ifndef BRIGADE_H1_H
#define BRIGADE_H1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H1_HEAD_MAX 8192         /* request line and headers, at most */
#define H1_PATH_MAX 256
#define H1_QUERY_MAX 512

enum http_method { M_GET, M_POST, M_PATCH, M_PUT, M_DELETE, M_OTHER, M_COUNT };

struct h1_request {
	enum http_method method;
	char path[H1_PATH_MAX];      /* percent-decoded, no query */
	char query[H1_QUERY_MAX];    /* as sent, after '?' */
	int minor;                   /* HTTP/1.minor */
	int64_t content_length;      /* -1: none given */
	bool keep_alive;             /* the connection may serve another */
	bool upgrade_ws;             /* Upgrade: websocket, Connection: upgrade */
	bool expect_continue;        /* Expect: 100-continue */
	char authorization[160];     /* "" when absent */
	char forwarded_for[64];      /* X-Forwarded-For's last address ("" none;
	                                "?" when it is not an address) */
	int idem_len;                /* -1 absent; longer than the buffer: too long */
	char idem_key[80];
	char ws_key[64];
	char ws_version[8];
};

/* A refused head: the status and error code to answer with. */
struct h1_error {
	int status;
	const char *code;
	const char *field;
	const char *message;
};

/* Parse the head at the start of buf. Returns its length in bytes (through
 * the blank line, after any empty lines before it) when it is whole and
 * good, 0 when more bytes are needed, -1 with err filled when it is
 * refused (431 when H1_HEAD_MAX bytes hold no whole head). *scanned (0 for
 * a new head) keeps how far earlier calls looked, so a head that arrives a
 * byte at a time is still read once, not once per byte. */
int h1_parse(const char *buf, size_t len, size_t *scanned, struct h1_request *r,
    struct h1_error *err);

/* The percent-decoded value of query argument name into out; 1 found, 0
 * absent, -1 too long or badly encoded. */
int h1_query(const char *query, const char *name, char *out, size_t size);

#endif
