"""brigade-kds labels: with --label-printer, bumping a PICKUP or DELIVERY
order to READY prints one label per unit through the durable print queue
to the virtual printer; a dine-in order prints none; a printer that is
gone shows in the header, never blocks the screen, and its labels print
once it is back. Online, labels print when the server confirms the bump
(a bump the server refuses prints none); offline, at once."""
import os
import signal
import time
import unittest

from kds_helpers import KdsTest, Proxy, wait_file


class LabelTest(KdsTest):
    def test_labels_printed_and_printer_gone(self):
        proc, port, paper = self.vprinter()
        try:
            t = self.start_kds("--label-printer", "tcp://127.0.0.1:%d" % port)
            t.wait_for("printer ready")
            o = self.order(service="PICKUP", items=[{"sku": "B1", "qty": 2, "note": "no onion"},
                                                    {"sku": "S1", "qty": 1}])
            t.wait_for("#%d " % o["number"])
            t.send("Enter")
            t.wait_for("PREPARING (1)")
            t.send("Enter")
            self.wait_status(o["id"], "READY")
            text = wait_file(paper, "3/3")
            self.assertIn("#%d" % o["number"], text)
            self.assertEqual(text.count("Classic Burger"), 2)
            self.assertEqual(text.count("Fries"), 1)
            self.assertIn("no onion", text)
            t.wait_for("printer ready")

            # dine-in: no labels
            d = self.order(service="DINE_IN", table="T1", items=[{"sku": "DR1", "qty": 1}])
            t.wait_for("DINE IN T1")
            t.send("Enter")
            t.wait_for("PREPARING (1)")
            t.send("Enter")
            self.wait_status(d["id"], "READY")

            # the printer goes away: the header says so, the screen goes on
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            e = self.order(service="DELIVERY", items=[{"sku": "B2", "qty": 1}])
            t.wait_for("#%d " % e["number"])
            t.send("Enter")
            t.wait_for("PREPARING (1)")
            t.send("Enter")
            self.wait_status(e["id"], "READY")
            t.wait_for("to print")
            line = t.line_with("to print")
            self.assertRegex(line, r"printer (offline|\w+), 1 to print")
            self.assertEqual(t.attrs_at("to print").get("bg"), 1, "shown as an error")
            f = self.order(items=[{"sku": "B3", "qty": 1}])
            t.wait_for("Bacon Burger")     # new orders still arrive
            t.send("Enter")
            self.wait_status(f["id"], "PREPARING")
            self.assertNotIn("Cheeseburger", open(paper).read())

            # back on the same port: the queued labels print, once
            proc, port2, paper2 = self.vprinter(port=port)
            wait_file(paper2, "Cheeseburger")
            t.wait_gone("to print")
            t.wait_for("printer ready")
            time.sleep(0.5)
            self.assertEqual(open(paper2).read().count("Cheeseburger"), 1)
        finally:
            proc.kill()
            proc.wait()

    def test_labels_follow_the_server(self):
        proc, port, paper = self.vprinter()
        self.addCleanup(lambda: (proc.kill(), proc.wait()))
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        t = self.start_kds("--label-printer", "tcp://127.0.0.1:%d" % port, port=proxy.port)
        t.wait_for("printer ready")

        # a slow link: the bump waits, and meanwhile the pass bumped the
        # order; the server refuses ours, so no labels from here
        a = self.order(service="PICKUP", items=[{"sku": "B2", "qty": 1}])
        self.assertEqual(self.chef.act(a["id"], "start").status, 200)
        t.wait_for("PREPARING (1)")
        proxy.hold()
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        proxy.release()
        t.wait_for("ready refused")

        # a bump the server takes prints; labels print in order, so once
        # this one is on paper the refused one would be too
        b = self.order(service="DELIVERY", items=[{"sku": "B3", "qty": 1}])
        self.assertEqual(self.chef.act(b["id"], "start").status, 200)
        t.wait_for("#%d " % b["number"])
        t.send("Enter")
        self.wait_status(b["id"], "READY")
        text = wait_file(paper, "Bacon Burger")
        self.assertNotIn("Cheeseburger", text)
        self.assertNotIn("#%d" % a["number"], text)

        # offline the kitchen goes on: labels print at once
        c = self.order(service="PICKUP", items=[{"sku": "B4", "qty": 1}])
        self.assertEqual(self.chef.act(c["id"], "start").status, 200)
        t.wait_for("#%d " % c["number"])
        proxy.cut()
        t.wait_for("OFFLINE")
        t.send("Enter")
        wait_file(paper, "Veggie Burger")
        self.assertEqual(self.get(c["id"])["status"], "PREPARING", "the server has not heard")
        proxy.restore()
        self.wait_status(c["id"], "READY")
        t.wait_gone("queued")
        self.assertEqual(open(paper).read().count("Veggie Burger"), 1)

    def test_bad_printer_uri(self):
        t = self.start_kds("--label-printer", "lpt://nowhere", wait=False)
        t.expected_exit = 2
        self.assertEqual(t.wait_exit(), 2)
        self.assertIn('label printer "lpt://nowhere"', t.capture(history=True))


if __name__ == "__main__":
    unittest.main()
