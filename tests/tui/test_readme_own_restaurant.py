"""readme_own_restaurant: README.md's "Your own restaurant", word for word.

The section's shell blocks are read from the README and run in order in an
empty directory (where `build` and `docs` lead to this checkout's), as a
newcomer would type them: the only change is the two ports, which become
free ones so that the test never takes a port the machine uses. What the
commands ask for (PINs) is typed into a real terminal (tmux); the till and
the kitchen screen are driven as their staff would, and the first sale is
checked on the paper, on the kitchen screen and on the server."""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from brigade_test import BIN, Client  # noqa: E402
from tui_helpers import Tmux  # noqa: E402

README = os.path.join(HERE, "..", "..", "README.md")
PINS = {"sam": "246810", "kim": "1357", "cleo": "8642"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def section_commands():
    """The command lines of the README section's ```sh blocks, in order."""
    with open(README) as f:
        text = f.read()
    start = text.index("## Your own restaurant")
    end = text.index("\n## ", start + 1)
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text[start:end], re.S):
        lines += [ln.strip() for ln in block.splitlines() if ln.strip()]
    return lines


class OwnRestaurant(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="brigade-readme-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.symlink(os.path.dirname(os.path.abspath(BIN)), os.path.join(self.dir, "build"))
        os.symlink(os.path.abspath(os.path.join(HERE, "..", "..", "docs")),
                   os.path.join(self.dir, "docs"))
        self.background = []
        self.screens = []
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
                    "XDG_STATE_HOME": os.path.join(self.dir, "state"), "LANG": "C.UTF-8"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                self.env[k] = os.environ[k]

    def tearDown(self):
        failures = []
        for t in self.screens:
            if t.started and not t.dead():
                t.send("C-c")
                time.sleep(0.3)
                t.send("y")
                try:
                    rc = t.wait_exit(timeout=20)
                except AssertionError:
                    rc = None
                if rc not in (0, None):
                    failures.append("a screen exited %s:\n%s" % (rc, t.capture()))
            t.kill()
        for p in self.background:
            p.terminate()
            try:
                rc = p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
            if rc not in (0, -15):
                failures.append("%s exited %s" % (p.args, rc))
        if failures:
            raise AssertionError("\n".join(failures))

    def term_dir(self):
        d = os.path.join(self.dir, "t%d" % len(self.screens))
        os.mkdir(d)
        return d

    def in_terminal(self, line, answers, env=None):
        """Run a command line in a terminal, typing each answer when its
        prompt shows; it must end with status 0."""
        t = Tmux(self.term_dir(), width=120, height=30)
        self.screens.append(t)
        t.start(["sh", "-c", line], env=env or self.env, cwd=self.dir)
        for prompt, answer in answers:
            t.wait_for(prompt)
            t.type(answer)
            t.send("Enter")
            time.sleep(0.2)
        self.assertEqual(t.wait_exit(timeout=60), 0, t.capture())
        return t

    def screen(self, line):
        """A full-screen program in a terminal of its own (a fresh shell:
        nothing exported in another terminal)."""
        t = Tmux(self.term_dir(), width=130, height=36)
        self.screens.append(t)
        env = {k: v for k, v in self.env.items() if not k.startswith("BRIGADE_")}
        env["TERM"] = "tmux-256color"
        t.start(shlex.split(line), env=env, cwd=self.dir)
        return t

    def wait_listening(self, port, proc, line):
        deadline = time.time() + 20
        while time.time() < deadline:
            self.assertIsNone(proc.poll(), line)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.fail("%s: nothing listens on %d" % (line, port))

    def test_from_nothing_to_the_first_sale(self):
        # the README's ports, each given a free one; a port free when it
        # was picked can be taken by another test's client before the
        # program binds it: then that program gets another
        ports = {"127.0.0.1:8080": free_port(), "127.0.0.1:9100": free_port()}

        def local(line):
            for readme, port in ports.items():
                line = line.replace(readme, "127.0.0.1:%d" % port)
            return line

        commands = section_commands()
        self.assertGreaterEqual(len(commands), 10, commands)
        kds = pos = None
        for original in commands:
            line = local(original)
            if line.startswith("export "):
                for word in shlex.split(line)[1:]:
                    k, v = word.split("=", 1)
                    self.env[k] = v
                self.assertEqual(self.env.get("BRIGADE_PIN"), PINS["sam"],
                                 "the README's admin PIN is the one step 1 types")
            elif line.endswith("&"):
                for attempt in range(5):
                    path = os.path.join(self.dir, "bg%d-%d.log" % (len(self.background), attempt))
                    with open(path, "wb") as log:
                        p = subprocess.Popen(shlex.split(line[:-1]), cwd=self.dir,
                                             env=self.env, stdout=log, stderr=subprocess.STDOUT)
                    time.sleep(0.5)
                    if p.poll() is None:
                        break
                    with open(path, errors="replace") as f:
                        why = f.read()
                    taken = [k for k in ports if k in original]
                    self.assertTrue(taken and ("in use" in why or "cannot listen" in why),
                                    "%s: %s" % (line, why))
                    ports[taken[0]] = free_port()
                    line = local(original)
                self.background.append(p)
                self.assertIsNone(p.poll(), line)
                # as a person would, go on once it answers (a loaded machine
                # can take more than the half second to start it)
                for readme, port in ports.items():
                    if readme in original:
                        self.wait_listening(port, p, line)
            elif "--add-staff" in line:
                self.in_terminal(line, [("PIN for sam", PINS["sam"])])
            elif " staff add " in line:
                who = line.split(" staff add ")[1].split()[0]
                self.in_terminal(line, [("PIN for %s" % who, PINS[who]), ("Again", PINS[who])])
            elif "brigade-kds" in line:
                kds = self.screen(line)
            elif "brigade-pos" in line:
                pos = self.screen(line)
            else:
                r = subprocess.run(line, shell=True, cwd=self.dir, env=self.env,
                                   capture_output=True, text=True, timeout=120)
                self.assertEqual(r.returncode, 0, "%s\n%s%s" % (line, r.stdout, r.stderr))
        self.assertIsNotNone(kds)
        self.assertIsNotNone(pos)

        # the kitchen: Cleo logs in
        kds.wait_for("Staff code")
        kds.type("cleo")
        kds.send("Enter")
        kds.type(PINS["cleo"])
        kds.send("Enter")
        kds.wait_for("ONLINE")
        # the till: Kim logs in and sells a Classic Burger
        pos.wait_for("Staff code")
        pos.type("kim")
        pos.send("Enter")
        pos.type(PINS["kim"])
        pos.send("Enter")
        pos.wait_for("Classic Burger")
        pos.type("B1")
        pos.send("Enter")
        pos.wait_for("Bun: Brioche bun")
        pos.send("Space")                       # the bun
        pos.wait_for(r"\[x\] Bun: Brioche bun", regex=True)
        pos.send("Down", "Down", "Down", "Space")   # the doneness: rare
        pos.wait_for(r"\[x\] Doneness: Rare", regex=True)
        pos.send("Escape")
        pos.send("Enter")
        pos.wait_for("Amount>")
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        kds.wait_for("CLASSIC")

        paper = os.path.join(self.dir, "paper.txt")
        deadline = time.time() + 30
        text = ""
        while time.time() < deadline:
            text = open(paper, errors="replace").read() if os.path.exists(paper) else ""
            if "Merci et a bientot" in text:
                break
            time.sleep(0.1)
        for want in ("Chez Sam", "12 Quai des Fleurs", "69001 Lyon", "1 x Classic Burger",
                     "Brioche bun", "Rare", "Merci et a bientot"):
            self.assertIn(want, text)

        c = Client(ports["127.0.0.1:8080"])
        c.login("sam", PINS["sam"])
        orders = c.get("/api/v1/orders?day=today").json["orders"]
        c.close()
        self.assertEqual(len(orders), 1)
        o = orders[0]
        self.assertEqual((o["staff"], o["status"], o["items"][0]["kitchen_name"]),
                         ("kim", "PAID", "CLASSIC"))
        self.assertEqual(json.dumps(o).count("Demo"), 0)


if __name__ == "__main__":
    unittest.main()
