/* store: brigade-server's database, prepared statements only. SQLite is
 * here; a store opened from a postgresql:// URL hands each call to
 * store_pg.c's function of the same name (one line at the top of each
 * function below, so the SQLite code reads as it always did). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "log.h"
#include "storeinfo.h"
#include "store_pg.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

/* The schema this server writes. A database carries its version in
 * meta('schema'); an older one is brought up by the numbered migrations
 * below, each in a transaction of its own; a newer one is refused. */
#define SCHEMA_VERSION STORE_SCHEMA_VERSION

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    /* the menu is one document (GET /api/v1/menu's, without the derived
     * fields): every change rewrites it in the transaction of its event */
    "CREATE TABLE IF NOT EXISTS menu("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,"
    "  doc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS staff("
    "  id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  role TEXT NOT NULL, pin_hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1, failed INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions("
    "  token_hash TEXT PRIMARY KEY, staff_id INTEGER NOT NULL REFERENCES staff(id),"
    "  terminal TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS orders("
    "  id INTEGER PRIMARY KEY, business_day TEXT NOT NULL,"
    "  number INTEGER NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,"
    "  staff TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, doc TEXT NOT NULL,"
    "  UNIQUE(business_day, number));"
    "CREATE INDEX IF NOT EXISTS orders_status ON orders(status, id);"
    "CREATE INDEX IF NOT EXISTS orders_updated ON orders(updated_at);"
    /* each Z close: the period it covers and the report as closed */
    "CREATE TABLE IF NOT EXISTS z_closes("
    "  z_number INTEGER PRIMARY KEY, closed_at INTEGER NOT NULL,"
    "  from_ms INTEGER NOT NULL, by TEXT NOT NULL, report TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events("
    "  seq INTEGER PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL,"
    "  order_id INTEGER, body TEXT NOT NULL);"
    /* an answer that was an order change points at its event instead of
     * keeping a third copy of the order; staff_id is the account that
     * first used the key (NULL for keys kept before schema 2) */
    "CREATE TABLE IF NOT EXISTS idempotency("
    "  key TEXT PRIMARY KEY, request_hash TEXT NOT NULL,"
    "  status INTEGER NOT NULL, body TEXT NOT NULL, event_seq INTEGER,"
    "  created_at INTEGER NOT NULL, staff_id INTEGER);"
    "CREATE INDEX IF NOT EXISTS idempotency_age ON idempotency(created_at);";

/* Every statement the server runs, prepared on first use. */
enum stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_MENU_GET, S_MENU_PUT, S_META_GET, S_META_PUT, S_COUNT_STAFF, S_COUNT_ORDERS,
	S_MAX_ORDER_ID, S_LAST_NUMBER, S_ORDER_INSERT, S_ORDER_UPDATE, S_ORDER_DOC,
	S_ORDERS_LIST, S_COUNT_BY_STATUS,
	S_MAX_SEQ, S_EVENT_INSERT, S_EVENT_AFTER, S_EVENTS_LIST,
	S_IDEM_GET, S_IDEM_PUT, S_IDEM_PRUNE,
	S_STAFF_BY_CODE, S_STAFF_BY_ID, S_STAFF_INSERT, S_STAFF_UPDATE, S_STAFF_LIST,
	S_STAFF_FAILED, S_STAFF_OK,
	S_SESSION_INSERT, S_SESSION_DELETE, S_SESSIONS_DELETE_STAFF,
	S_SESSIONS_PRUNE, S_SESSIONS_EACH,
	S_ORDERS_SINCE, S_LAST_CLOSE, S_Z_INSERT, S_Z_GET,
	S_COUNT
};

#define STAFF_COLS "id, code, name, role, pin_hash, active, failed, locked_until, created_at, updated_at"

