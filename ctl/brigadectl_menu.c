/* brigadectl menu: print the menu, export it as CSV or JSON, and import a
 * file: checked here first, then shown as the server would change it (a
 * dry run), then applied in one request that changes all of it or none.
 * Imports are sent at once, never queued: what they change depends on the
 * menu as it is when they arrive. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "codec.h"
#include "menucsv.h"
#include "menudiff.h"
#include "strbuf.h"
#include "util.h"

#define MENU_FILE_MAX (8u * 1024 * 1024)

enum format { FORMAT_NONE, FORMAT_CSV, FORMAT_JSON };

static int
parse_format(const char *s, enum format *out)
{
	if (strcasecmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcasecmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return -1;
	return 0;
}

/* The format a file's name says: .csv or .json; standard input is CSV. */
static enum format
format_of(const char *file)
{
	const char *dot = strrchr(file, '.');

	if (strcmp(file, "-") == 0)
		return FORMAT_CSV;
	if (dot != NULL && strcasecmp(dot, ".csv") == 0)
		return FORMAT_CSV;
	if (dot != NULL && strcasecmp(dot, ".json") == 0)
		return FORMAT_JSON;
	return FORMAT_NONE;
}

/* Options shared by export and import; -1 after a usage message. */
static int
menu_options(int argc, char **argv, const char *cmd, enum format *format, bool *dry_run)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;   /* GNU: start over, permuting options after arguments */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && parse_format(optarg, format) == 0)
			continue;
		if (c == 'f') {
			brigadectl_usage("menu %s: --format is csv or json, not \"%s\"", cmd, optarg);
			return -1;
		}
		if (c == 'n' && dry_run != NULL) {
			*dry_run = true;
			continue;
		}
		brigadectl_usage("menu %s: unknown option", cmd);
		return -1;
	}
	return 0;
}

/* The menu document as JSON to keep and edit: what the server derives or
 * ignores on import (each item's flattened modifiers, the legacy single
 * tax rate) left out. */
static void
drop_derived(cJSON *menu)
{
	cJSON *it;

	cJSON_DeleteItemFromObjectCaseSensitive(menu, "tax_rate_bp");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(menu, "items"))
		cJSON_DeleteItemFromObjectCaseSensitive(it, "modifiers");
}

static int
menu_export(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	enum format format = FORMAT_CSV;
	struct api_req req = { "GET", "/api/v1/menu", NULL, NULL, false };
	struct api_reply r;
	struct api *a;
	int rc = EXIT_OK;

	if (menu_options(argc, argv, "export", &format, NULL) < 0)
		return EXIT_USAGE;
	if (optind != argc)
		return brigadectl_usage("menu export: unexpected argument \"%s\" (the file "
		    "goes to standard output)", argv[optind]);
	a = api_new(cfg, clk);
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		rc = brigadectl_failure("menu export", &r);
	} else if (!cJSON_IsObject(r.json)) {
		fprintf(stderr, "brigadectl: menu export: the server's menu is not a JSON object\n");
		rc = EXIT_UNREACHABLE;
	} else if (format == FORMAT_JSON) {
		char *txt;

		drop_derived(r.json);
		if ((txt = cJSON_Print(r.json)) == NULL)
			abort();
		printf("%s\n", txt);
		free(txt);
	} else {
		struct strbuf sb;
		char err[256];

		strbuf_init(&sb);
		if (menucsv_write(r.json, &sb, err, sizeof err) < 0) {
			fprintf(stderr, "brigadectl: menu export: %s\n", err);
			rc = EXIT_UNREACHABLE;
		} else {
			fwrite(sb.data, 1, sb.len, stdout);
		}
		strbuf_free(&sb);
	}
	api_reply_free(&r);
	api_free(a);
	return rc;
}

/* A JSON menu file as the document to send: checked to be a JSON object;
 * what the server would ignore is left out. */
