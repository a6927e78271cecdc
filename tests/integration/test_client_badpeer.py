"""Bad input for the client: a hostile peer on 127.0.0.1 that answers
garbage, truncated responses, non-JSON, and on the stream non-JSON and
oversized messages; and outbox files that are damaged, foreign or
read-only. Each gives a clear error, no crash, and loses no queued entry."""
import base64
import hashlib
import json
import os
import subprocess
import shutil
import socket
import socketserver
import stat
import struct
import tempfile
import threading
import time
import unittest

from client_helpers import Ctl, Server, tagged_order

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LOGIN = json.dumps({"token": "t" * 43, "role": "MANAGER", "staff": "m1", "name": "M",
                    "terminal": "x", "expires_at": 0, "server_time": 0})


class Peer(socketserver.ThreadingTCPServer):
    """A fake server. mode says how it misbehaves; logins work (so that the
    client gets as far as the misbehaving part)."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode):
        self.mode = mode
        self.stream_connects = 0
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server_address[1]


class Handler(socketserver.BaseRequestHandler):
    def read_request(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return None, None, b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(body) < n:
            body += self.request.recv(65536)
        return lines[0], headers, body

    def send_json(self, status, text):
        body = text.encode()
        close = b"" if self.server.mode == "dropidle" else b"Connection: close\r\n"
        self.request.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n%s\r\n%s"
                             % (status, len(body), close, body))

    def handle(self):
        line, headers, body = self.read_request()
        if line is None:
            return
        mode = self.server.mode
        path = line.split()[1]
        if path.startswith("/api/v1/auth/login"):
            return self.send_json(200, LOGIN)
        if path.startswith("/api/v1/auth/me"):
            return self.send_json(200, '{"staff":"m1","role":"MANAGER"}')
        if path.startswith("/api/v1/stream"):
            return self.stream(headers)
        if mode == "dropidle":
            # a good answer that promises to keep the connection (no
            # Connection: close), and then the connection is closed anyway,
            # as a server does with idle connections
            body = b'{"categories":[],"items":[{"sku":"B1"}]}'
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        elif mode == "garbage":
            self.request.sendall(b"\x00\xffTHIS IS NOT HTTP\r\n\r\n\x1b[2J" * 10)
        elif mode == "notjson":
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n"
                                 b"Connection: close\r\n\r\n<html>hi</html")
        elif mode == "truncated":
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 5000\r\n\r\n{\"id\":1,\"number\":")
        elif mode == "html500":
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n"
                                 b"Connection: close\r\n\r\noops!")
        self.request.close()

    def frame(self, payload, opcode=1, fin=True):
        n = len(payload)
        hdr = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            hdr += bytes([n])
        elif n < 65536:
            hdr += bytes([126]) + struct.pack(">H", n)
        else:
            hdr += bytes([127]) + struct.pack(">Q", n)
        return hdr + payload

    def stream(self, headers):
        self.server.stream_connects += 1
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.request.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                              % accept).encode())
        hello = json.dumps({"type": "hello", "server_time": int(time.time() * 1000),
                            "head": 1, "after": 0, "resync": False}).encode()
        self.request.sendall(self.frame(hello))
        mode = self.server.mode
        try:
            if mode == "oversized":
                # 2 MiB in 64 KiB fragments, then a good event that must not
                # be taken as part of it
                chunk = b"x" * 65536
                for i in range(32):
                    self.request.sendall(self.frame(chunk, opcode=1 if i == 0 else 0,
                                                    fin=(i == 31)))
            elif mode == "notjson":
                self.request.sendall(self.frame(b"\x1b[31mnot json at all"))
            elif mode == "fragmented":
                ev = json.dumps({"seq": 1, "type": "menu.updated", "at": 1,
                                 "item": {"sku": "B1", "available": False}}).encode()
                for i in range(0, len(ev), 7):
                    part = ev[i:i + 7]
                    self.request.sendall(self.frame(part, opcode=1 if i == 0 else 0,
                                                    fin=(i + 7 >= len(ev))))
            time.sleep(1.5)
        except OSError:
            pass


class BadPeerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-bad-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def peer(self, mode):
        p = Peer(mode)
        self.addCleanup(p.server_close)
        self.addCleanup(p.shutdown)
        return p

    def ctl(self, port, **kw):
        return Ctl(self.tmp, port, staff="m1", timeout_ms=3000, **kw)

    def assert_clean_failure(self, r, code, words):
        self.assertGreaterEqual(r.returncode, 0, "crashed: %s" % r.stderr)
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertTrue(any(w in r.stderr for w in words), r.stderr)
        self.assertNotIn("\x1b", r.stderr, "a peer's escape reached the terminal")
        self.assertNotIn("AddressSanitizer", r.stderr)

    def test_reads_against_a_bad_server(self):
        cases = {
            "garbage": ("bad_response", "network", "connection"),
            "notjson": ("not JSON",),
            "truncated": ("truncated", "transfer closed"),
            "html500": ("HTTP 502",),
        }
        for mode, words in cases.items():
            with self.subTest(mode=mode):
                p = self.peer(mode)
                r = self.ctl(p.port).run("menu", timeout=60)
                self.assert_clean_failure(r, 3, words)

    def test_submit_to_a_bad_server_keeps_the_entry(self):
        for mode in ("garbage", "notjson", "truncated", "html500"):
            p = self.peer(mode)
            ctl = self.ctl(p.port)
            r = ctl.run("submit", "-", input=tagged_order("bad-" + mode), timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith("queued:"), (mode, r.stdout))
        box = ctl.outbox_json()
        self.assertEqual((box["pending"], box["attention"]), (4, 0))
        # and the real server takes them, each once
        server = Server(self.tmp).start()
        self.addCleanup(server.stop)
        r = self.ctl(server.port).run("replay", timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        c = server.client("m1")
        self.addCleanup(c.close)
        self.assertEqual(len(c.get("/api/v1/orders").json["orders"]), 4)

    def test_a_kept_connection_the_server_closed_is_not_an_error(self):
        # login, then the read: each answered on a connection the peer
        # closes right after; the second request must go on a new one
        # (one attempt only: no retry may hide it)
        os.makedirs(os.path.join(self.tmp, "brigade"), exist_ok=True)
        with open(os.path.join(self.tmp, "brigade", "brigade.conf"), "w") as f:
            f.write("retries = 1\n")
        p = self.peer("dropidle")
        for _ in range(3):
            r = self.ctl(p.port).run("menu", timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('"sku":"B1"', r.stdout)
            self.assertNotIn("retrying", r.stderr)

    def tail_stderr(self, mode, seconds=2.5):
        p = self.peer(mode)
        proc = self.ctl(p.port).popen("tail", "--after", "0")
        time.sleep(seconds)
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        self.assertGreaterEqual(proc.returncode, 0, "crashed: %s" % err)
        self.assertNotIn("AddressSanitizer", err)
        return p, out, err

    def test_stream_oversized_message(self):
        p, out, err = self.tail_stderr("oversized")
        self.assertIn("larger than 1024 KiB", err)
        self.assertEqual(out, "")
        self.assertGreaterEqual(p.stream_connects, 2, "it did not reconnect")

    def test_stream_not_json(self):
        p, out, err = self.tail_stderr("notjson")
        self.assertIn("not JSON", err)
        self.assertNotIn("\x1b", err)
        self.assertGreaterEqual(p.stream_connects, 2)

    def test_stream_fragmented_message_is_reassembled(self):
        p, out, err = self.tail_stderr("fragmented", 1.0)
        events = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(events[0]["seq"], 1)
        self.assertEqual(events[0]["item"]["sku"], "B1")

    def test_outbox_not_an_outbox(self):
        bad = os.path.join(self.tmp, "shopping.db")
        with open(bad, "wb") as f:
            f.write(b"eggs, flour, milk\n" * 100)
        with open(bad, "rb") as f:
            before = f.read()
        ctl = self.ctl(9, outbox=bad)
        r = ctl.run("submit", "-", input=tagged_order("x"))
        self.assert_clean_failure(r, 4, ("not an outbox",))
        for cmd in (("outbox",), ("replay",)):
            r = ctl.run(*cmd)
            self.assert_clean_failure(r, 4, ("not an outbox",))
        with open(bad, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_outbox_server_database(self):
        """A copy of the server's database is another program's: refused,
        and not a byte of it written (no outbox table added)."""
        server = Server(self.tmp).start()
        self.addCleanup(server.stop)
        server.stop()
        copy = os.path.join(self.tmp, "copy.db")
        subprocess.run(["sqlite3", server.db, ".backup '%s'" % copy], check=True)
        self.assertGreater(os.path.getsize(copy), 0)
        with open(copy, "rb") as f:
            before = f.read()
        ctl = self.ctl(9, outbox=copy)
        for cmd in (("submit", "-"), ("outbox",), ("replay",)):
            r = ctl.run(*cmd, input=tagged_order("x"))
            self.assert_clean_failure(r, 4, ("not an outbox", "nothing was written"))
        with open(copy, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertFalse(os.path.exists(copy + "-wal"))

    def test_outbox_damaged(self):
        server = Server(self.tmp).start()
        self.addCleanup(server.stop)
        server.stop()
        ctl = self.ctl(server.port)
        r = ctl.submit_lines([tagged_order("d-%d" % i) for i in range(300)])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(ctl.outbox, "r+b") as f:
            f.seek(4096 * 3)
            f.write(b"\xa5" * 4096)
        r = ctl.run("submit", "-", input=tagged_order("x"))
        self.assert_clean_failure(r, 4, ("damaged", "not an outbox"))
        self.assertIn(ctl.outbox, r.stderr)

    def test_outbox_read_only(self):
        ctl = self.ctl(9)
        server = Server(self.tmp).start()
        self.addCleanup(server.stop)
        server.stop()
        r = ctl.run("submit", "-", input=tagged_order("kept"))
        self.assertEqual(r.returncode, 0, r.stderr)
        os.chmod(ctl.outbox, 0o444)
        os.chmod(self.tmp, 0o755)
        drop = None
        if os.geteuid() == 0:
            # root writes anyway: be nobody for this
            def drop():
                os.setgid(65534)
                os.setuid(65534)
        env = ctl.env(XDG_CONFIG_HOME="/nonexistent", XDG_STATE_HOME="/nonexistent")
        r = ctl_run_as(ctl, drop, env, "submit", "-", input=json.dumps(tagged_order("no")))
        self.assert_clean_failure(r, 4, ("cannot be written",))
        self.assertIn("nothing was queued", r.stderr)
        r = ctl_run_as(ctl, drop, env, "outbox")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["pending"], 1)
        os.chmod(ctl.outbox, 0o644)
        self.assertEqual(len(ctl.rows()), 1)


def ctl_run_as(ctl, preexec, env, *args, input=None):
    import subprocess
    from client_helpers import CTL
    return subprocess.run([CTL] + list(args), input=input, capture_output=True, text=True,
                          timeout=60, env=env, preexec_fn=preexec)


if __name__ == "__main__":
    unittest.main()
