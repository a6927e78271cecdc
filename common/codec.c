/* codec: the wire format, JSON on cJSON, with strict validation in. */
#include "codec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "pan.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

static const char *const event_type_names[EVENT_TYPE_COUNT] = {
	"order.created", "order.updated", "menu.updated", "staff.updated",
	"store.updated", "report.closed",
};

const char *
event_type_name(enum event_type t)
{
	return (int)t >= 0 && t < EVENT_TYPE_COUNT ? event_type_names[t] : "?";
}

int
event_type_parse(const char *name)
{
	for (int i = 0; i < EVENT_TYPE_COUNT; i++) {
		if (name != NULL && strcmp(name, event_type_names[i]) == 0)
			return i;
	}
	return -1;
}

void
codec_error_set(struct codec_error *err, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->status = status;
	xstrlcpy(err->code, code, sizeof err->code);
	xstrlcpy(err->field, field != NULL ? field : "", sizeof err->field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

/* A strict check of RFC 8259 grammar over the raw text, before cJSON sees
 * it: cJSON is lenient where it matters (it cuts a string at \u0000, so
 * "k1\u0000zz" would read as "k1"; it takes 01 and 1. as numbers). One pass,
 * no allocation; nesting deeper than JSON_DEPTH_MAX is refused. */
#define JSON_DEPTH_MAX 64

struct jscan {
	const char *p, *end;
	int depth;
};

static void
js_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' ||
	    *s->p == '\r'))
		s->p++;
}

static bool
js_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
js_string(struct jscan *s)
{
	s->p++;   /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '"') {
			s->p++;
			return true;
		}
		if (c < 0x20)
			return false;    /* control characters must be escaped */
		if (c != '\\') {
			s->p++;
			continue;
		}
		if (++s->p >= s->end)
			return false;
		switch (*s->p) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			s->p++;
			break;
		case 'u':
			if (s->end - s->p < 5 || !js_hex(s->p[1]) || !js_hex(s->p[2]) ||
			    !js_hex(s->p[3]) || !js_hex(s->p[4]))
				return false;
			/* no NUL in a string: C would cut it there */
			if (memcmp(s->p + 1, "0000", 4) == 0)
				return false;
			s->p += 5;
			break;
		default:
			return false;
		}
	}
	return false;
}

static bool
js_digits(struct jscan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start;
}

static bool
js_number(struct jscan *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p >= s->end)
		return false;
	if (*s->p == '0')
		s->p++;                  /* no leading zeros: 01 is not a number */
	else if (!js_digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!js_digits(s))
			return false;    /* 1. is not a number */
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!js_digits(s))
			return false;
	}
	/* 01 leaves a digit behind, caught here or by the caller */
	return s->p >= s->end || !(*s->p >= '0' && *s->p <= '9');
}

static bool
js_word(struct jscan *s, const char *w, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool js_value(struct jscan *s);

/* An object or array; close is '}' or ']'. */
static bool
js_container(struct jscan *s, char close)
{
	if (++s->depth > JSON_DEPTH_MAX)
		return false;
	s->p++;
	js_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"' || !js_string(s))
				return false;
			js_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return false;
			s->p++;
		}
		if (!js_value(s))
			return false;
		if (s->p >= s->end)
			return false;
		if (*s->p == close) {
			s->p++;
			s->depth--;
			return true;
		}
		if (*s->p != ',')
			return false;
		s->p++;
		js_ws(s);
	}
}

/* One value with the whitespace around it. */
static bool
js_value(struct jscan *s)
{
	bool ok;

	js_ws(s);
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{': ok = js_container(s, '}'); break;
	case '[': ok = js_container(s, ']'); break;
	case '"': ok = js_string(s); break;
	case 't': ok = js_word(s, "true", 4); break;
	case 'f': ok = js_word(s, "false", 5); break;
	case 'n': ok = js_word(s, "null", 4); break;
	default:
		ok = *s->p == '-' || (*s->p >= '0' && *s->p <= '9') ? js_number(s) : false;
		break;
	}
	if (ok)
		js_ws(s);
	return ok;
}

bool
codec_json_strict(const char *text, size_t len, size_t *bad_at)
{
	struct jscan s = { text, text + len, 0 };
	bool ok = js_value(&s) && s.p == s.end;

	if (!ok && bad_at != NULL)
		*bad_at = (size_t)(s.p - text);
	return ok;
}

cJSON *
codec_parse_object(const char *body, size_t len, struct codec_error *err)
{
	const char *end = NULL;
	size_t at = 0;
	cJSON *j;

	if (body == NULL || len == 0) {
		codec_error_set(err, 400, "invalid_json", NULL, "request body is empty");
		return NULL;
	}
	if (!codec_json_strict(body, len, &at)) {
		codec_error_set(err, 400, "invalid_json", NULL,
		    "malformed JSON near byte %zu", at);
		return NULL;
	}
	j = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (j == NULL) {
		codec_error_set(err, 400, "invalid_json", NULL,
		    "malformed JSON near byte %td", end != NULL ? end - body : (ptrdiff_t)0);
		return NULL;
	}
	/* cJSON stops at the end of the first value: anything but whitespace
	 * after it is garbage. */
	for (; end != NULL && end < body + len; end++) {
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n' &&
		    *end != '\0') {
			cJSON_Delete(j);
			codec_error_set(err, 400, "invalid_json", NULL,
			    "unexpected data after the JSON document");
			return NULL;
		}
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		codec_error_set(err, 400, "invalid_json", NULL,
		    "the body must be a JSON object");
		return NULL;
	}
	return j;
}

static void
join_path(char *out, size_t size, const char *path, const char *key)
{
	if (path == NULL || *path == '\0')
		snprintf(out, size, "%s", key);
	else
		snprintf(out, size, "%s.%s", path, key);
}

int
codec_only_keys(const cJSON *obj, const char *path, const char *const *keys,
    struct codec_error *err)
{
	char field[64];

	for (const cJSON *c = obj->child; c != NULL; c = c->next) {
		bool known = false;

		for (const char *const *k = keys; *k != NULL; k++) {
			if (strcmp(c->string, *k) == 0) {
				known = true;
				break;
			}
		}
		join_path(field, sizeof field, path, c->string);
		if (!known || !utf8_valid(c->string, strlen(c->string), true)) {
			codec_error_set(err, 422, "unknown_field", field,
			    "%s: unknown field", field);
			return -1;
		}
		for (const cJSON *d = c->next; d != NULL; d = d->next) {
			if (strcmp(c->string, d->string) == 0) {
				codec_error_set(err, 422, "duplicate_field", field,
				    "%s: given more than once", field);
				return -1;
			}
		}
	}
	return 0;
}

/* Look up key; absent and null both count as absent. */
static const cJSON *
field_get(const cJSON *obj, const char *key, const char *path, bool required,
    char *field, size_t fsize, struct codec_error *err, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	join_path(field, fsize, path, key);
	*rc = 0;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required) {
			codec_error_set(err, 422, "missing_field", field,
			    "%s: required", field);
			*rc = -1;
		}
		return NULL;
	}
	return v;
}

/* Check one string value against spec and copy it out. */
static int
check_str(const cJSON *v, const char *field, const struct codec_str_spec *spec,
    char *out, size_t size, struct codec_error *err)
{
	size_t len;

	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be a string", field);
		return -1;
	}
	len = strlen(v->valuestring);
	if (!utf8_valid(v->valuestring, len, true)) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be valid UTF-8 text without control characters", field);
		return -1;
	}
	if (len < spec->min || len > spec->max || len >= size) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: length must be %zu to %zu bytes", field, spec->min, spec->max);
		return -1;
	}
	for (const char *p = v->valuestring; *p != '\0'; p++) {
		char c = *p;
		bool digit = c >= '0' && c <= '9';
		bool id = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || c == '-';

		if ((spec->digits && !digit) || (spec->charset_id && !id)) {
			codec_error_set(err, 422, "invalid_field", field,
			    spec->digits ? "%s: only digits are allowed" :
			    "%s: only letters, digits, '_' and '-' are allowed", field);
			return -1;
		}
	}
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

int
codec_get_str(const cJSON *obj, const char *key, const char *path,
    const struct codec_str_spec *spec, bool required, char *out, size_t size,
    bool *present, struct codec_error *err)
{
	char field[64];
	int rc;
	const cJSON *v = field_get(obj, key, path, required, field, sizeof field,
	    err, &rc);

	if (present != NULL)
		*present = v != NULL;
	if (v == NULL)
		return rc;
	return check_str(v, field, spec, out, size, err);
}

bool
codec_is_int(const cJSON *j, int64_t min, int64_t max)
{
	double d;

	if (!cJSON_IsNumber(j))
		return false;
	d = j->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return false;
	return (int64_t)d >= min && (int64_t)d <= max;
}

int
codec_get_int(const cJSON *obj, const char *key, const char *path,
    int64_t min, int64_t max, bool required, int64_t *out, bool *present,
    struct codec_error *err)
{
	char field[64];
	int rc;
	const cJSON *v = field_get(obj, key, path, required, field, sizeof field,
	    err, &rc);

