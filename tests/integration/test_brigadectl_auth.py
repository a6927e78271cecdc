"""brigadectl_auth: the real server behind a proxy that removes the
Authorization header, so that every request after a good login is refused
with 401. brigadectl logs in again at most once, then stops with exit
status 5 and a sentence that says what happened: no login loop, no new
server session per try."""
import json
import os
import subprocess
import sys
import tempfile
import shutil
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from brigade_test import BIN, PINS, Server, walk_in  # noqa: E402
from netproxy import NetProxy  # noqa: E402

CTL = os.path.join(BIN, "brigadectl")
LOGIN = "POST /api/v1/auth/login"


class StrippedAuth(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-auth-")
        self.server = Server(self.tmp).start()
        self.proxy = NetProxy(self.server.port)
        self.proxy.strip_header("authorization")

    def tearDown(self):
        self.proxy.close()
        rc = self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertIn(rc, (0, None))

    def run_ctl(self, *args, stdin=None, timeout=30):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp,
               "XDG_STATE_HOME": self.tmp, "XDG_CONFIG_HOME": self.tmp,
               "BRIGADE_STAFF": "m1", "BRIGADE_PIN": PINS["m1"]}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        argv = [CTL, "--server", "http://127.0.0.1:%d" % self.proxy.port,
                "--outbox", os.path.join(self.tmp, "outbox.db")] + list(args)
        del self.proxy.requests[:]
        t0 = time.time()
        r = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True,
                           timeout=timeout)
        r.seconds = time.time() - t0
        r.logins = self.proxy.requests.count(LOGIN)
        return r

    def assertStops(self, r, max_logins, max_requests):
        self.assertLessEqual(r.logins, max_logins, self.proxy.requests[:20])
        self.assertLessEqual(len(self.proxy.requests), max_requests, self.proxy.requests[:20])
        self.assertIn("right after a successful login", r.stderr)
        self.assertIn("Authorization", r.stderr)

    def test_read(self):
        r = self.run_ctl("orders")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertStops(r, 1, 2)

    def test_submit_then_replay(self):
        r = self.run_ctl("submit", "-", stdin=json.dumps(walk_in()))
        # queued is not an error for submit; the reason is said
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("queued:"), r.stdout)
        self.assertIn("not authorized", r.stderr)
        self.assertStops(r, 2, 6)
        r = self.run_ctl("replay")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("not authorized", r.stderr)
        self.assertStops(r, 2, 6)
        # nothing was lost: it goes once the token gets through
        self.proxy.strip = None
        r = self.run_ctl("replay")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_tail(self):
        r = self.run_ctl("tail")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertStops(r, 2, 6)


if __name__ == "__main__":
    unittest.main()
