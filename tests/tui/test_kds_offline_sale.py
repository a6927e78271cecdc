"""An offline sale, cooked once: a till whose clock is two hours off sells
while its link is cut; its receipt and kitchen ticket print with the
provisional number; a Z close happens before the link returns. When the
sale arrives the order keeps the time it was sold (the till's clock
corrected by the skew it learned from the server) and the time it
arrived; the kitchen screen's timer runs from the sale, and its card shows
the till's number and that its ticket was printed offline, and when; the
X report counts it once, in the period it arrived in.

And a change reaches the server as the person who made it: a chef's start
queued at the kitchen screen does not go out while a cashier is signed in
there (the header says whom it waits for); it goes out, as the chef, when
the chef signs in again."""
import os
import re
import sqlite3
import time
import unittest

from kds_helpers import KdsTest, NetProxy, Proxy
from pos_helpers import Pos, VPrinter, wait

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


class _Rig:
    """What a Pos needs of a rig: a directory, a printer, the port it
    talks to (here a proxy's)."""

    def __init__(self, workdir, printer, port):
        self.dir, self.printer = workdir, printer
        self.server = type("S", (), {"port": port})()


class OfflineSale(KdsTest):
    width, height = 110, 30

    def setUp(self):
        super().setUp()
        self.tills = []

    def tearDown(self):
        # the tills first: the rig's directory goes with KdsTest's teardown
        failures = []
        for pos, printer in self.tills:
            status, screen = pos.stop()
            printer.stop()
            if status not in (0, None):
                failures.append("brigade-pos exited %s:\n%s\n%s"
                                % (status, screen, pos.tail_log(20000)))
        super().tearDown()
        if failures:
            raise AssertionError("\n".join(failures))

    def till(self, terminal, port, **kw):
        printer = VPrinter(self.tmp, "receipt-" + terminal)
        pos = Pos(_Rig(self.tmp, printer, port), terminal)
        self.tills.append((pos, printer))
        pos.launch(**kw)
        return pos, printer

    @unittest.skipUnless(os.path.exists(FAKETIME), "libfaketime is not installed")
    def test_offline_sale_keeps_its_sale_time_and_paper_number(self):
        proxy = NetProxy(self.server.port)
        self.others.append(proxy)
        # the till's clock is two hours slow: only the skew it learns from
        # the server's answers puts its sale at the right time
        pos, printer = self.till("till2", proxy.port, staff="k1", env={
            "LD_PRELOAD": FAKETIME, "FAKETIME": "-2h", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "UTC",
            # the preloaded clock comes before the sanitizer's runtime
            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"})
        pos.wait_for("Classic Burger")
        pos.wait_for("ONLINE")
        wait(lambda: "GET /healthz" in proxy.requests, "the till's worker talked to the server")
        kds = self.start_kds()
        mgr = self.server.client("m1")
        self.assertEqual(mgr.post("/api/v1/reports/z", key="z-before").status, 201)

        proxy.cut()
        pos.wait_for("OFFLINE")
        sold = time.time() * 1000
        pos.ring("B1")
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order till2-1 (queued)")
        paper = printer.wait_text("till2-1", 2)
        self.assertIn("Ordered", paper)            # the kitchen ticket, printed here
        # the kitchen cooks from paper meanwhile; the day is closed too
        time.sleep(8)
        z = mgr.post("/api/v1/reports/z", key="z-between")
        self.assertEqual((z.status, z.json["orders"]), (201, 0))

        proxy.restore()
        o = wait(lambda: next((x for x in mgr.get("/api/v1/orders?day=today").json["orders"]
                               if x["terminal"] == "till2"), None),
            "the sale on the server", timeout=60)
        # the order: sold then, received later, the till's number kept
        self.assertLess(abs(o["created_at"] - sold), 2500, o)
        self.assertEqual(o["status_at"]["PAID"], o["created_at"])
        self.assertEqual(o["history"][0]["at"], o["created_at"])
        self.assertGreaterEqual(o["received_at"] - o["created_at"], 7000, o)
        self.assertEqual(o["provisional"], "till2-1")
        self.assertLess(abs(o["ticket_printed_at"] - sold), 2500, o)

        # the kitchen screen: the till's number, when its ticket printed,
        # and a timer from the sale, not from the arrival
        printed = time.strftime("%H:%M", time.gmtime(o["ticket_printed_at"] / 1000))
        title = "#%d (till2-1)" % o["number"]
        s = kds.wait_all(title, "ticket printed offline %s" % printed)
        line = next(ln for ln in s.split("\n") if title in ln)
        mm, ss = re.search(r"(\d\d):(\d\d) ", line[line.index(title):]).groups()
        self.assertGreaterEqual(int(mm) * 60 + int(ss), 8, line)

        # the X report: counted once, in the period it arrived in (the
        # close it was sold before had already been taken)
        x = mgr.get("/api/v1/reports/daily").json
        self.assertEqual((x["orders"], x["total"]), (1, o["total"]))
        self.assertEqual(mgr.get("/api/v1/reports/z/%d" % z.json["z_number"]).json["orders"], 0)
        mgr.close()

    def test_chef_start_waits_for_the_chef(self):
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        t = self.start_kds(port=proxy.port)
        t.wait_for("NEW (1)")
        proxy.cut()
        t.wait_for("OFFLINE since")
        t.send("1")
        t.send("Enter")
        t.wait_for("1 queued")
        self.quit(t)
        # a cashier signs in at the kitchen screen; the link is back
        proxy.restore()
        t = self.start_kds(port=proxy.port, staff="k1")
        t.wait_for("1 waiting for c1")
        time.sleep(3)
        s = t.capture()
        self.assertNotIn("refused", s)
        self.assertEqual(self.get(a["id"])["status"], "PAID", "sent as the cashier")
        db = sqlite3.connect(os.path.join(self.tmp, "kds", "state", "brigade", "kds-outbox.db"))
        rows = db.execute("SELECT staff, state FROM outbox").fetchall()
        db.close()
        self.assertEqual(rows, [("c1", 0)])
        self.quit(t)
        # the chef again: the start goes out, as the chef
        t = self.start_kds(port=proxy.port, staff="c1")
        self.wait_status(a["id"], "PREPARING")
        t.wait_gone("queued")
        h = self.get(a["id"])["history"]
        self.assertEqual((h[-1]["action"], h[-1]["by"]), ("start", "c1"))

    def quit(self, t):
        t.send("C-c")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
