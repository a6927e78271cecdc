/* brigadectl: Brigade from the command line, for scripts and support staff:
 * reads print JSON, orders and their actions go through the durable outbox,
 * and the restaurant's menu, details and staff, and corrections of orders,
 * are changed at once (a menu import or a correction needs the server's
 * answer to show what it does, and a PIN must never be kept in the outbox's
 * file). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "clock.h"
#include "codec.h"
#include "log.h"
#include "outbox.h"
#include "sender.h"
#include "strbuf.h"
#include "util.h"
#include "xalloc.h"

#define VERSION "0.1.0"
#define INPUT_MAX (64 * 1024)   /* the server's request body limit */
#define INPUT_LINES_MAX (64u * 1024 * 1024)  /* submit --lines: many orders */

static const char usage_text[] =
    "usage: brigadectl [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Options (over BRIGADE_* environment variables, over the config files\n"
    "/etc/brigade/brigade.conf and $XDG_CONFIG_HOME/brigade/brigade.conf):\n"
    "  --server URL[,URL...]\n"
    "                      http://HOST:PORT or https://HOST:PORT (BRIGADE_SERVER);\n"
    "                      several: each is tried in turn until one answers\n"
    "  --store CODE        the store to log in to (BRIGADE_STORE)\n"
    "  --staff CODE        staff code to log in as (BRIGADE_STAFF)\n"
    "  --pin PIN           that staff member's PIN (BRIGADE_PIN)\n"
    "  --terminal NAME     this terminal's name (BRIGADE_TERMINAL)\n"
    "  --outbox PATH       the outbox file (BRIGADE_OUTBOX; default\n"
    "                      $XDG_STATE_HOME/brigade/outbox.db)\n"
    "  --ca-file PATH      CA bundle for https (BRIGADE_CA_FILE)\n"
    "  --insecure          do not check the server's certificate\n"
    "  --timeout MS        per request, connecting included (BRIGADE_TIMEOUT_MS)\n"
    "  -h, --help          this text;  --version  the version\n"
    "\n"
    "Commands:\n"
    "  menu [show]                  print the menu (JSON)\n"
    "  menu export [--format csv|json]\n"
    "                               the menu as a file to edit and import again\n"
    "                               (CSV by default: docs/menu-csv.md)\n"
    "  menu import FILE|- [--dry-run] [--format csv|json]\n"
    "                               check a menu file (.csv, .json; - is CSV on\n"
    "                               standard input), print what it adds, changes\n"
    "                               and retires, then apply all of it at once\n"
    "                               (--dry-run: only print); a mistake is named by\n"
    "                               file, row and column; the same file again\n"
    "                               changes nothing\n"
    "  store show                   print the restaurant's details (JSON)\n"
    "  store set KEY=VALUE ...      change some (ADMIN): name, address, phone,\n"
    "                               tax_id, receipt_header, receipt_footer (lines\n"
    "                               split by |), currency, day_start_hour,\n"
    "                               services (DINE_IN,PICKUP,DELIVERY); the reasons\n"
    "                               a correction may give: void_reasons,\n"
    "                               discount_reasons, comp_reasons, refund_reasons\n"
    "                               (split by |; empty: any reason); and\n"
    "                               discount_limits=ROLE:PERCENT,... (the largest\n"
    "                               discount each role gives on its own)\n"
    "  stores [list]                the stores this login may see (JSON): an\n"
    "                               organisation admin's, every store\n"
    "  stores add CODE --name NAME  add a store (an organisation admin; PostgreSQL)\n"
    "  staff list [--json]          the staff accounts, as a table\n"
    "  staff add CODE --name NAME --role ROLE [--pin-stdin]\n"
    "  staff set CODE [--name NAME] [--role ROLE] [--enable]\n"
    "                [--reset-pin [--pin-stdin]]\n"
    "  staff disable CODE           add, change, disable, enable accounts (MANAGER:\n"
    "                               cashiers, waiters, chefs; ADMIN: everyone)\n"
    "  staff pin [--pin-stdin]      change your own PIN (the current one, then\n"
    "                               the new one); PINs are typed without echo, new\n"
    "                               ones twice, or read from standard input with\n"
    "                               --pin-stdin, one a line\n"
    "  orders [list] [--status S,...] [--day YYYY-MM-DD|today] [--limit N]\n"
    "                               print orders (JSON; default: the open ones)\n"
    "  orders void ID --reason R [--line N[:QTY]]...\n"
    "                               take lines (N from 1; no QTY: all that is left\n"
    "                               of it) or, without --line, the whole order off\n"
    "  orders discount ID --reason R (--percent P | --amount A) [--line N]\n"
    "  orders comp ID --reason R [--line N]\n"
    "                               a discount or a comp (100 %) on a line or,\n"
    "                               without --line, on the whole order\n"
    "  orders refund ID --reason R [--line N[:QTY]]... [--cash A]\n"
    "                [--card A --card-approval CODE [--last4 NNNN]]\n"
    "                               give money back to the tender that paid (the\n"
    "                               card the order was paid with), taking lines back\n"
    "  orders cancel ID [--reason R]\n"
    "                               cancel a PENDING or PAID order\n"
    "        ... [--approve CODE [--pin-stdin]] [--expected-version N] [--json]\n"
    "                               these correct the order at once and print its\n"
    "                               new figures (--json: the order); R is one of\n"
    "                               the store's reasons, amounts are like 12.50;\n"
    "                               --approve: a manager approves it here, their\n"
    "                               PIN typed without echo or, with --pin-stdin,\n"
    "                               read from standard input\n"
    "  order ID                     print one order (JSON)\n"
    "  submit [--lines] FILE|-      queue an order (JSON body, see docs/api.md) and\n"
    "                               send it: prints the order (JSON) when the server\n"
    "                               took it, or a line starting \"queued\" when the\n"
    "                               server cannot be reached (it is sent later);\n"
    "                               --lines: one order per line, all checked first\n"
    "  act ID ACTION [--expected-version N] [--reason TEXT] [--payments JSON]\n"
    "                               the same for an order action (pay, start, ...)\n"
    "  outbox                       list pending and needs-attention entries (JSON)\n"
    "  retry ENTRY | dismiss ENTRY  resolve a needs-attention entry\n"
    "  replay [--timeout SECONDS]   send what is pending; exit when nothing pending\n"
    "                               is left (needs-attention entries stay)\n"
    "  tail [--after SEQ] [--count N]\n"
    "                               print stream events as JSON lines until stopped\n"
    "                               (or N events); without --after, live ones only;\n"
    "                               connection changes are reported on stderr\n"
    "  print --printer URI [--profile ID] [--name SHOP] [--station S]\n"
    "        test | receipt ID | kitchen ID | label ID\n"
    "                               print straight to a printer (URI as in\n"
    "                               docs/printers.md: usb://, cups://, tcp://, file://)\n"
    "  printer status URI           what the printer says: online, paper, cover\n"
    "\n"
    "Menu imports, store and staff changes and order corrections are sent at\n"
    "once, never queued; a retry after a lost answer is recognised by the server\n"
    "and applied once.\n"
    "\n"
    "Exit status:\n"
    "  0  done, or queued to be sent later (queued is not an error)\n"
    "  1  the server refused the request; a refused change is kept in the\n"
    "     outbox as needs-attention with the server's reason (menu, store and\n"
    "     staff changes, corrections: nothing was changed)\n"
    "  2  bad usage or input (an order, a menu file, a PIN): nothing was queued\n"
    "     or sent\n"
    "  3  the server could not be reached or did not answer sensibly\n"
    "  4  the outbox file cannot be used (damaged, read-only, not an outbox)\n"
    "  5  login or a manager's approval failed (staff code or PIN)\n"
    "  6  replay: nothing is pending but entries need attention\n"
    "  7  replay: stopped (signal or --timeout) with entries still pending\n"
    "  8  the printer cannot be used (missing, busy, no access, out of paper)\n";

