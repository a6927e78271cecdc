/* main: brigade-server's start-up: settings (flags over the config file),
 * the database, the worker threads and the libwebsockets loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>   /* before libwebsockets.h: its libuv API */

#include "accesslog.h"
#include "backup.h"
#include "cluster.h"
#include "codec.h"
#include "config.h"
#include "dbfile.h"
#include "demo.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "server.h"
#include "storeinfo.h"
#include "util.h"
#include "xalloc.h"

#define VERSION "0.1.0"
#define TLS12_CIPHERS "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS13_CIPHERS "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
    "TLS_CHACHA20_POLY1305_SHA256"
#define HOUSEKEEPING_US (3600 * LWS_US_PER_SEC)

static volatile sig_atomic_t got_signal, got_hup;
static struct lws_context *signal_ctx;
/* The service loop: libuv's (epoll: a turn costs what is ready, not every
 * connection, which counts with thousands of idle stream subscribers), or
 * lws's own poll() loop when the libuv plugin cannot be loaded. */
static uv_loop_t uv_loop;
static bool uv_used;

/* Settings given as flags: they win over the file at start and at every
 * reload. */
#define FLAGS_MAX 16
struct flag_setting {
	const char *key, *value;
};
static struct flag_setting flag_settings[FLAGS_MAX];
static int nflag_settings;
static const char *config_path;  /* --config, read again on SIGHUP */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: brigade-server [--listen HOST:PORT] [--db PATH|URL] [--demo]\n"
	    "                      [--config FILE] [--tls-cert PEM --tls-key PEM]\n"
	    "                      [--tax-rate PERCENT] [--port-file PATH]\n"
	    "       brigade-server --db PATH --add-staff CODE:ROLE[:NAME]  (PIN on stdin)\n"
	    "                      [--store CODE | --org]\n"
	    "       brigade-server --db URL --add-store CODE[:NAME]\n"
	    "       brigade-server --check-config FILE\n"
	    "       brigade-server [--config FILE | --db PATH] --backup DEST\n"
	    "       brigade-server [--config FILE | --db PATH] --restore BACKUP\n"
	    "\n"
	    "  --listen HOST:PORT   where to listen (default 127.0.0.1:8080; port 0 picks one)\n"
	    "  --db PATH            the SQLite database (default brigade.db)\n"
	    "  --db URL             a PostgreSQL database (postgresql://...), which\n"
	    "                       several servers may share\n"
	    "  --demo               fill a new database with the demo restaurant\n"
	    "  --config FILE        settings file (key = value; see docs/operations.md)\n"
	    "  --tls-cert, --tls-key  serve HTTPS and WSS with this certificate\n"
	    "  --tax-rate PERCENT   sales tax added to orders, e.g. 8.25\n"
	    "  --port-file PATH     write the port actually listened on to PATH\n"
	    "  --add-staff C:R[:N]  create an account (role CASHIER, WAITER, CHEF,\n"
	    "                       MANAGER, ADMIN or CUSTOMER) and exit\n"
	    "  --store CODE         ...in this store (default: main)\n"
	    "  --org                ...an organisation admin: an ADMIN of every store\n"
	    "  --add-store C[:N]    add a store to a PostgreSQL database and exit\n"
	    "  --check-config FILE  check a settings file and exit (0 good, 2 bad)\n"
	    "  --backup DEST        copy the database to DEST while it serves, and exit\n"
	    "  --restore BACKUP     replace the (stopped) server's database with BACKUP\n"
	    "  --help, --version    this help; the version\n"
	    "\n"
	    "SIGHUP reopens the log file and rereads the settings that can change\n"
	    "while serving (see brigade-server(1) and docs/operations.md).\n");
}

static void
config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof *c);
	xstrlcpy(c->listen_host, "127.0.0.1", sizeof c->listen_host);
	c->listen_port = 8080;
	xstrlcpy(c->db_path, "brigade.db", sizeof c->db_path);
	c->tax_bp = 800;
	c->day_start_hour = 4;
	c->token_ttl_s = 12 * 3600;
	c->lockout_attempts = 5;
	c->lockout_s = 5 * 60;
	c->login_addr_failures = 30;
	c->login_addr_window_s = 15 * 60;
	c->pin_iterations = 100000;
	c->idem_retention_days = 7;
	c->sync_full = true;
	xstrlcpy(c->currency, "USD", sizeof c->currency);
	c->max_conn_per_addr = 1024;
	c->access_log = true;
	c->log_level = -1;           /* unset: $BRIGADE_LOG or info */
}

/* Every connection is a file descriptor: take all the soft limit may grow
 * to (systemd starts services at 1024), within what lws's tables should
 * hold, so that a flood of idle connections cannot keep real ones out. */
static unsigned
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536)
		rl.rlim_cur = 65536;
	else
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	return (unsigned)rl.rlim_cur;
}

static int
parse_listen(struct server_config *c, const char *v)
{
	const char *colon = strrchr(v, ':');
	int64_t port;

	if (colon == NULL || colon == v || (size_t)(colon - v) >= sizeof c->listen_host ||
	    config_int(colon + 1, 0, 65535, &port) < 0)
		return -1;
	memcpy(c->listen_host, v, (size_t)(colon - v));
	c->listen_host[colon - v] = '\0';
	c->listen_port = (int)port;
	return 0;
}

