/* brigadectl_print: the printer commands. `print` sends a test page, an
 * order's receipt, kitchen ticket or labels straight to a printer URI;
 * `printer status` asks a printer how it is. Both print the outcome as one
 * line a support person can act on. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "codec.h"
#include "documents.h"
#include "escpos.h"
#include "printer.h"
#include "profile.h"
#include "storeinfo.h"
#include "util.h"
#include "xalloc.h"

/* What can be printed and how each is built. */
struct print_kind {
	const char *name;
	bool needs_order;
	bool needs_shop;            /* prints the restaurant's details and money */
	int (*build)(struct escpos *e, const struct order *o, const char *station,
	    const struct doc_config *c);
};

static int
build_test(struct escpos *e, const struct order *o, const char *station,
    const struct doc_config *c)
{
	(void)o;
	(void)station;
	return document_test(e, c);
}

static int
build_receipt(struct escpos *e, const struct order *o, const char *station,
    const struct doc_config *c)
{
	(void)station;
	return document_receipt(e, o, c);
}

static int
build_kitchen(struct escpos *e, const struct order *o, const char *station,
    const struct doc_config *c)
{
	return document_kitchen_of(e, o, station, util_now_ms(), c);
}

static int
build_label(struct escpos *e, const struct order *o, const char *station,
    const struct doc_config *c)
{
	(void)station;
	(void)c;
	return document_labels(e, o) < 0 ? -1 : 0;
}

static const struct print_kind kinds[] = {
	{ "test", false, false, build_test },
	{ "receipt", true, true, build_receipt },
	{ "kitchen", true, false, build_kitchen },
	{ "label", true, false, build_label },
};

/* GET path from the server as JSON into *out. Returns an exit code, with
 * a sentence on standard error naming what when it fails. */
static int
fetch_json(const struct client_cfg *cfg, struct clock *clk, const char *path,
    const char *what, cJSON **out)
{
	struct api *a = api_new(cfg, clk);
	struct api_reply r;
	int rc = EXIT_OK;

	*out = NULL;
	struct api_req req = { "GET", path, NULL, NULL, false };
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		fprintf(stderr, "brigadectl: %s: %s (%s)\n", what, r.message, r.code);
		rc = r.err == API_ERR_UNAUTHORIZED ? EXIT_AUTH :
		    api_err_transient(r.err) ? EXIT_UNREACHABLE : EXIT_REFUSED;
	} else if ((*out = cJSON_Parse(r.body)) == NULL) {
		fprintf(stderr, "brigadectl: %s: the server's answer is not JSON\n", what);
		rc = EXIT_UNREACHABLE;
	}
	api_reply_free(&r);
	api_free(a);
	return rc;
}

/* GET the order from the server into o. Returns an exit code. */
static int
fetch_order(const struct client_cfg *cfg, struct clock *clk, int64_t id,
    struct order *o)
{
	struct codec_error err;
	char path[64], what[64];
	cJSON *j;
	int rc;

	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)id);
	snprintf(what, sizeof what, "order %lld", (long long)id);
	if ((rc = fetch_json(cfg, clk, path, what, &j)) != EXIT_OK)
		return rc;
	if (order_from_json(j, o, &err) < 0) {
		fprintf(stderr, "brigadectl: order %lld: the server's answer is not an order\n",
		    (long long)id);
		rc = EXIT_UNREACHABLE;
	}
	cJSON_Delete(j);
	return rc;
}

/* The receipt's words and money as the till builds them (pos/spool.c):
 * the menu's tax rate and currency sign, then the restaurant's details
 * over base, so an order prints the same receipt from either. */
static int
fetch_shop(const struct client_cfg *cfg, struct clock *clk,
    const struct doc_config *base, struct doc_config *dc)
{
	struct codec_error err;
	struct store_info si;
	struct menu m;
	cJSON *j;
	int rc;

	*dc = *base;
	if ((rc = fetch_json(cfg, clk, "/api/v1/menu", "the menu", &j)) != EXIT_OK)
		return rc;
	menu_init(&m);
	if (menu_from_json(j, &m, &err) < 0) {
		fprintf(stderr, "brigadectl: the menu: the server's answer is not a menu\n");
		rc = EXIT_UNREACHABLE;
	} else {
		doc_config_money(dc, m.tax_bp, m.currency);
	}
	menu_free(&m);
	cJSON_Delete(j);
	if (rc != EXIT_OK)
		return rc;
	if ((rc = fetch_json(cfg, clk, "/api/v1/store", "the restaurant's details", &j)) != EXIT_OK)
		return rc;
	store_info_init(&si);
	if (store_info_from_json(j, &si, &err) < 0) {
		fprintf(stderr, "brigadectl: the restaurant's details: the server's answer is not "
		    "what it should be\n");
		rc = EXIT_UNREACHABLE;
	} else {
		if (dc->currency[0] == '\0')
			doc_config_money(dc, dc->tax_rate_bp, si.currency);
		doc_config_store(dc, base, &si);
	}
	cJSON_Delete(j);
	return rc;
}

