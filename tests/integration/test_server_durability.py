#!/usr/bin/env python3
"""kill -9 under load loses no acknowledged order, duplicates nothing on
replay, and the event log stays gapless across the restart."""
import random
import threading
import time
import unittest
import uuid

from brigade_test import ServerTest, walk_in


class Durability(ServerTest):
    def test_kill9_under_load(self):
        token = self.client("k1").token
        acked = {}            # key -> order acknowledged by the server
        sent = []             # every key we tried
        lock = threading.Lock()
        stop = threading.Event()

        def writer():
            c = self.server.client()
            c.token = token
            while not stop.is_set():
                key = str(uuid.uuid4())
                with lock:
                    sent.append(key)
                try:
                    r = c.create(walk_in(), key=key)
                except OSError:
                    return
                if r.status == 201:
                    with lock:
                        acked[key] = r.json

        threads = [threading.Thread(target=writer) for _ in range(8)]
        for t in threads:
            t.start()
        deadline = time.time() + 10
        while len(acked) < 150 and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(random.uniform(0, 0.05))
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acked), 0)

        self.server.start()
        k = self.client("k1")
        # every acknowledged order is there, exactly as acknowledged
        for key, order in acked.items():
            r = k.get("/api/v1/orders/%d" % order["id"])
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json, order)
        # replaying every key ever sent creates each order at most once
        ids = set()
        for key in sent:
            r = k.create(walk_in(), key=key)
            self.assertEqual(r.status, 201)
            if key in acked:
                self.assertEqual(r.json, acked[key])
            ids.add(r.json["id"])
        self.assertEqual(len(ids), len(sent))
        orders = k.get("/api/v1/orders?day=today&limit=2000").json["orders"]
        self.assertEqual(len(orders), len(sent))
        self.assertEqual(sorted(o["number"] for o in orders), list(range(1, len(sent) + 1)))
        # the event log has no gap and one order.created per order
        c = self.client("c1")
        events, after = [], 0
        while True:
            page = c.get("/api/v1/events?after=%d&limit=1000" % after).json["events"]
            if not page:
                break
            events += page
            after = page[-1]["seq"]
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        created = [e["order"]["id"] for e in events if e["type"] == "order.created"]
        self.assertEqual(sorted(created), sorted(ids))

    def test_sessions_survive_restart(self):
        k = self.client("k1")
        oid = k.create(walk_in()).json["id"]
        self.server.kill9()
        self.server.start()
        k.close()
        k.port = self.server.port
        # the token from before the crash still works
        self.assertEqual(k.get("/api/v1/orders/%d" % oid).status, 200)


if __name__ == "__main__":
    unittest.main()
