/* store_pg: brigade-server's PostgreSQL store, prepared statements only.
 *
 * One database holds any number of stores (the stores table); every row
 * of a store's data carries its store_id, and every statement on such rows
 * binds it. Many servers may share the database. What keeps them exact is
 * each store's row in counters: every transaction of a store's writer
 * (pgstore_begin) starts by locking that row, so the batches of all
 * instances for one store run one after the other, each seeing the last
 * one's commit, while other stores' batches run beside them; the batch
 * takes its event numbers and order ids from the row and moves the row on
 * at its commit (seq = seq + n). A store's number order is therefore its
 * commit order, and a reader that asks for "everything of store S after
 * SEQ" never misses a late commit. The commit also sends a notification
 * (PGSTORE_CHANNEL, "e SID SEQ") that the other instances listen for. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "store_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

/* The schema, as store.c's at STORE_SCHEMA_VERSION, in PostgreSQL's
 * words. Times are milliseconds (BIGINT) and documents JSON text, as in
 * SQLite. Every row of a restaurant's data carries its store_id, and every
 * statement on such rows names it: the stores share the tables, never a
 * row. meta's rows of store 0 (STORE_ORG) are the database's own. */
#define PG_NOW_MS "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

/* Login throttling shared by the servers (throttle.h), in the fresh schema
 * and in the migration to 4: kind 'addr' rows (code_key '') count an
 * address's wrong logins in the window from window_start; kind 'code' rows
 * count a (code key, address) pair's wrong PINs in a row and hold its lock
 * (window_start: its last failure). */
#define PG_LOGIN_THROTTLE_SQL \
	"CREATE TABLE login_throttle(" \
	"  kind TEXT NOT NULL, addr TEXT NOT NULL, code_key TEXT NOT NULL," \
	"  failures INTEGER NOT NULL, window_start BIGINT NOT NULL," \
	"  locked_until BIGINT NOT NULL, PRIMARY KEY(kind, addr, code_key));" \
	"CREATE INDEX login_throttle_code ON login_throttle(code_key);"

static const char pg_schema_sql[] =
    "CREATE TABLE stores("
    "  id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL);"
    /* the ids of the stores added after the first */
    "CREATE SEQUENCE store_ids START WITH 2;"
    "INSERT INTO stores(id, code, name, created_at)"
    "  VALUES(1, '" STORE_MAIN_CODE "', 'Main', " PG_NOW_MS ");"
    "CREATE TABLE meta("
    "  store_id BIGINT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY(store_id, key));"
    /* per store: the last event seq and order id given, and a count of
     * changes to the menu and the store's details (the other instances
     * reload them when it moves) */
    "CREATE TABLE counters("
    "  store_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, order_id BIGINT NOT NULL,"
    "  config BIGINT NOT NULL);"
    "INSERT INTO counters(store_id, seq, order_id, config) VALUES(1, 0, 0, 0);"
    "CREATE TABLE menu("
    "  store_id BIGINT PRIMARY KEY, version BIGINT NOT NULL, doc TEXT NOT NULL);"
    /* ids are the database's, codes the store's (store_id 0: the
     * organisation's admins) */
    "CREATE TABLE staff("
    "  id BIGSERIAL PRIMARY KEY, store_id BIGINT NOT NULL, code TEXT NOT NULL,"
    "  name TEXT NOT NULL, role TEXT NOT NULL, pin_hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1, failed INTEGER NOT NULL DEFAULT 0,"
    "  locked_until BIGINT NOT NULL DEFAULT 0,"
    "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
    "  UNIQUE(store_id, code));"
    /* store_id: the store the login is for */
    "CREATE TABLE sessions("
    "  token_hash TEXT PRIMARY KEY, staff_id BIGINT NOT NULL REFERENCES staff(id),"
    "  store_id BIGINT NOT NULL, terminal TEXT NOT NULL, created_at BIGINT NOT NULL,"
    "  expires_at BIGINT NOT NULL);"
    "CREATE TABLE orders("
    "  store_id BIGINT NOT NULL, id BIGINT NOT NULL, business_day TEXT NOT NULL,"
    "  number INTEGER NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,"
    "  staff TEXT NOT NULL, created_at BIGINT NOT NULL,"
    "  updated_at BIGINT NOT NULL, doc TEXT NOT NULL,"
    "  PRIMARY KEY(store_id, id), UNIQUE(store_id, business_day, number));"
    "CREATE INDEX orders_status ON orders(store_id, status, id);"
    "CREATE INDEX orders_updated ON orders(store_id, updated_at);"
    /* "by" is a keyword here: the column is closed_by */
    "CREATE TABLE z_closes("
    "  store_id BIGINT NOT NULL, z_number INTEGER NOT NULL, closed_at BIGINT NOT NULL,"
    "  from_ms BIGINT NOT NULL, closed_by TEXT NOT NULL, report TEXT NOT NULL,"
    "  PRIMARY KEY(store_id, z_number));"
    "CREATE TABLE events("
    "  store_id BIGINT NOT NULL, seq BIGINT NOT NULL,"
    "  type TEXT NOT NULL, at BIGINT NOT NULL, order_id BIGINT, body TEXT NOT NULL,"
    "  PRIMARY KEY(store_id, seq));"
    "CREATE TABLE idempotency("
    "  store_id BIGINT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
    "  status INTEGER NOT NULL, body TEXT NOT NULL, event_seq BIGINT,"
    "  created_at BIGINT NOT NULL, staff_id BIGINT, PRIMARY KEY(store_id, key));"
    "CREATE INDEX idempotency_age ON idempotency(created_at);"
    PG_LOGIN_THROTTLE_SQL;

/* Every statement the server runs, prepared on each connection. */
enum pq_id {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_LOCK, Q_ADVANCE, Q_CONFIG_BUMP, Q_NOTIFY,
	Q_STORE_BY_CODE, Q_STORE_BY_ID, Q_STORES_LIST, Q_STORE_INSERT,
	Q_MENU_GET, Q_MENU_PUT, Q_META_GET, Q_META_PUT, Q_COUNT_STAFF, Q_COUNT_ORDERS,
	Q_MAX_ORDER_ID, Q_LAST_NUMBER, Q_ORDER_INSERT, Q_ORDER_UPDATE, Q_ORDER_DOC,
	Q_ORDERS_LIST, Q_COUNT_BY_STATUS,
	Q_MAX_SEQ, Q_EVENT_INSERT, Q_EVENT_AFTER, Q_EVENTS_LIST,
	Q_IDEM_GET, Q_IDEM_PUT, Q_IDEM_PRUNE,
	Q_STAFF_BY_CODE, Q_STAFF_BY_ID, Q_STAFF_INSERT, Q_STAFF_UPDATE, Q_STAFF_LIST,
	Q_STAFF_FAILED, Q_STAFF_OK,
	Q_SESSION_INSERT, Q_SESSION_DELETE, Q_SESSIONS_DELETE_STAFF,
	Q_SESSIONS_PRUNE, Q_SESSIONS_EACH, Q_SESSION_GET,
	Q_ORDERS_SINCE, Q_LAST_CLOSE, Q_Z_INSERT, Q_Z_GET, Q_HEARTBEAT,
	Q_THROTTLE_CHECK, Q_THROTTLE_FAILED, Q_THROTTLE_OK, Q_THROTTLE_FORGET,
	Q_THROTTLE_PRUNE,
	Q_COUNT
};

#define STORE_COLS "id, code, name, created_at"
#define STAFF_COLS "id, code, name, role, pin_hash, active, failed, locked_until," \
	" created_at, updated_at, store_id"
#define STAFF_COLS_T "t.id, t.code, t.name, t.role, t.pin_hash, t.active, t.failed," \
	" t.locked_until, t.created_at, t.updated_at, t.store_id"
#define SESSION_COLS_S "s.token_hash, s.staff_id, s.terminal, s.created_at," \
	" s.expires_at, s.store_id"

/* A pair's wrong PINs in a row with this one (of Q_THROTTLE_FAILED's
 * conflicting row t): a lock that ended starts a new count. */
