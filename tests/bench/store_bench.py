#!/usr/bin/env python3
"""store_bench: create-order throughput, p99 and CPU per order on SQLite,
then on PostgreSQL with one, two and three brigade-server instances, in
one run on this machine.

    python3 tests/bench/store_bench.py [RUNS] [SECONDS]   (after ./brigade build)

Load: wrk with tests/bench/create_order.lua (a fresh Idempotency-Key per
request), 32 connections in all, spread over the instances (one wrk per
instance, run together). Both stores write durably: SQLite in WAL with
synchronous=NORMAL (the server's default), PostgreSQL with fsync and
synchronous_commit on (not the tests' fsync=off cluster).

CPU per order: the user+system time of every server process and every
PostgreSQL process during the load, divided by the orders created. With
three instances on two cores the throughput cannot show scale-out; the CPU
per order is what says what an instance costs. Prints a markdown table of
medians for docs/benchmarks.md."""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from brigade_test import PINS, PgCluster, Server  # noqa: E402

LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "create_order.lua")
TICK = os.sysconf("SC_CLK_TCK")


class DurableCluster(PgCluster):
    """The tests' private cluster, but writing to disk as a restaurant's would
    (fsync = False: the figures without the disk)."""

    fsync = True

    def start(self):
        on = "on" if self.fsync else "off"
        opts = ("-k %s -c listen_addresses='' -c fsync=%s -c synchronous_commit=%s"
                " -c max_connections=100 -c shared_buffers=64MB" % (self.dir, on, on))
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", opts, "start")

    def pids(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            master = int(f.readline())
        return [master] + children(master)


def children(ppid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == ppid:
            out.append(int(d))
    return out


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / TICK


def login(server):
    c = server.client()
    r = c.post("/api/v1/auth/login", {"staff": "k1", "pin": PINS["k1"], "terminal": "bench"})
    c.close()
    return r.json["token"]


def load(servers, pids, seconds):
    """wrk on every instance at once: orders/s, the worst instance's p99 and
    p50, and CPU ms per order."""
    conns = max(1, 32 // len(servers))
    before = cpu_seconds(pids())
    procs = []
    for s in servers:
        env = dict(os.environ, BRIGADE_TOKEN=login(s))
        procs.append(subprocess.Popen(
            ["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "-s", LUA,
             "http://127.0.0.1:%d" % s.port], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT))
    created, p99, p50 = 0, 0.0, 0.0
    for p in procs:
        out = p.communicate()[0].decode()
        m = re.search(r"CREATED (\d+) OTHER (\d+)", out)
        if m is None or int(m.group(2)) != 0:
            raise RuntimeError("wrk: %s" % out)
        created += int(m.group(1))
        # the script's own percentiles, in microseconds
        p99 = max(p99, int(re.search(r"P99_US (\d+)", out).group(1)) / 1000.0)
        p50 = max(p50, int(re.search(r"P50_US (\d+)", out).group(1)) / 1000.0)
    cpu = cpu_seconds(pids()) - before
    return created / seconds, p99, p50, 1000.0 * cpu / created


def run_sqlite(seconds):
    work = tempfile.mkdtemp(prefix="brigade-bench-")
    s = Server(work).start()
    try:
        return load([s], lambda: [s.proc.pid], seconds)
    finally:
        s.stop()
        shutil.rmtree(work, ignore_errors=True)


def run_pg(cluster, n, seconds, tag):
    url = cluster.database("bench_%s" % tag)
    works = [tempfile.mkdtemp(prefix="brigade-bench-") for _ in range(n)]
    servers = []
    try:
        for i, w in enumerate(works):
            servers.append(Server(w, demo=(i == 0), db=url).start())
        return load(servers, lambda: [s.proc.pid for s in servers] + cluster.pids(), seconds)
    finally:
        for s in servers:
            s.stop()
        for w in works:
            shutil.rmtree(w, ignore_errors=True)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    cluster = DurableCluster()
    results = {}
    try:
        for r in range(runs):
            # interleaved, so that a noisy neighbour hurts every setup alike
            results.setdefault("SQLite", []).append(run_sqlite(seconds))
            for n in (1, 2, 3):
                results.setdefault("PostgreSQL, %d instance%s" % (n, "s" if n > 1 else ""),
                                   []).append(run_pg(cluster, n, seconds, "%d_%d" % (n, r)))
    finally:
        cluster.destroy()
    base = statistics.median(x[0] for x in results["SQLite"])
    print("| store | orders/s | ratio to SQLite | p50 ms | p99 ms | CPU ms per order |")
    print("|---|---|---|---|---|---|")
    for name, xs in results.items():
        med = [statistics.median(x[i] for x in xs) for i in range(4)]
        print("| %s | %.0f | %.2f | %.1f | %.1f | %.2f |" % (name, med[0], med[0] / base, med[2],
                                                           med[1], med[3]))
    print("(%d runs of %d s each, medians; %s)" % (runs, seconds, time.strftime("%Y-%m-%d")))


if __name__ == "__main__":
    main()
