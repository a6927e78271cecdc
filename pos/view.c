/* view: brigade-pos on the terminal (the only file here that draws; curses
 * through libbrigade-tui). One frame per loop turn when something changed:
 * the status line, the screen, an overlay, the message line, the key bar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "app.h"
#include "cache.h"
#include "catalog.h"
#include "draw.h"
#include "header_view.h"
#include "keys.h"
#include "term.h"
#include "text.h"
#include "util.h"
#include "xalloc.h"

static const char *const screen_titles[SCREEN_COUNT] = {
	[SCREEN_LOGIN] = "Log in",
	[SCREEN_ENTRY] = "Sale",
	[SCREEN_TENDER] = "Tender",
	[SCREEN_DONE] = "Paid",
	[SCREEN_DISPATCH] = "Dispatch",
	[SCREEN_ORDERS] = "Today's orders",
	[SCREEN_ORDER] = "Order",
	[SCREEN_ATTENTION] = "Needs attention",
	[SCREEN_MENU] = "86 board",
	[SCREEN_REPORTS] = "Reports",
	[SCREEN_STAFF] = "Staff",
};

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

/* ---- pieces ---- */

static void
age_text(const struct app *a, int64_t since, char *out, size_t size)
{
	int64_t s = since > 0 ? clock_age_ms(a->clk, since) / 1000 : 0;

	if (s >= 3600)
		snprintf(out, size, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(out, size, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

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
		    screen_titles[a->screen]);
	else
		snprintf(h.context, sizeof h.context, "%s", screen_titles[a->screen]);
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
	const struct keytable *tabs[2] = { keys_current(a), keys_global(a) };
	int n = 0, y = term_rows() - 1, w = term_cols();

	for (int t = 0; t < 2; t++) {
		for (int i = 0; tabs[t] != NULL && i < tabs[t]->n; i++) {
			const struct binding *k = &tabs[t]->map[i];
			char name[32];

			if (k->what == NULL || !keys_role_ok(a, k))
				continue;
			if (text_segs_width(segs, n, 0) + text_width(k->what) + 8 > w)
				break;
			text_seg_add(segs, &n, 64, THEME_KEYBAR_KEY, "%s",
			    k->name != NULL ? k->name : input_key_name(k->key, name, sizeof name));
			text_seg_add(segs, &n, 64, THEME_KEYBAR, " %s ", k->what);
		}
	}
	draw_fill(y, 0, 1, w, THEME_KEYBAR);
	draw_segs(y, 0, w, segs, n);
}

static void
draw_msgline(struct app *a)
{
	int y = term_rows() - 2;

	if (a->msg.text[0] != '\0')
		draw_text(y, 1, term_cols() - 2, a->msg.role, a->msg.text);
}

/* "left ...... right" in w columns. */
static void
draw_lr(int y, int x, int w, enum theme_role role, const char *left, const char *right)
{
	int rw = text_width(right);

	draw_fill(y, x, 1, w, role);
	draw_text(y, x, w - rw - 1, role, left);
	draw_text(y, x + w - rw, rw, role, right);
}

/* Digits five rows high, for the change due: read from across the counter. */
static const char *const big_font[][5] = {
	{ "###", "# #", "# #", "# #", "###" }, { " # ", "## ", " # ", " # ", "###" },
	{ "###", "  #", "###", "#  ", "###" }, { "###", "  #", "###", "  #", "###" },
	{ "# #", "# #", "###", "  #", "  #" }, { "###", "#  ", "###", "  #", "###" },
	{ "###", "#  ", "###", "# #", "###" }, { "###", "  #", "  #", "  #", "  #" },
	{ "###", "# #", "###", "# #", "###" }, { "###", "# #", "###", "  #", "###" },
};

static void
draw_big(int y, int x, enum theme_role role, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			for (int r = 0; r < 5; r++) {
				for (int c = 0; c < 3; c++) {
					if (big_font[*s - '0'][r][c] == '#')
						draw_text(y + r, x + c, 1, role, "\xe2\x96\x88");
				}
			}
			x += 4;
		} else if (*s == '.' || *s == ',') {
			draw_text(y + 4, x, 1, role, "\xe2\x96\x88");
			x += 2;
		} else {
			x += 2;
		}
	}
}

