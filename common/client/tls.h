/* tls: the one OpenSSL client context of a process, for every lws context
 * that talks to an https:// server (the loop's stream; REST is libcurl's,
 * which sets up TLS for itself on the same OpenSSL).
 *
 * Why one, and ours: lws 4.1 stores its bookkeeping in each client
 * context it makes under an index held in a single global, which every
 * new lws context overwrites; when a process has two (the loop's and the
 * worker's), the first one's context and its whole certificate store are
 * never freed. A context we provide is never freed by lws, and we keep a
 * count of its users. */
#ifndef BRIGADE_CLIENT_TLS_H
#define BRIGADE_CLIENT_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* The context, made at the first call: peers are verified against the
 * system's CAs and ca_file (PEM; NULL or "": none more). Later calls get
 * the same context (ca_file is the process's one --ca-file). NULL with a
 * reason in err when OpenSSL cannot make it or ca_file cannot be read. */
SSL_CTX *client_tls_acquire(const char *ca_file, char *err, size_t errsize);
/* One user fewer; the context goes with the last. */
void client_tls_release(void);

/* lws's own error lines (a refused certificate's reason is only there) go
 * to our log at info level instead of the terminal, and the last one of
 * the calling thread is kept for a message. */
void client_tls_log_setup(void);
const char *client_tls_last_lws_error(void);

#endif
