"""outage_helpers: every client cut off from the server at once, through
one NetProxy (tests/integration/netproxy.py), while orders keep coming in
at the server directly: the kitchen screen, a waiter's till on its
dispatch screen, `brigadectl tail` and `brigadectl submit` / `replay`.

OutageTest.outage(cut, seconds) runs the whole story and returns how long
after the link came back each client had caught up; the checks are that
each comes back by itself and shows every order exactly once, and that
tail printed every event once, in order, with no gap.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kds_helpers import BIN, PINS, KdsTest, NetProxy, walk_in  # noqa: E402
from pos_helpers import Pos  # noqa: E402

CTL = os.path.join(BIN, "brigadectl")
# after the link returns: a reconnect is due within a few seconds (backoff
# capped at 3 s, an attempt given up after 5 s); sanitizers and a busy
# machine get some room on top
CATCH_UP = float(os.environ.get("BRIGADE_OUTAGE_CATCH_UP", "20"))


class _Rig:
    """What pos_helpers.Pos needs of a rig: a directory and a server port
    (the proxy's)."""

    class _Server:
        def __init__(self, port):
            self.port = port

    def __init__(self, workdir, port):
        self.dir = workdir
        self.server = self._Server(port)


def seqs_of(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line)["seq"])
    return out


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


