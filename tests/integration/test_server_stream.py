#!/usr/bin/env python3
"""The event stream: every change arrives once, in order; a reconnect with
after=SEQ gets exactly the missed events; the same events over GET."""
import unittest

from brigade_test import ServerTest, WebSocket, walk_in


class Stream(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.c = self.client("c1")

    def head(self):
        return self.k.get("/healthz").json["head"]

    def connect(self, after=None, token=None):
        path = "/api/v1/stream" + ("?after=%d" % after if after is not None else "")
        ws = WebSocket(self.server.port, path, token or self.c.token)
        self.addCleanup(ws.close)
        self.assertEqual(ws.status, 101, ws.rejection)
        hello = ws.recv()
        self.assertEqual(hello["type"], "hello")
        return ws, hello

    def test_events_arrive_in_order(self):
        ws, hello = self.connect(after=self.head())
        r = self.k.create(walk_in())
        oid = r.json["id"]
        self.c.act(oid, "start")
        self.c.patch("/api/v1/menu/items/DR5", {"available": False})
        evs = [ws.recv() for _ in range(3)]
        self.assertEqual([e["type"] for e in evs], ["order.created", "order.updated", "menu.updated"])
        self.assertEqual([e["seq"] for e in evs], list(range(hello["head"] + 1, hello["head"] + 4)))
        self.assertEqual(evs[0]["order"], r.json)
        self.assertEqual(evs[1]["order"]["status"], "PREPARING")
        self.assertEqual(evs[2]["item"]["sku"], "DR5")
        self.assertFalse(evs[2]["item"]["available"])
        self.assertIsNone(ws.recv(timeout=0.3))
        # a refused request makes no event
        self.c.act(oid, "serve")
        self.assertIsNone(ws.recv(timeout=0.3))
        self.c.patch("/api/v1/menu/items/DR5", {"available": True})

    def test_reconnect_gets_exactly_the_missed(self):
        ws, hello = self.connect(after=self.head())
        oid = self.k.create(walk_in()).json["id"]
        last = ws.recv()["seq"]
        ws.close()
        # changes while disconnected
        self.c.act(oid, "start")
        self.c.act(oid, "ready")
        for _ in range(5):
            self.k.create(walk_in())
        ws2, hello2 = self.connect(after=last)
        self.assertEqual(hello2["head"], last + 7)
        got = [ws2.recv()["seq"] for _ in range(7)]
        self.assertEqual(got, list(range(last + 1, last + 8)))
        self.assertIsNone(ws2.recv(timeout=0.3))
        # and the same events over GET /api/v1/events
        r = self.c.get("/api/v1/events?after=%d&limit=7" % last)
        self.assertEqual([e["seq"] for e in r.json["events"]], got)

    def test_catch_up_from_zero_then_live(self):
        for _ in range(3):
            self.k.create(walk_in())
        head = self.head()
        ws, hello = self.connect(after=0)
        seqs = [ws.recv()["seq"] for _ in range(head)]
        self.assertEqual(seqs, list(range(1, head + 1)))
        self.k.create(walk_in())
        self.assertEqual(ws.recv()["seq"], head + 1)

    def test_many_subscribers_see_the_same(self):
        start = self.head()
        socks = [self.connect(after=start)[0] for _ in range(20)]
        for _ in range(5):
            self.k.create(walk_in())
        for ws in socks:
            self.assertEqual([ws.recv()["seq"] for _ in range(5)], list(range(start + 1, start + 6)))

    def test_live_only_without_after(self):
        self.k.create(walk_in())
        ws, hello = self.connect()
        self.assertIsNone(ws.recv(timeout=0.3))
        self.k.create(walk_in())
        self.assertEqual(ws.recv()["seq"], hello["head"] + 1)

    def test_after_beyond_head_says_resync(self):
        ws, hello = self.connect(after=10 ** 9)
        self.assertTrue(hello["resync"])
        self.k.create(walk_in())
        self.assertEqual(ws.recv()["seq"], hello["head"] + 1)

    def test_refused_upgrades(self):
        cases = [("/api/v1/stream", None, 401), ("/api/v1/stream", "f" * 64, 401),
                 ("/api/v1/stream?after=abc", self.c.token, 422),
                 ("/api/v1/elsewhere", self.c.token, 404)]
        for path, token, status in cases:
            ws = WebSocket(self.server.port, path, token)
            with self.subTest(path=path):
                self.assertEqual(ws.status, status)
                self.assertIn('"error"', ws.rejection)
        web = self.client("web")
        self.assertEqual(WebSocket(self.server.port, "/api/v1/stream", web.token).status, 403)
        # a plain GET (no upgrade) is not a stream
        self.assertIn(self.c.get("/api/v1/stream").status, (404, 426))

    def test_logout_closes_the_stream(self):
        c2 = self.client("c1")
        ws, _ = self.connect(token=c2.token)
        self.assertEqual(c2.post("/api/v1/auth/logout").status, 200)
        with self.assertRaises(ConnectionError):
            for _ in range(20):
                ws.recv(timeout=0.5)
        self.assertEqual(c2.get("/api/v1/menu").status, 401)


if __name__ == "__main__":
    unittest.main()
