/* Unit tests of the outbox: states, ordering, durability under kill -9,
 * and files that are damaged, foreign or read-only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "log.h"
#include "outbox.h"
#include "util.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/brigade-outbox-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sub/outbox.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct outbox *
open_rw(void)
{
	char err[512];
	struct outbox *ob = outbox_open(path, 0, err, sizeof err);

	if (ob == NULL)
		fail_msg("open: %s", err);
	return ob;
}

static void
push(struct outbox *ob, const char *order_key, const char *body, int64_t *id)
{
	struct outbox_new n = { "POST", "/api/v1/orders", body, order_key,
	    "order.create", "k1", NULL, "main" };
	struct outbox_entry e;

	assert_int_equal(outbox_push(ob, &n, &e), 0);
	if (id != NULL)
		*id = e.id;
	assert_int_equal(e.state, OUTBOX_PENDING);
	assert_int_equal((int)strlen(e.idem_key), 36);
	outbox_entry_free(&e);
}

static void
test_states(void **state)
{
	struct outbox *ob = open_rw();
	struct outbox_entry *e;
	int64_t a, b, c, counts[OUTBOX_STATE_COUNT];
	int n;

	push(ob, NULL, "{\"n\":1}", &a);
	push(ob, "order:7", "{\"n\":2}", &b);
	push(ob, "order:7", "{\"n\":3}", &c);
	assert_true(a < b && b < c);

	assert_int_equal(outbox_list(ob, OUTBOX_BIT(OUTBOX_PENDING), 0, 0, &e, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].order_key, e[0].idem_key);   /* its own order */
	assert_string_equal(e[1].order_key, "order:7");
	assert_string_equal(e[2].body, "{\"n\":3}");
	outbox_entries_free(e, n);

	assert_int_equal(outbox_mark_failed(ob, a, 503, "storage_error: try again"), 0);
	assert_int_equal(outbox_mark_done(ob, a, 201, "{\"id\":1}"), 0);
	assert_int_equal(outbox_mark_attention(ob, b, 409, "illegal_transition: no"), 0);
	/* a done entry never goes back */
	assert_int_equal(outbox_mark_attention(ob, a, 409, "late"), 0);
	struct outbox_entry one;
	assert_int_equal(outbox_get(ob, a, &one), 0);
	assert_int_equal(one.state, OUTBOX_DONE);
	assert_int_equal(one.attempts, 1);
	assert_string_equal(one.response, "{\"id\":1}");
	outbox_entry_free(&one);
	assert_int_equal(outbox_get(ob, b, &one), 0);
	assert_int_equal(one.state, OUTBOX_ATTENTION);
	assert_int_equal(one.http_status, 409);
	assert_string_equal(one.error, "illegal_transition: no");
	outbox_entry_free(&one);

	assert_int_equal(outbox_counts(ob, counts), 0);
	assert_int_equal(counts[OUTBOX_PENDING], 1);
	assert_int_equal(counts[OUTBOX_DONE], 1);
	assert_int_equal(counts[OUTBOX_ATTENTION], 1);

	/* resolving: only needs-attention entries can be retried or dismissed */
	assert_int_equal(outbox_requeue(ob, a), 1);
	assert_int_equal(outbox_requeue(ob, b), 0);
	assert_int_equal(outbox_get(ob, b, &one), 0);
	assert_int_equal(one.state, OUTBOX_PENDING);
	assert_string_equal(one.error, "");
	outbox_entry_free(&one);
	assert_int_equal(outbox_mark_attention(ob, b, 409, "again"), 0);
	assert_int_equal(outbox_dismiss(ob, b), 0);
	assert_int_equal(outbox_dismiss(ob, b), 1);
	assert_int_equal(outbox_get(ob, 999, &one), 1);
	outbox_close(ob);
}

/* Whose entries wait for whom: a change goes out under its maker's login;
 * entries recording nobody go under any; a retry by another person makes
 * it theirs. */