#define PAIR_RUN "(CASE WHEN t.locked_until <> 0 AND t.locked_until <= $3::bigint" \
	" THEN 0 ELSE t.failures END + 1)"

/* $1 of every statement on a store's rows is the store. */
static const char *const pq_sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	/* the batch's first statement: from here to its commit no other
	 * instance's batch for this store runs */
	[Q_LOCK] = "SELECT seq, order_id, config FROM counters WHERE store_id = $1"
	    " FOR UPDATE",
	[Q_ADVANCE] = "UPDATE counters SET seq = seq + $2::bigint,"
	    " order_id = GREATEST(order_id, $3::bigint) WHERE store_id = $1 RETURNING seq",
	[Q_CONFIG_BUMP] = "UPDATE counters SET config = config + 1 WHERE store_id = $1",
	[Q_NOTIFY] = "SELECT pg_notify('" PGSTORE_CHANNEL "', $1)",
	[Q_STORE_BY_CODE] = "SELECT " STORE_COLS " FROM stores WHERE code = $1",
	[Q_STORE_BY_ID] = "SELECT " STORE_COLS " FROM stores WHERE id = $1",
	[Q_STORES_LIST] = "SELECT " STORE_COLS " FROM stores ORDER BY id",
	/* one statement: the store, its counters and its log id, or nothing
	 * at all when the code is taken (a concurrent insert of the same code
	 * waits for the first to end, then finds it taken); a code seen taken
	 * spends no id */
	[Q_STORE_INSERT] = "WITH s AS (INSERT INTO stores(id, code, name, created_at)"
	    " SELECT nextval('store_ids'), $1, $2, $3"
	    " WHERE NOT EXISTS (SELECT 1 FROM stores WHERE code = $1)"
	    " ON CONFLICT(code) DO NOTHING RETURNING id),"
	    " c AS (INSERT INTO counters(store_id, seq, order_id, config)"
	    " SELECT id, 0, 0, 0 FROM s),"
	    " m AS (INSERT INTO meta(store_id, key, value) SELECT id, 'log_id', $4 FROM s)"
	    " SELECT id FROM s",
	[Q_MENU_GET] = "SELECT version, doc FROM menu WHERE store_id = $1",
	[Q_MENU_PUT] = "INSERT INTO menu(store_id, version, doc) VALUES($1, $2, $3)"
	    " ON CONFLICT(store_id) DO UPDATE SET version = excluded.version,"
	    " doc = excluded.doc",
	[Q_META_GET] = "SELECT value FROM meta WHERE store_id = $1 AND key = $2",
	[Q_META_PUT] = "INSERT INTO meta(store_id, key, value) VALUES($1, $2, $3)"
	    " ON CONFLICT(store_id, key) DO UPDATE SET value = excluded.value",
	[Q_COUNT_STAFF] = "SELECT count(*) FROM staff",
	[Q_COUNT_ORDERS] = "SELECT count(*) FROM orders",
	[Q_MAX_ORDER_ID] = "SELECT coalesce(max(id), 0) FROM orders WHERE store_id = $1",
	[Q_LAST_NUMBER] = "SELECT coalesce(max(number), 0) FROM orders"
	    " WHERE store_id = $1 AND business_day = $2",
	[Q_ORDER_INSERT] = "INSERT INTO orders(store_id, id, business_day, number, status,"
	    " version, staff, created_at, updated_at, doc)"
	    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	[Q_ORDER_UPDATE] = "UPDATE orders SET status = $3, version = $4, updated_at = $5,"
	    " doc = $6 WHERE store_id = $1 AND id = $2",
	[Q_ORDER_DOC] = "SELECT doc FROM orders WHERE store_id = $1 AND id = $2",
	/* $2 is a status bit set (0 = any), as in store.c */
	[Q_ORDERS_LIST] = "SELECT doc FROM orders WHERE store_id = $1 AND id > $5"
	    " AND ($2::int = 0 OR (($2::int >> (CASE status WHEN 'PENDING' THEN 0"
	    " WHEN 'PAID' THEN 1 WHEN 'PREPARING' THEN 2 WHEN 'READY' THEN 3"
	    " WHEN 'OUT_FOR_DELIVERY' THEN 4 WHEN 'COMPLETED' THEN 5 ELSE 6 END)) & 1) = 1)"
	    " AND ($3 = '' OR business_day = $3) AND ($4 = '' OR staff = $4)"
	    " ORDER BY id LIMIT $6",
	[Q_COUNT_BY_STATUS] = "SELECT status, count(*) FROM orders WHERE store_id = $1"
	    " GROUP BY status",
	[Q_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM events WHERE store_id = $1",
	[Q_EVENT_INSERT] = "INSERT INTO events(store_id, seq, type, at, order_id, body)"
	    " VALUES($1, $2, $3, $4, $5, $6)",
	[Q_EVENT_AFTER] = "SELECT seq, body FROM events WHERE store_id = $1 AND seq > $2"
	    " ORDER BY seq LIMIT 1",
	[Q_EVENTS_LIST] = "SELECT body FROM events WHERE store_id = $1 AND seq > $2"
	    " ORDER BY seq LIMIT $3",
	[Q_IDEM_GET] = "SELECT i.request_hash, i.status, i.body, e.body, i.staff_id"
	    " FROM idempotency i LEFT JOIN events e"
	    " ON e.store_id = i.store_id AND e.seq = i.event_seq"
	    " WHERE i.store_id = $1 AND i.key = $2",
	[Q_IDEM_PUT] = "INSERT INTO idempotency(store_id, key, request_hash, status, body,"
	    " event_seq, created_at, staff_id) VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
	[Q_IDEM_PRUNE] = "DELETE FROM idempotency WHERE created_at < $1",
	[Q_STAFF_BY_CODE] = "SELECT " STAFF_COLS " FROM staff WHERE store_id = $1"
	    " AND code = $2",
	[Q_STAFF_BY_ID] = "SELECT " STAFF_COLS " FROM staff WHERE id = $1",
	[Q_STAFF_INSERT] = "INSERT INTO staff(store_id, code, name, role, pin_hash, active,"
	    " failed, locked_until, created_at, updated_at)"
	    " VALUES($1, $2, $3, $4, $5, $6, 0, 0, $7, $7) RETURNING id",
	[Q_STAFF_UPDATE] = "UPDATE staff SET name = $2, role = $3, pin_hash = $4,"
	    " active = $5, failed = $6, locked_until = $7, updated_at = $8 WHERE id = $1",
	/* the store's accounts, then the organisation's */
	[Q_STAFF_LIST] = "SELECT " STAFF_COLS " FROM staff WHERE store_id = $1"
	    " OR store_id = 0 ORDER BY store_id = 0, id",
	[Q_STAFF_FAILED] = "UPDATE staff SET failed = failed + 1,"
	    " locked_until = CASE WHEN failed + 1 >= $2 THEN $3 ELSE locked_until END"
	    " WHERE id = $1",
	[Q_STAFF_OK] = "UPDATE staff SET failed = 0, locked_until = 0 WHERE id = $1",
	[Q_SESSION_INSERT] = "INSERT INTO sessions(token_hash, staff_id, store_id, terminal,"
	    " created_at, expires_at) VALUES($1, $2, $3, $4, $5, $6)",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = $1",
	[Q_SESSIONS_DELETE_STAFF] = "DELETE FROM sessions WHERE staff_id = $1",
	[Q_SESSIONS_PRUNE] = "DELETE FROM sessions WHERE expires_at <= $1",
	[Q_SESSIONS_EACH] = "SELECT " SESSION_COLS_S ", " STAFF_COLS_T
	    " FROM sessions s JOIN staff t ON t.id = s.staff_id"
	    " WHERE s.expires_at > $1 AND t.active = 1",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS_S ", " STAFF_COLS_T
	    " FROM sessions s JOIN staff t ON t.id = s.staff_id"
	    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND t.active = 1",
	[Q_ORDERS_SINCE] = "SELECT doc FROM orders WHERE store_id = $1 AND updated_at >= $2"
	    " ORDER BY id",
	[Q_LAST_CLOSE] = "SELECT z_number, closed_at FROM z_closes WHERE store_id = $1"
	    " ORDER BY z_number DESC LIMIT 1",
	[Q_Z_INSERT] = "INSERT INTO z_closes(store_id, z_number, closed_at, from_ms,"
	    " closed_by, report) VALUES($1, $2, $3, $4, $5, $6)",
	[Q_Z_GET] = "SELECT report FROM z_closes WHERE store_id = $1 AND z_number = $2",
	[Q_HEARTBEAT] = "INSERT INTO meta(store_id, key, value) VALUES(0, 'heartbeat', $1)"
	    " ON CONFLICT(store_id, key) DO UPDATE SET value = excluded.value",
	/* login throttling ($1 the address, $2 the code key, $3 now, $4 the
	 * address window): one statement each, so that the servers' counts
	 * add up whatever they run at once. The check begins a new window
	 * for an address whose window ended, as the in-memory throttle does,
	 * and always answers one row. */
	[Q_THROTTLE_CHECK] = "WITH r AS (UPDATE login_throttle"
	    " SET failures = 0, window_start = $3::bigint"
	    " WHERE kind = 'addr' AND addr = $1 AND code_key = ''"
	    " AND $3::bigint - window_start >= $4::bigint RETURNING failures, window_start)"
	    " SELECT COALESCE((SELECT failures FROM r), a.failures, 0),"
	    " COALESCE((SELECT window_start FROM r), a.window_start, 0),"
	    " COALESCE(p.locked_until, 0)"
	    " FROM (SELECT 1) one"
	    " LEFT JOIN login_throttle a ON a.kind = 'addr' AND a.addr = $1"
	    " AND a.code_key = ''"
	    " LEFT JOIN login_throttle p ON p.kind = 'code' AND p.addr = $1"
	    " AND p.code_key = $2",
	/* $5 the wrong PINs in a row that lock, $6 the lock's length. The
	 * pair's new count is 0 exactly when this failure locked it. */
	[Q_THROTTLE_FAILED] = "WITH a AS (INSERT INTO login_throttle AS t(kind, addr,"
	    " code_key, failures, window_start, locked_until)"
	    " VALUES('addr', $1, '', 1, $3::bigint, 0)"
	    " ON CONFLICT(kind, addr, code_key) DO UPDATE SET"
	    " failures = CASE WHEN $3::bigint - t.window_start >= $4::bigint THEN 1"
	    " ELSE t.failures + 1 END,"
	    " window_start = CASE WHEN $3::bigint - t.window_start >= $4::bigint"
	    " THEN $3::bigint ELSE t.window_start END RETURNING 1)"
	    " INSERT INTO login_throttle AS t(kind, addr, code_key, failures,"
	    " window_start, locked_until)"
	    " VALUES('code', $1, $2, CASE WHEN 1 >= $5::int THEN 0 ELSE 1 END, $3::bigint,"
	    " CASE WHEN 1 >= $5::int THEN $3::bigint + $6::bigint ELSE 0 END)"
	    " ON CONFLICT(kind, addr, code_key) DO UPDATE SET"
	    " failures = CASE WHEN " PAIR_RUN " >= $5::int THEN 0 ELSE " PAIR_RUN " END,"
	    " locked_until = CASE WHEN " PAIR_RUN " >= $5::int"
	    " THEN $3::bigint + $6::bigint ELSE t.locked_until END,"
	    " window_start = $3::bigint"
	    " RETURNING failures, locked_until",
	[Q_THROTTLE_OK] = "DELETE FROM login_throttle WHERE kind = 'code' AND addr = $1"
	    " AND code_key = $2",
	[Q_THROTTLE_FORGET] = "DELETE FROM login_throttle WHERE kind = 'code'"
	    " AND code_key = $1",
	/* a pair whose lock ended and that counts no failure says nothing */
	[Q_THROTTLE_PRUNE] = "DELETE FROM login_throttle WHERE locked_until <= $1"
	    " AND ((kind = 'addr' AND window_start <= $2) OR"
	    " (kind = 'code' AND (failures = 0 OR window_start <= $3)))",
};

