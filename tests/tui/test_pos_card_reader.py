"""pos_card_reader: the real brigade-pos (tmux) with a USB card reader, a
umockdev-emulated magnetic stripe reader in keyboard mode served by
usbdev-serve to the till's process (umockdev's preload library), against a
real server and the virtual printer: a swipe fills in the external card
terminal's brand and last 4 (only those, the card number nowhere; the
typed approval code pays), a bad swipe says swipe again, a swipe away from
the tender screen says where to go, a reader unplugged shows in the header
and sales go on in cash, and it is taken up again when plugged back."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pos_helpers import PAN_VISA, PosTest  # noqa: E402

SERVE = os.environ.get("USBDEV_SERVE", "")
DATA = os.environ.get("USB_DATA_DIR", "")

# what the reader types: track 1, track 2 (usbdev-serve adds Enter)
SWIPE_VISA = ("%B4111111111111111^DOE/JOHN^29121010000000000000?"
              ";4111111111111111=29121010000000000000?")
SWIPE_AMEX = "%B378282246310005^LEE/MAY^2812101?;378282246310005=2812101?"
SWIPE_BAD_LUHN = ";4111111111111112=2912101?"


class Reader:
    """usbdev-serve holding one keyboard-mode card reader, 0801:0001."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [SERVE, DATA, "hid-reader-keyboard.umockdev", "/dev/bus/usb/001/002",
             "Brigade", "Swipe reader"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        if not first.startswith("UMOCKDEV_DIR="):
            raise AssertionError("usbdev-serve said %r" % first)
        self.dir = first.split("=", 1)[1]

    def do(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if not answer.startswith("ok"):
            raise AssertionError("usbdev-serve %r: %r" % (line, answer))
        return answer

    def env(self):
        """What the till needs to see the emulated device."""
        asan = os.environ.get("ASAN_OPTIONS", "")
        return {"LD_PRELOAD": "libumockdev-preload.so.0", "UMOCKDEV_DIR": self.dir,
                # umockdev's library comes before the sanitizer's runtime
                "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


@unittest.skipUnless(SERVE and DATA, "usbdev-serve not built (umockdev missing)")
class CardReaderTest(PosTest):
    def setUp(self):
        self.reader = Reader()
        self.addCleanup(self.reader.close)

    def till(self):
        pos = self.pos("k1", args=["--card-reader", "usb://0801:0001"], env=self.reader.env())
        return pos

    def test_swipe_pays_bad_swipe_and_swipe_away_from_tender(self):
        pos = self.till()
        # a swipe before the tender screen is not lost silently
        self.reader.do("swipe " + SWIPE_VISA)
        pos.wait_for("open the tender screen (Enter) first")
        pos.ring("B2")                          # 10.50 + 0.84 = 11.34
        pos.wait_for("1 x Cheeseburger")
        pos.send("Enter")
        pos.wait_for("Amount>")
        self.reader.do("swipe " + SWIPE_BAD_LUHN)
        pos.wait_for("swipe again")
        pos.wait_for(r"DUE +11\.34", regex=True)
        pos.type("c")
        pos.wait_for("Charge 11.34 on the card terminal")
        self.reader.do("swipe " + SWIPE_VISA)
        pos.wait_for("Card VISA ****1111 read")
        pos.type("A1B2C3")                      # the card terminal's approval code
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        screen = pos.wait_for(r"Order #(\d+)", regex=True)
        import re
        n = int(re.search(r"Order #(\d+)", screen).group(1))
        paper = self.rig.printer.wait_text("Card VISA ****1111")
        self.assertNotIn(PAN_VISA, paper)
        o = [o for o in self.rig.orders() if o["number"] == n][0]
        p = o["payments"][0]
        self.assertEqual((p["tender"], p["amount"], p["card"], p["approval"]),
                         ("CARD", 1134, {"brand": "VISA", "last4": "1111"}, "A1B2C3"))
        self.assertCardNumberNowhere(pos, PAN_VISA)

    def test_unplugged_reader_shows_and_comes_back(self):
        pos = self.till()
        pos.ring("S1")                          # 3.50 + 0.28 = 3.78
        pos.send("Enter")
        pos.wait_for("Amount>")
        self.reader.do("unplug")
        pos.wait_for("card reader was unplugged")
        # sales go on in cash meanwhile
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        self.reader.do("plug")
        pos.wait_for("Card reader ready", timeout=30)
        pos.wait_gone("card reader was unplugged")
        # and it reads again
        pos.send("Escape")
        pos.ring("S1")
        pos.send("Enter")
        pos.wait_for("Amount>")
        self.reader.do("swipe " + SWIPE_AMEX)      # starts a card payment, fills it in
        pos.wait_for("Charge 3.78 on the card terminal")
        pos.wait_for("< AMEX >")
        pos.type("Z7")
        pos.send("Enter")
        pos.wait_for("CHANGE 0.00")
        self.rig.printer.wait_text("Card AMEX ****0005")


if __name__ == "__main__":
    unittest.main()
