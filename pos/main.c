/* brigade-pos: the cashier's and the waiter's terminal. Settings, the
 * session (login, snapshot, stream, cache, outbox) and what the till does
 * with its news, the one loop (libwebsockets) with stdin, timers and
 * signals, the card wedge in front of the key handlers, and one frame drawn
 * per loop turn when something changed. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cache.h"
#include "input.h"
#include "keys.h"
#include "log.h"
#include "term.h"
#include "util.h"
#include "view.h"
#include "xalloc.h"

#define VERSION "0.1.0"
#define TICK_MS 1000

static const char usage_text[] =
    "usage: brigade-pos [OPTIONS]\n"
    "\n"
    "The till: walk-in and phone orders, tenders, receipts, dispatch.\n"
    "Options (over BRIGADE_* environment variables and the config files):\n"
    "  --server URL[,URL...]     the brigade-server (BRIGADE_SERVER); several\n"
    "                            instances of one database: the next is used when\n"
    "                            one stops answering\n"
    "  --store CODE              the store to log in to (BRIGADE_STORE)\n"
    "  --terminal ID             this till's name, the prefix of its provisional\n"
    "                            order numbers (BRIGADE_TERMINAL)\n"
    "  --printer URI             receipt printer: tcp://HOST[:PORT], usb://VID:PID,\n"
    "                            cups://QUEUE or file:///PATH\n"
    "  --printer-profile ID      its profile (default epson-tm-t20)\n"
    "  --kitchen-printer URI     kitchen ticket printer\n"
    "  --kitchen-profile ID      its profile (default epson-tm-t20)\n"
    "  --drawer                  open the cash drawer (through the receipt printer)\n"
    "                            on cash sales\n"
    "  --card-reader URI|wedge   usb://VID:PID for a USB HID reader; wedge (the\n"
    "                            default) for readers that type into the terminal\n"
    "  --payment-terminal SPEC   the card terminal: external (the default: the\n"
    "                            cashier types the approval code of a standalone\n"
    "                            terminal) or module:/path/driver.so[,ARG]\n"
    "  --theme NAME              colours (themes/NAME.theme); NO_COLOR is honoured\n"
    "  --shop NAME               the name printed on receipts\n"
    "  --service TYPE            the default service: pickup (default), dine-in,\n"
    "                            delivery\n"
    "  --screen dispatch         land on the dispatch screen after login\n"
    "  --state-dir DIR           outbox, print queue, counters and log (default\n"
    "                            $XDG_STATE_HOME/brigade)\n"
    "  -h, --help, --version\n"
    "\n"
    "BRIGADE_STAFF and BRIGADE_PIN (or the config file) log in at start; the\n"
    "login screen asks otherwise. F1 shows the keys of every screen.\n";

static struct app A;

/* ---- one frame per loop turn ---- */

static struct loop_timer render_timer;
static bool render_scheduled;
static int64_t start_us;
static bool bench_menu_seen;

static void
render_fire(struct loop_timer *t)
{
	struct app *a = t->ctx;

	render_scheduled = false;
	if (a->quit)
		return;
	view_draw(a);
	if (a->bench_first_ms == 0)
		a->bench_first_ms = (util_mono_us() - start_us) / 1000.0;
	if (a->bench_exit && app_menu(a) != NULL && a->screen == SCREEN_ENTRY &&
	    !bench_menu_seen) {
		bench_menu_seen = true;
		a->bench_ms = (util_mono_us() - start_us) / 1000.0;
		a->quit = true;
		loop_stop(a->loop);
	}
}

void
app_dirty(struct app *a)
{
	a->dirty = true;
	if (!render_scheduled && a->loop != NULL && render_timer.loop != NULL) {
		render_scheduled = true;
		/* 0 ms: after whatever else this loop turn delivers */
		loop_timer_schedule(&render_timer, 0);
	}
}

/* ---- keys: terminal bytes -> keys -> card wedge -> handlers ---- */

static struct input term_input;

static void
wedge_deliver(struct app *a, const struct wedge_out *out)
{
	for (size_t i = 0; i < out->nkeys; i++) {
		unsigned char c = (unsigned char)out->keys[i];

		keys_handle(a, c == '\r' || c == '\n' ? INPUT_ENTER : c);
	}
	if (out->event == WEDGE_SWIPE) {
		struct card_info card;

		swipe_card_info(&out->card, &card);
		checkout_card(a, &card);
		explicit_bzero(&card, sizeof card);
	} else if (out->event == WEDGE_BAD_SWIPE) {
		checkout_bad_swipe(a, swipe_message(out->result));
	}
}

