/* storeinfo: the restaurant's own details (GET/PATCH /api/v1/store): the
 * name and lines printed on receipts, tickets and reports, its currency,
 * the hour its business day starts and the services it offers. */
#ifndef BRIGADE_STOREINFO_H
#define BRIGADE_STOREINFO_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "order.h"

#define STORE_LINES_MAX 4     /* address, header and footer lines */
#define STORE_LINE_MAX 48     /* bytes: one line of an 80 mm receipt */
#define TAX_ID_MAX 32
#define REASONS_MAX 12        /* reasons offered per kind of correction */
#define REASON_NAME_MAX 32

struct store_info {
	char name[NAME_MAX_ + 1];
	int naddress;
	char address[STORE_LINES_MAX][STORE_LINE_MAX + 1];
	char phone[PHONE_MAX + 1];
	char tax_id[TAX_ID_MAX + 1];   /* tax or VAT number */
	int nheader;
	char header[STORE_LINES_MAX][STORE_LINE_MAX + 1];
	int nfooter;
	char footer[STORE_LINES_MAX][STORE_LINE_MAX + 1];
	char currency[4];              /* ISO 4217 */
	int day_start_hour;            /* 0-23 */
	unsigned services;             /* SERVICE_BIT set offered; never 0 */
	/* The reasons a correction may give, per kind (enum correction_kind);
	 * none kept: any reason is taken. */
	int nreasons[CORRECTION_KIND_COUNT];
	char reasons[CORRECTION_KIND_COUNT][REASONS_MAX][REASON_NAME_MAX + 1];
	/* How far each role may discount on its own, in percent (a comp is
	 * 100); beyond, a manager approves. */
	int discount_limit[ROLE_COUNT];
};

/* Defaults: no name, USD, the day starting at 04:00, every service, a
 * few reasons of each kind, cashiers and waiters discounting up to 10 %,
 * managers and admins any. */
void store_info_init(struct store_info *si);
cJSON *store_info_to_json(const struct store_info *si);
/* Read the details from j over si: every key given replaces its value
 * (a PATCH), the rest stay. Unknown keys, wrong types and bad values are
 * refused with err naming the field, and si is then unchanged. */
int store_info_from_json(const cJSON *j, struct store_info *si,
    struct codec_error *err);
/* Whether reason is one the store keeps for kind (any, when it keeps none). */
bool store_info_reason_ok(const struct store_info *si, enum correction_kind kind,
    const char *reason);

#endif
