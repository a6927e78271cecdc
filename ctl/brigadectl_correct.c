/* brigadectl orders void | discount | comp | refund | cancel: correct an
 * order from the command line. A correction is sent at once, never queued:
 * its answer (the order's new figures) is what the person acts on, and a
 * manager's approval is good for a while only and comes from a PIN that
 * must never be kept in the outbox's file. Each command makes one
 * Idempotency-Key and every retry of the request carries it, so a
 * correction whose answer was lost is applied once. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "codec.h"
#include "money.h"
#include "order.h"
#include "util.h"
#include "xalloc.h"

/* The options of the correction commands; a kind's letters say which it
 * takes. */
enum { OPT_REASON = 'r', OPT_APPROVE = 'a', OPT_PIN_STDIN = 'P', OPT_JSON = 'j',
	OPT_VERSION = 'v', OPT_LINE = 'l', OPT_PERCENT = 'p', OPT_AMOUNT = 'm',
	OPT_CASH = 'c', OPT_CARD = 'C', OPT_CARD_APPROVAL = 'A', OPT_LAST4 = '4' };

static const struct correct_kind {
	const char *name;            /* the command, and the API's kind */
	const char *opts;            /* the OPT_* letters it takes */
	bool needs_reason;
	bool many_lines;             /* lines with quantities (void, refund) */
} kinds[] = {
	{ "void", "raPjvl", true, true },
	{ "discount", "raPjvlpm", true, false },
	{ "comp", "raPjvl", true, false },
	{ "refund", "raPjvlcCA4", true, true },
	{ "cancel", "raPjv", false, false },     /* an action: POST .../actions */
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

struct correct_line {
	int line;                    /* the order's line, from 0 */
	int qty;                     /* 0: all that is left of it */
};

/* What the command line asked for. */
struct correct_opts {
	const struct correct_kind *kind;
	int64_t id;
	const char *reason;
	const char *approver;        /* --approve: the manager's staff code */
	bool pin_stdin;
	bool json;
	int64_t expected_version;    /* -1: not given */
	struct correct_line lines[ITEMS_MAX];
	int nlines;
	int percent_bp;              /* discount: 0 when not given */
	money_t amount;              /* discount: 0 when not given */
	money_t cash, card;          /* refund: 0 when not given */
	const char *card_approval;   /* the card terminal's code for the refund */
	const char *last4;           /* which card, when the order had several */
};

bool
brigadectl_correct_kind(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcmp(kinds[i].name, name) == 0)
			return true;
	}
	return false;
}

static bool
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || !isdigit((unsigned char)*s) ||
	    v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* --line N or N:QTY, N counted from 1 as people count lines. */
static int
parse_line(const char *cmd, const char *s, bool with_qty, struct correct_line *l)
{
	size_t len = strcspn(s, ":");
	char num[16];
	int64_t n, q = 0;

	if (len >= sizeof num)
		goto bad;
	memcpy(num, s, len);
	num[len] = '\0';
	if (!parse_int(num, 1, ITEMS_MAX, &n))
		goto bad;
	if (s[len] == ':' && (!with_qty || !parse_int(s + len + 1, 1, QTY_MAX, &q)))
		goto bad;
	l->line = (int)n - 1;
	l->qty = (int)q;
	return 0;
bad:
	if (with_qty)
		return brigadectl_usage("orders %s: --line is a line of the order counted from 1, "
		    "with the quantity after a colon (2:1) or alone for all that is left of it, "
		    "not \"%s\"", cmd, s);
	return brigadectl_usage("orders %s: --line is a line of the order counted from 1, "
	    "not \"%s\"", cmd, s);
}

/* An amount as people write it: 12, 12.5, 12.50. */
static int
parse_amount(const char *cmd, const char *opt, const char *s, money_t *out)
{
	if (money_parse(s, out) < 0 || *out <= 0)
		return brigadectl_usage("orders %s: %s is an amount such as 12.50, not \"%s\"", cmd,
		    opt, s);
	return 0;
}

