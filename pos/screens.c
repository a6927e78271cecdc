/* screens: the table of the till's screens and the table of its overlays;
 * the key router (keys.c) and the frame (view.c) go through them. */
#include "screens.h"

/* One row a screen: its title, key table, drawing, what it fetches when a
 * function key opens it, what it does when a function key leaves it, and
 * the roles that may see it (0: everyone). */
static const struct screen_def screens[SCREEN_COUNT] = {
	[SCREEN_LOGIN] = { "Log in", &screen_login_keys, screen_login_draw, NULL, NULL, 0 },
	[SCREEN_ENTRY] = { "Sale", &screen_entry_keys, screen_entry_draw, NULL, NULL, 0 },
	[SCREEN_TENDER] = { "Tender", &screen_tender_keys, screen_tender_draw, NULL, NULL, 0 },
	[SCREEN_DONE] = { "Paid", &screen_done_keys, screen_done_draw, NULL, screen_done_leave, 0 },
	[SCREEN_DISPATCH] = { "Dispatch", &screen_dispatch_keys, screen_dispatch_draw,
	    screen_dispatch_rebuild, NULL, ROLE_BIT(ROLE_WAITER) | MANAGERS },
	[SCREEN_ORDERS] = { "Today's orders", &screen_orders_keys, screen_orders_draw,
	    screen_orders_load, NULL, 0 },
	[SCREEN_ORDER] = { "Order", &screen_order_keys, screen_order_draw, NULL, NULL, 0 },
	[SCREEN_ATTENTION] = { "Needs attention", &screen_attention_keys, screen_attention_draw,
	    app_load_attention, NULL, 0 },
	[SCREEN_MENU] = { "Menu and 86 board", &screen_menu_keys, screen_menu_draw, NULL, NULL, MANAGERS },
	[SCREEN_REPORTS] = { "Reports", &screen_reports_keys, screen_reports_draw,
	    screen_reports_enter, NULL, MANAGERS },
	[SCREEN_STAFF] = { "Staff", &screen_staff_keys, screen_staff_draw, screen_staff_enter,
	    NULL, MANAGERS },
};

/* One row an overlay: its key table and its drawing, over the screen's. */
static const struct overlay_def overlays[OVERLAY_COUNT] = {
	[OVERLAY_SEARCH] = { &overlay_search_keys, overlay_search_draw },
	[OVERLAY_MODS] = { &overlay_mods_keys, overlay_mods_draw },
	[OVERLAY_NOTE] = { &overlay_note_keys, overlay_note_draw },
	[OVERLAY_DETAILS] = { &overlay_details_keys, overlay_details_draw },
	[OVERLAY_LINK] = { &overlay_link_keys, overlay_link_draw },
	[OVERLAY_REASON] = { &overlay_reason_keys, overlay_reason_draw },
	[OVERLAY_CONFIRM] = { &overlay_confirm_keys, overlay_confirm_draw },
	[OVERLAY_HELP] = { &overlay_help_keys, overlay_help_draw },
	[OVERLAY_FORM] = { &overlay_form_keys, overlay_form_draw },
	[OVERLAY_CARD] = { &overlay_card_keys, overlay_card_draw },
};

const struct screen_def *
screens_get(enum pos_screen s)
{
	return &screens[s];
}

const struct overlay_def *
screens_overlay(enum overlay o)
{
	return &overlays[o];
}

void
screens_open(struct app *a, enum pos_screen s)
{
	const struct screen_def *from = &screens[a->screen];

	if (from->leave != NULL)
		from->leave(a, s);
	app_go(a, s);
	if (screens[s].enter != NULL)
		screens[s].enter(a);
}
