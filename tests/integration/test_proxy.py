#!/usr/bin/env python3
"""Two brigade-server instances on one PostgreSQL database (a private
cluster) behind Debian's HAProxy, run with the packaged example
packaging/haproxy/brigade.cfg on free loopback ports as the current user:
logins and orders go through the proxy and land on both instances; a
stream through the proxy follows orders made through it and made directly
on either instance; when an instance is killed, the health check takes it
out, requests go on, a change sent again with its Idempotency-Key gets its
first answer, and the stream resumes through the proxy from its last event
with no gap and no duplicate. A request that reached a dying instance is
sent to the other only when that is safe: a GET or a change with a key,
never a change without one."""
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

from brigade_test import Client, PINS, Server, WebSocket, pg_cluster, walk_in

HAPROXY = os.environ.get("BRIGADE_HAPROXY", "/usr/sbin/haproxy")
CONFIG = os.environ.get("BRIGADE_HAPROXY_CONFIG", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../packaging/haproxy/brigade.cfg"))


def free_port():
    """A loopback port nobody listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=15, step=0.1):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)


class Proxy:
    """Debian's haproxy in the foreground (-db) on brigade.cfg, with the
    addresses given through the environment the file reads."""

    def __init__(self, workdir, instances):
        self.workdir = workdir
        self.port = free_port()
        self.stats_port = free_port()
        self.socket = os.path.join(workdir, "admin.sock")
        self.logpath = os.path.join(workdir, "haproxy.log")
        self.env = dict(os.environ,
                        BRIGADE_PROXY_UNPRIVILEGED="1",
                        BRIGADE_PROXY_LISTEN="127.0.0.1:%d" % self.port,
                        BRIGADE_PROXY_STATS="127.0.0.1:%d" % self.stats_port,
                        BRIGADE_PROXY_SOCKET=self.socket,
                        BRIGADE_PROXY_LOG="stdout")
        for i, s in enumerate(instances, 1):
            self.env["BRIGADE_INSTANCE_%d" % i] = "127.0.0.1:%d" % s.port
        self.proc = None

    def check(self):
        return subprocess.run([HAPROXY, "-c", "-f", CONFIG], env=self.env, cwd=self.workdir,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def start(self):
        self.log = open(self.logpath, "ab")
        self.proc = subprocess.Popen([HAPROXY, "-db", "-f", CONFIG], env=self.env,
                                     cwd=self.workdir, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for("haproxy to listen", lambda: self._listening())
        return self

    def _listening(self):
        if self.proc.poll() is not None:
            raise AssertionError("haproxy exited with %d:\n%s" % (self.proc.returncode,
                                                                   self.logtext()))
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def logtext(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def command(self, line):
        """One command on HAProxy's command socket, and its answer."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.socket)
            s.sendall(line.encode() + b"\n")
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out.decode()
                out += chunk

    def servers(self):
        """Each server of the brigade backend: its stats row (status, check
        status, current connections...) from the status page's CSV."""
        c = Client(self.stats_port)
        try:
            r = c.get("/;csv", token=False)
        finally:
            c.close()
        rows = csv.DictReader(io.StringIO(r.raw.lstrip("# ")))
        return {row["svname"]: row for row in rows
                if row["pxname"] == "brigade" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def status(self, name):
        return self.servers()[name]["status"]


def access_lines(server, method, path_prefix):
    """The instance's access log lines for requests it answered."""
    with open(os.path.join(server.workdir, "server.log"), errors="replace") as f:
        return [l for l in f if re.search(r"access: %s %s" % (method, re.escape(path_prefix)), l)]


class BehindHAProxy(unittest.TestCase):
    """The steps run in order (test_1 ... test_5) on one proxy and one pair
    of instances: the later ones kill instances and stop PostgreSQL."""

    failed = False

    @classmethod
    def setUpClass(cls):
        if not os.access(HAPROXY, os.X_OK):
            raise AssertionError("%s is missing: install Debian's haproxy (./brigade deps)"
                                 % HAPROXY)
        cls.tmp = tempfile.mkdtemp(prefix="brigade-proxy-")
        cls.servers = []
        cls.proxy = None
        cls.addClassCleanup(cls.stop_all)
        cls.url = pg_cluster().database("proxy")
        for name in ("i1", "i2"):
            d = os.path.join(cls.tmp, name)
            os.mkdir(d)
            # the first fills the demo restaurant; the second finds it
            # HAProxy reaches them from 127.0.0.1: its X-Forwarded-For
            # names the till
            cls.servers.append(Server(d, db=cls.url,
                                      config="trusted_proxies = 127.0.0.1\n").start())
        cls.proxy = Proxy(cls.tmp, cls.servers)
        r = cls.proxy.check()
        if r.returncode != 0 or b"Configuration file is valid" not in r.stdout:
            raise AssertionError("haproxy -c: %s" % r.stdout.decode(errors="replace"))
        cls.proxy.start()
        wait_for("both instances UP",
                 lambda: all(row["status"] == "UP" and row["check_status"] == "L7OK"
                             for row in cls.proxy.servers().values()))

    @classmethod
    def stop_all(cls):
        if cls.proxy is not None:
            cls.proxy.stop()
        bad = []
        for s in cls.servers:
            rc = s.stop()
            if rc not in (0, None, -9):
                bad.append((s.workdir, rc))
        if (bad or cls.failed) and cls.proxy is not None:
            # what the proxy saw, without its status page's own requests
            lines = [l for l in cls.proxy.logtext().splitlines() if " stats/<STATS> " not in l]
            sys.stderr.write("\n--- haproxy.log ---\n%s\n" % "\n".join(lines[-300:]))
        for d, rc in bad:
            with open(os.path.join(d, "server.log"), errors="replace") as f:
                sys.stderr.write("\n--- %s (exit %s) ---\n%s\n" % (d, rc, f.read()[-20000:]))
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if bad:
            raise AssertionError("instances exited with %r" % bad)

    def run(self, result=None):
        result = super().run(result)
        if result is not None and (result.failures or result.errors):
            type(self).failed = True
        return result

    def via_proxy(self, staff=None, terminal="test"):
        """A client of the proxy, as a till pointed at it would be."""
        c = Client(self.proxy.port)
        self.addCleanup(c.close)
        if staff:
            c.login(staff, PINS[staff], terminal)
        return c

    def direct(self, server, staff=None):
        c = server.client(staff)
        self.addCleanup(c.close)
        return c

    def stream(self, token, after):
        ws = WebSocket(self.proxy.port, "/api/v1/stream?after=%d" % after, token)
        self.addCleanup(ws.close)
        self.assertEqual(ws.status, 101, ws.rejection)
        hello = ws.recv()
        self.assertEqual(hello["type"], "hello")
        return ws, hello

    def head(self):
        return self.via_proxy().get("/healthz").json["head"]

    def events_after(self, client, seq):
        r = client.get("/api/v1/events?after=%d&limit=500" % seq)
        self.assertEqual(r.status, 200, r)
        return r.json["events"]

    def stream_holder(self):
        """The instance that serves the (one) open stream, by its metrics."""
        holders = []
        for s in self.servers:
            if s.proc is None:
                continue
            m = self.direct(s, "m1").get("/metrics").raw
            n = sum(int(x) for x in
                    re.findall(r"^brigade_stream_clients\{[^}]*\} (\d+)$", m, re.M))
            holders += [s] * n
        self.assertEqual(len(holders), 1, "expected one stream")
        return holders[0]

    def name(self, server):
        return "i%d" % (self.servers.index(server) + 1)

    def send_to_dying(self, victim, other, requests):
        """Send requests through the proxy to victim, stopped (SIGSTOP) so
        that they reach it and stay unanswered, then bring other back and
        kill victim: HAProxy sees each connection closed with no answer
        ("empty-response"). Returns each request's answer (or exception)."""
        self.proxy.command("set server brigade/%s state maint" % self.name(other))
        busy = int(self.proxy.servers()[self.name(victim)]["scur"] or 0)
        victim.proc.send_signal(signal.SIGSTOP)
        results = [None] * len(requests)

        def run(i, fn):
            try:
                results[i] = fn()
            except Exception as e:  # noqa: BLE001 - reported by the caller
                results[i] = e
        threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(requests)]
        for t in threads:
            t.start()
        # every request is sent to the stopped instance (it holds them)
        wait_for("requests at the stopped instance",
                 lambda: int(self.proxy.servers()[self.name(victim)]["scur"] or 0)
                 >= busy + len(requests), timeout=5, step=0.05)
        # counted once HAProxy picked the instance: let it connect and send
        time.sleep(0.2)
        self.proxy.command("set server brigade/%s state ready" % self.name(other))
        victim.kill9()
        for t in threads:
            t.join(30)
        return results

    def test_1_logins_and_orders_through_the_proxy_reach_both_instances(self):
        k = self.via_proxy("k1", "till1")
        self.assertEqual(k.get("/api/v1/auth/me").json["staff"], "k1")
        made = []
        for _ in range(6):
            # a till of its own each time: a new connection, balanced anew
            c = Client(self.proxy.port)
            c.token = k.token
            r = c.create(walk_in())
            c.close()
            self.assertEqual(r.status, 201, r)
            made.append(r.json["id"])
        self.assertEqual(len(set(made)), 6)
        for s in self.servers:
            self.assertTrue(access_lines(s, "POST", "/api/v1/orders"),
                            "no order went to %s" % s.workdir)
        # and each order reads back through the proxy, whichever instance answers
        for oid in made:
            self.assertEqual(k.get("/api/v1/orders/%d" % oid).status, 200)

    def test_1b_each_till_behind_the_proxy_is_known_by_its_own_address(self):
        a = Client(self.proxy.port, source="127.0.0.2")
        b = Client(self.proxy.port, source="127.0.0.3")
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        wrong = {"staff": "w1", "pin": "9090", "terminal": "till-a"}
        # the lockout is the database's: five wrong PINs over either instance
        for _ in range(5):
            self.assertEqual(a.post("/api/v1/auth/login", wrong).code, "invalid_credentials")
        # locked for till A only, whichever instance it reaches
        for _ in range(3):
            r = Client(self.proxy.port, source="127.0.0.2")
            self.assertEqual(r.post("/api/v1/auth/login", {"staff": "w1", "pin": PINS["w1"]}).code,
                             "account_locked")
            r.close()
        self.assertEqual(b.post("/api/v1/auth/login", {"staff": "w1", "pin": PINS["w1"]}).status, 200)
        # the access lines name each till (a line is written once its answer has gone)
        def logged():
            return "".join("".join(access_lines(s, "POST", "/api/v1/auth/login"))
                           for s in self.servers)
        wait_for("both tills in the access log",
                 lambda: "peer=127.0.0.2" in logged() and "peer=127.0.0.3" in logged(), timeout=5)
        # a client that is not the proxy cannot name itself another address,
        # and the proxy's own garbage is not taken for one
        direct = Client(self.servers[0].port, source="127.0.0.4")
        self.addCleanup(direct.close)
        direct.get("/api/v1/auth/me", headers={"X-Forwarded-For": "127.0.0.9"})
        direct.get("/api/v1/auth/me", headers={"X-Forwarded-For": "not-an-address"})
        text = "".join(access_lines(self.servers[0], "GET", "/api/v1/auth/me"))
        self.assertIn("127.0.0.4", text)
        self.assertNotIn("127.0.0.9", text)
        self.assertNotIn("not-an-address", text)

    def test_2_the_stream_through_the_proxy_follows_every_instance(self):
        chef = self.via_proxy("c1", "kitchen")
        ws, hello = self.stream(chef.token, self.head())
        seq = hello["head"]
        for via in [self.via_proxy("k1")] + [self.direct(s, "k1") for s in self.servers]:
            r = via.create(walk_in())
            self.assertEqual(r.status, 201, r)
            ev = ws.recv()
            self.assertIsNotNone(ev, "no event for an order made through %d" % via.port)
            self.assertEqual((ev["seq"], ev["type"]), (seq + 1, "order.created"))
            self.assertEqual(ev["order"], r.json)
            seq = ev["seq"]

    def test_3_an_instance_killed_is_taken_out_and_nothing_is_lost(self):
        k = self.via_proxy("k1")
        chef = self.via_proxy("c1", "kitchen")
        ws, hello = self.stream(chef.token, self.head())
        victim = self.stream_holder()
        survivor = [s for s in self.servers if s is not victim][0]

        key1 = str(uuid.uuid4())
        body1 = walk_in(service="DINE_IN", table="7")
        first = k.create(body1, key=key1)
        self.assertEqual(first.status, 201, first)
        ev = ws.recv()
        self.assertEqual((ev["type"], ev["order"]["id"]), ("order.created", first.json["id"]))
        last_seq = ev["seq"]

        # an order on its way to the instance as it dies: it reached the
        # instance (which never read it), so only its key makes it safe to
        # send to the other, and the proxy does
        key2 = str(uuid.uuid4())

        def keyed():
            c = Client(self.proxy.port)
            c.token = k.token
            try:
                return c.create(walk_in(), key=key2)
            finally:
                c.close()
        [second] = self.send_to_dying(victim, survivor, [keyed])
        self.assertNotIsInstance(second, Exception)
        self.assertEqual(second.status, 201, second)
        self.assertRegex(self.proxy.logtext(), r"POST /api/v1/orders HTTP/1.1")

        # the killed instance's stream ends; the health check takes it out
        with self.assertRaises(ConnectionError):
            while ws.recv(timeout=10) is not None:
                pass
        wait_for("the killed instance DOWN",
                 lambda: self.proxy.status(self.name(victim)).startswith("DOWN"), timeout=10)
        # (a check that failed once under load reads "UP 1/2": still in)
        self.assertTrue(self.proxy.status(self.name(survivor)).startswith("UP"))

        # new requests through the proxy all succeed, on the survivor
        before = len(access_lines(survivor, "GET", "/api/v1/orders"))
        for _ in range(5):
            c = Client(self.proxy.port)
            c.token = k.token
            r = c.get("/api/v1/orders?limit=5")
            c.close()
            self.assertEqual(r.status, 200, r)
        self.assertEqual(len(access_lines(survivor, "GET", "/api/v1/orders")) - before, 5)
        third = k.create(walk_in())
        self.assertEqual(third.status, 201, third)
        # a till's outbox sends its changes again: each gets its first answer
        again = k.create(body1, key=key1)
        self.assertEqual((again.status, again.json), (201, first.json))
        again2 = k.create(walk_in(), key=key2)
        self.assertEqual((again2.status, again2.json), (201, second.json))
        # and an order made on the survivor directly while the screen is away
        fourth = self.direct(survivor, "w1").create(walk_in(service="DINE_IN", table="9"))
        self.assertEqual(fourth.status, 201, fourth)

        # exactly these orders were made since the stream's last event: no
        # duplicate of a retried one
        log = self.events_after(k, last_seq)
        made = [e["order"]["id"] for e in log if e["type"] == "order.created"]
        self.assertEqual(made, [second.json["id"], third.json["id"], fourth.json["id"]])

        # the screen reconnects through the proxy from its last event: every
        # event since, in order, once, then live ones
        ws2, hello2 = self.stream(chef.token, last_seq)
        self.assertEqual(hello2["after"], last_seq)
        got = [ws2.recv() for _ in log]
        self.assertEqual([e["seq"] for e in got], list(range(last_seq + 1, last_seq + 1 + len(log))))
        self.assertEqual(got, log)
        self.assertIsNone(ws2.recv(timeout=0.5), "an event twice or out of nowhere")
        fifth = k.create(walk_in())
        self.assertEqual(fifth.status, 201, fifth)
        live = ws2.recv()
        self.assertEqual((live["seq"], live["order"]["id"]), (log[-1]["seq"] + 1, fifth.json["id"]))

    def test_4_a_change_without_a_key_is_never_sent_twice(self):
        """An action without an Idempotency-Key that reached a dying
        instance is answered 502 and not carried out elsewhere; a GET that
        reached it is answered by the other."""
        # the instance killed in step 3 comes back on its port
        down = [s for s in self.servers if s.proc is None]
        for s in down:
            s.start(port=int(self.proxy.env["BRIGADE_INSTANCE_%d" % (self.servers.index(s) + 1)]
                             .rsplit(":", 1)[1]))
        wait_for("both instances UP again",
                 lambda: all(row["status"] == "UP" for row in self.proxy.servers().values()),
                 timeout=20)
        k = self.via_proxy("k1")
        chef = self.via_proxy("c1")
        o = k.create(walk_in()).json
        self.assertEqual(o["status"], "PAID")
        victim, other = self.servers[1], self.servers[0]

        def fresh(fn):
            def run():
                c = Client(self.proxy.port)
                c.token = chef.token
                try:
                    return fn(c)
                finally:
                    c.close()
            return run
        start, read = self.send_to_dying(victim, other, [
            fresh(lambda c: c.act(o["id"], "start")),
            fresh(lambda c: c.get("/api/v1/orders/%d" % o["id"])),
        ])
        self.assertNotIsInstance(start, Exception)
        self.assertEqual((start.status, start.code), (502, "bad_gateway"), start)
        self.assertEqual(start.headers.get("content-type"), "application/json")
        self.assertNotIsInstance(read, Exception)
        self.assertEqual((read.status, read.json["status"]), (200, "PAID"), read)
        # not started by the other instance behind the till's back
        self.assertEqual(k.get("/api/v1/orders/%d" % o["id"]).json["status"], "PAID")
        self.assertFalse([l for l in access_lines(other, "POST", "/api/v1/orders/%d/actions"
                                                  % o["id"])])
        # the person (or the till's outbox) sends it again: it is done once
        self.assertEqual(chef.act(o["id"], "start").json["status"], "PREPARING")

    def test_5_a_postgresql_restart_is_503_then_service_again(self):
        """While PostgreSQL is down every instance fails its health check:
        the proxy takes them out and answers 503 in the API's shape, the
        streams close; once it is back the instances return by themselves
        and a change sent again with its key is made once."""
        for i, s in enumerate(self.servers, 1):
            if s.proc is None:
                s.start(port=int(self.proxy.env["BRIGADE_INSTANCE_%d" % i].rsplit(":", 1)[1]))
        wait_for("both instances UP",
                 lambda: all(row["status"] == "UP" for row in self.proxy.servers().values()),
                 timeout=20)
        k = self.via_proxy("k1")
        chef = self.via_proxy("c1", "kitchen")
        ws, hello = self.stream(chef.token, self.head())
        last_seq = hello["head"]
        cluster = pg_cluster()
        cluster.stop()
        try:
            wait_for("both instances DOWN",
                     lambda: all(row["status"].startswith("DOWN")
                                 for row in self.proxy.servers().values()), timeout=20)
            self.assertIn("L7STS", {row["check_status"] for row in self.proxy.servers().values()})
            with self.assertRaises(ConnectionError):
                while ws.recv(timeout=10) is not None:
                    pass
            key = str(uuid.uuid4())
            body = walk_in(service="DINE_IN", table="12")
            r = k.create(body, key=key)
            self.assertEqual((r.status, r.code), (503, "unavailable"), r)
            self.assertEqual(r.headers.get("content-type"), "application/json")
        finally:
            cluster.start()
        wait_for("both instances UP after PostgreSQL's restart",
                 lambda: all(row["status"] == "UP" for row in self.proxy.servers().values()),
                 timeout=30)
        first = k.create(body, key=key)
        self.assertEqual(first.status, 201, first)
        again = k.create(body, key=key)
        self.assertEqual((again.status, again.json), (201, first.json))
        ws2, hello2 = self.stream(chef.token, last_seq)
        ev = ws2.recv()
        self.assertEqual((ev["seq"], ev["type"], ev["order"]), (last_seq + 1, "order.created",
                                                                first.json))
        self.assertIsNone(ws2.recv(timeout=0.5))


if __name__ == "__main__":
    unittest.main()
