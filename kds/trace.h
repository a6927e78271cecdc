/* trace: an opt-in timing trace for the benchmarks (BRIGADE_KDS_TRACE or
 * trace = PATH in kds.conf). One line per event, wall-clock microseconds:
 *   apply US ORDER_ID VERSION     an order reached the board model
 *   key US                        a key arrived from the terminal
 *   frame US DRAWN_IDS...         a frame went out (doupdate returned),
 *                                 with the orders that were new on it
 * Off, it costs one NULL check per call. */
#ifndef BRIGADE_KDS_TRACE_H
#define BRIGADE_KDS_TRACE_H

#include <stdint.h>

struct trace;

struct trace *trace_open(const char *path);
void trace_close(struct trace *t);
void trace_apply(struct trace *t, int64_t id, int version);
void trace_key(struct trace *t);
/* Remember an order drawn for the first time in the frame being built. */
void trace_drawn(struct trace *t, int64_t id);
void trace_frame(struct trace *t);

#endif
