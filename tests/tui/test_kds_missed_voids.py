"""brigade-kds and the voids made while it was not running: orders on its
board are voided whole (a started one), cancelled (a new one), have a
line voided, or are bumped to READY by another terminal while the KDS is
stopped. Started again, the snapshot of open orders lacks the cancelled
ones: the KDS looks each up and shows a VOID card with the reason, as if
it had seen the void live (its void ticket prints once); the line void
shows struck and prints; the order made ready elsewhere leaves quietly.
A restart prints nothing twice and a cleared card stays cleared. With the
network cut at start the saved board shows (STALE) and the VOID cards
come once the server answers. When the server cannot say what became of
an order (503), its card stays, marked CHECKING, also over a kill, and is
asked about again until the answer comes."""
import os
import re
import signal
import time
import unittest
import uuid

from kds_helpers import KdsTest, Proxy, wait_file


class LookupFailingProxy(Proxy):
    """The relay, answering GET /api/v1/orders/ID itself with a 503 while
    failing is set (the server's other answers pass)."""
    LOOKUP = re.compile(rb"^GET /api/v1/orders/(\d+) HTTP/1\.1")
    failing = False
    failed = []

    def _send(self, pair, dst, data):
        m = self.LOOKUP.match(data) if dst is pair.upstream else None
        if m and self.failing:
            self.failed.append(int(m.group(1)))
            body = b'{"error":{"code":"unavailable","message":"try again later"}}'
            data = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            dst = pair.client
        super()._send(pair, dst, data)


