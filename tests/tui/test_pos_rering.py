"""pos_rering: a sale the server refused, rung again from needs attention
(^O), keeps what the guest was promised: its line discounts, its comps and
its order discount, each with its reason, so the new ticket's total is the
refused sale's. The manager's approval the refused sale carried is not
reused (it was for that sale's key, and may have expired): a discount over
the limit of the person at the till is approved again, by a manager's code
and PIN, before the ticket goes to tender; without it the ticket does not
go.

The guest paid when the sale was first rung: its payments come with it as
already taken (the cash is in the drawer, the card was charged), shown as
"Paid before", sent with the new sale as they were recorded and never
charged again; the tender screen asks only for what is still due, or gives
back the change owed. A card paid beyond a cheaper ticket is not change:
the sale is held back with a message until the ticket makes it up. A
cleared re-rung ticket leaves the refused sale in needs attention."""
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
        # a manager may give these alone: tender at once, and what the
        # guest paid then pays it
        pos.send("Enter")
        pos.wait_for("Nothing more is due")
        paper = len(self.rig.printer.read_text())
        raw = len(self.rig.printer.read_raw())
        pos.send("Enter")
        o = wait(lambda: [x for x in self.rig.orders() if x["terminal"] == "tillR"],
                 "the sale rung again")[0]
        # its cash went into the drawer then, and no change is due: the
        # drawer stays shut
        wait(lambda: "cut ---" in self.rig.printer.read_text()[paper:], "the receipt")
        self.assertNotIn(b"\x1bp\x00", self.rig.printer.read_raw()[raw:])
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

    # ---- the payments the guest made at the refused sale ----

    def refused_offline(self, pos, terminal, sku, pay, back=False):
        """Ring the ticket typed before while the server is away, pay with
        pay(pos), have sku 86'd meanwhile so the sale is refused on replay,
        then (back: with sku on the menu again) put the sale back on the
        ticket as a manager."""
        port = self.rig.server.port
        # the item is back for the next test (after the server is)
        self.addCleanup(self.back_on_menu, sku)
        self.addCleanup(lambda: self.rig.server.proc is not None or
                        self.rig.server.start(port=port))
        self.rig.server.stop()
        pos.wait_for("OFFLINE")
        pos.send("Enter")
        pos.wait_for("Amount>")
        pay(pos)
        pos.wait_for("Order %s-1 (queued)" % terminal)
        self.set_available(sku, False)
        self.rig.server.start(port=port)
        pos.wait_for("REFUSED", timeout=60)
        self.manager_logs_in(pos)
        if back:
            self.back_on_menu(sku)
        pos.send("F5")
        pos.wait_for("sale:%s-1" % terminal)
        pos.send("C-o")
        pos.wait_for("back on the ticket")

    def back_on_menu(self, sku):
        api = self.rig.api("m1")
        self.assertEqual(api.patch("/api/v1/menu/items/%s" % sku, {"available": True}).status,
                         200)
        api.close()

    def sale_of(self, terminal):
        return wait(lambda: [x for x in self.rig.orders() if x["terminal"] == terminal],
                    "the sale rung again")

    def card_on_terminal(self, pos, amount, code, last4):
        pos.type("c")
        pos.wait_for("Charge %s on the card terminal" % amount)
        pos.type(code)
        pos.send("Tab")
        pos.type(last4)
        pos.send("Enter")
        pos.wait_for("approved, code %s" % code)

    def card_sales_started(self, pos):
        with open(pos.log_path, errors="replace") as f:
            return len(re.findall(r"card sale of \d+ started", f.read()))

    def test_cash_sale_rung_again_cheaper_gives_the_change(self):
        pos = self.pos("k1", terminal="tillT")
        pos.ring("B1", "D2")                    # 15.00 + 1.20 tax = 16.20

        def cash_20(p):
            p.type("20")
            p.send("Enter")
            p.wait_for("CHANGE 3.80")
        self.refused_offline(pos, "tillT", "D2", cash_20)
        # the brownie is gone: ice cream instead, 15.12 all told
        pos.wait_for("1 x Classic Burger")
        self.assertNotIn("Brownie", pos.capture())
        paper = len(self.rig.printer.read_text())
        raw = len(self.rig.printer.read_raw())
        pos.ring("D3")
        pos.wait_for("1 x Ice Cream")
        self.assertEqual(ticket_total(pos), "15.12")
        pos.wait_for(r"Paid before: Cash\s+20\.00", regex=True)
        pos.wait_for(r"OWED BACK\s+1\.08", regex=True)
        pos.send("Enter")
        pos.wait_for("Nothing more is due: Enter sends the sale")
        pos.wait_for(r"Change given before\s+-3\.80", regex=True)
        pos.wait_for(r"OWED BACK: change from the drawer\s+1\.08", regex=True)
        pos.wait_for(r"DUE\s+0\.00", regex=True)
        pos.send("Enter")
        pos.wait_for("CHANGE 1.08")
        (o,) = self.sale_of("tillT")
        self.assertEqual([i["sku"] for i in o["items"]], ["B1", "D3"])
        self.assertEqual(o["total"], 1512)
        self.assertEqual([(p["tender"], p["amount"], p["kind"]) for p in o["payments"]],
                         [("CASH", 2000, "charge")])
        # the ledger: 20.00 in, 3.80 back then and 1.08 now
        self.assertEqual(o["change"], 488)
        self.assertEqual(o["balance"], 0)
        text = wait(lambda: (lambda t: t if re.search(r"Change\s+\$?4\.88", t) else None)(
            self.rig.printer.read_text()[paper:]), "the receipt of the sale rung again")
        self.assertRegex(text, r"Cash\s+\$?20\.00")
        self.assertRegex(text, r"Change\s+\$?4\.88")
        self.assertRegex(text, r"TOTAL\s+\$?15\.12")
        # change is given: the drawer opens for it
        wait(lambda: b"\x1bp\x00" in self.rig.printer.read_raw()[raw:], "the drawer kick")
        pos.send("F5")
        pos.wait_for("Nothing refused")

    def test_card_sale_rung_again_same_total_asks_nothing(self):
        pos = self.pos("k1", terminal="tillU")
        pos.ring("B2")                          # 10.50 + 0.84 = 11.34
        # the cheeseburger is back on the menu: the same ticket again
        self.refused_offline(pos, "tillU", "B2",
                             lambda p: self.card_on_terminal(p, "11.34", "AB12CD", "1234"),
                             back=True)
        self.assertEqual(self.card_sales_started(pos), 1)
        pos.wait_for("1 x Cheeseburger")
        self.assertEqual(ticket_total(pos), "11.34")
        pos.wait_for(r"Paid before: Card CARD \*\*\*\*1234 \(approval AB12CD\)\s+11\.34",
                     regex=True)
        # it cannot be taken off, nor go with a cleared ticket unseen
        paper = len(self.rig.printer.read_text())
        raw = len(self.rig.printer.read_raw())
        pos.send("Enter")
        pos.wait_for("Nothing more is due: Enter sends the sale")
        pos.send("DC")
        pos.wait_for("That was paid at the refused sale")
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        (o,) = self.sale_of("tillU")
        self.assertEqual(o["total"], 1134)
        self.assertEqual(o["payments"], [{"tender": "CARD", "amount": 1134,
                                          "approval": "AB12CD",
                                          "card": {"brand": "CARD", "last4": "1234"},
                                          "kind": "charge", "at": o["payments"][0]["at"],
                                          "by": "m1"}])
        self.assertEqual(o["change"], 0)
        # the card was not read again
        self.assertEqual(self.card_sales_started(pos), 1)
        self.rig.printer.wait_text("Approved, code AB12CD", count=2)
        text = self.rig.printer.read_text()[paper:]
        self.assertRegex(text, r"Card CARD \*\*\*\*1234\s+\$?11\.34")
        wait(lambda: "cut ---" in self.rig.printer.read_text()[paper:], "the receipt")
        self.assertNotIn(b"\x1bp\x00", self.rig.printer.read_raw()[raw:])
        pos.send("F5")
        pos.wait_for("Nothing refused")

    def test_rung_again_dearer_asks_only_the_difference(self):
        pos = self.pos("k1", terminal="tillV")
        pos.ring("B1", "S1")                    # 13.00 + 1.04 = 14.04

        def exact(p):
            p.send("Enter")
        self.refused_offline(pos, "tillV", "S1", exact)
        pos.wait_for("1 x Classic Burger")
        self.assertNotIn("Fries", pos.capture())
        # cleared, the refused sale and its payment stay in needs attention
        pos.send("C-x")
        pos.wait_for("the refused sale and what was paid for it stay in needs attention")
        pos.send("F5")
        pos.wait_for("sale:tillV-1")
        pos.send("C-o")
        pos.wait_for("back on the ticket")
        pos.wait_for(r"Paid before: Cash\s+14\.04", regex=True)
        pos.ring("M1")                          # salmon: 26.00 + 2.08 = 28.08
        pos.wait_for("1 x Grilled Salmon")
        self.assertEqual(ticket_total(pos), "28.08")
        pos.wait_for(r"STILL DUE\s+14\.04", regex=True)
        pos.send("Enter")
        pos.wait_for(r"DUE\s+14\.04", regex=True)
        self.card_on_terminal(pos, "14.04", "ZX9Q01", "4321")
        pos.wait_for("CHANGE 0.00")
        (o,) = self.sale_of("tillV")
        self.assertEqual(o["total"], 2808)
        self.assertEqual([(p["tender"], p["amount"], p.get("approval")) for p in o["payments"]],
                         [("CASH", 1404, None), ("CARD", 1404, "ZX9Q01")])
        self.assertEqual(o["change"], 0)
        self.rig.printer.wait_text("Approved, code ZX9Q01")
        self.assertEqual(self.card_sales_started(pos), 1)

    def test_card_paid_more_than_the_ticket_rung_again_is_not_sent(self):
        pos = self.pos("k1", terminal="tillW")
        pos.ring("B1", "D2")                    # 15.00 + 1.20 = 16.20
        self.refused_offline(pos, "tillW", "D2",
                             lambda p: self.card_on_terminal(p, "16.20", "QW12ER", "5678"))
        pos.wait_for("1 x Classic Burger")
        self.assertEqual(ticket_total(pos), "10.26")
        before = len(self.rig.orders())
        # a card is not given back as change, and a sale carries no refund
        pos.wait_for(r"OWED BACK\s+5\.94", regex=True)
        pos.send("Enter")
        pos.wait_for(r"OWED BACK on the card\s+5\.94", regex=True)
        pos.wait_for("A card is not given back as change")
        pos.send("Enter")
        pos.wait_for("The card paid before is 5.94 more than this ticket")
        self.assertEqual(len(self.rig.orders()), before)
        # made up with a cheesecake (6.48): 0.54 more in cash
        pos.send("Escape")
        pos.wait_for("PLU>")
        pos.ring("D1")
        pos.wait_for(r"STILL DUE\s+0\.54", regex=True)
        pos.send("Enter")
        pos.wait_for(r"DUE\s+0\.54", regex=True)
        pos.send("Enter")                       # exact cash
        pos.wait_for("CHANGE 0.00")
        (o,) = self.sale_of("tillW")
        self.assertEqual(o["total"], 1674)
        self.assertEqual([(p["tender"], p["amount"], p.get("approval")) for p in o["payments"]],
                         [("CARD", 1620, "QW12ER"), ("CASH", 54, None)])
        self.assertEqual(self.card_sales_started(pos), 1)

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
        self.assertNotIn("Nothing more is due", pos.capture())
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
        self.assertNotIn("Nothing more is due", pos.capture())
        pos.send("BSpace")
        pos.send("BSpace")
        pos.type("a1")
        pos.send("Tab")
        pos.type("5555")
        pos.send("Enter")
        pos.wait_for("approved by a1")
        pos.wait_for("Nothing more is due")     # the cash paid then pays it
        pos.send("Enter")
        o = wait(lambda: [x for x in self.rig.orders() if x["terminal"] == "tillS"],
                 "the sale rung again")[0]
        self.assertEqual("%d.%02d" % (o["total"] // 100, o["total"] % 100), total)
        self.assertEqual(o["discount"]["percent_bp"], 5000)
        c = o["corrections"][-1]
        self.assertEqual((c["kind"], c["reason"], c["by"], c["approved_by"]),
                         ("discount", "Loyalty", "m1", "a1"))


if __name__ == "__main__":
    unittest.main()
