"""brigade-kds stations: --station grill shows only orders with grill items
and only those items; a station's bump marks its items done on the server
and takes the card off that station; the order becomes READY by itself
when the last station bumps; the expo view (all) shows every item, done
ones marked, and bumps the whole order; s switches station."""
import unittest

from kds_helpers import KdsTest


class StationTest(KdsTest):
    def test_grill_view_and_station_bumps_to_ready(self):
        mixed = self.order(items=[{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 2},
                                  {"sku": "DR1", "qty": 1}])
        drinks = self.order(items=[{"sku": "DR2", "qty": 1}])
        t = self.start_kds("--station", "grill")
        s = t.wait_all("Classic Burger", "station grill", "NEW (1)", "help")
        self.assertIn("station grill", s)
        self.assertNotIn("Fries", s)
        self.assertNotIn("Cola", s)
        self.assertNotIn("Lemonade", s, "an order without grill items is not shown")
        self.assertNotIn("#%d " % drinks["number"], s)
        self.assertIn("NEW (1)", s)
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        self.wait_status(mixed["id"], "PREPARING")
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        # the grill's part is done (the screen shows it before the server
        # has it); the order waits for the others
        o = self.wait_order(mixed["id"], lambda o: any(i["done"] for i in o["items"]),
                            "the grill's items done")
        self.assertEqual(o["status"], "PREPARING")
        self.assertEqual({i["sku"]: i["done"] for i in o["items"]},
                         {"B1": True, "S1": False, "DR1": False})
        # the fryer, through the station switcher
        t.send("s")
        s = t.wait_all("Switch station", "Enter: switch")
        for name in ("all (expo", "grill", "fryer", "bar", "cold"):
            self.assertIn(name, s)
        t.send("Escape")
        t.wait_gone("Switch station")
        self.pick_station(t, "fryer")
        s = t.wait_for("2 x Fries")
        self.assertNotIn("Classic Burger", s)
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        self.pick_station(t, "bar")
        t.wait_for("1 x Cola")
        t.send("l")     # the Preparing column
        t.send("Enter")
        self.wait_status(mixed["id"], "READY")
        o = self.get(mixed["id"])
        self.assertTrue(all(i["done"] for i in o["items"]))
        self.assertEqual(o["history"][-1]["action"], "ready")

    def pick_station(self, t, name):
        """Open the station switcher and choose name."""
        t.send("s")
        s = t.wait_all("Switch station", "Enter: switch")
        rows = []
        for line in s.split("\n")[s.split("\n").index(next(l for l in s.split("\n") if "Switch station" in l)) + 1:]:
            for cand in ("all (expo", "grill", "fryer", "bar", "cold"):
                if ("│ " + cand) in line:
                    rows.append(cand)
        t.send("Home")
        for _ in range(rows.index(name)):
            t.send("Down")
        t.send("Enter")
        t.wait_for("station " + name)

    def test_expo_view(self):
        o = self.order(items=[{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}])
        self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        r = self.chef.post("/api/v1/orders/%d/items/done" % o["id"], {"station": "fryer"})
        self.assertEqual(r.status, 200, r)
        t = self.start_kds("--station", "all")
        t.wait_all("1 x Fries  (done)", "1 x Classic Burger", "all stations")
        self.assertTrue(t.attrs_at("1 x Fries  (done)").get("dim"))
        # the fryer's view has nothing left of it
        g = self.start_kds("--station", "fryer", width=80, height=24)
        g.wait_for("PREPARING (0)")
        # expo bumps the whole order
        t.send("l")
        t.send("Enter")
        self.wait_status(o["id"], "READY")
        self.assertEqual(self.get(o["id"])["history"][-1]["action"], "ready")


if __name__ == "__main__":
    unittest.main()
