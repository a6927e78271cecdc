"""brigade-kds timers and looks: a ticket's timer runs from payment on the
server's clock, ticks every second, turns to warning and then late at the
station's thresholds (seconds here), late cards say LATE and stand out in
colour and on a monochrome terminal (NO_COLOR, --mono); every theme loads;
a theme that does not exist is refused with a clear message."""
import re
import time
import unittest

from kds_helpers import KdsTest


def timer_attrs(t, seconds_re):
    """The attributes of the ticket timer when it shows seconds_re. The
    header's clock is left out: past midnight it reads 00:mm:ss too."""
    deadline = time.time() + 30
    while time.time() < deadline:
        screen = t.capture(colors=True).split("\n", 1)[-1]
        a = t.attrs_at(r"00:%s" % seconds_re, regex=True, screen=screen)
        if a is not None:
            return a, screen
        time.sleep(0.05)
    raise AssertionError("no timer at 00:%s:\n%s" % (seconds_re, t.capture()))


class TimerTest(KdsTest):
    def test_colours_change_at_thresholds(self):
        t = self.start_kds("--warn", "4s", "--late", "8s")
        self.order()
        ok, _ = timer_attrs(t, "0[0-3]")
        self.assertEqual(ok.get("fg"), 2, "green while young: %r" % ok)
        # it ticks on its own, every second
        t.wait_until(lambda s: "00:02" in s.split("\n", 1)[-1], what="the timer at 00:02")
        warn, _ = timer_attrs(t, "0[4-7]")
        self.assertEqual((warn.get("fg"), warn.get("bg")), (0, 3), "warning: %r" % warn)
        late, screen = timer_attrs(t, "(0[89]|[1-5][0-9])")
        self.assertEqual(late.get("bg"), 1, "late: %r" % late)
        self.assertTrue(late.get("blink"))
        t.wait_for("LATE 00:")
        # the late card's frame stands out too
        self.assertEqual(t.attrs_at("LATE").get("bg"), 1)

    def test_station_thresholds_from_the_config_file(self):
        home = self.tmp + "/cfg-kds"
        import os
        os.makedirs(home + "/config/brigade", exist_ok=True)
        with open(home + "/config/brigade/kds.conf", "w") as f:
            f.write("warn = 1h\nlate = 2h\nwarn.grill = 2s\nlate.grill = 4s\n")
        t = self.start_kds("--station", "grill", home=home)
        self.order()
        t.wait_for("LATE 00:0", timeout=30)
        b = self.start_kds("--station", "fryer", home=home, width=80, height=24)
        # the ticket's timer, below the header (whose clock reads 00:mm:ss
        # after midnight)
        b.wait_until(lambda s: re.search(r"00:0[5-9]", s.split("\n", 1)[-1]),
                     what="the fryer ticket at 5 s or more")
        self.assertNotIn("LATE", b.capture())

    def test_monochrome_late(self):
        env = self.kds_env(NO_COLOR="1")
        t = self.start_kds("--warn", "1s", "--late", "2s", env=env)
        self.order()
        t.wait_for("LATE 00:0")
        a = t.attrs_at("LATE")
        self.assertNotIn("fg", a, "no colours with NO_COLOR: %r" % a)
        self.assertNotIn("bg", a)
        self.assertTrue(a.get("reverse") and a.get("blink"), a)
        # and the selection, pending and offline still differ without colour
        self.assertTrue(t.attrs_at("ONLINE").get("bold"), t.attrs_at("ONLINE"))
        m = self.start_kds("--mono", "--late", "2s", width=80, height=24)
        m.wait_for("LATE 00:0")
        self.assertNotIn("bg", m.attrs_at("LATE"))

    def test_themes(self):
        for name in ("default", "dark", "high-contrast", "mono"):
            t = self.start_kds("--theme", name, width=80, height=24)
            t.wait_for("NEW (0)")
        bad = self.start_kds("--theme", "neon", wait=False)
        bad.expected_exit = 2
        self.assertEqual(bad.wait_exit(), 2)
        self.assertIn('no theme "neon"', bad.capture(history=True))

    def test_eight_colours(self):
        env = self.kds_env(TERM="screen")      # 8 colours
        t = self.start_kds("--theme", "dark", "--late", "2s", env=env, width=80, height=24)
        self.order()
        t.wait_for("LATE 00:0")
        a = t.attrs_at("LATE")
        self.assertIn(a.get("bg"), (1, 9), "a basic red: %r" % a)


if __name__ == "__main__":
    unittest.main()
