/* storeinfo: the restaurant's own details. */
#include "storeinfo.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

void
store_info_init(struct store_info *si)
{
	memset(si, 0, sizeof *si);
	xstrlcpy(si->currency, "USD", sizeof si->currency);
	static const char *const defaults[CORRECTION_KIND_COUNT][5] = {
		[CORRECTION_VOID] = { "Wrong item", "Customer changed mind", "Kitchen error",
		    "Long wait", NULL },
		[CORRECTION_DISCOUNT] = { "Loyalty", "Staff meal", "Promotion",
		    "Service recovery", NULL },
		[CORRECTION_COMP] = { "Regular", "Service recovery", "Manager's guest", NULL },
		[CORRECTION_REFUND] = { "Quality", "Wrong order", "Long wait", "Overcharged",
		    NULL },
	};

	si->day_start_hour = 4;
	si->services = SERVICE_ANY;
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		for (int i = 0; defaults[k][i] != NULL; i++)
			xstrlcpy(si->reasons[k][si->nreasons[k]++], defaults[k][i],
			    REASON_NAME_MAX + 1);
	}
	si->discount_limit[ROLE_CASHIER] = 10;
	si->discount_limit[ROLE_WAITER] = 10;
	si->discount_limit[ROLE_MANAGER] = 100;
	si->discount_limit[ROLE_ADMIN] = 100;
}

bool
store_info_reason_ok(const struct store_info *si, enum correction_kind kind,
    const char *reason)
{
	if (si->nreasons[kind] == 0)
		return reason[0] != '\0';
	for (int i = 0; i < si->nreasons[kind]; i++) {
		if (strcmp(si->reasons[kind][i], reason) == 0)
			return true;
	}
	return false;
}

static cJSON *
lines_json(char lines[][STORE_LINE_MAX + 1], int n)
{
	cJSON *arr = cJSON_CreateArray();

	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(lines[i]));
	return arr;
}

cJSON *
store_info_to_json(const struct store_info *si)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *svc;

	cJSON_AddStringToObject(j, "name", si->name);
	cJSON_AddItemToObject(j, "address",
	    lines_json((char (*)[STORE_LINE_MAX + 1])si->address, si->naddress));
	cJSON_AddStringToObject(j, "phone", si->phone);
	cJSON_AddStringToObject(j, "tax_id", si->tax_id);
	cJSON_AddItemToObject(j, "receipt_header",
	    lines_json((char (*)[STORE_LINE_MAX + 1])si->header, si->nheader));
	cJSON_AddItemToObject(j, "receipt_footer",
	    lines_json((char (*)[STORE_LINE_MAX + 1])si->footer, si->nfooter));
	cJSON_AddStringToObject(j, "currency", si->currency);
	codec_add_int(j, "day_start_hour", si->day_start_hour);
	svc = cJSON_AddArrayToObject(j, "services");
	for (int s = 0; s < SERVICE_COUNT; s++) {
		if (si->services & SERVICE_BIT(s))
			cJSON_AddItemToArray(svc,
			    cJSON_CreateString(service_name((enum service_type)s)));
	}
	svc = cJSON_AddObjectToObject(j, "correction_reasons");
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		cJSON *arr = cJSON_AddArrayToObject(svc,
		    correction_kind_name((enum correction_kind)k));

		for (int i = 0; i < si->nreasons[k]; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(si->reasons[k][i]));
	}
	svc = cJSON_AddObjectToObject(j, "discount_limits");
	for (int r = ROLE_CASHIER; r < ROLE_COUNT; r++)
		codec_add_int(svc, role_name((enum staff_role)r), si->discount_limit[r]);
	return j;
}

static int
lines_from_json(const cJSON *j, const char *key, char lines[][STORE_LINE_MAX + 1],
    int *n, struct codec_error *err)
{
	static const struct codec_str_spec spec = { 0, STORE_LINE_MAX, false, false };
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, key), *e;
	char field[40];
	int k = 0;

	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > STORE_LINES_MAX) {
		codec_error_set(err, 422, "invalid_field", key,
		    "%s: must be an array of at most %d lines", key, STORE_LINES_MAX);
		return -1;
	}
	cJSON_ArrayForEach(e, arr) {
		cJSON *wrap = cJSON_CreateObject();
		int rc;

		snprintf(field, sizeof field, "%s[%d]", key, k);
		cJSON_AddItemReferenceToObject(wrap, field, (cJSON *)e);
		rc = codec_get_str(wrap, field, NULL, &spec, true, lines[k],
		    STORE_LINE_MAX + 1, NULL, err);
		cJSON_Delete(wrap);
		if (rc < 0)
			return -1;
		k++;
	}
	*n = k;
	return 0;
}

