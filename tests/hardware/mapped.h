/* mapped: whether a shared library is mapped into this process, for the
 * tests that check a library is loaded only when a device needs it. */
#ifndef BRIGADE_TEST_MAPPED_H
#define BRIGADE_TEST_MAPPED_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool
mapped(const char *soname)
{
	FILE *fp = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	if (fp == NULL)
		return false;
	while (!found && fgets(line, sizeof line, fp) != NULL)
		found = strstr(line, soname) != NULL;
	fclose(fp);
	return found;
}

#endif
