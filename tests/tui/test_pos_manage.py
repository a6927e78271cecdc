"""pos_manage: the manager's menu and staff tools and everyone's own PIN,
in the real brigade-pos (tmux) against a real server: an item added at the
till rung up at once by its SKU; a duplicate SKU and an absurd price refused
with the server's words and nothing changed; a price changed; an item taken
off and put back; a cashier added (a PIN typed twice, a mismatch refused at
the till) who logs in at another till; a PIN reset; a manager refused a
MANAGER; an account disabled; one's own PIN changed (a wrong old one
refused); offline, the menu and staff cannot be changed. No PIN typed ever
reaches the till's outbox, log or any file of its state directory."""
import glob
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import Pos, PosTest, wait  # noqa: E402
from brigade_test import Client  # noqa: E402

# PINs long and odd enough that they cannot turn up in a file by chance.
PIN_NEW_CASHIER = "97531864"
PIN_MISTYPED = "97531865"
PIN_RESET = "86420975"
PIN_MANAGER = "75319864"
PIN_OWN_OLD = "64208642"
PIN_OWN_NEW = "53197531"
PIN_WRONG_OLD = "31975319"
ALL_PINS = (PIN_NEW_CASHIER, PIN_MISTYPED, PIN_RESET, PIN_MANAGER, PIN_OWN_OLD, PIN_OWN_NEW,
            PIN_WRONG_OLD)