static void
test_staff(void **state)
{
	struct outbox *ob = open_rw();
	struct outbox_new n = { "POST", "/api/v1/orders/1/actions", "{}", "order:1",
	    "order.start", "c1", NULL, "main" };
	struct outbox_entry e;
	int64_t waiting, id;
	char who[64];

	(void)state;
	assert_int_equal(outbox_push(ob, &n, &e), 0);
	id = e.id;
	assert_true(outbox_entry_for(&e, "c1", "main"));
	assert_false(outbox_entry_for(&e, "k1", "main"));
	assert_false(outbox_entry_for(&e, NULL, "main"));
	outbox_entry_free(&e);
	n.staff = "m1";
	n.kind = "order.cancel";
	assert_int_equal(outbox_push(ob, &n, NULL), 0);
	n.staff = "";
	assert_int_equal(outbox_push(ob, &n, &e), 0);
	assert_true(outbox_entry_for(&e, "k1", "main"));  /* an entry from before staff codes */
	outbox_entry_free(&e);
	push(ob, NULL, "{}", NULL);                /* k1's own */
	assert_int_equal(outbox_waiting(ob, "k1", "main", &waiting, who, sizeof who), 0);
	assert_int_equal(waiting, 2);
	assert_string_equal(who, "c1, m1");
	assert_int_equal(outbox_waiting(ob, "c1", "main", &waiting, who, sizeof who), 0);
	assert_int_equal(waiting, 2);
	assert_string_equal(who, "m1, k1");
	assert_int_equal(outbox_waiting(ob, "c1", "main", &waiting, who, 4), 0);
	assert_string_equal(who, "m1,");            /* cut to size */
	/* refused, then sent again by a manager: the manager's now */
	assert_int_equal(outbox_mark_attention(ob, id, 403, "forbidden: no"), 0);
	assert_int_equal(outbox_requeue_as(ob, id, "m1"), 0);
	assert_int_equal(outbox_get(ob, id, &e), 0);
	assert_int_equal(e.state, OUTBOX_PENDING);
	assert_string_equal(e.staff, "m1");
	assert_string_equal(e.error, "");
	outbox_entry_free(&e);
	assert_int_equal(outbox_requeue_as(ob, id, "m1"), 1);   /* not refused now */
	outbox_close(ob);
}

/* A change goes out under a login of the store it was made in: the same
 * code in another store is another person, in other books. */
static void
test_store(void **state)
{
	struct outbox *ob = open_rw();
	struct outbox_new n = { "POST", "/api/v1/orders", "{}", NULL, "order.create", "k1",
	    NULL, "north" };
	struct outbox_entry e;
	int64_t waiting;
	char who[64];

	(void)state;
	assert_int_equal(outbox_push(ob, &n, &e), 0);
	assert_string_equal(e.store, "north");
	assert_true(outbox_entry_for(&e, "k1", "north"));
	assert_false(outbox_entry_for(&e, "k1", "main"));
	assert_false(outbox_entry_for(&e, "k1", NULL));
	assert_false(outbox_entry_for(&e, "c1", "north"));
	outbox_entry_free(&e);
	n.store = NULL;                            /* none recorded: any store */
	assert_int_equal(outbox_push(ob, &n, &e), 0);
	assert_string_equal(e.store, "");
	assert_true(outbox_entry_for(&e, "k1", "main"));
	outbox_entry_free(&e);
	n.store = "main";
	n.staff = "c1";
	assert_int_equal(outbox_push(ob, &n, NULL), 0);
	/* k1 of main: north's k1 and main's c1 wait */
	assert_int_equal(outbox_waiting(ob, "k1", "main", &waiting, who, sizeof who), 0);
	assert_int_equal(waiting, 2);
	assert_string_equal(who, "k1 of north, c1");
	/* k1 of north: main's c1 waits */
	assert_int_equal(outbox_waiting(ob, "k1", "north", &waiting, who, sizeof who), 0);
	assert_int_equal(waiting, 1);
	assert_string_equal(who, "c1 of main");
	outbox_close(ob);
}

static void
test_refuses_bad_entries(void **state)
{
	struct outbox *ob = open_rw();
	struct outbox_new n = { "POST", "/api/v1/orders", "{}", NULL, "x", "k1",
	    "bad key!", "main" };

	log_set_level(LOG_OFF);
	assert_int_equal(outbox_push(ob, &n, NULL), -1);
	n.idem_key = "k-1";
	assert_int_equal(outbox_push(ob, &n, NULL), 0);
	/* a key is used once */
	assert_int_equal(outbox_push(ob, &n, NULL), -1);
	n.idem_key = NULL;
	n.path = "no-slash";
	assert_int_equal(outbox_push(ob, &n, NULL), -1);
	log_set_level(LOG_INFO);
	outbox_close(ob);
}

