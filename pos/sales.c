/* sales: provisional numbers and the fate of each sale in the outbox. */
#include "sales.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const sale_state_names[SALE_STATE_COUNT] = {
	[SALE_QUEUED] = "queued",
	[SALE_DONE] = "done",
	[SALE_REFUSED] = "refused",
	[SALE_DISMISSED] = "dismissed",
};

const char *
sale_state_name(enum sale_state s)
{
	return (unsigned)s < SALE_STATE_COUNT ? sale_state_names[s] : "?";
}

void
sales_init(struct sales *s)
{
	memset(s, 0, sizeof *s);
}

void
sales_label(const char *prefix, int seq, char *out, size_t size)
{
	char num[16];
	int room;

	snprintf(num, sizeof num, "-%d", seq);
	room = (int)size - 1 - (int)strlen(num);
	if (room < 0)
		room = 0;
	snprintf(out, size, "%.*s%s", room, prefix, num);
}

void
sales_kind(const char *label, char *out, size_t size)
{
	snprintf(out, size, "%s%s", SALE_KIND_PREFIX, label);
}

const char *
sales_kind_label(const char *kind)
{
	size_t n = strlen(SALE_KIND_PREFIX);

	if (strncmp(kind, SALE_KIND_PREFIX, n) != 0 || kind[n] == '\0')
		return NULL;
	return kind + n;
}

int
sales_label_seq(const char *label)
{
	const char *dash = strrchr(label, '-');
	char *end;
	long v;

	if (dash == NULL)
		return 0;
	v = strtol(dash + 1, &end, 10);
	return *end == '\0' && v > 0 && v < 1000000000 ? (int)v : 0;
}

struct sale *
sales_add(struct sales *s, int64_t entry, const char *label, int seq,
    money_t total, money_t change, int64_t now_ms)
{
	struct sale *x;

	if (s->n == SALES_MAX) {
		memmove(&s->rows[0], &s->rows[1], (SALES_MAX - 1) * sizeof s->rows[0]);
		s->n--;
	}
	x = &s->rows[s->n++];
	memset(x, 0, sizeof *x);
	x->entry = entry;
	xstrlcpy(x->label, label, sizeof x->label);
	x->seq = seq;
	x->state = SALE_QUEUED;
	x->total = total;
	x->change = change;
	x->at = now_ms;
	return x;
}

struct sale *
sales_by_entry(struct sales *s, int64_t entry)
{
	for (int i = s->n - 1; i >= 0; i--) {
		if (s->rows[i].entry == entry)
			return &s->rows[i];
	}
	return NULL;
}

void
sales_done(struct sale *x, int64_t order_id, int number)
{
	x->state = SALE_DONE;
	x->order_id = order_id;
	x->number = number;
	x->error[0] = '\0';
}

void
sales_refused(struct sale *x, const char *why)
{
	x->state = SALE_REFUSED;
	xstrlcpy(x->error, why != NULL ? why : "", sizeof x->error);
}

int
sales_queued(const struct sales *s)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		n += s->rows[i].state == SALE_QUEUED;
	return n;
}

struct sale *
sales_last(struct sales *s)
{
	return s->n > 0 ? &s->rows[s->n - 1] : NULL;
}

void
sales_display(const struct sale *x, char *out, size_t size)
{
	switch (x->state) {
	case SALE_DONE:
		snprintf(out, size, "#%d", x->number);
		break;
	case SALE_QUEUED:
		snprintf(out, size, "%s (queued)", x->label);
		break;
	default:
		snprintf(out, size, "%s (%s)", x->label, sale_state_name(x->state));
	}
}
