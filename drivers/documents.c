/* documents: receipt, kitchen ticket, labels and reports as ESC/POS. */
#include "documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "storeinfo.h"
#include "utf8.h"
#include "xalloc.h"

static const char *const doc_service_names[SERVICE_COUNT] = {
	[SERVICE_DINE_IN] = "DINE IN",
	[SERVICE_PICKUP] = "PICKUP",
	[SERVICE_DELIVERY] = "DELIVERY",
};

static const char *const doc_tender_names[TENDER_COUNT] = {
	[TENDER_CASH] = "Cash",
	[TENDER_CARD] = "Card",
};

void
doc_config_init(struct doc_config *c)
{
	memset(c, 0, sizeof *c);
	xstrlcpy(c->name, "Brigade", sizeof c->name);
	xstrlcpy(c->footer[0], "Thank you!", sizeof c->footer[0]);
}

void
doc_config_store(struct doc_config *c, const struct doc_config *base,
    const struct store_info *si)
{
	int n = 0;

	memcpy(c->name, si->name[0] != '\0' ? si->name : base->name, sizeof c->name);
	memset(c->header, 0, sizeof c->header);
	for (int i = 0; i < si->naddress && n < DOC_LINES; i++)
		xstrlcpy(c->header[n++], si->address[i], sizeof c->header[0]);
	if (si->phone[0] != '\0' && n < DOC_LINES)
		snprintf(c->header[n++], sizeof c->header[0], "Tel %s", si->phone);
	if (si->tax_id[0] != '\0' && n < DOC_LINES)
		snprintf(c->header[n++], sizeof c->header[0], "Tax ID %s", si->tax_id);
	for (int i = 0; i < si->nheader && n < DOC_LINES; i++)
		xstrlcpy(c->header[n++], si->header[i], sizeof c->header[0]);
	if (n == 0)
		memcpy(c->header, base->header, sizeof c->header);
	if (si->nfooter > 0) {
		memset(c->footer, 0, sizeof c->footer);
		for (int i = 0; i < si->nfooter && i < DOC_LINES; i++)
			xstrlcpy(c->footer[i], si->footer[i], sizeof c->footer[0]);
	} else {
		memcpy(c->footer, base->footer, sizeof c->footer);
	}
}

/* Where the first paper line of s ends when a line holds cols columns:
 * at the last space that fits (the spaces dropped), inside a word only
 * when a word alone is wider than the line, and at a '\n' always. Never
 * inside a code point. Returns the bytes to print; *next is where the next
 * line starts ("" at the end). */
static size_t
doc_break(const struct profile *p, const char *s, int cols, const char **next)
{
	size_t nl = strcspn(s, "\n"), fit, lead = strspn(s, " ");
	char *seg = xstrndup(s, nl);

	fit = escpos_fit(p, seg, cols);
	free(seg);
	if (fit >= nl) {
		*next = s + nl + (s[nl] == '\n');
		return nl;
	}
	if (s[fit] != ' ') {
		size_t k = fit;

		while (k > lead && s[k - 1] != ' ')
			k--;
		if (k > lead)
			fit = k - 1;            /* the space before the word */
	}
	if (fit == 0) {                 /* one character wider than the line */
		const char *at = s;

		utf8_decode(&at, s + nl);
		fit = (size_t)(at - s);
	}
	*next = s + fit;
	while (**next == ' ')
		(*next)++;
	while (fit > lead && s[fit - 1] == ' ')
		fit--;
	return fit;
}

/* Text that never leaves the paper: s wrapped to the line at the current
 * character width, every line after the first indented by hang columns
 * (so "  + Extra" and "NOTE: " read as one block), and right (an amount,
 * or NULL) right-aligned on the last line, for which each line leaves
 * room. An amount too wide to share a line goes on a line of its own.
 * Nothing is ever cut: a real printer must never wrap what we send. */
static void
doc_put(struct escpos *e, const char *s, int hang, const char *right)
{
	const struct profile *p = e->profile;
	int cols = p->columns / e->width;
	int rl = right != NULL ? escpos_columns(p, right) : 0;
	int keep = right != NULL ? rl + 1 : 0;
	bool first = true;

	if (cols < 1)
		cols = 1;
	if (hang > cols / 2)
		hang = cols / 2;
	if (keep > 0 && cols - keep - hang < 8) {
		/* no room beside it: the text, then the amount under it */
		doc_put(e, s, hang, NULL);
		doc_put(e, "", 0, right);
		return;
	}
	do {
		int indent = first ? 0 : hang;
		const char *next;
		size_t n = doc_break(p, s, cols - indent - keep, &next);

		for (int i = 0; i < indent; i++)
			escpos_text(e, " ");
		escpos_textn(e, s, n);
		if (*next == '\0' && right != NULL) {
			char *piece = xstrndup(s, n);
			int used = indent + escpos_columns(p, piece);

			free(piece);
			for (int i = used; i < cols - rl; i++)
				escpos_text(e, " ");
			escpos_text(e, right);
		}
		escpos_text(e, "\n");
		s = next;
		first = false;
	} while (*s != '\0');
}

