/* backup: brigade-server --backup and --restore, on SQLite's online backup
 * API. A backup reads one consistent snapshot of the database while the
 * server keeps serving (WAL: the reader never blocks the writer); a restore
 * needs the server stopped (it takes the serving lock). */
#ifndef BRIGADE_BACKUP_H
#define BRIGADE_BACKUP_H

/* Copy db to dest (mode 0600, written beside dest then renamed into
 * place). Returns a process exit status: 0 done, 1 failed (said on
 * stderr). */
int backup_run(const char *db, const char *dest);
/* Replace db with the backup at src, after checking src; refuses while a
 * server holds db. Returns an exit status like backup_run. */
int backup_restore(const char *src, const char *db);

#endif
