#!/usr/bin/env python3
"""X and Z reports: takings by tender, service and item, cancellations,
and the Z close that starts a new period."""
import time
import unittest
import uuid

from brigade_test import ServerTest, walk_in


class Reports(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.m = self.client("m1")
        self.c = self.client("c1")

    def test_x_then_z(self):
        # close whatever earlier tests left, so this period starts empty
        self.assertEqual(self.m.post("/api/v1/reports/z", key=str(uuid.uuid4())).status, 201)
        x = self.m.get("/api/v1/reports/daily").json
        self.assertEqual((x["kind"], x["orders"], x["total"], x["items"]), ("X", 0, 0, []))

        # 2 x B1 (9.50) + S1 (3.50) = 22.50 + 8% = 24.30, cash 30.00: change 5.70
        a = self.k.create(walk_in(items=[{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1}],
                                  pay=[{"tender": "CASH", "amount": 3000}])).json
        # DR1 (2.50) x 4 = 10.00 + 0.80 = 10.80 by card, dine-in
        b = self.k.create(walk_in("DINE_IN", items=[{"sku": "DR1", "qty": 4}],
                                  pay=[{"tender": "CARD", "amount": 1080,
                                        "card": {"brand": "VISA", "last4": "4242"}}])).json
        # cancelled after payment: its lines are voided and what was paid
        # is owed back until it is refunded
        c = self.k.create(walk_in(items=[{"sku": "M2", "qty": 1}])).json
        self.assertEqual(self.m.act(c["id"], "cancel", reason="walked out").status, 200)
        self.assertEqual(self.m.get("/api/v1/reports/daily").json["owed_back"], c["total"])
        r = self.m.post("/api/v1/orders/%d/corrections" % c["id"],
                        {"kind": "refund", "reason": "Wrong order",
                         "refunds": [{"tender": "CASH", "amount": c["total"]}]},
                        key=str(uuid.uuid4()))
        self.assertEqual((r.status, r.json["balance"]), (200, 0), r)
        # an online order still PENDING is not a sale yet
        web = self.client("web")
        web.create({"source": "ONLINE", "service": "PICKUP", "items": [{"sku": "D1", "qty": 1}]})

        x = self.m.get("/api/v1/reports/daily").json
        self.assertEqual(x["kind"], "X")
        self.assertIsNone(x["z_number"])
        self.assertEqual(x["orders"], 2)
        self.assertEqual(x["total"], a["total"] + b["total"])
        self.assertEqual(x["subtotal"] + x["tax"], x["total"])
        tenders = {t["tender"]: t for t in x["tenders"]}
        # the drawer: a's cash less its change; c's cash in, change and
        # refund out
        self.assertEqual((tenders["CASH"]["count"], tenders["CASH"]["refund_count"],
                          tenders["CASH"]["amount"]), (2, 1, 3000 - a["change"]))
        self.assertEqual((x["owed_back"], x["balance_due"]), (0, 0))
        self.assertEqual(x["corrections"]["void"]["net"] + x["corrections"]["void"]["tax"],
                         -c["total"])
        self.assertEqual(x["gross"] + x["gross_tax"], a["total"] + b["total"] + c["total"])
        self.assertEqual((tenders["CARD"]["count"], tenders["CARD"]["amount"]), (1, 1080))
        self.assertEqual(x["change"], a["change"] + c["change"])
        services = {v["service"]: v for v in x["services"]}
        self.assertEqual(services["PICKUP"]["count"], 1)
        self.assertEqual(services["DINE_IN"]["total"], b["total"])
        self.assertEqual([(i["sku"], i["qty"]) for i in x["items"]],
                         [("DR1", 4), ("B1", 2), ("S1", 1)])
        self.assertEqual((x["cancelled"], x["cancelled_total"]), (1, c["total"]))

        # the Z closes exactly that, and the next period starts empty
        key = str(uuid.uuid4())
        z = self.m.post("/api/v1/reports/z", key=key)
        self.assertEqual(z.status, 201)
        self.assertEqual(z.json["kind"], "Z")
        self.assertGreater(z.json["z_number"], 0)
        for f in ("orders", "total", "tenders", "items", "cancelled"):
            self.assertEqual(z.json[f], x[f], f)
        again = self.m.post("/api/v1/reports/z", key=key)
        self.assertEqual((again.status, again.json), (201, z.json))
        self.assertEqual(self.m.get("/api/v1/reports/daily").json["orders"], 0)
        kept = self.m.get("/api/v1/reports/z/%d" % z.json["z_number"])
        self.assertEqual((kept.status, kept.json), (200, z.json))
        self.assertEqual(self.m.get("/api/v1/reports/z/99999").status, 404)

        # an order moving on after the close is not counted again
        self.c.act(a["id"], "start")
        self.assertEqual(self.m.get("/api/v1/reports/daily").json["orders"], 0)

    def test_offline_sale_keeps_its_sale_time(self):
        """A sale made offline carries sold_at: the order is created then
        (created_at, status_at.PAID, history), received_at keeps when it
        arrived, and the provisional number and the offline kitchen ticket's
        time stay on it."""
        now = int(time.time() * 1000)
        sold = now - 25 * 60 * 1000
        r = self.k.create(walk_in(sold_at=sold, provisional="till2-1",
                                  ticket_printed_at=sold + 2000))
        self.assertEqual(r.status, 201, r)
        o = r.json
        self.assertEqual(o["created_at"], sold)
        self.assertEqual(o["status_at"]["PAID"], sold)
        self.assertEqual(o["history"][0]["at"], sold)
        self.assertGreaterEqual(o["received_at"], now - 5000)
        self.assertEqual((o["provisional"], o["ticket_printed_at"]), ("till2-1", sold + 2000))
        self.assertEqual(self.k.get("/api/v1/orders/%d" % o["id"]).json, o)
        # an order sent at once: no sold_at, received when created
        p = self.k.create(walk_in()).json
        self.assertEqual(p["received_at"], p["created_at"])
        self.assertIsNone(p["provisional"])
        self.assertIsNone(p["ticket_printed_at"])

    def test_sold_at_bounds(self):
        now = int(time.time() * 1000)
        week = 7 * 86400 * 1000
        for field, value, words in (
                ("sold_at", now + 10 * 60 * 1000, "ahead of the server's clock"),
                ("sold_at", now - week - 3600 * 1000, "older than the server keeps"),
                ("ticket_printed_at", now + 10 * 60 * 1000, "ahead of the server's clock"),
                ("sold_at", "yesterday", "must be an integer"),
                ("sold_at", 12, "must be an integer")):
            r = self.k.create(walk_in(**{field: value}))
            self.assertEqual(r.status, 422, (field, value, r))
            self.assertEqual(r.json["error"]["field"], field)
            self.assertIn(words, r.json["error"]["message"])
        r = self.k.create(walk_in(provisional=""))
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "provisional"))
        r = self.k.create(walk_in(provisional="4111 1111 1111 1111"))
        self.assertEqual((r.status, r.json["error"]["code"]), (422, "card_number_refused"))
        web = self.client("web")
        r = web.create({"source": "ONLINE", "service": "PICKUP", "items": [{"sku": "D1", "qty": 1}],
                        "sold_at": now - 1000})
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "sold_at"))
        # a little ahead (a skew estimate is off by half a round trip) is
        # taken as now
        r = self.k.create(walk_in(sold_at=now + 20000))
        self.assertEqual(r.status, 201, r)
        self.assertLessEqual(r.json["created_at"], r.json["received_at"])

    def test_late_sale_counts_once_in_the_reports(self):
        """The X report counts a sale by when it was sold; one sold before a
        Z close but received after it was not in that close, and counts in
        the period it arrived in: never twice, never lost."""
        self.assertEqual(self.m.post("/api/v1/reports/z", key=str(uuid.uuid4())).status, 201)
        z_at = int(time.time() * 1000)
        time.sleep(0.05)
        sold = z_at - 10 * 60 * 1000            # sold before that close
        late = self.k.create(walk_in(items=[{"sku": "DR1", "qty": 3}], sold_at=sold)).json
        x = self.m.get("/api/v1/reports/daily").json
        self.assertEqual((x["orders"], x["total"]), (1, late["total"]))
        z = self.m.post("/api/v1/reports/z", key=str(uuid.uuid4())).json
        self.assertEqual(z["orders"], 1)
        self.assertEqual(self.m.get("/api/v1/reports/daily").json["orders"], 0)
        # sold within the open period: counted by its sale time
        time.sleep(0.05)
        now = int(time.time() * 1000)
        inside = self.k.create(walk_in(sold_at=now - 20)).json
        x = self.m.get("/api/v1/reports/daily").json
        self.assertEqual((x["orders"], x["total"]), (1, inside["total"]))
        self.assertLessEqual(x["from"], inside["created_at"])

    def test_roles(self):
        for who in (self.k, self.c, self.client("w1"), self.client("web")):
            self.assertEqual(who.get("/api/v1/reports/daily").status, 403)
            self.assertEqual(who.post("/api/v1/reports/z").status, 403)
        self.assertEqual(self.client("a1").get("/api/v1/reports/daily").status, 200)


class FirstPeriod(ServerTest):
    """Before the first Z close the period runs from the first order
    (docs/api.md), never from the epoch."""

    def test_from_first_order(self):
        m = self.client("m1")
        k = self.client("k1")
        x = m.get("/api/v1/reports/daily").json
        self.assertGreater(x["from"], 0)
        self.assertLessEqual(x["from"], x["to"])
        a = k.create(walk_in()).json
        k.create(walk_in()).json
        x = m.get("/api/v1/reports/daily").json
        self.assertEqual(x["from"], a["created_at"])
        z = m.post("/api/v1/reports/z", key=str(uuid.uuid4())).json
        self.assertEqual(z["from"], a["created_at"])
        x = m.get("/api/v1/reports/daily").json
        self.assertGreaterEqual(x["from"], z["to"])


if __name__ == "__main__":
    unittest.main()