static void
wedge_fire(struct loop_timer *t)
{
	struct app *a = t->ctx;
	struct wedge_out out;

	if (wedge_tick(&a->wedge, util_mono_ms(), &out))
		loop_timer_schedule(&a->wedge_timer, WEDGE_GAP_MS);
	wedge_deliver(a, &out);
	swipe_wipe(&out, sizeof out);
}

/* Printable ASCII and Enter may be part of a swipe; the wedge holds keys
 * that start like one and hands the rest on at once. */
static void
on_key(void *ctx, int key)
{
	struct app *a = ctx;
	struct wedge_out out;

	session_busy(a->s);          /* the cache file waits for a pause */
	if (!(key >= 0x20 && key < 0x7f) && key != INPUT_ENTER) {
		/* a special key ends any burst: release what was held first */
		if (a->wedge.len > 0 || a->wedge.draining) {
			wedge_tick(&a->wedge, util_mono_ms() + WEDGE_GAP_MS + 1, &out);
			wedge_deliver(a, &out);
		}
		if (key == INPUT_TAP || key == INPUT_DOUBLE_TAP) {
			int y, x;

			input_tap_at(&term_input, &y, &x);
			keys_tap(a, key, y, x);
		} else {
			keys_handle(a, key);
		}
		return;
	}
	wedge_feed(&a->wedge, key == INPUT_ENTER ? '\r' : (unsigned char)key, util_mono_ms(),
	    &out);
	wedge_deliver(a, &out);
	swipe_wipe(&out, sizeof out);
	if (a->wedge.len > 0 || a->wedge.draining)
		loop_timer_schedule(&a->wedge_timer, WEDGE_GAP_MS + 1);
}

static void
on_input(void *ctx, const char *data, size_t len)
{
	struct app *a = ctx;

	if (len == 0) {
		a->quit = true;
		loop_stop(a->loop);
		return;
	}
	input_clock(&term_input, util_mono_ms());
	input_feed(&term_input, data, len, on_key, a);
	/* the bytes may have been a card's tracks: nothing of them stays */
	explicit_bzero((char *)data, len);
}

static void
on_signal(void *ctx, int sig)
{
	struct app *a = ctx;

	if (sig == SIGWINCH) {
		view_resize(a);
		return;
	}
	a->quit = true;
	loop_stop(a->loop);
}

/* ---- the 1 s tick: clock, ages, receipt waits, offline time ---- */

static void
on_tick(struct loop_timer *t)
{
	struct app *a = t->ctx;
	bool off = app_offline(a);

	if (off && !a->was_offline)
		a->offline_since = util_now_ms();
	a->was_offline = off;
	checkout_tick(a);
	if (a->msg.text[0] != '\0' && util_mono_ms() - a->msg.at > 15000)
		a->msg.text[0] = '\0';
	app_dirty(a);
	loop_timer_schedule(&a->tick, a->receipt_wait_entry != 0 ? 100 : TICK_MS);
}

static void
on_printers(void *ctx, const struct spool_status *st)
{
	struct app *a = ctx;

	if (st->printer[SPOOL_RECEIPT].paper_out && !a->printers.printer[SPOOL_RECEIPT].paper_out)
		app_say(a, THEME_ERROR, "Receipt printer: PAPER OUT. Sales go on; receipts print "
		    "when paper is loaded");
	a->printers = *st;
	app_dirty(a);
}

static void
on_reader(void *ctx, const struct cardreader_event *ev)
{
	struct app *a = ctx;

	switch (ev->kind) {
	case CARDREADER_SWIPE:
		checkout_card(a, &ev->card);
		break;
	case CARDREADER_BAD_SWIPE:
		checkout_bad_swipe(a, ev->message);
		break;
	case CARDREADER_FAILED:
		a->reader_failed = true;
		xstrlcpy(a->reader_error, ev->message, sizeof a->reader_error);
		app_say(a, THEME_ERROR, "Card reader: %s", ev->message);
		break;
	case CARDREADER_BACK:
		a->reader_failed = false;
		app_say(a, THEME_SUCCESS, "Card reader ready");
		break;
	}
	app_dirty(a);
}

