/* board: cards, columns, stations, ages, selection and layout. */
#include "board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

#define DEFAULT_WARN_MS (5 * 60 * 1000)
#define DEFAULT_LATE_MS (8 * 60 * 1000)
#define DEFAULT_RECALL_MS (10 * 60 * 1000)
#define REFUSAL_LINES 3

static const char *const source_texts[SOURCE_COUNT] = {
	[SOURCE_ONLINE] = "online",
	[SOURCE_POS] = "walk-in",
	[SOURCE_PHONE] = "phone",
};

void
board_init(struct board *b)
{
	memset(b, 0, sizeof *b);
	b->nth = 1;
	b->th[0].warn_ms = DEFAULT_WARN_MS;
	b->th[0].late_ms = DEFAULT_LATE_MS;
	b->recall_window_ms = DEFAULT_RECALL_MS;
	b->stale = true;
}

static void
card_free(struct board_card *c)
{
	free(c->items);
	c->items = NULL;
	c->nitems = 0;
}

void
board_free(struct board *b)
{
	board_clear(b);
	free(b->cards);
	for (int i = 0; i < BOARD_COLS; i++)
		free(b->col[i].slots);
	memset(b, 0, sizeof *b);
}

void
board_clear(struct board *b)
{
	for (int i = 0; i < b->n; i++)
		card_free(&b->cards[i]);
	b->n = 0;
	b->stale = true;
}

void
board_sync_begin(struct board *b)
{
	for (int i = 0; i < b->n; i++)
		b->cards[i].seen = false;
}

void
board_sync_end(struct board *b)
{
	int out = 0;

	for (int i = 0; i < b->n; i++) {
		if (b->cards[i].seen || b->cards[i].void_card || b->cards[i].checking)
			b->cards[out++] = b->cards[i];
		else
			card_free(&b->cards[i]);
	}
	b->n = out;
	b->stale = true;
}

int
board_sync_end_missing(struct board *b)
{
	int n = 0;

	for (int i = 0; i < b->n; i++) {
		struct board_card *c = &b->cards[i];

		if (c->seen || c->void_card || c->checking)
			continue;
		if (c->status == STATUS_PAID || c->status == STATUS_PREPARING) {
			c->checking = true;
			b->voids_changed = true;     /* kept over a restart too */
		}
	}
	board_sync_end(b);
	for (int i = 0; i < b->n; i++)
		n += b->cards[i].checking;
	return n;
}

bool
board_is_checking(const struct board_card *c)
{
	return c->checking;
}

int64_t
board_next_checking(const struct board *b, int64_t after)
{
	for (int i = 0; i < b->n; i++) {
		if (b->cards[i].checking && b->cards[i].id > after)
			return b->cards[i].id;
	}
	return 0;
}

void
board_set_station(struct board *b, const char *station)
{
	if (station == NULL || strcmp(station, "all") == 0)
		station = "";
	xstrlcpy(b->station, station, sizeof b->station);
	b->stale = true;
}

bool
board_is_expo(const struct board *b)
{
	return b->station[0] == '\0';
}

void
board_set_thresholds(struct board *b, const char *station, int64_t warn_ms, int64_t late_ms)
{
	int i = 0;

	if (station != NULL && station[0] != '\0' && strcmp(station, "all") != 0) {
		for (i = 1; i < b->nth; i++) {
			if (strcmp(b->th[i].station, station) == 0)
				break;
		}
		if (i == b->nth) {
			if (b->nth > BOARD_STATIONS_MAX)
				return;
			b->nth++;
			xstrlcpy(b->th[i].station, station, sizeof b->th[i].station);
		}
	}
	b->th[i].warn_ms = warn_ms;
	b->th[i].late_ms = late_ms;
}

const struct board_thresholds *
board_thresholds(const struct board *b)
{
	for (int i = 1; i < b->nth; i++) {
		if (strcmp(b->th[i].station, b->station) == 0)
			return &b->th[i];
	}
	return &b->th[0];
}

void
board_set_recall_window(struct board *b, int64_t ms)
{
	b->recall_window_ms = ms;
}