	if (present != NULL)
		*present = v != NULL;
	if (v == NULL)
		return rc;
	if (!codec_is_int(v, min, max)) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be an integer from %lld to %lld", field,
		    (long long)min, (long long)max);
		return -1;
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

int
codec_get_bool(const cJSON *obj, const char *key, const char *path,
    bool required, bool *out, bool *present, struct codec_error *err)
{
	char field[64];
	int rc;
	const cJSON *v = field_get(obj, key, path, required, field, sizeof field,
	    err, &rc);

	if (present != NULL)
		*present = v != NULL;
	if (v == NULL)
		return rc;
	if (!cJSON_IsBool(v)) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be true or false", field);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

int
codec_get_enum(const cJSON *obj, const char *key, const char *path,
    int (*parse)(const char *), bool required, int *out, bool *present,
    struct codec_error *err)
{
	static const struct codec_str_spec spec = { 1, 32, false, false };
	char buf[33];
	bool have = false;
	int v;

	if (codec_get_str(obj, key, path, &spec, required, buf, sizeof buf, &have,
	    err) < 0)
		return -1;
	if (present != NULL)
		*present = have;
	if (!have)
		return 0;
	v = parse(buf);
	if (v < 0) {
		char field[64];

		join_path(field, sizeof field, path, key);
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: unknown value \"%s\"", field, buf);
		return -1;
	}
	*out = v;
	return 0;
}

cJSON *
codec_add_int(cJSON *obj, const char *key, int64_t v)
{
	return cJSON_AddNumberToObject(obj, key, (double)v);
}

static const struct codec_str_spec spec_sku = { 1, SKU_MAX, true, false };
static const struct codec_str_spec spec_code = { 1, CODE_MAX, true, false };
static const struct codec_str_spec spec_opt_code = { 0, CODE_MAX, true, false };
static const struct codec_str_spec spec_name = { 1, NAME_MAX_, false, false };
static const struct codec_str_spec spec_opt_name = { 0, NAME_MAX_, false, false };
static const struct codec_str_spec spec_note = { 0, NOTE_MAX, false, false };
static const struct codec_str_spec spec_table = { 1, TABLE_MAX, false, false };
static const struct codec_str_spec spec_phone = { 0, PHONE_MAX, false, false };
static const struct codec_str_spec spec_address = { 0, ADDRESS_MAX, false, false };
static const struct codec_str_spec spec_brand = { 1, BRAND_MAX, false, false };
static const struct codec_str_spec spec_last4 = { 4, 4, false, true };
static const struct codec_str_spec spec_station = { 1, STATION_MAX, true, false };
static const struct codec_str_spec spec_category = { 1, CATEGORY_MAX, false, false };
static const struct codec_str_spec spec_kname = { 0, KNAME_MAX, false, false };
static const struct codec_str_spec spec_barcode = { 0, BARCODE_MAX, true, false };
static const struct codec_str_spec spec_staff = { 0, STAFF_MAX, false, false };
static const struct codec_str_spec spec_terminal = { 0, TERMINAL_MAX, false, false };
static const struct codec_str_spec spec_reason = { 0, REASON_MAX, false, false };
static const struct codec_str_spec spec_day = { 0, DAY_MAX, false, false };
static const struct codec_str_spec spec_provisional = { 1, PROVISIONAL_MAX, false, false };
static const struct codec_str_spec spec_approval = { 1, APPROVAL_MAX, true, false };
static const struct codec_str_spec spec_need_reason = { 1, REASON_MAX, false, false };
/* A time a client sends (sold_at, ticket_printed_at): 2001-09-09 to 2286;
 * the server judges it against its own clock (server/service.c). */
#define CLIENT_TIME_MIN INT64_C(1000000000000)
#define CLIENT_TIME_MAX INT64_C(9999999999999)

/* ---- orders ---------------------------------------------------------- */

static cJSON *
modifier_to_json(const struct modifier *m)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "code", m->code);
	cJSON_AddStringToObject(j, "name", m->name);
	codec_add_int(j, "price", m->price);
	return j;
}

static cJSON *
customer_to_json(const struct customer *c)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "name", c->name);
	cJSON_AddStringToObject(j, "phone", c->phone);
	cJSON_AddStringToObject(j, "address", c->address);
	return j;
}

static cJSON *
payment_to_json(const struct payment *p)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "tender", tender_name(p->tender));
	codec_add_int(j, "amount", p->amount);
	if (p->tender == TENDER_CARD && p->card.last4[0] != '\0') {
		cJSON *c = cJSON_AddObjectToObject(j, "card");

		cJSON_AddStringToObject(c, "brand", p->card.brand);
		cJSON_AddStringToObject(c, "last4", p->card.last4);
	}
	if (p->tender == TENDER_CARD && p->approval[0] != '\0')
		cJSON_AddStringToObject(j, "approval", p->approval);
	return j;
}

static const char *const payment_kind_names[] = { "charge", "refund" };
static const char *const correction_kind_names[CORRECTION_KIND_COUNT] = {
	"void", "discount", "comp", "refund",
};

const char *
correction_kind_name(enum correction_kind k)
{
	return (int)k >= 0 && k < CORRECTION_KIND_COUNT ? correction_kind_names[k] : "?";
}

int
correction_kind_parse(const char *name)
{
	for (int k = 0; k < CORRECTION_KIND_COUNT; k++) {
		if (strcmp(name, correction_kind_names[k]) == 0)
			return k;
	}
	return -1;
}

static int
payment_kind_parse(const char *name)
{
	for (int k = 0; k < 2; k++) {
		if (strcmp(name, payment_kind_names[k]) == 0)
			return k;
	}
	return -1;
}

static void
render_discount(struct jsonw *w, const char *key, const struct discount *d)
{
	jsonw_key(w, key);
	jsonw_object(w);
	if (d->percent_bp > 0)
		jsonw_kint(w, "percent_bp", d->percent_bp);
	else
		jsonw_kint(w, "amount", d->amount);
	jsonw_kbool(w, "comp", d->comp);
	jsonw_kint(w, "value", d->value);
	jsonw_end_object(w);
}

/* The order as the API shows it. Written straight to text: this runs for
 * every change (stored document, response and event share the text). */
