"""brigade-kds login: without staff and PIN it opens on a login screen
(PIN masked); a wrong PIN says so and changes nothing; five wrong PINs
lock the account and the screen says so; the right PIN opens the board; a
role that may not cook (a waiter) is offered no kitchen actions; bad flags
are refused with a clear message."""
import subprocess
import unittest

from kds_helpers import KDS, KdsTest


class LoginTest(KdsTest):
    def login(self, t, pin, staff=None):
        """Type the staff code (first time) and a PIN, and wait for the
        answer: keys typed while the form waits are not taken. The answer
        is in when the masked PIN has gone and the form no longer waits
        (the same message as the last attempt's proves nothing)."""
        if staff:
            t.type(staff)
            t.send("Enter")
        t.type(pin)
        t.wait_for("*" * len(pin))
        t.send("Enter")
        t.wait_until(lambda s: "*" * len(pin) not in s and "Signing in" not in s,
                     what="the answer to PIN %s" % pin)

    def test_wrong_pin_then_right_one(self):
        self.order()
        t = self.start_kds(staff=None)
        s = t.wait_for("Brigade KDS: sign in")
        self.assertIn("Staff code", s)
        self.assertIn("SIGNED OUT", s)
        self.assertNotIn("Classic Burger", s, "no orders before signing in")
        t.type("c1")
        t.send("Enter")
        t.type("1234")
        s = t.wait_for("****")
        self.assertNotIn("1234", s, "the PIN is masked")
        t.send("Enter")
        t.wait_for("unknown staff code or wrong PIN")
        self.assertNotIn("****", t.capture(), "the PIN field is emptied")
        t.type("3333")
        t.send("Enter")
        s = t.wait_all("Classic Burger", "ONLINE")
        self.assertIn("c1", s)
        self.assertNotIn("SIGNED OUT", s)

    def test_locked_account(self):
        t = self.start_kds(staff=None)
        t.wait_for("Brigade KDS: sign in")
        for i in range(5):
            self.login(t, "9999", staff="c1" if i == 0 else None)
            t.wait_for("unknown staff code or wrong PIN")
        self.login(t, "3333")
        t.wait_for("locked")
        t.wait_for("sign in", timeout=5)

    def test_waiter_gets_no_kitchen_actions(self):
        o = self.order()
        t = self.start_kds(staff="w1")
        t.wait_for("#%d " % o["number"])
        bar = t.line_with("help")
        self.assertNotIn("start", bar)
        self.assertNotIn("bump", bar)
        self.assertNotIn("recall", bar)
        t.send("Enter")
        t.send("?")
        t.wait_for("(not now)")
        t.send("x")
        self.assertEqual(self.get(o["id"])["status"], "PAID", "Enter did nothing")

    def test_bad_flags(self):
        for args, words in ((["--staff", "c1"], "--staff and --pin go together"),
                            (["--station", "gr ill"], "not a station name"),
                            (["--warn", "soon"], "expected a duration"),
                            (["--server", "ftp://x"], "server: expected http"),
                            (["--bogus"], "usage")):
            r = subprocess.run([KDS] + args, capture_output=True, text=True, timeout=30,
                               env=self.kds_env())
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(words, r.stderr, args)
        r = subprocess.run([KDS, "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--label-printer", r.stdout)


if __name__ == "__main__":
    unittest.main()