/* Index of id, or where it goes (as -1 - index). */
static int
find(const struct board *b, int64_t id)
{
	int lo = 0, hi = b->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (b->cards[mid].id == id)
			return mid;
		if (b->cards[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1 - lo;
}

const struct board_card *
board_find(const struct board *b, int64_t id)
{
	int i = find(b, id);

	return i >= 0 ? &b->cards[i] : NULL;
}

const struct board_card *
board_find_number(const struct board *b, int number)
{
	const struct board_card *best = NULL;

	/* numbers restart each day: the newest order with it wins */
	for (int i = 0; i < b->n; i++) {
		if (b->cards[i].number == number)
			best = &b->cards[i];
	}
	return best;
}

bool
board_item_shown(const struct board *b, const struct board_item *it)
{
	return board_is_expo(b) || strcmp(it->station, b->station) == 0;
}

int
board_item_left(const struct board_item *it)
{
	return it->qty - it->voided > 0 ? it->qty - it->voided : 0;
}

bool
board_is_void(const struct board_card *c)
{
	return c->void_card;
}

int
board_card_column(const struct board *b, const struct board_card *c)
{
	bool any = false, open = false;

	for (int i = 0; i < c->nitems; i++) {
		if (board_item_shown(b, &c->items[i])) {
			any = true;
			/* a line voided whole is nothing to make */
			if (!c->items[i].done && board_item_left(&c->items[i]) > 0)
				open = true;
		}
	}
	if (!any)
		return -1;
	if (c->void_card)
		return c->void_col;
	if (c->status == STATUS_PAID)
		return BOARD_NEW;
	/* a station that bumped its part is done with the order */
	if (c->status == STATUS_PREPARING && (open || board_is_expo(b)))
		return BOARD_PREPARING;
	return -1;
}

static void
fill_card(struct board_card *c, const struct order *o, const struct board_mark *m)
{
	int status = m != NULL && m->status >= 0 ? m->status : (int)o->status;

	c->id = o->id;
	c->number = o->number;
	c->version = o->version;
	c->status = (enum order_status)status;
	c->service = o->service;
	c->source = o->source;
	xstrlcpy(c->table, o->table, sizeof c->table);
	xstrlcpy(c->customer, o->customer.name, sizeof c->customer);
	c->paid_at = order_status_at(o, STATUS_PAID);
	if (c->paid_at == 0)
		c->paid_at = o->created_at;
	c->ready_at = 0;
	if (c->status == STATUS_READY) {
		if (m != NULL && m->status == STATUS_READY && m->at > 0)
			c->ready_at = m->at;
		else
			c->ready_at = order_status_at(o, STATUS_READY);
		if (c->ready_at == 0)
			c->ready_at = o->updated_at;
	}
	c->linked_to = o->linked_to;
	xstrlcpy(c->provisional, o->provisional, sizeof c->provisional);
	c->ticket_printed_at = o->ticket_printed_at;
	c->pending = m != NULL && m->pending;
	free(c->items);
	c->nitems = o->nitems;
	c->items = xcalloc((size_t)(o->nitems > 0 ? o->nitems : 1), sizeof *c->items);
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *src = &o->items[i];
		struct board_item *it = &c->items[i];
		size_t off = 0;

		xstrlcpy(it->name, order_item_kitchen_name(src), sizeof it->name);
		it->qty = src->qty;
		/* refunded is taken back too: the kitchen makes neither */
		it->voided = src->voided + src->refunded;
		if (it->voided > it->qty)
			it->voided = it->qty;
		xstrlcpy(it->note, src->note, sizeof it->note);
		xstrlcpy(it->station, src->station, sizeof it->station);
		it->done = src->done && !(m != NULL && m->cleared);
		for (int k = 0; m != NULL && k < m->nstations && !it->done; k++)
			it->done = strcmp(m->stations[k], src->station) == 0;
		it->nmods = 0;
		for (int k = 0; k < src->nmods; k++) {
			int w = snprintf(it->mods + off, sizeof it->mods - off, "%s%s",
			    k > 0 ? "\n" : "", src->mods[k].name);

			if (w < 0 || (size_t)w >= sizeof it->mods - off)
				break;
			off += (size_t)w;
			it->nmods++;
		}
	}
}

/* Whether the server's o overrules the VOID card c: the order went on
 * (a newer version, not cancelled: the server's truth wins), or the id is
 * another order's now (another number: a database started afresh). An
 * older or the same version is old news (a board saved before the void,
 * an answer that crossed it) and changes nothing. */
static bool
void_overruled(const struct board_card *c, const struct order *o)
{
	return o->number != c->number ||
	    (o->version > c->version && o->status != STATUS_CANCELLED);
}

static int
find_cleared(const struct board *b, int64_t id)
{
	for (int i = 0; i < b->ncleared; i++) {
		if (b->cleared[i].id == id)
			return i;
	}
	return -1;
}

/* Whether o is the order of a VOID card cleared here, as it was then or
 * older: it stays off the board. */
static bool
cleared_covers(const struct board *b, const struct order *o)
{
	int i = find_cleared(b, o->id);

	return i >= 0 && b->cleared[i].number == o->number && o->version <= b->cleared[i].version;
}

static void
remember_cleared(struct board *b, const struct board_cleared *cl)
{
	int i = find_cleared(b, cl->id);

	if (i < 0) {
		if (b->ncleared < BOARD_CLEARED_MAX) {
			i = b->ncleared++;
		} else {
			/* full: the oldest goes (its order left every saved board
			 * long ago) */
			i = b->cleared_next;
			b->cleared_next = (b->cleared_next + 1) % BOARD_CLEARED_MAX;
		}
	}
	b->cleared[i] = *cl;
}

bool
board_upsert(struct board *b, const struct order *o, const struct board_mark *mark)
{
	int status = mark != NULL && mark->status >= 0 ? mark->status : (int)o->status;
	int i = find(b, o->id);
	bool existed = i >= 0;
	char refusal[sizeof b->cards[0].refusal] = "";
	int64_t refusal_at = 0;
	bool drawn = false, revived = false;

	if (o->status == STATUS_CANCELLED) {
		board_upsert_void(b, o);
		return false;
	}
	/* a VOID card is the order's last word: it waits for the chef, and
	 * so does a cleared one stay cleared, against older news */
	if (existed && b->cards[i].void_card) {
		if (!void_overruled(&b->cards[i], o))
			return false;
		b->cards[i].void_card = false;
		b->cards[i].void_reason[0] = '\0';
		b->cards[i].voided_at = 0;
		b->voids_changed = true;
		revived = true;
	}
	if (!existed && cleared_covers(b, o))
		return false;
	if (status != STATUS_PAID && status != STATUS_PREPARING && status != STATUS_READY) {
		board_remove(b, o->id);
		return false;
	}
	b->stale = true;
	if (!existed) {
		i = -1 - i;
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 64;
			b->cards = xreallocarray(b->cards, (size_t)b->cap, sizeof *b->cards);
		}
		memmove(&b->cards[i + 1], &b->cards[i], (size_t)(b->n - i) * sizeof *b->cards);
		memset(&b->cards[i], 0, sizeof b->cards[i]);
		b->n++;
	} else {
		xstrlcpy(refusal, b->cards[i].refusal, sizeof refusal);
		refusal_at = b->cards[i].refusal_at;
		drawn = b->cards[i].drawn;
	}
	if (existed && b->cards[i].checking) {
		b->cards[i].checking = false;   /* the server's word came */
		b->voids_changed = true;
	}
	fill_card(&b->cards[i], o, mark);
	xstrlcpy(b->cards[i].refusal, refusal, sizeof b->cards[i].refusal);
	b->cards[i].refusal_at = refusal_at;
	b->cards[i].drawn = drawn;
	b->cards[i].seen = true;
	return (!existed || revived) && board_card_column(b, &b->cards[i]) == BOARD_NEW;
}

