#!/usr/bin/env python3
"""soak: a steady order load for N minutes while the server, the links and
the kitchen printer fail, then an exact count of what came out.

    python3 tests/bench/soak.py --minutes 30 --bin build/bin     # the soak
    python3 tests/bench/soak.py --minutes 2 --bin build/bin      # a quick try

Everything runs on 127.0.0.1: a demo brigade-server on an ephemeral port
with a temporary database, brigade-vprinter as the kitchen printer, and
the clients, which reach the server only through a TCP proxy in this
script (pass, blackhole: keep the sockets and forward nothing, reset: RST
every connection and refuse new ones).

The load, split between the two real clients that queue orders durably:
- brigade-pos tills (--tills) in one private tmux server, each ringing up a
  sale every --till-interval s with a unique tag as the item note; the
  till's outbox carries the order and its durable print queue the kitchen
  ticket (brigadectl's print command prints straight to the printer, with
  no queue, so the tills are what print);
- brigadectl submitters (--submitters) for the rest of --rate: each queues
  the orders that came due in its outbox with `submit --lines` (one
  process at a time per outbox, as a script would), sending what it can.

Meanwhile, at random: the server is killed with -9 every --kill-every
seconds and restarted on the same port and database; the proxy blackholes
or resets the links for seconds to a minute; the printer is killed with
-9 and started again on the same port some time later.

At the end (load stopped, links passed, server and printer up) the
outboxes are drained (`brigadectl replay`; the tills' own senders) and the
print queues emptied, each within a bounded wait. Then, by tag: orders
acknowledged (done in a client's outbox), stored (GET /api/v1/orders) and
kitchen tickets printed (the virtual printer's text), each must be there
exactly once. Missing and duplicated are listed; the exit status is 1 if
anything was lost or doubled. Every loop is bounded in count and time.
"""
import argparse
import collections
import json
import os
import platform
import random
import re
import selectors
import shlex
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def wait_until(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


# ---------------------------------------------------------------- the proxy

class Proxy:
    """A TCP proxy on 127.0.0.1 to 127.0.0.1:target, in one thread.

    pass: forward both ways; blackhole: forward nothing and read nothing
    (sockets kept, new connections accepted and held); reset: RST every
    connection and every new one. Back to pass, held connections are
    connected upstream and forwarding resumes where it stopped."""

    BUF_MAX = 1 << 20

    def __init__(self, target_port):
        self.target = target_port
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(256)
        self.lsock.setblocking(False)
        self.port = self.lsock.getsockname()[1]
        self.mode = "pass"
        self.want = "pass"
        self.lock = threading.Lock()
        self.conns = []            # [client, upstream or None, buf_to_client, buf_to_upstream, eofs]
        self.stop_flag = False
        self.accepted = 0
        self.resets = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def set_mode(self, mode):
        with self.lock:
            self.want = mode

    def close(self):
        self.stop_flag = True
        self.thread.join(timeout=5)
        for c in self.conns:
            self._rst(c)
        self.lsock.close()

    @staticmethod
    def _rst_sock(s):
        if s is None:
            return
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()

    def _rst(self, c):
        self._rst_sock(c[0])
        self._rst_sock(c[1])
        c[0] = c[1] = None

    def _connect(self, c):
        u = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        u.settimeout(1.0)
        try:
            u.connect(("127.0.0.1", self.target))
        except OSError:
            u.close()
            self._rst(c)          # the server is down: the client sees a reset
            return
        u.setblocking(False)
        u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c[1] = u

    def _run(self):
        sel = selectors.DefaultSelector()
        registered = {}
        while not self.stop_flag:
            with self.lock:
                want = self.want
            if want != self.mode:
                self.mode = want
                if want == "reset":
                    for c in self.conns:
                        self._rst(c)
                        self.resets += 1
                elif want == "pass":
                    for c in self.conns:
                        if c[0] is not None and c[1] is None:
                            self._connect(c)
            self.conns = [c for c in self.conns if c[0] is not None]
            # what each socket waits for now
            desired = {self.lsock: (selectors.EVENT_READ, None)}
            if self.mode == "pass":
                for c in self.conns:
                    cl, up, to_cl, to_up, eofs = c
                    if up is None:
                        continue
                    ev = 0
                    if "c" not in eofs and len(to_up) < self.BUF_MAX:
                        ev |= selectors.EVENT_READ
                    if to_cl:
                        ev |= selectors.EVENT_WRITE
                    if ev:
                        desired[cl] = (ev, (c, 0))
                    ev = 0
                    if "u" not in eofs and len(to_cl) < self.BUF_MAX:
                        ev |= selectors.EVENT_READ
                    if to_up:
                        ev |= selectors.EVENT_WRITE
                    if ev:
                        desired[up] = (ev, (c, 1))
            for s in list(registered):
                if s not in desired or s.fileno() < 0:
                    try:
                        sel.unregister(s)
                    except (KeyError, ValueError, OSError):
                        pass
                    del registered[s]
            for s, (ev, data) in desired.items():
                if s in registered:
                    if registered[s] != (ev, data):
                        sel.modify(s, ev, data)
                        registered[s] = (ev, data)
                else:
                    sel.register(s, ev, data)
                    registered[s] = (ev, data)
            for key, ev in sel.select(timeout=0.05):
                if key.fileobj is self.lsock:
                    self._accept()
                    continue
                c, side = key.data
                if c[0] is None:
                    continue
                self._io(c, side, ev)
        sel.close()

    def _accept(self):
        for _ in range(64):
            try:
                s, _ = self.lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.accepted += 1
            if self.mode == "reset":
                self._rst_sock(s)
                self.resets += 1
                continue
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c = [s, None, bytearray(), bytearray(), set()]
            self.conns.append(c)
            if self.mode == "pass":
                self._connect(c)

    def _io(self, c, side, ev):
        me, other = (c[0], c[1]) if side == 0 else (c[1], c[0])
        out_me = c[2] if side == 0 else c[3]          # bytes waiting to go to me
        out_other = c[3] if side == 0 else c[2]
        my_eof, other_eof = ("c", "u") if side == 0 else ("u", "c")
        try:
            if ev & selectors.EVENT_WRITE and out_me:
                n = me.send(out_me)
                del out_me[:n]
                if not out_me and other_eof in c[4]:
                    me.shutdown(socket.SHUT_WR)
            if ev & selectors.EVENT_READ:
                data = me.recv(65536)
                if data:
                    out_other.extend(data)
                    n = other.send(out_other)
                    del out_other[:n]
                else:
                    c[4].add(my_eof)
                    if not out_other:
                        other.shutdown(socket.SHUT_WR)
                    if "c" in c[4] and "u" in c[4] and not c[2] and not c[3]:
                        c[0].close()
                        c[1].close()
                        c[0] = c[1] = None
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self._rst(c)              # one side reset or failed: so does the other


# ------------------------------------------------------- server and printer

class Printer:
    """brigade-vprinter on a fixed loopback port once the first start chose it."""

    def __init__(self, work, bindir):
        self.bin = os.path.join(bindir, "brigade-vprinter")
        self.text = os.path.join(work, "kitchen.txt")
        self.raw = os.path.join(work, "kitchen.bin")
        self.portfile = os.path.join(work, "kitchen.port")
        self.logf = open(os.path.join(work, "kitchen.log"), "ab")
        self.port = 0
        self.proc = None
        self.restarts = 0

    def start(self):
        for attempt in range(50):
            if os.path.exists(self.portfile):
                os.unlink(self.portfile)
            self.proc = subprocess.Popen([self.bin, "--listen", "127.0.0.1:%d" % self.port,
                                          "--raw", self.raw, "--text", self.text,
                                          "--port-file", self.portfile],
                                         stdout=self.logf, stderr=subprocess.STDOUT)
            ok = wait_until(lambda: self.proc.poll() is not None or
                            (os.path.exists(self.portfile) and
                             open(self.portfile).read().strip()), 10, 0.02)
            if self.proc.poll() is None and ok:
                self.port = int(open(self.portfile).read())
                return
            self.proc.wait()
            time.sleep(0.2)
        raise RuntimeError("brigade-vprinter would not start on port %d" % self.port)

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def up(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.up():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


def start_server(server, port):
    """Start (again) on the same port: a killed server's port can take a
    moment to be free."""
    last = None
    for _ in range(50):
        try:
            return server.start(port=port)
        except RuntimeError as e:
            last = e
            time.sleep(0.2)
    raise RuntimeError("brigade-server would not restart on port %d: %s" % (port, last))


# -------------------------------------------------------------- the clients

class Submitter(threading.Thread):
    """Orders at a steady rate through one brigadectl outbox: the orders
    that came due are queued with one `submit --lines` (and whatever is
    still pending in the outbox goes out with them)."""

    MIN_GAP = 0.5     # at most two processes a second per outbox

    def __init__(self, idx, rate, work, env_base, ctl, end_at, tagged_order):
        super().__init__(daemon=True)
        self.idx = idx
        self.rate = rate
        self.dir = os.path.join(work, "ctl%d" % idx)
        os.makedirs(self.dir)
        self.outbox = os.path.join(self.dir, "outbox.db")
        self.env = dict(env_base)
        self.env.update({"BRIGADE_OUTBOX": self.outbox, "BRIGADE_TERMINAL": "soak-ctl%d" % idx,
                         "XDG_CONFIG_HOME": self.dir, "XDG_STATE_HOME": self.dir})
        self.ctl = ctl
        self.end_at = end_at
        self.tagged_order = tagged_order
        self.handed = []          # tags given to brigadectl
        self.acked_stdout = set() # tags brigadectl printed the server's answer for
        self.runs = 0
        self.killed = 0           # processes past their time limit (kill -9)
        self.exits = collections.Counter()

    def run(self):
        n = 0
        t0 = time.monotonic()
        due_n = 0
        while time.monotonic() < self.end_at:
            now = time.monotonic()
            due_n = int((now - t0) * self.rate)
            tags = ["C%d-%06d" % (self.idx, i) for i in range(n, due_n)]
            if tags:
                n = due_n
                self.submit(tags)
            time.sleep(max(0.0, min(self.MIN_GAP, self.end_at - time.monotonic())))

    def submit(self, tags):
        data = "".join(json.dumps(self.tagged_order(t)) + "\n" for t in tags)
        self.handed.extend(tags)
        self.runs += 1
        try:
            r = subprocess.run([self.ctl, "submit", "--lines", "-"], input=data,
                               capture_output=True, text=True, timeout=60, env=self.env)
        except subprocess.TimeoutExpired:
            self.killed += 1
            return
        self.exits[r.returncode] += 1
        for line in r.stdout.splitlines():
            if line.startswith("{"):
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                for it in o.get("items", []):
                    if it.get("note"):
                        self.acked_stdout.add(it["note"])

    def replay(self, timeout):
        r = subprocess.run([self.ctl, "replay", "--timeout", str(int(timeout))],
                           capture_output=True, text=True, timeout=timeout + 30, env=self.env)
        return r.returncode, r.stderr.strip()


class Tills:
    """brigade-pos tills in one private tmux server, one window each."""

    def __init__(self, work, bindir, count, server_url, kitchen_uri, staff, pin):
        self.dir = os.path.join(work, "tills")
        os.makedirs(self.dir)
        self.sock = os.path.join(self.dir, "tmux.sock")
        self.conf = os.path.join(self.dir, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write("set -g remain-on-exit on\nset -g status off\n"
                    "set -g default-terminal tmux-256color\nset -g history-limit 10\n")
        self.count = count
        self.names = ["soak%d" % (i + 1) for i in range(count)]
        self.states = {}
        self.handed = {n: [] for n in self.names}
        self.sent_calls = 0
        try:
            self._start(bindir, server_url, kitchen_uri, staff, pin)
        except BaseException:
            self.stop()           # no till or tmux server outlives a failed start
            raise

    def _start(self, bindir, server_url, kitchen_uri, staff, pin):
        pos = os.path.join(bindir, "brigade-pos")
        for i, name in enumerate(self.names):
            st = os.path.join(self.dir, name)
            os.makedirs(st)
            self.states[name] = st
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": st,
                   "XDG_CONFIG_HOME": st, "XDG_STATE_HOME": st, "TERM": "tmux-256color",
                   "LANG": "C.UTF-8", "BRIGADE_TIMEOUT_MS": "3000",
                   "BRIGADE_CONNECT_TIMEOUT_MS": "1000", "BRIGADE_STAFF": staff,
                   "BRIGADE_PIN": pin}
            argv = [pos, "--server", server_url, "--terminal", name, "--state-dir",
                    os.path.join(st, "brigade"), "--kitchen-printer", kitchen_uri]
            cmd = "env -i %s %s; echo $? > %s" % (
                " ".join(shlex.quote("%s=%s" % kv) for kv in sorted(env.items())),
                " ".join(shlex.quote(a) for a in argv),
                shlex.quote(os.path.join(st, "exit-status")))
            if i == 0:
                self.tmux("new-session", "-d", "-x", "120", "-y", "36", "-s", "soak", "-n", name,
                          cmd)
            else:
                self.tmux("new-window", "-d", "-t", "soak:", "-n", name, cmd)
        for name in self.names:
            if not wait_until(lambda: "Classic Burger" in self.capture(name), 60, 0.2):
                raise RuntimeError("till %s never showed the menu:\n%s" % (name,
                                                                           self.capture(name)))

    def tmux(self, *args, timeout=30):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMUX_TMPDIR": self.dir,
               "HOME": self.dir, "LANG": "C.UTF-8"}
        r = subprocess.run(["tmux", "-S", self.sock, "-f", self.conf] + list(args),
                           capture_output=True, text=True, timeout=timeout, env=env)
        if r.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (args[0], r.stderr.strip()))
        return r.stdout

    def capture(self, name):
        try:
            return self.tmux("capture-pane", "-p", "-t", "soak:" + name)
        except (RuntimeError, subprocess.TimeoutExpired):
            return ""

    def ring(self, sales):
        """sales: [(till, tag)]: one tmux call types them all. A sale is the
        item, its note, tender, exact cash: `B1` Enter ^N TAG Enter Enter
        Enter. The next sale's first key leaves the done screen."""
        args = []
        for name, tag in sales:
            if args:
                args.append(";")
            args += ["send-keys", "-t", "soak:" + name, "B1", "Enter", "C-n", tag, "Enter",
                     "Enter", "Enter"]
            self.handed[name].append(tag)
        self.sent_calls += 1
        self.tmux(*args)

    def outbox(self, name):
        return os.path.join(self.states[name], "brigade", "pos-%s-outbox.db" % name)

    def printq(self, name):
        return os.path.join(self.states[name], "brigade", "pos-%s-printq.db" % name)

    def alive(self):
        out = {}
        for name, st in self.states.items():
            out[name] = not os.path.exists(os.path.join(st, "exit-status"))
        return out

    def exit_statuses(self):
        out = {}
        for name in self.names:
            try:
                out[name] = open(os.path.join(self.states[name], "exit-status")).read().strip()
            except OSError:
                out[name] = "still running"
        return out

    def stop(self):
        for name in self.names:
            try:
                pid = int(self.tmux("display-message", "-p", "-t", "soak:" + name,
                                    "#{pane_pid}").strip())
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    for child in f.read().split():
                        os.kill(int(child), signal.SIGTERM)
            except (RuntimeError, ValueError, OSError, subprocess.TimeoutExpired):
                pass
        wait_until(lambda: not any(self.alive().values()), 20, 0.2)
        try:
            self.tmux("kill-server")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass


