"""pos_card: card payments through the payment terminal in the real
brigade-pos (tmux), against a real server and the virtual printer.

With the test terminal (tests/payterm, loaded as a module; the cents of
the amount choose what it does): approved (the receipt and the server's
order carry the approval code), declined, timed out, a device error,
cancelled on the terminal, an "approval" with no code, and Esc while the
card is awaited; none of them records, queues or prints anything, and the
ticket stays on screen unpaid. Split with cash throughout.

With the external terminal (the default): the approval code, last 4 and
brand typed in; garbage and a card number in the code refused on screen;
a swipe fills in the brand and last 4 and approves nothing; Esc."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PAN_VISA, SWIPE_VISA, PosTest, wait  # noqa: E402

MODULE = os.environ.get("BRIGADE_PAYTERM_TEST", "")


class Card(PosTest):
    def order(self, pos):
        screen = pos.wait_for(r"Order #(\d+)", regex=True)
        n = int(re.search(r"Order #(\d+)", screen).group(1))
        for o in self.rig.orders():
            if o["number"] == n:
                return o
        raise AssertionError("no order #%d on the server" % n)

    def nothing_recorded(self, pos, orders, paper):
        """The ticket is still there, unpaid; nothing went anywhere."""
        screen = pos.capture()
        self.assertIn("1 x Cheeseburger", screen)
        self.assertRegex(screen, r"DUE +11\.34")
        self.assertNotIn("pproved", screen)
        self.assertEqual(pos.outbox_rows(), [])
        self.assertEqual(len(self.rig.orders()), orders)
        self.assertEqual(self.rig.printer.read_text(), paper)

    def fails(self, pos, amount, word, why, orders, paper):
        pos.type(amount)
        pos.type("c")
        pos.wait_for("Card payment %s" % amount)
        pos.wait_for("CARD %s:" % word)
        pos.wait_for(why)
        pos.wait_for("Nothing was taken")
        self.nothing_recorded(pos, orders, paper)

    @unittest.skipUnless(MODULE, "the test payment terminal was not built")
    def test_test_terminal_every_path_then_approved_split(self):
        pos = self.pos("k1", args=["--payment-terminal", "module:%s,delay=150" % MODULE])
        orders, paper = len(self.rig.orders()), self.rig.printer.read_text()
        pos.ring("B2")                          # 10.50 + 0.84 = 11.34
        pos.wait_for("1 x Cheeseburger")
        pos.send("Enter")
        pos.wait_for("Amount>")
        pos.type("5.01")
        pos.type("c")
        pos.wait_for("PRESENT THE CARD on the terminal")
        pos.wait_for("PROCESSING...")
        pos.wait_for("CARD DECLINED:")
        pos.wait_for("Insufficient funds")
        self.nothing_recorded(pos, orders, paper)
        self.fails(pos, "5.02", "TIMED OUT", "No card was presented in time", orders, paper)
        self.fails(pos, "5.03", "TERMINAL ERROR", "Terminal error: no answer", orders, paper)
        self.fails(pos, "5.04", "CANCELLED", "Cancelled on the terminal", orders, paper)
        self.fails(pos, "5.06", "TERMINAL ERROR", "no usable approval code", orders, paper)
        # Esc while the terminal waits for the card asks it to cancel
        pos.type("5.05")
        pos.type("c")
        pos.wait_for("PRESENT THE CARD on the terminal")
        pos.send("Escape")
        pos.wait_for("CARD CANCELLED:")
        pos.wait_for("Cancelled at the till's request")
        self.nothing_recorded(pos, orders, paper)
        # approved: part card, the rest cash
        pos.type("5.00")
        pos.type("c")
        pos.wait_for("Card VISA ****4242: 5.00 approved, code T00500")
        pos.wait_for(r"DUE +6\.34", regex=True)
        pos.send("Enter")                       # the rest, exact cash
        pos.wait_for("CHANGE 0.00")
        o = self.order(pos)
        self.assertEqual(o["payments"][0]["tender"], "CARD")
        self.assertEqual(o["payments"][0]["amount"], 500)
        self.assertEqual(o["payments"][0]["approval"], "T00500")
        self.assertEqual(o["payments"][0]["card"], {"brand": "VISA", "last4": "4242"})
        self.assertEqual(o["payments"][1]["tender"], "CASH")
        self.assertEqual(o["payments"][1]["amount"], 634)
        receipt = self.rig.printer.wait_text("Approved, code T00500")
        self.assertIn("Card VISA ****4242", receipt)

    @unittest.skipUnless(MODULE, "the test payment terminal was not built")
    def test_card_refund_goes_through_the_terminal(self):
        """A refund to a card is made on the terminal first; the correction
        goes to the server with the code the terminal gave."""
        r = self.rig.api("k1").create({
            "source": "POS", "service": "PICKUP", "items": [{"sku": "B2", "qty": 1}],
            "payments": [{"tender": "CARD", "amount": 1134, "approval": "T01134",
                          "card": {"brand": "VISA", "last4": "4242"}}]})
        self.assertEqual(r.status, 201, r)
        o = r.json
        pos = self.pos("m1", args=["--payment-terminal", "module:%s,delay=150" % MODULE])
        pos.send("F4")
        pos.wait_for("orders today")
        pos.type("#%d" % o["number"])
        pos.wait_for("1 of ")
        pos.send("Enter")
        pos.wait_for("Payments")
        pos.send("r")
        pos.wait_for("Gives back 11.34 to card ****4242")
        pos.send("Enter")
        pos.wait_for("refunded (settled)")
        done = wait(lambda: (lambda x: x if x["refunded"] > 0 else None)(
            self.rig.api("m1").get("/api/v1/orders/%d" % o["id"]).json), "the refund")
        p = done["payments"][-1]
        self.assertEqual((p["kind"], p["tender"], p["amount"], p["approval"], p["card"]["last4"]),
                         ("refund", "CARD", 1134, "R01134", "4242"))
        self.assertEqual(done["balance"], 0)
        slip = self.rig.printer.wait_text("R01134")
        self.assertIn("REFUND", slip)

    def test_external_terminal_typed_code(self):
        pos = self.pos("k1")
        pos.ring("B2")
        pos.wait_for("1 x Cheeseburger")
        pos.send("Enter")
        pos.wait_for("Amount>")
        # Esc gives up: nothing taken
        pos.type("c")
        pos.wait_for("Charge 11.34 on the card terminal")
        pos.send("Escape")
        pos.wait_for("CARD CANCELLED:")
        pos.wait_for("Cancelled at the till")
        pos.type("c")
        pos.wait_for("Charge 11.34 on the card terminal")
        # garbage, then a card number, in the approval code: refused
        pos.type("ok!")
        pos.send("Enter")
        pos.wait_for("letters and digits")
        pos.type(PAN_VISA)
        pos.send("Enter")
        pos.wait_for("That is a card number, not an approval code")
        self.assertNotIn(PAN_VISA, pos.capture())
        # the last 4 are four digits
        pos.type("ab12cd")
        pos.send("Tab")
        pos.type("44")
        pos.send("Enter")
        pos.wait_for("Type the card's last 4 digits")
        self.assertNotIn("pproved", pos.capture())
        self.assertEqual(pos.outbox_rows(), [])
        pos.type("44")
        pos.send("Enter")
        pos.wait_for("Card CARD ****4444: 11.34 approved, code AB12CD")
        pos.wait_for("CHANGE 0.00")
        o = self.order(pos)
        self.assertEqual(o["payments"], [{"tender": "CARD", "amount": 1134, "approval": "AB12CD",
                                          "card": {"brand": "CARD", "last4": "4444"},
                                          "kind": "charge", "at": o["payments"][0]["at"],
                                          "by": "k1"}])
        self.rig.printer.wait_text("Approved, code AB12CD")
        # a swipe fills in brand and last 4; the code still makes it approved
        pos.send("Escape")
        pos.ring("S1")                          # 3.50 + 0.28 = 3.78
        pos.send("Enter")
        pos.wait_for("Amount>")
        pos.type("c")
        pos.wait_for("Charge 3.78 on the card terminal")
        pos.type(SWIPE_VISA)
        pos.send("Enter")
        pos.wait_for("Card VISA ****1111 read: now the approval code")
        pos.wait_for("< VISA >")
        self.assertNotIn("pproved", pos.line_with("Card VISA ****1111 read"))
        pos.type("x9")
        pos.send("Enter")
        pos.wait_for("Card VISA ****1111: 3.78 approved, code X9")
        o = self.order(pos)
        self.assertEqual(o["payments"][0]["approval"], "X9")
        self.assertEqual(o["payments"][0]["card"], {"brand": "VISA", "last4": "1111"})
        wait(lambda: "Approved, code X9" in self.rig.printer.read_text(), "the receipt")
        self.assertCardNumberNowhere(pos, PAN_VISA)


if __name__ == "__main__":
    unittest.main()
