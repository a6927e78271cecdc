#!/usr/bin/env python3
"""Idempotency-Key: a replay returns the original answer, never a second
order or a second move; a reused key with another body is refused."""
import hashlib
import json
import shutil
import sqlite3
import tempfile
import threading
import unittest
import uuid

from brigade_test import Client, Server, ServerTest, sqlite_only, walk_in


class Idempotency(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.c = self.client("c1")

    def count_today(self):
        return len(self.k.get("/api/v1/orders?day=today&limit=2000").json["orders"])

    def test_create_replay(self):
        key = str(uuid.uuid4())
        before = self.count_today()
        first = self.k.create(walk_in(), key=key)
        self.assertEqual(first.status, 201)
        for _ in range(3):
            again = self.k.create(walk_in(), key=key)
            self.assertEqual(again.status, 201)
            self.assertEqual(again.json, first.json)
        self.assertEqual(self.count_today(), before + 1)
        # the original answer even after the order has moved on
        self.c.act(first.json["id"], "start")
        again = self.k.create(walk_in(), key=key)
        self.assertEqual(again.json["status"], "PAID")
        self.assertEqual(again.json["version"], 1)

    def test_key_reused_with_other_body(self):
        key = str(uuid.uuid4())
        self.assertEqual(self.k.create(walk_in(), key=key).status, 201)
        before = self.count_today()
        r = self.k.create(walk_in(items=[{"sku": "DR1", "qty": 1}]), key=key)
        self.assertEqual((r.status, r.code), (422, "idempotency_key_reused"))
        self.assertEqual(self.count_today(), before)

    def test_key_from_another_endpoint(self):
        key = str(uuid.uuid4())
        oid = self.k.create(walk_in(), key=key).json["id"]
        r = self.c.post("/api/v1/orders/%d/actions" % oid, {"action": "start"}, key=key)
        self.assertEqual((r.status, r.code), (422, "idempotency_key_reused"))

    def test_action_replay_after_lost_response(self):
        oid = self.k.create(walk_in()).json["id"]
        key = str(uuid.uuid4())
        first = self.c.act(oid, "start", key=key)
        self.assertEqual((first.status, first.json["version"]), (200, 2))
        # the client never saw that answer and retries: same answer, not 409
        again = self.c.act(oid, "start", key=key)
        self.assertEqual(again.status, 200)
        self.assertEqual(again.json, first.json)
        order = self.k.get("/api/v1/orders/%d" % oid).json
        self.assertEqual(order["version"], 2)
        self.assertEqual(len(order["history"]), 2)

    def test_refusals_are_not_remembered(self):
        oid = self.k.create(walk_in()).json["id"]
        key = str(uuid.uuid4())
        r = self.c.act(oid, "ready", key=key)
        self.assertEqual(r.status, 409)
        # a 4xx changed nothing; the same key can still succeed later
        self.c.act(oid, "start")
        r = self.c.act(oid, "ready", key=key)
        self.assertEqual((r.status, r.json["status"]), (200, "READY"))

    def test_patch_and_menu_replay(self):
        oid = self.k.create(walk_in()).json["id"]
        key = str(uuid.uuid4())
        a = self.k.patch("/api/v1/orders/%d" % oid, {"table": "T3"}, key=key)
        b = self.k.patch("/api/v1/orders/%d" % oid, {"table": "T3"}, key=key)
        self.assertEqual((a.status, b.status), (200, 200))
        self.assertEqual(a.json, b.json)
        self.assertEqual(self.k.get("/api/v1/orders/%d" % oid).json["version"], 2)
        key = str(uuid.uuid4())
        head = self.k.get("/healthz").json["head"]
        for _ in range(2):
            r = self.c.patch("/api/v1/menu/items/D3", {"available": False}, key=key)
            self.assertEqual(r.status, 200)
        self.assertEqual(self.k.get("/healthz").json["head"], head + 1)
        self.c.patch("/api/v1/menu/items/D3", {"available": True})

    def test_concurrent_replays_make_one_order(self):
        key = str(uuid.uuid4())
        before = self.count_today()
        results = []

        def send():
            c = self.server.client()
            c.token = self.k.token
            results.append(c.create(walk_in(), key=key))
            c.close()

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual({r.status for r in results}, {201})
        self.assertEqual(len({r.json["id"] for r in results}), 1)
        self.assertEqual(self.count_today(), before + 1)

    def test_key_belongs_to_its_account(self):
        """Another account replaying a key gets neither the stored answer nor
        a new change."""
        a = self.client("a1")
        self.assertEqual(a.post("/api/v1/staff", {"staff": "web2", "name": "Second customer",
                                                  "role": "CUSTOMER", "pin": "7777"}).status, 201)
        web = self.client("web")
        web2 = self.server.client()
        self.addCleanup(web2.close)
        web2.login("web2", "7777")
        chef = self.client("c1")
        online = {"source": "ONLINE", "service": "DELIVERY", "items": [{"sku": "B1", "qty": 1}],
                  "customer": {"name": "Ann Private", "phone": "555-0199", "address": "9 Secret Rd"}}
        key = str(uuid.uuid4())
        first = web.create(online, key=key)
        self.assertEqual(first.status, 201, first)
        before = self.count_today()
        events = a.get("/api/v1/events?after=0&limit=1000").raw
        # a second customer with the same key and body
        r = web2.create(online, key=key)
        self.assertEqual((r.status, r.code), (409, "idempotency_key_in_use"), r)
        self.assertNotIn("Ann Private", r.raw)
        self.assertNotIn("9 Secret Rd", r.raw)
        # a chef, who may not create a till order, replaying a cashier's key
        tkey = str(uuid.uuid4())
        till = self.k.create(walk_in(), key=tkey)
        self.assertEqual(till.status, 201)
        before = self.count_today()
        events = a.get("/api/v1/events?after=0&limit=1000").raw
        r = chef.create(walk_in(), key=tkey)
        self.assertEqual((r.status, r.code), (409, "idempotency_key_in_use"), r)
        self.assertNotIn('"id"', r.raw)
        # an action key too
        akey = str(uuid.uuid4())
        self.assertEqual(chef.act(till.json["id"], "start", key=akey).status, 200)
        r = a.act(till.json["id"], "start", key=akey)
        self.assertEqual((r.status, r.code), (409, "idempotency_key_in_use"), r)
        # nothing changed
        self.assertEqual(self.count_today(), before)
        self.assertEqual(len(a.get("/api/v1/events?after=0&limit=1000").json["events"]),
                         len(json.loads(events)["events"]) + 1)
        # the owners still replay their own keys
        self.assertEqual(web.create(online, key=key).json, first.json)
        self.assertEqual(self.k.create(walk_in(), key=tkey).json, till.json)
        # and another account's request with a fresh key runs as usual
        self.assertEqual(web2.create(online).status, 201)


@sqlite_only
class IdempotencyMigration(unittest.TestCase):
    """A database from before keys had owners keeps working."""

    def test_old_database(self):
        tmp = tempfile.mkdtemp(prefix="brigade-idem-")
        self.addCleanup(shutil.rmtree, tmp, True)
        s = Server(tmp).start()
        self.assertEqual(s.stop(), 0)
        # turn it into a schema 1 database with one key kept
        db = sqlite3.connect(s.db)
        db.executescript("""
            DROP TABLE idempotency;
            CREATE TABLE idempotency(key TEXT PRIMARY KEY, request_hash TEXT NOT NULL,
              status INTEGER NOT NULL, body TEXT NOT NULL, event_seq INTEGER,
              created_at INTEGER NOT NULL);
            CREATE INDEX idempotency_age ON idempotency(created_at);
            UPDATE meta SET value = '1' WHERE key = 'schema';
        """)
        # the fingerprint of the same request: method, path and body
        fingerprint = hashlib.sha256(b"1 /api/v1/orders\n" + json.dumps(walk_in()).encode()).hexdigest()
        db.execute("INSERT INTO idempotency VALUES('old-key', ?, 201, '{\"id\":99}', NULL,"
                   " strftime('%s','now') * 1000)", (fingerprint,))
        db.commit()
        db.close()
        s.start()
        try:
            k = s.client("k1")
            # a key kept without an owner is given back to no one
            r = k.create(walk_in(), key="old-key")
            self.assertEqual((r.status, r.code), (409, "idempotency_key_in_use"), r)
            self.assertNotIn("99", r.raw)
            key = str(uuid.uuid4())
            first = k.create(walk_in(), key=key)
            self.assertEqual(first.status, 201)
            self.assertEqual(k.create(walk_in(), key=key).json, first.json)
            self.assertEqual(s.client("w1").create(walk_in(), key=key).code,
                             "idempotency_key_in_use")
        finally:
            self.assertEqual(s.stop(), 0)
        db = sqlite3.connect(s.db)
        self.assertEqual(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone(), ("4",))
        db.close()


if __name__ == "__main__":
    unittest.main()
