/* kds_config: the KDS settings file, durations and defaults. */
#include "kds_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xalloc.h"

void
kds_config_defaults(struct kds_config *c)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	memset(c, 0, sizeof *c);
	xstrlcpy(c->theme, "default", sizeof c->theme);
	c->nth = 1;
	c->th[0].warn_ms = 5 * 60 * 1000;
	c->th[0].late_ms = 8 * 60 * 1000;
	c->recall_window_ms = 10 * 60 * 1000;
	xstrlcpy(c->label_profile, "epson-tm-l90", sizeof c->label_profile);
	xstrlcpy(c->ticket_profile, "generic-80", sizeof c->ticket_profile);
	if (xdg != NULL && xdg[0] == '/') {
		snprintf(c->print_queue, sizeof c->print_queue, "%s/brigade/kds-printq.db", xdg);
		snprintf(c->void_file, sizeof c->void_file, "%s/brigade/kds-voids.json", xdg);
		snprintf(c->log_file, sizeof c->log_file, "%s/brigade/kds.log", xdg);
	} else {
		const char *h = home != NULL && home[0] != '\0' ? home : "/tmp";

		snprintf(c->print_queue, sizeof c->print_queue,
		    "%s/.local/state/brigade/kds-printq.db", h);
		snprintf(c->void_file, sizeof c->void_file,
		    "%s/.local/state/brigade/kds-voids.json", h);
		snprintf(c->log_file, sizeof c->log_file, "%s/.local/state/brigade/kds.log", h);
	}
}

int64_t
kds_config_duration(const char *s)
{
	char *end;
	double v;
	int64_t mult = 1000;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || v < 0 || v > 1e7)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000;
	else
		return -1;
	return (int64_t)(v * (double)mult + 0.5);
}

static struct board_thresholds *
thresholds_for(struct kds_config *c, const char *station)
{
	int i;

	if (station == NULL)
		return &c->th[0];
	for (i = 1; i < c->nth; i++) {
		if (strcmp(c->th[i].station, station) == 0)
			return &c->th[i];
	}
	if (c->nth > BOARD_STATIONS_MAX)
		return NULL;
	c->nth++;
	c->th[i] = c->th[0];
	xstrlcpy(c->th[i].station, station, sizeof c->th[i].station);
	return &c->th[i];
}

static bool
valid_station(const char *s)
{
	if (s[0] == '\0' || strlen(s) > STATION_MAX)
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	}
	return true;
}

