/* view: brigade-pos on the terminal: one frame per loop turn when
 * something changed: the status line, the screen up and its overlay (their
 * drawing is in their files, found through screens.c), the message line,
 * the key bar; and the pieces more than one screen draws. Curses only
 * through libbrigade-tui. */
#include "view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "header_view.h"
#include "screens.h"
#include "tap.h"
#include "term.h"
#include "text.h"
#include "util.h"
#include "xalloc.h"

int
view_init(struct app *a, char *err, size_t errsize)
{
	struct theme th;

	if (theme_load(a->theme_name[0] ? a->theme_name : "default", &th, err, errsize) < 0)
		return -1;
	return term_init(&th, 0, err, errsize);
}

void
view_end(void)
{
	term_end();
}

void
view_resize(struct app *a)
{
	term_resize();
	app_dirty(a);
}

/* ---- the frame ---- */

static void
draw_header(struct app *a)
{
	struct header_info h;
	const struct spool_printer_status *rp = &a->printers.printer[SPOOL_RECEIPT];
	const struct spool_printer_status *kp = &a->printers.printer[SPOOL_KITCHEN];
	const struct session_state *st = session_state(a->s);

	memset(&h, 0, sizeof h);
	snprintf(h.title, sizeof h.title, "POS %s", a->cfg.terminal);
	if (a->logged_in)
		snprintf(h.context, sizeof h.context, "%s %s | %s", a->staff, role_name(a->role),
		    screens_get(a->screen)->name);
	else
		snprintf(h.context, sizeof h.context, "%s", screens_get(a->screen)->name);
	h.now_ms = clock_server_now(a->clk);
	if (!a->logged_in || st->conn == SESSION_SIGNED_OUT)
		h.conn = HEADER_SIGNED_OUT;     /* or the server stopped taking the login */
	else if (app_offline(a))
		h.conn = HEADER_OFFLINE;
	else if (st->conn == SESSION_STARTING)
		h.conn = HEADER_CONNECTING;
	else
		h.conn = HEADER_ONLINE;
	h.since_ms = a->offline_since;
	h.stale = st->stale;
	h.stale_saved_at = st->saved_at;
	h.queued = st->queued;
	h.attention = a->nattention;
	h.waiting = st->waiting;
	xstrlcpy(h.waiting_for, st->waiting_for, sizeof h.waiting_for);
	xstrlcpy(h.server, st->server, sizeof h.server);
	if (h.queued > 0 && st->oldest_queued_at > 0) {
		int64_t age = util_now_ms() - st->oldest_queued_at;

		header_queued_age(&h, age, st->retention_ms, outbox_age_near(age, st->retention_ms));
	}
	if (rp->configured || kp->configured) {
		const struct spool_printer_status *bad = rp->configured && !rp->ready ? rp :
		    kp->configured && !kp->ready ? kp : NULL;

		if (bad != NULL && bad->paper_out)
			snprintf(h.printer, sizeof h.printer, "%sPAPER OUT!",
			    bad == kp ? "kitchen " : "");
		else if (bad != NULL && bad->known)
			snprintf(h.printer, sizeof h.printer, "%s%s", bad == kp ? "kitchen " : "",
			    bad->state);
		else if (bad != NULL)
			snprintf(h.printer, sizeof h.printer, "...");
		else
			snprintf(h.printer, sizeof h.printer, "ready");
		h.printer_ok = bad == NULL;
		h.printer_queued = a->printers.waiting;
	}
	if (a->reader != NULL && a->reader_failed) {
		/* a card reader that is gone stays in sight until it is back */
		xstrlcpy(h.note, a->reader_error, sizeof h.note);
		h.note_role = THEME_ERROR;
	}
	header_view_draw(0, &h);
}

static void
draw_keybar(struct app *a)
{
	struct text_seg segs[64];
	int keys[64];
	const struct keytable *tabs[2] = { keys_current(a), keys_global(a) };
	int n = 0, y = term_rows() - 1, w = term_cols(), x = 0;

	for (int t = 0; t < 2; t++) {
		for (int i = 0; tabs[t] != NULL && i < tabs[t]->n; i++) {
			const struct binding *k = &tabs[t]->map[i];
			char name[32];

			if (k->what == NULL || !keys_role_ok(a, k))
				continue;
			if (text_segs_width(segs, n, 0) + text_width(k->what) + 8 > w)
				break;
			if (n + 1 < 64)
				keys[n] = keys[n + 1] = k->key;
			text_seg_add(segs, &n, 64, THEME_KEYBAR_KEY, "%s",
			    k->name != NULL ? k->name : input_key_name(k->key, name, sizeof name));
			text_seg_add(segs, &n, 64, THEME_KEYBAR, " %s ", k->what);
		}
	}
	draw_fill(y, 0, 1, w, THEME_KEYBAR);
	draw_segs(y, 0, w, segs, n);
	/* a tap on an entry acts as its key */
	for (int i = 0; i < n; i++) {
		int sw = text_width(segs[i].text);

		tap_mark(y, x, 1, sw, TAP_KEY, keys[i]);
		x += sw;
	}
}

