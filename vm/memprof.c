/* memprof.c: Gc.Memprof (see memprof.h).
 *
 * Samples form a Bernoulli process over the allocated words, drawn as
 * geometric gaps: in the nursery the gap ends at uc_young_end (the trigger);
 * in the major heap a countdown of words runs across allocations.  Tracked
 * blocks live in one array, in sampling order; each entry goes through its
 * callbacks alloc, then promote (if it was young and survived), then dealloc,
 * and is dropped as soon as a callback returns None or raises. */
#include <math.h>
#include "memprof.h"
#include "backtrace.h"
#include "fail.h"
#include "gc_internal.h"
#include "port.h"
#include "prim.h"

int uc_memprof_sampling;

static int started, suspended;
static uintnat epoch;            /* bumped by stop: callbacks detect it */
static double lambda;
static double inv_log1m_lambda;  /* 1 / log(1 - lambda) */
static intnat callstack_max;
static value tracker = VAL_UNIT;
static uintnat major_countdown;  /* words of major allocation before the next sample */

/* Gc.Memprof.tracker fields and allocation_source constructors */
enum { CB_ALLOC_MINOR, CB_ALLOC_MAJOR, CB_PROMOTE, CB_DEALLOC_MINOR, CB_DEALLOC_MAJOR };
enum { SOURCE_NORMAL, SOURCE_MARSHAL, SOURCE_CUSTOM };

struct entry {
  value block;       /* weak: VAL_UNIT once dead or dropped */
  value user;        /* what the last callback returned (strong) */
  code_t *stack;     /* the callstack, until the alloc callback gets it */
  size_t stack_len;
  uintnat n_samples;
  mlsize_t wosize;
  unsigned char source;   /* SOURCE_... */
  unsigned char young, promoted, dead, deleted;
  unsigned char alloc_done, promote_done, dealloc_done;
};
static struct entry *entries;
static size_t len, cap;
static size_t young_idx;     /* entries below it hold no young value */
static size_t callback_idx;  /* entries below it need no callback */

