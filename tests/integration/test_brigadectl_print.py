#!/usr/bin/env python3
"""brigadectl print and printer status, against a real server and the
virtual printer on an ephemeral loopback port."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from brigade_test import BIN, ServerTest, walk_in
from client_helpers import Ctl


class VPrinter:
    def __init__(self, workdir, columns=None, name=""):
        tag = "" if columns is None else "-%s%d" % (name, columns)
        self.raw = os.path.join(workdir, "printer%s.raw" % tag)
        self.text = os.path.join(workdir, "printer%s.txt" % tag)
        self.overflow = os.path.join(workdir, "overflow%s.txt" % tag)
        self.stderr = os.path.join(workdir, "vprinter%s.err" % tag)
        portfile = os.path.join(workdir, "vprinter%s.port" % tag)
        args = [os.path.join(BIN, "brigade-vprinter"), "--listen", "127.0.0.1:0",
                "--raw", self.raw, "--text", self.text, "--port-file", portfile,
                "--overflow", self.overflow]
        if columns is not None:
            args += ["--columns", str(columns)]
        with open(self.stderr, "w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(200):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            time.sleep(0.02)
        self.port = int(open(portfile).read())
        self.uri = "tcp://127.0.0.1:%d" % self.port

    def read_text(self, want, timeout=10):
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            if os.path.exists(self.text):
                text = open(self.text, errors="replace").read()
                if want in text:
                    return text
            time.sleep(0.05)
        raise AssertionError("%r never printed; the paper says:\n%s" % (want, text))

    def overflows(self):
        if not os.path.exists(self.overflow):
            return []
        return open(self.overflow, errors="replace").read().splitlines()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def utf8_bytes(text, n):
    """text cut to at most n bytes of UTF-8 on a character, padded with x
    to exactly n: a field at the API's limit."""
    cut = text.encode()[:n].decode("utf-8", "ignore").rstrip()
    return cut + "x" * (n - len(cut.encode()))


def squeeze(text):
    """The paper's characters without markers or white space: text wrapped
    anywhere still contains what was sent."""
    for m in ("[b]", "[/b]", "[u]", "[/u]", "[inv]", "[/inv]", "[/size]",
              "[size 2x2]", "[size 1x2]", "[size 2x1]", "[size 3x3]"):
        text = text.replace(m, "")
    return "".join(text.split())


