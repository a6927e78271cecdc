/* Unit tests of several servers: the server list setting, the store code,
 * the choice of the next server, which failures move on, and the login
 * body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "cfg.h"
#include "failover.h"

static void
test_server_list(void **state)
{
	struct client_cfg c;
	char err[512];

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(c.nservers, 1);
	assert_string_equal(c.servers[0], "http://127.0.0.1:8080");

	/* commas, spaces, both; a trailing slash dropped */
	assert_int_equal(cfg_set(&c, "server", "http://10.0.0.5:8080,http://10.0.0.6:8080/",
	    err, sizeof err), 0);
	assert_int_equal(c.nservers, 2);
	assert_string_equal(c.servers[0], "http://10.0.0.5:8080");
	assert_string_equal(c.servers[1], "http://10.0.0.6:8080");
	assert_int_equal(cfg_set(&c, "server", " http://a:1 ,  http://b:2\thttp://[::1]:3 ",
	    err, sizeof err), 0);
	assert_int_equal(c.nservers, 3);
	assert_string_equal(c.servers[2], "http://[::1]:3");
	assert_false(cfg_tls(&c));

	/* a new value replaces the whole list */
	assert_int_equal(cfg_set(&c, "server", "https://pos.example:8443", err, sizeof err), 0);
	assert_int_equal(c.nservers, 1);
	assert_true(cfg_tls(&c));

	/* refusals keep the list as it was, and say why */
	assert_int_equal(cfg_set(&c, "server", "http://a:1,ftp://b", err, sizeof err), -1);
	assert_non_null(strstr(err, "ftp://b"));
	assert_int_equal(cfg_set(&c, "server", "http://a:1,https://b:2", err, sizeof err), -1);
	assert_non_null(strstr(err, "not both"));
	assert_int_equal(cfg_set(&c, "server", "http://a:1,http://a:1", err, sizeof err), -1);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(cfg_set(&c, "server", " , ", err, sizeof err), -1);
	assert_non_null(strstr(err, "at least one"));
	assert_int_equal(cfg_set(&c, "server", "", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "server", "http://a:1/api,http://b:2", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "server", "http://a:1;http://b:2", err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "server",
	    "http://h1:1,http://h2:1,http://h3:1,http://h4:1,http://h5:1,http://h6:1,"
	    "http://h7:1,http://h8:1", err, sizeof err), 0);
	assert_int_equal(c.nservers, CFG_SERVERS_MAX);
	assert_int_equal(cfg_set(&c, "server",
	    "http://h1:1,http://h2:1,http://h3:1,http://h4:1,http://h5:1,http://h6:1,"
	    "http://h7:1,http://h8:1,http://h9:1", err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 8"));
	assert_int_equal(c.nservers, CFG_SERVERS_MAX);
	assert_string_equal(c.servers[7], "http://h8:1");
}

static void
test_server_list_env(void **state)
{
	struct client_cfg c;
	char err[512];

	(void)state;
	setenv("BRIGADE_CONFIG", "/dev/null", 1);
	setenv("BRIGADE_SERVER", "http://127.0.0.1:9001, http://127.0.0.1:9002", 1);
	setenv("BRIGADE_STORE", "north-1", 1);
	assert_int_equal(cfg_load(&c, err, sizeof err), 0);
	assert_int_equal(c.nservers, 2);
	assert_string_equal(c.servers[1], "http://127.0.0.1:9002");
	assert_string_equal(c.store, "north-1");
	setenv("BRIGADE_SERVER", "http://127.0.0.1:9001,https://127.0.0.1:9002", 1);
	assert_int_equal(cfg_load(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "BRIGADE_SERVER"));
	setenv("BRIGADE_SERVER", "http://127.0.0.1:9001", 1);
	setenv("BRIGADE_STORE", "no spaces", 1);
	assert_int_equal(cfg_load(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "BRIGADE_STORE"));
	unsetenv("BRIGADE_SERVER");
	unsetenv("BRIGADE_STORE");
	unsetenv("BRIGADE_CONFIG");
}

static void
test_store_code(void **state)
{
	struct client_cfg c;
	char err[512], code[40];

	(void)state;
	cfg_defaults(&c);
	assert_string_equal(c.store, "");
	assert_true(cfg_valid_store("a"));
	assert_true(cfg_valid_store("Store_7-north"));
	assert_false(cfg_valid_store(""));
	assert_false(cfg_valid_store("north 1"));
	assert_false(cfg_valid_store("north/1"));
	assert_false(cfg_valid_store("caf\xc3\xa9"));
	memset(code, 'x', 32);
	code[32] = '\0';
	assert_true(cfg_valid_store(code));
	code[32] = 'x';
	code[33] = '\0';
	assert_false(cfg_valid_store(code));

	assert_int_equal(cfg_set(&c, "store", "north-1", err, sizeof err), 0);
	assert_string_equal(c.store, "north-1");
	assert_int_equal(cfg_set(&c, "store", "north 1", err, sizeof err), -1);
	assert_non_null(strstr(err, "store"));
	assert_string_equal(c.store, "north-1");
	assert_int_equal(cfg_set(&c, "store", code, err, sizeof err), -1);
	assert_int_equal(cfg_set(&c, "store", "", err, sizeof err), 0);   /* none */
	assert_string_equal(c.store, "");
}

static void
test_next_server(void **state)
{
	(void)state;
	/* one server: nowhere to go */
	assert_int_equal(failover_next(0, 0, 1), 0);
	/* the current one failed: the next, wrapping to the first */
	assert_int_equal(failover_next(0, 0, 3), 1);
	assert_int_equal(failover_next(1, 1, 3), 2);
	assert_int_equal(failover_next(2, 2, 3), 0);
	/* a failure of a server already left behind changes nothing */
	assert_int_equal(failover_next(1, 0, 3), 1);
	assert_int_equal(failover_next(0, 2, 3), 0);
}

static void
test_failover_shared(void **state)
{
	struct client_cfg c;
	struct failover_pick p;
	struct failover *f;
	char err[256];

	(void)state;
	cfg_defaults(&c);
	assert_int_equal(cfg_set(&c, "server", "http://127.0.0.1:9001,http://127.0.0.1:9002/",
	    err, sizeof err), 0);
	f = failover_new(&c);
	assert_int_equal(failover_count(f), 2);
	assert_int_equal(failover_current(f, &p), 0);
	assert_int_equal(p.index, 0);
	assert_string_equal(p.url, "http://127.0.0.1:9001");
	assert_string_equal(p.label, "127.0.0.1:9001");
	assert_int_equal(p.addr.port, 9001);

	/* eight requests broke together with the first server: one move */
	assert_true(failover_failed(f, 0));
	for (int i = 0; i < 7; i++)
		assert_false(failover_failed(f, 0));
	failover_current(f, &p);
	assert_int_equal(p.index, 1);
	assert_string_equal(p.label, "127.0.0.1:9002");

	/* it stays on the second while that works; when it fails too, back
	 * to the first (the primary) */
	assert_true(failover_failed(f, 1));
	failover_current(f, &p);
	assert_int_equal(p.index, 0);

	/* shared: a second holder sees the same choice */
	struct failover *g = failover_ref(f);
	assert_true(failover_failed(g, 0));
	failover_current(f, &p);
	assert_int_equal(p.index, 1);
	failover_unref(g);
	failover_unref(f);

	/* one server never moves */
	cfg_defaults(&c);
	f = failover_new(&c);
	assert_false(failover_failed(f, 0));
	failover_current(f, &p);
	assert_int_equal(p.index, 0);
	failover_unref(f);
}

static void
test_moves_on(void **state)
{
	static const struct {
		enum api_err err;
		int status;
		bool moves;
	} cases[] = {
		{ API_ERR_NETWORK, 0, true },          /* refused, reset, timeout */
		{ API_ERR_NETWORK, 408, true },
		{ API_ERR_TLS, 0, true },
		{ API_ERR_BAD_RESPONSE, 0, true },     /* cut short */
		{ API_ERR_BAD_RESPONSE, 200, false },  /* an answer, not JSON */
		{ API_ERR_SERVER, 502, true },
		{ API_ERR_SERVER, 503, true },
		{ API_ERR_SERVER, 504, true },
		{ API_ERR_SERVER, 500, false },        /* a fault, the same anywhere */
		{ API_ERR_RATE_LIMITED, 429, false },
		{ API_ERR_UNAUTHORIZED, 401, false },
		{ API_ERR_CONFLICT, 409, false },
		{ API_ERR_INVALID, 422, false },
		{ API_OK, 201, false },
	};
	struct api_reply r;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		api_reply_init(&r);
		r.err = cases[i].err;
		r.status = cases[i].status;
		if (api_reply_moves_on(&r) != cases[i].moves)
			fail_msg("%s %d: expected %d", api_err_name(r.err), r.status, cases[i].moves);
	}
}

