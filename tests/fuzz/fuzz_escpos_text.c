/* fuzz_escpos_text: any bytes as "UTF-8" text through the encoder on a
 * profile with every code page. Invariant: the output never holds a
 * command the text asked for: after ESC @, the only bytes below 0x20 are
 * line feeds and ESC t n page switches. Then the renderer reads it back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escpos.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct escpos e;
	char *text;

	profile_fallback(&p);
	p.npages = CODEPAGE_COUNT;
	for (int i = 0; i < CODEPAGE_COUNT; i++) {
		p.pages[i].page = (enum codepage)i;
		p.pages[i].esc_t = i * 3;
	}
	escpos_begin(&e, &p);
	escpos_textn(&e, (const char *)data, size);
	for (size_t i = 2; i < e.len; i++) {
		if (e.data[i] == ESCPOS_ESC && i + 2 < e.len + 0 && e.data[i + 1] == 't') {
			i += 2;
			continue;
		}
		if (e.data[i] == ESCPOS_ESC && i + 2 == e.len)
			abort();
		if (e.data[i] < 0x20 && e.data[i] != ESCPOS_LF)
			abort();
	}
	text = render_to_text(e.data, e.len, 48);
	free(text);
	escpos_free(&e);
	return 0;
}