/* A connection given up on is tried again at most this often (ms): a
 * store that is down costs each request one quick refusal, not a wait. */
#define RECONNECT_MS 250

struct pgstore {
	PGconn *conn;
	char url[512];
	char name[512];              /* the URL without its password, for messages */
	char err[300];               /* the last error, for store_errmsg */
	int64_t tried_ms;            /* the last attempt to reconnect */
	bool ready;                  /* connected, with the statements prepared */
	bool in_tx;
	/* the transaction under way: its store (STORE_ORG: none locked), the
	 * counter row as locked by its begin,
	 * the events it inserted (their count and last seq), its highest new
	 * order id and the rows it changed */
	int64_t tx_sid;
	int64_t lock_seq, lock_order_id, lock_config;
	int tx_events;
	int64_t tx_last_seq, tx_max_order;
	int64_t tx_changes;
	int64_t changes;             /* rows changed by committed writes */
	uint64_t errors;             /* statements that failed */
};

/* Parameters, as text (PostgreSQL converts them to the columns' types). */
#define ARGS_MAX 10
struct args {
	const char *v[ARGS_MAX];
	char num[ARGS_MAX][24];
	int n;
};

static void
a_int(struct args *a, int64_t v)
{
	snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", (long long)v);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

static void
a_text(struct args *a, const char *v)
{
	a->v[a->n++] = v;
}

static void
a_null(struct args *a)
{
	a->v[a->n++] = NULL;
}

/* Keep err as the store's last error, on one line and without quotes or
 * backslashes (it is shown inside JSON strings, such as /healthz's). */
static void
set_err(struct pgstore *p, const char *err)
{
	xstrlcpy(p->err, err != NULL && *err != '\0' ? err : "PostgreSQL failed",
	    sizeof p->err);
	for (char *c = p->err; *c != '\0'; c++) {
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = (c[1] == '\0') ? '\0' : ' ';
		else if (*c == '"')
			*c = '\'';
		else if (*c == '\\' || (unsigned char)*c < 0x20)
			*c = ' ';
	}
}

static int
prepare_all(struct pgstore *p)
{
	char name[16];

	for (int i = 0; i < Q_COUNT; i++) {
		PGresult *r;

		snprintf(name, sizeof name, "b%d", i);
		r = PQprepare(p->conn, name, pq_sql[i], 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			set_err(p, PQresultErrorMessage(r));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	return 0;
}

PGconn *
pgstore_connect(const char *url)
{
	/* the URL's own values, expanded from dbname, win over these */
	static const char *const keys[] = {
		"connect_timeout", "tcp_user_timeout", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "application_name",
		"dbname", NULL,
	};
	const char *values[] = { "5", "10000", "10", "5", "2", "brigade-server", url, NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);

	if (conn == NULL)
		abort();
	return conn;
}

/* Settings of each connection: a batch waits at most this long for
 * another instance's batch to free the store's counter row, a connection
 * that quietly holds it (a stopped instance) is ended, and no statement
 * holds a thread of the server for more than half a minute. */
static int
session_setup(struct pgstore *p)
{
	PGresult *r = PQexec(p->conn, "SET lock_timeout = '10s';"
	    " SET idle_in_transaction_session_timeout = '60s';"
	    " SET statement_timeout = '30s';"
	    " SET client_min_messages = warning");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		set_err(p, PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* Whether the connection is usable; outside a transaction a lost one is
 * made again (at most every RECONNECT_MS), with its statements. */
static bool
connected(struct pgstore *p)
{
	int64_t now;

	if (p->ready && PQstatus(p->conn) == CONNECTION_OK)
		return true;
	p->ready = false;
	if (p->in_tx) {
		set_err(p, "the connection to PostgreSQL was lost");
		return false;
	}
	now = util_now_ms();
	if (now - p->tried_ms < RECONNECT_MS)
		return false;
	p->tried_ms = now;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		PQreset(p->conn);
		if (PQstatus(p->conn) != CONNECTION_OK) {
			set_err(p, PQerrorMessage(p->conn));
			return false;
		}
	}
	if (session_setup(p) < 0 || prepare_all(p) < 0)
		return false;
	p->ready = true;
	log_info("%s: connected again", p->name);
	return true;
}

/* Run statement id. Returns its result (the caller clears it) or NULL,
 * the error kept and logged. A statement that finds the connection gone
 * outside a transaction reconnects and runs once more: reads and single
 * writes are whole, and a transaction that lost its connection has lost
 * everything it did (the caller answers 503). */
static PGresult *
pq(struct pgstore *p, enum pq_id id, const struct args *a)
{
	char name[16];

	snprintf(name, sizeof name, "b%d", (int)id);
	for (int attempt = 0; attempt < 2; attempt++) {
		PGresult *r;
		ExecStatusType st;

		if (!connected(p)) {
			p->errors++;
			return NULL;
		}
		r = PQexecPrepared(p->conn, name, a != NULL ? a->n : 0,
		    a != NULL ? a->v : NULL, NULL, NULL, 0);
		st = PQresultStatus(r);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			const char *n = PQcmdTuples(r);

			if (id != Q_LOCK && *n != '\0' && st == PGRES_COMMAND_OK) {
				if (p->in_tx)
					p->tx_changes += atoll(n);
				else
					p->changes += atoll(n);
			}
			return r;
		}
		set_err(p, r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(p->conn));
		PQclear(r);
		if (PQstatus(p->conn) != CONNECTION_BAD || p->in_tx)
			break;
		p->ready = false;
		p->tried_ms = 0;   /* it was up a moment ago: try at once */
	}
	p->errors++;
	log_error("%s: %s", p->name, p->err);
	return NULL;
}

/* Run a statement whose rows do not matter. */
static int
run(struct pgstore *p, enum pq_id id, const struct args *a)
{
	PGresult *r = pq(p, id, a);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

static int
run_int(struct pgstore *p, enum pq_id id, int64_t v)
{
	struct args a = { .n = 0 };

	a_int(&a, v);
	return run(p, id, &a);
}

static int
run_text(struct pgstore *p, enum pq_id id, const char *v)
{
	struct args a = { .n = 0 };

	a_text(&a, v);
	return run(p, id, &a);
}

static int64_t
get_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : atoll(PQgetvalue(r, row, col));
}

/* A statement of one row and one integer column: the value, or -1. */
static int64_t
single_int(struct pgstore *p, enum pq_id id, const struct args *a)
{
	PGresult *r = pq(p, id, a);
	int64_t v = -1;

	if (r != NULL && PQntuples(r) == 1)
		v = get_int(r, 0, 0);
	PQclear(r);
	return v;
}

/* The advisory lock that lets one server at a time create or migrate the
 * schema (the others wait, then find it done). */
#define MIGRATE_LOCK "7451108431"

static int
exec_plain(struct pgstore *p, const char *sql, char *err, size_t errsize)
{
	PGresult *r = PQexec(p->conn, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err(p, PQresultErrorMessage(r));
		snprintf(err, errsize, "%s: %s", p->name, p->err);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* A schema version a later brigade-server adds runs here, in the
 * transaction that holds MIGRATE_LOCK, as store.c's migrations do for
 * SQLite. A PostgreSQL database starts at schema 3. The names of the keys
 * and indexes dropped are the ones PostgreSQL gave schema 3's. */
static const struct pg_migration {
	int to;
	const char *what;
	const char *sql;
} pg_migrations[] = {
	/* Many stores: the rows of schema 3 become store 1's ("main"),
	 * except meta's database-wide values, which are the organisation's
	 * (store 0). The columns keep no default: a statement that does not
	 * name its store fails instead of writing store 1's rows. */
	{ 4, "many stores in one database: store_id on every store's rows",
	    "CREATE TABLE stores("
	    "  id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	    "  created_at BIGINT NOT NULL);"
	    "CREATE SEQUENCE store_ids START WITH 2;"
	    "INSERT INTO stores(id, code, name, created_at)"
	    "  VALUES(1, '" STORE_MAIN_CODE "', 'Main', " PG_NOW_MS ");"
	    "INSERT INTO counters(store_id, seq, order_id, config)"
	    "  VALUES(1, 0, 0, 0) ON CONFLICT DO NOTHING;"
	    "ALTER TABLE meta ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "UPDATE meta SET store_id = 0 WHERE key IN ('schema', 'approval_key', 'heartbeat');"
	    "ALTER TABLE meta ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT meta_pkey, ADD PRIMARY KEY(store_id, key);"
	    /* menu's key was id, always 1 */
	    "ALTER TABLE menu ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE menu ALTER COLUMN store_id DROP DEFAULT, DROP COLUMN id,"
	    "  ADD PRIMARY KEY(store_id);"
	    "ALTER TABLE staff ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE staff ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT staff_code_key, ADD UNIQUE(store_id, code);"
	    "ALTER TABLE sessions ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE sessions ALTER COLUMN store_id DROP DEFAULT;"
	    "ALTER TABLE orders ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE orders ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT orders_pkey, ADD PRIMARY KEY(store_id, id),"
	    "  DROP CONSTRAINT orders_business_day_number_key,"
	    "  ADD UNIQUE(store_id, business_day, number);"
	    "DROP INDEX orders_status;"
	    "DROP INDEX orders_updated;"
	    "CREATE INDEX orders_status ON orders(store_id, status, id);"
	    "CREATE INDEX orders_updated ON orders(store_id, updated_at);"
	    "ALTER TABLE z_closes ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE z_closes ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT z_closes_pkey, ADD PRIMARY KEY(store_id, z_number);"
	    /* events had store_id (always 1) since schema 3 */
	    "ALTER TABLE events ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT events_pkey, ADD PRIMARY KEY(store_id, seq);"
	    "ALTER TABLE idempotency ADD COLUMN store_id BIGINT NOT NULL DEFAULT 1;"
	    "ALTER TABLE idempotency ALTER COLUMN store_id DROP DEFAULT,"
	    "  DROP CONSTRAINT idempotency_pkey, ADD PRIMARY KEY(store_id, key);"
	    PG_LOGIN_THROTTLE_SQL },
};

/* A one-row, one-column query of the migration: 0 with *found and the
 * value in out (*found false: no row, or NULL), or -1. */
static int
query_text(struct pgstore *p, const char *sql, char *out, size_t size, bool *found,
    char *err, size_t errsize)
{
	PGresult *r = PQexec(p->conn, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(p, PQresultErrorMessage(r));
		snprintf(err, errsize, "%s: %s", p->name, p->err);
		PQclear(r);
		return -1;
	}
	*found = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
	if (*found)
		xstrlcpy(out, PQgetvalue(r, 0, 0), size);
	PQclear(r);
	return 0;
}

/* The schema version of the database: 0 for an empty one (no meta table),
 * or -1 (err says why). */
static int
schema_version(struct pgstore *p, char *err, size_t errsize)
{
	char v[32];
	bool found;

	if (query_text(p, "SELECT to_regclass('meta')::text", v, sizeof v, &found,
	    err, errsize) < 0)
		return -1;
	if (!found)
		return 0;
	/* one row at any schema: (key) up to 3, (0, key) since 4 */
	if (query_text(p, "SELECT value FROM meta WHERE key = 'schema'", v, sizeof v,
	    &found, err, errsize) < 0)
		return -1;
	if (!found || atoi(v) <= 0) {
		snprintf(err, errsize, "%s: not a Brigade database (no schema version)",
		    p->name);
		return -1;
	}
	return atoi(v);
}

/* Run one parameterised statement of the migration. */
static int
exec_params(struct pgstore *p, const char *sql, int n, const char *const *params,
    char *err, size_t errsize)
{
	PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_err(p, PQresultErrorMessage(r));
		snprintf(err, errsize, "%s: %s", p->name, p->err);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* Create the schema if it is not there, refuse one newer than this
 * server's, run the migrations it lacks, and give the database its
 * approval key and store 1 its event log identity: all in one transaction
 * under MIGRATE_LOCK, so that instances starting together agree. */
static int
migrate(struct pgstore *p, char *err, size_t errsize)
{
	char version_text[16], log_id[LOG_ID_LEN + 1], hexkey[65];
	unsigned char raw[32];
	const char *params[1];
	int version, rc;

	if (exec_plain(p, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");",
	    err, errsize) < 0 || (version = schema_version(p, err, errsize)) < 0)
		goto fail;
	if (version == 0) {
		if (exec_plain(p, pg_schema_sql, err, errsize) < 0)
			goto fail;
		version = STORE_SCHEMA_VERSION;
	}
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errsize, "%s: written by a newer brigade-server (schema %d;"
		    " this one knows up to %d): upgrade brigade-server", p->name, version,
		    STORE_SCHEMA_VERSION);
		goto fail;
	}
	for (size_t i = 0; i < sizeof pg_migrations / sizeof pg_migrations[0]; i++) {
		const struct pg_migration *mg = &pg_migrations[i];

		if (mg->to <= version)
			continue;
		if (exec_plain(p, mg->sql, err, errsize) < 0)
			goto fail;
		log_info("%s: schema %d: %s", p->name, mg->to, mg->what);
		version = mg->to;
	}
	snprintf(version_text, sizeof version_text, "%d", version);
	params[0] = version_text;
	if (exec_params(p, "INSERT INTO meta(store_id, key, value) VALUES(0, 'schema', $1)"
	    " ON CONFLICT(store_id, key) DO UPDATE SET value = excluded.value",
	    1, params, err, errsize) < 0)
		goto fail;
	store_new_log_id(log_id);
	params[0] = log_id;
	if (exec_params(p, "INSERT INTO meta(store_id, key, value) VALUES(1, 'log_id', $1)"
	    " ON CONFLICT(store_id, key) DO NOTHING", 1, params, err, errsize) < 0)
		goto fail;
	/* the key that signs managers' approvals: made here, under the
	 * schema's lock, so that instances starting together share one */
	if (RAND_bytes(raw, sizeof raw) != 1)
		abort();
	for (size_t k = 0; k < sizeof raw; k++)
		snprintf(hexkey + 2 * k, 3, "%02x", raw[k]);
	OPENSSL_cleanse(raw, sizeof raw);
	params[0] = hexkey;
	rc = exec_params(p, "INSERT INTO meta(store_id, key, value)"
	    " VALUES(0, 'approval_key', $1) ON CONFLICT(store_id, key) DO NOTHING",
	    1, params, err, errsize);
	OPENSSL_cleanse(hexkey, sizeof hexkey);
	if (rc < 0)
		goto fail;
	return exec_plain(p, "COMMIT", err, errsize);
fail:
	PQclear(PQexec(p->conn, "ROLLBACK"));
	return -1;
}

/* Without migrating (a reader): the schema must be this server's. */
static int
check_schema(struct pgstore *p, char *err, size_t errsize)
{
	int version = schema_version(p, err, errsize);

	if (version < 0)
		return -1;
	if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, errsize, "%s: schema %d, not %d: %s", p->name, version,
		    STORE_SCHEMA_VERSION, version < STORE_SCHEMA_VERSION ?
		    "start brigade-server on it once to bring it up to date" :
		    "written by a newer brigade-server");
		return -1;
	}
	return 0;
}

struct pgstore *
pgstore_open(const char *url, bool do_migrate, char *err, size_t errsize)
{
	struct pgstore *p = xcalloc(1, sizeof *p);

	xstrlcpy(p->url, url, sizeof p->url);
	store_display_path(url, p->name, sizeof p->name);
	p->conn = pgstore_connect(url);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		set_err(p, PQerrorMessage(p->conn));
		snprintf(err, errsize, "%s: %s", p->name, p->err);
		goto fail;
	}
	if (session_setup(p) < 0) {
		snprintf(err, errsize, "%s: %s", p->name, p->err);
		goto fail;
	}
	if (do_migrate ? migrate(p, err, errsize) < 0 : check_schema(p, err, errsize) < 0)
		goto fail;
	/* a database that is not ours fails here, at start-up */
	if (prepare_all(p) < 0) {
		snprintf(err, errsize, "%s: not a Brigade database (%s)", p->name, p->err);
		goto fail;
	}
	p->ready = true;
	return p;
fail:
	pgstore_close(p);
	return NULL;
}

