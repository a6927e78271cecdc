/* cfg: client settings. Flags over environment over config files
 * (/etc/brigade/brigade.conf, then $XDG_CONFIG_HOME/brigade/brigade.conf). */
#ifndef BRIGADE_CLIENT_CFG_H
#define BRIGADE_CLIENT_CFG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "order.h"

#define CFG_URL_MAX 256
/* Servers one client may know: instances of one PostgreSQL database. */
#define CFG_SERVERS_MAX 8
#define CFG_STORE_MAX 32

struct failover;

struct client_cfg {
	char servers[CFG_SERVERS_MAX][CFG_URL_MAX]; /* base URLs, http://host:port
	                                 or https://, in order of preference */
	int nservers;                  /* 1..CFG_SERVERS_MAX */
	struct failover *failover;     /* the shared choice of the current
	                                  server (failover.h), not a setting:
	                                  NULL, each api and stream has its own */
	char store[CFG_STORE_MAX + 1]; /* the store's code for the login, "" none */
	char staff[STAFF_MAX + 1];
	char pin[16];
	char terminal[TERMINAL_MAX + 1];
	char outbox[PATH_MAX];         /* the outbox's SQLite file */
	char cache[PATH_MAX];          /* last known orders and menu (JSON) */
	char ca_file[PATH_MAX];        /* extra CA bundle for https, "" = system */
	bool insecure;                 /* skip TLS checks: lab use only */
	int connect_timeout_ms;
	int timeout_ms;                /* whole request, connect included */
	int retries;                   /* attempts for reads, 1 = no retry */
};

/* Defaults: http://127.0.0.1:8080, terminal = host name, outbox and cache
 * under $XDG_STATE_HOME/brigade (~/.local/state/brigade). */
void cfg_defaults(struct client_cfg *c);

/* Set one setting by its config-file key ("server", "store", "staff",
 * "pin", "terminal", "outbox", "cache", "ca_file", "insecure", "timeout_ms",
 * "connect_timeout_ms", "retries"). -1 with a reason in err when the key
 * is unknown or the value malformed. "server" is a list: base URLs
 * separated by commas and/or spaces, all http:// or all https://, at most
 * CFG_SERVERS_MAX, the first one preferred; a new value replaces the whole
 * list. */
int cfg_set(struct client_cfg *c, const char *key, const char *value,
    char *err, size_t errsize);

/* Defaults, then the config files (or only $BRIGADE_CONFIG when set), then
 * the environment (BRIGADE_SERVER, BRIGADE_STORE, BRIGADE_STAFF, BRIGADE_PIN,
 * BRIGADE_TERMINAL, BRIGADE_OUTBOX, BRIGADE_CACHE, BRIGADE_CA_FILE,
 * BRIGADE_INSECURE, BRIGADE_TIMEOUT_MS). The caller applies its flags with
 * cfg_set afterwards. */
int cfg_load(struct client_cfg *c, char *err, size_t errsize);

/* A server URL taken apart: http://host:port -> host, port, tls. */
struct server_addr {
	char host[128];
	int port;
	bool tls;
};

/* Whether the servers are reached over TLS (https://). */
bool cfg_tls(const struct client_cfg *c);

/* 0, or -1 when url is not http(s)://HOST[:PORT]. */
int cfg_server_addr(const char *url, struct server_addr *out);

/* Parse a server list ("http://a:8080, http://b:8080") into urls (each
 * checked, a trailing slash dropped). Returns how many (1..max), or -1 with
 * a reason in err: an empty list, a bad URL, too many, http and https
 * mixed, or the same server twice. */
int cfg_parse_servers(const char *value, char urls[][CFG_URL_MAX], int max,
    char *err, size_t errsize);

/* Whether code is a store code: 1..CFG_STORE_MAX letters, digits, '-' and
 * '_'. */
bool cfg_valid_store(const char *code);
/* The store a login of c belongs to, as the server names it: the code in
 * lower case, "main" when none is set. */
void cfg_store_code(const struct client_cfg *c, char out[CFG_STORE_MAX + 1]);

/* "host:port" of a base URL, for a status line (the URL itself when it
 * cannot be taken apart). */
void cfg_server_label(const char *url, char *out, size_t size);

/* Create the parent directories of path (mode 0700). */
int cfg_mkdirs_for(const char *path);

#endif
