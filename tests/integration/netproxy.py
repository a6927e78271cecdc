"""netproxy: a TCP relay on 127.0.0.1 that a test puts between a client
and the server to play a bad network.

    p = NetProxy(server_port)        clients connect to p.port
    p.passthrough()                  relay both ways (the start)
    p.delay(0.5)                     every chunk arrives 0.5 s late
    p.blackhole()                    drop silently: connections stay open
                                     but nothing is forwarded either way; new
                                     ones are accepted and never answered
                                     (a pulled cable, a dead Wi-Fi bridge)
    p.reset()                        every connection gets a TCP reset, and so
                                     does every new one until the next mode
    p.cut() / p.restore()            the old helper's names: refuse (close)
                                     everything / pass again
    p.hold() / p.release()           the client's side waits, the server's
                                     flows (a slow uplink)
    p.strip_header("authorization")  a proxy that removes a request header
    p.requests                       "METHOD PATH" of each request seen

A blackhole keeps the bytes in the kernel's buffers, as a real link that
drops packets makes TCP keep them for retransmission: when the link comes
back, what the peers still wait for arrives, and a connection a peer gave
up on meanwhile is closed as it was. Connections accepted during a
blackhole are joined to the server when it ends.
Standard library only; one thread.
"""
import heapq
import re
import select
import socket
import struct
import threading
import time

PASS, DELAY, BLACKHOLE, RESET, CUT = "pass", "delay", "blackhole", "reset", "cut"


class _Pair:
    def __init__(self, client):
        self.client = client
        self.upstream = None
        self.eof = False              # delay(): the end is on its way


def _rst(sock):
    """Close with a TCP reset rather than a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class NetProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(128)
        self.port = self.lsock.getsockname()[1]
        self.pairs = []
        self.mode = PASS
        self.latency = 0.0
        self.held = False
        self.accepted = 0             # connections the relay accepted, all told
        self.turns = 0
        self.stop = False
        self.lock = threading.Lock()
        self.later = []               # (due, n, pair, dst, data) for delay()
        self.n = 0
        self.last_due = 0.0
        self.strip = None             # a compiled request-header pattern to remove
        self.requests = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    # --- modes ---------------------------------------------------------

    def _turn(self):
        """Wait for the relay's next whole turn: a select under way may
        still watch what the new mode no longer watches."""
        turn = self.turns
        deadline = time.time() + 5
        while self.turns < turn + 2 and time.time() < deadline:
            time.sleep(0.01)

    def passthrough(self):
        with self.lock:
            self.mode = PASS
            self.latency = 0.0
        self._turn()

    def delay(self, seconds):
        with self.lock:
            self.mode = DELAY
            self.latency = seconds
        self._turn()

    def blackhole(self):
        with self.lock:
            self.mode = BLACKHOLE
        self._turn()

    def reset(self):
        with self.lock:
            self.mode = RESET
            pairs, self.pairs = self.pairs, []
        for p in pairs:
            self._close(p, rst=True)
        self._turn()

    def cut(self):
        with self.lock:
            self.mode = CUT
            pairs, self.pairs = self.pairs, []
        for p in pairs:
            self._close(p)
        self._turn()

    def restore(self):
        self.passthrough()

    def hold(self):
        self.held = True
        self._turn()

    def release(self):
        self.held = False

    def strip_header(self, name):
        """Remove this header from every request (a proxy that drops
        Authorization, say). Matched per chunk: loopback requests come
        whole."""
        self.strip = re.compile(rb"\r\n" + re.escape(name.encode()) + rb":[^\r]*",
                                re.IGNORECASE)

    def connections(self):
        with self.lock:
            return len(self.pairs)

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for p in pairs:
            self._close(p)
        self.lsock.close()

    # --- the relay -----------------------------------------------------

    def _close(self, pair, rst=False):
        for s in (pair.client, pair.upstream):
            if s is None:
                continue
            if rst:
                _rst(s)
            else:
                try:
                    s.close()
                except OSError:
                    pass

    def _drop(self, pair):
        with self.lock:
            if pair in self.pairs:
                self.pairs.remove(pair)
        self._close(pair)

    def _join(self, pair):
        try:
            pair.upstream = socket.create_connection(self.target, timeout=2)
        except OSError:
            self._drop(pair)

    def _accept(self, mode):
        try:
            c, _ = self.lsock.accept()
        except OSError:
            return
        self.accepted += 1
        if mode == CUT:
            c.close()
            return
        if mode == RESET:
            _rst(c)
            return
        pair = _Pair(c)
        with self.lock:
            self.pairs.append(pair)
        if mode != BLACKHOLE:
            self._join(pair)

    def _send(self, pair, dst, data):
        try:
            dst.sendall(data)
        except OSError:
            self._drop(pair)

    def _filter(self, data):
        for m in re.finditer(rb"(?:^|\r\n)(GET|POST|PATCH|PUT|DELETE) (\S+) HTTP/1\.1", data):
            self.requests.append("%s %s" % (m.group(1).decode(), m.group(2).decode()))
        if self.strip is not None:
            data = self.strip.sub(b"", data)
        return data

    def _run(self):
        while not self.stop:
            self.turns += 1
            with self.lock:
                mode, latency, pairs = self.mode, self.latency, list(self.pairs)
            if mode != BLACKHOLE:
                for p in pairs:
                    if p.upstream is None:
                        self._join(p)
            socks = [self.lsock]
            if mode != BLACKHOLE:
                for p in pairs:
                    if p.upstream is None or p.eof:
                        continue
                    socks.append(p.upstream)
                    if not self.held:
                        socks.append(p.client)
            timeout = 0.05
            if self.later:
                timeout = max(0.0, min(timeout, self.later[0][0] - time.time()))
            try:
                r, _, _ = select.select(socks, [], [], timeout)
            except (OSError, ValueError):
                continue
            now = time.time()
            while mode != BLACKHOLE and self.later and self.later[0][0] <= now:
                _, _, pair, dst, data = heapq.heappop(self.later)
                if data is None:
                    self._drop(pair)
                elif pair in self.pairs:
                    self._send(pair, dst, data)
            for s in r:
                if s is self.lsock:
                    self._accept(mode)
                    continue
                pair = next((p for p in pairs if s is p.client or s is p.upstream), None)
                if pair is None or pair not in self.pairs:
                    continue
                dst = pair.upstream if s is pair.client else pair.client
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if data and s is pair.client:
                    data = self._filter(data)
                if (mode == DELAY and latency > 0) or self.later:
                    # in order, also while the last delayed bytes drain
                    due = max(now + (latency if mode == DELAY else 0), self.last_due)
                    self.last_due = due
                    pair.eof = not data
                    self.n += 1
                    heapq.heappush(self.later, (due, self.n, pair, dst,
                                                data if data else None))
                elif data:
                    self._send(pair, dst, data)
                else:
                    self._drop(pair)


# The name the older tests use.
Proxy = NetProxy
