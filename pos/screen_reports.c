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
}
