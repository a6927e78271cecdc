/* overlay_link: the open orders of the ticket's service, to link the
 * ticket to one (or unlink it). */
#include "cache.h"
#include "draw.h"
#include "screens.h"
#include "view.h"

void
overlay_link_open(struct app *a, int key)
{
	a->nlinks = 0;
	for (int i = 0; a->cache != NULL && i < cache_norders(a->cache) && a->nlinks < HITS_MAX;
	    i++) {
		const struct order *o = cache_order(a->cache, i);

		if (o->service == a->ticket.service && status_is_open(o->status))
			a->link_ids[a->nlinks++] = o->id;
	}
	if (a->nlinks == 0) {
		app_say(a, THEME_WARNING, "No open %s order to link to",
		    service_name(a->ticket.service));
		return;
	}
	a->link_sel = 0;
	a->overlay = OVERLAY_LINK;
}

static void
link_move(struct app *a, int key)
{
	keys_list_move(&a->link_sel, a->nlinks, key);
}

static void
link_pick(struct app *a, int key)
{
	const struct order *o = a->cache != NULL && a->link_sel < a->nlinks ?
	    cache_find(a->cache, a->link_ids[a->link_sel]) : NULL;

	if (o == NULL) {
		app_say(a, THEME_ERROR, "That order is no longer open");
		a->overlay = OVERLAY_NONE;
		return;
	}
	ticket_link(&a->ticket, o->id, o->number);
	app_say(a, THEME_DIM, "Linked to #%d", o->number);
	a->overlay = OVERLAY_NONE;
}

static void
link_clear(struct app *a, int key)
{
	ticket_link(&a->ticket, 0, 0);
	a->overlay = OVERLAY_NONE;
}

static const struct binding link_map[] = {
	{ INPUT_ENTER, "Enter", "link", 0, link_pick },
	{ INPUT_UP, NULL, NULL, 0, link_move },
	{ INPUT_DOWN, "Up/Dn", "pick", 0, link_move },
	{ INPUT_DELETE, "Del", "unlink", 0, link_clear },
	{ INPUT_ESC, "Esc", "close", 0, keys_close_overlay },
};
const struct keytable overlay_link_keys = { link_map, KEYS_ROWS(link_map), NULL };

void
overlay_link_draw(struct app *a)
{
	int y, x, h, w;

	draw_dialog(a->nlinks + 4 < 16 ? a->nlinks + 4 : 16, 60, "Link to an open order",
	    THEME_DIALOG, &y, &x, &h, &w);
	for (int i = 0; i < a->nlinks && i < h; i++) {
		const struct order *o = cache_find(a->cache, a->link_ids[i]);
		char buf[160];

		if (o == NULL)
			continue;
		view_order_line(o, buf, sizeof buf);
		draw_fill(y + i, x, 1, w, i == a->link_sel ? THEME_SELECTED : THEME_DIALOG);
		draw_text(y + i, x, w, i == a->link_sel ? THEME_SELECTED : THEME_DIALOG, buf);
	}
}
