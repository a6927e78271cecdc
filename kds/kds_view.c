/* kds_view: the kitchen display on screen (the only KDS file that calls
 * curses, through common/tui's draw and view helpers). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "form_view.h"
#include "header_view.h"
#include "kds.h"
#include "keymap_view.h"
#include "listbox_view.h"
#include "outbox.h"
#include "term.h"
#include "text.h"
#include "util.h"
#include "trace.h"

#define MIN_COLS 40
#define MIN_ROWS 10
#define TOP 2                   /* body starts under the header and titles */

static const enum theme_role age_roles[] = {
	[BOARD_AGE_OK] = THEME_TIMER_OK,
	[BOARD_AGE_WARN] = THEME_TIMER_WARN,
	[BOARD_AGE_LATE] = THEME_TIMER_LATE,
};

/* One line inside a card; returns false when the card is full. */
struct cursor {
	int y, x, w, last;          /* last: the last row text may use */
};

static bool
card_line(struct cursor *cur, enum theme_role role, const char *text)
{
	if (cur->y > cur->last)
		return false;
	draw_text(cur->y++, cur->x, cur->w, role, text);
	return true;
}

/* Text wrapped over up to max lines. */
static void
card_wrapped(struct cursor *cur, enum theme_role role, const char *text, int max)
{
	const char *p = text;

	for (int n = 0; n < max && *p != '\0' && cur->y <= cur->last; n++) {
		size_t fit = text_fit(p, cur->w);
		char line[256];

		if (fit == 0)
			break;
		if (fit >= sizeof line)
			fit = sizeof line - 1;
		memcpy(line, p, fit);
		line[fit] = '\0';
		card_line(cur, role, line);
		p += fit;
	}
}

/* Service words as the card says them, shorter and shorter. */
static const char *const service_forms[][2] = {
	[SERVICE_DINE_IN] = { "DINE IN", "DINE" },
	[SERVICE_PICKUP] = { "PICKUP", "PICK" },
	[SERVICE_DELIVERY] = { "DELIVERY", "DELIV" },
};

/* The card's second line: service with table or customer, source, link
 * and PENDING. On a narrow card the words shorten first, then the
 * customer's name is cut, then labels are left out: a table or an order
 * number is shown whole or not at all ("link #1" for #11 would send a
 * cook to the wrong order). */
static void
card_info_line(struct kds *k, const struct board_card *c, const struct cursor *cur)
{
	enum { SERVICE, TABLE, CUSTOMER, SOURCE, LINK, PENDING, NLABELS };
	struct text_label l[NLABELS];
	char table[64], customer[160], source[32], source_short[32], link[3][32];
	int sv = (unsigned)c->service < sizeof service_forms / sizeof service_forms[0] ?
	    (int)c->service : SERVICE_DELIVERY;

	memset(l, 0, sizeof l);
	l[SERVICE] = (struct text_label){ .form = { service_forms[sv][0], service_forms[sv][1] },
	    .rank = 0, .role = THEME_CARD };
	snprintf(table, sizeof table, " %s", c->table);
	l[TABLE] = (struct text_label){ .form = { table }, .rank = 1, .role = THEME_CARD };
	snprintf(customer, sizeof customer, " %s", c->customer);
	l[CUSTOMER] = (struct text_label){ .form = { customer }, .rank = 3, .cut_min = 5,
	    .cut_soft = 12, .role = THEME_CARD };
	if (c->service != SERVICE_DINE_IN || c->table[0] == '\0')
		l[TABLE].form[0] = NULL;
	if (c->service == SERVICE_DINE_IN || c->customer[0] == '\0')
		l[CUSTOMER].form[0] = NULL;
	snprintf(source, sizeof source, "  %s", board_source_text(c->source));
	snprintf(source_short, sizeof source_short, " %s", board_source_text(c->source));
	l[SOURCE] = (struct text_label){ .form = { source, source_short }, .rank = 4,
	    .role = THEME_DIM };
	l[LINK] = (struct text_label){ .rank = 1, .role = THEME_LINKED };
	if (c->linked_to != 0) {
		const struct board_card *p = board_find(&k->board, c->linked_to);

		if (p != NULL) {
			snprintf(link[0], sizeof link[0], "  link #%d", p->number);
			snprintf(link[1], sizeof link[1], " link #%d", p->number);
			snprintf(link[2], sizeof link[2], " &#%d", p->number);
			l[LINK].form[0] = link[0];
			l[LINK].form[1] = link[1];
			l[LINK].form[2] = link[2];
		} else {
			l[LINK].form[0] = "  linked";
			l[LINK].form[1] = " linked";
		}
	}
	l[PENDING] = (struct text_label){ .form = { " PENDING ", " PEND " }, .rank = 2,
	    .right = true, .role = THEME_PENDING };
	if (!c->pending)
		l[PENDING].form[0] = NULL;
	text_fit_labels(l, NLABELS, cur->w);
	for (int i = 0; i < NLABELS; i++) {
		if (l[i].shown >= 0)
			draw_text(cur->y, cur->x + l[i].x, cur->w - l[i].x, l[i].role, l[i].text);
	}
}

