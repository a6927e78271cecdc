"""pos_reprint: paper printed again from the order screen says what stands
now. The kitchen ticket printed again (^P) leaves out a line voided whole
and gives a line voided in part as what is left to make, as the kitchen
screen does; the receipt printed again (^R) shows each void and refund and
what the guest was charged and given back, its lines adding up to its
total."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PosTest, wait  # noqa: E402

MARKERS = re.compile(r"\[/?(b|u|inv)\]|\[size \dx\d\]|\[/size\]")


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def paper_money(cents):
    return ("-$%s" if cents < 0 else "$%s") % money(abs(cents))


def plain(text):
    """Paper as words, one space between them."""
    return re.sub(r"[ \t]+", " ", MARKERS.sub("", text))


class Reprint(PosTest):

    kitchen = True

    def order(self, oid):
        r = self.rig.api("m1").get("/api/v1/orders/%d" % oid)
        self.assertEqual(r.status, 200, r)
        return r.json

    def printed_after(self, printer, mark, needle):
        """What printer printed after mark (a length of its paper), once it
        holds needle."""
        return wait(lambda: (lambda t: t if needle in t else None)(printer.read_text()[mark:]),
                    "%r printed; paper so far:\n%s" % (needle, printer.read_text()[mark:]))

    def test_reprints_after_voids_and_a_refund(self):
        r = self.rig.api("k1").create({
            "source": "POS", "service": "PICKUP",
            "items": [{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1},
                      {"sku": "D1", "qty": 1}],
            "payments": [{"tender": "CASH", "amount": 5000}]})
        self.assertEqual(r.status, 201, r)
        o = r.json
        pos = self.pos("m1", kitchen=True)
        pos.send("F4")
        pos.wait_for("orders today")
        pos.type("#%d" % o["number"])
        pos.wait_for("1 of ")
        pos.send("Enter")
        pos.wait_for("Payments")
        pos.wait_for("Classic Burger")
        # one of the two burgers voided, and the cheesecake whole
        pos.send("v")
        pos.wait_for("Void Classic Burger")
        pos.send("BSpace")
        pos.type("1")
        pos.send("Enter")
        wait(lambda: self.order(o["id"])["items"][0].get("voided") == 1, "the burger's void")
        pos.wait_for("1 voided")
        pos.send("Down")
        pos.send("Down")
        pos.send("v")
        pos.wait_for("Void Cheesecake")
        pos.send("Enter")
        wait(lambda: self.order(o["id"])["items"][2].get("voided") == 1, "the cheesecake's void")
        pos.wait_for("Void #%d: done" % o["number"])

        # the kitchen ticket again: what is left to make, nothing voided
        mark = len(self.rig.kitchen.read_text())
        pos.send("C-p")
        pos.wait_for("Printing the kitchen ticket of #%d" % o["number"])
        self.printed_after(self.rig.kitchen, mark, "Printed")
        paper = plain(self.printed_after(self.rig.kitchen, mark, " cut "))
        self.assertIn("#%d" % o["number"], paper)
        self.assertIn("1 x Classic Burger", paper)
        self.assertNotIn("2 x Classic Burger", paper)
        self.assertIn("1 x Fries", paper)
        self.assertNotIn("Cheesecake", paper)

        # the money owed back, in cash
        v = self.order(o["id"])
        owed = -v["balance"]
        self.assertGreater(owed, 0)
        pos.send("r")
        pos.wait_for("Gives back %s cash" % money(owed))
        pos.send("Enter")
        wait(lambda: self.order(o["id"])["refunded"] == owed, "the refund")
        pos.wait_for("settled")
        self.rig.printer.wait_text("REFUNDED")
        final = self.order(o["id"])

        # the receipt again: the voids, the refund, the total charged
        mark = len(self.rig.printer.read_text())
        pos.send("C-r")
        pos.wait_for("Printing the receipt of #%d" % o["number"])
        self.printed_after(self.rig.printer, mark, "Change")
        paper = plain(self.printed_after(self.rig.printer, mark, " cut "))
        self.assertIn("2 x Classic Burger $19.00", paper)
        self.assertIn("Voided 1 -$9.50", paper)
        self.assertIn("1 x Cheesecake $6.00", paper)
        self.assertIn("Voided 1 -$6.00", paper)
        self.assertIn("Subtotal %s" % paper_money(final["subtotal"]), paper)
        self.assertIn("TOTAL %s" % paper_money(final["total"]), paper)
        self.assertIn("Cash $50.00", paper)
        self.assertIn("Refund Cash %s" % paper_money(-owed), paper)
        self.assertNotIn("Cash %s" % paper_money(owed), paper)
        # printed again, it opens no drawer
        self.assertNotIn("drawer", paper)

if __name__ == "__main__":
    unittest.main()
