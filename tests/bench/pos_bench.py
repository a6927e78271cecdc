#!/usr/bin/env python3
"""pos_bench: brigade-pos measured, the real binaries in tmux.

    BRIGADE_BIN=build/bin python3 tests/bench/pos_bench.py [--runs 5]

1. Keystrokes after login for a three-item walk-in order paid with exact
   cash, receipt printed: each key sent through tmux is counted, and the
   receipt is checked on the virtual printer and the order on the server.
2. Start to first frame, and start to the first frame showing the menu
   (login and snapshot included) with a 1,000-item menu.
3. Memory with that menu after a few sales: RSS, and the proportional
   (PSS) and private (USS) memory from /proc/PID/smaps_rollup.
4. A keypress answered while the server hangs (SIGSTOP): the time from
   send-keys to the key's effect on the screen (tmux round trip included),
   against the same with the server well.

Prints a table (Markdown) for docs/benchmarks.md.
"""
import argparse
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tui"))

import pos_helpers as ph  # noqa: E402
import procmem  # noqa: E402
from brigade_test import Server  # noqa: E402


class Counter:
    """Sends keys through tmux and counts them."""

    def __init__(self, pos):
        self.pos = pos
        self.keys = 0

    def type(self, text):
        self.pos.type(text)
        self.keys += len(text)

    def send(self, *keys):
        self.pos.send(*keys)
        self.keys += len(keys)


def keystrokes(rig):
    pos = rig.pos("k1", terminal="bench1")
    receipts = rig.printer.read_text().count("Thank you!")
    before = len(rig.orders())
    k = Counter(pos)
    k.type("B1")
    k.send("Enter")
    k.type("S1")
    k.send("Enter")
    k.type("D1")
    k.send("Enter")
    k.send("Enter")          # tender
    k.send("Enter")          # exact cash
    pos.wait_for(r"Order #\d+", regex=True)
    rig.printer.wait_text("Thank you!", receipts + 1)
    assert len(rig.orders()) == before + 1
    rig.drop(pos)
    return k.keys


def big_menu(db, n=1000):
    """Put n more items in the server's menu document (the server is stopped)."""
    c = sqlite3.connect(db)
    version, doc = c.execute("SELECT version, doc FROM menu").fetchone()
    doc = json.loads(doc)
    cats = ["Cat%02d" % i for i in range(20)]
    doc["categories"] += [cat for cat in cats if cat not in doc["categories"]]
    if not any(g["code"] == "XLG" for g in doc.get("modifier_groups", [])):
        doc.setdefault("modifier_groups", []).append(
            {"code": "XLG", "name": "Size", "min": 0, "max": 1, "required": False,
             "modifiers": [{"code": "LG", "name": "Large", "price": 100, "available": True}]})
    skus = set(i["sku"] for i in doc["items"])
    for i in range(n):
        if "X%04d" % i in skus:
            continue
        doc["items"].append({"sku": "X%04d" % i, "name": "Bench item number %d" % i,
                             "kitchen_name": "", "price": 100 + i,
                             "tax_class": doc["tax_classes"][0]["code"], "category": cats[i % 20],
                             "station": "grill", "available": True, "barcode": "",
                             "groups": ["XLG"]})
    c.execute("UPDATE menu SET version = ?, doc = ?", (version + 1, json.dumps(doc)))
    c.commit()
    c.close()


def first_frames(rig, runs):
    out = []
    for r in range(runs):
        pos = ph.Pos(rig, "frame%d" % r)
        rig.poses.append(pos)
        errf = os.path.join(pos.state, "stderr")
        argv = [ph.POS, "--server", "http://127.0.0.1:%d" % rig.server.port, "--terminal",
                pos.terminal, "--state-dir", os.path.join(pos.state, "brigade"),
                "--bench-first-frame"]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": pos.state,
               "XDG_CONFIG_HOME": pos.state, "XDG_STATE_HOME": pos.state,
               "BRIGADE_STAFF": "k1", "BRIGADE_PIN": "1111"}
        pos.start(["sh", "-c", 'exec "$0" "$@" 2>%s' % errf] + argv, env=env)
        pos.wait_exit(timeout=60)
        m = ph.wait(lambda: re.search(r"first_frame_ms ([0-9.]+) first_menu_frame_ms ([0-9.]+)",
                                      ph._read(errf)), "the timing line")
        out.append((float(m.group(1)), float(m.group(2))))
        rig.poses.remove(pos)
        pos.kill()
    return out


