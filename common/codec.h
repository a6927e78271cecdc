/* codec: the wire format. JSON for orders, order requests, menus, staff and
 * events on cJSON, with strict validation of what comes in: types, ranges,
 * lengths, valid UTF-8, no unknown or duplicate fields in requests. */
#ifndef BRIGADE_CODEC_H
#define BRIGADE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "order.h"

/* Why a document was refused: an HTTP status (400 for unparseable JSON, 422
 * for a valid document with a bad field), a machine code, the field's path
 * ("items[2].qty") and a sentence for people. */
struct codec_error {
	int status;
	char code[32];
	char field[64];
	char message[192];
};

void codec_error_set(struct codec_error *err, int status, const char *code,
    const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Whether text is strict RFC 8259 JSON (no leading zeros, no "1.", no
 * unescaped control characters, no \u0000 in strings, nesting at most 64);
 * *bad_at is where it went wrong. */
bool codec_json_strict(const char *text, size_t len, size_t *bad_at);

/* 422 card_number_refused naming field when text holds a card number
 * (see pan_in_text; min_digits is PAN_DIGITS_MIN, or PAN_PHONE_DIGITS_MIN
 * for a phone number). */
int codec_check_no_pan(const char *text, const char *field, int min_digits,
    struct codec_error *err);

/* Parse a request body. Fails (400 invalid_json) on syntax errors (checked
 * strictly, see codec_json_strict), trailing garbage, or a top level that
 * is not an object. */
cJSON *codec_parse_object(const char *body, size_t len, struct codec_error *err);

/* Request validation helpers, shared by every decoder (and the server's
 * small bodies such as login and actions). Each returns 0, or -1 after
 * filling err. "required" false lets the field be absent (or null); the
 * output is left untouched then and *present (if given) says which. */
struct codec_str_spec {
	size_t min, max;        /* length in bytes */
	bool charset_id;        /* only [A-Za-z0-9_-] (codes, skus, staff) */
	bool digits;            /* only [0-9] */
};
int codec_only_keys(const cJSON *obj, const char *path, const char *const *keys,
    struct codec_error *err);
int codec_get_str(const cJSON *obj, const char *key, const char *path,
    const struct codec_str_spec *spec, bool required, char *out, size_t size,
    bool *present, struct codec_error *err);
int codec_get_int(const cJSON *obj, const char *key, const char *path,
    int64_t min, int64_t max, bool required, int64_t *out, bool *present,
    struct codec_error *err);
int codec_get_bool(const cJSON *obj, const char *key, const char *path,
    bool required, bool *out, bool *present, struct codec_error *err);
/* An enumerated name ("PICKUP") parsed by parse(); -1 from parse is 422. */
int codec_get_enum(const cJSON *obj, const char *key, const char *path,
    int (*parse)(const char *), bool required, int *out, bool *present,
    struct codec_error *err);

/* Orders. order_to_json renders the server's full order; order_from_json
 * reads it back (clients), tolerating unknown fields for forward
 * compatibility but not wrong types. */
struct strbuf;
void order_render(const struct order *o, struct strbuf *out);
cJSON *order_to_json(const struct order *o);
int order_from_json(const cJSON *j, struct order *o, struct codec_error *err);

/* A create request (POST /api/v1/orders): source, service, table, customer,
 * items as sku/qty/modifier codes/note, payments, linked_to. Decoded into a
 * struct order with only those fields set; the server prices it. */
int order_request_from_json(const cJSON *j, struct order *o,
    struct codec_error *err);
cJSON *order_request_to_json(const struct order *o);

/* The optional "payments" array of a request object (the pay action). */
int order_payments_from_json(const cJSON *j, struct order *o,
    struct codec_error *err);

/* A change request (PATCH /api/v1/orders/{id}): any of service, table,
 * customer, linked_to. mask receives ORDER_PATCH_* bits of what was given. */
#define ORDER_PATCH_SERVICE 1u
#define ORDER_PATCH_TABLE 2u
#define ORDER_PATCH_CUSTOMER 4u
#define ORDER_PATCH_LINK 8u
int order_patch_from_json(const cJSON *j, struct order *o, unsigned *mask,
    struct codec_error *err);

/* Menus: GET/PUT /api/v1/menu and menu.updated events. An item's JSON
 * also lists its modifiers on offer, flattened from its groups (derived:
 * ignored when read back). Reading checks each field's type and limits;
 * whether the references hold (categories, groups, tax classes) is the
 * server's check. path names the item in error fields (NULL: none). */
cJSON *menu_to_json(const struct menu *m);
/* The same without the derived fields: the document as stored. */
cJSON *menu_to_json_doc(const struct menu *m);
cJSON *menu_item_to_json(const struct menu *m, const struct menu_item *it);
int menu_from_json(const cJSON *j, struct menu *m, struct codec_error *err);
int menu_item_from_json(const cJSON *j, const char *path, struct menu_item *it,
    struct codec_error *err);

/* A JSON array of {code,name,price} modifiers, as orders carry. */
cJSON *codec_modifiers_to_json(const struct modifier *mods, int n);

/* Events on the stream and GET /api/v1/events. */
/* Corrections' wire names ("void", "discount", "comp", "refund"). */
const char *correction_kind_name(enum correction_kind k);
int correction_kind_parse(const char *name);
/* A discount as a request gives it at path: one of percent (1..100),
 * percent_bp (1..10000) or amount, and a reason (copied to reason); a comp
 * (comp 1, or comp -1 and a true "comp" key) gives only a reason: it is
 * 100 %. only_keys refuses any other key. */
int codec_discount_from_json(const cJSON *j, const char *path, int comp, bool only_keys,
    struct discount *d, char *reason, size_t reason_size, struct codec_error *err);

enum event_type {
	EVENT_ORDER_CREATED,
	EVENT_ORDER_UPDATED,
	EVENT_MENU_UPDATED,          /* "item" (one item) or "menu" (all of it) */
	EVENT_STAFF_UPDATED,         /* "staff": the account, never its PIN */
	EVENT_STORE_UPDATED,         /* "store": the restaurant's details */
	EVENT_REPORT_CLOSED,         /* "z": a Z close's number, period, by */
	EVENT_TYPE_COUNT
};
const char *event_type_name(enum event_type t);
int event_type_parse(const char *name);

struct event {
	int64_t seq;
	enum event_type type;
	int64_t at;
	struct order order;          /* order.* events */
	bool has_item;               /* menu.updated of one item */
	struct menu_item item;
	bool has_menu;               /* menu.updated of the whole menu */
	struct menu menu;
	int64_t menu_version;        /* menu.updated: the version it makes */
	cJSON *store;                /* store.updated: the details (owned) */
};

/* Render an event as one JSON text (malloc'd); payload is the rendered
 * JSON object it carries, under key ("order", "item", "menu", "staff",
 * "store", "z"). */
char *event_render(int64_t seq, enum event_type type, int64_t at,
    const char *key, const char *payload, size_t len);
/* The payload inside an event text made by event_render: a pointer into
 * text and its length, or NULL if text is not one. */
const char *event_payload(const char *text, size_t *len);
int event_from_json(const cJSON *j, struct event *ev, struct codec_error *err);
void event_free(struct event *ev);

/* Render {"error":{"code","message"[,"field"]}} (malloc'd). */
char *codec_error_body(const char *code, const char *field, const char *message);

/* Helpers for numbers that must be integers in cJSON's double. */
bool codec_is_int(const cJSON *j, int64_t min, int64_t max);
cJSON *codec_add_int(cJSON *obj, const char *key, int64_t v);

#endif
