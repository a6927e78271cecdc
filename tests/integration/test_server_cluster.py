#!/usr/bin/env python3
"""Several brigade-server instances on one PostgreSQL database (a private
cluster the test starts): any instance answers any request, events keep one
gapless order, a screen follows every instance's commits from any instance
and resumes on another, a retried request gets its first answer wherever it
lands, wrong logins are counted and locked once for all instances, a killed
instance loses no acknowledged order, and a PostgreSQL restart is 503
meanwhile, then service again."""
import os
import shutil
import tempfile
import threading
import time
import unittest
import uuid

from brigade_test import (PINS, Client, PgCluster, Server, WebSocket, db_rows, pg_cluster,
                          walk_in)


def start_instances(n, url, tmp, config=None):
    servers = []
    for i in range(n):
        d = os.path.join(tmp, "i%d" % i)
        os.mkdir(d)
        # the first fills the demo restaurant; the others find it
        servers.append(Server(d, db=url, config=config).start())
    return servers


def stop_all(servers, tmp):
    bad = []
    for s in servers:
        rc = s.stop()
        if rc not in (0, None, -9):
            bad.append((s.workdir, rc))
    if bad:
        for d, rc in bad:
            with open(os.path.join(d, "server.log"), errors="replace") as f:
                print("\n--- %s (exit %s) ---\n%s" % (d, rc, f.read()[-20000:]))
    shutil.rmtree(tmp, ignore_errors=True)
    if bad:
        raise AssertionError("instances exited with %r" % bad)


