/* screen_reports: the X report (since the last Z close), the Z close
 * that ends the day, and either printed. */
#include <stdio.h>

#include "codec.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "view.h"

static void
on_report(void *ctx, struct api_reply *r)
{
	struct app *a = ctx;
	struct codec_error err;

	a->report_loading = false;
	if (r->err != API_OK) {
		app_say(a, THEME_ERROR, "X report: %s", r->message);
		app_dirty(a);
		return;
	}
	report_free(&a->report);
	if (report_from_json(r->json, &a->report, &err) < 0) {
		a->have_report = false;
		app_say(a, THEME_ERROR, "The X report is not readable: %s", err.message);
	} else {
		a->have_report = true;
		app_say(a, THEME_SUCCESS, "X report: since the last Z close");
	}
	app_dirty(a);
}

static void
report_x(struct app *a, int key)
{
	a->report_loading = true;
	session_get(a->s, "/api/v1/reports/daily", on_report, a);
}

static void
z_yes(struct app *a)
{
	cJSON *body = cJSON_CreateObject();

	if (app_push(a, "POST", "/api/v1/reports/z", body, "z-close", "z-close", 0,
	    "Z close") > 0)
		app_say(a, THEME_PENDING, "Z close sent: the report prints when the server "
		    "answers");
	cJSON_Delete(body);
}

static const struct confirm z_confirm = {
	"Z report", "Close the day with a Z report?", "The counts start again from zero after it.",
	"y: close the day   n: no", z_yes
};

static void
report_z(struct app *a, int key)
{
	overlay_confirm_open(a, &z_confirm);
}

static void
report_print(struct app *a, int key)
{
	if (!a->have_report) {
		app_say(a, THEME_ERROR, "No report on screen: x for an X report");
		return;
	}
	if (a->spool == NULL || spool_report(a->spool, &a->report) < 0)
		app_say(a, THEME_ERROR, "No receipt printer (--printer)");
	else
		app_say(a, THEME_SUCCESS, "Printing the %s report", a->report.final ? "Z" : "X");
}

static void
report_text(struct app *a, int key)
{
	if (key == 'x' || key == 'X')
		report_x(a, key);
	else if (key == 'z' || key == 'Z')
		report_z(a, key);
	else if (key == 'p' || key == 'P')
		report_print(a, key);
}

static const struct binding reports_map[] = {
	{ 'x', "x", "X report", MANAGERS, report_x },
	{ 'z', "z", "Z close", MANAGERS, report_z },
	{ 'p', "p", "print", MANAGERS, report_print },
	{ INPUT_ESC, "Esc", "back", 0, keys_to_sale },
};
const struct keytable screen_reports_keys = { reports_map, KEYS_ROWS(reports_map), report_text };

void
screen_reports_enter(struct app *a)
{
	if (!a->have_report)
		report_x(a, 0);
}

/* Beside the figures: gross to net through each kind of correction,
 * refunds by tender, what is still owed, and the corrections by reason. */
static void
draw_corrections(struct app *a, int x, int w, int h)
{
	static const char *const kinds[CORRECTION_KIND_COUNT] = {
		[CORRECTION_VOID] = "Voids", [CORRECTION_DISCOUNT] = "Discounts",
		[CORRECTION_COMP] = "Comps", [CORRECTION_REFUND] = "Refunds",
	};
	const struct day_report *r = &a->report;
	char amount[32], buf[128];
	int y = 2;

	if (w < 24)
		return;
	draw_text(y++, x, w, THEME_TITLE, "Gross to net");
	app_money(r->gross, amount, sizeof amount);
	view_lr(y++, x, w, THEME_NORMAL, "Gross sales", amount);
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		app_money(r->corr_net[k], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d", kinds[k], r->corr_count[k]);
		view_lr(y++, x, w, r->corr_count[k] > 0 ? THEME_WARNING : THEME_DIM, buf, amount);
	}
	app_money(r->subtotal, amount, sizeof amount);
	view_lr(y++, x, w, THEME_NORMAL, "Net sales", amount);
	for (int t = 0; t < TENDER_COUNT; t++) {
		if (r->tender_refund_count[t] == 0)
			continue;
		app_money(r->tender_refunded[t], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s refunded x%d", t == TENDER_CASH ? "Cash" : "Card",
		    r->tender_refund_count[t]);
		view_lr(y++, x, w, THEME_NORMAL, buf, amount);
	}
	if (r->owed_back != 0) {
		app_money(r->owed_back, amount, sizeof amount);
		view_lr(y++, x, w, THEME_ERROR, "Owed back to guests", amount);
	}
	if (r->balance_due != 0) {
		app_money(r->balance_due, amount, sizeof amount);
		view_lr(y++, x, w, THEME_ERROR, "Still due from guests", amount);
	}
	if (r->nby_reason == 0)
		return;
	y++;
	draw_text(y++, x, w, THEME_TITLE, "By reason");
	for (int i = 0; i < r->nby_reason && y < h; i++) {
		app_money(r->by_reason[i].amount, amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d %s", correction_kind_name(r->by_reason[i].kind),
		    r->by_reason[i].count, r->by_reason[i].what);
		view_lr(y++, x, w, THEME_NORMAL, buf, amount);
	}
	y++;
	draw_text(y++, x, w, THEME_TITLE, "By staff");
	for (int i = 0; i < r->nby_staff && y < h; i++) {
		app_money(r->by_staff[i].amount, amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d %s", correction_kind_name(r->by_staff[i].kind),
		    r->by_staff[i].count, r->by_staff[i].what);
		view_lr(y++, x, w, THEME_NORMAL, buf, amount);
	}
}

void
screen_reports_draw(struct app *a)
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
	view_lr(y++, 0, w, THEME_NORMAL, "Subtotal", amount);
	app_money(r->tax, amount, sizeof amount);
	view_lr(y++, 0, w, THEME_NORMAL, "Tax", amount);
	app_money(r->total, amount, sizeof amount);
	view_lr(y++, 0, w, THEME_TOTAL, "Total", amount);
	for (int t = 0; t < TENDER_COUNT; t++) {
		app_money(r->tender_total[t], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d", tender_words[t], r->tender_count[t]);
		view_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
	app_money(r->change, amount, sizeof amount);
	view_lr(y++, 0, w, THEME_NORMAL, "Change given", amount);
	for (int s = 0; s < SERVICE_COUNT; s++) {
		app_money(r->service_total[s], amount, sizeof amount);
		snprintf(buf, sizeof buf, "%s x%d", service_name((enum service_type)s),
		    r->service_count[s]);
		view_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
	app_money(r->cancelled_total, amount, sizeof amount);
	snprintf(buf, sizeof buf, "Cancelled x%d", r->cancelled);
	view_lr(y++, 0, w, THEME_WARNING, buf, amount);
	draw_text(y++, 0, w, THEME_TITLE, "Items");
	for (int i = 0; i < r->nitems && y < h; i++) {
		app_money(r->items[i].total, amount, sizeof amount);
		snprintf(buf, sizeof buf, "%3d x %s", r->items[i].qty, r->items[i].name);
		view_lr(y++, 0, w, THEME_NORMAL, buf, amount);
	}
	draw_corrections(a, w + 2, term_cols() - w - 3, h);
}