static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_MENU_GET] = "SELECT version, doc FROM menu WHERE id = 1",
	[S_MENU_PUT] = "INSERT INTO menu(id, version, doc) VALUES(1, ?1, ?2)"
	    " ON CONFLICT(id) DO UPDATE SET version = ?1, doc = ?2",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_PUT] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET value = ?2",
	[S_COUNT_STAFF] = "SELECT count(*) FROM staff",
	[S_COUNT_ORDERS] = "SELECT count(*) FROM orders",
	[S_MAX_ORDER_ID] = "SELECT coalesce(max(id), 0) FROM orders",
	[S_LAST_NUMBER] = "SELECT coalesce(max(number), 0) FROM orders WHERE business_day = ?1",
	[S_ORDER_INSERT] = "INSERT INTO orders(id, business_day, number, status, version,"
	    " staff, created_at, updated_at, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_ORDER_UPDATE] = "UPDATE orders SET status = ?2, version = ?3, updated_at = ?4,"
	    " doc = ?5 WHERE id = ?1",
	[S_ORDER_DOC] = "SELECT doc FROM orders WHERE id = ?1",
	/* ?1 is a status bit set (0 = any), matched through a CASE so the
	 * statement is prepared once; the status index serves the common
	 * "open statuses" scans. */
	[S_ORDERS_LIST] = "SELECT doc FROM orders WHERE id > ?4"
	    " AND (?1 = 0 OR (?1 >> (CASE status WHEN 'PENDING' THEN 0 WHEN 'PAID' THEN 1"
	    " WHEN 'PREPARING' THEN 2 WHEN 'READY' THEN 3 WHEN 'OUT_FOR_DELIVERY' THEN 4"
	    " WHEN 'COMPLETED' THEN 5 ELSE 6 END)) & 1)"
	    " AND (?2 = '' OR business_day = ?2) AND (?3 = '' OR staff = ?3)"
	    " ORDER BY id LIMIT ?5",
	[S_COUNT_BY_STATUS] = "SELECT status, count(*) FROM orders GROUP BY status",
	[S_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
	[S_EVENT_INSERT] = "INSERT INTO events(seq, type, at, order_id, body)"
	    " VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_EVENT_AFTER] = "SELECT seq, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT 1",
	[S_EVENTS_LIST] = "SELECT body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[S_IDEM_GET] = "SELECT i.request_hash, i.status, i.body, e.body, i.staff_id"
	    " FROM idempotency i LEFT JOIN events e ON e.seq = i.event_seq WHERE i.key = ?1",
	[S_IDEM_PUT] = "INSERT INTO idempotency(key, request_hash, status, body, event_seq,"
	    " created_at, staff_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_IDEM_PRUNE] = "DELETE FROM idempotency WHERE created_at < ?1",
	[S_STAFF_BY_CODE] = "SELECT " STAFF_COLS " FROM staff WHERE code = ?1",
	[S_STAFF_BY_ID] = "SELECT " STAFF_COLS " FROM staff WHERE id = ?1",
	[S_STAFF_INSERT] = "INSERT INTO staff(code, name, role, pin_hash, active, failed,"
	    " locked_until, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?6)"
	    " RETURNING id",
	[S_STAFF_UPDATE] = "UPDATE staff SET name = ?2, role = ?3, pin_hash = ?4,"
	    " active = ?5, failed = ?6, locked_until = ?7, updated_at = ?8 WHERE id = ?1",
	[S_STAFF_LIST] = "SELECT " STAFF_COLS " FROM staff ORDER BY id",
	[S_STAFF_FAILED] = "UPDATE staff SET failed = failed + 1,"
	    " locked_until = CASE WHEN failed + 1 >= ?2 THEN ?3 ELSE locked_until END"
	    " WHERE id = ?1",
	[S_STAFF_OK] = "UPDATE staff SET failed = 0, locked_until = 0 WHERE id = ?1",
	[S_SESSION_INSERT] = "INSERT INTO sessions(token_hash, staff_id, terminal,"
	    " created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[S_SESSIONS_DELETE_STAFF] = "DELETE FROM sessions WHERE staff_id = ?1",
	[S_SESSIONS_PRUNE] = "DELETE FROM sessions WHERE expires_at <= ?1",
	[S_SESSIONS_EACH] = "SELECT s.token_hash, s.staff_id, s.terminal, s.created_at,"
	    " s.expires_at FROM sessions s JOIN staff t ON t.id = s.staff_id"
	    " WHERE s.expires_at > ?1 AND t.active = 1",
	[S_ORDERS_SINCE] = "SELECT doc FROM orders WHERE updated_at >= ?1 ORDER BY id",
	[S_LAST_CLOSE] = "SELECT z_number, closed_at FROM z_closes ORDER BY z_number DESC LIMIT 1",
	[S_Z_INSERT] = "INSERT INTO z_closes(z_number, closed_at, from_ms, by, report)"
	    " VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_Z_GET] = "SELECT report FROM z_closes WHERE z_number = ?1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[S_COUNT];
	char path[512];
	struct pgstore *pg;          /* a PostgreSQL store: the calls go there */
};

bool
store_is_url(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

uint64_t
store_errors(struct store *st)
{
	return st->pg != NULL ? pgstore_errors(st->pg) : 0;
}

bool
store_shared(const struct store *st)
{
	return st->pg != NULL;
}

void
store_display_path(const char *path, char *out, size_t size)
{
	const char *start, *at, *colon;

	xstrlcpy(out, path, size);
	if (!store_is_url(path))
		return;
	start = strstr(path, "://") + 3;
	at = strchr(start, '@');
	colon = at != NULL ? memchr(start, ':', (size_t)(at - start)) : NULL;
	if (colon != NULL && (size_t)(colon - path) + 1 < size)
		snprintf(out + (colon - path), size - (size_t)(colon - path), ":***%s", at);
}

bool
store_code_valid(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > STORE_CODE_MAX)
		return false;
	for (const char *c = code; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_'))
			return false;
	return true;
}

/* SQLite: the file is one store, STORE_MAIN, named as its details say. */
static int
main_store(struct store *st, struct store_row *out)
{
	struct store_info si;

	memset(out, 0, sizeof *out);
	out->id = STORE_MAIN;
	xstrlcpy(out->code, STORE_MAIN_CODE, sizeof out->code);
	if (store_info_load(st, STORE_MAIN, &si) < 0)
		return -1;
	xstrlcpy(out->name, si.name, sizeof out->name);
	return 0;
}

int
store_store_by_code(struct store *st, const char *code, struct store_row *out)
{
	if (st->pg != NULL)
		return pgstore_store_by_code(st->pg, code, out);
	if (strcmp(code, STORE_MAIN_CODE) != 0)
		return 1;
	return main_store(st, out);
}

int
store_store_by_id(struct store *st, int64_t id, struct store_row *out)
{
	if (st->pg != NULL)
		return pgstore_store_by_id(st->pg, id, out);
	if (id != STORE_MAIN)
		return 1;
	return main_store(st, out);
}

int
store_stores_each(struct store *st,
    void (*fn)(void *ctx, const struct store_row *row), void *ctx)
{
	struct store_row row;

	if (st->pg != NULL)
		return pgstore_stores_each(st->pg, fn, ctx);
	if (main_store(st, &row) < 0)
		return -1;
	fn(ctx, &row);
	return 0;
}

int
store_store_insert(struct store *st, struct store_row *row)
{
	if (st->pg != NULL)
		return pgstore_store_insert(st->pg, row);
	return 1;
}

int
store_add(struct store *st, struct store_row *row, const struct store_info *si)
{
	int rc = store_store_insert(st, row);

	if (rc != 0)
		return rc;
	return store_info_save(st, row->id, si) < 0 ? -1 : 0;
}

int
store_counters(struct store *st, int64_t *seq, int64_t *order_id, int64_t *config)
{
	if (st->pg == NULL)
		return 1;
	return pgstore_counters(st->pg, seq, order_id, config) < 0 ? -1 : 0;
}

/* SQLite: the server has the store to itself, and its cache holds every
 * session there is. */
int
store_session_get(struct store *st, const char *token_hash, int64_t now,
    struct session_row *s, struct staff_row *staff)
{
	if (st->pg == NULL)
		return 1;
	return pgstore_session_get(st->pg, token_hash, now, s, staff);
}

/* SQLITE_CORRUPT or SQLITE_NOTADB, set for good the first time SQLite
 * reports a damaged file on any connection of any thread (its error log
 * sees every statement's error, so no call site can miss one). */
static atomic_int store_damage_code;

static void
sqlite_log(void *ctx, int code, const char *msg)
{
	int primary = code & 0xff, none = 0;

	(void)ctx;
	if ((primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) &&
	    atomic_compare_exchange_strong(&store_damage_code, &none, primary))
		log_error("the database is damaged: %s", msg);
}

void
store_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
}