class ThreeInstances(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-cluster-")
        cls.url = pg_cluster().database("cluster_three")
        cls.servers = start_instances(3, cls.url, cls.tmp)
        cls.a, cls.b, cls.c = cls.servers

    @classmethod
    def tearDownClass(cls):
        stop_all(cls.servers, cls.tmp)

    def client(self, server, staff=None):
        c = server.client(staff)
        self.addCleanup(c.close)
        return c

    def stream(self, server, token, after=None):
        path = "/api/v1/stream" + ("?after=%d" % after if after is not None else "")
        ws = WebSocket(server.port, path, token)
        self.addCleanup(ws.close)
        self.assertEqual(ws.status, 101, ws.rejection)
        hello = ws.recv()
        self.assertEqual(hello["type"], "hello")
        return ws, hello

    def head(self, server):
        return self.client(server).get("/healthz").json["head"]

    def test_an_order_through_b_reaches_a_stream_on_a(self):
        chef = self.client(self.a, "c1")
        ws, hello = self.stream(self.a, chef.token, after=self.head(self.a))
        r = self.client(self.b, "k1").create(walk_in())
        self.assertEqual(r.status, 201, r)
        ev = ws.recv()
        self.assertEqual(ev["type"], "order.created")
        self.assertEqual(ev["order"], r.json)
        self.assertEqual(ev["seq"], hello["head"] + 1)
        # and a change through C follows it
        self.assertEqual(self.client(self.c, "c1").act(r.json["id"], "start").status, 200)
        ev2 = ws.recv()
        self.assertEqual((ev2["seq"], ev2["order"]["status"]), (ev["seq"] + 1, "PREPARING"))

    def test_a_login_on_one_instance_works_on_all_until_it_ends(self):
        k = self.client(self.b, "k1")
        on_a = Client(self.a.port)
        self.addCleanup(on_a.close)
        on_a.token = k.token
        self.assertEqual(on_a.get("/api/v1/auth/me").status, 200)
        self.assertEqual(on_a.create(walk_in()).status, 201)
        self.assertEqual(k.post("/api/v1/auth/logout").status, 200)
        deadline = time.time() + 5
        while on_a.get("/api/v1/auth/me").status != 401:
            self.assertLess(time.time(), deadline, "A still takes a token B ended")
            time.sleep(0.05)
        self.assertEqual(on_a.create(walk_in()).status, 401)

    def test_a_disabled_account_is_logged_out_everywhere(self):
        w = self.client(self.a, "w1")
        self.assertEqual(w.get("/api/v1/auth/me").status, 200)
        boss = self.client(self.b, "m1")
        self.assertEqual(boss.patch("/api/v1/staff/w1", {"active": False}).status, 200)
        self.addCleanup(boss.patch, "/api/v1/staff/w1", {"active": True})
        deadline = time.time() + 5
        while w.get("/api/v1/auth/me").status != 401:
            self.assertLess(time.time(), deadline, "A still takes a disabled account's token")
            time.sleep(0.05)
        r = self.client(self.a).post("/api/v1/auth/login", {"staff": "w1", "pin": "2222"})
        self.assertEqual(r.status, 401)

    def test_a_retry_on_another_instance_gets_the_first_answer(self):
        key = str(uuid.uuid4())
        first = self.client(self.a, "k1").create(walk_in(), key=key)
        self.assertEqual(first.status, 201)
        for s in (self.b, self.c):
            again = self.client(s, "k1").create(walk_in(), key=key)
            self.assertEqual((again.status, again.json), (201, first.json))
        # the same key for another request is refused everywhere
        other = self.client(self.c, "k1").create(walk_in(service="DINE_IN", table="4"), key=key)
        self.assertEqual((other.status, other.code), (422, "idempotency_key_reused"))

    def test_an_approval_given_on_one_instance_holds_on_another(self):
        """The key that signs managers' approvals is the database's: a
        manager approves through A, the cashier's void goes through C."""
        k = self.client(self.a, "k1")
        o = k.create(walk_in()).json
        key = str(uuid.uuid4())
        ap = k.post("/api/v1/auth/approve", {"staff": "m1", "pin": "4444", "order_id": o["id"],
                                             "scope": ["void"], "key": key})
        self.assertEqual(ap.status, 200, ap)
        r = self.client(self.c, "k1").post(
            "/api/v1/orders/%d/corrections" % o["id"],
            {"kind": "void", "reason": "Wrong item", "approval": ap.json["approval"]}, key=key)
        self.assertEqual((r.status, r.json["status"]), (200, "CANCELLED"), r)
        self.assertEqual(r.json["corrections"][0]["approved_by"], "m1")

    def test_a_key_raced_on_two_instances_makes_one_order(self):
        for _ in range(5):
            key = str(uuid.uuid4())
            answers = []
            clients = [self.client(s, "k1") for s in (self.a, self.b, self.c)]
            go = threading.Barrier(len(clients))

            def send(c):
                go.wait()
                answers.append(c.create(walk_in(), key=key))

            threads = [threading.Thread(target=send, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual([r.status for r in answers], [201] * 3, answers)
            self.assertEqual(len({r.json["id"] for r in answers}), 1)
            self.assertEqual(answers[0].json, answers[1].json)

    def test_numbers_are_commit_order_with_no_gap(self):
        m = self.client(self.a, "m1")
        start = self.head(self.a)
        ws, hello = self.stream(self.b, m.token, after=start)
        made = []
        lock = threading.Lock()

        def load(server):
            c = Client(server.port)
            c.login("k1", "1111")
            for _ in range(15):
                r = c.create(walk_in())
                assert r.status == 201, r
                with lock:
                    made.append(r.json["id"])
            c.close()

        threads = [threading.Thread(target=load, args=(s,)) for s in self.servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(made), 45)
        evs = m.get("/api/v1/events?after=%d&limit=500" % start).json["events"]
        created = [e for e in evs if e["type"] == "order.created"]
        self.assertEqual(sorted(e["order"]["id"] for e in created), sorted(made))
        self.assertEqual([e["seq"] for e in evs], list(range(start + 1, start + 1 + len(evs))))
        # the daily numbers were never given twice
        numbers = [e["order"]["number"] for e in created]
        self.assertEqual(len(set(numbers)), len(numbers))
        # the stream on B saw every one, in order, once
        seen = []
        while len(seen) < len(evs):
            ev = ws.recv(timeout=10)
            self.assertIsNotNone(ev, "the stream stopped at %r" % seen[-1:])
            seen.append(ev["seq"])
        self.assertEqual(seen, [e["seq"] for e in evs])

    def test_a_screen_resumes_on_another_instance(self):
        chef = self.client(self.a, "c1")
        ws, hello = self.stream(self.a, chef.token, after=self.head(self.a))
        k = self.client(self.b, "k1")
        k.create(walk_in())
        last = ws.recv()["seq"]
        ws.close()
        # while away: changes through every instance
        for s in self.servers:
            self.assertEqual(self.client(s, "k1").create(walk_in()).status, 201)
        # C may not have heard of them all yet: after= must still mean "after"
        ws2, hello2 = self.stream(self.c, chef.token, after=last)
        self.assertEqual(hello2["log"], hello["log"])
        self.assertFalse(hello2["resync"])
        got = [ws2.recv()["seq"] for _ in range(3)]
        self.assertEqual(got, [last + 1, last + 2, last + 3])
        self.assertIsNone(ws2.recv(timeout=0.3))

    def test_a_menu_change_on_one_instance_holds_on_all(self):
        boss = self.client(self.b, "m1")
        self.assertEqual(boss.patch("/api/v1/menu/items/DR5", {"available": False}).status, 200)
        self.addCleanup(boss.patch, "/api/v1/menu/items/DR5", {"available": True})
        for s in (self.a, self.c):
            k = self.client(s, "k1")
            deadline = time.time() + 5
            while True:
                items = k.get("/api/v1/menu").json["items"]
                if not [i for i in items if i["sku"] == "DR5"][0]["available"]:
                    break
                self.assertLess(time.time(), deadline, "GET /menu on another instance is stale")
                time.sleep(0.05)
            # and the instance's writer prices with the new menu
            r = k.create(walk_in(items=[{"sku": "DR5", "qty": 1}]))
            self.assertEqual(r.status, 422, r)


class SharedLockouts(unittest.TestCase):
    """Wrong logins are counted in the database the instances share: one
    address's guesses spread over two instances spend one budget, a lock
    set through one holds on the other, a PIN reset through one lifts it on
    the other, and a lock ends when its time is up."""
    ATTEMPTS = 3
    LOCK_S = 3
    ADDR_FAILURES = 8
    # cheap PIN hashes, so that the budgets are spent well inside their
    # windows even under sanitizers
    CONFIG = ("lockout_attempts = %d\nlockout_seconds = %d\npin_hash_iterations = 10000\n"
              "login_address_failures = %d\nlogin_address_window_seconds = 30\n"
              % (ATTEMPTS, LOCK_S, ADDR_FAILURES))

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-locks-")
        cls.url = pg_cluster().database("cluster_locks")
        cls.servers = start_instances(2, cls.url, cls.tmp, config=cls.CONFIG)
        cls.a, cls.b = cls.servers

    @classmethod
    def tearDownClass(cls):
        stop_all(cls.servers, cls.tmp)

    def login(self, server, source, staff, pin):
        c = Client(server.port, source=source)
        try:
            return c.post("/api/v1/auth/login", {"staff": staff, "pin": pin})
        finally:
            c.close()

    def assert_locked(self, source, staff, pin):
        for s in (self.a, self.b):
            r = self.login(s, source, staff, pin)
            self.assertEqual((r.status, r.code), (429, "account_locked"), (s.port, r))
            self.assertTrue(1 <= int(r.headers["retry-after"]) <= self.LOCK_S, r.headers)

    def fail_spread(self, source, staff, n):
        """n wrong PINs for staff from source, taking turns on A and B."""
        for i in range(n):
            r = self.login(self.servers[i % 2], source, staff, "0000")
            self.assertEqual((r.status, r.code), (401, "invalid_credentials"), (i, r))

    def test_wrong_pins_over_two_instances_lock_on_both(self):
        src = "127.0.0.41"
        self.fail_spread(src, "c1", self.ATTEMPTS)
        # the right PIN too waits, on either instance
        self.assert_locked(src, "c1", PINS["c1"])
        # the account is locked for that address only
        self.assertEqual(self.login(self.b, "127.0.0.141", "c1", PINS["c1"]).status, 200)

    def test_an_unknown_code_locks_the_same_way(self):
        src = "127.0.0.42"
        self.fail_spread(src, "ghost", self.ATTEMPTS)
        self.assert_locked(src, "ghost", "1234")

    def test_the_address_budget_is_shared(self):
        src = "127.0.0.43"
        codes = ["k1", "w1", "c1", "m1", "nobody1", "nobody2", "nobody3", "nobody4"]
        self.assertEqual(len(codes), self.ADDR_FAILURES)
        for i, code in enumerate(codes):
            r = self.login(self.servers[i % 2], src, code, "0000")
            self.assertEqual(r.status, 401, (code, r))
        for s in (self.a, self.b):
            r = self.login(s, src, "a1", PINS["a1"])
            self.assertEqual((r.status, r.code), (429, "too_many_attempts"), (s.port, r))
            self.assertTrue(1 <= int(r.headers["retry-after"]) <= 30, r.headers)
        # nobody was locked: the same accounts log in from elsewhere
        for i, code in enumerate(("k1", "w1", "c1", "m1")):
            r = self.login(self.servers[i % 2], "127.0.0.143", code, PINS[code])
            self.assertEqual(r.status, 200, (code, r))

    def test_a_pin_reset_on_a_lifts_the_lock_on_b(self):
        src = "127.0.0.44"
        for _ in range(self.ATTEMPTS):
            self.assertEqual(self.login(self.b, src, "w1", "0000").status, 401)
        self.assert_locked(src, "w1", PINS["w1"])
        boss = self.a.client("m1")
        self.addCleanup(boss.close)
        r = boss.patch("/api/v1/staff/w1", {"pin": "2468"})
        self.assertEqual(r.status, 200, r)
        self.addCleanup(boss.patch, "/api/v1/staff/w1", {"pin": PINS["w1"]})
        self.assertEqual(self.login(self.b, src, "w1", "2468").status, 200)
        self.assertEqual(self.login(self.a, src, "w1", "2468").status, 200)

    def test_the_lock_ends(self):
        src = "127.0.0.45"
        self.fail_spread(src, "k1", self.ATTEMPTS)
        self.assert_locked(src, "k1", PINS["k1"])
        time.sleep(self.LOCK_S + 0.3)
        self.assertEqual(self.login(self.b, src, "k1", PINS["k1"]).status, 200)
        self.assertEqual(self.login(self.a, src, "k1", PINS["k1"]).status, 200)
        # and a new count starts: one wrong PIN does not lock again
        self.assertEqual(self.login(self.a, src, "k1", "0000").status, 401)
        self.assertEqual(self.login(self.b, src, "k1", PINS["k1"]).status, 200)

    def test_failures_at_once_on_both_instances_all_count(self):
        src = "127.0.0.47"
        codes = ["ghost%d" % i for i in range(6)]
        statuses = [None] * len(codes)

        def guess(i):
            statuses[i] = self.login(self.servers[i % 2], src, codes[i], "0000").status

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(codes))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(statuses, [401] * len(codes))
        rows = db_rows(self.url, "SELECT failures FROM login_throttle WHERE kind = 'addr'"
                       " AND addr LIKE '%%%s'" % src)
        self.assertEqual(rows, [(str(len(codes)),)])

    def test_unreadable_counts_refuse_the_login(self):
        """A login whose budget cannot be read is refused (503), not let
        through."""
        pg_cluster().psql("ALTER TABLE login_throttle RENAME TO login_throttle_away",
                          db="cluster_locks")
        try:
            for s in (self.a, self.b):
                r = self.login(s, "127.0.0.46", "k1", PINS["k1"])
                self.assertEqual((r.status, r.code), (503, "storage_error"), (s.port, r))
        finally:
            pg_cluster().psql("ALTER TABLE login_throttle_away RENAME TO login_throttle",
                              db="cluster_locks")
        for s in (self.a, self.b):
            self.assertEqual(self.login(s, "127.0.0.46", "k1", PINS["k1"]).status, 200)


class KillOne(unittest.TestCase):
    """kill -9 of one instance under load: every acknowledged order is kept,
    and the clients carry on through the other."""

    def test_kill_9_loses_no_acknowledged_order(self):
        tmp = tempfile.mkdtemp(prefix="brigade-kill-")
        servers = start_instances(2, pg_cluster().database("cluster_kill"), tmp)
        self.addCleanup(stop_all, servers, tmp)
        a, b = servers
        acked, stop = [], threading.Event()
        lock = threading.Lock()

        def load(server):
            c = Client(server.port)
            c.login("k1", "1111")
            while not stop.is_set():
                key = str(uuid.uuid4())
                try:
                    r = c.create(walk_in(), key=key)
                except OSError:
                    # the instance is gone: the outbox replays the key on the other
                    c = Client(b.port)
                    c.login("k1", "1111")
                    r = c.create(walk_in(), key=key)
                if r.status == 201:
                    with lock:
                        acked.append((key, r.json["id"]))
            c.close()

        threads = [threading.Thread(target=load, args=(s,)) for s in (a, a, b)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        a.kill9()
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acked), 10)
        k = b.client("k1")
        for key, oid in acked:
            r = k.get("/api/v1/orders/%d" % oid)
            self.assertEqual(r.status, 200, (oid, r))
            # a replay of the key answers the same order
            self.assertEqual(k.create(walk_in(), key=key).json["id"], oid)
        k.close()
        # and A comes back on the same database
        a.start()
        self.assertEqual(a.client("k1").create(walk_in()).status, 201)


class PostgresRestart(unittest.TestCase):
    """PostgreSQL stopped: 503 and a /healthz that says why, never a wrong
    answer; started again: the instances reconnect by themselves."""

    def test_restart(self):
        cluster = PgCluster()     # its own: the others' tests keep theirs
        self.addCleanup(cluster.destroy)
        tmp = tempfile.mkdtemp(prefix="brigade-restart-")
        servers = start_instances(2, cluster.database("restart"), tmp)
        self.addCleanup(stop_all, servers, tmp)
        a, b = servers
        ka, kb = a.client("k1"), b.client("k1")
        self.addCleanup(ka.close)
        self.addCleanup(kb.close)
        chef = b.client("c1")
        self.addCleanup(chef.close)
        ws = WebSocket(b.port, "/api/v1/stream?after=%d" % kb.get("/healthz").json["head"],
                       chef.token)
        self.addCleanup(ws.close)
        ws.recv()
        before = ka.create(walk_in())
        self.assertEqual(before.status, 201)
        self.assertEqual(ws.recv()["order"]["id"], before.json["id"])

        cluster.stop("fast")
        key = str(uuid.uuid4())
        r = ka.create(walk_in(), key=key)
        self.assertEqual((r.status, r.code), (503, "storage_error"), r)
        self.assertEqual(ka.get("/api/v1/orders/%d" % before.json["id"]).status, 503)
        for c in (ka, kb):
            deadline = time.time() + 10
            while True:
                h = c.get("/healthz")
                if h.status == 503:
                    break
                self.assertLess(time.time(), deadline, "healthz still says %r" % h)
                time.sleep(0.1)
            self.assertEqual(h.json["status"], "failing")
            self.assertIn("storage_error", h.raw)

        cluster.start()
        deadline = time.time() + 15
        while True:
            r = ka.create(walk_in(), key=key)
            if r.status == 201:
                break
            self.assertEqual(r.status, 503, r)
            self.assertLess(time.time(), deadline, "A did not come back")
            time.sleep(0.2)
        # the retried key made one order, which B's screen receives
        self.assertEqual(kb.create(walk_in(), key=key).json, r.json)
        deadline = time.time() + 15
        while True:
            ev = ws.recv(timeout=1)
            if ev is not None and ev.get("type") == "order.created":
                break
            self.assertLess(time.time(), deadline, "B's stream did not resume")
        self.assertEqual(ev["order"]["id"], r.json["id"])
        for c in (ka, kb):
            deadline = time.time() + 10
            while c.get("/healthz").status != 200:
                self.assertLess(time.time(), deadline, "healthz did not recover")
                time.sleep(0.1)
        self.assertEqual(kb.create(walk_in()).status, 201)


if __name__ == "__main__":
    unittest.main()
