"""client_outage_long: the three-minute blackhole, every client cut at
once (see test_client_outage.py). Labelled slow."""
import unittest

from outage_helpers import OutageTest


class OutageLong(OutageTest):
    def test_blackhole_3min(self):
        self.outage("blackhole", 180)


if __name__ == "__main__":
    unittest.main()
