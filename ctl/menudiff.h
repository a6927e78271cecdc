/* menudiff: the server's answer to PUT /api/v1/menu as lines for people,
 * one for each thing the import adds, changes or retires, in the words of
 * the CSV file (docs/menu-csv.md): its row types and its column names. */
#ifndef BRIGADE_CTL_MENUDIFF_H
#define BRIGADE_CTL_MENUDIFF_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct strbuf;

struct menudiff_counts {
	int added, changed, retired;
};

/* Append the lines ("add item B7 \"Smash Burger\"", "change item B1 price
 * 9.50 -> 9.90", "move item M4 after B9", "retire item D3"), each ending
 * in a newline, and count what they name: a group's changed modifiers are
 * said one by one, as the file's modifier rows ("change modifier
 * BEXTRA/XCH price 1.00 -> 1.20"). With the menu before (GET) and the
 * document sent, a place in a list that changed only because something
 * before it was added or retired is not said: only real moves are. -1 when
 * the answer has no added, changed and retired lists. */
int menudiff_render(const cJSON *answer, const cJSON *before, const cJSON *after,
    struct strbuf *out, struct menudiff_counts *n);

/* Whether two answers hold the same changes (the check and the import). */
bool menudiff_same(const cJSON *a, const cJSON *b);

#endif
