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
#include "util.h"
#include "xalloc.h"

/* What can be printed and how each is built. */
struct print_kind {
	const char *name;
	bool needs_order;
	int (*build)(struct escpos *e, const struct order *o, const char *station,
	    const struct doc_config *c);
};

/* A page that shows what the printer can do: styles, the code page with
 * accents and currency signs, a barcode, a QR code, the cut. */
static int
build_test(struct escpos *e, const struct order *o, const char *station,
    const struct doc_config *c)
{
	char line[128];

	(void)o;
	(void)station;
	escpos_align(e, ESCPOS_CENTER);
	escpos_size(e, 2, 2);
	escpos_line(e, c->name);
	escpos_size(e, 1, 1);
	escpos_line(e, "Printer test");
	escpos_align(e, ESCPOS_LEFT);
	snprintf(line, sizeof line, "Profile: %s (%d columns)", e->profile->name,
	    e->profile->columns);
	escpos_line(e, line);
	escpos_style(e, ESCPOS_BOLD);
	escpos_line(e, "Bold");
	escpos_style(e, ESCPOS_UNDERLINE);
	escpos_line(e, "Underlined");
	escpos_style(e, ESCPOS_INVERSE);
	escpos_line(e, "Inverse");
	escpos_style(e, 0);
	escpos_size(e, 2, 1);
	escpos_line(e, "Double width");
	escpos_size(e, 1, 1);
	escpos_line(e, "Café crème, Zoë, Ærø: €5.00 £3.00");
	escpos_barcode(e, ESCPOS_CODE128, "BRIGADE-0042");
	escpos_qr(e, "https://example.invalid/brigade");
	escpos_cut(e, false);
	return 0;
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
	(void)c;
	return document_kitchen(e, o, station, util_now_ms());
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
	{ "test", false, build_test },
	{ "receipt", true, build_receipt },
	{ "kitchen", true, build_kitchen },
	{ "label", true, build_label },
};

/* GET the order from the server into o. Returns an exit code. */
static int
fetch_order(const struct client_cfg *cfg, struct clock *clk, int64_t id,
    struct order *o)
{
	struct api *a = api_new(cfg, clk);
	struct api_reply r;
	struct codec_error err;
	char path[64];
	int rc = EXIT_OK;

	snprintf(path, sizeof path, "/api/v1/orders/%lld", (long long)id);
	struct api_req req = { "GET", path, NULL, NULL, false };
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		fprintf(stderr, "brigadectl: order %lld: %s (%s)\n", (long long)id,
		    r.message, r.code);
		rc = r.err == API_ERR_UNAUTHORIZED ? EXIT_AUTH :
		    api_err_transient(r.err) ? EXIT_UNREACHABLE : EXIT_REFUSED;
	} else {
		cJSON *j = cJSON_Parse(r.body);

		if (j == NULL || order_from_json(j, o, &err) < 0) {
			fprintf(stderr, "brigadectl: order %lld: the server's answer is not an order\n",
			    (long long)id);
			rc = EXIT_UNREACHABLE;
		}
		cJSON_Delete(j);
	}
	api_reply_free(&r);
	api_free(a);
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
	struct doc_config dc;
	struct profile prof;
	struct escpos e;
	struct printer *p;
	struct order o;
	char err[256];
	size_t sent = 0;
	int64_t id = 0;
	int c, rc;

	doc_config_init(&dc);
	optind = 0;   /* a full restart of getopt: options may follow the words */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'P': uri = optarg; break;
		case 'f': profile_id = optarg; break;
		case 's': station = optarg; break;
		case 'n': xstrlcpy(dc.name, optarg, sizeof dc.name); break;
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