/* A child pushes entries as fast as it can and reports each id on a pipe
 * once outbox_push returned; it is killed with SIGKILL at some moment. Every
 * reported id must be in the file, which must still be a sound outbox. */
static void
test_kill9_durability(void **state)
{
	struct outbox *ob = open_rw();

	outbox_close(ob);
	for (int round = 0; round < 5; round++) {
		int fds[2];
		pid_t pid;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct outbox *cob = open_rw();

			close(fds[0]);
			for (;;) {
				int64_t id;

				push(cob, NULL, "{\"durable\":true}", &id);
				if (write(fds[1], &id, sizeof id) != sizeof id)
					_exit(1);
			}
		}
		close(fds[1]);
		int64_t id, last = 0, count = 0;
		/* the kill lands mid-stream, however long the child took to start
		 * (a busy machine: opening is a few fsyncs) */
		if (read(fds[0], &id, sizeof id) == sizeof id) {
			last = id;
			count++;
		}
		usleep(20000 + 15000 * round);
		kill(pid, SIGKILL);
		while (read(fds[0], &id, sizeof id) == sizeof id) {
			last = id;
			count++;
		}
		close(fds[0]);
		waitpid(pid, NULL, 0);
		assert_true(count > 0);

		ob = open_rw();
		struct outbox_entry e;
		assert_int_equal(outbox_get(ob, last, &e), 0);
		assert_string_equal(e.body, "{\"durable\":true}");
		outbox_entry_free(&e);
		outbox_close(ob);
	}
}

