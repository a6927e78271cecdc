/* overlay_form: a form of labelled fields (app->form) that a screen fills
 * in and sends to the server at once: Tab, Up and Down between fields,
 * Left and Right through a field's choices, Enter to send, Esc to cancel.
 * Nothing changes at the till until the server has taken the change; a
 * refusal is shown in the form with the server's words and the field it
 * names focused. Hidden fields (PINs) are wiped once sent or refused. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "log.h"
#include "screens.h"
#include "term.h"
#include "text.h"
#include "xalloc.h"

void
overlay_form_open(struct app *a, void (*submit)(struct app *a))
{
	a->form_submit = submit;
	a->form_note = NULL;
	a->form.focus = 0;
	a->form.error[0] = '\0';
	a->overlay = OVERLAY_FORM;
	app_dirty(a);
}

static void
form_close(struct app *a)
{
	form_free(&a->form);
	a->form.gen++;
	a->form_note = NULL;
	if (a->overlay == OVERLAY_FORM)
		a->overlay = OVERLAY_NONE;
	app_dirty(a);
}

void
overlay_form_fail(struct app *a, int field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->form.error, sizeof a->form.error, fmt, ap);
	va_end(ap);
	if (field >= 0 && field < a->form.n)
		a->form.focus = field;
	app_say(a, THEME_ERROR, "%s", a->form.error);
}

/* Every string in the body is wiped before the tree is freed: a PIN was
 * copied into it. */
static void
wipe_json(cJSON *j)
{
	for (cJSON *c = j; c != NULL; c = c->next) {
		if (cJSON_IsString(c) && c->valuestring != NULL)
			explicit_bzero(c->valuestring, strlen(c->valuestring));
		if (c->child != NULL)
			wipe_json(c->child);
	}
}

static struct form_send *
send_find(struct app *a, unsigned id)
{
	for (int i = 0; i < FORM_SENDS; i++)
		if (a->form_sends[i].id == id && id != 0)
			return &a->form_sends[i];
	return NULL;
}

/* The server's answer to a form. The form it came from may be gone (Esc
 * while it was on its way): then the message line says how it went. */
static void
on_form_answer(void *ctx, struct api_reply *r)
{
	struct app *a = app_main;
	struct form_send *fs = send_find(a, (unsigned)(uintptr_t)ctx);
	struct form_send copy;
	bool up;

	if (fs == NULL)
		return;
	copy = *fs;
	memset(fs, 0, sizeof *fs);
	up = copy.gen != 0 && a->overlay == OVERLAY_FORM && a->form.gen == copy.gen;
	if (up)
		a->form.sending = false;
	a->form_refusal[0] = '\0';
	if (r->err == API_OK) {
		if (up)
			form_close(a);
		if (copy.done != NULL)
			copy.done(a, copy.what, true, r->json);
		else
			app_say(a, THEME_SUCCESS, "%s: done", copy.what);
		app_dirty(a);
		return;
	}
	if (!api_err_transient(r->err) || r->status == 429) {
		char head[160];

		if (r->status != 429)
			xstrlcpy(a->form_refusal, r->code, sizeof a->form_refusal);
		if (r->field[0] != '\0')
			snprintf(head, sizeof head, "%s refused (%d %s, %s)", copy.what, r->status,
			    r->code, r->field);
		else
			snprintf(head, sizeof head, "%s refused (%d %s)", copy.what, r->status,
			    r->code);
		if (up) {
			snprintf(a->form.error, sizeof a->form.error, "%s: %s", head, r->message);
			if (!form_focus_key(&a->form, r->field))
				a->form.focus = 0;
		}
		if (copy.done != NULL)
			copy.done(a, copy.what, false, NULL);
		app_say(a, THEME_ERROR, "%s: %s", head, r->message);
		app_dirty(a);
		return;
	}
	if (up)
		snprintf(a->form.error, sizeof a->form.error,
		    "No answer from the server (%s): nothing can be changed until it is back",
		    r->message);
	if (copy.done != NULL)
		copy.done(a, copy.what, false, NULL);
	app_say(a, THEME_ERROR, "%s: no answer from the server (%s): it cannot be changed "
	    "until the server is back", copy.what, r->message);
	app_dirty(a);
}

int
overlay_form_send(struct app *a, const char *method, const char *path, cJSON *body,
    const char *what, void (*done)(struct app *a, const char *what, bool ok, const cJSON *answer))
{
	return overlay_form_send_key(a, method, path, body, NULL, what, done);
}