/* "left ........ right": the left side wrapped, the amount right-aligned
 * on its last line. */
static void
doc_lr(struct escpos *e, const char *left, const char *right)
{
	doc_put(e, left, 0, right);
}

/* A line of text, wrapped to the paper. */
static void
doc_line(struct escpos *e, const char *s)
{
	doc_put(e, s, 0, NULL);
}

/* lead then text, wrapped, the text's further lines under its first. */
static void
doc_hang(struct escpos *e, const char *lead, const char *text, const char *right)
{
	char *s = xasprintf("%s%s", lead, text);

	doc_put(e, s, escpos_columns(e->profile, lead), right);
	free(s);
}

static void
doc_rule(struct escpos *e, char ch)
{
	char line[128];
	int n = e->profile->columns < (int)sizeof line - 1 ? e->profile->columns : (int)sizeof line - 1;

	memset(line, ch, (size_t)n);
	line[n] = '\0';
	escpos_line(e, line);
}

static void
doc_money(const struct doc_config *c, money_t m, char *buf, size_t size)
{
	char num[32];

	/* -$9.50, not $-9.50 */
	money_format(m < 0 ? -m : m, num, sizeof num);
	snprintf(buf, size, "%s%s%s", m < 0 ? "-" : "", c != NULL ? c->currency : "", num);
}

/* Local time of ms: "2026-11-22 14:05" with the date, "14:05" without. */
static void
doc_time(int64_t ms, bool date, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	if (date)
		strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
	else
		strftime(buf, size, "%H:%M", &tm);
}

/* "PICKUP - Maria", "DINE IN - Table 5" */
static void
doc_service_line(const struct order *o, char *buf, size_t size)
{
	const char *who = o->service == SERVICE_DINE_IN && o->table[0] ? o->table :
	    o->customer.name;

	if ((unsigned)o->service >= SERVICE_COUNT) {
		snprintf(buf, size, "%s", who);
		return;
	}
	if (who[0] == '\0')
		snprintf(buf, size, "%s", doc_service_names[o->service]);
	else if (o->service == SERVICE_DINE_IN && o->table[0])
		snprintf(buf, size, "%s - Table %s", doc_service_names[o->service], who);
	else
		snprintf(buf, size, "%s - %s", doc_service_names[o->service], who);
}

