/* dbfile: the database file's surroundings: the lock that lets one server
 * serve a database, and the owner of files that root created for the
 * service. */
#ifndef BRIGADE_DBFILE_H
#define BRIGADE_DBFILE_H

#include <stddef.h>

/* Take the serving lock of db (an flock on "DB.lock", which holds the
 * holder's pid). Returns the lock's descriptor (keep it open while
 * serving), or -1 with the reason in err: another server holds it, or the
 * lock file cannot be made. ":memory:" needs no lock (returns -2). */
int dbfile_lock(const char *db, char *err, size_t errsize);
void dbfile_unlock(int fd);

/* When run as root on a database in a directory that belongs to someone
 * else (the service user's /var/lib/brigade), give the database, its side
 * files and its lock to that user, so the service can open what root made.
 * Does nothing for other users. */
void dbfile_give_to_dir_owner(const char *db);

#endif