static struct client_cfg cfg;
static struct clock server_clock;
static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int
brigadectl_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "brigadectl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'brigadectl --help'.\n");
	return EXIT_USAGE;
}

int
brigadectl_failure(const char *what, const struct api_reply *r)
{
	if (r->field[0] != '\0')
		fprintf(stderr, "brigadectl: %s: %s (%s: %s)\n", what, r->message, r->code,
		    r->field);
	else
		fprintf(stderr, "brigadectl: %s: %s (%s)\n", what, r->message, r->code);
	if (r->err == API_ERR_UNAUTHORIZED)
		return EXIT_AUTH;
	return api_err_transient(r->err) ? EXIT_UNREACHABLE : EXIT_REFUSED;
}

int
brigadectl_print_get(const struct client_cfg *c, struct clock *clk, const char *path)
{
	struct api *a = api_new(c, clk);
	struct api_req req = { "GET", path, NULL, NULL, false };
	struct api_reply r;
	int rc = EXIT_OK;

	if (api_call(a, &req, c->retries, &r) == API_OK)
		printf("%s\n", r.body);
	else
		rc = brigadectl_failure(path, &r);
	api_reply_free(&r);
	api_free(a);
	return rc;
}

static bool
parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || end == s || v > 999999999999999LL)
		return false;
	*out = v;
	return true;
}