static void
doc_qr_url(const struct doc_config *c, const struct order *o, char *out, size_t size)
{
	const char *s = c->qr_url;
	size_t n = 0;

	while (*s && n + 1 < size) {
		char num[24];
		const char *sub = NULL;

		if (strncmp(s, "{number}", 8) == 0) {
			snprintf(num, sizeof num, "%d", o->number);
			sub = num;
			s += 8;
		} else if (strncmp(s, "{id}", 4) == 0) {
			snprintf(num, sizeof num, "%lld", (long long)o->id);
			sub = num;
			s += 4;
		}
		if (sub != NULL) {
			for (; *sub && n + 1 < size; sub++)
				out[n++] = *sub;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
}

/* The server's daily number, large. An order it has not numbered yet
 * (number 0: a sale made while it was away) prints none: the till puts
 * its provisional number above, and a customer must never be handed a
 * number that another order will get. */
static void
doc_order_number(struct escpos *e, const struct order *o, int size)
{
	char num[24];

	if (o->number <= 0)
		return;
	snprintf(num, sizeof num, "#%d", o->number);
	escpos_align(e, ESCPOS_CENTER);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, size, size);
	escpos_line(e, num);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
}

static void
doc_logo(struct escpos *e, const struct doc_config *c)
{
	struct raster r;
	char err[256];

	if (c->logo[0] == '\0' || !profile_has(e->profile, PROFILE_IMAGE))
		return;
	if (image_load_png(c->logo, e->profile->dots, &r, err, sizeof err) < 0) {
		log_warn("logo left out: %s", err);
		return;
	}
	escpos_align(e, ESCPOS_CENTER);
	escpos_image(e, &r);
	raster_free(&r);
}

/* The service line ("DINE IN - Table 5", "DELIVERY - Maria"), and under
 * it a dine-in guest's name, which the table took the place of. */
static void
doc_service(struct escpos *e, const struct order *o)
{
	char buf[128];

	doc_service_line(o, buf, sizeof buf);
	doc_line(e, buf);
	if (o->service == SERVICE_DINE_IN && o->table[0] && o->customer.name[0])
		doc_line(e, o->customer.name);
}

/* A delivery's phone and whole address, left-aligned, for the driver who
 * reads them off the receipt, the ticket and the bag. */
static void
doc_delivery(struct escpos *e, const struct order *o)
{
	const struct customer *cu = &o->customer;

	if (o->service != SERVICE_DELIVERY)
		return;
	escpos_align(e, ESCPOS_LEFT);
	if (cu->phone[0])
		doc_hang(e, "Tel ", cu->phone, NULL);
	if (cu->address[0])
		doc_line(e, cu->address);
}

/* "8.25" for 825 basis points, "8" for 800. */
static void
doc_rate(int bp, char *buf, size_t size)
{
	size_t n;

	money_format(bp, buf, size);
	n = strlen(buf);
	if (n > 3 && strcmp(buf + n - 3, ".00") == 0)
		buf[n - 3] = '\0';
	else if (n > 3 && buf[n - 1] == '0')
		buf[n - 1] = '\0';
}

/* The tax lines: one per rate when the lines were sold at several rates
 * ("Tax 5.5%", "Tax 20%"), else one line with the order's rate, or the
 * shop's for an order whose lines carry none (an older server's). */
static void
doc_tax(struct escpos *e, const struct order *o, const struct doc_config *c)
{
	struct tax_tally *t = xmalloc(sizeof *t);
	char rate[32], left[48], amount[40];
	int bp = c->tax_rate_bp;

	tax_tally_init(t);
	/* what each line sells for: after its corrections, when it has any */
	for (int i = 0; i < o->nitems; i++)
		tax_tally_add(t, o->items[i].tax_bp, o->ncorrections > 0 ? o->items[i].net :
		    o->items[i].line_total);
	if (t->n > 1) {
		for (int k = 0; k < t->n; k++) {
			doc_rate(t->rate_bp[k], rate, sizeof rate);
			snprintf(left, sizeof left, "Tax %s%%", rate);
			doc_money(c, money_tax(t->base[k], t->rate_bp[k]), amount, sizeof amount);
			doc_lr(e, left, amount);
		}
		free(t);
		return;
	}
	if (t->n == 1 && t->rate_bp[0] > 0)
		bp = t->rate_bp[0];
	free(t);
	if (bp > 0) {
		doc_rate(bp, rate, sizeof rate);
		snprintf(left, sizeof left, "Tax %s%%", rate);
	} else {
		snprintf(left, sizeof left, "Tax");
	}
	doc_money(c, o->tax, amount, sizeof amount);
	doc_lr(e, left, amount);
}

/* "    Discount 10%  -1.90", "    Comp  -9.50" under a line (lead: the
 * indent), "Order discount  -2.50" for the order's (lead ""): what it
 * takes off; nothing when there is none. */
static void
doc_discount(struct escpos *e, const struct doc_config *c, const char *lead,
    const struct discount *d)
{
	char left[64], amount[40];
	bool order = lead[0] != ' ';

	if (!discount_set(d))
		return;

	if (d->comp)
		snprintf(left, sizeof left, "%s%s", lead, order ? "Order comp" : "Comp");
	else if (d->percent_bp > 0 && d->percent_bp % 100 == 0)
		snprintf(left, sizeof left, "%s%s %d%%", lead, order ? "Order discount" :
		    "Discount", d->percent_bp / 100);
	else if (d->percent_bp > 0)
		snprintf(left, sizeof left, "%s%s %d.%02d%%", lead, order ? "Order discount" :
		    "Discount", d->percent_bp / 100, d->percent_bp % 100);
	else
		snprintf(left, sizeof left, "%s%s", lead, order ? "Order discount" : "Discount");
	doc_money(c, -d->value, amount, sizeof amount);
	doc_lr(e, left, amount);
}

/* The shop's name, large, and its header lines, centred. */
static void
doc_shop_head(struct escpos *e, const struct doc_config *c)
{
	escpos_align(e, ESCPOS_CENTER);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 2, 2);
	doc_line(e, c->name);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	for (int i = 0; i < DOC_LINES; i++) {
		if (c->header[i][0])
			doc_line(e, c->header[i]);
	}
	escpos_feed(e, 1);
}

