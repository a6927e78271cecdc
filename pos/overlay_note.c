/* overlay_note: the selected line's note for the kitchen. */
#include "screens.h"
#include "view.h"

void
overlay_note_open(struct app *a, int key)
{
	if (a->ticket.sel < 0) {
		app_say_ticket_err(a, TICKET_NO_LINE, NULL);
		return;
	}
	field_set(&a->f_note, a->ticket.lines[a->ticket.sel].note);
	a->overlay = OVERLAY_NOTE;
}

static void
note_text(struct app *a, int key)
{
	if (!field_put(&a->f_note, key))
		app_say(a, THEME_ERROR, "A note holds at most %d bytes", NOTE_MAX);
}

static void
note_back(struct app *a, int key)
{
	field_back(&a->f_note);
}

static void
note_save(struct app *a, int key)
{
	enum ticket_err e = ticket_set_note(&a->ticket, a->f_note.text);

	if (e != TICKET_OK) {
		app_say_ticket_err(a, e, NULL);
		return;
	}
	a->overlay = OVERLAY_NONE;
}

static const struct binding note_map[] = {
	{ INPUT_ENTER, "Enter", "save", 0, note_save },
	{ INPUT_BACKSPACE, NULL, NULL, 0, note_back },
	{ INPUT_ESC, "Esc", "cancel", 0, keys_close_overlay },
};
const struct keytable overlay_note_keys = { note_map, KEYS_ROWS(note_map), note_text };

void
overlay_note_draw(struct app *a)
{
	view_input_dialog("Note for the kitchen", "Note:", &a->f_note);
}
