"""The stream client (through brigadectl tail) against a real brigade-server:
every event arrives once and in order, across server restarts (clean and
kill -9) and client reconnects; compared with GET /api/v1/events."""
import json
import queue
import shutil
import signal
import tempfile
import threading
import time
import unittest

from client_helpers import Ctl, Server, all_events, tagged_order


class Tail:
    """brigadectl tail in the background, its lines collected by a thread."""

    def __init__(self, ctl, *args):
        self.proc = ctl.popen("tail", *args)
        self.events = []
        self.lines = queue.Queue()
        self.err = []
        self.readers = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._read_err, daemon=True)]
        for t in self.readers:
            t.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def _read_err(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def wait_seq(self, seq, timeout=60):
        """Collect events until one with seq >= seq came."""
        deadline = time.time() + timeout
        while not self.events or self.events[-1]["seq"] < seq:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("tail did not reach seq %d; got %r; stderr %s" % (
                    seq, [e["seq"] for e in self.events][-5:], "".join(self.err)))
            try:
                self.events.append(self.lines.get(timeout=left))
            except queue.Empty:
                pass
        return self.events

    def wait_stderr(self, text, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in line for line in self.err):
                return
            time.sleep(0.05)
        raise AssertionError("no %r in stderr: %s" % (text, "".join(self.err)))

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        for t in self.readers:
            t.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode


class StreamTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-stream-")
        self.server = Server(self.tmp).start()
        self.port = self.server.port
        self.ctl = Ctl(self.tmp, self.port, staff="m1")

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def make_orders(self, n, tag="o"):
        c = self.server.client("k1")
        try:
            for i in range(n):
                r = c.create(tagged_order("%s-%d" % (tag, i)))
                self.assertEqual(r.status, 201, r)
            head = c.get("/api/v1/events?after=0&limit=1").json["head"]
        finally:
            c.close()
        return head

    def server_seqs(self):
        c = self.server.client("m1")
        try:
            return [e["seq"] for e in all_events(c)]
        finally:
            c.close()

    def assert_same_as_server(self, events):
        seqs = [e["seq"] for e in events]
        self.assertEqual(seqs, sorted(set(seqs)), "a duplicate or out of order")
        self.assertEqual(seqs, self.server_seqs())

    def test_tail_prints_what_the_log_holds(self):
        self.make_orders(5)
        r = self.ctl.run("tail", "--after", "0", "--count", "5", timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = [json.loads(line) for line in r.stdout.splitlines()]
        self.assert_same_as_server(events)
        self.assertEqual(events[0]["type"], "order.created")
        self.assertEqual(events[0]["order"]["items"][0]["note"], "o-0")

    def test_no_gap_no_duplicate_across_server_restarts(self):
        head = self.make_orders(3, "a")
        tail = Tail(self.ctl, "--after", "0")
        tail.wait_seq(head)
        for how in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
            self.server.stop(how)
            time.sleep(0.1)
            self.server.start(port=self.port)
            head = self.make_orders(4, "r%d" % how)
            tail.wait_seq(head)
        tail.wait_stderr("reconnecting")
        self.assertEqual(tail.stop(), 0)
        self.assert_same_as_server(tail.events)

    def test_client_reconnect_resumes_after_its_last_seq(self):
        head = self.make_orders(4, "b")
        first = Tail(self.ctl, "--after", "0")
        got = first.wait_seq(head)
        first.stop(signal.SIGKILL)
        head = self.make_orders(3, "c")
        second = Tail(self.ctl, "--after", str(got[-1]["seq"]))
        more = second.wait_seq(head)
        second.stop()
        self.assert_same_as_server(got + more)

    def test_live_only_without_after(self):
        self.make_orders(2, "old")
        tail = Tail(self.ctl)
        tail.wait_stderr("online")
        head = self.make_orders(2, "new")
        events = tail.wait_seq(head)
        tail.stop()
        self.assertEqual([e["seq"] for e in events], [head - 1, head])

    def test_resync_when_the_server_is_behind(self):
        head = self.make_orders(2)
        tail = Tail(self.ctl, "--after", "500")
        tail.wait_stderr("before what was asked")
        head = self.make_orders(1, "after")
        events = tail.wait_seq(head)
        tail.stop()
        self.assertEqual([e["seq"] for e in events], [head])

    def test_wrong_pin_ends_tail(self):
        r = self.ctl.run("tail", env=self.ctl.env(BRIGADE_PIN="0000"), timeout=60)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("cannot log in", r.stderr)


if __name__ == "__main__":
    unittest.main()