int
store_damage(void)
{
	return atomic_load(&store_damage_code);
}

bool
store_damaged(void)
{
	return store_damage() != 0;
}

int
store_check(struct store *st, char *err, size_t errsize)
{
	sqlite3_stmt *s = NULL;
	int rc, none;

	if (st->pg != NULL)
		return 0;   /* PostgreSQL looks after its own pages */
	/* quick_check reads every page (it skips only the index-to-table
	 * cross-check of integrity_check): 0.8 s for 100,000 orders */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0) {
		sqlite3_finalize(s);
		return 0;
	}
	snprintf(err, errsize, "%s is damaged (%s); restore it from a backup",
	    st->path, rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) :
	    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	none = 0;
	atomic_compare_exchange_strong(&store_damage_code, &none, SQLITE_CORRUPT);
	return -1;
}

const char *
store_errmsg(struct store *st)
{
	if (st->pg != NULL)
		return pgstore_errmsg(st->pg);
	return sqlite3_errmsg(st->db);
}

/* Fetch a statement ready for binding; NULL (logged) if it cannot be
 * prepared, which only a broken database causes. */
static sqlite3_stmt *
stmt(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = st->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
		    &s, NULL) != SQLITE_OK) {
			log_error("prepare %d: %s", (int)id, sqlite3_errmsg(st->db));
			return NULL;
		}
		st->stmts[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Step a statement that returns no rows (or whose rows we ignore). */
static int
run(struct store *st, sqlite3_stmt *s)
{
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_error("%s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Run a statement that takes one integer or one text parameter. */
static int
run_int(struct store *st, enum stmt_id id, int64_t v)
{
	sqlite3_stmt *s = stmt(st, id);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, v);
	return run(st, s);
}

static int
run_text(struct store *st, enum stmt_id id, const char *v)
{
	sqlite3_stmt *s = stmt(st, id);

	if (s == NULL)
		return -1;
	bind_text(s, 1, v);
	return run(st, s);
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? (const char *)t : "";
}

static int
exec_sql(struct store *st, const char *sql, char *err, size_t errsize)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", st->path,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* An ad hoc statement (migrations run once): prepared, stepped by the
 * caller, finalized. */
static sqlite3_stmt *
once(struct store *st, const char *sql, char *err, size_t errsize)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return NULL;
	}
	return s;
}

static bool
has_table(struct store *st, const char *name)
{
	char err[64];
	sqlite3_stmt *s = once(st, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
	    " AND name = ?1", err, sizeof err);
	bool have;

	if (s == NULL)
		return false;
	bind_text(s, 1, name);
	have = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return have;
}

/* Schema 2: idempotency keys belong to the account that first used them. */
static int
migrate_2(struct store *st, char *err, size_t errsize)
{
	sqlite3_stmt *s = once(st, "SELECT 1 FROM pragma_table_info('idempotency')"
	    " WHERE name = 'staff_id'", err, errsize);
	bool have;

	if (s == NULL)
		return -1;
	have = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (have)
		return 0;
	return exec_sql(st, "ALTER TABLE idempotency ADD COLUMN staff_id INTEGER;",
	    err, errsize);
}

/* Schema 3: the menu becomes one document with tax classes, stations,
 * modifier groups and kitchen names. Each item's own modifier list
 * becomes a group (items with the same list share one); the stations are
 * those the items name; tax classes are left to the server's start-up,
 * which gives an empty menu its first class from the configured rate. */
static int
migrate_3(struct store *st, char *err, size_t errsize)
{
	struct menu m;
	sqlite3_stmt *s;
	int rc = -1;

	if (!has_table(st, "menu_items"))
		return 0;
	menu_init(&m);
	if ((s = once(st, "SELECT name FROM categories ORDER BY position, name",
	    err, errsize)) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW)
		menu_add_category(&m, col_text(s, 0));
	sqlite3_finalize(s);
	if ((s = once(st, "SELECT sku, name, price, category, station, available,"
	    " modifiers FROM menu_items ORDER BY position, sku", err, errsize)) == NULL)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct menu_item *it = menu_add_item(&m);
		cJSON *arr = cJSON_Parse(col_text(s, 6)), *e;
		struct modifier mods[GROUP_MODS_MAX];
		int n = 0;

		xstrlcpy(it->sku, col_text(s, 0), sizeof it->sku);
		xstrlcpy(it->name, col_text(s, 1), sizeof it->name);
		it->price = sqlite3_column_int64(s, 2);
		xstrlcpy(it->category, col_text(s, 3), sizeof it->category);
		xstrlcpy(it->station, col_text(s, 4), sizeof it->station);
		it->available = sqlite3_column_int(s, 5) != 0;
		menu_add_category(&m, it->category);
		menu_add_station(&m, it->station);

		cJSON_ArrayForEach(e, arr) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "price");

			if (n == GROUP_MODS_MAX || !cJSON_IsString(c) ||
			    !cJSON_IsString(nm) || !cJSON_IsNumber(p))
				continue;
			memset(&mods[n], 0, sizeof mods[n]);
			xstrlcpy(mods[n].code, c->valuestring, sizeof mods[n].code);
			xstrlcpy(mods[n].name, nm->valuestring, sizeof mods[n].name);
			mods[n++].price = (money_t)p->valuedouble;
		}
		menu_item_offer(&m, it, mods, n);
		cJSON_Delete(arr);
	}
	sqlite3_finalize(s);
	m.version = 1;
	if (store_menu_save(st, STORE_MAIN, &m) < 0) {
		snprintf(err, errsize, "%s: %s", st->path, sqlite3_errmsg(st->db));
		goto out;
	}
	rc = exec_sql(st, "DROP TABLE menu_items; DROP TABLE IF EXISTS categories;",
	    err, errsize);