static int
cmd_menu(int argc, char **argv)
{
	return brigadectl_menu(argc, argv, &cfg, &server_clock);
}

static int
cmd_store(int argc, char **argv)
{
	return brigadectl_store(argc, argv, &cfg, &server_clock);
}

static int
cmd_stores(int argc, char **argv)
{
	return brigadectl_stores(argc, argv, &cfg, &server_clock);
}

static int
cmd_staff(int argc, char **argv)
{
	return brigadectl_staff(argc, argv, &cfg, &server_clock);
}

static int
cmd_orders(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "day", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf path;
	char sep = '?';
	int c, rc;

	/* orders [list] [--status ...], or a correction: orders void ID ... */
	if (argc >= 2 && argv[1][0] != '-') {
		if (brigadectl_correct_kind(argv[1]))
			return brigadectl_correct(argc - 1, argv + 1, &cfg, &server_clock);
		if (strcmp(argv[1], "list") != 0)
			return brigadectl_usage("orders: expected list, void, discount, comp, refund "
			    "or cancel, not \"%s\"", argv[1]);
		argc--;
		argv++;
	}
	strbuf_init(&path);
	strbuf_puts(&path, "/api/v1/orders");
	optind = 0;   /* GNU: start over, permuting options after arguments */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *name = c == 's' ? "status" : c == 'd' ? "day" : c == 'l' ? "limit" : NULL;

		if (name == NULL) {
			strbuf_free(&path);
			return brigadectl_usage("orders: unknown option");
		}
		/* only characters that need no URL escaping get through */
		for (const char *p = optarg; *p != '\0'; p++) {
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == ',' || *p == '-' || *p == '_')) {
				strbuf_free(&path);
				return brigadectl_usage("orders: unexpected character in \"%s\"", optarg);
			}
		}
		strbuf_printf(&path, "%c%s=%s", sep, name, optarg);
		sep = '&';
	}
	if (optind != argc) {
		strbuf_free(&path);
		return brigadectl_usage("orders: unexpected argument \"%s\"", argv[optind]);
	}
	rc = brigadectl_print_get(&cfg, &server_clock, path.data);
	strbuf_free(&path);
	return rc;
}

static int
cmd_order(int argc, char **argv)
{
	char path[64];
	int64_t id;

	if (argc != 2 || !parse_id(argv[1], &id))
		return brigadectl_usage("order: expected an order id (a positive number)");
	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)id);
	return brigadectl_print_get(&cfg, &server_clock, path);
}

static struct outbox *
open_outbox(unsigned flags)
{
	char err[512];
	struct outbox *ob = outbox_open(cfg.outbox, flags, err, sizeof err);

	if (ob == NULL)
		fprintf(stderr, "brigadectl: %s\n", err);
	return ob;
}

struct submit_ctx {
	int64_t first, last;         /* the entries this command queued */
	int answered;
	int refused;
};

/* Print each of our entries as its fate is known: the server's answer
 * (JSON) on stdout, a refusal on stderr. */
static void
submit_entry(void *ctx, const struct outbox_entry *e, enum outbox_state state,
    int http_status, const char *text)
{
	struct submit_ctx *sc = ctx;

	if (e->id < sc->first || e->id > sc->last)
		return;
	sc->answered++;
	if (state == OUTBOX_DONE) {
		printf("%s\n", text);
		return;
	}
	sc->refused++;
	fprintf(stderr, "brigadectl: the server refused entry %lld (HTTP %d): %s\n"
	    "brigadectl: it is kept as needs-attention; see 'brigadectl outbox'\n",
	    (long long)e->id, http_status, text);
}