/* ---- the session's news ---- */

static void
on_orders(void *ctx, const int64_t *ids, int n)
{
	app_dirty(ctx);
}

static void
on_menu(void *ctx)
{
	struct app *a = ctx;
	const struct menu *m = cache_menu(a->cache);

	if (m->nitems == 0)
		return;
	a->ticket.tax_bp = m->tax_bp;
	if (a->spool != NULL)
		spool_set_money(a->spool, m->tax_bp, m->currency);
	/* a price changed under an open ticket: the till shows the new total
	 * before it takes payment */
	if (a->ticket.nlines > 0 && ticket_reprice(&a->ticket, m) > 0) {
		struct ticket_totals tt;
		char total[32];

		ticket_totals(&a->ticket, &tt);
		app_money(tt.total, total, sizeof total);
		app_say(a, THEME_WARNING, "The menu changed: this ticket is now %s", total);
	}
	app_dirty(a);
}

static void
on_store(void *ctx)
{
	struct app *a = ctx;
	const struct store_info *si = cache_store(a->cache);

	if (si != NULL && a->spool != NULL)
		spool_set_store(a->spool, si);
}

static void
on_state(void *ctx, const struct session_state *st)
{
	struct app *a = ctx;

	if (st->attention != a->nattention)
		app_load_attention(a);
	app_dirty(a);
}

static void
on_login(void *ctx, enum session_login_result r, const char *message)
{
	struct app *a = ctx;
	const struct session_state *st = session_state(a->s);

	if (a->logged_in) {
		/* the login the till runs on stopped working (PIN changed,
		 * account disabled): nothing more is sent until a new one */
		if (r != SESSION_LOGIN_OK && r != SESSION_LOGIN_OFFLINE)
			app_say(a, THEME_ERROR, "The server no longer accepts %s's login (%s): log "
			    "out and in again", a->staff, message);
		return;
	}
	if (r == SESSION_LOGIN_OFFLINE) {
		/* the session tries again; the login lands when the server is back */
		app_say(a, THEME_ERROR, "Cannot log in: the server at %s is unreachable (%s): "
		    "trying again", st->server[0] != '\0' ? st->server : a->cfg.servers[0],
		    message);
		return;
	}
	a->logging_in = false;
	field_clear(&a->f_pin);
	switch (r) {
	case SESSION_LOGIN_OK:
		break;
	case SESSION_LOGIN_REFUSED:
		app_say(a, THEME_ERROR, "Wrong staff code or PIN");
		a->login_focus = 1;
		return;
	case SESSION_LOGIN_LOCKED:
		app_say(a, THEME_ERROR, "Account locked after wrong PINs: wait, or ask a manager");
		a->login_focus = 1;
		return;
	default:
		app_say(a, THEME_ERROR, "Cannot log in: %s", message);
		a->login_focus = 1;
		return;
	}
	if (st->role < 0 || st->role == ROLE_CUSTOMER || st->role == ROLE_CHEF) {
		app_say(a, THEME_ERROR, "A %s cannot use the till",
		    st->role < 0 ? "person of no known role" : role_name((enum staff_role)st->role));
		session_sign_out(a->s);
		return;
	}
	a->logged_in = true;
	a->role = (enum staff_role)st->role;
	xstrlcpy(a->staff, st->staff, sizeof a->staff);
	log_info("%s logged in as %s", a->staff, role_name(a->role));
	app_say(a, THEME_SUCCESS, "Logged in: %s (%s)", a->staff, role_name(a->role));
	app_load_attention(a);
	app_go(a, a->start_screen != SCREEN_LOGIN && app_screen_allowed(a, a->start_screen) ?
	    a->start_screen : SCREEN_ENTRY);
}

/* A change of ours went through: a sale's number and receipt, the Z
 * report, a paid order's receipt. */
static void
on_done(void *ctx, const struct session_pending *p, const struct outbox_entry *e)
{
	struct app *a = ctx;

	if (sales_kind_label(p->name) != NULL || strcmp(p->name, "z-close") == 0 ||
	    strncmp(p->name, "pay ", 4) == 0)
		checkout_entry_done(a, e);
}

/* A change of ours the server refused: it waits in needs attention. Those
 * refused before this run are there already (checkout_restore). */