/* ---- screens ---- */

static void
draw_login(struct app *a)
{
	int y, x, h, w;
	char stars[FIELD_MAX];

	draw_dialog(9, 44, "Brigade POS", THEME_DIALOG, &y, &x, &h, &w);
	draw_textf(y, x + 1, w - 2, THEME_DIALOG, "Terminal %s  %s", a->cfg.terminal,
	    a->cfg.server);
	draw_text(y + 2, x + 1, 12, THEME_DIALOG, "Staff code");
	draw_fill(y + 2, x + 13, 1, w - 14, a->login_focus == 0 ? THEME_INPUT_FOCUS : THEME_INPUT);
	draw_text(y + 2, x + 13, w - 14, a->login_focus == 0 ? THEME_INPUT_FOCUS : THEME_INPUT,
	    a->f_staff.text);
	draw_text(y + 4, x + 1, 12, THEME_DIALOG, "PIN");
	memset(stars, '*', a->f_pin.len);
	stars[a->f_pin.len] = '\0';
	draw_fill(y + 4, x + 13, 1, w - 14, a->login_focus == 1 ? THEME_INPUT_FOCUS : THEME_INPUT);
	draw_text(y + 4, x + 13, w - 14, a->login_focus == 1 ? THEME_INPUT_FOCUS : THEME_INPUT,
	    stars);
	if (a->logging_in)
		draw_text(y + 6, x + 1, w - 2, THEME_DIM, "Logging in...");
	term_cursor(a->login_focus == 0 ? y + 2 : y + 4, x + 13 + (a->login_focus == 0 ?
	    text_width(a->f_staff.text) : (int)a->f_pin.len));
}