class Manage(PosTest):
    def menu(self):
        c = self.rig.api("m1")
        r = c.get("/api/v1/menu")
        c.close()
        self.assertEqual(r.status, 200, r)
        return r.json

    def items(self):
        return {i["sku"]: i for i in self.menu()["items"]}

    def staff(self):
        c = self.rig.api("a1")
        r = c.get("/api/v1/staff")
        c.close()
        self.assertEqual(r.status, 200, r)
        return {s["staff"]: s for s in r.json["staff"]}

    def login_status(self, staff, pin):
        c = Client(self.rig.server.port)
        r = c.post("/api/v1/auth/login", {"staff": staff, "pin": pin, "terminal": "check"})
        c.close()
        return r.status

    def till_by_login(self, staff, pin):
        """A till whose login screen is typed into, as a person would."""
        p = Pos(self.rig, "till%d" % (len(self.rig.poses) + 1))
        self.rig.poses.append(p)
        self.addCleanup(lambda: p in self.rig.poses and self.rig.drop(p))
        p.launch()
        p.wait_for("Staff code")
        p.type(staff)
        p.send("Enter")
        p.type(pin)
        p.send("Enter")
        return p

    def fill(self, pos, *values):
        """Type each value into a form's fields, Tab between them."""
        for i, v in enumerate(values):
            if i:
                pos.send("Tab")
            if v:
                pos.type(v)

    def assertPinsNowhere(self, pos):
        """No PIN typed reached the screen, the outbox or any file of the
        till (the outbox database and its journal, the cache, the log)."""
        screen = pos.capture()
        rows = repr(pos.outbox_rows())
        files = glob.glob(os.path.join(pos.state, "brigade", "*"))
        self.assertTrue(any(f.endswith(".log") for f in files), files)
        for pin in ALL_PINS:
            self.assertNotIn(pin, screen)
            self.assertNotIn(pin, rows)
            for path in files:
                with open(path, "rb") as f:
                    self.assertNotIn(pin.encode(), f.read(), path)

    # ---- the menu ----

    def test_add_item_and_ring_it_up(self):
        pos = self.pos("m1")
        before = self.items()
        b1 = before["B1"]
        pos.send("F6")
        pos.wait_for("86 board")
        pos.send("C-n")
        pos.wait_for("New item")
        pos.wait_for("< %s >" % b1["category"])      # the selected item's category
        self.fill(pos, "NB1", "Smash Burger", "SMASH", "11.50")
        pos.send("Enter")
        pos.wait_for("Added NB1 Smash Burger")
        item = wait(lambda: self.items().get("NB1"), "NB1 on the server's menu")
        self.assertEqual((item["name"], item["kitchen_name"], item["price"]),
                         ("Smash Burger", "SMASH", 1150))
        self.assertEqual((item["category"], item["station"], item["tax_class"]),
                         (b1["category"], b1["station"], b1["tax_class"]))
        self.assertTrue(item["available"])
        # the menu.updated event brought it: it sells at once
        pos.send("F2")
        pos.wait_for("PLU>")
        pos.ring("NB1")
        pos.wait_for("1 x Smash Burger")
        pos.wait_for(r"TOTAL +12\.42", regex=True)   # 11.50 + 8%

    def test_duplicate_sku_absurd_price_and_not_an_amount(self):
        pos = self.pos("m1")
        before = self.menu()
        pos.send("F6")
        pos.wait_for("86 board")
        pos.send("C-n")
        pos.wait_for("New item")
        self.fill(pos, "B1", "Another Burger", "", "5")
        pos.send("Enter")
        pos.wait_for("duplicate_sku")
        pos.wait_for("New item")                     # the form stays, to be fixed
        # an absurd price: the server says what is allowed
        pos.send("Escape")
        pos.wait_gone("New item")
        pos.send("C-n")
        pos.wait_for("New item")
        self.fill(pos, "GOLD1", "Golden Burger", "", "999999")
        pos.send("Enter")
        pos.wait_for(r"refused \(422 invalid_field, price\)", regex=True)
        # a price that is not an amount never leaves the till
        for _ in range(6):
            pos.send("BSpace")
        pos.type("1.234")
        pos.send("Enter")
        pos.wait_for('"1.234" is not an amount')
        pos.send("Escape")
        after = self.menu()
        self.assertEqual(after["version"], before["version"])
        self.assertEqual(after["items"], before["items"])
        self.assertNotIn("GOLD1", self.items())

    def test_price_change_and_86(self):
        pos = self.pos("m1")
        pos.send("F6")
        pos.wait_for("86 board")
        pos.type("D")                                # jumps to D1, Cheesecake
        pos.send("C-e")
        pos.wait_for("Change D1")
        pos.send("Tab")
        pos.send("Tab")
        for _ in range(6):
            pos.send("BSpace")
        pos.type("6.75")
        pos.send("Enter")
        pos.wait_for("Change D1: saved")
        wait(lambda: self.items()["D1"]["price"] == 675, "D1 at 6.75")
        pos.wait_for("6.75")
        self.assertEqual(self.items()["D1"]["name"], "Cheesecake")
        # off the menu and back on
        pos.send("Enter")
        wait(lambda: self.items()["D1"]["available"] is False, "D1 86'd")
        pos.wait_for("86 (off)")
        pos.send("Enter")
        wait(lambda: self.items()["D1"]["available"] is True, "D1 back on")
        # as it was, for the other tests
        c = self.rig.api("m1")
        c.patch("/api/v1/menu/items/D1", {"price": 600}, key=str(uuid.uuid4()))
        c.close()

    # ---- staff ----

    def open_staff(self, pos):
        pos.send("F8")
        pos.wait_for("| Staff")
        pos.wait_for("k1 ")

    def select_staff(self, pos, code):
        """Up to the top of the list, then down to code's row (the till's
        list is the server's, in its order)."""
        pos.wait_for(code + " ")
        codes = list(self.staff())
        pos.send(*(["Up"] * len(codes) + ["Down"] * codes.index(code)))

    def test_staff_add_reset_refused_disable(self):
        pos = self.pos("m1")
        self.open_staff(pos)
        pos.type("a")
        pos.wait_for("New staff member")
        self.fill(pos, "k9", "Kit New", "", PIN_NEW_CASHIER, PIN_MISTYPED)
        pos.send("Enter")
        pos.wait_for("The PIN and its repeat differ")
        self.assertNotIn("k9", self.staff())
        # the PINs were wiped and the first is focused: type both again
        self.fill(pos, PIN_NEW_CASHIER, PIN_NEW_CASHIER)
        pos.send("Enter")
        pos.wait_for("Add k9: saved (k9, CASHIER, active)")
        pos.wait_for("Kit New")
        self.assertEqual(self.staff()["k9"]["role"], "CASHIER")
        # the new cashier logs in at another till
        other = self.till_by_login("k9", PIN_NEW_CASHIER)
        other.wait_for("Logged in: k9 (CASHIER)")
        self.rig.drop(other)
        # a new PIN for k9
        self.select_staff(pos, "k9")
        pos.type("p")
        pos.wait_for("New PIN for k9")
        self.fill(pos, PIN_RESET, PIN_RESET)
        pos.send("Enter")
        pos.wait_for("New PIN for k9: saved")
        self.assertEqual(self.login_status("k9", PIN_RESET), 200)
        self.assertEqual(self.login_status("k9", PIN_NEW_CASHIER), 401)
        # a manager may not add a manager: the server's 403 on screen
        pos.type("a")
        pos.wait_for("New staff member")
        self.fill(pos, "mm2", "Max Manager", "m", PIN_MANAGER, PIN_MANAGER)
        pos.wait_for("< MANAGER >")
        pos.send("Enter")
        pos.wait_for("refused (403 forbidden")
        pos.send("Escape")
        self.assertNotIn("mm2", self.staff())
        # a role change within what a manager may do
        self.select_staff(pos, "k9")
        pos.type("e")
        pos.wait_for("Change k9")
        pos.send("Tab")
        pos.type("w")                                # WAITER
        pos.wait_for("< WAITER >")
        pos.send("Enter")
        pos.wait_for("Change k9: saved (k9, WAITER, active)")
        self.assertEqual(self.staff()["k9"]["role"], "WAITER")
        # disabled: the account can no longer log in
        self.select_staff(pos, "k9")
        pos.send("Enter")
        pos.wait_for("Disable k9: saved (k9, WAITER, disabled)")
        self.assertFalse(self.staff()["k9"]["active"])
        self.assertEqual(self.login_status("k9", PIN_RESET), 401)
        self.assertPinsNowhere(pos)

    def test_own_pin_change(self):
        a1 = self.rig.api("a1")
        r = a1.post("/api/v1/staff", {"staff": "k7", "name": "Pat Own", "role": "CASHIER",
                                      "pin": PIN_OWN_OLD}, key=str(uuid.uuid4()))
        a1.close()
        self.assertEqual(r.status, 201, r)
        pos = self.till_by_login("k7", PIN_OWN_OLD)
        pos.wait_for("Logged in: k7 (CASHIER)")
        pos.send("F1")                               # the help lists it
        pos.wait_for("F9       my PIN")
        pos.send("Escape")
        pos.send("F9")
        pos.wait_for("Your PIN")
        self.fill(pos, PIN_WRONG_OLD, PIN_OWN_NEW, PIN_OWN_NEW)
        pos.send("Enter")
        pos.wait_for("refused (403 wrong_pin")
        self.assertEqual(self.login_status("k7", PIN_OWN_OLD), 200)
        # the PINs were wiped: all three again, a mismatch refused first
        self.fill(pos, PIN_OWN_OLD, PIN_OWN_NEW, PIN_WRONG_OLD)
        pos.send("Enter")
        pos.wait_for("The new PIN and its repeat differ")
        pos.send("Up")                               # back to the old PIN, still typed
        pos.send("Down")
        self.fill(pos, PIN_OWN_NEW, PIN_OWN_NEW)
        pos.send("Enter")
        pos.wait_for("Your PIN is changed")
        self.assertEqual(self.login_status("k7", PIN_OWN_NEW), 200)
        self.assertEqual(self.login_status("k7", PIN_OWN_OLD), 401)
        # the till goes on selling on its session
        pos.ring("S1")
        pos.wait_for("1 x Fries")
        self.assertPinsNowhere(pos)


class ManageOffline(PosTest):
    def test_offline_nothing_changes(self):
        pos = self.pos("m1")
        port = self.rig.server.port
        self.rig.server.stop()
        pos.wait_for("OFFLINE")
        pos.send("F6")
        pos.wait_for("86 board")
        pos.send("C-n")
        pos.wait_for("the menu cannot be changed until the server is back")
        pos.send("C-e")
        pos.wait_for("the menu cannot be changed until the server is back")
        pos.send("F9")
        pos.wait_for("your PIN cannot be changed until the server is back")
        self.rig.server.start(port=port)
        pos.wait_for("ONLINE")
        pos.send("C-n")
        pos.wait_for("New item")
        pos.send("Escape")


if __name__ == "__main__":
    unittest.main()
