"""brigade_test: helpers for integration tests against a real brigade-server.

Each test starts the real server on an ephemeral loopback port with a
temporary database, and talks to it over HTTP (http.client) and WebSocket
(a small RFC 6455 client below), standard library only.

With BRIGADE_TEST_STORE=pg every server's database is a PostgreSQL one
instead of a SQLite file: a private cluster (PgCluster) that the test
process starts on a Unix socket in a temporary directory, with a new
database for each server's work directory.
"""
import base64
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
import atexit
import pwd

BIN = os.environ.get("BRIGADE_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin"))
PINS = {"k1": "1111", "w1": "2222", "c1": "3333", "m1": "4444", "a1": "5555", "web": "6666"}
STORE = os.environ.get("BRIGADE_TEST_STORE", "sqlite")
PG = STORE == "pg"
PG_BIN = os.environ.get("BRIGADE_PG_BIN", "/usr/lib/postgresql/15/bin")
# a test of a SQLite file (its lock, its bytes, --backup) has no meaning on PostgreSQL
sqlite_only = unittest.skipIf(PG, "a SQLite file's test")


class PgCluster:
    """A private PostgreSQL cluster: initdb in a temporary directory, listening
    only on a Unix socket there. PostgreSQL refuses to run as root, so as root
    the cluster runs as nobody (who owns its directory)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="brigade-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.as_user = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self._run("initdb", "-D", self.data, "-U", "brigade", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        self.start()

    def _run(self, tool, *args):
        r = subprocess.run(self.as_user + [os.path.join(PG_BIN, tool)] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.dir)
        if r.returncode != 0:
            raise RuntimeError("%s failed: %s" % (tool, r.stdout.decode(errors="replace")))
        return r

    def start(self):
        opts = ("-k %s -c listen_addresses='' -c fsync=off -c full_page_writes=off"
                " -c max_connections=100 -c shared_buffers=16MB" % self.dir)
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", opts, "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, name):
        return "postgresql:///%s?host=%s&user=brigade" % (name, self.dir)

    def psql(self, sql, db="postgres"):
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-U", "brigade",
                            "-d", db, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("psql: %s" % r.stdout.decode(errors="replace"))
        return r.stdout.decode()

    def database(self, name):
        """The URL of database name, made if it is not there yet."""
        if not self.psql("SELECT 1 FROM pg_database WHERE datname = '%s'" % name).strip():
            self.psql("CREATE DATABASE %s" % name)
        return self.url(name)

    def destroy(self):
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


_cluster = None


def pg_cluster():
    """The test process's cluster, started on first use, ended at exit."""
    global _cluster
    if _cluster is None:
        _cluster = PgCluster()
        atexit.register(_cluster.destroy)
    return _cluster


def db_rows(db, sql):
    """The rows of a query on a test server's database (either store), as
    tuples of text for PostgreSQL."""
    if db.startswith("postgresql://"):
        name = db[len("postgresql:///"):].split("?")[0]
        out = pg_cluster().psql(sql, db=name)
        return [tuple(line.split("|")) for line in out.splitlines() if line]
    import sqlite3
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def server_database(workdir):
    """A server's database for workdir: a file in it, or (BRIGADE_TEST_STORE=pg)
    a PostgreSQL database named after it."""
    if not PG:
        return os.path.join(workdir, "brigade.db")
    name = "t_" + "".join(c if c.isalnum() else "_" for c in os.path.basename(workdir)).lower()
    return pg_cluster().database(name)