static void
draw_menu_pane(struct app *a, int y, int x, int h, int w)
{
	const struct menu *m = app_menu(a);
	static int idx[LIST_MAX];
	int n;

	if (m == NULL || m->nitems == 0) {
		draw_text(y, x, w, THEME_DIM, a->logged_in ? "Loading the menu..." : "");
		return;
	}
	if (a->category >= m->ncategories)
		a->category = 0;
	draw_fill(y, x, 1, w, THEME_TITLE);
	draw_textf(y, x, w, THEME_TITLE, "< %s >  %d/%d", m->ncategories > 0 ?
	    m->categories[a->category] : "All", a->category + 1, m->ncategories);
	n = catalog_items(m, m->ncategories > 0 ? a->category : -1, idx, LIST_MAX);
	if (a->menu_top > n - 1)
		a->menu_top = n > 0 ? n - 1 : 0;
	for (int i = a->menu_top, r = 1; i < n && r < h; i++, r++) {
		const struct menu_item *it = &m->items[idx[i]];
		char price[32], left[128];

		app_money(it->price, price, sizeof price);
		snprintf(left, sizeof left, "%-5s %s%s", it->sku, it->name,
		    it->available ? "" : "  [86]");
		draw_lr(y + r, x, w, it->available ? THEME_NORMAL : THEME_UNAVAILABLE, left, price);
	}
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

/* The ticket lines with totals; returns the row after it. */
static int
draw_ticket(struct app *a, int y, int x, int h, int w, bool selectable)
{
	const struct ticket *t = &a->ticket;
	struct ticket_totals tt;
	char buf[160], amount[32];
	int r = 0, first = 0, rows_for_lines = h - 5;

	service_text(t, buf, sizeof buf);
	if (t->linked_to > 0) {
		char link[24];

		snprintf(link, sizeof link, "  linked #%d", t->linked_number);
		xstrlcpy(buf + strlen(buf), link, sizeof buf - strlen(buf));
	}
	draw_fill(y, x, 1, w, THEME_TITLE);
	draw_text(y, x, w, THEME_TITLE, buf);
	r++;
	/* keep the selected line in view */
	if (t->sel > rows_for_lines - 2)
		first = t->sel - (rows_for_lines - 2);
	for (int i = first; i < t->nlines && r < rows_for_lines; i++) {
		const struct ticket_line *l = &t->lines[i];
		enum theme_role role = selectable && i == t->sel ? THEME_SELECTED : THEME_NORMAL;

		app_money(ticket_line_total(l), amount, sizeof amount);
		snprintf(buf, sizeof buf, "%d x %s", l->qty, l->name);
		draw_lr(y + r++, x, w, role, buf, amount);
		for (int m = 0; m < l->nmods && r < rows_for_lines; m++) {
			snprintf(buf, sizeof buf, "    + %s", l->mods[m].name);
			draw_text(y + r++, x, w, THEME_MODIFIER, buf);
		}
		if (l->note[0] && r < rows_for_lines)
			draw_textf(y + r++, x, w, THEME_NOTE, "    ! %s", l->note);
	}
	if (t->nlines == 0)
		draw_text(y + r++, x, w, THEME_DIM, "(empty: type a PLU and Enter)");
	r = rows_for_lines;
	if (ticket_totals(t, &tt) == 0) {
		app_money(tt.subtotal, amount, sizeof amount);
		draw_lr(y + r++, x, w, THEME_NORMAL, "Subtotal", amount);
		app_money(tt.tax, amount, sizeof amount);
		draw_lr(y + r++, x, w, THEME_NORMAL, "Tax", amount);
		app_money(tt.total, amount, sizeof amount);
		draw_lr(y + r++, x, w, THEME_TOTAL, "TOTAL", amount);
	}
	return y + r;
}

static void
draw_recent(struct app *a, int y, int x, int w)
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

static void
draw_entry(struct app *a)
{
	int top = 1, h = term_rows() - 4, cols = term_cols();
	int mw = cols * 45 / 100, tx = mw + 1, tw = cols - tx - 1;
	char prompt[300];

	draw_menu_pane(a, top, 0, h - 1, mw);
	draw_ticket(a, top, tx, h - 2, tw, true);
	snprintf(prompt, sizeof prompt, "PLU> %s", a->f_plu.text);
	draw_fill(top + h - 2, tx, 1, tw, THEME_INPUT_FOCUS);
	draw_text(top + h - 2, tx, tw, THEME_INPUT_FOCUS, prompt);
	draw_recent(a, top + h - 1, tx, tw);
	if (a->overlay == OVERLAY_NONE)
		term_cursor(top + h - 2, tx + text_width(prompt));
}

static void
draw_tender(struct app *a)
{
	struct ticket_totals tt;
	int top = 1, h = term_rows() - 4, cols = term_cols();
	int lw = cols / 2, x = lw + 2, w = cols - x - 1, y = top;
	char amount[32], buf[160];
	money_t s[4];
	int n;

	draw_ticket(a, top, 0, h, lw, false);
	ticket_totals(&a->ticket, &tt);
	if (a->pay_order_id != 0)
		draw_textf(y++, x, w, THEME_TITLE, "Online order #%d: pay at pickup",
		    a->pay_order.number);
	app_money(tt.total, amount, sizeof amount);
	draw_lr(y++, x, w, THEME_TOTAL, "TOTAL", amount);
	for (int i = 0; i < a->ticket.npayments; i++) {
		const struct payment *p = &a->ticket.payments[i];

		app_money(p->amount, amount, sizeof amount);
		if (p->tender == TENDER_CARD)
			snprintf(buf, sizeof buf, "Card %s ****%s", p->card.brand, p->card.last4);
		else
			snprintf(buf, sizeof buf, "Cash");
		draw_lr(y++, x, w, THEME_SUCCESS, buf, amount);
	}
	app_money(tt.due, amount, sizeof amount);
	draw_lr(y++, x, w, THEME_TOTAL, "DUE", amount);
	y++;
	if (a->card_wait) {
		app_money(a->card_amount, amount, sizeof amount);
		draw_textf(y++, x, w, THEME_WARNING, "SWIPE THE CARD for %s", amount);
		draw_text(y++, x, w, THEME_DIM, "(USB reader or keyboard wedge; Esc cancels)");
	} else {
		snprintf(buf, sizeof buf, "Amount> %s", a->f_amount.text);
		draw_fill(y, x, 1, w, THEME_INPUT_FOCUS);
		draw_text(y, x, w, THEME_INPUT_FOCUS, buf);
		term_cursor(y, x + text_width(buf));
		y += 2;
		draw_text(y++, x, w, THEME_DIM, "Enter with nothing typed: exact cash");
		n = ticket_cash_suggestions(tt.due, s, 4);
		buf[0] = '\0';
		for (int i = 0; i < n; i++) {
			app_money(s[i], amount, sizeof amount);
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%c %s",
			    i ? "   " : "", "asdf"[i], amount);
		}
		draw_text(y++, x, w, THEME_PRICE, buf);
		draw_text(y++, x, w, THEME_DIM, "c: card for the amount typed (or all due)");
	}
}

