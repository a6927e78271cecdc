"""brigade-kds refusals: every way the server can say no to a kitchen
move is shown plainly (on the card when it is still on the board, in the
header always), the card is refreshed to the server's truth, and nothing
else changes: a bump of an order bumped elsewhere (409), a station's bump
of an order the expo already sent out (409), a recall of an order already
picked up (409), and a move the role may not make (403, queued while the
role was not yet known)."""
import unittest

from kds_helpers import KdsTest, Proxy


class RefusalTest(KdsTest):
    def cut_kds(self, *args, **kw):
        proxy = Proxy(self.server.port)
        self.others.append(proxy)
        t = self.start_kds(*args, port=proxy.port, **kw)
        return t, proxy

    def test_bump_of_an_order_bumped_elsewhere(self):
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        self.assertEqual(self.chef.act(a["id"], "start").status, 200)
        t, proxy = self.cut_kds()
        t.wait_for("PREPARING (1)")
        proxy.cut()
        t.wait_for("OFFLINE")
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        # meanwhile the order was bumped and then recalled at the pass
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        self.assertEqual(self.chef.act(a["id"], "recall").status, 200)
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        proxy.restore()
        t.wait_for(r"#%d: ready refused: cannot ready order" % a["number"], regex=True)
        self.assertEqual(self.actions(a["id"]), ["create", "start", "ready", "recall", "ready"])
        t.wait_for("PREPARING (0)")

    def test_station_bump_after_expo_sent_it(self):
        a = self.order(items=[{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}])
        self.assertEqual(self.chef.act(a["id"], "start").status, 200)
        t, proxy = self.cut_kds("--station", "fryer")
        t.wait_for("1 x Fries")
        proxy.cut()
        t.wait_for("OFFLINE")
        t.send("l")
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        self.assertEqual(self.chef.act(a["id"], "recall").status, 200)
        proxy.restore()
        # the recall cleared every done: the fryer's bump comes after and
        # goes through; the next one is refused when the order is READY
        self.wait_status(a["id"], "PREPARING")
        t.wait_for("ONLINE")
        t.wait_gone("queued")
        o = self.get(a["id"])
        self.assertTrue([i["done"] for i in o["items"] if i["station"] == "fryer"][0])
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        self.assertEqual(self.chef.act(a["id"], "recall").status, 200)
        t.wait_for("1 x Fries")
        proxy.cut()
        t.wait_for("OFFLINE")
        t.send("l")
        t.send("Enter")
        t.wait_for("PREPARING (0)")
        self.assertEqual(self.chef.act(a["id"], "ready").status, 200)
        proxy.restore()
        t.wait_for("bump refused: only a PREPARING order's items can be marked done")
        self.assertEqual(self.get(a["id"])["status"], "READY")

    def test_recall_of_an_order_picked_up(self):
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        for act in ("start", "ready"):
            self.assertEqual(self.chef.act(a["id"], act).status, 200)
        t, proxy = self.cut_kds()
        t.wait_for("ONLINE")
        proxy.cut()
        t.wait_for("OFFLINE")
        t.send("r")
        t.wait_for("#%d" % a["number"])
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        t.wait_for("PENDING")
        waiter = self.server.client("w1")
        self.assertEqual(waiter.act(a["id"], "pickup").status, 200)
        waiter.close()
        proxy.restore()
        t.wait_for("recall refused: cannot recall order")
        t.wait_for("PREPARING (0)")
        self.assertEqual(self.get(a["id"])["status"], "COMPLETED")

    def test_forbidden_move_of_a_waiter(self):
        a = self.order(items=[{"sku": "B1", "qty": 1}])
        home = self.tmp + "/waiter-kds"
        t = self.start_kds(staff="w1", home=home)
        t.wait_for("#%d " % a["number"])
        t.send("C-c")
        t.wait_for("Quit")
        t.send("y")
        self.assertEqual(t.wait_exit(), 0)
        port = self.server.port
        self.server.stop()
        # offline at start the role is not known: a chef's moves are offered
        t2 = self.start_kds(staff="w1", home=home, wait=False)
        t2.wait_for("STALE")
        t2.wait_for("Enter start")
        t2.send("Enter")
        t2.wait_for("PENDING")
        self.server.start(port=port)
        self.http.close()
        self.chef.close()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")
        t2.wait_for("start refused: a WAITER may not start")
        t2.wait_for("REFUSED")
        t2.wait_for("NEW (1)")
        self.assertEqual(self.get(a["id"])["status"], "PAID")
        self.assertNotIn("Enter start", t2.line_with("help"))


if __name__ == "__main__":
    unittest.main()
