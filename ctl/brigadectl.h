/* brigadectl: what the command's files share. */
#ifndef BRIGADE_CLIENT_BRIGADECTL_H
#define BRIGADE_CLIENT_BRIGADECTL_H

#include <signal.h>

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

/* brigadectl tail [--after SEQ] [--count N]: stream events as JSON lines. */
int brigadectl_tail(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);

/* brigadectl print --printer URI test|receipt ID|kitchen ID|label ID and
 * brigadectl printer status URI (brigadectl_print.c). */
int brigadectl_print(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk);
int brigadectl_printer(int argc, char **argv);

#endif
