"""brigadectl_corrections: voids, discounts, comps, refunds and cancels of
an order from the command line, against the real brigade-server on a fresh
demo database: the figures each leaves on the order (read back through the
API), a manager's approval with the PIN from standard input or typed at a
terminal and never shown, every refusal with its message and exit status
and nothing changed on the server, a correction whose answer is lost on the
way applied once when brigadectl sends it again, and the store's correction
reasons and discount limits set with store set."""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from brigade_test import BIN, PINS, ServerTest  # noqa: E402
from netproxy import NetProxy  # noqa: E402

CTL = os.path.join(BIN, "brigadectl")
CARD = {"brand": "VISA", "last4": "4242"}
# 2 x B1 (9.50) and 1 x S1 (3.50) at 8 %: 22.50 + 1.80 = 24.30
ITEMS = [{"sku": "B1", "qty": 2}, {"sku": "S1", "qty": 1}]


def half_up(n, d):
    return (n + d // 2) // d


class DropAnswer(NetProxy):
    """A relay that loses the server's answer to the first correction: the
    request reaches the server, which applies it, and the client's
    connection is then reset instead of answered."""

    def __init__(self, port):
        self.drops = 1
        self.keys = []                # Idempotency-Key of each correction sent
        super().__init__(port)

    def _send(self, pair, dst, data):
        if dst is pair.upstream and b"/corrections HTTP/1.1" in data:
            m = re.search(rb"\r\nIdempotency-Key: *([^\r]+)", data, re.IGNORECASE)
            self.keys.append(m.group(1).decode() if m else None)
            if self.drops > 0:
                self.drops -= 1
                pair.lose_answer = True
        elif dst is pair.client and getattr(pair, "lose_answer", False):
            with self.lock:
                if pair in self.pairs:
                    self.pairs.remove(pair)
            self._close(pair, rst=True)
            return
        super()._send(pair, dst, data)


class Corrections(ServerTest):
    def setUp(self):
        self.k = self.client("k1")
        self.m = self.client("m1")
        self.a = self.client("a1")

    # -- helpers -------------------------------------------------------

    def env(self, staff, port=None, retries=1):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
        env.update({
            "BRIGADE_SERVER": "http://127.0.0.1:%d" % (port or self.server.port),
            "BRIGADE_STAFF": staff,
            "BRIGADE_PIN": PINS[staff],
            "BRIGADE_TERMINAL": "test-ctl",
            "BRIGADE_OUTBOX": os.path.join(self.tmp, "outbox.db"),
            "BRIGADE_TIMEOUT_MS": "10000",
            "BRIGADE_RETRIES": str(retries),
            "XDG_CONFIG_HOME": self.tmp,
            "XDG_STATE_HOME": self.tmp,
        })
        return env

    def ctl(self, *args, staff="m1", input=None, port=None, retries=1):
        # a session of its own: no terminal to ask for a PIN on
        return subprocess.run([CTL] + [str(a) for a in args], input=input,
                              capture_output=True, text=True, timeout=120,
                              env=self.env(staff, port, retries), cwd=self.tmp,
                              start_new_session=True)

    def sale(self, pay=None, items=None):
        r = self.k.create({"source": "POS", "service": "PICKUP", "items": items or ITEMS,
                           "payments": pay or [{"tender": "CASH", "amount": 5000}]})
        self.assertEqual(r.status, 201, r)
        return r.json

    def order(self, oid):
        r = self.m.get("/api/v1/orders/%d" % oid)
        self.assertEqual(r.status, 200, r)
        return r.json

    def head(self):
        return self.m.get("/api/v1/events?after=0&limit=1").json["head"]

    def assertFigures(self, out, o):
        """The readable answer shows the order's new figures."""
        def money(v):
            return "%s%d.%02d" % ("-" if v < 0 else "", abs(v) // 100, abs(v) % 100)
        self.assertIn("total %s" % money(o["total"]), out)
        self.assertIn("balance %s" % money(o["balance"]), out)

    # -- each kind -----------------------------------------------------

    def test_void_lines_then_the_whole_order(self):
        o = self.sale()
        oid = o["id"]
        r = self.ctl("orders", "void", oid, "--line", "1:1", "--reason", "Wrong item")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual((v["items"][0]["voided"], v["subtotal"]), (1, 950 + 350))
        self.assertEqual(v["tax"], half_up(1300 * 800, 10000))
        self.assertEqual(v["balance"], v["total"] - (5000 - o["change"]))
        c = v["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["reason"], c["line"], c["qty"]),
                         ("void", "m1", "Wrong item", 0, 1))
        self.assertFigures(r.stdout, v)
        self.assertIn("owed back", r.stdout)
        # a line without a quantity: what is left of it
        r = self.ctl("orders", "void", oid, "--line", "2", "--reason", "Wrong item")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual((v["items"][1]["voided"], v["subtotal"]), (1, 950))
        # no line: the whole order, which is then cancelled; --json: the order
        r = self.ctl("orders", "void", oid, "--reason", "Customer changed mind", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(r.stdout)
        v = self.order(oid)
        self.assertEqual(got, v)
        self.assertEqual((v["status"], v["cancel_reason"], v["total"]),
                         ("CANCELLED", "Customer changed mind", 0))
        self.assertEqual(v["balance"], -(o["paid"] - o["change"]))

    def test_discount_and_comp(self):
        o = self.sale()
        oid = o["id"]
        # a cashier, within the limit: 10 % off line 1
        r = self.ctl("orders", "discount", oid, "--line", "1", "--percent", "10",
                     "--reason", "Loyalty", staff="k1")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual(v["items"][0]["discount"]["percent_bp"], 1000)
        self.assertEqual(v["items"][0]["net"], 1900 - 190)
        self.assertFigures(r.stdout, v)
        # an amount off the whole order, and a percentage with a decimal
        r = self.ctl("orders", "discount", oid, "--amount", "1.50", "--reason", "Promotion")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual(v["discount"]["amount"], 150)
        self.assertEqual(v["subtotal"], 1710 + 350 - 150)
        r = self.ctl("orders", "discount", oid, "--percent", "2.5", "--reason", "Promotion")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.order(oid)["discount"]["percent_bp"], 250)
        # a comp of the fries by the cashier, approved by the manager whose
        # PIN comes on standard input and is never shown
        r = self.ctl("orders", "comp", oid, "--line", "2", "--reason", "Regular",
                     "--approve", "m1", "--pin-stdin", staff="k1", input=PINS["m1"] + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(PINS["m1"], r.stdout + r.stderr)
        v = self.order(oid)
        c = v["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["approved_by"], c["line"]),
                         ("comp", "k1", "m1", 1))
        self.assertEqual(v["items"][1]["net"], 0)
        self.assertFigures(r.stdout, v)
        self.assertIn("approved by m1", r.stdout)

    def test_refunds_to_the_card_and_in_cash(self):
        o = self.sale(pay=[{"tender": "CARD", "amount": 2430, "card": CARD, "approval": "A1B2C3"}])
        oid = o["id"]
        for a in ("start", "ready", "pickup"):
            self.assertEqual(self.m.act(oid, a).status, 200)
        # the fries taken back, their price to the card that paid
        r = self.ctl("orders", "refund", oid, "--line", "2", "--card", "3.78",
                     "--card-approval", "RF9", "--reason", "Quality")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual((v["items"][1]["refunded"], v["refunded"], v["balance"], v["status"]),
                         (1, 378, 0, "COMPLETED"))
        p = v["payments"][-1]
        self.assertEqual((p["kind"], p["tender"], p["amount"], p["card"], p["approval"], p["by"]),
                         ("refund", "CARD", 378, CARD, "RF9", "m1"))
        self.assertFigures(r.stdout, v)

        # cash: a cashier with a manager's approval gives back what a void
        # left owed
        o = self.sale()
        oid = o["id"]
        self.assertEqual(self.ctl("orders", "void", oid, "--line", "1:1",
                                  "--reason", "Wrong item").returncode, 0)
        owed = -self.order(oid)["balance"]
        self.assertGreater(owed, 0)
        r = self.ctl("orders", "refund", oid, "--cash", "%d.%02d" % (owed // 100, owed % 100),
                     "--reason", "Overcharged", "--approve", "m1", "--pin-stdin",
                     staff="k1", input=PINS["m1"] + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual((v["refunded"], v["balance"]), (owed, 0))
        c = v["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["approved_by"], c["refund"]),
                         ("refund", "k1", "m1", owed))
        self.assertIn("balance 0.00", r.stdout)

    def test_cancel_with_approval(self):
        o = self.sale()
        oid = o["id"]
        r = self.ctl("orders", "cancel", oid, "--reason", "Wrong order", "--approve", "m1",
                     "--pin-stdin", staff="k1", input=PINS["m1"] + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = self.order(oid)
        self.assertEqual((v["status"], v["cancel_reason"], v["total"]),
                         ("CANCELLED", "Wrong order", 0))
        self.assertEqual(v["corrections"][-1]["approved_by"], "m1")
        self.assertFigures(r.stdout, v)

    def typed(self, args, answers, staff="k1"):
        """brigadectl on a terminal: answers typed at each prompt."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(CTL, [CTL] + [str(a) for a in args], self.env(staff))
        out = b""
        deadline = time.time() + 30
        pending = list(answers)
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
                if pending and out.rstrip().endswith(pending[0][0].encode()):
                    os.write(fd, pending.pop(0)[1].encode() + b"\n")
        if time.time() >= deadline:
            os.kill(pid, signal.SIGKILL)   # still asking: fail, do not hang
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

    def test_approval_pin_typed_without_echo(self):
        o = self.sale()
        rc, out = self.typed(["orders", "comp", o["id"], "--line", "1", "--reason", "Regular",
                              "--approve", "m1"], [("PIN of m1:", PINS["m1"])])
        self.assertEqual(rc, 0, out)
        self.assertNotIn(PINS["m1"], out)
        c = self.order(o["id"])["corrections"][-1]
        self.assertEqual((c["kind"], c["by"], c["approved_by"]), ("comp", "k1", "m1"))

    # -- refusals --------------------------------------------------------

    def test_refusals_change_nothing(self):
        o = self.sale()
        oid = o["id"]
        done = self.sale()
        for a in ("start", "ready", "pickup"):
            self.assertEqual(self.m.act(done["id"], a).status, 200)
        gone = self.sale()
        self.assertEqual(self.m.act(gone["id"], "cancel", reason="Wrong order").status, 200)
        orders = [oid, done["id"], gone["id"]]
        before = [self.order(i) for i in orders]
        head = self.head()
        V = ("orders", "void", oid, "--reason", "Wrong item")
        cases = [
            # (args, staff, stdin, exit status, what stderr says)
            (V, "k1", None, 1, ["approval_required", "--approve"]),
            (V, "c1", None, 1, ["may not correct orders", "forbidden"]),
            (("orders", "discount", oid, "--percent", "15", "--reason", "Loyalty"), "k1", None,
             1, ["at most 10 %", "discount_over_limit", "--approve"]),
            (("orders", "void", oid, "--reason", "Bored"), "m1", None, 1,
             ["\"Bored\" is not one of", "Wrong item", "unknown_reason"]),
            (("orders", "void", oid, "--line", "1:3", "--reason", "Wrong item"), "m1", None, 1,
             ["2 of Classic Burger left to void", "invalid_field"]),
            (("orders", "void", oid, "--line", "7:1", "--reason", "Wrong item"), "m1", None, 1,
             ["has 2 lines", "invalid_field"]),
            (("orders", "discount", oid, "--amount", "99.00", "--reason", "Loyalty"), "m1", None,
             1, ["discount_too_large"]),
            (("orders", "refund", oid, "--cash", "1.00", "--reason", "Quality"), "m1", None, 1,
             ["refund_exceeds_paid"]),
            (("orders", "refund", oid, "--card", "1.00", "--card-approval", "R1",
              "--reason", "Quality"), "m1", None, 2, ["not paid by card"]),
            (("orders", "void", done["id"], "--reason", "Wrong item"), "m1", None, 1,
             ["is completed", "order_completed"]),
            (("orders", "void", gone["id"], "--reason", "Wrong item"), "m1", None, 1,
             ["is cancelled", "order_cancelled"]),
            (("orders", "cancel", done["id"], "--reason", "Wrong item"), "m1", None, 1,
             ["illegal_transition"]),
            (("orders", "void", 999999, "--reason", "Wrong item"), "m1", None, 1,
             ["no such order", "not_found"]),
            (("orders", "void", oid, "--reason", "Wrong item", "--expected-version", 99), "m1",
             None, 1, ["version_conflict"]),
            # approvals: a wrong PIN, someone who cannot approve
            (("orders", "comp", oid, "--line", "1", "--reason", "Regular", "--approve", "m1",
              "--pin-stdin"), "k1", "0000\n", 5, ["m1", "not accepted"]),
            (("orders", "comp", oid, "--line", "1", "--reason", "Regular", "--approve", "w1",
              "--pin-stdin"), "k1", PINS["w1"] + "\n", 1, ["not_a_manager"]),
            # usage: found here, nothing sent
            (("orders", "void", oid), "m1", None, 2, ["--reason"]),
            (("orders", "void", oid, "--line", "x", "--reason", "Wrong item"), "m1", None, 2,
             ["--line"]),
            (("orders", "void", oid, "--line", "0:1", "--reason", "Wrong item"), "m1", None, 2,
             ["--line"]),
            (("orders", "void", "--reason", "Wrong item"), "m1", None, 2, ["ID"]),
            (("orders", "void", oid, "--percent", "5", "--reason", "Wrong item"), "m1", None, 2,
             ["--percent"]),
            (("orders", "discount", oid, "--reason", "Loyalty"), "m1", None, 2,
             ["--percent or --amount"]),
            (("orders", "discount", oid, "--percent", "10", "--amount", "1", "--reason", "Loyalty"),
             "m1", None, 2, ["--percent or --amount"]),
            (("orders", "discount", oid, "--percent", "101", "--reason", "Loyalty"), "m1", None, 2,
             ["--percent"]),
            (("orders", "discount", oid, "--amount", "1,50", "--reason", "Loyalty"), "m1", None, 2,
             ["--amount"]),
            (("orders", "refund", oid, "--reason", "Quality"), "m1", None, 2, ["--cash or --card"]),
            (("orders", "refund", oid, "--card", "1.00", "--reason", "Quality"), "m1", None, 2,
             ["--card-approval"]),
            (("orders", "comp", oid, "--reason", "Regular", "--approve", "m1", "--pin-stdin"),
             "k1", "", 2, ["no PIN"]),
            (("orders", "comp", oid, "--reason", "Regular", "--approve", "m1"), "k1", "", 2,
             ["no terminal", "--pin-stdin"]),
            (("orders", "undo", oid, "--reason", "Wrong item"), "m1", None, 2, []),
        ]
        for args, staff, stdin, rc, says in cases:
            r = self.ctl(*args, staff=staff, input=stdin)
            self.assertEqual(r.returncode, rc, (args, r.stdout, r.stderr))
            self.assertEqual(r.stdout, "", args)
            for s in says:
                self.assertIn(s, r.stderr, (args, r.stderr))
            self.assertNotIn(PINS["m1"], r.stderr)
            if rc == 2 and stdin is None:
                self.assertIn("Try 'brigadectl --help'", r.stderr, args)
        self.assertEqual([self.order(i) for i in orders], before)
        self.assertEqual(self.head(), head)
        # corrections are sent at once: nothing is kept in the outbox
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "outbox.db")))

    # -- a lost answer -------------------------------------------------

    def test_a_lost_answer_is_sent_again_and_applied_once(self):
        o = self.sale()
        oid = o["id"]
        proxy = DropAnswer(self.server.port)
        self.addCleanup(proxy.close)
        r = self.ctl("orders", "void", oid, "--line", "1:1", "--reason", "Wrong item",
                     port=proxy.port, retries=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        # sent twice, under one key: applied once
        self.assertEqual(len(proxy.keys), 2, proxy.requests)
        self.assertIsNotNone(proxy.keys[0])
        self.assertEqual(proxy.keys[0], proxy.keys[1])
        v = self.order(oid)
        self.assertEqual(v["items"][0]["voided"], 1)
        self.assertEqual(len(v["corrections"]), 1)
        self.assertFigures(r.stdout, v)
        # the same command again is a new correction, under a new key
        r = self.ctl("orders", "void", oid, "--line", "1:1", "--reason", "Wrong item",
                     port=proxy.port, retries=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(proxy.keys), 3)
        self.assertNotEqual(proxy.keys[2], proxy.keys[0])
        v = self.order(oid)
        self.assertEqual((v["items"][0]["voided"], len(v["corrections"])), (2, 2))

    # -- the store's reasons and limits ----------------------------------

    def test_store_set_reasons_and_limits(self):
        s0 = self.a.get("/api/v1/store").json
        self.addCleanup(self.a.patch, "/api/v1/store",
                        {k: s0[k] for k in ("correction_reasons", "discount_limits")},
                        key="restore-%d" % time.time_ns())
        r = self.ctl("store", "set", "void_reasons=Wrong item|Kitchen error|Guest left",
                     "refund_reasons=", "discount_limits=cashier:20,WAITER:15", staff="a1")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.a.get("/api/v1/store").json
        self.assertEqual(json.loads(r.stdout), s)
        self.assertEqual(s["correction_reasons"]["void"], ["Wrong item", "Kitchen error",
                                                           "Guest left"])
        self.assertEqual(s["correction_reasons"]["refund"], [])
        self.assertEqual(s["correction_reasons"]["discount"], s0["correction_reasons"]["discount"])
        self.assertEqual(s["discount_limits"], dict(s0["discount_limits"], CASHIER=20, WAITER=15))
        r = self.ctl("store", "set", "discount_reasons=Loyalty|Staff meal", "comp_reasons=Regular",
                     "discount_limits=MANAGER:50", staff="a1")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.a.get("/api/v1/store").json
        self.assertEqual((s["correction_reasons"]["discount"], s["correction_reasons"]["comp"]),
                         (["Loyalty", "Staff meal"], ["Regular"]))
        self.assertEqual(s["discount_limits"]["MANAGER"], 50)
        self.assertEqual(s["discount_limits"]["CASHIER"], 20)
        # they apply: a cashier gives 15 %, a new reason is taken
        o = self.sale()
        r = self.ctl("orders", "discount", o["id"], "--percent", "15", "--reason", "Staff meal",
                     staff="k1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("orders", "void", o["id"], "--line", "2:1", "--reason", "Guest left")
        self.assertEqual(r.returncode, 0, r.stderr)

        store = self.a.get("/api/v1/store").json
        head = self.head()
        for args, rc in ((["discount_limits=CASHIER:101"], 2), (["discount_limits=GUEST:5"], 2),
                         (["discount_limits=CUSTOMER:5"], 2), (["discount_limits=CASHIER"], 2),
                         (["undo_reasons=x"], 2), (["void_reasons=a", "void_reasons=b"], 2),
                         (["void_reasons=" + "|".join("r%d" % i for i in range(13))], 1),
                         (["void_reasons=" + "x" * 33], 1), (["void_reasons=a|a"], 1)):
            r = self.ctl("store", "set", *args, staff="a1")
            self.assertEqual(r.returncode, rc, (args, r.stderr))
        # a manager reads them, but does not change them
        r = self.ctl("store", "set", "void_reasons=Anything", staff="m1")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.a.get("/api/v1/store").json, store)
        self.assertEqual(self.head(), head)

    def test_help(self):
        r = self.ctl("--help")
        self.assertEqual(r.returncode, 0)
        for s in ("orders void ID", "orders discount ID", "orders comp ID", "orders refund ID",
                  "orders cancel ID", "--approve CODE", "void_reasons", "discount_limits"):
            self.assertIn(s, r.stdout)
        # the list of orders is still there, with or without "list"
        o = self.sale()
        for args in (["orders", "--status", "PAID"], ["orders", "list", "--status", "PAID"]):
            r = self.ctl(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(o["id"], [x["id"] for x in json.loads(r.stdout)["orders"]])


if __name__ == "__main__":
    unittest.main()
