#!/usr/bin/env python3
"""The database on disk: private files whatever the umask, and a damaged
database noticed at start and while serving."""
import os
import shutil
import stat
import subprocess
import tempfile
import time
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


if __name__ == "__main__":
    unittest.main()
