/* profile: printer model descriptions read from "key = value" files. */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "xalloc.h"

#ifndef BRIGADE_PROFILE_INSTALL_DIR
#define BRIGADE_PROFILE_INSTALL_DIR "/usr/share/brigade/profiles"
#endif

static const struct {
	const char *name;
	unsigned bit;
} profile_features[] = {
	{ "qr", PROFILE_QR },
	{ "cut", PROFILE_CUT },
	{ "partial_cut", PROFILE_PARTIAL_CUT },
	{ "drawer", PROFILE_DRAWER },
	{ "status", PROFILE_STATUS },
	{ "barcode", PROFILE_BARCODE },
	{ "image", PROFILE_IMAGE },
	{ "beep", PROFILE_BEEP },
	{ "label", PROFILE_LABEL },
	{ "barcode_a", PROFILE_BARCODE_A },
};

/* "CP437:0 CP858:19 CP1252:16" */
static int
profile_parse_pages(struct profile *p, const char *value, char *err, size_t errsize)
{
	char *copy = xstrdup(value), *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(copy, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');
		int64_t esc_t;
		int page;

		if (colon == NULL) {
			snprintf(err, errsize, "code page \"%s\" needs :N (its ESC t number)", tok);
			free(copy);
			return -1;
		}
		*colon = '\0';
		page = codepage_parse(tok);
		if (page < 0) {
			snprintf(err, errsize, "unknown code page \"%s\"", tok);
			free(copy);
			return -1;
		}
		if (config_int(colon + 1, 0, 255, &esc_t) < 0) {
			snprintf(err, errsize, "bad ESC t number for %s", tok);
			free(copy);
			return -1;
		}
		if (n == PROFILE_PAGES_MAX) {
			snprintf(err, errsize, "more than %d code pages", PROFILE_PAGES_MAX);
			free(copy);
			return -1;
		}
		p->pages[n].page = (enum codepage)page;
		p->pages[n].esc_t = (int)esc_t;
		n++;
	}
	free(copy);
	if (n == 0) {
		snprintf(err, errsize, "codepages is empty");
		return -1;
	}
	p->npages = n;
	return 0;
}

