/* outbox: the durable change queue on SQLite. */
#include "outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cfg.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

/* 1: the first; 2: entries record their store */
#define OUTBOX_SCHEMA_VERSION 2
/* PRAGMA application_id of an outbox file ("BrOx"): what tells our file
 * from any other SQLite database, such as a copy of the server's. Files
 * from before it was set (schema 1) are recognised by their tables. */
#define OUTBOX_APPLICATION_ID 0x42724f78
/* Done entries are kept a week for support questions ("did my order go?"). */
#define OUTBOX_DONE_KEEP_MS (7LL * 86400 * 1000)

struct outbox {
	sqlite3 *db;
	char path[PATH_MAX];
	bool in_tx;
	bool marked;                 /* the file carries our application id */
	bool has_store;              /* entries carry a store (schema 2) */
};

static const char *const state_names[OUTBOX_STATE_COUNT] = {
	"pending", "done", "attention", "dismissed",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS outbox ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " idem_key TEXT NOT NULL UNIQUE,"
    " method TEXT NOT NULL,"
    " path TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " order_key TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " staff TEXT NOT NULL,"
    " store TEXT NOT NULL DEFAULT '',"
    " state INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " http_status INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " response TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS outbox_by_state ON outbox(state, id);";

#define ENTRY_COLUMNS "id, idem_key, method, path, body, order_key, kind, staff, " \
	"state, attempts, created_at, updated_at, http_status, error, response, store"
/* the same from a schema 1 file looked at read-only: no store recorded */
#define ENTRY_COLUMNS_1 "id, idem_key, method, path, body, order_key, kind, staff, " \
	"state, attempts, created_at, updated_at, http_status, error, response, ''"

const char *
outbox_state_name(enum outbox_state s)
{
	return (unsigned)s < OUTBOX_STATE_COUNT ? state_names[s] : "unknown";
}

const char *
outbox_errmsg(const struct outbox *ob)
{
	return ob != NULL && ob->db != NULL ? sqlite3_errmsg(ob->db) : "no database";
}

static int
exec(struct outbox *ob, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(ob->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("%s: %s", ob->path, msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* A sentence for a failed open, by SQLite's primary result code. */
static void
open_error(struct outbox *ob, int rc, char *err, size_t errsize)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errsize, "%s is not an outbox (not a SQLite database)", ob->path);
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errsize, "the outbox %s is damaged: %s", ob->path,
		    sqlite3_errmsg(ob->db));
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		snprintf(err, errsize, "the outbox %s cannot be written: %s", ob->path,
		    sqlite3_errmsg(ob->db));
		break;
	default:
		snprintf(err, errsize, "the outbox %s cannot be used: %s", ob->path,
		    sqlite3_errmsg(ob->db));
	}
}

static int
query_int(struct outbox *ob, const char *sql, int64_t *out, int *rc_out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	*rc_out = rc;
	return rc == SQLITE_OK ? 0 : -1;
}

/* quick_check reads every page: a damaged outbox is found at start, not
 * halfway through a replay. */