int
document_receipt(struct escpos *e, const struct order *o, const struct doc_config *c)
{
	char buf[128], left[160], amount[40];
	bool cash = false;

	doc_logo(e, c);
	doc_shop_head(e, c);
	doc_order_number(e, o, 2);
	doc_service(e, o);
	doc_time(o->created_at, true, buf, sizeof buf);
	if (o->staff[0]) {
		snprintf(left, sizeof left, "%s  %s", buf, o->staff);
		doc_line(e, left);
	} else {
		doc_line(e, buf);
	}
	escpos_align(e, ESCPOS_LEFT);
	doc_delivery(e, o);
	doc_rule(e, '-');
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];
		char qty[16];

		snprintf(qty, sizeof qty, "%d x ", it->qty);
		doc_money(c, it->line_total, amount, sizeof amount);
		doc_hang(e, qty, it->name, amount);
		for (int m = 0; m < it->nmods; m++)
			doc_hang(e, "    + ", it->mods[m].name, NULL);
		if (it->note[0])
			doc_hang(e, "    ! ", it->note, NULL);
		/* what was taken off since: the line adds up to what it sells for */
		if (it->voided > 0) {
			snprintf(left, sizeof left, "    Voided %d", it->voided);
			doc_money(c, -it->unit_price * it->voided, amount, sizeof amount);
			doc_lr(e, left, amount);
		}
		if (it->refunded > 0) {
			snprintf(left, sizeof left, "    Refunded %d", it->refunded);
			doc_money(c, -it->unit_price * it->refunded, amount, sizeof amount);
			doc_lr(e, left, amount);
		}
		doc_discount(e, c, "    ", &it->disc);
	}
	doc_rule(e, '-');
	doc_discount(e, c, "", &o->disc);
	doc_money(c, o->subtotal, amount, sizeof amount);
	doc_lr(e, "Subtotal", amount);
	doc_tax(e, o, c);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_money(c, o->total, amount, sizeof amount);
	doc_lr(e, "TOTAL", amount);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	for (int i = 0; i < o->npayments && i < PAYMENTS_MAX; i++) {
		const struct payment *p = &o->payments[i];

		const char *refund = p->kind == PAYMENT_REFUND ? "Refund " : "";

		if (p->tender == TENDER_CARD && p->card.last4[0])
			snprintf(left, sizeof left, "%sCard %s ****%s", refund,
			    p->card.brand[0] ? p->card.brand : "", p->card.last4);
		else
			snprintf(left, sizeof left, "%s%s", refund,
			    (unsigned)p->tender < TENDER_COUNT ? doc_tender_names[p->tender] : "?");
		if (p->tender == TENDER_CASH && p->kind != PAYMENT_REFUND)
			cash = true;
		/* money given back is money out, as the ledger has it */
		doc_money(c, p->kind == PAYMENT_REFUND ? -p->amount : p->amount, amount,
		    sizeof amount);
		doc_lr(e, left, amount);
		/* a card's approval code, the terminal's word that it went
		 * through: "approved" is printed with it and never without */
		if (p->tender == TENDER_CARD && p->approval[0]) {
			snprintf(left, sizeof left, "  %s, code %s",
			    p->kind == PAYMENT_REFUND ? "Refund approved" : "Approved", p->approval);
			doc_line(e, left);
		}
	}
	if (o->change > 0) {
		doc_money(c, o->change, amount, sizeof amount);
		doc_lr(e, "Change", amount);
	}
	if (o->status == STATUS_CANCELLED) {
		escpos_align(e, ESCPOS_CENTER);
		escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
		escpos_line(e, " CANCELLED ");
		escpos_style(e, 0);
		if (o->cancel_reason[0])
			doc_line(e, o->cancel_reason);
	}
	doc_rule(e, '-');
	escpos_align(e, ESCPOS_CENTER);
	/* a link to an order the server has not numbered would point at
	 * another order, or at none */
	if (c->qr_url[0] && (o->number > 0 || (strstr(c->qr_url, "{number}") == NULL &&
	    strstr(c->qr_url, "{id}") == NULL))) {
		char url[256];

		doc_qr_url(c, o, url, sizeof url);
		if (escpos_qr(e, url) < 0)
			doc_line(e, url);       /* a printer without QR: the link */
	}
	for (int i = 0; i < DOC_LINES; i++) {
		if (c->footer[i][0])
			doc_line(e, c->footer[i]);
	}
	escpos_align(e, ESCPOS_LEFT);
	escpos_cut(e, true);
	if (cash && c->kick_drawer)
		escpos_drawer(e, 2);
	return 0;
}

static bool
doc_station_match(const struct order_item *it, const char *station)
{
	return station == NULL || station[0] == '\0' || strcmp(it->station, station) == 0;
}

int
document_kitchen(struct escpos *e, const struct order *o, const char *station,
    int64_t now_ms)
{
	return document_kitchen_of(e, o, station, now_ms, NULL);
}

