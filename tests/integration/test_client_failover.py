#!/usr/bin/env python3
"""Clients configured with several brigade-server instances of one
PostgreSQL database (a private cluster the test starts):

- a terminal sends a stream of orders through its outbox while the instance
  it uses is killed (SIGKILL): every order it was told was taken exists
  exactly once, none is lost, and it went on with another instance;
- a screen following the stream of that instance resumes on another with no
  gap, no duplicate seq and no resync;
- brigadectl with a dead first server still works, and one whose servers
  all answer 503 gives up after a bounded number of requests.
"""
import http.server
import json
import os
import queue
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from brigade_test import BIN, PINS, Client, Server, pg_cluster, walk_in

SESSION_PROBE = os.path.join(BIN, "session_probe")
CLIENT_PROBE = os.path.join(BIN, "client_probe")
CTL = os.path.join(BIN, "brigadectl")
TIMEOUT = 30
ORDERS = 80
KILL_AFTER = 25


def dead_port():
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def url(port):
    return "http://127.0.0.1:%d" % port


def client_env(workdir, servers, staff):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
    env.update({"BRIGADE_SERVER": ",".join(servers), "BRIGADE_TERMINAL": "till-fo",
                "BRIGADE_STAFF": staff, "BRIGADE_PIN": PINS[staff],
                "BRIGADE_TIMEOUT_MS": "4000", "BRIGADE_CONNECT_TIMEOUT_MS": "2000",
                "XDG_CONFIG_HOME": workdir, "XDG_STATE_HOME": workdir,
                "BRIGADE_LOG": "info"})
    return env