static void
draw_done(struct app *a)
{
	char amount[32], one[64];
	int y = 3, x = 4, w = term_cols() - 8;
	struct sale *x_sale = sales_by_entry(&a->sales, a->last_entry);

	app_money(a->last_change, amount, sizeof amount);
	draw_textf(y++, x, w, THEME_CHANGE, "CHANGE %s", amount);
	y++;
	draw_big(y, x, THEME_CHANGE, amount);
	y += 6;
	app_money(a->last_total, amount, sizeof amount);
	draw_textf(y++, x, w, THEME_NORMAL, "Total %s", amount);
	if (x_sale != NULL) {
		sales_display(x_sale, one, sizeof one);
		if (x_sale->state == SALE_DONE)
			draw_textf(y++, x, w, THEME_SUCCESS, "Order %s", one);
		else if (x_sale->state == SALE_REFUSED)
			draw_textf(y++, x, w, THEME_ERROR, "REFUSED %s: %s", x_sale->label,
			    x_sale->error);
		else
			draw_textf(y++, x, w, THEME_QUEUED, "Order %s", one);
	} else {
		draw_text(y++, x, w, THEME_NORMAL, a->last_what);
	}
	y++;
	draw_text(y++, x, w, THEME_DIM, "Type the next PLU to start the next order");
	draw_recent(a, y + 1, x, w);
}

static void
draw_dispatch(struct app *a)
{
	int y = 1, h = term_rows() - 3, w = term_cols();
	int first = 0, group = -1;
	char age[24], buf[200];

	floor_rebuild(a);
	if (a->dispatch.nrows == 0) {
		draw_text(y + 1, 2, w - 4, THEME_DIM, "Nothing to hand over: no order is READY, "
		    "out for delivery or waiting for payment");
		return;
	}
	if (a->dispatch.sel > h - 6)
		first = a->dispatch.sel - (h - 6);
	for (int i = first; i < a->dispatch.nrows && y < h; i++) {
		const struct dispatch_row *r = &a->dispatch.rows[i];
		bool pending = app_pending_for(a, r->id);

		if ((int)r->group != group) {
			group = (int)r->group;
			draw_fill(y, 0, 1, w, THEME_TITLE);
			draw_textf(y++, 0, w, THEME_TITLE, "%s (%d)", dispatch_group_title(r->group),
			    a->dispatch.counts[r->group]);
			if (y >= h)
				break;
		}
		age_text(a, r->since, age, sizeof age);
		snprintf(buf, sizeof buf, "  #%-4d %-22s %2d items  %7s  %s", r->number, r->who,
		    r->nitems, age, pending ? "sending..." : r->action >= 0 ?
		    dispatch_action_label(r) : "");
		draw_fill(y, 0, 1, w, i == a->dispatch.sel ? THEME_SELECTED : THEME_NORMAL);
		draw_text(y++, 0, w, i == a->dispatch.sel ? THEME_SELECTED : pending ?
		    THEME_PENDING : THEME_NORMAL, buf);
	}
}

static void
order_line(const struct order *o, char *buf, size_t size)
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

