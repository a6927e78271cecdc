/* brigadectl staff: the restaurant's accounts: list them, add one, change
 * a name, a role or a PIN, disable and enable, and change one's own PIN.
 * PINs are read from the terminal without echo (twice, when new) or from
 * standard input for scripts; they are never printed, logged or queued:
 * these changes are sent at once, not through the outbox, whose file
 * would keep them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "api.h"
#include "brigadectl.h"
#include "cfg.h"
#include "domain.h"
#include "strbuf.h"
#include "utf8.h"
#include "util.h"
#include "xalloc.h"

#define PIN_BUF BRIGADECTL_PIN_BUF

/* What the options of one staff command said. */
struct staff_opts {
	const char *name;
	char role[16];
	bool pin_stdin;
	bool reset_pin;
	bool enable;
	bool json;
};

/* ---- PINs ------------------------------------------------------------ */

static void
say_tty(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0) {
		/* the prompt is lost; the read still works */
	}
}

/* One line from the terminal with echo off. 0; -1 when stopped (^C, end
 * of input); -2 when there is no terminal. */
static int
tty_secret(const char *prompt, char buf[PIN_BUF])
{
	struct termios old, quiet;
	size_t n = 0;
	bool too_long = false;
	int fd, rc = 0;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -2;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return -2;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	/* echo off (and what was typed before the question dropped), then the
	 * question: an answer typed as soon as it shows is kept */
	tcsetattr(fd, TCSAFLUSH, &quiet);
	say_tty(fd, prompt);
	for (;;) {
		char c;
		ssize_t got = read(fd, &c, 1);

		if (got < 0 && errno == EINTR) {
			rc = -1;
			break;
		}
		if (got <= 0) {
			rc = n > 0 ? 0 : -1;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 < PIN_BUF)
			buf[n++] = c;
		else
			too_long = true;
	}
	buf[n] = '\0';
	if (too_long)
		memset(buf, 'x', PIN_BUF - 1);   /* not a PIN: refused below */
	tcsetattr(fd, TCSADRAIN, &old);
	say_tty(fd, "\n");
	close(fd);
	return rc;
}

/* One line of standard input. 0, or -1 at its end. */
static int
stdin_secret(char buf[PIN_BUF])
{
	size_t n;

	if (fgets(buf, PIN_BUF, stdin) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == PIN_BUF - 1)
		memset(buf, 'x', PIN_BUF - 1);   /* longer than a line can be */
	buf[n] = '\0';
	return 0;
}

static bool
pin_ok(const char *pin)
{
	size_t n = strlen(pin);

	return n >= 4 && n <= 12 && strspn(pin, "0123456789") == n;
}

/* A PIN into pin: from standard input, or typed at the terminal (twice
 * when confirm). 0, or the exit code after saying why. */
int
brigadectl_get_pin(bool from_stdin, const char *prompt, bool confirm,
    char pin[PIN_BUF])
{
	char again[PIN_BUF];
	int rc;

	if (from_stdin) {
		if (stdin_secret(pin) < 0) {
			fprintf(stderr, "brigadectl: no PIN on standard input\n");
			return EXIT_USAGE;
		}
	} else {
		rc = tty_secret(prompt, pin);
		if (rc == -2) {
			fprintf(stderr, "brigadectl: no terminal to type the PIN on: give it on "
			    "standard input with --pin-stdin\n");
			return EXIT_USAGE;
		}
		if (rc < 0) {
			explicit_bzero(pin, PIN_BUF);
			fprintf(stderr, "brigadectl: stopped: nothing was changed\n");
			return EXIT_USAGE;
		}
	}
	if (!pin_ok(pin)) {
		explicit_bzero(pin, PIN_BUF);
		fprintf(stderr, "brigadectl: a PIN is 4 to 12 digits\n");
		return EXIT_USAGE;
	}
	if (!confirm || from_stdin)
		return 0;
	rc = tty_secret("Again: ", again);
	if (rc < 0 || strcmp(again, pin) != 0) {
		explicit_bzero(pin, PIN_BUF);
		explicit_bzero(again, sizeof again);
		fprintf(stderr, rc < 0 ? "brigadectl: stopped: nothing was changed\n" :
		    "brigadectl: the two PINs differ: nothing was changed\n");
		return EXIT_USAGE;
	}
	explicit_bzero(again, sizeof again);
	return 0;
}

