"""client_outage: every client (the kitchen screen, a till, brigadectl tail
and its outbox) cut off from the server at once through one proxy: a
blackhole (the link drops everything, connections hang) of 5 s and of
30 s, a link that resets every connection for 5 s, and the server itself
stopped (SIGSTOP) for 26 s; and a link that delays everything by 300 ms
for 15 s, through which every client stays online. Orders keep coming in
at the server meanwhile (after the SIGCONT for the stopped one). Each
client comes back by itself within seconds and shows every order exactly
once: no gap, no duplicate. The three-minute cut is
test_client_outage_long (label slow)."""
import unittest

from outage_helpers import OutageTest


class Outage(OutageTest):
    def test_blackhole_5s(self):
        self.outage("blackhole", 5)

    def test_blackhole_30s(self):
        self.outage("blackhole", 30)

    def test_reset_5s(self):
        self.outage("reset", 5)

    def test_delay_300ms_for_15s(self):
        self.outage("delay", 15)

    def test_server_sigstop_26s(self):
        self.outage("sigstop", 26)


if __name__ == "__main__":
    unittest.main()