static void
draw_orders(struct app *a)
{
	static int vis[LIST_MAX];
	int n = floor_orders_visible(a, vis, LIST_MAX);
	int y = 1, h = term_rows() - 3, w = term_cols(), first = 0;
	char buf[256];

	snprintf(buf, sizeof buf, "Search> %s", a->f_filter.text);
	draw_fill(y, 0, 1, w, THEME_INPUT_FOCUS);
	draw_text(y, 0, w, THEME_INPUT_FOCUS, buf);
	term_cursor(y, text_width(buf));
	y++;
	draw_textf(y++, 0, w, THEME_DIM, "%d of %d orders today%s", n, a->norders,
	    a->orders_loading ? " (loading...)" : "");
	if (a->orders_sel > h - y - 1)
		first = a->orders_sel - (h - y - 1);
	for (int i = first; i < n && y < h; i++) {
		order_line(&a->orders[vis[i]], buf, sizeof buf);
		draw_fill(y, 0, 1, w, i == a->orders_sel ? THEME_SELECTED : THEME_NORMAL);
		draw_text(y++, 0, w, i == a->orders_sel ? THEME_SELECTED :
		    a->orders[vis[i]].status == STATUS_CANCELLED ? THEME_DIM : THEME_NORMAL, buf);
	}
}

static void
draw_order(struct app *a)
{
	const struct order *o = &a->detail;
	int y = 1, h = term_rows() - 3, w = term_cols();
	char buf[256], amount[32];

	order_line(o, buf, sizeof buf);
	draw_text(y++, 0, w, THEME_TITLE, buf);
	if (o->customer.phone[0] || o->customer.address[0])
		draw_textf(y++, 2, w - 2, THEME_NORMAL, "%s  %s", o->customer.phone,
		    o->customer.address);
	if (o->cancel_reason[0])
		draw_textf(y++, 2, w - 2, THEME_ERROR, "Cancelled: %s", o->cancel_reason);
	for (int i = 0; i < o->nitems && y < h - 8; i++) {
		app_money(o->items[i].line_total, amount, sizeof amount);
		snprintf(buf, sizeof buf, "  %d x %s", o->items[i].qty, o->items[i].name);
		draw_lr(y++, 0, w / 2, THEME_NORMAL, buf, amount);
	}
	app_money(o->total, amount, sizeof amount);
	draw_lr(y++, 0, w / 2, THEME_TOTAL, "  TOTAL", amount);
	y++;
	draw_text(y++, 0, w, THEME_TITLE, "History");
	for (int i = 0; i < o->nhistory && y < h; i++) {
		const struct order_change *c = &o->history[i];
		char when[16];
		time_t t = (time_t)(c->at / 1000);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		draw_textf(y++, 2, w - 2, THEME_NORMAL, "%s  %-16s %-10s by %s", when,
		    status_name(c->status), c->action >= 0 ?
		    action_name((enum order_action)c->action) : "create", c->by);
	}
}

static void
draw_attention(struct app *a)
{
	int y = 1, h = term_rows() - 3, w = term_cols();

	if (a->printers.attention > 0) {
		draw_textf(y++, 0, w, THEME_ERROR, "Print job cut off part way: %s  (^P reprint, "
		    "^D discard)", a->printers.attention_what);
		y++;
	}
	if (a->nattention == 0) {
		draw_text(y, 2, w - 4, THEME_DIM, "Nothing refused: every change went through");
		return;
	}
	draw_textf(y++, 0, w, THEME_TITLE, "%d refused by the server (nothing is dropped: "
	    "a manager sends it again, puts a sale back on the ticket, or dismisses it)",
	    a->nattention);
	for (int i = 0; i < a->nattention && y < h; i++) {
		const struct outbox_entry *e = &a->attention[i];
		enum theme_role role = i == a->attention_sel ? THEME_SELECTED : THEME_ERROR;

		draw_fill(y, 0, 1, w, role);
		draw_textf(y++, 0, w, role, "%-22s by %-6s HTTP %d  %s", e->kind, e->staff,
		    e->http_status, e->error);
	}
}

