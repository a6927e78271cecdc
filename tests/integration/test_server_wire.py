#!/usr/bin/env python3
"""The server on the wire: requests split, pipelined, truncated, malformed
or oversized, and WebSocket frames that break the protocol. Each one gets
its answer (or is closed) and the server goes on serving everyone else."""
import json
import os
import socket
import struct
import time
import unittest
import uuid

from brigade_test import PINS, ServerTest, WebSocket, walk_in


def request(method, path, body=None, headers=None, token=None):
    """One HTTP/1.1 request as bytes."""
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    if token:
        lines.append("Authorization: Bearer " + token)
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if body is not None:
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: %d" % len(data))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def noted(tag):
    """A till order whose one line carries tag as its note."""
    return walk_in(items=[{"sku": "B1", "qty": 1, "note": tag}],
                   pay=[{"tender": "CASH", "amount": 2000}])


def note_of(order):
    return order["items"][0]["note"]


def read_responses(sock, count, timeout=10):
    """Read count HTTP responses from sock: [(status, headers, body)]."""
    sock.settimeout(timeout)
    buf, out = b"", []
    while len(out) < count:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict((k.strip().lower(), v.strip()) for k, _, v in
                       (l.partition(":") for l in lines[1:]))
        n = int(headers.get("content-length", "0"))
        while len(buf) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        body, buf = buf[:n], buf[n:]
        out.append((status, headers, json.loads(body) if body else None))
    return out


