"""tui_helpers: drive a real full-screen program inside tmux.

Each Tmux has its own tmux server on a private socket in its own directory
(`tmux -S DIR/sock`), so tests run in parallel without seeing each other
and never touch the user's tmux. Nothing here sleeps for a fixed time to
decide an outcome: wait_for polls the screen until the text shows up (or
a generous timeout passes, and the screen is shown in the failure).

    t = Tmux(workdir, width=80, height=24)
    t.start([BIN + "/brigade-kds", "--server", url], env=env)
    t.wait_for("NEW")
    t.send("Enter")            # tmux key names: Enter, Up, Escape, C-c, F1 ...
    t.type("42")               # literal text
    t.raw(b"\x1b[[A")          # bytes as a terminal sends them (F1 on Linux)
    t.tap(*t.where("Burger"))  # a tap (SGR mouse press and release) there
    screen = t.wait_for(r"#\\s*7", regex=True)
    attrs = t.attrs_at("LATE") # SGR state where a text begins (-e capture)
    t.resize(120, 40)
    t.kill()

Standard library only.
"""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time

DEFAULT_TIMEOUT = float(os.environ.get("BRIGADE_TUI_TIMEOUT", "30"))


class Tmux:
    """One tmux server with one window running one command."""

    def __init__(self, workdir=None, width=80, height=24):
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="brigade-tmux-")
        self.sock = os.path.join(self.dir, "tmux.sock")
        # read by the server when it starts: a dead pane is kept (its last
        # screen and exit status can be read), no status line
        self.conf = os.path.join(self.dir, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write("set -g remain-on-exit on\nset -g status off\n"
                    "set -g default-terminal tmux-256color\nset -g history-limit 100\n")
        self.width = width
        self.height = height
        self.started = False

    # -- plumbing ---------------------------------------------------------

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-S", self.sock, "-f", self.conf] + list(args),
                           capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout

    def start(self, argv, env=None, cwd=None):
        """Run argv (a list) in a new window of width x height. env is the
        whole environment of the program (TERM is set to tmux-256color
        unless env gives one); cwd its directory."""
        env = dict(env if env is not None else os.environ)
        env.setdefault("TERM", "tmux-256color")
        env.setdefault("LANG", "C.UTF-8")
        cmd = " ".join(shlex.quote(a) for a in argv)
        # the server keeps a dead pane so its last screen and exit status
        # can be read; the environment goes to the command through env(1)
        # because the tmux server's own environment is not the program's
        envargs = " ".join(shlex.quote("%s=%s" % kv) for kv in sorted(env.items()))
        # a shell waits for the program and keeps its exit status in a file
        # (tmux loses the status of a pane whose program ends at once)
        self.status_file = os.path.join(self.dir, "exit-status")
        if os.path.exists(self.status_file):
            os.unlink(self.status_file)
        shell = "env -i %s %s; echo $? > %s" % (envargs, cmd, shlex.quote(self.status_file))
        tenv = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMUX_TMPDIR": self.dir,
                "HOME": self.dir, "LANG": "C.UTF-8"}
        r = subprocess.run(["tmux", "-S", self.sock, "-f", self.conf, "new-session", "-d",
                            "-x", str(self.width), "-y", str(self.height), "-s", "t",
                            "-c", cwd or self.dir, shell],
                           capture_output=True, text=True, timeout=30, env=tenv)
        if r.returncode != 0:
            raise RuntimeError("tmux new-session: %s" % r.stderr.strip())
        self.started = True
        return self

    # -- keys -------------------------------------------------------------

    def send(self, *keys):
        """tmux key names, one after another: "Enter", "Up", "Escape",
        "Space", "C-c", "BSpace", "F1", or single characters."""
        for k in keys:
            self.tmux("send-keys", "-t", "t", k)

    def type(self, text):
        """Literal text, as if typed."""
        self.tmux("send-keys", "-t", "t", "-l", text)

    def raw(self, data):
        """Bytes as the terminal sends them (send-keys -H): an escape
        sequence arrives whole, whatever tmux's own key tables say."""
        if isinstance(data, str):
            data = data.encode()
        self.tmux("send-keys", "-t", "t", "-H", *["%02x" % b for b in data])

    def tap(self, x, y, times=1):
        """A tap at column x, row y (0-based): an SGR (1006) mouse press
        and release of the first button; times=2 sends a double tap in
        one write, as a touchscreen does."""
        one = "\x1b[<0;%d;%dM\x1b[<0;%d;%dm" % (x + 1, y + 1, x + 1, y + 1)
        self.raw(one * times)

    def where(self, text, occurrence=0, screen=None):
        """(x, y) where the n-th occurrence of text starts on the screen,
        or None."""
        for y, line in enumerate((screen or self.capture()).split("\n")):
            start = 0
            while True:
                x = line.find(text, start)
                if x < 0:
                    break
                if occurrence == 0:
                    return x, y
                occurrence -= 1
                start = x + 1
        return None

    # -- screen -----------------------------------------------------------

    def capture(self, colors=False, history=False):
        """The visible screen as text (with SGR escapes when colors; with
        the lines scrolled off the top too when history)."""
        args = ["capture-pane", "-p", "-t", "t"]
        if colors:
            args.insert(2, "-e")
        if history:
            args += ["-S", "-", "-J"]
        return self.tmux(*args)

    def capture_lines(self):
        """The visible screen as text with line drawing as box characters:
        a program in a locale without UTF-8 draws its frames in the VT100
        line-drawing set (ACS: 'q' between SO and SI), which a plain
        capture shows as letters."""
        text = re.sub(r"\x1b\[[0-9;:]*m", "", self.capture(colors=True))
        out, acs = [], False
        for c in text:
            if c == "\x0e":
                acs = True
            elif c == "\x0f":
                acs = False
            else:
                out.append(_ACS.get(c, c) if acs else c)
        return "".join(out)

    def wait_for(self, pattern, timeout=None, regex=False, colors=False, gone=False):
        """Poll the screen until pattern is on it (or, with gone, until it
        is not); returns the screen. Raises AssertionError with the screen
        when the timeout passes."""
        deadline = time.time() + (timeout or DEFAULT_TIMEOUT)
        rx = re.compile(pattern, re.M) if regex else None
        screen = ""
        while True:
            screen = self.capture(colors=colors)
            found = bool(rx.search(screen)) if rx else pattern in screen
            if found != gone:
                return screen
            if time.time() > deadline:
                raise AssertionError("%s %r on the screen after %.0f s; the screen:\n%s\n%s"
                                     % ("still" if gone else "no", pattern,
                                        timeout or DEFAULT_TIMEOUT, screen, self.tail_log()))
            if self.dead():
                screen = self.capture(colors=colors)
                found = bool(rx.search(screen)) if rx else pattern in screen
                if found != gone:
                    return screen
                raise AssertionError("the program exited (%s) waiting for %r; the screen:\n%s\n%s"
                                     % (self.exit_status(), pattern, screen, self.tail_log()))
            time.sleep(0.05)

    def wait_all(self, *texts, timeout=None):
        """Poll until every text is on the screen at once (a frame may be
        captured half written); returns the screen."""
        return self.wait_until(lambda s: all(t in s for t in texts), timeout=timeout,
                               what="all of %r on the screen" % (texts,))

    def wait_gone(self, pattern, **kw):
        return self.wait_for(pattern, gone=True, **kw)

    def wait_until(self, predicate, timeout=None, what="condition"):
        """Poll predicate(screen) until true; returns the screen."""
        deadline = time.time() + (timeout or DEFAULT_TIMEOUT)
        while True:
            screen = self.capture()
            if predicate(screen):
                return screen
            if time.time() > deadline:
                raise AssertionError("%s not met after %.0f s; the screen:\n%s"
                                     % (what, timeout or DEFAULT_TIMEOUT, screen))
            time.sleep(0.05)

    def attrs_at(self, text, occurrence=0, regex=False, screen=None):
        """The SGR state (a dict: bold, dim, italic, underline, blink,
        reverse, fg, bg) where the n-th occurrence of text (or of a regex)
        starts on the screen, from one colour capture (or the given one);
        None when it is not there."""
        rx = re.compile(text if regex else re.escape(text))
        for line in (screen or self.capture(colors=True)).split("\n"):
            state = {}
            plain = ""
            i = 0
            states = []
            while i < len(line):
                m = re.match(r"\x1b\[([0-9;:]*)m", line[i:])
                if m:
                    _apply_sgr(state, m.group(1))
                    i += m.end()
                    continue
                plain += line[i]
                states.append(dict(state))
                i += 1
            for m in rx.finditer(plain):
                if occurrence == 0:
                    return states[m.start()]
                occurrence -= 1
        return None

    def line_with(self, text):
        """The first screen line that holds text, or None."""
        for line in self.capture().split("\n"):
            if text in line:
                return line
        return None

    # -- window and process -------------------------------------------------

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def pid(self):
        """The program's pid (the child of the pane's shell)."""
        shell = int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with open("/proc/%d/task/%d/children" % (shell, shell)) as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                pass
            time.sleep(0.02)
        raise AssertionError("no program under the pane's shell %d" % shell)

    def dead(self):
        out = self.tmux("display-message", "-p", "-t", "t", "#{pane_dead}", check=False).strip()
        return out == "1"

    def exit_status(self):
        """The program's exit status once it ended (None before; a program
        that dies of a signal reports 128 + the signal)."""
        try:
            with open(self.status_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError, AttributeError):
            pass
        out = self.tmux("display-message", "-p", "-t", "t",
                        "#{pane_dead_status}:#{pane_dead_signal}", check=False).strip()
        status, _, sig = out.partition(":")
        if status.lstrip("-").isdigit():
            return int(status)
        if sig.isdigit():
            return 128 + int(sig)
        m = re.search(r"Pane is dead \((?:status|signal) (\d+)", self.capture())
        if m:
            return int(m.group(1)) + (128 if "signal" in m.group(0) else 0)
        return None

    def wait_exit(self, timeout=None):
        """Wait for the program to end; its exit status."""
        deadline = time.time() + (timeout or DEFAULT_TIMEOUT)
        while not self.dead():
            if time.time() > deadline:
                raise AssertionError("the program did not exit; the screen:\n%s" % self.capture())
            time.sleep(0.05)
        # the pane dies when its terminal closes; the status follows
        settle = time.time() + 3
        while self.exit_status() is None and time.time() < settle:
            time.sleep(0.05)
        return self.exit_status()

    log_path = None

    def tail_log(self, n=4000):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, errors="replace") as f:
            return "--- log ---\n" + f.read()[-n:]

    def kill(self):
        """Stop the tmux server (and with it the program: SIGHUP)."""
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# the VT100 line-drawing characters a frame uses
_ACS = {"l": "\u250c", "k": "\u2510", "m": "\u2514", "j": "\u2518", "q": "\u2500",
        "x": "\u2502", "t": "\u251c", "u": "\u2524", "v": "\u2534", "w": "\u252c",
        "n": "\u253c"}