static void
draw_menu86(struct app *a)
{
	const struct menu *m = app_menu(a);
	int y = 1, h = term_rows() - 3, w = term_cols(), first = 0;

	if (m == NULL)
		return;
	if (a->menu_sel >= m->nitems)
		a->menu_sel = m->nitems > 0 ? m->nitems - 1 : 0;
	if (a->menu_sel > h - 2)
		first = a->menu_sel - (h - 2);
	for (int i = first; i < m->nitems && y < h; i++) {
		const struct menu_item *it = &m->items[i];
		enum theme_role role = i == a->menu_sel ? THEME_SELECTED : it->available ?
		    THEME_NORMAL : THEME_UNAVAILABLE;

		draw_fill(y, 0, 1, w, role);
		draw_textf(y++, 0, w, role, "%-6s %-28s %-10s %s", it->sku, it->name, it->category,
		    it->available ? "on the menu" : "86 (off)");
	}
}

static void
draw_reports(struct app *a)
{
	const struct day_report *r = &a->report;
	int y = 1, w = term_cols() / 2 + 10, h = term_rows() - 3;
	char amount[32], buf[128];
	static const char *const tender_words[TENDER_COUNT] = { "Cash (net of change)", "Card" };

	if (!a->have_report) {
		draw_text(y + 1, 2, w, THEME_DIM, a->report_loading ? "Loading..." :
		    "x: X report since the last Z close; z: close the day (Z)");
		return;
	}
	if (r->final)
		draw_textf(y++, 0, w, THEME_TITLE, "Z REPORT %d  (day closed)  %s", r->z_number,
		    r->business_day);
	else
		draw_textf(y++, 0, w, THEME_TITLE, "X REPORT  (since the last Z)  %s",
		    r->business_day);
	snprintf(buf, sizeof buf, "Orders %d", r->orders);
	draw_text(y++, 0, w, THEME_NORMAL, buf);
	app_money(r->subtotal, amount, sizeof amount);
	draw_lr(y++, 0, w, THEME_NORMAL, "Subtotal", amount);
	app_money(r->tax, amount, sizeof amount);
	draw_lr(y++, 0, w, THEME_NORMAL, "Tax", amount);
	app_money(r->total, amount, sizeof amount);
	draw_lr(y++, 0, w, THEME_TOTAL, "Total", amount);
	for (int t = 0; t < TENDER_COUNT; t++) {
		app_money(r->tender_total[t], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d", tender_words[t], r->tender_count[t]);
		draw_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
	app_money(r->change, amount, sizeof amount);
	draw_lr(y++, 0, w, THEME_NORMAL, "Change given", amount);
	for (int s = 0; s < SERVICE_COUNT; s++) {
		app_money(r->service_total[s], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d", service_name((enum service_type)s),
		    r->service_count[s]);
		draw_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
	app_money(r->cancelled_total, amount, sizeof amount);
	snprintf(buf, sizeof buf, "Cancelled x%d", r->cancelled);
	draw_lr(y++, 0, w, THEME_WARNING, buf, amount);
	draw_text(y++, 0, w, THEME_TITLE, "Items");
	for (int i = 0; i < r->nitems && y < h; i++) {
		app_money(r->items[i].total, amount, sizeof amount);
		snprintf(buf, sizeof buf, "%3d x %s", r->items[i].qty, r->items[i].name);
		draw_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
}

static void
draw_staff(struct app *a)
{
	int y = 1, w = term_cols(), i = 0;
	const cJSON *s;

	cJSON_ArrayForEach(s, a->staff_list) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "staff");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(s, "role");
		bool active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "active"));
		bool locked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "locked"));
		enum theme_role r = i == a->staff_sel ? THEME_SELECTED : active ? THEME_NORMAL :
		    THEME_DIM;

		if (y >= term_rows() - 3)
			break;
		draw_fill(y, 0, 1, w, r);
		draw_textf(y++, 0, w, r, "%-8s %-24s %-9s %s%s", cJSON_IsString(code) ?
		    code->valuestring : "?", cJSON_IsString(name) ? name->valuestring : "",
		    cJSON_IsString(role) ? role->valuestring : "", active ? "active" : "disabled",
		    locked ? ", locked" : "");
		i++;
	}
}

/* ---- overlays ---- */

