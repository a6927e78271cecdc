"""kds_kitchen_names: the kitchen reads what the menu calls an item for the
kitchen: a card shows the kitchen name the order was sold with, and an
order taken before a rename keeps its own."""
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kds_helpers import KdsTest  # noqa: E402


class KitchenNames(KdsTest):
    def test_cards_show_kitchen_names(self):
        m1 = self.server.client("m1")
        self.others.append(m1)
        r = m1.patch("/api/v1/menu/items/B1", {"kitchen_name": "CLASSIC BGR"}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        t = self.start_kds()
        first = self.order(items=[{"sku": "B1", "qty": 2}])
        t.wait_for("CLASSIC BGR")
        self.assertNotIn("Classic Burger", t.capture())
        r = m1.patch("/api/v1/menu/items/B1", {"kitchen_name": "SMASH"}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        self.order(items=[{"sku": "B1", "qty": 1}])
        t.wait_for("SMASH")
        screen = t.capture()
        self.assertIn("CLASSIC BGR", screen)   # #1 keeps what it was sold as
        self.assertEqual(self.get(first["id"])["items"][0]["kitchen_name"], "CLASSIC BGR")


if __name__ == "__main__":
    unittest.main()