void
pgstore_close(struct pgstore *p)
{
	if (p == NULL)
		return;
	PQfinish(p->conn);
	free(p);
}

const char *
pgstore_errmsg(struct pgstore *p)
{
	return p->err[0] != '\0' ? p->err : PQerrorMessage(p->conn);
}

/* ---- stores ---------------------------------------------------------- */

static int
store_one(struct pgstore *p, enum pq_id id, const struct args *a, struct store_row *out)
{
	PGresult *r = pq(p, id, a);
	int rc;

	if (r == NULL)
		return -1;
	rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0) {
		memset(out, 0, sizeof *out);
		out->id = get_int(r, 0, 0);
		xstrlcpy(out->code, PQgetvalue(r, 0, 1), sizeof out->code);
		xstrlcpy(out->name, PQgetvalue(r, 0, 2), sizeof out->name);
		out->created_at = get_int(r, 0, 3);
	}
	PQclear(r);
	return rc;
}

int
pgstore_store_by_code(struct pgstore *p, const char *code, struct store_row *out)
{
	struct args a = { .n = 0 };

	a_text(&a, code);
	return store_one(p, Q_STORE_BY_CODE, &a, out);
}

int
pgstore_store_by_id(struct pgstore *p, int64_t id, struct store_row *out)
{
	struct args a = { .n = 0 };

	a_int(&a, id);
	return store_one(p, Q_STORE_BY_ID, &a, out);
}