class MissedVoidsTest(KdsTest):
    def void(self, mgr, oid, reason, lines=None):
        body = {"kind": "void", "reason": reason}
        if lines is not None:
            body["lines"] = lines
        r = mgr.post("/api/v1/orders/%d/corrections" % oid, body, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        return r.json

    def clear(self, t, number):
        """Select the card with this number by its digit and press Enter."""
        for line in t.capture().split("\n"):
            for m in re.finditer(r"\[(\d)\]─ #(\d+) ", line):
                if int(m.group(2)) == number:
                    t.send(m.group(1))
                    t.send("Enter")
                    return
        raise AssertionError("no card #%d:\n%s" % (number, t.capture()))

    def reasons(self, paper):
        with open(paper, errors="replace") as f:
            return sorted(r.strip() for r in re.findall(r"Reason: ([^\[\n]*)", f.read()))

    def quit(self, t):
        t.send("C-c")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(timeout=30), 0)
        self.kdses.remove(t)
        t.kill()

    def board(self):
        """a (started), b (started, two lines), c (started), d (new)."""
        a = self.order(service="DINE_IN", table="T4", items=[{"sku": "B1", "qty": 1}])
        b = self.order(items=[{"sku": "B3", "qty": 1}, {"sku": "S1", "qty": 1}])
        c = self.order(items=[{"sku": "B2", "qty": 1}])
        d = self.order(items=[{"sku": "B1", "qty": 2}])
        for o in (a, b, c):
            self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        return a, b, c, d

    def changes_while_away(self, a, b, c, d):
        mgr = self.server.client("m1")
        self.others.append(mgr)
        self.void(mgr, a["id"], "Kitchen error")
        self.void(mgr, b["id"], "Wrong item", [{"line": 1, "qty": 1}])
        self.assertEqual(mgr.act(d["id"], "cancel", reason="Customer left").status, 200)
        self.assertEqual(self.chef.act(c["id"], "ready").status, 200)
        self.assertEqual(self.get(a["id"])["status"], "CANCELLED")
        self.assertEqual(self.get(d["id"])["status"], "CANCELLED")

    def test_voids_made_while_stopped(self):
        proc, port, paper = self.vprinter()
        self.addCleanup(lambda: (proc.kill(), proc.wait()))
        printer = ("--ticket-printer", "tcp://127.0.0.1:%d" % port)
        home = "%s/kds" % self.tmp
        a, b, c, d = self.board()
        t = self.start_kds(*printer, home=home)
        t.wait_all("NEW (1)", "PREPARING (3)", "printer ready", "1 x Fries")
        self.quit(t)

        self.changes_while_away(a, b, c, d)
        t = self.start_kds(*printer, home=home)
        s = t.wait_all("VOID: Kitchen error", "VOID: Customer left", "NEW (0)   1 VOID",
                       "PREPARING (1)   1 VOID", "1 x Fries  VOID", "1 x Bacon Burger",
                       "printer ready")
        t.wait_gone("#%d " % c["number"])
        wait_file(paper, "Reason: Kitchen error")
        wait_file(paper, "Reason: Customer left")
        self.assertIn("ORDER CANCELLED", wait_file(paper, "Reason: Wrong item"))
        # the VOID cards stay until cleared (a capture may fall mid-redraw)
        time.sleep(1)
        t.wait_all("VOID: Kitchen error", "VOID: Customer left", timeout=2)
        self.assertEqual(self.reasons(paper), ["Customer left", "Kitchen error", "Wrong item"])

        # the chef clears d's card; a restart prints nothing again, a's
        # card is back (not cleared), d's is not
        self.clear(t, d["number"])
        t.wait_gone("VOID: Customer left")
        t.wait_for("NEW (0)")
        self.quit(t)
        t = self.start_kds(*printer, home=home)
        s = t.wait_all("VOID: Kitchen error", "NEW (0)", "PREPARING (1)   1 VOID",
                       "1 x Fries  VOID", "printer ready")
        self.assertNotIn("Customer left", s)
        self.assertNotIn("#%d " % d["number"], s.split("\n", 1)[1])
        self.clear(t, a["number"])
        t.wait_gone("VOID: Kitchen error")
        self.quit(t)
        t = self.start_kds(*printer, home=home)
        s = t.wait_all("NEW (0)", "PREPARING (1)", "1 x Fries  VOID", "printer ready")
        self.assertNotIn("VOID:", s)
        time.sleep(0.5)
        self.assertEqual(self.reasons(paper), ["Customer left", "Kitchen error", "Wrong item"])

    def test_voids_made_while_stopped_seen_when_the_server_answers(self):
        home = "%s/kds" % self.tmp
        a, b, c, d = self.board()
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        t = self.start_kds(home=home, port=proxy.port)
        t.wait_all("NEW (1)", "PREPARING (3)", "1 x Fries")
        self.quit(t)

        self.changes_while_away(a, b, c, d)
        proxy.cut()
        t = self.start_kds(home=home, port=proxy.port, wait=False)
        # the saved board, as it was
        s = t.wait_all("STALE", "NEW (1)", "PREPARING (3)")
        self.assertNotIn("VOID:", s)
        proxy.restore()
        s = t.wait_all("ONLINE", "VOID: Kitchen error", "VOID: Customer left",
                       "NEW (0)   1 VOID", "PREPARING (1)   1 VOID", "1 x Fries  VOID")
        t.wait_gone("#%d " % c["number"])
        self.clear(t, a["number"])
        t.wait_gone("VOID: Kitchen error")
        t.wait_for("PREPARING (1)")

        # cut again and started again: the cleared card stays cleared, the
        # other is kept from before
        self.quit(t)
        proxy.cut()
        t = self.start_kds(home=home, port=proxy.port, wait=False)
        s = t.wait_all("STALE", "VOID: Customer left", "NEW (0)   1 VOID", "PREPARING (1)")
        self.assertNotIn("Kitchen error", s)
        proxy.restore()
        s = t.wait_all("ONLINE", "VOID: Customer left", "PREPARING (1)", "1 x Fries  VOID")
        time.sleep(1)
        s = t.wait_all("VOID: Customer left", "PREPARING (1)", timeout=2)
        self.assertNotIn("Kitchen error", s)

    def test_lookup_failing_keeps_the_card(self):
        home = "%s/kds" % self.tmp
        a, b, c, d = self.board()
        proxy = LookupFailingProxy(self.server.port)
        proxy.failed = []
        self.others.append(proxy)
        t = self.start_kds(home=home, port=proxy.port)
        t.wait_all("NEW (1)", "PREPARING (3)", "1 x Fries")
        self.quit(t)

        self.changes_while_away(a, b, c, d)
        proxy.failing = True
        t = self.start_kds(home=home, port=proxy.port)
        # a and d are not lost: their cards stay, marked, and are asked
        # about again
        s = t.wait_until(lambda s: s.count("CHECKING") == 2 and all(
            x in s for x in ("ONLINE", "NEW (1)", "PREPARING (2)", "1 x Fries  VOID")),
            what="two cards checking")
        self.assertNotIn("VOID:", s)
        deadline = time.time() + 30
        while proxy.failed.count(a["id"]) < 2:
            self.assertLess(time.time(), deadline, "a is not asked about again: %r" % proxy.failed)
            time.sleep(0.1)
        t.wait_all("CHECKING", "NEW (1)", "PREPARING (2)")

        # killed meanwhile: the saved board lacks them, yet they are back,
        # still checking
        os.kill(t.pid(), signal.SIGKILL)
        t.wait_exit()
        self.kdses.remove(t)
        t.kill()
        t = self.start_kds(home=home, port=proxy.port)
        s = t.wait_until(lambda s: s.count("CHECKING") == 2 and all(
            x in s for x in ("ONLINE", "NEW (1)", "PREPARING (2)")), what="two cards checking")
        proxy.failing = False
        s = t.wait_all("VOID: Kitchen error", "VOID: Customer left", "NEW (0)   1 VOID",
                       "PREPARING (1)   1 VOID", "1 x Fries  VOID")
        t.wait_gone("CHECKING")


if __name__ == "__main__":
    unittest.main()