static void
test_login_body(void **state)
{
	struct client_cfg c;
	char err[256], *body;
	cJSON *j;

	(void)state;
	cfg_defaults(&c);
	cfg_set(&c, "staff", "c1", err, sizeof err);
	cfg_set(&c, "pin", "1111", err, sizeof err);
	cfg_set(&c, "terminal", "till-2", err, sizeof err);
	body = api_login_body(&c);
	j = cJSON_Parse(body);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "staff")->valuestring, "c1");
	assert_string_equal(cJSON_GetObjectItem(j, "pin")->valuestring, "1111");
	assert_string_equal(cJSON_GetObjectItem(j, "terminal")->valuestring, "till-2");
	assert_null(cJSON_GetObjectItem(j, "store"));   /* none set: as before */
	cJSON_Delete(j);
	free(body);

	assert_int_equal(cfg_set(&c, "store", "north-1", err, sizeof err), 0);
	body = api_login_body(&c);
	j = cJSON_Parse(body);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "store")->valuestring, "north-1");
	assert_int_equal(cJSON_GetArraySize(j), 4);
	cJSON_Delete(j);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_list),
		cmocka_unit_test(test_server_list_env),
		cmocka_unit_test(test_store_code),
		cmocka_unit_test(test_next_server),
		cmocka_unit_test(test_failover_shared),
		cmocka_unit_test(test_moves_on),
		cmocka_unit_test(test_login_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
