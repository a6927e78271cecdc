"""brigade-kds offline: with the network cut the header says OFFLINE since
when, the board stays and its timers keep running; a start and a bump are
queued, shown at once and marked PENDING; when the network returns they
are sent exactly once and the board takes the server's truth (a change
made elsewhere meanwhile wins and the refusal is shown, an order cancelled
meanwhile is a VOID card until cleared); a KDS started
while the server is down shows the saved board, marked STALE, and catches
up when the server is back."""
import os
import re
import sqlite3
import time
import unittest

from kds_helpers import KdsTest, Proxy


class OfflineTest(KdsTest):
    def test_queue_while_cut_then_exactly_once(self):
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        b = self.order(items=[{"sku": "B2", "qty": 1}])
        c = self.order(items=[{"sku": "B3", "qty": 1}])
        t = self.start_kds(port=proxy.port)
        t.wait_for("NEW (3)")
        proxy.cut()
        s = t.wait_for("OFFLINE since")
        self.assertRegex(s, r"OFFLINE since \d\d:\d\d")
        self.assertEqual(t.attrs_at("OFFLINE").get("bg"), 1)
        # start a, start and bump b; c is cancelled by a manager meanwhile
        t.send("1")
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        t.wait_for("PENDING")
        t.send("1")                 # b is now the first New card
        t.send("Enter")
        t.wait_for("PREPARING (2)")
        self.bump_card(t, b["number"])
        t.wait_for("PREPARING (1)")
        s = t.wait_for("3 queued")
        mgr = self.server.client("m1")
        self.assertEqual(mgr.act(c["id"], "cancel", reason="customer left").status, 200)
        mgr.close()
        # the clock and the timers go on while cut
        before = re.findall(r"(\d\d):(\d\d) ┐", t.capture())
        t.wait_until(lambda s: re.findall(r"(\d\d):(\d\d) ┐", s) != before, what="timers move")
        self.assertEqual(self.get(a["id"])["status"], "PAID", "nothing reached the server")
        proxy.restore()
        t.wait_for("ONLINE")
        self.wait_status(a["id"], "PREPARING")
        self.wait_status(b["id"], "READY")
        t.wait_gone("PENDING")
        t.wait_gone("queued")
        self.assertEqual(self.actions(a["id"]), ["create", "start"])
        self.assertEqual(self.actions(b["id"]), ["create", "start", "ready"])
        # the cancelled order is the server's truth: a VOID card, which
        # leaves the board when the chef clears it
        t.wait_all("NEW (0)", "VOID: customer left")
        self.bump_card(t, c["number"])
        t.wait_gone("VOID: customer left")
        self.assertNotIn("#%d " % c["number"], t.capture().split("\n", 1)[1])

    def test_queued_change_age_and_retention_warning(self):
        """The header gives the oldest queued change's age and, near the
        server's Idempotency-Key retention (GET /healthz), says to send it
        soon."""
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        t = self.start_kds(port=proxy.port, width=150)
        t.wait_for("NEW (1)")
        # the worker has asked the server for its retention: then the link goes
        deadline = time.time() + 30
        while "GET /healthz" not in proxy.requests:
            self.assertLess(time.time(), deadline, "the retention was never asked for")
            time.sleep(0.05)
        proxy.cut()
        t.wait_for("OFFLINE since")
        t.send("1")
        t.send("Enter")
        t.wait_for("1 queued")
        db = sqlite3.connect(os.path.join(self.tmp, "kds", "state", "brigade", "kds-outbox.db"))
        db.execute("UPDATE outbox SET created_at = created_at - 6 * 86400000")
        db.commit()
        db.close()
        t.wait_for("1 queued, oldest 6 d 0 h: SEND SOON (server keeps 7 d 0 h)")
        proxy.restore()
        self.wait_status(a["id"], "PREPARING")
        t.wait_gone("queued")

    def bump_card(self, t, number):
        """Select the card with this number (by its digit) and press Enter."""
        for line in t.capture().split("\n"):
            m = re.search(r"\[(\d)\]─ #%d " % number, line)
            if m:
                t.send(m.group(1))
                t.send("Enter")
                return
            m = re.search(r"\[(\d)\]─ #\d+ .*\[(\d)\]─ #%d " % number, line)
            if m:
                t.send(m.group(2))
                t.send("Enter")
                return
        raise AssertionError("no card #%d:\n%s" % (number, t.capture()))

    def test_conflict_wins_and_is_shown(self):
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        t = self.start_kds(port=proxy.port)
        t.wait_for("NEW (1)")
        proxy.cut()
        t.wait_for("OFFLINE since")
        t.send("Enter")                     # start, queued
        t.wait_for("PENDING")
        # another chef starts it first, and bumps it back to the pass
        self.assertEqual(self.chef.act(a["id"], "start").status, 200)
        proxy.restore()
        t.wait_for("REFUSED: cannot start order")
        t.wait_gone("PENDING")
        t.wait_for("PREPARING (1)")
        self.assertEqual(self.actions(a["id"]), ["create", "start"])
        self.assertEqual(self.get(a["id"])["history"][-1]["by"], "c1")

    def test_server_down_and_stale_start(self):
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        home = self.tmp + "/stale-kds"
        t = self.start_kds(home=home)
        t.wait_for("#%d " % a["number"])
        t.send("C-c")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(), 0)
        port = self.server.port
        self.server.stop()
        t2 = self.start_kds(home=home, wait=False)
        t2.wait_all("STALE", "#%d " % a["number"], "Classic Burger")
        t2.wait_for("OFFLINE since")
        # work goes on: a start is queued
        t2.send("Enter")
        t2.wait_for("PENDING")
        t2.wait_for("1 queued")
        self.server.start(port=port)
        self.http.close()
        self.chef.close()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")
        t2.wait_for("ONLINE")
        t2.wait_gone("STALE")
        self.wait_status(a["id"], "PREPARING")
        t2.wait_gone("PENDING")
        b = self.order(items=[{"sku": "S3", "qty": 1}])
        t2.wait_for("Onion Rings")
        self.assertEqual(self.actions(a["id"]), ["create", "start"])
        del b


if __name__ == "__main__":
    unittest.main()
