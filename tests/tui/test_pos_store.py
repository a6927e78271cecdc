"""pos_store: the restaurant's own details and menu reach the till: the
store's name, address and lines printed on the receipt, read back from the
virtual printer, and a price changed while a ticket is open shown as the
new total before payment is taken."""
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PosTest  # noqa: E402


class Store(PosTest):
    def test_receipt_carries_the_store(self):
        a1 = self.rig.api("a1")
        r = a1.patch("/api/v1/store", {"name": "Chez Zoe", "address": ["12 Quai des Fleurs", "Lyon"],
                                       "phone": "04 72 00 00 00", "tax_id": "FR99123456789",
                                       "receipt_header": ["Open 11-23"],
                                       "receipt_footer": ["Merci et a bientot"]},
                     key=str(uuid.uuid4()))
        a1.close()
        self.assertEqual(r.status, 200, r)
        pos = self.pos("k1")
        receipts = self.rig.printer.read_text().count("Merci et a bientot")
        pos.ring("S1")
        pos.send("Enter")
        pos.wait_for("Amount>")
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        paper = self.rig.printer.wait_text("Merci et a bientot", receipts + 1)
        receipt = paper[paper.rfind("Chez Zoe"):]
        for line in ("12 Quai des Fleurs", "Lyon", "Tel 04 72 00 00 00", "Tax ID FR99123456789",
                     "Open 11-23", "1 x Fries", "Merci et a bientot"):
            self.assertIn(line, receipt)
        self.assertNotIn("Thank you!", receipt)

    def test_price_change_under_an_open_ticket(self):
        pos = self.pos("k1")
        pos.ring("D1")                          # Cheesecake 6.00 + 8% = 6.48
        pos.wait_for(r"TOTAL +6\.48", regex=True)
        m1 = self.rig.api("m1")
        r = m1.patch("/api/v1/menu/items/D1", {"price": 650}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        pos.wait_for("The menu changed: this ticket is now 7.02")
        pos.wait_for(r"TOTAL +7\.02", regex=True)
        pos.send("Enter")
        pos.wait_for("Amount>")
        pos.send("Enter")                       # exact cash: the new total
        pos.wait_for("CHANGE 0.00")
        mine = [o for o in self.rig.orders() if o["terminal"] == pos.terminal]
        self.assertEqual(mine[-1]["total"], 702)
        m1.patch("/api/v1/menu/items/D1", {"price": 600}, key=str(uuid.uuid4()))
        m1.close()


if __name__ == "__main__":
    unittest.main()