def closed_by_peer(sock, timeout=10):
    """Whether the server closes sock (reading and dropping what comes)."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class Wire(ServerTest):
    def setUp(self):
        self.k = self.client("k1")

    def connect(self, source="127.0.0.1"):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10,
                                     source_address=(source, 0))
        self.addCleanup(s.close)
        return s

    def alive(self):
        r = self.client().get("/healthz")
        self.assertEqual(r.status, 200, r)
        return r.json

    def login_bytes(self, staff="k1"):
        return request("POST", "/api/v1/auth/login", {"staff": staff, "pin": PINS[staff]})

    def assertError(self, resp, status, code):
        self.assertEqual(resp[0], status, resp)
        self.assertEqual(resp[2]["error"]["code"], code, resp)

    # ---- pipelining ---------------------------------------------------

    def test_two_logins_in_one_send(self):
        s = self.connect()
        s.sendall(self.login_bytes("k1") + self.login_bytes("w1"))
        got = read_responses(s, 2)
        self.assertEqual([g[0] for g in got], [200, 200], got)
        self.assertEqual([g[2]["staff"] for g in got], ["k1", "w1"])
        self.alive()

    def test_pipelined_requests_answered_in_order(self):
        token = self.k.token
        reqs = [request("GET", "/healthz"), self.login_bytes("c1"),
                request("GET", "/api/v1/menu", token=token),
                request("POST", "/api/v1/orders", noted("pipe-a"), token=token,
                        headers={"Idempotency-Key": str(uuid.uuid4())}),
                request("POST", "/api/v1/orders", noted("pipe-b"), token=token,
                        headers={"Idempotency-Key": str(uuid.uuid4())}),
                request("GET", "/api/v1/auth/me", token=token)]
        s = self.connect()
        s.sendall(b"".join(reqs))
        got = read_responses(s, len(reqs))
        self.assertEqual([g[0] for g in got], [200, 200, 200, 201, 201, 200],
                         [(g[0], str(g[2])[:200]) for g in got])
        self.assertEqual(got[1][2]["staff"], "c1")
        self.assertIn("items", got[2][2])
        self.assertEqual((note_of(got[3][2]), note_of(got[4][2])), ("pipe-a", "pipe-b"))
        self.assertNotEqual(got[3][2]["id"], got[4][2]["id"])
        self.assertEqual(got[5][2]["staff"], "k1")

    def test_split_a_byte_at_a_time(self):
        token = self.k.token
        data = (request("GET", "/healthz") + self.login_bytes("w1") +
                request("POST", "/api/v1/orders", noted("bytewise"), token=token,
                        headers={"Idempotency-Key": str(uuid.uuid4())}))
        s = self.connect()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(data)):
            s.send(data[i:i + 1])
        got = read_responses(s, 3)
        self.assertEqual([g[0] for g in got], [200, 200, 201], got)
        self.assertEqual(note_of(got[2][2]), "bytewise")

    def test_order_followed_by_crlf(self):
        """A body followed by an empty line, in one send, again and again."""
        before = self.alive()["head"]
        for i in range(20):
            s = self.connect()
            s.sendall(request("POST", "/api/v1/orders", noted("crlf-%d" % i),
                              token=self.k.token,
                              headers={"Idempotency-Key": str(uuid.uuid4())}) + b"\r\n")
            got = read_responses(s, 1)
            self.assertEqual(got[0][0], 201, got)
            s.sendall(request("GET", "/healthz"))
            self.assertEqual(read_responses(s, 1)[0][0], 200)
            s.close()
        self.assertEqual(self.alive()["head"], before + 20)

    def test_truncated_body_changes_nothing(self):
        before = self.alive()["head"]
        s = self.connect()
        full = request("POST", "/api/v1/orders", noted("cut"), token=self.k.token,
                       headers={"Idempotency-Key": str(uuid.uuid4())})
        s.sendall(full[:-10])
        s.close()
        s = self.connect()
        s.sendall(full[:len(full) // 2])
        s.shutdown(socket.SHUT_WR)
        self.assertTrue(closed_by_peer(s))
        time.sleep(0.2)
        self.assertEqual(self.alive()["head"], before)

    def test_many_pipelined_without_reading(self):
        """A client far ahead of its answers is read as it catches up."""
        s = self.connect()
        n = 400
        s.sendall(request("GET", "/api/v1/menu", token=self.k.token) * n)
        got = read_responses(s, n, timeout=30)
        self.assertEqual(len(got), n)
        self.assertTrue(all(g[0] == 200 for g in got))

    # ---- malformed heads ------------------------------------------------

    def refused(self, raw, status, code):
        before = self.alive()["head"]
        s = self.connect()
        s.sendall(raw)
        got = read_responses(s, 1)
        self.assertTrue(got, "no answer to %r" % raw[:80])
        self.assertError(got[0], status, code)
        self.assertEqual(got[0][1].get("connection"), "close", got)
        self.assertTrue(closed_by_peer(s), "still open after %r" % raw[:80])
        self.assertEqual(self.alive()["head"], before)

    def test_content_length_strict(self):
        body = json.dumps({"staff": "k1", "pin": "1111"}).encode()
        head = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for cl in [b"Content-Length: +%d\r\n" % len(body),
                   b"Content-Length: %d,%d\r\n" % (len(body), len(body)),
                   b"Content-Length: %d\r\nContent-Length: %d\r\n" % (len(body), len(body) + 1),
                   b"Content-Length: %d\r\nContent-Length: %d\r\n" % (len(body), len(body)),
                   b"Content-Length: -1\r\n",
                   b"Content-Length: 2 7\r\n",
                   b"Content-Length: 0x1b\r\n",
                   b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(body)]:
            with self.subTest(cl=cl):
                self.refused(head + cl + b"\r\n" + body, 400, "bad_request")
        self.refused(head + b"Transfer-Encoding: chunked\r\n\r\n1b\r\n" + body + b"\r\n0\r\n\r\n",
                     411, "length_required")

    def test_malformed_heads(self):
        cases = [
            (b"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bad_request"),            # bare LF
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\n  folded\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz HTTP/1.1\r\nX: a\x00b\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz HTTP/1.1\r\nX: a\rb\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz\r\n\r\n", 400, "bad_request"),
            (b"GET healthz HTTP/1.1\r\n\r\n", 400, "bad_request"),
            (b"GET /health%zz HTTP/1.1\r\n\r\n", 400, "bad_request"),
            (b"GET /health%00z HTTP/1.1\r\n\r\n", 400, "bad_request"),
            (b"GET /healthz HTTP/2.0\r\n\r\n", 505, "http_version_not_supported"),
            (b"G\x01T /healthz HTTP/1.1\r\n\r\n", 400, "bad_request"),
            (b"GET /" + b"a" * 300 + b" HTTP/1.1\r\n\r\n", 414, "uri_too_long"),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64), 400, "bad_request"),
        ]
        for raw, status, code in cases:
            with self.subTest(raw=raw[:40]):
                self.refused(raw, status, code)

    def test_header_block_too_large(self):
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 9000 + b"\r\n\r\n"
        self.refused(big, 431, "headers_too_large")
        many = b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(2000)) + b"\r\n"
        self.refused(many, 431, "headers_too_large")

    def test_body_too_large_refused_before_reading(self):
        s = self.connect()
        s.sendall(b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
        got = read_responses(s, 1)
        self.assertError(got[0], 413, "body_too_large")

    def test_http10_answered_then_closed(self):
        s = self.connect()
        s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        got = read_responses(s, 1)
        self.assertEqual(got[0][0], 200)
        self.assertTrue(closed_by_peer(s))

    def test_post_without_length_has_no_body(self):
        """A POST that gives no length has no body, and the request after it
        on the same connection is still read as a request."""
        s = self.connect()
        s.sendall(b"POST /api/v1/auth/logout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + b"0" * 64 + b"\r\n\r\n" + request("GET", "/healthz"))
        got = read_responses(s, 2)
        self.assertEqual([g[0] for g in got], [401, 200], got)

    def test_expect_100_continue(self):
        """A client that waits for 100 Continue before its body hears it at
        once; one that would be refused hears the refusal instead."""
        body = json.dumps(noted("expect")).encode()
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n"
                "Idempotency-Key: %s\r\n" % (len(body), uuid.uuid4())).encode()
        s = self.connect()
        s.sendall(head + b"Authorization: Bearer " + self.k.token.encode() + b"\r\n\r\n")
        s.settimeout(5)
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n"))
        s.sendall(body)
        got = read_responses(s, 1)
        self.assertEqual(got[0][0], 201, got)
        s = self.connect()
        s.sendall(head + b"\r\n")
        got = read_responses(s, 1)
        self.assertError(got[0], 401, "unauthorized")
        self.assertTrue(closed_by_peer(s))

    # ---- the stream -------------------------------------------------------

    def stream(self):
        ws = WebSocket(self.server.port, "/api/v1/stream", self.k.token)
        self.addCleanup(ws.sock.close)
        self.assertEqual(ws.status, 101)
        self.assertEqual(ws.recv()["type"], "hello")
        return ws

    def close_code(self, ws, timeout=10):
        """The status code of the server's close frame (None if none came)."""
        ws.sock.settimeout(timeout)
        try:
            while True:
                b0, b1 = ws._read(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack(">H", ws._read(2))[0]
                payload = ws._read(n)
                if b0 & 0x0F == 0x8:
                    return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
        except (ConnectionError, socket.timeout):
            return None

    def test_unmasked_frame_closes_with_1002(self):
        ws = self.stream()
        ws.sock.sendall(bytes([0x81, 0x02]) + b"hi")   # a text frame, unmasked
        self.assertEqual(self.close_code(ws), 1002)
        self.assertTrue(closed_by_peer(ws.sock))
        self.alive()

    def test_bad_frames(self):
        for frame, code in [(bytes([0xC1, 0x80]) + os.urandom(4), 1002),        # RSV1
                            (bytes([0x83, 0x80]) + os.urandom(4), 1002),        # opcode 3
                            (bytes([0x09, 0x80]) + os.urandom(4), 1002),        # fragmented ping
                            (bytes([0x89, 0xFE, 0x00, 0x80]) + os.urandom(4), 1002),  # long ping
                            (bytes([0x82, 0xFF]) + struct.pack(">Q", 1 << 40), 1009)]:
            with self.subTest(frame=frame[:2]):
                ws = self.stream()
                ws.sock.sendall(frame)
                self.assertEqual(self.close_code(ws), code)

    def test_masked_ping_gets_pong_and_events_flow(self):
        ws = self.stream()
        ws._send(0x9, b"are you there")
        ws.sock.settimeout(10)
        b0, b1 = ws._read(2)
        self.assertEqual(b0 & 0x0F, 0xA)
        self.assertEqual(ws._read(b1 & 0x7F), b"are you there")
        r = self.k.create(noted("after ping"))
        self.assertEqual(r.status, 201)
        ev = ws.recv()
        self.assertEqual(note_of(ev["order"]), "after ping")
        ws.close()

    def test_upgrade_refusals(self):
        for path, token, status, code in [("/api/v1/stream", None, 401, "unauthorized"),
                                          ("/api/v1/nope", self.k.token, 404, "not_found"),
                                          ("/api/v1/stream?after=-3", self.k.token, 422,
                                           "invalid_field")]:
            with self.subTest(path=path):
                ws = WebSocket(self.server.port, path, token)
                self.assertEqual(ws.status, status)
                self.assertEqual(json.loads(ws.rejection)["error"]["code"], code)


if __name__ == "__main__":
    unittest.main()
