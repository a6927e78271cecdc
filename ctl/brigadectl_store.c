/* brigadectl store: the restaurant's details, the ones receipts, tickets
 * and reports print, and the reasons and discount limits its corrections
 * follow: show them, or set some of them (ADMIN). brigadectl
 * stores: the group's stores, as the login may see them; an organisation
 * admin adds one. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "codec.h"
#include "domain.h"
#include "util.h"
#include "xalloc.h"

/* How a KEY=VALUE is turned into JSON: 0, or EXIT_USAGE after saying why. */
typedef int (*store_value_fn)(cJSON *body, const char *key, const char *value);

static int
value_text(cJSON *body, const char *key, const char *value)
{
	cJSON_AddStringToObject(body, key, value);
	return 0;
}

/* Lines separated by '|': "1 Rue X|75001 Paris"; empty: no lines. */
static int
value_lines(cJSON *body, const char *key, const char *value)
{
	cJSON *arr = cJSON_AddArrayToObject(body, key);
	const char *p = value;

	while (*p != '\0') {
		size_t n = strcspn(p, "|");
		char *line = xstrndup(p, n);

		cJSON_AddItemToArray(arr, cJSON_CreateString(line));
		free(line);
		p += n;
		if (*p == '|' && *++p == '\0')
			cJSON_AddItemToArray(arr, cJSON_CreateString(""));
	}
	return 0;
}

static int
value_currency(cJSON *body, const char *key, const char *value)
{
	char code[4];

	if (strlen(value) != 3)
		return brigadectl_usage("store set: currency is a three-letter ISO 4217 code "
		    "(EUR, USD, GBP), not \"%s\"", value);
	for (int i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)value[i]))
			return brigadectl_usage("store set: currency is a three-letter ISO 4217 "
			    "code (EUR, USD, GBP), not \"%s\"", value);
		code[i] = (char)toupper((unsigned char)value[i]);
	}
	code[3] = '\0';
	cJSON_AddStringToObject(body, key, code);
	return 0;
}

static int
value_hour(cJSON *body, const char *key, const char *value)
{
	char *end;
	long h = strtol(value, &end, 10);

	if (end == value || *end != '\0' || h < 0 || h > 23)
		return brigadectl_usage("store set: %s is an hour from 0 to 23, not \"%s\"",
		    key, value);
	codec_add_int(body, key, h);
	return 0;
}

/* DINE_IN,PICKUP,DELIVERY (any case). */
static int
value_services(cJSON *body, const char *key, const char *value)
{
	cJSON *arr = cJSON_AddArrayToObject(body, key);
	const char *p = value;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char name[32];

		if (n == 0 || n >= sizeof name)
			return brigadectl_usage("store set: services are DINE_IN, PICKUP and "
			    "DELIVERY, separated by commas: \"%s\"", value);
		for (size_t i = 0; i < n; i++)
			name[i] = (char)toupper((unsigned char)p[i]);
		name[n] = '\0';
		if (service_parse(name) < 0)
			return brigadectl_usage("store set: \"%s\" is not a service: DINE_IN, "
			    "PICKUP or DELIVERY", name);
		cJSON_AddItemToArray(arr, cJSON_CreateString(name));
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* void_reasons=Wrong item|Kitchen error: the reasons a kind of correction
 * may give, into "correction_reasons"; empty: any reason. */
static int
value_reasons(cJSON *body, const char *key, const char *value)
{
	cJSON *reasons = cJSON_GetObjectItemCaseSensitive(body, "correction_reasons");
	char kind[16];

	if (reasons == NULL)
		reasons = cJSON_AddObjectToObject(body, "correction_reasons");
	snprintf(kind, sizeof kind, "%.*s", (int)strcspn(key, "_"), key);
	return value_lines(reasons, kind, value);
}

/* discount_limits=CASHIER:10,WAITER:15: the largest discount, in whole
 * percent, each role may give on its own; the roles not named keep theirs. */
static int
value_limits(cJSON *body, const char *key, const char *value)
{
	cJSON *limits = cJSON_AddObjectToObject(body, key);
	const char *p = value;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char item[40], *colon, *end;
		long pct;
		int r;

		if (n == 0 || n >= sizeof item)
			goto bad;
		memcpy(item, p, n);
		item[n] = '\0';
		if ((colon = strchr(item, ':')) == NULL)
			goto bad;
		*colon = '\0';
		for (char *c = item; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		r = role_parse(item);
		if (r < 0 || r == ROLE_CUSTOMER)
			return brigadectl_usage("store set: discount_limits: \"%s\" is not a staff "
			    "role: CASHIER, WAITER, CHEF, MANAGER or ADMIN", item);
		errno = 0;
		pct = strtol(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || pct < 0 || pct > 100)
			return brigadectl_usage("store set: discount_limits: %s's limit is a whole "
			    "percent from 0 to 100, not \"%s\"", item, colon + 1);
		if (cJSON_GetObjectItemCaseSensitive(limits, item) != NULL)
			return brigadectl_usage("store set: discount_limits: %s is given twice", item);
		codec_add_int(limits, item, pct);
		p += n;
		if (*p == ',')
			p++;
	}
	if (cJSON_GetArraySize(limits) > 0)
		return 0;
bad:
	return brigadectl_usage("store set: discount_limits are ROLE:PERCENT separated by "
	    "commas (CASHIER:10,WAITER:15), not \"%s\"", value);
}

static const struct store_key {
	const char *key;
	store_value_fn value;
} store_keys[] = {
	{ "name", value_text },
	{ "address", value_lines },
	{ "phone", value_text },
	{ "tax_id", value_text },
	{ "receipt_header", value_lines },
	{ "receipt_footer", value_lines },
	{ "currency", value_currency },
	{ "day_start_hour", value_hour },
	{ "services", value_services },
	{ "void_reasons", value_reasons },
	{ "discount_reasons", value_reasons },
	{ "comp_reasons", value_reasons },
	{ "refund_reasons", value_reasons },
	{ "discount_limits", value_limits },
};

#define NKEYS (sizeof store_keys / sizeof store_keys[0])

static int
store_show(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc != 1)
		return brigadectl_usage("store show takes no arguments");
	return brigadectl_print_get(cfg, clk, "/api/v1/store");
}

