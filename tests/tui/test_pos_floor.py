"""pos_floor: the waiter's dispatch board and the manager's tools in the
real brigade-pos (tmux) against a real server: READY orders of every
service type handed over with one key (serve, pickup, dispatch, then
deliver), an online order paid at pickup; a manager cancels an order with a
reason, 86es an item and puts it back, prints the X report and closes the
day with a Z report; a cashier and a waiter are refused all of that."""
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PosTest, wait  # noqa: E402


def walk_in(service, **extra):
    o = {"source": "POS", "service": service, "items": [{"sku": "B1", "qty": 1}],
         "payments": [{"tender": "CASH", "amount": 2000}]}
    o.update(extra)
    return o


class Floor(PosTest):

    def make_ready(self, body):
        k1 = self.rig.api("k1")
        r = k1.create(body)
        self.assertEqual(r.status, 201, r)
        o = r.json
        chef = self.rig.api("c1")
        for act in ("start", "ready"):
            r = chef.act(o["id"], act, key=str(uuid.uuid4()))
            self.assertEqual(r.status, 200, r)
        return r.json

    def status(self, oid):
        r = self.rig.api("m1").get("/api/v1/orders/%d" % oid)
        return r.json["status"]

    def test_dispatch_every_service_and_pay_at_pickup(self):
        dine = self.make_ready(walk_in("DINE_IN", table="T9"))
        pick = self.make_ready(walk_in("PICKUP", customer={"name": "Pat", "phone": "",
                                                           "address": ""}))
        dlv = self.make_ready(walk_in("DELIVERY", customer={"name": "Dee", "phone": "555-0100",
                                                            "address": "1 Main St"}))
        web = self.rig.api("web").create({"source": "ONLINE", "service": "PICKUP",
                                          "customer": {"name": "Webb", "phone": "",
                                                       "address": ""},
                                          "items": [{"sku": "DR1", "qty": 2}]})
        self.assertEqual(web.status, 201, web)
        web = web.json
        pos = self.pos("w1", args=["--screen", "dispatch"])
        pos.wait_for("READY: dine-in (serve)")
        pos.wait_for("#%-4d table T9" % dine["number"])
        pos.wait_for("ONLINE, NOT PAID (pay at pickup)")
        # the board is ordered dine-in, pickup, delivery, out, pending: the
        # first row is the dine-in order
        pos.send("Enter")
        wait(lambda: self.status(dine["id"]) == "COMPLETED", "dine-in served")
        pos.wait_gone("table T9")
        pos.send("Enter")
        wait(lambda: self.status(pick["id"]) == "COMPLETED", "pickup handed over")
        pos.wait_gone("Pat")
        # the delivery: its phone and address on its row, and in full under
        # the board when it is selected
        pos.wait_for("Deliver #%d to Dee, 555-0100:" % dlv["number"])
        pos.wait_for("555-0100  1 Main St", timeout=5)
        pos.send("Enter")
        wait(lambda: self.status(dlv["id"]) == "OUT_FOR_DELIVERY", "delivery dispatched")
        pos.wait_for("OUT FOR DELIVERY (1)")
        pos.send("Enter")
        wait(lambda: self.status(dlv["id"]) == "COMPLETED", "delivered")
        pos.wait_gone("Dee")
        # the online order, paid here in cash
        pos.send("Enter")
        pos.wait_for("Online order #%d: pay at pickup" % web["number"])
        pos.send("Enter")
        wait(lambda: self.status(web["id"]) == "PAID", "online order paid")
        self.rig.printer.wait_text("#%d" % web["number"])
        o = self.rig.api("m1").get("/api/v1/orders/%d" % web["id"]).json
        # the ledger entry also says when and by whom (kind, at, by)
        self.assertEqual([{k: p[k] for k in ("tender", "amount")} for p in o["payments"]],
                         [{"tender": "CASH", "amount": 540}])
        self.assertEqual(o["payments"][0]["by"], "w1")

    def test_dispatch_shows_the_whole_address(self):
        address = ("Flat 12, Residence des Tilleuls, 148 avenue du General Leclerc, "
                   "entrance B by the courtyard, code 4711, third floor on the left, "
                   "ring twice, 69007 Lyon")
        dlv = self.make_ready(walk_in("DELIVERY", customer={"name": "Zoe", "phone": "+33 6 12 34 56 78",
                                                            "address": address}))
        pos = self.pos("w1", args=["--screen", "dispatch"])
        pos.wait_for("Deliver #%d to Zoe, +33 6 12 34 56 78:" % dlv["number"])
        screen = pos.capture()
        for part in ("Flat 12, Residence des Tilleuls", "entrance B by the courtyard",
                     "ring twice, 69007 Lyon"):
            self.assertIn(part, screen)
        pos.send("Enter")                       # sent out for delivery
        wait(lambda: self.status(dlv["id"]) == "OUT_FOR_DELIVERY", "delivery dispatched")
        pos.send("Enter")
        wait(lambda: self.status(dlv["id"]) == "COMPLETED", "delivered")

    def test_manager_cancel_86_and_reports(self):
        target = self.rig.api("k1").create(walk_in("PICKUP")).json
        pos = self.pos("m1")
        # cancel with a reason, from today's orders
        pos.send("F4")
        pos.wait_for("orders today")
        pos.type("#%d" % target["number"])
        pos.wait_for("1 of ")
        pos.send("Enter")
        pos.wait_for("History")
        pos.send("C-k")
        pos.wait_for("Why is it cancelled?")
        pos.type("customer left")
        pos.send("Enter")
        wait(lambda: self.status(target["id"]) == "CANCELLED", "the cancel")
        o = self.rig.api("m1").get("/api/v1/orders/%d" % target["id"]).json
        self.assertEqual(o["cancel_reason"], "customer left")
        # 86 Fries, then back on
        pos.send("F6")
        pos.wait_for("86 board")
        pos.type("S")                           # jumps to S1
        pos.send("Enter")
        menu = lambda: {i["sku"]: i["available"] for i in
                        self.rig.api("m1").get("/api/v1/menu").json["items"]}
        wait(lambda: menu()["S1"] is False, "Fries 86'd")
        pos.wait_for("86 (off)")
        pos.send("Enter")
        wait(lambda: menu()["S1"] is True, "Fries back on")
        # X report on screen and on paper, then the Z close
        # the cancelled sale was paid: its lines are voids by the cancel's
        # reason, and its money is owed back until it is refunded
        pos.send("F7")
        pos.wait_for("X REPORT")
        pos.wait_for("Owed back to guests")
        pos.wait_for("customer left")
        pos.type("p")
        self.rig.printer.wait_text("X REPORT")
        self.rig.printer.wait_text("Owed back to guests")
        self.rig.printer.wait_text("Voids (1)")
        pos.type("z")
        pos.wait_for("Close the day with a Z report?")
        pos.type("y")
        pos.wait_for("Z REPORT")
        self.rig.printer.wait_text("Z REPORT")

    def test_others_are_refused(self):
        target = self.rig.api("k1").create(walk_in("PICKUP")).json
        pos = self.pos("k1")
        pos.send("F4")
        pos.type("#%d" % target["number"])
        pos.wait_for("1 of ")
        pos.send("Enter")
        pos.wait_for("History")
        pos.send("C-k")
        pos.wait_for("A CASHIER may not cancel order")
        pos.send("F7")
        pos.wait_for("A CASHIER may not reports")
        self.rig.drop(pos)
        waiter = self.pos("w1")
        waiter.send("F6")
        waiter.wait_for("A WAITER may not 86")
        self.assertEqual(self.status(target["id"]), "PAID")


if __name__ == "__main__":
    unittest.main()
