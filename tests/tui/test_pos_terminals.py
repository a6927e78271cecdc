"""brigade-pos on the terminals a till runs on: the keys each TERM sends
(read from its terminfo and sent as raw bytes, so the Linux console's F1,
ESC [ [ A, arrives as it would there), taps on a touchscreen (SGR mouse
reports), and a locale without UTF-8 (LANG=C)."""
import re
import subprocess
import unittest

from pos_helpers import PosTest


def terminfo(term, cap):
    """The string terminfo says TERM sends for a key (tput prints it)."""
    r = subprocess.run(["tput", "-T", term, cap], capture_output=True)
    assert r.returncode == 0 and r.stdout, "%s has no %s" % (term, cap)
    return r.stdout


def plu(pos):
    """What the PLU field holds."""
    return pos.line_with("PLU>").split("PLU>")[1].strip()


class Keys(PosTest):
    def keys_on(self, term):
        pos = self.rig.pos("k1", env={"TERM": term})
        key = lambda cap: pos.raw(terminfo(term, cap))  # noqa: E731
        # F1: the help, and nothing typed into the PLU field
        key("kf1")
        pos.wait_for("F10      log out")
        pos.send("Escape")
        pos.wait_gone("F10      log out")
        pos.ring("B1", "S1")
        pos.wait_all("1 x Classic Burger", "1 x Fries")
        self.assertEqual(plu(pos), "")
        # the arrows select, Delete deletes the selected line
        key("kcuu1")
        key("kdch1")
        pos.wait_gone("1 x Classic Burger")
        pos.wait_for("1 x Fries")
        key("kcud1")
        # function keys switch screens
        key("kf4")
        pos.wait_for("| Today's orders")
        key("kf2")
        pos.wait_for("| Sale")
        key("kf5")
        pos.wait_for("| Needs attention")
        key("kf2")
        pos.wait_for("| Sale")
        self.assertEqual(plu(pos), "")
        self.rig.drop(pos)

    def test_linux_console(self):
        self.keys_on("linux")
        # Shift-Tab on the console is ESC Tab: phone / walk-in
        pos = self.rig.pos("k1", env={"TERM": "linux"})
        pos.ring("B1")
        pos.raw(terminfo("linux", "kcbt"))
        pos.wait_for("Phone | PICKUP")
        self.rig.drop(pos)

    def test_xterm(self):
        self.keys_on("xterm")

    def test_screen(self):
        self.keys_on("screen")

    def test_tmux(self):
        self.keys_on("tmux")


class Taps(PosTest):
    def bar(self, pos, text):
        """Where text is on the key bar (the bottom line)."""
        y = pos.height - 1
        x = pos.capture().split("\n")[y].find(text)
        self.assertGreaterEqual(x, 0, "%r not on the key bar" % text)
        return x, y

    def test_menu_ticket_and_key_bar(self):
        pos = self.rig.pos("k1")
        # a tap on a menu item adds it, as its PLU and Enter would
        pos.tap(*pos.where("B1    Classic Burger"))
        pos.wait_for("1 x Classic Burger")
        pos.tap(*pos.where("B2    Cheeseburger"))
        pos.wait_for("1 x Cheeseburger")
        # "3*" typed, then a tap: three (a line of its own, as 3*B1 Enter)
        pos.type("3*")
        pos.tap(*pos.where("B1    Classic Burger"))
        pos.wait_for("3 x Classic Burger")
        self.assertEqual(plu(pos), "")
        # a tap on a ticket line selects it: Delete then deletes that one
        pos.tap(*pos.where("1 x Classic Burger"))
        pos.send("DC")
        pos.wait_gone("1 x Classic Burger")
        pos.wait_all("1 x Cheeseburger", "3 x Classic Burger")
        # a key bar entry acts as its key: Enter to tender, F4 to today's
        # orders, F2 back to the sale
        pos.tap(*self.bar(pos, "add / tender"))
        pos.wait_for("| Tender")
        pos.tap(*self.bar(pos, "F4"))
        pos.wait_for("| Today's orders")
        pos.tap(*self.bar(pos, "sale"))
        pos.wait_for("| Sale")
        pos.wait_all("1 x Cheeseburger", "3 x Classic Burger")
        self.rig.drop(pos)

    def test_taps_under_an_overlay_do_nothing(self):
        pos = self.rig.pos("k1")
        pos.send("F1")
        pos.wait_for("F10      log out")
        burger = pos.where("B1    Classic Burger")
        pos.tap(*burger)
        pos.send("Escape")
        pos.wait_gone("F10      log out")
        self.assertNotIn("1 x Classic Burger", pos.capture())
        # and the keyboard never needed the mouse: the same sale by keys
        pos.ring("B1")
        pos.wait_for("1 x Classic Burger")
        self.rig.drop(pos)


