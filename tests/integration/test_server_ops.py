"""brigade-server as an administrator runs it: one server per database, the
service manager's notify protocol, SIGHUP, --check-config, /healthz while
the store cannot commit, the access and account log lines, /metrics for a
scraper (parsed by prometheus_client's own parser), an online backup and a
restore that the kitchen screens resync from, and --add-staff run by root."""
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from prometheus_client.parser import text_string_to_metric_families

from brigade_test import BIN, PINS, Client, Server, walk_in
from test_session import Probe

SERVER = os.path.join(BIN, "brigade-server")


def run(*args, stdin=None, timeout=60):
    return subprocess.run([SERVER] + list(args), input=stdin, capture_output=True,
                          text=True, timeout=timeout)


class OpsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-ops-")
        self.servers = []
        self.probes = []

    def tearDown(self):
        for p in self.probes:
            if p.proc.poll() is None:
                p.close()
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server(self, config=None, **kw):
        s = Server(self.tmp, config=config, **kw).start()
        self.servers.append(s)
        return s

    def log(self):
        with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, timeout=10, path=None):
        """A line of the server's log (or of path) matching pattern: a
        line is written once its answer has gone, so it may trail it."""
        path = path or os.path.join(self.tmp, "server.log")
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text = f.read()
            m = re.search(pattern, text, re.M)
            if m:
                return m
            time.sleep(0.05)
        self.fail("no log line like %r in:\n%s" % (pattern, text[-3000:]))

    # -- one server per database ------------------------------------------

    def test_second_server_on_the_database_refuses_to_start(self):
        first = self.server()
        r = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", first.db],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("already served by another brigade-server (pid %d)" % first.proc.pid,
                      r.stderr)
        # the first one is unharmed
        c = first.client("k1")
        self.assertEqual(c.create(walk_in()).status, 201)
        c.close()
        # and once it stops, the database can be served again
        port = first.port
        first.stop()
        first.start(port=port)
        c = first.client()
        self.assertEqual(c.get("/healthz").status, 200)
        c.close()

    # -- the service manager ----------------------------------------------

    def test_notify_ready_watchdog_reload_stopping(self):
        sock_path = os.path.join(self.tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(sock_path)
        sock.settimeout(10)
        env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="200000")
        env.pop("WATCHDOG_PID", None)
        proc = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0",
                                 "--db", os.path.join(self.tmp, "n.db")],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def until(word):
                seen = []
                while True:
                    msg = sock.recv(4096).decode()
                    seen.append(msg)
                    if word in msg.split("\n"):
                        return seen
            ready = until("READY=1")
            self.assertTrue(any("STATUS=serving" in m for m in ready), ready)
            until("WATCHDOG=1")
            until("WATCHDOG=1")   # again: it keeps pinging from the loop
            proc.send_signal(signal.SIGHUP)
            until("RELOADING=1")
            until("READY=1")
            proc.send_signal(signal.SIGTERM)
            until("STOPPING=1")
            self.assertEqual(proc.wait(timeout=20), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            sock.close()

    # -- settings -----------------------------------------------------------

    def test_check_config(self):
        good = os.path.join(self.tmp, "good.conf")
        with open(good, "w") as f:
            f.write("listen = 127.0.0.1:8099\ndb = /var/lib/brigade/brigade.db\n"
                    "access_log = off\nmetrics_token = %s\n" % secrets.token_hex(32))
        r = run("--check-config", good)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("good", r.stdout)
        bad = os.path.join(self.tmp, "bad.conf")
        with open(bad, "w") as f:
            f.write("listen = 127.0.0.1:8099\n\nlockout_seconds = soon\n")
        r = run("--check-config", bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.conf:3: bad value \"soon\" for lockout_seconds", r.stderr)
        short = os.path.join(self.tmp, "short.conf")
        with open(short, "w") as f:
            f.write("metrics_token = abc\n")
        r = run("--check-config", short)
        self.assertEqual(r.returncode, 2)
        self.assertIn("metrics_token", r.stderr)
        # the packaged sample is good as shipped
        sample = os.path.join(os.path.dirname(__file__), "../../packaging/server.conf")
        self.assertEqual(run("--check-config", sample).returncode, 0)

    def test_sighup_rereads_settings_and_reopens_the_log(self):
        logfile = os.path.join(self.tmp, "brigade.log")
        conf = "log_file = %s\naccess_log = on\ntax_rate = 8.00\n" % logfile
        s = self.server(config=conf)
        c = s.client()
        self.assertEqual(c.get("/healthz").status, 200)
        self.wait_log("access: GET /healthz 200", path=logfile)
        # a rotation: the file moves away, SIGHUP opens a new one; the
        # access lines go off; a restart-only setting is named, not applied,
        # and so is one that only starts a new database
        os.rename(logfile, logfile + ".1")
        with open(os.path.join(self.tmp, "server.conf"), "w") as f:
            f.write("log_file = %s\naccess_log = off\ntax_rate = 9.50\n"
                    "token_ttl_seconds = 600\n" % logfile)
        s.proc.send_signal(signal.SIGHUP)
        self.wait_log("settings reloaded", path=logfile)
        self.assertEqual(c.get("/healthz").status, 200)
        self.assertEqual(c.get("/healthz").status, 200)
        self.wait_log("token_ttl_seconds changed: it takes effect at the next restart",
                      path=logfile)
        self.wait_log("tax_rate changed: it only starts a new database", path=logfile)
        with open(logfile) as f:
            self.assertNotIn("access:", f.read())
        # a mistake in the file changes nothing, and the server keeps serving
        with open(os.path.join(self.tmp, "server.conf"), "w") as f:
            f.write("access_log = sometimes\n")
        s.proc.send_signal(signal.SIGHUP)
        self.wait_log(r"settings not reloaded: .*server.conf:1: bad value "
                      r"\"sometimes\" for access_log", path=logfile)
        self.assertEqual(c.get("/healthz").status, 200)
        c.close()
        self.assertEqual(s.stop(), 0)

    # -- health ---------------------------------------------------------------

    def test_healthz_503_while_the_store_cannot_commit(self):
        s = self.server()
        k1 = s.client("k1")
        self.assertEqual(k1.create(walk_in()).status, 201)
        # a file size limit below any write the WAL makes: every commit
        # fails as on a full disk (the log goes on: its writes fail quietly)
        soft, hard = resource.prlimit(s.proc.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(s.proc.pid, resource.RLIMIT_FSIZE, (1000, hard))
        try:
            r = k1.create(walk_in())
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.code, "storage_error")
            for _ in range(2):   # it stays failing, and says why
                h = k1.get("/healthz")
                self.assertEqual(h.status, 503, h)
                self.assertEqual(h.json["status"], "failing")
                self.assertEqual(h.json["error"]["code"], "storage_error")
                self.assertIn("cannot commit", h.json["error"]["message"])
        finally:
            resource.prlimit(s.proc.pid, resource.RLIMIT_FSIZE, (soft, hard))
        h = k1.get("/healthz")
        self.assertEqual(h.status, 200, h)
        self.assertEqual(h.json["status"], "ok")
        self.assertEqual(k1.create(walk_in()).status, 201)
        self.assertEqual(k1.get("/healthz").status, 200)
        k1.close()

    # -- logs -----------------------------------------------------------------

    def test_access_and_account_lines_without_secrets(self):
        s = self.server(config="lockout_attempts = 3\n")
        k1 = s.client("k1", terminal="till9")
        token = k1.token
        self.assertEqual(k1.create(walk_in()).status, 201)
        self.wait_log(r"access: POST /api/v1/orders 201 [0-9.]+ms staff=k1 terminal=till9 peer=\S+$")
        self.wait_log(r"auth: login k1 terminal=till9 peer=")
        anon = Client(s.port)
        self.assertEqual(anon.get("/api/v1/orders").status, 401)
        self.wait_log(r"access: GET /api/v1/orders 401 [0-9.]+ms staff=- ")
        for _ in range(3):
            r = anon.post("/api/v1/auth/login", {"staff": "w1", "pin": "918273"})
            self.assertEqual(r.status, 401)
        self.wait_log(r"warn auth: login failed w1 peer=\S+: unknown code or wrong PIN")
        self.wait_log(r"warn auth: lockout w1 peer=\S+: too many wrong PINs")
        r = anon.post("/api/v1/auth/login", {"staff": "w1", "pin": PINS["w1"]})
        self.assertEqual(r.status, 429)
        self.wait_log(r"warn auth: login refused w1 peer=\S+: the code is locked")
        a1 = s.client("a1")
        r = a1.post("/api/v1/staff", {"staff": "k9", "name": "Kim", "role": "CASHIER",
                                       "pin": "564738"}, key=str(uuid.uuid4()))
        self.assertEqual(r.status, 201, r)
        r = a1.patch("/api/v1/staff/k9", {"role": "WAITER", "pin": "837465"},
                     key=str(uuid.uuid4()))
        self.assertEqual(r.status, 200, r)
        self.wait_log(r"info staff: a1 created k9 \(CASHIER, active\)")
        self.wait_log(r"info staff: a1 changed k9: role=WAITER pin")
        text = self.log()
        for secret in ("918273", "564738", "837465", PINS["w1"], token, a1.token):
            self.assertNotIn(secret, text)
        for c in (k1, anon, a1):
            c.close()

    # -- metrics --------------------------------------------------------------

    def test_metrics_for_a_scraper(self):
        token = secrets.token_hex(32)
        s = self.server(config="metrics_token = %s\n" % token)
        k1 = s.client("k1")
        self.assertEqual(k1.create(walk_in()).status, 201)
        scraper = Client(s.port)
        scraper.token = token
        r = scraper.get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["content-type"].startswith("text/plain; version=0.0.4"))
        families = {f.name: f for f in text_string_to_metric_families(r.raw)}
        for name in ("brigade_orders", "brigade_stream_clients", "brigade_events_head",
                     "brigade_sessions", "brigade_commit_failures"):
            self.assertIn(name, families, sorted(families))
        paid = [x.value for x in families["brigade_orders"].samples
                if x.labels == {"store": "main", "status": "PAID"}]
        self.assertEqual(paid, [1.0])
        self.assertEqual(families["brigade_commit_failures"].type, "counter")
        # the token opens /metrics and nothing else; a wrong one nothing
        self.assertEqual(scraper.get("/api/v1/orders").status, 401)
        scraper.token = secrets.token_hex(32)
        self.assertEqual(scraper.get("/metrics").status, 401)
        # a manager's login still works, a cashier's does not
        self.assertEqual(k1.get("/metrics").status, 403)
        m1 = s.client("m1")
        self.assertEqual(m1.get("/metrics").status, 200)
        for c in (k1, scraper, m1):
            c.close()

    # -- backup and restore ---------------------------------------------------

    def test_backup_restore_then_the_kitchen_resyncs(self):
        s = self.server()
        k1 = s.client("k1")
        kept = [k1.create(walk_in()).json for _ in range(2)]
        kitchen = Probe(self.tmp, s.port)
        self.probes.append(kitchen)
        kitchen.expect("^state ONLINE")
        backup = os.path.join(self.tmp, "backup.db")
        r = run("--db", s.db, "--backup", backup)   # while serving
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("backed up", r.stdout)
        self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)
        lost = [k1.create(walk_in()).json for _ in range(2)]
        for o in lost:
            kitchen.wait_status(o["id"], "PAID")
        k1.close()
        # a restore needs the server stopped
        r = run("--db", s.db, "--restore", backup)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already served", r.stderr)
        port = s.port
        s.stop()
        r = run("--db", s.db, "--restore", backup)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("restored", r.stdout)
        s.start(port=port)
        # the kitchen resumes after a seq the restored log never reached:
        # it is told, and reloads instead of waiting
        kitchen.expect("^orders all 2$")
        for o in kept:
            kitchen.wait_status(o["id"], "PAID")
        for o in lost:
            self.assertIsNone(kitchen.status_of(o["id"]))
        # and new orders flow again
        k1 = s.client("k1")
        new = k1.create(walk_in()).json
        kitchen.wait_status(new["id"], "PAID")
        k1.close()
        with open(os.path.join(self.tmp, "probe.log")) as f:
            self.assertIn("resyncing", f.read())

    def test_restore_then_more_orders_than_the_kitchen_saw(self):
        """The log is restored and grows past the kitchen's last seq while
        the kitchen is away: its numbers are another log's, so it resyncs
        by the log's identity, not by comparing numbers."""
        s = self.server()
        k1, c1 = s.client("k1"), s.client("c1")
        kept = k1.create(walk_in()).json
        backup = os.path.join(self.tmp, "backup.db")
        self.assertEqual(run("--db", s.db, "--backup", backup).returncode, 0)
        lost = [k1.create(walk_in()).json for _ in range(2)]
        for o in lost:
            self.assertEqual(c1.act(o["id"], "start").status, 200)
        k1.close()
        c1.close()
        kitchen = Probe(self.tmp, s.port)
        self.probes.append(kitchen)
        kitchen.expect("^state ONLINE")
        for o in lost:
            kitchen.wait_status(o["id"], "PREPARING")
        port = s.port
        kitchen.proc.send_signal(signal.SIGSTOP)       # away meanwhile
        try:
            s.stop()
            r = run("--db", s.db, "--restore", backup)
            self.assertEqual(r.returncode, 0, r.stderr)
            s.start(port=port)
            k1 = s.client("k1")
            new = [k1.create(walk_in()).json for _ in range(6)]   # past its seq
            k1.close()
        finally:
            kitchen.proc.send_signal(signal.SIGCONT)
        # the restored log gave the lost orders' ids to new orders: the
        # kitchen shows the new ones (PAID), not what it saw (PREPARING)
        self.assertEqual([o["id"] for o in new[:2]], [o["id"] for o in lost])
        for o in new + [kept]:
            kitchen.wait_status(o["id"], "PAID")
        with open(os.path.join(self.tmp, "probe.log")) as f:
            self.assertIn("is another one (a restored database)", f.read())

    def test_restore_refuses_a_damaged_backup(self):
        db = os.path.join(self.tmp, "d.db")
        bad = os.path.join(self.tmp, "bad.db")
        with open(bad, "wb") as f:
            f.write(b"not a database at all" * 100)
        r = run("--db", db, "--restore", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("restore failed", r.stderr)

    # -- the first admin --------------------------------------------------

    @unittest.skipUnless(os.geteuid() == 0, "needs root (the administrator's case)")
    def test_add_staff_as_root_gives_the_database_to_the_service_user(self):
        import pwd
        nobody = pwd.getpwnam("nobody")
        state = os.path.join(self.tmp, "state")
        os.mkdir(state, 0o700)
        os.chown(self.tmp, nobody.pw_uid, nobody.pw_gid)
        os.chown(state, nobody.pw_uid, nobody.pw_gid)
        db = os.path.join(state, "brigade.db")
        r = run("--db", db, "--add-staff", "boss:ADMIN:The Boss", stdin="864213\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in os.listdir(state):
            st = os.stat(os.path.join(state, name))
            self.assertEqual((st.st_uid, st.st_mode & 0o777), (nobody.pw_uid, 0o600), name)
        # the service user serves it and the admin logs in
        portfile = os.path.join(self.tmp, "port")
        proc = subprocess.Popen(["setpriv", "--reuid=%d" % nobody.pw_uid,
                                 "--regid=%d" % nobody.pw_gid, "--clear-groups",
                                 SERVER, "--listen", "127.0.0.1:0", "--db", db,
                                 "--port-file", portfile],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 20
            port = ""
            while not port:
                self.assertIsNone(proc.poll())
                self.assertLess(time.time(), deadline)
                time.sleep(0.05)
                if os.path.exists(portfile):
                    with open(portfile) as f:
                        port = f.read().strip()
            c = Client(int(port))
            c.login("boss", "864213")
            r = c.post("/api/v1/staff", {"staff": "k1", "name": "Kay", "role": "CASHIER",
                                         "pin": "1111"}, key=str(uuid.uuid4()))
            self.assertEqual(r.status, 201, r)
            c.close()
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(timeout=20), 0)


if __name__ == "__main__":
    unittest.main()
