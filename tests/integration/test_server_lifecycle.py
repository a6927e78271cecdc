#!/usr/bin/env python3
"""The whole lifecycle of each service type, pricing, and who may do what."""
import unittest

from brigade_test import ServerTest, walk_in


class Lifecycle(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.c = self.client("c1")
        self.w = self.client("w1")
        self.m = self.client("m1")

    def run_flow(self, service, final_actions, extra=None):
        r = self.k.create(walk_in(service, **(extra or {})))
        self.assertEqual(r.status, 201, r)
        o = r.json
        self.assertEqual(o["status"], "PAID")
        self.assertEqual(o["version"], 1)
        oid = o["id"]
        steps = [(self.c, "start", "PREPARING"), (self.c, "ready", "READY")]
        steps += [(self.w, a, s) for a, s in final_actions]
        version = 1
        for who, action, status in steps:
            r = who.act(oid, action, expected_version=version)
            self.assertEqual(r.status, 200, (action, r))
            self.assertEqual(r.json["status"], status)
            self.assertEqual(r.json["version"], version + 1)
            version += 1
            self.assertIn(status, r.json["status_at"])
        r = self.k.get("/api/v1/orders/%d" % oid)
        self.assertEqual(r.status, 200)
        hist = [(h["action"], h["status"]) for h in r.json["history"]]
        self.assertEqual(hist[0], ("create", "PAID"))
        self.assertEqual([h[0] for h in hist[1:]], [s[1] for s in steps])
        # a finished order moves no more, for anyone
        for who in (self.c, self.w, self.m):
            r = who.act(oid, "cancel")
            self.assertIn(r.status, (403, 409), r)
        return r

    def test_dine_in(self):
        self.run_flow("DINE_IN", [("serve", "COMPLETED")], {"table": "T4"})

    def test_pickup(self):
        self.run_flow("PICKUP", [("pickup", "COMPLETED")])

    def test_delivery(self):
        self.run_flow("DELIVERY", [("dispatch", "OUT_FOR_DELIVERY"), ("deliver", "COMPLETED")])

    def test_recall(self):
        oid = self.k.create(walk_in()).json["id"]
        self.assertEqual(self.c.act(oid, "start").status, 200)
        self.assertEqual(self.c.act(oid, "ready").status, 200)
        r = self.c.act(oid, "recall")
        self.assertEqual((r.status, r.json["status"]), (200, "PREPARING"))
        self.assertEqual(self.c.act(oid, "ready").json["status"], "READY")

    def test_wrong_service_action(self):
        oid = self.k.create(walk_in("PICKUP")).json["id"]
        self.c.act(oid, "start")
        self.c.act(oid, "ready")
        r = self.w.act(oid, "serve")
        self.assertEqual(r.status, 409)
        self.assertEqual(r.code, "illegal_transition")
        self.assertEqual(r.json["error"]["allowed"], ["pickup"])
        self.assertEqual(r.json["order"]["status"], "READY")
        r = self.w.act(oid, "dispatch")
        self.assertEqual(r.code, "illegal_transition")

    def test_online_order_pending_then_paid(self):
        web = self.client("web")
        o = {"source": "ONLINE", "service": "PICKUP", "customer": {"name": "Olive"},
             "items": [{"sku": "SA1", "qty": 1, "modifiers": ["CHK"]}]}
        r = web.create(o)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["status"], "PENDING")
        self.assertEqual(r.json["paid"], 0)
        oid, total = r.json["id"], r.json["total"]
        # the kitchen cannot start an unpaid order
        self.assertEqual(self.c.act(oid, "start").code, "illegal_transition")
        # pay needs tenders that cover the total
        r = self.w.act(oid, "pay")
        self.assertEqual((r.status, r.code), (422, "missing_field"))
        r = self.w.act(oid, "pay", payments=[{"tender": "CASH", "amount": total - 1}])
        self.assertEqual((r.status, r.code), (422, "insufficient_payment"))
        self.assertEqual(self.k.get("/api/v1/orders/%d" % oid).json["status"], "PENDING")
        r = self.w.act(oid, "pay", payments=[{"tender": "CARD", "amount": total,
                                              "card": {"brand": "VISA", "last4": "4242"}}])
        self.assertEqual((r.status, r.json["status"]), (200, "PAID"))
        self.assertEqual(r.json["payments"][0]["card"], {"brand": "VISA", "last4": "4242"})
        self.assertEqual(self.c.act(oid, "start").status, 200)

    def test_customer_cancels_own_pending_only(self):
        web = self.client("web")
        o = {"source": "ONLINE", "service": "PICKUP", "items": [{"sku": "D1", "qty": 1}]}
        oid = web.create(o).json["id"]
        r = web.act(oid, "cancel", reason="changed my mind")
        self.assertEqual((r.status, r.json["status"]), (200, "CANCELLED"))
        self.assertEqual(r.json["cancel_reason"], "changed my mind")
        # a customer cannot see or touch staff orders
        staff_oid = self.k.create(walk_in()).json["id"]
        self.assertEqual(web.get("/api/v1/orders/%d" % staff_oid).status, 404)
        self.assertEqual(web.act(staff_oid, "cancel").status, 404)
        mine = [x["id"] for x in web.get("/api/v1/orders?day=today").json["orders"]]
        self.assertIn(oid, mine)
        self.assertNotIn(staff_oid, mine)
        # nor create POS orders, nor read the stream of everyone's orders
        self.assertEqual(web.create(walk_in()).status, 403)
        self.assertEqual(web.get("/api/v1/events").status, 403)

    def test_manager_cancels_paid_not_preparing(self):
        oid = self.k.create(walk_in()).json["id"]
        self.assertEqual(self.k.act(oid, "cancel").status, 403)
        self.assertEqual(self.c.act(oid, "cancel").status, 403)
        r = self.m.act(oid, "cancel", reason="customer left")
        self.assertEqual((r.status, r.json["status"]), (200, "CANCELLED"))
        oid = self.k.create(walk_in()).json["id"]
        self.c.act(oid, "start")
        r = self.m.act(oid, "cancel")
        self.assertEqual((r.status, r.code), (409, "illegal_transition"))

    def test_version_conflict(self):
        oid = self.k.create(walk_in()).json["id"]
        self.assertEqual(self.c.act(oid, "start", expected_version=1).status, 200)
        r = self.c.act(oid, "ready", expected_version=1)
        self.assertEqual((r.status, r.code), (409, "version_conflict"))
        self.assertEqual(r.json["order"]["version"], 2)
        self.assertEqual(r.json["order"]["status"], "PREPARING")

    def test_pricing_is_the_servers(self):
        # B1 9.50 + XCH 1.00 = 10.50 x 2, S1 3.50: 24.50, 8% tax 1.96
        r = self.k.create(walk_in(pay=[{"tender": "CASH", "amount": 3000}]))
        o = r.json
        self.assertEqual([i["unit_price"] for i in o["items"]], [1050, 350])
        self.assertEqual([i["line_total"] for i in o["items"]], [2100, 350])
        self.assertEqual([i["station"] for i in o["items"]], ["grill", "fryer"])
        self.assertEqual((o["subtotal"], o["tax"], o["total"]), (2450, 196, 2646))
        self.assertEqual((o["paid"], o["change"]), (3000, 354))
        # split tenders: card part plus cash with change
        r = self.k.create(walk_in(pay=[{"tender": "CARD", "amount": 2000,
                                         "card": {"brand": "MASTERCARD", "last4": "0005"}},
                                        {"tender": "CASH", "amount": 1000}]))
        self.assertEqual((r.status, r.json["change"]), (201, 354))
        # a card cannot be overpaid: change only comes from cash
        r = self.k.create(walk_in(pay=[{"tender": "CARD", "amount": 3000}]))
        self.assertEqual((r.status, r.code), (422, "overpayment"))

    def test_daily_numbers_rise(self):
        a = self.k.create(walk_in()).json
        b = self.k.create(walk_in()).json
        self.assertEqual(b["number"], a["number"] + 1)
        self.assertEqual(b["id"], a["id"] + 1)
        self.assertEqual(a["business_day"], b["business_day"])

    def test_patch_while_editable(self):
        oid = self.k.create(walk_in("PICKUP", customer={"name": "Al"})).json["id"]
        r = self.k.patch("/api/v1/orders/%d" % oid, {"service": "DINE_IN", "table": "T9"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["service"], r.json["table"], r.json["version"]), ("DINE_IN", "T9", 2))
        r = self.k.patch("/api/v1/orders/%d" % oid, {"service": "DELIVERY"})
        self.assertEqual((r.status, r.code), (422, "missing_field"))
        other = self.k.create(walk_in("DINE_IN", table="T9")).json["id"]
        r = self.k.patch("/api/v1/orders/%d" % oid, {"linked_to": other})
        self.assertEqual((r.status, r.json["linked_to"]), (200, other))
        r = self.k.patch("/api/v1/orders/%d" % oid, {"linked_to": oid})
        self.assertEqual(r.status, 422)
        r = self.k.patch("/api/v1/orders/%d" % oid, {"linked_to": 999999})
        self.assertEqual((r.status, r.code), (422, "unknown_order"))
        r = self.k.patch("/api/v1/orders/%d" % oid, {"linked_to": None})
        self.assertEqual((r.status, r.json["linked_to"]), (200, None))
        self.c.act(oid, "start")
        r = self.k.patch("/api/v1/orders/%d" % oid, {"table": "T1"})
        self.assertEqual((r.status, r.code), (409, "order_locked"))
        self.assertEqual(self.c.patch("/api/v1/orders/%d" % other, {"table": "T2"}).status, 403)

    def test_station_bumps(self):
        # grill + fryer items: each station marks its own, READY when all done
        oid = self.k.create(walk_in()).json["id"]
        path = "/api/v1/orders/%d/items/done" % oid
        r = self.c.post(path, {"station": "grill"})
        self.assertEqual((r.status, r.code), (409, "illegal_transition"))
        self.c.act(oid, "start")
        r = self.c.post(path, {"station": "bar"})
        self.assertEqual((r.status, r.code), (422, "unknown_station"))
        r = self.c.post(path, {"station": "grill"})
        self.assertEqual((r.status, r.json["status"]), (200, "PREPARING"))
        self.assertEqual([i["done"] for i in r.json["items"]], [True, False])
        r = self.c.post(path, {"station": "fryer"})
        self.assertEqual((r.status, r.json["status"]), (200, "READY"))
        self.assertEqual(self.w.post(path, {"station": "fryer"}).status, 403)
        # a recall sends everything back to the kitchen
        r = self.c.act(oid, "recall")
        self.assertEqual([i["done"] for i in r.json["items"]], [False, False])

    def test_86_an_item(self):
        r = self.c.patch("/api/v1/menu/items/S3", {"available": False})
        self.assertEqual((r.status, r.json["available"]), (200, False))
        menu = self.k.get("/api/v1/menu").json
        s3 = [i for i in menu["items"] if i["sku"] == "S3"][0]
        self.assertFalse(s3["available"])
        r = self.k.create(walk_in(items=[{"sku": "S3", "qty": 1}]))
        self.assertEqual((r.status, r.code, r.json["error"]["field"]),
                         (422, "item_unavailable", "items[0].sku"))
        self.assertEqual(self.k.patch("/api/v1/menu/items/S3", {"available": True}).status, 403)
        self.assertEqual(self.m.patch("/api/v1/menu/items/S3", {"available": True}).status, 200)
        self.assertEqual(self.k.create(walk_in(items=[{"sku": "S3", "qty": 1}])).status, 201)
        self.assertEqual(self.m.patch("/api/v1/menu/items/NOPE", {"available": False}).status, 404)

    def test_lists_and_menu(self):
        menu = self.k.get("/api/v1/menu").json
        self.assertGreaterEqual(len(menu["items"]), 24)
        self.assertGreaterEqual(len(menu["categories"]), 5)
        self.assertGreaterEqual(len({i["station"] for i in menu["items"]}), 2)
        self.assertTrue(all(i["modifiers"] for i in menu["items"]))
        self.assertEqual(menu["tax_rate_bp"], 800)
        oid = self.k.create(walk_in()).json["id"]
        self.c.act(oid, "start")
        prep = self.c.get("/api/v1/orders?status=PREPARING").json["orders"]
        self.assertIn(oid, [o["id"] for o in prep])
        self.assertTrue(all(o["status"] == "PREPARING" for o in prep))
        self.assertNotIn(oid, [o["id"] for o in self.c.get("/api/v1/orders?status=PAID").json["orders"]])
        page = self.c.get("/api/v1/orders?day=today&limit=1").json["orders"]
        self.assertEqual(len(page), 1)
        nxt = self.c.get("/api/v1/orders?day=today&limit=1&after_id=%d" % page[0]["id"]).json["orders"]
        self.assertGreater(nxt[0]["id"], page[0]["id"])


if __name__ == "__main__":
    unittest.main()