void
order_render(const struct order *o, struct strbuf *out)
{
	struct jsonw w;

	jsonw_init(&w, out);
	jsonw_object(&w);
	jsonw_kint(&w, "id", o->id);
	jsonw_kint(&w, "number", o->number);
	jsonw_kstr(&w, "business_day", o->business_day);
	jsonw_kstr(&w, "status", status_name(o->status));
	jsonw_kint(&w, "version", o->version);
	jsonw_kstr(&w, "source", source_name(o->source));
	jsonw_kstr(&w, "service", service_name(o->service));
	jsonw_kstr_or_null(&w, "table", o->table);
	jsonw_key(&w, "customer");
	jsonw_object(&w);
	jsonw_kstr(&w, "name", o->customer.name);
	jsonw_kstr(&w, "phone", o->customer.phone);
	jsonw_kstr(&w, "address", o->customer.address);
	jsonw_end_object(&w);
	jsonw_key(&w, "linked_to");
	if (o->linked_to > 0)
		jsonw_int(&w, o->linked_to);
	else
		jsonw_null(&w);

	jsonw_key(&w, "items");
	jsonw_array(&w);
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		jsonw_object(&w);
		jsonw_kstr(&w, "sku", it->sku);
		jsonw_kstr(&w, "name", it->name);
		if (it->kitchen_name[0] != '\0')
			jsonw_kstr(&w, "kitchen_name", it->kitchen_name);
		jsonw_kint(&w, "tax_rate_bp", it->tax_bp);
		jsonw_kint(&w, "qty", it->qty);
		jsonw_kint(&w, "unit_price", it->unit_price);
		jsonw_kint(&w, "line_total", it->line_total);
		jsonw_key(&w, "modifiers");
		jsonw_array(&w);
		for (int m = 0; m < it->nmods; m++) {
			jsonw_object(&w);
			jsonw_kstr(&w, "code", it->mods[m].code);
			jsonw_kstr(&w, "name", it->mods[m].name);
			jsonw_kint(&w, "price", it->mods[m].price);
			jsonw_end_object(&w);
		}
		jsonw_end_array(&w);
		jsonw_kstr(&w, "note", it->note);
		jsonw_kstr(&w, "station", it->station);
		jsonw_kbool(&w, "done", it->done);
		if (it->voided > 0)
			jsonw_kint(&w, "voided", it->voided);
		if (it->refunded > 0)
			jsonw_kint(&w, "refunded", it->refunded);
		if (discount_set(&it->disc))
			render_discount(&w, "discount", &it->disc);
		jsonw_kint(&w, "net", it->net);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kint(&w, "gross", o->gross);
	if (discount_set(&o->disc))
		render_discount(&w, "discount", &o->disc);
	jsonw_kint(&w, "subtotal", o->subtotal);
	jsonw_kint(&w, "tax", o->tax);
	jsonw_kint(&w, "total", o->total);
	jsonw_key(&w, "payments");
	jsonw_array(&w);
	for (int i = 0; i < o->npayments; i++) {
		const struct payment *p = &o->payments[i];

		jsonw_object(&w);
		jsonw_kstr(&w, "kind", payment_kind_names[p->kind == PAYMENT_REFUND]);
		jsonw_kstr(&w, "tender", tender_name(p->tender));
		jsonw_kint(&w, "amount", p->amount);
		if (p->tender == TENDER_CARD && p->card.last4[0] != '\0') {
			jsonw_key(&w, "card");
			jsonw_object(&w);
			jsonw_kstr(&w, "brand", p->card.brand);
			jsonw_kstr(&w, "last4", p->card.last4);
			jsonw_end_object(&w);
		}
		if (p->tender == TENDER_CARD)
			jsonw_kstr_or_null(&w, "approval", p->approval);
		if (p->at > 0)
			jsonw_kint(&w, "at", p->at);
		if (p->by[0] != '\0')
			jsonw_kstr(&w, "by", p->by);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kint(&w, "paid", o->paid);
	jsonw_kint(&w, "change", o->change);
	jsonw_kint(&w, "refunded", o->refunded);
	jsonw_kint(&w, "balance", o->balance);
	jsonw_key(&w, "corrections");
	jsonw_array(&w);
	for (int i = 0; i < o->ncorrections; i++) {
		const struct correction *c = &o->corrections[i];

		jsonw_object(&w);
		jsonw_kstr(&w, "kind", correction_kind_name(c->kind));
		jsonw_kint(&w, "at", c->at);
		jsonw_kstr(&w, "by", c->by);
		jsonw_kstr_or_null(&w, "approved_by", c->approved_by);
		jsonw_kstr(&w, "reason", c->reason);
		jsonw_key(&w, "line");
		if (c->line >= 0)
			jsonw_int(&w, c->line);
		else
			jsonw_null(&w);
		if (c->kind == CORRECTION_VOID || c->kind == CORRECTION_REFUND)
			jsonw_kint(&w, "qty", c->qty);
		if (c->kind == CORRECTION_DISCOUNT || c->kind == CORRECTION_COMP)
			render_discount(&w, "discount", &c->disc);
		jsonw_kint(&w, "net", c->net);
		jsonw_kint(&w, "tax", c->tax);
		if (c->kind == CORRECTION_REFUND)
			jsonw_kint(&w, "refund", c->refund);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_kstr(&w, "staff", o->staff);
	jsonw_kstr(&w, "terminal", o->terminal);
	jsonw_kstr_or_null(&w, "cancel_reason", o->cancel_reason);
	jsonw_kint(&w, "created_at", o->created_at);
	jsonw_kint(&w, "updated_at", o->updated_at);
	jsonw_kint(&w, "received_at", o->received_at > 0 ? o->received_at : o->created_at);
	jsonw_kstr_or_null(&w, "provisional", o->provisional);
	jsonw_key(&w, "ticket_printed_at");
	if (o->ticket_printed_at > 0)
		jsonw_int(&w, o->ticket_printed_at);
	else
		jsonw_null(&w);

	/* status_at is derived from the history: when it last entered each
	 * status. Both are rendered; only history is read back. */
	jsonw_key(&w, "status_at");
	jsonw_object(&w);
	for (int st = 0; st < STATUS_COUNT; st++) {
		int64_t at = order_status_at(o, (enum order_status)st);

		if (at != 0)
			jsonw_kint(&w, status_name((enum order_status)st), at);
	}
	jsonw_end_object(&w);
	jsonw_key(&w, "history");
	jsonw_array(&w);
	for (int i = 0; i < o->nhistory; i++) {
		const struct order_change *c = &o->history[i];

		jsonw_object(&w);
		jsonw_kstr(&w, "status", status_name(c->status));
		jsonw_kstr(&w, "action", c->action < 0 ? "create" :
		    action_name((enum order_action)c->action));
		jsonw_kint(&w, "at", c->at);
		jsonw_kstr(&w, "by", c->by);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
}

cJSON *
order_to_json(const struct order *o)
{
	struct strbuf sb;
	cJSON *j;

	strbuf_init(&sb);
	order_render(o, &sb);
	j = cJSON_ParseWithLength(sb.data, sb.len);
	strbuf_free(&sb);
	if (j == NULL)
		abort();   /* we rendered it: it parses */
	return j;
}

static int
action_or_create_parse(const char *name)
{
	if (strcmp(name, "create") == 0)
		return ACTION_COUNT;
	return action_parse(name);
}

static int
modifier_from_json(const cJSON *j, const char *path, struct modifier *m,
    struct codec_error *err)
{
	int64_t price = 0;

	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (codec_get_str(j, "code", path, &spec_code, true, m->code, sizeof m->code, NULL, err) < 0 ||
	    codec_get_str(j, "name", path, &spec_name, true, m->name, sizeof m->name, NULL, err) < 0 ||
	    codec_get_int(j, "price", path, -MONEY_MAX, MONEY_MAX, true, &price, NULL, err) < 0)
		return -1;
	m->price = price;
	return 0;
}

static int
array_get(const cJSON *obj, const char *key, const char *path, int max,
    bool required, const cJSON **out, struct codec_error *err)
{
	char field[64];
	int rc;
	const cJSON *v = field_get(obj, key, path, required, field, sizeof field,
	    err, &rc);

	*out = NULL;
	if (v == NULL)
		return rc;
	if (!cJSON_IsArray(v)) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be an array", field);
		return -1;
	}
	if (cJSON_GetArraySize(v) > max) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: at most %d entries", field, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
object_get(const cJSON *obj, const char *key, const char *path, bool required,
    const cJSON **out, struct codec_error *err)
{
	char field[64];
	int rc;
	const cJSON *v = field_get(obj, key, path, required, field, sizeof field,
	    err, &rc);

	*out = NULL;
	if (v == NULL)
		return rc;
	if (!cJSON_IsObject(v)) {
		codec_error_set(err, 422, "invalid_field", field,
		    "%s: must be an object", field);
		return -1;
	}
	*out = v;
	return 0;
}

static int
customer_from_json(const cJSON *j, const char *path, bool strict,
    struct customer *c, struct codec_error *err)
{
	static const char *const keys[] = { "name", "phone", "address", NULL };

	if (strict && codec_only_keys(j, path, keys, err) < 0)
		return -1;
	if (codec_get_str(j, "name", path, &spec_opt_name, false, c->name, sizeof c->name, NULL, err) < 0 ||
	    codec_get_str(j, "phone", path, &spec_phone, false, c->phone, sizeof c->phone, NULL, err) < 0 ||
	    codec_get_str(j, "address", path, &spec_address, false, c->address, sizeof c->address, NULL, err) < 0)
		return -1;
	return 0;
}

static int
payment_from_json(const cJSON *j, const char *path, bool strict,
    struct payment *p, struct codec_error *err)
{
	static const char *const keys[] = { "tender", "amount", "card", "approval", NULL };
	static const char *const card_keys[] = { "brand", "last4", NULL };
	char cpath[64];
	const cJSON *card;
	int64_t amount = 0;
	int tender = 0, kind = 0;

	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (strict && codec_only_keys(j, path, keys, err) < 0)
		return -1;
	if (codec_get_enum(j, "tender", path, tender_parse, true, &tender, NULL, err) < 0 ||
	    codec_get_int(j, "amount", path, strict ? 1 : 0, MONEY_MAX, true, &amount, NULL, err) < 0 ||
	    object_get(j, "card", path, false, &card, err) < 0 ||
	    codec_get_str(j, "approval", path, &spec_approval, false, p->approval,
	    sizeof p->approval, NULL, err) < 0)
		return -1;
	if (!strict && (codec_get_enum(j, "kind", path, payment_kind_parse, false, &kind,
	    NULL, err) < 0 ||
	    codec_get_int(j, "at", path, 0, INT64_MAX, false, &p->at, NULL, err) < 0 ||
	    codec_get_str(j, "by", path, &spec_staff, false, p->by, sizeof p->by, NULL, err) < 0))
		return -1;
	p->kind = (enum payment_kind)kind;
	p->tender = (enum tender_type)tender;
	p->amount = amount;
	if (p->approval[0] != '\0') {
		snprintf(cpath, sizeof cpath, "%s.approval", path);
		if (p->tender != TENDER_CARD) {
			codec_error_set(err, 422, "invalid_field", cpath,
			    "%s: only a CARD payment carries an approval code", cpath);
			return -1;
		}
		if (codec_check_no_pan(p->approval, cpath, PAN_DIGITS_MIN, err) < 0)
			return -1;
	}
	if (card != NULL) {
		snprintf(cpath, sizeof cpath, "%s.card", path);
		if (p->tender != TENDER_CARD) {
			codec_error_set(err, 422, "invalid_field", cpath,
			    "%s: only a CARD payment carries card details", cpath);
			return -1;
		}
		if ((strict && codec_only_keys(card, cpath, card_keys, err) < 0) ||
		    codec_get_str(card, "brand", cpath, &spec_brand, true, p->card.brand,
		    sizeof p->card.brand, NULL, err) < 0 ||
		    codec_get_str(card, "last4", cpath, &spec_last4, true, p->card.last4,
		    sizeof p->card.last4, NULL, err) < 0)
			return -1;
		/* a request names a brand from the closed list, never free text
		 * (a card number once arrived as the brand) */
		if (strict && card_brand_parse(p->card.brand) < 0) {
			char bfield[80];

			snprintf(bfield, sizeof bfield, "%s.brand", cpath);
			codec_error_set(err, 422, "invalid_field", bfield, "%s: must be one of "
			    "VISA, MASTERCARD, AMEX, DISCOVER, JCB, DINERS, UNIONPAY, MAESTRO, CARD",
			    bfield);
			return -1;
		}
	}
	return 0;
}

/* A discount as a request gives it: exactly one of percent (whole
 * percent), percent_bp or amount, with a reason; a comp is 100 % and
 * names no figure. comp: 1 or 0 decides, -1 reads a "comp" flag. */
int
codec_discount_from_json(const cJSON *j, const char *path, int comp, bool only_keys,
    struct discount *d, char *reason, size_t reason_size, struct codec_error *err)
{
	static const char *const keys[] = { "percent", "percent_bp", "amount", "reason",
	    "comp", NULL };
	int64_t pct = 0, bp = 0, amount = 0;
	bool has_pct = false, has_bp = false, has_amount = false, is_comp = comp == 1;
	int given;

	memset(d, 0, sizeof *d);
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if ((only_keys && codec_only_keys(j, path, keys, err) < 0) ||
	    (comp < 0 && codec_get_bool(j, "comp", path, false, &is_comp, NULL, err) < 0) ||
	    codec_get_int(j, "percent", path, 1, 100, false, &pct, &has_pct, err) < 0 ||
	    codec_get_int(j, "percent_bp", path, 1, 10000, false, &bp, &has_bp, err) < 0 ||
	    codec_get_int(j, "amount", path, 1, MONEY_MAX, false, &amount, &has_amount, err) < 0 ||
	    codec_get_str(j, "reason", path, &spec_need_reason, true, reason, reason_size,
	    NULL, err) < 0)
		return -1;
	given = has_pct + has_bp + has_amount;
	if (is_comp) {
		if (given > 0) {
			codec_error_set(err, 422, "invalid_field", path,
			    "%s%sa comp is the whole price: give only a reason",
			    path != NULL ? path : "", path != NULL ? ": " : "");
			return -1;
		}
		d->percent_bp = 10000;
		d->comp = true;
		return 0;
	}
	if (given != 1) {
		codec_error_set(err, 422, given == 0 ? "missing_field" : "invalid_field",
		    path != NULL ? path : "percent", "%s: give one of percent, percent_bp or amount",
		    path != NULL ? path : "discount");
		return -1;
	}
	d->percent_bp = has_pct ? (int)pct * 100 : (int)bp;
	d->amount = amount;
	return 0;
}

static int
discount_from_json(const cJSON *j, const char *path, struct discount *d,
    struct codec_error *err)
{
	int64_t v = 0;

	memset(d, 0, sizeof *d);
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (codec_get_int(j, "percent_bp", path, 0, 10000, false, &v, NULL, err) < 0)
		return -1;
	d->percent_bp = (int)v;
	if (codec_get_int(j, "amount", path, 0, MONEY_MAX, false, &d->amount, NULL, err) < 0 ||
	    codec_get_bool(j, "comp", path, false, &d->comp, NULL, err) < 0 ||
	    codec_get_int(j, "value", path, 0, MONEY_MAX, false, &d->value, NULL, err) < 0)
		return -1;
	return 0;
}

/* Item fields shared by requests (codes only) and full orders. */
static int
item_from_json(const cJSON *j, const char *path, bool request,
    struct order_item *it, struct codec_error *err)
{
	static const char *const req_keys[] = { "sku", "qty", "modifiers", "note",
	    "discount", NULL };
	const cJSON *mods;
	char mpath[64];
	int64_t qty = 0, v = 0;
	int k = 0;

	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (request && codec_only_keys(j, path, req_keys, err) < 0)
		return -1;
	if (codec_get_str(j, "sku", path, &spec_sku, true, it->sku, sizeof it->sku, NULL, err) < 0 ||
	    codec_get_int(j, "qty", path, 1, QTY_MAX, true, &qty, NULL, err) < 0 ||
	    codec_get_str(j, "note", path, &spec_note, false, it->note, sizeof it->note, NULL, err) < 0 ||
	    array_get(j, "modifiers", path, MODS_MAX, false, &mods, err) < 0)
		return -1;
	it->qty = (int)qty;
	if (mods != NULL) {
		const cJSON *m;

		cJSON_ArrayForEach(m, mods) {
			snprintf(mpath, sizeof mpath, "%s.modifiers[%d]", path, k);
			if (request) {
				if (check_str(m, mpath, &spec_code, it->mods[k].code,
				    sizeof it->mods[k].code, err) < 0)
					return -1;
				for (int d = 0; d < k; d++) {
					if (strcmp(it->mods[d].code, it->mods[k].code) == 0) {
						codec_error_set(err, 422, "invalid_field", mpath,
						    "%s: modifier %s given twice", mpath,
						    it->mods[k].code);
						return -1;
					}
				}
			} else if (modifier_from_json(m, mpath, &it->mods[k], err) < 0) {
				return -1;
			}
			k++;
		}
	}
	it->nmods = k;
	if (request)
		return 0;
	if (codec_get_str(j, "name", path, &spec_name, true, it->name, sizeof it->name, NULL, err) < 0 ||
	    codec_get_str(j, "kitchen_name", path, &spec_kname, false, it->kitchen_name, sizeof it->kitchen_name, NULL, err) < 0 ||
	    codec_get_str(j, "station", path, &spec_station, false, it->station, sizeof it->station, NULL, err) < 0 ||
	    codec_get_int(j, "tax_rate_bp", path, 0, TAX_RATE_MAX, false, &v, NULL, err) < 0)
		return -1;
	it->tax_bp = (int)v;
	if (codec_get_int(j, "unit_price", path, -MONEY_MAX, MONEY_MAX, true, &v, NULL, err) < 0)
		return -1;
	it->unit_price = v;
	if (codec_get_int(j, "line_total", path, -MONEY_MAX, MONEY_MAX, true, &v, NULL, err) < 0 ||
	    codec_get_bool(j, "done", path, false, &it->done, NULL, err) < 0)
		return -1;
	it->line_total = v;
	v = 0;
	if (codec_get_int(j, "voided", path, 0, it->qty, false, &v, NULL, err) < 0)
		return -1;
	it->voided = (int)v;
	v = 0;
	if (codec_get_int(j, "refunded", path, 0, it->qty - it->voided, false, &v, NULL, err) < 0)
		return -1;
	it->refunded = (int)v;
	{
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "discount");
		char dpath[80];
		bool has_net = false;

		snprintf(dpath, sizeof dpath, "%s.discount", path);
		if (d != NULL && !cJSON_IsNull(d) && discount_from_json(d, dpath, &it->disc, err) < 0)
			return -1;
		if (codec_get_int(j, "net", path, -MONEY_MAX, MONEY_MAX, false, &it->net,
		    &has_net, err) < 0)
			return -1;
		if (!has_net)
			it->net = it->line_total;
	}
	return 0;
}

static int
items_from_json(const cJSON *j, bool request, struct order *o,
    struct codec_error *err)
{
	const cJSON *items, *e;
	char path[64];
	int i = 0;

	if (array_get(j, "items", NULL, ITEMS_MAX, true, &items, err) < 0)
		return -1;
	if (request && cJSON_GetArraySize(items) == 0) {
		codec_error_set(err, 422, "invalid_field", "items",
		    "items: an order needs at least one item");
		return -1;
	}
	cJSON_ArrayForEach(e, items) {
		snprintf(path, sizeof path, "items[%d]", i++);
		if (item_from_json(e, path, request, order_add_item(o), err) < 0)
			return -1;
	}
	return 0;
}

static int
payments_from_json(const cJSON *j, bool strict, struct order *o,
    struct codec_error *err)
{
	const cJSON *pays, *e;
	char path[64];

	if (array_get(j, "payments", NULL, strict ? TENDERS_MAX : PAYMENTS_MAX, false,
	    &pays, err) < 0)
		return -1;
	if (pays == NULL)
		return 0;
	cJSON_ArrayForEach(e, pays) {
		snprintf(path, sizeof path, "payments[%d]", o->npayments);
		if (payment_from_json(e, path, strict, &o->payments[o->npayments], err) < 0)
			return -1;
		o->npayments++;
	}
	return 0;
}

int
order_payments_from_json(const cJSON *j, struct order *o, struct codec_error *err)
{
	o->npayments = 0;
	return payments_from_json(j, true, o, err);
}

static int
link_from_json(const cJSON *j, struct order *o, bool *present,
    struct codec_error *err)
{
	int64_t link = 0;

	if (codec_get_int(j, "linked_to", NULL, 1, INT64_C(9007199254740991), false,
	    &link, present, err) < 0)
		return -1;
	o->linked_to = link;
	return 0;
}

int
codec_check_no_pan(const char *text, const char *field, int min_digits,
    struct codec_error *err)
{
	if (!pan_in_text(text, min_digits))
		return 0;
	codec_error_set(err, 422, "card_number_refused", field,
	    "%s: holds what looks like a card number; card numbers are never stored",
	    field);
	return -1;
}

/* No free-text field of an incoming order may hold a card number (it would
 * sit in the order and its event for good). */
static int
order_check_no_pan(const struct order *o, struct codec_error *err)
{
	char field[64];

	if (codec_check_no_pan(o->table, "table", PAN_DIGITS_MIN, err) < 0 ||
	    codec_check_no_pan(o->provisional, "provisional", PAN_DIGITS_MIN, err) < 0 ||
	    codec_check_no_pan(o->customer.name, "customer.name", PAN_DIGITS_MIN, err) < 0 ||
	    codec_check_no_pan(o->customer.phone, "customer.phone",
	    PAN_PHONE_DIGITS_MIN, err) < 0 ||
	    codec_check_no_pan(o->customer.address, "customer.address",
	    PAN_DIGITS_MIN, err) < 0)
		return -1;
	for (int i = 0; i < o->nitems; i++) {
		snprintf(field, sizeof field, "items[%d].note", i);
		if (codec_check_no_pan(o->items[i].note, field, PAN_DIGITS_MIN, err) < 0)
			return -1;
	}
	return 0;
}

/* One discount asked for with a new sale: on the line, or on the order
 * (line -1); kept as the correction it is. */
static int
request_discount(const cJSON *d, const char *path, int line, struct order *o,
    struct codec_error *err)
{
	struct discount disc;
	char reason[REASON_MAX + 1];
	struct correction *c;

	if (codec_discount_from_json(d, path, -1, true, &disc, reason, sizeof reason, err) < 0 ||
	    codec_check_no_pan(reason, path, PAN_DIGITS_MIN, err) < 0)
		return -1;
	if (line >= 0)
		o->items[line].disc = disc;
	else
		o->disc = disc;
	c = order_add_correction(o);
	c->kind = disc.comp ? CORRECTION_COMP : CORRECTION_DISCOUNT;
	c->line = line;
	c->disc = disc;
	xstrlcpy(c->reason, reason, sizeof c->reason);
	return 0;
}

static int
request_discounts_from_json(const cJSON *j, struct order *o, struct codec_error *err)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items"), *e, *d;
	char path[64];
	int i = 0;

	cJSON_ArrayForEach(e, items) {
		d = cJSON_GetObjectItemCaseSensitive(e, "discount");
		snprintf(path, sizeof path, "items[%d].discount", i);
		if (d != NULL && request_discount(d, path, i, o, err) < 0)
			return -1;
		i++;
	}
	d = cJSON_GetObjectItemCaseSensitive(j, "discount");
	return d != NULL ? request_discount(d, "discount", -1, o, err) : 0;
}

static cJSON *
request_discount_json(const struct correction *c)
{
	cJSON *d = cJSON_CreateObject();

	if (c->disc.comp)
		cJSON_AddBoolToObject(d, "comp", true);
	else if (c->disc.percent_bp > 0)
		codec_add_int(d, "percent_bp", c->disc.percent_bp);
	else
		codec_add_int(d, "amount", c->disc.amount);
	cJSON_AddStringToObject(d, "reason", c->reason);
	return d;
}

int
order_request_from_json(const cJSON *j, struct order *o, struct codec_error *err)
{
	static const char *const keys[] = { "source", "service", "table",
	    "customer", "items", "payments", "linked_to", "sold_at", "provisional",
	    "ticket_printed_at", "discount",
	    "approval",   /* a manager's approval: the server reads it beside */
	    NULL };
	const cJSON *cust;
	int source = 0, service = 0;

	order_init(o);
	/* sold_at travels in created_at: the server checks it and keeps the
	 * time it received the order in received_at */
	if (codec_only_keys(j, NULL, keys, err) < 0 ||
	    codec_get_int(j, "sold_at", NULL, CLIENT_TIME_MIN, CLIENT_TIME_MAX, false,
	    &o->created_at, NULL, err) < 0 ||
	    codec_get_int(j, "ticket_printed_at", NULL, CLIENT_TIME_MIN, CLIENT_TIME_MAX, false,
	    &o->ticket_printed_at, NULL, err) < 0 ||
	    codec_get_str(j, "provisional", NULL, &spec_provisional, false, o->provisional,
	    sizeof o->provisional, NULL, err) < 0 ||
	    codec_get_enum(j, "source", NULL, source_parse, true, &source, NULL, err) < 0 ||
	    codec_get_enum(j, "service", NULL, service_parse, true, &service, NULL, err) < 0 ||
	    codec_get_str(j, "table", NULL, &spec_table, false, o->table, sizeof o->table, NULL, err) < 0 ||
	    object_get(j, "customer", NULL, false, &cust, err) < 0 ||
	    (cust != NULL && customer_from_json(cust, "customer", true, &o->customer, err) < 0) ||
	    items_from_json(j, true, o, err) < 0 ||
	    payments_from_json(j, true, o, err) < 0 ||
	    link_from_json(j, o, NULL, err) < 0 ||
	    request_discounts_from_json(j, o, err) < 0 ||
	    order_check_no_pan(o, err) < 0)
		goto fail;
	o->source = (enum order_source)source;
	o->service = (enum service_type)service;
	if (o->service == SERVICE_DELIVERY &&
	    (o->customer.address[0] == '\0' || o->customer.phone[0] == '\0')) {
		codec_error_set(err, 422, "missing_field", "customer",
		    "customer: a delivery needs a phone and an address");
		goto fail;
	}
	return 0;
fail:
	order_free(o);
	return -1;
}

cJSON *
order_request_to_json(const struct order *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *arr;

	cJSON_AddStringToObject(j, "source", source_name(o->source));
	cJSON_AddStringToObject(j, "service", service_name(o->service));
	if (o->table[0] != '\0')
		cJSON_AddStringToObject(j, "table", o->table);
	if (o->customer.name[0] || o->customer.phone[0] || o->customer.address[0])
		cJSON_AddItemToObject(j, "customer", customer_to_json(&o->customer));
	arr = cJSON_AddArrayToObject(j, "items");
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];
		cJSON *ji = cJSON_CreateObject();
		cJSON *mods = cJSON_AddArrayToObject(ji, "modifiers");

		cJSON_AddStringToObject(ji, "sku", it->sku);
		codec_add_int(ji, "qty", it->qty);
		for (int m = 0; m < it->nmods; m++)
			cJSON_AddItemToArray(mods, cJSON_CreateString(it->mods[m].code));
		if (it->note[0] != '\0')
			cJSON_AddStringToObject(ji, "note", it->note);
		for (int c = o->ncorrections - 1; c >= 0; c--) {
			const struct correction *co = &o->corrections[c];

			if (co->line == i && (co->kind == CORRECTION_DISCOUNT ||
			    co->kind == CORRECTION_COMP)) {
				cJSON_AddItemToObject(ji, "discount", request_discount_json(co));
				break;
			}
		}
		cJSON_AddItemToArray(arr, ji);
	}
	for (int c = o->ncorrections - 1; c >= 0; c--) {
		const struct correction *co = &o->corrections[c];

		if (co->line < 0 && (co->kind == CORRECTION_DISCOUNT ||
		    co->kind == CORRECTION_COMP)) {
			cJSON_AddItemToObject(j, "discount", request_discount_json(co));
			break;
		}
	}
	if (o->npayments > 0) {
		arr = cJSON_AddArrayToObject(j, "payments");
		for (int i = 0; i < o->npayments; i++)
			cJSON_AddItemToArray(arr, payment_to_json(&o->payments[i]));
	}
	if (o->linked_to > 0)
		codec_add_int(j, "linked_to", o->linked_to);
	return j;
}