static int
correct_options(int argc, char **argv, struct correct_opts *o)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "approve", required_argument, NULL, OPT_APPROVE },
		{ "pin-stdin", no_argument, NULL, OPT_PIN_STDIN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "expected-version", required_argument, NULL, OPT_VERSION },
		{ "line", required_argument, NULL, OPT_LINE },
		{ "percent", required_argument, NULL, OPT_PERCENT },
		{ "amount", required_argument, NULL, OPT_AMOUNT },
		{ "cash", required_argument, NULL, OPT_CASH },
		{ "card", required_argument, NULL, OPT_CARD },
		{ "card-approval", required_argument, NULL, OPT_CARD_APPROVAL },
		{ "last4", required_argument, NULL, OPT_LAST4 },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->kind->name;
	money_t pct;
	int c, idx = 0;

	optind = 0;   /* GNU: start over, permuting options after arguments */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		if (c == '?' || strchr(o->kind->opts, c) == NULL) {
			if (c == '?')
				return brigadectl_usage("orders %s: unknown option, or one without "
				    "its value: \"%s\"", cmd, argv[optind - 1]);
			return brigadectl_usage("orders %s takes no --%s", cmd, opts[idx].name);
		}
		switch (c) {
		case OPT_REASON:
			o->reason = optarg;
			break;
		case OPT_APPROVE:
			o->approver = optarg;
			break;
		case OPT_PIN_STDIN:
			o->pin_stdin = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_VERSION:
			if (!parse_int(optarg, 1, INT32_MAX, &o->expected_version))
				return brigadectl_usage("orders %s: --expected-version wants a positive "
				    "number, not \"%s\"", cmd, optarg);
			break;
		case OPT_LINE:
			if (!o->kind->many_lines && o->nlines > 0)
				return brigadectl_usage("orders %s: one --line, or none for the whole "
				    "order", cmd);
			if (o->nlines == ITEMS_MAX)
				return brigadectl_usage("orders %s: at most %d lines", cmd, ITEMS_MAX);
			if (parse_line(cmd, optarg, o->kind->many_lines, &o->lines[o->nlines]) != 0)
				return EXIT_USAGE;
			for (int i = 0; i < o->nlines; i++) {
				if (o->lines[i].line == o->lines[o->nlines].line)
					return brigadectl_usage("orders %s: line %d is given twice", cmd,
					    o->lines[i].line + 1);
			}
			o->nlines++;
			break;
		case OPT_PERCENT:
			/* hundredths of a percent are basis points */
			if (money_parse(optarg, &pct) < 0 || pct <= 0 || pct > 10000)
				return brigadectl_usage("orders %s: --percent is from 0.01 to 100, not "
				    "\"%s\"", cmd, optarg);
			o->percent_bp = (int)pct;
			break;
		case OPT_AMOUNT:
			if (parse_amount(cmd, "--amount", optarg, &o->amount) != 0)
				return EXIT_USAGE;
			break;
		case OPT_CASH:
			if (parse_amount(cmd, "--cash", optarg, &o->cash) != 0)
				return EXIT_USAGE;
			break;
		case OPT_CARD:
			if (parse_amount(cmd, "--card", optarg, &o->card) != 0)
				return EXIT_USAGE;
			break;
		case OPT_CARD_APPROVAL:
			o->card_approval = optarg;
			break;
		case OPT_LAST4:
			if (strlen(optarg) != 4 || strspn(optarg, "0123456789") != 4)
				return brigadectl_usage("orders %s: --last4 is the card's last four "
				    "digits, not \"%s\"", cmd, optarg);
			o->last4 = optarg;
			break;
		}
	}
	if (argc - optind != 1 || !parse_int(argv[optind], 1, 999999999999999LL, &o->id))
		return brigadectl_usage("orders %s: expected one order ID (a positive number)", cmd);
	if (o->kind->needs_reason && o->reason == NULL)
		return brigadectl_usage("orders %s: --reason is required: one of the store's "
		    "reasons ('brigadectl store show' lists them)", cmd);
	if (strcmp(cmd, "discount") == 0 && (o->percent_bp > 0) == (o->amount > 0))
		return brigadectl_usage("orders discount: give --percent or --amount (one of them)");
	if (strcmp(cmd, "refund") == 0) {
		if (o->cash == 0 && o->card == 0)
			return brigadectl_usage("orders refund: give the money back with --cash or "
			    "--card (or both)");
		if (o->card > 0 && o->card_approval == NULL)
			return brigadectl_usage("orders refund: --card needs --card-approval, the code "
			    "the card terminal gave the refund");
		if (o->card == 0 && (o->card_approval != NULL || o->last4 != NULL))
			return brigadectl_usage("orders refund: --card-approval and --last4 go with "
			    "--card");
	}
	if (o->pin_stdin && o->approver == NULL)
		return brigadectl_usage("orders %s: --pin-stdin goes with --approve", cmd);
	if (o->approver != NULL && (strlen(o->approver) > STAFF_MAX || o->approver[0] == '\0'))
		return brigadectl_usage("orders %s: --approve wants a staff code, not \"%s\"", cmd,
		    o->approver);
	return 0;
}

