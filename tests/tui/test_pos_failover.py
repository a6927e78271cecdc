"""pos_failover: the real brigade-pos (tmux) with two instances of one
PostgreSQL database. The status line names the server in use; when that one
is killed (SIGKILL) the till goes on with the other without a new login,
sales keep getting the server's numbers, and each sale exists once."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PosRig, VPrinter  # noqa: E402
from brigade_test import Server, pg_cluster  # noqa: E402


class PgRig(PosRig):
    """Two instances on one database; the rig's server is the first."""

    def __init__(self, owner):
        self.dir = tempfile.mkdtemp(prefix="brigade-pos-test-")
        db = pg_cluster().database("pos_failover")
        dirs = [os.path.join(self.dir, n) for n in ("a", "b")]
        for d in dirs:
            os.mkdir(d)
        self.server = Server(dirs[0], db=db).start()
        self.second = Server(dirs[1], db=db).start()
        self.printer = VPrinter(self.dir, "receipt")
        self.kitchen = None
        self.poses = []
        owner.addCleanup(self.close)

    def close(self):
        try:
            super().close()
        finally:
            self.second.stop()

    def api(self, staff="m1"):
        return self.second.client(staff)


class Failover(unittest.TestCase):
    def sale(self, pos, before):
        """Ring a burger, pay exact cash: the server's order number (one
        not in before: the last sale's stays on screen a while)."""
        import re
        pos.ring("B1")
        pos.wait_for("1 x Classic Burger")
        pos.send("Enter")                      # to tender
        pos.wait_for("Amount>")
        pos.send("Enter")                      # exact cash
        pos.wait_for("CHANGE 0.00")

        def number(screen):
            m = re.search(r"Order #(\d+)", screen)
            return int(m.group(1)) if m and int(m.group(1)) not in before else None
        n = number(pos.wait_until(number, what="the server's number for a new sale"))
        before.append(n)
        return n

    def test_status_line_and_sales_across_a_kill(self):
        rig = PgRig(self)
        a, b = rig.server, rig.second
        pos = rig.pos("k1", args=("--server", "http://127.0.0.1:%d,http://127.0.0.1:%d"
                                  % (a.port, b.port)))
        pos.wait_for("via 127.0.0.1:%d" % a.port)
        sold = []
        self.sale(pos, sold)

        a.kill9()
        self.sale(pos, sold)
        pos.wait_for("via 127.0.0.1:%d" % b.port)
        self.assertNotIn("SIGNED OUT", pos.capture())
        self.sale(pos, sold)

        numbers = [o["number"] for o in rig.orders()]
        self.assertEqual(sorted(numbers), sorted(sold))


if __name__ == "__main__":
    unittest.main()
