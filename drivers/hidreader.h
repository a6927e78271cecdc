/* hidreader: a USB HID magnetic card reader through libusb, in either of
 * the modes readers ship in: keyboard mode (boot keyboard reports that
 * "type" the tracks and Enter) or vendor mode (MagTek-style 337-byte
 * reports carrying the tracks). Track data lives only in a buffer that is
 * wiped once parsed; what comes out is a struct swipe_card. */
#ifndef BRIGADE_HIDREADER_H
#define BRIGADE_HIDREADER_H

#include <stddef.h>

#include "swipe.h"

/* The vendor-mode report: decode status per track (0 = good), track
 * lengths, card encode type, then three 110-byte track fields. */
#define HIDREADER_VENDOR_REPORT 337

struct hidreader;

/* Open the reader VID:PID (the usb:// form without the scheme, as in
 * "0801:0001"). NULL with a sentence in err (missing, access denied with
 * the udev rule to install, busy). */
struct hidreader *hidreader_open(const char *vid_pid, char *err, size_t errsize);

/* Wait up to timeout_ms for a swipe. Returns 1 when one ended (*result
 * says good or why it was bad; *card filled when good), 0 when nothing
 * (complete) arrived, -1 when the reader failed or was unplugged (err). */
int hidreader_poll(struct hidreader *r, int timeout_ms, struct swipe_card *card,
    enum swipe_result *result, char *err, size_t errsize);

void hidreader_close(struct hidreader *r);

/* Keyboard mode, exposed for tests: a HID usage code with the shift
 * state, as the character a US keyboard types; 0 for none. */
int hidreader_usage_char(unsigned char usage, int shift);

#endif
