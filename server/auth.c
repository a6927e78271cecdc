/* auth: PIN hashing, bearer tokens and the cache of live sessions. */
#include "auth.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xalloc.h"

#define SALT_LEN 16
#define KEY_LEN 32

static void
pbkdf2(const char *pin, const unsigned char *salt, int iterations,
    unsigned char key[KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, SALT_LEN, iterations,
	    EVP_sha256(), KEY_LEN, key) != 1)
		abort();   /* only fails on allocation failure */
}

void
auth_pin_hash(const char *pin, int iterations, char out[AUTH_HASH_MAX])
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];

	util_random(salt, sizeof salt);
	pbkdf2(pin, salt, iterations, key);
	util_hex(salt, sizeof salt, salt_hex);
	util_hex(key, sizeof key, key_hex);
	snprintf(out, AUTH_HASH_MAX, "pbkdf2-sha256$%d$%s$%s", iterations,
	    salt_hex, key_hex);
}

static int
unhex(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return hex[2 * n] == '\0' || hex[2 * n] == '$' ? 0 : -1;
}

bool
auth_pin_verify(const char *pin, const char *stored)
{
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	const char *p;
	int iterations;

	if (strncmp(stored, "pbkdf2-sha256$", 14) != 0)
		return false;
	p = stored + 14;
	iterations = atoi(p);
	if (iterations < 1000 || iterations > 10000000)
		return false;
	p = strchr(p, '$');
	if (p == NULL || unhex(p + 1, salt, SALT_LEN) < 0)
		return false;
	p = strchr(p + 1, '$');
	if (p == NULL || unhex(p + 1, want, KEY_LEN) < 0)
		return false;
	pbkdf2(pin, salt, iterations, got);
	return util_ct_equal(got, want, KEY_LEN);
}

void
auth_pin_burn(int iterations)
{
	unsigned char salt[SALT_LEN] = { 0 }, key[KEY_LEN];

	pbkdf2("0000", salt, iterations, key);
}

bool
auth_pin_valid(const char *pin)
{
	size_t n = strlen(pin);

	if (n < 4 || n > 12)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	}
	return true;
}

void
auth_token_new(char token[AUTH_TOKEN_LEN + 1])
{
	unsigned char b[AUTH_TOKEN_LEN / 2];

	util_random(b, sizeof b);
	util_hex(b, sizeof b, token);
}

void
auth_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[SHA256_DIGEST_LENGTH];

	SHA256(data, len, d);
	util_hex(d, sizeof d, out);
}

void
auth_token_hash(const char *token, char out[65])
{
	auth_sha256_hex(token, strlen(token), out);
}

/* ---- the session cache ----------------------------------------------- */

static unsigned
bucket_of(const char *token_hash)
{
	/* the key is already a uniform hash: its first two hex digits do */
	unsigned char b[1];

	if (unhex(token_hash, b, 1) < 0)
		return 0;
	return b[0] % SESSIONS_BUCKETS;
}

void
sessions_init(struct sessions *ss)
{
	memset(ss, 0, sizeof *ss);
}

void
sessions_free(struct sessions *ss)
{
	for (int i = 0; i < SESSIONS_BUCKETS; i++) {
		struct session *s = ss->buckets[i];

		while (s != NULL) {
			struct session *next = s->next;

			free(s);
			s = next;
		}
	}
	sessions_init(ss);
}

void
sessions_add(struct sessions *ss, const struct session *s)
{
	struct session *n = xmalloc(sizeof *n);
	unsigned b = bucket_of(s->token_hash);

	*n = *s;
	n->next = ss->buckets[b];
	ss->buckets[b] = n;
	ss->count++;
}

const struct session *
sessions_find(struct sessions *ss, const char *token_hash, int64_t now)
{
	unsigned b = bucket_of(token_hash);

	for (struct session *s = ss->buckets[b]; s != NULL; s = s->next) {
		if (strcmp(s->token_hash, token_hash) != 0)
			continue;
		if (s->expires_at <= now) {
			sessions_remove(ss, token_hash);
			return NULL;
		}
		return s;
	}
	return NULL;
}

void
sessions_remove(struct sessions *ss, const char *token_hash)
{
	struct session **pp = &ss->buckets[bucket_of(token_hash)];

	while (*pp != NULL) {
		if (strcmp((*pp)->token_hash, token_hash) == 0) {
			struct session *dead = *pp;

			*pp = dead->next;
			free(dead);
			ss->count--;
			return;
		}
		pp = &(*pp)->next;
	}
}

void
sessions_remove_staff(struct sessions *ss, int64_t staff_id)
{
	for (int i = 0; i < SESSIONS_BUCKETS; i++) {
		struct session **pp = &ss->buckets[i];

		while (*pp != NULL) {
			if ((*pp)->staff_id == staff_id) {
				struct session *dead = *pp;

				*pp = dead->next;
				free(dead);
				ss->count--;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
}