int
order_patch_from_json(const cJSON *j, struct order *o, unsigned *mask,
    struct codec_error *err)
{
	static const char *const keys[] = { "service", "table", "customer",
	    "linked_to", NULL };
	const cJSON *cust, *table, *link;
	bool have = false;
	int service = 0;

	*mask = 0;
	if (codec_only_keys(j, NULL, keys, err) < 0 ||
	    codec_get_enum(j, "service", NULL, service_parse, false, &service, &have, err) < 0)
		return -1;
	if (have) {
		o->service = (enum service_type)service;
		*mask |= ORDER_PATCH_SERVICE;
	}
	/* table and linked_to may be set to null to clear them */
	table = cJSON_GetObjectItemCaseSensitive(j, "table");
	if (table != NULL) {
		o->table[0] = '\0';
		if (codec_get_str(j, "table", NULL, &spec_table, false, o->table,
		    sizeof o->table, NULL, err) < 0)
			return -1;
		*mask |= ORDER_PATCH_TABLE;
	}
	if (object_get(j, "customer", NULL, false, &cust, err) < 0)
		return -1;
	if (cust != NULL) {
		memset(&o->customer, 0, sizeof o->customer);
		if (customer_from_json(cust, "customer", true, &o->customer, err) < 0)
			return -1;
		*mask |= ORDER_PATCH_CUSTOMER;
	}
	link = cJSON_GetObjectItemCaseSensitive(j, "linked_to");
	if (link != NULL) {
		o->linked_to = 0;
		if (link_from_json(j, o, NULL, err) < 0)
			return -1;
		*mask |= ORDER_PATCH_LINK;
	}
	if (*mask == 0) {
		codec_error_set(err, 422, "missing_field", NULL,
		    "nothing to change: give service, table, customer or linked_to");
		return -1;
	}
	return order_check_no_pan(o, err);
}