/* Queue changes (all of them, each durably, before anything is sent), then
 * try once to deliver them and anything older. Each is recorded as made in
 * the configured store. */
static int
queue_and_send(const struct outbox_new *n, int count)
{
	struct outbox *ob = open_outbox(0);
	struct sender_report rep;
	struct submit_ctx sc = { 0, 0, 0, 0 };
	char store[CFG_STORE_MAX + 1];
	int rc = EXIT_OK;

	cfg_store_code(&cfg, store);

	if (ob == NULL) {
		fprintf(stderr, "brigadectl: nothing was queued or sent\n");
		return EXIT_OUTBOX;
	}
	for (int i = 0; i < count; i++) {
		struct outbox_entry e;
		struct outbox_new one = n[i];

		one.store = store;
		if (outbox_push(ob, &one, &e) < 0) {
			fprintf(stderr, "brigadectl: %s not queued or sent: %s (%s)\n",
			    i == 0 ? "nothing was" : "the rest was", outbox_errmsg(ob), cfg.outbox);
			if (i == 0) {
				outbox_close(ob);
				return EXIT_OUTBOX;
			}
			count = i;
			rc = EXIT_OUTBOX;
			break;
		}
		if (sc.first == 0)
			sc.first = e.id;
		sc.last = e.id;
		outbox_entry_free(&e);
	}
	struct api *a = api_new(&cfg, &server_clock);
	struct sender *s = sender_new(a, ob);
	struct sender_opts opts = { .max_id = sc.last, .stop_on_transient = true,
	    .stop = &stop_flag };

	sender_on_entry(s, submit_entry, &sc);
	enum sender_result res = sender_run(s, &opts, &rep);

	if (sc.answered < count) {
		int64_t queued = count - sc.answered;

		if (count == 1)
			printf("queued: entry %lld will be sent when the server can be reached\n",
			    (long long)sc.first);
		else
			printf("queued: %lld of entries %lld-%lld will be sent when the server "
			    "can be reached\n", (long long)queued, (long long)sc.first,
			    (long long)sc.last);
		if (res == SENDER_AUTH)
			fprintf(stderr, "brigadectl: %s: %s\n", rep.refused_after_login ?
			    "not authorized" : "cannot log in", rep.last_error);
		else if (rep.last_error[0] != '\0')
			fprintf(stderr, "brigadectl: %s\n", rep.last_error);
	}
	if (sc.refused > 0 && rc == EXIT_OK)
		rc = EXIT_REFUSED;
	sender_free(s);
	api_free(a);
	outbox_close(ob);
	return rc;
}

char *
brigadectl_read_file(const char *file, size_t *len, size_t max)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "brigadectl: %s: %s\n", file, strerror(errno));
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		if (sb.len + n > max) {
			fprintf(stderr, "brigadectl: %s: larger than %zu KiB\n", file, max / 1024);
			strbuf_free(&sb);
			if (fp != stdin)
				fclose(fp);
			return NULL;
		}
		strbuf_append(&sb, buf, n);
	}
	if (ferror(fp)) {
		fprintf(stderr, "brigadectl: %s: read error\n", file);
		strbuf_free(&sb);
		sb.data = NULL;
	}
	if (fp != stdin)
		fclose(fp);
	if (sb.data == NULL)
		sb.data = xstrdup("");
	*len = sb.len;
	return sb.data;
}

/* Check one order body as the server would, so a bad order is refused
 * here and never sits in the queue (and no card number ever gets there).
 * Returns the compact JSON to send, or NULL. */
static char *
check_order(const char *text, size_t len, const char *where)
{
	struct codec_error err;
	struct order o;
	cJSON *j = codec_parse_object(text, len, &err);
	char *body;

	if (j == NULL || order_request_from_json(j, &o, &err) < 0) {
		fprintf(stderr, "brigadectl: %s: invalid order%s%s: %s\n", where,
		    err.field[0] ? " at " : "", err.field, err.message);
		cJSON_Delete(j);
		return NULL;
	}
	order_free(&o);
	body = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (body == NULL)
		abort();
	return body;
}