static void
draw_msgline(struct app *a)
{
	int y = term_rows() - 2;

	if (a->msg.text[0] != '\0')
		draw_text(y, 1, term_cols() - 2, a->msg.role, a->msg.text);
}

void
view_draw(struct app *a)
{
	const struct screen_def *s = screens_get(a->screen);

	term_frame_begin();
	draw_header(a);
	if (s->draw != NULL)
		s->draw(a);
	if (a->overlay != OVERLAY_NONE && screens_overlay(a->overlay)->draw != NULL)
		screens_overlay(a->overlay)->draw(a);
	draw_msgline(a);
	draw_keybar(a);
	term_frame_end();
	a->dirty = false;
}

/* ---- pieces more than one screen draws ---- */

void
view_lr(int y, int x, int w, enum theme_role role, const char *left, const char *right)
{
	int rw = text_width(right);

	draw_fill(y, x, 1, w, role);
	draw_text(y, x, w - rw - 1, role, left);
	draw_text(y, x + w - rw, rw, role, right);
}

int
view_wrap(int y, int x, int w, int max, enum theme_role role, const char *text)
{
	int n = 0;

	while (*text != '\0' && n < max) {
		size_t fit = text_fit(text, w);

		if (fit == 0)
			break;
		if (text[fit] != '\0') {
			size_t sp = fit;

			while (sp > 0 && text[sp] != ' ')
				sp--;
			if (sp > 0)
				fit = sp;
		}
		draw_textf(y + n++, x, w, role, "%.*s", (int)fit, text);
		text += fit;
		while (*text == ' ')
			text++;
	}
	return n;
}

void
view_input_dialog(const char *title, const char *label, const struct field *f)
{
	int y, x, h, w;

	draw_dialog(5, 64, title, THEME_DIALOG, &y, &x, &h, &w);
	draw_text(y, x, w, THEME_DIALOG, label);
	draw_fill(y + 1, x, 1, w, THEME_INPUT_FOCUS);
	draw_text(y + 1, x, w, THEME_INPUT_FOCUS, f->text);
	term_cursor(y + 1, x + text_width(f->text));
}

static void
service_text(const struct ticket *t, char *out, size_t size)
{
	const char *src = t->source == SOURCE_PHONE ? "Phone" : "Walk-in";

	switch (t->service) {
	case SERVICE_DINE_IN:
		snprintf(out, size, "%s | DINE-IN table %s", src, t->table[0] ? t->table : "?");
		break;
	case SERVICE_PICKUP:
		snprintf(out, size, "%s | PICKUP %s", src, t->customer.name);
		break;
	default:
		snprintf(out, size, "%s | DELIVERY %s %s %s", src, t->customer.name,
		    t->customer.phone[0] ? t->customer.phone : "(phone?)",
		    t->customer.address[0] ? t->customer.address : "(address?)");
	}
}

/* "    - 10% Loyalty", "    - comp Regular", "    - 2.50 Promotion" */
static void
discount_text(const struct discount *d, const char *reason, char *buf, size_t size)
{
	char m[32];

	if (d->comp)
		snprintf(m, sizeof m, "comp");
	else if (d->percent_bp > 0 && d->percent_bp % 100 == 0)
		snprintf(m, sizeof m, "%d%%", d->percent_bp / 100);
	else if (d->percent_bp > 0)
		snprintf(m, sizeof m, "%d.%02d%%", d->percent_bp / 100, d->percent_bp % 100);
	else
		app_money(d->amount, m, sizeof m);
	snprintf(buf, size, "    - %s %s", m, reason);
}

void
view_payment(const struct ticket *t, int i, char *buf, size_t size)
{
	const struct payment *p = &t->payments[i];
	const char *before = i < t->ncarried ? "Paid before: " : "";

	if (p->tender == TENDER_CARD)
		snprintf(buf, size, "%sCard %s ****%s (approval %s)", before, p->card.brand,
		    p->card.last4, p->approval[0] ? p->approval : "none");
	else
		snprintf(buf, size, "%sCash", before);
}