/* correction_reasons: {"void": [...], ...}; a kind given replaces its list. */
static int
reasons_from_json(const cJSON *j, struct store_info *si, struct codec_error *err)
{
	static const struct codec_str_spec spec = { 1, REASON_NAME_MAX, false, false };
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "correction_reasons"), *arr, *e;
	char field[64];

	if (obj == NULL)
		return 0;
	if (!cJSON_IsObject(obj)) {
		codec_error_set(err, 422, "invalid_field", "correction_reasons",
		    "correction_reasons: must be an object of void, discount, comp, refund");
		return -1;
	}
	cJSON_ArrayForEach(arr, obj) {
		int k = correction_kind_parse(arr->string), n = 0;

		snprintf(field, sizeof field, "correction_reasons.%s", arr->string);
		if (k < 0) {
			codec_error_set(err, 422, "unknown_field", field,
			    "%s: the kinds are void, discount, comp and refund", field);
			return -1;
		}
		if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > REASONS_MAX) {
			codec_error_set(err, 422, "invalid_field", field,
			    "%s: must be an array of at most %d reasons", field, REASONS_MAX);
			return -1;
		}
		cJSON_ArrayForEach(e, arr) {
			cJSON *wrap = cJSON_CreateObject();
			char efield[80];
			int rc;

			snprintf(efield, sizeof efield, "%s[%d]", field, n);
			cJSON_AddItemReferenceToObject(wrap, efield, (cJSON *)e);
			rc = codec_get_str(wrap, efield, NULL, &spec, true, si->reasons[k][n],
			    REASON_NAME_MAX + 1, NULL, err);
			cJSON_Delete(wrap);
			if (rc < 0)
				return -1;
			for (int d = 0; d < n; d++) {
				if (strcmp(si->reasons[k][d], si->reasons[k][n]) == 0) {
					codec_error_set(err, 422, "invalid_field", efield,
					    "%s: \"%s\" is given twice", efield, si->reasons[k][n]);
					return -1;
				}
			}
			n++;
		}
		si->nreasons[k] = n;
	}
	return 0;
}

/* discount_limits: {"CASHIER": 10, ...} in whole percent. */
static int
limits_from_json(const cJSON *j, struct store_info *si, struct codec_error *err)
{
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "discount_limits"), *e;
	char field[64];

	if (obj == NULL)
		return 0;
	if (!cJSON_IsObject(obj)) {
		codec_error_set(err, 422, "invalid_field", "discount_limits",
		    "discount_limits: must be an object of role: percent");
		return -1;
	}
	cJSON_ArrayForEach(e, obj) {
		int r = role_parse(e->string);

		snprintf(field, sizeof field, "discount_limits.%s", e->string);
		if (r < 0 || r == ROLE_CUSTOMER) {
			codec_error_set(err, 422, "unknown_field", field,
			    "%s: not a staff role", field);
			return -1;
		}
		if (!codec_is_int(e, 0, 100)) {
			codec_error_set(err, 422, "invalid_field", field,
			    "%s: must be a whole percent from 0 to 100", field);
			return -1;
		}
		si->discount_limit[r] = (int)e->valuedouble;
	}
	return 0;
}

int
store_info_from_json(const cJSON *j, struct store_info *out,
    struct codec_error *err)
{
	static const char *const keys[] = { "name", "address", "phone", "tax_id",
	    "receipt_header", "receipt_footer", "currency", "day_start_hour",
	    "services", "correction_reasons", "discount_limits", NULL };
	static const struct codec_str_spec spec_name = { 0, NAME_MAX_, false, false };
	static const struct codec_str_spec spec_phone = { 0, PHONE_MAX, false, false };
	static const struct codec_str_spec spec_tax_id = { 0, TAX_ID_MAX, false, false };
	static const struct codec_str_spec spec_currency = { 3, 3, false, false };
	struct store_info si = *out;
	const cJSON *svc, *e;
	int64_t hour = 0;
	bool have = false;

	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 400, "bad_request", NULL, "the body must be a JSON object");
		return -1;
	}
	if (codec_only_keys(j, NULL, keys, err) < 0 ||
	    codec_get_str(j, "name", NULL, &spec_name, false, si.name, sizeof si.name, NULL, err) < 0 ||
	    lines_from_json(j, "address", si.address, &si.naddress, err) < 0 ||
	    codec_get_str(j, "phone", NULL, &spec_phone, false, si.phone, sizeof si.phone, NULL, err) < 0 ||
	    codec_get_str(j, "tax_id", NULL, &spec_tax_id, false, si.tax_id, sizeof si.tax_id, NULL, err) < 0 ||
	    lines_from_json(j, "receipt_header", si.header, &si.nheader, err) < 0 ||
	    lines_from_json(j, "receipt_footer", si.footer, &si.nfooter, err) < 0 ||
	    codec_get_str(j, "currency", NULL, &spec_currency, false, si.currency, sizeof si.currency, NULL, err) < 0 ||
	    codec_get_int(j, "day_start_hour", NULL, 0, 23, false, &hour, &have, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (si.currency[i] < 'A' || si.currency[i] > 'Z') {
			codec_error_set(err, 422, "invalid_field", "currency",
			    "currency: an ISO 4217 code of three capital letters, such as EUR");
			return -1;
		}
	}
	if (have)
		si.day_start_hour = (int)hour;
	if ((svc = cJSON_GetObjectItemCaseSensitive(j, "services")) != NULL) {
		unsigned bits = 0;

		if (!cJSON_IsArray(svc)) {
			codec_error_set(err, 422, "invalid_field", "services",
			    "services: must be an array of DINE_IN, PICKUP, DELIVERY");
			return -1;
		}
		cJSON_ArrayForEach(e, svc) {
			int s = cJSON_IsString(e) ? service_parse(e->valuestring) : -1;

			if (s < 0) {
				codec_error_set(err, 422, "invalid_field", "services",
				    "services: each must be DINE_IN, PICKUP or DELIVERY");
				return -1;
			}
			bits |= SERVICE_BIT(s);
		}
		if (bits == 0) {
			codec_error_set(err, 422, "invalid_field", "services",
			    "services: a restaurant offers at least one");
			return -1;
		}
		si.services = bits;
	}
	if (reasons_from_json(j, &si, err) < 0 || limits_from_json(j, &si, err) < 0)
		return -1;
	*out = si;
	return 0;
}