/* "8.25" -> 825 basis points */
static int
parse_percent(const char *v, int *bp)
{
	money_t m;

	if (money_parse(v, &m) < 0 || m > 10000)
		return -1;
	*bp = (int)m;
	return 0;
}

static int metrics_token_valid(const char *v);

/* trusted_proxies: addresses, separated by commas or spaces ("" none). */
static int
trusted_proxies_parse(struct server_config *c, const char *v, char *err,
    size_t errsize)
{
	char buf[TRUSTED_PROXIES_MAX * 64], *save = NULL;
	unsigned char bin[16];
	int n = 0;

	xstrlcpy(buf, v, sizeof buf);
	for (char *t = strtok_r(buf, ", \t", &save); t != NULL;
	    t = strtok_r(NULL, ", \t", &save)) {
		if (n == TRUSTED_PROXIES_MAX || strlen(t) >= sizeof c->trusted_proxies[0] ||
		    (inet_pton(AF_INET, t, bin) != 1 && inet_pton(AF_INET6, t, bin) != 1)) {
			snprintf(err, errsize, "trusted_proxies: up to %d IP addresses"
			    " (not names or networks), separated by commas: \"%s\"",
			    TRUSTED_PROXIES_MAX, t);
			return -1;
		}
		memset(c->trusted_bin[n], 0, sizeof c->trusted_bin[n]);
		if (inet_pton(AF_INET, t, bin) == 1) {
			c->trusted_bin[n][10] = c->trusted_bin[n][11] = 0xff;
			memcpy(c->trusted_bin[n] + 12, bin, 4);
		} else {
			memcpy(c->trusted_bin[n], bin, 16);
		}
		xstrlcpy(c->trusted_proxies[n++], t, sizeof c->trusted_proxies[0]);
	}
	c->ntrusted_proxies = n;
	return 0;
}

/* One setting, from the config file or a flag. */
static int
config_set(void *ctx, const char *key, const char *v, char *err, size_t errsize)
{
	struct server_config *c = ctx;
	int64_t n;

	if (strcmp(key, "listen") == 0) {
		if (parse_listen(c, v) < 0)
			goto bad;
	} else if (strcmp(key, "db") == 0) {
		xstrlcpy(c->db_path, v, sizeof c->db_path);
	} else if (strcmp(key, "demo") == 0) {
		if (config_bool(v, &c->demo) < 0)
			goto bad;
	} else if (strcmp(key, "tax_rate") == 0) {
		if (parse_percent(v, &c->tax_bp) < 0)
			goto bad;
	} else if (strcmp(key, "currency") == 0) {
		if (strlen(v) != 3)
			goto bad;
		xstrlcpy(c->currency, v, sizeof c->currency);
	} else if (strcmp(key, "day_start_hour") == 0) {
		if (config_int(v, 0, 23, &n) < 0)
			goto bad;
		c->day_start_hour = (int)n;
	} else if (strcmp(key, "token_ttl_seconds") == 0) {
		if (config_int(v, 1, 7 * 24 * 3600, &n) < 0)
			goto bad;
		c->token_ttl_s = (int)n;
	} else if (strcmp(key, "lockout_attempts") == 0) {
		if (config_int(v, 1, 100, &n) < 0)
			goto bad;
		c->lockout_attempts = (int)n;
	} else if (strcmp(key, "lockout_seconds") == 0) {
		if (config_int(v, 1, 24 * 3600, &n) < 0)
			goto bad;
		c->lockout_s = (int)n;
	} else if (strcmp(key, "login_address_failures") == 0) {
		if (config_int(v, 1, 100000, &n) < 0)
			goto bad;
		c->login_addr_failures = (int)n;
	} else if (strcmp(key, "login_address_window_seconds") == 0) {
		if (config_int(v, 1, 24 * 3600, &n) < 0)
			goto bad;
		c->login_addr_window_s = (int)n;
	} else if (strcmp(key, "pin_hash_iterations") == 0) {
		if (config_int(v, 10000, 10000000, &n) < 0)
			goto bad;
		c->pin_iterations = (int)n;
	} else if (strcmp(key, "idempotency_retention_days") == 0) {
		if (config_int(v, 1, 365, &n) < 0)
			goto bad;
		c->idem_retention_days = (int)n;
	} else if (strcmp(key, "max_connections_per_address") == 0) {
		if (config_int(v, 0, 1000000, &n) < 0)
			goto bad;
		c->max_conn_per_addr = (int)n;
	} else if (strcmp(key, "sync") == 0) {
		if (strcmp(v, "full") == 0)
			c->sync_full = true;
		else if (strcmp(v, "normal") == 0)
			c->sync_full = false;
		else
			goto bad;
	} else if (strcmp(key, "tls_cert") == 0) {
		xstrlcpy(c->tls_cert, v, sizeof c->tls_cert);
	} else if (strcmp(key, "trusted_proxies") == 0) {
		if (trusted_proxies_parse(c, v, err, errsize) < 0)
			return -1;
	} else if (strcmp(key, "tls_key") == 0) {
		xstrlcpy(c->tls_key, v, sizeof c->tls_key);
	} else if (strcmp(key, "log_level") == 0) {
		enum log_level level;

		if (log_level_parse(v, &level) < 0)
			goto bad;
		c->log_level = (int)level;
	} else if (strcmp(key, "log_file") == 0) {
		xstrlcpy(c->log_file, v, sizeof c->log_file);
	} else if (strcmp(key, "access_log") == 0) {
		if (config_bool(v, &c->access_log) < 0)
			goto bad;
	} else if (strcmp(key, "metrics_token") == 0) {
		if (metrics_token_valid(v) < 0) {
			snprintf(err, errsize, "metrics_token: 32 to 128 letters, digits, "
			    "'-' or '_' (openssl rand -hex 32 makes one)");
			return -1;
		}
		xstrlcpy(c->metrics_token, v, sizeof c->metrics_token);
	} else {
		snprintf(err, errsize, "unknown setting \"%s\"", key);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errsize, "bad value \"%s\" for %s", v, key);
	return -1;
}