static int
correction_from_json(const cJSON *e, const char *path, const struct order *o,
    struct correction *c, struct codec_error *err)
{
	const cJSON *line, *d;
	int kind = 0;
	int64_t v = 0;
	char dpath[80];

	if (!cJSON_IsObject(e)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (codec_get_enum(e, "kind", path, correction_kind_parse, true, &kind, NULL, err) < 0 ||
	    codec_get_int(e, "at", path, 0, INT64_MAX, true, &c->at, NULL, err) < 0 ||
	    codec_get_str(e, "by", path, &spec_staff, false, c->by, sizeof c->by, NULL, err) < 0 ||
	    codec_get_str(e, "approved_by", path, &spec_staff, false, c->approved_by,
	    sizeof c->approved_by, NULL, err) < 0 ||
	    codec_get_str(e, "reason", path, &spec_reason, false, c->reason, sizeof c->reason,
	    NULL, err) < 0 ||
	    codec_get_int(e, "qty", path, 0, QTY_MAX, false, &v, NULL, err) < 0 ||
	    codec_get_int(e, "net", path, -MONEY_MAX, MONEY_MAX, false, &c->net, NULL, err) < 0 ||
	    codec_get_int(e, "tax", path, -MONEY_MAX, MONEY_MAX, false, &c->tax, NULL, err) < 0 ||
	    codec_get_int(e, "refund", path, 0, MONEY_MAX, false, &c->refund, NULL, err) < 0)
		return -1;
	c->kind = (enum correction_kind)kind;
	c->qty = (int)v;
	c->line = -1;
	line = cJSON_GetObjectItemCaseSensitive(e, "line");
	if (line != NULL && !cJSON_IsNull(line)) {
		if (!codec_is_int(line, 0, o->nitems - 1)) {
			codec_error_set(err, 422, "invalid_field", path,
			    "%s.line: must name one of the order's lines", path);
			return -1;
		}
		c->line = (int)line->valuedouble;
	}
	d = cJSON_GetObjectItemCaseSensitive(e, "discount");
	snprintf(dpath, sizeof dpath, "%s.discount", path);
	if (d != NULL && !cJSON_IsNull(d) && discount_from_json(d, dpath, &c->disc, err) < 0)
		return -1;
	return 0;
}

/* What an order's document adds to the figures of old: the order's
 * discount, its corrections, and the figures derived from the ledger. */
static int
ledger_from_json(const cJSON *j, struct order *o, struct codec_error *err)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "discount");
	const cJSON *corr, *e;
	bool has_gross = false;
	char path[64];

	if (d != NULL && !cJSON_IsNull(d) && discount_from_json(d, "discount", &o->disc, err) < 0)
		return -1;
	if (codec_get_int(j, "gross", NULL, -MONEY_MAX, MONEY_MAX, false, &o->gross,
	    &has_gross, err) < 0 ||
	    array_get(j, "corrections", NULL, CORRECTIONS_MAX, false, &corr, err) < 0)
		return -1;
	if (!has_gross) {
		o->gross = 0;
		for (int i = 0; i < o->nitems; i++)
			o->gross += o->items[i].line_total;
	}
	if (corr != NULL) {
		cJSON_ArrayForEach(e, corr) {
			snprintf(path, sizeof path, "corrections[%d]", o->ncorrections);
			if (correction_from_json(e, path, o, order_add_correction(o), err) < 0)
				return -1;
		}
	}
	/* paid is the sum of the charges; refunded and balance follow */
	o->refunded = 0;
	for (int i = 0; i < o->npayments; i++) {
		if (o->payments[i].kind == PAYMENT_REFUND)
			o->refunded += o->payments[i].amount;
	}
	o->balance = o->total - (o->paid - o->change - o->refunded);
	return 0;
}