static int
store_set(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	bool seen[NKEYS] = { false };
	cJSON *body;
	int rc = EXIT_OK;

	if (argc < 2)
		return brigadectl_usage("store set: expected KEY=VALUE ... (keys: name, address, "
		    "phone, tax_id, receipt_header, receipt_footer, currency, day_start_hour, "
		    "services, void_reasons, discount_reasons, comp_reasons, refund_reasons, "
		    "discount_limits)");
	body = cJSON_CreateObject();
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char key[32];
		size_t k;

		if (eq == NULL || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof key) {
			cJSON_Delete(body);
			return brigadectl_usage("store set: expected KEY=VALUE, not \"%s\"", argv[i]);
		}
		memcpy(key, argv[i], (size_t)(eq - argv[i]));
		key[eq - argv[i]] = '\0';
		for (k = 0; k < NKEYS && strcmp(store_keys[k].key, key) != 0; k++)
			;
		if (k == NKEYS) {
			cJSON_Delete(body);
			return brigadectl_usage("store set: \"%s\" is not a detail of the store: name, "
			    "address, phone, tax_id, receipt_header, receipt_footer, currency, "
			    "day_start_hour, services, void_reasons, discount_reasons, comp_reasons, "
			    "refund_reasons or discount_limits", key);
		}
		if (seen[k]) {
			cJSON_Delete(body);
			return brigadectl_usage("store set: %s is given twice", key);
		}
		seen[k] = true;
		if (store_keys[k].value(body, key, eq + 1) != 0) {
			cJSON_Delete(body);
			return EXIT_USAGE;
		}
	}
	char *text = cJSON_PrintUnformatted(body);
	char idem[37];
	struct api_reply r;

	cJSON_Delete(body);
	if (text == NULL)
		abort();
	util_uuid(idem);
	struct api *a = api_new(cfg, clk);
	struct api_req req = { "PATCH", "/api/v1/store", text, idem, false };
	if (api_call(a, &req, cfg->retries, &r) == API_OK)
		printf("%s\n", r.body);
	else
		rc = brigadectl_failure("store set", &r);
	api_reply_free(&r);
	api_free(a);
	free(text);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk);
} store_commands[] = {
	{ "show", store_show },
	{ "set", store_set },
};

/* stores add CODE --name NAME: a new store (an organisation admin). */
static int
stores_add(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	const char *code = NULL, *name = NULL;
	struct api_reply r;
	char idem[37], *text;
	cJSON *body;
	int rc = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (argv[i][0] != '-' && code == NULL)
			code = argv[i];
		else
			return brigadectl_usage("stores add: unexpected \"%s\"", argv[i]);
	}
	if (code == NULL || name == NULL)
		return brigadectl_usage("stores add: expected CODE --name NAME");
	if (!cfg_valid_store(code))
		return brigadectl_usage("stores add: a store's code is 1 to 32 letters, digits,"
		    " - and _, not \"%s\"", code);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "code", code);
	cJSON_AddStringToObject(body, "name", name);
	text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	if (text == NULL)
		abort();
	util_uuid(idem);
	struct api *a = api_new(cfg, clk);
	struct api_req req = { "POST", "/api/v1/stores", text, idem, false };
	if (api_call(a, &req, cfg->retries, &r) == API_OK)
		printf("%s\n", r.body);
	else
		rc = brigadectl_failure("stores add", &r);
	api_reply_free(&r);
	api_free(a);
	free(text);
	return rc;
}

int
brigadectl_stores(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc < 2 || strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return brigadectl_usage("stores list takes no arguments");
		return brigadectl_print_get(cfg, clk, "/api/v1/stores");
	}
	if (strcmp(argv[1], "add") == 0)
		return stores_add(argc - 1, argv + 1, cfg, clk);
	return brigadectl_usage("stores: expected list or add, not \"%s\"", argv[1]);
}

int
brigadectl_store(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc < 2)
		return brigadectl_usage("store: expected show or set");
	for (size_t i = 0; i < sizeof store_commands / sizeof store_commands[0]; i++) {
		if (strcmp(store_commands[i].name, argv[1]) == 0)
			return store_commands[i].fn(argc - 1, argv + 1, cfg, clk);
	}
	return brigadectl_usage("store: expected show or set, not \"%s\"", argv[1]);
}