static void
on_refused(void *ctx, const struct session_refusal *r)
{
	struct app *a = ctx;

	if (r->earlier)
		return;
	if (sales_kind_label(r->kind) != NULL)
		checkout_entry_refused(a, r);
	else
		app_say(a, THEME_ERROR, "%s refused: %s (see needs attention, F5)", r->label,
		    r->error);
	app_load_attention(a);
}

/* ---- settings ---- */

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "brigade-pos: %s%s%s\nTry 'brigade-pos --help'.\n", msg,
	    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return 2;
}

static int
parse_args(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "store", required_argument, NULL, 'z' },
		{ "terminal", required_argument, NULL, 't' },
		{ "printer", required_argument, NULL, 'p' },
		{ "printer-profile", required_argument, NULL, 'P' },
		{ "kitchen-printer", required_argument, NULL, 'k' },
		{ "kitchen-profile", required_argument, NULL, 'K' },
		{ "drawer", no_argument, NULL, 'd' },
		{ "card-reader", required_argument, NULL, 'c' },
		{ "payment-terminal", required_argument, NULL, 'y' },
		{ "theme", required_argument, NULL, 'T' },
		{ "shop", required_argument, NULL, 'n' },
		{ "service", required_argument, NULL, 'S' },
		{ "screen", required_argument, NULL, 'x' },
		{ "state-dir", required_argument, NULL, 'D' },
		{ "bench-first-frame", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'z':
		case 't':
			if (cfg_set(&a->cfg, c == 's' ? "server" : c == 'z' ? "store" : "terminal",
			    optarg, err, sizeof err) < 0)
				return usage_error(err, NULL);
			break;
		case 'p':
			xstrlcpy(a->spool_cfg.receipt_uri, optarg, sizeof a->spool_cfg.receipt_uri);
			break;
		case 'P':
			xstrlcpy(a->spool_cfg.receipt_profile, optarg,
			    sizeof a->spool_cfg.receipt_profile);
			break;
		case 'k':
			xstrlcpy(a->spool_cfg.kitchen_uri, optarg, sizeof a->spool_cfg.kitchen_uri);
			break;
		case 'K':
			xstrlcpy(a->spool_cfg.kitchen_profile, optarg,
			    sizeof a->spool_cfg.kitchen_profile);
			break;
		case 'd':
			a->spool_cfg.doc.kick_drawer = true;
			break;
		case 'c':
			xstrlcpy(a->card_spec, optarg, sizeof a->card_spec);
			if (strcmp(optarg, "wedge") != 0 && strncmp(optarg, "usb://", 6) != 0)
				return usage_error("--card-reader takes usb://VID:PID or wedge", optarg);
			break;
		case 'y':
			if (strlen(optarg) >= sizeof a->payterm_spec)
				return usage_error("--payment-terminal: too long", NULL);
			xstrlcpy(a->payterm_spec, optarg, sizeof a->payterm_spec);
			if (strcmp(optarg, "external") != 0 && strncmp(optarg, "module:", 7) != 0)
				return usage_error("--payment-terminal takes external or "
				    "module:/path/driver.so[,ARG]", optarg);
			break;
		case 'T':
			xstrlcpy(a->theme_name, optarg, sizeof a->theme_name);
			break;
		case 'n':
			xstrlcpy(a->spool_cfg.doc.name, optarg, sizeof a->spool_cfg.doc.name);
			break;
		case 'S': {
			int s = strcmp(optarg, "dine-in") == 0 ? SERVICE_DINE_IN :
			    strcmp(optarg, "pickup") == 0 ? SERVICE_PICKUP :
			    strcmp(optarg, "delivery") == 0 ? SERVICE_DELIVERY : service_parse(optarg);

			if (s < 0)
				return usage_error("--service takes dine-in, pickup or delivery", optarg);
			a->default_service = (enum service_type)s;
			break;
		}
		case 'x':
			if (strcmp(optarg, "dispatch") == 0)
				a->start_screen = SCREEN_DISPATCH;
			else if (strcmp(optarg, "sale") == 0)
				a->start_screen = SCREEN_ENTRY;
			else
				return usage_error("--screen takes sale or dispatch", optarg);
			break;
		case 'D':
			xstrlcpy(a->state_dir, optarg, sizeof a->state_dir);
			break;
		case 'B':
			a->bench_exit = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			printf("brigade-pos %s\n", VERSION);
			exit(0);
		default:
			return usage_error("unknown option", NULL);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument", argv[optind]);
	return 0;
}

