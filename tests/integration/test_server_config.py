#!/usr/bin/env python3
"""Start-up: the config file and flags, bad settings, accounts from the
command line, and TLS (HTTPS and WSS)."""
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from brigade_test import BIN, Client, Server, WebSocket, walk_in

SERVER = os.path.join(BIN, "brigade-server")


class Config(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-cfg-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_server(self, *args, stdin=None):
        return subprocess.run([SERVER] + list(args), input=stdin, capture_output=True,
                              text=True, timeout=30)

    def test_config_file_and_flags(self):
        s = Server(self.tmp, config="# comment\ntax_rate = 10\ncurrency = EUR\n\nday_start_hour = 0\n",
                   extra=["--tax-rate", "5"])
        s.start()
        try:
            k = s.client("k1")
            menu = k.get("/api/v1/menu").json
            self.assertEqual((menu["tax_rate_bp"], menu["currency"]), (500, "EUR"))
            o = k.create(walk_in(items=[{"sku": "B1", "qty": 2}])).json
            self.assertEqual((o["subtotal"], o["tax"]), (1900, 95))
        finally:
            self.assertEqual(s.stop(), 0)

    def test_bad_settings_refused(self):
        cfg = os.path.join(self.tmp, "bad.conf")
        for text, why in (("tax_rate = lots\n", "tax_rate"), ("colour = blue\n", "unknown setting"),
                          ("listen = nowhere\n", "listen"), ("just words\n", "key = value"),
                          ("sync = sometimes\n", "sync"),
                          ("trusted_proxies = proxy.example\n", "trusted_proxies"),
                          ("trusted_proxies = 10.0.0.0/8\n", "trusted_proxies"),
                          ("trusted_proxies = %s\n" % ",".join("10.0.0.%d" % i for i in range(9)),
                           "trusted_proxies")):
            with open(cfg, "w") as f:
                f.write(text)
            r = self.run_server("--config", cfg, "--db", os.path.join(self.tmp, "x.db"))
            with self.subTest(text=text):
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(why, r.stderr)
                self.assertIn("bad.conf:1", r.stderr)
        r = self.run_server("--config", os.path.join(self.tmp, "missing.conf"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.conf", r.stderr)
        r = self.run_server("--bogus")
        self.assertEqual(r.returncode, 2)
        r = self.run_server("--tls-cert", "/nonexistent.pem")
        self.assertEqual(r.returncode, 2)
        self.assertIn("both", r.stderr)
        r = self.run_server("--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key",
                            "--db", os.path.join(self.tmp, "t.db"), "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent.pem", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x.db")))

    def test_not_a_database(self):
        path = os.path.join(self.tmp, "junk.db")
        with open(path, "wb") as f:
            f.write(b"this is not a database at all" * 100)
        r = self.run_server("--db", path, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("junk.db", r.stderr)

    def test_port_taken(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        r = self.run_server("--db", os.path.join(self.tmp, "p.db"), "--listen", "127.0.0.1:%d" % port)
        sock.close()
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot listen", r.stderr)

    def test_add_staff(self):
        db = os.path.join(self.tmp, "staff.db")
        r = self.run_server("--db", db, "--add-staff", "boss:ADMIN:The Boss", stdin="987654\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("987654", r.stdout + r.stderr)
        r = self.run_server("--db", db, "--add-staff", "boss:ADMIN", stdin="1234\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("taken", r.stderr)
        r = self.run_server("--db", db, "--add-staff", "x:CHEF", stdin="12\n")
        self.assertEqual(r.returncode, 2)
        r = self.run_server("--db", db, "--add-staff", "x:EMPEROR", stdin="1234\n")
        self.assertEqual(r.returncode, 2)
        s = Server(self.tmp, demo=False)
        s.db = db
        s.start()
        try:
            c = Client(s.port)
            r = c.login("boss", "987654")
            self.assertEqual(r.json["role"], "ADMIN")
            # a database without --demo has an empty menu
            self.assertEqual(c.get("/api/v1/menu").json["items"], [])
        finally:
            s.stop()

    def test_tls(self):
        cert = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        s = Server(self.tmp, extra=["--tls-cert", cert, "--tls-key", key]).start()
        try:
            ctx = ssl.create_default_context(cafile=cert)
            conn = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx, timeout=10)
            conn.request("POST", "/api/v1/auth/login", body=json.dumps({"staff": "c1", "pin": "3333"}))
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            token = json.loads(r.read())["token"]
            conn.request("GET", "/api/v1/menu", headers={"Authorization": "Bearer " + token})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(len(json.loads(r.read())["items"]), 24)
            # plain HTTP on the TLS port gets nothing useful
            plain = Client(s.port)
            with self.assertRaises(Exception):
                r = plain.get("/healthz")
                if r.status == 200:
                    raise AssertionError("served plain HTTP on the TLS port")
            plain.close()
            conn.close()
            # a client that checks certificates refuses an unknown one
            strict = http.client.HTTPSConnection("127.0.0.1", s.port, timeout=10,
                                                 context=ssl.create_default_context())
            with self.assertRaises(ssl.SSLError):
                strict.request("GET", "/healthz")
                strict.getresponse()
            strict.close()
            # WSS: the stream over TLS
            raw = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            tls = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
            ws = WebSocket.__new__(WebSocket)
            tls.sendall(("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n" % token).encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += tls.recv(4096)
            self.assertIn(b" 101 ", head.split(b"\r\n")[0] + b" ")
            ws.sock, ws.buf = tls, head.partition(b"\r\n\r\n")[2]
            self.assertEqual(ws.recv()["type"], "hello")
            tls.close()
        finally:
            self.assertEqual(s.stop(), 0)

    def test_tls_ciphers(self):
        """Only ECDHE with AEAD in TLS 1.2, TLS 1.3, nothing older."""
        cert = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        s = Server(self.tmp, extra=["--tls-cert", cert, "--tls-key", key]).start()

        def handshake(*args):
            # @SECLEVEL=0 so that the client offers what the server must refuse
            r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % s.port,
                                "-servername", "localhost"] + list(args),
                               input="", capture_output=True, text=True, timeout=30)
            return r.returncode == 0 and "Cipher is (NONE)" not in r.stdout

        try:
            for suite in ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                          "ECDHE-RSA-CHACHA20-POLY1305"):
                with self.subTest(accepted=suite):
                    self.assertTrue(handshake("-tls1_2", "-cipher", suite))
            self.assertTrue(handshake("-tls1_3"))
            for suite in ("ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-SHA",
                          "AES128-GCM-SHA256", "AES256-SHA256", "DHE-RSA-AES128-GCM-SHA256",
                          "DES-CBC3-SHA"):
                with self.subTest(refused=suite):
                    self.assertFalse(handshake("-tls1_2", "-cipher", suite + ":@SECLEVEL=0"))
            for version in ("-tls1", "-tls1_1"):
                with self.subTest(refused=version):
                    self.assertFalse(handshake(version, "-cipher", "ALL:@SECLEVEL=0"))
        finally:
            self.assertEqual(s.stop(), 0)


if __name__ == "__main__":
    unittest.main()