bool
board_upsert_void(struct board *b, const struct order *o)
{
	int i = find(b, o->id), col;
	struct board_card *c;
	bool was;

	if (o->status != STATUS_CANCELLED) {
		board_upsert(b, o, NULL);
		return false;
	}
	if (i < 0)
		return false;            /* the kitchen never had it */
	c = &b->cards[i];
	was = c->void_card;
	if (was && o->number == c->number && o->version <= c->version)
		return false;            /* what the card says already, or older */
	/* where the chef saw it; a card bumped (READY) or done here goes
	 * with the ones in preparation */
	col = was ? c->void_col : board_card_column(b, c);
	if (!was && c->status != STATUS_PAID && c->status != STATUS_PREPARING &&
	    c->status != STATUS_READY) {
		board_remove(b, o->id);  /* closed otherwise before: not ours */
		return false;
	}
	fill_card(c, o, NULL);
	c->checking = false;
	c->void_card = true;
	c->void_col = col >= 0 ? col : BOARD_PREPARING;
	xstrlcpy(c->void_reason, o->cancel_reason, sizeof c->void_reason);
	c->voided_at = o->updated_at;
	c->refusal[0] = '\0';
	c->seen = true;
	b->stale = true;
	b->voids_changed = true;
	return !was;
}

void
board_gone(struct board *b, int64_t id)
{
	const struct board_card *c = board_find(b, id);

	if (c != NULL && !c->void_card && !c->checking)
		board_remove(b, id);
}