/* An item's line: its quantity to make, then what was voided of it
 * ("1 x Burger  1 VOID"), struck (the voided role: dim where a terminal
 * cannot strike); a line voided whole, or on a VOID card, struck whole. */
static void
item_line(struct cursor *cur, const struct board_item *it, bool void_card)
{
	int left = void_card ? 0 : board_item_left(it), off = it->qty - left;
	char buf[256];
	int w;

	if (cur->y > cur->last)
		return;
	if (off == 0) {
		snprintf(buf, sizeof buf, "%d x %s%s", it->qty, it->name,
		    it->done ? "  (done)" : "");
		card_line(cur, it->done ? THEME_DIM : THEME_CARD, buf);
		return;
	}
	if (left == 0) {
		snprintf(buf, sizeof buf, "%d x %s  VOID", it->qty, it->name);
		card_line(cur, THEME_VOIDED, buf);
		return;
	}
	snprintf(buf, sizeof buf, "%d x %s%s", left, it->name, it->done ? "  (done)" : "");
	w = draw_text(cur->y, cur->x, cur->w, it->done ? THEME_DIM : THEME_CARD, buf);
	snprintf(buf, sizeof buf, "  %d VOID", off);
	if (w < cur->w)
		draw_text(cur->y, cur->x + w, cur->w - w, THEME_VOIDED, buf);
	cur->y++;
}

