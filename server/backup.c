/* backup: online backups and restores of the order database. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbfile.h"
#include "store.h"

/* Copy every page of src's "main" into dst's in one step: one read
 * transaction on src, so the copy is one moment of it, however busy. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, char *err, size_t errsize)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;

	if (b == NULL) {
		snprintf(err, errsize, "%s", sqlite3_errmsg(dst));
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsize, "%s", sqlite3_errstr(rc));
		return -1;
	}
	return sqlite3_errcode(dst) == SQLITE_OK ? 0 : -1;
}

/* The highest event seq in db (what screens will resume from), or -1. */
static long long
head_of(sqlite3 *db)
{
	sqlite3_stmt *s;
	long long head = -1;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM events", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		head = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return head;
}

static int
open_db(const char *path, int flags, sqlite3 **db, char *err, size_t errsize)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, 5000);
	return 0;
}

int
backup_run(const char *db, const char *dest)
{
	char tmp[700], err[512];
	sqlite3 *src = NULL, *dst = NULL;
	long long head;
	int fd, rc = 1;

	if (access(db, R_OK) != 0) {
		fprintf(stderr, "brigade-server: %s: %s\n", db, strerror(errno));
		return 1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid());
	/* private from the first byte: a backup holds the PIN hashes too */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "brigade-server: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	close(fd);
	if (open_db(db, SQLITE_OPEN_READONLY, &src, err, sizeof err) < 0 ||
	    open_db(tmp, SQLITE_OPEN_READWRITE, &dst, err, sizeof err) < 0)
		goto out;
	if ((head = head_of(src)) < 0) {
		snprintf(err, sizeof err, "%s: not a Brigade database (%s)", db,
		    sqlite3_errmsg(src));
		goto out;
	}
	if (copy_pages(dst, src, err, sizeof err) < 0)
		goto out;
	/* the copy stands alone: no -wal beside it to carry along */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, sizeof err, "%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	head = head_of(dst);
	sqlite3_close(dst);
	dst = NULL;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0 ||
	    rename(tmp, dest) < 0) {
		snprintf(err, sizeof err, "%s: %s", dest, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	printf("backed up %s to %s (events up to %lld)\n", db, dest, head);
	rc = 0;
	/* reading a WAL database may have made its -shm: root's would lock
	 * the service out */
	sqlite3_close(src);
	src = NULL;
	dbfile_give_to_dir_owner(db);
out:
	if (rc != 0)
		fprintf(stderr, "brigade-server: backup failed: %s\n", err);
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* PRAGMA quick_check on a backup before it replaces anything. */
static int
sound(sqlite3 *db, const char *path, char *err, size_t errsize)
{
	sqlite3_stmt *s;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		if (r != NULL && strcmp(r, "ok") == 0)
			rc = 0;
		else
			snprintf(err, errsize, "%s is damaged (%s)", path, r ? r : "?");
	} else {
		snprintf(err, errsize, "%s: %s", path, sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	return rc;
}

int
backup_restore(const char *srcpath, const char *db)
{
	char err[512];
	sqlite3 *src = NULL, *dst = NULL;
	long long head;
	int lock, fd, rc = 1;

	/* the server must be stopped: it keeps numbers in memory that a
	 * database swapped under it would contradict */
	lock = dbfile_lock(db, err, sizeof err);
	if (lock == -1) {
		fprintf(stderr, "brigade-server: cannot restore: %s\n", err);
		return 1;
	}
	if (open_db(srcpath, SQLITE_OPEN_READONLY, &src, err, sizeof err) < 0 ||
	    sound(src, srcpath, err, sizeof err) < 0)
		goto out;
	if ((head = head_of(src)) < 0) {
		snprintf(err, sizeof err, "%s: not a Brigade database", srcpath);
		goto out;
	}
	fd = open(db, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, sizeof err, "%s: %s", db, strerror(errno));
		goto out;
	}
	close(fd);
	/* through SQLite, not cp: the database's own -wal is taken into
	 * account (a copied file beside an old -wal would be corrupt) */
	if (open_db(db, SQLITE_OPEN_READWRITE, &dst, err, sizeof err) < 0 ||
	    copy_pages(dst, src, err, sizeof err) < 0)
		goto out;
	/* a restored log is another log: screens that followed the one it
	 * replaces resync when they reconnect, whatever their last seq */
	char id[LOG_ID_LEN + 1];
	sqlite3_stmt *st = NULL;
	bool logged;

	store_new_log_id(id);
	logged = sqlite3_prepare_v2(dst, "INSERT INTO meta(key, value) VALUES('log_id', ?1)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!logged ||
	    sqlite3_exec(dst, "PRAGMA journal_mode = WAL; PRAGMA wal_checkpoint(TRUNCATE);",
	    NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, sizeof err, "%s: %s", db, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_close(dst);
	dst = NULL;
	chmod(db, 0600);
	dbfile_give_to_dir_owner(db);
	printf("restored %s from %s (events up to %lld; screens that saw later "
	    "events reload when they reconnect)\n", db, srcpath, head);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "brigade-server: restore failed: %s\n", err);
	sqlite3_close(src);
	sqlite3_close(dst);
	dbfile_unlock(lock);
	return rc;
}
