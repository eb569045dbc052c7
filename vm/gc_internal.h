/* gc_internal.h: what the interpreter, loader and GC primitives share with
 * the collector beyond gc.h. */
#ifndef UC_GC_INTERNAL_H
#define UC_GC_INTERNAL_H

#include "gc.h"

#define COLOR_WHITE 0u   /* not (yet) reached */
#define COLOR_PINNED 1u  /* raw memory in the major heap (uc_alloc_pinned) */
#define COLOR_BLUE 2u    /* free block in the major heap */
#define COLOR_BLACK 3u   /* reached by the current major mark */


/* Roots owned by the interpreter: the VM stack [sp, stack_high). */
extern value *uc_stack_sp, *uc_stack_high;

/* Set when finalisers or memprof callbacks are waiting to run; the
 * interpreter polls it.  uc_run_pending_finalisers runs both. */
extern volatile int uc_pending_actions;
void uc_run_pending_finalisers(void);

/* Nursery slow paths.  From the interpreter (the VM stack holds accu, env
 * and the pc of the allocation), memprof callbacks may run and raise. */
void uc_gc_alloc_small_slow(mlsize_t whsize);
/* Collects if the nursery has no room for whsize words. */
void uc_gc_ensure_young_room(mlsize_t whsize);
value *uc_gc_nursery_end(void);

/* Heap set-up from settings (nursery_words 0: the port's default);
 * returns 0 on failure. */
int uc_gc_init(size_t heap_bytes, size_t nursery_words);
/* Gc.set's minor_heap_size: moves to a nursery of about that size if the
 * heap has room; returns the nursery's size in words. */
size_t uc_gc_resize_nursery(size_t words);

/* The GC parameters Gc.get reports (vm.h), from the settings. */
struct uc_gc_params;
void uc_gc_params_init(const struct uc_gc_params *p);

/* Gc.compact: a full collection, then the live blocks slid together so
 * that the major heap's free memory is one run. */
void uc_gc_compact(void);

/* Statistics (Gc.stat, Gc.counters, UCAML_STATS). */
struct uc_gc_stats {
  double minor_words, promoted_words, major_words;
  uintnat minor_collections, major_collections, compactions, forced_major;
  uintnat heap_words, top_heap_words, live_words, live_blocks;
  uintnat free_words, free_blocks, largest_free, fragments;
  uintnat heap_limit_bytes, nursery_words;
};
void uc_gc_stats(struct uc_gc_stats *s, int walk_heap);
double uc_gc_minor_words(void);

/* Finalisers (Gc.finalise / finalise_last). */
void uc_final_register(value f, value v, int last);

/* Ephemerons (Weak, Ephemeron): blocks allocated by uc_ephe_alloc are
 * linked on the GC's list; their keys are weak in major collections. */
extern value uc_ephe_none;
value uc_ephe_alloc(mlsize_t nkeys);

#endif