class Probe:
    """A probe program on stdin/stdout, its lines read by a thread."""

    def __init__(self, program, workdir, env, name):
        self.err = open(os.path.join(workdir, name + ".log"), "ab")
        self.proc = subprocess.Popen([program], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err, text=True,
                                     bufsize=1)
        self.lines = queue.Queue()
        self.seen = []
        self.pos = 0
        self.ended = False
        threading.Thread(target=self._read, daemon=True).start()
        self.expect("^ready")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def say(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def pump(self, timeout=0.0):
        """Take the lines that came; wait up to timeout for the first."""
        try:
            line = self.lines.get(timeout=timeout) if timeout > 0 else self.lines.get_nowait()
        except queue.Empty:
            return
        while line is not None:
            self.seen.append(line)
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return
        self.ended = True

    def expect(self, pattern, timeout=TIMEOUT, since=None):
        """The next line matching pattern after the last one expected (or
        after line number since)."""
        rx = re.compile(pattern)
        i = self.pos if since is None else since
        deadline = time.time() + timeout
        while True:
            while i < len(self.seen):
                m = rx.search(self.seen[i])
                i += 1
                if m:
                    self.pos = i
                    return m
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no line like %r; last lines:\n%s"
                                     % (pattern, "\n".join(self.seen[-40:])))
            if self.ended:
                raise AssertionError("the probe ended waiting for %r; last lines:\n%s"
                                     % (pattern, "\n".join(self.seen[-40:])))
            self.pump(min(left, 0.2))

    def quit(self):
        """Ask it to end; it must end cleanly (a sanitizer's report is an
        exit status other than 0)."""
        if self.proc.poll() is None:
            try:
                self.say("quit")
                self.proc.wait(timeout=10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.err.close()
        if self.proc.returncode != 0:
            with open(self.err.name, errors="replace") as f:
                raise AssertionError("%s exited with %d:\n%s" % (
                    self.proc.args[0], self.proc.returncode, f.read()[-4000:]))


class FailoverUnderLoad(unittest.TestCase):
    """Three instances; the terminal and the screen both start on the first,
    which is killed while orders flow."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-failover-")
        db = pg_cluster().database("client_failover")
        cls.servers = []
        for i in range(3):
            d = os.path.join(cls.tmp, "i%d" % i)
            os.mkdir(d)
            cls.servers.append(Server(d, db=db).start())

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def probe(self, program, name, staff, extra=None):
        d = os.path.join(self.tmp, name)
        os.makedirs(d, exist_ok=True)
        env = client_env(d, [url(s.port) for s in self.servers], staff)
        env.update(extra or {})
        p = Probe(program, d, env, name)
        self.addCleanup(p.quit)
        return p, d

    def test_kill_the_instance_in_use(self):
        a, b, c = self.servers
        follower, _ = self.probe(CLIENT_PROBE, "kds", "c1", {"CLIENT_PROBE_EVENTS": "1"})
        follower.expect(r"^stream online 127\.0\.0\.1:%d " % a.port)
        till, till_dir = self.probe(SESSION_PROBE, "till", "k1")
        till.expect(r"^state ONLINE .* server=127\.0\.0\.1:%d$" % a.port)

        # a stream of orders, each with a mark of its own; the instance in
        # use dies (SIGKILL) while some are on their way
        for n in range(ORDERS):
            order = walk_in(items=[{"sku": "B1", "qty": 2, "modifiers": ["XCH"],
                                    "note": "fo-%d" % n}, {"sku": "S1", "qty": 1}])
            till.say("create " + json.dumps(order))
            if n == KILL_AFTER:
                # the outbox is busy with the burst before: some are in
                # flight, on a connection the kill resets
                time.sleep(0.02)
                a.kill9()
            if n > KILL_AFTER:
                time.sleep(0.01)
        for n in range(ORDERS):
            self.assertGreater(int(till.expect(r"^queued (-?\d+)$").group(1)), 0)

        # the terminal sent everything, and went on with another instance
        outbox = os.path.join(till_dir, "brigade", "probe-outbox.db")
        deadline = time.time() + 45
        while True:
            conn = sqlite3.connect(outbox, timeout=10)
            try:
                rows = conn.execute("SELECT idem_key, state, attempts, response FROM outbox "
                                    "WHERE kind = 'order.create' ORDER BY id").fetchall()
            finally:
                conn.close()
            if len(rows) == ORDERS and all(r[1] != 0 for r in rows):
                break
            if time.time() > deadline:
                self.fail("still pending: %d of %d" % (sum(r[1] == 0 for r in rows), len(rows)))
            time.sleep(0.2)
        till.expect(r"^state ONLINE .* server=127\.0\.0\.1:(%d|%d)$" % (b.port, c.port))
        self.assertEqual(len(rows), ORDERS)
        self.assertEqual(len({r[0] for r in rows}), ORDERS)      # a key each
        self.assertEqual({r[1] for r in rows}, {1})               # all done
        told = {}
        for r in rows:
            o = json.loads(r[3])
            told[o["items"][0]["note"]] = o["id"]
        self.assertEqual(len(told), ORDERS)
        self.assertEqual(len(set(told.values())), ORDERS)

        # the database has each of them once: no duplicate ticket, none lost
        http = Client(b.port)
        http.login("m1", PINS["m1"])
        r = http.get("/api/v1/orders?status=PAID&limit=2000")
        self.assertEqual(r.status, 200, r)
        notes = {}
        for o in r.json["orders"]:
            note = o["items"][0].get("note", "")
            if note.startswith("fo-"):
                notes.setdefault(note, []).append(o["id"])
        http.close()
        self.assertEqual(sorted(notes), sorted(told))
        for note, ids in notes.items():
            self.assertEqual(ids, [told[note]], note)

        # the screen resumed on another instance: every order reached it,
        # its seqs one by one with no gap and no repeat, and no resync
        follower.expect(r"^stream online 127\.0\.0\.1:(%d|%d) " % (b.port, c.port))
        created = set(told.values())
        deadline = time.time() + TIMEOUT
        while True:
            follower.pump(0.2)
            seen = {int(l.split()[3]) for l in follower.seen
                    if l.startswith("event ") and l.split()[2] == "order.created"}
            if created <= seen:
                break
            if time.time() > deadline:
                self.fail("the screen missed orders %s" % sorted(created - seen)[:10])
        seqs = [int(l.split()[1]) for l in follower.seen if l.startswith("event ")]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))))
        self.assertFalse([l for l in follower.seen if l.startswith("resync")])


class Answer503(http.server.BaseHTTPRequestHandler):
    """A server whose database is down: 503 to everything, counted."""
    hits = None

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.server.hits.append(self.path)
        body = json.dumps({"error": {"code": "storage_error",
                                     "message": "the database is away"}}).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def fake_503():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer503)
    srv.hits = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class BrigadectlFailover(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-failover-ctl-")
        db = pg_cluster().database("client_failover_ctl")
        d = os.path.join(cls.tmp, "server")
        os.mkdir(d)
        cls.server = Server(d, db=db).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ctl(self, servers, *args, stdin=None, retries="2"):
        d = tempfile.mkdtemp(dir=self.tmp)
        env = client_env(d, servers, "k1")
        env["BRIGADE_OUTBOX"] = os.path.join(d, "outbox.db")
        env["BRIGADE_RETRIES"] = retries
        env["BRIGADE_LOG"] = "error"
        start = time.time()
        r = subprocess.run([CTL] + list(args), env=env, input=stdin, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        r.elapsed = time.time() - start
        return r

    def test_a_dead_first_server(self):
        servers = [url(dead_port()), url(self.server.port)]
        r = self.ctl(servers, "orders", retries="1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("orders", json.loads(r.stdout))
        order = walk_in(items=[{"sku": "B1", "qty": 2, "modifiers": ["XCH"],
                                "note": "ctl-1"}, {"sku": "S1", "qty": 1}])
        r = self.ctl(servers, "submit", "-", stdin=json.dumps(order), retries="1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(r.stdout.startswith("queued"), r.stdout)
        got = json.loads(r.stdout)
        self.assertEqual(got["items"][0]["note"], "ctl-1")

    def test_a_503_moves_on(self):
        fake = fake_503()
        self.addCleanup(fake.shutdown)
        r = self.ctl([url(fake.server_address[1]), url(self.server.port)], "orders")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(fake.hits), 1, fake.hits)

    def test_503_everywhere_is_no_hot_loop(self):
        fakes = [fake_503(), fake_503()]
        for f in fakes:
            self.addCleanup(f.shutdown)
        r = self.ctl([url(f.server_address[1]) for f in fakes], "orders", retries="3")
        self.assertEqual(r.returncode, 3, (r.stdout, r.stderr))
        # three attempts, each asking both servers once, with backoff
        # between the attempts
        hits = [len(f.hits) for f in fakes]
        self.assertEqual(hits, [3, 3], hits)

    def test_bad_lists_are_refused(self):
        for bad, words in (("http://127.0.0.1:1,ftp://x", "ftp://x"),
                           ("http://127.0.0.1:1,https://127.0.0.1:2", "not both"),
                           (",".join("http://127.0.0.1:%d" % (i + 1) for i in range(9)),
                            "at most 8")):
            r = self.ctl([bad], "orders")
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
            self.assertIn(words, r.stderr)


if __name__ == "__main__":
    unittest.main()