int
pgstore_stores_each(struct pgstore *p,
    void (*fn)(void *ctx, const struct store_row *row), void *ctx)
{
	PGresult *r = pq(p, Q_STORES_LIST, NULL);

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_row row = { .id = get_int(r, i, 0) };

		xstrlcpy(row.code, PQgetvalue(r, i, 1), sizeof row.code);
		xstrlcpy(row.name, PQgetvalue(r, i, 2), sizeof row.name);
		row.created_at = get_int(r, i, 3);
		fn(ctx, &row);
	}
	PQclear(r);
	return 0;
}

/* The store, its counters row and its event log id, in one statement: in
 * the caller's transaction when one is open, else on its own. The id is
 * the next of a sequence, so servers adding stores at once never take the
 * same one; a code taken (even by a transaction not yet committed, which
 * this one then waits for) leaves everything as it was and the
 * transaction usable. */
int
pgstore_store_insert(struct pgstore *p, struct store_row *row)
{
	struct args a = { .n = 0 };
	char log_id[LOG_ID_LEN + 1];
	PGresult *r;
	int rc;

	if (row->created_at == 0)
		row->created_at = util_now_ms();
	store_new_log_id(log_id);
	a_text(&a, row->code);
	a_text(&a, row->name);
	a_int(&a, row->created_at);
	a_text(&a, log_id);
	if ((r = pq(p, Q_STORE_INSERT, &a)) == NULL)
		return -1;
	rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0) {
		row->id = get_int(r, 0, 0);
		/* a SELECT's count: the three rows it wrote */
		if (p->in_tx)
			p->tx_changes += 3;
		else
			p->changes += 3;
	}
	PQclear(r);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

/* Begin a batch of store sid: lock its counters row, which every other
 * batch of that store (on any server) waits for, and keep where it
 * stands. The organisation's batches (STORE_ORG: accounts, stores) lock
 * nothing and number nothing. */
int
pgstore_begin(struct pgstore *p, int64_t sid)
{
	struct args a = { .n = 0 };
	PGresult *r;

	if (p->in_tx) {
		set_err(p, "a transaction is already under way");
		return -1;
	}
	if (run(p, Q_BEGIN, NULL) < 0)
		return -1;
	p->in_tx = true;
	p->tx_sid = sid;
	p->tx_events = 0;
	p->tx_last_seq = p->tx_max_order = p->tx_changes = 0;
	p->lock_seq = p->lock_order_id = p->lock_config = 0;
	if (sid == STORE_ORG)
		return 0;
	a_int(&a, sid);
	r = pq(p, Q_LOCK, &a);
	if (r == NULL || PQntuples(r) != 1) {
		if (r != NULL) {
			char why[64];

			snprintf(why, sizeof why, "store %lld does not exist", (long long)sid);
			set_err(p, why);
			log_error("%s: %s", p->name, p->err);
		}
		PQclear(r);
		pgstore_rollback(p);
		return -1;
	}
	p->lock_seq = get_int(r, 0, 0);
	p->lock_order_id = get_int(r, 0, 1);
	p->lock_config = get_int(r, 0, 2);
	PQclear(r);
	return 0;
}

