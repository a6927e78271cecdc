/* brigadectl: what the command's files share. */
#ifndef BRIGADE_CLIENT_BRIGADECTL_H
#define BRIGADE_CLIENT_BRIGADECTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct api_reply;
struct client_cfg;
struct clock;

/* Exit codes: part of the interface, documented in --help and the man page. */
enum {
	EXIT_OK = 0,                 /* done; or queued for later */
	EXIT_REFUSED = 1,            /* the server refused it (4xx) */
	EXIT_USAGE = 2,              /* bad usage or input: nothing queued or sent */
	EXIT_UNREACHABLE = 3,        /* no usable answer from the server */
	EXIT_OUTBOX = 4,             /* the outbox cannot be used */
	EXIT_AUTH = 5,               /* login failed */
	EXIT_ATTENTION = 6,          /* replay: entries need attention */
	EXIT_PENDING = 7,            /* replay: stopped with entries pending */
	EXIT_PRINTER = 8,            /* the printer cannot be used */
};

/* What the command files share (brigadectl.c). */
/* A usage error: the message, a pointer to --help, and EXIT_USAGE. */
int brigadectl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a failed request and pick the exit code for it. */
int brigadectl_failure(const char *what, const struct api_reply *r);
/* A GET whose JSON answer goes to stdout as it came. */
int brigadectl_print_get(const struct client_cfg *cfg, struct clock *clk,
    const char *path);
/* A whole file (or standard input for "-") of at most max bytes, NUL
 * terminated; NULL after saying why on stderr. */
char *brigadectl_read_file(const char *file, size_t *len, size_t max);

/* brigadectl menu [export [--format F] | import FILE [--dry-run] [--format F]]
 * (brigadectl_menu.c). */
int brigadectl_menu(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
/* brigadectl store show | set KEY=VALUE... (brigadectl_store.c). */
int brigadectl_store(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
/* brigadectl stores [list] | add CODE --name NAME (brigadectl_store.c). */
int brigadectl_stores(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
/* brigadectl staff list | add | set | disable | pin (brigadectl_staff.c). */
int brigadectl_staff(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
#define BRIGADECTL_PIN_BUF 64   /* longer than any PIN: 4 to 12 digits */
/* A PIN into pin: one line of standard input (from_stdin), or typed at the
 * terminal without echo after prompt (twice when confirm). 0, or the exit
 * code after saying why on stderr, with no PIN left in pin. */
int brigadectl_get_pin(bool from_stdin, const char *prompt, bool confirm,
    char pin[BRIGADECTL_PIN_BUF]);

/* brigadectl orders void | discount | comp | refund | cancel ID ...: a
 * correction sent at once, with a manager's approval when asked
 * (brigadectl_correct.c). argv[0] is the kind. */
int brigadectl_correct(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
/* Whether name is one of brigadectl_correct's kinds. */
bool brigadectl_correct_kind(const char *name);

/* brigadectl tail [--after SEQ] [--count N]: stream events as JSON lines. */
int brigadectl_tail(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);

/* brigadectl print --printer URI test|receipt ID|kitchen ID|label ID and
 * brigadectl printer status URI (brigadectl_print.c). */
int brigadectl_print(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
int brigadectl_printer(int argc, char **argv);

#endif