int
overlay_form_send_key(struct app *a, const char *method, const char *path, cJSON *body,
    const char *key, const char *what,
    void (*done)(struct app *a, const char *what, bool ok, const cJSON *answer))
{
	struct form_send *fs = NULL;
	bool in_form = a->overlay == OVERLAY_FORM;
	char *text;
	int rc;

	/* a free slot: the oldest forgotten when all are taken (its answer is
	 * then not said) */
	for (int i = 0; fs == NULL && i < FORM_SENDS; i++)
		if (a->form_sends[i].id == 0)
			fs = &a->form_sends[i];
	if (fs == NULL)
		fs = &a->form_sends[a->form_next_id % FORM_SENDS];
	text = cJSON_PrintUnformatted(body);
	if (text == NULL)
		abort();
	wipe_json(body);
	cJSON_Delete(body);
	if (in_form)
		form_drop_secrets(&a->form);
	if (++a->form_next_id == 0)
		a->form_next_id = 1;
	memset(fs, 0, sizeof *fs);
	fs->id = a->form_next_id;
	fs->gen = in_form ? a->form.gen : 0;
	fs->done = done;
	xstrlcpy(fs->what, what, sizeof fs->what);
	if (key != NULL)
		rc = session_request_key(a->s, method, path, text, key, on_form_answer,
		    (void *)(uintptr_t)fs->id);
	else
		rc = session_request(a->s, method, path, text, on_form_answer,
		    (void *)(uintptr_t)fs->id);
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc < 0) {
		memset(fs, 0, sizeof *fs);
		if (done != NULL)
			done(a, what, false, NULL);
		if (in_form)
			overlay_form_fail(a, -1, "%s: not logged in at the server: nothing was "
			    "sent", what);
		else
			app_say(a, THEME_ERROR, "%s: not logged in at the server: nothing was sent",
			    what);
		return -1;
	}
	log_info("%s: sent", what);
	if (in_form) {
		a->form.sending = true;
		a->form.error[0] = '\0';
	} else {
		app_say(a, THEME_PENDING, "%s: sent", what);
	}
	app_dirty(a);
	return 0;
}

static void
form_text(struct app *a, int key)
{
	if (a->form.sending)
		return;
	if (!form_put(&a->form, key) && !a->form.fields[a->form.focus].choice)
		app_say(a, THEME_ERROR, "%s: not here, or too long", a->form.fields[a->form.focus].label);
}

static void
form_backspace(struct app *a, int key)
{
	form_back(&a->form);
}

static void
form_next(struct app *a, int key)
{
	form_move(&a->form, key == INPUT_UP || key == INPUT_BACKTAB ? -1 : 1);
}

static void
form_pick(struct app *a, int key)
{
	form_cycle(&a->form, key == INPUT_LEFT ? -1 : 1);
}

static void
form_enter(struct app *a, int key)
{
	if (a->form.sending) {
		app_say(a, THEME_PENDING, "Waiting for the server's answer");
		return;
	}
	if (a->form_submit != NULL)
		a->form_submit(a);
}

static void
form_cancel(struct app *a, int key)
{
	form_close(a);
}

static const struct binding form_map[] = {
	{ INPUT_ENTER, "Enter", "send", 0, form_enter },
	{ INPUT_TAB, "Tab", "field", 0, form_next },
	{ INPUT_BACKTAB, NULL, NULL, 0, form_next },
	{ INPUT_UP, NULL, NULL, 0, form_next },
	{ INPUT_DOWN, NULL, NULL, 0, form_next },
	{ INPUT_LEFT, NULL, NULL, 0, form_pick },
	{ INPUT_RIGHT, "Left/Right", "choice", 0, form_pick },
	{ INPUT_BACKSPACE, NULL, NULL, 0, form_backspace },
	{ INPUT_ESC, "Esc", "cancel", 0, form_cancel },
};
const struct keytable overlay_form_keys = { form_map, KEYS_ROWS(form_map), form_text };

void
overlay_form_draw(struct app *a)
{
	const struct form *fm = &a->form;
	int y, x, h, w, lw = 14, cy = -1, cx = 0;
	size_t elen = strlen(fm->error);

	draw_dialog(fm->n + 5, 72, fm->title, THEME_DIALOG, &y, &x, &h, &w);
	for (int i = 0; i < fm->n && i < h; i++) {
		const struct form_field *ff = &fm->fields[i];
		enum theme_role role = i == fm->focus ? THEME_INPUT_FOCUS : THEME_INPUT;
		char shown[FIELD_MAX + 8];

		draw_text(y + i, x, lw, THEME_DIALOG, ff->label);
		if (ff->choice) {
			snprintf(shown, sizeof shown, "< %s >", form_value(fm, i));
		} else if (ff->f.masked) {
			size_t n = ff->f.len < sizeof shown - 1 ? ff->f.len : sizeof shown - 1;

			memset(shown, '*', n);
			shown[n] = '\0';
		} else {
			xstrlcpy(shown, ff->f.text, sizeof shown);
		}
		draw_fill(y + i, x + lw, 1, w - lw, role);
		draw_text(y + i, x + lw, w - lw, role, shown);
		if (i == fm->focus && !ff->choice) {
			cy = y + i;
			cx = x + lw + text_width(shown);
		}
	}
	/* what the screen works out from the fields (a refund's money) */
	if (a->form_note != NULL) {
		char note[160];

		note[0] = '\0';
		a->form_note(a, note, sizeof note);
		draw_text(y + fm->n, x, w, THEME_DIALOG, note);
	}
	/* the server's answer, over two lines when it is long */
	if (elen > 0) {
		size_t cut = text_fit(fm->error, w), sp = cut;

		/* the first line ends at a space when there is one far enough */
		while (cut < elen && sp > (size_t)w / 2 && fm->error[sp] != ' ')
			sp--;
		if (cut < elen && fm->error[sp] == ' ')
			cut = sp + 1;
		draw_textf(y + fm->n + 1, x, w, THEME_ERROR, "%.*s", (int)cut, fm->error);
		if (cut < elen)
			draw_text(y + fm->n + 2, x, w, THEME_ERROR, fm->error + cut);
	} else if (fm->sending) {
		draw_text(y + fm->n + 1, x, w, THEME_PENDING, "sending...");
	}
	if (cy >= 0)
		term_cursor(cy, cx);
}