static void
draw_card(struct kds *k, enum board_col col, const struct board_slot *s, bool selected,
    int64_t now)
{
	const struct board_card *c = &k->board.cards[s->card];
	enum board_age age = board_age(&k->board, c, now);
	bool vc = board_is_void(c);
	enum theme_role border = selected ? THEME_SELECTED : vc ? THEME_VOID :
	    age == BOARD_AGE_LATE ? THEME_CARD_LATE : THEME_CARD_BORDER;
	int y = TOP + s->y - k->board.col[col].scroll, x = s->x, w = s->w, h = s->h;
	char buf[256], timer[16];
	struct cursor cur = { y + 1, x + 2, w - 4, y + h - 2 };
	int hidden = 0;

	if (board_note_drawn(&k->board, s->card))
		trace_drawn(k->trace, c->id);
	draw_fill(y, x, h, w, THEME_CARD);
	draw_box(y, x, h, w, border);
	tap_mark(y, x, h, w, KDS_TAP_CARD, c->id);

	/* top line: position, number, timer */
	int tx = x + 1;
	if (s->position > 0)
		tx += draw_textf(y, tx, 4, selected ? THEME_SELECTED : THEME_CARD_BORDER, "[%d]",
		    s->position);
	/* a ticket the till printed offline carries its own number: the
	 * kitchen matches the paper to the card by it */
	if (board_printed_offline(c) && c->provisional[0] != '\0')
		tx += draw_textf(y, tx + 1, w - 12, THEME_CARD_TITLE, " #%d (%s) ", c->number,
		    c->provisional) + 1;
	else
		tx += draw_textf(y, tx + 1, w - 12, THEME_CARD_TITLE, " #%d ", c->number) + 1;
	if (vc) {
		snprintf(buf, sizeof buf, " VOID ");
		draw_text(y, x + w - 1 - text_width(buf), text_width(buf), THEME_VOID, buf);
	} else {
		board_timer_text(c, now, timer, sizeof timer);
		snprintf(buf, sizeof buf, age == BOARD_AGE_LATE ? " LATE %s " : " %s ", timer);
		draw_text(y, x + w - 1 - text_width(buf), text_width(buf), age_roles[age], buf);
	}

	/* service, source, link; pending on the right */
	card_info_line(k, c, &cur);
	cur.y++;

	if (board_printed_offline(c)) {
		char at[16];
		time_t t = (time_t)(c->ticket_printed_at / 1000);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(at, sizeof at, "%H:%M", &tm);
		/* the whole sentence, or its short form on a narrow card */
		snprintf(buf, sizeof buf, "%sprinted offline %s", cur.w >= 28 ? "ticket " : "", at);
		card_line(&cur, THEME_WARNING, buf);
	}

	/* a VOID card says so first, with the reason: Enter clears it */
	if (vc) {
		snprintf(buf, sizeof buf, "VOID: %s", c->void_reason[0] ? c->void_reason :
		    "order cancelled");
		draw_fill(cur.y, cur.x, 1, cur.w, THEME_VOID);
		card_line(&cur, THEME_VOID, buf);
	}
	/* the open orders lacked it: it may have been cancelled meanwhile,
	 * and the server is being asked (again, when it does not answer) */
	if (board_is_checking(c))
		card_line(&cur, THEME_WARNING, cur.w >= 30 ? "CHECKING: cancelled meanwhile?" :
		    "CHECKING");
	/* the refusal first: it is what the chef must read */
	if (c->refusal[0] != '\0') {
		snprintf(buf, sizeof buf, "REFUSED: %s", c->refusal);
		card_wrapped(&cur, THEME_ERROR, buf, 3);
	}
	for (int i = 0; i < c->nitems; i++) {
		const struct board_item *it = &c->items[i];
		bool done = it->done;

		if (!board_item_shown(&k->board, it))
			continue;
		if (cur.y > cur.last) {
			hidden++;
			continue;
		}
		bool struck = vc || board_item_left(it) == 0;
		/* the last row shows "+N more" when anything follows */
		bool more = it->nmods > 0 || it->note[0] != '\0';
		for (int j = i + 1; j < c->nitems && !more; j++)
			more = board_item_shown(&k->board, &c->items[j]);
		if (cur.y == cur.last && more) {
			hidden++;
			continue;
		}
		item_line(&cur, it, vc);
		const char *m = it->mods;
		for (int j = 0; j < it->nmods && *m != '\0'; j++) {
			size_t n = strcspn(m, "\n");

			snprintf(buf, sizeof buf, "  + %.*s", (int)n, m);
			if (!card_line(&cur, struck ? THEME_VOIDED : done ? THEME_DIM :
			    THEME_MODIFIER, buf))
				break;
			m += n + (m[n] == '\n');
		}
		if (it->note[0] != '\0') {
			snprintf(buf, sizeof buf, "  ! %s", it->note);
			card_line(&cur, struck ? THEME_VOIDED : done ? THEME_DIM : THEME_NOTE, buf);
		}
	}
	if (hidden > 0)
		draw_textf(y + h - 1, x + 2, w - 4, THEME_DIM, " +%d more ", hidden);
}