/* The request's text, and every copy of a PIN in the JSON wiped. */
static char *
body_text(cJSON *j)
{
	char *text = cJSON_PrintUnformatted(j);
	const cJSON *e;

	if (text == NULL)
		abort();
	cJSON_ArrayForEach(e, j) {
		if (cJSON_IsString(e) && strstr(e->string, "pin") != NULL)
			explicit_bzero(e->valuestring, strlen(e->valuestring));
	}
	cJSON_Delete(j);
	return text;
}

/* ---- requests -------------------------------------------------------- */

/* A change, sent at once with a fresh Idempotency-Key (a retry after a
 * lost answer is applied once). The body is wiped afterwards. */
static int
send_change(const struct client_cfg *cfg, struct clock *clk, const char *method,
    const char *path, char *body, const char *what, struct api_reply *r)
{
	char key[37];
	struct api *a = api_new(cfg, clk);
	struct api_req req = { method, path, body, key, false };
	int rc = EXIT_OK;

	util_uuid(key);
	if (api_call(a, &req, cfg->retries, r) != API_OK)
		rc = brigadectl_failure(what, r);
	explicit_bzero(body, strlen(body));
	free(body);
	api_free(a);
	return rc;
}

/* A staff code as it may go in a path: 1 to 16 of A-Z a-z 0-9 - _. */
static bool
code_ok(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > STAFF_MAX)
		return false;
	for (const char *p = code; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	}
	return true;
}

/* Text from the server, safe on a terminal. */
static void
put_safe(struct strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++)
		strbuf_putc(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static const char *
str_of(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* "added staff k2 \"Kai\" CASHIER" and the like, from the server's answer. */
static void
print_account(const char *verb, const cJSON *acct, const char *extra)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_printf(&sb, "%s staff ", verb);
	put_safe(&sb, str_of(acct, "staff"));
	strbuf_puts(&sb, " \"");
	put_safe(&sb, str_of(acct, "name"));
	strbuf_puts(&sb, "\" ");
	put_safe(&sb, str_of(acct, "role"));
	if (strcmp(verb, "changed") == 0)
		strbuf_puts(&sb, cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(acct, "active")) ?
		    " disabled" : " active");
	if (extra != NULL)
		strbuf_puts(&sb, extra);
	printf("%s\n", sb.data);
	strbuf_free(&sb);
}

/* ---- options --------------------------------------------------------- */

enum { OPT_NAME = 'n', OPT_ROLE = 'r', OPT_PIN_STDIN = 'p', OPT_RESET_PIN = 'R',
	OPT_ENABLE = 'e', OPT_JSON = 'j' };

/* Parse the options a command takes (allowed: OPT_* letters). -1 after a
 * usage message. */
static int
staff_options(int argc, char **argv, const char *allowed, struct staff_opts *o)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "pin-stdin", no_argument, NULL, OPT_PIN_STDIN },
		{ "reset-pin", no_argument, NULL, OPT_RESET_PIN },
		{ "enable", no_argument, NULL, OPT_ENABLE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 0;   /* GNU: start over, permuting options after arguments */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?' || strchr(allowed, c) == NULL) {
			brigadectl_usage("staff %s: unknown option", argv[0]);
			return -1;
		}
		switch (c) {
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_ROLE:
			for (size_t i = 0; i < sizeof o->role - 1; i++) {
				o->role[i] = (char)toupper((unsigned char)optarg[i]);
				if (optarg[i] == '\0')
					break;
			}
			o->role[sizeof o->role - 1] = '\0';
			if (role_parse(o->role) < 0) {
				brigadectl_usage("staff %s: \"%s\" is not a role: CASHIER, WAITER, CHEF, "
				    "MANAGER, ADMIN or CUSTOMER", argv[0], optarg);
				return -1;
			}
			break;
		case OPT_PIN_STDIN:
			o->pin_stdin = true;
			break;
		case OPT_RESET_PIN:
			o->reset_pin = true;
			break;
		case OPT_ENABLE:
			o->enable = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		}
	}
	return 0;
}

