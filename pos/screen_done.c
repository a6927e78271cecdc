/* screen_done: the change due in big digits and the sale's number; the
 * next order starts by typing. */
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "view.h"

static void
done_next(struct app *a, int key)
{
	checkout_new_ticket(a);
	app_go(a, SCREEN_ENTRY);
}

static void
done_text(struct app *a, int key)
{
	done_next(a, key);
	screen_entry_text(a, key);
}

static const struct binding done_map[] = {
	{ INPUT_ENTER, "Enter", "next order", 0, done_next },
	{ INPUT_ESC, NULL, NULL, 0, done_next },
	{ INPUT_CTRL('r'), "^R", "reprint", 0, screen_entry_reprint },
};
const struct keytable screen_done_keys = { done_map, KEYS_ROWS(done_map), done_text };

/* F2 from here starts the next order too. */
void
screen_done_leave(struct app *a, enum pos_screen to)
{
	if (to == SCREEN_ENTRY)
		checkout_new_ticket(a);
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

void
screen_done_draw(struct app *a)
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
	view_recent(a, y + 1, x, w);
}
