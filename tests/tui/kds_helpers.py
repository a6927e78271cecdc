"""kds_helpers: run the real brigade-kds in tmux against a real
brigade-server (tests/integration/brigade_test.py) on 127.0.0.1.

KdsTest starts a demo server per test; start_kds() runs the KDS in its own
tmux server with its own state directory; Proxy (tests/integration/
netproxy.py) stands between the KDS and the server so a test can cut the
network while the server stays up for other terminals (a cable pulled, not
a server down).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from brigade_test import BIN, PINS, Server, walk_in  # noqa: E402,F401
from tui_helpers import Tmux  # noqa: E402
from netproxy import NetProxy, Proxy  # noqa: E402,F401

KDS = os.path.join(BIN, "brigade-kds")
VPRINTER = os.path.join(BIN, "brigade-vprinter")


class KdsTest(unittest.TestCase):
    """A demo server per test, and helpers to run the KDS against it."""

    width, height = 100, 30

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-kds-")
        self.server = Server(self.tmp).start()
        self.http = self.server.client("k1")
        self.chef = self.server.client("c1")
        self.kdses = []
        self.others = []

    def tearDown(self):
        failures = []
        for t in self.kdses:
            if t.started and not t.dead():
                # a clean quit, so a sanitizer's report shows in the status
                t.send("C-c")
                try:
                    t.wait_for("Quit the kitchen display?", timeout=10)
                    t.send("y")
                    rc = t.wait_exit(timeout=30)
                except AssertionError as e:
                    failures.append(str(e))
                    rc = None
                if rc not in (0, None):
                    failures.append("brigade-kds exited with %s:\n%s\n%s"
                                    % (rc, t.capture(), t.tail_log()))
            elif t.started and t.exit_status() not in (getattr(t, "expected_exit", 0), None):
                failures.append("brigade-kds exited with %s:\n%s" % (t.exit_status(), t.capture()))
            t.kill()
        for c in (self.http, self.chef):
            c.close()
        for p in self.others:
            p.close() if hasattr(p, "close") else None
        rc = self.server.stop()
        if rc not in (0, None):
            failures.append("brigade-server exited with %s" % rc)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if failures:
            raise AssertionError("\n".join(failures))

    def kds_env(self, home=None, **extra):
        home = home or os.path.join(self.tmp, "kds")
        os.makedirs(home, exist_ok=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "XDG_STATE_HOME": os.path.join(home, "state"),
               "XDG_CONFIG_HOME": os.path.join(home, "config"),
               "BRIGADE_KDS_LOG": os.path.join(home, "kds.log"),
               "BRIGADE_TIMEOUT_MS": "4000", "BRIGADE_CONNECT_TIMEOUT_MS": "1500",
               "BRIGADE_TERMINAL": "kds-test", "LANG": "C.UTF-8", "TZ": "UTC"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start_kds(self, *args, staff="c1", port=None, width=None, height=None, env=None,
                  home=None, wait=True):
        """brigade-kds in tmux, signed in as staff (None: the login
        screen); returns the Tmux. wait: until the board is ONLINE."""
        env = env or self.kds_env(home=home)
        argv = [KDS, "--server", "http://127.0.0.1:%d" % (port or self.server.port)]
        if staff:
            argv += ["--staff", staff, "--pin", PINS[staff]]
        argv += list(args)
        t = Tmux(width=width or self.width, height=height or self.height)
        t.log_path = env["BRIGADE_KDS_LOG"]
        t.start(argv, env=env)
        self.kdses.append(t)
        if wait and staff:
            t.wait_for("ONLINE")
        return t

    def order(self, **kw):
        r = self.http.create(walk_in(**kw))
        self.assertEqual(r.status, 201, r)
        return r.json

    def get(self, oid):
        r = self.chef.get("/api/v1/orders/%d" % oid)
        self.assertEqual(r.status, 200, r)
        return r.json

    def wait_status(self, oid, status, timeout=30):
        deadline = time.time() + timeout
        while True:
            o = self.get(oid)
            if o["status"] == status:
                return o
            if time.time() > deadline:
                raise AssertionError("order %d is %s, not %s" % (oid, o["status"], status))
            time.sleep(0.05)

    def wait_order(self, oid, predicate, what, timeout=30):
        """Poll the server's order until predicate(order) holds: the KDS
        shows a change at once, the server has it a moment later."""
        deadline = time.time() + timeout
        while True:
            o = self.get(oid)
            if predicate(o):
                return o
            if time.time() > deadline:
                raise AssertionError("order %d: %s not met: %r" % (oid, what, o))
            time.sleep(0.05)

    def actions(self, oid):
        return [h["action"] for h in self.get(oid)["history"]]

    def vprinter(self, port=0):
        """brigade-vprinter on 127.0.0.1; returns (proc, port, text path)."""
        d = tempfile.mkdtemp(dir=self.tmp, prefix="vp-")
        pf = os.path.join(d, "port")
        text = os.path.join(d, "paper.txt")
        proc = subprocess.Popen([VPRINTER, "--listen", "127.0.0.1:%d" % port,
                                 "--raw", os.path.join(d, "raw.bin"), "--text", text,
                                 "--port-file", pf],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with open(pf) as f:
                    got = int(f.read().strip())
                return proc, got, text
            except (OSError, ValueError):
                time.sleep(0.02)
        proc.kill()
        raise AssertionError("brigade-vprinter did not start")


def wait_file(path, text, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            with open(path, errors="replace") as f:
                data = f.read()
            if text in data:
                return data
        except OSError:
            data = ""
        if time.time() > deadline:
            raise AssertionError("%r not in %s after %d s:\n%s" % (text, path, timeout, data[-3000:]))
        time.sleep(0.05)
