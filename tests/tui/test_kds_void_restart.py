"""brigade-kds keeps its VOID cards over a restart: an order voided whole
(cancelled) or line by line until nothing was left, while the kitchen had
it, stays a VOID card with its reason until the chef clears it, even when
the KDS is killed (kill -9) and started again, online or with the network
cut; after the restart nothing is printed again and no card shows twice; a
VOID card cleared before the restart does not come back, not even as a
live card from a board saved before the void (the board is written a few
seconds after a change, so a kill can come first)."""
import os
import re
import shutil
import signal
import time
import unittest
import uuid

from kds_helpers import KdsTest, Proxy, wait_file


class VoidRestartTest(KdsTest):
    def void(self, mgr, oid, reason, lines=None):
        body = {"kind": "void", "reason": reason}
        if lines is not None:
            body["lines"] = lines
        r = mgr.post("/api/v1/orders/%d/corrections" % oid, body, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        return r.json

    def clear(self, t, number):
        """Select the card with this number by its digit and press Enter
        (keys are read in order: the digit selects before Enter acts)."""
        for line in t.capture().split("\n"):
            for m in re.finditer(r"\[(\d)\]─ #(\d+) ", line):
                if int(m.group(2)) == number:
                    t.send(m.group(1))
                    t.send("Enter")
                    return
        raise AssertionError("no card #%d:\n%s" % (number, t.capture()))

    def reasons(self, paper):
        with open(paper, errors="replace") as f:
            return [r.strip() for r in re.findall(r"Reason: ([^\[\n]*)", f.read())]

    def wait_saved(self, path, ids):
        """The board's file once it holds these orders (it is written a
        few seconds after a change)."""
        deadline = time.time() + 30
        while True:
            try:
                with open(path) as f:
                    text = f.read()
                if all('"id":%d,' % i in text for i in ids):
                    return
            except OSError:
                pass
            self.assertLess(time.time(), deadline, "%s never held orders %r" % (path, ids))
            time.sleep(0.1)

    def kill9(self, t):
        os.kill(t.pid(), signal.SIGKILL)
        t.wait_exit()
        self.kdses.remove(t)
        t.kill()

    def test_void_cards_survive_a_restart(self):
        proc, port, paper = self.vprinter()
        self.addCleanup(lambda: (proc.kill(), proc.wait()))
        printer = ("--ticket-printer", "tcp://127.0.0.1:%d" % port)
        home = "%s/kds" % self.tmp
        state = os.path.join(home, "state", "brigade")
        a = self.order(service="DINE_IN", table="T4",
                       items=[{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}])
        b = self.order(items=[{"sku": "B3", "qty": 1}])
        c = self.order(items=[{"sku": "B2", "qty": 1}])
        d = self.order(items=[{"sku": "B1", "qty": 2}])
        for o in (a, c, d):
            self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        mgr = self.server.client("m1")
        self.others.append(mgr)
        t = self.start_kds(*printer, home=home)
        t.wait_all("NEW (1)", "PREPARING (3)", "printer ready")
        # the board as saved before any void: a kill -9 may come before
        # the board is written again
        board = os.path.join(state, "kds-cache.json")
        self.wait_saved(board, [a["id"], b["id"], c["id"], d["id"]])
        shutil.copy(board, board + ".before")

        # c voided whole; the chef clears its card at once
        self.void(mgr, c["id"], "Long wait")
        t.wait_for("VOID: Long wait")
        self.clear(t, c["number"])
        t.wait_gone("VOID: Long wait")
        # a voided line by line until nothing is left: cancelled, with the
        # last void's reason; b (new) cancelled by a manager
        self.void(mgr, a["id"], "Wrong item", [{"line": 0, "qty": 1}])
        t.wait_for("1 x Classic Burger  VOID")
        self.void(mgr, a["id"], "Kitchen error", [{"line": 1, "qty": 1}])
        self.assertEqual(mgr.act(b["id"], "cancel", reason="Customer left").status, 200)
        t.wait_all("VOID: Kitchen error", "VOID: Customer left", "NEW (0)   1 VOID",
                   "PREPARING (1)   1 VOID")
        wait_file(paper, "Reason: Customer left")
        wait_file(paper, "Reason: Kitchen error")
        self.assertEqual(sorted(self.reasons(paper)),
                         ["Customer left", "Kitchen error", "Long wait", "Wrong item"])

        # killed at once, and the board it had saved is the one from before
        # the voids: both VOID cards are back, with their reasons, c is
        # neither a VOID card nor a live one, nothing prints again
        self.kill9(t)
        shutil.copy(board + ".before", board)
        t = self.start_kds(*printer, home=home)
        s = t.wait_all("VOID: Kitchen error", "VOID: Customer left", "NEW (0)   1 VOID",
                       "PREPARING (1)   1 VOID", "printer ready")
        self.assertNotIn("Long wait", s)
        self.assertEqual(s.count("#%d " % a["number"]), 1, s)
        self.assertEqual(s.count("#%d " % b["number"]), 1, s)
        self.assertNotIn("#%d " % c["number"], s.split("\n", 1)[1])
        self.assertIn("DINE IN T4", s)
        self.assertIn("1 x Classic Burger  VOID", s)
        self.assertIn("1 x Fries  VOID", s)
        # a void made now prints; the ones before did not print again
        self.void(mgr, d["id"], "Customer changed mind", [{"line": 0, "qty": 1}])
        t.wait_for("1 x Classic Burger  1 VOID")
        wait_file(paper, "Reason: Customer changed mind")
        self.assertEqual(sorted(self.reasons(paper)),
                         ["Customer changed mind", "Customer left", "Kitchen error", "Long wait",
                          "Wrong item"])

        # the chef clears b's card; killed again, with the network cut the
        # KDS shows the board saved before the voids (STALE): a's VOID card
        # is on it, b and c (cleared) are not, neither VOID nor live
        self.clear(t, b["number"])
        t.wait_all("NEW (0)", "VOID: Kitchen error")
        t.wait_gone("VOID: Customer left")
        self.kill9(t)
        shutil.copy(board + ".before", board)
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        proxy.cut()
        t = self.start_kds(*printer, home=home, port=proxy.port, wait=False)
        s = t.wait_all("STALE", "VOID: Kitchen error", "NEW (0)", "PREPARING (1)   1 VOID",
                       "2 x Classic Burger")
        self.assertNotIn("Customer left", s)
        self.assertNotIn("VOID: Long wait", s)
        self.assertNotIn("#%d " % b["number"], s.split("\n", 1)[1])
        self.assertNotIn("#%d " % c["number"], s.split("\n", 1)[1])
        proxy.restore()
        t.wait_all("ONLINE", "VOID: Kitchen error", "PREPARING (1)   1 VOID",
                   "1 x Classic Burger  1 VOID")
        # it clears as before, and stays cleared over a clean restart
        self.clear(t, a["number"])
        t.wait_gone("VOID: Kitchen error")
        t.wait_all("NEW (0)", "PREPARING (1)")
        t.send("C-c")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(timeout=30), 0)
        self.kdses.remove(t)
        t.kill()
        t = self.start_kds(*printer, home=home)
        s = t.wait_all("NEW (0)", "PREPARING (1)", "1 x Classic Burger  1 VOID", "printer ready")
        self.assertNotIn("VOID:", s)
        self.assertEqual(len(self.reasons(paper)), 5)


if __name__ == "__main__":
    unittest.main()
