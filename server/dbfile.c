/* dbfile: one server per database, and files made by root handed to the
 * service user. */
#include "dbfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

/* Two servers on one SQLite file would each number events and orders from
 * their own memory and fail each other's commits. An flock is released by
 * the kernel when the holder dies, so a crash never leaves a stale lock;
 * the pid in the file is only for the message. The lock is a file of its
 * own, not the database: SQLite's POSIX locks on the database are dropped
 * whenever any descriptor of it closes, flocks are not, but keeping the two
 * apart avoids relying on that. */
int
dbfile_lock(const char *db, char *err, size_t errsize)
{
	char path[600], pid[32];
	ssize_t n;
	int fd;

	if (strcmp(db, ":memory:") == 0)
		return -2;
	snprintf(path, sizeof path, "%s.lock", db);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			snprintf(err, errsize, "%s is already served by another brigade-server"
			    "%s%s%s; one server per database (stop that one first)", db,
			    pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		else
			snprintf(err, errsize, "%s: cannot lock: %s", path, strerror(e));
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("%s: cannot write our pid: %s", path, strerror(errno));
	return fd;
}

void
dbfile_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void
dbfile_give_to_dir_owner(const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };
	char copy[600], path[620];
	struct stat dir;

	if (geteuid() != 0 || strcmp(db, ":memory:") == 0)
		return;
	xstrlcpy(copy, db, sizeof copy);
	if (stat(dirname(copy), &dir) != 0 || dir.st_uid == 0)
		return;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		struct stat sb;

		snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    (sb.st_uid == dir.st_uid && sb.st_gid == dir.st_gid))
			continue;
		if (lchown(path, dir.st_uid, dir.st_gid) < 0)
			log_warn("%s: cannot give it to uid %u: %s", path,
			    (unsigned)dir.st_uid, strerror(errno));
		else
			log_info("%s: given to uid %u, the owner of its directory",
			    path, (unsigned)dir.st_uid);
	}
}
