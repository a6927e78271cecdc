"""The Debian packages: built by ./brigade package (CPack, Debian's hardening
flags), checked by lintian (an error fails), unpacked into a temporary root
with dpkg -x, and the installed server started from the unit's own
ExecStart line, as the service user, with the installed settings; the
installed tools find the installed data files. systemd-analyze checks the
unit where it is available."""
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request
import uuid
import json

SOURCE = os.environ.get("BRIGADE_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))
OUT = os.environ.get("BRIGADE_PACKAGE_DIR", os.path.join(SOURCE, "build/deb"))
UNIT = "lib/systemd/system/brigade-server.service"
TEMPLATE = "lib/systemd/system/brigade-server@.service"
HAPROXY_EXAMPLE = "usr/share/doc/brigade-server/examples/haproxy/brigade.cfg"
MAX_EXPOSURE = 2.0


def sh(*args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(list(args), **kw)


class PackagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = sh(os.path.join(SOURCE, "brigade"), "package", OUT, timeout=800)
        if r.returncode != 0:
            raise AssertionError("./brigade package failed:\n%s\n%s" % (r.stdout, r.stderr))
        cls.debs = {}
        for path in r.stdout.split():
            name = os.path.basename(path).split("_")[0]
            cls.debs[name] = path
        cls.root = tempfile.mkdtemp(prefix="brigade-root-")
        os.chmod(cls.root, 0o755)   # as / is
        for path in cls.debs.values():
            r = sh("dpkg", "-x", path, cls.root)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def field(self, pkg, name):
        return sh("dpkg-deb", "-f", self.debs[pkg], name).stdout.strip()

    def files(self, pkg):
        out = sh("dpkg-deb", "-c", self.debs[pkg]).stdout
        return [line.split()[-1].lstrip(".") for line in out.splitlines()]

    def test_four_packages_each_with_its_share(self):
        self.assertEqual(sorted(self.debs), ["brigade-common", "brigade-server",
                                             "brigade-terminals", "brigade-tools"])
        server, terms, tools, common = (self.files(p) for p in (
            "brigade-server", "brigade-terminals", "brigade-tools", "brigade-common"))
        self.assertIn("/usr/bin/brigade-server", server)
        self.assertIn("/etc/brigade/server.conf", server)
        self.assertIn("/" + UNIT, server)
        self.assertIn("/" + TEMPLATE, server)
        self.assertIn("/" + HAPROXY_EXAMPLE, server)
        self.assertEqual(sorted(f for f in terms if f.startswith("/usr/bin/") and f != "/usr/bin/"),
                         ["/usr/bin/brigade-kds", "/usr/bin/brigade-pos"])
        self.assertEqual(sorted(f for f in tools if f.startswith("/usr/bin/") and f != "/usr/bin/"),
                         ["/usr/bin/brigade-vprinter", "/usr/bin/brigadectl"])
        self.assertIn("/usr/share/brigade/themes/default.theme", common)
        self.assertIn("/usr/share/brigade/profiles/epson-tm-t88.profile", common)
        self.assertIn("/lib/udev/rules.d/60-brigade.rules", common)
        # a kitchen screen does not pull in the server
        self.assertNotIn("brigade-server", self.field("brigade-terminals", "Depends"))
        self.assertIn("brigade-common (=", self.field("brigade-terminals", "Depends"))
        self.assertIn("adduser", self.field("brigade-server", "Depends"))
        self.assertEqual(self.field("brigade-common", "Architecture"), "all")
        conffiles = sh("dpkg-deb", "-I", self.debs["brigade-server"], "conffiles").stdout
        self.assertEqual(conffiles.split(), ["/etc/brigade/server.conf"])
        for pkg in self.debs:
            files = self.files(pkg)
            self.assertIn("/usr/share/doc/%s/copyright" % pkg, files)
            self.assertIn("/usr/share/doc/%s/changelog.Debian.gz" % pkg, files)
        for prog in ("brigade-server", "brigade-pos", "brigade-kds", "brigadectl",
                     "brigade-vprinter"):
            self.assertTrue(os.path.exists(os.path.join(
                self.root, "usr/share/man/man1/%s.1.gz" % prog)), prog)

    def test_lintian_finds_no_error(self):
        if shutil.which("lintian") is None:
            self.fail("lintian is not installed (./brigade deps lists it)")
        r = sh("lintian", "--fail-on", "error", *sorted(self.debs.values()), timeout=300)
        errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
        print("\n".join(line for line in r.stdout.splitlines() if line[:2] in ("E:", "W:")))
        self.assertEqual(errors, [])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_binaries_hardened_stripped_and_free_of_build_paths(self):
        build_paths = {os.path.realpath(SOURCE).encode(), os.path.realpath(OUT).encode()}
        for prog in ("brigade-server", "brigade-pos", "brigade-kds", "brigadectl",
                     "brigade-vprinter"):
            path = os.path.join(self.root, "usr/bin", prog)
            with open(path, "rb") as f:
                data = f.read()
            for p in build_paths:
                self.assertNotIn(p, data, "%s holds the build path %s" % (prog, p))
            sections = sh("readelf", "-SW", path).stdout
            self.assertNotIn(".symtab", sections, prog + " is not stripped")
            self.assertNotIn(".debug_info", sections, prog)
            self.assertIn("DYN (Position-Independent Executable", sh("readelf", "-h", path).stdout)
            self.assertIn("GNU_RELRO", sh("readelf", "-lW", path).stdout)
            self.assertRegex(sh("readelf", "-dW", path).stdout, r"BIND_NOW|FLAGS_1.*NOW")
            syms = sh("readelf", "--dyn-syms", "-W", path).stdout
            self.assertIn("__stack_chk_fail", syms, prog)
            self.assertRegex(syms, r"__\w+_chk", prog + " is not built with _FORTIFY_SOURCE")

    def test_every_program_answers_help_and_version(self):
        for prog in ("brigade-server", "brigade-pos", "brigade-kds", "brigadectl",
                     "brigade-vprinter"):
            path = os.path.join(self.root, "usr/bin", prog)
            r = sh(path, "--version", timeout=20)
            self.assertEqual(r.returncode, 0, prog)
            self.assertRegex(r.stdout, r"^%s \d+\.\d+" % re.escape(prog))
            r = sh(path, "--help", timeout=20)
            self.assertEqual(r.returncode, 0, prog)
            self.assertIn("usage", (r.stdout + r.stderr).lower(), prog)

    def test_installed_tools_find_the_installed_data(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ("BRIGADE_PROFILES", "BRIGADE_THEMES")}
        tmp = tempfile.mkdtemp(prefix="brigade-data-")
        try:
            out = os.path.join(tmp, "paper.bin")
            r = sh(os.path.join(self.root, "usr/bin/brigadectl"), "print", "--printer",
                   "file://" + out, "--profile", "epson-tm-t88", "test", env=env, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertGreater(os.path.getsize(out), 0)
            r = sh(os.path.join(self.root, "usr/bin/brigadectl"), "print", "--printer",
                   "file://" + out, "--profile", "nosuch", "test", env=env, timeout=30)
            self.assertIn(os.path.join(self.root, "usr/bin/../share/brigade/profiles"), r.stderr)
            self.assertNotIn(os.path.realpath(SOURCE), r.stderr)
            env.update(XDG_STATE_HOME=tmp, XDG_CONFIG_HOME=tmp, TERM="dumb")
            r = sh(os.path.join(self.root, "usr/bin/brigade-kds"), "--theme", "nosuch",
                   "--server", "http://127.0.0.1:1", env=env, stdin=subprocess.DEVNULL,
                   timeout=30)
            self.assertIn("share/brigade/themes", r.stderr)
            self.assertNotIn(os.path.realpath(SOURCE), r.stderr)
            r = sh(os.path.join(self.root, "usr/bin/brigade-kds"), "--theme", "dark",
                   "--server", "http://127.0.0.1:1", env=env, stdin=subprocess.DEVNULL,
                   timeout=30)
            self.assertNotIn("no theme", r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def exec_start(self):
        with open(os.path.join(self.root, UNIT)) as f:
            unit = f.read()
        m = re.search(r"^ExecStart=(.*)$", unit, re.M)
        self.assertIsNotNone(m)
        args = shlex.split(m.group(1))
        user = re.search(r"^User=(\S+)$", unit, re.M).group(1)
        umask = re.search(r"^UMask=(\d+)$", unit, re.M).group(1)
        # the unpacked root stands in for /: its programs and settings
        args = [os.path.join(self.root, a.lstrip("/")) if a.startswith(("/usr/", "/etc/"))
                else a for a in args]
        return args, user, int(umask, 8)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run as the service user")
    def test_installed_server_runs_as_the_service_user(self):
        args, user, umask = self.exec_start()
        self.assertEqual(user, "brigade")
        self.assertEqual(umask, 0o077)
        # the brigade user exists once the package is installed; here its
        # stand-in is the brigade user if this machine has one, else nobody
        try:
            account = pwd.getpwnam("brigade")
        except KeyError:
            account = pwd.getpwnam("nobody")
        state = tempfile.mkdtemp(prefix="brigade-state-")
        try:
            os.chmod(state, 0o700)
            os.chown(state, account.pw_uid, account.pw_gid)
            db = os.path.join(state, "brigade.db")
            portfile = os.path.join(state, "port")
            server = os.path.join(self.root, "usr/bin/brigade-server")
            conf = os.path.join(self.root, "etc/brigade/server.conf")
            # as the postinst leaves it: readable by the service's group only
            os.chown(conf, 0, account.pw_gid)
            os.chmod(conf, 0o640)
            self.assertIn("--config", args)
            self.assertEqual(args[args.index("--config") + 1], conf)
            self.assertEqual(sh(server, "--check-config", conf).returncode, 0)
            # the first admin, as the docs say, run by root
            r = sh(server, "--config", conf, "--db", db, "--add-staff", "a1:ADMIN:Alex",
                   input="975312\n", timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(os.stat(db).st_uid, account.pw_uid)
            # the unit's command line; flags for this test's database and
            # port win over the installed settings
            cmd = ["setpriv", "--reuid=%d" % account.pw_uid, "--regid=%d" % account.pw_gid,
                   "--clear-groups"] + args + [
                "--db", db, "--listen", "127.0.0.1:0", "--port-file", portfile]
            log = open(os.path.join(state, "log"), "wb")
            old = os.umask(umask)
            try:
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
            finally:
                os.umask(old)
            try:
                deadline = time.time() + 30
                port = ""
                while not port:
                    self.assertIsNone(proc.poll(), open(os.path.join(state, "log")).read())
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.05)
                    if os.path.exists(portfile):
                        with open(portfile) as f:
                            port = f.read().strip()
                base = "http://127.0.0.1:%s" % port
                with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
                    self.assertEqual(json.load(r)["status"], "ok")
                req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                             data=json.dumps({"staff": "a1", "pin": "975312"}).encode())
                with urllib.request.urlopen(req, timeout=30) as r:
                    token = json.load(r)["token"]
                req = urllib.request.Request(
                    base + "/api/v1/staff", method="POST",
                    data=json.dumps({"staff": "k1", "name": "Kay", "role": "CASHIER",
                                     "pin": "246810"}).encode(),
                    headers={"Authorization": "Bearer " + token,
                             "Idempotency-Key": str(uuid.uuid4())})
                with urllib.request.urlopen(req, timeout=30) as r:
                    self.assertEqual(r.status, 201)
                for name in os.listdir(state):
                    if name.startswith("brigade.db"):
                        st = os.stat(os.path.join(state, name))
                        self.assertEqual(st.st_mode & 0o077, 0, name + " is not private")
                        self.assertEqual(st.st_uid, account.pw_uid, name)
            finally:
                proc.terminate()
                self.assertEqual(proc.wait(timeout=20), 0)
                log.close()
        finally:
            shutil.rmtree(state, ignore_errors=True)

    def test_the_instance_template_is_the_unit_with_its_own_settings(self):
        with open(os.path.join(self.root, UNIT)) as f:
            unit = f.read()
        with open(os.path.join(self.root, TEMPLATE)) as f:
            template = f.read()
        self.assertIn("ExecStart=/usr/bin/brigade-server --config /etc/brigade/server-%i.conf\n",
                      template)
        self.assertIn("Description=Brigade restaurant order server (%i)\n", template)

        def body(text):
            # the unit without its comment head, its description and its settings file
            text = re.sub(r"\A(#[^\n]*\n)+", "", text)
            text = re.sub(r"(?m)^Description=.*$", "", text)
            return text.replace("server-%i.conf", "server.conf")
        self.assertEqual(body(template), body(unit))
        # installed, never enabled or started by the package
        for script in ("postinst", "prerm", "postrm"):
            r = sh("dpkg-deb", "-I", self.debs["brigade-server"], script)
            self.assertNotIn("brigade-server@", r.stdout, script)

    def test_the_haproxy_example_is_valid(self):
        haproxy = shutil.which("haproxy", path="/usr/sbin:/usr/bin")
        if haproxy is None:
            self.fail("haproxy is not installed (./brigade deps lists it)")
        example = os.path.join(self.root, HAPROXY_EXAMPLE)
        r = sh(haproxy, "-c", "-f", example, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Configuration file is valid", r.stdout + r.stderr)

    def test_systemd_analyze(self):
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.skipTest("systemd-analyze is not installed: the unit is not checked")
        unit = os.path.join(self.root, UNIT)
        r = sh(analyze, "security", "--offline=yes", "--root=" + self.root, unit, timeout=60)
        m = re.search(r"Overall exposure level for brigade-server.service: (\d+\.\d+)", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        print("systemd-analyze security: %s" % m.group(1))
        self.assertLessEqual(float(m.group(1)), MAX_EXPOSURE, r.stdout)
        # verify against this machine's units, with the unit's programs and
        # settings where dpkg -x put them
        # settings where dpkg -x put them; the template as one instance
        tmp = tempfile.mkdtemp(prefix="brigade-unit-")
        try:
            for path, name, check in ((unit, "brigade-server.service", "brigade-server.service"),
                                      (os.path.join(self.root, TEMPLATE), "brigade-server@.service",
                                       "brigade-server@1.service")):
                with open(path) as f:
                    text = f.read()
                text = re.sub(r"(?m)(^Exec\w+=)/usr/", r"\g<1>%s/usr/" % self.root, text)
                text = text.replace("/etc/brigade/", self.root + "/etc/brigade/")
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
                r = sh(analyze, "verify", "--man=no", os.path.join(tmp, check), timeout=60)
                self.assertEqual(r.returncode, 0, check + ": " + r.stdout + r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    unittest.main()
