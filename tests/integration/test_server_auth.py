#!/usr/bin/env python3
"""Logins, lockout, token expiry and revocation, staff management by role."""
import time
import unittest

from brigade_test import PINS, Client, ServerTest, walk_in


class Auth(ServerTest):
    # tokens outlive the slowest test (PIN hashes are slow under sanitizers);
    # expiry has a server of its own below
    server_config = "token_ttl_seconds = 600\nlockout_seconds = 2\nlockout_attempts = 5\n"

    def login(self, staff, pin, terminal="t"):
        return Client(self.server.port).post(
            "/api/v1/auth/login", {"staff": staff, "pin": pin, "terminal": terminal})

    def test_login_shape(self):
        r = self.login("w1", "2222", "pos-1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"token", "role", "staff", "name", "terminal",
                                       "store", "expires_at", "server_time"})
        self.assertEqual((r.json["role"], r.json["staff"], r.json["terminal"], r.json["store"]),
                         ("WAITER", "w1", "pos-1", "main"))
        self.assertEqual(len(r.json["token"]), 64)
        self.assertGreater(r.json["expires_at"], r.json["server_time"])

    def test_bad_logins(self):
        self.assertEqual(self.login("w1", "9999").code, "invalid_credentials")
        self.assertEqual(self.login("w1", "9999").status, 401)
        self.assertEqual(self.login("nobody", "1234").code, "invalid_credentials")
        self.assertEqual(self.login("w1", "22").status, 422)          # not a PIN
        self.assertEqual(self.login("w1", 2222).status, 422)
        self.assertEqual(self.login("w 1", "2222").status, 422)
        r = Client(self.server.port).post("/api/v1/auth/login", {"staff": "w1"})
        self.assertEqual((r.status, r.code), (422, "missing_field"))
        r = Client(self.server.port).post("/api/v1/auth/login", raw="{")
        self.assertEqual(r.status, 400)
        # a wrong PIN is never echoed back
        r = self.login("w1", "98765")
        self.assertNotIn("98765", r.raw)

    def test_lockout_after_five_wrong_pins(self):
        for i in range(5):
            self.assertEqual(self.login("c1", "0000").status, 401, i)
        r = self.login("c1", "3333")
        self.assertEqual((r.status, r.code), (429, "account_locked"))
        self.assertEqual(self.login("c1", "0000").status, 429)
        # other accounts are not affected
        self.assertEqual(self.login("w1", "2222").status, 200)
        time.sleep(2.2)
        self.assertEqual(self.login("c1", "3333").status, 200)
        # a good login resets the count
        for i in range(4):
            self.login("c1", "0000")
        self.assertEqual(self.login("c1", "3333").status, 200)
        self.assertEqual(self.login("c1", "0000").status, 401)

    def test_lockout_is_per_terminal(self):
        """Wrong PINs from one address lock the account there only: a
        stranger cannot lock the admin out of the office."""
        stranger = Client(self.server.port, source="127.0.0.7")
        office = Client(self.server.port, source="127.0.0.8")
        self.addCleanup(stranger.close)
        self.addCleanup(office.close)
        for i in range(5):
            r = stranger.post("/api/v1/auth/login", {"staff": "a1", "pin": "0000"})
            self.assertEqual(r.status, 401, (i, r))
        r = stranger.post("/api/v1/auth/login", {"staff": "a1", "pin": "5555"})
        self.assertEqual((r.status, r.code), (429, "account_locked"))
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        r = office.post("/api/v1/auth/login", {"staff": "a1", "pin": "5555"})
        self.assertEqual(r.status, 200, r)

    def test_logout_revokes(self):
        c = self.client("k1")
        me = c.get("/api/v1/auth/me")
        self.assertEqual((me.status, me.json["staff"], me.json["role"], me.json["name"]),
                         (200, "k1", "CASHIER", "Kim (cashier)"))
        self.assertEqual(c.post("/api/v1/auth/logout").status, 200)
        self.assertEqual(c.get("/api/v1/menu").status, 401)
        self.assertEqual(c.create(walk_in()).status, 401)

    def test_staff_by_role(self):
        m = self.client("m1")
        a = self.client("a1")
        k = self.client("k1")
        staff = m.get("/api/v1/staff")
        self.assertEqual(staff.status, 200)
        self.assertIn("k1", [s["staff"] for s in staff.json["staff"]])
        self.assertNotIn("pin", staff.raw)
        self.assertNotIn("pbkdf2", staff.raw)
        self.assertEqual(k.get("/api/v1/staff").status, 403)
        r = m.post("/api/v1/staff", {"staff": "k2", "name": "Kai", "role": "CASHIER", "pin": "1212"})
        self.assertEqual((r.status, r.json["role"], r.json["active"]), (201, "CASHIER", True))
        self.assertEqual(self.login("k2", "1212").status, 200)
        self.assertEqual(m.post("/api/v1/staff", {"staff": "k2", "name": "Kai", "role": "CASHIER",
                                                  "pin": "1212"}).code, "staff_exists")
        self.assertEqual(m.post("/api/v1/staff", {"staff": "m2", "name": "Mo", "role": "MANAGER",
                                                  "pin": "1212"}).status, 403)
        self.assertEqual(m.patch("/api/v1/staff/a1", {"active": False}).status, 403)
        self.assertEqual(m.patch("/api/v1/staff/k2", {"role": "ADMIN"}).status, 403)
        self.assertEqual(a.post("/api/v1/staff", {"staff": "m2", "name": "Mo", "role": "MANAGER",
                                                  "pin": "1212"}).status, 201)
        self.assertEqual(m.post("/api/v1/staff", {"staff": "x", "name": "X", "role": "CASHIER",
                                                  "pin": "12a4"}).status, 422)
        self.assertEqual(m.post("/api/v1/staff", {"staff": "x", "role": "CASHIER",
                                                  "pin": "1234"}).code, "missing_field")
        self.assertEqual(m.patch("/api/v1/staff/nobody", {"active": False}).status, 404)
        self.assertEqual(m.patch("/api/v1/staff/m1", {"active": False}).code, "forbidden")
        self.assertEqual(a.patch("/api/v1/staff/a1", {"active": False}).code, "self_lockout")

        # re-PIN: the old PIN and the old sessions stop working
        k2 = Client(self.server.port)
        k2.login("k2", "1212")
        self.assertEqual(m.patch("/api/v1/staff/k2", {"pin": "3434"}).status, 200)
        self.assertEqual(k2.get("/api/v1/menu").status, 401)
        self.assertEqual(self.login("k2", "1212").status, 401)
        k2.login("k2", "3434")
        # disabling revokes at once and refuses new logins
        r = m.patch("/api/v1/staff/k2", {"active": False})
        self.assertEqual((r.status, r.json["active"]), (200, False))
        self.assertEqual(k2.get("/api/v1/menu").status, 401)
        self.assertEqual(self.login("k2", "3434").status, 401)
        self.assertEqual(m.patch("/api/v1/staff/k2", {"active": True}).status, 200)
        self.assertEqual(self.login("k2", "3434").status, 200)
        self.assertEqual(m.patch("/api/v1/staff/k2", {}).status, 422)
        self.assertEqual(m.patch("/api/v1/staff/k2", {"pin": "1"}).status, 422)

    def test_roles_on_routes(self):
        c = self.client("c1")
        k = self.client("k1")
        m = self.client("m1")
        self.assertEqual(k.patch("/api/v1/menu/items/B1", {"available": False}).code, "forbidden")
        self.assertEqual(c.get("/metrics").status, 403)
        r = m.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn("text/plain", r.headers["content-type"])
        for name in ("brigade_http_requests_total", "brigade_http_request_duration_seconds_bucket",
                     'brigade_orders{store="main",status="PAID"}', 'brigade_stream_clients{store="main"}',
                     'brigade_events_head{store="main"}'):
            self.assertIn(name, r.raw)

    def test_server_time_header(self):
        r = self.client().get("/healthz")
        t = int(r.headers["x-brigade-time"])
        self.assertLess(abs(t - time.time() * 1000), 60000)


