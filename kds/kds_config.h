/* kds_config: the kitchen display's own settings, beside the client
 * settings (cfg.h) every program shares. Flags over environment over the
 * file: $BRIGADE_KDS_CONFIG, else /etc/brigade/kds.conf then
 * $XDG_CONFIG_HOME/brigade/kds.conf (~/.config/brigade/kds.conf):
 *
 *   station = grill              # or all (the expo view)
 *   theme = dark
 *   quiet = false                # no bell on new orders
 *   warn = 5m                    # ticket age thresholds, every station
 *   late = 8m
 *   warn.grill = 4m              # one station's own
 *   late.grill = 6m
 *   recall_window = 10m
 *   label_printer = tcp://10.0.0.7:9100
 *   label_profile = epson-tm-l90
 *   ticket_printer = tcp://10.0.0.8:9100   # void tickets (else the label printer)
 *   ticket_profile = epson-tm-t20iii
 *   print_queue = /var/lib/brigade/kds-printq.db
 *   void_file = /var/lib/brigade/kds-voids.json  # VOID cards kept over a restart
 *
 * Durations: 90, 90s, 1500ms, 5m, 1h.
 */
#ifndef BRIGADE_KDS_CONFIG_H
#define BRIGADE_KDS_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"

struct kds_config {
	char station[STATION_MAX + 1];   /* "" = all */
	char theme[64];
	bool quiet;
	bool mono;                       /* no colours whatever the terminal */
	struct board_thresholds th[BOARD_STATIONS_MAX + 1];
	int nth;                         /* th[0]: the default */
	int64_t recall_window_ms;
	char label_printer[256];         /* URI, "" for none */
	char label_profile[64];
	char ticket_printer[256];        /* void tickets; "" = the label printer */
	char ticket_profile[64];
	char print_queue[PATH_MAX];
	char void_file[PATH_MAX];        /* uncleared VOID cards (voids.h), "" none */
	char trace[PATH_MAX];            /* opt-in timing trace, "" for none */
	char log_file[PATH_MAX];
};

void kds_config_defaults(struct kds_config *c);
/* One setting by its file key; -1 with a reason in err. */
int kds_config_set(struct kds_config *c, const char *key, const char *value, char *err,
    size_t errsize);
/* The files, then BRIGADE_KDS_STATION, BRIGADE_KDS_THEME, BRIGADE_KDS_TRACE,
 * BRIGADE_KDS_LOG, NO_COLOR aside (the terminal layer reads it). */
int kds_config_load(struct kds_config *c, char *err, size_t errsize);
/* The ticket printer's queue: print_queue's file with "-tickets" before
 * its extension (kds-printq.db -> kds-printq-tickets.db). */
void kds_config_ticket_queue(const struct kds_config *c, char *out, size_t size);
/* "5m" -> 300000; -1 when malformed. */
int64_t kds_config_duration(const char *s);

#endif