def _apply_sgr(state, params):
    """Fold one SGR sequence's parameters into state."""
    ps = [p for p in re.split("[;:]", params)] if params else ["0"]
    i = 0
    while i < len(ps):
        p = int(ps[i]) if ps[i].isdigit() else 0
        if p == 0:
            state.clear()
        elif p == 1:
            state["bold"] = True
        elif p == 2:
            state["dim"] = True
        elif p == 3:
            state["italic"] = True
        elif p == 4:
            state["underline"] = True
        elif p == 5:
            state["blink"] = True
        elif p == 7:
            state["reverse"] = True
        elif p == 22:
            state.pop("bold", None)
            state.pop("dim", None)
        elif p == 24:
            state.pop("underline", None)
        elif p == 25:
            state.pop("blink", None)
        elif p == 27:
            state.pop("reverse", None)
        elif 30 <= p <= 37:
            state["fg"] = p - 30
        elif 90 <= p <= 97:
            state["fg"] = p - 90 + 8
        elif p == 39:
            state.pop("fg", None)
        elif 40 <= p <= 47:
            state["bg"] = p - 40
        elif 100 <= p <= 107:
            state["bg"] = p - 100 + 8
        elif p == 49:
            state.pop("bg", None)
        elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == "5":
            state["fg" if p == 38 else "bg"] = int(ps[i + 2])
            i += 2
        i += 1
