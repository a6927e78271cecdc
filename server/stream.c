/* stream: the live event feed, a ring of recent events and cursors. */
#include "stream.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xalloc.h"

/* A store that is quiet costs a small ring; it grows to max as events
 * come. */
#define RING_FIRST 16

void
stream_init(struct stream *s, int64_t sid, int64_t head, int max)
{
	memset(s, 0, sizeof *s);
	s->sid = sid;
	s->head = head;
	s->max = max > 0 ? max : 1;
	s->cap = s->max < RING_FIRST ? s->max : RING_FIRST;
	s->ring = xcalloc((size_t)s->cap, sizeof *s->ring);
}

void
stream_free(struct stream *s)
{
	for (int i = 0; i < s->cap; i++)
		free(s->ring[i].buf);
	free(s->ring);
	memset(s, 0, sizeof *s);
}

/* Double the ring (up to max), oldest event first again. */
static void
grow(struct stream *s)
{
	int cap = s->cap * 2 > s->max ? s->max : s->cap * 2;
	struct stream_event *ring = xcalloc((size_t)cap, sizeof *ring);

	for (int i = 0; i < s->count; i++)
		ring[i] = s->ring[(s->start + i) % s->cap];
	free(s->ring);
	s->ring = ring;
	s->cap = cap;
	s->start = 0;
}

static unsigned char *
with_headroom(const char *text, size_t len)
{
	unsigned char *buf = xmalloc(LWS_PRE + len + 1);

	memcpy(buf + LWS_PRE, text, len + 1);
	return buf;
}

void
stream_append(struct stream *s, int64_t seq, const char *text)
{
	struct stream_event *e;

	if (seq <= s->head && s->count > 0)
		return;   /* already have it */
	if (s->count == s->cap && s->cap < s->max)
		grow(s);
	if (s->count == s->cap) {
		e = &s->ring[s->start];
		free(e->buf);
		s->start = (s->start + 1) % s->cap;
		s->count--;
	}
	e = &s->ring[(s->start + s->count) % s->cap];
	e->seq = seq;
	e->len = strlen(text);
	e->buf = with_headroom(text, e->len);
	s->count++;
	if (seq > s->head)
		s->head = seq;
}

void
stream_subscribe(struct stream *s, struct stream_sub *sub)
{
	sub->prev = NULL;
	sub->next = s->subs;
	if (s->subs != NULL)
		s->subs->prev = sub;
	s->subs = sub;
	s->nsubs++;
}

void
stream_unsubscribe(struct stream *s, struct stream_sub *sub)
{
	if (sub->prev != NULL)
		sub->prev->next = sub->next;
	else if (s->subs == sub)
		s->subs = sub->next;
	else
		return;   /* not subscribed */
	if (sub->next != NULL)
		sub->next->prev = sub->prev;
	sub->prev = sub->next = NULL;
	s->nsubs--;
}

void
stream_wake(struct stream *s)
{
	for (struct stream_sub *sub = s->subs; sub != NULL; sub = sub->next) {
		if (sub->cursor < s->head || sub->hello_pending)
			lws_callback_on_writable(sub->wsi);
	}
}

unsigned char *
stream_next(struct stream *s, struct store *reader, const struct stream_sub *sub,
    size_t *len, int64_t *seq, bool *owned)
{
	*owned = false;
	if (s->count > 0) {
		int64_t first = s->ring[s->start].seq;

		/* the ring holds a contiguous run of seqs ending at head */
		if (sub->cursor + 1 >= first && sub->cursor < s->head) {
			struct stream_event *e = &s->ring[(s->start +
			    (int)(sub->cursor + 1 - first)) % s->cap];

			*len = e->len;
			*seq = e->seq;
			return e->buf;
		}
		if (sub->cursor >= s->head)
			return NULL;
	}
	/* Behind the ring (or nothing in it yet): read the table. */
	char *text = store_event_after(reader, s->sid, sub->cursor, seq);
	if (text == NULL)
		return NULL;
	*len = strlen(text);
	*owned = true;
	unsigned char *buf = with_headroom(text, *len);
	free(text);
	return buf;
}