def read_db(path, sql):
    if not os.path.exists(path):
        return []
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def outbox_tags(path):
    """tag -> [state, ...] for the order creations in an outbox."""
    out = collections.defaultdict(list)
    for method, p, body, state in read_db(path, "SELECT method, path, body, state FROM outbox"):
        if method != "POST" or p != "/api/v1/orders":
            continue
        try:
            items = json.loads(body).get("items", [])
        except ValueError:
            continue
        for it in items:
            if it.get("note"):
                out[it["note"]].append(state)
    return out


def outbox_pending(path):
    rows = read_db(path, "SELECT COUNT(*) FROM outbox WHERE state=0")
    return rows[0][0] if rows else 0


def printq_counts(path):
    return dict(read_db(path, "SELECT state, COUNT(*) FROM print_jobs GROUP BY state"))


# ------------------------------------------------------------------ chaos

class Chaos:
    """The random failures, each on its own schedule."""

    def __init__(self, rng, a, short):
        self.rng = rng
        self.a = a
        s = 0.25 if short else 1.0
        self.kill_range = (a.kill_every[0] * s, a.kill_every[1] * s)
        self.cut_gap = (a.cut_gap[0] * s, a.cut_gap[1] * s)
        self.cut_len = (a.cut_len[0], a.cut_len[1] * (0.33 if short else 1))
        self.printer_gap = (a.printer_gap[0] * s, a.printer_gap[1] * s)
        self.printer_off = (a.printer_off[0], a.printer_off[1] * (0.33 if short else 1))
        now = time.monotonic()
        self.next_kill = now + rng.uniform(*self.kill_range)
        self.next_cut = now + rng.uniform(*self.cut_gap)
        self.cut_until = None
        self.next_printer_off = now + rng.uniform(*self.printer_gap)
        self.printer_on_at = None
        self.kills = 0
        self.cuts = collections.Counter()
        self.cut_seconds = 0.0
        self.printer_offs = 0
        self.printer_off_seconds = 0.0
        self.events = []

    def step(self, server, port, proxy, printer):
        now = time.monotonic()
        if now >= self.next_kill:
            server.kill9()
            self.kills += 1
            pause = self.rng.uniform(0, 3)
            time.sleep(pause)
            start_server(server, port)
            self.events.append("server kill -9 #%d, back after %.1f s" % (self.kills, pause))
            log(self.events[-1])
            self.next_kill = time.monotonic() + self.rng.uniform(*self.kill_range)
        if self.cut_until is None and now >= self.next_cut:
            mode = self.rng.choice(["blackhole", "reset"])
            dur = self.rng.uniform(*self.cut_len)
            proxy.set_mode(mode)
            self.cuts[mode] += 1
            self.cut_seconds += dur
            self.cut_until = now + dur
            self.events.append("links %s for %.1f s" % (mode, dur))
            log(self.events[-1])
        if self.cut_until is not None and now >= self.cut_until:
            proxy.set_mode("pass")
            self.cut_until = None
            self.next_cut = now + self.rng.uniform(*self.cut_gap)
        if self.printer_on_at is None and now >= self.next_printer_off:
            printer.kill9()
            dur = self.rng.uniform(*self.printer_off)
            self.printer_offs += 1
            self.printer_off_seconds += dur
            self.printer_on_at = now + dur
            self.events.append("printer kill -9 #%d, off for %.1f s" % (self.printer_offs, dur))
            log(self.events[-1])
        if self.printer_on_at is not None and now >= self.printer_on_at:
            printer.start()
            printer.restarts += 1
            self.printer_on_at = None
            self.next_printer_off = now + self.rng.uniform(*self.printer_gap)

    def restore(self, server, port, proxy, printer):
        proxy.set_mode("pass")
        self.cut_until = None
        if server.proc is None or server.proc.poll() is not None:
            start_server(server, port)
        if not printer.up():
            printer.start()
            printer.restarts += 1
        self.printer_on_at = None


