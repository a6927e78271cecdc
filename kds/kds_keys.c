/* kds_keys: the key tables of each screen and what their commands do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "kds.h"
#include "keymap.h"
#include "labels.h"
#include "log.h"
#include "trace.h"
#include "xalloc.h"

enum kds_cmd {
	CMD_BUMP = 1,
	CMD_MOVE,
	CMD_PICK,
	CMD_RECALL,
	CMD_ALLDAY,
	CMD_STATION,
	CMD_FIND,
	CMD_QUIT,
	CMD_HELP,
	CMD_REDRAW,
};

/* The board's keys, in the key bar's order (what matters most first). */
static const struct keymap_entry board_keys[] = {
	{ { INPUT_ENTER, ' ' }, "Enter", "bump",
	    "Start a New order; bump a Preparing one; clear a VOID card (Space too)",
	    CMD_BUMP, 0 },
	{ { INPUT_UP, INPUT_DOWN, INPUT_LEFT, INPUT_RIGHT, 'h', 'j', 'k', 'l' }, "Arrows", "move",
	    "Move between cards and columns (h j k l too)", CMD_MOVE, 0 },
	{ { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, "1-9", "pick",
	    "Select the card with that number (bump bars send digits)", CMD_PICK, 0 },
	{ { 'r' }, "r", "recall", "Recall an order bumped lately back to Preparing", CMD_RECALL, 0 },
	{ { 'a' }, "a", "all-day", "All-day counts: how many of each item are open", CMD_ALLDAY, 0 },
	{ { 's' }, "s", "station", "Switch station (or all: the expo view)", CMD_STATION, 0 },
	{ { '/' }, "/", "find", "Find an order by its number", CMD_FIND, 0 },
	{ { 'q', INPUT_CTRL('c') }, "q", "quit", "Quit (asks first)", CMD_QUIT, 0 },
	{ { '?', INPUT_F1 }, "?", "help", "This help", CMD_HELP, KEYMAP_PINNED },
	{ { INPUT_CTRL('l') }, "^L", "redraw", "Redraw the screen", CMD_REDRAW, KEYMAP_HELP_ONLY },
};

static bool
may(const struct kds *k, enum order_action a, enum order_status from, enum service_type sv)
{
	return (lifecycle_allowed(kds_role(k), false, from, sv) & (1u << a)) != 0;
}

/* What Enter does to the selected card now: start, bump, clear (a VOID
 * card), or nothing. */
static const char *
bump_label(const struct kds *k)
{
	const struct board_card *c = board_selected(&k->board);

	if (c == NULL)
		return NULL;
	if (board_is_void(c))
		return "clear";
	if (c->status == STATUS_PAID)
		return may(k, ACTION_START, STATUS_PAID, c->service) ? "start" : NULL;
	if (c->status == STATUS_PREPARING)
		return may(k, ACTION_READY, STATUS_PREPARING, c->service) ? "bump" : NULL;
	return NULL;
}

static const char *
board_state(void *ctx, const struct keymap_entry *e)
{
	const struct kds *k = ctx;

	switch (e->command) {
	case CMD_BUMP:
		return bump_label(k);
	case CMD_MOVE:
	case CMD_PICK:
		return k->board.n > 0 ? e->label : NULL;
	case CMD_RECALL:
		return may(k, ACTION_RECALL, STATUS_READY, SERVICE_DINE_IN) ? e->label : NULL;
	default:
		return e->label;
	}
}

const struct keymap *
kds_keys_map(struct kds *k)
{
	static struct keymap km;

	km.entries = board_keys;
	km.n = (int)(sizeof board_keys / sizeof board_keys[0]);
	km.state = board_state;
	km.ctx = k;
	return &km;
}

/* --- commands ----------------------------------------------------------- */

static void
bump(struct kds *k)
{
	const struct board_card *c = board_selected(&k->board);
	const char *what = bump_label(k);
	int64_t id;
	int number;
	bool to_ready = false;
	enum service_type service;
	int64_t rc;

	if (c == NULL || what == NULL)
		return;
	id = c->id;
	number = c->number;
	service = c->service;
	if (board_is_void(c)) {
		/* the chef has seen it: nothing goes to the server */
		board_clear_void(&k->board, id);
		kds_save_voids(k);   /* cleared for good, a restart too */
		log_info("VOID card #%d cleared", number);
		kds_note(k, THEME_SUCCESS, "VOID #%d cleared", number);
		return;
	}
	board_clear_refusal(&k->board, id);
	if (c->status == STATUS_PAID) {
		if (session_act(k->s, id, ACTION_START, NULL) < 0)
			kds_note(k, THEME_ERROR, "#%d: %s", number, session_state(k->s)->error);
		return;
	}
	if (board_is_expo(&k->board)) {
		to_ready = true;
		rc = session_act(k->s, id, ACTION_READY, NULL);
	} else {
		/* the order is ready when this station was the last one (a
		 * line voided whole is nothing to wait for) */
		bool others_void = false;

		to_ready = true;
		for (int i = 0; i < c->nitems; i++) {
			const struct board_item *it = &c->items[i];

			if (it->done || strcmp(it->station, k->board.station) == 0)
				continue;
			if (board_item_left(it) > 0)
				to_ready = false;
			else
				others_void = true;
		}
		/* the server waits for every line's station: when the others
		 * left only voided lines, this bump is the order's */
		if (to_ready && others_void)
			rc = session_act(k->s, id, ACTION_READY, NULL);
		else
			rc = session_items_done(k->s, id, k->board.station);
	}
	if (rc < 0) {
		kds_note(k, THEME_ERROR, "#%d: %s", number, session_state(k->s)->error);
		return;
	}
	if (to_ready && k->labels != NULL && service != SERVICE_DINE_IN)
		kds_labels_bumped(k, id);
}

static void
open_recall(struct kds *k)
{
	int idx[200], n = board_recall_list(&k->board, kds_now(k), idx, 200);
	int64_t now = kds_now(k);

	listbox_free(&k->list);
	listbox_init(&k->list, "Recall a bumped order");
	snprintf(k->list.empty, sizeof k->list.empty, "nothing bumped in the last %lld min",
	    (long long)(k->board.recall_window_ms / 60000));
	snprintf(k->list.footer, sizeof k->list.footer, "Enter: back to Preparing   Esc: close");
	for (int i = 0; i < n; i++) {
		const struct board_card *c = &k->board.cards[idx[i]];
		char sv[96];
		int64_t ago = (now - c->ready_at) / 1000;

		if (ago < 0)
			ago = 0;
		listbox_add(&k->list, c->id, c->pending ? THEME_PENDING : THEME_DIALOG,
		    "#%-4d %-22s bumped %lld:%02lld ago%s", c->number,
		    board_service_text(c, sv, sizeof sv), (long long)(ago / 60),
		    (long long)(ago % 60), c->pending ? "  (pending)" : "");
	}
	k->mode = KDS_RECALL;
}

static void
open_allday(struct kds *k)
{
	struct board_count counts[128];
	int n = board_all_day(&k->board, counts, 128);

	listbox_free(&k->list);
	listbox_init(&k->list, board_is_expo(&k->board) ? "All day: every station" :
	    "All day");
	if (!board_is_expo(&k->board))
		snprintf(k->list.title, sizeof k->list.title, "All day: %s", k->board.station);
	snprintf(k->list.empty, sizeof k->list.empty, "nothing open");
	snprintf(k->list.footer, sizeof k->list.footer, "items not yet done   Esc: close");
	for (int i = 0; i < n; i++)
		listbox_add(&k->list, i, THEME_DIALOG, "%4d  %s", counts[i].qty, counts[i].name);
	k->mode = KDS_ALLDAY;
}

static void
add_station(struct listbox *lb, const char *name, char seen[][STATION_MAX + 1], int *nseen)
{
	if (name[0] == '\0')
		return;
	for (int i = 0; i < *nseen; i++) {
		if (strcmp(seen[i], name) == 0)
			return;
	}
	if (*nseen >= 32)
		return;
	xstrlcpy(seen[(*nseen)++], name, STATION_MAX + 1);
	listbox_add(lb, *nseen, THEME_DIALOG, "%s", name);
}

static void
open_station(struct kds *k)
{
	const struct menu *m = cache_menu(session_cache(k->s));
	char seen[32][STATION_MAX + 1];
	int nseen = 0;

	listbox_free(&k->list);
	listbox_init(&k->list, "Switch station");
	snprintf(k->list.footer, sizeof k->list.footer, "Enter: switch   Esc: close");
	listbox_add(&k->list, 0, THEME_DIALOG, "all (expo: every station)");
	for (int i = 0; i < m->nitems; i++)
		add_station(&k->list, m->items[i].station, seen, &nseen);
	for (int i = 0; i < k->board.n; i++) {
		for (int j = 0; j < k->board.cards[i].nitems; j++)
			add_station(&k->list, k->board.cards[i].items[j].station, seen, &nseen);
	}
	/* the current one selected */
	for (int i = 1; i < k->list.n; i++) {
		if (strcmp(k->list.items[i].text, k->board.station) == 0)
			listbox_select_tag(&k->list, k->list.items[i].tag);
	}
	k->mode = KDS_STATION;
}

static void
open_find(struct kds *k)
{
	form_init(&k->find, "Find an order");
	form_add(&k->find, "Number", 5, FORM_DIGITS, FORM_REQUIRED);
	k->mode = KDS_FIND;
}

static void
find(struct kds *k, int number)
{
	const struct board_card *c = board_find_number(&k->board, number);

	k->mode = KDS_BOARD;
	if (c == NULL) {
		kds_note(k, THEME_WARNING, "no open order #%d", number);
		return;
	}
	if (board_card_column(&k->board, c) >= 0) {
		board_select_id(&k->board, c->id);
		kds_note(k, THEME_SUCCESS, "order #%d", number);
	} else if (c->status == STATUS_READY) {
		kds_note(k, THEME_WARNING, "order #%d is ready (bumped): r recalls it", number);
	} else {
		kds_note(k, THEME_WARNING, "order #%d has nothing for this station", number);
	}
}

void
kds_keys_open_login(struct kds *k, const char *message, enum theme_role role)
{
	char staff[STAFF_MAX + 1];

	xstrlcpy(staff, form_value(&k->login, 0), sizeof staff);
	if (k->login.nfields == 0)
		staff[0] = '\0';
	form_wipe(&k->login);
	form_init(&k->login, "Brigade KDS: sign in");
	form_add(&k->login, "Staff code", STAFF_MAX, FORM_ID, FORM_REQUIRED);
	form_add(&k->login, "PIN", 12, FORM_DIGITS, FORM_REQUIRED | FORM_MASKED);
	if (staff[0] != '\0') {
		form_set_value(&k->login, 0, staff);
		form_focus(&k->login, 1);
	}
	if (message != NULL && message[0] != '\0')
		form_set_message(&k->login, role, "%s", message);
	k->mode = KDS_LOGIN;
	kds_dirty(k);
}

/* --- per screen ------------------------------------------------------------ */

static void
board_key(struct kds *k, int key)
{
	const struct keymap_entry *e = keymap_lookup(kds_keys_map(k), key);

	if (e == NULL)
		return;
	switch (e->command) {
	case CMD_BUMP:
		bump(k);
		break;
	case CMD_MOVE:
		if (key == INPUT_UP || key == 'k')
			board_move(&k->board, BOARD_UP);
		else if (key == INPUT_DOWN || key == 'j')
			board_move(&k->board, BOARD_DOWN);
		else if (key == INPUT_LEFT || key == 'h')
			board_move(&k->board, BOARD_LEFT);
		else
			board_move(&k->board, BOARD_RIGHT);
		break;
	case CMD_PICK:
		board_select_position(&k->board, key - '0');
		break;
	case CMD_RECALL:
		open_recall(k);
		break;
	case CMD_ALLDAY:
		open_allday(k);
		break;
	case CMD_STATION:
		open_station(k);
		break;
	case CMD_FIND:
		open_find(k);
		break;
	case CMD_QUIT:
		k->mode = KDS_QUIT;
		break;
	case CMD_HELP:
		k->help_top = 0;
		k->mode = KDS_HELP;
		break;
	case CMD_REDRAW:
		k->header.note[0] = '\0';
		k->full_redraw = true;
		break;
	}
}

static void
recall_key(struct kds *k, int key)
{
	const struct listbox_item *it;

	switch (listbox_key(&k->list, key)) {
	case LISTBOX_CHOSEN:
		it = listbox_selected(&k->list);
		if (it != NULL && may(k, ACTION_RECALL, STATUS_READY, SERVICE_DINE_IN)) {
			int64_t id = it->tag;

			board_clear_refusal(&k->board, id);
			if (session_act(k->s, id, ACTION_RECALL, NULL) >= 0) {
				board_layout(&k->board, k->board.width, k->board.height);
				board_select_id(&k->board, id);
			}
		}
		k->mode = KDS_BOARD;
		break;
	case LISTBOX_CANCEL:
		k->mode = KDS_BOARD;
		break;
	default:
		if (key == 'r')
			k->mode = KDS_BOARD;
		break;
	}
}

static void
allday_key(struct kds *k, int key)
{
	enum listbox_result r = listbox_key(&k->list, key);

	if (r == LISTBOX_CANCEL || r == LISTBOX_CHOSEN || key == 'a')
		k->mode = KDS_BOARD;
}

static void
station_key(struct kds *k, int key)
{
	const struct listbox_item *it;

	switch (listbox_key(&k->list, key)) {
	case LISTBOX_CHOSEN:
		it = listbox_selected(&k->list);
		if (it != NULL) {
			board_set_station(&k->board, it->tag == 0 ? "" : it->text);
			xstrlcpy(k->cfg.station, k->board.station, sizeof k->cfg.station);
			kds_context(k);
			log_info("station now %s", board_is_expo(&k->board) ? "all" : k->board.station);
		}
		k->mode = KDS_BOARD;
		break;
	case LISTBOX_CANCEL:
		k->mode = KDS_BOARD;
		break;
	default:
		if (key == 's')
			k->mode = KDS_BOARD;
		break;
	}
}

static void
find_key(struct kds *k, int key)
{
	switch (form_key(&k->find, key)) {
	case FORM_SUBMIT:
		find(k, atoi(form_value(&k->find, 0)));
		break;
	case FORM_CANCEL:
		k->mode = KDS_BOARD;
		break;
	default:
		break;
	}
}

static void
login_key(struct kds *k, int key)
{
	if (key == INPUT_CTRL('c')) {
		k->mode = KDS_QUIT;
		return;
	}
	switch (form_key(&k->login, key)) {
	case FORM_SUBMIT:
		form_set_message(&k->login, THEME_DIALOG, "Signing in as %s...",
		    form_value(&k->login, 0));
		k->login.busy = true;
		session_login(k->s, form_value(&k->login, 0), form_value(&k->login, 1));
		form_clear(&k->login, 1);
		break;
	case FORM_CANCEL:
		k->mode = KDS_QUIT;
		break;
	default:
		break;
	}
}

static void
quit_key(struct kds *k, int key)
{
	if (key == 'y' || key == 'Y' || key == INPUT_ENTER) {
		k->running = false;
		loop_stop(k->loop);
	} else if (key == 'n' || key == 'N' || key == INPUT_ESC || key == 'q') {
		k->mode = session_has_credentials(k->s) || session_state(k->s)->conn !=
		    SESSION_SIGNED_OUT ? KDS_BOARD : KDS_LOGIN;
		if (k->mode == KDS_LOGIN && k->login.nfields == 0)
			kds_keys_open_login(k, NULL, THEME_DIALOG);
	}
}

static void
help_key(struct kds *k, int key)
{
	if (key == INPUT_DOWN || key == 'j')
		k->help_top++;
	else if (key == INPUT_UP || key == 'k')
		k->help_top = k->help_top > 0 ? k->help_top - 1 : 0;
	else
		k->mode = KDS_BOARD;
}

/* A tap on the board: a card selects it, a double tap on the selected
 * card is Enter on it (start or bump), a key bar entry is its key. Over
 * the help a tap closes it, as any key does; the other dialogs wait for
 * keys. */
static void
tap(struct kds *k, int key)
{
	int y, x;
	int64_t value;
	int kind;

	input_tap_at(&k->in, &y, &x);
	kind = tap_find(y, x, &value);
	if (k->mode == KDS_HELP) {
		k->mode = KDS_BOARD;
		return;
	}
	if (k->mode != KDS_BOARD)
		return;
	if (kind == TAP_KEY) {
		board_key(k, (int)value);
	} else if (kind == KDS_TAP_CARD) {
		bool selected = k->board.sel_id == value;

		board_select_id(&k->board, value);
		if (key == INPUT_DOUBLE_TAP && selected)
			board_key(k, INPUT_ENTER);
	}
}

static void (*const mode_keys[KDS_MODE_COUNT])(struct kds *, int) = {
	[KDS_BOARD] = board_key,
	[KDS_LOGIN] = login_key,
	[KDS_HELP] = help_key,
	[KDS_RECALL] = recall_key,
	[KDS_ALLDAY] = allday_key,
	[KDS_STATION] = station_key,
	[KDS_FIND] = find_key,
	[KDS_QUIT] = quit_key,
};

void
kds_keys_input(struct kds *k, int key)
{
	trace_key(k->trace);
	session_busy(k->s);
	if (k->board.stale)
		board_layout(&k->board, k->board.width, k->board.height);
	if (key == INPUT_CTRL('c') && k->mode != KDS_QUIT)
		k->mode = KDS_QUIT;      /* from anywhere */
	else if (key == INPUT_TAP || key == INPUT_DOUBLE_TAP)
		tap(k, key);
	else
		mode_keys[k->mode](k, key);
	if (k->mode == KDS_BOARD || k->mode == KDS_LOGIN)
		kds_context(k);
	kds_dirty(k);
}
