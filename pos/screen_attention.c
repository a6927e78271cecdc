/* screen_attention: what needs a person: changes the server refused
 * (send again, back on the ticket, dismiss) and print jobs cut off part
 * way (reprint, discard). */
#include "codec.h"
#include "draw.h"
#include "screens.h"
#include "term.h"
#include "xalloc.h"

static void
attention_move(struct app *a, int key)
{
	keys_list_move(&a->attention_sel, a->nattention, key);
}

static const struct outbox_entry *
attention_selected(const struct app *a)
{
	return a->attention_sel < a->nattention ? &a->attention[a->attention_sel] : NULL;
}

static void
attention_retry(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);
	char kind[sizeof e->kind];
	struct sale *x;
	int64_t id;

	if (e == NULL) {
		app_say(a, THEME_DIM, "Nothing needs attention");
		return;
	}
	if (e->id == a->rering_entry) {
		app_say(a, THEME_ERROR, "That sale is on the ticket again: finish it there, or "
		    "clear the ticket first");
		return;
	}
	/* the session's news may read the list again: e goes with it */
	id = e->id;
	xstrlcpy(kind, e->kind, sizeof kind);
	if (session_retry(a->s, id) != 0) {
		app_say(a, THEME_ERROR, "Could not send it again");
		return;
	}
	app_say(a, THEME_PENDING, "%s: sent again", kind);
	if ((x = sales_by_entry(&a->sales, id)) != NULL)
		x->state = SALE_QUEUED;
	app_load_attention(a);
}

static void
dismiss_yes(struct app *a)
{
	const struct outbox_entry *e = attention_selected(a);
	char kind[sizeof e->kind];
	struct sale *x;
	int64_t id;

	if (e == NULL)
		return;
	/* the session's news may read the list again: e goes with it */
	id = e->id;
	xstrlcpy(kind, e->kind, sizeof kind);
	if (session_dismiss(a->s, id) == 0) {
		app_say(a, THEME_WARNING, "%s dismissed: it will not be sent", kind);
		if ((x = sales_by_entry(&a->sales, id)) != NULL)
			x->state = SALE_DISMISSED;
	}
	app_load_attention(a);
}

static const struct confirm dismiss_confirm = {
	"Dismiss", "Dismiss this refused change?", "It will never be sent. Nothing else changes.",
	"y: dismiss   n: keep it", dismiss_yes
};

static void
attention_dismiss(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);

	if (e == NULL)
		return;
	overlay_confirm_open(a, &dismiss_confirm);
}

/* A refused sale back on the ticket: fix it (drop the 86'd item) and
 * ring it again; the refused entry is dismissed once the new one is
 * queued, and stays here if the ticket is cleared instead. The guest
 * paid when it was first rung: its payments come as already taken (the
 * cash is in the drawer, the card was charged), so the tender screen
 * asks only for what is still due or gives the change owed.
 * Its discounts and comps come with it, so that the guest pays what was
 * agreed; the manager's approval it carried does not (it was for that
 * sale's key, and may have run out): one over the limit of the person at
 * the till is approved again before the ticket goes to tender. */
static void
attention_reopen(struct app *a, int key)
{
	const struct outbox_entry *e = attention_selected(a);
	const struct menu *m = app_menu(a);
	struct codec_error err;
	struct ticket_again again;
	struct order o;
	cJSON *j;
	struct sale *x;
	char left[96] = "", paid[32], more[96] = "";
	money_t given_back = 0, sold;
	bool unknown = false;
	int64_t id;

	if (e == NULL || sales_kind_label(e->kind) == NULL) {
		app_say(a, THEME_ERROR, "Only a refused sale can go back on the ticket");
		return;
	}
	if (e->id == a->rering_entry) {
		app_say(a, THEME_WARNING, "That sale is on the ticket already");
		app_go(a, SCREEN_ENTRY);
		return;
	}
	if (a->rering_entry != 0 || a->ticket.npayments > 0) {
		app_say(a, THEME_ERROR, "Finish or clear the ticket first: it has payments");
		return;
	}
	j = cJSON_Parse(e->body);
	order_init(&o);
	if (j == NULL || order_request_from_json(j, &o, &err) < 0) {
		cJSON_Delete(j);
		order_free(&o);
		app_say(a, THEME_ERROR, "That entry cannot be read back");
		return;
	}
	cJSON_Delete(j);
	id = e->id;
	/* the change handed over then: as this till rang it up, or (its
	 * figures went with a restart) what the menu prices it at */
	if ((x = sales_by_entry(&a->sales, id)) != NULL && x->total > 0) {
		given_back = x->change;
	} else if (m != NULL && (sold = ticket_request_total(m, &o)) >= 0) {
		money_t paid_then = 0, cash = 0;

		for (int i = 0; i < o.npayments; i++) {
			paid_then += o.payments[i].amount;
			if (o.payments[i].tender == TENDER_CASH)
				cash += o.payments[i].amount;
		}
		given_back = paid_then > sold ? paid_then - sold : 0;
		given_back = given_back < cash ? given_back : cash;
	} else {
		unknown = true;
	}
	checkout_new_ticket(a);
	ticket_ring_again(&a->ticket, m, &o, &again);
	ticket_carry_payments(&a->ticket, &o, given_back);
	order_free(&o);
	a->rering_entry = id;
	app_go(a, SCREEN_ENTRY);
	if (a->ticket.ncarried > 0) {
		struct ticket_totals tt;

		ticket_totals(&a->ticket, &tt);
		app_money(tt.carried - a->ticket.given_back, paid, sizeof paid);
		snprintf(more, sizeof more, "; %s paid before", paid);
		if (unknown)
			snprintf(more, sizeof more, "; %s paid before (check the first receipt for "
			    "change given)", paid);
	}
	if (again.dropped > 0 || again.lost > 0)
		snprintf(left, sizeof left, " (left off: %d line%s off the menu, %d discount%s)",
		    again.dropped, again.dropped == 1 ? "" : "s", again.lost,
		    again.lost == 1 ? "" : "s");
	app_say(a, THEME_WARNING, "The refused sale is back on the ticket%s%s: check it, then "
	    "tender again%s", left, more, correct_ticket_approved(a) ? "" :
	    "; its discounts need a manager's approval");
}

static void
attention_print(struct app *a, int key)
{
	if (a->printers.attention == 0) {
		app_say(a, THEME_DIM, "No print job needs attention");
		return;
	}
	spool_resolve(a->spool, a->printers.attention_job, key == INPUT_CTRL('p'));
	app_say(a, THEME_SUCCESS, key == INPUT_CTRL('p') ? "Printing it again" : "Discarded");
}

static const struct binding attention_map[] = {
	{ INPUT_UP, NULL, NULL, 0, attention_move },
	{ INPUT_DOWN, "Up/Dn", "entry", 0, attention_move },
	{ INPUT_ENTER, "Enter", "send again", MANAGERS, attention_retry },
	{ INPUT_CTRL('o'), "^O", "sale back on ticket", MANAGERS, attention_reopen },
	{ INPUT_DELETE, "Del", "dismiss", MANAGERS, attention_dismiss },
	{ INPUT_CTRL('p'), "^P", "reprint job", 0, attention_print },
	{ INPUT_CTRL('d'), "^D", "discard job", 0, attention_print },
	{ INPUT_ESC, "Esc", "back", 0, keys_to_sale },
};
const struct keytable screen_attention_keys = { attention_map, KEYS_ROWS(attention_map), NULL };

void
screen_attention_draw(struct app *a)
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