static cJSON *
json_document(const char *file, const char *text, size_t len)
{
	struct codec_error err;
	cJSON *doc = codec_parse_object(text, len, &err);

	if (doc == NULL) {
		fprintf(stderr, "%s: not a JSON menu: %s\n", file, err.message);
		return NULL;
	}
	drop_derived(doc);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "version");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "currency");
	return doc;
}

/* The server refused the menu: say where in the file, when its field is
 * one of the file's rows. */
static int
refused(const char *file, const struct menucsv *m, const struct api_reply *r)
{
	const char *msg = r->message, *column = NULL;
	size_t flen = strlen(r->field);
	int row = 0, col = 0;

	if (r->status != 422 || r->field[0] == '\0') {
		int rc = brigadectl_failure("menu import", r);

		if (!api_err_transient(r->err))
			fprintf(stderr, "brigadectl: nothing was changed\n");
		return rc;
	}
	/* "items[12].price: must be ..." says the field twice */
	if (flen > 0 && strncmp(msg, r->field, flen) == 0 && msg[flen] == ':')
		msg += flen + 1 + (msg[flen + 1] == ' ');
	if (m != NULL && menucsv_locate(m, r->field, &row, &col, &column) == 0) {
		if (col > 0)
			fprintf(stderr, "%s:%d:%d: ", file, row, col);
		else
			fprintf(stderr, "%s:%d: ", file, row);
		if (column != NULL)
			fprintf(stderr, "%s: ", column);
		fprintf(stderr, "%s (the server says %s: %s)\n", msg, r->code, r->field);
	} else {
		fprintf(stderr, "%s: %s: %s (%s)\n", file, r->field, msg, r->code);
	}
	fprintf(stderr, "brigadectl: nothing was changed\n");
	return EXIT_REFUSED;
}

static void
print_errors(const char *file, const struct menucsv_errors *errs)
{
	for (int i = 0; i < errs->n; i++) {
		const struct menucsv_error *e = &errs->e[i];

		if (e->row == 0)
			fprintf(stderr, "%s: %s\n", file, e->message);
		else if (e->col == 0)
			fprintf(stderr, "%s:%d: %s\n", file, e->row, e->message);
		else
			fprintf(stderr, "%s:%d:%d: %s\n", file, e->row, e->col, e->message);
	}
	if (errs->more > 0)
		fprintf(stderr, "%s: and %d more\n", file, errs->more);
}

/* The lines of an answer on stdout; -1 when it is not a menu summary. */
static int
print_changes(const cJSON *answer, const cJSON *before, const cJSON *after,
    struct menudiff_counts *n)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (menudiff_render(answer, before, after, &sb, n) < 0) {
		strbuf_free(&sb);
		fprintf(stderr, "brigadectl: menu import: the server's answer does not say "
		    "what it added, changed and retired\n");
		return -1;
	}
	if (sb.len > 0)
		fwrite(sb.data, 1, sb.len, stdout);
	fflush(stdout);
	strbuf_free(&sb);
	return 0;
}