out:
	menu_free(&m);
	return rc;
}

/* Nothing to change in a file: its rows are all store 1's. */
static int
migrate_4(struct store *st, char *err, size_t errsize)
{
	(void)st;
	(void)err;
	(void)errsize;
	return 0;
}

static const struct migration {
	int to;
	const char *what;
	int (*run)(struct store *st, char *err, size_t errsize);
} migrations[] = {
	{ 2, "idempotency keys belong to an account", migrate_2 },
	{ 3, "the menu as one document, with tax classes, stations and modifier groups",
	    migrate_3 },
	{ 4, "the file is one store, store 1 ('main'), as a PostgreSQL database of"
	    " many stores sees it", migrate_4 },
};

static int
set_schema(struct store *st, int version, char *err, size_t errsize)
{
	char sql[96];

	snprintf(sql, sizeof sql, "INSERT INTO meta VALUES('schema', '%d')"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value;", version);
	return exec_sql(st, sql, err, errsize);
}

/* Read the database's schema version (a new file gets this server's),
 * refuse a newer one, and run every migration it lacks. */
static int
migrate(struct store *st, char *err, size_t errsize)
{
	bool fresh = !has_table(st, "meta");
	sqlite3_stmt *s;
	int version = 1;

	if (exec_sql(st, schema_sql, err, errsize) < 0)
		return -1;
	if (fresh)
		return set_schema(st, SCHEMA_VERSION, err, errsize);
	if ((s = once(st, "SELECT value FROM meta WHERE key = 'schema'", err,
	    errsize)) == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > SCHEMA_VERSION) {
		snprintf(err, errsize, "%s: written by a newer brigade-server (schema %d;"
		    " this one knows up to %d): upgrade brigade-server, or restore a"
		    " backup made by this version", st->path, version, SCHEMA_VERSION);
		return -1;
	}
	for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
		const struct migration *mg = &migrations[i];

		if (mg->to <= version)
			continue;
		if (exec_sql(st, "BEGIN IMMEDIATE;", err, errsize) < 0)
			return -1;
		if (mg->run(st, err, errsize) < 0 ||
		    set_schema(st, mg->to, err, errsize) < 0 ||
		    exec_sql(st, "COMMIT;", err, errsize) < 0) {
			char ignore[64];

			exec_sql(st, "ROLLBACK;", ignore, sizeof ignore);
			return -1;
		}
		log_info("%s: schema %d: %s", st->path, mg->to, mg->what);
		version = mg->to;
	}
	return 0;
}

/* The database holds PIN hashes: 4-digit PINs fall to an offline search in
 * minutes, so only the server's own user may read it. SQLite gives the
 * -wal, -shm and -journal files the database file's mode, so creating the
 * file 0600 (whatever the umask) keeps them private too; an existing
 * database and its side files are narrowed to 0600 as well. */
static int
private_files(const char *path, char *err, size_t errsize)
{
	static const char *const sides[] = { "-wal", "-shm", "-journal" };
	char side[600];
	struct stat sb;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 0777) != 0600 &&
	    fchmod(fd, 0600) < 0)
		log_warn("%s: cannot make it private (mode 0600): %s", path,
		    strerror(errno));
	close(fd);
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(side, sizeof side, "%s%s", path, sides[i]);
		if (lstat(side, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & 0777) != 0600 && chmod(side, 0600) < 0)
			log_warn("%s: cannot make it private (mode 0600): %s", side,
			    strerror(errno));
	}
	return 0;
}