int
brigadectl_print(int argc, char **argv, const struct client_cfg *cfg,
    struct clock *clk)
{
	static const struct option opts[] = {
		{ "printer", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'f' },
		{ "station", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *uri = NULL, *profile_id = "generic-80", *station = NULL;
	const struct print_kind *kind = NULL;
	struct printer_error perr;
	struct doc_config base, dc;
	struct profile prof;
	struct escpos e;
	struct printer *p;
	struct order o;
	char err[256];
	size_t sent = 0;
	int64_t id = 0;
	int c, rc;

	doc_config_init(&base);
	optind = 0;   /* a full restart of getopt: options may follow the words */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'P': uri = optarg; break;
		case 'f': profile_id = optarg; break;
		case 's': station = optarg; break;
		case 'n': xstrlcpy(base.name, optarg, sizeof base.name); break;
		default:
			fprintf(stderr, "Try 'brigadectl --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (uri == NULL || optind >= argc) {
		fprintf(stderr, "brigadectl: print --printer URI test|receipt ID|kitchen ID|label ID\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].name, argv[optind]) == 0)
			kind = &kinds[i];
	}
	if (kind == NULL) {
		fprintf(stderr, "brigadectl: print: what to print: test, receipt, kitchen or label\n");
		return EXIT_USAGE;
	}
	if (kind->needs_order != (optind + 2 == argc) || optind + 2 < argc) {
		fprintf(stderr, "brigadectl: print %s: %s\n", kind->name,
		    kind->needs_order ? "expected one order id" : "takes no order id");
		return EXIT_USAGE;
	}
	if (kind->needs_order) {
		char *end;

		id = strtoll(argv[optind + 1], &end, 10);
		if (*end != '\0' || id <= 0) {
			fprintf(stderr, "brigadectl: print: \"%s\" is not an order id\n",
			    argv[optind + 1]);
			return EXIT_USAGE;
		}
	}
	if (profile_load(profile_id, &prof, err, sizeof err) < 0) {
		fprintf(stderr, "brigadectl: %s\n", err);
		return EXIT_USAGE;
	}
	order_init(&o);
	if (kind->needs_order && (rc = fetch_order(cfg, clk, id, &o)) != EXIT_OK)
		return rc;
	dc = base;
	if (kind->needs_shop && (rc = fetch_shop(cfg, clk, &base, &dc)) != EXIT_OK) {
		order_free(&o);
		return rc;
	}
	escpos_begin(&e, &prof);
	if (kind->build(&e, &o, station, &dc) < 0 || e.len == 0) {
		fprintf(stderr, "brigadectl: print %s: nothing to print%s\n", kind->name,
		    station != NULL ? " for that station" : "");
		escpos_free(&e);
		order_free(&o);
		return EXIT_USAGE;
	}
	order_free(&o);
	p = printer_open(uri, &perr);
	if (p == NULL) {
		fprintf(stderr, "brigadectl: %s: %s\n", uri, perr.message);
		escpos_free(&e);
		return EXIT_PRINTER;
	}
	rc = printer_print(p, e.data, e.len, &sent, &perr);
	printer_close(p);
	if (rc < 0) {
		fprintf(stderr, "brigadectl: %s: %s (%zu of %zu bytes sent%s)\n", uri,
		    perr.message, sent, e.len,
		    sent > 0 ? "; part may have printed" : "; nothing printed");
		escpos_free(&e);
		return EXIT_PRINTER;
	}
	printf("printed %s (%zu bytes) on %s\n", kind->name, e.len, uri);
	escpos_free(&e);
	return EXIT_OK;
}

int
brigadectl_printer(int argc, char **argv)
{
	struct printer_error perr;
	struct printer_status st;
	struct printer *p;
	char text[128];
	int rc;

	if (argc != 3 || strcmp(argv[1], "status") != 0) {
		fprintf(stderr, "brigadectl: printer status URI\n");
		return EXIT_USAGE;
	}
	p = printer_open(argv[2], &perr);
	if (p == NULL) {
		fprintf(stderr, "brigadectl: %s: %s\n", argv[2], perr.message);
		return EXIT_PRINTER;
	}
	rc = printer_status(p, &st, &perr);
	printer_close(p);
	if (rc < 0) {
		fprintf(stderr, "brigadectl: %s: %s\n", argv[2], perr.message);
		return EXIT_PRINTER;
	}
	printf("%s: %s\n", argv[2], printer_status_text(&st, text, sizeof text));
	return EXIT_OK;
}
