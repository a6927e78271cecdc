#!/usr/bin/env python3
"""Every kind of bad input gets a specific error and changes nothing."""
import json
import socket
import unittest
import uuid

from brigade_test import ServerTest, walk_in


class Rejections(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.c = self.client("c1")

    def state(self):
        """What must not change: the event head and the open orders."""
        head = self.c.get("/healthz").json["head"]
        orders = self.c.get("/api/v1/orders?day=today&limit=2000").raw
        return head, orders

    def assertRefused(self, r, status, code, field=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.code, code, r)
        self.assertTrue(r.json["error"]["message"])
        if field is not None:
            self.assertEqual(r.json["error"].get("field"), field, r)

    def test_order_bodies(self):
        base = walk_in()
        cases = [
            # (body, status, code, field)
            ('{"source":', 400, "invalid_json", None),
            ('not json', 400, "invalid_json", None),
            ('[]', 400, "invalid_json", None),
            ('{} {}', 400, "invalid_json", None),
            ('', 400, "invalid_json", None),
            (dict(base, items=[]), 422, "invalid_field", "items"),
            (dict(base, items="B1"), 422, "invalid_field", "items"),
            ({k: v for k, v in base.items() if k != "items"}, 422, "missing_field", "items"),
            (dict(base, source="FAX"), 422, "invalid_field", "source"),
            (dict(base, service=3), 422, "invalid_field", "service"),
            (dict(base, items=[{"sku": "ZZ9", "qty": 1}]), 422, "unknown_item", "items[0].sku"),
            (dict(base, items=[{"sku": "B1", "qty": 0}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": "B1", "qty": -2}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": "B1", "qty": 1000000}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": "B1", "qty": "one"}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": "B1", "qty": 1.5}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": "B1", "qty": True}]), 422, "invalid_field", "items[0].qty"),
            (dict(base, items=[{"sku": 5, "qty": 1}]), 422, "invalid_field", "items[0].sku"),
            (dict(base, items=[{"sku": "B1", "qty": 1, "modifiers": ["NOPE"]}]), 422, "unknown_modifier", "items[0].modifiers[0]"),
            (dict(base, items=[{"sku": "B1", "qty": 1}] * 101), 422, "invalid_field", "items"),
            (dict(base, payments=[]), 422, "missing_field", "payments"),
            (dict(base, payments=None), 422, "missing_field", "payments"),
            (dict(base, payments=[{"tender": "CASH", "amount": -100}]), 422, "invalid_field", "payments[0].amount"),
            (dict(base, payments=[{"tender": "CASH", "amount": 0}]), 422, "invalid_field", "payments[0].amount"),
            (dict(base, payments=[{"tender": "CASH"}]), 422, "missing_field", "payments[0].amount"),
            (dict(base, payments=[{"tender": "CASH", "amount": "50"}]), 422, "invalid_field", "payments[0].amount"),
            (dict(base, payments=[{"tender": "CASH", "amount": 100}]), 422, "insufficient_payment", "payments"),
            (dict(base, payments=[{"tender": "CARD", "amount": 9000, "card": {"brand": "VISA", "pan": "4111111111111111"}}]),
             422, "unknown_field", "payments[0].card.pan"),
            (dict(base, table=""), 422, "invalid_field", "table"),
            (dict(base, customer={"name": "x" * 65}), 422, "invalid_field", "customer.name"),
            (dict(base, customer={"name": "Bell\u0007"}), 422, "invalid_field", "customer.name"),
            (dict(base, subtotal=1), 422, "unknown_field", "subtotal"),
            (dict(base, linked_to=-1), 422, "invalid_field", "linked_to"),
            (dict(base, linked_to=424242), 422, "unknown_order", "linked_to"),
            (dict(walk_in("DELIVERY"), customer={"name": "x"}), 422, "missing_field", "customer"),
        ]
        before = self.state()
        for body, status, code, field in cases:
            raw = body if isinstance(body, str) else json.dumps(body)
            r = self.k.post("/api/v1/orders", raw=raw, key=str(uuid.uuid4()))
            with self.subTest(body=raw[:80]):
                self.assertRefused(r, status, code, field)
        self.assertEqual(self.state(), before)

    def test_invalid_utf8(self):
        before = self.state()
        for bad in (b"\xc0\xaf", b"\xff", b"\xed\xa0\x80", b"a\x80b", b"\xe2\x82"):
            raw = b'{"source":"POS","service":"PICKUP","customer":{"name":"' + bad + \
                b'"},"items":[{"sku":"B1","qty":1}],"payments":[{"tender":"CASH","amount":5000}]}'
            r = self.k.post("/api/v1/orders", raw=raw, key=str(uuid.uuid4()))
            with self.subTest(bad=bad):
                self.assertRefused(r, 422, "invalid_field", "customer.name")
        self.assertEqual(self.state(), before)

    def test_strict_json(self):
        """What a lenient parser lets through is refused: a string cut at
        \\u0000, numbers like 01 and 1."""
        anon = self.server.client()
        self.addCleanup(anon.close)
        for raw in ('{"staff":"k1\\u0000zz","pin":"1111"}', '{"staff":"k1","pin":"1111\\u0000"}',
                    '{"staff":"k1","pin":"1111","terminal":"t\\u0000"}'):
            with self.subTest(raw=raw):
                r = anon.post("/api/v1/auth/login", raw=raw)
                self.assertRefused(r, 400, "invalid_json")
                self.assertNotIn("token", r.json)
        before = self.state()
        base = json.dumps(walk_in())
        for bad in ('"qty": 01', '"qty": 1.', '"qty": -01', '"qty": .5', '"qty": 1e'):
            raw = base.replace('"qty": 2', bad, 1)
            self.assertNotEqual(raw, base)
            with self.subTest(raw=bad):
                self.assertRefused(self.k.post("/api/v1/orders", raw=raw, key=str(uuid.uuid4())),
                                   400, "invalid_json")
        for bad in ('"table": "T\\u00004"', '"table": "T\t4"'):
            raw = base.replace('"source"', bad + ', "source"', 1)
            with self.subTest(raw=bad):
                self.assertRefused(self.k.post("/api/v1/orders", raw=raw, key=str(uuid.uuid4())),
                                   400, "invalid_json")
        self.assertEqual(self.state(), before)
        # the strict forms still pass
        ok = base.replace('"amount": 10000', '"amount": 1.0e4', 1)
        self.assertEqual(self.k.post("/api/v1/orders", raw=ok, key=str(uuid.uuid4())).status, 201)

    def test_card_numbers_refused(self):
        """No field of an order or event may hold a card number."""
        m = self.client("m1")
        before = self.state()
        events = m.get("/api/v1/events?after=0&limit=1000").raw
        base = walk_in()
        pan = "4111111111111111"
        card = {"tender": "CARD", "amount": 2646, "card": {"brand": "VISA", "last4": "1111"}}
        cases = [
            (dict(base, payments=[dict(card, card={"brand": pan, "last4": "1111"})]),
             "invalid_field", "payments[0].card.brand"),
            (dict(base, payments=[dict(card, card={"brand": "Visa", "last4": "1111"})]),
             "invalid_field", "payments[0].card.brand"),
            (dict(base, customer={"name": "4111 1111 1111 1111"}), "card_number_refused", "customer.name"),
            (dict(base, customer={"address": "1 Main St 4111-1111-1111-1111"}),
             "card_number_refused", "customer.address"),
            (dict(base, customer={"phone": pan}), "card_number_refused", "customer.phone"),
            (dict(base, table="378282246310005"), "card_number_refused", "table"),
            (dict(base, items=[{"sku": "B1", "qty": 1, "note": "card 378282246310005"}]),
             "card_number_refused", "items[0].note"),
        ]
        for body, code, field in cases:
            r = self.k.create(body)
            with self.subTest(body=json.dumps(body)[:120]):
                self.assertRefused(r, 422, code, field)
        # an open order: a patch, and an action's reason
        o = self.k.create(walk_in()).json
        before = self.state()
        events = m.get("/api/v1/events?after=0&limit=1000").raw
        r = self.k.patch("/api/v1/orders/%d" % o["id"], {"customer": {"name": "x", "phone": "4111 1111 1111 1111"}})
        self.assertRefused(r, 422, "card_number_refused", "customer.phone")
        r = m.act(o["id"], "cancel", reason="refund to 4111111111111111")
        self.assertRefused(r, 422, "card_number_refused", "reason")
        # the terminal name goes into every order; staff codes and names too
        r = self.server.client().post("/api/v1/auth/login",
                                      {"staff": "k1", "pin": "1111", "terminal": pan})
        self.assertRefused(r, 422, "card_number_refused", "terminal")
        r = m.post("/api/v1/staff", {"staff": pan, "name": "Kai", "role": "CASHIER", "pin": "1212"})
        self.assertRefused(r, 422, "card_number_refused", "staff")
        r = m.post("/api/v1/staff", {"staff": "k9", "name": pan, "role": "CASHIER", "pin": "1212"})
        self.assertRefused(r, 422, "card_number_refused", "name")
        self.assertEqual(self.state(), before)
        self.assertEqual(m.get("/api/v1/events?after=0&limit=1000").raw, events)
        self.assertNotIn(pan, events)
        self.assertEqual(m.get("/api/v1/staff").raw.count(pan), 0)
        # phone numbers and every brand the card reader gives still pass
        for phone in ("+1 555 010 0100", "+49 30 1234567 03", "555-0100"):
            r = self.k.create(dict(base, customer={"name": "Al", "phone": phone}))
            self.assertEqual(r.status, 201, (phone, r))
        for brand in ("VISA", "MASTERCARD", "AMEX", "DISCOVER", "JCB", "DINERS", "UNIONPAY",
                      "MAESTRO", "CARD"):
            r = self.k.create(dict(base, payments=[dict(card, card={"brand": brand, "last4": "1111"})]))
            self.assertEqual(r.status, 201, (brand, r))

    def test_body_too_large(self):
        before = self.state()
        raw = '{"source":"POS","pad":"' + "a" * (70 * 1024) + '"}'
        r = self.k.post("/api/v1/orders", raw=raw, key=str(uuid.uuid4()))
        self.assertRefused(r, 413, "body_too_large")
        # the server is still fine, on a new connection
        self.assertEqual(self.k.get("/api/v1/menu").status, 200)
        self.assertEqual(self.state(), before)

    def test_body_too_large_without_length(self):
        # chunked upload with no Content-Length: refused before it is read
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Idempotency-Key: big-chunked\r\nTransfer-Encoding: chunked\r\n\r\n" % self.k.token)
        s.sendall(head.encode())
        chunk = b"a" * 8192
        try:
            for _ in range(12):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        data = b""
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                data += d
        except OSError:
            pass
        s.close()
        status = int(data.split()[1]) if data else 0
        self.assertEqual(status, 411, data[:200])
        self.assertIn(b'"length_required"', data)
        self.assertEqual(self.k.get("/api/v1/menu").status, 200)

    def test_tokens(self):
        before = self.state()
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "0" * 64},
                        {"Authorization": "Basic azE6MTExMQ=="}, {"Authorization": "Bearer short"}):
            for method, path in (("GET", "/api/v1/menu"), ("GET", "/api/v1/orders"),
                                 ("POST", "/api/v1/orders"), ("GET", "/api/v1/staff"),
                                 ("GET", "/metrics"), ("GET", "/api/v1/events")):
                r = self.k.request(method, path, walk_in(), headers=headers, token=False)
                with self.subTest(path=path, headers=headers):
                    self.assertRefused(r, 401, "unauthorized")
                    self.assertEqual(r.headers.get("www-authenticate"), "Bearer")
        self.assertEqual(self.state(), before)
        # login and health need no token
        self.assertEqual(self.k.get("/healthz", token=False).status, 200)

    def test_routes_and_methods(self):
        self.assertRefused(self.k.get("/api/v1/nothing"), 404, "not_found")
        self.assertRefused(self.k.get("/"), 404, "not_found")
        r = self.k.request("DELETE", "/api/v1/orders")
        self.assertRefused(r, 405, "method_not_allowed")
        self.assertEqual(r.headers["allow"], "POST, GET")
        r = self.k.request("PUT", "/api/v1/orders/1", {})
        self.assertRefused(r, 405, "method_not_allowed")
        self.assertRefused(self.k.get("/api/v1/orders/abc"), 404, "not_found")
        self.assertRefused(self.k.get("/api/v1/orders/0"), 404, "not_found")
        self.assertRefused(self.k.get("/api/v1/orders/99999999"), 404, "not_found")
        self.assertRefused(self.k.get("/api/v1/orders?status=COOKING"), 422, "invalid_field", "status")
        self.assertRefused(self.k.get("/api/v1/orders?limit=0"), 422, "invalid_field")
        self.assertRefused(self.k.get("/api/v1/orders?day=yesterday"), 422, "invalid_field", "day")
        self.assertRefused(self.k.get("/api/v1/events?after=-1"), 422, "invalid_field")

    def test_actions(self):
        oid = self.k.create(walk_in()).json["id"]
        before = self.state()
        path = "/api/v1/orders/%d/actions" % oid
        cases = [
            ({"action": "fly"}, 422, "invalid_field", "action"),
            ({}, 422, "missing_field", "action"),
            ({"action": "start", "expected_version": "1"}, 422, "invalid_field", "expected_version"),
            ({"action": "start", "expected_version": 0}, 422, "invalid_field", "expected_version"),
            ({"action": "start", "extra": 1}, 422, "unknown_field", "extra"),
            ({"action": "start", "reason": "r" * 141}, 422, "invalid_field", "reason"),
        ]
        for body, status, code, field in cases:
            with self.subTest(body=body):
                self.assertRefused(self.c.post(path, body), status, code, field)
        self.assertRefused(self.k.post(path, {"action": "start"}), 403, "forbidden")
        self.assertRefused(self.c.post(path, {"action": "serve"}), 403, "forbidden")
        self.assertRefused(self.c.post(path, {"action": "ready"}), 409, "illegal_transition")
        self.assertRefused(self.c.post("/api/v1/orders/77777/actions", {"action": "start"}), 404, "not_found")
        self.assertRefused(self.c.post(path, {"action": "start", "payments": [{"tender": "CASH", "amount": 5}]}),
                           422, "invalid_field", "payments")
        self.assertEqual(self.state(), before)

    def test_idempotency_key_required_and_checked(self):
        before = self.state()
        self.assertRefused(self.k.post("/api/v1/orders", walk_in()), 400,
                           "idempotency_key_required", "Idempotency-Key")
        self.assertRefused(self.k.post("/api/v1/orders", walk_in(), key="has space"), 400,
                           "invalid_idempotency_key")
        self.assertRefused(self.k.post("/api/v1/orders", walk_in(), key="x" * 65), 400,
                           "invalid_idempotency_key")
        self.assertEqual(self.state(), before)

    def test_garbage_requests_do_not_crash(self):
        junk = [b"\x00\x01\x02\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                b"POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"",
                b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\n" + b"X: y\r\n" * 500 + b"\r\n"]
        for j in junk:
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            try:
                s.sendall(j)
                s.shutdown(socket.SHUT_WR)
                s.recv(4096)
            except OSError:
                pass
            s.close()
        self.assertEqual(self.k.get("/healthz").status, 200)
        self.assertIsNone(self.server.proc.poll())


if __name__ == "__main__":
    unittest.main()
