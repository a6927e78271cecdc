"""brigade-kds with two instances of one PostgreSQL database: the header
names the server in use; when that one is killed (SIGKILL) the board goes on
with the other without a new login, new orders keep coming, and a bump made
there is applied once."""
import os
import tempfile
import unittest

from kds_helpers import KdsTest, Server
from brigade_test import pg_cluster


class FailoverTest(KdsTest):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-kds-")
        db = pg_cluster().database("kds_failover")
        dirs = [os.path.join(self.tmp, n) for n in ("a", "b")]
        for d in dirs:
            os.mkdir(d)
        self.server = Server(dirs[0], db=db).start()
        self.other = Server(dirs[1], db=db).start()
        self.addCleanup(self.other.stop)
        # the test's own requests go to the instance that stays
        self.http = self.other.client("k1")
        self.chef = self.other.client("c1")
        self.kdses = []
        self.others = []

    def test_header_names_the_server_and_follows_a_failover(self):
        a, b = self.server, self.other
        t = self.start_kds("--server", "http://127.0.0.1:%d, http://127.0.0.1:%d"
                           % (a.port, b.port))
        t.wait_for("via 127.0.0.1:%d" % a.port)
        self.assertIn("ONLINE", t.line_with("via 127.0.0.1:%d" % a.port))
        first = self.order(items=[{"sku": "B1", "qty": 1, "note": "before the kill"}])
        t.wait_all("#%d " % first["number"], "! before the kill")

        a.kill9()
        t.wait_for("via 127.0.0.1:%d" % b.port)
        t.wait_until(lambda s: "ONLINE" in t.line_with("via 127.0.0.1:%d" % b.port),
                     what="online on the second server")
        second = self.order(items=[{"sku": "S1", "qty": 1, "note": "after the kill"}])
        t.wait_all("#%d " % second["number"], "! after the kill", "NEW (2)")

        # a bump from the board goes to the server in use, once
        t.send("Enter")
        t.wait_for("PREPARING (1)")
        self.wait_status(first["id"], "PREPARING")
        self.assertEqual(self.actions(first["id"]), ["create", "start"])
        self.assertNotIn("SIGNED OUT", t.capture())


if __name__ == "__main__":
    unittest.main()
