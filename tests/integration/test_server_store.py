#!/usr/bin/env python3
"""The database on disk: private files whatever the umask, and a damaged
database noticed at start and while serving."""
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import unittest

from brigade_test import BIN, Client, Server, walk_in

SERVER = os.path.join(BIN, "brigade-server")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class PrivateFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-store-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # the server inherits a careless umask
        self.old = os.umask(0)
        self.addCleanup(os.umask, self.old)

    def test_new_database_is_private(self):
        s = Server(self.tmp).start()
        try:
            k = s.client("k1")
            self.assertEqual(k.create(walk_in()).status, 201)
            db = s.db
            for path in (db, db + "-wal", db + "-shm"):
                self.assertTrue(os.path.exists(path), path)
                self.assertEqual(oct(mode(path)), oct(0o600), path)
        finally:
            self.assertEqual(s.stop(), 0)
        self.assertEqual(oct(mode(s.db)), oct(0o600))

    def test_existing_database_is_narrowed(self):
        s = Server(self.tmp).start()
        self.assertEqual(s.stop(), 0)
        os.chmod(s.db, 0o644)
        s.start()
        try:
            self.assertEqual(s.client("k1").create(walk_in()).status, 201)
            for path in (s.db, s.db + "-wal", s.db + "-shm"):
                self.assertEqual(oct(mode(path)), oct(0o600), path)
        finally:
            self.assertEqual(s.stop(), 0)

    def test_add_staff_creates_private(self):
        db = os.path.join(self.tmp, "staff.db")
        r = subprocess.run([SERVER, "--db", db, "--add-staff", "boss:ADMIN"], input="987654\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(oct(mode(db)), oct(0o600))
        for side in ("-wal", "-shm", "-journal"):
            if os.path.exists(db + side):
                self.assertEqual(oct(mode(db + side)), oct(0o600), side)


def damage(path, first_page, count, seed=7):
    """Overwrite count pages of the database file with garbage, from
    first_page (1 is the header page)."""
    import random
    rnd = random.Random(seed)
    with open(path, "r+b") as f:
        header = f.read(100)
        page = int.from_bytes(header[16:18], "big")
        page = 65536 if page == 1 else page
        size = os.path.getsize(path)
        pages = size // page
        for n in range(first_page, min(first_page + count, pages + 1)):
            f.seek((n - 1) * page)
            f.write(bytes(rnd.getrandbits(8) for _ in range(page)))
        return pages


class Damaged(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-damaged-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def make_database(self, orders):
        s = Server(self.tmp).start()
        k = s.client("k1")
        for _ in range(orders):
            self.assertEqual(k.create(walk_in(customer={"name": "x" * 60})).status, 201)
        k.close()
        self.assertEqual(s.stop(), 0)
        # everything into the main file, which the damage below goes to
        db = sqlite3.connect(s.db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        self.assertFalse(os.path.exists(s.db + "-wal") and os.path.getsize(s.db + "-wal"))
        return s

    def test_damaged_at_start(self):
        s = self.make_database(200)
        good = s.db + ".good"
        shutil.copy(s.db, good)
        pages = os.path.getsize(s.db) // 4096
        self.assertGreater(pages, 64)
        # pages the start-up reads anyway (schema, menu), and pages only a
        # full check reads (old orders and events)
        for first in (3, pages - 30):
            shutil.copy(good, s.db)
            damage(s.db, first, 30)
            r = subprocess.run([SERVER, "--db", s.db, "--listen", "127.0.0.1:0"],
                               capture_output=True, text=True, timeout=60)
            with self.subTest(first_page=first):
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertIn("damaged", r.stderr)
                self.assertIn(s.db, r.stderr)

    def test_damaged_while_serving(self):
        s = self.make_database(200)
        s.start()
        try:
            k = s.client("k1")
            self.assertEqual(k.get("/healthz").status, 200)
            head = k.get("/healthz").json["head"]
            # the file is damaged under the running server
            damage(s.db, 3, 30)
            # reads of pages not yet cached meet the damage
            seen = None
            for oid in range(1, 201):
                k.get("/api/v1/orders/%d" % oid)
                if k.get("/healthz").status == 503:
                    seen = oid
                    break
            if seen is None:
                # orders may all be cached: a write reads the tree too
                k.create(walk_in())
            h = k.get("/healthz")
            self.assertEqual(h.status, 503, h)
            self.assertEqual((h.json["status"], h.json["error"]["code"]), ("damaged", "store_corrupt"))
            # no change is accepted any more, and none happens
            r = k.create(walk_in())
            self.assertEqual((r.status, r.code), (503, "store_corrupt"), r)
            r = k.act(1, "cancel", reason="x")
            self.assertIn(r.status, (403, 503), r)
            self.assertEqual(k.get("/healthz").json["head"], head)
            anon = Client(s.port)
            self.assertEqual(anon.post("/api/v1/auth/login",
                                       {"staff": "m1", "pin": "4444"}).status, 503)
            anon.close()
            k.close()
        finally:
            rc = s.stop()
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