/* Files of this till under the state directory: a POS never shares its
 * outbox with another program on the machine (they log in as others). */
static void
state_paths(struct app *a)
{
	struct client_cfg def;
	char path[PATH_MAX];

	cfg_defaults(&def);
	if (a->state_dir[0] == '\0') {
		const char *xdg = getenv("XDG_STATE_HOME");
		const char *home = getenv("HOME");

		if (xdg != NULL && xdg[0] == '/')
			snprintf(a->state_dir, sizeof a->state_dir, "%s/brigade", xdg);
		else
			snprintf(a->state_dir, sizeof a->state_dir, "%s/.local/state/brigade",
			    home != NULL ? home : "/tmp");
	}
	snprintf(path, sizeof path, "%s/x", a->state_dir);
	cfg_mkdirs_for(path);
	if (strcmp(a->cfg.outbox, def.outbox) == 0)
		snprintf(a->cfg.outbox, sizeof a->cfg.outbox, "%s/pos-%s-outbox.db", a->state_dir,
		    a->cfg.terminal);
	if (strcmp(a->cfg.cache, def.cache) == 0)
		snprintf(a->cfg.cache, sizeof a->cfg.cache, "%s/pos-%s-cache.json", a->state_dir,
		    a->cfg.terminal);
	snprintf(a->spool_cfg.queue_path, sizeof a->spool_cfg.queue_path,
	    "%s/pos-%s-printq.db", a->state_dir, a->cfg.terminal);
	snprintf(a->counter_path, sizeof a->counter_path, "%s/pos-%s-number", a->state_dir,
	    a->cfg.terminal);
}

