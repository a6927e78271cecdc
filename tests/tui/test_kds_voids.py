"""brigade-kds and voids: a manager voids a line of an order in
preparation and the card shows it at once (the voided quantity struck,
the rest as before); a manager voids another order whole and its card
turns into a VOID card with the reason, which stays until the chef
clears it with Enter; each void prints a void ticket on the kitchen's
ticket printer, once: a restart prints none again."""
import re
import time
import unittest
import uuid

from kds_helpers import KdsTest, wait_file


class VoidTest(KdsTest):
    def void(self, mgr, oid, reason, lines=None):
        body = {"kind": "void", "reason": reason}
        if lines is not None:
            body["lines"] = lines
        r = mgr.post("/api/v1/orders/%d/corrections" % oid, body, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        return r.json

    def select(self, t, number):
        """Select the card with this number by its digit."""
        for line in t.capture().split("\n"):
            for m in re.finditer(r"\[(\d)\]─ #(\d+) ", line):
                if int(m.group(2)) == number:
                    t.send(m.group(1))
                    return
        raise AssertionError("no card #%d:\n%s" % (number, t.capture()))

    def test_void_line_and_order(self):
        proc, port, paper = self.vprinter()
        self.addCleanup(lambda: (proc.kill(), proc.wait()))
        home = "%s/kds" % self.tmp
        a = self.order(service="DINE_IN", table="T7",
                       items=[{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1}])
        b = self.order(items=[{"sku": "B3", "qty": 1}])
        for o in (a, b):
            self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        t = self.start_kds("--ticket-printer", "tcp://127.0.0.1:%d" % port, home=home)
        t.wait_all("PREPARING (2)", "2 x Classic Burger", "Bacon Burger", "printer ready")
        mgr = self.server.client("m1")
        self.others.append(mgr)

        # one of the two burgers: the rest as before, the voided one struck
        self.void(mgr, a["id"], "Wrong item", [{"line": 0, "qty": 1}])
        t.wait_for("1 x Classic Burger  1 VOID")
        self.assertTrue(t.attrs_at("1 VOID").get("dim"), "the voided quantity is struck")
        self.assertFalse(t.attrs_at("1 x Classic Burger").get("dim"))
        text = wait_file(paper, "Reason: Wrong item")
        self.assertIn("#%d" % a["number"], text)
        self.assertIn("DINE IN - Table T7", text)
        self.assertIn("1 x Classic Burger", text)
        self.assertIn("Voided by: m1", text)
        self.assertNotIn("ORDER CANCELLED", text)

        # the other order voided whole: a VOID card with the reason
        self.void(mgr, b["id"], "Long wait")
        s = t.wait_all("VOID: Long wait", "PREPARING (1)   1 VOID", "1 x Bacon Burger  VOID")
        self.assertEqual(t.attrs_at("VOID: Long wait").get("bg"), 1)
        text = wait_file(paper, "Reason: Long wait")
        self.assertIn("ORDER CANCELLED", text)
        self.assertEqual(self.get(b["id"])["status"], "CANCELLED")
        # it stays until the chef clears it, with one key
        time.sleep(1)
        t.wait_for("VOID: Long wait", timeout=2)   # still there (a capture may fall mid-redraw)
        self.select(t, b["number"])
        t.wait_for("Enter clear")
        t.send("Enter")
        t.wait_gone("VOID: Long wait")
        t.wait_gone("PREPARING (1)   1 VOID")
        t.wait_for("1 x Classic Burger  1 VOID")

        # a restart (the saved board, then a snapshot) prints nothing again
        t.send("C-c")
        t.wait_for("Quit the kitchen display?")
        t.send("y")
        self.assertEqual(t.wait_exit(timeout=30), 0)
        self.kdses.remove(t)
        t.kill()                                # its tmux server too
        t = self.start_kds("--ticket-printer", "tcp://127.0.0.1:%d" % port, home=home)
        t.wait_all("1 x Classic Burger  1 VOID", "printer ready")

        # the rest of the order still flows: bumped, it is ready
        self.select(t, a["number"])
        t.send("Enter")
        self.wait_status(a["id"], "READY")
        time.sleep(0.5)
        self.assertEqual(open(paper).read().count("Reason:"), 2, "each void printed once")


if __name__ == "__main__":
    unittest.main()