int
document_kitchen_of(struct escpos *e, const struct order *o, const char *station,
    int64_t now_ms, const struct doc_config *c)
{
	char buf[160], t1[16], t2[16];
	int n = 0;

	/* a line voided whole is not made: left out, as the kitchen screen
	 * strikes it */
	for (int i = 0; i < o->nitems; i++)
		n += doc_station_match(&o->items[i], station) &&
		    o->items[i].qty - o->items[i].voided > 0;
	if (n == 0)
		return -1;
	escpos_align(e, ESCPOS_CENTER);
	/* whose ticket it is (a kitchen cooking for several shops, a
	 * driver's pile); the address belongs on the receipt */
	if (c != NULL && c->name[0] != '\0')
		doc_line(e, c->name);
	if (station != NULL && station[0]) {
		escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
		snprintf(buf, sizeof buf, " %s ", station);
		doc_line(e, buf);
		escpos_style(e, 0);
	}
	doc_order_number(e, o, 3);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_service(e, o);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	doc_time(o->created_at, false, t1, sizeof t1);
	doc_time(now_ms, false, t2, sizeof t2);
	snprintf(buf, sizeof buf, "Ordered %s  Printed %s", t1, t2);
	doc_line(e, buf);
	escpos_align(e, ESCPOS_LEFT);
	doc_delivery(e, o);
	doc_rule(e, '=');
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		if (!doc_station_match(it, station) || it->qty - it->voided <= 0)
			continue;
		escpos_style(e, ESCPOS_BOLD);
		escpos_size(e, 2, 2);
		snprintf(buf, sizeof buf, "%d x ", it->qty - it->voided);
		doc_hang(e, buf, order_item_kitchen_name(it), NULL);
		escpos_style(e, 0);
		if (it->voided > 0) {
			/* what is left to make, and why it is fewer than ordered */
			escpos_size(e, 1, 1);
			snprintf(buf, sizeof buf, "   (%d ordered, %d voided)", it->qty, it->voided);
			doc_line(e, buf);
		}
		escpos_size(e, 1, 2);
		for (int m = 0; m < it->nmods; m++)
			doc_hang(e, "   + ", it->mods[m].name, NULL);
		escpos_size(e, 1, 1);
		if (it->note[0]) {
			/* notes are what cooks miss: white on black, every word */
			escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
			escpos_size(e, 1, 2);
			doc_hang(e, " NOTE: ", it->note, NULL);
			escpos_size(e, 1, 1);
			escpos_style(e, 0);
		}
	}
	doc_rule(e, '=');
	escpos_beep(e, 1);
	escpos_cut(e, false);
	return 0;
}

int
document_void_ticket(struct escpos *e, const struct order *o, const int *corr, int n,
    int64_t now_ms)
{
	const struct correction *first = NULL;
	char buf[200], t1[16], t2[16];
	bool mixed = false;

	for (int k = 0; k < n; k++) {
		const struct correction *c;

		if (corr[k] < 0 || corr[k] >= o->ncorrections)
			continue;
		c = &o->corrections[corr[k]];
		if (c->kind != CORRECTION_VOID || c->line < 0 || c->line >= o->nitems)
			continue;
		if (first == NULL)
			first = c;
		else if (strcmp(c->reason, first->reason) != 0 || strcmp(c->by, first->by) != 0 ||
		    strcmp(c->approved_by, first->approved_by) != 0)
			mixed = true;
	}
	if (first == NULL)
		return -1;
	escpos_align(e, ESCPOS_CENTER);
	escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
	escpos_size(e, 3, 3);
	escpos_line(e, " VOID ");
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	doc_order_number(e, o, 3);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_service(e, o);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	if (o->status == STATUS_CANCELLED) {
		escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
		doc_line(e, " ORDER CANCELLED: MAKE NOTHING OF IT ");
		escpos_style(e, 0);
	}
	escpos_align(e, ESCPOS_LEFT);
	doc_rule(e, '=');
	for (int k = 0; k < n; k++) {
		const struct correction *c;
		const struct order_item *it;

		if (corr[k] < 0 || corr[k] >= o->ncorrections)
			continue;
		c = &o->corrections[corr[k]];
		if (c->kind != CORRECTION_VOID || c->line < 0 || c->line >= o->nitems)
			continue;
		it = &o->items[c->line];
		escpos_style(e, ESCPOS_BOLD);
		escpos_size(e, 2, 2);
		snprintf(buf, sizeof buf, "%d x ", c->qty);
		doc_hang(e, buf, order_item_kitchen_name(it), NULL);
		escpos_style(e, 0);
		escpos_size(e, 1, 1);
		for (int m = 0; m < it->nmods; m++)
			doc_hang(e, "   + ", it->mods[m].name, NULL);
		if (order_item_left(it) > 0) {
			snprintf(buf, sizeof buf, "   still to make: %d of %d", order_item_left(it),
			    it->qty);
			doc_line(e, buf);
		}
		if (mixed) {
			snprintf(buf, sizeof buf, "   %s (%s%s%s)", c->reason, c->by,
			    c->approved_by[0] ? ", approved by " : "", c->approved_by);
			doc_line(e, buf);
		}
	}
	doc_rule(e, '=');
	if (!mixed) {
		escpos_style(e, ESCPOS_BOLD);
		doc_hang(e, "Reason: ", first->reason, NULL);
		escpos_style(e, 0);
		doc_hang(e, "Voided by: ", first->by, NULL);
		if (first->approved_by[0] != '\0')
			doc_hang(e, "Approved by: ", first->approved_by, NULL);
	}
	doc_time(first->at, false, t1, sizeof t1);
	doc_time(now_ms, false, t2, sizeof t2);
	snprintf(buf, sizeof buf, "Voided %s  Printed %s", t1, t2);
	doc_line(e, buf);
	escpos_beep(e, 2);
	escpos_cut(e, false);
	return 0;
}

