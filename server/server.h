/* server: brigade-server's shared state, owned by the service thread (the
 * libwebsockets loop). Workers reach it only through the completion queue
 * and lws_cancel_service(). */
#ifndef BRIGADE_SERVER_H
#define BRIGADE_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "auth.h"
#include "authw.h"
#include "job.h"
#include "shop.h"
#include "metrics.h"
#include "store.h"
#include "stream.h"
#include "strbuf.h"
#include "writer.h"

#define MAX_BODY (64 * 1024)
#define TRUSTED_PROXIES_MAX 8

struct server_config {
	char listen_host[64];
	int listen_port;
	char db_path[512];
	bool demo;
	int tax_bp;
	int day_start_hour;
	int token_ttl_s;
	int lockout_attempts;        /* per (staff code, client address) */
	int lockout_s;
	int login_addr_failures;     /* wrong logins per address per window */
	int login_addr_window_s;
	int pin_iterations;
	int idem_retention_days;
	bool sync_full;
	char tls_cert[512];
	char tls_key[512];
	char currency[8];
	int max_conn_per_addr;       /* connections one client address may hold */
	char metrics_token[129];     /* opens /metrics to a scraper ("" none) */
	/* proxies whose X-Forwarded-For names the client (addresses in text,
	 * as the connection shows them) */
	char trusted_proxies[TRUSTED_PROXIES_MAX][64];
	unsigned char trusted_bin[TRUSTED_PROXIES_MAX][16]; /* the same, as IPv6
	                                (IPv4 mapped), to match a connection's peer */
	int ntrusted_proxies;
	bool access_log;             /* a log line per request */
	int log_level;               /* enum log_level */
	char log_file[512];          /* "" stderr (the journal under systemd) */
};

/* A request waiting on a worker: finds its connection when the job is done
 * (the connection may have gone meanwhile). */
struct pending {
	uint64_t req_id;
	struct lws *wsi;
};

struct server {
	struct server_config cfg;
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	struct store *reader;        /* the service thread's read connection */
	struct writer *writer;
	struct authw *authw;
	struct throttle *throttle;   /* login budgets, shared with the workers */
	struct pgwatch *watch;       /* a shared store's other servers (cluster.c) */
	struct sessions sessions;
	struct job_queue done;       /* finished jobs from the workers */
	struct shops shops;          /* the stores served: menus, details, streams */
	struct metrics metrics;
	uint64_t next_req_id;
	struct pending *pending;
	int npending, cap_pending;
	struct peer **peers;         /* connections per client address */
	lws_sorted_usec_list_t sul_housekeeping;
	lws_sorted_usec_list_t sul_ws_ping;  /* the streams' keepalive sweep */
	lws_sorted_usec_list_t sul_watchdog;
	bool probing;                /* a /healthz probe of the store is out */
	bool stopping;
};

/* The lws protocol that serves HTTP and the stream on one port. */
extern const struct lws_protocols server_protocols[];

#endif