def rss_kb(pid):
    """VmRSS, RssAnon (the process's own memory) and RssFile (mapped files:
    mostly shared library code), in kB."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k = line.split(":")[0]
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[k] = int(line.split()[1])
    return out


def key_latency(pos, n, marker):
    """send-keys to the typed character appearing in the PLU field."""
    lat = []
    for i in range(n):
        ch = "X"
        t0 = time.perf_counter()
        pos.type(ch)
        deadline = t0 + 10
        while True:
            line = pos.line_with("PLU>") or ""
            if line.rstrip().endswith("PLU> " + ch):
                break
            if time.perf_counter() > deadline:
                raise AssertionError("key not shown: %r" % line)
        lat.append((time.perf_counter() - t0) * 1000)
        pos.send("BSpace")
        pos.wait_for_plu_empty = None
        ph.wait(lambda: (pos.line_with("PLU>") or "").rstrip().endswith("PLU>"), "the field empty")
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keys", type=int, default=30)
    args = ap.parse_args()

    rig = ph.PosRig(None)
    try:
        keys = keystrokes(rig)
        # the 1,000-item menu
        port = rig.server.port
        rig.server.stop()
        big_menu(rig.server.db)
        rig.server.start(port=port)
        frames = first_frames(rig, args.runs)
        pos = rig.pos("k1", terminal="bench2")
        pos.wait_for("Classic Burger")
        for _ in range(5):
            pos.ring("X0007", "X0999", "B1")
            pos.send("Enter")
            pos.send("Enter")
            pos.wait_for(r"Order #\d+", regex=True)
            pos.send("Enter")
        rss = rss_kb(pos.pid())
        mem = procmem.smaps(pos.pid())
        well = key_latency(pos, args.keys, "X")
        rig.server.proc.send_signal(signal.SIGSTOP)
        try:
            # a sale while the server hangs: the till goes on
            pos.ring("B1")
            pos.send("Enter")
            pos.send("Enter")
            pos.wait_for("CHANGE 0.00")
            pos.send("Enter")
            hung = key_latency(pos, args.keys, "X")
        finally:
            rig.server.proc.send_signal(signal.SIGCONT)
        rig.drop(pos)
    finally:
        rig.close()

    def stat(v):
        return "median %.1f ms, max %.1f ms" % (statistics.median(v), max(v))

    print("| measure | target | result |")
    print("|---------|--------|--------|")
    print("| keystrokes after login: 3-item walk-in, exact cash, receipt printed | <= 12 | %d |"
          % keys)
    print("| start to first frame (login screen) | <= 100 ms | %s |"
          % stat([f[0] for f in frames]))
    print("| start to first frame showing the 1,000-item menu (login + snapshot) | | %s |"
          % stat([f[1] for f in frames]))
    print("| resident memory, 1,000-item menu, after 6 sales | <= 16 MB | %.1f MB "
          "(own memory %.1f MB, mapped libraries and files %.1f MB) |"
          % (rss["VmRSS"] / 1024.0, rss["RssAnon"] / 1024.0, rss["RssFile"] / 1024.0))
    print("| memory, 1,000-item menu, after 6 sales | USS <= 8 MB, PSS <= 12 MB | %s |"
          % procmem.describe(mem))
    print("| keypress to screen, server well (tmux round trip included) | | %s |" % stat(well))
    print("| keypress to screen, server SIGSTOPped | within one frame | %s |" % stat(hung))


if __name__ == "__main__":
    main()