int
document_labels(struct escpos *e, const struct order *o)
{
	char buf[160], t[16];
	int total = 0, n = 0;
	bool label = profile_has(e->profile, PROFILE_LABEL);

	/* a unit voided or refunded goes in no bag */
	for (int i = 0; i < o->nitems; i++)
		total += order_item_left(&o->items[i]) > 0 ? order_item_left(&o->items[i]) : 0;
	if (total == 0)
		return -1;
	doc_time(o->created_at, false, t, sizeof t);
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		for (int u = 0; u < order_item_left(it); u++) {
			char num[24], of[24];

			n++;
			if (o->number > 0)
				snprintf(num, sizeof num, "#%d", o->number);
			else
				num[0] = '\0';
			snprintf(of, sizeof of, "%d/%d", n, total);
			escpos_align(e, ESCPOS_LEFT);
			escpos_style(e, ESCPOS_BOLD);
			escpos_size(e, 2, 2);
			doc_lr(e, num, of);
			escpos_size(e, 1, 2);
			doc_line(e, it->name);
			escpos_size(e, 1, 1);
			escpos_style(e, 0);
			for (int m = 0; m < it->nmods; m++)
				doc_hang(e, "+ ", it->mods[m].name, NULL);
			if (it->note[0]) {
				escpos_style(e, ESCPOS_INVERSE);
				doc_hang(e, " ", it->note, NULL);
				escpos_style(e, 0);
			}
			doc_service_line(o, buf, sizeof buf);
			doc_lr(e, buf, t);
			doc_delivery(e, o);
			/* label stock aligns itself on the cut; receipt paper
			 * gets a partial cut (or a gap) between labels */
			if (label)
				escpos_cut(e, false);
			else if (n < total)
				escpos_cut(e, true);
			else
				escpos_cut(e, false);
		}
	}
	return n;
}

