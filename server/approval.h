/* approval: a manager's approval of one action at somebody else's till.
 * The manager types their code and PIN into the till; the server checks
 * them and answers a token that approves what was asked (some kinds of
 * correction, or a cancel) on one order (or a new sale) of one store, for the staff
 * member who asked, for the one request that carries the Idempotency-Key
 * it names, for a while. The token is signed with the database's own key
 * (meta 'approval_key'), so a till cannot make one, and it is good for one
 * effect: the key it is bound to is applied once. */
#ifndef BRIGADE_APPROVAL_H
#define BRIGADE_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"

#define APPROVAL_KEY_LEN 32
#define APPROVAL_TOKEN_MAX 200
#define APPROVAL_TTL_MS (30 * 60 * 1000)

/* What an approval covers: corrections by kind (1 << enum
 * correction_kind) and the cancel action. */
#define APPROVE_CANCEL (1u << 8)

struct approval {
	int64_t store_id;            /* the store it was given in */
	int64_t approver_id;         /* the manager's staff id */
	int64_t for_staff_id;        /* the staff member it was given to */
	int64_t order_id;            /* 0: a new sale */
	unsigned scope;
	int64_t expires_at;
	char key_hash[17];           /* the first 16 hex of sha256(key) */
};

/* The database's approval key: read from meta 'approval_key', or made and
 * kept there the first time. 0, or -1 when the store fails. */
struct store;
int approval_key_load(struct store *st, uint8_t key[APPROVAL_KEY_LEN]);

void approval_key_hash(const char *idem_key, char out[17]);
/* Sign a into a token (text of at most APPROVAL_TOKEN_MAX). */
void approval_sign(const uint8_t key[APPROVAL_KEY_LEN], const struct approval *a,
    char out[APPROVAL_TOKEN_MAX + 1]);
/* Read a token and check its signature: 0 with a filled, -1 when it is not
 * one of ours (forged, altered or garbled). Expiry and binding are the
 * caller's to check. */
int approval_verify(const uint8_t key[APPROVAL_KEY_LEN], const char *token,
    struct approval *a);

#endif
