#!/usr/bin/env python3
"""outbox_bench: offline submit rate into the durable outbox, and replay of
N queued orders after the server returns, with the count checked exactly.

  BRIGADE_BIN=build/bin python3 tests/bench/outbox_bench.py [--orders 10000] [--runs 3]

Prints one line per run and the medians. Baseline: the same orders sent
one by one by a plain HTTP client (Python http.client, one keep-alive
connection) with the server up, measured in the same run.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../integration"))
from client_helpers import Ctl, Server, all_orders, note_counts, tagged_order  # noqa: E402


def one_run(n):
    tmp = tempfile.mkdtemp(prefix="brigade-bench-")
    try:
        server = Server(tmp).start()
        port = server.port
        ctl = Ctl(tmp, port)
        server.stop()
        data = "".join(json.dumps(tagged_order("b-%05d" % i)) + "\n" for i in range(n))
        t0 = time.monotonic()
        r = ctl.run("submit", "--lines", "-", input=data, timeout=600)
        submit_s = time.monotonic() - t0
        assert r.returncode == 0 and r.stdout.startswith("queued:"), r.stderr
        server.start(port=port)
        t0 = time.monotonic()
        r = ctl.run("replay", timeout=600)
        replay_s = time.monotonic() - t0
        assert r.returncode == 0, r.stderr
        c = server.client("m1")
        counts = note_counts(all_orders(c))
        assert len(counts) == n and set(counts.values()) == {1}, "count mismatch"
        # baseline: the same orders, one request each, no outbox
        c2 = server.client("k1")
        t0 = time.monotonic()
        for i in range(n):
            rr = c2.create(tagged_order("base-%05d" % i), key=str(uuid.uuid4()))
            assert rr.status == 201, rr
        base_s = time.monotonic() - t0
        c.close()
        c2.close()
        server.stop()
        return submit_s, replay_s, base_s
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    rows = []
    for i in range(a.runs):
        s, r, b = one_run(a.orders)
        rows.append((s, r, b))
        print("run %d: submit offline %.2f s (%.0f orders/s durable); replay %.2f s "
              "(%.0f orders/s); baseline sequential HTTP %.2f s (%.0f orders/s)"
              % (i + 1, s, a.orders / s, r, a.orders / r, b, a.orders / b), flush=True)
    ms, mr, mb = (statistics.median(x) for x in zip(*rows))
    print("median of %d runs, %d orders: submit %.0f orders/s; replay %.2f s end to end "
          "(%.0f orders/s, count exact); baseline %.0f orders/s"
          % (a.runs, a.orders, a.orders / ms, mr, a.orders / mr, a.orders / mb))


if __name__ == "__main__":
    main()
