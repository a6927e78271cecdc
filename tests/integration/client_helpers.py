"""client_helpers: run the real brigadectl against a real brigade-server.

Builds on brigade_test (the server harness): a Ctl runs build/bin/brigadectl
with its settings in the environment, an outbox of its own, and no config
file from the machine it runs on.
"""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from brigade_test import BIN, PINS, Server, ServerTest, walk_in  # noqa: E402,F401

CTL = os.path.join(BIN, "brigadectl")


def tagged_order(tag, service="PICKUP"):
    """A POS order whose item note carries tag, to find it again."""
    return walk_in(service=service, items=[{"sku": "B1", "qty": 1, "note": tag}],
                   pay=[{"tender": "CASH", "amount": 2000}])


class Ctl:
    """brigadectl with its own outbox, logged in as staff."""

    def __init__(self, workdir, port, staff="k1", outbox=None, timeout_ms=5000):
        self.workdir = workdir
        self.port = port
        self.staff = staff
        self.outbox = outbox or os.path.join(workdir, "outbox.db")
        self.timeout_ms = timeout_ms

    def env(self, **extra):
        # the machine's proxy settings are not the test's (test_client_proxy
        # sets its own)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
        env.update({
            "BRIGADE_SERVER": "http://127.0.0.1:%d" % self.port,
            "BRIGADE_STAFF": self.staff,
            "BRIGADE_PIN": PINS[self.staff],
            "BRIGADE_TERMINAL": "test-ctl",
            "BRIGADE_OUTBOX": self.outbox,
            "BRIGADE_TIMEOUT_MS": str(self.timeout_ms),
            "BRIGADE_CONNECT_TIMEOUT_MS": str(min(self.timeout_ms, 3000)),
            "XDG_CONFIG_HOME": self.workdir,
            "XDG_STATE_HOME": self.workdir,
        })
        env.update(extra)
        return env

    def run(self, *args, input=None, timeout=300, env=None):
        if isinstance(input, (dict, list)):
            input = json.dumps(input)
        return subprocess.run([CTL] + [str(a) for a in args], input=input,
                              capture_output=True, text=True, timeout=timeout,
                              env=env or self.env())

    def popen(self, *args, env=None, **kw):
        return subprocess.Popen([CTL] + [str(a) for a in args], env=env or self.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)

    def submit_lines(self, orders):
        data = "".join(json.dumps(o) + "\n" for o in orders)
        return self.run("submit", "--lines", "-", input=data)

    def outbox_json(self):
        r = self.run("outbox")
        if r.returncode != 0:
            raise AssertionError("brigadectl outbox: %d %s" % (r.returncode, r.stderr))
        return json.loads(r.stdout)

    def rows(self, where="1=1"):
        """The outbox's rows, read straight from the SQLite file."""
        db = sqlite3.connect(self.outbox)
        try:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM outbox WHERE %s ORDER BY id" % where)]
        finally:
            db.close()


def all_orders(client, status="PENDING,PAID,PREPARING,READY,OUT_FOR_DELIVERY,COMPLETED,CANCELLED"):
    """Every order on the server, paging through after_id."""
    out, after = [], 0
    while True:
        r = client.get("/api/v1/orders?status=%s&limit=2000&after_id=%d" % (status, after))
        assert r.status == 200, r
        page = r.json["orders"]
        out.extend(page)
        if len(page) < 2000:
            return out
        after = page[-1]["id"]


def note_counts(orders):
    """How many orders carry each item-note tag."""
    counts = {}
    for o in orders:
        for it in o.get("items", []):
            tag = it.get("note")
            if tag:
                counts[tag] = counts.get(tag, 0) + 1
    return counts


def all_events(client, after=0):
    """Every event after seq `after`, from GET /api/v1/events."""
    out = []
    while True:
        r = client.get("/api/v1/events?after=%d&limit=1000" % after)
        assert r.status == 200, r
        page = r.json["events"]
        out.extend(page)
        if len(page) < 1000:
            return out
        after = page[-1]["seq"]