static int
cmd_submit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lines", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct outbox_new *n = NULL;
	char **bodies = NULL;
	bool lines = false;
	int count = 0, c, rc = EXIT_OK;
	size_t len;
	char *text;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'l')
			return brigadectl_usage("submit: unknown option");
		lines = true;
	}
	if (argc - optind != 1)
		return brigadectl_usage("submit: expected one FILE, or - for standard input");
	const char *file = argv[optind];
	if ((text = brigadectl_read_file(file, &len, lines ? INPUT_LINES_MAX : INPUT_MAX)) == NULL)
		return EXIT_USAGE;
	/* every order is checked before any is queued: all or nothing */
	for (char *line = text, *next; line != NULL && line < text + len; line = next) {
		char where[PATH_MAX + 32];
		char *nl = lines ? memchr(line, '\n', (size_t)(text + len - line)) : NULL;
		size_t l = nl != NULL ? (size_t)(nl - line) : (size_t)(text + len - line);

		next = nl != NULL ? nl + 1 : NULL;
		if (lines && strspn(line, " \t\r") >= l)
			continue;
		if (l > INPUT_MAX) {
			fprintf(stderr, "brigadectl: %s: line %d is larger than %d KiB\n", file,
			    count + 1, INPUT_MAX / 1024);
			rc = EXIT_USAGE;
			break;
		}
		if (lines)
			snprintf(where, sizeof where, "%s: order %d", file, count + 1);
		else
			snprintf(where, sizeof where, "%s", file);
		char *body = check_order(line, l, where);
		if (body == NULL) {
			rc = EXIT_USAGE;
			break;
		}
		bodies = xreallocarray(bodies, (size_t)count + 1, sizeof *bodies);
		bodies[count++] = body;
		if (!lines)
			break;
	}
	free(text);
	if (rc == EXIT_OK && count == 0) {
		fprintf(stderr, "brigadectl: %s: no order in it\n", file);
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK) {
		n = xcalloc((size_t)count, sizeof *n);
		for (int i = 0; i < count; i++)
			n[i] = (struct outbox_new){ "POST", "/api/v1/orders", bodies[i], NULL,
			    "order.create", cfg.staff, NULL, NULL };
		rc = queue_and_send(n, count);
	} else {
		fprintf(stderr, "brigadectl: nothing was queued or sent\n");
	}
	for (int i = 0; i < count; i++)
		free(bodies[i]);
	free(bodies);
	free(n);
	return rc;
}

static int
cmd_act(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expected-version", required_argument, NULL, 'v' },
		{ "reason", required_argument, NULL, 'r' },
		{ "payments", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *payments = NULL;
	int64_t id, version = 0;
	char path[96], order_key[64];
	struct codec_error err;
	int c, rc;

	optind = 0;   /* GNU: start over, permuting options after arguments */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (!parse_id(optarg, &version) || version > INT32_MAX)
				return brigadectl_usage("act: --expected-version wants a positive number, not \"%s\"", optarg);
			break;
		case 'r':
			reason = optarg;
			break;
		case 'p':
			payments = optarg;
			break;
		default:
			return brigadectl_usage("act: unknown option");
		}
	}
	if (argc - optind != 2 || !parse_id(argv[optind], &id))
		return brigadectl_usage("act: expected ID ACTION");
	if (action_parse(argv[optind + 1]) < 0)
		return brigadectl_usage("act: unknown action \"%s\" (pay, start, ready, recall, "
		    "serve, pickup, dispatch, deliver, cancel)", argv[optind + 1]);

	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "action", argv[optind + 1]);
	if (version > 0)
		codec_add_int(j, "expected_version", version);
	if (reason != NULL)
		cJSON_AddStringToObject(j, "reason", reason);
	if (payments != NULL) {
		cJSON *p = cJSON_Parse(payments);
		struct order o;

		if (p == NULL || !cJSON_IsArray(p)) {
			cJSON_Delete(p);
			cJSON_Delete(j);
			return brigadectl_usage("act: --payments wants a JSON array, e.g. "
			    "'[{\"tender\":\"CASH\",\"amount\":1500}]'");
		}
		cJSON_AddItemToObject(j, "payments", p);
		order_init(&o);
		if (order_payments_from_json(j, &o, &err) < 0) {
			order_free(&o);
			cJSON_Delete(j);
			fprintf(stderr, "brigadectl: invalid payments%s%s: %s\n",
			    err.field[0] ? " at " : "", err.field, err.message);
			return EXIT_USAGE;
		}
		order_free(&o);
	}
	char *body = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (body == NULL)
		abort();
	snprintf(path, sizeof path, "/api/v1/orders/%lld/actions", (long long)id);
	snprintf(order_key, sizeof order_key, "order:%lld", (long long)id);
	struct outbox_new n = { "POST", path, body, order_key, "order.action", cfg.staff, NULL, NULL };
	rc = queue_and_send(&n, 1);
	free(body);
	return rc;
}