/* ---- the server ------------------------------------------------------ */

static int64_t
int_of(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static const char *
str_of(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The manager's approval of this one request (its kind, its order, its
 * key), the manager's PIN asked here. It is the api's first request, so
 * that a wrong PIN is the approval's 401 and never makes the client log in
 * again and send the PIN twice. 0 with the token in token, or the exit
 * code after saying why. */
static int
approve(struct api *a, const struct client_cfg *cfg, const struct correct_opts *o,
    const char *key, char **token)
{
	char pin[BRIGADECTL_PIN_BUF], prompt[64];
	struct api_reply r;
	int rc;

	snprintf(prompt, sizeof prompt, "PIN of %s: ", o->approver);
	if ((rc = brigadectl_get_pin(o->pin_stdin, prompt, false, pin)) != 0)
		return rc;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "staff", o->approver);
	cJSON *p = cJSON_AddStringToObject(j, "pin", pin);
	explicit_bzero(pin, sizeof pin);
	codec_add_int(j, "order_id", o->id);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "scope"),
	    cJSON_CreateString(o->kind->name));
	cJSON_AddStringToObject(j, "key", key);
	char *body = cJSON_PrintUnformatted(j);
	if (body == NULL)
		abort();
	explicit_bzero(p->valuestring, strlen(p->valuestring));
	cJSON_Delete(j);

	struct api_req req = { "POST", "/api/v1/auth/approve", body, NULL, false };
	enum api_err e = api_call(a, &req, cfg->retries, &r);
	explicit_bzero(body, strlen(body));
	free(body);
	if (e == API_ERR_UNAUTHORIZED && api_logged_in(a)) {
		/* we are logged in: the 401 is the manager's code or PIN */
		fprintf(stderr, "brigadectl: the approval by %s was not accepted: wrong staff code "
		    "or PIN (%s); nothing was changed\n", o->approver, r.code);
		rc = EXIT_AUTH;
	} else if (e != API_OK) {
		char what[64];

		snprintf(what, sizeof what, "approval by %s", o->approver);
		rc = brigadectl_failure(what, &r);
	} else if (str_of(r.json, "approval")[0] == '\0') {
		fprintf(stderr, "brigadectl: the server's answer to the approval holds no token\n");
		rc = EXIT_UNREACHABLE;
	} else {
		*token = xstrdup(str_of(r.json, "approval"));
	}
	api_reply_free(&r);
	return rc;
}

/* What the request needs of the order as it stands: the quantity left of
 * a line given without one, and the card a card refund goes back to. */