static void
draw_search(struct app *a)
{
	const struct menu *m = app_menu(a);
	int y, x, h, w, first = 0;

	draw_dialog(term_rows() - 6, term_cols() * 2 / 3, "Find an item", THEME_DIALOG, &y, &x,
	    &h, &w);
	draw_fill(y, x, 1, w, THEME_INPUT_FOCUS);
	draw_textf(y, x, w, THEME_INPUT_FOCUS, "/%s", a->f_search.text);
	term_cursor(y, x + 1 + text_width(a->f_search.text));
	if (a->hit_sel > h - 3)
		first = a->hit_sel - (h - 3);
	for (int i = first, r = 2; i < a->nhits && r < h && m != NULL; i++, r++) {
		const struct menu_item *it = &m->items[a->hits[i]];
		char price[32], left[128];
		enum theme_role role = i == a->hit_sel ? THEME_SELECTED : it->available ?
		    THEME_DIALOG : THEME_UNAVAILABLE;

		app_money(it->price, price, sizeof price);
		snprintf(left, sizeof left, "%-5s %s%s", it->sku, it->name,
		    it->available ? "" : "  [86]");
		draw_lr(y + r, x, w, role, left, price);
	}
	if (a->nhits == 0 && a->f_search.len > 0)
		draw_text(y + 2, x, w, THEME_DIM, "nothing matches");
}

static void
draw_mods(struct app *a)
{
	const struct ticket_line *l = a->ticket.sel >= 0 ? &a->ticket.lines[a->ticket.sel] : NULL;
	const struct menu_item *it = l != NULL ? ticket_find_item(app_menu(a), l->sku) : NULL;
	int y, x, h, w;

	if (it == NULL)
		return;
	const struct modifier *md;
	bool offered;

	draw_dialog(menu_item_nmods(app_menu(a), it) + 4, 50, it->name, THEME_DIALOG,
	    &y, &x, &h, &w);
	for (int i = 0; (md = menu_item_mod(app_menu(a), it, i, NULL, &offered)) != NULL; i++) {
		char price[32];
		bool on = ticket_has_mod(l, md->code);

		if (offered)
			app_money(md->price, price, sizeof price);
		else
			xstrlcpy(price, "off", sizeof price);
		draw_fill(y + i, x, 1, w, i == a->mod_sel ? THEME_SELECTED : THEME_DIALOG);
		draw_textf(y + i, x, w, i == a->mod_sel ? THEME_SELECTED : THEME_DIALOG,
		    "[%c] %-28s %8s", on ? 'x' : ' ', md->name, price);
	}
}

static void
draw_input_dialog(const char *title, const char *label, const struct field *f)
{
	int y, x, h, w;

	draw_dialog(5, 64, title, THEME_DIALOG, &y, &x, &h, &w);
	draw_text(y, x, w, THEME_DIALOG, label);
	draw_fill(y + 1, x, 1, w, THEME_INPUT_FOCUS);
	draw_text(y + 1, x, w, THEME_INPUT_FOCUS, f->text);
	term_cursor(y + 1, x + text_width(f->text));
}

static void
draw_details(struct app *a)
{
	struct detail_row {
		const char *label;
		struct field *f;
	} rows[3];
	int n = 0, y, x, h, w;

	if (a->ticket.service == SERVICE_DINE_IN) {
		rows[n++] = (struct detail_row){ "Table", &a->f_table };
	} else {
		rows[n++] = (struct detail_row){ "Name", &a->f_name };
		if (a->ticket.service == SERVICE_DELIVERY) {
			rows[n++] = (struct detail_row){ "Phone", &a->f_phone };
			rows[n++] = (struct detail_row){ "Address", &a->f_address };
		}
	}
	draw_dialog(n * 2 + 3, 64, service_name(a->ticket.service), THEME_DIALOG, &y, &x, &h, &w);
	for (int i = 0; i < n; i++) {
		enum theme_role role = i == a->detail_focus ? THEME_INPUT_FOCUS : THEME_INPUT;

		draw_text(y + i * 2, x, 9, THEME_DIALOG, rows[i].label);
		draw_fill(y + i * 2, x + 9, 1, w - 9, role);
		draw_text(y + i * 2, x + 9, w - 9, role, rows[i].f->text);
		if (i == a->detail_focus)
			term_cursor(y + i * 2, x + 9 + text_width(rows[i].f->text));
	}
}

