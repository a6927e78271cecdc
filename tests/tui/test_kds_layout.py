"""brigade-kds layout: usable at 80x24 (header, both columns, key bar);
cards fill the width (more lanes on a wide screen); more cards than fit
scroll, with counts of what is off screen, and the selection brings them
in; the screen reflows on resize; a screen too small says so."""
import re
import unittest

from kds_helpers import KdsTest


def lanes_in_new(screen, width):
    """Cards side by side in the New column on the first card row."""
    row = next((l for l in screen.split("\n") if "┌[" in l), "")
    return row[: width // 2].count("┌")


class LayoutTest(KdsTest):
    def test_80x24(self):
        for sku in ("B1", "B2", "B3"):
            self.order(items=[{"sku": sku, "qty": 1, "modifiers": []}, {"sku": "S1", "qty": 1}])
        t = self.start_kds(width=80, height=24)
        s = t.wait_all("Bacon Burger", "NEW (3)", "help")
        lines = s.split("\n")
        self.assertIn("KDS", lines[0])
        self.assertIn("ONLINE", lines[0])
        self.assertIn("NEW (3)", lines[1])
        self.assertIn("PREPARING (0)", lines[1])
        self.assertIn("? ", lines[23])
        self.assertIn("help", lines[23])
        self.assertTrue(all(len(l) <= 80 for l in lines))
        # start one: both columns in use, moving between them works
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        t.send("l")
        t.wait_for("Enter bump")
        t.send("h")
        t.wait_for("Enter start")

    def test_wide_screen_and_resize(self):
        for i in range(8):
            self.order(items=[{"sku": "B1", "qty": 1}])
        t = self.start_kds(width=80, height=24)
        s = t.wait_until(lambda s: "NEW (8)" in s and "more v" in s and lanes_in_new(s, 80) == 1,
                         what="8 cards in one lane")
        self.assertRegex(s, r"\d more v", "the cards off screen are counted")
        t.resize(200, 50)
        # the whole frame: tmux can capture one half written
        s = t.wait_until(lambda s: lanes_in_new(s, 200) == 3 and
                         len(re.findall(r"┌\[\d\]", s)) == 8,
                         what="3 lanes with all 8 cards at 200 columns")
        self.assertNotRegex(s, r"\d more v")
        t.resize(80, 24)
        # the key bar is on the last row once the frame for 80x24 is out
        t.wait_until(lambda s: lanes_in_new(s, 80) == 1 and "help" in (s.split("\n") + [""] * 24)[23],
                     what="1 lane and the key bar at 80x24")
        t.resize(30, 8)
        t.wait_for("window too small")
        t.resize(100, 30)
        t.wait_for("NEW (8)")

    def test_scrolling_follows_the_selection(self):
        orders = [self.order(items=[{"sku": "B1", "qty": 1}]) for _ in range(12)]
        t = self.start_kds(width=80, height=24)
        t.wait_for("NEW (12)")
        last = orders[-1]["number"]
        self.assertNotIn("#%d " % last, t.capture())
        for _ in range(11):
            t.send("j")
        s = t.wait_for("#%d " % last)
        self.assertRegex(s, r"\^\d+ ", "the cards scrolled away are counted")
        t.send("Enter")
        self.wait_status(orders[-1]["id"], "PREPARING")


if __name__ == "__main__":
    unittest.main()