/* "" (no token) or 32 to 128 token characters. */
static int
metrics_token_valid(const char *v)
{
	size_t n = strlen(v);

	if (n == 0)
		return 0;
	if (n < 32 || n > 128)
		return -1;
	for (const char *c = v; *c != '\0'; c++) {
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= 'A' && *c <= 'Z') || *c == '-' || *c == '_'))
			return -1;
	}
	return 0;
}

/* Every setting: defaults, then the file (config_path, if any), then the
 * flags. Used at start, by --check-config and on SIGHUP. */
static int
settings_load(struct server_config *c, const char *path, char *err, size_t errsize)
{
	config_defaults(c);
	if (path != NULL && config_load(path, false, config_set, c, err, errsize) < 0)
		return -1;
	for (int i = 0; i < nflag_settings; i++) {
		if (config_set(c, flag_settings[i].key, flag_settings[i].value, err,
		    errsize) < 0)
			return -1;
	}
	if ((c->tls_cert[0] != '\0') != (c->tls_key[0] != '\0')) {
		snprintf(err, errsize, "TLS needs both tls_cert and tls_key");
		return -1;
	}
	return 0;
}

/* The settings that take effect at once, at start and on SIGHUP. */
static int
settings_apply(const struct server_config *c)
{
	if (c->log_level >= 0)
		log_set_level((enum log_level)c->log_level);
	accesslog_enable(c->access_log);
	if (log_set_file(c->log_file) < 0) {
		log_error("%s: %s; logging to standard error", c->log_file, strerror(errno));
		return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_signal = sig;
	if (signal_ctx != NULL)
		lws_cancel_service(signal_ctx);
}

/* lws's libuv loop watches the signals itself and hands them on here. */
static void
on_uv_signal(void *handle, int sig)
{
	(void)handle;
	on_signal(sig);
}

/* After lws_context_destroy: lws closes its handles through the loop, so
 * the loop runs until they are gone, then closes. */
static void
finish_uv_loop(void)
{
	if (!uv_used)
		return;
	uv_run(&uv_loop, UV_RUN_DEFAULT);
	uv_loop_close(&uv_loop);
	uv_used = false;
}

/* SIGHUP: reopen the log file and reread the config file. Settings that
 * shape what is already running (listen, db, TLS, sync, tax, currency, the
 * business day, login lifetime, key retention, PIN cost, demo) wait for a
 * restart; the rest change now. A file with a mistake changes nothing. */
static void
reload(struct server *s)
{
	static const struct {
		const char *key;
		size_t off, size;
	} fixed[] = {
#define FIXED(k, f) { k, offsetof(struct server_config, f), \
	sizeof(((struct server_config *)0)->f) }
		FIXED("listen", listen_host), FIXED("listen", listen_port),
		FIXED("db", db_path), FIXED("tls_cert", tls_cert), FIXED("tls_key", tls_key),
		FIXED("sync", sync_full), FIXED("tax_rate", tax_bp),
		FIXED("currency", currency), FIXED("day_start_hour", day_start_hour),
		FIXED("token_ttl_seconds", token_ttl_s),
		FIXED("idempotency_retention_days", idem_retention_days),
		FIXED("pin_hash_iterations", pin_iterations), FIXED("demo", demo),
#undef FIXED
	};
	struct server_config c;
	char err[512];

	notify_send("RELOADING=1\nSTATUS=reloading the settings");
	log_reopen();
	if (settings_load(&c, config_path, err, sizeof err) < 0) {
		log_error("settings not reloaded: %s", err);
		notify_send("READY=1\nSTATUS=serving (the last reload failed; see the log)");
		return;
	}
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		/* these three only start a new database; then they are the
		 * restaurant's own (the store's details, the menu's tax classes) */
		bool seed = strcmp(fixed[i].key, "tax_rate") == 0 ||
		    strcmp(fixed[i].key, "currency") == 0 ||
		    strcmp(fixed[i].key, "day_start_hour") == 0;

		if (seed && strcmp(fixed[i].key, "day_start_hour") == 0)
			memcpy((char *)&c + fixed[i].off, (const char *)&s->cfg + fixed[i].off,
			    fixed[i].size);   /* the live value is the store's */
		if (memcmp((const char *)&c + fixed[i].off,
		    (const char *)&s->cfg + fixed[i].off, fixed[i].size) != 0)
			log_warn(seed ? "%s changed: it only starts a new database; change the"
			    " restaurant's with PATCH /api/v1/store or the menu's tax classes" :
			    "%s changed: it takes effect at the next restart", fixed[i].key);
		memcpy((char *)&c + fixed[i].off, (const char *)&s->cfg + fixed[i].off,
		    fixed[i].size);
	}
	s->cfg = c;
	settings_apply(&s->cfg);
	throttle_configure(s->throttle, &(struct throttle_config){
		.addr_failures = c.login_addr_failures,
		.addr_window_ms = (int64_t)c.login_addr_window_s * 1000,
		.account_failures = c.lockout_attempts,
		.lock_ms = (int64_t)c.lockout_s * 1000,
	});
	log_info("settings reloaded from %s", config_path ? config_path : "the flags");
	notify_send("READY=1\nSTATUS=serving");
}