# ------------------------------------------------------------------- main

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def pair(s):
    lo, hi = (float(x) for x in s.split("-"))
    return lo, hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30, help="length of the load (default 30)")
    ap.add_argument("--bin", default=os.environ.get("BRIGADE_BIN", "build/bin"))
    ap.add_argument("--rate", type=float, default=20, help="orders/s in all (default 20)")
    ap.add_argument("--tills", type=int, default=3, help="brigade-pos tills (default 3)")
    ap.add_argument("--till-interval", type=float, default=2.0,
                    help="seconds between sales on a till (default 2.0)")
    ap.add_argument("--submitters", type=int, default=4, help="brigadectl outboxes (default 4)")
    ap.add_argument("--kill-every", type=pair, default=(120, 240), metavar="LO-HI",
                    help="seconds between server kills (default 120-240)")
    ap.add_argument("--cut-gap", type=pair, default=(20, 90), metavar="LO-HI",
                    help="seconds between link cuts (default 20-90)")
    ap.add_argument("--cut-len", type=pair, default=(2, 60), metavar="LO-HI",
                    help="seconds a cut lasts (default 2-60)")
    ap.add_argument("--printer-gap", type=pair, default=(60, 180), metavar="LO-HI",
                    help="seconds between printer power cuts (default 60-180)")
    ap.add_argument("--printer-off", type=pair, default=(5, 60), metavar="LO-HI",
                    help="seconds the printer stays off (default 5-60)")
    ap.add_argument("--drain", type=float, default=300, help="bound on the final drain, s")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    a = ap.parse_args()
    bindir = os.path.abspath(a.bin)
    os.environ["BRIGADE_BIN"] = bindir
    sys.path.insert(0, os.path.join(HERE, "..", "integration"))
    from brigade_test import PINS, Server  # noqa: E402
    from client_helpers import all_orders, tagged_order  # noqa: E402

    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    short = a.minutes < 10
    till_rate = a.tills / a.till_interval if a.tills else 0.0
    ctl_rate = max(0.0, a.rate - till_rate)
    work = tempfile.mkdtemp(prefix="brigade-soak-")
    log("machine: %s, %d CPUs, %s" % (cpu_model(), os.cpu_count(), platform.platform()))
    log("soak: %.1f min, %.1f orders/s (%d tills at %.2f/s, %d brigadectl outboxes at %.2f/s), "
        "seed %d, work %s" % (a.minutes, a.rate, a.tills, till_rate, a.submitters, ctl_rate,
                              seed, work))
    server = Server(work)
    start_server(server, 0)
    port = server.port
    proxy = Proxy(port)
    printer = Printer(work, bindir)
    printer.start()
    url = "http://127.0.0.1:%d" % proxy.port
    env_base = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
    env_base.update({"BRIGADE_SERVER": url, "BRIGADE_STAFF": "k1", "BRIGADE_PIN": PINS["k1"],
                     "BRIGADE_TIMEOUT_MS": "2000", "BRIGADE_CONNECT_TIMEOUT_MS": "1000"})
    tills = None
    subs = []
    failed = True
    try:
        if a.tills:
            tills = Tills(work, bindir, a.tills, url, "tcp://127.0.0.1:%d" % printer.port,
                          "k1", PINS["k1"])
        chaos = Chaos(rng, a, short)
        t_start = time.monotonic()
        end_at = t_start + a.minutes * 60
        for i in range(a.submitters if ctl_rate > 0 else 0):
            s = Submitter(i + 1, ctl_rate / a.submitters, work, env_base,
                          os.path.join(bindir, "brigadectl"), end_at, tagged_order)
            subs.append(s)
            s.start()
        # the tills' sales and the chaos, from this thread
        till_next = {}
        till_n = collections.Counter()
        if tills:
            for k, name in enumerate(tills.names):
                till_next[name] = t_start + a.till_interval * (k + 1) / a.tills
        last_report = t_start
        ring_errors = 0
        while time.monotonic() < end_at:
            now = time.monotonic()
            due = []
            for name in till_next:
                if now >= till_next[name]:
                    till_n[name] += 1
                    due.append((name, "T%s-%06d" % (name[4:], till_n[name])))
                    till_next[name] += a.till_interval * rng.uniform(0.9, 1.1)
            if due:
                try:
                    tills.ring(due)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    ring_errors += 1
                    log("tmux: %s" % e)
            chaos.step(server, port, proxy, printer)
            if now - last_report >= 60:
                last_report = now
                log("%.0f s: %d orders handed to the clients" % (
                    now - t_start, sum(len(s.handed) for s in subs) +
                    (sum(len(v) for v in tills.handed.values()) if tills else 0)))
            time.sleep(0.05)
        load_s = time.monotonic() - t_start
        log("load stopped after %.0f s; waiting for the submitters" % load_s)
        for s in subs:
            s.join(timeout=120)
        chaos.restore(server, port, proxy, printer)
        log("links passing, server and printer up; draining (at most %.0f s)" % a.drain)
        t_drain = time.monotonic()
        drain_deadline = t_drain + a.drain
        replay = {}
        for s in subs:
            left = max(10, drain_deadline - time.monotonic())
            replay[s.idx] = s.replay(left)
        if tills:
            def tills_settled():
                pend = sum(outbox_pending(tills.outbox(n)) for n in tills.names)
                q = [printq_counts(tills.printq(n)) for n in tills.names]
                # queued, sending, waiting, paper-wait
                busy = sum(c.get(st, 0) for c in q for st in (0, 1, 2, 3))
                return pend == 0 and busy == 0
            wait_until(tills_settled, max(5, drain_deadline - time.monotonic()), 0.5)
            time.sleep(2)      # the last ticket's bytes reach the paper file
        drain_s = time.monotonic() - t_drain

        # ---- the count
        c = server.client("m1")
        stored = collections.Counter()
        for o in all_orders(c):
            for it in o.get("items", []):
                if it.get("note"):
                    stored[it["note"]] += 1
        c.close()
        paper = open(printer.text, errors="replace").read() if os.path.exists(printer.text) else ""
        printed = collections.Counter(re.findall(r"NOTE: (\S+)", paper))
        handed, in_outbox, acked = set(), collections.Counter(), collections.Counter()
        attention = collections.Counter()
        till_tags = set()
        pending_left = 0
        for s in subs:
            handed.update(s.handed)
            for tag, states in outbox_tags(s.outbox).items():
                in_outbox[tag] += len(states)
                acked[tag] += states.count(1)
                attention[tag] += states.count(2)
            pending_left += outbox_pending(s.outbox)
        pq = collections.Counter()
        if tills:
            for name in tills.names:
                handed.update(tills.handed[name])
                for tag, states in outbox_tags(tills.outbox(name)).items():
                    in_outbox[tag] += len(states)
                    acked[tag] += states.count(1)
                    attention[tag] += states.count(2)
                    till_tags.add(tag)
                pending_left += outbox_pending(tills.outbox(name))
                for st, n in printq_counts(tills.printq(name)).items():
                    pq[st] += n
        stdout_acked = set().union(*(s.acked_stdout for s in subs)) if subs else set()

        def fmt(tags, limit=30):
            tags = sorted(tags)
            more = " ... (%d more)" % (len(tags) - limit) if len(tags) > limit else ""
            return (", ".join(tags[:limit]) + more) if tags else "none"

        acked_set = {t for t in acked if acked[t] > 0}
        lost = {t for t in acked_set if stored[t] == 0}
        acked_dup = {t for t in acked_set if acked[t] > 1}
        stored_dup = {t for t in stored if stored[t] > 1}
        phantom = {t for t in stored if t not in in_outbox}
        not_queued = handed - set(in_outbox)          # keys or process never got it queued
        unacked = {t for t in in_outbox if acked[t] == 0}
        tick_missing = {t for t in till_tags if printed[t] == 0}
        tick_dup = {t for t in till_tags if printed[t] > 1}
        tick_stray = {t for t in printed if t not in till_tags}
        names = ["queued", "sending", "waiting", "paper-wait", "done", "attention", "discarded"]
        log("---- soak result (seed %d, work %s)" % (seed, work))
        print("load: %.1f min (%.0f s), drain %.1f s" % (load_s / 60, load_s, drain_s))
        print("chaos: server kill -9 x%d; link cuts x%d (blackhole %d, reset %d; %.0f s cut); "
              "printer off x%d (%.0f s off), restarts %d"
              % (chaos.kills, sum(chaos.cuts.values()), chaos.cuts["blackhole"],
                 chaos.cuts["reset"], chaos.cut_seconds, chaos.printer_offs,
                 chaos.printer_off_seconds, printer.restarts))
        print("clients: %d tills (%d tmux calls, %d failed), %d brigadectl outboxes "
              "(%d submit runs, exits %s, %d killed at 60 s); replay exits %s; proxy: %d "
              "connections, %d reset"
              % (a.tills, tills.sent_calls if tills else 0, ring_errors, len(subs),
                 sum(s.runs for s in subs),
                 dict(sum((s.exits for s in subs), collections.Counter())),
                 sum(s.killed for s in subs), [replay[k][0] for k in sorted(replay)],
                 proxy.accepted, proxy.resets))
        for k in sorted(replay):
            if replay[k][0] != 0:
                print("  replay %d: %s" % (k, replay[k][1]))
        print("orders: handed to clients %d; in outboxes %d (tills %d); acknowledged %d "
              "(%.2f orders/s over the load); stored %d distinct, %d rows; "
              "brigadectl printed the answer for %d"
              % (len(handed), len(in_outbox), len(till_tags), len(acked_set),
                 len(acked_set) / load_s, len(stored), sum(stored.values()),
                 len(stdout_acked)))
        print("kitchen tickets: expected %d, printed %d distinct (%d in all); print queues: %s"
              % (len(till_tags), len([t for t in till_tags if printed[t]]),
                 sum(printed.values()), {names[k]: v for k, v in sorted(pq.items())}))
        print("outbox left pending %d; needs attention %d: %s"
              % (pending_left, sum(attention.values()), fmt(t for t in attention if attention[t])))
        print("not queued (never reached an outbox) %d: %s" % (len(not_queued), fmt(not_queued)))
        print("queued, never acknowledged %d: %s" % (len(unacked), fmt(unacked)))
        print("LOST (acknowledged, not stored) %d: %s" % (len(lost), fmt(lost)))
        print("DUPLICATED in an outbox %d: %s" % (len(acked_dup), fmt(acked_dup)))
        print("DUPLICATED on the server %d: %s" % (len(stored_dup), fmt(stored_dup)))
        print("stored but in no outbox %d: %s" % (len(phantom), fmt(phantom)))
        print("kitchen tickets MISSING %d: %s" % (len(tick_missing), fmt(tick_missing)))
        print("kitchen tickets DUPLICATED %d: %s" % (len(tick_dup), fmt(tick_dup)))
        print("tickets for no till order %d: %s" % (len(tick_stray), fmt(tick_stray)))
        bad = (lost or acked_dup or stored_dup or phantom or unacked or pending_left
               or tick_missing or tick_dup or tick_stray)
        print("SOAK %s" % ("FAILED" if bad else "PASSED"), flush=True)
        print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
        failed = bool(bad)
    finally:
        for s in subs:
            s.end_at = 0
        if tills:
            tills.stop()
            st = tills.exit_statuses()
            if any(v != "0" for v in st.values()):
                log("tills exited: %s" % st)
                failed = True
        proxy.close()
        printer.stop()
        rc = server.stop()
        if rc not in (0, None):
            log("brigade-server exited %s at the end (see %s/server.log)" % (rc, work))
            failed = True
        if a.keep or failed:
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