int
view_ticket(struct app *a, int y, int x, int h, int w, bool selectable)
{
	const struct ticket *t = &a->ticket;
	struct ticket_totals tt;
	char buf[160], amount[32], label[170];
	int r = 0, first = 0, rows_for_lines = h - 5 - (discount_set(&t->disc) ? 1 : 0) -
	    (t->ncarried > 0 ? t->ncarried + 1 : 0);

	/* the service, and the order linked to, whose number is never cut:
	 * the service gives way first */
	char link[3][32];
	struct text_label title[2] = {
		{ .form = { buf }, .rank = 1, .cut_min = 8, .cut_soft = 24, .role = THEME_TITLE },
		{ .form = { link[0], link[1], link[2] }, .rank = 0, .role = THEME_TITLE },
	};

	service_text(t, buf, sizeof buf);
	snprintf(link[0], sizeof link[0], "  linked #%d", t->linked_number);
	snprintf(link[1], sizeof link[1], " link #%d", t->linked_number);
	snprintf(link[2], sizeof link[2], " &#%d", t->linked_number);
	if (t->linked_to <= 0)
		title[1].form[0] = NULL;
	text_fit_labels(title, 2, w);
	draw_fill(y, x, 1, w, THEME_TITLE);
	for (int i = 0; i < 2; i++) {
		if (title[i].shown >= 0)
			draw_text(y, x + title[i].x, w - title[i].x, THEME_TITLE, title[i].text);
	}
	r++;
	/* keep the selected line in view */
	if (t->sel > rows_for_lines - 2)
		first = t->sel - (rows_for_lines - 2);
	for (int i = first; i < t->nlines && r < rows_for_lines; i++) {
		const struct ticket_line *l = &t->lines[i];
		enum theme_role role = selectable && i == t->sel ? THEME_SELECTED : THEME_NORMAL;

		int line_y = y + r;

		app_money(ticket_line_total(l), amount, sizeof amount);
		snprintf(buf, sizeof buf, "%d x %s", l->qty, l->name);
		view_lr(y + r++, x, w, role, buf, amount);
		for (int m = 0; m < l->nmods && r < rows_for_lines; m++) {
			snprintf(buf, sizeof buf, "    + %s", l->mods[m].name);
			draw_text(y + r++, x, w, THEME_MODIFIER, buf);
		}
		if (l->note[0] && r < rows_for_lines)
			draw_textf(y + r++, x, w, THEME_NOTE, "    ! %s", l->note);
		if (discount_set(&l->disc) && r < rows_for_lines) {
			discount_text(&l->disc, l->disc_reason, buf, sizeof buf);
			app_money(-ticket_line_discount(l), amount, sizeof amount);
			view_lr(y + r++, x, w, THEME_MODIFIER, buf, amount);
		}
		if (selectable)      /* a tap on the line or under it selects it */
			tap_mark(line_y, x, y + r - line_y, w, POS_TAP_TICKET_LINE, i);
	}
	if (t->nlines == 0)
		draw_text(y + r++, x, w, THEME_DIM, "(empty: type a PLU and Enter)");
	r = rows_for_lines;
	if (ticket_totals(t, &tt) == 0) {
		if (discount_set(&t->disc)) {
			discount_text(&t->disc, t->disc_reason, buf, sizeof buf);
			app_money(-tt.order_discount, amount, sizeof amount);
			snprintf(label, sizeof label, "Discount%s", buf + 5);
			view_lr(y + r++, x, w, THEME_NORMAL, label, amount);
		}
		app_money(tt.subtotal, amount, sizeof amount);
		view_lr(y + r++, x, w, THEME_NORMAL, "Subtotal", amount);
		app_money(tt.tax, amount, sizeof amount);
		view_lr(y + r++, x, w, THEME_NORMAL, "Tax", amount);
		app_money(tt.total, amount, sizeof amount);
		view_lr(y + r++, x, w, THEME_TOTAL, "TOTAL", amount);
		/* a refused sale rung again: what the guest paid then */
		for (int i = 0; i < t->ncarried; i++) {
			view_payment(t, i, buf, sizeof buf);
			app_money(t->payments[i].amount, amount, sizeof amount);
			view_lr(y + r++, x, w, THEME_SUCCESS, buf, amount);
		}
		if (t->ncarried > 0) {
			if (tt.due > 0) {
				app_money(tt.due, amount, sizeof amount);
				view_lr(y + r++, x, w, THEME_TOTAL, "STILL DUE", amount);
			} else {
				app_money(tt.change + tt.owed, amount, sizeof amount);
				view_lr(y + r++, x, w, THEME_WARNING, "OWED BACK", amount);
			}
		}
	}
	return y + r;
}

void
view_recent(struct app *a, int y, int x, int w)
{
	char line[512] = "Recent:", one[64];
	int shown = 0;

	for (int i = a->sales.n - 1; i >= 0 && shown < 4; i--, shown++) {
		sales_display(&a->sales.rows[i], one, sizeof one);
		snprintf(line + strlen(line), sizeof line - strlen(line), "  %s", one);
	}
	if (shown > 0)
		draw_text(y, x, w, THEME_DIM, line);
}

void
view_order_line(const struct order *o, char *buf, size_t size)
{
	char amount[32], when[16];
	time_t t = (time_t)(o->created_at / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M", &tm);
	app_money(o->total, amount, sizeof amount);
	snprintf(buf, size, "#%-4d %-16s %-8s %-6s %-18s %9s  %s", o->number,
	    status_name(o->status), service_name(o->service), o->source == SOURCE_ONLINE ?
	    "online" : o->source == SOURCE_PHONE ? "phone" : "walkin",
	    o->service == SERVICE_DINE_IN ? o->table : o->customer.name, amount, when);
}
