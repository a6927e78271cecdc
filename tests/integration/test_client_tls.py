#!/usr/bin/env python3
"""The client over TLS: certificates are checked by default, a private CA
is given with --ca-file, --insecure is an explicit choice; REST and the
stream alike."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from brigade_test import Server, walk_in
from client_helpers import Ctl


class ClientTLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-tls-")
        cls.cert = os.path.join(cls.tmp, "cert.pem")
        key = os.path.join(cls.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True)
        cls.server = Server(cls.tmp, extra=["--tls-cert", cls.cert, "--tls-key", key]).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert rc == 0, rc

    def ctl(self, staff="c1"):
        c = Ctl(tempfile.mkdtemp(dir=self.tmp), self.server.port, staff=staff)
        return c

    def env(self, c, **extra):
        e = c.env(**extra)
        e["BRIGADE_SERVER"] = "https://127.0.0.1:%d" % self.server.port
        return e

    def test_rest(self):
        c = self.ctl()
        r = c.run("--ca-file", self.cert, "menu", env=self.env(c))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"sku":"B1"', r.stdout)
        # no way to trust the certificate: refused, and said so
        r = c.run("menu", env=self.env(c))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("certificate", r.stderr.lower())
        # the explicit choice not to check
        r = c.run("--insecure", "menu", env=self.env(c))
        self.assertEqual(r.returncode, 0, r.stderr)
        # plain http to a TLS server is not an answer
        r = c.run("menu")
        self.assertEqual(r.returncode, 3, r.stderr)

    def test_submit_over_tls(self):
        c = self.ctl("k1")
        r = c.run("--ca-file", self.cert, "submit", "-", input=walk_in(), env=self.env(c))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status":"PAID"', r.stdout)

    def test_stream(self):
        k = self.ctl("k1")
        k.run("--ca-file", self.cert, "submit", "-", input=walk_in(), env=self.env(k))
        c = self.ctl()
        r = c.run("--ca-file", self.cert, "tail", "--after", "0", "--count", "1",
                  env=self.env(c), timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"seq":1', r.stdout)
        # without trust the stream does not connect; it keeps trying
        p = c.popen("tail", "--after", "0", "--count", "1", env=self.env(c))
        time.sleep(3)
        self.assertIsNone(p.poll())
        p.terminate()
        out, err = p.communicate(timeout=10)
        self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main()