static int
fill_from_order(struct api *a, const struct client_cfg *cfg, struct correct_opts *o,
    cJSON *card)
{
	char path[64];
	struct api_reply r;
	bool need = o->card > 0;
	int rc = EXIT_OK;

	for (int i = 0; i < o->nlines; i++)
		need = need || o->lines[i].qty == 0;
	if (!need)
		return EXIT_OK;
	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)o->id);
	struct api_req req = { "GET", path, NULL, NULL, false };
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		char what[48];

		snprintf(what, sizeof what, "order %lld", (long long)o->id);
		rc = brigadectl_failure(what, &r);
		api_reply_free(&r);
		return rc;
	}
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(r.json, "items");
	for (int i = 0; i < o->nlines; i++) {
		const cJSON *it = cJSON_GetArrayItem(items, o->lines[i].line);
		int64_t left = it == NULL ? 0 :
		    int_of(it, "qty") - int_of(it, "voided") - int_of(it, "refunded");

		/* nothing left, or no such line: the server says which */
		if (o->lines[i].qty == 0)
			o->lines[i].qty = left > 0 ? (int)left : 1;
	}
	if (o->card > 0) {
		const cJSON *pay, *found = NULL;
		int cards = 0;

		cJSON_ArrayForEach(pay, cJSON_GetObjectItemCaseSensitive(r.json, "payments")) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(pay, "card");

			if (strcmp(str_of(pay, "kind"), "refund") == 0 ||
			    strcmp(str_of(pay, "tender"), "CARD") != 0 || !cJSON_IsObject(c))
				continue;
			if (o->last4 != NULL && strcmp(str_of(c, "last4"), o->last4) != 0)
				continue;
			if (found == NULL || strcmp(str_of(c, "last4"),
			    str_of(found, "last4")) != 0)
				cards++;
			found = c;
		}
		if (found == NULL && o->last4 != NULL)
			rc = brigadectl_usage("orders refund: order %lld was not paid by a card "
			    "ending %s", (long long)o->id, o->last4);
		else if (found == NULL)
			rc = brigadectl_usage("orders refund: order %lld was not paid by card",
			    (long long)o->id);
		else if (cards > 1)
			rc = brigadectl_usage("orders refund: order %lld was paid by several cards: "
			    "say which with --last4", (long long)o->id);
		else {
			cJSON_AddStringToObject(card, "brand", str_of(found, "brand"));
			cJSON_AddStringToObject(card, "last4", str_of(found, "last4"));
		}
	}
	api_reply_free(&r);
	return rc;
}

static char *
request_body(const struct correct_opts *o, const char *token, cJSON *card)
{
	cJSON *j = cJSON_CreateObject();
	bool action = strcmp(o->kind->name, "cancel") == 0;

	cJSON_AddStringToObject(j, action ? "action" : "kind", o->kind->name);
	if (o->reason != NULL)
		cJSON_AddStringToObject(j, "reason", o->reason);
	if (o->kind->many_lines && o->nlines > 0) {
		cJSON *arr = cJSON_AddArrayToObject(j, "lines");

		for (int i = 0; i < o->nlines; i++) {
			cJSON *l = cJSON_CreateObject();

			codec_add_int(l, "line", o->lines[i].line);
			codec_add_int(l, "qty", o->lines[i].qty);
			cJSON_AddItemToArray(arr, l);
		}
	} else if (o->nlines > 0) {
		codec_add_int(j, "line", o->lines[0].line);
	}
	if (o->percent_bp > 0)
		codec_add_int(j, "percent_bp", o->percent_bp);
	if (o->amount > 0)
		codec_add_int(j, "amount", o->amount);
	if (o->cash > 0 || o->card > 0) {
		cJSON *arr = cJSON_AddArrayToObject(j, "refunds");

		if (o->cash > 0) {
			cJSON *t = cJSON_CreateObject();

			cJSON_AddStringToObject(t, "tender", "CASH");
			codec_add_int(t, "amount", o->cash);
			cJSON_AddItemToArray(arr, t);
		}
		if (o->card > 0) {
			cJSON *t = cJSON_CreateObject();

			cJSON_AddStringToObject(t, "tender", "CARD");
			codec_add_int(t, "amount", o->card);
			cJSON_AddItemToObject(t, "card", cJSON_Duplicate(card, true));
			cJSON_AddStringToObject(t, "approval", o->card_approval);
			cJSON_AddItemToArray(arr, t);
		}
	}
	if (o->expected_version > 0)
		codec_add_int(j, "expected_version", o->expected_version);
	if (token != NULL)
		cJSON_AddStringToObject(j, "approval", token);
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		abort();
	return text;
}

