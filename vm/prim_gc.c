/* prim_gc.c: the Gc module (statistics, control, finalisers). */
#include <stdio.h>
#include "prim.h"
#include "gc_internal.h"
#include "interp.h"
#include "vm.h"

uintnat uc_stack_used_words(void);
uintnat uc_stack_size_words(void);
uintnat uc_stack_limit_words(void);

/* A block whose first three fields are the word counters (boxed floats). */
static value block_with_counters(const struct uc_gc_stats *s, mlsize_t size) {
  value r = uc_alloc_tuple(size);
  UC_ROOTS1(r);
  double floats[3] = {s->minor_words, s->promoted_words, s->major_words};
  for (int i = 0; i < 3; i++) {
    value f = uc_copy_double(floats[i]);
    store_field(r, i, f);
  }
  UC_RETURN(r);
}

static value stat_record(int walk) {
  struct uc_gc_stats s;
  uc_gc_stats(&s, walk);
  value r = block_with_counters(&s, 17);
  uintnat ints[14] = {s.minor_collections, s.major_collections, s.heap_words, 1,
                      s.live_words, s.live_blocks, s.free_words, s.free_blocks,
                      s.largest_free, s.fragments, s.compactions, s.top_heap_words,
                      uc_stack_used_words(), s.forced_major};
  for (int i = 0; i < 14; i++) store_field(r, 3 + i, val_long(ints[i]));
  return r;
}

PRIM value caml_gc_stat(value unit) {
  uc_full_gc();   /* live/free figures are exact right after a cycle */
  return stat_record(1);
}
PRIM value caml_gc_quick_stat(value unit) { return stat_record(0); }

PRIM value caml_gc_counters(value unit) {
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  return block_with_counters(&s, 3);
}

PRIM value caml_gc_minor_words(value unit) { return uc_copy_double(uc_gc_minor_words()); }

/* What ocamlrun's Gc.get reports beyond the sizes ucaml has. */
static struct uc_gc_params params;

void uc_gc_params_init(const struct uc_gc_params *p) { params = *p; }

PRIM value caml_gc_get(value unit) {
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  value r = uc_alloc_tuple(11);
  uintnat fields[11] = {s.nursery_words, params.major_heap_increment, params.space_overhead,
                        params.verbose, params.max_overhead, uc_stack_limit_words(),
                        params.allocation_policy, params.window_size,
                        params.custom_major_ratio, params.custom_minor_ratio,
                        params.custom_minor_max_size};
  for (int i = 0; i < 11; i++) store_field(r, i, val_long(fields[i]));
  return r;
}

static unsigned long param_field(value control, mlsize_t i) {
  return (unsigned long)long_val(field(control, i));
}

/* Checked as ocamlrun does; the stack keeps its size. */
PRIM value caml_gc_set(value control) {
  params.verbose = param_field(control, 3);
  params.space_overhead = param_field(control, 2) < 1 ? 1 : param_field(control, 2);
  params.max_overhead = param_field(control, 4);
  params.major_heap_increment = param_field(control, 1);
  if (wosize_val(control) >= 8) {
    unsigned long w = param_field(control, 7);
    params.window_size = (intnat)w < 1 ? 1 : w > 50 ? 50 : w;
  }
  if (wosize_val(control) >= 11) {
    params.custom_major_ratio = param_field(control, 8) < 1 ? 1 : param_field(control, 8);
    params.custom_minor_ratio = param_field(control, 9) < 1 ? 1 : param_field(control, 9);
    params.custom_minor_max_size = param_field(control, 10);
  }
  if (param_field(control, 6) <= 2) params.allocation_policy = param_field(control, 6);
  /* The size Gc.get gave back unchanged keeps a port's small nursery. */
  intnat requested = long_val(field(control, 0));
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  if (requested != (intnat)s.nursery_words)
    uc_gc_resize_nursery(uc_minor_heap_words(requested < 0 ? 0 : (size_t)requested));
  return VAL_UNIT;
}

static void collect_and_finalise(int full) {
  if (full) uc_full_gc();
  else uc_minor_gc();
  uc_run_pending_finalisers();
}

PRIM value caml_gc_minor(value unit) {
  collect_and_finalise(0);
  return VAL_UNIT;
}
PRIM value caml_gc_major(value unit) {
  collect_and_finalise(1);
  return VAL_UNIT;
}
PRIM value caml_gc_full_major(value unit) {
  uc_full_gc();
  collect_and_finalise(1);   /* a second cycle reclaims what finalisers released */
  return VAL_UNIT;
}
PRIM value caml_gc_compaction(value unit) {
  uc_gc_compact();
  uc_run_pending_finalisers();
  return VAL_UNIT;
}
PRIM value caml_gc_major_slice(value work) {
  collect_and_finalise(1);
  return val_long(0);
}
PRIM value caml_get_minor_free(value unit) {
  return val_long(uc_young_end - uc_young_ptr);
}
PRIM value caml_get_major_bucket(value n) { return val_long(0); }
PRIM value caml_get_major_credit(value unit) { return val_long(0); }
PRIM value caml_gc_huge_fallback_count(value unit) { return val_long(0); }
PRIM value caml_runtime_variant(value unit) { return uc_copy_string(""); }
PRIM value caml_runtime_parameters(value unit) {
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  char buf[300];
  snprintf(buf, sizeof buf, "a=%lu,b=%d,H=%lu,i=%lu,l=%lu,o=%lu,O=%lu,p=%d,s=%lu,t=%lu,v=%lu,w=%lu,W=%lu",
           params.allocation_policy, uc_backtrace_active, params.huge_pages,
           params.major_heap_increment, (unsigned long)uc_stack_limit_words(),
           params.space_overhead, params.max_overhead, uc_parser_trace,
           (unsigned long)s.nursery_words, params.trace_level, params.verbose,
           params.window_size, params.runtime_warnings);
  return uc_copy_string(buf);
}

/* Finalisers */
static void check_finalisable(value v) {
  if (!is_block(v) || !(uc_in_heap(v) || uc_in_static(v)) || tag_val(v) == LAZY_TAG || tag_val(v) == DOUBLE_TAG ||
      tag_val(v) == FORWARD_TAG)
    uc_invalid_argument("Gc.finalise");
}
PRIM value caml_final_register(value f, value v) {
  check_finalisable(v);
  uc_final_register(f, v, 0);
  return VAL_UNIT;
}
PRIM value caml_final_register_called_without_value(value f, value v) {
  check_finalisable(v);
  uc_final_register(f, v, 1);
  return VAL_UNIT;
}
PRIM value caml_final_release(value unit) { return VAL_UNIT; }
