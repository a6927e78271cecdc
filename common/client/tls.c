/* tls: one shared OpenSSL client context, counted. */
#include "tls.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>
#include <openssl/err.h>

#include "log.h"
#include "xalloc.h"

static pthread_mutex_t tls_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *tls_ctx;
static int tls_users;

static void
openssl_reason(char *err, size_t errsize, const char *what)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	snprintf(err, errsize, "%s: %s", what, buf);
	ERR_clear_error();
}

SSL_CTX *
client_tls_acquire(const char *ca_file, char *err, size_t errsize)
{
	SSL_CTX *ctx;

	pthread_mutex_lock(&tls_lock);
	if (tls_ctx == NULL) {
		ctx = SSL_CTX_new(TLS_client_method());
		if (ctx == NULL) {
			openssl_reason(err, errsize, "cannot set up TLS");
			goto out;
		}
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (SSL_CTX_set_default_verify_paths(ctx) != 1)
			ERR_clear_error();   /* no system store: ca_file may do */
		if (ca_file != NULL && ca_file[0] != '\0' &&
		    SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			openssl_reason(err, errsize, "cannot read the CA file");
			SSL_CTX_free(ctx);
			goto out;
		}
		tls_ctx = ctx;
	}
	tls_users++;
out:
	ctx = tls_ctx;
	pthread_mutex_unlock(&tls_lock);
	return ctx;
}

void
client_tls_release(void)
{
	pthread_mutex_lock(&tls_lock);
	if (tls_users > 0 && --tls_users == 0) {
		SSL_CTX_free(tls_ctx);
		tls_ctx = NULL;
	}
	pthread_mutex_unlock(&tls_lock);
}

static _Thread_local char lws_last_error[200];

static void
on_lws_log(int level, const char *line)
{
	char clean[sizeof lws_last_error];
	size_t i;

	(void)level;
	for (i = 0; line[i] != '\0' && i + 1 < sizeof clean; i++)
		clean[i] = (unsigned char)line[i] < 0x20 ? ' ' : line[i];
	while (i > 0 && clean[i - 1] == ' ')
		i--;
	clean[i] = '\0';
	xstrlcpy(lws_last_error, clean, sizeof lws_last_error);
	log_info("lws: %s", clean);
}

void
client_tls_log_setup(void)
{
	lws_set_log_level(LLL_ERR, on_lws_log);
}

const char *
client_tls_last_lws_error(void)
{
	return lws_last_error;
}
