/* memprof.h: Gc.Memprof, the statistical memory profiler.
 *
 * Every allocated word (headers included) is sampled with probability
 * lambda.  In the nursery the next sampled word is the allocation limit
 * uc_young_end, so the inline allocation paths cost nothing more: crossing
 * it takes the slow path, which calls in here.  Major allocations check
 * uc_memprof_sampling.  Sampled blocks are tracked (weakly) so the tracker
 * hears of their promotion and death.  The user's callbacks run
 * - at once for a bytecode allocation in the nursery, before the block is
 *   made (an exception is raised at the allocation point);
 * - at the next safe point (uc_memprof_run_pending) for every other
 *   allocation and for promotions and deaths: never inside the collector
 *   nor in C code that may hold unregistered values. */
#ifndef UC_MEMPROF_H
#define UC_MEMPROF_H

#include "value.h"

/* Set while sampling is on (rate > 0) and no callback is running. */
extern int uc_memprof_sampling;

/* A block just allocated in the major heap (callbacks postponed). */
void uc_memprof_track_major(value block);
/* The nursery limit was crossed by a block of whsize words about to be
 * made at uc_young_ptr, which has room for it.  From C: the block is
 * tracked and its callback postponed; nothing is allocated. */
void uc_memprof_track_young(mlsize_t whsize);
/* The same from the interpreter, the pc on the VM stack: the callback runs
 * now, and room for the block is made again afterwards.  May raise. */
void uc_memprof_sample_young_now(mlsize_t whsize);

/* Memory outside the heap owned by a custom block just made (a bigarray's
 * elements, a channel's buffer): sampled as `bytes` of source Custom. */
void uc_memprof_track_custom(value block, uintnat bytes);
/* Blocks just unmarshalled into [start, end): sampled one by one, source
 * Marshal. */
void uc_memprof_track_interned(header_t *start, header_t *end);

/* Gc.Memprof.start / stop (arguments checked by the caller). */
void uc_memprof_start(double rate, intnat callstack_size, value tracker);
void uc_memprof_stop(void);
int uc_memprof_started(void);
/* No more callbacks: the program ends on an uncaught exception. */
void uc_memprof_suspend(void);

/* Runs pending callbacks; does nothing inside a callback.  May raise. */
void uc_memprof_run_pending(void);

/* Collector hooks.  The values the callbacks returned are strong roots
 * (young_only: those that may be young); the sampled blocks are weak. */
void uc_memprof_scan_roots(void (*act)(value *), int young_only);
/* Every value the tracker holds, tracked blocks (weak) included: for the
 * compaction, which moves them. */
void uc_memprof_each_ref(void (*act)(value *));
/* After a full mark, before the sweep: is_dead tells unmarked blocks. */
void uc_memprof_major_update(int (*is_dead)(value));
/* After the nursery was emptied (survivors forwarded) or reset. */
void uc_memprof_minor_done(void);

#endif
