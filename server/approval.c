/* approval: signed one-action approvals. */
#include "approval.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "store.h"

static void
hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
unhex(const char *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (uint8_t)v;
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

int
approval_key_load(struct store *st, uint8_t key[APPROVAL_KEY_LEN])
{
	char *v = NULL, text[2 * APPROVAL_KEY_LEN + 1];
	int rc;

	/* never a key of zeros, whatever fails below */
	if (RAND_bytes(key, APPROVAL_KEY_LEN) != 1)
		return -1;
	if ((rc = store_meta_get(st, STORE_ORG, "approval_key", &v)) < 0)
		return -1;
	if (rc == 0 && strlen(v) == 2 * APPROVAL_KEY_LEN && unhex(v, key, APPROVAL_KEY_LEN) == 0) {
		OPENSSL_cleanse(v, strlen(v));
		free(v);
		return 0;
	}
	free(v);
	hex(key, APPROVAL_KEY_LEN, text);
	rc = store_meta_put(st, STORE_ORG, "approval_key", text);
	OPENSSL_cleanse(text, sizeof text);
	return rc < 0 ? -1 : 0;
}

void
approval_key_hash(const char *idem_key, char out[17])
{
	char full[65];

	auth_sha256_hex(idem_key, strlen(idem_key), full);
	memcpy(out, full, 16);
	out[16] = '\0';
}

/* The signed part:
 * "2.<store>.<approver>.<for>.<order>.<scope>.<expires>.<keyhash>". */
static int
payload(const struct approval *a, char *out, size_t size)
{
	return snprintf(out, size, "2.%" PRId64 ".%" PRId64 ".%" PRId64 ".%" PRId64
	    ".%u.%" PRId64 ".%s", a->store_id, a->approver_id, a->for_staff_id, a->order_id, a->scope, a->expires_at,
	    a->key_hash);
}

static void
mac(const uint8_t key[APPROVAL_KEY_LEN], const char *text, char out[65])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	HMAC(EVP_sha256(), key, APPROVAL_KEY_LEN, (const unsigned char *)text,
	    strlen(text), md, &len);
	hex(md, 32, out);
}

void
approval_sign(const uint8_t key[APPROVAL_KEY_LEN], const struct approval *a,
    char out[APPROVAL_TOKEN_MAX + 1])
{
	char text[APPROVAL_TOKEN_MAX], sig[65];
	int n = payload(a, text, sizeof text);

	if (n < 0 || (size_t)n >= sizeof text)
		abort();   /* numbers and a 16-hex hash always fit */
	mac(key, text, sig);
	snprintf(out, APPROVAL_TOKEN_MAX + 1, "%s.%s", text, sig);
}

int
approval_verify(const uint8_t key[APPROVAL_KEY_LEN], const char *token,
    struct approval *a)
{
	char text[APPROVAL_TOKEN_MAX + 1], sig[65], again[APPROVAL_TOKEN_MAX];
	const char *dot;
	size_t len;
	int consumed = 0;

	memset(a, 0, sizeof *a);
	len = strlen(token);
	if (len > APPROVAL_TOKEN_MAX || (dot = strrchr(token, '.')) == NULL ||
	    strlen(dot + 1) != 64)
		return -1;
	memcpy(text, token, (size_t)(dot - token));
	text[dot - token] = '\0';
	mac(key, text, sig);
	if (CRYPTO_memcmp(sig, dot + 1, 64) != 0)
		return -1;
	if (sscanf(text, "2.%" SCNd64 ".%" SCNd64 ".%" SCNd64 ".%" SCNd64 ".%u.%" SCNd64
	    ".%16[0-9a-f]%n", &a->store_id, &a->approver_id, &a->for_staff_id,
	    &a->order_id, &a->scope, &a->expires_at, a->key_hash, &consumed) != 7 ||
	    text[consumed] != '\0')
		return -1;
	/* the text must be exactly what we would have signed */
	payload(a, again, sizeof again);
	return strcmp(again, text) == 0 ? 0 : -1;
}
