"""brigade-kds on the terminals a kitchen has: taps on a touchscreen (a
tap selects a card, a double tap is Enter on it, the key bar's entries are
their keys), the Linux console's keys, a locale without UTF-8 (LANG=C:
names in ASCII, the cards keep their borders), and the card's short
labels on a narrow card (a number is never cut)."""
import subprocess
import time
import unittest

from kds_helpers import KdsTest

BOX = "\u2502"          # how tmux shows a card's side, ACS or UTF-8


class Taps(KdsTest):
    width, height = 100, 30

    def test_tap_selects_double_tap_starts(self):
        a = self.order()
        b = self.order()
        t = self.start_kds()
        t.wait_all("#%d " % a["number"], "#%d " % b["number"])
        # one tap selects b; Enter starts it, a stays new
        x, y = t.where("#%d " % b["number"])
        t.tap(x, y + 2)
        time.sleep(0.6)                   # two single taps, not a double
        t.tap(x, y + 2)
        t.send("Enter")
        self.wait_status(b["id"], "PREPARING")
        self.assertEqual(self.get(a["id"])["status"], "PAID")
        t.wait_for("PREPARING (1)")
        # a double tap on a: selects it and starts it
        x, y = t.where("#%d " % a["number"])
        t.tap(x, y + 1, times=2)
        self.wait_status(a["id"], "PREPARING")
        t.wait_for("PREPARING (2)")
        # a double tap in Preparing bumps
        x, y = t.where("#%d " % b["number"])
        t.tap(x + 4, y + 1, times=2)
        self.wait_status(b["id"], "READY")
        t.wait_for("PREPARING (1)")

    def test_key_bar(self):
        o = self.order()
        t = self.start_kds()
        t.wait_for("#%d " % o["number"])
        bar = t.wait_until(lambda s: "help" in s.split("\n")[self.height - 1],
                           what="the key bar").split("\n")[self.height - 1]
        # "? help" on the bar opens the help; a tap closes it
        t.tap(bar.index("help"), self.height - 1)
        t.wait_for("This help")
        t.tap(2, 2)
        t.wait_gone("This help")
        # "Enter start" on the bar starts the selected card (read the bar
        # once it is drawn again: a capture may fall mid-redraw)
        h = self.height
        bar = t.wait_until(lambda s: "start" in s.split("\n")[h - 1],
                           what="the key bar").split("\n")[h - 1]
        t.tap(bar.index("start"), self.height - 1)
        self.wait_status(o["id"], "PREPARING")
        # nothing else on screen acts: the header, the titles
        t.tap(1, 0)
        t.tap(1, 1)
        t.wait_for("PREPARING (1)")


class Keys(KdsTest):
    def test_linux_console(self):
        o = self.order()
        t = self.start_kds(env=self.kds_env(TERM="linux"))
        t.wait_for("#%d " % o["number"])
        f1 = subprocess.run(["tput", "-T", "linux", "kf1"], capture_output=True).stdout
        self.assertEqual(f1, b"\x1b[[A")
        t.raw(f1)
        t.wait_for("This help")
        t.raw(b"\x1b[C")                  # any key but Up and Down closes the help
        t.wait_gone("This help")
        t.raw(b"\r")
        self.wait_status(o["id"], "PREPARING")


class NoUtf8(KdsTest):
    width, height = 80, 24

    def test_lang_c_names_and_borders(self):
        o = self.order(customer={"name": "Zo\u00eb \u00c5ngstr\u00f6m", "phone": ""})
        t = self.start_kds(env=self.kds_env(LANG="C", LC_ALL="C"))
        t.wait_for("PICKUP Zoe Angstrom")
        s = t.capture_lines()
        line = [ln for ln in s.split("\n") if "PICKUP Zoe Angstrom" in ln][0]
        top = [ln for ln in s.split("\n") if "#%d " % o["number"] in ln][0]
        # the card's frame is whole: its sides line up with its corners
        left, right = top.index("\u250c"), top.index("\u2510")
        self.assertEqual(line[left], BOX, s)
        self.assertEqual(line[right], BOX, s)
        bottom = [ln for ln in s.split("\n") if "\u2514" in ln][0]
        self.assertEqual(bottom.index("\u2518"), right, s)
        for ln in s.split("\n"):
            self.assertTrue(all(ord(c) < 128 or 0x2500 <= ord(c) < 0x2580 for c in ln), ln)


class Labels(KdsTest):
    width, height = 80, 24

    def test_link_number_never_cut(self):
        # orders 1-10 come and go; #11 and its partner stay
        for _ in range(10):
            o = self.order(items=[{"sku": "S1", "qty": 1}])
            self.assertEqual(self.chef.act(o["id"], "start").status, 200)
            self.assertEqual(self.chef.act(o["id"], "ready").status, 200)
        a = self.order(items=[{"sku": "S1", "qty": 1}])
        self.assertEqual(a["number"], 11)
        r = self.http.create({"source": "PHONE", "service": "PICKUP", "linked_to": a["id"],
                              "customer": {"name": "Bartholomew Featherstonehaugh", "phone": ""},
                              "items": [{"sku": "B2", "qty": 1}],
                              "payments": [{"tender": "CASH", "amount": 5000}]})
        self.assertEqual(r.status, 201, r)
        t = self.start_kds()
        s = t.wait_for("#11", regex=False)
        line = t.wait_until(lambda s: any("Bartholom" in ln for ln in s.split("\n")),
                            what="the linked card")
        line = [ln for ln in line.split("\n") if "Bartholom" in ln][0]
        # the number is whole, in words: the name gave way, marked as cut
        self.assertRegex(line, r"link #11\b", s)
        self.assertNotRegex(line, r"#1\b")
        self.assertIn("~", line)
        # narrower: the words shorten, the number stays whole
        t.resize(56, 24)
        # wait for the redrawn card itself: mid-redraw the screen may hold neither
        s = t.wait_until(lambda s: any("Bart" in ln and "&#11" in ln for ln in s.split("\n")),
                         what="a narrower card")
        line = [ln for ln in s.split("\n") if "Bart" in ln][0]
        self.assertRegex(line, r"&#11\b", s)
        self.assertNotRegex(line, r"#1\b")


if __name__ == "__main__":
    unittest.main()
