"""brigadectl and the outbox against a real brigade-server: offline queueing,
exactly-once replay through client and server crashes, needs-attention."""
import json
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import time
import unittest

from client_helpers import Ctl, Server, all_orders, note_counts, tagged_order


class OutboxTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-ctl-")
        self.server = Server(self.tmp).start()
        self.port = self.server.port
        self.ctl = Ctl(self.tmp, self.port)

    def tearDown(self):
        proc = self.server.proc
        if proc is not None and proc.poll() is not None:
            # the server died on its own: show why
            with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
                print("\nbrigade-server exited %d; its log ends:\n%s"
                      % (proc.returncode, f.read()[-3000:]))
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def restart(self, sig=signal.SIGTERM):
        self.server.stop(sig)
        self.server.start(port=self.port)

    def api(self, staff="m1"):
        c = self.server.client(staff)
        self.addCleanup(c.close)
        return c

    def done_count(self):
        import sqlite3
        db = sqlite3.connect(self.ctl.outbox, timeout=10)
        try:
            return db.execute("SELECT count(*) FROM outbox WHERE state=1").fetchone()[0]
        finally:
            db.close()

    def queue_offline(self, tags, chunk=100):
        """With the server down, submit one order per tag (in chunks of
        `chunk` per brigadectl run): every one is queued, none sent."""
        for i in range(0, len(tags), chunk):
            part = tags[i:i + chunk]
            r = self.ctl.submit_lines([tagged_order(t) for t in part])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith("queued:"), r.stdout)
        box = self.ctl.outbox_json()
        self.assertEqual(box["pending"], len(tags))

    def assert_exactly_once(self, tags):
        counts = note_counts(all_orders(self.api()))
        missing = [t for t in tags if t not in counts]
        twice = {t: n for t, n in counts.items() if n != 1}
        self.assertEqual(missing, [], "orders missing")
        self.assertEqual(twice, {}, "orders applied more than once")
        self.assertEqual(sorted(counts), sorted(tags))

    def test_submit_online_prints_the_order(self):
        r = self.ctl.run("submit", "-", input=tagged_order("online-1"))
        self.assertEqual(r.returncode, 0, r.stderr)
        order = json.loads(r.stdout)
        self.assertEqual(order["status"], "PAID")
        self.assertEqual(order["items"][0]["note"], "online-1")
        box = self.ctl.outbox_json()
        self.assertEqual((box["pending"], box["attention"], box["done"]), (0, 0, 1))

    def test_offline_1000_then_replay_exactly_once(self):
        tags = ["off-%04d" % i for i in range(1000)]
        self.server.stop()
        self.queue_offline(tags)
        self.server.start(port=self.port)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1000 sent", r.stderr)
        self.assertEqual(self.ctl.outbox_json()["pending"], 0)
        self.assert_exactly_once(tags)
        # a second replay has nothing to do and changes nothing
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_exactly_once(tags)

    def test_replay_survives_kill9_of_the_client(self):
        tags = ["k9-%04d" % i for i in range(1000)]
        self.server.stop()
        self.queue_offline(tags)
        self.server.start(port=self.port)
        rng = random.Random(1234)
        kills = 0
        for _ in range(6):
            # kill it when it has delivered a random number more: always
            # mid-replay, however fast this machine is
            done = self.done_count()
            target = done + rng.randint(1, 150)
            p = self.ctl.popen("replay")
            while p.poll() is None and self.done_count() < target:
                time.sleep(0.002)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.communicate()
            if p.returncode == 0:
                break
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(kills, 0)
        self.assertEqual(self.ctl.outbox_json()["pending"], 0)
        self.assert_exactly_once(tags)

    def test_server_killed_after_commit_before_answer(self):
        """The server committed an order but the client never heard back:
        the entry is still pending, and replaying it creates no duplicate."""
        tags = ["sc-%02d" % i for i in range(5)]
        self.server.stop()
        self.queue_offline(tags)
        self.server.start(port=self.port)
        # deliver two entries exactly as the client would (same key, path,
        # body), as if the answers were lost; then the server dies
        c = self.api("k1")
        for row in self.ctl.rows("state=0")[:2]:
            r = c.request(row["method"], row["path"], raw=row["body"],
                          headers={"Idempotency-Key": row["idem_key"]})
            self.assertEqual(r.status, 201, r)
        c.close()
        self.server.kill9()
        self.server.start(port=self.port)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_exactly_once(tags)

    def test_replay_while_the_server_crashes_and_returns(self):
        tags = ["sk-%03d" % i for i in range(300)]
        self.server.stop()
        self.queue_offline(tags)
        self.server.start(port=self.port)
        p = self.ctl.popen("replay")
        rng = random.Random(99)
        for _ in range(3):
            time.sleep(rng.uniform(0.05, 0.3))
            self.server.kill9()
            time.sleep(0.2)
            self.server.start(port=self.port)
        out, err = p.communicate(timeout=240)
        self.assertEqual(p.returncode, 0, err)
        self.assert_exactly_once(tags)

    def test_4xx_goes_to_needs_attention_and_the_queue_goes_on(self):
        self.server.stop()
        good = [tagged_order("ok-%d" % i) for i in range(4)]
        bad = tagged_order("bad-sku")
        bad["items"][0]["sku"] = "NOPE1"
        orders = good[:2] + [bad] + good[2:]
        r = self.ctl.submit_lines(orders)
        self.assertEqual(r.returncode, 0, r.stderr)
        # a cashier may not start an order: 403 at the server
        r = self.ctl.run("act", "1", "start")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.start(port=self.port)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertIn("4 sent, 2 refused", r.stderr)
        box = self.ctl.outbox_json()
        self.assertEqual((box["pending"], box["attention"]), (0, 2))
        reasons = {e["kind"]: e for e in box["entries"]}
        self.assertEqual(reasons["order.create"]["http_status"], 422)
        self.assertIn("unknown_item", reasons["order.create"]["error"])
        self.assertEqual(reasons["order.create"]["body"]["items"][0]["sku"], "NOPE1")
        self.assertEqual(reasons["order.action"]["http_status"], 403)
        self.assertIn("forbidden", reasons["order.action"]["error"])
        self.assert_exactly_once(["ok-%d" % i for i in range(4)])
        # a person resolves them: dismiss one; a chef sends the other again
        # and so takes it on (it goes out under the chef's login)
        r = self.ctl.run("dismiss", str(reasons["order.create"]["id"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        chef = Ctl(self.tmp, self.port, staff="c1", outbox=self.ctl.outbox)
        r = chef.run("retry", str(reasons["order.action"]["id"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl.run("replay", env=chef.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        box = self.ctl.outbox_json()
        self.assertEqual((box["pending"], box["attention"]), (0, 0))
        self.assertEqual(self.api().get("/api/v1/orders/1").json["status"], "PREPARING")

    def test_a_change_goes_out_as_the_person_who_made_it(self):
        """A chef's start queued offline is not sent under a cashier's
        login (it would be refused, or recorded as the cashier's): it
        waits, with the later change to the same order, and goes out when
        the chef replays, as the chef. Entries from before staff codes were
        kept go out under any login."""
        r = self.ctl.run("submit", "-", input=tagged_order("mine"))
        self.assertEqual(r.returncode, 0, r.stderr)
        oid = json.loads(r.stdout)["id"]
        chef = Ctl(self.tmp, self.port, staff="c1", outbox=self.ctl.outbox)
        manager = Ctl(self.tmp, self.port, staff="m1", outbox=self.ctl.outbox)
        self.server.stop()
        self.assertEqual(chef.run("act", oid, "start").returncode, 0)
        self.assertEqual(manager.run("act", oid, "cancel").returncode, 0)
        self.assertEqual(self.ctl.run("submit", "-", input=tagged_order("k1-later")).returncode, 0)
        self.server.start(port=self.port)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("1 sent", r.stderr)
        self.assertIn("2 entries wait for their maker's login (c1, m1)", r.stderr)
        box = self.ctl.outbox_json()
        self.assertEqual(box["pending"], 2)
        self.assertEqual(box["pending_by_staff"], {"c1": 1, "m1": 1})
        self.assertEqual([e["staff"] for e in box["entries"]], ["c1", "m1"])
        self.assertEqual(self.api().get("/api/v1/orders/%d" % oid).json["status"], "PAID")
        # the manager's cancel may not overtake the chef's start
        r = manager.run("replay")
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("0 sent", r.stderr)
        r = chef.run("replay")
        self.assertEqual(r.returncode, 7, r.stderr)      # m1's change still waits
        o = self.api().get("/api/v1/orders/%d" % oid).json
        self.assertEqual(o["status"], "PREPARING")
        self.assertEqual((o["history"][-1]["action"], o["history"][-1]["by"]), ("start", "c1"))
        r = manager.run("replay")
        self.assertEqual(r.returncode, 6, r.stderr)      # PREPARING cannot be cancelled
        self.assertEqual(self.ctl.outbox_json()["pending"], 0)
        # an outbox from before staff codes: its entries go out as anyone
        self.server.stop()
        self.assertEqual(chef.run("act", oid, "ready").returncode, 0)
        db = sqlite3.connect(self.ctl.outbox)
        db.execute("UPDATE outbox SET staff = '' WHERE state = 0")
        db.commit()
        db.close()
        self.server.start(port=self.port)
        r = manager.run("replay")
        self.assertEqual(r.returncode, 6, r.stderr)      # the refused cancel is still there
        self.assertIn("1 sent", r.stderr)
        self.assertEqual(self.api().get("/api/v1/orders/%d" % oid).json["status"], "READY")

    def test_actions_on_one_order_keep_their_order(self):
        chef = Ctl(self.tmp, self.port, staff="c1", outbox=self.ctl.outbox)
        ids = []
        for i in range(12):
            r = self.ctl.run("submit", "-", input=tagged_order("seq-%d" % i))
            self.assertEqual(r.returncode, 0, r.stderr)
            ids.append(json.loads(r.stdout)["id"])
        self.server.stop()
        # start then ready, interleaved across orders: ready before start
        # would be refused, so any reordering shows as needs-attention
        for oid in ids:
            self.assertEqual(chef.run("act", oid, "start").returncode, 0)
        for oid in ids:
            self.assertEqual(chef.run("act", oid, "ready").returncode, 0)
        self.server.start(port=self.port)
        r = chef.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        c = self.api()
        for oid in ids:
            self.assertEqual(c.get("/api/v1/orders/%d" % oid).json["status"], "READY")

    def test_invalid_input_queues_nothing(self):
        cases = [
            "not json",
            json.dumps({"source": "POS"}),
            json.dumps(dict(tagged_order("x"), extra=1)),
            # a card object carries brand and last 4 only, never a number
            json.dumps(dict(tagged_order("x"), payments=[
                {"tender": "CARD", "amount": 2000,
                 "card": {"brand": "VISA", "last4": "1111", "number": "4111111111111111"}}])),
        ]
        for text in cases:
            r = self.ctl.run("submit", "-", input=text)
            self.assertEqual(r.returncode, 2, (text, r.stdout, r.stderr))
            self.assertIn("invalid order", r.stderr)
        # --lines is all or nothing
        r = self.ctl.run("submit", "--lines", "-",
                         input=json.dumps(tagged_order("a")) + "\n{broken\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("order 2", r.stderr)
        r = self.ctl.run("act", "1", "fly")
        self.assertEqual(r.returncode, 2)
        r = self.ctl.run("act", "x", "start")
        self.assertEqual(r.returncode, 2)
        # the checks come before the outbox is even opened
        self.assertFalse(os.path.exists(self.ctl.outbox))

    def test_wrong_pin_keeps_entries(self):
        bad = Ctl(self.tmp, self.port, staff="k1")
        env = bad.env(BRIGADE_PIN="9999")
        r = self.ctl.run("submit", "-", input=tagged_order("pin"), env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("queued:"))
        self.assertIn("log in", r.stderr)
        r = self.ctl.run("replay", env=env)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertEqual(self.ctl.outbox_json()["pending"], 1)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_exactly_once(["pin"])

    def test_outbox_shows_age_and_warns_near_retention(self):
        """brigadectl outbox gives the oldest pending change's age and the
        server's key retention (GET /healthz), and warns on stderr once
        three quarters of it are gone."""
        self.server.stop()
        r = self.ctl.run("submit", "-", input=tagged_order("old"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.start(port=self.port)
        r = self.ctl.run("outbox")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual(j["idempotency_retention_ms"], 7 * 86400000)
        self.assertLess(j["oldest_pending_age_ms"], 600000)
        self.assertNotIn("warning", r.stderr)
        # six days later (the entry's time moved back)
        import sqlite3
        db = sqlite3.connect(self.ctl.outbox)
        db.execute("UPDATE outbox SET created_at = created_at - 6 * 86400000")
        db.commit()
        db.close()
        r = self.ctl.run("outbox")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertGreaterEqual(j["oldest_pending_age_ms"], 6 * 86400000)
        self.assertIn("warning: the oldest queued change is 6 d 0 h old", r.stderr)
        self.assertIn("7 d 0 h", r.stderr)
        r = self.ctl.run("replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl.run("outbox")
        self.assertNotIn("oldest_pending_age_ms", json.loads(r.stdout))

    def test_reads_and_usage(self):
        r = self.ctl.run("menu")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("items", json.loads(r.stdout))
        r = self.ctl.run("orders", "--status", "PAID,READY")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("orders", json.loads(r.stdout))
        r = self.ctl.run("order", "999")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not_found", r.stderr)
        r = self.ctl.run("orders", "--status", "PAID&x=1")
        self.assertEqual(r.returncode, 2)
        r = self.ctl.run("frobnicate")
        self.assertEqual(r.returncode, 2)
        r = self.ctl.run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Exit status", r.stdout)
        r = self.ctl.run("--server", "ftp://x", "menu")
        self.assertEqual(r.returncode, 2)
        self.server.stop()
        r = self.ctl.run("menu")
        self.assertEqual(r.returncode, 3)
        self.server.start(port=self.port)


if __name__ == "__main__":
    unittest.main()