class NoUtf8(PosTest):
    def test_lang_c_names_in_ascii(self):
        pos = self.rig.pos("k1", env={"LANG": "C", "LC_ALL": "C"})
        pos.ring("B1")
        pos.send("C-t")
        pos.type("Zo\u00eb \u00c5ngstr\u00f6m \u00df\u00e6 \u20ac5 \u5bff")
        pos.send("Enter")
        s = pos.wait_for("PICKUP Zoe Angstrom ssae EUR5 ?")
        self.assertNotIn("~", pos.line_with("PICKUP"))
        # the layout holds: the ticket's amounts are still right-aligned
        # against the same column as in a UTF-8 locale, nothing spills
        burger = pos.line_with("1 x Classic Burger")
        total = pos.line_with("TOTAL")
        self.assertEqual(len(burger.rstrip()), len(total.rstrip()), s)
        for line in s.split("\n"):
            self.assertTrue(all(ord(c) < 128 for c in line), line)
        # a dialog keeps its frame around a name typed in it
        pos.send("C-n")
        pos.type("f\u00fcr Zo\u00eb, \u00bd Portion")
        pos.wait_for("fur Zoe, 1/2 Portion")
        s = pos.capture_lines()
        lines = s.split("\n")
        row = next(i for i, ln in enumerate(lines) if "fur Zoe, 1/2 Portion" in ln)
        top = next(i for i in range(row, -1, -1) if "\u250c" in lines[i])
        left, right = lines[top].index("\u250c"), lines[top].rindex("\u2510")
        bottom = next(i for i in range(row, len(lines)) if "\u2514" in lines[i])
        for i in range(top + 1, bottom):
            self.assertEqual((lines[i][left], lines[i][right]), ("\u2502", "\u2502"), s)
        self.assertEqual(lines[bottom].rindex("\u2518"), right, s)
        pos.send("Enter")
        pos.wait_for("! fur Zoe, 1/2 Portion")
        self.rig.drop(pos)


class Labels(PosTest):
    def test_linked_number_never_cut(self):
        from brigade_test import walk_in
        api = self.rig.api("m1")
        for _ in range(11):
            r = api.create(walk_in())
            self.assertEqual(r.status, 201, r)
        api.close()
        self.assertEqual(r.json["number"], 11)
        pos = self.rig.pos("k1")
        pos.ring("B1")
        pos.send("C-t")
        pos.type("Bartholomew Featherstonehaugh-Smythe the Third")
        pos.send("Enter")
        pos.send("C-l")
        pos.wait_for("Link to an open order")
        rows = [ln for ln in pos.wait_for("#11 ").split("\n") if re.search(r"#\d+ +PAID", ln)]
        for _ in range(next(i for i, ln in enumerate(rows) if "#11 " in ln)):
            pos.send("Down")
        pos.send("Enter")
        pos.wait_for("Linked to #11")
        title = pos.line_with("PICKUP Bartholomew")
        # the name gave way (marked cut); the number is whole
        self.assertRegex(title, r"linked #11\b")
        self.assertIn("~", title)
        self.rig.drop(pos)


if __name__ == "__main__":
    unittest.main()
