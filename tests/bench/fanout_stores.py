#!/usr/bin/env python3
"""fanout_stores: stream fan-out over many stores on one brigade-server.

    python3 tests/bench/fanout_stores.py [--runs 3] [--stores 1000] [--per 10]
        [--rate 100] [--seconds 30] [--fsync off]     (after ./brigade build)

Starts a private PostgreSQL cluster and one brigade-server on it, adds
STORES stores as an organisation admin (POST /api/v1/stores), gives each
the demo store's menu (PUT /api/v1/menu) and logs in to each (one token a
store). Then, RUNS times, two setups one after the other:

- many stores: PER subscribers of each store's stream (STORES x PER in
  all, bench-fanout --stores), and RATE orders/s in total for SECONDS,
  store after store in turn;
- one store (the old worst case): the same number of subscribers, all of
  one store, and the same RATE of orders, all to that store.

Each order names its store in the customer's name, so bench-fanout checks
that a subscriber gets its own store's events and no other's, and that
every subscriber of a store got exactly the events of the orders sent to
it. Reported: orders/s achieved, commit-to-receipt p50/p90/p99/max (over
every event every subscriber received), server CPU per order (user +
system of the brigade-server process over the load and the drain after
it; PostgreSQL's beside it), and the server's RSS/PSS/USS with every
subscriber connected, after the load.

Bench settings, in the server's config file: pin_hash_iterations = 10000
(the least the server takes: 1,000 logins at the default 100,000 would
take minutes), max_connections_per_address = 0 (every subscriber comes
from loopback), access_log = false. The cluster commits with fsync on
(as a restaurant's would) unless --fsync off. Prints a markdown table of
medians for docs/benchmarks.md."""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)

from brigade_test import BIN, Server  # noqa: E402
import procmem  # noqa: E402
from store_bench import DurableCluster as Cluster, cpu_seconds  # noqa: E402

BOSS_PIN = "515151"


class Api:
    """A keep-alive JSON client of one login."""

    def __init__(self, port, token=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = token

    def call(self, method, path, body=None, idem=False):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if idem:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        self.conn.request(method, path, body=None if body is None else json.dumps(body),
                          headers=headers)
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)

    def login(self, staff, pin, store=None):
        body = {"staff": staff, "pin": pin, "terminal": "bench"}
        if store:
            body["store"] = store
        status, j = self.call("POST", "/api/v1/auth/login", body)
        if status != 200:
            raise RuntimeError("login %s@%s: %d %r" % (staff, store, status, j))
        self.token = j["token"]
        return self.token