static int
profile_set_features(struct profile *p, const char *value, char *err, size_t errsize)
{
	char *copy = xstrdup(value), *save = NULL;

	p->features = 0;
	for (char *tok = strtok_r(copy, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		size_t i;

		for (i = 0; i < sizeof profile_features / sizeof profile_features[0]; i++) {
			if (strcmp(tok, profile_features[i].name) == 0)
				break;
		}
		if (i == sizeof profile_features / sizeof profile_features[0]) {
			snprintf(err, errsize, "unknown feature \"%s\"", tok);
			free(copy);
			return -1;
		}
		p->features |= profile_features[i].bit;
	}
	free(copy);
	return 0;
}

static int
profile_setting(void *ctx, const char *key, const char *value, char *err,
    size_t errsize)
{
	struct profile *p = ctx;
	int64_t v;
	bool b;

	if (strcmp(key, "name") == 0) {
		if (strlen(value) >= sizeof p->name) {
			snprintf(err, errsize, "name too long");
			return -1;
		}
		xstrlcpy(p->name, value, sizeof p->name);
	} else if (strcmp(key, "columns") == 0) {
		if (config_int(value, 16, 96, &v) < 0) {
			snprintf(err, errsize, "columns must be 16..96");
			return -1;
		}
		p->columns = (int)v;
	} else if (strcmp(key, "columns_b") == 0) {
		if (config_int(value, 16, 128, &v) < 0) {
			snprintf(err, errsize, "columns_b must be 16..128");
			return -1;
		}
		p->columns_b = (int)v;
	} else if (strcmp(key, "dpi") == 0) {
		if (config_int(value, 60, 600, &v) < 0) {
			snprintf(err, errsize, "dpi must be 60..600");
			return -1;
		}
		p->dpi = (int)v;
	} else if (strcmp(key, "vendor") == 0) {
		if (strlen(value) >= sizeof p->vendor) {
			snprintf(err, errsize, "vendor too long");
			return -1;
		}
		xstrlcpy(p->vendor, value, sizeof p->vendor);
	} else if (strcmp(key, "dots") == 0) {
		if (config_int(value, 128, 2048, &v) < 0 || v % 8 != 0) {
			snprintf(err, errsize, "dots must be a multiple of 8 in 128..2048");
			return -1;
		}
		p->dots = (int)v;
	} else if (strcmp(key, "codepages") == 0) {
		return profile_parse_pages(p, value, err, errsize);
	} else if (strcmp(key, "features") == 0) {
		return profile_set_features(p, value, err, errsize);
	} else if (strcmp(key, "cut_feed") == 0) {
		if (config_int(value, 0, 16, &v) < 0) {
			snprintf(err, errsize, "cut_feed must be 0..16");
			return -1;
		}
		p->cut_feed = (int)v;
	} else if (strcmp(key, "qr_module") == 0) {
		if (config_int(value, 1, 16, &v) < 0) {
			snprintf(err, errsize, "qr_module must be 1..16");
			return -1;
		}
		p->qr_module = (int)v;
	} else if (strcmp(key, "drawer_open_high") == 0) {
		if (config_bool(value, &b) < 0) {
			snprintf(err, errsize, "drawer_open_high must be yes or no");
			return -1;
		}
		p->drawer_open_high = b;
	} else {
		snprintf(err, errsize, "unknown key \"%s\"", key);
		return -1;
	}
	return 0;
}

void
profile_fallback(struct profile *p)
{
	memset(p, 0, sizeof *p);
	xstrlcpy(p->id, "generic-80", sizeof p->id);
	xstrlcpy(p->name, "Generic 80 mm (built in)", sizeof p->name);
	p->columns = 48;
	p->dots = 576;
	p->npages = 1;
	p->pages[0].page = CODEPAGE_CP437;
	p->pages[0].esc_t = 0;
	p->features = PROFILE_CUT | PROFILE_DRAWER | PROFILE_IMAGE;
	p->cut_feed = 4;
	p->drawer_open_high = true;
	p->qr_module = 6;
}

int
profile_dirs(const char **dirs, int max)
{
	const char *env = getenv("BRIGADE_PROFILES");
	int n = 0;

	if (env != NULL && *env != '\0' && n < max)
		dirs[n++] = env;
	/* beside the program (the package's /usr/share/brigade, or a build's
	 * own copy): never a source or build path compiled in */
	static char *beside;
	if (beside == NULL)
		beside = util_data_dir("profiles");
	if (beside != NULL && n < max)
		dirs[n++] = beside;
	if (n < max)
		dirs[n++] = BRIGADE_PROFILE_INSTALL_DIR;
	return n;
}

static int
profile_load_file(const char *path, const char *id, struct profile *p,
    char *err, size_t errsize)
{
	struct profile tmp;

	memset(&tmp, 0, sizeof tmp);
	tmp.cut_feed = 4;
	tmp.qr_module = 6;
	tmp.drawer_open_high = true;
	xstrlcpy(tmp.id, id, sizeof tmp.id);
	if (config_load(path, false, profile_setting, &tmp, err, errsize) < 0)
		return -1;
	if (tmp.columns == 0 || tmp.dots == 0 || tmp.npages == 0) {
		snprintf(err, errsize, "%s: columns, dots and codepages are required", path);
		return -1;
	}
	if (tmp.name[0] == '\0')
		xstrlcpy(tmp.name, tmp.id, sizeof tmp.name);
	*p = tmp;
	return 0;
}

int
profile_load(const char *id, struct profile *p, char *err, size_t errsize)
{
	const char *dirs[4];
	int ndirs;

	if (id == NULL || *id == '\0') {
		snprintf(err, errsize, "no printer profile given");
		return -1;
	}
	if (strchr(id, '/') != NULL) {
		const char *base = strrchr(id, '/') + 1;
		char name[PROFILE_ID_MAX + 1];
		size_t n = strcspn(base, ".");

		if (n > PROFILE_ID_MAX)
			n = PROFILE_ID_MAX;
		memcpy(name, base, n);
		name[n] = '\0';
		return profile_load_file(id, name, p, err, errsize);
	}
	/* ids are file names: refuse anything that could walk elsewhere */
	if (strlen(id) > PROFILE_ID_MAX || strspn(id,
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(id)) {
		snprintf(err, errsize, "bad profile name \"%.40s\"", id);
		return -1;
	}
	ndirs = profile_dirs(dirs, 4);
	for (int i = 0; i < ndirs; i++) {
		char *path = xasprintf("%s/%s.profile", dirs[i], id);
		int rc;

		if (access(path, F_OK) != 0) {
			free(path);
			continue;
		}
		rc = profile_load_file(path, id, p, err, errsize);
		free(path);
		return rc;
	}
	snprintf(err, errsize, "no printer profile \"%s\" (looked in %s%s%s%s%s)", id,
	    dirs[0], ndirs > 1 ? ", " : "", ndirs > 1 ? dirs[1] : "",
	    ndirs > 2 ? ", " : "", ndirs > 2 ? dirs[2] : "");
	return -1;
}