class Server:
    """A brigade-server process on 127.0.0.1 with its own database."""

    def __init__(self, workdir, demo=True, extra=None, config=None, db=None):
        self.workdir = workdir
        self.db = db or server_database(workdir)
        self.port = None
        self.proc = None
        self.demo = demo
        self.extra = list(extra or [])
        self.config = config

    def start(self, port=0):
        portfile = os.path.join(self.workdir, "port")
        if os.path.exists(portfile):
            os.unlink(portfile)
        args = [os.path.join(BIN, "brigade-server"), "--listen", "127.0.0.1:%d" % port,
                "--db", self.db, "--port-file", portfile] + self.extra
        if self.demo:
            args.append("--demo")
        if self.config:
            cfg = os.path.join(self.workdir, "server.conf")
            with open(cfg, "w") as f:
                f.write(self.config)
            args += ["--config", cfg]
        self.log = open(os.path.join(self.workdir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("brigade-server exited with %d" % self.proc.returncode)
            try:
                with open(portfile) as f:
                    self.port = int(f.read().strip())
                break
            except (OSError, ValueError):
                time.sleep(0.02)
        else:
            raise RuntimeError("brigade-server did not start")
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def client(self, staff=None, terminal="test"):
        c = Client(self.port)
        if staff:
            c.login(staff, PINS[staff], terminal)
        return c


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        """The error code of an error response."""
        return (self.json or {}).get("error", {}).get("code")

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Client:
    """HTTP/1.1 keep-alive client for the API."""

    def __init__(self, port, host="127.0.0.1", source=None):
        self.host = host
        self.port = port
        self.source = source     # another loopback address (127.0.0.2) to
        self.token = None        # be another terminal to the server
        self.conn = None

    def login(self, staff, pin, terminal="test"):
        r = self.post("/api/v1/auth/login", {"staff": staff, "pin": pin, "terminal": terminal})
        if r.status != 200:
            raise AssertionError("login %s failed: %r" % (staff, r))
        self.token = r.json["token"]
        self.role = r.json["role"]
        return r

    def request(self, method, path, body=None, headers=None, raw=None, token=True):
        h = {"Content-Type": "application/json"}
        if token and self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if isinstance(data, str):
            data = data.encode()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=30,
                    source_address=(self.source, 0) if self.source else None)
            try:
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                payload = resp.read()
                if resp.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return Response(resp.status, dict((k.lower(), v) for k, v in resp.getheaders()),
                                payload.decode("utf-8", "replace"))
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, key=None, **kw):
        headers = kw.pop("headers", {})
        if key:
            headers["Idempotency-Key"] = key
        return self.request("POST", path, body, headers=headers, **kw)

    def patch(self, path, body=None, key=None, **kw):
        headers = kw.pop("headers", {})
        if key:
            headers["Idempotency-Key"] = key
        return self.request("PATCH", path, body, headers=headers, **kw)

    def create(self, order, key=None):
        return self.post("/api/v1/orders", order, key=key or str(uuid.uuid4()))

    def act(self, oid, action, **extra):
        body = {"action": action}
        body.update(extra)
        key = body.pop("key", None)
        return self.post("/api/v1/orders/%d/actions" % oid, body, key=key)

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None


def walk_in(service="PICKUP", items=None, pay=None, **extra):
    """A POS order body: by default 2 x B1 with extra cheese and fries, cash."""
    o = {"source": "POS", "service": service,
         "items": items or [{"sku": "B1", "qty": 2, "modifiers": ["XCH"]}, {"sku": "S1", "qty": 1}],
         "payments": pay if pay is not None else [{"tender": "CASH", "amount": 10000}]}
    if service == "DELIVERY":
        o["customer"] = {"name": "Dee", "phone": "555-0100", "address": "1 Main St"}
    o.update(extra)
    return o


class WebSocket:
    """A minimal RFC 6455 client: text messages, fragmentation, ping/pong."""

    def __init__(self, port, path, token=None, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port,
                 "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        if token:
            lines.append("Authorization: Bearer " + token)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        header, _, self.buf = head.partition(b"\r\n\r\n")
        status_line = header.split(b"\r\n")[0].decode()
        self.status = int(status_line.split()[1]) if len(status_line.split()) > 1 else 0
        self.headers = header.decode("latin-1")
        self.rejection = None
        if self.status != 101:
            # the body of a refused upgrade is a JSON error
            body = self.buf
            try:
                while True:
                    chunk = self.sock.recv(4096)
                    if not chunk:
                        break
                    body += chunk
            except socket.timeout:
                pass
            self.rejection = body.decode("utf-8", "replace")
            self.sock.close()
            return
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert accept in self.headers, "bad Sec-WebSocket-Accept"

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("stream closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _send(self, opcode, payload=b""):
        mask = os.urandom(4)
        hdr = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(hdr + mask + masked)

    def recv(self, timeout=10):
        """The next text message as parsed JSON (None on timeout)."""
        self.sock.settimeout(timeout)
        message = b""
        try:
            while True:
                b0, b1 = self._read(2)
                fin, opcode = b0 & 0x80, b0 & 0x0F
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack(">H", self._read(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", self._read(8))[0]
                payload = self._read(n)
                if opcode == 0x9:
                    self._send(0xA, payload)
                    continue
                if opcode == 0x8:
                    raise ConnectionError("stream closed by server")
                if opcode in (0x1, 0x0):
                    message += payload
                    if fin:
                        return json.loads(message.decode())
        except socket.timeout:
            return None

    def close(self):
        try:
            self._send(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()


class ServerTest(unittest.TestCase):
    """A test case with a fresh demo server per test class."""

    server_config = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brigade-test-")
        cls.server = Server(cls.tmp, config=cls.server_config).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        log = os.path.join(cls.tmp, "server.log")
        if rc not in (0, None):
            # a crash or a sanitizer report fails the run, with its evidence
            with open(log, errors="replace") as f:
                sys.stderr.write("\n--- server.log (exit %s) ---\n%s\n" % (rc, f.read()[-20000:]))
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError("brigade-server exited with %s" % rc)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def client(self, staff=None, terminal="test"):
        c = self.server.client(staff, terminal)
        self.addCleanup(c.close)
        return c