static cJSON *
entry_json(const struct outbox_entry *e)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *body = e->body[0] != '\0' ? cJSON_Parse(e->body) : NULL;

	codec_add_int(j, "id", e->id);
	cJSON_AddStringToObject(j, "state", outbox_state_name(e->state));
	cJSON_AddStringToObject(j, "kind", e->kind);
	cJSON_AddStringToObject(j, "method", e->method);
	cJSON_AddStringToObject(j, "path", e->path);
	cJSON_AddStringToObject(j, "idempotency_key", e->idem_key);
	cJSON_AddStringToObject(j, "order_key", e->order_key);
	cJSON_AddStringToObject(j, "staff", e->staff);
	if (e->store[0] != '\0')
		cJSON_AddStringToObject(j, "store", e->store);
	codec_add_int(j, "attempts", e->attempts);
	codec_add_int(j, "created_at", e->created_at);
	codec_add_int(j, "updated_at", e->updated_at);
	if (e->http_status != 0)
		codec_add_int(j, "http_status", e->http_status);
	if (e->error[0] != '\0')
		cJSON_AddStringToObject(j, "error", e->error);
	if (body != NULL)
		cJSON_AddItemToObject(j, "body", body);
	return j;
}

/* The age of the oldest pending change, and the server's key retention
 * when it answers: a change still pending after that could be applied
 * twice, so one nearing it is warned about on stderr. */
static void
add_pending_age(cJSON *j, struct outbox *ob)
{
	struct api *a;
	struct api_req req = { "GET", "/healthz", NULL, NULL, true };
	struct api_reply r;
	int64_t oldest = 0, age, retention = 0;
	char age_text[32], ret_text[32];

	if (outbox_oldest_pending(ob, &oldest) < 0 || oldest <= 0)
		return;
	age = util_now_ms() - oldest;
	codec_add_int(j, "oldest_pending_at", oldest);
	codec_add_int(j, "oldest_pending_age_ms", age);
	a = api_new(&cfg, &server_clock);
	if (api_call(a, &req, 1, &r) == API_OK) {
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(r.json, "idempotency_retention_ms");

		if (cJSON_IsNumber(ms) && ms->valuedouble > 0)
			retention = (int64_t)ms->valuedouble;
	}
	api_reply_free(&r);
	api_free(a);
	if (retention > 0)
		codec_add_int(j, "idempotency_retention_ms", retention);
	else
		cJSON_AddNullToObject(j, "idempotency_retention_ms");
	util_age_text(age, age_text, sizeof age_text);
	if (outbox_age_near(age, retention)) {
		util_age_text(retention, ret_text, sizeof ret_text);
		fprintf(stderr, "brigadectl: warning: the oldest queued change is %s old and the "
		    "server recognises a change for %s only; send it soon ('brigadectl replay') "
		    "or, past that, it could be applied twice\n", age_text, ret_text);
	} else if (retention == 0) {
		fprintf(stderr, "brigadectl: the oldest queued change is %s old (the server's "
		    "key retention is not known: it did not answer)\n", age_text);
	}
}

