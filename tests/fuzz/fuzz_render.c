/* fuzz_render: the virtual printer's ESC/POS interpreter on any bytes (it
 * reads whatever a network peer sends), fed whole and in small pieces the
 * way a socket delivers them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
status(void *ctx, int n)
{
	(void)ctx;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render r;
	size_t done = 0, have = 0;

	free(render_to_text(data, size, 32));

	/* arrival in pieces of 1..8 bytes must consume the same stream */
	render_init(&r, 48, NULL, status, NULL);
	while (have < size) {
		have += 1 + (data[have] & 7);
		if (have > size)
			have = size;
		done += render_feed(&r, data + done, have - done);
		if (done > have)
			abort();
	}
	render_flush(&r);
	render_free(&r);
	return 0;
}