/* ---- random numbers ---- */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static double uniform_open(void) {   /* in (0, 1) */
  uint64_t x = rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng_state = x;
  x *= 0x2545F4914F6CDD1Du;
  return ((double)(x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Words up to and including the next sampled one: geometric, >= 1. */
static uintnat rand_geom(void) {
  double f = 1.0 + floor(log(uniform_open()) * inv_log1m_lambda);
  if (!(f < (double)MAX_LONG)) return (uintnat)MAX_LONG;
  return (uintnat)f;
}

/* Samples among `words` words: binomial, drawn as geometric gaps. */
static uintnat rand_binom(uintnat words) {
  uintnat n = 0;
  for (uintnat pos = rand_geom(); pos <= words; pos += rand_geom()) n++;
  return n;
}

/* Places the nursery trigger on the sampled word `gap` words from `from`
 * (gap >= 1), or leaves none in this nursery. */
static void set_trigger(value *from, uintnat gap) {
  value *end = uc_gc_nursery_end();
  if (gap - 1 >= (uintnat)(end - from)) uc_young_end = end;
  else uc_young_end = from + (gap - 1);
}

static void arm_trigger(value *from) {
  if (uc_memprof_sampling) set_trigger(from, rand_geom());
  else uc_young_end = uc_gc_nursery_end();
}

static void suspend(void) {
  suspended = 1;
  uc_memprof_sampling = 0;
  uc_young_end = uc_gc_nursery_end();
}

static void resume(value *from) {
  suspended = 0;
  uc_memprof_sampling = started && lambda > 0;
  arm_trigger(from);
}

/* Samples in a block of whsize words at uc_young_ptr whose first sampled
 * word is the trigger; moves the trigger past the block. */
static uintnat count_young_samples(mlsize_t whsize) {
  value *p = uc_young_ptr;
  uintnat off = (uintnat)(uc_young_end - p), n = 0;
  while (off < whsize) {
    n++;
    off += rand_geom();
  }
  set_trigger(p + whsize, off - whsize + 1);
  return n;
}

/* ---- callstacks ---- */
struct stack_fill {
  code_t *buf;
  size_t n;
};
static void fill_pc(code_t pc, void *ctx) {
  struct stack_fill *s = ctx;
  s->buf[s->n++] = pc;
}

/* The current callstack in C memory, for postponed callbacks (no heap
 * allocation: the caller may be in the middle of building a block). */
static code_t *capture_stack(size_t *n) {
  *n = uc_backtrace_walk_stack(callstack_max, NULL, NULL);
  if (*n == 0) return NULL;
  struct stack_fill s = {port_alloc(*n * sizeof(code_t)), 0};
  if (s.buf == NULL) {
    *n = 0;
    return NULL;
  }
  uc_backtrace_walk_stack((intnat)*n, fill_pc, &s);
  return s.buf;
}

/* A Printexc.raw_backtrace: code pointers with the low bit set. */
static value stack_value(const code_t *pcs, size_t n) {
  if (n == 0) return atom(0);
  value arr = uc_alloc(n, 0);
  for (size_t i = 0; i < n; i++) field(arr, i) = (value)pcs[i] | 1;   /* ints: no barrier */
  return arr;
}

static void set_pc_field(code_t pc, void *ctx) {
  struct stack_fill *s = ctx;
  value arr = (value)s->buf;
  field(arr, s->n++) = (value)pc | 1;
}

/* The VM stack does not move, so it can be walked again once the array
 * is allocated. */
static value current_stack_value(void) {
  size_t n = uc_backtrace_walk_stack(callstack_max, NULL, NULL);
  if (n == 0) return atom(0);
  value arr = uc_alloc(n, 0);
  struct stack_fill s = {(code_t *)arr, 0};
  uc_backtrace_walk_stack((intnat)n, set_pc_field, &s);
  return arr;
}

/* The Gc.Memprof.allocation record. */
static value make_info(uintnat n_samples, mlsize_t wosize, int source, value callstack) {
  UC_ROOTS1(callstack);
  value r = uc_alloc_small(4, 0);
  field(r, 0) = val_long(n_samples);
  field(r, 1) = val_long(wosize);
  field(r, 2) = val_int(source);
  field(r, 3) = callstack;
  UC_RETURN(r);
}

/* ---- the tracked blocks ---- */
static void note_pending(size_t i) {
  if (i < callback_idx) callback_idx = i;
  uc_pending_actions = 1;
}

static int add_entry(value block, value user, uintnat n_samples, mlsize_t wosize, int young,
                     code_t *stack, size_t stack_len) {
  if (len == cap) {
    size_t ncap = cap ? cap * 2 : 64;
    struct entry *grown = port_realloc(entries, ncap * sizeof *grown);
    if (grown == NULL) return 0;
    entries = grown;
    cap = ncap;
  }
  struct entry *e = &entries[len];
  memset(e, 0, sizeof *e);
  e->block = block;
  e->user = user;
  e->stack = stack;
  e->stack_len = stack_len;
  e->n_samples = n_samples;
  e->wosize = wosize;
  e->young = (unsigned char)young;
  len++;
  return 1;
}

/* A postponed sample: the alloc callback runs at the next safe point. */
static void track_postponed(value block, uintnat n_samples, mlsize_t wosize, int young,
                            int source) {
  size_t stack_len;
  code_t *stack = capture_stack(&stack_len);
  if (!add_entry(block, VAL_UNIT, n_samples, wosize, young, stack, stack_len)) {
    port_free(stack);
    return;
  }
  entries[len - 1].source = (unsigned char)source;
  note_pending(len - 1);
}

static void drop_entry(size_t i) {
  struct entry *e = &entries[i];
  e->deleted = 1;
  e->block = e->user = VAL_UNIT;
  port_free(e->stack);
  e->stack = NULL;
}

/* Removes dropped entries, keeping the two indexes on the same entries. */
static void compact_entries(void) {
  size_t j = 0, new_young = 0, new_callback = 0;
  for (size_t i = 0; i < len; i++) {
    if (i == young_idx) new_young = j;
    if (i == callback_idx) new_callback = j;
    if (!entries[i].deleted) entries[j++] = entries[i];
  }
  young_idx = young_idx >= len ? j : new_young;
  callback_idx = callback_idx >= len ? j : new_callback;
  len = j;
  if (len == 0) {
    port_free(entries);
    entries = NULL;
    cap = 0;
  }
}

static void discard_all(void) {
  for (size_t i = 0; i < len; i++) port_free(entries[i].stack);
  port_free(entries);
  entries = NULL;
  len = cap = young_idx = callback_idx = 0;
}

/* ---- sampling ---- */
void uc_memprof_track_major(value block) {
  mlsize_t whsize = wosize_val(block) + 1;
  uintnat n = 0;
  while (major_countdown < whsize) {
    n++;
    major_countdown += rand_geom();
  }
  major_countdown -= whsize;
  if (n > 0) track_postponed(block, n, whsize - 1, 0, SOURCE_NORMAL);
}

void uc_memprof_track_young(mlsize_t whsize) {
  value block = (value)(uc_young_ptr + 1);
  uintnat n = count_young_samples(whsize);
  track_postponed(block, n, whsize - 1, 1, SOURCE_NORMAL);
}

void uc_memprof_sample_young_now(mlsize_t whsize) {
  uintnat n = count_young_samples(whsize);
  uintnat my_epoch = epoch;
  suspend();
  value user = VAL_UNIT, res = VAL_UNIT;
  UC_ROOTS2(user, res);
  res = make_info(n, whsize - 1, SOURCE_NORMAL, current_stack_value());
  res = uc_callback_exn(field(tracker, CB_ALLOC_MINOR), res);
  int stopped = epoch != my_epoch;
  if (is_exception_result(res)) {   /* the block is never made */
    UC_UNROOT();
    resume(uc_young_ptr);
    uc_raise(extract_exception(res));
  }
  int keep = !stopped && res != VAL_NONE;
  if (keep) user = field(res, 0);
  /* The callback allocated: make room again before tracking the block,
   * which the interpreter builds at uc_young_ptr right after. */
  uc_gc_ensure_young_room(whsize);
  if (keep && add_entry((value)(uc_young_ptr + 1), user, n, whsize - 1, 1, NULL, 0)) {
    struct entry *e = &entries[len - 1];
    e->alloc_done = 1;
    if (callback_idx == len - 1) callback_idx = len;   /* nothing to call yet */
  }
  UC_UNROOT();
  resume(uc_young_ptr + whsize);
}

void uc_memprof_track_custom(value block, uintnat bytes) {
  if (!uc_memprof_sampling) return;
  uintnat words = bytes / WORD_BYTES, n = rand_binom(words);
  if (n > 0) track_postponed(block, n, words, uc_is_young(block), SOURCE_CUSTOM);
}

/* Each block of the unmarshalled data is an allocation of its own: a gap
 * is drawn from the start of the data, the block holding the sampled word
 * is tracked with the samples that fall in the rest of it, and the next
 * gap starts after that block. */
void uc_memprof_track_interned(header_t *start, header_t *end) {
  if (!uc_memprof_sampling) return;
  int young = start < end && uc_is_young(val_hp(start));
  header_t *p = start;
  for (;;) {
    uintnat gap = rand_geom();
    if (gap > (uintnat)(end - p)) break;
    header_t *sampled = p + gap - 1, *next;
    while ((next = p + hd_wosize(*p) + 1) <= sampled) p = next;
    uintnat n = 1 + rand_binom((uintnat)(next - sampled - 1));
    track_postponed(val_hp(p), n, hd_wosize(*p), young, SOURCE_MARSHAL);
    p = next;
  }
}

/* ---- callbacks at safe points ---- */
void uc_memprof_run_pending(void) {
  if (!started || suspended || callback_idx >= len) return;
  uintnat my_epoch = epoch;
  suspend();
  value exn = VAL_UNIT;
  int raised = 0;
  while (callback_idx < len) {
    size_t i = callback_idx;
    struct entry *e = &entries[i];
    value cb, arg;
    if (e->deleted) {
      callback_idx++;
      continue;
    }
    if (!e->alloc_done) {
      e->alloc_done = 1;
      arg = stack_value(e->stack, e->stack_len);
      e = &entries[i];
      port_free(e->stack);
      e->stack = NULL;
      arg = make_info(e->n_samples, e->wosize, e->source, arg);
      e = &entries[i];
      cb = field(tracker, e->young ? CB_ALLOC_MINOR : CB_ALLOC_MAJOR);
    } else if (e->promoted && !e->promote_done) {
      e->promote_done = 1;
      cb = field(tracker, CB_PROMOTE);
      arg = e->user;
    } else if (e->dead && !e->dealloc_done) {
      e->dealloc_done = 1;
      cb = field(tracker, e->young && !e->promoted ? CB_DEALLOC_MINOR : CB_DEALLOC_MAJOR);
      arg = e->user;
    } else {
      callback_idx++;
      continue;
    }
    e->user = VAL_UNIT;   /* the callback owns it now */
    value res = uc_callback_exn(cb, arg);
    if (epoch != my_epoch) {   /* stopped: the entries are gone */
      if (is_exception_result(res)) {
        exn = extract_exception(res);
        raised = 1;
      }
      break;
    }
    if (is_exception_result(res)) {
      drop_entry(i);
      exn = extract_exception(res);
      raised = 1;
      break;
    }
    /* None, or () from a dealloc callback: the block is no longer followed. */
    if (res == VAL_UNIT) {
      drop_entry(i);
    } else {
      entries[i].user = field(res, 0);
      if (uc_is_young(entries[i].user) && i < young_idx) young_idx = i;
    }
  }
  if (epoch == my_epoch) compact_entries();
  resume(uc_young_ptr);
  if (raised) {
    if (started && callback_idx < len) uc_pending_actions = 1;
    uc_raise(exn);
  }
}

/* ---- collector hooks ---- */
void uc_memprof_scan_roots(void (*act)(value *), int young_only) {
  for (size_t i = young_only ? young_idx : 0; i < len; i++) act(&entries[i].user);
}

void uc_memprof_each_ref(void (*act)(value *)) {
  for (size_t i = 0; i < len; i++) {
    act(&entries[i].user);
    act(&entries[i].block);
  }
}

void uc_memprof_major_update(int (*is_dead)(value)) {
  for (size_t i = 0; i < len; i++) {
    struct entry *e = &entries[i];
    if (is_block(e->block) && is_dead(e->block)) {
      e->block = VAL_UNIT;
      e->dead = 1;
      note_pending(i);
    }
  }
}

void uc_memprof_minor_done(void) {
  if (!started) return;
  for (size_t i = young_idx; i < len; i++) {
    struct entry *e = &entries[i];
    if (!is_block(e->block) || !uc_is_young(e->block)) continue;
    if (hd_val(e->block) == 0) {   /* moved: field 0 is the new copy */
      e->block = field(e->block, 0);
      e->promoted = 1;
    } else {
      e->block = VAL_UNIT;
      e->dead = 1;
    }
    note_pending(i);
  }
  young_idx = len;
  arm_trigger(uc_young_ptr);
}

/* ---- start and stop ---- */
void uc_memprof_start(double rate, intnat depth, value t) {
  static int registered;
  if (!registered) {
    uc_register_root(&tracker);
    registered = 1;
  }
  tracker = t;
  lambda = rate;
  callstack_max = depth;
  if (rate > 0) {
    inv_log1m_lambda = rate == 1 ? 0 : 1 / log1p(-rate);
    major_countdown = rand_geom() - 1;
  }
  started = 1;
  if (!suspended) resume(uc_young_ptr);
}

int uc_memprof_started(void) { return started; }

void uc_memprof_suspend(void) { suspend(); }

void uc_memprof_stop(void) {
  discard_all();
  started = 0;
  lambda = 0;
  epoch++;
  tracker = VAL_UNIT;
  uc_memprof_sampling = 0;
  uc_young_end = uc_gc_nursery_end();
}