static void
draw_link(struct app *a)
{
	int y, x, h, w;

	draw_dialog(a->nlinks + 4 < 16 ? a->nlinks + 4 : 16, 60, "Link to an open order",
	    THEME_DIALOG, &y, &x, &h, &w);
	for (int i = 0; i < a->nlinks && i < h; i++) {
		const struct order *o = cache_find(a->cache, a->link_ids[i]);
		char buf[160];

		if (o == NULL)
			continue;
		order_line(o, buf, sizeof buf);
		draw_fill(y + i, x, 1, w, i == a->link_sel ? THEME_SELECTED : THEME_DIALOG);
		draw_text(y + i, x, w, i == a->link_sel ? THEME_SELECTED : THEME_DIALOG, buf);
	}
}

static void
draw_confirm(struct app *a)
{
	const char *const z[] = { "Close the day with a Z report?",
	    "The counts start again from zero after it.", "", "y: close the day   n: no" };
	const char *const d[] = { "Dismiss this refused change?",
	    "It will never be sent. Nothing else changes.", "", "y: dismiss   n: keep it" };

	if (a->confirm_action == 0)
		draw_message("Z report", z, 4, THEME_DIALOG);
	else
		draw_message("Dismiss", d, 4, THEME_DIALOG);
}

static void
draw_help(struct app *a)
{
	static const char *lines[96];
	static char text[96][96];
	const struct keytable *tabs[2];
	int n = 0;
	enum overlay keep = a->overlay;

	/* the help describes the screen under it */
	a->overlay = OVERLAY_NONE;
	tabs[0] = keys_current(a);
	tabs[1] = keys_global(a);
	a->overlay = keep;
	for (int t = 0; t < 2; t++) {
		for (int i = 0; tabs[t] != NULL && i < tabs[t]->n && n < 90; i++) {
			const struct binding *k = &tabs[t]->map[i];
			char name[32];

			if (k->what == NULL)
				continue;
			snprintf(text[n], sizeof text[n], "%-8s %s%s", k->name != NULL ? k->name :
			    input_key_name(k->key, name, sizeof name), k->what,
			    keys_role_ok(a, k) ? "" : " (managers)");
			lines[n] = text[n];
			n++;
		}
	}
	draw_message("Keys", lines, n, THEME_DIALOG);
}

void
view_draw(struct app *a)
{
	term_frame_begin();
	draw_header(a);
	switch (a->screen) {
	case SCREEN_LOGIN:
		draw_login(a);
		break;
	case SCREEN_ENTRY:
		draw_entry(a);
		break;
	case SCREEN_TENDER:
		draw_tender(a);
		break;
	case SCREEN_DONE:
		draw_done(a);
		break;
	case SCREEN_DISPATCH:
		draw_dispatch(a);
		break;
	case SCREEN_ORDERS:
		draw_orders(a);
		break;
	case SCREEN_ORDER:
		draw_order(a);
		break;
	case SCREEN_ATTENTION:
		draw_attention(a);
		break;
	case SCREEN_MENU:
		draw_menu86(a);
		break;
	case SCREEN_REPORTS:
		draw_reports(a);
		break;
	case SCREEN_STAFF:
		draw_staff(a);
		break;
	default:
		break;
	}
	switch (a->overlay) {
	case OVERLAY_SEARCH:
		draw_search(a);
		break;
	case OVERLAY_MODS:
		draw_mods(a);
		break;
	case OVERLAY_NOTE:
		draw_input_dialog("Note for the kitchen", "Note:", &a->f_note);
		break;
	case OVERLAY_DETAILS:
		draw_details(a);
		break;
	case OVERLAY_LINK:
		draw_link(a);
		break;
	case OVERLAY_REASON:
		draw_input_dialog("Cancel the order", "Why is it cancelled?", &a->f_reason);
		break;
	case OVERLAY_CONFIRM:
		draw_confirm(a);
		break;
	case OVERLAY_HELP:
		draw_help(a);
		break;
	default:
		break;
	}
	draw_msgline(a);
	draw_keybar(a);
	term_frame_end();
	a->dirty = false;
}
