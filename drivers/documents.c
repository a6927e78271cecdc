/* documents: receipt, kitchen ticket, labels and reports as ESC/POS. */
#include "documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "storeinfo.h"
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

/* "left ........ right" on one line of `cols` columns (at the current
 * width multiplier); the left side is cut short, never the amount. */
static void
doc_lr(struct escpos *e, const char *left, const char *right)
{
	int cols = e->profile->columns / e->width;
	int rl = escpos_columns(e->profile, right);
	int room = cols - rl - 1;
	size_t lb;
	int ll;

	if (room < 0)
		room = 0;
	lb = escpos_fit(e->profile, left, room);
	escpos_textn(e, left, lb);
	{
		char *fitted = xstrndup(left, lb);

		ll = escpos_columns(e->profile, fitted);
		free(fitted);
	}
	for (int i = ll; i < cols - rl; i++)
		escpos_text(e, " ");
	escpos_line(e, right);
}

/* A line of text cut to the paper, so a long name never wraps into the
 * next field. */
static void
doc_line(struct escpos *e, const char *s)
{
	int cols = e->profile->columns / e->width;

	escpos_textn(e, s, escpos_fit(e->profile, s, cols));
	escpos_text(e, "\n");
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

	money_format(m, num, sizeof num);
	snprintf(buf, size, "%s%s", c != NULL ? c->currency : "", num);
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

int
document_receipt(struct escpos *e, const struct order *o, const struct doc_config *c)
{
	char buf[128], left[160], amount[40];
	bool cash = false;

	doc_logo(e, c);
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
	doc_order_number(e, o, 2);
	doc_service_line(o, buf, sizeof buf);
	doc_line(e, buf);
	doc_time(o->created_at, true, buf, sizeof buf);
	if (o->staff[0]) {
		snprintf(left, sizeof left, "%s  %s", buf, o->staff);
		doc_line(e, left);
	} else {
		doc_line(e, buf);
	}
	escpos_align(e, ESCPOS_LEFT);
	doc_rule(e, '-');
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		snprintf(left, sizeof left, "%d x %s", it->qty, it->name);
		doc_money(c, it->line_total, amount, sizeof amount);
		doc_lr(e, left, amount);
		for (int m = 0; m < it->nmods; m++) {
			snprintf(left, sizeof left, "    + %s", it->mods[m].name);
			doc_line(e, left);
		}
		if (it->note[0]) {
			snprintf(left, sizeof left, "    ! %s", it->note);
			doc_line(e, left);
		}
	}
	doc_rule(e, '-');
	doc_money(c, o->subtotal, amount, sizeof amount);
	doc_lr(e, "Subtotal", amount);
	if (c->tax_rate_bp > 0) {
		char rate[32];

		money_format(c->tax_rate_bp, rate, sizeof rate);
		/* trim "8.25" -> "8.25", "10.00" -> "10" */
		if (strcmp(rate + strlen(rate) - 3, ".00") == 0)
			rate[strlen(rate) - 3] = '\0';
		snprintf(left, sizeof left, "Tax %s%%", rate);
	} else {
		snprintf(left, sizeof left, "Tax");
	}
	doc_money(c, o->tax, amount, sizeof amount);
	doc_lr(e, left, amount);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_money(c, o->total, amount, sizeof amount);
	doc_lr(e, "TOTAL", amount);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	for (int i = 0; i < o->npayments && i < PAYMENTS_MAX; i++) {
		const struct payment *p = &o->payments[i];

		if (p->tender == TENDER_CARD && p->card.last4[0])
			snprintf(left, sizeof left, "Card %s ****%s",
			    p->card.brand[0] ? p->card.brand : "", p->card.last4);
		else
			snprintf(left, sizeof left, "%s",
			    (unsigned)p->tender < TENDER_COUNT ? doc_tender_names[p->tender] : "?");
		if (p->tender == TENDER_CASH)
			cash = true;
		doc_money(c, p->amount, amount, sizeof amount);
		doc_lr(e, left, amount);
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
	char buf[160], t1[16], t2[16];
	int n = 0;

	for (int i = 0; i < o->nitems; i++)
		n += doc_station_match(&o->items[i], station);
	if (n == 0)
		return -1;
	escpos_align(e, ESCPOS_CENTER);
	if (station != NULL && station[0]) {
		escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
		snprintf(buf, sizeof buf, " %s ", station);
		doc_line(e, buf);
		escpos_style(e, 0);
	}
	doc_order_number(e, o, 3);
	escpos_style(e, ESCPOS_BOLD);
	escpos_size(e, 1, 2);
	doc_service_line(o, buf, sizeof buf);
	doc_line(e, buf);
	escpos_size(e, 1, 1);
	escpos_style(e, 0);
	doc_time(o->created_at, false, t1, sizeof t1);
	doc_time(now_ms, false, t2, sizeof t2);
	snprintf(buf, sizeof buf, "Ordered %s  Printed %s", t1, t2);
	doc_line(e, buf);
	escpos_align(e, ESCPOS_LEFT);
	doc_rule(e, '=');
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		if (!doc_station_match(it, station))
			continue;
		escpos_style(e, ESCPOS_BOLD);
		escpos_size(e, 2, 2);
		snprintf(buf, sizeof buf, "%d x %s", it->qty, order_item_kitchen_name(it));
		doc_line(e, buf);
		escpos_style(e, 0);
		escpos_size(e, 1, 2);
		for (int m = 0; m < it->nmods; m++) {
			snprintf(buf, sizeof buf, "   + %s", it->mods[m].name);
			doc_line(e, buf);
		}
		escpos_size(e, 1, 1);
		if (it->note[0]) {
			/* notes are what cooks miss: white on black */
			escpos_style(e, ESCPOS_INVERSE | ESCPOS_BOLD);
			escpos_size(e, 1, 2);
			snprintf(buf, sizeof buf, " NOTE: %s ", it->note);
			doc_line(e, buf);
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
document_labels(struct escpos *e, const struct order *o)
{
	char buf[160], t[16];
	int total = 0, n = 0;
	bool label = profile_has(e->profile, PROFILE_LABEL);

	for (int i = 0; i < o->nitems; i++)
		total += o->items[i].qty > 0 ? o->items[i].qty : 0;
	if (total == 0)
		return -1;
	doc_time(o->created_at, false, t, sizeof t);
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		for (int u = 0; u < it->qty; u++) {
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
			for (int m = 0; m < it->nmods; m++) {
				snprintf(buf, sizeof buf, "+ %s", it->mods[m].name);
				doc_line(e, buf);
			}
			if (it->note[0]) {
				escpos_style(e, ESCPOS_INVERSE);
				snprintf(buf, sizeof buf, " %s ", it->note);
				doc_line(e, buf);
				escpos_style(e, 0);
			}
			doc_service_line(o, buf, sizeof buf);
			doc_lr(e, buf, t);
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
	doc_time(r->from_ms, true, when, sizeof when);
	doc_lr(e, "From", when);
	doc_time(r->to_ms, true, when, sizeof when);
	doc_lr(e, "To", when);
	doc_time(r->printed_ms, true, when, sizeof when);
	doc_lr(e, "Printed", when);
	doc_rule(e, '-');
	snprintf(amount, sizeof amount, "%d", r->orders);
	doc_lr(e, "Orders", amount);
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
	}
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
			snprintf(buf, sizeof buf, "%4d %s", r->items[i].qty, r->items[i].name);
			doc_money(c, r->items[i].total, amount, sizeof amount);
			doc_lr(e, buf, amount);
		}
	}
	doc_rule(e, '-');
	snprintf(buf, sizeof buf, "Cancelled (%d)", r->cancelled);
	doc_money(c, r->cancelled_total, amount, sizeof amount);
	doc_lr(e, buf, amount);
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