/* The one CODE argument after the options. */
static const char *
staff_code(int argc, char **argv)
{
	if (argc - optind != 1) {
		brigadectl_usage("staff %s: expected one staff CODE", argv[0]);
		return NULL;
	}
	if (!code_ok(argv[optind])) {
		brigadectl_usage("staff %s: a staff code is 1 to %d of A-Z a-z 0-9 - _, not \"%s\"",
		    argv[0], STAFF_MAX, argv[optind]);
		return NULL;
	}
	return argv[optind];
}

/* ---- commands -------------------------------------------------------- */

/* Pad to width columns of text (code points: names may be UTF-8). */
static void
put_cell(struct strbuf *sb, const char *s, size_t width)
{
	size_t n = utf8_valid(s, strlen(s), false) ? utf8_length(s) : strlen(s);

	put_safe(sb, s);
	for (; n < width; n++)
		strbuf_putc(sb, ' ');
}

static int
staff_list(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct staff_opts o;
	struct api_req req = { "GET", "/api/v1/staff", NULL, NULL, false };
	struct api_reply r;
	const cJSON *arr, *e;
	size_t wcode = 4, wname = 4, wrole = 4;
	int rc = EXIT_OK;

	if (staff_options(argc, argv, "j", &o) < 0)
		return EXIT_USAGE;
	if (optind != argc)
		return brigadectl_usage("staff list: unexpected argument \"%s\"", argv[optind]);
	struct api *a = api_new(cfg, clk);
	if (api_call(a, &req, cfg->retries, &r) != API_OK) {
		rc = brigadectl_failure("staff list", &r);
		goto out;
	}
	arr = cJSON_GetObjectItemCaseSensitive(r.json, "staff");
	if (o.json || !cJSON_IsArray(arr)) {
		printf("%s\n", r.body);
		goto out;
	}
	cJSON_ArrayForEach(e, arr) {
		const char *cells[3] = { str_of(e, "staff"), str_of(e, "name"), str_of(e, "role") };
		size_t *w[3] = { &wcode, &wname, &wrole };

		for (int i = 0; i < 3; i++) {
			size_t n = utf8_valid(cells[i], strlen(cells[i]), false) ?
			    utf8_length(cells[i]) : strlen(cells[i]);

			if (n > *w[i])
				*w[i] = n;
		}
	}
	struct strbuf sb;
	strbuf_init(&sb);
	put_cell(&sb, "CODE", wcode + 2);
	put_cell(&sb, "NAME", wname + 2);
	put_cell(&sb, "ROLE", wrole + 2);
	strbuf_puts(&sb, "STATUS\n");
	cJSON_ArrayForEach(e, arr) {
		bool active = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(e, "active"));
		bool locked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "locked"));

		put_cell(&sb, str_of(e, "staff"), wcode + 2);
		put_cell(&sb, str_of(e, "name"), wname + 2);
		put_cell(&sb, str_of(e, "role"), wrole + 2);
		strbuf_puts(&sb, active ? "active" : "disabled");
		if (locked)
			strbuf_puts(&sb, ", locked");
		strbuf_putc(&sb, '\n');
	}
	fwrite(sb.data, 1, sb.len, stdout);
	strbuf_free(&sb);
out:
	api_reply_free(&r);
	api_free(a);
	return rc;
}

static int
staff_add(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct staff_opts o;
	struct api_reply r;
	char pin[PIN_BUF], prompt[64];
	const char *code;
	int rc;

	if (staff_options(argc, argv, "nrp", &o) < 0 || (code = staff_code(argc, argv)) == NULL)
		return EXIT_USAGE;
	if (o.name == NULL || o.role[0] == '\0')
		return brigadectl_usage("staff add: expected CODE --name NAME --role ROLE");
	snprintf(prompt, sizeof prompt, "PIN for %s: ", code);
	if ((rc = brigadectl_get_pin(o.pin_stdin, prompt, true, pin)) != 0)
		return rc;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "staff", code);
	cJSON_AddStringToObject(j, "name", o.name);
	cJSON_AddStringToObject(j, "role", o.role);
	cJSON_AddStringToObject(j, "pin", pin);
	explicit_bzero(pin, sizeof pin);
	rc = send_change(cfg, clk, "POST", "/api/v1/staff", body_text(j), "staff add", &r);
	if (rc == EXIT_OK)
		print_account("added", r.json, NULL);
	api_reply_free(&r);
	return rc;
}