class OutageTest(KdsTest):
    width, height = 120, 40

    def setUp(self):
        super().setUp()
        self.proxy = NetProxy(self.server.port)
        self.others.append(self.proxy)
        self.web = self.server.client("web")
        self.poses = []
        self.tails = []

    def tearDown(self):
        failures = []
        for p in self.poses:
            status, screen = p.stop()
            if status not in (0, None):
                failures.append("brigade-pos exited %s:\n%s\n%s" % (status, screen,
                                                                     p.tail_log(20000)))
        for proc, err in self.tails:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.returncode not in (0, -15):
                failures.append("brigadectl tail exited %s:\n%s" % (proc.returncode,
                                                                    read(err)[-5000:]))
        self.web.close()
        try:
            super().tearDown()
        except AssertionError as e:
            failures.append(str(e))
        if failures:
            raise AssertionError("\n".join(failures))

    # --- the clients -----------------------------------------------------

    def ctl_env(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp,
               "XDG_STATE_HOME": os.path.join(self.tmp, "ctl-state"),
               "XDG_CONFIG_HOME": os.path.join(self.tmp, "ctl-config"),
               "BRIGADE_TIMEOUT_MS": "3000", "BRIGADE_CONNECT_TIMEOUT_MS": "1000",
               "BRIGADE_STAFF": "m1", "BRIGADE_PIN": PINS["m1"], "LANG": "C.UTF-8"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        return env

    def ctl(self, *args, timeout=60, stdin=None):
        argv = [CTL, "--server", "http://127.0.0.1:%d" % self.proxy.port,
                "--outbox", os.path.join(self.tmp, "ctl-outbox.db")] + list(args)
        return subprocess.run(argv, env=self.ctl_env(), input=stdin, capture_output=True,
                              text=True, timeout=timeout)

    def start_tail(self, after):
        out = os.path.join(self.tmp, "tail-%d.out" % len(self.tails))
        err = out[:-4] + ".err"
        argv = [CTL, "--server", "http://127.0.0.1:%d" % self.proxy.port, "tail",
                "--after", str(after)]
        with open(out, "w") as o, open(err, "w") as e:
            proc = subprocess.Popen(argv, env=self.ctl_env(), stdout=o, stderr=e)
        self.tails.append((proc, err))
        return out, err

    def start_pos(self):
        pos = Pos(_Rig(self.tmp, self.proxy.port), "tillO")
        self.poses.append(pos)
        pos.launch(staff="w1", printer=False, drawer=False, args=["--screen", "dispatch"])
        pos.wait_for("| Dispatch")
        return pos

    def head(self):
        r = self.chef.get("/api/v1/orders?limit=1")
        self.assertEqual(r.status, 200, r)
        return r.json["head"]

    def online_order(self, name):
        r = self.web.create({"source": "ONLINE", "service": "PICKUP",
                             "customer": {"name": name, "phone": "", "address": ""},
                             "items": [{"sku": "DR1", "qty": 1}]})
        self.assertEqual(r.status, 201, r)
        return r.json

    # --- checks -----------------------------------------------------------

    def wait(self, predicate, what, timeout):
        deadline = time.time() + timeout
        while not predicate():
            if time.time() > deadline:
                raise AssertionError("not within %.0f s: %s" % (timeout, what))
            time.sleep(0.1)
        return time.time()

    def shows_once(self, screen, numbers):
        return all(len(re.findall(r"#%d\b" % n, screen)) == 1 for n in numbers)

    # --- the story ------------------------------------------------------------

    def outage(self, cut, seconds, during=3):
        """Everything up and live; the link cut (blackhole or reset) for
        `seconds` while orders come in at the server; then restored. With
        cut "sigstop" the server is stopped instead, and the orders come
        as soon as it continues.
        Returns {client: seconds after the restore it had caught up}."""
        kds = self.start_kds(port=self.proxy.port)
        pos = self.start_pos()
        first = self.order(items=[{"sku": "B1", "qty": 1}])
        web0 = self.online_order("Before")
        head0 = self.head()
        tail_out, tail_err = self.start_tail(0)
        kds.wait_for("NEW (1)")
        pos.wait_for("#%d" % web0["number"])
        self.wait(lambda: len(seqs_of(tail_out)) == head0, "tail printed the first events", 30)

        stopped = cut == "sigstop"
        if stopped:
            # the server itself stops answering (its connections stay up)
            self.server.proc.send_signal(signal.SIGSTOP)
        elif cut == "delay":
            self.proxy.delay(0.3)     # a slow link, not a broken one
        else:
            getattr(self.proxy, cut)()
        t_cut = time.time()
        if not stopped:
            new = [self.order(items=[{"sku": "B2", "qty": 1}]) for _ in range(during)]
            web = [self.online_order("During%d" % i) for i in range(during)]
        # a change made at the console while cut: queued, in bounded time
        t0 = time.time()
        r = self.ctl("submit", "-", stdin=json.dumps(walk_in(items=[{"sku": "S1", "qty": 3}])))
        submit_s = time.time() - t0
        if cut == "delay":
            # slow but working: the change goes at once, and nobody is offline
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertNotIn("queued", r.stdout, r.stdout + r.stderr)
            self.assertNotIn("OFFLINE", kds.capture() + pos.capture())
            console = [json.loads(r.stdout)["number"]]
        else:
            self.assertIn("queued", r.stdout, r.stdout + r.stderr)
            console = []
        self.assertLess(submit_s, 30, "brigadectl submit waited for ever")
        if seconds > 15 and cut != "delay":
            # long enough for every client to see that the link is dead
            kds.wait_for("OFFLINE since", timeout=seconds)
            pos.wait_for("OFFLINE since", timeout=seconds)
        left = t_cut + seconds - time.time()
        if left > 0:
            time.sleep(left)

        t_back = time.time()
        if stopped:
            self.server.proc.send_signal(signal.SIGCONT)
            new = [self.order(items=[{"sku": "B2", "qty": 1}]) for _ in range(during)]
            web = [self.online_order("During%d" % i) for i in range(during)]
        else:
            self.proxy.passthrough()
        numbers = [first["number"]] + [o["number"] for o in new] + console
        webnums = [web0["number"]] + [o["number"] for o in web]
        took = {}
        took["kds"] = self.wait(
            lambda: "NEW (%d)" % len(numbers) in (s := kds.capture()) and "ONLINE" in s
            and "OFFLINE" not in s and self.shows_once(s, numbers),
            "the kitchen screen shows every order once:\n" + kds.capture(),
            CATCH_UP) - t_back
        took["pos"] = self.wait(
            lambda: "OFFLINE" not in (s := pos.capture()) and self.shows_once(s, webnums),
            "the till shows every online order once:\n" + pos.capture(), CATCH_UP) - t_back
        # brigadectl tail: every event once, in order, no gap
        head1 = self.head()
        took["tail"] = self.wait(lambda: len(seqs_of(tail_out)) >= head1,
                                 "tail caught up to %d" % head1, CATCH_UP) - t_back
        self.assertEqual(seqs_of(tail_out), list(range(1, head1 + 1)), read(tail_err))
        # the queued change goes in once, whoever delivers it
        before = len(self.chef.get("/api/v1/orders?day=today&limit=2000").json["orders"])
        r = self.ctl("replay", "--timeout", "30")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        orders = self.chef.get("/api/v1/orders?day=today&limit=2000").json["orders"]
        s1 = [o for o in orders if [i["sku"] for i in o["items"]] == ["S1"]]
        self.assertEqual(len(s1), 1, "the console's order exactly once")
        self.assertLessEqual(len(orders), before + 1)
        r = self.ctl("outbox")
        self.assertEqual(json.loads(r.stdout)["pending"], 0, r.stdout)
        # and nothing twice on the screens after all that (a duplicate stays;
        # a capture that falls mid-redraw is only read again)
        self.wait(lambda: self.shows_once(kds.capture(), numbers),
                  "the kitchen screen still shows every order once:\n" + kds.capture(), 5)
        self.wait(lambda: self.shows_once(pos.capture(), webnums),
                  "the till still shows every online order once:\n" + pos.capture(), 5)
        took["submit_while_cut"] = submit_s
        sys.stderr.write("\n%s %d s: caught up after %s\n" % (
            cut, seconds, ", ".join("%s %.1f s" % kv for kv in sorted(took.items()))))
        return took
