"""pos_helpers: the real brigade-pos in tmux against a real brigade-server
and brigade-vprinter (a virtual network ESC/POS printer).

    rig = PosRig(self)                       # server + printer, cleaned up
    pos = rig.pos("k1")                      # logs in, waits for the menu
    pos.ring("B1", "S1", "D1")               # PLU + Enter each
    pos.send("Enter"); pos.send("Enter")     # tender, exact cash
    rig.printer.wait_text("TOTAL")           # what came out on paper

Every wait polls with a generous timeout; nothing decides by sleeping.
Standard library only.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from brigade_test import BIN, PINS, Server  # noqa: E402
from tui_helpers import Tmux  # noqa: E402

POS = os.path.join(BIN, "brigade-pos")
VPRINTER = os.path.join(BIN, "brigade-vprinter")
TIMEOUT = float(os.environ.get("BRIGADE_TUI_TIMEOUT", "30"))


def wait(predicate, what, timeout=None):
    """Poll predicate() until it returns something true; return it."""
    deadline = time.time() + (timeout or TIMEOUT)
    while True:
        v = predicate()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.05)


class VPrinter:
    """brigade-vprinter on an ephemeral loopback port."""

    def __init__(self, workdir, name="printer", paper_out=False, no_status=False):
        self.dir = workdir
        self.raw = os.path.join(workdir, name + ".bin")
        self.text = os.path.join(workdir, name + ".txt")
        portfile = os.path.join(workdir, name + ".port")
        args = [VPRINTER, "--listen", "127.0.0.1:0", "--raw", self.raw, "--text", self.text,
                "--port-file", portfile]
        if paper_out:
            args.append("--paper-out")
        if no_status:
            args.append("--no-status")
        self.log = open(os.path.join(workdir, name + ".log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = int(wait(lambda: _read(portfile).strip(), "the virtual printer's port"))
        self.uri = "tcp://127.0.0.1:%d" % self.port

    def read_text(self):
        return _read(self.text)

    def read_raw(self):
        try:
            with open(self.raw, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def wait_text(self, needle, count=1, timeout=None):
        """Wait until needle was printed count times; the paper so far."""
        return wait(lambda: (lambda t: t if t.count(needle) >= count else None)(self.read_text()),
                    "%r printed %d time(s); paper so far:\n%s" % (needle, count, self.read_text()),
                    timeout)

    def paper_out(self):
        self.proc.send_signal(signal.SIGUSR1)

    def paper_in(self):
        self.proc.send_signal(signal.SIGUSR2)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Pos(Tmux):
    """brigade-pos in its own tmux server, with its own state directory."""

    def __init__(self, rig, terminal, width=120, height=36):
        self.rig = rig
        self.terminal = terminal
        self.state = tempfile.mkdtemp(prefix="pos-", dir=rig.dir)
        super().__init__(self.state, width=width, height=height)
        self.log_path = os.path.join(self.state, "brigade", "pos-%s.log" % terminal)

    def launch(self, staff=None, printer=True, kitchen=False, drawer=True, args=(), env=None):
        argv = [POS, "--server", "http://127.0.0.1:%d" % self.rig.server.port,
                "--terminal", self.terminal,
                "--state-dir", os.path.join(self.state, "brigade")]
        if printer:
            argv += ["--printer", self.rig.printer.uri]
        if kitchen:
            argv += ["--kitchen-printer", self.rig.kitchen.uri]
        if drawer:
            argv.append("--drawer")
        argv += list(args)
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.state,
             "XDG_CONFIG_HOME": self.state, "XDG_STATE_HOME": self.state,
             "BRIGADE_TIMEOUT_MS": "3000", "BRIGADE_CONNECT_TIMEOUT_MS": "1000"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        if staff:
            e["BRIGADE_STAFF"] = staff
            e["BRIGADE_PIN"] = PINS[staff]
        e.update(env or {})
        self.start(argv, env=e)
        return self

    def ring(self, *plus):
        """Type each PLU then Enter."""
        for p in plus:
            self.type(p)
            self.send("Enter")

    def menu_ready(self):
        return self.wait_for("PLU>")

    def outbox_rows(self, where="1=1"):
        import sqlite3
        db = sqlite3.connect(os.path.join(self.state, "brigade", "pos-%s-outbox.db" % self.terminal))
        try:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM outbox WHERE %s ORDER BY id" % where)]
        finally:
            db.close()

    def stop(self):
        """End the program like a person (F10 logs out) would not: SIGTERM,
        then check that it exited cleanly (a sanitizer report fails it)."""
        if self.started and not self.dead():
            try:
                os.kill(self.pid(), signal.SIGTERM)
            except (OSError, ValueError, RuntimeError):
                pass
            try:
                self.wait_exit(timeout=20)
            except AssertionError:
                pass
        status = self.exit_status() if self.started else 0
        screen = self.capture() if self.started else ""
        self.kill()
        return status, screen


class PosRig:
    """A demo brigade-server and the virtual printers for one test."""

    def __init__(self, owner=None, kitchen=False, server_extra=None):
        self.dir = tempfile.mkdtemp(prefix="brigade-pos-test-")
        self.server = Server(self.dir, extra=server_extra).start()
        self.printer = VPrinter(self.dir, "receipt")
        self.kitchen = VPrinter(self.dir, "kitchen") if kitchen else None
        self.poses = []
        if owner is not None:
            owner.addCleanup(self.close)

    def pos(self, staff=None, terminal=None, wait_menu=True, **kw):
        p = Pos(self, terminal or "till%d" % (len(self.poses) + 1))
        self.poses.append(p)
        p.launch(staff=staff, **kw)
        if staff and wait_menu:
            if "dispatch" in kw.get("args", ()):
                p.wait_for("| Dispatch")
            else:
                p.wait_for("Classic Burger")
        return p

    def drop(self, pos):
        """Stop one POS now (its exit must be clean)."""
        status, screen = pos.stop()
        self.poses.remove(pos)
        if status not in (0, None):
            raise AssertionError("brigade-pos exited %s:\n%s\n%s" % (status, screen,
                                                                      pos.tail_log(20000)))

    def api(self, staff="m1"):
        return self.server.client(staff)

    def orders(self, staff="m1"):
        c = self.api(staff)
        r = c.get("/api/v1/orders?day=today&limit=2000")
        c.close()
        assert r.status == 200, r
        return r.json["orders"]

    def close(self):
        failures = []
        for p in self.poses:
            status, screen = p.stop()
            if status not in (0, None):
                failures.append("brigade-pos %s exited %s:\n%s\n%s" % (p.terminal, status, screen,
                                                                        p.tail_log(20000)))
        for pr in (self.printer, self.kitchen):
            if pr is not None:
                pr.stop()
        rc = self.server.stop()
        if rc not in (0, None):
            failures.append("brigade-server exited %s:\n%s" % (
                rc, _read(os.path.join(self.dir, "server.log"))[-20000:]))
        if failures:
            raise AssertionError("\n\n".join(failures))
        import shutil
        shutil.rmtree(self.dir, ignore_errors=True)


class PosTest(unittest.TestCase):
    """Base class: one rig (server and printers) for the whole class; each
    test starts its own POS and stops it (PosRig.drop) when done."""

    kitchen = False

    @classmethod
    def setUpClass(cls):
        cls.rig = PosRig(None, kitchen=cls.kitchen)

    @classmethod
    def tearDownClass(cls):
        cls.rig.close()

    def pos(self, staff="k1", **kw):
        p = self.rig.pos(staff, **kw)
        self.addCleanup(lambda: p in self.rig.poses and self.rig.drop(p))
        return p

    def assertCardNumberNowhere(self, pos, pan):
        """The card number never reached the screen, the outbox, the print
        queue, the log or any other file of the till."""
        import glob
        self.assertNotIn(pan, pos.capture())
        for path in glob.glob(os.path.join(pos.state, "brigade", "*")):
            with open(path, "rb") as f:
                self.assertNotIn(pan.encode(), f.read(), path)


# A good card (VISA 4111...1111, expires 12/2029) as a keyboard-wedge reader
# types it: track 1, track 2, then Enter.
SWIPE_VISA = "%B4111111111111111^DOE/JOHN^29121010000000000000?;4111111111111111=29121010000000000000?"
SWIPE_MC = "%B5555555555554444^SMITH/ANA^3001201?"
PAN_VISA = "4111111111111111"
PAN_MC = "5555555555554444"
# A burst that starts like a swipe and breaks the format (a bad read).
SWIPE_BAD = "%B4111111111111112^DOE/JOHN^29121010000000000000?"


def order_by_note_or_total(orders, total):
    return [o for o in orders if o["total"] == total]


def dump(obj):
    return json.dumps(obj, indent=1)