bool
board_clear_void(struct board *b, int64_t id)
{
	const struct board_card *c = board_find(b, id);

	if (c == NULL || !c->void_card)
		return false;
	remember_cleared(b, &(struct board_cleared){ c->id, c->number, c->version });
	board_remove(b, id);
	b->voids_changed = true;
	return true;
}

void
board_restore_void(struct board *b, const struct board_card *card)
{
	int i = find(b, card->id);
	struct board_card *c;

	if (i >= 0) {
		card_free(&b->cards[i]);
	} else {
		i = -1 - i;
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 64;
			b->cards = xreallocarray(b->cards, (size_t)b->cap, sizeof *b->cards);
		}
		memmove(&b->cards[i + 1], &b->cards[i], (size_t)(b->n - i) * sizeof *b->cards);
		b->n++;
	}
	c = &b->cards[i];
	*c = *card;
	c->nitems = card->nitems > 0 ? card->nitems : 0;
	c->items = xcalloc((size_t)(c->nitems > 0 ? c->nitems : 1), sizeof *c->items);
	if (c->nitems > 0)
		memcpy(c->items, card->items, (size_t)c->nitems * sizeof *c->items);
	c->void_card = !card->checking;
	if (c->void_col != BOARD_NEW && c->void_col != BOARD_PREPARING)
		c->void_col = BOARD_PREPARING;
	c->pending = false;
	c->refusal[0] = '\0';
	c->refusal_at = 0;
	c->drawn = false;
	c->seen = true;
	b->stale = true;
}

void
board_restore_cleared(struct board *b, const struct board_cleared *cl)
{
	remember_cleared(b, cl);
}

int
board_cleared_list(const struct board *b, struct board_cleared *out, int max)
{
	int n = 0;
	/* the ring's oldest is at cleared_next once it is full */
	int start = b->ncleared == BOARD_CLEARED_MAX ? b->cleared_next : 0;

	for (int k = 0; k < b->ncleared && n < max; k++)
		out[n++] = b->cleared[(start + k) % b->ncleared];
	return n;
}

void
board_remove(struct board *b, int64_t id)
{
	int i = find(b, id);

	if (i < 0)
		return;
	if (b->cards[i].checking)
		b->voids_changed = true;
	card_free(&b->cards[i]);
	memmove(&b->cards[i], &b->cards[i + 1], (size_t)(b->n - i - 1) * sizeof *b->cards);
	b->n--;
	b->stale = true;
}

enum board_age
board_age(const struct board *b, const struct board_card *c, int64_t now)
{
	const struct board_thresholds *t = board_thresholds(b);
	int64_t age = now - c->paid_at;

	if (age >= t->late_ms)
		return BOARD_AGE_LATE;
	if (age >= t->warn_ms)
		return BOARD_AGE_WARN;
	return BOARD_AGE_OK;
}