int
order_from_json(const cJSON *j, struct order *o, struct codec_error *err)
{
	const cJSON *cust, *hist, *e;
	int64_t v = 0;
	int source = 0, service = 0, status = 0;
	char path[64];

	order_init(o);
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", "order", "order: must be an object");
		return -1;
	}
	if (codec_get_int(j, "id", NULL, 0, INT64_C(9007199254740991), true, &o->id, NULL, err) < 0 ||
	    codec_get_int(j, "number", NULL, 0, INT32_MAX, true, &v, NULL, err) < 0)
		goto fail;
	o->number = (int)v;
	if (codec_get_enum(j, "status", NULL, status_parse, true, &status, NULL, err) < 0 ||
	    codec_get_int(j, "version", NULL, 0, INT32_MAX, true, &v, NULL, err) < 0)
		goto fail;
	o->version = (int)v;
	if (codec_get_enum(j, "source", NULL, source_parse, true, &source, NULL, err) < 0 ||
	    codec_get_enum(j, "service", NULL, service_parse, true, &service, NULL, err) < 0 ||
	    codec_get_str(j, "business_day", NULL, &spec_day, false, o->business_day, sizeof o->business_day, NULL, err) < 0 ||
	    codec_get_str(j, "table", NULL, &spec_table, false, o->table, sizeof o->table, NULL, err) < 0 ||
	    object_get(j, "customer", NULL, false, &cust, err) < 0 ||
	    (cust != NULL && customer_from_json(cust, "customer", false, &o->customer, err) < 0) ||
	    link_from_json(j, o, NULL, err) < 0 ||
	    items_from_json(j, false, o, err) < 0 ||
	    payments_from_json(j, false, o, err) < 0)
		goto fail;
	o->status = (enum order_status)status;
	o->source = (enum order_source)source;
	o->service = (enum service_type)service;
	if (codec_get_int(j, "subtotal", NULL, -MONEY_MAX, MONEY_MAX, true, &o->subtotal, NULL, err) < 0 ||
	    codec_get_int(j, "tax", NULL, -MONEY_MAX, MONEY_MAX, true, &o->tax, NULL, err) < 0 ||
	    codec_get_int(j, "total", NULL, -MONEY_MAX, MONEY_MAX, true, &o->total, NULL, err) < 0 ||
	    codec_get_int(j, "paid", NULL, -MONEY_MAX, MONEY_MAX, false, &o->paid, NULL, err) < 0 ||
	    codec_get_int(j, "change", NULL, -MONEY_MAX, MONEY_MAX, false, &o->change, NULL, err) < 0 ||
	    codec_get_str(j, "staff", NULL, &spec_staff, false, o->staff, sizeof o->staff, NULL, err) < 0 ||
	    codec_get_str(j, "terminal", NULL, &spec_terminal, false, o->terminal, sizeof o->terminal, NULL, err) < 0 ||
	    codec_get_str(j, "cancel_reason", NULL, &spec_reason, false, o->cancel_reason, sizeof o->cancel_reason, NULL, err) < 0 ||
	    codec_get_int(j, "created_at", NULL, 0, INT64_MAX, false, &o->created_at, NULL, err) < 0 ||
	    codec_get_int(j, "updated_at", NULL, 0, INT64_MAX, false, &o->updated_at, NULL, err) < 0 ||
	    codec_get_int(j, "received_at", NULL, 0, INT64_MAX, false, &o->received_at, NULL, err) < 0 ||
	    codec_get_str(j, "provisional", NULL, &spec_provisional, false, o->provisional,
	    sizeof o->provisional, NULL, err) < 0 ||
	    codec_get_int(j, "ticket_printed_at", NULL, 0, INT64_MAX, false, &o->ticket_printed_at,
	    NULL, err) < 0 ||
	    array_get(j, "history", NULL, HISTORY_MAX, false, &hist, err) < 0)
		goto fail;
	if (hist != NULL) {
		cJSON_ArrayForEach(e, hist) {
			struct order_change *c = &o->history[o->nhistory];
			int st = 0, act = 0;

			snprintf(path, sizeof path, "history[%d]", o->nhistory);
			if (!cJSON_IsObject(e) ||
			    codec_get_enum(e, "status", path, status_parse, true, &st, NULL, err) < 0 ||
			    codec_get_enum(e, "action", path, action_or_create_parse, true, &act, NULL, err) < 0 ||
			    codec_get_int(e, "at", path, 0, INT64_MAX, true, &c->at, NULL, err) < 0 ||
			    codec_get_str(e, "by", path, &spec_staff, false, c->by, sizeof c->by, NULL, err) < 0) {
				if (!cJSON_IsObject(e))
					codec_error_set(err, 422, "invalid_field", path,
					    "%s: must be an object", path);
				goto fail;
			}
			c->status = (enum order_status)st;
			c->action = act == ACTION_COUNT ? -1 : act;
			o->nhistory++;
		}
	}
	if (ledger_from_json(j, o, err) < 0)
		goto fail;
	return 0;
