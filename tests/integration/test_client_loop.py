"""The loop stays responsive while the server hangs: with brigade-server
stopped by SIGSTOP (connections open but never answered), the timer keeps
firing and stdin is still handled while a request waits in the worker."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from client_helpers import BIN, Ctl, Server

PROBE = os.path.join(BIN, "client_probe")


class Probe:
    def __init__(self, env):
        self.proc = subprocess.Popen([PROBE], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        assert self.expect("ready")

    def say(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix):
        """The next line starting with prefix (others are kept aside)."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("probe ended: %s" % self.proc.stderr.read())
            if line.startswith(prefix):
                return line.split()

    def status(self):
        self.say("status")
        s = self.expect("status")
        return {"ticks": int(s[1]), "late": int(s[2]), "inflight": int(s[3]), "stream": s[4]}

    def close(self):
        try:
            self.say("quit")
        except BrokenPipeError:
            pass
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc.stdin.close()


class LoopTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-loop-")
        self.server = Server(self.tmp).start()
        self.ctl = Ctl(self.tmp, self.server.port, staff="c1", timeout_ms=8000)

    def tearDown(self):
        if self.server.proc is not None:
            self.server.proc.send_signal(signal.SIGCONT)
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_responsive_while_the_server_hangs(self):
        probe = Probe(self.ctl.env())
        self.addCleanup(probe.close)
        probe.say("request")
        self.assertEqual(probe.expect("reply")[2], "ok")
        deadline = time.time() + 20
        while probe.status()["stream"] != "online" and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(probe.status()["stream"], "online")

        self.server.proc.send_signal(signal.SIGSTOP)
        probe.say("request")
        probe.expect("sent")
        before = probe.status()
        self.assertEqual(before["inflight"], 1)
        # while the request hangs: input is answered and the timer goes on
        for _ in range(5):
            time.sleep(0.2)
            probe.say("ping")
            probe.expect("pong")
        after = probe.status()
        self.assertEqual(after["inflight"], 1, "the request cannot have finished")
        self.assertGreater(after["ticks"], before["ticks"])
        print("\ntimer: %d ticks of 50 ms while the server hung; latest tick %d ms late at worst"
              % (after["ticks"] - before["ticks"], after["late"]))

        self.server.proc.send_signal(signal.SIGCONT)
        reply = probe.expect("reply")
        self.assertEqual(reply[1], "2")
        self.assertIn(reply[2], ("ok", "network"))

    def test_requests_fail_cleanly_when_the_server_is_gone(self):
        probe = Probe(self.ctl.env())
        self.addCleanup(probe.close)
        self.server.stop()
        probe.say("request")
        reply = probe.expect("reply")
        self.assertEqual(reply[2], "network")
        probe.say("ping")
        probe.expect("pong")


if __name__ == "__main__":
    unittest.main()
