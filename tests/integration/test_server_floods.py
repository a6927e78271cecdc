#!/usr/bin/env python3
"""Slow and idle connection floods while a real client keeps working.

Thousands of connections that send their headers a byte a second, or
nothing at all, must neither take the server off the air nor live for
ever; and one client address may not hold more than its share. The flood
comes from other loopback addresses (127.0.0.2 and up) than the client it
must not disturb (127.0.0.1)."""
import http.client
import resource
import socket
import time
import unittest
import uuid

from brigade_test import ServerTest, walk_in

HEAD_TIMEOUT_S = 10   # server/http.c


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


def flood(port, count, addresses, first=b""):
    """count connections spread over 127.0.0.2 .. 127.0.0.(1+addresses)."""
    socks = []
    for i in range(count):
        s = socket.socket()
        s.setblocking(True)
        s.settimeout(5)
        s.bind(("127.0.0.%d" % (2 + i % addresses), 0))
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        if first:
            s.send(first)
        socks.append(s)
    return socks


def is_closed(s):
    """Whether the server has closed s (non-blocking look)."""
    try:
        data = s.recv(65536)
        return data == b"" or is_closed(s)
    except BlockingIOError:
        return False
    except OSError:
        return True


class Floods(ServerTest):
    @classmethod
    def setUpClass(cls):
        raise_fd_limit()
        super().setUpClass()

    def work(self, rounds, pause=0.2, during=None):
        """A cashier's client: health, login, an order, again and again; each
        must be answered (the client gives up after 5 s)."""
        answered = 0
        for i in range(rounds):
            c = self.server.client()
            c.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
            self.assertEqual(c.get("/healthz").status, 200)
            c.login("k1", "1111")
            r = c.post("/api/v1/orders", walk_in(), key=str(uuid.uuid4()))
            self.assertEqual(r.status, 201, r)
            c.close()
            answered += 1
            if during:
                during()
            time.sleep(pause)
        return answered

    def test_slow_headers(self):
        socks = flood(self.server.port, 3000, 10, b"GET /healthz HTTP/1.1\r\nX-Slow: ")
        self.addCleanup(lambda: [s.close() for s in socks])

        def trickle():
            for s in socks:
                try:
                    s.send(b"a")
                except OSError:
                    pass

        start = time.time()
        self.assertEqual(self.work(15, pause=0.5, during=trickle), 15)
        # the server gives a head HEAD_TIMEOUT_S to end, however slowly it
        # comes: by twice that, the flood is gone
        while time.time() < start + 3 * HEAD_TIMEOUT_S:
            trickle()
            if sum(map(is_closed, socks)) == len(socks):
                break
            time.sleep(1)
        self.assertEqual(sum(map(is_closed, socks)), len(socks))

    def test_idle_connections(self):
        socks = flood(self.server.port, 5000, 10)
        self.addCleanup(lambda: [s.close() for s in socks])
        start = time.time()
        self.assertEqual(self.work(10), 10)
        while time.time() < start + 3 * HEAD_TIMEOUT_S:
            if sum(map(is_closed, socks)) == len(socks):
                break
            time.sleep(1)
        self.assertEqual(sum(map(is_closed, socks)), len(socks))
        self.assertEqual(self.work(2), 2)

    def test_one_address_holds_its_share(self):
        """The default of 1024 connections per address: the rest are closed
        as they come, and other addresses are served."""
        socks = flood(self.server.port, 1100, 1)
        self.addCleanup(lambda: [s.close() for s in socks])
        time.sleep(1)
        closed = [is_closed(s) for s in socks]
        self.assertEqual(closed.count(False), 1024)
        self.assertTrue(all(closed[1024:]))
        self.assertEqual(self.work(3), 3)


class BehindAProxy(ServerTest):
    """A reverse proxy's connections all come from its one address: a
    trusted proxy is not held to the per-address share (its own maxconn
    is the limit), while any other address still is."""
    server_config = "max_connections_per_address = 4\ntrusted_proxies = 127.0.0.2\n"

    def test_a_trusted_proxy_is_not_held_to_one_address_share(self):
        proxy = flood(self.server.port, 12, 1)             # from 127.0.0.2
        self.addCleanup(lambda: [s.close() for s in proxy])
        other = []
        for _ in range(12):                                 # from 127.0.0.3
            s = socket.socket()
            s.settimeout(5)
            s.bind(("127.0.0.3", 0))
            s.connect(("127.0.0.1", self.server.port))
            s.setblocking(False)
            other.append(s)
        self.addCleanup(lambda: [s.close() for s in other])
        time.sleep(1)
        self.assertEqual([is_closed(s) for s in proxy].count(False), 12)
        closed = [is_closed(s) for s in other]
        self.assertEqual(closed.count(False), 4)
        self.assertTrue(all(closed[4:]))
        # and every one of the proxy's connections is served
        for s in proxy:
            s.setblocking(True)
            s.settimeout(5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertTrue(s.recv(64).startswith(b"HTTP/1.1 200"))


if __name__ == "__main__":
    unittest.main()