def parallel(n, items, fn):
    """fn(api_index, item) over items with n threads; the first error is raised."""
    items = list(items)
    lock = threading.Lock()
    errors = []
    it = iter(enumerate(items))

    def worker(w):
        while True:
            with lock:
                nxt = next(it, None)
            if nxt is None or errors:
                return
            try:
                fn(w, nxt[1])
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(e)
                return

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def setup_stores(server, db, nstores):
    """The organisation admin, NSTORES stores with the demo menu, one token
    a store (store i's code is s0000i)."""
    r = subprocess.run([os.path.join(BIN, "brigade-server"), "--db", db,
                        "--config", os.path.join(server.workdir, "server.conf"),
                        "--add-staff", "boss:ADMIN:Org Boss", "--org"],
                       input=(BOSS_PIN + "\n").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("--add-staff: %s" % r.stdout.decode(errors="replace"))
    main = Api(server.port)
    main.login("boss", BOSS_PIN, "main")
    status, menu = main.call("GET", "/api/v1/menu")
    assert status == 200, menu
    codes = ["s%05d" % i for i in range(nstores)]
    apis = [Api(server.port, main.token) for _ in range(8)]
    t0 = time.monotonic()

    def add(w, code):
        status, j = apis[w].call("POST", "/api/v1/stores",
                                 {"code": code, "name": "Bench " + code}, idem=True)
        if status not in (200, 201):
            raise RuntimeError("POST /stores %s: %d %r" % (code, status, j))

    parallel(8, codes, add)
    t1 = time.monotonic()
    tokens = {}

    def enter(w, code):
        a = Api(server.port)
        tokens[code] = a.login("boss", BOSS_PIN, code)
        status, j = a.call("PUT", "/api/v1/menu", menu, idem=True)
        if status != 200:
            raise RuntimeError("PUT /menu %s: %d %r" % (code, status, j))
        a.conn.close()

    parallel(8, codes, enter)
    t2 = time.monotonic()
    print("setup: %d stores added in %.1f s; logins and menus in %.1f s"
          % (nstores, t1 - t0, t2 - t1), file=sys.stderr)
    return [tokens[c] for c in codes]


def order_body(store):
    return {"source": "POS", "service": "PICKUP", "customer": {"name": "fanout-store-%d" % store},
            "items": [{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}],
            "payments": [{"tender": "CASH", "amount": 2000}]}


def events_per_order(port, token):
    """How many stream events one order makes (the events after it, read back)."""
    a = Api(port, token)
    status, j = a.call("GET", "/api/v1/events?after=0&limit=1000")
    assert status == 200, j
    before = len(j["events"])
    status, j = a.call("POST", "/api/v1/orders", order_body(0), idem=True)
    assert status == 201, (status, j)
    status, j = a.call("GET", "/api/v1/events?after=0&limit=1000")
    return len(j["events"]) - before


def pace(port, tokens, rate, seconds, conns=8):
    """RATE orders/s for SECONDS, store after store in turn, over CONNS
    connections; none is started after the time is up (a server that
    cannot keep up gets fewer). Returns (orders per store, elapsed s)."""
    sent = [0] * len(tokens)
    lock = threading.Lock()
    state = {"k": 0, "errors": []}
    start = time.monotonic()
    end = start + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                k = state["k"]
                state["k"] += 1
            due = start + k / rate
            if due >= end:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif time.monotonic() >= end:
                return
            i = k % len(tokens)
            conn.request("POST", "/api/v1/orders", body=json.dumps(order_body(i)),
                         headers={"Authorization": "Bearer " + tokens[i],
                                  "Idempotency-Key": str(uuid.uuid4()),
                                  "Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 201:
                state["errors"].append(r.status)
                continue
            with lock:
                sent[i] += 1

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if state["errors"]:
        print("pace: %d orders refused (%r)" % (len(state["errors"]), state["errors"][:5]),
              file=sys.stderr)
    return sent, time.monotonic() - start


def phase(server, cluster, tokens, per, rate, seconds, epo, work, tag):
    """One measurement: subscribers of every token, the paced load, the
    drain. Returns a dict of figures."""
    tokfile = os.path.join(work, "tokens-%s" % tag)
    with open(tokfile, "w") as f:
        f.write("\n".join(tokens) + "\n")
    fan = subprocess.Popen([os.path.join(BIN, "bench-fanout"), "--stores", str(server.port),
                            tokfile, str(per), "60"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    line = fan.stdout.readline()
    if not line.startswith("READY") or int(line.split()[1]) != len(tokens) * per:
        fan.kill()
        raise RuntimeError("bench-fanout: %r" % line)
    mem_ready = procmem.smaps(server.proc.pid)
    pg = cluster.pids()
    cpu0, pg0 = cpu_seconds([server.proc.pid]), cpu_seconds(pg)
    perf = None
    if os.environ.get("BENCH_PERF") and tag.startswith(os.environ.get("BENCH_PERF_TAG", "run 1,")):
        # a profile of the server during the load: BENCH_PERF=FILE
        perf = subprocess.Popen(["perf", "record", "-g", "-o", os.environ["BENCH_PERF"], "-p",
                                 str(server.proc.pid)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    sent, elapsed = pace(server.port, tokens, rate, seconds)
    if perf is not None:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    for i, n in enumerate(sent):
        fan.stdin.write("%d %d\n" % (i, n * epo))
    fan.stdin.close()
    out = fan.stdout.read()
    fan.wait()
    cpu, pgcpu = cpu_seconds([server.proc.pid]) - cpu0, cpu_seconds(pg) - pg0
    mem_end = procmem.smaps(server.proc.pid)
    orders = sum(sent)
    res = {"orders": orders, "rate": orders / elapsed,
           "cpu_ms": 1000.0 * cpu / max(1, orders), "pg_ms": 1000.0 * pgcpu / max(1, orders),
           "rss": mem_ready["Rss"] / 1024.0, "pss": mem_ready["Pss"] / 1024.0,
           "uss": mem_ready["Uss"] / 1024.0, "rss_end": mem_end["Rss"] / 1024.0,
           "pss_end": mem_end["Pss"] / 1024.0}
    m = re.search(r"EVENTS (\d+) P50_MS ([\d.]+) P90_MS ([\d.]+) P99_MS ([\d.]+) MAX_MS ([\d.]+)",
                  out)
    if m is None:
        raise RuntimeError("bench-fanout: %s" % out)
    res.update(events=int(m.group(1)), p50=float(m.group(2)), p90=float(m.group(3)),
               p99=float(m.group(4)), max=float(m.group(5)))
    m = re.search(r"STORES (\d+) COMPLETE (\d+) SHORT_SUBS (\d+) EXTRA_SUBS (\d+) "
                  r"FOREIGN_EVENTS (\d+)", out)
    res.update(stores=int(m.group(1)), complete=int(m.group(2)), short=int(m.group(3)),
               extra=int(m.group(4)), foreign=int(m.group(5)))
    print("%s: %.1f orders/s (%d), %d events received, p50 %.1f p90 %.1f p99 %.1f max %.1f ms;"
          " stores complete %d/%d (short subs %d, extra %d, foreign events %d);"
          " server CPU %.2f ms/order, PostgreSQL %.2f ms/order;"
          " server RSS %.1f PSS %.1f USS %.1f MB ready, RSS %.1f after"
          % (tag, res["rate"], orders, res["events"], res["p50"], res["p90"], res["p99"],
             res["max"], res["complete"], res["stores"], res["short"], res["extra"],
             res["foreign"], res["cpu_ms"], res["pg_ms"], res["rss"], res["pss"], res["uss"],
             res["rss_end"]), file=sys.stderr)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stores", type=int, default=1000)
    ap.add_argument("--per", type=int, default=10, help="subscribers per store")
    ap.add_argument("--rate", type=float, default=100.0, help="orders/s in total")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--fsync", choices=("on", "off"), default="on")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.stores * args.per + 1024:
        sys.exit("the hard limit of open files (%d) is too low for %d subscribers"
                 % (hard, args.stores * args.per))
    Cluster.fsync = args.fsync == "on"
    cluster = Cluster()
    work = tempfile.mkdtemp(prefix="brigade-fanout-")
    config = ("pin_hash_iterations = 10000\nmax_connections_per_address = 0\n"
              "access_log = false\n")
    server = Server(work, demo=True, db=cluster.database("fanout"), config=config)
    results = {"many": [], "one": []}
    try:
        server.start()
        tokens = setup_stores(server, server.db, args.stores)
        epo = events_per_order(server.port, tokens[0])
        print("events per order: %d" % epo, file=sys.stderr)
        nsubs = args.stores * args.per
        for r in range(args.runs):
            results["many"].append(phase(server, cluster, tokens, args.per, args.rate,
                                         args.seconds, epo, work, "run %d, %d stores x %d"
                                         % (r + 1, args.stores, args.per)))
            results["one"].append(phase(server, cluster, tokens[:1], nsubs, args.rate,
                                        args.seconds, epo, work, "run %d, 1 store x %d"
                                        % (r + 1, nsubs)))
    finally:
        rc = server.stop()
        if rc not in (0, None):
            print("brigade-server exited with %s; log in %s" % (rc, work), file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
        cluster.destroy()

    def med(setup, key):
        return statistics.median(x[key] for x in results[setup])

    nsubs = args.stores * args.per
    rows = [("%d stores x %d subscribers" % (args.stores, args.per), "many"),
            ("1 store x %d subscribers (baseline)" % nsubs, "one")]
    print("| setup | orders/s (offered %g) | events received | commit to receipt p50 / p90 / p99 / "
          "max ms | stores complete | server CPU ms per order | PostgreSQL CPU ms per order "
          "| server RSS / PSS / USS MB |" % args.rate)
    print("|---|---|---|---|---|---|---|---|")
    for name, key in rows:
        print("| %s | %.1f | %d | %.1f / %.1f / %.1f / %.1f | %s | %.2f | %.2f | %.0f / %.0f / %.0f |"
              % (name, med(key, "rate"), med(key, "events"), med(key, "p50"), med(key, "p90"),
                 med(key, "p99"), med(key, "max"),
                 " / ".join("%d of %d" % (x["complete"], x["stores"]) for x in results[key]),
                 med(key, "cpu_ms"), med(key, "pg_ms"), med(key, "rss"), med(key, "pss"),
                 med(key, "uss")))
    print("| one store / many stores | %.2f | | p99 %.1f x | | CPU %.1f x | | |"
          % (med("one", "rate") / med("many", "rate"), med("one", "p99") / med("many", "p99"),
             med("one", "cpu_ms") / med("many", "cpu_ms")))
    print("(%d runs of %d s each, medians; fsync %s; %s)"
          % (args.runs, args.seconds, args.fsync, time.strftime("%Y-%m-%d")))
    print("runs, p99 ms: many %s; one %s" % (
        " / ".join("%.1f" % x["p99"] for x in results["many"]),
        " / ".join("%.1f" % x["p99"] for x in results["one"])))


if __name__ == "__main__":
    main()