static void
write_file(const char *p, const char *data, size_t len)
{
	FILE *fp = fopen(p, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void
test_not_an_outbox(void **state)
{
	char err[512], p[160];

	log_set_level(LOG_OFF);
	snprintf(p, sizeof p, "%s/garbage.db", dir);
	const char *list = "this is not a database, it is a shopping list\neggs\nflour\n";

	write_file(p, list, strlen(list));
	assert_null(outbox_open(p, 0, err, sizeof err));
	assert_non_null(strstr(err, "not an outbox"));
	assert_null(outbox_open(p, OUTBOX_OPEN_READONLY, err, sizeof err));
	log_set_level(LOG_INFO);
}

static void
sql(const char *p, const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static char *
slurp(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

/* Another program's SQLite database (a copy of the server's, say) is
 * refused, read-write and read-only, and not a byte of it changes: no
 * outbox table, no WAL. */
static void
test_foreign_database(void **state)
{
	char err[512], p[160], wal[170];
	size_t n0, n1;

	log_set_level(LOG_OFF);
	snprintf(p, sizeof p, "%s/server-copy.db", dir);
	sql(p, "CREATE TABLE orders (id INTEGER PRIMARY KEY, body TEXT);"
	    "CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT);"
	    "INSERT INTO orders VALUES (1, '{}');");
	char *before = slurp(p, &n0);
	assert_null(outbox_open(p, 0, err, sizeof err));
	assert_non_null(strstr(err, "not an outbox"));
	assert_non_null(strstr(err, "nothing was written"));
	assert_null(outbox_open(p, OUTBOX_OPEN_READONLY, err, sizeof err));
	assert_non_null(strstr(err, "not an outbox"));
	char *after = slurp(p, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	snprintf(wal, sizeof wal, "%s-wal", p);
	assert_int_not_equal(access(wal, F_OK), 0);
	free(before);
	free(after);
	/* another program's application id, even with no tables yet */
	snprintf(p, sizeof p, "%s/other-app.db", dir);
	sql(p, "PRAGMA application_id=1234;");
	assert_null(outbox_open(p, 0, err, sizeof err));
	assert_non_null(strstr(err, "application id"));
	log_set_level(LOG_INFO);
}

/* What is accepted: an empty file, and an outbox written before the
 * application id, which is then marked as ours and keeps its entries. */
static void
test_empty_and_older_outbox(void **state)
{
	struct outbox_entry *e;
	struct outbox *ob;
	char err[512], p[160];
	int n;

	snprintf(p, sizeof p, "%s/empty.db", dir);
	write_file(p, "", 0);
	ob = outbox_open(p, 0, err, sizeof err);
	assert_non_null(ob);
	outbox_close(ob);
	snprintf(p, sizeof p, "%s/old.db", dir);
	sql(p, "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	    " idem_key TEXT NOT NULL UNIQUE, method TEXT NOT NULL, path TEXT NOT NULL,"
	    " body TEXT NOT NULL, order_key TEXT NOT NULL, kind TEXT NOT NULL,"
	    " staff TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
	    " attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
	    " updated_at INTEGER NOT NULL, http_status INTEGER NOT NULL DEFAULT 0,"
	    " error TEXT NOT NULL DEFAULT '', response TEXT NOT NULL DEFAULT '');"
	    "CREATE INDEX outbox_by_state ON outbox(state, id);"
	    "INSERT INTO outbox (idem_key, method, path, body, order_key, kind, staff,"
	    " created_at, updated_at) VALUES ('k1', 'POST', '/api/v1/orders', '{}', 'k1',"
	    " 'order.create', 'k1', 1, 1);"
	    "PRAGMA user_version=1;");
	/* schema 1, looked at read-only: its entries record no store */
	ob = outbox_open(p, OUTBOX_OPEN_READONLY, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(outbox_list(ob, OUTBOX_BIT(OUTBOX_PENDING), 0, 0, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].store, "");
	assert_true(outbox_entry_for(&e[0], "k1", "north"));
	outbox_entries_free(e, n);
	int64_t waiting;
	char who[32];
	assert_int_equal(outbox_waiting(ob, "k1", "north", &waiting, who, sizeof who), 0);
	assert_int_equal(waiting, 0);
	outbox_close(ob);
	/* opened to write: upgraded to schema 2, the entry kept, any store's */
	ob = outbox_open(p, 0, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(outbox_list(ob, OUTBOX_BIT(OUTBOX_PENDING), 0, 0, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].store, "");
	assert_string_equal(e[0].staff, "k1");
	assert_true(outbox_entry_for(&e[0], "k1", "main"));
	outbox_entries_free(e, n);
	push(ob, NULL, "{}", NULL);
	outbox_close(ob);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	sqlite3_close(db);
	ob = outbox_open(p, 0, err, sizeof err);
	assert_non_null(ob);
	outbox_close(ob);
}

/* Overwrite part of a real outbox's pages: open refuses it, and says so. */
static void
test_damaged(void **state)
{
	struct outbox *ob = open_rw();
	char err[512];

	for (int i = 0; i < 300; i++)
		push(ob, NULL, "{\"padding\":\"..........................................................\"}", NULL);
	outbox_close(ob);
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	char junk[4096];
	memset(junk, 0xA5, sizeof junk);
	assert_int_equal(fseek(fp, 4096 * 2, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	log_set_level(LOG_OFF);
	assert_null(outbox_open(path, 0, err, sizeof err));
	log_set_level(LOG_INFO);
	assert_non_null(strstr(err, path));
	assert_true(strstr(err, "damaged") != NULL || strstr(err, "not an outbox") != NULL);
}

/* The checks a read-only outbox needs; returns a failure number or 0. */
static int
read_only_checks(void)
{
	struct outbox_entry *e;
	struct outbox *ob;
	char err[512];
	int n;

	log_set_level(LOG_OFF);
	ob = outbox_open(path, 0, err, sizeof err);
	log_set_level(LOG_INFO);
	if (ob != NULL)
		return 1;
	if (strstr(err, "cannot be written") == NULL)
		return 2;
	ob = outbox_open(path, OUTBOX_OPEN_READONLY, err, sizeof err);
	if (ob == NULL)
		return 3;
	if (outbox_list(ob, ~0u, 0, 0, &e, &n) < 0 || n != 1)
		return 4;
	outbox_entries_free(e, n);
	outbox_close(ob);
	return 0;
}

static void
test_read_only(void **state)
{
	struct outbox *ob = open_rw();
	char sub[160];

	push(ob, NULL, "{\"keep\":1}", NULL);
	outbox_close(ob);
	assert_int_equal(chmod(path, 0444), 0);
	if (geteuid() != 0) {
		assert_int_equal(read_only_checks(), 0);
		return;
	}
	/* root may write anything: check as nobody, in a child */
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(99);
		_exit(read_only_checks());
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* and the entry is still there */
	ob = open_rw();
	int64_t counts[OUTBOX_STATE_COUNT];
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(outbox_counts(ob, counts), 0);
	assert_int_equal(counts[OUTBOX_PENDING], 1);
	outbox_close(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_durability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_an_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_older_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
	};

	log_init("test_outbox");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
