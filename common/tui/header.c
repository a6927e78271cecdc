/* header: the status line's words and roles. */
#include "header.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

void
header_clock_text(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(out, size, "--:--:--");
		return;
	}
	snprintf(out, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
hhmm(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(out, size, "?");
	else
		snprintf(out, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void
header_conn_text(const struct header_info *h, char *out, size_t size,
    enum theme_role *role)
{
	char at[16];

	switch (h->conn) {
	case HEADER_ONLINE:
		snprintf(out, size, "ONLINE");
		*role = THEME_ONLINE;
		return;
	case HEADER_OFFLINE:
		hhmm(h->since_ms, at, sizeof at);
		snprintf(out, size, "OFFLINE since %s", at);
		*role = THEME_OFFLINE_BANNER;
		return;
	case HEADER_SIGNED_OUT:
		snprintf(out, size, "SIGNED OUT");
		*role = THEME_ERROR;
		return;
	case HEADER_CONNECTING:
	default:
		snprintf(out, size, "CONNECTING");
		*role = THEME_WARNING;
		return;
	}
}

void
header_queued_age(struct header_info *h, int64_t age_ms, int64_t retention_ms, bool near)
{
	h->queued_age[0] = h->retention[0] = '\0';
	h->queued_warn = near;
	if (age_ms >= 60000 || near)
		util_age_text(age_ms, h->queued_age, sizeof h->queued_age);
	if (retention_ms > 0)
		util_age_text(retention_ms, h->retention, sizeof h->retention);
}

void
header_segments(const struct header_info *h, struct text_seg *left, int *nl,
    struct text_seg *right, int *nr, int max)
{
	char conn[64], clock[16];
	enum theme_role role;

	*nl = *nr = 0;
	text_seg_add(left, nl, max, THEME_HEADER, " %s ", h->title);
	if (h->context[0] != '\0')
		text_seg_add(left, nl, max, THEME_HEADER, " %s ", h->context);
	if (h->now_ms > 0) {
		header_clock_text(h->now_ms, clock, sizeof clock);
		text_seg_add(left, nl, max, THEME_HEADER, " %s ", clock);
	}
	if (h->note[0] != '\0')
		text_seg_add(right, nr, max, h->note_role, " %s ", h->note);
	if (h->printer[0] != '\0') {
		if (h->printer_queued > 0)
			text_seg_add(right, nr, max, h->printer_ok ? THEME_QUEUED : THEME_ERROR,
			    " printer %s, %lld to print ", h->printer, (long long)h->printer_queued);
		else
			text_seg_add(right, nr, max, h->printer_ok ? THEME_HEADER : THEME_ERROR,
			    " printer %s ", h->printer);
	}
	if (h->attention > 0)
		text_seg_add(right, nr, max, THEME_ERROR, " %lld refused ", (long long)h->attention);
	if (h->queued > 0 && h->queued_warn)
		/* a change queued for nearly the server's key retention could
		 * be applied twice if it waits longer: say so loudly */
		text_seg_add(right, nr, max, THEME_ERROR, " %lld queued, oldest %s: SEND SOON "
		    "(server keeps %s) ", (long long)h->queued, h->queued_age,
		    h->retention[0] != '\0' ? h->retention : "?");
	else if (h->queued > 0 && h->queued_age[0] != '\0')
		text_seg_add(right, nr, max, THEME_QUEUED, " %lld queued, oldest %s ",
		    (long long)h->queued, h->queued_age);
	else if (h->queued > 0)
		text_seg_add(right, nr, max, THEME_QUEUED, " %lld queued ", (long long)h->queued);
	if (h->queued > 0 && h->waiting > 0)
		text_seg_add(right, nr, max, THEME_QUEUED, " %lld waiting for %s ",
		    (long long)h->waiting, h->waiting_for[0] != '\0' ? h->waiting_for : "another login");
	if (h->stale) {
		char at[16];

		if (h->stale_saved_at > 0) {
			hhmm(h->stale_saved_at, at, sizeof at);
			text_seg_add(right, nr, max, THEME_STALE, " STALE (saved %s) ", at);
		} else {
			text_seg_add(right, nr, max, THEME_STALE, " STALE ");
		}
	}
	if (h->server[0] != '\0')
		text_seg_add(right, nr, max, THEME_HEADER, " via %s ", h->server);
	header_conn_text(h, conn, sizeof conn, &role);
	text_seg_add(right, nr, max, role, " %s ", conn);
}
