/* transport_cups: cups://QUEUE, a raw job through the local CUPS server
 * (or $CUPS_SERVER), with libcups loaded when the first cups:// printer
 * opens. Kept in its own file: libcups' headers and libwebsockets' both
 * define HTTP_STATUS_*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dynlib.h"
#include "log.h"
#include "printer.h"
#include "util.h"
#include "xalloc.h"

/* How long we follow a job after handing it over. CUPS holds it durably
 * from then on; waiting longer would only hold up the till. */
#define CUPS_FOLLOW_MS 30000
#define CUPS_CHUNK 8192

/* Filled by dynlib_cups_load() in cups_open(), before any other call. */
static const struct dynlib_cups *const cups = &dynlib_cups;

struct cups_impl {
	http_t *http;
	char resource[256];         /* ipp://localhost/printers/QUEUE */
};

static int
cups_connect(struct printer *p, struct printer_error *err)
{
	struct cups_impl *c = p->impl;

	if (c->http != NULL)
		return 0;
	c->http = cups->httpConnect2(cups->cupsServer(), cups->ippPort(), NULL, AF_UNSPEC,
	    cups->cupsEncryption(), 1, p->timeout_ms, NULL);
	if (c->http == NULL)
		return printer_fail(err, PRINTER_EOFFLINE, "CUPS is not running at %s: %s",
		    cups->cupsServer(), cups->cupsLastErrorString());
	return 0;
}

static void
cups_disconnect(struct cups_impl *c)
{
	if (c->http != NULL)
		cups->httpClose(c->http);
	c->http = NULL;
}

/* Get-Printer-Attributes; NULL with err when the queue is not there. */
static ipp_t *
cups_printer_attrs(struct printer *p, struct printer_error *err)
{
	static const char *const want[] = {
		"printer-state", "printer-state-reasons", "printer-is-accepting-jobs",
	};
	struct cups_impl *c = p->impl;
	ipp_t *req, *resp;

	if (cups_connect(p, err) < 0)
		return NULL;
	req = cups->ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
	cups->ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL,
	    c->resource);
	cups->ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	    3, NULL, want);
	resp = cups->cupsDoRequest(c->http, req, "/");
	if (resp == NULL || cups->ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING) {
		ipp_status_t st = cups->cupsLastError();

		cups->ippDelete(resp);
		if (st == IPP_STATUS_ERROR_NOT_FOUND)
			printer_fail(err, PRINTER_ENOTFOUND,
			    "no CUPS queue \"%s\" (lpstat -p lists the queues)", p->uri.target);
		else if (st == IPP_STATUS_ERROR_FORBIDDEN || st == IPP_STATUS_ERROR_NOT_AUTHORIZED)
			printer_fail(err, PRINTER_EACCESS, "CUPS refused access to \"%s\": %s",
			    p->uri.target, cups->cupsLastErrorString());
		else
			printer_fail(err, PRINTER_EOFFLINE, "CUPS queue \"%s\": %s", p->uri.target,
			    cups->cupsLastErrorString());
		cups_disconnect(c);
		return NULL;
	}
	return resp;
}

static int
cups_open(struct printer *p, struct printer_error *err)
{
	struct cups_impl *c;
	ipp_t *attrs;
	char why[200];

	if (dynlib_cups_load(why, sizeof why) < 0)
		return printer_fail(err, PRINTER_ENOTFOUND, "%s", why);
	c = xcalloc(1, sizeof *c);
	p->impl = c;
	cups->httpAssembleURIf(HTTP_URI_CODING_ALL, c->resource, sizeof c->resource, "ipp",
	    NULL, "localhost", 0, "/printers/%s", p->uri.target);
	attrs = cups_printer_attrs(p, err);
	if (attrs == NULL) {
		free(c);
		p->impl = NULL;
		return -1;
	}
	cups->ippDelete(attrs);
	return 0;
}

static int
cups_job_state(struct printer *p, int job_id, char *reason, size_t size)
{
	static const char *const want[] = { "job-state", "job-state-reasons" };
	struct cups_impl *c = p->impl;
	ipp_t *req, *resp;
	ipp_attribute_t *a;
	int state = -1;

	req = cups->ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	cups->ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL,
	    c->resource);
	cups->ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
	cups->ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 2,
	    NULL, want);
	resp = cups->cupsDoRequest(c->http, req, "/");
	if (resp != NULL && (a = cups->ippFindAttribute(resp, "job-state", IPP_TAG_ENUM)))
		state = cups->ippGetInteger(a, 0);
	if (resp != NULL &&
	    (a = cups->ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD)))
		xstrlcpy(reason, cups->ippGetString(a, 0, NULL), size);
	cups->ippDelete(resp);
	return state;
}

/* Hand one raw job to CUPS, then follow it until it completes or fails. */
static int
cups_print(struct printer *p, const unsigned char *buf, size_t len, size_t *sent,
    struct printer_error *err)
{
	struct cups_impl *c = p->impl;
	int job_id, state = -1;
	char reason[128] = "";
	int64_t deadline;