static int
staff_set(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct staff_opts o;
	struct api_reply r;
	char pin[PIN_BUF], prompt[64], path[64];
	const char *code;
	int rc;

	if (staff_options(argc, argv, "nrpRe", &o) < 0 || (code = staff_code(argc, argv)) == NULL)
		return EXIT_USAGE;
	if (o.name == NULL && o.role[0] == '\0' && !o.reset_pin && !o.enable)
		return brigadectl_usage("staff set: nothing to change: give --name, --role, "
		    "--reset-pin or --enable");
	if (o.pin_stdin && !o.reset_pin)
		return brigadectl_usage("staff set: --pin-stdin goes with --reset-pin");
	cJSON *j = cJSON_CreateObject();
	if (o.name != NULL)
		cJSON_AddStringToObject(j, "name", o.name);
	if (o.role[0] != '\0')
		cJSON_AddStringToObject(j, "role", o.role);
	if (o.enable)
		cJSON_AddTrueToObject(j, "active");
	if (o.reset_pin) {
		snprintf(prompt, sizeof prompt, "New PIN for %s: ", code);
		if ((rc = brigadectl_get_pin(o.pin_stdin, prompt, true, pin)) != 0) {
			cJSON_Delete(j);
			return rc;
		}
		cJSON_AddStringToObject(j, "pin", pin);
		explicit_bzero(pin, sizeof pin);
	}
	snprintf(path, sizeof path, "/api/v1/staff/%s", code);
	rc = send_change(cfg, clk, "PATCH", path, body_text(j), "staff set", &r);
	if (rc == EXIT_OK)
		print_account("changed", r.json, o.reset_pin ? ", new PIN" : NULL);
	api_reply_free(&r);
	return rc;
}

static int
staff_disable(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct staff_opts o;
	struct api_reply r;
	char path[64];
	const char *code;
	int rc;

	if (staff_options(argc, argv, "", &o) < 0 || (code = staff_code(argc, argv)) == NULL)
		return EXIT_USAGE;
	snprintf(path, sizeof path, "/api/v1/staff/%s", code);
	rc = send_change(cfg, clk, "PATCH", path, xstrdup("{\"active\":false}"), "staff disable",
	    &r);
	if (rc == EXIT_OK)
		print_account("disabled", r.json, NULL);
	api_reply_free(&r);
	return rc;
}

/* One's own PIN: the current one, then the new one twice (or both on
 * standard input, one line each). */
static int
staff_pin(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	struct staff_opts o;
	struct api_reply r;
	char old[PIN_BUF], pin[PIN_BUF], prompt[64];
	int rc;

	if (staff_options(argc, argv, "p", &o) < 0)
		return EXIT_USAGE;
	if (optind != argc)
		return brigadectl_usage("staff pin changes your own PIN (the --staff logged in) "
		    "and takes no CODE");
	snprintf(prompt, sizeof prompt, "Current PIN for %s: ", cfg->staff);
	if ((rc = brigadectl_get_pin(o.pin_stdin, prompt, false, old)) != 0)
		return rc;
	if ((rc = brigadectl_get_pin(o.pin_stdin, "New PIN: ", true, pin)) != 0) {
		explicit_bzero(old, sizeof old);
		return rc;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "old_pin", old);
	cJSON_AddStringToObject(j, "new_pin", pin);
	explicit_bzero(old, sizeof old);
	explicit_bzero(pin, sizeof pin);
	rc = send_change(cfg, clk, "POST", "/api/v1/auth/pin", body_text(j), "staff pin", &r);
	if (rc == EXIT_OK)
		printf("changed the PIN of %s\n", cfg->staff);
	api_reply_free(&r);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk);
} staff_commands[] = {
	{ "list", staff_list },
	{ "add", staff_add },
	{ "set", staff_set },
	{ "disable", staff_disable },
	{ "pin", staff_pin },
};

int
brigadectl_staff(int argc, char **argv, const struct client_cfg *cfg, struct clock *clk)
{
	if (argc < 2)
		return brigadectl_usage("staff: expected list, add, set, disable or pin");
	for (size_t i = 0; i < sizeof staff_commands / sizeof staff_commands[0]; i++) {
		if (strcmp(staff_commands[i].name, argv[1]) == 0)
			return staff_commands[i].fn(argc - 1, argv + 1, cfg, clk);
	}
	return brigadectl_usage("staff: expected list, add, set, disable or pin, not \"%s\"",
	    argv[1]);
}
