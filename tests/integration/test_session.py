"""The session glue against a real brigade-server: login (good, wrong PIN,
locked), snapshot then live events, a change shown at once as pending and
settled by the server's answer, a refusal reported with the server's words
and the order fetched again, a station's bump, offline queueing with an
exactly-once replay, and a stale start from the saved cache."""
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from brigade_test import BIN, PINS, Server, walk_in

PROBE = os.path.join(BIN, "session_probe")
TIMEOUT = 30


class Probe:
    def __init__(self, workdir, port, staff="c1", pin=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
        env.update({"BRIGADE_SERVER": "http://127.0.0.1:%d" % port,
                    "BRIGADE_TERMINAL": "kds-test", "BRIGADE_TIMEOUT_MS": "4000",
                    "BRIGADE_CONNECT_TIMEOUT_MS": "2000",
                    "XDG_CONFIG_HOME": workdir, "XDG_STATE_HOME": workdir,
                    "BRIGADE_LOG": "info"})
        if staff:
            env["BRIGADE_STAFF"] = staff
            env["BRIGADE_PIN"] = pin or PINS[staff]
        self.err = open(os.path.join(workdir, "probe.log"), "ab")
        self.proc = subprocess.Popen([PROBE], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err, text=True,
                                     bufsize=1)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()
        self.expect("^ready")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def say(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, pattern, timeout=TIMEOUT):
        """The next line matching pattern (lines before it are kept in seen)."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no line like %r; seen:\n%s" % (pattern, "\n".join(self.seen[-40:])))
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError("the probe ended waiting for %r; seen:\n%s"
                                     % (pattern, "\n".join(self.seen[-40:])))
            self.seen.append(line)
            m = rx.search(line)
            if m:
                return m

    def saw(self, pattern, timeout=TIMEOUT):
        """A line matching pattern, already seen or still to come."""
        rx = re.compile(pattern)
        for line in self.seen:
            m = rx.search(line)
            if m:
                return m
        return self.expect(pattern, timeout)

    def ask(self, cmd, pattern):
        self.say(cmd)
        return self.expect(pattern)

    def mark(self, oid):
        m = self.ask("mark %d" % oid, r"^mark %d pending=(\d) status=(\S+) stations=(\S*)" % oid)
        return {"pending": m.group(1) == "1", "status": m.group(2), "stations": m.group(3)}

    def wait_mark(self, oid, pending, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            m = self.mark(oid)
            if m["pending"] == pending:
                return m
            if time.time() > deadline:
                raise AssertionError("mark of %d stays %r" % (oid, m))
            time.sleep(0.05)

    def status_of(self, oid):
        m = self.ask("list", r"^list(.*) end$")
        for part in m.group(1).split():
            i, st = part.split(":")
            if int(i) == oid:
                return st
        return None

    def wait_status(self, oid, status, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while self.status_of(oid) != status:
            if time.time() > deadline:
                raise AssertionError("order %d is %s, not %s" % (oid, self.status_of(oid), status))
            time.sleep(0.05)

    def close(self):
        try:
            self.say("quit")
        except (BrokenPipeError, ValueError):
            pass
        rc = self.proc.wait(timeout=30)
        self.err.close()
        self.proc.stdin.close()
        self.proc.stdout.close()
        return rc


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-session-")
        self.server = Server(self.tmp).start()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")
        self.probes = []

    def tearDown(self):
        for p in self.probes:
            if p.proc.poll() is None:
                rc = p.close()
                self.assertEqual(rc, 0, "the probe failed; see probe.log")
        self.http.close()
        self.chef.close()
        rc = self.server.stop()
        self.assertIn(rc, (0, None))
        shutil.rmtree(self.tmp, ignore_errors=True)

    def probe(self, **kw):
        p = Probe(self.tmp, self.server.port, **kw)
        self.probes.append(p)
        return p

    def create(self, **kw):
        r = self.http.create(walk_in(**kw))
        self.assertEqual(r.status, 201, r)
        return r.json

    def test_login_snapshot_and_live_events(self):
        first = self.create()
        p = self.probe()
        p.expect("^login OK")
        p.expect("^orders all 1$")
        p.expect("^state ONLINE stale=0 queued=0 attention=0 role=CHEF")
        second = self.create(service="DINE_IN", table="T4")
        p.expect("^order %d PAID 1$" % second["id"])
        self.assertEqual(p.status_of(first["id"]), "PAID")
        # a change from elsewhere reaches the cache too
        self.assertEqual(self.chef.act(first["id"], "start").status, 200)
        p.expect("^order %d PREPARING 2$" % first["id"])

    def test_wrong_pin_then_right_one(self):
        p = self.probe(staff=None)
        p.expect("^state SIGNED_OUT")
        p.say("login c1 0000")
        m = p.expect("^login (\\S+) (.*)")
        self.assertEqual(m.group(1), "REFUSED")
        self.assertTrue(m.group(2), "the server's words are passed on")
        p.say("login c1 3333")
        p.expect("^login OK")
        p.expect("^state ONLINE")

    def test_locked_account(self):
        p = self.probe(staff=None)
        for _ in range(5):
            p.say("login w1 9999")
            p.expect("^login REFUSED")
        p.say("login w1 2222")
        m = p.expect("^login (\\S+) (.*)")
        self.assertEqual(m.group(1), "LOCKED")
        self.assertIn("lock", m.group(2).lower())

    def test_change_pending_then_confirmed(self):
        o = self.create()
        p = self.probe()
        p.expect("^state ONLINE")
        p.ask("act %d start" % o["id"], r"^queued \d+")
        m = p.mark(o["id"])
        # shown at once; or already settled, which is the confirmed state
        if m["pending"]:
            self.assertEqual(m["status"], "PREPARING")
        p.wait_mark(o["id"], False)
        p.wait_status(o["id"], "PREPARING")
        p.saw("^state ONLINE stale=0 queued=0")
        got = self.chef.get("/api/v1/orders/%d" % o["id"]).json
        self.assertEqual([h["action"] for h in got["history"]], ["create", "start"])
        self.assertEqual(got["history"][-1]["by"], "c1")

    def test_refusal_reported_and_order_refreshed(self):
        o = self.create()
        p = self.probe()
        p.expect("^state ONLINE")
        # someone else starts and bumps it first; then this terminal tries
        # to start it from what it believed
        self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        self.assertEqual(self.chef.act(o["id"], "ready").status, 200)
        p.expect("^order %d READY" % o["id"])
        p.ask("act %d start" % o["id"], r"^queued \d+")
        m = p.expect(r"^refused %d order.start 409 illegal_transition (.*)" % o["id"])
        self.assertIn("cannot start order", m.group(1))
        # the state line may come before or after the refusal line
        p.saw("^state ONLINE stale=0 queued=0 attention=1")
        p.wait_mark(o["id"], False)
        self.assertEqual(p.status_of(o["id"]), "READY")
        # a forbidden action: a chef may not cancel
        p.ask("act %d cancel" % o["id"], r"^queued \d+")
        p.expect(r"^refused %d order.cancel 403 forbidden" % o["id"])

    def test_station_bump_and_ready(self):
        o = self.create(items=[{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}])
        self.assertEqual(self.chef.act(o["id"], "start").status, 200)
        p = self.probe()
        p.expect("^state ONLINE")
        p.ask("done %d grill" % o["id"], r"^queued \d+")
        m = p.mark(o["id"])
        if m["pending"]:
            self.assertEqual(m["stations"], "grill")
            self.assertEqual(m["status"], "-")
        p.wait_mark(o["id"], False)
        p.ask("done %d fryer" % o["id"], r"^queued \d+")
        p.wait_status(o["id"], "READY")
        got = self.chef.get("/api/v1/orders/%d" % o["id"]).json
        self.assertTrue(all(it["done"] for it in got["items"]))
        # a station with nothing on the order: 422 unknown_station
        o2 = self.create(items=[{"sku": "B1", "qty": 1}])
        self.assertEqual(self.chef.act(o2["id"], "start").status, 200)
        p.ask("done %d bar" % o2["id"], r"^queued \d+")
        p.expect(r"^refused %d items.done 422 unknown_station" % o2["id"])

    def test_offline_queue_and_exactly_once_replay(self):
        a = self.create()
        b = self.create()
        p = self.probe()
        p.expect("^state ONLINE")
        port = self.server.port
        self.server.stop()
        p.expect("^state OFFLINE")
        p.ask("act %d start" % a["id"], r"^queued \d+")
        p.ask("act %d start" % b["id"], r"^queued \d+")
        p.ask("act %d ready" % b["id"], r"^queued \d+")
        self.assertEqual(p.mark(a["id"]), {"pending": True, "status": "PREPARING", "stations": ""})
        self.assertEqual(p.mark(b["id"])["status"], "READY")
        p.saw("queued=3")
        self.server.start(port=port)
        p.saw("^state ONLINE stale=0 queued=[0-3] attention=0 role=CHEF$")
        p.wait_mark(a["id"], False)
        p.wait_mark(b["id"], False)
        p.wait_status(a["id"], "PREPARING")
        p.wait_status(b["id"], "READY")
        chef = self.server.client("c1")
        for oid, actions in ((a["id"], ["create", "start"]), (b["id"], ["create", "start", "ready"])):
            got = chef.get("/api/v1/orders/%d" % oid).json
            self.assertEqual([h["action"] for h in got["history"]], actions)
        chef.close()
        self.http.close()
        self.chef.close()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")

    def test_stale_start_from_the_cache(self):
        o = self.create()
        p = self.probe()
        p.expect("^state ONLINE")
        p.saw("^orders all 1")
        self.assertEqual(p.close(), 0)
        self.probes.remove(p)
        port = self.server.port
        self.server.stop()
        q = self.probe()
        q.saw("^orders all 1")
        q.saw("stale=1")
        q.saw("^login OFFLINE")
        q.saw("^state OFFLINE stale=1")
        self.assertEqual(q.status_of(o["id"]), "PAID")
        # a change made while the server is away is kept and sent later
        q.ask("act %d start" % o["id"], r"^queued \d+")
        self.server.start(port=port)
        q.saw("^login OK")
        q.wait_mark(o["id"], False)
        q.wait_status(o["id"], "PREPARING")
        q.saw("stale=0")
        self.http.close()
        self.chef.close()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")


if __name__ == "__main__":
    unittest.main()
