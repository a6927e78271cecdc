/* cfg: client settings from files, the environment and flags. */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "xalloc.h"

enum cfg_type { T_STR, T_BOOL, T_INT, T_SERVERS, T_STORE };

/* One setting: its key in files, its environment variable, where it lives. */
struct cfg_key {
	const char *key;
	const char *env;
	enum cfg_type type;
	size_t offset;
	size_t size;                 /* T_STR: buffer size */
	int min, max;                /* T_INT */
};

#define S(k, e, f) { k, e, T_STR, offsetof(struct client_cfg, f), \
	sizeof(((struct client_cfg *)0)->f), 0, 0 }
#define I(k, e, f, lo, hi) { k, e, T_INT, offsetof(struct client_cfg, f), 0, lo, hi }
#define B(k, e, f) { k, e, T_BOOL, offsetof(struct client_cfg, f), 0, 0, 0 }

static const struct cfg_key cfg_keys[] = {
	{ "server", "BRIGADE_SERVER", T_SERVERS, 0, 0, 0, 0 },
	{ "store", "BRIGADE_STORE", T_STORE, 0, 0, 0, 0 },
	S("staff", "BRIGADE_STAFF", staff),
	S("pin", "BRIGADE_PIN", pin),
	S("terminal", "BRIGADE_TERMINAL", terminal),
	S("outbox", "BRIGADE_OUTBOX", outbox),
	S("cache", "BRIGADE_CACHE", cache),
	S("ca_file", "BRIGADE_CA_FILE", ca_file),
	B("insecure", "BRIGADE_INSECURE", insecure),
	I("timeout_ms", "BRIGADE_TIMEOUT_MS", timeout_ms, 100, 600000),
	I("connect_timeout_ms", "BRIGADE_CONNECT_TIMEOUT_MS", connect_timeout_ms, 100, 600000),
	I("retries", "BRIGADE_RETRIES", retries, 1, 100),
};

/* The state directory: $XDG_STATE_HOME/brigade or ~/.local/state/brigade. */
static void
state_path(char *out, size_t size, const char *file)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		snprintf(out, size, "%s/brigade/%s", xdg, file);
	else
		snprintf(out, size, "%s/.local/state/brigade/%s",
		    home != NULL && home[0] != '\0' ? home : "/tmp", file);
}

void
cfg_defaults(struct client_cfg *c)
{
	char host[64];

	memset(c, 0, sizeof *c);
	xstrlcpy(c->servers[0], "http://127.0.0.1:8080", sizeof c->servers[0]);
	c->nservers = 1;
	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		xstrlcpy(host, "terminal", sizeof host);
	host[sizeof host - 1] = '\0';
	xstrlcpy(c->terminal, host, sizeof c->terminal);
	state_path(c->outbox, sizeof c->outbox, "outbox.db");
	state_path(c->cache, sizeof c->cache, "cache.json");
	c->connect_timeout_ms = 3000;
	c->timeout_ms = 10000;
	c->retries = 3;
}

static const struct cfg_key *
cfg_find(const char *key)
{
	for (size_t i = 0; i < sizeof cfg_keys / sizeof cfg_keys[0]; i++) {
		if (strcmp(cfg_keys[i].key, key) == 0)
			return &cfg_keys[i];
	}
	return NULL;
}

/* The server URL must be http(s)://host[:port] with no path: every request
 * path is appended to it. */
static bool
valid_server(const char *v)
{
	const char *host;

	if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return false;
	if (*host == '\0' || *host == ':' || *host == '/')
		return false;
	for (const char *p = host; *p != '\0'; p++) {
		if (*p == '/' && p[1] != '\0')
			return false;
		if (*p <= ' ' || *p == '?' || *p == '#' || *p == '@')
			return false;
	}
	return true;
}

bool
cfg_tls(const struct client_cfg *c)
{
	return strncmp(c->servers[0], "https://", 8) == 0;   /* never mixed */
}

int
cfg_parse_servers(const char *value, char urls[][CFG_URL_MAX], int max,
    char *err, size_t errsize)
{
	const char *p = value;
	int n = 0;

	for (;;) {
		char url[CFG_URL_MAX];
		size_t len;

		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		if (len >= sizeof url) {
			snprintf(err, errsize, "server: a URL is longer than %zu bytes",
			    sizeof url - 1);
			return -1;
		}
		memcpy(url, p, len);
		url[len] = '\0';
		p += len;
		if (!valid_server(url)) {
			snprintf(err, errsize,
			    "server: expected http://HOST[:PORT] or https://HOST[:PORT], got \"%s\"",
			    url);
			return -1;
		}
		if (len > 0 && url[len - 1] == '/')
			url[len - 1] = '\0';
		if (n == max) {
			snprintf(err, errsize, "server: at most %d servers, separated by commas",
			    max);
			return -1;
		}
		if (n > 0 && (strncmp(url, "https://", 8) == 0) !=
		    (strncmp(urls[0], "https://", 8) == 0)) {
			snprintf(err, errsize, "server: %s and %s: list only http:// or only "
			    "https:// servers, not both", urls[0], url);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			if (strcmp(urls[i], url) == 0) {
				snprintf(err, errsize, "server: %s is listed twice", url);
				return -1;
			}
		}
		xstrlcpy(urls[n++], url, CFG_URL_MAX);
	}
	if (n == 0) {
		snprintf(err, errsize, "server: expected at least one http://HOST[:PORT] "
		    "or https://HOST[:PORT]");
		return -1;
	}
	return n;
}