/* The counters of the transaction's store as its begin locked them; the
 * organisation's transaction has none. */
int
pgstore_counters(struct pgstore *p, int64_t *seq, int64_t *order_id, int64_t *config)
{
	if (!p->in_tx || p->tx_sid == STORE_ORG) {
		set_err(p, p->in_tx ? "the organisation's transaction numbers nothing" :
		    "no transaction under way");
		return -1;
	}
	*seq = p->lock_seq;
	*order_id = p->lock_order_id;
	*config = p->lock_config;
	return 0;
}

/* Whether a write of store sid's orders or events belongs in the
 * transaction under way: numbers are given per store, and only the
 * store whose counters row the transaction holds may take them. */
static bool
tx_store(struct pgstore *p, int64_t sid)
{
	char why[96];

	if (!p->in_tx || sid == p->tx_sid)
		return true;
	snprintf(why, sizeof why, "a write of store %lld in a transaction of store %lld",
	    (long long)sid, (long long)p->tx_sid);
	set_err(p, why);
	log_error("%s: %s", p->name, p->err);
	return false;
}

/* Move the counter row on by what the transaction took (its events must
 * be the next numbers: anything else is a writer that did not take them
 * from the row, and is refused), say so to the listeners, commit. */
int
pgstore_commit(struct pgstore *p)
{
	struct args a = { .n = 0 };
	PGresult *r;
	int rc;

	if (!p->in_tx)
		return -1;
	if (p->tx_events > 0 || p->tx_max_order > 0) {
		a_int(&a, p->tx_sid);
		a_int(&a, p->tx_events);
		a_int(&a, p->tx_max_order);
		r = pq(p, Q_ADVANCE, &a);
		if (r == NULL) {
			pgstore_rollback(p);
			return -1;
		}
		if (PQntuples(r) != 1 || (p->tx_events > 0 &&
		    get_int(r, 0, 0) != p->tx_last_seq)) {
			log_error("%s: store %lld: events %lld..%lld do not follow the"
			    " counter (%lld)", p->name, (long long)p->tx_sid,
			    (long long)(p->tx_last_seq - p->tx_events + 1),
			    (long long)p->tx_last_seq, (long long)p->lock_seq);
			set_err(p, "event numbers out of step with the store's counter");
			PQclear(r);
			pgstore_rollback(p);
			return -1;
		}
		PQclear(r);
	}
	if (p->tx_events > 0) {
		char payload[48];

		snprintf(payload, sizeof payload, "e %lld %lld", (long long)p->tx_sid,
		    (long long)p->tx_last_seq);
		a.n = 0;
		a_text(&a, payload);
		if (run(p, Q_NOTIFY, &a) < 0) {
			pgstore_rollback(p);
			return -1;
		}
	}
	rc = run(p, Q_COMMIT, NULL);
	p->in_tx = false;
	if (rc == 0)
		p->changes += p->tx_changes;
	p->tx_changes = 0;
	return rc;
}

void
pgstore_rollback(struct pgstore *p)
{
	if (!p->in_tx)
		return;
	if (PQstatus(p->conn) == CONNECTION_OK)
		PQclear(PQexec(p->conn, "ROLLBACK"));
	p->in_tx = false;
	p->tx_changes = 0;
}

/* ---- menu and meta --------------------------------------------------- */

int
pgstore_menu_load(struct pgstore *p, int64_t sid, struct menu *m)
{
	struct args a = { .n = 0 };
	PGresult *r;
	struct codec_error err;

	menu_init(m);
	a_int(&a, sid);
	if ((r = pq(p, Q_MENU_GET, &a)) == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		int64_t version = get_int(r, 0, 0);
		cJSON *j = cJSON_Parse(PQgetvalue(r, 0, 1));

		if (j == NULL || menu_from_json(j, m, &err) < 0) {
			log_error("%s: store %lld: the stored menu does not read back: %s",
			    p->name, (long long)sid, j == NULL ? "not JSON" : err.message);
			cJSON_Delete(j);
			PQclear(r);
			return -1;
		}
		cJSON_Delete(j);
		m->version = version;
	}
	PQclear(r);
	return 0;
}

/* The menu is among what the other instances reload: its store's config
 * count moves. */
int
pgstore_menu_save(struct pgstore *p, int64_t sid, const struct menu *m)
{
	struct args a = { .n = 0 };
	cJSON *j = menu_to_json_doc(m);
	char *doc = cJSON_PrintUnformatted(j);
	int rc;

	cJSON_Delete(j);
	if (doc == NULL)
		abort();
	a_int(&a, sid);
	a_int(&a, m->version);
	a_text(&a, doc);
	rc = run(p, Q_MENU_PUT, &a);
	free(doc);
	if (rc == 0)
		rc = run_int(p, Q_CONFIG_BUMP, sid);
	return rc;
}

int
pgstore_meta_get(struct pgstore *p, int64_t sid, const char *key, char **value)
{
	struct args a = { .n = 0 };
	PGresult *r;
	int rc;

	*value = NULL;
	a_int(&a, sid);
	a_text(&a, key);
	if ((r = pq(p, Q_META_GET, &a)) == NULL)
		return -1;
	rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0)
		*value = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc;
}

/* The store's details are among what the other instances reload. */
int
pgstore_meta_put(struct pgstore *p, int64_t sid, const char *key, const char *value)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	a_text(&a, key);
	a_text(&a, value);
	if (run(p, Q_META_PUT, &a) < 0)
		return -1;
	return strcmp(key, "store") == 0 ? run_int(p, Q_CONFIG_BUMP, sid) : 0;
}

int
pgstore_counts(struct pgstore *p, int64_t *staff, int64_t *orders)
{
	*staff = single_int(p, Q_COUNT_STAFF, NULL);
	*orders = single_int(p, Q_COUNT_ORDERS, NULL);
	return *staff < 0 || *orders < 0 ? -1 : 0;
}

/* ---- orders ---------------------------------------------------------- */

int64_t
pgstore_max_order_id(struct pgstore *p, int64_t sid)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	return single_int(p, Q_MAX_ORDER_ID, &a);
}

int
pgstore_last_number(struct pgstore *p, int64_t sid, const char *day, int *number)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	a_text(&a, day);
	if ((r = pq(p, Q_LAST_NUMBER, &a)) == NULL)
		return -1;
	*number = (int)get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pgstore_order_insert(struct pgstore *p, int64_t sid, const struct order *o,
    const char *doc)
{
	struct args a = { .n = 0 };

	if (!tx_store(p, sid))
		return -1;
	a_int(&a, sid);
	a_int(&a, o->id);
	a_text(&a, o->business_day);
	a_int(&a, o->number);
	a_text(&a, status_name(o->status));
	a_int(&a, o->version);
	a_text(&a, o->staff);
	a_int(&a, o->created_at);
	a_int(&a, o->updated_at);
	a_text(&a, doc);
	if (run(p, Q_ORDER_INSERT, &a) < 0)
		return -1;
	if (o->id > p->tx_max_order)
		p->tx_max_order = o->id;
	return 0;
}

int
pgstore_order_update(struct pgstore *p, int64_t sid, const struct order *o,
    const char *doc)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	a_int(&a, o->id);
	a_text(&a, status_name(o->status));
	a_int(&a, o->version);
	a_int(&a, o->updated_at);
	a_text(&a, doc);
	return run(p, Q_ORDER_UPDATE, &a);
}

char *
pgstore_order_doc(struct pgstore *p, int64_t sid, int64_t id)
{
	struct args a = { .n = 0 };
	PGresult *r;
	char *doc = NULL;

	a_int(&a, sid);
	a_int(&a, id);
	if ((r = pq(p, Q_ORDER_DOC, &a)) == NULL)
		return NULL;
	if (PQntuples(r) == 1)
		doc = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return doc;
}

