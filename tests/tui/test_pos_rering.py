"""pos_rering: a sale the server refused, rung again from needs attention
(^O), keeps what the guest was promised: its line discounts, its comps and
its order discount, each with its reason, so the new ticket's total is the
refused sale's. The manager's approval the refused sale carried is not
reused (it was for that sale's key, and may have expired): a discount over
the limit of the person at the till is approved again, by a manager's code
and PIN, before the ticket goes to tender; without it the ticket does not
go."""
import json
import os
import re
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PosTest, wait  # noqa: E402


def ticket_total(pos):
    """The TOTAL the ticket pane shows now (its last word)."""
    screen = pos.wait_for(r"TOTAL\s+[\d.]+", regex=True)
    return re.findall(r"TOTAL\s+([\d.]+)", screen)[-1]


class Rering(PosTest):

    def set_available(self, sku, available):
        db = sqlite3.connect(self.rig.server.db)
        (doc,) = db.execute("SELECT doc FROM menu").fetchone()
        doc = json.loads(doc)
        next(i for i in doc["items"] if i["sku"] == sku)["available"] = available
        db.execute("UPDATE menu SET doc = ?", (json.dumps(doc),))
        db.commit()
        db.close()

    def set_limit(self, role, percent):
        c = self.rig.api("a1")
        r = c.patch("/api/v1/store", {"discount_limits": {role: percent}})
        c.close()
        self.assertEqual(r.status, 200, r)

    def manager_logs_in(self, pos, staff="m1", pin="4444"):
        pos.send("F10")
        pos.wait_for("Staff code")
        pos.type(staff)
        pos.send("Enter")
        pos.type(pin)
        pos.send("Enter")
        pos.wait_for("Logged in: %s (MANAGER)" % staff)

    def discount(self, pos, key, title, value=None, manager=False):
        pos.send(key)
        pos.wait_for(title)
        if value is not None:
            pos.send("Tab")
            pos.type(value)
        pos.send("Enter")
        if manager:
            pos.wait_for("Manager code")
            pos.type("m1")
            pos.send("Tab")
            pos.type("4444")
            pos.send("Enter")
        return pos.wait_for(r"the ticket is now [\d.]+", regex=True)

    def test_refused_offline_sale_rung_again_with_its_discounts(self):
        pos = self.pos("k1", terminal="tillR")
        pos.ring("B1")
        self.discount(pos, "C-d", "Discount Classic Burger", "10")
        pos.ring("S1")
        # a comp is over a cashier's limit: a manager approves it now
        self.discount(pos, "C-g", "Comp", manager=True)
        pos.wait_for("Comp approved by m1")
        pos.ring("D2")
        self.discount(pos, "C-e", "Discount the whole ticket", "5")
        pos.wait_for("Discount 5% Loyalty")
        total = ticket_total(pos)
        before = len(self.rig.orders())
        # the server goes away; the sale is queued
        port = self.rig.server.port
        self.addCleanup(lambda: self.rig.server.proc is not None or
                        self.rig.server.start(port=port))
        self.rig.server.stop()
        pos.wait_for("OFFLINE")
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order tillR-1 (queued)")
        # the brownie is 86'd meanwhile: refused on replay
        self.set_available("D2", False)
        self.rig.server.start(port=port)
        pos.wait_for("REFUSED", timeout=60)
        self.assertEqual(len(self.rig.orders()), before)
        # a manager puts it back on the ticket once brownies are back
        self.manager_logs_in(pos)
        api = self.rig.api("m1")
        self.assertEqual(api.patch("/api/v1/menu/items/D2", {"available": True}).status, 200)
        api.close()
        pos.send("F5")
        pos.wait_for("sale:tillR-1")
        pos.send("C-o")
        pos.wait_for("back on the ticket")
        pos.wait_for("- 10% Loyalty")
        pos.wait_for("- comp Regular")
        pos.wait_for("Discount 5% Loyalty")
        self.assertEqual(ticket_total(pos), total)
        # a manager may give these alone: tender at once
        pos.send("Enter")
        pos.wait_for("exact cash")
        pos.send("Enter")
        o = wait(lambda: [x for x in self.rig.orders() if x["terminal"] == "tillR"],
                 "the sale rung again")[0]
        self.assertEqual("%d.%02d" % (o["total"] // 100, o["total"] % 100), total)
        self.assertEqual([i["sku"] for i in o["items"]], ["B1", "S1", "D2"])
        self.assertEqual(o["items"][0]["discount"]["percent_bp"], 1000)
        self.assertTrue(o["items"][1]["discount"]["comp"])
        self.assertNotIn("discount", {k for k, v in o["items"][2].items() if v})
        self.assertEqual(o["discount"]["percent_bp"], 500)
        kinds = [(c["kind"], c.get("line"), c["reason"], c["by"], c.get("approved_by"))
                 for c in o["corrections"]]
        self.assertEqual(sorted(kinds, key=lambda k: -1 if k[1] is None else k[1]),
                         [("discount", None, "Loyalty", "m1", None),
                          ("discount", 0, "Loyalty", "m1", None),
                          ("comp", 1, "Regular", "m1", None)])
        self.assertEqual(len(self.rig.orders()), before + 1)

    def test_rung_again_over_the_limit_asks_a_managers_approval(self):
        self.addCleanup(self.set_limit, "MANAGER", 100)
        pos = self.pos("k1", terminal="tillS")
        pos.ring("B1", "D1")
        self.discount(pos, "C-e", "Discount the whole ticket", "50", manager=True)
        pos.wait_for("approved by m1")
        total = ticket_total(pos)
        # the store lowers a manager's limit before the sale goes: the
        # approval no longer covers it and the server refuses the sale
        self.set_limit("MANAGER", 20)
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("REFUSED")
        pos.wait_for("discount_over_limit")
        before = len(self.rig.orders())
        self.manager_logs_in(pos)
        pos.send("F5")
        pos.wait_for("sale:tillS-1")
        pos.send("C-o")
        pos.wait_for("back on the ticket")
        pos.wait_for("Discount 50% Loyalty")
        self.assertEqual(ticket_total(pos), total)
        # over this manager's limit now: the ticket does not go to tender
        # until someone who may give it approves it here
        pos.send("Enter")
        pos.wait_for("Manager code")
        pos.send("Escape")
        pos.wait_for("PLU>")
        self.assertNotIn("exact cash", pos.capture())
        self.assertEqual(len(self.rig.orders()), before)
        pos.send("Enter")
        pos.wait_for("Manager code")
        # a manager whose own limit does not cover it is not enough: the
        # sale would only be refused again
        pos.type("m1")
        pos.send("Tab")
        pos.type("4444")
        pos.send("Enter")
        pos.wait_for("m1 may not give these discounts either")
        self.assertNotIn("exact cash", pos.capture())
        pos.send("BSpace")
        pos.send("BSpace")
        pos.type("a1")
        pos.send("Tab")
        pos.type("5555")
        pos.send("Enter")
        pos.wait_for("approved by a1")
        pos.wait_for("exact cash")
        pos.send("Enter")                       # exact cash on the tender screen
        o = wait(lambda: [x for x in self.rig.orders() if x["terminal"] == "tillS"],
                 "the sale rung again")[0]
        self.assertEqual("%d.%02d" % (o["total"] // 100, o["total"] % 100), total)
        self.assertEqual(o["discount"]["percent_bp"], 5000)
        c = o["corrections"][-1]
        self.assertEqual((c["kind"], c["reason"], c["by"], c["approved_by"]),
                         ("discount", "Loyalty", "m1", "a1"))


if __name__ == "__main__":
    unittest.main()