fail:
	order_free(o);
	return -1;
}

/* ---- menu ------------------------------------------------------------ */

/* An item's price, refused in the words of money, not of integers. */
static int
price_get(const cJSON *j, const char *path, int64_t *price, struct codec_error *err)
{
	if (codec_get_int(j, "price", path, 0, PRICE_MAX, true, price, NULL, err) < 0) {
		char field[sizeof err->field];

		xstrlcpy(field, err->field, sizeof field);
		if (strcmp(err->code, "invalid_field") == 0)
			codec_error_set(err, 422, "invalid_field", field,
			    "%s: an amount in cents, from 0 (0.00) to %d (%d.00)", field,
			    PRICE_MAX, PRICE_MAX / 100);
		return -1;
	}
	return 0;
}

static cJSON *
item_json(const struct menu *m, const struct menu_item *it, bool derived)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *groups, *mods;
	const struct modifier *md;
	bool on;

	cJSON_AddStringToObject(j, "sku", it->sku);
	cJSON_AddStringToObject(j, "name", it->name);
	cJSON_AddStringToObject(j, "kitchen_name", it->kitchen_name);
	codec_add_int(j, "price", it->price);
	cJSON_AddStringToObject(j, "tax_class", it->tax_class);
	cJSON_AddStringToObject(j, "category", it->category);
	cJSON_AddStringToObject(j, "station", it->station);
	cJSON_AddBoolToObject(j, "available", it->available);
	cJSON_AddStringToObject(j, "barcode", it->barcode);
	groups = cJSON_AddArrayToObject(j, "groups");
	for (int g = 0; g < it->ngroups; g++)
		cJSON_AddItemToArray(groups, cJSON_CreateString(it->groups[g]));
	/* derived, for readers that do not follow groups: what can be added
	 * to the item now */
	if (!derived)
		return j;
	mods = cJSON_AddArrayToObject(j, "modifiers");
	for (int i = 0; m != NULL && (md = menu_item_mod(m, it, i, NULL, &on)) != NULL; i++) {
		if (on)
			cJSON_AddItemToArray(mods, modifier_to_json(md));
	}
	return j;
}

cJSON *
menu_item_to_json(const struct menu *m, const struct menu_item *it)
{
	return item_json(m, it, true);
}

static cJSON *
group_to_json(const struct modifier_group *g)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *mods;

	cJSON_AddStringToObject(j, "code", g->code);
	cJSON_AddStringToObject(j, "name", g->name);
	codec_add_int(j, "min", g->min);
	codec_add_int(j, "max", g->max);
	cJSON_AddBoolToObject(j, "required", g->required);
	mods = cJSON_AddArrayToObject(j, "modifiers");
	for (int i = 0; i < g->nmods; i++) {
		cJSON *md = modifier_to_json(&g->mods[i]);

		cJSON_AddBoolToObject(md, "available", g->mod_available[i]);
		cJSON_AddItemToArray(mods, md);
	}
	return j;
}

static cJSON *
menu_json(const struct menu *m, bool derived)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *arr;

	codec_add_int(j, "version", m->version);
	codec_add_int(j, "tax_rate_bp", m->ntax > 0 ? m->tax[0].rate_bp : m->tax_bp);
	cJSON_AddStringToObject(j, "currency", m->currency);
	arr = cJSON_AddArrayToObject(j, "tax_classes");
	for (int i = 0; i < m->ntax; i++) {
		cJSON *t = cJSON_CreateObject();

		cJSON_AddStringToObject(t, "code", m->tax[i].code);
		cJSON_AddStringToObject(t, "name", m->tax[i].name);
		codec_add_int(t, "rate_bp", m->tax[i].rate_bp);
		cJSON_AddItemToArray(arr, t);
	}
	arr = cJSON_AddArrayToObject(j, "stations");
	for (int i = 0; i < m->nstations; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(m->stations[i]));
	arr = cJSON_AddArrayToObject(j, "categories");
	for (int i = 0; i < m->ncategories; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(m->categories[i]));
	arr = cJSON_AddArrayToObject(j, "modifier_groups");
	for (int i = 0; i < m->ngroups; i++)
		cJSON_AddItemToArray(arr, group_to_json(&m->groups[i]));
	arr = cJSON_AddArrayToObject(j, "items");
	for (int i = 0; i < m->nitems; i++)
		cJSON_AddItemToArray(arr, item_json(m, &m->items[i], derived));
	return j;
}

cJSON *
menu_to_json(const struct menu *m)
{
	return menu_json(m, true);
}

cJSON *
menu_to_json_doc(const struct menu *m)
{
	return menu_json(m, false);
}

cJSON *
codec_modifiers_to_json(const struct modifier *mods, int n)
{
	cJSON *arr = cJSON_CreateArray();

	for (int m = 0; m < n; m++)
		cJSON_AddItemToArray(arr, modifier_to_json(&mods[m]));
	return arr;
}

/* A string array entry under path[i]. */
static int
str_entry(const cJSON *e, const char *path, int i,
    const struct codec_str_spec *spec, char *out, size_t size,
    struct codec_error *err)
{
	char field[64];

	snprintf(field, sizeof field, "%s[%d]", path, i);
	return check_str(e, field, spec, out, size, err);
}

int
menu_item_from_json(const cJSON *j, const char *path, struct menu_item *it,
    struct codec_error *err)
{
	static const char *const keys[] = { "sku", "name", "kitchen_name", "price",
	    "tax_class", "category", "station", "available", "barcode", "groups",
	    "modifiers", "position", NULL };
	const cJSON *groups, *e;
	int64_t price = 0;

	memset(it, 0, sizeof *it);
	it->available = true;
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (codec_only_keys(j, path, keys, err) < 0 ||
	    codec_get_str(j, "sku", path, &spec_sku, true, it->sku, sizeof it->sku, NULL, err) < 0 ||
	    codec_get_str(j, "name", path, &spec_name, true, it->name, sizeof it->name, NULL, err) < 0 ||
	    codec_get_str(j, "kitchen_name", path, &spec_kname, false, it->kitchen_name, sizeof it->kitchen_name, NULL, err) < 0 ||
	    price_get(j, path, &price, err) < 0 ||
	    codec_get_str(j, "tax_class", path, &spec_opt_code, false, it->tax_class, sizeof it->tax_class, NULL, err) < 0 ||
	    codec_get_str(j, "category", path, &spec_category, true, it->category, sizeof it->category, NULL, err) < 0 ||
	    codec_get_str(j, "station", path, &spec_station, true, it->station, sizeof it->station, NULL, err) < 0 ||
	    codec_get_bool(j, "available", path, false, &it->available, NULL, err) < 0 ||
	    codec_get_str(j, "barcode", path, &spec_barcode, false, it->barcode, sizeof it->barcode, NULL, err) < 0 ||
	    array_get(j, "groups", path, ITEM_GROUPS_MAX, false, &groups, err) < 0)
		return -1;
	it->price = price;
	char gpath[64];

	snprintf(gpath, sizeof gpath, "%s%sgroups", path != NULL ? path : "",
	    path != NULL ? "." : "");
	cJSON_ArrayForEach(e, groups) {
		if (str_entry(e, gpath, it->ngroups, &spec_code, it->groups[it->ngroups],
		    sizeof it->groups[0], err) < 0)
			return -1;
		it->ngroups++;
	}
	return 0;
}

static int
group_from_json(const cJSON *j, const char *path, struct modifier_group *g,
    struct codec_error *err)
{
	static const char *const keys[] = { "code", "name", "min", "max", "required",
	    "modifiers", NULL };
	static const char *const mod_keys[] = { "code", "name", "price", "available", NULL };
	const cJSON *mods, *e;
	int64_t min = 0, max = 0;
	char mpath[64];