static int
check_integrity(struct outbox *ob, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(ob->db, "PRAGMA quick_check", -1, &st, NULL);

	if (rc != SQLITE_OK) {
		open_error(ob, rc, err, errsize);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		open_error(ob, rc, err, errsize);
		sqlite3_finalize(st);
		return -1;
	}
	const char *verdict = (const char *)sqlite3_column_text(st, 0);
	if (verdict == NULL || strcmp(verdict, "ok") != 0) {
		snprintf(err, errsize, "the outbox %s is damaged: %.200s", ob->path,
		    verdict != NULL ? verdict : "?");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Whether the file is an outbox (ours, or one from before the application
 * id) or new and empty; anything else is refused before a byte is written:
 * pointed at another program's database by mistake, we must not add our
 * table to it. 0 yes, -1 no (err says why). */
static int
check_ours(struct outbox *ob, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	int64_t app = 0;
	int rc;
	char other[64] = "";

	if (query_int(ob, "PRAGMA application_id", &app, &rc) < 0) {
		open_error(ob, rc, err, errsize);
		return -1;
	}
	if (app == OUTBOX_APPLICATION_ID) {
		ob->marked = true;
		return 0;
	}
	if (app != 0) {
		snprintf(err, errsize, "%s is not an outbox (a SQLite database of another "
		    "program: application id 0x%08llx); nothing was written to it", ob->path,
		    (unsigned long long)(uint32_t)app);
		return -1;
	}
	/* no id: an empty file, or an outbox older than the id */
	rc = sqlite3_prepare_v2(ob->db, "SELECT name FROM sqlite_master", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		open_error(ob, rc, err, errsize);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (name == NULL || (strcmp(name, "outbox") != 0 &&
		    strcmp(name, "outbox_by_state") != 0 && strcmp(name, "sqlite_sequence") != 0 &&
		    strncmp(name, "sqlite_autoindex_outbox_", 24) != 0)) {
			if (other[0] == '\0')
				snprintf(other, sizeof other, "%.40s", name != NULL ? name : "?");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		open_error(ob, rc, err, errsize);
		return -1;
	}
	if (other[0] != '\0') {
		snprintf(err, errsize, "%s is not an outbox (a SQLite database with other "
		    "tables, such as \"%s\"); nothing was written to it", ob->path, other);
		return -1;
	}
	return 0;
}

/* Whether the outbox table has the store column (ob->has_store). */
static int
has_store(struct outbox *ob, int *rc)
{
	int64_t n = 0;

	if (query_int(ob, "SELECT count(*) FROM pragma_table_info('outbox') "
	    "WHERE name = 'store'", &n, rc) < 0)
		return -1;
	ob->has_store = n > 0;
	return 0;
}

struct outbox *
outbox_open(const char *path, unsigned flags, char *err, size_t errsize)
{
	struct outbox *ob = xcalloc(1, sizeof *ob);
	bool ro = (flags & OUTBOX_OPEN_READONLY) != 0;
	int64_t version = 0;
	int rc;

	xstrlcpy(ob->path, path, sizeof ob->path);
	if (!ro && cfg_mkdirs_for(path) < 0) {
		snprintf(err, errsize, "cannot create the directory for %s: %s", path,
		    strerror(errno));
		free(ob);
		return NULL;
	}
	if (!ro && access(path, F_OK) == 0 && access(path, W_OK) != 0) {
		snprintf(err, errsize, "the outbox %s cannot be written: %s", path,
		    strerror(errno));
		free(ob);
		return NULL;
	}
	rc = sqlite3_open_v2(path, &ob->db, ro ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(ob->db, 10000);
	if (ro && query_int(ob, "PRAGMA user_version", &version, &rc) < 0 &&
	    (rc & 0xff) == SQLITE_READONLY) {
		/* a WAL file needs its -shm, which we may not create in a
		 * directory we cannot write: look at the file as it stands */
		char *uri = sqlite3_mprintf("file:%s?immutable=1", path);

		sqlite3_close(ob->db);
		rc = sqlite3_open_v2(uri, &ob->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
		sqlite3_free(uri);
		if (rc != SQLITE_OK)
			goto fail;
	}
	if (!ro && sqlite3_db_readonly(ob->db, "main") == 1) {
		rc = SQLITE_READONLY;
		goto fail;
	}
	/* the first read tells a database from anything else */
	if (query_int(ob, "PRAGMA user_version", &version, &rc) < 0)
		goto fail;
	if (check_ours(ob, err, errsize) < 0)
		goto fail_msg;
	if (version > OUTBOX_SCHEMA_VERSION) {
		snprintf(err, errsize, "the outbox %s was written by a newer brigade "
		    "(schema %lld); upgrade this program", path, (long long)version);
		goto fail_msg;
	}
	if (check_integrity(ob, err, errsize) < 0)
		goto fail_msg;
	if (!ro) {
		char sql[128];

		if (exec(ob, "PRAGMA journal_mode=WAL") < 0 ||
		    exec(ob, "PRAGMA synchronous=FULL") < 0 ||
		    exec(ob, schema) < 0 || has_store(ob, &rc) < 0) {
			rc = sqlite3_errcode(ob->db);
			goto fail;
		}
		/* schema 1 to 2: entries from before record no store ('') and
		 * go out under any login, as they always did */
		if (!ob->has_store) {
			if (exec(ob, "ALTER TABLE outbox ADD COLUMN store TEXT NOT NULL DEFAULT ''") < 0) {
				rc = sqlite3_errcode(ob->db);
				goto fail;
			}
			ob->has_store = true;
		}
		/* marked once: an open that changes nothing costs no fsync */
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d; PRAGMA application_id=%d",
		    OUTBOX_SCHEMA_VERSION, OUTBOX_APPLICATION_ID);
		if ((version != OUTBOX_SCHEMA_VERSION || !ob->marked) && exec(ob, sql) < 0) {
			rc = sqlite3_errcode(ob->db);
			goto fail;
		}
		snprintf(sql, sizeof sql, "DELETE FROM outbox WHERE state=%d AND updated_at<%lld",
		    OUTBOX_DONE, (long long)(util_now_ms() - OUTBOX_DONE_KEEP_MS));
		exec(ob, sql);
	} else {
		int64_t n;

		/* a read-only look at a file that was never an outbox */
		if (query_int(ob, "SELECT count(*) FROM outbox", &n, &rc) < 0 ||
		    has_store(ob, &rc) < 0)
			goto fail;
	}
	return ob;
fail:
	open_error(ob, rc, err, errsize);
fail_msg:
	log_error("%s", err);
	sqlite3_close(ob->db);
	free(ob);
	return NULL;
}

bool
outbox_age_near(int64_t age_ms, int64_t retention_ms)
{
	return retention_ms > 0 && age_ms >= retention_ms / 4 * 3;
}

void
outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	sqlite3_close(ob->db);
	free(ob);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s != NULL ? s : "";
}

static void
entry_read(sqlite3_stmt *st, struct outbox_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	xstrlcpy(e->idem_key, col_text(st, 1), sizeof e->idem_key);
	xstrlcpy(e->method, col_text(st, 2), sizeof e->method);
	e->path = xstrdup(col_text(st, 3));
	e->body = xstrdup(col_text(st, 4));
	xstrlcpy(e->order_key, col_text(st, 5), sizeof e->order_key);
	xstrlcpy(e->kind, col_text(st, 6), sizeof e->kind);
	xstrlcpy(e->staff, col_text(st, 7), sizeof e->staff);
	int s = sqlite3_column_int(st, 8);
	e->state = s >= 0 && s < OUTBOX_STATE_COUNT ? (enum outbox_state)s : OUTBOX_ATTENTION;
	e->attempts = sqlite3_column_int(st, 9);
	e->created_at = sqlite3_column_int64(st, 10);
	e->updated_at = sqlite3_column_int64(st, 11);
	e->http_status = sqlite3_column_int(st, 12);
	e->error = xstrdup(col_text(st, 13));
	e->response = xstrdup(col_text(st, 14));
	xstrlcpy(e->store, col_text(st, 15), sizeof e->store);
}

void
outbox_entry_free(struct outbox_entry *e)
{
	if (e == NULL)
		return;
	free(e->path);
	free(e->body);
	free(e->error);
	free(e->response);
	memset(e, 0, sizeof *e);
}

void
outbox_entries_free(struct outbox_entry *e, int n)
{
	for (int i = 0; i < n; i++)
		outbox_entry_free(&e[i]);
	free(e);
}

static bool
valid_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > OUTBOX_KEY_MAX)
		return false;
	for (; *k != '\0'; k++) {
		char c = *k;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int
outbox_push(struct outbox *ob, const struct outbox_new *n,
    struct outbox_entry *out)
{
	static const char sql[] = "INSERT INTO outbox (idem_key, method, path, body, "
	    "order_key, kind, staff, created_at, updated_at, store) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?)";
	char key[37], order_key[OUTBOX_ORDER_KEY_MAX + 1];
	const char *k = n->idem_key;
	sqlite3_stmt *st;
	int64_t now = util_now_ms();
	int rc;

	if (k == NULL) {
		util_uuid(key);
		k = key;
	}
	if (!valid_key(k) || n->method == NULL || n->path == NULL || n->path[0] != '/') {
		log_error("refusing a malformed entry (key or path)");
		return -1;
	}
	/* an entry with no order of its own is ordered only by itself */
	snprintf(order_key, sizeof order_key, "%s",
	    n->order_key != NULL && n->order_key[0] != '\0' ? n->order_key : k);
	if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, n->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, n->body != NULL ? n->body : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, order_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, n->kind != NULL ? n->kind : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, n->staff != NULL ? n->staff : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_text(st, 10, n->store != NULL ? n->store : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: cannot queue %s %s: %s", ob->path, n->method, n->path,
		    sqlite3_errmsg(ob->db));
		return -1;
	}
	if (out != NULL && outbox_get(ob, sqlite3_last_insert_rowid(ob->db), out) != 0)
		return -1;
	return 0;
}

int
outbox_list(struct outbox *ob, unsigned mask, int64_t after_id, int limit,
    struct outbox_entry **out, int *n)
{
	static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM outbox WHERE id > ? "
	    "AND ((1 << state) & ?) != 0 ORDER BY id LIMIT ?";
	static const char sql1[] = "SELECT " ENTRY_COLUMNS_1 " FROM outbox WHERE id > ? "
	    "AND ((1 << state) & ?) != 0 ORDER BY id LIMIT ?";
	sqlite3_stmt *st;
	int cap = 0, rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ob->db, ob->has_store ? sql : sql1, -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, mask);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, (size_t)cap, sizeof **out);
		}
		entry_read(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		outbox_entries_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int
outbox_get(struct outbox *ob, int64_t id, struct outbox_entry *out)
{
	static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM outbox WHERE id = ?";
	static const char sql1[] = "SELECT " ENTRY_COLUMNS_1 " FROM outbox WHERE id = ?";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->db, ob->has_store ? sql : sql1, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		entry_read(st, out);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
outbox_counts(struct outbox *ob, int64_t *counts)
{
	sqlite3_stmt *st;
	int rc;

	memset(counts, 0, sizeof *counts * OUTBOX_STATE_COUNT);
	if (sqlite3_prepare_v2(ob->db, "SELECT state, count(*) FROM outbox GROUP BY state",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);

		if (s >= 0 && s < OUTBOX_STATE_COUNT)
			counts[s] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
outbox_oldest_pending(struct outbox *ob, int64_t *created_at)
{
	char sql[96];
	int rc;

	*created_at = 0;
	snprintf(sql, sizeof sql, "SELECT coalesce(min(created_at), 0) FROM outbox "
	    "WHERE state=%d", OUTBOX_PENDING);
	return query_int(ob, sql, created_at, &rc);
}

bool
outbox_entry_for(const struct outbox_entry *e, const char *staff, const char *store)
{
	if (e->staff[0] != '\0' && (staff == NULL || strcmp(e->staff, staff) != 0))
		return false;
	return e->store[0] == '\0' || (store != NULL && strcmp(e->store, store) == 0);
}

int
outbox_waiting(struct outbox *ob, const char *staff, const char *store, int64_t *n,
    char *who, size_t size)
{
	/* held: another maker, or the same code of another store */
	static const char sql[] = "SELECT staff, store, count(*), min(id) FROM outbox "
	    "WHERE state = 0 AND ((staff != '' AND staff != ?1) OR (store != '' AND store != ?2))"
	    " GROUP BY staff, store ORDER BY 4";
	static const char sql1[] = "SELECT staff, '', count(*), min(id) FROM outbox "
	    "WHERE state = 0 AND staff != '' AND staff != ?1 AND ?2 = ?2 GROUP BY staff ORDER BY 4";
	sqlite3_stmt *st;
	size_t len = 0;
	int rc;

	*n = 0;
	if (size > 0)
		who[0] = '\0';
	if (sqlite3_prepare_v2(ob->db, ob->has_store ? sql : sql1, -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, staff != NULL ? staff : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store != NULL ? store : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = col_text(st, 0), *where = col_text(st, 1);
		bool other = where[0] != '\0' && (store == NULL || strcmp(where, store) != 0);

		*n += sqlite3_column_int64(st, 2);
		if (len < size) {
			int w = snprintf(who + len, size - len, "%s%s%s%s", len > 0 ? ", " : "",
			    code[0] != '\0' ? code : "anyone", other ? " of " : "",
			    other ? where : "");

			len = w < 0 ? size : len + (size_t)w;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
outbox_begin(struct outbox *ob)
{
	if (ob->in_tx)
		return 0;
	if (exec(ob, "BEGIN IMMEDIATE") < 0)
		return -1;
	ob->in_tx = true;
	return 0;
}

int
outbox_commit(struct outbox *ob)
{
	if (!ob->in_tx)
		return 0;
	ob->in_tx = false;
	if (exec(ob, "COMMIT") < 0) {
		exec(ob, "ROLLBACK");
		return -1;
	}
	return 0;
}

/* One state change; changes_out says how many rows it touched. */
static int
update(struct outbox *ob, const char *sql, int64_t id, int status,
    const char *text, int *changes_out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, util_now_ms());
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_text(st, 3, text != NULL ? text : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: entry %lld: %s", ob->path, (long long)id, sqlite3_errmsg(ob->db));
		return -1;
	}
	if (changes_out != NULL)
		*changes_out = sqlite3_changes(ob->db);
	return 0;
}

int
outbox_mark_done(struct outbox *ob, int64_t id, int status, const char *response)
{
	return update(ob, "UPDATE outbox SET state=1, updated_at=?, http_status=?, "
	    "response=?, error='' WHERE id=? AND state=0", id, status, response, NULL);
}

int
outbox_mark_attention(struct outbox *ob, int64_t id, int status, const char *error)
{
	return update(ob, "UPDATE outbox SET state=2, updated_at=?, http_status=?, "
	    "error=?, attempts=attempts+1 WHERE id=? AND state=0", id, status, error, NULL);
}

int
outbox_mark_failed(struct outbox *ob, int64_t id, int status, const char *error)
{
	return update(ob, "UPDATE outbox SET updated_at=?, http_status=?, error=?, "
	    "attempts=attempts+1 WHERE id=? AND state=0", id, status, error, NULL);
}

int
outbox_requeue(struct outbox *ob, int64_t id)
{
	int changes = 0;

	if (update(ob, "UPDATE outbox SET state=0, updated_at=?, http_status=?, error=? "
	    "WHERE id=? AND state=2", id, 0, "", &changes) < 0)
		return -1;
	return changes > 0 ? 0 : 1;
}

int
outbox_requeue_as(struct outbox *ob, int64_t id, const char *staff)
{
	sqlite3_stmt *st;
	int rc, changes;

	if (staff == NULL || staff[0] == '\0')
		return outbox_requeue(ob, id);
	if (sqlite3_prepare_v2(ob->db, "UPDATE outbox SET state=0, updated_at=?, http_status=0, "
	    "error='', staff=? WHERE id=? AND state=2", -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", ob->path, sqlite3_errmsg(ob->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, util_now_ms());
	sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: entry %lld: %s", ob->path, (long long)id, sqlite3_errmsg(ob->db));
		return -1;
	}
	changes = sqlite3_changes(ob->db);
	return changes > 0 ? 0 : 1;
}

int
outbox_dismiss(struct outbox *ob, int64_t id)
{
	int changes = 0;

	if (update(ob, "UPDATE outbox SET state=3, updated_at=?, http_status=http_status+?, "
	    "error=error||? WHERE id=? AND state=2", id, 0, "", &changes) < 0)
		return -1;
	return changes > 0 ? 0 : 1;
}