/* Rows of one text column, appended to out as a JSON array's items. */
static int
append_rows(PGresult *r, struct strbuf *out)
{
	int n = PQntuples(r);

	for (int i = 0; i < n; i++) {
		if (i > 0)
			strbuf_putc(out, ',');
		strbuf_append(out, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
	}
	PQclear(r);
	return n;
}

int
pgstore_orders_list(struct pgstore *p, int64_t sid, unsigned status_bits,
    const char *day, const char *staff, int limit, int64_t after_id,
    struct strbuf *out)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	a_int(&a, (int64_t)status_bits);
	a_text(&a, day);
	a_text(&a, staff);
	a_int(&a, after_id);
	a_int(&a, limit);
	if ((r = pq(p, Q_ORDERS_LIST, &a)) == NULL)
		return -1;
	return append_rows(r, out);
}

int
pgstore_count_by_status(struct pgstore *p, int64_t sid, int64_t counts[STATUS_COUNT])
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	r = pq(p, Q_COUNT_BY_STATUS, &a);
	memset(counts, 0, sizeof(int64_t) * STATUS_COUNT);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int status = status_parse(PQgetvalue(r, i, 0));

		if (status >= 0)
			counts[status] = get_int(r, i, 1);
	}
	PQclear(r);
	return 0;
}

/* ---- events ---------------------------------------------------------- */

int64_t
pgstore_max_seq(struct pgstore *p, int64_t sid)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	return single_int(p, Q_MAX_SEQ, &a);
}

int
pgstore_event_insert(struct pgstore *p, int64_t sid, int64_t seq, const char *type,
    int64_t at, int64_t order_id, const char *body)
{
	struct args a = { .n = 0 };

	if (!tx_store(p, sid))
		return -1;
	a_int(&a, sid);
	a_int(&a, seq);
	a_text(&a, type);
	a_int(&a, at);
	if (order_id > 0)
		a_int(&a, order_id);
	else
		a_null(&a);
	a_text(&a, body);
	if (run(p, Q_EVENT_INSERT, &a) < 0)
		return -1;
	p->tx_events++;
	p->tx_last_seq = seq;
	return 0;
}

char *
pgstore_event_after(struct pgstore *p, int64_t sid, int64_t seq, int64_t *next_seq)
{
	struct args a = { .n = 0 };
	PGresult *r;
	char *body = NULL;

	a_int(&a, sid);
	a_int(&a, seq);
	if ((r = pq(p, Q_EVENT_AFTER, &a)) == NULL)
		return NULL;
	if (PQntuples(r) == 1) {
		*next_seq = get_int(r, 0, 0);
		body = xstrdup(PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return body;
}

int
pgstore_events_list(struct pgstore *p, int64_t sid, int64_t after, int limit,
    struct strbuf *out)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	a_int(&a, after);
	a_int(&a, limit);
	if ((r = pq(p, Q_EVENTS_LIST, &a)) == NULL)
		return -1;
	return append_rows(r, out);
}

/* ---- idempotency ----------------------------------------------------- */

int
pgstore_idem_get(struct pgstore *p, int64_t sid, const char *key, char hash[65],
    int *status, char **body, int64_t *staff_id)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	a_text(&a, key);
	if ((r = pq(p, Q_IDEM_GET, &a)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 1;
	}
	xstrlcpy(hash, PQgetvalue(r, 0, 0), 65);
	*status = (int)get_int(r, 0, 1);
	*staff_id = get_int(r, 0, 4);
	if (!PQgetisnull(r, 0, 3)) {
		size_t len;
		const char *e = event_payload(PQgetvalue(r, 0, 3), &len);

		*body = e != NULL ? xstrndup(e, len) : xstrdup("{}");
	} else {
		*body = xstrdup(PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return 0;
}

int
pgstore_idem_put(struct pgstore *p, int64_t sid, const char *key, const char *hash,
    int status, const char *body, int64_t event_seq, int64_t now, int64_t staff_id)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	a_text(&a, key);
	a_text(&a, hash);
	a_int(&a, status);
	a_text(&a, event_seq > 0 ? "" : body);
	if (event_seq > 0)
		a_int(&a, event_seq);
	else
		a_null(&a);
	a_int(&a, now);
	a_int(&a, staff_id);
	return run(p, Q_IDEM_PUT, &a);
}

int
pgstore_idem_prune(struct pgstore *p, int64_t older_than)
{
	return run_int(p, Q_IDEM_PRUNE, older_than);
}

/* ---- staff and sessions ---------------------------------------------- */

/* An account from STAFF_COLS (or STAFF_COLS_T) starting at column c. */
static void
staff_from_row(const PGresult *r, int row, int c, struct staff_row *out)
{
	int role = role_parse(PQgetvalue(r, row, c + 3));

	memset(out, 0, sizeof *out);
	out->id = get_int(r, row, c);
	xstrlcpy(out->code, PQgetvalue(r, row, c + 1), sizeof out->code);
	xstrlcpy(out->name, PQgetvalue(r, row, c + 2), sizeof out->name);
	out->role = role >= 0 ? (enum staff_role)role : ROLE_CUSTOMER;
	xstrlcpy(out->pin_hash, PQgetvalue(r, row, c + 4), sizeof out->pin_hash);
	out->active = get_int(r, row, c + 5) != 0;
	out->failed = (int)get_int(r, row, c + 6);
	out->locked_until = get_int(r, row, c + 7);
	out->created_at = get_int(r, row, c + 8);
	out->updated_at = get_int(r, row, c + 9);
	out->store_id = get_int(r, row, c + 10);
}

static int
staff_one(struct pgstore *p, enum pq_id id, const struct args *a, struct staff_row *out)
{
	PGresult *r = pq(p, id, a);
	int rc;

	if (r == NULL)
		return -1;
	rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0)
		staff_from_row(r, 0, 0, out);
	PQclear(r);
	return rc;
}

int
pgstore_staff_by_code(struct pgstore *p, int64_t sid, const char *code,
    struct staff_row *out)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	a_text(&a, code);
	return staff_one(p, Q_STAFF_BY_CODE, &a, out);
}

int
pgstore_staff_by_id(struct pgstore *p, int64_t id, struct staff_row *out)
{
	struct args a = { .n = 0 };

	a_int(&a, id);
	return staff_one(p, Q_STAFF_BY_ID, &a, out);
}

/* The account belongs to row->store_id (STORE_ORG: an organisation admin). */
int
pgstore_staff_insert(struct pgstore *p, struct staff_row *row)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, row->store_id);
	a_text(&a, row->code);
	a_text(&a, row->name);
	a_text(&a, role_name(row->role));
	a_text(&a, row->pin_hash);
	a_int(&a, row->active);
	a_int(&a, row->created_at);
	if ((r = pq(p, Q_STAFF_INSERT, &a)) == NULL)
		return -1;
	row->id = get_int(r, 0, 0);
	if (p->in_tx)
		p->tx_changes++;
	else
		p->changes++;
	PQclear(r);
	return 0;
}

/* By id; an account never moves to another store. */
int
pgstore_staff_update(struct pgstore *p, const struct staff_row *row)
{
	struct args a = { .n = 0 };

	a_int(&a, row->id);
	a_text(&a, row->name);
	a_text(&a, role_name(row->role));
	a_text(&a, row->pin_hash);
	a_int(&a, row->active);
	a_int(&a, row->failed);
	a_int(&a, row->locked_until);
	a_int(&a, row->updated_at);
	return run(p, Q_STAFF_UPDATE, &a);
}

int
pgstore_staff_each(struct pgstore *p, int64_t sid,
    void (*fn)(void *ctx, const struct staff_row *s), void *ctx)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, sid);
	if ((r = pq(p, Q_STAFF_LIST, &a)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct staff_row row;

		staff_from_row(r, i, 0, &row);
		fn(ctx, &row);
	}
	PQclear(r);
	return 0;
}

int
pgstore_staff_login_failed(struct pgstore *p, int64_t id, int max_failures,
    int64_t lock_until)
{
	struct args a = { .n = 0 };

	a_int(&a, id);
	a_int(&a, max_failures);
	a_int(&a, lock_until);
	return run(p, Q_STAFF_FAILED, &a);
}

