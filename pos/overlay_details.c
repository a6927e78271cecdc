/* overlay_details: what the service asks for: a table for dine-in, a
 * name for pickup, name, phone and address for delivery. */
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "text.h"

void
overlay_details_open(struct app *a, int key)
{
	field_set(&a->f_table, a->ticket.table);
	field_set(&a->f_name, a->ticket.customer.name);
	field_set(&a->f_phone, a->ticket.customer.phone);
	field_set(&a->f_address, a->ticket.customer.address);
	a->detail_focus = 0;
	a->overlay = OVERLAY_DETAILS;
}

struct detail_row {
	const char *label;
	struct field *f;
};

/* The fields the service asks for, in order, with their labels. */
static int
detail_rows(struct app *a, struct detail_row *out)
{
	switch (a->ticket.service) {
	case SERVICE_DINE_IN:
		out[0] = (struct detail_row){ "Table", &a->f_table };
		return 1;
	case SERVICE_PICKUP:
		out[0] = (struct detail_row){ "Name", &a->f_name };
		return 1;
	default:
		out[0] = (struct detail_row){ "Name", &a->f_name };
		out[1] = (struct detail_row){ "Phone", &a->f_phone };
		out[2] = (struct detail_row){ "Address", &a->f_address };
		return 3;
	}
}

static void
details_text(struct app *a, int key)
{
	struct detail_row rows[3];
	int n = detail_rows(a, rows);

	if (a->detail_focus < n && !field_put(rows[a->detail_focus].f, key))
		app_say(a, THEME_ERROR, "Too long");
}

static void
details_back(struct app *a, int key)
{
	struct detail_row rows[3];
	int n = detail_rows(a, rows);

	if (a->detail_focus < n)
		field_back(rows[a->detail_focus].f);
}

static void
details_move(struct app *a, int key)
{
	struct detail_row rows[3];
	int n = detail_rows(a, rows);

	a->detail_focus = (a->detail_focus + (key == INPUT_UP || key == INPUT_BACKTAB ?
	    n - 1 : 1)) % n;
}

static void
details_save(struct app *a, int key)
{
	struct detail_row rows[3];
	int n = detail_rows(a, rows);
	enum ticket_err e;

	if (a->detail_focus < n - 1) {
		a->detail_focus++;
		return;
	}
	if (a->ticket.service == SERVICE_DINE_IN)
		e = ticket_set_table(&a->ticket, a->f_table.text);
	else
		e = ticket_set_customer(&a->ticket, a->f_name.text,
		    a->ticket.service == SERVICE_DELIVERY ? a->f_phone.text : "",
		    a->ticket.service == SERVICE_DELIVERY ? a->f_address.text : "");
	if (e != TICKET_OK) {
		app_say_ticket_err(a, e, NULL);
		return;
	}
	a->overlay = OVERLAY_NONE;
}

static const struct binding details_map[] = {
	{ INPUT_ENTER, "Enter", "next / save", 0, details_save },
	{ INPUT_TAB, "Tab", "field", 0, details_move },
	{ INPUT_BACKTAB, NULL, NULL, 0, details_move },
	{ INPUT_UP, NULL, NULL, 0, details_move },
	{ INPUT_DOWN, NULL, NULL, 0, details_move },
	{ INPUT_BACKSPACE, NULL, NULL, 0, details_back },
	{ INPUT_ESC, "Esc", "cancel", 0, keys_close_overlay },
};
const struct keytable overlay_details_keys = { details_map, KEYS_ROWS(details_map),
	details_text };

void
overlay_details_draw(struct app *a)
{
	struct detail_row rows[3];
	int n = detail_rows(a, rows), y, x, h, w;

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