	memset(g, 0, sizeof *g);
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
		return -1;
	}
	if (codec_only_keys(j, path, keys, err) < 0 ||
	    codec_get_str(j, "code", path, &spec_code, true, g->code, sizeof g->code, NULL, err) < 0 ||
	    codec_get_str(j, "name", path, &spec_name, true, g->name, sizeof g->name, NULL, err) < 0 ||
	    codec_get_int(j, "min", path, 0, GROUP_MODS_MAX, false, &min, NULL, err) < 0 ||
	    codec_get_int(j, "max", path, 0, GROUP_MODS_MAX, false, &max, NULL, err) < 0 ||
	    codec_get_bool(j, "required", path, false, &g->required, NULL, err) < 0 ||
	    array_get(j, "modifiers", path, GROUP_MODS_MAX, false, &mods, err) < 0)
		return -1;
	g->min = (int)min;
	g->max = cJSON_GetObjectItemCaseSensitive(j, "max") != NULL ? (int)max : -1;
	cJSON_ArrayForEach(e, mods) {
		snprintf(mpath, sizeof mpath, "%s.modifiers[%d]", path, g->nmods);
		g->mod_available[g->nmods] = true;
		if (cJSON_IsObject(e) && codec_only_keys(e, mpath, mod_keys, err) < 0)
			return -1;
		if (modifier_from_json(e, mpath, &g->mods[g->nmods], err) < 0 ||
		    codec_get_bool(e, "available", mpath, false,
		    &g->mod_available[g->nmods], NULL, err) < 0)
			return -1;
		g->nmods++;
	}
	if (g->max < 0)
		g->max = g->nmods;   /* no max given: any number of them */
	return 0;
}

int
menu_from_json(const cJSON *j, struct menu *m, struct codec_error *err)
{
	static const char *const keys[] = { "version", "tax_rate_bp", "currency",
	    "tax_classes", "stations", "categories", "modifier_groups", "items", NULL };
	static const char *const tax_keys[] = { "code", "name", "rate_bp", NULL };
	static const struct codec_str_spec spec_currency = { 0, 3, false, false };
	const cJSON *arr, *e;
	char path[64];
	int64_t v = 0;
	int i;

	menu_init(m);
	if (!cJSON_IsObject(j)) {
		codec_error_set(err, 422, "invalid_field", "menu", "menu: must be an object");
		return -1;
	}
	if (codec_only_keys(j, NULL, keys, err) < 0 ||
	    codec_get_int(j, "version", NULL, 0, INT64_MAX, false, &m->version, NULL, err) < 0 ||
	    codec_get_int(j, "tax_rate_bp", NULL, 0, TAX_RATE_MAX, false, &v, NULL, err) < 0 ||
	    codec_get_str(j, "currency", NULL, &spec_currency, false, m->currency,
	    sizeof m->currency, NULL, err) < 0)
		return -1;
	m->tax_bp = (int)v;

	if (array_get(j, "tax_classes", NULL, TAX_CLASSES_MAX, false, &arr, err) < 0)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(e, arr) {
		struct tax_class *t = &m->tax[m->ntax];

		snprintf(path, sizeof path, "tax_classes[%d]", i++);
		if (!cJSON_IsObject(e)) {
			codec_error_set(err, 422, "invalid_field", path, "%s: must be an object", path);
			goto fail;
		}
		if (codec_only_keys(e, path, tax_keys, err) < 0 ||
		    codec_get_str(e, "code", path, &spec_code, true, t->code, sizeof t->code, NULL, err) < 0 ||
		    codec_get_str(e, "name", path, &spec_name, true, t->name, sizeof t->name, NULL, err) < 0 ||
		    codec_get_int(e, "rate_bp", path, 0, TAX_RATE_MAX, true, &v, NULL, err) < 0)
			goto fail;
		t->rate_bp = (int)v;
		m->ntax++;
	}
	if (m->ntax > 0)
		m->tax_bp = m->tax[0].rate_bp;

	if (array_get(j, "stations", NULL, STATIONS_MAX, false, &arr, err) < 0)
		goto fail;
	cJSON_ArrayForEach(e, arr) {
		if (str_entry(e, "stations", m->nstations, &spec_station,
		    m->stations[m->nstations], sizeof m->stations[0], err) < 0)
			goto fail;
		m->nstations++;
	}

	if (array_get(j, "categories", NULL, MENU_CATEGORIES_MAX, true, &arr, err) < 0)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(e, arr) {
		char name[CATEGORY_MAX + 1];

		if (str_entry(e, "categories", i, &spec_category, name, sizeof name, err) < 0)
			goto fail;
		if (menu_category_index(m, name) >= 0) {
			snprintf(path, sizeof path, "categories[%d]", i);
			codec_error_set(err, 422, "duplicate_name", path,
			    "%s: category \"%s\" is named twice", path, name);
			goto fail;
		}
		menu_add_category(m, name);
		i++;
	}

	if (array_get(j, "modifier_groups", NULL, MENU_GROUPS_MAX, false, &arr, err) < 0)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(e, arr) {
		snprintf(path, sizeof path, "modifier_groups[%d]", i++);
		if (group_from_json(e, path, menu_add_group(m), err) < 0)
			goto fail;
	}

	if (array_get(j, "items", NULL, MENU_ITEMS_MAX, true, &arr, err) < 0)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(e, arr) {
		snprintf(path, sizeof path, "items[%d]", i++);
		if (menu_item_from_json(e, path, menu_add_item(m), err) < 0)
			goto fail;
	}
	return 0;
fail:
	menu_free(m);
	return -1;
}

/* ---- events ---------------------------------------------------------- */

char *
event_render(int64_t seq, enum event_type type, int64_t at, const char *key,
    const char *payload, size_t len)
{
	struct strbuf sb;
	struct jsonw w;

	strbuf_init(&sb);
	strbuf_reserve(&sb, len + 96);
	jsonw_init(&w, &sb);
	jsonw_object(&w);
	jsonw_kint(&w, "seq", seq);
	jsonw_kstr(&w, "type", event_type_name(type));
	jsonw_kint(&w, "at", at);
	jsonw_key(&w, key);
	jsonw_raw(&w, payload, len);
	jsonw_end_object(&w);
	return strbuf_detach(&sb, NULL);
}

const char *
event_payload(const char *text, size_t *len)
{
	/* event_render writes seq, type and at (no strings that could hold a
	 * quote) before the payload's key, and closes with one brace */
	const char *p = strstr(text, ",\"at\":");
	size_t n;

	if (p == NULL || (p = strchr(p + 6, ',')) == NULL || p[1] != '"' ||
	    (p = strchr(p + 2, '"')) == NULL || p[1] != ':')
		return NULL;
	p += 2;
	n = strlen(p);
	if (n < 2 || p[n - 1] != '}')
		return NULL;
	*len = n - 1;
	return p;
}

int
event_from_json(const cJSON *j, struct event *ev, struct codec_error *err)
{
	const cJSON *p;
	int type = 0;

	memset(ev, 0, sizeof *ev);
	order_init(&ev->order);
	menu_init(&ev->menu);
	if (codec_get_int(j, "seq", NULL, 1, INT64_MAX, true, &ev->seq, NULL, err) < 0 ||
	    codec_get_enum(j, "type", NULL, event_type_parse, true, &type, NULL, err) < 0 ||
	    codec_get_int(j, "at", NULL, 0, INT64_MAX, true, &ev->at, NULL, err) < 0)
		return -1;
	ev->type = (enum event_type)type;
	switch (ev->type) {
	case EVENT_MENU_UPDATED:
		if (object_get(j, "menu", NULL, false, &p, err) < 0)
			return -1;
		if (p != NULL) {
			ev->has_menu = true;
			if (menu_from_json(p, &ev->menu, err) < 0)
				return -1;
			ev->menu_version = ev->menu.version;
			return 0;
		}
		if (object_get(j, "item", NULL, true, &p, err) < 0)
			return -1;
		ev->has_item = true;
		{
			/* the item carries the version it makes (menu_version),
			 * which an item sent to the API may not */
			cJSON *copy = cJSON_Duplicate(p, true);
			int rc;

			cJSON_DeleteItemFromObjectCaseSensitive(copy, "menu_version");
			rc = menu_item_from_json(copy, "item", &ev->item, err);
			p = cJSON_GetObjectItemCaseSensitive(p, "menu_version");
			if (codec_is_int(p, 0, INT64_MAX))
				ev->menu_version = (int64_t)p->valuedouble;
			cJSON_Delete(copy);
			return rc;
		}
	case EVENT_STORE_UPDATED:
		if (object_get(j, "store", NULL, true, &p, err) < 0)
			return -1;
		ev->store = cJSON_Duplicate(p, true);
		return 0;
	case EVENT_STAFF_UPDATED:
		return object_get(j, "staff", NULL, true, &p, err);
	case EVENT_REPORT_CLOSED:
		return object_get(j, "z", NULL, true, &p, err);
	default:
		break;
	}
	if (object_get(j, "order", NULL, true, &p, err) < 0)
		return -1;
	return order_from_json(p, &ev->order, err);
}

void
event_free(struct event *ev)
{
	order_free(&ev->order);
	menu_free(&ev->menu);
	cJSON_Delete(ev->store);
	ev->store = NULL;
}

char *
codec_error_body(const char *code, const char *field, const char *message)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(j, "error");
	char *s;

	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	if (field != NULL && field[0] != '\0')
		cJSON_AddStringToObject(e, "field", field);
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (s == NULL)
		abort();
	return s;
}
