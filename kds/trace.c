/* trace: timestamps of applies, keys and frames, for benchmarks. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "log.h"
#include "xalloc.h"

#define TRACE_IDS 64

struct trace {
	FILE *fp;
	int64_t ids[TRACE_IDS];
	int nids;
};

static int64_t
wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

struct trace *
trace_open(const char *path)
{
	struct trace *t;
	FILE *fp;

	if (path == NULL || path[0] == '\0')
		return NULL;
	if ((fp = fopen(path, "a")) == NULL) {
		log_warn("cannot open the trace %s", path);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->fp = fp;
	return t;
}

void
trace_close(struct trace *t)
{
	if (t == NULL)
		return;
	fclose(t->fp);
	free(t);
}

void
trace_apply(struct trace *t, int64_t id, int version)
{
	if (t == NULL)
		return;
	fprintf(t->fp, "apply %lld %lld %d\n", (long long)wall_us(), (long long)id, version);
}

void
trace_key(struct trace *t)
{
	if (t == NULL)
		return;
	fprintf(t->fp, "key %lld\n", (long long)wall_us());
}

void
trace_drawn(struct trace *t, int64_t id)
{
	if (t == NULL || t->nids >= TRACE_IDS)
		return;
	t->ids[t->nids++] = id;
}

void
trace_frame(struct trace *t)
{
	if (t == NULL)
		return;
	fprintf(t->fp, "frame %lld", (long long)wall_us());
	for (int i = 0; i < t->nids; i++)
		fprintf(t->fp, " %lld", (long long)t->ids[i]);
	fputc('\n', t->fp);
	fflush(t->fp);
	t->nids = 0;
}