/* The watchdog ping comes from the service loop itself: a loop that has
 * stopped turning stops pinging, and the service manager restarts it. */
static void
watchdog_ping(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, sul_watchdog);

	notify_send("WATCHDOG=1");
	lws_sul_schedule(s->ctx, 0, &s->sul_watchdog, watchdog_ping,
	    (lws_usec_t)(notify_watchdog_usec() / 2));
}

/* Worker threads hand finished jobs here; the loop picks them up. */
static void
jobs_done(void *ctx, struct job *list)
{
	struct server *s = ctx;

	while (list != NULL) {
		struct job *next = list->next;

		job_queue_push(&s->done, list);
		list = next;
	}
	if (s->ctx != NULL)
		lws_cancel_service(s->ctx);
}

static void
session_cached(void *ctx, const struct session_row *row, const struct staff_row *staff)
{
	struct server *s = ctx;
	struct session se;

	memset(&se, 0, sizeof se);
	memcpy(se.token_hash, row->token_hash, sizeof se.token_hash);
	se.store_id = row->store_id;
	se.org = staff->store_id == STORE_ORG;
	se.staff_id = row->staff_id;
	xstrlcpy(se.staff, staff->code, sizeof se.staff);
	xstrlcpy(se.name, staff->name, sizeof se.name);
	se.role = staff->role;
	xstrlcpy(se.terminal, row->terminal, sizeof se.terminal);
	se.expires_at = row->expires_at;
	sessions_add(&s->sessions, &se);
}

static void
housekeeping(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, sul_housekeeping);
	struct job *j = job_new(JOB_HOUSEKEEPING, 0);

	/* req_id 0 has no waiting request: the result is just dropped */
	writer_submit(s->writer, j);
	lws_sul_schedule(s->ctx, 0, &s->sul_housekeeping, housekeeping, HOUSEKEEPING_US);
}

/* Whether host:port can be listened on, checked before libwebsockets tries
 * (its failure is terse, and leaks): fills why when it cannot. */
