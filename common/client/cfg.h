/* cfg: client settings. Flags over environment over config files
 * (/etc/brigade/brigade.conf, then $XDG_CONFIG_HOME/brigade/brigade.conf). */
#ifndef BRIGADE_CLIENT_CFG_H
#define BRIGADE_CLIENT_CFG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "order.h"

#define CFG_URL_MAX 256

struct client_cfg {
	char server[CFG_URL_MAX];      /* base URL: http://host:port or https:// */
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

/* Set one setting by its config-file key ("server", "staff", "pin",
 * "terminal", "outbox", "cache", "ca_file", "insecure", "timeout_ms",
 * "connect_timeout_ms", "retries"). -1 with a reason in err when the key
 * is unknown or the value malformed. */
int cfg_set(struct client_cfg *c, const char *key, const char *value,
    char *err, size_t errsize);

/* Defaults, then the config files (or only $BRIGADE_CONFIG when set), then
 * the environment (BRIGADE_SERVER, BRIGADE_STAFF, BRIGADE_PIN,
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

/* Whether the server is reached over TLS (https://). */
bool cfg_tls(const struct client_cfg *c);

/* 0, or -1 when url is not http(s)://HOST[:PORT]. */
int cfg_server_addr(const char *url, struct server_addr *out);

/* Create the parent directories of path (mode 0700). */
int cfg_mkdirs_for(const char *path);

#endif
