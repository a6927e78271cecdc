"""brigade-kds, the board: a new order appears at once with everything the
cook needs; Enter starts it and bumps it; the recall list brings a bumped
order back; all-day counts; find by number; digits pick cards; help; quit
asks first; the bell rings for a new order (and not with --quiet)."""
import re
import unittest

from kds_helpers import KdsTest


class BoardTest(KdsTest):
    def test_new_order_start_bump(self):
        t = self.start_kds()
        o = self.order(service="PICKUP", customer={"name": "Ann", "phone": "", "address": ""},
                       items=[{"sku": "B1", "qty": 2, "modifiers": ["XCH"], "note": "no pickles"},
                              {"sku": "S1", "qty": 1}])
        s = t.wait_all("#%d " % o["number"], "PICKUP Ann", "walk-in", "2 x Classic Burger",
                       "+ Extra cheese", "! no pickles", "1 x Fries", "NEW (1)",
                       "PREPARING (0)", "Enter start")
        self.assertRegex(s.split("\n", 1)[-1], r"00:0\d")   # the timer, not the clock
        # the note stands out; the bar offers what Enter does now
        self.assertTrue(t.attrs_at("! no pickles").get("bold"))
        self.assertIn("Enter start", t.line_with("help"))
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        self.wait_status(o["id"], "PREPARING")
        t.wait_for("Enter bump")
        t.send("Space")
        t.wait_for("PREPARING (0)")
        self.wait_status(o["id"], "READY")
        self.assertEqual(self.actions(o["id"]), ["create", "start", "ready"])
        t.wait_for("no new orders")

    def test_sources_services_and_links(self):
        t = self.start_kds()
        a = self.order(service="DINE_IN", table="T4", items=[{"sku": "DR1", "qty": 1}])
        self.order(service="DELIVERY", items=[{"sku": "S1", "qty": 1}])
        r = self.http.create({"source": "PHONE", "service": "DINE_IN", "table": "T5",
                              "linked_to": a["id"], "items": [{"sku": "B2", "qty": 1}],
                              "payments": [{"tender": "CASH", "amount": 5000}]})
        self.assertEqual(r.status, 201, r)
        s = t.wait_all("T5", "DINE IN T4", "DELIVERY Dee", "phone", "link #%d" % a["number"])
        # the linked order sits right after its partner, ahead of older ones
        lines = s.split("\n")
        t4 = next(i for i, l in enumerate(lines) if "DINE IN T4" in l)
        t5 = next(i for i, l in enumerate(lines) if "DINE IN T5" in l)
        dl = next(i for i, l in enumerate(lines) if "DELIVERY" in l)
        self.assertLess(t4, t5)
        self.assertLess(t5, dl)

    def test_recall(self):
        o = self.order()
        self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        self.assertEqual(self.chef.act(o["id"], "ready").status, 200)
        t = self.start_kds()
        t.wait_for("PREPARING (0)")
        t.send("r")
        t.wait_for(r"#%d\s+PICKUP\s+bumped 0:\d\d ago" % o["number"], regex=True)
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        self.wait_status(o["id"], "PREPARING")
        # nothing left to recall
        t.send("r")
        t.wait_for("nothing bumped in the last 10 min")
        t.send("Escape")
        t.wait_gone("Recall a bumped order")

    def test_all_day_counts(self):
        self.order(items=[{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1}])
        b = self.order(items=[{"sku": "B1", "qty": 1}, {"sku": "DR1", "qty": 3}])
        self.assertEqual(self.chef.act(b["id"], "start").status, 200)
        t = self.start_kds()
        t.wait_for("PREPARING (1)")
        t.send("a")
        s = t.wait_all("All day: every station", "3  Classic Burger", "3  Cola", "1  Fries",
                       "items not yet done")
        self.assertRegex(s, r"3  Classic Burger")
        self.assertRegex(s, r"3  Cola")
        self.assertRegex(s, r"1  Fries")
        lines = [l for l in s.split("\n") if re.search(r"\d  (Classic Burger|Cola|Fries)", l)]
        self.assertIn("Fries", lines[-1], "most first")
        t.send("Escape")
        t.wait_gone("All day")

    def test_find_and_digits(self):
        orders = [self.order(items=[{"sku": sku, "qty": 1}]) for sku in ("B1", "B2", "B3")]
        t = self.start_kds()
        t.wait_for("Bacon Burger")
        # the second card by its digit, then Enter starts that one
        t.send("2")
        t.send("Enter")
        self.wait_status(orders[1]["id"], "PREPARING")
        self.assertEqual(self.get(orders[0]["id"])["status"], "PAID")
        # find by number selects it; letters are refused by the field
        t.send("/")
        t.wait_for("Find an order")
        t.type("x%d" % orders[2]["number"])
        t.send("Enter")
        t.wait_for("order #%d" % orders[2]["number"])
        t.send("Enter")
        self.wait_status(orders[2]["id"], "PREPARING")
        self.assertEqual(self.get(orders[0]["id"])["status"], "PAID")
        t.send("/")
        t.type("999")
        t.send("Enter")
        t.wait_for("no open order #999")

    def test_help_and_quit(self):
        t = self.start_kds()
        t.send("?")
        t.wait_all("Recall an order bumped lately", "All-day counts", "any key closes")
        t.send("x")
        t.wait_gone("Recall an order bumped lately")
        t.send("q")
        t.wait_for("Quit the kitchen display?")
        t.send("n")
        t.wait_gone("Quit the kitchen display?")
        t.send("q")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(), 0)

    def test_bell_on_new_order(self):
        t = self.start_kds()
        t.tmux("set-option", "-g", "monitor-bell", "on")
        t.tmux("set-option", "-g", "bell-action", "any")
        t.tmux("new-window", "-d", "-t", "t:", "sleep 600")   # the bell flag is kept for
        t.tmux("select-window", "-t", "t:1")                 # a window not looked at
        self.order()
        t.wait_until(lambda s: t.tmux("display-message", "-p", "-t", "t:0",
                                      "#{window_bell_flag}").strip() == "1",
                     what="a bell in the KDS window")
        t.tmux("select-window", "-t", "t:0")
        t.tmux("kill-window", "-t", "t:1")


if __name__ == "__main__":
    unittest.main()
