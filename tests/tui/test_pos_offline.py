"""pos_offline: sales go on while the server is away: provisional numbers
with the terminal's prefix on the receipt and on the kitchen ticket (which
the receipt printer prints when there is no kitchen printer), queued in the
outbox and shown as such, replayed exactly once when the server is back,
after which the screen shows the server's numbers. A sale refused on replay
(its item 86'd meanwhile) waits in needs attention, where a cashier cannot
and a manager can resolve it; none is dropped. The printer running out of
paper is shown, and what was sold meanwhile prints once, when paper is back."""
import json
import os
import re
import signal
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import Pos, PosTest, wait  # noqa: E402
from kds_helpers import NetProxy  # noqa: E402


class _Via:
    """The rig as a till behind a proxy sees it: the proxy's port."""

    def __init__(self, rig, port):
        self.dir, self.printer = rig.dir, rig.printer
        self.server = type("S", (), {"port": port})()


class Offline(PosTest):

    def restart_server(self, before=None):
        port = self.rig.server.port
        self.rig.server.stop()
        if before:
            before(self.rig.server.db)
        return port

    def test_queued_sale_age_and_retention_warning(self):
        """The header gives the oldest queued change's age and, near the
        server's Idempotency-Key retention (GET /healthz), says to send it
        soon."""
        proxy = NetProxy(self.rig.server.port)
        self.addCleanup(proxy.close)
        pos = Pos(_Via(self.rig, proxy.port), "tillR")
        self.rig.poses.append(pos)
        self.addCleanup(lambda: pos in self.rig.poses and self.rig.drop(pos))
        pos.launch(staff="k1")
        pos.wait_for("Classic Burger")
        # the worker has asked the server for its retention: then the link goes
        wait(lambda: "GET /healthz" in proxy.requests, "the retention asked for")
        proxy.cut()
        pos.ring("B1")
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order tillR-1 (queued)")
        pos.wait_for("1 queued")
        db = sqlite3.connect(os.path.join(pos.state, "brigade", "pos-tillR-outbox.db"))
        db.execute("UPDATE outbox SET created_at = created_at - 6 * 86400000 - 3600000")
        db.commit()
        db.close()
        pos.wait_for("1 queued, oldest 6 d 1 h: SEND SOON (server keeps 7 d 0 h)")
        proxy.restore()
        pos.wait_gone("queued", timeout=60)

    def test_offline_sales_replay_exactly_once(self):
        pos = self.pos("k1", terminal="tillA")
        before = len(self.rig.orders())
        port = self.rig.server.port
        self.rig.server.stop()
        pos.wait_for("OFFLINE")
        tickets = self.rig.printer.read_text().count("PROVISIONAL NUMBER")
        pos.ring("B1", "S1")                   # 9.50 + 3.50 = 13.00 + 1.04 = 14.04
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order tillA-1 (queued)")
        pos.type("DR1")                         # the next order starts by typing
        pos.send("Enter")
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order tillA-2 (queued)")
        pos.wait_for("2 queued")
        # receipt and kitchen ticket, both with the provisional number
        paper = self.rig.printer.wait_text("PROVISIONAL NUMBER", tickets + 4)
        self.assertEqual(paper.count("tillA-1"), 2)
        self.assertEqual(paper.count("tillA-2"), 2)
        self.assertIn("Ordered", paper)         # the kitchen ticket's own line
        # no other number on them: the server has not given one yet
        for part in paper.split("PROVISIONAL NUMBER")[tickets + 1:]:
            self.assertIsNone(re.search(r"#\d", part), part)
        self.assertEqual(len(pos.outbox_rows("state = 0")), 2)
        # the server comes back: each sale goes in once, numbered by it
        self.rig.server.start(port=port)
        screen = pos.wait_for(r"Recent:  #\d+  #\d+", regex=True, timeout=60)
        pos.wait_gone("queued")
        orders = self.rig.orders()
        self.assertEqual(len(orders), before + 2)
        mine = [o for o in orders if o["terminal"] == "tillA"]
        self.assertEqual(sorted(o["total"] for o in mine), sorted([1404, 270]))
        recent = [line for line in screen.split("\n") if "Recent:" in line][0]
        numbers = sorted(int(n) for n in re.findall(r"#(\d+)", recent))
        self.assertEqual(numbers, sorted(o["number"] for o in mine))
        self.assertEqual(len(pos.outbox_rows("state = 1")), 2)
        # a restart of the till sends nothing again
        self.rig.drop(pos)
        pos = self.pos("k1", terminal="tillA")
        pos.wait_for("ONLINE")
        self.assertEqual(len(self.rig.orders()), before + 2)

    def test_quick_sales_on_a_silent_link_all_print(self):
        """Two sales a moment apart while the server hangs, before the till
        takes it for gone: the first's receipt and kitchen ticket print too
        (its wait for the server's number used to end without printing)."""
        pos = self.pos("k1", terminal="tillQ")
        pos.wait_for("ONLINE")
        before = len(self.rig.orders())
        tickets = self.rig.printer.read_text().count("Ordered")
        server = self.rig.server.proc
        server.send_signal(signal.SIGSTOP)
        try:
            pos.ring("B1")
            pos.send("Enter")
            pos.send("Enter")                   # exact cash
            pos.type("DR1")                     # the next sale, at once
            pos.send("Enter")
            pos.send("Enter")
            pos.send("Enter")
            paper = self.rig.printer.wait_text("Ordered", tickets + 2)
        finally:
            server.send_signal(signal.SIGCONT)
        self.assertEqual(paper.count("Ordered"), tickets + 2)
        wait(lambda: len(self.rig.orders()) == before + 2, "both sales on the server")
        mine = [o for o in self.rig.orders() if o["terminal"] == "tillQ"]
        self.assertEqual(sorted(o["total"] for o in mine), [270, 1026])

    def test_refused_on_replay_needs_attention(self):
        pos = self.pos("k1", terminal="tillB")
        before = len(self.rig.orders())
        port = self.rig.server.port
        self.rig.server.stop()
        pos.wait_for("OFFLINE")
        pos.ring("D2")                          # Chocolate Brownie
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for("Order tillB-1 (queued)")

        # meanwhile the kitchen ran out of brownies
        db = sqlite3.connect(self.rig.server.db)
        (doc,) = db.execute("SELECT doc FROM menu").fetchone()
        doc = json.loads(doc)
        next(i for i in doc["items"] if i["sku"] == "D2")["available"] = False
        db.execute("UPDATE menu SET doc = ?", (json.dumps(doc),))
        db.commit()
        db.close()
        self.rig.server.start(port=port)
        pos.wait_for("REFUSED", timeout=60)
        pos.wait_for("1 refused")
        self.assertEqual(len(self.rig.orders()), before)
        # the cashier sees it but may not resolve it
        pos.send("F5")
        pos.wait_for("sale:tillB-1")
        pos.wait_for("item_unavailable")
        pos.send("Enter")
        pos.wait_for("A CASHIER may not send again")
        # a manager at this till: brownies are back, send it again
        pos.send("F10")
        pos.wait_for("Staff code")
        pos.type("m1")
        pos.send("Enter")
        pos.type("4444")
        pos.send("Enter")
        pos.wait_for("Logged in: m1 (MANAGER)")
        api = self.rig.api("m1")
        self.assertEqual(api.patch("/api/v1/menu/items/D2", {"available": True}).status, 200)
        pos.send("F5")
        pos.wait_for("sale:tillB-1")
        pos.send("Enter")
        pos.wait_for("Nothing refused", timeout=60)
        wait(lambda: len(self.rig.orders()) == before + 1, "the sale on the server")
        self.assertEqual(len(pos.outbox_rows("state = 2")), 0)

    def test_paper_out_then_printed_once(self):
        pos = self.pos("k1", terminal="tillC")
        done = self.rig.printer.read_text().count("Thank you!")
        self.rig.printer.paper_out()
        pos.wait_for("PAPER OUT!")
        pos.ring("B3")
        pos.send("Enter")
        pos.send("Enter")
        pos.wait_for(r"Order #\d+", regex=True)     # the sale went through
        pos.wait_for("1 to print")
        self.assertEqual(self.rig.printer.read_text().count("Thank you!"), done)
        self.rig.printer.paper_in()
        self.rig.printer.wait_text("Thank you!", done + 1)
        pos.wait_for("printer ready")
        pos.wait_gone("to print")
        self.assertEqual(self.rig.printer.read_text().count("Thank you!"), done + 1)


if __name__ == "__main__":
    unittest.main()