static int
cmd_outbox(int argc, char **argv)
{
	struct outbox_entry *e;
	int64_t counts[OUTBOX_STATE_COUNT];
	int n;

	if (argc != 1)
		return brigadectl_usage("outbox takes no arguments");
	struct outbox *ob = open_outbox(OUTBOX_OPEN_READONLY);
	if (ob == NULL)
		return EXIT_OUTBOX;
	if (outbox_counts(ob, counts) < 0 ||
	    outbox_list(ob, OUTBOX_BIT(OUTBOX_PENDING) | OUTBOX_BIT(OUTBOX_ATTENTION), 0, 0,
	    &e, &n) < 0) {
		fprintf(stderr, "brigadectl: cannot read the outbox %s: %s\n", cfg.outbox,
		    outbox_errmsg(ob));
		outbox_close(ob);
		return EXIT_OUTBOX;
	}
	cJSON *j = cJSON_CreateObject();
	codec_add_int(j, "pending", counts[OUTBOX_PENDING]);
	codec_add_int(j, "attention", counts[OUTBOX_ATTENTION]);
	codec_add_int(j, "done", counts[OUTBOX_DONE]);
	if (counts[OUTBOX_PENDING] > 0)
		add_pending_age(j, ob);
	/* a change goes out under its maker's login only: whose are waiting */
	cJSON *by = cJSON_AddObjectToObject(j, "pending_by_staff");
	for (int i = 0; i < n; i++) {
		const char *who = e[i].staff[0] != '\0' ? e[i].staff : "(anyone)";
		cJSON *c = cJSON_GetObjectItemCaseSensitive(by, who);

		if (e[i].state != OUTBOX_PENDING)
			continue;
		if (c == NULL)
			codec_add_int(by, who, 1);
		else
			cJSON_SetNumberValue(c, c->valuedouble + 1);
	}
	cJSON *arr = cJSON_AddArrayToObject(j, "entries");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, entry_json(&e[i]));
	char *txt = cJSON_PrintUnformatted(j);
	printf("%s\n", txt);
	free(txt);
	cJSON_Delete(j);
	outbox_entries_free(e, n);
	outbox_close(ob);
	return EXIT_OK;
}

static int
resolve(int argc, char **argv, int (*fn)(struct outbox *, int64_t), const char *done)
{
	int64_t id;
	int rc;

	if (argc != 2 || !parse_id(argv[1], &id))
		return brigadectl_usage("%s: expected an outbox entry id", argv[0]);
	struct outbox *ob = open_outbox(0);
	if (ob == NULL)
		return EXIT_OUTBOX;
	rc = fn(ob, id);
	if (rc < 0)
		fprintf(stderr, "brigadectl: %s\n", outbox_errmsg(ob));
	else if (rc > 0)
		fprintf(stderr, "brigadectl: entry %lld does not need attention\n", (long long)id);
	else
		printf("entry %lld %s\n", (long long)id, done);
	outbox_close(ob);
	return rc < 0 ? EXIT_OUTBOX : rc > 0 ? EXIT_USAGE : EXIT_OK;
}

/* Whoever sends a refused change again takes it on: it goes out under
 * this console's login, like a retry at a till. */
static int
requeue_here(struct outbox *ob, int64_t id)
{
	return outbox_requeue_as(ob, id, cfg.staff);
}

static int
cmd_retry(int argc, char **argv)
{
	return resolve(argc, argv, requeue_here, "is pending again");
}

static int
cmd_dismiss(int argc, char **argv)
{
	return resolve(argc, argv, outbox_dismiss, "is dismissed");
}

static int
cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sender_report rep;
	int64_t counts[OUTBOX_STATE_COUNT], timeout = 0;
	int c, rc = EXIT_OK;

	optind = 0;   /* GNU: start over, permuting options after arguments */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't' || !parse_id(optarg, &timeout))
			return brigadectl_usage("replay: expected [--timeout SECONDS]");
	}
	if (optind != argc)
		return brigadectl_usage("replay: unexpected argument \"%s\"", argv[optind]);
	struct outbox *ob = open_outbox(0);
	if (ob == NULL)
		return EXIT_OUTBOX;
	struct api *a = api_new(&cfg, &server_clock);
	struct sender *s = sender_new(a, ob);
	struct sender_opts so = { .stop = &stop_flag,
	    .deadline_ms = timeout > 0 ? util_mono_ms() + timeout * 1000 : 0 };
	enum sender_result res = sender_run(s, &so, &rep);

	outbox_counts(ob, counts);
	fprintf(stderr, "brigadectl: replay %s: %lld sent, %lld refused; outbox: %lld pending, "
	    "%lld need attention\n", sender_result_name(res), (long long)rep.done,
	    (long long)rep.attention, (long long)counts[OUTBOX_PENDING],
	    (long long)counts[OUTBOX_ATTENTION]);
	switch (res) {
	case SENDER_DRAINED:
		rc = counts[OUTBOX_ATTENTION] > 0 ? EXIT_ATTENTION : EXIT_OK;
		if (rep.held > 0) {
			int64_t waiting = 0;
			char who[128];

			char store[CFG_STORE_MAX + 1];

			cfg_store_code(&cfg, store);
			outbox_waiting(ob, cfg.staff, store, &waiting, who, sizeof who);
			fprintf(stderr, "brigadectl: %lld entries wait for their maker's login "
			    "(%s): a change goes out only as the person who made it\n",
			    (long long)rep.held, who);
			if (rc == EXIT_OK)
				rc = EXIT_PENDING;
		}
		break;
	case SENDER_AUTH:
		fprintf(stderr, "brigadectl: %s: %s\n", rep.refused_after_login ?
		    "not authorized" : "cannot log in", rep.last_error);
		rc = EXIT_AUTH;
		break;
	case SENDER_STORAGE:
		fprintf(stderr, "brigadectl: the outbox cannot be written: %s\n",
		    outbox_errmsg(ob));
		rc = EXIT_OUTBOX;
		break;
	default:
		if (rep.last_error[0] != '\0')
			fprintf(stderr, "brigadectl: last failure: %s\n", rep.last_error);
		rc = EXIT_PENDING;
	}
	sender_free(s);
	api_free(a);
	outbox_close(ob);
	return rc;
}