/* ---- the answer ------------------------------------------------------ */

static void
put_money(const char *label, int64_t v, const char *after)
{
	char m[32];

	money_format(v, m, sizeof m);
	printf("%s %s%s", label, m, after);
}

/* The order's new figures, for people:
 *   void on order #3 (id 3): PREPARING, version 4, by m1, reason "Wrong item"
 *     total 14.58 (subtotal 13.50, tax 1.08)
 *     paid 30.00, change 3.32, refunded 0.00
 *     balance -10.26: owed back to the guest */
static void
print_result(const struct client_cfg *cfg, const struct correct_opts *o, const cJSON *ord)
{
	const char *status = str_of(ord, "status");
	int64_t balance = int_of(ord, "balance");

	if (strspn(status, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != strlen(status))
		status = "?";
	printf("%s on order #%lld (id %lld): %s, version %lld, by %s", o->kind->name,
	    (long long)int_of(ord, "number"), (long long)int_of(ord, "id"), status,
	    (long long)int_of(ord, "version"), cfg->staff);
	if (o->approver != NULL)
		printf(", approved by %s", o->approver);
	if (o->reason != NULL)
		printf(", reason \"%s\"", o->reason);
	printf("\n");
	put_money("  total", int_of(ord, "total"), "");
	put_money(" (subtotal", int_of(ord, "subtotal"), "");
	put_money(", tax", int_of(ord, "tax"), ")\n");
	put_money("  paid", int_of(ord, "paid"), "");
	put_money(", change", int_of(ord, "change"), "");
	put_money(", refunded", int_of(ord, "refunded"), "\n");
	put_money("  balance", balance, balance > 0 ? ": still to pay\n" :
	    balance < 0 ? ": owed back to the guest\n" : ": settled\n");
}

int
brigadectl_correct(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct correct_opts o;
	struct api_reply r;
	char key[37], path[96], what[64];
	char *token = NULL, *body;
	cJSON *card;
	int rc;

	memset(&o, 0, sizeof o);
	o.expected_version = -1;
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcmp(kinds[i].name, argv[0]) == 0)
			o.kind = &kinds[i];
	}
	if (o.kind == NULL)
		return brigadectl_usage("orders: expected void, discount, comp, refund or cancel, "
		    "not \"%s\"", argv[0]);
	if ((rc = correct_options(argc, argv, &o)) != 0)
		return rc;

	/* one key for this correction: every retry of it carries the same */
	util_uuid(key);
	struct api *a = api_new(cfg, clk);
	card = cJSON_CreateObject();
	api_reply_init(&r);
	if (o.approver != NULL && (rc = approve(a, cfg, &o, key, &token)) != 0)
		goto out;
	if ((rc = fill_from_order(a, cfg, &o, card)) != 0)
		goto out;
	body = request_body(&o, token, card);
	snprintf(path, sizeof path, "/api/v1/orders/%lld/%s", (long long)o.id,
	    strcmp(o.kind->name, "cancel") == 0 ? "actions" : "corrections");
	struct api_req req = { "POST", path, body, key, false };
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		snprintf(what, sizeof what, "%s on order %lld", o.kind->name, (long long)o.id);
		rc = brigadectl_failure(what, &r);
		if (o.approver == NULL && (strcmp(r.code, "approval_required") == 0 ||
		    strcmp(r.code, "discount_over_limit") == 0 ||
		    (strcmp(r.code, "forbidden") == 0 && strcmp(o.kind->name, "cancel") == 0)))
			fprintf(stderr, "brigadectl: a manager may approve it: add --approve CODE "
			    "with their staff code (their PIN is asked for)\n");
	} else if (o.json || !cJSON_IsObject(r.json)) {
		printf("%s\n", r.body);
	} else {
		print_result(cfg, &o, r.json);
	}
	free(body);
out:
	api_reply_free(&r);
	cJSON_Delete(card);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	api_free(a);
	return rc;
}