class Print(ServerTest):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="brigade-print-")
        self.vp = VPrinter(self.work)
        self.addCleanup(self.vp.stop)
        self.ctl = Ctl(self.work, self.server.port, staff="m1")
        self.k = self.client("k1")

    def test_receipt_kitchen_label(self):
        o = self.k.create(walk_in(items=[{"sku": "B1", "qty": 2, "modifiers": ["XCH"]},
                                         {"sku": "DR1", "qty": 1}],
                                  customer={"name": "Zoë"})).json
        r = self.ctl.run("print", "--printer", self.vp.uri, "--name", "Chez Brigade",
                         "receipt", o["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("printed receipt", r.stdout)
        paper = self.vp.read_text("Chez Brigade")
        self.assertIn("Classic Burger", paper)
        self.assertIn("Extra cheese", paper)
        self.assertIn("%d.%02d" % divmod(o["total"], 100), paper)
        r = self.ctl.run("print", "--printer", self.vp.uri, "kitchen", o["id"], "--station", "bar")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.vp.read_text("Cola")
        r = self.ctl.run("print", "--printer", self.vp.uri, "label", o["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.vp.read_text("3/3")
        # a station with nothing on the order prints nothing
        r = self.ctl.run("print", "--printer", self.vp.uri, "kitchen", o["id"], "--station", "cold")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nothing to print", r.stderr)

    def test_test_page_and_status(self):
        r = self.ctl.run("print", "--printer", self.vp.uri, "--profile", "epson-tm-t20", "test")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.vp.read_text("Printer test")
        r = self.ctl.run("printer", "status", self.vp.uri)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("online", r.stdout)
        self.vp.proc.send_signal(signal.SIGUSR1)      # paper out
        time.sleep(0.2)
        r = self.ctl.run("printer", "status", self.vp.uri)
        self.assertIn("paper out", r.stdout)
        self.vp.proc.send_signal(signal.SIGUSR2)

    def test_refusals(self):
        o = self.k.create(walk_in()).json
        cases = [
            (("print", "--printer", "bogus://x", "test"), 8, "bogus"),
            (("print", "--printer", "tcp://127.0.0.1:1", "test"), 8, "tcp://127.0.0.1:1"),
            (("print", "--printer", self.vp.uri, "receipt", 999999), 1, "order 999999"),
            (("print", "--printer", self.vp.uri, "receipt"), 2, "order id"),
            (("print", "--printer", self.vp.uri, "receipt", "abc"), 2, "not an order id"),
            (("print", "--printer", self.vp.uri, "test", o["id"]), 2, "takes no order id"),
            (("print", "--printer", self.vp.uri, "menu"), 2, "what to print"),
            (("print", "test"), 2, "--printer"),
            (("print", "--printer", self.vp.uri, "--profile", "no-such-printer", "test"), 2,
             "no-such-printer"),
            (("printer", "status", "file:///nonexistent/dir/lp0"), 8, "nonexistent"),
            (("printer", "status"), 2, "printer status URI"),
        ]
        for args, code, words in cases:
            r = self.ctl.run(*args)
            with self.subTest(args=args):
                self.assertEqual(r.returncode, code, r.stderr)
                self.assertIn(words, r.stderr)
        self.assertFalse(os.path.exists(self.vp.text) and "Printer test" in open(self.vp.text).read())


class PaperWidth(ServerTest):
    """Every document brigadectl prints, with the longest content the API
    allows, on printers of 32, 42 and 48 columns: brigade-vprinter
    --columns reports no line a real printer would wrap, and the
    delivery's details, the note and the money are on the paper whole."""

    NAME = utf8_bytes("Zoë Ångström-Ñúñez " * 4, 64)
    PHONE = utf8_bytes("+44 (0)20 7946 0958 ext. 1234567", 32)
    ADDRESS = utf8_bytes("Flat 12, Ångström House, 221B Baker Street, Marylebone, "
                         "London NW1 6XE, United Kingdom; ring the bell marked Ñúñez "
                         "twice and leave it with the concierge at the desk if nobody "
                         "answers the door", 200)
    NOTE = utf8_bytes("Nut allergy: no peanuts, no almonds, no hazelnuts; plate this "
                      "cheesecake on the blue plate with a candle, birthday of Zoé (42) "
                      "and sing", 140)

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="brigade-paper-")
        self.ctl = Ctl(self.work, self.server.port, staff="m1")
        self.k = self.client("k1")

    def test_nothing_wraps_nothing_cut(self):
        self.assertEqual([len(f.encode()) for f in (self.NAME, self.PHONE, self.ADDRESS,
                                                    self.NOTE)], [64, 32, 200, 140])
        order = walk_in("DELIVERY", items=[
            {"sku": "B1", "qty": 99, "modifiers": ["XCH", "BAC"], "note": self.NOTE},
            {"sku": "S1", "qty": 99}], pay=[{"tender": "CASH", "amount": 500000}])
        order["customer"] = {"name": self.NAME, "phone": self.PHONE, "address": self.ADDRESS}
        r = self.k.create(order)
        self.assertEqual(r.status, 201, r.json)
        o = r.json
        total = "$%d.%02d" % divmod(o["total"], 100)
        for profile, columns in (("generic-58", 32), ("zjiang-pos-5890", 32),
                                 ("epson-tm-t88", 42), ("epson-tm-t20ii", 48)):
            with self.subTest(profile=profile):
                vp = VPrinter(self.work, columns, profile)
                self.addCleanup(vp.stop)
                for what in (("receipt", o["id"]), ("kitchen", o["id"]), ("label", o["id"]),
                             ("test",)):
                    r = self.ctl.run("print", "--printer", vp.uri, "--profile", profile, *what)
                    self.assertEqual(r.returncode, 0, r.stderr)
                paper = vp.read_text("Printer test")
                self.assertEqual(vp.overflows(), [], paper)
                flat = squeeze(paper)
                # receipt, kitchen ticket and each of the 198 labels
                self.assertEqual(flat.count(squeeze(self.ADDRESS)), 200)
                self.assertEqual(flat.count(squeeze(self.PHONE)), 200)
                self.assertEqual(flat.count(squeeze(self.NOTE)), 1 + 1 + 99)
                self.assertIn(squeeze(self.NAME), flat)
                # the till's receipt: currency sign and tax rate
                self.assertIn(squeeze(total), flat)
                self.assertIn("Tax 8%", paper)

    def test_vprinter_reports_wide_lines(self):
        # a 58 mm printer: 32 columns, 16 at double width
        vp = VPrinter(self.work, 32)
        self.addCleanup(vp.stop)
        with socket.create_connection(("127.0.0.1", vp.port)) as s:
            s.sendall(b"\x1b@" + b"x" * 32 + b"\n" + b"\x1b!\x20" + b"y" * 17 + b"\n" +
                      b"\x1d!\x00" + b"z" * 35 + b"\nend\n")
        vp.read_text("end")
        deadline = time.time() + 5
        while len(vp.overflows()) < 2 and time.time() < deadline:
            time.sleep(0.05)
        got = vp.overflows()
        self.assertEqual(len(got), 2, got)
        self.assertTrue(got[0].startswith("34/32: "), got)
        self.assertIn("y" * 17, got[0])
        self.assertTrue(got[1].startswith("35/32: "), got)
        self.assertIn("would wrap", open(vp.stderr).read())


if __name__ == "__main__":
    unittest.main()