bool
cfg_valid_store(const char *code)
{
	size_t len = strlen(code);

	if (len < 1 || len > CFG_STORE_MAX)
		return false;
	for (const char *p = code; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	}
	return true;
}

void
cfg_store_code(const struct client_cfg *c, char out[CFG_STORE_MAX + 1])
{
	size_t i = 0;

	if (c->store[0] == '\0') {
		xstrlcpy(out, "main", CFG_STORE_MAX + 1);
		return;
	}
	for (; c->store[i] != '\0' && i < CFG_STORE_MAX; i++)
		out[i] = (char)tolower((unsigned char)c->store[i]);
	out[i] = '\0';
}

void
cfg_server_label(const char *url, char *out, size_t size)
{
	struct server_addr a;

	if (cfg_server_addr(url, &a) < 0)
		xstrlcpy(out, url, size);
	else
		snprintf(out, size, "%s:%d", a.host, a.port);   /* [v6] keeps its brackets */
}

int
cfg_server_addr(const char *url, struct server_addr *out)
{
	const char *p;
	char *colon;

	memset(out, 0, sizeof *out);
	if (strncmp(url, "https://", 8) == 0) {
		out->tls = true;
		p = url + 8;
		out->port = 443;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
		out->port = 80;
	} else {
		return -1;
	}
	xstrlcpy(out->host, p, sizeof out->host);
	out->host[strcspn(out->host, "/")] = '\0';
	if (out->host[0] == '[') {
		char *close = strchr(out->host, ']');

		if (close == NULL)
			return -1;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(out->host, ':');
	}
	if (colon != NULL) {
		*colon = '\0';
		out->port = atoi(colon + 1);
	}
	return out->host[0] != '\0' && out->port > 0 && out->port < 65536 ? 0 : -1;
}

int
cfg_set(struct client_cfg *c, const char *key, const char *value,
    char *err, size_t errsize)
{
	const struct cfg_key *k = cfg_find(key);
	char *field;
	int64_t n;
	bool b;

	if (k == NULL) {
		snprintf(err, errsize, "unknown setting \"%s\"", key);
		return -1;
	}
	field = (char *)c + k->offset;
	switch (k->type) {
	case T_SERVERS: {
		char urls[CFG_SERVERS_MAX][CFG_URL_MAX] = { { 0 } };
		int count = cfg_parse_servers(value, urls, CFG_SERVERS_MAX, err, errsize);

		if (count < 0)
			return -1;
		memcpy(c->servers, urls, sizeof urls);
		c->nservers = count;
		return 0;
	}
	case T_STORE:
		if (value[0] != '\0' && !cfg_valid_store(value)) {
			snprintf(err, errsize, "store: expected a store code of 1 to %d letters, "
			    "digits, '-' or '_', got \"%s\"", CFG_STORE_MAX, value);
			return -1;
		}
		xstrlcpy(c->store, value, sizeof c->store);
		return 0;
	case T_STR:
		if (strlen(value) >= k->size) {
			snprintf(err, errsize, "%s: longer than %zu bytes", key, k->size - 1);
			return -1;
		}
		xstrlcpy(field, value, k->size);
		return 0;
	case T_BOOL:
		if (config_bool(value, &b) < 0) {
			snprintf(err, errsize, "%s: expected true or false", key);
			return -1;
		}
		*(bool *)field = b;
		return 0;
	case T_INT:
		if (config_int(value, k->min, k->max, &n) < 0) {
			snprintf(err, errsize, "%s: expected an integer from %d to %d",
			    key, k->min, k->max);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	}
	return -1;
}

static int
cfg_file_cb(void *ctx, const char *key, const char *value, char *err,
    size_t errsize)
{
	return cfg_set(ctx, key, value, err, errsize);
}

int
cfg_load(struct client_cfg *c, char *err, size_t errsize)
{
	const char *explicit = getenv("BRIGADE_CONFIG");
	char path[PATH_MAX];

	cfg_defaults(c);
	if (explicit != NULL && explicit[0] != '\0') {
		if (config_load(explicit, false, cfg_file_cb, c, err, errsize) < 0)
			return -1;
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		const char *home = getenv("HOME");

		if (config_load("/etc/brigade/brigade.conf", true, cfg_file_cb, c,
		    err, errsize) < 0)
			return -1;
		if (xdg != NULL && xdg[0] == '/')
			snprintf(path, sizeof path, "%s/brigade/brigade.conf", xdg);
		else if (home != NULL && home[0] != '\0')
			snprintf(path, sizeof path, "%s/.config/brigade/brigade.conf", home);
		else
			path[0] = '\0';
		if (path[0] != '\0' &&
		    config_load(path, true, cfg_file_cb, c, err, errsize) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof cfg_keys / sizeof cfg_keys[0]; i++) {
		const char *v = getenv(cfg_keys[i].env);
		char why[256];

		if (v == NULL || v[0] == '\0')
			continue;
		if (cfg_set(c, cfg_keys[i].key, v, why, sizeof why) < 0) {
			snprintf(err, errsize, "%s: %s", cfg_keys[i].env, why);
			return -1;
		}
	}
	return 0;
}

int
cfg_mkdirs_for(const char *path)
{
	char buf[PATH_MAX];

	if (xstrlcpy(buf, path, sizeof buf) >= sizeof buf)
		return -1;
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}
