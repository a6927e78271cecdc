#!/usr/bin/env python3
"""A storm of short outages: the link between `brigadectl tail` and the
server is reset, blackholed or cut a hundred times for a moment each, with
an order created at the server in every round. The stream client lives
through every attempt that dies half way (lws 4.1 frees some of them
without a word, and the attempt's deadline once used such a freed
connection: a crash one storm in a few), and at the end the tail has
printed every event exactly once, in order."""
import json
import os
import random
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from client_helpers import CTL, Ctl, ServerTest, walk_in  # noqa: E402
from netproxy import NetProxy  # noqa: E402

ROUNDS = int(os.environ.get("BRIGADE_STORM_ROUNDS", "100"))


class Storm(ServerTest):
    def test_tail_lives_through_a_storm(self):
        proxy = NetProxy(self.server.port)
        self.addCleanup(proxy.close)
        ctl = Ctl(self.tmp, proxy.port, staff="c1", timeout_ms=3000)
        out = open(os.path.join(self.tmp, "storm.out"), "w+")
        err = open(os.path.join(self.tmp, "storm.err"), "w+")
        tail = subprocess.Popen([CTL, "tail", "--after", "0"], env=ctl.env(),
                                stdout=out, stderr=err)
        self.addCleanup(lambda: tail.poll() is None and tail.kill())
        k = self.client("k1")
        rng = random.Random(int(os.environ.get("BRIGADE_STORM_SEED", "11")))
        for i in range(ROUNDS):
            getattr(proxy, rng.choice(["reset", "reset", "blackhole", "cut"]))()
            time.sleep(rng.uniform(0.05, 1.0))
            self.assertEqual(k.create(walk_in()).status, 201)
            proxy.passthrough()
            time.sleep(rng.uniform(0.05, 0.5))
            self.assertIsNone(tail.poll(), "tail exited %s in round %d:\n%s"
                              % (tail.returncode, i, open(err.name).read()[-2000:]))
        head = k.get("/healthz").json["head"]
        deadline = time.time() + 60
        seqs = []
        while time.time() < deadline:
            with open(out.name) as f:
                seqs = [json.loads(line)["seq"] for line in f if line.strip()]
            if len(seqs) >= head:
                break
            time.sleep(0.2)
        self.assertIsNone(tail.poll())
        self.assertEqual(seqs, list(range(1, head + 1)))
        tail.terminate()
        self.assertEqual(tail.wait(10), 0, open(err.name).read()[-2000:])


if __name__ == "__main__":
    unittest.main()