int
main(int argc, char **argv)
{
	struct app *a = &A;
	char err[1024], logpath[PATH_MAX];
	struct session_opts so = { "pos", &a->cfg, NULL };
	struct session_handlers sh = { .orders = on_orders, .menu = on_menu,
	    .store = on_store, .state = on_state,
	    .login = on_login, .refused = on_refused, .done = on_done, .ctx = a };
	int rc;

	start_us = util_mono_us();
	app_main = a;
	log_init("brigade-pos");
	cfg_defaults(&a->cfg);
	if (cfg_load(&a->cfg, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-pos: %s\n", err);
		return 2;
	}
	doc_config_init(&a->spool_cfg.doc);
	a->default_service = SERVICE_PICKUP;
	a->start_screen = SCREEN_LOGIN;
	xstrlcpy(a->card_spec, "wedge", sizeof a->card_spec);
	xstrlcpy(a->payterm_spec, "external", sizeof a->payterm_spec);
	if ((rc = parse_args(a, argc, argv)) != 0)
		return rc;
	state_paths(a);
	snprintf(logpath, sizeof logpath, "%s/pos-%s.log", a->state_dir, a->cfg.terminal);
	if (log_set_file(logpath) < 0)
		fprintf(stderr, "brigade-pos: cannot write the log %s\n", logpath);
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "brigade-pos: needs a terminal\n");
		return 2;
	}

	ticket_init(&a->ticket, a->default_service, 0);
	field_init(&a->f_staff, FIELD_CODE, STAFF_MAX, false);
	field_init(&a->f_pin, FIELD_DIGITS, 12, true);
	field_init(&a->f_plu, FIELD_PLU, 24, false);
	field_init(&a->f_search, FIELD_TEXT, 40, false);
	field_init(&a->f_note, FIELD_TEXT, NOTE_MAX, false);
	field_init(&a->f_table, FIELD_TEXT, TABLE_MAX, false);
	field_init(&a->f_name, FIELD_TEXT, NAME_MAX_, false);
	field_init(&a->f_phone, FIELD_TEXT, PHONE_MAX, false);
	field_init(&a->f_address, FIELD_TEXT, ADDRESS_MAX, false);
	field_init(&a->f_amount, FIELD_AMOUNT, 12, false);
	field_init(&a->f_filter, FIELD_TEXT, 40, false);
	field_init(&a->f_reason, FIELD_TEXT, REASON_MAX, false);
	sales_init(&a->sales);
	dispatch_init(&a->dispatch);
	order_init(&a->pay_order);
	order_init(&a->receipt_order);
	order_init(&a->detail);
	wedge_init(&a->wedge, WEDGE_GAP_MS);
	input_init(&term_input);

	if (getenv("BRIGADE_POS_LOGGED_OUT") != NULL)
		explicit_bzero(a->cfg.pin, sizeof a->cfg.pin);
	a->s = session_new(&so, &sh, err, sizeof err);
	explicit_bzero(a->cfg.pin, sizeof a->cfg.pin);
	if (a->s == NULL) {
		fprintf(stderr, "brigade-pos: %s\n", err);
		return 1;
	}
	a->loop = session_loop(a->s);
	a->clk = session_clock(a->s);
	a->cache = session_cache(a->s);
	if (a->spool_cfg.receipt_uri[0] || a->spool_cfg.kitchen_uri[0]) {
		a->spool = spool_new(a->loop, &a->spool_cfg, on_printers, a, err, sizeof err);
		if (a->spool == NULL) {
			fprintf(stderr, "brigade-pos: %s\n", err);
			session_free(a->s);
			return 2;
		}
		on_store(a);   /* what the cache file knew, until the server says */
	}
	if (strncmp(a->card_spec, "usb://", 6) == 0) {
		a->reader = cardreader_new(a->loop, a->card_spec, on_reader, a, err, sizeof err);
		if (a->reader == NULL) {
			fprintf(stderr, "brigade-pos: %s\n", err);
			spool_free(a->spool);
			session_free(a->s);
			return 2;
		}
	}
	if (cardpay_open(a, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-pos: %s\n", err);
		cardreader_free(a->reader);
		spool_free(a->spool);
		session_free(a->s);
		return 2;
	}
	if (view_init(a, err, sizeof err) < 0) {
		fprintf(stderr, "brigade-pos: %s\n", err);
		cardpay_close(a);
		cardreader_free(a->reader);
		spool_free(a->spool);
		session_free(a->s);
		return 1;
	}
	term_input_keys(&term_input);
	loop_timer_init(&render_timer, a->loop, render_fire, a);
	loop_timer_init(&a->wedge_timer, a->loop, wedge_fire, a);
	loop_timer_init(&a->tick, a->loop, on_tick, a);
	loop_timer_schedule(&a->tick, TICK_MS);
	loop_on_signal(a->loop, on_signal, a);
	/* the loop closes what it watches when it ends; the terminal itself
	 * stays open for curses and for a fresh start after a logout */
	loop_watch_input(a->loop, dup(0), on_input, a);
	a->screen = SCREEN_LOGIN;
	if (session_has_credentials(a->s)) {
		/* settings carry a login: the session tries it at start */
		field_set(&a->f_staff, a->cfg.staff);
		a->login_focus = 1;
		a->logging_in = true;
		app_say(a, THEME_DIM, "Logging in as %s...", a->cfg.staff);
	}
	/* the saved cache (menu, orders), what the last run queued */
	session_start(a->s);
	app_load_attention(a);
	checkout_restore(a);
	app_dirty(a);
	loop_run(a->loop);

	view_end();
	loop_timer_cancel(&a->tick);
	loop_timer_cancel(&a->wedge_timer);
	loop_timer_cancel(&render_timer);
	cardpay_close(a);          /* its thread, if any, stops posting first */
	cardreader_free(a->reader);
	spool_free(a->spool);
	outbox_entries_free(a->attention, a->nattention);
	session_free(a->s);
	wedge_reset(&a->wedge);
	for (int i = 0; i < a->norders; i++)
		order_free(&a->orders[i]);
	free(a->orders);
	order_free(&a->pay_order);
	order_free(&a->receipt_order);
	order_free(&a->detail);
	report_free(&a->report);
	dispatch_free(&a->dispatch);
	cJSON_Delete(a->staff_list);
	if (a->bench_exit)
		fprintf(stderr, "first_frame_ms %.1f first_menu_frame_ms %.1f\n",
		    a->bench_first_ms, a->bench_ms);
	if (a->relaunch) {
		/* logged out: the same program, afresh, at the login screen */
		unsetenv("BRIGADE_PIN");
		setenv("BRIGADE_POS_LOGGED_OUT", "1", 1);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "brigade-pos: cannot start again: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