int
document_report(struct escpos *e, const struct day_report *r, const struct doc_config *c)
{
	static const char *const service_names[SERVICE_COUNT] = {
		[SERVICE_DINE_IN] = "Dine in",
		[SERVICE_PICKUP] = "Pickup",
		[SERVICE_DELIVERY] = "Delivery",
	};
	char buf[160], amount[40], when[32];

	escpos_align(e, ESCPOS_CENTER);
	escpos_style(e, ESCPOS_BOLD);
	doc_line(e, c->name);
	escpos_size(e, 2, 2);
	if (r->final)
		snprintf(buf, sizeof buf, "Z REPORT %d", r->z_number);
	else
		snprintf(buf, sizeof buf, "X REPORT");
	doc_line(e, buf);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	snprintf(buf, sizeof buf, "Business day %s", r->business_day);
	doc_line(e, buf);
	escpos_align(e, ESCPOS_LEFT);
	doc_rule(e, '-');
	/* the period starts at the first order when no day was closed yet;
	 * a report without one (an older server's "from":0) says so rather
	 * than printing 1970 */
	if (r->from_ms > 0)
		doc_time(r->from_ms, true, when, sizeof when);
	else
		snprintf(when, sizeof when, "first order");
	doc_lr(e, "From", when);
	doc_time(r->to_ms, true, when, sizeof when);
	doc_lr(e, "To", when);
	doc_time(r->printed_ms, true, when, sizeof when);
	doc_lr(e, "Printed", when);
	doc_rule(e, '-');
	snprintf(amount, sizeof amount, "%d", r->orders);
	doc_lr(e, "Orders", amount);
	/* gross, each kind of correction, net: they add up on paper */
	doc_money(c, r->gross, amount, sizeof amount);
	doc_lr(e, "Gross sales", amount);
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		static const char *const kind_names[CORRECTION_KIND_COUNT] = {
			[CORRECTION_VOID] = "Voids",
			[CORRECTION_DISCOUNT] = "Discounts",
			[CORRECTION_COMP] = "Comps",
			[CORRECTION_REFUND] = "Refunds",
		};

		if (r->corr_count[k] == 0)
			continue;
		snprintf(buf, sizeof buf, "%s (%d)", kind_names[k], r->corr_count[k]);
		doc_money(c, r->corr_net[k], amount, sizeof amount);
		doc_lr(e, buf, amount);
	}
	doc_money(c, r->subtotal, amount, sizeof amount);
	doc_lr(e, "Net sales", amount);
	doc_money(c, r->tax, amount, sizeof amount);
	doc_lr(e, "Tax", amount);
	escpos_style(e, ESCPOS_BOLD);
	doc_money(c, r->total, amount, sizeof amount);
	doc_lr(e, "TOTAL", amount);
	escpos_style(e, 0);
	doc_rule(e, '-');
	escpos_style(e, ESCPOS_UNDERLINE);
	escpos_line(e, "By tender");
	escpos_style(e, 0);
	for (int i = 0; i < TENDER_COUNT; i++) {
		snprintf(buf, sizeof buf, "%s (%d)", doc_tender_names[i], r->tender_count[i]);
		doc_money(c, r->tender_total[i], amount, sizeof amount);
		doc_lr(e, buf, amount);
		if (r->tender_refund_count[i] > 0) {
			snprintf(buf, sizeof buf, "  incl. refunds (%d)", r->tender_refund_count[i]);
			doc_money(c, -r->tender_refunded[i], amount, sizeof amount);
			doc_lr(e, buf, amount);
		}
	}
	/* cash above is net of change: the change given is what explains a
	 * drawer that took more notes than it holds */
	doc_money(c, r->change, amount, sizeof amount);
	doc_lr(e, "Change given", amount);
	escpos_style(e, ESCPOS_UNDERLINE);
	escpos_line(e, "By service");
	escpos_style(e, 0);
	for (int i = 0; i < SERVICE_COUNT; i++) {
		snprintf(buf, sizeof buf, "%s (%d)", service_names[i], r->service_count[i]);
		doc_money(c, r->service_total[i], amount, sizeof amount);
		doc_lr(e, buf, amount);
	}
	if (r->nitems > 0) {
		escpos_style(e, ESCPOS_UNDERLINE);
		escpos_line(e, "Items");
		escpos_style(e, 0);
		for (int i = 0; i < r->nitems; i++) {
			snprintf(buf, sizeof buf, "%4d ", r->items[i].qty);
			doc_money(c, r->items[i].total, amount, sizeof amount);
			doc_hang(e, buf, r->items[i].name, amount);
		}
	}
	if (r->nby_reason > 0) {
		static const char *const kind_words[CORRECTION_KIND_COUNT] = {
			[CORRECTION_VOID] = "Void", [CORRECTION_DISCOUNT] = "Disc",
			[CORRECTION_COMP] = "Comp", [CORRECTION_REFUND] = "Refund",
		};

		escpos_style(e, ESCPOS_UNDERLINE);
		escpos_line(e, "Corrections by reason");
		escpos_style(e, 0);
		for (int i = 0; i < r->nby_reason; i++) {
			snprintf(buf, sizeof buf, "%-6s %d ", kind_words[r->by_reason[i].kind],
			    r->by_reason[i].count);
			doc_money(c, r->by_reason[i].amount, amount, sizeof amount);
			doc_hang(e, buf, r->by_reason[i].what, amount);
		}
		escpos_style(e, ESCPOS_UNDERLINE);
		escpos_line(e, "Corrections by staff");
		escpos_style(e, 0);
		for (int i = 0; i < r->nby_staff; i++) {
			snprintf(buf, sizeof buf, "%-6s %d ", kind_words[r->by_staff[i].kind],
			    r->by_staff[i].count);
			doc_money(c, r->by_staff[i].amount, amount, sizeof amount);
			doc_hang(e, buf, r->by_staff[i].what, amount);
		}
	}
	doc_rule(e, '-');
	snprintf(buf, sizeof buf, "Cancelled (%d)", r->cancelled);
	doc_money(c, r->cancelled_total, amount, sizeof amount);
	doc_lr(e, buf, amount);
	/* money the period's orders still owe guests, or are owed: zero on a
	 * day where every correction was settled */
	if (r->owed_back != 0) {
		doc_money(c, r->owed_back, amount, sizeof amount);
		doc_lr(e, "Owed back to guests", amount);
	}
	if (r->balance_due != 0) {
		doc_money(c, r->balance_due, amount, sizeof amount);
		doc_lr(e, "Still due from guests", amount);
	}
	if (r->final) {
		escpos_align(e, ESCPOS_CENTER);
		escpos_style(e, ESCPOS_BOLD);
		escpos_line(e, "DAY CLOSED");
		escpos_style(e, 0);
		escpos_align(e, ESCPOS_LEFT);
	}
	escpos_cut(e, false);
	return 0;
}

void
document_banner(struct escpos *e, const char *what, const char *banner)
{
	if (banner == NULL || banner[0] == '\0')
		return;
	escpos_align(e, ESCPOS_CENTER);
	escpos_style(e, ESCPOS_BOLD | ESCPOS_INVERSE);
	doc_line(e, what);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 2, 2);
	doc_line(e, banner);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	escpos_align(e, ESCPOS_LEFT);
}

/* A barcode the model can print: CODE128 by GS k function B where it has
 * it, else CODE39 by function A (the 58 mm clones), whose characters the
 * test's data keeps to. */
static int
doc_test_barcode(struct escpos *e, const char *data)
{
	if (escpos_barcode(e, ESCPOS_CODE128, data) == 0)
		return 0;
	return escpos_barcode(e, ESCPOS_CODE39, data);
}

int
document_test(struct escpos *e, const struct doc_config *c)
{
	char line[160];

	escpos_align(e, ESCPOS_CENTER);
	escpos_size(e, 2, 2);
	doc_line(e, c->name);
	escpos_size(e, 1, 1);
	doc_line(e, "Printer test");
	escpos_align(e, ESCPOS_LEFT);
	snprintf(line, sizeof line, "Profile: %s (%d columns)", e->profile->name,
	    e->profile->columns);
	doc_line(e, line);
	escpos_style(e, ESCPOS_BOLD);
	doc_line(e, "Bold");
	escpos_style(e, ESCPOS_UNDERLINE);
	doc_line(e, "Underlined");
	escpos_style(e, ESCPOS_INVERSE);
	doc_line(e, "Inverse");
	escpos_style(e, 0);
	escpos_size(e, 2, 1);
	doc_line(e, "Double width");
	escpos_size(e, 1, 1);
	doc_line(e, "Café crème, Zoë, Ærø: €5.00 £3.00");
	if (doc_test_barcode(e, "BRIGADE-0042") < 0)
		doc_line(e, "(no barcodes on this model)");
	if (escpos_qr(e, "https://example.invalid/brigade") < 0)
		doc_line(e, "(no QR codes on this model)");
	escpos_cut(e, false);
	return 0;
}

