#!/usr/bin/env python3
"""kds_bench: how fast and how light brigade-kds is, on 127.0.0.1.

  BRIGADE_BIN=build/bin python3 tests/bench/kds_bench.py [--orders 300]
      [--open 500] [--keys 300] [--idle 30]

Starts a demo brigade-server with a fresh database and the real
brigade-kds in a private tmux server (200x50), with its opt-in trace
(BRIGADE_KDS_TRACE: apply/key/frame lines, wall-clock microseconds), then:

1. commit -> drawn: --orders orders are created one after another by a
   cashier (POST /api/v1/orders); for each, the time from the order's
   created_at (the server's clock when it took the order, just before its
   commit; same machine, same clock) to the end of the KDS frame that first
   shows its card (doupdate returned). Each order is cancelled by a manager
   once drawn, so the board stays small. p50 / p99 / max.
2. keypress -> frame with --open open orders on the board: --keys moves
   (j, k, h, l) sent through tmux, each measured inside the KDS from the
   read of the key to the end of the frame it caused.
3. memory with those orders on the board: VmRSS and VmHWM, and the
   proportional (PSS) and private (USS) memory from smaps_rollup.
4. idle CPU over --idle seconds with those orders on the board (timers
   ticking every second, nothing else happening).
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tui"))

from brigade_test import BIN, PINS, Server, walk_in  # noqa: E402
from tui_helpers import Tmux  # noqa: E402
import procmem  # noqa: E402


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def read_trace(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts:
                    out.append(parts)
    except OSError:
        pass
    return out


def start_kds(workdir, port, trace):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir,
           "XDG_STATE_HOME": os.path.join(workdir, "state"),
           "XDG_CONFIG_HOME": os.path.join(workdir, "config"),
           "BRIGADE_KDS_LOG": os.path.join(workdir, "kds.log"),
           "BRIGADE_KDS_TRACE": trace, "LANG": "C.UTF-8", "TERM": "tmux-256color"}
    t = Tmux(width=200, height=50)
    t.start([os.path.join(BIN, "brigade-kds"), "--server", "http://127.0.0.1:%d" % port,
             "--staff", "c1", "--pin", PINS["c1"], "--quiet"], env=env)
    t.wait_for("ONLINE", timeout=60)
    return t


def bench_commit_to_drawn(server, workdir, n):
    trace = os.path.join(workdir, "trace-drawn.txt")
    t = start_kds(workdir, server.port, trace)
    cashier = server.client("k1")
    manager = server.client("m1")
    lat = []
    try:
        for i in range(n):
            r = cashier.create(walk_in(items=[{"sku": "B1", "qty": 1}]))
            assert r.status == 201, r
            oid, created = r.json["id"], r.json["created_at"]
            deadline = time.time() + 10
            drawn = None
            while drawn is None and time.time() < deadline:
                for parts in read_trace(trace):
                    if parts[0] == "frame" and str(oid) in parts[2:]:
                        drawn = int(parts[1])
                        break
                else:
                    time.sleep(0.002)
            if drawn is None:
                raise AssertionError("order %d never drawn" % oid)
            lat.append((drawn - created * 1000) / 1000.0)
            assert manager.act(oid, "cancel", reason="bench").status == 200
            # a steady pace, not a flood: one order every 20 ms at most
            time.sleep(0.02)
    finally:
        cashier.close()
        manager.close()
        quit_kds(t)
    return lat


def quit_kds(t):
    t.send("C-c")
    t.send("y")
    try:
        t.wait_exit(timeout=30)
    finally:
        t.kill()


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])     # utime + stime, clock ticks


def proc_mem(pid):
    mem = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile")):
                k, v = line.split(":")
                mem[k] = int(v.split()[0])
    mem["smaps"] = procmem.smaps(pid)
    return mem


def bench_baseline(server, workdir):
    """Memory of a KDS with an empty board."""
    d = os.path.join(workdir, "empty")
    os.makedirs(d, exist_ok=True)
    t = start_kds(d, server.port, os.path.join(d, "trace.txt"))
    try:
        t.wait_for("NEW (0)")
        time.sleep(1)
        return proc_mem(t.pid())
    finally:
        quit_kds(t)


def bench_big_board(server, workdir, nopen, nkeys, idle_s):
    cashier = server.client("k1")
    skus = ["B1", "B2", "B3", "M1", "S1", "S2", "SA1", "DR1", "DR2", "D1"]
    for i in range(nopen):
        items = [{"sku": skus[i % len(skus)], "qty": 1 + i % 3},
                 {"sku": skus[(i + 3) % len(skus)], "qty": 1, "note": "note %d" % i}]
        r = cashier.create(walk_in(items=items, pay=[{"tender": "CASH", "amount": 100000}]))
        assert r.status == 201, r
    cashier.close()
    trace = os.path.join(workdir, "trace-keys.txt")
    t = start_kds(workdir, server.port, trace)
    try:
        t.wait_for("NEW (%d)" % nopen, timeout=60)
        pid = t.pid()
        time.sleep(1)
        keys = ["j", "j", "l", "k", "h", "j", "l", "j", "h", "k"]
        for i in range(nkeys):
            t.send(keys[i % len(keys)])
            time.sleep(0.03)
        time.sleep(1)
        events = read_trace(trace)
        lat = []
        pending = None
        for parts in events:
            if parts[0] == "key":
                pending = int(parts[1])
            elif parts[0] == "frame" and pending is not None:
                lat.append((int(parts[1]) - pending) / 1000.0)
                pending = None
        mem = proc_mem(pid)
        c0, w0 = proc_stat(pid), time.time()
        time.sleep(idle_s)
        c1, w1 = proc_stat(pid), time.time()
        hz = os.sysconf("SC_CLK_TCK")
        cpu = (c1 - c0) / hz / (w1 - w0) * 100.0
        mem_after = proc_mem(pid)
    finally:
        quit_kds(t)
    return lat, mem, mem_after, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=300)
    ap.add_argument("--open", type=int, default=500)
    ap.add_argument("--keys", type=int, default=300)
    ap.add_argument("--idle", type=int, default=30)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="brigade-kds-bench-")
    server = Server(work).start()
    try:
        base = bench_baseline(server, work)
        print("memory with no orders: VmRSS %.1f MB (RssAnon %.1f MB, RssFile %.1f MB)"
              % (base["VmRSS"] / 1024.0, base["RssAnon"] / 1024.0, base["RssFile"] / 1024.0))
        lat = bench_commit_to_drawn(server, work, a.orders)
        print("commit -> drawn, %d orders: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
              % (len(lat), pct(lat, 50), pct(lat, 99), max(lat)))
        keys, mem, mem_after, cpu = bench_big_board(server, work, a.open, a.keys, a.idle)
        print("keypress -> frame, %d open orders, %d keys: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
              % (a.open, len(keys), pct(keys, 50), pct(keys, 99), max(keys)))
        print("memory with %d open orders: VmRSS %.1f MB (RssAnon %.1f MB private, RssFile %.1f MB "
              "shared libraries)  VmHWM %.1f MB  (after %d s idle: VmRSS %.1f MB)"
              % (a.open, mem["VmRSS"] / 1024.0, mem["RssAnon"] / 1024.0, mem["RssFile"] / 1024.0,
                 mem["VmHWM"] / 1024.0, a.idle, mem_after["VmRSS"] / 1024.0))
        print("memory with no orders: %s" % procmem.describe(base["smaps"]))
        print("memory with %d open orders: %s (targets: USS <= 8 MB, PSS <= 12 MB)"
              % (a.open, procmem.describe(mem["smaps"])))
        print("idle CPU over %d s with %d open orders: %.3f %%" % (a.idle, a.open, cpu))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
