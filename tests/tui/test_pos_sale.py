"""pos_sale: the cashier's flow in the real brigade-pos (tmux) against a real
server and the virtual printer: PLU entry, 3*, modifiers and notes, phone
delivery details, exact cash with the drawer kick, change, next round
amounts, card by keyboard wedge on the external terminal (brand and last
4 only, the card number nowhere, the approval code typed), a bad swipe, a
split, a short payment, unknown and 86'd PLUs,
a wrong PIN, reprint, and the kitchen ticket on its own printer."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import (PAN_MC, PAN_VISA, SWIPE_BAD, SWIPE_MC, SWIPE_VISA,  # noqa: E402
                         PosTest, wait)

DRAWER_KICK = b"\x1bp\x00"     # ESC p, pin 2 (m = 0), then the pulse times


class Sale(PosTest):
    kitchen = True

    def server_order(self, number):
        for o in self.rig.orders():
            if o["number"] == number:
                return o
        raise AssertionError("no order #%d on the server" % number)

    def done_number(self, pos):
        """The server's number shown after a sale."""
        import re
        screen = pos.wait_for(r"Order #(\d+)", regex=True)
        return int(re.search(r"Order #(\d+)", screen).group(1))

    def test_walk_in_exact_cash_receipt_and_drawer(self):
        pos = self.pos("k1", kitchen=True)
        kicks = self.rig.printer.read_raw().count(DRAWER_KICK)
        receipts = self.rig.printer.read_text().count("Thank you!")
        pos.ring("B1", "S1", "D1")
        pos.wait_for(r"TOTAL +20\.52", regex=True)
        pos.send("Enter")                      # to tender
        pos.wait_for("Amount>")
        pos.send("Enter")                      # exact cash
        pos.wait_for("CHANGE 0.00")
        n = self.done_number(pos)
        paper = self.rig.printer.wait_text("Thank you!", receipts + 1)
        receipt = paper[paper.rfind("#%d" % n) - 200:]
        for line in ("1 x Classic Burger", "1 x Fries", "1 x Cheesecake", "$20.52", "Cash",
                     "Tax 8%", "k1"):
            self.assertIn(line, receipt)
        wait(lambda: self.rig.printer.read_raw().count(DRAWER_KICK) == kicks + 1, "a drawer kick")
        o = self.server_order(n)
        self.assertEqual(o["status"], "PAID")
        self.assertEqual(o["source"], "POS")
        self.assertEqual(o["total"], 2052)
        self.assertEqual(o["terminal"], pos.terminal)
        self.assertEqual([i["sku"] for i in o["items"]], ["B1", "S1", "D1"])
        # the kitchen gets its ticket on its own printer
        kitchen = self.rig.kitchen.wait_text("#%d" % n)
        self.assertIn("1 x Classic Burger", kitchen)

    def test_change_next_round_and_reprint(self):
        pos = self.pos("k1")
        pos.ring("3*B1")                        # 3 x 9.50 = 28.50 + 2.28 = 30.78
        pos.wait_for("3 x Classic Burger")
        pos.send("Enter")
        pos.wait_for("a 31.00   s 35.00   d 40.00   f 50.00")
        pos.type("d")                           # 40.00 handed over
        pos.wait_for("CHANGE 9.22")
        n = self.done_number(pos)
        paper = self.rig.printer.wait_text("Change                                     $9.22")
        self.assertIn("Cash                                      $40.00", paper)
        copies = paper.count("#%d" % n)
        pos.send("C-r")                         # reprint the last receipt
        pos.wait_for("Reprinting the last receipt")
        self.rig.printer.wait_text("#%d" % n, copies + 1)
        self.rig.printer.wait_text("COPY")
        self.assertEqual(self.server_order(n)["change"], 922)

    def test_typed_cash_short_then_rest(self):
        pos = self.pos("k1")
        pos.ring("S1")                          # 3.50 + 0.28 = 3.78
        pos.send("Enter")
        pos.type("2")
        pos.send("Enter")
        pos.wait_for("Cash taken: 1.78 still due")
        pos.wait_for(r"DUE +1\.78", regex=True)
        count = len(self.rig.orders())
        pos.send("Enter")                       # the rest, exact
        pos.wait_for("CHANGE 0.00")
        self.done_number(pos)
        self.assertEqual(len(self.rig.orders()), count + 1)

    def card_payments(self, o):
        return [{k: p[k] for k in ("tender", "amount", "card", "approval") if k in p}
                for p in o["payments"]]

    def test_card_by_wedge_keeps_only_brand_and_last4(self):
        pos = self.pos("k1")
        pos.ring("B2")                          # 10.50 + 0.84 = 11.34
        pos.send("Enter")
        pos.type("c")
        pos.wait_for("Charge 11.34 on the card terminal")
        pos.type(SWIPE_VISA)
        pos.send("Enter")
        pos.wait_for("Card VISA ****1111 read")
        pos.type("A1B2C3")                      # the terminal's approval code
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        n = self.done_number(pos)
        paper = self.rig.printer.wait_text("Card VISA ****1111")
        self.assertNotIn(PAN_VISA, paper)
        o = self.server_order(n)
        self.assertEqual(self.card_payments(o), [{"tender": "CARD", "amount": 1134,
                                                  "card": {"brand": "VISA", "last4": "1111"},
                                                  "approval": "A1B2C3"}])
        self.assertCardNumberNowhere(pos, PAN_VISA)

    def test_bad_swipe_then_split_card_and_cash(self):
        pos = self.pos("k1")
        pos.ring("M2")                          # 24.00 + 1.92 = 25.92
        pos.send("Enter")
        pos.type(SWIPE_BAD)
        pos.send("Enter")
        pos.wait_for("swipe again")
        pos.wait_for(r"DUE +25\.92", regex=True)
        pos.type("10")
        pos.type(SWIPE_MC)                      # a swipe on the tender screen starts the card
        pos.send("Enter")
        pos.wait_for("Charge 10.00 on the card terminal")
        pos.wait_for("< MASTERCARD >")
        pos.type("77AB")
        pos.send("Enter")
        pos.wait_for("Card MASTERCARD ****4444: 10.00 approved, code 77AB")
        pos.wait_for(r"DUE +15\.92", regex=True)
        pos.type("20")
        pos.send("Enter")
        pos.wait_for("CHANGE 4.08")
        n = self.done_number(pos)
        o = self.server_order(n)
        self.assertEqual(self.card_payments(o), [
            {"tender": "CARD", "amount": 1000, "card": {"brand": "MASTERCARD", "last4": "4444"},
             "approval": "77AB"},
            {"tender": "CASH", "amount": 2000}])
        self.assertEqual(o["change"], 408)
        self.assertNotIn(PAN_MC, self.rig.printer.read_text())

    def test_bad_entries_change_nothing(self):
        pos = self.pos("k1")
        api = self.rig.api("m1")
        r = api.patch("/api/v1/menu/items/S3", {"available": False})
        self.assertEqual(r.status, 200)
        self.addCleanup(lambda: api.patch("/api/v1/menu/items/S3", {"available": True}))
        pos.type("/onion")                      # the 86 reached this till
        pos.wait_for("S3    Onion Rings  [86]")
        pos.send("Escape")
        pos.ring("ZZ9")
        pos.wait_for("ZZ9: Unknown PLU")
        pos.ring("S3")
        pos.wait_for("S3: 86'd: that item is off the menu right now")
        pos.ring("0*B1")
        pos.wait_for("Quantity must be from 1 to 99")
        pos.wait_for("(empty: type a PLU and Enter)")
        pos.send("Enter")                       # tender with nothing on the ticket
        pos.wait_for("The ticket is empty")
        pos.type("/onion")
        pos.wait_for("S3    Onion Rings  [86]")
        pos.send("Enter")
        pos.wait_for("86'd")
        pos.send("Escape")
        pos.wait_for("(empty: type a PLU and Enter)")

    def test_phone_delivery_with_modifiers_note_and_search(self):
        pos = self.pos("k1")
        pos.ring("2*B1")
        pos.send("C-o")                         # modifiers of the selected line
        pos.wait_for("[ ] Extra cheese")
        pos.send("Space")
        pos.wait_for("[x] Extra cheese")
        pos.send("Escape")
        pos.send("C-n")
        pos.type("no pickles")
        pos.send("Enter")
        pos.wait_for("! no pickles")
        pos.type("/lemon")
        pos.wait_for("DR2   Lemonade")
        pos.send("Enter")
        pos.wait_for("1 x Lemonade")
        pos.send("Tab")                         # PICKUP -> DELIVERY
        pos.wait_for("DELIVERY")
        pos.send("C-p")                         # phone order
        pos.wait_for("Phone | DELIVERY")
        pos.send("Enter")                       # refused: no address yet
        pos.wait_for("Delivery needs a phone and an address")
        pos.send("C-t")
        pos.type("Dee")
        pos.send("Enter")
        pos.type("555-0100")
        pos.send("Enter")
        pos.type("1 Main St")
        pos.send("Enter")
        pos.wait_for("Phone | DELIVERY Dee 555-0100 1 Main St")
        pos.send("Enter")
        pos.send("Enter")
        n = self.done_number(pos)
        o = self.server_order(n)
        self.assertEqual(o["source"], "PHONE")
        self.assertEqual(o["service"], "DELIVERY")
        self.assertEqual(o["customer"], {"name": "Dee", "phone": "555-0100", "address": "1 Main St"})
        b1 = o["items"][0]
        self.assertEqual((b1["sku"], b1["qty"], b1["note"]), ("B1", 2, "no pickles"))
        self.assertEqual([m["code"] for m in b1["modifiers"]], ["XCH"])
        self.assertEqual(o["items"][1]["sku"], "DR2")
        # 2 x 10.50 + 3.00 = 24.00 + 1.92 tax
        self.assertEqual(o["total"], 2592)

    def test_wrong_pin_then_login(self):
        pos = self.pos(None, wait_menu=False)
        pos.wait_for("Staff code")
        pos.type("k1")
        pos.send("Enter")
        pos.type("9999")
        pos.send("Enter")
        pos.wait_for("Wrong staff code or PIN")
        pos.type("1111")
        pos.send("Enter")
        pos.wait_for("Logged in: k1 (CASHIER)")
        pos.wait_for("Classic Burger")
        # a cashier has no dispatch, 86 or reports
        pos.send("F3")
        pos.wait_for("A CASHIER may not")
        pos.send("F6")
        pos.wait_for("A CASHIER may not")


if __name__ == "__main__":
    unittest.main()