	if (cups_connect(p, err) < 0)
		return -1;
	job_id = cups->cupsCreateJob(c->http, p->uri.target, "Brigade", 0, NULL);
	if (job_id == 0) {
		printer_fail(err, cups->cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND ?
		    PRINTER_ENOTFOUND : PRINTER_EOFFLINE, "CUPS queue \"%s\" took no job: %s",
		    p->uri.target, cups->cupsLastErrorString());
		cups_disconnect(c);
		return -1;
	}
	if (cups->cupsStartDocument(c->http, p->uri.target, job_id, "brigade", CUPS_FORMAT_RAW,
	    1) != HTTP_STATUS_CONTINUE) {
		printer_fail(err, PRINTER_EOFFLINE, "CUPS job %d on \"%s\": %s", job_id,
		    p->uri.target, cups->cupsLastErrorString());
		cups->cupsCancelJob2(c->http, p->uri.target, job_id, 1);
		cups_disconnect(c);
		return -1;
	}
	while (*sent < len) {
		size_t n = len - *sent < CUPS_CHUNK ? len - *sent : CUPS_CHUNK;

		if (cups->cupsWriteRequestData(c->http, (const char *)buf + *sent, n) !=
		    HTTP_STATUS_CONTINUE) {
			printer_fail(err, PRINTER_EGONE, "CUPS stopped taking job %d after %zu of "
			    "%zu bytes: %s", job_id, *sent, len, cups->cupsLastErrorString());
			cups_disconnect(c);
			return -1;
		}
		*sent += n;
	}
	if (cups->cupsFinishDocument(c->http, p->uri.target) > IPP_STATUS_OK_CONFLICTING) {
		printer_fail(err, PRINTER_EJOB, "CUPS did not accept job %d: %s", job_id,
		    cups->cupsLastErrorString());
		cups_disconnect(c);
		return -1;
	}
	deadline = util_mono_ms() + CUPS_FOLLOW_MS;
	while (util_mono_ms() < deadline) {
		struct timespec ts = { 0, 50 * 1000000L };

		state = cups_job_state(p, job_id, reason, sizeof reason);
		if (state == IPP_JSTATE_COMPLETED)
			return 0;
		if (state == IPP_JSTATE_ABORTED || state == IPP_JSTATE_CANCELED)
			return printer_fail(err, PRINTER_EJOB, "CUPS job %d on \"%s\" %s (%s)",
			    job_id, p->uri.target, state == IPP_JSTATE_ABORTED ? "aborted" :
			    "was cancelled", reason[0] ? reason : "no reason given");
		nanosleep(&ts, NULL);
	}
	/* still queued in CUPS (printer stopped, say): CUPS owns it now and
	 * will print it; sending it again would print it twice */
	log_warn("CUPS job %d on \"%s\" still %s after %d s; leaving it to CUPS", job_id,
	    p->uri.target, reason[0] ? reason : "pending", CUPS_FOLLOW_MS / 1000);
	return 0;
}

/* CUPS knows whether the queue is up and, for drivers that report them,
 * media and door states; a raw queue usually reports neither. */
static int
cups_status(struct printer *p, struct printer_status *st, struct printer_error *err)
{
	static const struct {
		const char *prefix;
		unsigned bit;
	} reasons[] = {
		{ "media-empty", PRINTER_PAPER_OUT },
		{ "media-needed", PRINTER_PAPER_OUT },
		{ "media-low", PRINTER_PAPER_LOW },
		{ "door-open", PRINTER_COVER_OPEN },
		{ "cover-open", PRINTER_COVER_OPEN },
	};
	ipp_t *attrs = cups_printer_attrs(p, err);
	ipp_attribute_t *a;

	if (attrs == NULL)
		return -1;
	st->known |= PRINTER_ONLINE;
	a = cups->ippFindAttribute(attrs, "printer-state", IPP_TAG_ENUM);
	if (a != NULL && cups->ippGetInteger(a, 0) != IPP_PSTATE_STOPPED)
		st->flags |= PRINTER_ONLINE;
	a = cups->ippFindAttribute(attrs, "printer-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; a != NULL && i < cups->ippGetCount(a); i++) {
		const char *r = cups->ippGetString(a, i, NULL);

		for (size_t k = 0; r != NULL && k < sizeof reasons / sizeof reasons[0]; k++) {
			if (strncmp(r, reasons[k].prefix, strlen(reasons[k].prefix)) == 0) {
				st->known |= reasons[k].bit;
				st->flags |= reasons[k].bit;
				if (reasons[k].bit & (PRINTER_PAPER_OUT | PRINTER_PAPER_LOW))
					st->known |= PRINTER_PAPER_OUT | PRINTER_PAPER_LOW;
			}
		}
	}
	cups->ippDelete(attrs);
	return 0;
}

static void
cups_close(struct printer *p)
{
	struct cups_impl *c = p->impl;

	if (c == NULL)
		return;
	cups_disconnect(c);
	free(c);
	p->impl = NULL;
}

const struct transport transport_cups = {
	.scheme = "cups",
	.open = cups_open,
	.print = cups_print,
	.status = cups_status,
	.close = cups_close,
};