int
kds_config_set(struct kds_config *c, const char *key, const char *value, char *err,
    size_t errsize)
{
	if (strcmp(key, "station") == 0) {
		if (strcmp(value, "all") == 0 || value[0] == '\0') {
			c->station[0] = '\0';
			return 0;
		}
		if (!valid_station(value)) {
			snprintf(err, errsize, "station: \"%s\" is not a station name", value);
			return -1;
		}
		xstrlcpy(c->station, value, sizeof c->station);
		return 0;
	}
	if (strcmp(key, "theme") == 0) {
		if (value[0] == '\0' || strlen(value) >= sizeof c->theme) {
			snprintf(err, errsize, "theme: expected a theme name");
			return -1;
		}
		xstrlcpy(c->theme, value, sizeof c->theme);
		return 0;
	}
	if (strcmp(key, "quiet") == 0 || strcmp(key, "mono") == 0) {
		bool b;

		if (config_bool(value, &b) < 0) {
			snprintf(err, errsize, "%s: expected true or false", key);
			return -1;
		}
		if (key[0] == 'q')
			c->quiet = b;
		else
			c->mono = b;
		return 0;
	}
	if (strncmp(key, "warn", 4) == 0 || strncmp(key, "late", 4) == 0) {
		const char *station = key[4] == '.' ? key + 5 : NULL;
		int64_t ms = kds_config_duration(value);
		struct board_thresholds *t;

		if ((key[4] != '\0' && key[4] != '.') || (station != NULL && !valid_station(station))) {
			snprintf(err, errsize, "unknown setting \"%s\"", key);
			return -1;
		}
		if (ms < 0) {
			snprintf(err, errsize, "%s: expected a duration such as 90s or 5m, got \"%s\"",
			    key, value);
			return -1;
		}
		if ((t = thresholds_for(c, station)) == NULL) {
			snprintf(err, errsize, "%s: too many stations", key);
			return -1;
		}
		if (key[0] == 'w')
			t->warn_ms = ms;
		else
			t->late_ms = ms;
		/* stations set before the default keep their own values; those
		 * set after it start from it */
		return 0;
	}
	if (strcmp(key, "recall_window") == 0) {
		int64_t ms = kds_config_duration(value);

		if (ms <= 0) {
			snprintf(err, errsize, "recall_window: expected a duration such as 10m");
			return -1;
		}
		c->recall_window_ms = ms;
		return 0;
	}
	struct {
		const char *key;
		char *field;
		size_t size;
	} strs[] = {
		{ "label_printer", c->label_printer, sizeof c->label_printer },
		{ "label_profile", c->label_profile, sizeof c->label_profile },
		{ "ticket_printer", c->ticket_printer, sizeof c->ticket_printer },
		{ "ticket_profile", c->ticket_profile, sizeof c->ticket_profile },
		{ "print_queue", c->print_queue, sizeof c->print_queue },
		{ "void_file", c->void_file, sizeof c->void_file },
		{ "trace", c->trace, sizeof c->trace },
		{ "log_file", c->log_file, sizeof c->log_file },
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (strcmp(key, strs[i].key) != 0)
			continue;
		if (strlen(value) >= strs[i].size) {
			snprintf(err, errsize, "%s: too long", key);
			return -1;
		}
		xstrlcpy(strs[i].field, value, strs[i].size);
		return 0;
	}
	snprintf(err, errsize, "unknown setting \"%s\"", key);
	return -1;
}

static int
file_cb(void *ctx, const char *key, const char *value, char *err, size_t errsize)
{
	return kds_config_set(ctx, key, value, err, errsize);
}

int
kds_config_load(struct kds_config *c, char *err, size_t errsize)
{
	const char *explicit = getenv("BRIGADE_KDS_CONFIG");
	static const struct {
		const char *env, *key;
	} envs[] = {
		{ "BRIGADE_KDS_STATION", "station" },
		{ "BRIGADE_KDS_THEME", "theme" },
		{ "BRIGADE_KDS_TRACE", "trace" },
		{ "BRIGADE_KDS_LOG", "log_file" },
	};

	if (explicit != NULL && explicit[0] != '\0') {
		if (config_load(explicit, false, file_cb, c, err, errsize) < 0)
			return -1;
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		const char *home = getenv("HOME");
		char path[PATH_MAX];

		if (config_load("/etc/brigade/kds.conf", true, file_cb, c, err, errsize) < 0)
			return -1;
		path[0] = '\0';
		if (xdg != NULL && xdg[0] == '/')
			snprintf(path, sizeof path, "%s/brigade/kds.conf", xdg);
		else if (home != NULL && home[0] != '\0')
			snprintf(path, sizeof path, "%s/.config/brigade/kds.conf", home);
		if (path[0] != '\0' && config_load(path, true, file_cb, c, err, errsize) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
		const char *v = getenv(envs[i].env);
		char why[256];

		if (v == NULL || v[0] == '\0')
			continue;
		if (kds_config_set(c, envs[i].key, v, why, sizeof why) < 0) {
			snprintf(err, errsize, "%s: %s", envs[i].env, why);
			return -1;
		}
	}
	return 0;
}

void
kds_config_ticket_queue(const struct kds_config *c, char *out, size_t size)
{
	const char *slash = strrchr(c->print_queue, '/');
	const char *dot = strrchr(c->print_queue, '.');

	if (dot == NULL || (slash != NULL && dot < slash) || dot == c->print_queue)
		snprintf(out, size, "%s-tickets", c->print_queue);
	else
		snprintf(out, size, "%.*s-tickets%s", (int)(dot - c->print_queue), c->print_queue,
		    dot);
}
