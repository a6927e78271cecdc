#!/usr/bin/env python3
"""brigadectl through an HTTP proxy, as a shop's network may require: plain
http:// goes to the proxy as absolute-URI requests (http_proxy), https://
through a CONNECT tunnel (https_proxy) with the server's certificate still
checked; no_proxy sends the server's requests past the proxy."""
import os
import select
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
import unittest

from brigade_test import Server, walk_in
from client_helpers import Ctl


class Proxy(socketserver.ThreadingTCPServer):
    """A small forwarding and CONNECT proxy on 127.0.0.1. seen holds the
    request line of every request it was asked to carry."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.seen = []
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]


class ProxyHandler(socketserver.BaseRequestHandler):
    def read_head(self, sock, data=b""):
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        return head.decode("latin-1").split("\r\n"), rest

    def relay(self, a, b):
        """Copy bytes both ways until either side closes."""
        socks = [a, b]
        while True:
            readable, _, _ = select.select(socks, [], [], 30)
            if not readable:
                return
            for s in readable:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)

    def handle(self):
        client = self.request
        lines, rest = self.read_head(client)
        while lines is not None:
            method, target, version = lines[0].split(" ", 2)
            self.server.seen.append("%s %s" % (method, target))
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                up = socket.create_connection((host, int(port)), timeout=10)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    up.sendall(rest)
                self.relay(client, up)
                up.close()
                return
            # http://host:port/path: one request per upstream connection
            assert target.startswith("http://"), target
            hostport, _, path = target[len("http://"):].partition("/")
            host, _, port = hostport.rpartition(":")
            headers = [h for h in lines[1:]
                       if not h.lower().startswith(("connection:", "proxy-connection:"))]
            n = 0
            for h in headers:
                k, _, v = h.partition(":")
                if k.strip().lower() == "content-length":
                    n = int(v)
            while len(rest) < n:
                chunk = client.recv(65536)
                if not chunk:
                    return
                rest += chunk
            body, rest = rest[:n], rest[n:]
            up = socket.create_connection((host, int(port)), timeout=10)
            up.sendall(("%s /%s %s\r\n%s\r\nConnection: close\r\n\r\n"
                        % (method, path, version, "\r\n".join(headers))).encode("latin-1")
                       + body)
            # the answer, whole: the server closes after it
            answer = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                answer += chunk
            up.close()
            client.sendall(answer)
            lines, rest = self.read_head(client, rest)


class ClientProxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-proxy-")
        cls.cert = os.path.join(cls.tmp, "cert.pem")
        key = os.path.join(cls.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True)
        os.mkdir(os.path.join(cls.tmp, "plain"))
        os.mkdir(os.path.join(cls.tmp, "tls"))
        cls.plain = Server(os.path.join(cls.tmp, "plain")).start()
        cls.tls = Server(os.path.join(cls.tmp, "tls"),
                         extra=["--tls-cert", cls.cert, "--tls-key", key]).start()

    @classmethod
    def tearDownClass(cls):
        rcs = (cls.plain.stop(), cls.tls.stop())
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert rcs == (0, 0), rcs

    def setUp(self):
        self.proxy = Proxy()
        self.addCleanup(self.proxy.server_close)
        self.addCleanup(self.proxy.shutdown)

    def env(self, c, **proxies):
        e = c.env()
        e["no_proxy"] = ""
        e.update(proxies)
        return e

    def test_http_through_a_forwarding_proxy(self):
        c = Ctl(tempfile.mkdtemp(dir=self.tmp), self.plain.port, staff="k1")
        r = c.run("submit", "-", input=walk_in(), env=self.env(c, http_proxy=self.proxy.url))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status":"PAID"', r.stdout)
        base = "http://127.0.0.1:%d" % self.plain.port
        self.assertIn("POST %s/api/v1/auth/login" % base, self.proxy.seen)
        self.assertIn("POST %s/api/v1/orders" % base, self.proxy.seen)

    def test_https_through_a_connect_tunnel(self):
        c = Ctl(tempfile.mkdtemp(dir=self.tmp), self.tls.port, staff="c1")
        e = self.env(c, https_proxy=self.proxy.url)
        e["BRIGADE_SERVER"] = "https://127.0.0.1:%d" % self.tls.port
        r = c.run("--ca-file", self.cert, "menu", env=e)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"sku":"B1"', r.stdout)
        self.assertIn("CONNECT 127.0.0.1:%d" % self.tls.port, self.proxy.seen)
        # the tunnel does not make an unknown certificate good
        r = c.run("menu", env=e)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("certificate", r.stderr.lower())

    def test_no_proxy_goes_direct(self):
        c = Ctl(tempfile.mkdtemp(dir=self.tmp), self.plain.port, staff="c1")
        r = c.run("menu", env=self.env(c, http_proxy=self.proxy.url, no_proxy="127.0.0.1"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.proxy.seen, [])


if __name__ == "__main__":
    unittest.main()
