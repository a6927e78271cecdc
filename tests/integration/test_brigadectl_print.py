#!/usr/bin/env python3
"""brigadectl print and printer status, against a real server and the
virtual printer on an ephemeral loopback port."""
import os
import signal
import subprocess
import tempfile
import time
import unittest

from brigade_test import BIN, ServerTest, walk_in
from client_helpers import Ctl


class VPrinter:
    def __init__(self, workdir):
        self.raw = os.path.join(workdir, "printer.raw")
        self.text = os.path.join(workdir, "printer.txt")
        portfile = os.path.join(workdir, "vprinter.port")
        self.proc = subprocess.Popen([os.path.join(BIN, "brigade-vprinter"), "--listen",
                                      "127.0.0.1:0", "--raw", self.raw, "--text", self.text,
                                      "--port-file", portfile],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


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


if __name__ == "__main__":
    unittest.main()
