#!/usr/bin/env python3
"""Many stores on one PostgreSQL database, served by two instances: a login
belongs to one store and sees only it (menu, orders, events, stream,
reports, staff, keys); the same staff code in two stores is two accounts;
an organisation admin adds stores and logs in to any; a manager's approval
does not cross stores. And on SQLite, the one implicit store."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from brigade_test import BIN, Client, Server, WebSocket, pg_cluster, walk_in

PIN = {"main": {"k1": "1111", "m1": "4444", "c1": "3333", "a1": "5555"},
       "north": {"k1": "7171", "m1": "7474", "c1": "7373"}}
BOSS_PIN = "515151"


def cli(db, *args, pin=None):
    r = subprocess.run([os.path.join(BIN, "brigade-server"), "--db", db] + list(args),
                       input=(pin + "\n").encode() if pin else b"",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode(errors="replace")


def login(server, staff, pin, store=None):
    c = Client(server.port)
    body = {"staff": staff, "pin": pin, "terminal": "t-" + staff}
    if store is not None:
        body["store"] = store
    r = c.post("/api/v1/auth/login", body)
    if r.status != 200:
        raise AssertionError("login %s@%s: %r" % (staff, store, r))
    c.token = r.json["token"]
    c.store = r.json.get("store")
    return c


def events_of(ws, want, timeout=5):
    """Messages from ws until one satisfies want (returned) or timeout (None)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = ws.recv(timeout=max(0.05, deadline - time.time()))
        if m is None:
            return None
        if want(m):
            return m
    return None