static bool
listen_possible(const char *host, int port, char *why, size_t size)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	bool ok = false;
	int fd, one = 1;

	if (port == 0)
		return true;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(service, sizeof service, "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL) {
		snprintf(why, size, "%s is not an address of this machine", host);
		return false;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		ok = bind(fd, res->ai_addr, res->ai_addrlen) == 0;
		if (!ok)
			snprintf(why, size, "%s", errno == EADDRINUSE ?
			    "the port is in use by another program" : strerror(errno));
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

/* What the restaurant is before serving: --demo's check (and the demo
 * restaurant on a new database), its details (a new database takes the
 * configured currency and day start), and a menu with at least one tax
 * class (the configured rate) that every item names. On a database with
 * no staff, say how to make the first admin. */
static int
prepare_restaurant(struct server *s, struct store *st, struct menu *menu,
    struct store_info *info)
{
	int64_t staff = 0, orders = 0;
	bool fill = false, changed = false;
	char why[400];
	int rc;

	if (s->cfg.demo) {
		if (demo_check(st, &fill, why, sizeof why) < 0) {
			fprintf(stderr, "brigade-server: --demo: %s\n", why);
			log_error("--demo refused: %s", why);
			return -1;
		}
		if (fill && demo_fill(st, s->cfg.pin_iterations, s->cfg.tax_bp) < 0) {
			fprintf(stderr, "brigade-server: cannot fill the demo data: %s\n",
			    store_errmsg(st));
			return -1;
		}
	}
	if ((rc = store_info_load(st, STORE_MAIN, info)) < 0) {
		fprintf(stderr, "brigade-server: cannot read the restaurant's details\n");
		return -1;
	}
	if (rc == 1) {
		xstrlcpy(info->currency, s->cfg.currency, sizeof info->currency);
		info->day_start_hour = s->cfg.day_start_hour;
		if (store_info_save(st, STORE_MAIN, info) < 0) {
			fprintf(stderr, "brigade-server: %s\n", store_errmsg(st));
			return -1;
		}
	}
	if (store_menu_load(st, STORE_MAIN, menu) < 0) {
		fprintf(stderr, "brigade-server: cannot read the menu: %s\n", store_errmsg(st));
		return -1;
	}
	if (menu->ntax == 0) {
		menu->ntax = 1;
		xstrlcpy(menu->tax[0].code, "std", sizeof menu->tax[0].code);
		xstrlcpy(menu->tax[0].name, "Standard", sizeof menu->tax[0].name);
		menu->tax[0].rate_bp = s->cfg.tax_bp;
		changed = true;
	}
	for (int i = 0; i < menu->nitems; i++) {
		struct menu_item *it = &menu->items[i];

		if (menu_find_tax(menu, it->tax_class) == NULL) {
			xstrlcpy(it->tax_class, menu->tax[0].code, sizeof it->tax_class);
			changed = true;
		}
	}
	if (changed) {
		menu->version++;
		if (store_menu_save(st, STORE_MAIN, menu) < 0) {
			fprintf(stderr, "brigade-server: %s\n", store_errmsg(st));
			return -1;
		}
		log_info("menu: tax class %s (%s) at %d.%02d%%", menu->tax[0].code,
		    menu->tax[0].name, menu->tax[0].rate_bp / 100, menu->tax[0].rate_bp % 100);
	}
	menu->tax_bp = menu->tax[0].rate_bp;
	xstrlcpy(menu->currency, info->currency, sizeof menu->currency);
	if (store_counts(st, &staff, &orders) == 0 && staff == 0) {
		static const char first[] =
		    "this database has no staff yet. Make the first admin (the PIN is"
		    " asked for), then start the server again:\n"
		    "  brigade-server --db %s --add-staff CODE:ADMIN:NAME\n"
		    "then add the menu, the restaurant's details and the staff (see"
		    " \"Your own restaurant\" in README.md)";

		char shown[512];

		store_display_path(s->cfg.db_path, shown, sizeof shown);
		fprintf(stderr, "brigade-server: ");
		fprintf(stderr, first, shown);
		fprintf(stderr, "\n");
		log_warn(first, shown);
	}
	return 0;
}

/* --add-store CODE[:NAME]: a new store of the organisation, with its
 * details named and an empty menu (PostgreSQL only: a SQLite file is one
 * store). */
static int
add_store(struct server_config *c, const char *spec)
{
	char buf[160], err[256], *code, *name;
	struct store_row row;
	struct store_info si;
	struct store *st;
	int rc;

	xstrlcpy(buf, spec, sizeof buf);
	code = strtok(buf, ":");
	name = strtok(NULL, "");
	if (code == NULL || !store_code_valid(code)) {
		fprintf(stderr, "brigade-server: --add-store CODE[:NAME], CODE of lower-case"
		    " letters, digits, - and _ (at most %d)\n", STORE_CODE_MAX);
		return 2;
	}
	if (!store_is_url(c->db_path)) {
		fprintf(stderr, "brigade-server: a SQLite database holds one store; a group"
		    " of stores runs on PostgreSQL (--db postgresql://...)\n");
		return 2;
	}
	st = store_open(c->db_path, false, STORE_SYNC_FULL, err, sizeof err);
	if (st == NULL) {
		fprintf(stderr, "brigade-server: %s\n", err);
		return 1;
	}
	memset(&row, 0, sizeof row);
	xstrlcpy(row.code, code, sizeof row.code);
	xstrlcpy(row.name, name != NULL ? name : code, sizeof row.name);
	row.created_at = util_now_ms();
	store_info_init(&si);
	xstrlcpy(si.name, row.name, sizeof si.name);
	xstrlcpy(si.currency, c->currency, sizeof si.currency);
	si.day_start_hour = c->day_start_hour;
	/* the store's row comes with its counters and its log's id */
	rc = store_begin(st, STORE_ORG);
	if (rc == 0)
		rc = store_add(st, &row, &si);
	if (rc == 0 && store_commit(st) < 0)
		rc = -1;
	if (rc != 0) {
		if (rc > 0)
			fprintf(stderr, "brigade-server: store code %s is taken\n", code);
		else
			fprintf(stderr, "brigade-server: %s\n", store_errmsg(st));
		store_rollback(st);
		store_close(st);
		return 1;
	}
	store_close(st);
	log_write(LOG_INFO, "store", "%s added store %s (%lld) with --add-store",
	    getenv("SUDO_USER") ? getenv("SUDO_USER") : "the command line", row.code,
	    (long long)row.id);
	printf("added store %s (%lld)\n", row.code, (long long)row.id);
	return 0;
}

/* --add-staff CODE:ROLE[:NAME], the PIN read from stdin, in the store
 * named by --store (the main one by default) or, with --org, an
 * organisation admin. */
static int
add_staff(struct server_config *c, const char *spec, const char *store_code, bool org)
{
	char buf[160], pin[32], err[256];
	char *code, *role, *name;
	struct staff_row row;
	struct store *st;
	int r;

	xstrlcpy(buf, spec, sizeof buf);
	code = strtok(buf, ":");
	role = strtok(NULL, ":");
	name = strtok(NULL, "");
	if (code == NULL || role == NULL || (r = role_parse(role)) < 0 ||
	    strlen(code) > STAFF_MAX) {
		fprintf(stderr, "brigade-server: --add-staff CODE:ROLE[:NAME], ROLE one of "
		    "CASHIER WAITER CHEF MANAGER ADMIN CUSTOMER\n");
		return 2;
	}
	if (org && (r != ROLE_ADMIN || store_code != NULL)) {
		fprintf(stderr, "brigade-server: --org makes an ADMIN of every store"
		    " (without --store)\n");
		return 2;
	}
	if (org && !store_is_url(c->db_path)) {
		fprintf(stderr, "brigade-server: a SQLite database holds one store: its"
		    " ADMIN needs no --org\n");
		return 2;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "PIN for %s (4 to 12 digits): ", code);
	if (fgets(pin, sizeof pin, stdin) == NULL) {
		fprintf(stderr, "brigade-server: no PIN given\n");
		return 2;
	}
	pin[strcspn(pin, "\r\n")] = '\0';
	if (!auth_pin_valid(pin)) {
		explicit_bzero(pin, sizeof pin);
		fprintf(stderr, "brigade-server: a PIN is 4 to 12 digits\n");
		return 2;
	}
	st = store_open(c->db_path, false, STORE_SYNC_FULL, err, sizeof err);
	if (st == NULL) {
		fprintf(stderr, "brigade-server: %s\n", err);
		return 1;
	}
	memset(&row, 0, sizeof row);
	row.store_id = STORE_ORG;
	if (!org) {
		struct store_row sr;
		int rc = store_store_by_code(st, store_code != NULL ? store_code :
		    STORE_MAIN_CODE, &sr);

		if (rc != 0) {
			explicit_bzero(pin, sizeof pin);
			if (rc > 0)
				fprintf(stderr, "brigade-server: no store %s (add it with"
				    " --add-store)\n", store_code);
			else
				fprintf(stderr, "brigade-server: %s\n", store_errmsg(st));
			store_close(st);
			return 1;
		}
		row.store_id = sr.id;
	}
	xstrlcpy(row.code, code, sizeof row.code);
	xstrlcpy(row.name, name != NULL ? name : code, sizeof row.name);
	row.role = (enum staff_role)r;
	row.active = true;
	row.created_at = row.updated_at = util_now_ms();
	auth_pin_hash(pin, c->pin_iterations, row.pin_hash);
	explicit_bzero(pin, sizeof pin);
	if (store_staff_by_code(st, row.store_id, code, &(struct staff_row){ 0 }) == 0) {
		fprintf(stderr, "brigade-server: staff code %s is taken\n", code);
		store_close(st);
		return 1;
	}
	if (store_staff_insert(st, &row) < 0) {
		fprintf(stderr, "brigade-server: %s\n", store_errmsg(st));
		store_close(st);
		return 1;
	}
	store_close(st);
	/* root made it for the service user: the service must open it */
	if (!store_is_url(c->db_path))
		dbfile_give_to_dir_owner(c->db_path);
	log_write(LOG_INFO, "staff", "%s created %s (%s, active) with --add-staff",
	    getenv("SUDO_USER") ? getenv("SUDO_USER") : "the command line", row.code,
	    role_name(row.role));
	printf("added %s (%s)\n", row.code, role_name(row.role));
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "config", required_argument, NULL, 'c' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tax-rate", required_argument, NULL, 't' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "add-staff", required_argument, NULL, 'a' },
		{ "add-store", required_argument, NULL, 'S' },
		{ "store", required_argument, NULL, 's' },
		{ "org", no_argument, NULL, 'o' },
		{ "check-config", required_argument, NULL, 'k' },
		{ "backup", required_argument, NULL, 'b' },
		{ "restore", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct server srv;
	struct server *s = &srv;
	struct lws_context_creation_info info;
	char err[512], *port_file = NULL, *staff_spec = NULL, *store_spec = NULL;
	const char *staff_store = NULL;
	bool staff_org = false;
	const char *check_path = NULL, *backup_dest = NULL, *restore_src = NULL;
	struct store *wst = NULL, *ast = NULL;
	struct menu menu;
	struct store_info info_store;
	int opt, exit_code = 1, lock_fd = -1;

	log_init("brigade-server");
	/* each connection is used by one thread: no global allocator stats
	 * (and their mutex) on the hot path */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	store_global_init();
	/* the flags are kept, so that they win over the file at every load */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (opt) {
		case 'l': key = "listen"; break;
		case 'd': key = "db"; break;
		case 'D': key = "demo"; break;
		case 'c': config_path = optarg; break;
		case 'C': key = "tls_cert"; break;
		case 'K': key = "tls_key"; break;
		case 't': key = "tax_rate"; break;
		case 'p': port_file = optarg; break;
		case 'a': staff_spec = optarg; break;
		case 'S': store_spec = optarg; break;
		case 's': staff_store = optarg; break;
		case 'o': staff_org = true; break;
		case 'k': check_path = optarg; break;
		case 'b': backup_dest = optarg; break;
		case 'r': restore_src = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("brigade-server %s\n", VERSION); return 0;
		default: usage(stderr); return 2;
		}
		if (key != NULL && nflag_settings < FLAGS_MAX)
			flag_settings[nflag_settings++] = (struct flag_setting){
				key, opt == 'D' ? "true" : optarg };
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (check_path != NULL) {
		/* the file alone, as the service would read it */
		nflag_settings = 0;
		if (settings_load(&s->cfg, check_path, err, sizeof err) < 0) {
			fprintf(stderr, "brigade-server: %s\n", err);
			return 2;
		}
		if (s->cfg.tls_cert[0] != '\0' && (access(s->cfg.tls_cert, R_OK) != 0 ||
		    access(s->cfg.tls_key, R_OK) != 0))
			fprintf(stderr, "brigade-server: warning: cannot read %s here: %s\n",
			    access(s->cfg.tls_cert, R_OK) != 0 ? s->cfg.tls_cert : s->cfg.tls_key,
			    strerror(errno));
		store_display_path(s->cfg.db_path, err, sizeof err);
		printf("%s: good (database %s, listening on %s:%d)\n", check_path,
		    err, s->cfg.listen_host, s->cfg.listen_port);
		return 0;
	}
	if (settings_load(&s->cfg, config_path, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-server: %s\n", err);
		return 2;
	}
	settings_apply(&s->cfg);
	if ((backup_dest != NULL || restore_src != NULL) && store_is_url(s->cfg.db_path)) {
		fprintf(stderr, "brigade-server: --%s is for a SQLite database; back up and"
		    " restore a PostgreSQL one with pg_dump and pg_restore (see"
		    " docs/operations.md)\n", backup_dest != NULL ? "backup" : "restore");
		return 2;
	}
	if (backup_dest != NULL)
		return backup_run(s->cfg.db_path, backup_dest);
	if (restore_src != NULL)
		return backup_restore(restore_src, s->cfg.db_path);
	if ((staff_store != NULL || staff_org) && staff_spec == NULL) {
		fprintf(stderr, "brigade-server: --store and --org go with --add-staff\n");
		return 2;
	}
	if (store_spec != NULL)
		return add_store(&s->cfg, store_spec);
	if (staff_spec != NULL)
		return add_staff(&s->cfg, staff_spec, staff_store, staff_org);

	/* one server per SQLite database: a second one would number events
	 * and orders from its own memory and fail the first one's commits
	 * (PostgreSQL's servers take their numbers from the store) */
	notify_init();
	lock_fd = store_is_url(s->cfg.db_path) ? -2 :
	    dbfile_lock(s->cfg.db_path, err, sizeof err);
	if (lock_fd == -1) {
		fprintf(stderr, "brigade-server: %s\n", err);
		return 1;
	}

	/* the database: the writer's connection creates and migrates it */
	menu_init(&menu);
	sessions_init(&s->sessions);
	job_queue_init(&s->done);
	metrics_init(&s->metrics);
	wst = store_open(s->cfg.db_path, false,
	    s->cfg.sync_full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL, err, sizeof err);
	if (wst == NULL) {
		fprintf(stderr, "brigade-server: %s%s\n", err,
		    store_damage() == SQLITE_CORRUPT ? " (the database is damaged; "
		    "restore it from a backup)" : "");
		if (store_damage() == SQLITE_CORRUPT)
			exit_code = 3;
		goto fail;
	}
	/* a damaged database is refused now, not discovered mid-service */
	if (store_check(wst, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-server: %s\n", err);
		exit_code = 3;
		goto fail;
	}
	if (prepare_restaurant(s, wst, &menu, &info_store) < 0)
		goto fail;
	/* made now if it never was: the read connections only read it */
	if (store_log_id(wst, STORE_MAIN, (char[LOG_ID_LEN + 1]){ 0 }) < 0) {
		fprintf(stderr, "brigade-server: %s\n", store_errmsg(wst));
		goto fail;
	}
	s->reader = store_open(s->cfg.db_path, true, STORE_SYNC_NORMAL, err, sizeof err);
	if (s->reader != NULL)
		ast = store_open(s->cfg.db_path, true, STORE_SYNC_NORMAL, err, sizeof err);
	if (s->reader == NULL || ast == NULL) {
		fprintf(stderr, "brigade-server: %s\n", err);
		goto fail;
	}
	/* the main store is served from the start; any other when first asked */
	if (shop_get(s, STORE_MAIN) == NULL) {
		fprintf(stderr, "brigade-server: %s\n", store_errmsg(s->reader));
		goto fail;
	}
	store_sessions_each(s->reader, util_now_ms(), session_cached, s);

	struct throttle_config tc = {
		.addr_failures = s->cfg.login_addr_failures,
		.addr_window_ms = (int64_t)s->cfg.login_addr_window_s * 1000,
		.account_failures = s->cfg.lockout_attempts,
		.lock_ms = (int64_t)s->cfg.lockout_s * 1000,
	};
	s->throttle = throttle_new(&tc);
	struct writer_config wc = {
		.throttle = s->throttle,
		.token_ttl_ms = (int64_t)s->cfg.token_ttl_s * 1000,
		.idem_retention_ms = (int64_t)s->cfg.idem_retention_days * 86400000,
		.max_batch = 256,
		.day_start_hour = s->cfg.day_start_hour,
	};
	xstrlcpy(wc.currency, s->cfg.currency, sizeof wc.currency);

	memset(&info, 0, sizeof info);
	info.port = s->cfg.listen_port;
	info.iface = s->cfg.listen_host;
	info.protocols = server_protocols;
	info.user = s;
	/* every accepted connection is a raw socket on our protocol: the
	 * server reads HTTP/1.1 and the stream's frames itself (http.c) */
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "brigade";
	info.fd_limit_per_thread = raise_fd_limit();
	info.timeout_secs = 20;
	if (s->cfg.tls_cert[0] != '\0') {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = s->cfg.tls_cert;
		info.ssl_private_key_filepath = s->cfg.tls_key;
		/* responses are written as HTTP/1.1 (headers and body in one
		 * send): offer only that, so clients never pick h2 */
		info.alpn = "http/1.1";
		/* TLS 1.2 and 1.3 only, and in 1.2 only ECDHE key exchange (a
		 * stolen key does not open recorded traffic) with AEAD ciphers
		 * (no CBC, no SHA-1 MACs); see docs/operations.md */
		info.ssl_cipher_list = TLS12_CIPHERS;
		info.tls1_3_plus_cipher_list = TLS13_CIPHERS;
		info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
		    SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION |
		    SSL_OP_CIPHER_SERVER_PREFERENCE;
	}
	/* BRIGADE_LWS_LOG=mask turns on libwebsockets' own logging */
	lws_set_log_level(getenv("BRIGADE_LWS_LOG") ? atoi(getenv("BRIGADE_LWS_LOG")) :
	    LLL_ERR, NULL);

	if (s->cfg.tls_cert[0] != '\0' && (access(s->cfg.tls_cert, R_OK) != 0 ||
	    access(s->cfg.tls_key, R_OK) != 0)) {
		fprintf(stderr, "brigade-server: cannot read %s: %s\n",
		    access(s->cfg.tls_cert, R_OK) != 0 ? s->cfg.tls_cert : s->cfg.tls_key,
		    strerror(errno));
		goto fail;
	}
	if (!listen_possible(s->cfg.listen_host, s->cfg.listen_port, err, sizeof err)) {
		fprintf(stderr, "brigade-server: cannot listen on %s:%d: %s\n",
		    s->cfg.listen_host, s->cfg.listen_port, err);
		goto fail;
	}
	{
		void *loops[] = { &uv_loop, NULL };

		const char *loop = getenv("BRIGADE_EVENT_LOOP");

		/* BRIGADE_EVENT_LOOP=poll: lws's own loop, as without the plugin */
		uv_used = (loop == NULL || strcmp(loop, "poll") != 0) &&
		    uv_loop_init(&uv_loop) == 0;
		if (uv_used) {
			struct lws_context_creation_info uv_info = info;

			uv_info.options |= LWS_SERVER_OPTION_LIBUV |
			    LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN;
			uv_info.foreign_loops = loops;
			uv_info.signal_cb = on_uv_signal;
			s->ctx = lws_create_context(&uv_info);
			if (s->ctx == NULL) {
				log_warn("%s: no libuv loop (libwebsockets-evlib-uv?): "
				    "serving on poll()", __func__);
				uv_run(&uv_loop, UV_RUN_NOWAIT);
				uv_loop_close(&uv_loop);
				uv_used = false;
			}
		}
		if (!uv_used)
			s->ctx = lws_create_context(&info);
	}
	if (s->ctx == NULL) {
		fprintf(stderr, "brigade-server: cannot listen on %s:%d%s\n",
		    s->cfg.listen_host, s->cfg.listen_port,
		    s->cfg.tls_cert[0] ? " (or cannot load the certificate)" : "");
		goto fail;
	}
	/* before the port file tells anyone we are up: a stop that follows
	 * at once must find the handler, not the default action */
	signal_ctx = s->ctx;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit (ulimit -f) is a failed write, reported, not death */
	signal(SIGXFSZ, SIG_IGN);
	s->vhost = lws_get_vhost_by_name(s->ctx, "default");
	int port = s->vhost != NULL ? lws_get_vhost_listen_port(s->vhost) : s->cfg.listen_port;
	if (port_file != NULL) {
		FILE *fp = fopen(port_file, "w");

		if (fp == NULL || fprintf(fp, "%d\n", port) < 0 || fclose(fp) != 0) {
			fprintf(stderr, "brigade-server: %s: %s\n", port_file, strerror(errno));
			goto fail;
		}
	}

	s->writer = writer_start(wst, &menu, &info_store, &wc, jobs_done, s);
	s->authw = authw_start(ast, s->writer, s->throttle, s->cfg.pin_iterations,
	    jobs_done, s);
	cluster_start(s);
	wst = ast = NULL;   /* the workers own them now */
	menu_free(&menu);

	lws_sul_schedule(s->ctx, 0, &s->sul_housekeeping, housekeeping, 5 * LWS_US_PER_SEC);

	store_display_path(s->cfg.db_path, err, sizeof err);
	printf("brigade-server %s listening on %s://%s:%d (database %s)\n", VERSION,
	    s->cfg.tls_cert[0] ? "https" : "http", s->cfg.listen_host, port, err);
	fflush(stdout);
	snprintf(err, sizeof err, "READY=1\nSTATUS=serving on %s:%d\nMAINPID=%ld",
	    s->cfg.listen_host, port, (long)getpid());
	notify_send(err);
	if (notify_watchdog_usec() > 0)
		watchdog_ping(&s->sul_watchdog);

	while (!got_signal) {
		if (uv_used)
			uv_run(&uv_loop, UV_RUN_ONCE);
		else if (lws_service(s->ctx, 0) < 0)
			break;
		if (got_hup) {
			got_hup = 0;
			reload(s);
		}
	}
	notify_send("STOPPING=1");
	log_info("stopping (signal %d)", (int)got_signal);
	s->stopping = true;
	/* finish what the workers hold, then close everything */
	cluster_stop(s);
	authw_stop(s->authw);
	writer_stop(s->writer);
	lws_sul_cancel(&s->sul_housekeeping);
	lws_sul_cancel(&s->sul_ws_ping);
	lws_sul_cancel(&s->sul_watchdog);
	lws_context_destroy(s->ctx);
	signal_ctx = NULL;
	s->ctx = NULL;
	finish_uv_loop();
	struct job *left = job_queue_poll(&s->done);
	while (left != NULL) {
		struct job *next = left->next;

		job_free(left);
		left = next;
	}
	job_queue_destroy(&s->done);
	shops_free(&s->shops);
	sessions_free(&s->sessions);
	free(s->pending);
	http_free_peers(s);
	store_close(s->reader);
	throttle_free(s->throttle);
	dbfile_unlock(lock_fd);
	return 0;

fail:
	signal_ctx = NULL;
	if (s->ctx != NULL)
		lws_context_destroy(s->ctx);
	finish_uv_loop();
	menu_free(&menu);
	store_close(wst);
	store_close(ast);
	store_close(s->reader);
	job_queue_destroy(&s->done);
	shops_free(&s->shops);
	sessions_free(&s->sessions);
	throttle_free(s->throttle);
	dbfile_unlock(lock_fd);
	return exit_code;
}
