"""brigade-kds gives the terminal back however it ends: quitting, SIGTERM,
SIGHUP, and a fatal signal (SIGSEGV: restored first, then the signal does
what it would have done). tmux tells whether the pane is still in the
alternate screen that curses uses."""
import os
import signal
import unittest

from kds_helpers import KdsTest


class TerminalTest(KdsTest):
    def alternate(self, t):
        return t.tmux("display-message", "-p", "-t", "t", "#{alternate_on}").strip()

    def run_and_signal(self, sig):
        t = self.start_kds(width=80, height=24)
        t.wait_for("NEW (0)")
        self.assertEqual(self.alternate(t), "1")
        os.kill(t.pid(), sig)
        status = t.wait_exit()
        self.assertEqual(self.alternate(t), "0", "the terminal is back after %s" % sig)
        return t, status

    def test_sigterm_and_sighup(self):
        for sig in (signal.SIGTERM, signal.SIGHUP):
            t, status = self.run_and_signal(sig)
            self.assertEqual(status, 0)

    def test_fatal_signal(self):
        t, status = self.run_and_signal(signal.SIGSEGV)
        t.expected_exit = status
        self.assertNotEqual(status, 0)

    def test_quit(self):
        t = self.start_kds(width=80, height=24)
        t.wait_for("NEW (0)")
        t.send("q")
        t.send("y")
        self.assertEqual(t.wait_exit(), 0)
        self.assertEqual(self.alternate(t), "0")


if __name__ == "__main__":
    unittest.main()
