/* clock: server time from observed timestamps, with the round trip halved. */
#include "clock.h"

#include "util.h"

/* A sample older than this is replaced even by a slower one: clocks drift
 * and get stepped, so the estimate must keep following the server. */
#define CLOCK_RTT_SLACK_MS 50

void
clock_init(struct clock *c)
{
	c->skew_ms = 0;
	c->best_rtt_ms = INT64_MAX;
	c->known = false;
}

/* The server stamped its time somewhere between sent and recv; the middle
 * is the best guess, off by at most half the round trip. A sample with a
 * much longer round trip than the one in use is ignored (a slow response
 * says little), unless it is the first. */
void
clock_observe(struct clock *c, int64_t server_ms, int64_t sent_ms,
    int64_t recv_ms)
{
	int64_t rtt = recv_ms - sent_ms;

	if (server_ms <= 0 || rtt < 0)
		return;
	if (c->known && rtt > c->best_rtt_ms + CLOCK_RTT_SLACK_MS && rtt > 2 * c->best_rtt_ms)
		return;
	c->skew_ms = server_ms - (sent_ms + rtt / 2);
	c->best_rtt_ms = rtt;
	c->known = true;
}

int64_t
clock_server_now(const struct clock *c)
{
	return util_now_ms() + c->skew_ms;
}

int64_t
clock_age_ms(const struct clock *c, int64_t server_ts)
{
	int64_t age = clock_server_now(c) - server_ts;

	return age < 0 ? 0 : age;
}

int64_t
clock_skew_ms(const struct clock *c)
{
	return c->skew_ms;
}

bool
clock_known(const struct clock *c)
{
	return c->known;
}