void
doc_config_money(struct doc_config *c, int tax_bp, const char *currency)
{
	static const struct {
		const char *code, *sign;
	} signs[] = {
		{ "USD", "$" }, { "EUR", "\xe2\x82\xac" }, { "GBP", "\xc2\xa3" },
		{ "CAD", "$" }, { "AUD", "$" }, { "NZD", "$" }, { "JPY", "\xc2\xa5" },
		{ "CHF", "CHF " }, { "SEK", "kr " }, { "NOK", "kr " }, { "DKK", "kr " },
		{ "MXN", "$" },
	};

	c->tax_rate_bp = tax_bp;
	c->currency[0] = '\0';
	if (currency == NULL || currency[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++) {
		if (strcmp(signs[i].code, currency) == 0) {
			xstrlcpy(c->currency, signs[i].sign, sizeof c->currency);
			return;
		}
	}
	/* a currency without a sign we know: its code, as banks print it */
	snprintf(c->currency, sizeof c->currency, "%.3s ", currency);
}

/* The refund receipt: the order's latest refund (the refund corrections
 * and the ledger's refunds made at the same moment as the last of them):
 * the lines taken back, the money by tender (a card's last 4 and the
 * terminal's approval code), the reason, who gave it and who approved it.
 * Cash given back opens the drawer when the till is set to. Returns -1,
 * emitting nothing, when the order has no refund. */
int
document_refund(struct escpos *e, const struct order *o, const struct doc_config *c)
{
	const struct correction *last = NULL;
	char buf[128], left[160], amount[40];
	money_t total = 0;
	bool cash = false;

	for (int i = o->ncorrections - 1; i >= 0 && last == NULL; i--)
		if (o->corrections[i].kind == CORRECTION_REFUND)
			last = &o->corrections[i];
	if (last == NULL)
		return -1;
	doc_shop_head(e, c);
	escpos_style(e, ESCPOS_BOLD | ESCPOS_INVERSE);
	escpos_size(e, 2, 2);
	escpos_line(e, " REFUND ");
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	doc_order_number(e, o, 2);
	if (o->number <= 0 && o->provisional[0])
		doc_line(e, o->provisional);
	doc_service(e, o);
	doc_time(last->at, true, buf, sizeof buf);
	doc_line(e, buf);
	escpos_align(e, ESCPOS_LEFT);
	doc_rule(e, '-');
	for (int i = 0; i < o->ncorrections; i++) {
		const struct correction *co = &o->corrections[i];
		char qty[16];

		if (co->kind != CORRECTION_REFUND || co->at != last->at ||
		    strcmp(co->by, last->by) != 0 || co->line < 0 || co->line >= o->nitems)
			continue;
		snprintf(qty, sizeof qty, "%d x ", co->qty);
		doc_money(c, -(co->net + co->tax), amount, sizeof amount);
		doc_hang(e, qty, o->items[co->line].name, amount);
	}
	for (int i = 0; i < o->npayments && i < PAYMENTS_MAX; i++) {
		const struct payment *p = &o->payments[i];

		if (p->kind != PAYMENT_REFUND || p->at != last->at)
			continue;
		if (p->tender == TENDER_CARD)
			snprintf(left, sizeof left, "Card %s ****%s", p->card.brand, p->card.last4);
		else
			snprintf(left, sizeof left, "%s",
			    (unsigned)p->tender < TENDER_COUNT ? doc_tender_names[p->tender] : "?");
		if (p->tender == TENDER_CASH)
			cash = true;
		total += p->amount;
		doc_money(c, p->amount, amount, sizeof amount);
		doc_lr(e, left, amount);
		if (p->tender == TENDER_CARD && p->approval[0])
			doc_hang(e, "  Approval ", p->approval, NULL);
	}
	doc_rule(e, '-');
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_money(c, total, amount, sizeof amount);
	doc_lr(e, "REFUNDED", amount);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	if (last->reason[0])
		doc_hang(e, "Reason: ", last->reason, NULL);
	if (last->approved_by[0])
		snprintf(left, sizeof left, "By %s, approved by %s", last->by, last->approved_by);
	else
		snprintf(left, sizeof left, "By %s", last->by);
	doc_line(e, left);
	escpos_cut(e, true);
	if (cash && c->kick_drawer)
		escpos_drawer(e, 2);
	return 0;
}
