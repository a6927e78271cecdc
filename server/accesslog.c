/* accesslog: request and account lines, through log.c (so they reach the
 * journal with a priority: info for requests and changes, warn for
 * failures). */
#include "accesslog.h"

#include <stdio.h>
#include <string.h>

#include "job.h"
#include "log.h"

static bool accesslog_on = true;

void
accesslog_enable(bool on)
{
	accesslog_on = on;
}

/* A path as it may be logged: printable ASCII, at most 160 bytes (a path
 * segment is a sku, an order id or a staff code: never a secret). */
static void
clean(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < size && n < 160; in++)
		out[n++] = (*in > ' ' && *in < 127) ? *in : '?';
	out[n] = '\0';
}

bool
accesslog_wanted(void)
{
	return accesslog_on && log_enabled(LOG_INFO);
}

void
accesslog_request(const char *method, const char *path, int status,
    int64_t micros, const struct caller *who, const char *peer)
{
	char p[200];

	if (!accesslog_wanted())
		return;
	clean(path != NULL && path[0] != '\0' ? path : "-", p, sizeof p);
	log_write(LOG_INFO, "access", "%s %s %d %.1fms staff=%s terminal=%s peer=%s",
	    method, p, status, (double)micros / 1000.0,
	    who != NULL && who->staff[0] != '\0' ? who->staff : "-",
	    who != NULL && who->terminal[0] != '\0' ? who->terminal : "-",
	    peer != NULL && peer[0] != '\0' ? peer : "-");
}

static void
staff_change(const struct job *j)
{
	char what[64] = "";

	if (j->kind == JOB_STAFF_CREATE) {
		log_write(LOG_INFO, "staff", "%s created %s (%s, %s)", j->caller.staff,
		    j->staff.code, role_name(j->staff.role),
		    j->staff.active ? "active" : "inactive");
		return;
	}
	if (j->mask & STAFF_PATCH_NAME)
		strcat(what, " name");
	if (j->mask & STAFF_PATCH_ROLE)
		snprintf(what + strlen(what), sizeof what - strlen(what), " role=%s",
		    role_name(j->staff.role));
	if (j->mask & STAFF_PATCH_PIN)
		strcat(what, " pin");
	if (j->mask & STAFF_PATCH_ACTIVE)
		strcat(what, j->staff.active ? " active=true" : " active=false");
	log_write(LOG_INFO, "staff", "%s changed %s:%s", j->caller.staff, j->staff.code,
	    what);
}

void
accesslog_job(const struct job *j)
{
	const char *code = j->staff.code[0] != '\0' ? j->staff.code : "-";
	const char *peer = j->peer[0] != '\0' ? j->peer : "-";

	switch (j->kind) {
	case JOB_LOGIN:
		if (j->status == 200) {
			log_write(LOG_INFO, "auth", "login %s terminal=%s peer=%s", code,
			    j->terminal, peer);
		} else if (j->status == 429) {
			log_write(LOG_WARN, "auth", "login refused %s peer=%s: %s, %d s left",
			    code, peer, j->body != NULL && strstr(j->body, "account_locked") ?
			    "the code is locked for this address" :
			    "too many wrong logins from this address", j->retry_after);
		} else if (j->status == 401) {
			log_write(LOG_WARN, "auth", "login failed %s peer=%s: unknown code or "
			    "wrong PIN", code, peer);
		}
		if (j->lock_until != 0)
			log_write(LOG_WARN, "auth", "lockout %s peer=%s: too many wrong PINs; "
			    "locked for this address", code, peer);
		break;
	case JOB_STAFF_CREATE:
	case JOB_STAFF_PATCH:
		if (j->status >= 200 && j->status < 300)
			staff_change(j);
		break;
	case JOB_APPROVE:
		/* an approval is a manager's PIN typed at another's till: its
		 * failures count and are logged as logins' are */
		if (j->status == 200)
			log_write(LOG_INFO, "auth", "approval by %s for %s terminal=%s peer=%s",
			    code, j->caller.staff, j->caller.terminal, peer);
		else if (j->status == 401 || j->status == 403 || j->status == 429)
			log_write(LOG_WARN, "auth", "approval refused %s for %s peer=%s (%d)", code,
			    j->caller.staff, peer, j->status);
		if (j->lock_until != 0)
			log_write(LOG_WARN, "auth", "lockout %s peer=%s: too many wrong PINs; "
			    "locked for this address", code, peer);
		break;
	case JOB_ORDER_CORRECT:
		if (j->status == 200)
			log_write(LOG_INFO, "order", "%s %s on order %lld by %s%s%s: %s",
			    correction_kind_name(j->corr.kind),
			    j->corr.nlines > 0 || j->corr.line >= 0 ? "of lines" : "of the order",
			    (long long)j->order_id, j->caller.staff,
			    j->approval[0] != '\0' ? ", approved" : "",
			    j->approval[0] != '\0' ? " by a manager" : "", j->corr.reason);
		break;
	default:
		break;
	}
}