class Expiry(ServerTest):
    server_config = "token_ttl_seconds = 3\n"

    def test_token_expires(self):
        c = self.client("k1")
        self.assertEqual(c.get("/api/v1/menu").status, 200)
        time.sleep(3.2)
        r = c.get("/api/v1/menu")
        self.assertEqual((r.status, r.code), (401, "unauthorized"))


class LoginBudget(ServerTest):
    """Wrong logins are budgeted per client address, and a locked unknown
    code looks exactly like a locked real one."""
    # cheap PIN hashes, so that the budget is spent well inside the window
    # even under sanitizers
    server_config = ("lockout_attempts = 3\nlockout_seconds = 60\npin_hash_iterations = 10000\n"
                     "login_address_failures = 12\nlogin_address_window_seconds = 10\n")

    def login(self, source, staff, pin):
        c = Client(self.server.port, source=source)
        try:
            return c.post("/api/v1/auth/login", {"staff": staff, "pin": pin})
        finally:
            c.close()

    def test_address_budget(self):
        src = "127.0.0.21"
        codes = ["k1", "w1", "c1", "m1", "nobody1", "nobody2"]
        n = 0
        for code in codes:
            for _ in range(2):
                r = self.login(src, code, "0000")
                self.assertEqual(r.status, 401, (code, r))
                n += 1
        self.assertEqual(n, 12)
        # the budget is spent: every login from there waits, known code or
        # not, right PIN or not, and says for how long
        for code, pin in (("k1", "1111"), ("a1", "5555"), ("nobody3", "1234")):
            r = self.login(src, code, pin)
            self.assertEqual((r.status, r.code), (429, "too_many_attempts"), (code, r))
            wait = int(r.headers["retry-after"])
            self.assertTrue(1 <= wait <= 10, wait)
        # nobody was locked: the same accounts log in from elsewhere
        for code in ("k1", "w1", "c1", "m1"):
            self.assertEqual(self.login("127.0.0.22", code, PINS[code]).status,
                             200, code)
        # and the address may try again after the window
        time.sleep(wait + 0.2)
        self.assertEqual(self.login(src, "k1", "1111").status, 200)

    def test_unknown_code_locks_like_a_known_one(self):
        answers = {}
        for code, src in (("w1", "127.0.0.31"), ("ghost", "127.0.0.32")):
            seq = []
            for _ in range(4):
                r = self.login(src, code, "0000")
                seq.append((r.status, r.code, r.json["error"]["message"].split(":")[0],
                            "retry-after" in r.headers))
            answers[code] = seq
        self.assertEqual(answers["w1"], answers["ghost"])
        self.assertEqual(answers["ghost"][-1][:2], (429, "account_locked"))



class StopWithLogins(unittest.TestCase):
    """SIGTERM with hundreds of logins queued for the PIN hash: the server
    stops at once (what it had not answered, its clients ask again), not
    after hashing every one of them."""

    def test_stop_does_not_wait_for_queued_logins(self):
        import json
        import socket
        import tempfile
        from brigade_test import Server
        tmp = tempfile.mkdtemp(prefix="brigade-test-")
        server = Server(tmp).start()
        body = json.dumps({"staff": "k1", "pin": PINS["k1"]}).encode()
        req = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
               % len(body)) + body
        socks = []
        for _ in range(400):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(req)
            socks.append(s)
        time.sleep(0.5)
        # Server.stop kills it after 20 s; the queue holds far more hashing
        rc = server.stop()
        for s in socks:
            s.close()
        self.assertEqual(rc, 0, "the server did not stop by itself")


if __name__ == "__main__":
    unittest.main()