static int
menu_import(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	enum format format = FORMAT_NONE;
	bool dry_run = false;
	struct menucsv *m = NULL;
	struct menudiff_counts plan, done;
	struct api_reply now, check, apply;
	char key[37];
	cJSON *doc;
	size_t len;
	char *text, *body;
	int rc = EXIT_OK;

	if (menu_options(argc, argv, "import", &format, &dry_run) < 0)
		return EXIT_USAGE;
	if (argc - optind != 1)
		return brigadectl_usage("menu import: expected one FILE (.csv or .json), or - "
		    "for standard input");
	const char *file = argv[optind];
	if (format == FORMAT_NONE && (format = format_of(file)) == FORMAT_NONE)
		return brigadectl_usage("menu import: %s: say --format csv or --format json "
		    "(the name ends in neither .csv nor .json)", file);
	if ((text = brigadectl_read_file(file, &len, MENU_FILE_MAX)) == NULL)
		return EXIT_USAGE;
	if (format == FORMAT_CSV) {
		struct menucsv_errors errs;

		if ((m = menucsv_read(text, len, &errs)) == NULL) {
			print_errors(file, &errs);
			fprintf(stderr, "brigadectl: nothing was sent\n");
			free(text);
			return EXIT_USAGE;
		}
		doc = cJSON_Duplicate(menucsv_document(m), true);
	} else if ((doc = json_document(file, text, len)) == NULL) {
		fprintf(stderr, "brigadectl: nothing was sent\n");
		free(text);
		return EXIT_USAGE;
	}
	free(text);
	if ((body = cJSON_PrintUnformatted(doc)) == NULL)
		abort();

	/* the menu as it is, to tell real moves from places shifted by what
	 * is added or retired before them */
	struct api *a = api_new(cfg, clk);
	struct api_req req = { "GET", "/api/v1/menu", NULL, NULL, false };

	api_reply_init(&check);
	api_reply_init(&apply);
	if (api_call(a, &req, cfg->retries, &now) != API_OK) {
		rc = brigadectl_failure("menu import", &now);
		goto out;
	}

	/* the check: what the import would do, changing nothing */
	req = (struct api_req){ "PUT", "/api/v1/menu?dry_run=1", body, NULL, false };
	if (api_call(a, &req, cfg->retries, &check) != API_OK) {
		rc = refused(file, m, &check);
		goto out;
	}
	if (print_changes(check.json, now.json, doc, &plan) < 0) {
		rc = EXIT_UNREACHABLE;
		goto out;
	}
	if (plan.added + plan.changed + plan.retired == 0) {
		printf("nothing to change\n");
		goto out;
	}
	if (dry_run) {
		printf("dry run: %d to add, %d to change, %d to retire; nothing was changed\n",
		    plan.added, plan.changed, plan.retired);
		goto out;
	}

	/* the import: one transaction; a retry after a lost answer is the
	 * same request with the same key, applied once */
	util_uuid(key);
	req = (struct api_req){ "PUT", "/api/v1/menu", body, key, false };
	if (api_call(a, &req, cfg->retries, &apply) != API_OK) {
		rc = refused(file, m, &apply);
		if (api_err_transient(apply.err))
			fprintf(stderr, "brigadectl: whether the menu changed is not known: run the "
			    "same import again (it changes nothing if the menu is so already)\n");
		goto out;
	}
	if (!menudiff_same(check.json, apply.json)) {
		fprintf(stderr, "brigadectl: the menu changed on the server since the check "
		    "above; what the import did:\n");
		if (print_changes(apply.json, NULL, NULL, &done) < 0) {
			rc = EXIT_UNREACHABLE;
			goto out;
		}
	} else {
		done = plan;
	}
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(apply.json, "version");
	if (done.added + done.changed + done.retired == 0)
		printf("nothing to change\n");
	else if (cJSON_IsNumber(version))
		printf("menu version %lld: %d added, %d changed, %d retired\n",
		    (long long)version->valuedouble, done.added, done.changed, done.retired);
	else
		printf("menu changed: %d added, %d changed, %d retired\n", done.added,
		    done.changed, done.retired);
out:
	api_reply_free(&now);
	api_reply_free(&check);
	api_reply_free(&apply);
	api_free(a);
	free(body);
	cJSON_Delete(doc);
	menucsv_free(m);
	return rc;
}

static int
menu_show(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc != 1)
		return brigadectl_usage("menu show takes no arguments");
	return brigadectl_print_get(cfg, clk, "/api/v1/menu");
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk);
} menu_commands[] = {
	{ "show", menu_show },
	{ "export", menu_export },
	{ "import", menu_import },
};

int
brigadectl_menu(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc == 1)
		return brigadectl_print_get(cfg, clk, "/api/v1/menu");
	for (size_t i = 0; i < sizeof menu_commands / sizeof menu_commands[0]; i++) {
		if (strcmp(menu_commands[i].name, argv[1]) == 0)
			return menu_commands[i].fn(argc - 1, argv + 1, cfg, clk);
	}
	return brigadectl_usage("menu: expected export or import, not \"%s\"", argv[1]);
}
