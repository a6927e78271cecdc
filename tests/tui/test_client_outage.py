"""client_outage: every client (the kitchen screen, a till, brigadectl tail
and its outbox) cut off from the server at once through one proxy, for a
short and a long blackhole (the link drops everything, connections hang)
and for a link that resets every connection; orders keep coming in at the
server meanwhile. Each client comes back by itself within seconds of the
link returning and shows every order exactly once: no gap, no duplicate.
The three-minute cut is test_client_outage_long (label slow)."""
import unittest

from outage_helpers import OutageTest


class Outage(OutageTest):
    def test_blackhole_5s(self):
        self.outage("blackhole", 5)

    def test_blackhole_30s(self):
        self.outage("blackhole", 30)

    def test_reset_5s(self):
        self.outage("reset", 5)


if __name__ == "__main__":
    unittest.main()