static int
cmd_tail(int argc, char **argv)
{
	return brigadectl_tail(argc, argv, &cfg, &server_clock);
}

static int
cmd_print(int argc, char **argv)
{
	return brigadectl_print(argc, argv, &cfg, &server_clock);
}

static int
cmd_printer(int argc, char **argv)
{
	return brigadectl_printer(argc, argv);
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "menu", cmd_menu },
	{ "store", cmd_store },
	{ "stores", cmd_stores },
	{ "staff", cmd_staff },
	{ "orders", cmd_orders },
	{ "order", cmd_order },
	{ "submit", cmd_submit },
	{ "act", cmd_act },
	{ "outbox", cmd_outbox },
	{ "retry", cmd_retry },
	{ "dismiss", cmd_dismiss },
	{ "replay", cmd_replay },
	{ "tail", cmd_tail },
	{ "print", cmd_print },
	{ "printer", cmd_printer },
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "store", required_argument, NULL, 'S' },
		{ "staff", required_argument, NULL, 'u' },
		{ "pin", required_argument, NULL, 'p' },
		{ "terminal", required_argument, NULL, 'T' },
		{ "outbox", required_argument, NULL, 'o' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int opt; const char *key; } keys[] = {
		{ 's', "server" }, { 'S', "store" }, { 'u', "staff" }, { 'p', "pin" }, { 'T', "terminal" },
		{ 'o', "outbox" }, { 'c', "ca_file" }, { 't', "timeout_ms" },
	};
	char err[512];
	int c;

	log_init("brigadectl");
	/* the command's own message says what failed; log lines are for
	 * BRIGADE_LOG=info or debug */
	if (getenv("BRIGADE_LOG") == NULL)
		log_set_level(LOG_ERROR);
	clock_init(&server_clock);
	if (cfg_load(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "brigadectl: %s\n", err);
		return EXIT_USAGE;
	}
	/* options stop at the command: its own options follow it */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		const char *key = NULL;

		if (c == 'h') {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (c == 'V') {
			printf("brigadectl %s\n", VERSION);
			return EXIT_OK;
		}
		if (c == 'k') {
			cfg.insecure = true;
			continue;
		}
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (keys[i].opt == c)
				key = keys[i].key;
		}
		if (key == NULL) {
			fputs("Try 'brigadectl --help'.\n", stderr);
			return EXIT_USAGE;
		}
		if (cfg_set(&cfg, key, optarg, err, sizeof err) < 0) {
			fprintf(stderr, "brigadectl: %s\n", err);
			return EXIT_USAGE;
		}
		if (c == 'p')
			explicit_bzero(optarg, strlen(optarg));   /* out of ps */
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	argc -= optind;
	argv += optind;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, argv[0]) == 0) {
			int rc = commands[i].fn(argc, argv);

			explicit_bzero(cfg.pin, sizeof cfg.pin);
			fflush(stdout);
			return rc;
		}
	}
	return brigadectl_usage("unknown command \"%s\"", argv[0]);
}
