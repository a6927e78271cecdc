/* voids: the board's VOID cards that the chef has not cleared yet, the
 * cards whose orders a snapshot lacked and whose fate is still being
 * asked ("checking": true; they come back as such, not as VOID cards), and
 * the ones cleared lately, kept in a small JSON file of the KDS's own so that
 * a restart (even a kill) shows them again. The saved board (the session's
 * cache) holds open orders only, and a cancelled order is in no snapshot:
 * without this file the card would be lost and the kitchen might go on
 * cooking a cancelled order.
 *
 *   {"version": 1, "saved_at": ms,
 *    "cards": [{"id", "number", "version", "status", "service", "source",
 *               "table", "customer", "paid_at", "ready_at", "linked_to",
 *               "provisional", "ticket_printed_at", "column": "new" or
 *               "preparing", "reason", "voided_at", "checking" (only when true),
 *               "items": [{"name", "qty", "voided", "mods": [...], "note",
 *                          "station", "done"}]}],
 *    "cleared": [{"id", "number", "version"}]}
 *
 * Fields other than a card's id and number may be missing (a file of an
 * older KDS): they read as empty; unknown fields are ignored. The file is
 * written whole to a temporary file, synced and renamed over the old one
 * (then the directory is synced), the way the saved board is.
 */
#ifndef BRIGADE_KDS_VOIDS_H
#define BRIGADE_KDS_VOIDS_H

#include <stddef.h>

#include "board.h"

#define VOIDS_CARDS_MAX 256     /* the newest VOID cards saved */

/* Put the saved VOID cards (and cleared ones) on b. 0 loaded, 1 no file,
 * -1 not a file of ours or unreadable (err says why; b is left as it
 * was and the file is not to be written over). */
int voids_load(struct board *b, const char *path, char *err, size_t errsize);
/* Write b's VOID cards and cleared ones to path: 0, or -1 (err says why;
 * the old file is left whole). */
int voids_save(const struct board *b, const char *path, char *err, size_t errsize);

#endif