struct store *
store_open(const char *path, bool readonly, enum store_sync sync, char *err,
    size_t errsize)
{
	struct store *st = xcalloc(1, sizeof *st);
	int flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	char pragmas[256];

	xstrlcpy(st->path, path, sizeof st->path);
	if (store_is_url(path)) {
		/* the writer's connection makes the schema; the readers' find it */
		st->pg = pgstore_open(path, !readonly, err, errsize);
		if (st->pg == NULL)
			goto fail;
		return st;
	}
	if (!readonly && strcmp(path, ":memory:") != 0 &&
	    private_files(path, err, errsize) < 0)
		goto fail;
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) :
		    "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	snprintf(pragmas, sizeof pragmas,
	    "PRAGMA foreign_keys = ON; PRAGMA synchronous = %s;"
	    " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8000;",
	    sync == STORE_SYNC_FULL ? "FULL" : "NORMAL");
	if (exec_sql(st, pragmas, err, errsize) < 0)
		goto fail;
	if (!readonly) {
		if (exec_sql(st, "PRAGMA journal_mode = WAL;", err, errsize) < 0 ||
		    migrate(st, err, errsize) < 0)
			goto fail;
	}
	/* Prepare everything now: a database that is not ours fails here,
	 * at start-up, not in the middle of service. */
	for (int i = 0; i < S_COUNT; i++) {
		if (stmt(st, (enum stmt_id)i) == NULL) {
			snprintf(err, errsize, "%s: not a Brigade database (%s)", path,
			    sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	pgstore_close(st->pg);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	sqlite3_close(st->db);
	free(st);
}

int
store_begin(struct store *st, int64_t sid)
{
	if (st->pg != NULL)
		return pgstore_begin(st->pg, sid);
	return run(st, stmt(st, S_BEGIN));
}

int
store_commit(struct store *st)
{
	if (st->pg != NULL)
		return pgstore_commit(st->pg);
	return run(st, stmt(st, S_COMMIT));
}

void
store_rollback(struct store *st)
{
	if (st->pg != NULL) {
		pgstore_rollback(st->pg);
		return;
	}
	if (sqlite3_get_autocommit(st->db) == 0)
		run(st, stmt(st, S_ROLLBACK));
}

/* ---- menu ------------------------------------------------------------ */

int
store_menu_load(struct store *st, int64_t sid, struct menu *m)
{
	if (st->pg != NULL)
		return pgstore_menu_load(st->pg, sid, m);
	sqlite3_stmt *s = stmt(st, S_MENU_GET);
	struct codec_error err;
	int rc;

	menu_init(m);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t version = sqlite3_column_int64(s, 0);
		cJSON *j = cJSON_Parse(col_text(s, 1));

		if (j == NULL || menu_from_json(j, m, &err) < 0) {
			log_error("%s: the stored menu does not read back: %s", st->path,
			    j == NULL ? "not JSON" : err.message);
			cJSON_Delete(j);
			sqlite3_reset(s);
			return -1;
		}
		cJSON_Delete(j);
		m->version = version;
	} else if (rc != SQLITE_DONE) {
		log_error("%s: %s", st->path, sqlite3_errmsg(st->db));
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

int
store_menu_save(struct store *st, int64_t sid, const struct menu *m)
{
	if (st->pg != NULL)
		return pgstore_menu_save(st->pg, sid, m);
	sqlite3_stmt *s = stmt(st, S_MENU_PUT);
	cJSON *j;
	char *doc;
	int rc;

	if (s == NULL)
		return -1;
	j = menu_to_json_doc(m);
	doc = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (doc == NULL)
		abort();
	sqlite3_bind_int64(s, 1, m->version);
	bind_text(s, 2, doc);
	rc = run(st, s);
	free(doc);
	return rc;
}

int
store_meta_get(struct store *st, int64_t sid, const char *key, char **value)
{
	if (st->pg != NULL)
		return pgstore_meta_get(st->pg, sid, key, value);
	sqlite3_stmt *s = stmt(st, S_META_GET);
	int rc;

	*value = NULL;
	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = xstrdup(col_text(s, 0));
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_info_load(struct store *st, int64_t sid, struct store_info *si)
{
	struct codec_error err;
	char *text = NULL;
	cJSON *j;
	int rc = store_meta_get(st, sid, "store", &text);

	store_info_init(si);
	if (rc != 0)
		return rc;
	j = cJSON_Parse(text);
	free(text);
	if (j == NULL || store_info_from_json(j, si, &err) < 0) {
		log_error("%s: the restaurant's stored details do not read back", st->path);
		cJSON_Delete(j);
		return -1;
	}
	cJSON_Delete(j);
	return 0;
}

int
store_info_save(struct store *st, int64_t sid, const struct store_info *si)
{
	cJSON *j = store_info_to_json(si);
	char *text = cJSON_PrintUnformatted(j);
	int rc;

	cJSON_Delete(j);
	if (text == NULL)
		abort();
	rc = store_meta_put(st, sid, "store", text);
	free(text);
	return rc;
}

int
store_meta_put(struct store *st, int64_t sid, const char *key, const char *value)
{
	if (st->pg != NULL)
		return pgstore_meta_put(st->pg, sid, key, value);
	sqlite3_stmt *s = stmt(st, S_META_PUT);

	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return run(st, s);
}

static int64_t
single_int(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = stmt(st, id);
	int64_t v = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

void
store_new_log_id(char id[LOG_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[LOG_ID_LEN / 2];

	util_random(raw, sizeof raw);
	for (size_t i = 0; i < sizeof raw; i++) {
		id[2 * i] = hex[raw[i] >> 4];
		id[2 * i + 1] = hex[raw[i] & 15];
	}
	id[LOG_ID_LEN] = '\0';
}

int
store_log_id(struct store *st, int64_t sid, char id[LOG_ID_LEN + 1])
{
	char *v = NULL;
	int rc = store_meta_get(st, sid, "log_id", &v);

	if (rc < 0)
		return -1;
	if (rc == 0 && strlen(v) == LOG_ID_LEN) {
		memcpy(id, v, LOG_ID_LEN + 1);
		free(v);
		return 0;
	}
	free(v);
	store_new_log_id(id);
	return store_meta_put(st, sid, "log_id", id);
}

int
store_counts(struct store *st, int64_t *staff, int64_t *orders)
{
	if (st->pg != NULL)
		return pgstore_counts(st->pg, staff, orders);
	*staff = single_int(st, S_COUNT_STAFF);
	*orders = single_int(st, S_COUNT_ORDERS);
	return *staff < 0 || *orders < 0 ? -1 : 0;
}

/* ---- orders ---------------------------------------------------------- */

int64_t
store_max_order_id(struct store *st, int64_t sid)
{
	if (st->pg != NULL)
		return pgstore_max_order_id(st->pg, sid);
	return single_int(st, S_MAX_ORDER_ID);
}

int
store_last_number(struct store *st, int64_t sid, const char *day, int *number)
{
	if (st->pg != NULL)
		return pgstore_last_number(st->pg, sid, day, number);
	sqlite3_stmt *s = stmt(st, S_LAST_NUMBER);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, day);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		log_error("%s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_order_insert(struct store *st, int64_t sid, const struct order *o, const char *doc)
{
	if (st->pg != NULL)
		return pgstore_order_insert(st->pg, sid, o, doc);
	sqlite3_stmt *s = stmt(st, S_ORDER_INSERT);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, o->id);
	bind_text(s, 2, o->business_day);
	sqlite3_bind_int(s, 3, o->number);
	bind_text(s, 4, status_name(o->status));
	sqlite3_bind_int(s, 5, o->version);
	bind_text(s, 6, o->staff);
	sqlite3_bind_int64(s, 7, o->created_at);
	sqlite3_bind_int64(s, 8, o->updated_at);
	bind_text(s, 9, doc);
	return run(st, s);
}

int
store_order_update(struct store *st, int64_t sid, const struct order *o, const char *doc)
{
	if (st->pg != NULL)
		return pgstore_order_update(st->pg, sid, o, doc);
	sqlite3_stmt *s = stmt(st, S_ORDER_UPDATE);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, o->id);
	bind_text(s, 2, status_name(o->status));
	sqlite3_bind_int(s, 3, o->version);
	sqlite3_bind_int64(s, 4, o->updated_at);
	bind_text(s, 5, doc);
	return run(st, s);
}

char *
store_order_doc(struct store *st, int64_t sid, int64_t id)
{
	if (st->pg != NULL)
		return pgstore_order_doc(st->pg, sid, id);
	sqlite3_stmt *s = stmt(st, S_ORDER_DOC);
	char *doc = NULL;

	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		doc = xstrdup(col_text(s, 0));
	sqlite3_reset(s);
	return doc;
}

int
store_order_load(struct store *st, int64_t sid, int64_t id, struct order *o)
{
	struct codec_error err;
	char *doc = store_order_doc(st, sid, id);
	cJSON *j;
	int rc;

	if (doc == NULL)
		return 1;
	j = cJSON_Parse(doc);
	free(doc);
	if (j == NULL) {
		log_error("order %lld: stored document does not parse", (long long)id);
		return -1;
	}
	rc = order_from_json(j, o, &err);
	cJSON_Delete(j);
	if (rc < 0) {
		log_error("order %lld: stored document: %s", (long long)id, err.message);
		return -1;
	}
	return 0;
}

int
store_orders_list(struct store *st, int64_t sid, unsigned status_bits, const char *day,
    const char *staff, int limit, int64_t after_id, struct strbuf *out)
{
	if (st->pg != NULL)
		return pgstore_orders_list(st->pg, sid, status_bits, day, staff, limit, after_id, out);
	sqlite3_stmt *s = stmt(st, S_ORDERS_LIST);
	int n = 0, rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, (int)status_bits);
	bind_text(s, 2, day);
	bind_text(s, 3, staff);
	sqlite3_bind_int64(s, 4, after_id);
	sqlite3_bind_int(s, 5, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ > 0)
			strbuf_putc(out, ',');
		strbuf_append(out, sqlite3_column_text(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? n : -1;
}

int
store_count_by_status(struct store *st, int64_t sid, int64_t counts[STATUS_COUNT])
{
	if (st->pg != NULL)
		return pgstore_count_by_status(st->pg, sid, counts);
	sqlite3_stmt *s = stmt(st, S_COUNT_BY_STATUS);
	int rc;

	memset(counts, 0, sizeof(int64_t) * STATUS_COUNT);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int status = status_parse(col_text(s, 0));

		if (status >= 0)
			counts[status] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- events ---------------------------------------------------------- */

int64_t
store_max_seq(struct store *st, int64_t sid)
{
	if (st->pg != NULL)
		return pgstore_max_seq(st->pg, sid);
	return single_int(st, S_MAX_SEQ);
}

int
store_event_insert(struct store *st, int64_t sid, int64_t seq, const char *type, int64_t at,
    int64_t order_id, const char *body)
{
	if (st->pg != NULL)
		return pgstore_event_insert(st->pg, sid, seq, type, at, order_id, body);
	sqlite3_stmt *s = stmt(st, S_EVENT_INSERT);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, seq);
	bind_text(s, 2, type);
	sqlite3_bind_int64(s, 3, at);
	if (order_id > 0)
		sqlite3_bind_int64(s, 4, order_id);
	else
		sqlite3_bind_null(s, 4);
	bind_text(s, 5, body);
	return run(st, s);
}

char *
store_event_after(struct store *st, int64_t sid, int64_t seq, int64_t *next_seq)
{
	if (st->pg != NULL)
		return pgstore_event_after(st->pg, sid, seq, next_seq);
	sqlite3_stmt *s = stmt(st, S_EVENT_AFTER);
	char *body = NULL;

	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, seq);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*next_seq = sqlite3_column_int64(s, 0);
		body = xstrdup(col_text(s, 1));
	}
	sqlite3_reset(s);
	return body;
}

int
store_events_list(struct store *st, int64_t sid, int64_t after, int limit, struct strbuf *out)
{
	if (st->pg != NULL)
		return pgstore_events_list(st->pg, sid, after, limit, out);
	sqlite3_stmt *s = stmt(st, S_EVENTS_LIST);
	int n = 0, rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ > 0)
			strbuf_putc(out, ',');
		strbuf_append(out, sqlite3_column_text(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? n : -1;
}

/* ---- idempotency ----------------------------------------------------- */

int
store_idem_get(struct store *st, int64_t sid, const char *key, char hash[65], int *status,
    char **body, int64_t *staff_id)
{
	if (st->pg != NULL)
		return pgstore_idem_get(st->pg, sid, key, hash, status, body, staff_id);
	sqlite3_stmt *s = stmt(st, S_IDEM_GET);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		xstrlcpy(hash, col_text(s, 0), 65);
		*status = sqlite3_column_int(s, 1);
		*staff_id = sqlite3_column_type(s, 4) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(s, 4);
		if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
			size_t len;
			const char *p = event_payload(col_text(s, 3), &len);

			*body = p != NULL ? xstrndup(p, len) : xstrdup("{}");
		} else {
			*body = xstrdup(col_text(s, 2));
		}
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : -1;
}

int
store_idem_put(struct store *st, int64_t sid, const char *key, const char *hash, int status,
    const char *body, int64_t event_seq, int64_t now, int64_t staff_id)
{
	if (st->pg != NULL)
		return pgstore_idem_put(st->pg, sid, key, hash, status, body, event_seq, now, staff_id);
	sqlite3_stmt *s = stmt(st, S_IDEM_PUT);

	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	bind_text(s, 2, hash);
	sqlite3_bind_int(s, 3, status);
	bind_text(s, 4, event_seq > 0 ? "" : body);
	if (event_seq > 0)
		sqlite3_bind_int64(s, 5, event_seq);
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, staff_id);
	return run(st, s);
}

int
store_idem_prune(struct store *st, int64_t older_than)
{
	if (st->pg != NULL)
		return pgstore_idem_prune(st->pg, older_than);
	return run_int(st, S_IDEM_PRUNE, older_than);
}

/* ---- staff and sessions ---------------------------------------------- */

static void
staff_from_row(sqlite3_stmt *s, struct staff_row *out)
{
	int role = role_parse(col_text(s, 3));

	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(s, 0);
	out->store_id = STORE_MAIN;
	xstrlcpy(out->code, col_text(s, 1), sizeof out->code);
	xstrlcpy(out->name, col_text(s, 2), sizeof out->name);
	out->role = role >= 0 ? (enum staff_role)role : ROLE_CUSTOMER;
	xstrlcpy(out->pin_hash, col_text(s, 4), sizeof out->pin_hash);
	out->active = sqlite3_column_int(s, 5) != 0;
	out->failed = sqlite3_column_int(s, 6);
	out->locked_until = sqlite3_column_int64(s, 7);
	out->created_at = sqlite3_column_int64(s, 8);
	out->updated_at = sqlite3_column_int64(s, 9);
}

static int
staff_one(struct store *st, sqlite3_stmt *s, struct staff_row *out)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		staff_from_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_error("%s", sqlite3_errmsg(st->db));
	return -1;
}

int
store_staff_by_code(struct store *st, int64_t sid, const char *code, struct staff_row *out)
{
	if (st->pg != NULL)
		return pgstore_staff_by_code(st->pg, sid, code, out);
	sqlite3_stmt *s = stmt(st, S_STAFF_BY_CODE);

	if (sid != STORE_MAIN)
		return 1;   /* the file's staff are its one store's */
	if (s == NULL)
		return -1;
	bind_text(s, 1, code);
	return staff_one(st, s, out);
}

int
store_staff_by_id(struct store *st, int64_t id, struct staff_row *out)
{
	if (st->pg != NULL)
		return pgstore_staff_by_id(st->pg, id, out);
	sqlite3_stmt *s = stmt(st, S_STAFF_BY_ID);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return staff_one(st, s, out);
}

int
store_staff_insert(struct store *st, struct staff_row *row)
{
	if (st->pg != NULL)
		return pgstore_staff_insert(st->pg, row);
	sqlite3_stmt *s = stmt(st, S_STAFF_INSERT);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, row->code);
	bind_text(s, 2, row->name);
	bind_text(s, 3, role_name(row->role));
	bind_text(s, 4, row->pin_hash);
	sqlite3_bind_int(s, 5, row->active);
	sqlite3_bind_int64(s, 6, row->created_at);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row->id = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_error("%s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_staff_update(struct store *st, const struct staff_row *row)
{
	if (st->pg != NULL)
		return pgstore_staff_update(st->pg, row);
	sqlite3_stmt *s = stmt(st, S_STAFF_UPDATE);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, row->id);
	bind_text(s, 2, row->name);
	bind_text(s, 3, role_name(row->role));
	bind_text(s, 4, row->pin_hash);
	sqlite3_bind_int(s, 5, row->active);
	sqlite3_bind_int(s, 6, row->failed);
	sqlite3_bind_int64(s, 7, row->locked_until);
	sqlite3_bind_int64(s, 8, row->updated_at);
	return run(st, s);
}

int
store_staff_each(struct store *st, int64_t sid, void (*fn)(void *ctx, const struct staff_row *s),
    void *ctx)
{
	if (st->pg != NULL)
		return pgstore_staff_each(st->pg, sid, fn, ctx);
	sqlite3_stmt *s = stmt(st, S_STAFF_LIST);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct staff_row row;

		staff_from_row(s, &row);
		fn(ctx, &row);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_staff_login_failed(struct store *st, int64_t id, int max_failures,
    int64_t lock_until)
{
	if (st->pg != NULL)
		return pgstore_staff_login_failed(st->pg, id, max_failures, lock_until);
	sqlite3_stmt *s = stmt(st, S_STAFF_FAILED);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, max_failures);
	sqlite3_bind_int64(s, 3, lock_until);
	return run(st, s);
}

int
store_staff_login_ok(struct store *st, int64_t id)
{
	if (st->pg != NULL)
		return pgstore_staff_login_ok(st->pg, id);
	return run_int(st, S_STAFF_OK, id);
}

int
store_session_insert(struct store *st, const struct session_row *row)
{
	if (st->pg != NULL)
		return pgstore_session_insert(st->pg, row);
	sqlite3_stmt *s = stmt(st, S_SESSION_INSERT);

	if (s == NULL)
		return -1;
	bind_text(s, 1, row->token_hash);
	sqlite3_bind_int64(s, 2, row->staff_id);
	bind_text(s, 3, row->terminal);
	sqlite3_bind_int64(s, 4, row->created_at);
	sqlite3_bind_int64(s, 5, row->expires_at);
	return run(st, s);
}

int
store_session_delete(struct store *st, const char *token_hash)
{
	if (st->pg != NULL)
		return pgstore_session_delete(st->pg, token_hash);
	return run_text(st, S_SESSION_DELETE, token_hash);
}

int
store_sessions_delete_staff(struct store *st, int64_t staff_id)
{
	if (st->pg != NULL)
		return pgstore_sessions_delete_staff(st->pg, staff_id);
	return run_int(st, S_SESSIONS_DELETE_STAFF, staff_id);
}

int
store_sessions_prune(struct store *st, int64_t now)
{
	if (st->pg != NULL)
		return pgstore_sessions_prune(st->pg, now);
	return run_int(st, S_SESSIONS_PRUNE, now);
}

/* Login throttling in the database is for a shared one only: a SQLite
 * database has one server, whose throttle keeps its counts in memory and
 * never calls these. */
int
store_throttle_check(struct store *st, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, struct store_throttle *out)
{
	if (st->pg != NULL)
		return pgstore_throttle_check(st->pg, addr, code_key, now, window_ms, out);
	return -1;
}

int
store_throttle_failed(struct store *st, const char *addr, const char *code_key,
    int64_t now, int64_t window_ms, int max_failures, int64_t lock_ms,
    int64_t *locked_until)
{
	if (st->pg != NULL)
		return pgstore_throttle_failed(st->pg, addr, code_key, now, window_ms,
		    max_failures, lock_ms, locked_until);
	return -1;
}

int
store_throttle_succeeded(struct store *st, const char *addr, const char *code_key)
{
	if (st->pg != NULL)
		return pgstore_throttle_succeeded(st->pg, addr, code_key);
	return -1;
}

int
store_throttle_forget(struct store *st, const char *code_key)
{
	if (st->pg != NULL)
		return pgstore_throttle_forget(st->pg, code_key);
	return -1;
}

int
store_throttle_prune(struct store *st, int64_t now, int64_t addr_before,
    int64_t pair_before)
{
	if (st->pg != NULL)
		return pgstore_throttle_prune(st->pg, now, addr_before, pair_before);
	return -1;
}

int
store_sessions_each(struct store *st, int64_t now,
    void (*fn)(void *ctx, const struct session_row *s, const struct staff_row *staff),
    void *ctx)
{
	if (st->pg != NULL)
		return pgstore_sessions_each(st->pg, now, fn, ctx);
	sqlite3_stmt *s = stmt(st, S_SESSIONS_EACH);
	struct session_row *rows = NULL;
	int n = 0, rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	/* collect first: the staff lookups below reuse other statements */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows = xreallocarray(rows, (size_t)n + 1, sizeof *rows);
		xstrlcpy(rows[n].token_hash, col_text(s, 0), sizeof rows[n].token_hash);
		rows[n].staff_id = sqlite3_column_int64(s, 1);
		rows[n].store_id = STORE_MAIN;
		xstrlcpy(rows[n].terminal, col_text(s, 2), sizeof rows[n].terminal);
		rows[n].created_at = sqlite3_column_int64(s, 3);
		rows[n].expires_at = sqlite3_column_int64(s, 4);
		n++;
	}
	sqlite3_reset(s);
	for (int i = 0; i < n; i++) {
		struct staff_row staff;

		if (store_staff_by_id(st, rows[i].staff_id, &staff) == 0)
			fn(ctx, &rows[i], &staff);
	}
	free(rows);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- reports --------------------------------------------------------- */

int
store_orders_since(struct store *st, int64_t sid, int64_t since,
    void (*fn)(void *ctx, const struct order *o), void *ctx)
{
	if (st->pg != NULL)
		return pgstore_orders_since(st->pg, sid, since, fn, ctx);
	sqlite3_stmt *s = stmt(st, S_ORDERS_SINCE);
	struct codec_error err;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cJSON *j = cJSON_ParseWithLength((const char *)sqlite3_column_text(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0));
		struct order o;

		if (j != NULL && order_from_json(j, &o, &err) == 0) {
			fn(ctx, &o);
			order_free(&o);
		} else {
			log_error("a stored order does not parse; left out of the report");
		}
		cJSON_Delete(j);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_last_close(struct store *st, int64_t sid, int *z_number, int64_t *closed_at)
{
	if (st->pg != NULL)
		return pgstore_last_close(st->pg, sid, z_number, closed_at);
	sqlite3_stmt *s = stmt(st, S_LAST_CLOSE);
	int rc;

	*z_number = 0;
	*closed_at = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*z_number = sqlite3_column_int(s, 0);
		*closed_at = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_z_insert(struct store *st, int64_t sid, int z_number, int64_t closed_at, int64_t from,
    const char *by, const char *report)
{
	if (st->pg != NULL)
		return pgstore_z_insert(st->pg, sid, z_number, closed_at, from, by, report);
	sqlite3_stmt *s = stmt(st, S_Z_INSERT);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, z_number);
	sqlite3_bind_int64(s, 2, closed_at);
	sqlite3_bind_int64(s, 3, from);
	bind_text(s, 4, by);
	bind_text(s, 5, report);
	return run(st, s);
}

char *
store_z_get(struct store *st, int64_t sid, int z_number)
{
	if (st->pg != NULL)
		return pgstore_z_get(st->pg, sid, z_number);
	sqlite3_stmt *s = stmt(st, S_Z_GET);
	char *report = NULL;

	if (s == NULL)
		return NULL;
	sqlite3_bind_int(s, 1, z_number);
	if (sqlite3_step(s) == SQLITE_ROW)
		report = xstrdup(col_text(s, 0));
	sqlite3_reset(s);
	return report;
}

/* Rare (a /healthz probe while commits fail): prepared on each use rather
 * than kept among the statements of the hot path. */
int
store_heartbeat(struct store *st, int64_t now)
{
	if (st->pg != NULL)
		return pgstore_heartbeat(st->pg, now);
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO meta(key, value) VALUES('heartbeat', ?1)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t
store_total_changes(struct store *st)
{
	if (st->pg != NULL)
		return pgstore_total_changes(st->pg);
	return sqlite3_total_changes64(st->db);
}