static void
draw_column(struct kds *k, enum board_col col, int64_t now)
{
	const struct board_column *c = &k->board.col[col];
	char title[96];
	int x = c->x, voids = c->n - board_count_live(&k->board, col);

	/* the orders to cook; VOID cards are counted apart */
	snprintf(title, sizeof title, " %s (%d) ", col == BOARD_NEW ? "NEW" : "PREPARING",
	    c->n - voids);
	draw_fill(1, c->x, 1, c->w, THEME_TITLE);
	if (c->hidden_before > 0)
		x += draw_textf(1, x, 8, THEME_WARNING, "^%d ", c->hidden_before);
	x += draw_text(1, x, c->w, THEME_TITLE, title);
	if (voids > 0 && x + 1 < c->x + c->w)
		draw_textf(1, x + 1, c->x + c->w - (x + 1), THEME_VOID, " %d VOID ", voids);
	if (c->hidden_after > 0) {
		char more[32];

		snprintf(more, sizeof more, " %d more v ", c->hidden_after);
		draw_text(1, c->x + c->w - text_width(more), text_width(more), THEME_WARNING, more);
	}
	if (c->n == 0)
		draw_text(TOP + 1, c->x + 2, c->w - 4, THEME_DIM,
		    col == BOARD_NEW ? "no new orders" : "nothing in preparation");
	for (int i = 0; i < c->n; i++) {
		const struct board_slot *s = &c->slots[i];

		if (s->visible)
			draw_card(k, col, s, k->board.cards[s->card].id == k->board.sel_id &&
			    k->mode == KDS_BOARD, now);
	}
}

static void
draw_board(struct kds *k, int rows, int cols)
{
	int64_t now = kds_now(k);

	board_layout(&k->board, cols, rows - 3);
	draw_column(k, BOARD_NEW, now);
	draw_column(k, BOARD_PREPARING, now);
}

static void
draw_quit(void)
{
	static const char *const lines[] = { "Quit the kitchen display?", "",
	    "y / Enter: quit     n / Esc: stay" };

	draw_message("Quit", lines, 3, THEME_DIALOG);
}

void
kds_view_draw(struct kds *k)
{
	int rows = term_rows(), cols = term_cols();

	if (k->full_redraw) {
		term_resize();           /* also forgets what the screen held */
		k->full_redraw = false;
	}
	term_frame_begin();
	k->header.now_ms = kds_now(k);
	if (k->header.queued > 0 && k->oldest_queued_at > 0) {
		int64_t age = util_now_ms() - k->oldest_queued_at;

		header_queued_age(&k->header, age, k->retention_ms,
		    outbox_age_near(age, k->retention_ms));
	} else {
		header_queued_age(&k->header, 0, 0, false);
	}
	if (rows < MIN_ROWS || cols < MIN_COLS) {
		draw_textf(0, 0, cols, THEME_ERROR, "window too small: %dx%d, need %dx%d",
		    cols, rows, MIN_COLS, MIN_ROWS);
		term_frame_end();
		trace_frame(k->trace);
		return;
	}
	header_view_draw(0, &k->header);
	if (k->mode == KDS_LOGIN) {
		form_view_dialog(&k->login, "Enter: next / sign in   Esc: quit");
		draw_fill(rows - 1, 0, 1, cols, THEME_KEYBAR);
		draw_text(rows - 1, 1, cols - 2, THEME_KEYBAR,
		    "Sign in with your staff code and PIN");
	} else {
		draw_board(k, rows, cols);
		keymap_view_bar(rows - 1, kds_keys_map(k));
		switch (k->mode) {
		case KDS_HELP:
			keymap_view_help(kds_keys_map(k), "Keys", k->help_top);
			break;
		case KDS_RECALL:
		case KDS_ALLDAY:
		case KDS_STATION:
			listbox_view_draw(&k->list, 0);
			break;
		case KDS_FIND:
			form_view_dialog(&k->find, "Enter: find   Esc: close");
			break;
		case KDS_QUIT:
			draw_quit();
			break;
		default:
			break;
		}
	}
	if (k->bells > 0) {
		if (!k->cfg.quiet)
			term_bell();
		k->bells = 0;
	}
	term_frame_end();
	trace_frame(k->trace);
}