int
pgstore_staff_login_ok(struct pgstore *p, int64_t id)
{
	return run_int(p, Q_STAFF_OK, id);
}

/* The login is for row->store_id (an organisation admin's: any store). */
int
pgstore_session_insert(struct pgstore *p, const struct session_row *row)
{
	struct args a = { .n = 0 };

	a_text(&a, row->token_hash);
	a_int(&a, row->staff_id);
	a_int(&a, row->store_id);
	a_text(&a, row->terminal);
	a_int(&a, row->created_at);
	a_int(&a, row->expires_at);
	return run(p, Q_SESSION_INSERT, &a);
}

/* An ended login, or an account's logins, ended for every instance: the
 * others keep sessions in a cache and drop them when told. */
static int
notify(struct pgstore *p, const char *what)
{
	struct args a = { .n = 0 };

	a_text(&a, what);
	return run(p, Q_NOTIFY, &a);
}

int
pgstore_session_delete(struct pgstore *p, const char *token_hash)
{
	char what[80];

	snprintf(what, sizeof what, "l %s", token_hash);
	if (run_text(p, Q_SESSION_DELETE, token_hash) < 0)
		return -1;
	return notify(p, what);
}

int
pgstore_sessions_delete_staff(struct pgstore *p, int64_t staff_id)
{
	char what[32];

	snprintf(what, sizeof what, "r %lld", (long long)staff_id);
	if (run_int(p, Q_SESSIONS_DELETE_STAFF, staff_id) < 0)
		return -1;
	return notify(p, what);
}

int
pgstore_sessions_prune(struct pgstore *p, int64_t now)
{
	return run_int(p, Q_SESSIONS_PRUNE, now);
}

int
pgstore_throttle_check(struct pgstore *p, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, struct store_throttle *out)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_text(&a, addr);
	a_text(&a, code_key);
	a_int(&a, now);
	a_int(&a, window_ms);
	r = pq(p, Q_THROTTLE_CHECK, &a);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		set_err(p, "the login throttle answered no row");
		PQclear(r);
		return -1;
	}
	out->addr_failures = (int)get_int(r, 0, 0);
	out->window_start = get_int(r, 0, 1);
	out->locked_until = get_int(r, 0, 2);
	PQclear(r);
	return 0;
}

int
pgstore_throttle_failed(struct pgstore *p, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, int max_failures, int64_t lock_ms,
    int64_t *locked_until)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_text(&a, addr);
	a_text(&a, code_key);
	a_int(&a, now);
	a_int(&a, window_ms);
	a_int(&a, max_failures);
	a_int(&a, lock_ms);
	r = pq(p, Q_THROTTLE_FAILED, &a);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		set_err(p, "the login throttle answered no row");
		PQclear(r);
		return -1;
	}
	*locked_until = get_int(r, 0, 0) == 0 ? get_int(r, 0, 1) : 0;
	PQclear(r);
	return 0;
}

int
pgstore_throttle_succeeded(struct pgstore *p, const char *addr, const char *code_key)
{
	struct args a = { .n = 0 };

	a_text(&a, addr);
	a_text(&a, code_key);
	return run(p, Q_THROTTLE_OK, &a);
}

int
pgstore_throttle_forget(struct pgstore *p, const char *code_key)
{
	return run_text(p, Q_THROTTLE_FORGET, code_key);
}

int
pgstore_throttle_prune(struct pgstore *p, int64_t now, int64_t addr_before,
    int64_t pair_before)
{
	struct args a = { .n = 0 };

	a_int(&a, now);
	a_int(&a, addr_before);
	a_int(&a, pair_before);
	return run(p, Q_THROTTLE_PRUNE, &a);
}

/* A session from SESSION_COLS_S (the account's columns follow, from
 * SESSION_NCOLS). */
#define SESSION_NCOLS 6
static void
session_from_row(const PGresult *r, int i, struct session_row *s)
{
	memset(s, 0, sizeof *s);
	xstrlcpy(s->token_hash, PQgetvalue(r, i, 0), sizeof s->token_hash);
	s->staff_id = get_int(r, i, 1);
	xstrlcpy(s->terminal, PQgetvalue(r, i, 2), sizeof s->terminal);
	s->created_at = get_int(r, i, 3);
	s->expires_at = get_int(r, i, 4);
	s->store_id = get_int(r, i, 5);
}

int
pgstore_session_get(struct pgstore *p, const char *token_hash, int64_t now,
    struct session_row *s, struct staff_row *staff)
{
	struct args a = { .n = 0 };
	PGresult *r;
	int rc;

	a_text(&a, token_hash);
	a_int(&a, now);
	if ((r = pq(p, Q_SESSION_GET, &a)) == NULL)
		return -1;
	rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0) {
		session_from_row(r, 0, s);
		staff_from_row(r, 0, SESSION_NCOLS, staff);
	}
	PQclear(r);
	return rc;
}

int
pgstore_sessions_each(struct pgstore *p, int64_t now,
    void (*fn)(void *ctx, const struct session_row *s, const struct staff_row *staff),
    void *ctx)
{
	struct args a = { .n = 0 };
	PGresult *r;

	a_int(&a, now);
	if ((r = pq(p, Q_SESSIONS_EACH, &a)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct session_row s;
		struct staff_row staff;

		session_from_row(r, i, &s);
		staff_from_row(r, i, SESSION_NCOLS, &staff);
		fn(ctx, &s, &staff);
	}
	PQclear(r);
	return 0;
}

/* ---- reports --------------------------------------------------------- */

int
pgstore_orders_since(struct pgstore *p, int64_t sid, int64_t since,
    void (*fn)(void *ctx, const struct order *o), void *ctx)
{
	struct args a = { .n = 0 };
	struct codec_error err;
	PGresult *r;

	a_int(&a, sid);
	a_int(&a, since);
	if ((r = pq(p, Q_ORDERS_SINCE, &a)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		cJSON *j = cJSON_ParseWithLength(PQgetvalue(r, i, 0),
		    (size_t)PQgetlength(r, i, 0));
		struct order o;

		if (j != NULL && order_from_json(j, &o, &err) == 0) {
			fn(ctx, &o);
			order_free(&o);
		} else {
			log_error("store %lld: a stored order does not parse; left out of"
			    " the report", (long long)sid);
		}
		cJSON_Delete(j);
	}
	PQclear(r);
	return 0;
}

int
pgstore_last_close(struct pgstore *p, int64_t sid, int *z_number, int64_t *closed_at)
{
	struct args a = { .n = 0 };
	PGresult *r;

	*z_number = 0;
	*closed_at = 0;
	a_int(&a, sid);
	if ((r = pq(p, Q_LAST_CLOSE, &a)) == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		*z_number = (int)get_int(r, 0, 0);
		*closed_at = get_int(r, 0, 1);
	}
	PQclear(r);
	return 0;
}

int
pgstore_z_insert(struct pgstore *p, int64_t sid, int z_number, int64_t closed_at,
    int64_t from, const char *by, const char *report)
{
	struct args a = { .n = 0 };

	a_int(&a, sid);
	a_int(&a, z_number);
	a_int(&a, closed_at);
	a_int(&a, from);
	a_text(&a, by);
	a_text(&a, report);
	return run(p, Q_Z_INSERT, &a);
}

char *
pgstore_z_get(struct pgstore *p, int64_t sid, int z_number)
{
	struct args a = { .n = 0 };
	PGresult *r;
	char *report = NULL;

	a_int(&a, sid);
	a_int(&a, z_number);
	if ((r = pq(p, Q_Z_GET, &a)) == NULL)
		return NULL;
	if (PQntuples(r) == 1)
		report = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return report;
}

/* The database's (STORE_ORG's) heartbeat: any store's writer proves the
 * database takes writes. */
int
pgstore_heartbeat(struct pgstore *p, int64_t now)
{
	return run_int(p, Q_HEARTBEAT, now);
}

int64_t
pgstore_total_changes(struct pgstore *p)
{
	return p->changes;
}

uint64_t
pgstore_errors(struct pgstore *p)
{
	return p->errors;
}
