#!/usr/bin/env python3
"""Idempotency-Key: a replay returns the original answer, never a second
order or a second move; a reused key with another body is refused."""
import threading
import unittest
import uuid

from brigade_test import ServerTest, walk_in


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


if __name__ == "__main__":
    unittest.main()
