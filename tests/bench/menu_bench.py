#!/usr/bin/env python3
"""menu_bench: what a menu change costs now that the menu is one document.

    BRIGADE_BIN=build/bin python3 tests/bench/menu_bench.py [--runs 50]

Against a real brigade-server on a temporary database: the time of an
item's PATCH (86 and back, the kitchen's busiest menu change) and of an
order create, on the demo's 24-item menu and on the same with 1,000 more
items; and the whole-menu import (PUT /api/v1/menu) of the 1,000-item
document. Medians and p90 of --runs each; prints a Markdown table."""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from brigade_test import Server, walk_in  # noqa: E402


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = fn()
        out.append((time.perf_counter() - t) * 1000)
        assert r.status in (200, 201), r
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.9) - 1]


def measure(c, runs):
    flip = [False]

    def patch():
        flip[0] = not flip[0]
        return c.patch("/api/v1/menu/items/S3", {"available": flip[0]}, key=str(uuid.uuid4()))

    return {"patch": timed(patch, runs),
            "order": timed(lambda: c.create(walk_in()), runs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="brigade-menu-bench-")
    s = Server(tmp).start()
    c = s.client("m1")
    small = measure(c, args.runs)
    doc = c.get("/api/v1/menu").json
    doc["categories"] += ["Bench%02d" % i for i in range(20)]
    for i in range(1000):
        doc["items"].append({"sku": "X%04d" % i, "name": "Bench item number %d" % i,
                             "price": 100 + i, "tax_class": "food", "station": "grill",
                             "category": "Bench%02d" % (i % 20), "groups": ["S1"]})
    body = json.dumps(doc)
    t = time.perf_counter()
    r = c.request("PUT", "/api/v1/menu", raw=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    put_ms = (time.perf_counter() - t) * 1000
    assert r.status == 200, r
    big = measure(c, args.runs)
    c.close()
    s.stop()
    print("| measure | 24 items | 1,024 items |")
    print("|---|---|---|")
    for k, what in (("patch", "PATCH an item (86 / back on), median / p90"),
                    ("order", "POST an order, median / p90")):
        print("| %s | %.1f / %.1f ms | %.1f / %.1f ms |" % (what, small[k][0], small[k][1],
                                                        big[k][0], big[k][1]))
    print("| PUT the whole menu (%d KiB document) | | %.0f ms |" % (len(body) // 1024, put_ms))


if __name__ == "__main__":
    main()
