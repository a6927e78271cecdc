#!/usr/bin/env python3
"""Corrections: voids after the kitchen started, discounts and comps,
refunds to the tender that paid, the payment ledger, a manager's approval
at a cashier's till, and the X report that still adds up to the cent."""
import unittest
import uuid

from brigade_test import PINS, ServerTest, walk_in

CARD = {"brand": "VISA", "last4": "4242"}


def half_up(n, d):
    return (n + d // 2) // d


class Corrections(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.k2 = self.client("w1")
        self.m = self.client("m1")
        self.c = self.client("c1")

    # -- helpers -------------------------------------------------------

    def sale(self, items=None, pay=None, **extra):
        r = self.k.create(walk_in(items=items or [{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1}],
                                  pay=pay, **extra))
        self.assertEqual(r.status, 201, r)
        return r.json

    def correct(self, who, oid, body, key=None):
        return who.post("/api/v1/orders/%d/corrections" % oid, body, key=key or str(uuid.uuid4()))

    def approve(self, oid, scope, key, staff="m1", who=None):
        return (who or self.k).post("/api/v1/auth/approve", {
            "staff": staff, "pin": PINS[staff], "order_id": oid, "scope": scope, "key": key})

    def head(self):
        return self.m.get("/api/v1/events?after=0&limit=1").json["head"]

    def events_of(self, oid):
        after = max(0, self.head() - 50)
        ev = self.m.get("/api/v1/events?after=%d&limit=1000" % after).json["events"]
        return [e for e in ev if e.get("order", {}).get("id") == oid]

    def unchanged(self, oid, before, head):
        self.assertEqual(self.m.get("/api/v1/orders/%d" % oid).json, before)
        self.assertEqual(self.head(), head)

    # -- voids ---------------------------------------------------------

    def test_void_a_line_after_the_kitchen_started(self):
        o = self.sale(pay=[{"tender": "CASH", "amount": 5000}])
        self.assertEqual(self.c.act(o["id"], "start").status, 200)
        r = self.correct(self.m, o["id"], {"kind": "void", "reason": "Wrong item",
                                           "lines": [{"line": 0, "qty": 1}]})
        self.assertEqual(r.status, 200, r)
        v = r.json
        self.assertEqual(v["status"], "PREPARING")
        self.assertEqual((v["items"][0]["voided"], v["items"][0]["net"]), (1, 950))
        self.assertEqual(v["subtotal"], 950 + 350)
        self.assertEqual(v["tax"], half_up(1300 * 800, 10000))
        self.assertEqual(v["total"], 1300 + v["tax"])
        self.assertEqual(v["balance"], v["total"] - (5000 - o["change"]))
        self.assertLess(v["balance"], 0)          # owed back to the guest
        c = v["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["approved_by"], c["reason"], c["line"], c["qty"]),
                         ("void", "m1", None, "Wrong item", 0, 1))
        self.assertEqual((c["net"], c["tax"]), (-950, v["tax"] - o["tax"]))
        # the event carries it to the screens
        last = self.events_of(o["id"])[-1]
        self.assertEqual((last["type"], last["order"]["items"][0]["voided"]), ("order.updated", 1))
        # the rest of the order still flows through the kitchen
        self.assertEqual(self.c.act(o["id"], "ready").status, 200)

    def test_a_station_bump_finishes_an_order_whose_other_lines_were_voided(self):
        o = self.sale()                          # B1 on the grill, S1 on the fryer
        self.c.act(o["id"], "start")
        r = self.correct(self.m, o["id"], {"kind": "void", "reason": "Wrong item",
                                           "lines": [{"line": 1, "qty": 1}]})
        self.assertEqual(r.status, 200, r)
        r = self.c.post("/api/v1/orders/%d/items/done" % o["id"], {"station": "grill"},
                        key=str(uuid.uuid4()))
        self.assertEqual((r.status, r.json["status"]), (200, "READY"), r)

    def test_void_the_whole_order_while_preparing(self):
        o = self.sale()
        self.c.act(o["id"], "start")
        r = self.correct(self.m, o["id"], {"kind": "void", "reason": "Customer changed mind"})
        self.assertEqual(r.status, 200, r)
        v = r.json
        self.assertEqual((v["status"], v["cancel_reason"], v["total"]),
                         ("CANCELLED", "Customer changed mind", 0))
        self.assertEqual([c["kind"] for c in v["corrections"]], ["void", "void"])
        self.assertEqual(v["balance"], -(o["paid"] - o["change"]))
        # nothing more to void; the money is refunded
        r = self.correct(self.m, o["id"], {"kind": "void", "reason": "Wrong item"})
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "order_cancelled"))
        r = self.correct(self.m, o["id"], {"kind": "refund", "reason": "Wrong order",
                                           "refunds": [{"tender": "CASH", "amount": -v["balance"]}]})
        self.assertEqual((r.status, r.json["balance"], r.json["refunded"]), (200, 0, -v["balance"]))

    def test_refusals_change_nothing(self):
        o = self.sale(pay=[{"tender": "CARD", "amount": 2430, "card": CARD, "approval": "A1B2C3"}])
        self.assertEqual(o["payments"][0]["approval"], "A1B2C3")
        done = self.sale()
        for a in ("start", "ready", "pickup"):
            self.assertEqual(self.m.act(done["id"], a).status, 200)
        oid = o["id"]
        before = self.m.get("/api/v1/orders/%d" % oid).json
        head = self.head()
        cases = [
            (self.k, {"kind": "void", "reason": "Wrong item"}, 403, "approval_required"),
            (self.c, {"kind": "void", "reason": "Wrong item"}, 403, "forbidden"),
            (self.k, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CARD", "amount": 100, "card": CARD, "approval": "R1"}]},
             403, "approval_required"),
            (self.k, {"kind": "discount", "reason": "Loyalty", "percent": 15}, 403, "discount_over_limit"),
            (self.k, {"kind": "comp", "reason": "Regular", "line": 1}, 403, "discount_over_limit"),
            (self.m, {"kind": "void", "reason": "Bored"}, 422, "unknown_reason"),
            (self.m, {"kind": "void", "reason": "Wrong item", "lines": [{"line": 0, "qty": 3}]},
             422, "invalid_field"),
            (self.m, {"kind": "void", "reason": "Wrong item", "lines": [{"line": 7, "qty": 1}]},
             422, "invalid_field"),
            (self.m, {"kind": "void", "reason": "Wrong item", "lines": [{"line": 0, "qty": 1},
                                                                         {"line": 0, "qty": 1}]},
             422, "invalid_field"),
            (self.m, {"kind": "undo", "reason": "Wrong item"}, 422, "invalid_field"),
            (self.m, {"kind": "void"}, 422, "missing_field"),
            (self.m, {"kind": "discount", "reason": "Loyalty"}, 422, "missing_field"),
            (self.m, {"kind": "discount", "reason": "Loyalty", "percent": 10, "amount": 5},
             422, "invalid_field"),
            (self.m, {"kind": "discount", "reason": "Loyalty", "amount": 999999}, 422,
             "discount_too_large"),
            (self.m, {"kind": "discount", "reason": "Loyalty", "percent": "10"}, 422, "invalid_field"),
            (self.m, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CARD", "amount": 2431, "card": CARD, "approval": "R1"}]},
             422, "refund_wrong_tender"),
            (self.m, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CASH", "amount": 100}]}, 422, "refund_wrong_tender"),
            (self.m, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CARD", "amount": 100, "card": CARD}]},
             422, "missing_field"),
            (self.m, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CARD", "amount": 100, "card": CARD,
                                   "approval": "4111111111111111"}]}, 422, "card_number_refused"),
            # nothing is owed back until a line is refunded or voided
            (self.m, {"kind": "refund", "reason": "Quality",
                      "refunds": [{"tender": "CARD", "amount": 100, "card": CARD, "approval": "R1"}]},
             422, "refund_exceeds_paid"),
            (self.m, {"kind": "refund", "reason": "Quality", "lines": [{"line": 1, "qty": 1}],
                      "refunds": [{"tender": "CARD", "amount": 1000, "card": CARD, "approval": "R1"}]},
             422, "refund_exceeds_paid"),
            (self.m, {"kind": "refund", "reason": "Quality"}, 422, "missing_field"),
            (self.m, {"kind": "void", "reason": "Wrong item", "expected_version": 99}, 409,
             "version_conflict"),
            (self.m, {"kind": "void", "reason": "Wrong item", "approval": "1.2.3"}, 403,
             "approval_invalid"),
        ]
        for who, body, status, code in cases:
            r = self.correct(who, oid, body)
            self.assertEqual((r.status, r.json["error"]["code"]), (status, code), (body, r))
        self.unchanged(oid, before, head)
        # a completed order is refunded, never voided
        r = self.correct(self.m, done["id"], {"kind": "void", "reason": "Wrong item"})
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "order_completed"))
        # no key, no correction
        r = self.m.post("/api/v1/orders/%d/corrections" % oid, {"kind": "void", "reason": "Wrong item"})
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "idempotency_key_required"))
        r = self.client("web").post("/api/v1/orders/%d/corrections" % oid,
                                    {"kind": "void", "reason": "Wrong item"}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 403)
        r = self.correct(self.m, 999999, {"kind": "void", "reason": "Wrong item"})
        self.assertEqual(r.status, 404)
        self.unchanged(oid, before, head)

    def test_refund_by_line_to_the_card_and_replay(self):
        o = self.sale(pay=[{"tender": "CARD", "amount": 2430, "card": CARD, "approval": "A1B2C3"}])
        for a in ("start", "ready", "pickup"):
            self.m.act(o["id"], a)
        body = {"kind": "refund", "reason": "Quality", "lines": [{"line": 1, "qty": 1}],
                "refunds": [{"tender": "CARD", "amount": 378, "card": CARD, "approval": "RF9"}]}
        key = str(uuid.uuid4())
        r = self.correct(self.m, o["id"], body, key=key)
        self.assertEqual(r.status, 200, r)
        v = r.json
        self.assertEqual((v["items"][1]["refunded"], v["refunded"], v["balance"], v["status"]),
                         (1, 378, 0, "COMPLETED"))
        self.assertEqual(v["payments"][-1], {"kind": "refund", "tender": "CARD", "amount": 378,
                                             "card": CARD, "approval": "RF9",
                                             "at": v["payments"][-1]["at"], "by": "m1"})
        # the same request again is the same answer, not a second refund
        again = self.correct(self.m, o["id"], body, key=key)
        self.assertEqual((again.status, again.json), (200, v))
        # and the same line cannot be refunded twice under a new key
        r = self.correct(self.m, o["id"], body)
        self.assertEqual((r.status, r.json["error"]["code"]), (422, "invalid_field"))
        self.assertEqual(len(self.m.get("/api/v1/orders/%d" % o["id"]).json["payments"]), 2)

    # -- approval ------------------------------------------------------

    def test_manager_approval_at_the_cashiers_till(self):
        o = self.sale()
        key = str(uuid.uuid4())
        body = {"kind": "comp", "reason": "Regular", "line": 1}
        # a cashier cannot approve, a wrong PIN is refused
        r = self.approve(o["id"], ["comp"], key, staff="w1")
        self.assertEqual((r.status, r.json["error"]["code"]), (403, "not_a_manager"))
        r = self.k.post("/api/v1/auth/approve", {"staff": "m1", "pin": "0000", "order_id": o["id"],
                                                 "scope": ["comp"], "key": key})
        self.assertEqual((r.status, r.json["error"]["code"]), (401, "invalid_credentials"))
        ap = self.approve(o["id"], ["comp"], key)
        self.assertEqual(ap.status, 200, ap)
        self.assertEqual((ap.json["staff"], ap.json["for"], ap.json["scope"]), ("m1", "k1", ["comp"]))
        token = ap.json["approval"]
        other_order = self.sale()
        before = self.m.get("/api/v1/orders/%d" % o["id"]).json
        head = self.head()
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        for who, b, k, code in (
                (self.k, dict(body, approval=forged), key, "approval_invalid"),
                (self.k, dict(body, approval=token.replace(".1.", ".9.", 1)), key, "approval_invalid"),
                (self.k2, dict(body, approval=token), key, "approval_invalid"),   # someone else's
                (self.k, dict(body, approval=token), str(uuid.uuid4()), "approval_mismatch"),
                (self.k, {"kind": "void", "reason": "Wrong item", "approval": token}, key,
                 "approval_mismatch")):
            r = self.correct(who, o["id"], b, key=k)
            self.assertEqual((r.status, r.json["error"]["code"]), (403, code), (b, r))
        r = self.correct(self.k, other_order["id"], dict(body, approval=token), key=key)
        self.assertEqual((r.status, r.json["error"]["code"]), (403, "approval_mismatch"))
        self.unchanged(o["id"], before, head)
        # the real one goes through, done by the cashier, approved by the
        # manager; the cashier stays logged in
        r = self.correct(self.k, o["id"], dict(body, approval=token), key=key)
        self.assertEqual(r.status, 200, r)
        c = r.json["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["approved_by"]), ("comp", "k1", "m1"))
        self.assertEqual(r.json["items"][1]["net"], 0)
        self.assertEqual(self.k.get("/api/v1/auth/me").status, 200)
        # used once: a new request under another key needs a new approval
        r = self.correct(self.k, o["id"], {"kind": "comp", "reason": "Regular", "line": 0,
                                           "approval": token})
        self.assertEqual((r.status, r.json["error"]["code"]), (403, "approval_mismatch"))
        # a cashier's cancel of a paid order with approval
        key = str(uuid.uuid4())
        ap = self.approve(o["id"], ["cancel"], key).json["approval"]
        r = self.k.post("/api/v1/orders/%d/actions" % o["id"],
                        {"action": "cancel", "reason": "Wrong item", "approval": ap}, key=key)
        self.assertEqual((r.status, r.json["status"]), (200, "CANCELLED"), r)
        self.assertEqual(r.json["corrections"][-1]["approved_by"], "m1")

    def test_discount_with_the_sale(self):
        r = self.k.create(walk_in(items=[{"sku": "B1", "qty": 1,
                                          "discount": {"percent": 10, "reason": "Loyalty"}}],
                                  pay=[{"tender": "CASH", "amount": 1000}]))
        self.assertEqual(r.status, 201, r)
        o = r.json
        self.assertEqual((o["items"][0]["net"], o["subtotal"]), (855, 855))
        self.assertEqual(o["total"], 855 + half_up(855 * 800, 10000))
        self.assertEqual(o["corrections"][0]["at"], o["created_at"])
        # over the cashier's limit: refused, unless a manager approved it
        body = walk_in(items=[{"sku": "B1", "qty": 1}], pay=[{"tender": "CASH", "amount": 1000}],
                       discount={"comp": True, "reason": "Regular"})
        r = self.k.create(body)
        self.assertEqual((r.status, r.json["error"]["code"]), (403, "discount_over_limit"))
        key = str(uuid.uuid4())
        ap = self.k.post("/api/v1/auth/approve", {"staff": "m1", "pin": PINS["m1"], "scope": ["comp"],
                                                  "key": key}).json["approval"]
        r = self.k.create(dict(body, approval=ap), key=key)
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["total"], r.json["change"], r.json["corrections"][0]["approved_by"]),
                         (0, 1000, "m1"))
        r = self.k.create(walk_in(discount={"percent": 5, "reason": "Nope"}))
        self.assertEqual((r.status, r.json["error"]["code"], r.json["error"]["field"]),
                         (422, "unknown_reason", "discount.reason"))

    def test_store_keeps_reasons_and_limits(self):
        a = self.client("a1")
        s = a.get("/api/v1/store").json
        self.assertIn("Wrong item", s["correction_reasons"]["void"])
        self.assertEqual(s["discount_limits"]["CASHIER"], 10)
        r = a.patch("/api/v1/store", {"discount_limits": {"CASHIER": 20}})
        self.assertEqual(r.status, 200, r)
        o = self.sale()
        r = self.correct(self.k, o["id"], {"kind": "discount", "reason": "Loyalty", "percent": 15})
        self.assertEqual(r.status, 200, r)
        for bad in ({"discount_limits": {"CASHIER": 101}}, {"discount_limits": {"GUEST": 5}},
                    {"correction_reasons": {"void": ["x"] * 13}},
                    {"correction_reasons": {"undo": ["x"]}}):
            self.assertEqual(a.patch("/api/v1/store", bad).status, 422, bad)
        self.assertEqual(a.patch("/api/v1/store", {"discount_limits": {"CASHIER": 10}}).status, 200)

    # -- the day adds up -----------------------------------------------

    def test_x_report_reconciles_after_every_kind_of_correction(self):
        self.assertEqual(self.m.post("/api/v1/reports/z", key=str(uuid.uuid4())).status, 201)
        ids = []
        o1 = self.sale(pay=[{"tender": "CASH", "amount": 5000}])                  # kept whole
        o2 = self.sale(pay=[{"tender": "CARD", "amount": 2430, "card": CARD, "approval": "OK1"}])
        o3 = self.sale(items=[{"sku": "DR1", "qty": 3}, {"sku": "B1", "qty": 1}],
                       pay=[{"tender": "CASH", "amount": 2000}])
        o4 = self.sale(items=[{"sku": "B1", "qty": 1, "discount": {"amount": 90, "reason": "Promotion"}}],
                       pay=[{"tender": "CASH", "amount": 1000}])
        o5 = self.sale(pay=[{"tender": "CARD", "amount": 2430, "card": CARD, "approval": "OK2"}])
        ids = [o["id"] for o in (o1, o2, o3, o4, o5)]
        self.c.act(o2["id"], "start")
        # o2: a burger voided after the kitchen started, the card refunded
        v = self.correct(self.m, o2["id"], {"kind": "void", "reason": "Kitchen error",
                                            "lines": [{"line": 0, "qty": 1}]}).json
        r = self.correct(self.m, o2["id"], {"kind": "refund", "reason": "Overcharged",
                                            "refunds": [{"tender": "CARD", "amount": -v["balance"],
                                                         "card": CARD, "approval": "RF1"}]})
        self.assertEqual(r.status, 200, r)
        # o3: a drink comped (approved), then 10 % off the order
        key = str(uuid.uuid4())
        ap = self.approve(o3["id"], ["comp"], key).json["approval"]
        self.assertEqual(self.correct(self.k, o3["id"], {"kind": "comp", "reason": "Regular", "line": 0,
                                                         "approval": ap}, key=key).status, 200)
        d = self.correct(self.k, o3["id"], {"kind": "discount", "reason": "Loyalty", "percent": 10})
        self.assertEqual(d.status, 200, d)
        r = self.correct(self.m, o3["id"], {"kind": "refund", "reason": "Overcharged",
                                            "refunds": [{"tender": "CASH", "amount": -d.json["balance"]}]})
        self.assertEqual(r.status, 200, r)
        # o5: cancelled after payment (its lines voided), the card refunded
        c = self.m.act(o5["id"], "cancel", reason="Wrong order").json
        self.assertEqual(self.correct(self.m, o5["id"], {
            "kind": "refund", "reason": "Wrong order",
            "refunds": [{"tender": "CARD", "amount": -c["balance"], "card": CARD,
                         "approval": "RF2"}]}).status, 200)
        # o1: the fries taken back and refunded in cash
        for a in ("start", "ready", "pickup"):
            self.m.act(o1["id"], a)
        r = self.correct(self.m, o1["id"], {"kind": "refund", "reason": "Quality",
                                            "lines": [{"line": 1, "qty": 1}],
                                            "refunds": [{"tender": "CASH", "amount": 378}]})
        self.assertEqual(r.status, 200, r)

        orders = [self.m.get("/api/v1/orders/%d" % i).json for i in ids]
        x = self.m.get("/api/v1/reports/daily").json

        # every order's figures, worked out here from its lines
        gross = net = tax = 0
        for o in orders:
            base = []
            for it in o["items"]:
                left = it["qty"] - it.get("voided", 0) - it.get("refunded", 0)
                b = it["unit_price"] * left
                d = it.get("discount")
                if d:
                    b -= (half_up(b * d["percent_bp"], 10000) if "percent_bp" in d
                          else min(d["amount"], b))
                base.append(b)
                gross += it["line_total"]
            sub = sum(base)
            d = o.get("discount")
            if d:
                sub -= half_up(sub * d["percent_bp"], 10000) if "percent_bp" in d else min(d["amount"], sub)
            t = half_up(sub * 800, 10000)       # the demo menu: one rate, 8 %
            self.assertEqual((o["subtotal"], o["tax"]), (sub, t), o["id"])
            net += sub
            tax += t
        self.assertEqual(x["gross"], gross)
        self.assertEqual((x["subtotal"], x["tax"], x["total"]), (net, tax, net + tax))
        corr = sum(x["corrections"][k]["net"] for k in ("void", "discount", "comp", "refund"))
        self.assertEqual(x["gross"] + corr, x["subtotal"])
        # the tenders from the ledgers
        want = {"CASH": [0, 0], "CARD": [0, 0]}
        change = 0
        for o in orders:
            change += o["change"]
            for p in o["payments"]:
                want[p["tender"]][0 if p["kind"] == "charge" else 1] += p["amount"]
        tenders = {t["tender"]: t for t in x["tenders"]}
        for t, (charged, refunded) in want.items():
            self.assertEqual((tenders[t]["charged"], tenders[t]["refunded"]), (charged, refunded), t)
        self.assertEqual(tenders["CASH"]["amount"], want["CASH"][0] - want["CASH"][1] - change)
        self.assertEqual(tenders["CARD"]["amount"], want["CARD"][0] - want["CARD"][1])
        self.assertEqual(x["change"], change)
        # to the cent: what was sold is what the drawer and the cards hold
        self.assertEqual((x["owed_back"], x["balance_due"]), (0, 0))
        self.assertEqual(x["total"], tenders["CASH"]["amount"] + tenders["CARD"]["amount"])
        # by reason and by staff
        reasons = {(l["kind"], l["reason"]): l for l in x["by_reason"]}
        self.assertEqual(reasons[("void", "Kitchen error")]["count"], 1)
        self.assertEqual(reasons[("void", "Wrong order")]["count"], 2)     # o5's two lines
        self.assertEqual(reasons[("refund", "Quality")]["amount"], 378)
        promo = orders[3]["corrections"][0]
        self.assertEqual(reasons[("discount", "Promotion")]["amount"], -(promo["net"] + promo["tax"]))
        self.assertEqual(promo["net"], -90)
        staff = {(l["kind"], l["staff"]): l["count"] for l in x["by_staff"]}
        self.assertEqual((staff[("comp", "k1")], staff[("discount", "k1")]), (1, 2))
        self.assertEqual(x["orders"], 4)
        self.assertEqual(x["cancelled"], 1)
        # the Z keeps the same figures
        z = self.m.post("/api/v1/reports/z", key=str(uuid.uuid4())).json
        for f in ("gross", "subtotal", "tax", "total", "tenders", "corrections", "by_reason",
                  "by_staff", "owed_back", "refunded"):
            self.assertEqual(z[f], x[f], f)


if __name__ == "__main__":
    unittest.main()
