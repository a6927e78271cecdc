/* overlay_reason: why the order on the order screen is cancelled; Enter
 * sends the cancel. */
#include "screens.h"
#include "view.h"

void
overlay_reason_open(struct app *a, int key)
{
	if (!(lifecycle_allowed(a->role, false, a->detail.status, a->detail.service) &
	    (1u << ACTION_CANCEL))) {
		app_say(a, THEME_ERROR, "Order #%d is %s: only a PENDING or PAID order can be "
		    "cancelled", a->detail.number, status_name(a->detail.status));
		return;
	}
	field_clear(&a->f_reason);
	a->cancel_id = a->detail.id;
	a->cancel_version = a->detail.version;
	a->overlay = OVERLAY_REASON;
}

static void
reason_text(struct app *a, int key)
{
	if (!field_put(&a->f_reason, key))
		app_say(a, THEME_ERROR, "A reason holds at most %d bytes", REASON_MAX);
}

static void
reason_back(struct app *a, int key)
{
	field_back(&a->f_reason);
}

static void
reason_send(struct app *a, int key)
{
	if (field_empty(&a->f_reason)) {
		app_say(a, THEME_ERROR, "Say why the order is cancelled");
		return;
	}
	app_order_action(a, a->cancel_id, a->detail.number, a->cancel_version, ACTION_CANCEL,
	    a->f_reason.text);
	a->overlay = OVERLAY_NONE;
}

static const struct binding reason_map[] = {
	{ INPUT_ENTER, "Enter", "cancel the order", MANAGERS, reason_send },
	{ INPUT_BACKSPACE, NULL, NULL, 0, reason_back },
	{ INPUT_ESC, "Esc", "keep it", 0, keys_close_overlay },
};
const struct keytable overlay_reason_keys = { reason_map, KEYS_ROWS(reason_map), reason_text };

void
overlay_reason_draw(struct app *a)
{
	view_input_dialog("Cancel the order", "Why is it cancelled?", &a->f_reason);
}