class ManyStores(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-stores-")
        cls.db = pg_cluster().database("t_stores_%d" % os.getpid())
        a, b = os.path.join(cls.tmp, "a"), os.path.join(cls.tmp, "b")
        os.mkdir(a)
        os.mkdir(b)
        # a group that trades in euros: its new stores do too
        cls.a = Server(a, db=cls.db, config="currency = EUR\n").start()
        cls.b = Server(b, db=cls.db, config="currency = EUR\n").start()
        rc, out = cli(cls.db, "--add-store", "north:North Side")
        assert rc == 0, out
        for code, role in (("k1", "CASHIER"), ("m1", "MANAGER"), ("c1", "CHEF")):
            rc, out = cli(cls.db, "--add-staff", "%s:%s:North %s" % (code, role, code),
                          "--store", "north", pin=PIN["north"][code])
            assert rc == 0, out
        rc, out = cli(cls.db, "--add-staff", "boss:ADMIN:Org Boss", "--org", pin=BOSS_PIN)
        assert rc == 0, out

    @classmethod
    def tearDownClass(cls):
        bad = []
        for s in (cls.a, cls.b):
            rc = s.stop()
            if rc not in (0, None):
                bad.append((s.workdir, rc))
        for d, rc in bad:
            with open(os.path.join(d, "server.log"), errors="replace") as f:
                print("\n--- %s (exit %s) ---\n%s" % (d, rc, f.read()[-20000:]))
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if bad:
            raise AssertionError("a server exited badly: %r" % bad)

    def north(self, staff="k1", server=None):
        c = login(server or self.a, staff, PIN["north"][staff], "north")
        self.addCleanup(c.close)
        return c

    def main(self, staff="k1", server=None):
        c = login(server or self.a, staff, PIN["main"][staff])
        self.addCleanup(c.close)
        return c

    def north_menu(self):
        """North's own menu: main's, with its own burger price (once)."""
        m = self.north("m1")
        doc = m.get("/api/v1/menu").json
        if any(i["sku"] == "B1" and i["price"] == 1234 for i in doc.get("items", [])):
            return
        doc = self.main().get("/api/v1/menu").json
        b1 = next(i for i in doc["items"] if i["sku"] == "B1")
        b1["price"] = 1234
        b1["name"] = "North Burger"
        r = m.request("PUT", "/api/v1/menu", doc, headers={"Idempotency-Key": str(uuid.uuid4())})
        self.assertEqual(r.status, 200, r)

    def test_logins_belong_to_a_store(self):
        k = self.main()
        self.assertEqual(k.store, "main")
        self.assertEqual(k.get("/api/v1/auth/me").json["store"], "main")
        n = self.north()
        self.assertEqual(n.store, "north")
        self.assertEqual(n.get("/api/v1/auth/me").json["store"], "north")
        c = Client(self.a.port)
        self.addCleanup(c.close)
        # the same code is another account in another store
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": PIN["main"]["k1"], "store": "north"})
        self.assertEqual((r.status, r.code), (401, "invalid_credentials"))
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": PIN["north"]["k1"]})
        self.assertEqual((r.status, r.code), (401, "invalid_credentials"))
        # an unknown store reads as an unknown code; a malformed one is refused
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": "1111", "store": "nowhere"})
        self.assertEqual((r.status, r.code), (401, "invalid_credentials"))
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": "1111", "store": "no such!"})
        self.assertEqual((r.status, r.code), (422, "invalid_field"))
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": "1111", "store": 7})
        self.assertEqual(r.status, 422)
        # a store's code is case-blind
        r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": PIN["north"]["k1"], "store": "North"})
        self.assertEqual((r.status, r.json.get("store")), (200, "north"))

    def test_stores_see_nothing_of_each_other(self):
        self.north_menu()
        k, n = self.main(), self.north()
        self.assertNotEqual(next(i for i in k.get("/api/v1/menu").json["items"]
                                 if i["sku"] == "B1")["name"], "North Burger")
        self.assertEqual(n.get("/api/v1/store").json["name"], "North Side")
        self.assertNotEqual(k.get("/api/v1/store").json["name"], "North Side")
        mine = n.create(walk_in(items=[{"sku": "B1", "qty": 1}],
                                pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual(mine.status, 201, mine)
        self.assertEqual(mine.json["items"][0]["unit_price"], 1234)
        theirs = k.create(walk_in(items=[{"sku": "B1", "qty": 1}],
                                  pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual(theirs.status, 201, theirs)
        self.assertNotEqual(theirs.json["items"][0]["unit_price"], 1234)
        # each store's lists hold only its own orders and events
        n_ids = {o["id"] for o in n.get("/api/v1/orders?day=today").json["orders"]}
        k_ids = {o["id"] for o in k.get("/api/v1/orders?day=today").json["orders"]}
        n_names = {o["items"][0]["name"] for o in n.get("/api/v1/orders?day=today").json["orders"]}
        self.assertIn(mine.json["id"], n_ids)
        self.assertEqual(n_names, {"North Burger"})
        self.assertIn(theirs.json["id"], k_ids)
        self.assertNotIn("North Burger", {o["items"][0]["name"] for o in
                                          k.get("/api/v1/orders?day=today").json["orders"]})
        # an order id is the store's: the other store's id finds the other order or none
        r = k.get("/api/v1/orders/%d" % mine.json["id"])
        self.assertTrue(r.status == 404 or r.json["items"][0]["name"] != "North Burger", r)
        ev = n.get("/api/v1/events?after=0&limit=1000").json["events"]
        self.assertTrue(ev)
        self.assertEqual([e["seq"] for e in ev], list(range(1, len(ev) + 1)))
        for e in ev:
            if "order" in e:
                self.assertEqual(e["order"]["items"][0]["name"], "North Burger")
        # reports count the store's sales only
        x = self.north("m1").get("/api/v1/reports/daily").json
        xm = self.main("m1").get("/api/v1/reports/daily").json
        self.assertEqual(x["orders"], len(n.get("/api/v1/orders?day=today").json["orders"]))
        self.assertNotEqual(x["total"], xm["total"])
        # staff lists: each store's own
        codes = {s["staff"]: s.get("name") for s in self.north("m1").get("/api/v1/staff").json["staff"]}
        self.assertEqual(codes["k1"], "North k1")
        self.assertNotIn("w1", codes)

    def test_metrics_by_store(self):
        """A store's manager scrapes its own store's gauges; the organisation
        admin every store's, each labelled with its code."""
        self.north_menu()
        n = self.north()
        for _ in range(2):
            r = n.create(walk_in(items=[{"sku": "B1", "qty": 1}],
                                 pay=[{"tender": "CASH", "amount": 5000}]))
            self.assertEqual(r.status, 201, r)
        n_paid = len([o for o in self.north("m1").get("/api/v1/orders?limit=500").json["orders"]
                      if o["status"] == "PAID"])
        self.assertGreaterEqual(n_paid, 2)

        def gauges(c):
            r = c.get("/metrics")
            self.assertEqual(r.status, 200, r)
            out = {}
            for line in r.raw.splitlines():
                if line.startswith(("brigade_orders{", "brigade_stream_clients{",
                                    "brigade_events_head{")):
                    key, value = line.rsplit(" ", 1)
                    out[key] = float(value)
            return out

        mine = gauges(self.north("m1"))
        self.assertTrue(mine)
        self.assertFalse([k for k in mine if 'store="north"' not in k], mine)
        self.assertEqual(mine['brigade_orders{store="north",status="PAID"}'], n_paid)
        self.assertIn('brigade_events_head{store="north"}', mine)
        theirs = gauges(self.main("m1"))
        self.assertFalse([k for k in theirs if 'store="main"' not in k], theirs)
        boss = login(self.a, "boss", BOSS_PIN, "north")
        self.addCleanup(boss.close)
        every = gauges(boss)
        self.assertEqual(every['brigade_orders{store="north",status="PAID"}'], n_paid)
        self.assertIn('brigade_orders{store="main",status="PAID"}', every)
        self.assertIn('brigade_events_head{store="main"}', every)
        # a cashier still may not scrape
        self.assertEqual(self.north().get("/metrics").status, 403)

    def test_streams_carry_only_their_store(self):
        self.north_menu()
        north_ws = WebSocket(self.a.port, "/api/v1/stream", self.north("c1").token)
        main_ws = WebSocket(self.a.port, "/api/v1/stream", self.main("c1").token)
        self.addCleanup(north_ws.close)
        self.addCleanup(main_ws.close)
        hn, hm = north_ws.recv(), main_ws.recv()
        self.assertEqual((hn["type"], hm["type"]), ("hello", "hello"))
        self.assertNotEqual(hn["log"], hm["log"])
        # an order of each store, made through the other instance
        n = self.north(server=self.b).create(walk_in(items=[{"sku": "B1", "qty": 2}],
                                                     pay=[{"tender": "CASH", "amount": 5000}]))
        k = self.main(server=self.b).create(walk_in())
        self.assertEqual((n.status, k.status), (201, 201))
        got_n = events_of(north_ws, lambda m: m.get("type") == "order.created")
        got_k = events_of(main_ws, lambda m: m.get("type") == "order.created")
        self.assertEqual(got_n["order"]["items"][0]["name"], "North Burger")
        self.assertEqual(got_k["order"]["id"], k.json["id"])
        self.assertGreater(got_k["seq"], hm["head"])
        # and nothing of the other store follows on either
        self.assertIsNone(events_of(north_ws, lambda m: m.get("type") == "order.created", 0.7))
        self.assertIsNone(events_of(main_ws, lambda m: m.get("type") == "order.created", 0.7))
        # a reconnect resumes in its own store's numbering, gapless
        again = WebSocket(self.b.port, "/api/v1/stream?after=%d" % hn["head"], self.north("c1").token)
        self.addCleanup(again.close)
        self.assertEqual(again.recv()["type"], "hello")
        first = again.recv()
        self.assertEqual(first["seq"], hn["head"] + 1)
        self.assertEqual(first["order"]["items"][0]["name"], "North Burger")

    def test_keys_are_per_store(self):
        self.north_menu()
        key = str(uuid.uuid4())
        body = walk_in(items=[{"sku": "B1", "qty": 1}], pay=[{"tender": "CASH", "amount": 5000}])
        a = self.main().create(body, key=key)
        b = self.north().create(body, key=key)
        self.assertEqual((a.status, b.status), (201, 201))
        self.assertNotEqual(a.json["items"][0]["name"], b.json["items"][0]["name"])
        # each replays in its own store, on either instance
        a2 = self.main(server=self.b).create(body, key=key)
        b2 = self.north(server=self.b).create(body, key=key)
        self.assertEqual((a2.json["id"], a2.json["items"][0]["name"]),
                         (a.json["id"], a.json["items"][0]["name"]))
        self.assertEqual((b2.json["id"], b2.json["items"][0]["name"]),
                         (b.json["id"], b.json["items"][0]["name"]))

    def test_approval_does_not_cross_stores(self):
        self.north_menu()
        n = self.north()
        o = n.create(walk_in(items=[{"sku": "B1", "qty": 1}],
                             pay=[{"tender": "CASH", "amount": 5000}])).json
        # main's manager is nobody in north
        r = n.post("/api/v1/auth/approve", {"staff": "m1", "pin": PIN["main"]["m1"],
                                            "order_id": o["id"], "scope": ["void"],
                                            "key": str(uuid.uuid4())})
        self.assertEqual((r.status, r.code), (401, "invalid_credentials"))
        r = n.post("/api/v1/auth/approve", {"staff": "m1", "pin": PIN["north"]["m1"],
                                            "order_id": o["id"], "scope": ["void"],
                                            "key": str(uuid.uuid4())})
        self.assertEqual(r.status, 200, r)

    def test_organisation_admin(self):
        c = Client(self.a.port)
        self.addCleanup(c.close)
        # an org admin logs in to any store, the main one by default
        boss = login(self.a, "boss", BOSS_PIN, "north")
        self.addCleanup(boss.close)
        me = boss.get("/api/v1/auth/me").json
        self.assertEqual((me["store"], me.get("org"), me["role"]), ("north", True, "ADMIN"))
        self.assertEqual(login(self.b, "boss", BOSS_PIN).store, "main")
        # stores: the boss sees them all and adds one; a store's admin neither
        code = "south%d" % os.getpid()
        a1 = self.main("a1")
        r = a1.post("/api/v1/stores", {"code": code, "name": "South"}, key=str(uuid.uuid4()))
        self.assertEqual((r.status, r.code), (403, "forbidden"))
        self.assertEqual([s["code"] for s in a1.get("/api/v1/stores").json["stores"]], ["main"])
        r = boss.post("/api/v1/stores", {"code": code, "name": "South"}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 201, r)
        r = boss.post("/api/v1/stores", {"code": code, "name": "Again"}, key=str(uuid.uuid4()))
        self.assertEqual((r.status, r.code), (409, "store_exists"))
        for bad in ({"code": "Bad Code", "name": "x"}, {"code": "ok"}, {"code": "x" * 40, "name": "x"},
                    {"code": "ok2", "name": "x", "extra": 1}):
            r = boss.post("/api/v1/stores", bad, key=str(uuid.uuid4()))
            self.assertEqual(r.status, 422, (bad, r))
        codes = [s["code"] for s in boss.get("/api/v1/stores").json["stores"]]
        self.assertTrue({"main", "north", code} <= set(codes), codes)
        # the new store: the boss logs in to it (on the other instance too),
        # names its staff, and they see it alone
        sb = login(self.b, "boss", BOSS_PIN, code)
        self.addCleanup(sb.close)
        self.assertEqual((sb.get("/api/v1/store").json["name"],
                          sb.get("/api/v1/store").json["currency"]), ("South", "EUR"))
        self.assertEqual(sb.get("/api/v1/orders").json["orders"], [])
        r = sb.post("/api/v1/staff", {"staff": "k1", "name": "South k1", "role": "CASHIER",
                                      "pin": "626262"})
        self.assertEqual(r.status, 201, r)
        k = login(self.a, "k1", "626262", code)
        self.addCleanup(k.close)
        self.assertEqual(k.get("/api/v1/auth/me").json["store"], code)
        self.assertEqual(k.get("/api/v1/events?after=0").json["events"][0]["type"], "staff.updated")
        # a store's admin cannot make an organisation admin; the boss can
        r = a1.post("/api/v1/staff", {"staff": "boss2", "name": "B", "role": "ADMIN", "pin": "717171",
                                      "org": True})
        self.assertEqual((r.status, r.code), (403, "forbidden"))
        r = boss.post("/api/v1/staff", {"staff": "boss2", "name": "B", "role": "CASHIER",
                                        "pin": "717171", "org": True})
        self.assertEqual(r.status, 422)
        r = boss.post("/api/v1/staff", {"staff": "boss2", "name": "B", "role": "ADMIN",
                                        "pin": "717171", "org": True})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(login(self.a, "boss2", "717171", code).store, code)


    def ctl(self, *args, staff="k1", pin=None, store="north", server=None,
            outbox="ctl-outbox.db", input=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
        env.update(XDG_STATE_HOME=self.tmp, XDG_CONFIG_HOME=self.tmp)
        cmd = [os.path.join(BIN, "brigadectl"),
               "--server", server or "http://127.0.0.1:%d,http://127.0.0.1:%d"
               % (self.a.port, self.b.port),
               "--staff", staff, "--pin", pin or PIN["north"].get(staff, ""),
               "--outbox", os.path.join(self.tmp, outbox)]
        if store:
            cmd += ["--store", store]
        r = subprocess.run(cmd + list(args), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60,
                           input=json.dumps(input).encode() if input is not None else None)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def test_queued_changes_keep_their_store(self):
        """A sale queued offline by north's k1 goes out only under a login of
        north: main's k1 (the same code, another person) leaves it waiting,
        and it lands in north's books, not main's."""
        self.north_menu()
        dead = socket.socket()
        dead.bind(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        dead.close()
        box = "ctl-outbox-%d.db" % os.getpid()
        sale = walk_in(items=[{"sku": "B1", "qty": 2, "note": "queued in north"}],
                       pay=[{"tender": "CASH", "amount": 5000}])
        rc, out, err = self.ctl("submit", "-", server="http://127.0.0.1:%d" % port,
                                outbox=box, input=sale)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith("queued:"), out)
        rc, out, err = self.ctl("replay", store=None, pin=PIN["main"]["k1"], outbox=box)
        self.assertEqual(rc, 7, err)
        self.assertIn("0 sent", err)
        self.assertIn("wait for their maker's login (k1 of north)", err)
        rc, out, err = self.ctl("outbox", store=None, pin=PIN["main"]["k1"],
                                outbox=box)
        self.assertEqual([e.get("store") for e in json.loads(out)["entries"]], ["north"], out)

        def noted(c):
            return [o for o in c.get("/api/v1/orders?day=today&limit=500").json["orders"]
                    if o["items"][0].get("note") == "queued in north"]
        self.assertEqual(noted(self.main("m1")), [])
        self.assertEqual(noted(self.north("m1")), [])
        rc, out, err = self.ctl("replay", outbox=box)
        self.assertEqual(rc, 0, err)
        self.assertIn("1 sent", err)
        self.assertEqual([o["items"][0]["name"] for o in noted(self.north("m1"))], ["North Burger"])
        self.assertEqual(noted(self.main("m1")), [])

    def test_brigadectl_names_its_store(self):
        self.north_menu()
        self.north().create(walk_in(items=[{"sku": "B1", "qty": 1}],
                                    pay=[{"tender": "CASH", "amount": 5000}]))
        rc, out, err = self.ctl("orders", "--day", "today")
        self.assertEqual(rc, 0, err)
        names = {o["items"][0]["name"] for o in json.loads(out)["orders"]}
        self.assertEqual(names, {"North Burger"})
        rc, out, err = self.ctl("stores")
        self.assertEqual((rc, [x["code"] for x in json.loads(out)["stores"]]), (0, ["north"]), err)
        rc, out, err = self.ctl("stores", "add", "east", "--name", "East")
        self.assertEqual(rc, 1, out + err)
        # the organisation admin, through either server
        code = "west%d" % os.getpid()
        rc, out, err = self.ctl("stores", "add", code, "--name", "West", staff="boss",
                                pin=BOSS_PIN, store=None)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["code"], code)
        rc, out, err = self.ctl("stores", staff="boss", pin=BOSS_PIN, store=code)
        self.assertEqual(json.loads(out)["current"], code)
        self.assertIn("north", [x["code"] for x in json.loads(out)["stores"]])
        # the new store starts from main's menu: export, then import
        rc, menu, err = self.ctl("menu", "export", "--format", "json", staff="boss",
                                 pin=BOSS_PIN, store="main")
        self.assertEqual(rc, 0, err)
        path = os.path.join(self.tmp, "main-menu.json")
        with open(path, "w") as f:
            f.write(menu)
        rc, out, err = self.ctl("menu", "import", path, staff="boss", pin=BOSS_PIN, store=code)
        self.assertEqual(rc, 0, out + err)
        west = login(self.a, "boss", BOSS_PIN, code)
        self.addCleanup(west.close)
        main_skus = {i["sku"]: i["price"] for i in self.main().get("/api/v1/menu").json["items"]}
        self.assertEqual({i["sku"]: i["price"] for i in west.get("/api/v1/menu").json["items"]},
                         main_skus)
        rc, out, err = self.ctl("stores", "add", "Bad Code", "--name", "x", staff="boss",
                                pin=BOSS_PIN, store=None)
        self.assertEqual(rc, 2, out + err)


class OneStore(unittest.TestCase):
    """SQLite: the file is the one store, 'main'."""

    def test_sqlite_is_one_store(self):
        tmp = tempfile.mkdtemp(prefix="brigade-onestore-")
        self.addCleanup(shutil.rmtree, tmp, True)
        s = Server(tmp, db=os.path.join(tmp, "brigade.db")).start()
        try:
            c = Client(s.port)
            r = c.post("/api/v1/auth/login", {"staff": "a1", "pin": "5555", "store": "main"})
            self.assertEqual((r.status, r.json.get("store")), (200, "main"))
            c.token = r.json["token"]
            r = c.post("/api/v1/auth/login", {"staff": "a1", "pin": "5555", "store": "north"})
            self.assertEqual((r.status, r.code), (401, "invalid_credentials"))
            self.assertEqual([x["code"] for x in c.get("/api/v1/stores").json["stores"]], ["main"])
            r = c.post("/api/v1/stores", {"code": "north", "name": "North"}, key=str(uuid.uuid4()))
            self.assertEqual((r.status, r.code), (403, "forbidden"))
            c.close()
        finally:
            self.assertEqual(s.stop(), 0)
        rc, out = cli(os.path.join(tmp, "brigade.db"), "--add-store", "north")
        self.assertEqual(rc, 2, out)
        self.assertIn("one store", out)
        rc, out = cli(os.path.join(tmp, "brigade.db"), "--add-staff", "z1:ADMIN:Z", "--org", pin="9999")
        self.assertEqual(rc, 2, out)


if __name__ == "__main__":
    unittest.main()