void
board_timer_text(const struct board_card *c, int64_t now, char *out, size_t size)
{
	int64_t s = (now - c->paid_at) / 1000;

	if (s < 0)
		s = 0;
	snprintf(out, size, "%02lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

const char *
board_source_text(enum order_source s)
{
	return (unsigned)s < SOURCE_COUNT ? source_texts[s] : "?";
}

const char *
board_service_text(const struct board_card *c, char *out, size_t size)
{
	switch (c->service) {
	case SERVICE_DINE_IN:
		if (c->table[0] != '\0')
			snprintf(out, size, "DINE IN %s", c->table);
		else
			snprintf(out, size, "DINE IN");
		break;
	case SERVICE_PICKUP:
		snprintf(out, size, "PICKUP%s%s", c->customer[0] ? " " : "", c->customer);
		break;
	case SERVICE_DELIVERY:
	default:
		snprintf(out, size, "DELIVERY%s%s", c->customer[0] ? " " : "", c->customer);
		break;
	}
	return out;
}

/* Rows of text a refusal takes at inner width iw. */
static int
refusal_lines(const struct board_card *c, int iw)
{
	int w;

	if (c->refusal[0] == '\0' || iw <= 0)
		return 0;
	w = text_width(c->refusal);
	w = (w + iw - 1) / iw;
	return w > REFUSAL_LINES ? REFUSAL_LINES : w;
}

bool
board_printed_offline(const struct board_card *c)
{
	return c->ticket_printed_at > 0;
}

int
board_card_height(const struct board *b, const struct board_card *c, int w)
{
	int h = 3;   /* top border with the number, the service line, bottom */

	if (board_printed_offline(c))
		h++;     /* "ticket printed offline 19:42" */
	if (c->void_card || c->checking)
		h++;     /* "VOID: the reason", "CHECKING: ..." */

	for (int i = 0; i < c->nitems; i++) {
		const struct board_item *it = &c->items[i];

		if (!board_item_shown(b, it))
			continue;
		h += 1 + it->nmods + (it->note[0] != '\0');
	}
	return h + refusal_lines(c, w - 4);
}

/* --- columns and layout ------------------------------------------------ */

static int
cmp_paid(const void *pa, const void *pb, void *ctx)
{
	const struct board *bd = ctx;
	const struct board_card *a = &bd->cards[((const struct board_slot *)pa)->card];
	const struct board_card *b = &bd->cards[((const struct board_slot *)pb)->card];

	if (a->paid_at != b->paid_at)
		return a->paid_at < b->paid_at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void
col_push(struct board_column *col, int card)
{
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 64;
		col->slots = xreallocarray(col->slots, (size_t)col->cap, sizeof *col->slots);
	}
	memset(&col->slots[col->n], 0, sizeof col->slots[0]);
	col->slots[col->n++].card = card;
}

static bool
linked(const struct board_card *a, const struct board_card *b)
{
	return (a->linked_to != 0 && a->linked_to == b->id) ||
	    (b->linked_to != 0 && b->linked_to == a->id);
}

/* Oldest first, except that an order linked to one already placed goes
 * right after it, so the two are cooked and handed out together. */
static void
order_column(const struct board *b, struct board_column *col)
{
	struct board_slot *sorted;
	bool *placed;
	int out = 0;

	if (col->n < 2)
		return;
	qsort_r(col->slots, (size_t)col->n, sizeof *col->slots, cmp_paid, (void *)b);
	sorted = xmalloc((size_t)col->n * sizeof *sorted);
	placed = xcalloc((size_t)col->n, sizeof *placed);
	for (int i = 0; i < col->n; i++) {
		if (placed[i])
			continue;
		sorted[out++] = col->slots[i];
		placed[i] = true;
		/* the group grows as members are added: follow links of links */
		for (int g = out - 1; g < out; g++) {
			const struct board_card *m = &b->cards[sorted[g].card];

			for (int k = i + 1; k < col->n; k++) {
				if (!placed[k] && linked(m, &b->cards[col->slots[k].card])) {
					sorted[out++] = col->slots[k];
					placed[k] = true;
				}
			}
		}
	}
	memcpy(col->slots, sorted, (size_t)col->n * sizeof *sorted);
	free(sorted);
	free(placed);
}

static int
slot_of(const struct board *b, int64_t id, int *colp)
{
	for (int c = 0; c < BOARD_COLS; c++) {
		for (int i = 0; i < b->col[c].n; i++) {
			if (b->cards[b->col[c].slots[i].card].id == id) {
				*colp = c;
				return i;
			}
		}
	}
	return -1;
}

/* Cards go, oldest first, each into the lane that is shortest so far
 * (the leftmost of equals): a few cards spread across a wide screen, many
 * pack down the lanes. Lanes are as tall as their cards; the column
 * scrolls over them. */
static void
flow(struct board *b, struct board_column *col, int height)
{
	int tops[64] = { 0 }, lw;

	col->lanes = col->w / BOARD_CARD_MIN_W;
	if (col->lanes < 1)
		col->lanes = 1;
	if (col->lanes > 64)
		col->lanes = 64;
	lw = col->w / col->lanes;
	col->nlanes = col->lanes;
	col->content = 0;
	for (int i = 0; i < col->n; i++) {
		struct board_slot *s = &col->slots[i];
		int h = board_card_height(b, &b->cards[s->card], lw), lane = 0;

		if (h > height)
			h = height;
		for (int l = 1; l < col->lanes; l++) {
			if (tops[l] < tops[lane])
				lane = l;
		}
		s->lane = lane;
		s->y = tops[lane];
		s->h = s->full_h = h;
		tops[lane] += h;
		if (tops[lane] > col->content)
			col->content = tops[lane];
	}
}

/* The rows on screen: the selected card wholly in view; cards that start
 * in view are shown (the last one cut at the bottom if need be). */
static void
place(struct board_column *col, const struct board_slot *sel, int height)
{
	int lw = col->w / (col->lanes > 0 ? col->lanes : 1);
	int max_scroll = col->content - height;

	if (sel != NULL) {
		if (sel->y < col->scroll)
			col->scroll = sel->y;
		if (sel->y + sel->full_h > col->scroll + height)
			col->scroll = sel->y + sel->full_h - height;
	}
	if (col->scroll > max_scroll)
		col->scroll = max_scroll;
	if (col->scroll < 0)
		col->scroll = 0;
	col->hidden_before = col->hidden_after = 0;
	for (int i = 0; i < col->n; i++) {
		struct board_slot *s = &col->slots[i];
		int top = s->y - col->scroll;

		s->x = col->x + s->lane * lw;
		s->w = s->lane == col->lanes - 1 ? col->x + col->w - s->x : lw;
		s->position = 0;
		s->h = s->full_h;
		s->visible = top >= 0 && top + 3 <= height;
		if (s->visible && top + s->h > height)
			s->h = height - top;
		if (top < 0)
			col->hidden_before++;
		else if (!s->visible)
			col->hidden_after++;
	}
}

static int
cmp_reading(const void *pa, const void *pb, void *ctx)
{
	const struct board_column *col = ctx;
	const struct board_slot *a = &col->slots[*(const int *)pa];
	const struct board_slot *b = &col->slots[*(const int *)pb];

	if (a->y != b->y)
		return a->y - b->y;
	return a->lane - b->lane;
}

void
board_layout(struct board *b, int width, int height)
{
	int sel_col = -1, sel = -1, pos = 1;

	b->width = width;
	b->height = height;
	/* where the selection was at the last layout, to find a neighbour if
	 * it went (the columns' slots are stale now: cards may have moved) */
	int old_index = b->sel_index;
	int old_col = b->sel_col;

	for (int c = 0; c < BOARD_COLS; c++)
		b->col[c].n = 0;
	for (int i = 0; i < b->n; i++) {
		int c = board_card_column(b, &b->cards[i]);

		if (c >= 0)
			col_push(&b->col[c], i);
	}
	b->col[BOARD_NEW].x = 0;
	b->col[BOARD_NEW].w = width / 2;
	b->col[BOARD_PREPARING].x = width / 2;
	b->col[BOARD_PREPARING].w = width - width / 2;
	for (int c = 0; c < BOARD_COLS; c++) {
		order_column(b, &b->col[c]);
		flow(b, &b->col[c], height);
	}
	/* keep the selection: the same card, else its neighbour in its
	 * column, else the first card of the other column */
	sel = b->sel_id != 0 ? slot_of(b, b->sel_id, &sel_col) : -1;
	if (sel < 0) {
		int c = old_col >= 0 && old_col < BOARD_COLS ? old_col : BOARD_NEW;
		int idx = old_index >= 0 ? old_index : 0;

		if (b->col[c].n == 0)
			c = 1 - c, idx = 0;
		if (b->col[c].n > 0) {
			if (idx >= b->col[c].n)
				idx = b->col[c].n - 1;
			sel_col = c;
			sel = idx;
			b->sel_id = b->cards[b->col[c].slots[idx].card].id;
		} else {
			b->sel_id = 0;
		}
	}
	if (sel >= 0) {
		b->sel_col = sel_col;
		b->sel_index = sel;
	}
	for (int c = 0; c < BOARD_COLS; c++)
		place(&b->col[c], c == sel_col && sel >= 0 ? &b->col[c].slots[sel] : NULL, height);
	/* digits 1-9 for the cards on screen, in reading order */
	for (int c = 0; c < BOARD_COLS; c++) {
		int order[512], n = 0;

		for (int i = 0; i < b->col[c].n && n < 512; i++) {
			if (b->col[c].slots[i].visible)
				order[n++] = i;
		}
		qsort_r(order, (size_t)n, sizeof *order, cmp_reading, &b->col[c]);
		for (int i = 0; i < n && pos <= 9; i++)
			b->col[c].slots[order[i]].position = pos++;
	}
	b->stale = false;
}

const struct board_card *
board_selected(const struct board *b)
{
	return b->sel_id != 0 ? board_find(b, b->sel_id) : NULL;
}

bool
board_select_id(struct board *b, int64_t id)
{
	int c;

	if (slot_of(b, id, &c) < 0)
		return false;
	b->sel_id = id;
	b->sel_col = c;
	board_layout(b, b->width, b->height);
	return true;
}

bool
board_select_position(struct board *b, int position)
{
	for (int c = 0; c < BOARD_COLS; c++) {
		for (int i = 0; i < b->col[c].n; i++) {
			if (b->col[c].slots[i].position == position)
				return board_select_id(b, b->cards[b->col[c].slots[i].card].id);
		}
	}
	return false;
}

/* The slot in lane whose rows hold row y, else the nearest to it. */
static int
slot_in_lane(const struct board_column *col, int lane, int y)
{
	int best = -1, dist = 0;

	for (int i = 0; i < col->n; i++) {
		const struct board_slot *s = &col->slots[i];
		int d;

		if (s->lane != lane)
			continue;
		if (s->y <= y && y < s->y + s->full_h)
			return i;
		d = s->y > y ? s->y - y : y - (s->y + s->full_h - 1);
		if (best < 0 || d < dist) {
			best = i;
			dist = d;
		}
	}
	return best;
}

/* The card above (dir -1) or below (+1) in the same lane. */
static int
slot_vertical(const struct board_column *col, const struct board_slot *cur, int dir)
{
	int best = -1;

	for (int i = 0; i < col->n; i++) {
		const struct board_slot *s = &col->slots[i];

		if (s->lane != cur->lane || s == cur)
			continue;
		if (dir < 0 && s->y < cur->y && (best < 0 || s->y > col->slots[best].y))
			best = i;
		if (dir > 0 && s->y > cur->y && (best < 0 || s->y < col->slots[best].y))
			best = i;
	}
	return best;
}

/* The rightmost lane of a column that holds a card. */
static int
last_lane(const struct board_column *col)
{
	int lane = 0;

	for (int i = 0; i < col->n; i++) {
		if (col->slots[i].lane > lane)
			lane = col->slots[i].lane;
	}
	return lane;
}

bool
board_move(struct board *b, enum board_dir d)
{
	int c, i = b->sel_id != 0 ? slot_of(b, b->sel_id, &c) : -1;
	int tc, ti = -1;

	if (i < 0)
		return false;
	const struct board_slot *s = &b->col[c].slots[i];
	/* the row on screen, to land beside it in another column */
	int row = s->y - b->col[c].scroll;
	tc = c;
	switch (d) {
	case BOARD_UP:
		ti = slot_vertical(&b->col[c], s, -1);
		break;
	case BOARD_DOWN:
		ti = slot_vertical(&b->col[c], s, 1);
		break;
	case BOARD_LEFT:
		if (s->lane > 0) {
			ti = slot_in_lane(&b->col[c], s->lane - 1, s->y);
		} else if (c == BOARD_PREPARING && b->col[BOARD_NEW].n > 0) {
			tc = BOARD_NEW;
			ti = slot_in_lane(&b->col[tc], last_lane(&b->col[tc]),
			    row + b->col[tc].scroll);
		}
		break;
	case BOARD_RIGHT:
		if (s->lane + 1 <= last_lane(&b->col[c])) {
			ti = slot_in_lane(&b->col[c], s->lane + 1, s->y);
		} else if (c == BOARD_NEW && b->col[BOARD_PREPARING].n > 0) {
			tc = BOARD_PREPARING;
			ti = slot_in_lane(&b->col[tc], 0, row + b->col[tc].scroll);
		}
		break;
	}
	if (ti < 0)
		return false;
	return board_select_id(b, b->cards[b->col[tc].slots[ti].card].id);
}

int
board_count(const struct board *b, enum board_col c)
{
	return b->col[c].n;
}

int
board_count_live(const struct board *b, enum board_col c)
{
	int n = 0;

	for (int i = 0; i < b->col[c].n; i++)
		n += !b->cards[b->col[c].slots[i].card].void_card;
	return n;
}

static int
cmp_count(const void *pa, const void *pb)
{
	const struct board_count *a = pa, *b = pb;

	if (a->qty != b->qty)
		return b->qty - a->qty;
	return strcmp(a->name, b->name);
}

int
board_all_day(const struct board *b, struct board_count *out, int max)
{
	int n = 0;

	for (int i = 0; i < b->n; i++) {
		const struct board_card *c = &b->cards[i];

		if (c->void_card || board_card_column(b, c) < 0)
			continue;
		for (int k = 0; k < c->nitems; k++) {
			const struct board_item *it = &c->items[k];
			int j;

			if (it->done || board_item_left(it) == 0 || !board_item_shown(b, it))
				continue;
			for (j = 0; j < n; j++) {
				if (strcmp(out[j].name, it->name) == 0)
					break;
			}
			if (j == n) {
				if (n == max)
					continue;
				xstrlcpy(out[n].name, it->name, sizeof out[n].name);
				out[n++].qty = 0;
			}
			out[j].qty += board_item_left(it);
		}
	}
	qsort(out, (size_t)n, sizeof *out, cmp_count);
	return n;
}

static int
cmp_ready(const void *pa, const void *pb, void *ctx)
{
	const struct board *bd = ctx;
	const struct board_card *a = &bd->cards[*(const int *)pa];
	const struct board_card *b = &bd->cards[*(const int *)pb];

	if (a->ready_at != b->ready_at)
		return a->ready_at > b->ready_at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

int
board_recall_list(const struct board *b, int64_t now, int *out, int max)
{
	int n = 0;

	for (int i = 0; i < b->n && n < max; i++) {
		const struct board_card *c = &b->cards[i];
		bool mine = board_is_expo(b);

		if (c->status != STATUS_READY || c->ready_at < now - b->recall_window_ms)
			continue;
		for (int k = 0; k < c->nitems && !mine; k++)
			mine = board_item_shown(b, &c->items[k]);
		if (mine)
			out[n++] = i;
	}
	qsort_r(out, (size_t)n, sizeof *out, cmp_ready, (void *)b);
	return n;
}

bool
board_note_drawn(struct board *b, int index)
{
	if (index < 0 || index >= b->n || b->cards[index].drawn)
		return false;
	b->cards[index].drawn = true;
	return true;
}

void
board_set_refusal(struct board *b, int64_t id, const char *message, int64_t at)
{
	int i = find(b, id);

	if (i < 0)
		return;
	xstrlcpy(b->cards[i].refusal, message, sizeof b->cards[i].refusal);
	b->cards[i].refusal_at = at;
	b->stale = true;
}

void
board_clear_refusal(struct board *b, int64_t id)
{
	int i = find(b, id);

	if (i >= 0 && b->cards[i].refusal[0] != '\0') {
		b->cards[i].refusal[0] = '\0';
		b->stale = true;
	}
}

bool
board_expire_refusals(struct board *b, int64_t now, int64_t max_age)
{
	bool any = false;

	for (int i = 0; i < b->n; i++) {
		if (b->cards[i].refusal[0] != '\0' && now - b->cards[i].refusal_at >= max_age) {
			b->cards[i].refusal[0] = '\0';
			any = true;
		}
	}
	if (any)
		b->stale = true;
	return any;
}

int
board_new_voids(const struct board *b, const struct order *o, int from, int *out, int max)
{
	int64_t paid = order_status_at(o, STATUS_PAID);
	int n = 0;

	if (from < 0)
		from = 0;
	for (int i = from; i < o->ncorrections && n < max; i++) {
		const struct correction *c = &o->corrections[i];
		const struct order_item *it;
		bool shown;

		if (c->kind != CORRECTION_VOID || c->line < 0 || c->line >= o->nitems)
			continue;
		/* a line taken off before the sale was paid never reached us */
		if (paid == 0 || c->at < paid)
			continue;
		it = &o->items[c->line];
		shown = board_is_expo(b) || strcmp(it->station, b->station) == 0;
		if (shown)
			out[n++] = i;
	}
	return n;
}
