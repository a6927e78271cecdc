/* auth: PIN hashing (PBKDF2-HMAC-SHA256, salted, slow), bearer tokens, and
 * the service thread's cache of live sessions. */
#ifndef BRIGADE_AUTH_H
#define BRIGADE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "order.h"

#define AUTH_TOKEN_LEN 64        /* hex of 32 random bytes */
#define AUTH_HASH_MAX 160

/* Hash a PIN for storage: "pbkdf2-sha256$ITER$SALT$HASH" (hex). */
void auth_pin_hash(const char *pin, int iterations, char out[AUTH_HASH_MAX]);
/* Check pin against a stored hash in constant time for a given cost. */
bool auth_pin_verify(const char *pin, const char *stored);
/* Spend the time of one verification (unknown staff codes cost the same as
 * known ones, so timing does not reveal which codes exist). */
void auth_pin_burn(int iterations);
/* Whether a PIN is acceptable: 4 to 12 digits. */
bool auth_pin_valid(const char *pin);

void auth_token_new(char token[AUTH_TOKEN_LEN + 1]);
/* SHA-256 of the token in hex: what the database keeps. */
void auth_token_hash(const char *token, char out[65]);
/* SHA-256 in hex of any bytes (request fingerprints for idempotency). */
void auth_sha256_hex(const void *data, size_t len, char out[65]);

struct session {
	char token_hash[65];
	int64_t store_id;            /* the store the login is for */
	bool org;                    /* an organisation admin */
	int64_t staff_id;
	char staff[STAFF_MAX + 1];
	char name[NAME_MAX_ + 1];
	enum staff_role role;
	char terminal[TERMINAL_MAX + 1];
	int64_t expires_at;
	struct session *next;
};

#define SESSIONS_BUCKETS 256

/* Owned by the service thread only: no locking. */
struct sessions {
	struct session *buckets[SESSIONS_BUCKETS];
	int count;
};

void sessions_init(struct sessions *ss);
void sessions_free(struct sessions *ss);
void sessions_add(struct sessions *ss, const struct session *s);
/* The live session for token_hash, or NULL (expired ones are dropped). */
const struct session *sessions_find(struct sessions *ss, const char *token_hash,
    int64_t now);
void sessions_remove(struct sessions *ss, const char *token_hash);
void sessions_remove_staff(struct sessions *ss, int64_t staff_id);

#endif
