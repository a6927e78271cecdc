/* clock: the server's time as seen from here. Ages on screens ("7 min")
 * are computed from the server's clock, learned from the x-brigade-time
 * header and the stream's hello, so a terminal with a wrong clock still
 * shows the right ages. Safe to use from any thread. */
#ifndef BRIGADE_CLIENT_CLOCK_H
#define BRIGADE_CLIENT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock {
	_Atomic int64_t skew_ms;       /* server clock minus local clock */
	_Atomic int64_t best_rtt_ms;   /* round trip of the sample in use */
	_Atomic bool known;
};

void clock_init(struct clock *c);
/* A server timestamp taken while a request was in flight between the local
 * wall-clock moments sent_ms and recv_ms. */
void clock_observe(struct clock *c, int64_t server_ms, int64_t sent_ms,
    int64_t recv_ms);
/* The server's time now (the local clock until a sample arrived). */
int64_t clock_server_now(const struct clock *c);
/* How long ago a server timestamp was, by the server's clock (>= 0). */
int64_t clock_age_ms(const struct clock *c, int64_t server_ts);
int64_t clock_skew_ms(const struct clock *c);
bool clock_known(const struct clock *c);

#endif
