/* gc.c: the garbage collector.
 *
 * One region from the port holds everything:
 *
 *   [ nursery | major heap ...... top | wilderness | pinned zone ]
 *
 * - Nursery: blocks are bump-allocated; a minor collection copies the live
 *   ones into the major heap (Cheney-style, the work list threaded through
 *   the dead copies) and empties it.  Old-to-young pointers are found through
 *   a remembered set filled by the write barrier (uc_modify).
 * - Major heap: mark-sweep.  Free blocks are blue, kept on exact size
 *   lists (small) and size bins (large); the heap grows into the
 *   wilderness only while allocation since the last cycle is below half
 *   the live size (space overhead 50%): about 1.5 times the live data.
 * - A full collection marks young and old blocks together from the roots,
 *   rebuilds the remembered set as it goes, sweeps, then promotes the live
 *   young blocks.  If they cannot fit, Out_of_memory is raised with the
 *   nursery intact; the program can catch it and go on.
 * - Compaction (Gc.compact, a large request that found only fragments, a
 *   promotion that might not fit) slides the live blocks of the major heap
 *   together after a sweep, so that its free memory is one run.
 * - Marking uses a fixed stack; on overflow the heap is rescanned, so the
 *   mark needs bounded memory on any data shape.
 * - Pinned blocks (uc_alloc_pinned: bigarray data, the verifier's tables)
 *   are raw memory in a zone of their own at the top of the region, which
 *   the mark never reaches, compaction never moves, and only an explicit
 *   free returns; static blocks (constants prebuilt in flash) are values
 *   outside the region that are never collected.
 * - Custom blocks with a finaliser: the sweep finalises the dead ones of the
 *   major heap; the nursery keeps a list of its own, finalised by the minor
 *   collection (or the promotion after a full mark) when they die young. */
#include "gc_internal.h"
#include "config.h"
#include "custom.h"
#include "fail.h"
#include "memprof.h"
#include "port.h"

header_t uc_atom_table[256];

value *uc_young_ptr, *uc_young_end;
static value *young_start;   /* nursery: [young_start, young_end_real) */
static value *young_end_real;
/* Allocation stops short of young_end_real by a reserve, opened when a
 * collection fails (Out_of_memory with the nursery full of live blocks):
 * the handler of Out_of_memory can then allocate a little (close a
 * connection, log), instead of failing at its first word.  The reserve
 * closes at the next collection that empties the nursery. */
static value *young_alloc_end;
static mlsize_t young_reserve;

static void open_young_reserve(void) {
  if (uc_young_end == young_alloc_end) uc_young_end = young_end_real;
  young_alloc_end = young_end_real;
}

static void close_young_reserve(void) {
  young_alloc_end = young_end_real - young_reserve;
  if (uc_young_end > young_alloc_end) uc_young_end = young_alloc_end;
}
static value *major_start, *major_top, *heap_end;
static value *pinned_low;   /* the pinned zone: [pinned_low, heap_end) */

struct uc_roots *uc_local_roots;
volatile int uc_pending_actions;

/* ---- statistics ---- */
static double stat_minor_words, stat_promoted_words, stat_major_words;
static uintnat stat_minor_gcs, stat_major_gcs, stat_forced_major, stat_compactions;
static uintnat stat_top_heap_words, live_after_major;
static uintnat allocated_since_major;   /* words put in the major heap */
static size_t heap_limit_bytes;

static int full_gc_running;
static void full_gc(int forced);
static int compact_for(mlsize_t whsize);
static int compact_heap(void);

/* ---- helpers ---- */
static inline int in_young(value v) {
  return (value *)v > young_start && (value *)v <= young_end_real;
}
static inline int in_major(value v) {
  return (value *)v > major_start && (value *)v <= major_top;
}
int uc_is_young(value v) { return is_block(v) && in_young(v); }
int uc_in_heap(value v) { return is_block(v) && (in_young(v) || in_major(v)); }
static const char *static_start, *static_end;
void uc_gc_static_area(const void *start, const void *end) {
  static_start = start;
  static_end = end;
}
int uc_in_static(value v) {
  return is_block(v) && (const char *)v > static_start && (const char *)v < static_end;
}
value *uc_region_start, *uc_region_end;

int uc_in_value_area_slow(value v) {
  if (uc_in_static(v)) return 1;
  return (header_t *)v > uc_atom_table && (header_t *)v <= uc_atom_table + 256;
}

#define WHSIZE(wosize) ((wosize) + 1)
static inline header_t with_color(header_t h, unsigned c) {
  return (h & ~(header_t)0x300) | ((header_t)c << 8);
}

/* ---- remembered set ---- */
static value **remembered;
static size_t remembered_len, remembered_cap;
/* Entries were lost: the next collection must be a full one, whose mark
 * finds the young pointers of live old blocks.  (Scanning the whole major
 * heap instead would read dead blocks, whose fields may point into a
 * nursery that has since been reused.) */
static int remembered_overflow;

static void remember(value *fp) {
  if (remembered_len == remembered_cap) {
    size_t cap = remembered_cap ? remembered_cap * 2 : 256;
    value **grown = NULL;
    if (cap <= UC_REMEMBERED_MAX) grown = port_realloc(remembered, cap * sizeof *grown);
    if (grown == NULL) {
      remembered_overflow = 1;
      return;
    }
    remembered = grown;
    remembered_cap = cap;
  }
  remembered[remembered_len++] = fp;
}

void uc_modify(value *fp, value v) {
  value old = *fp;
  *fp = v;
  if (in_young((value)fp + WORD_BYTES)) return;   /* the block itself is young */
  if (is_block(v) && in_young(v) && !(is_block(old) && in_young(old))) remember(fp);
}

/* ---- major heap free lists ---- */
#define SMALL_MAX 32
/* Larger free blocks: four bins per power of two, by the two bits that
 * follow the leading one (wosize 2^k + j 2^(k-2) .. for bin 4k + j). */
#define LARGE_BINS (4 * (unsigned)(WORD_BITS - 10))   /* up to MAX_WOSIZE */
#define BITMAP_WORDS ((LARGE_BINS + 31) / 32)
static value free_small[SMALL_MAX + 1];   /* by wosize; linked through field 0 */
static value free_large[LARGE_BINS];
static uint32_t large_nonempty[BITMAP_WORDS];   /* bit per bin: has blocks */
static uint32_t large_summary;                     /* bit per word above: not 0 */

static void bin_mark(unsigned bin, int nonempty) {
  uint32_t bit = (uint32_t)1 << (bin % 32);
  if (nonempty) large_nonempty[bin / 32] |= bit;
  else large_nonempty[bin / 32] &= ~bit;
  if (large_nonempty[bin / 32] != 0) large_summary |= (uint32_t)1 << (bin / 32);
  else large_summary &= ~((uint32_t)1 << (bin / 32));
}

static unsigned lowest_bit(uint32_t bits) {   /* bits != 0 */
#if defined(__GNUC__)
  return (unsigned)__builtin_ctz(bits);
#else
  unsigned b = 0;
  while (!(bits & 1)) bits >>= 1, b++;
  return b;
#endif
}

/* The first non-empty bin from `bin` on, or LARGE_BINS. */
static unsigned next_nonempty_bin(unsigned bin) {
  if (bin >= LARGE_BINS) return LARGE_BINS;
  unsigned w = bin / 32;
  uint32_t bits = large_nonempty[w] & (~(uint32_t)0 << (bin % 32));
  if (bits != 0) return 32 * w + lowest_bit(bits);
  uint32_t words = w + 1 < BITMAP_WORDS ? large_summary & (~(uint32_t)0 << (w + 1)) : 0;
  if (words == 0) return LARGE_BINS;
  w = lowest_bit(words);
  return 32 * w + lowest_bit(large_nonempty[w]);
}

static unsigned large_bin(mlsize_t wosize) {   /* wosize > 0 */
#if defined(__GNUC__)
  unsigned k = (unsigned)(8 * sizeof(unsigned long long) - 1 -
                          (unsigned)__builtin_clzll((unsigned long long)wosize));
#else
  unsigned k = 0;
  while (wosize >> (k + 1)) k++;
#endif
  return k < 2 ? 4 * k : 4 * k + (unsigned)((wosize >> (k - 2)) & 3);
}

static void free_block_insert(header_t *hp, mlsize_t whsize) {
  if (whsize == 1) {   /* too small to list: a fragment until coalesced */
    *hp = make_header(0, ABSTRACT_TAG, COLOR_BLUE);
    return;
  }
  mlsize_t wosize = whsize - 1;
  *hp = make_header(wosize, ABSTRACT_TAG, COLOR_BLUE);
  value b = val_hp(hp);
  value *list;
  if (wosize <= SMALL_MAX) {
    list = &free_small[wosize];
  } else {
    unsigned bin = large_bin(wosize);
    list = &free_large[bin];
    bin_mark(bin, 1);
  }
  field(b, 0) = *list;
  *list = b;
}

/* A free run may exceed the largest block size: cut it in pieces. */
static void free_run_insert(header_t *hp, mlsize_t whsize) {
  while (whsize > WHSIZE(MAX_WOSIZE)) {
    free_block_insert(hp, WHSIZE(MAX_WOSIZE));
    hp += WHSIZE(MAX_WOSIZE);
    whsize -= WHSIZE(MAX_WOSIZE);
  }
  if (whsize > 0) free_block_insert(hp, whsize);
}

/* First fit among at most `limit` blocks of one bin.  The request is cut
 * from the start of the block (consecutive requests get ascending
 * addresses); the part left free takes the block's place in the list
 * unless it falls into a smaller bin. */
static header_t *take_from_bin(unsigned bin, mlsize_t wosize, uintnat limit) {
  value *link = &free_large[bin];
  for (; *link != 0 && limit > 0; limit--) {
    value b = *link;
    mlsize_t have = wosize_val(b);
    if (have == wosize || have >= wosize + 2) {
      header_t *hp = hp_val(b);
      mlsize_t rest = have - wosize;   /* whsize of the part left free */
      value next = field(b, 0);
      if (rest > SMALL_MAX + 1 && large_bin(rest - 1) == bin) {
        /* The part left free takes the block's place in the list. */
        header_t *free_hp = hp + WHSIZE(wosize);
        *free_hp = make_header(rest - 1, ABSTRACT_TAG, COLOR_BLUE);
        field(val_hp(free_hp), 0) = next;
        *link = val_hp(free_hp);
        return hp;
      }
      *link = next;
      if (free_large[bin] == 0) bin_mark(bin, 0);
      if (rest > 0) free_run_insert(hp + WHSIZE(wosize), rest);
      return hp;
    }
    link = &field(b, 0);
  }
  return NULL;
}

/* Larger requests: a few blocks of their own bin (the closest sizes), then
 * the bins above, whose blocks are all large enough; the whole own bin only
 * when those are empty.  Many freed blocks just too small for the request
 * (a stream of buffers of varying sizes) so cost no long walks.  Small
 * requests whose exact list is empty go straight to the large blocks. */
static header_t *take_from_large(mlsize_t wosize) {
  static unsigned small_bin = LARGE_BINS;   /* where the last small one came from */
  int large = wosize > SMALL_MAX;
  if (!large && small_bin < LARGE_BINS && free_large[small_bin] != 0) {
    header_t *hp = take_from_bin(small_bin, wosize, 1);   /* the same block, mostly */
    if (hp != NULL) return hp;
  }
  unsigned own = large_bin(large ? wosize : SMALL_MAX + 1);
  header_t *hp = large ? take_from_bin(own, wosize, 8) : NULL;
  for (unsigned k = next_nonempty_bin(large ? own + 1 : own); hp == NULL && k < LARGE_BINS;
       k = next_nonempty_bin(k + 1)) {
    hp = take_from_bin(k, wosize, (uintnat)-1);
    if (hp != NULL && !large) small_bin = k;
  }
  if (hp == NULL && large) hp = take_from_bin(own, wosize, (uintnat)-1);
  return hp;
}

/* The heap in use: the major heap and the pinned zone. */
static uintnat heap_words_in_use(void) {
  return (uintnat)(major_top - major_start) + (uintnat)(heap_end - pinned_low);
}

static void note_heap_growth(void) {
  uintnat used = heap_words_in_use();
  if (used > stat_top_heap_words) stat_top_heap_words = used;
}

static header_t *take_from_wilderness(mlsize_t whsize) {
  if ((size_t)(pinned_low - major_top) < whsize) return NULL;
  header_t *hp = (header_t *)major_top;
  major_top += whsize;
  note_heap_growth();
  return hp;
}

static header_t *take_from_lists(mlsize_t wosize) {
  if (wosize <= SMALL_MAX && free_small[wosize] != 0) {
    value b = free_small[wosize];
    free_small[wosize] = field(b, 0);
    return hp_val(b);
  }
  return take_from_large(wosize);
}

/* Words the major heap may take between two cycles: half the live data
 * (space overhead 50%), and at least a few nurseries' worth. */
static uintnat growth_allowance(void) {
  uintnat base = live_after_major / 2;
  uintnat floor = 4 * (uintnat)(young_end_real - young_start);
  return base > floor ? base : floor;
}

/* Raw major allocation.  `may_collect`: a full collection may run first when
 * the heap would otherwise grow past its allowance or is exhausted. */
static header_t *major_alloc_raw(mlsize_t wosize, int may_collect) {
  header_t *hp = take_from_lists(wosize);
  if (hp == NULL) {
    if (may_collect && allocated_since_major > growth_allowance()) {
      full_gc(0);
      hp = take_from_lists(wosize);
    }
    if (hp == NULL) hp = take_from_wilderness(WHSIZE(wosize));
    if (hp == NULL && may_collect) {
      full_gc(0);
      hp = take_from_lists(wosize);
      if (hp == NULL) hp = take_from_wilderness(WHSIZE(wosize));
      if (hp == NULL && compact_for(WHSIZE(wosize))) hp = take_from_wilderness(WHSIZE(wosize));
    }
    if (hp == NULL) return NULL;
  }
  allocated_since_major += WHSIZE(wosize);
  stat_major_words += WHSIZE(wosize);
  return hp;
}

header_t *uc_alloc_major_raw(mlsize_t words) {
  if (words == 0) return NULL;
  header_t *hp = major_alloc_raw(words - 1, 1);
  if (hp == NULL) uc_raise_out_of_memory();
  return hp;
}

value uc_alloc_major(mlsize_t wosize, tag_t tag) {
  if (wosize > MAX_WOSIZE) uc_raise_out_of_memory();
  header_t *hp = major_alloc_raw(wosize, 1);
  if (hp == NULL) uc_raise_out_of_memory();
  *hp = make_header(wosize, tag, COLOR_WHITE);
  value b = val_hp(hp);
  if (tag < NO_SCAN_TAG)
    for (mlsize_t i = 0; i < wosize; i++) field(b, i) = VAL_UNIT;
  if (uc_memprof_sampling) uc_memprof_track_major(b);
  return b;
}

/* ---- pinned memory ----
 * Raw memory that never moves (bigarray elements, the verifier's tables)
 * lives in its own zone at the top of the heap, [pinned_low, heap_end),
 * grown downwards into the wilderness and shrunk back when its lowest
 * block is freed.  The mark never reaches it and the sweep never visits
 * it; only uc_free_pinned frees.  Kept apart, it leaves the major heap
 * below free to be compacted into one run. */
static header_t *pinned_free;   /* free blocks of the zone, by address, linked through field 0 */
static uintnat pinned_words;    /* words of the zone in use */

static header_t *pinned_take_free(mlsize_t wosize) {
  for (header_t **link = &pinned_free; *link != NULL; link = (header_t **)&field(val_hp(*link), 0)) {
    header_t *hp = *link;
    mlsize_t have = hd_wosize(*hp);
    if (have != wosize && have < wosize + 2) continue;
    header_t *next = (header_t *)field(val_hp(hp), 0);
    if (have == wosize) {
      *link = next;
    } else {   /* the rest stays free, in the block's place */
      header_t *rest = hp + WHSIZE(wosize);
      *rest = make_header(have - wosize - 1, ABSTRACT_TAG, COLOR_BLUE);
      field(val_hp(rest), 0) = (value)next;
      *link = rest;
    }
    return hp;
  }
  return NULL;
}

static header_t *pinned_grow(mlsize_t wosize) {
  if ((uintnat)(pinned_low - major_top) < WHSIZE(wosize)) return NULL;
  pinned_low -= WHSIZE(wosize);
  note_heap_growth();
  return (header_t *)pinned_low;
}

static header_t *pinned_take(mlsize_t wosize) {
  header_t *hp = pinned_take_free(wosize);
  return hp != NULL ? hp : pinned_grow(wosize);
}

void *uc_alloc_pinned(size_t bytes, int may_collect) {
  if (major_start == NULL) return NULL;
  mlsize_t wosize = (bytes + WORD_BYTES - 1) / WORD_BYTES;
  if (wosize == 0) wosize = 1;
  if (wosize > MAX_WOSIZE || bytes > (size_t)-1 - WORD_BYTES) return NULL;
  if (may_collect && allocated_since_major > growth_allowance()) full_gc(0);
  header_t *hp = pinned_take(wosize);
  if (hp == NULL && may_collect) {
    full_gc(0);   /* dead bigarrays give their elements back */
    hp = pinned_take(wosize);
    if (hp == NULL && compact_for(WHSIZE(wosize))) hp = pinned_take(wosize);
  }
  if (hp == NULL) return NULL;
  *hp = make_header(wosize, ABSTRACT_TAG, COLOR_PINNED);
  pinned_words += WHSIZE(wosize);
  allocated_since_major += WHSIZE(wosize);
  stat_major_words += WHSIZE(wosize);
  return hp + 1;
}

int uc_is_pinned(const void *p) {
  return p != NULL && (const value *)p > pinned_low && (const value *)p < heap_end;
}

void uc_free_pinned(void *p) {
  if (p == NULL) return;
  header_t *hp = (header_t *)p - 1;
  mlsize_t wosize = hd_wosize(*hp);
  pinned_words -= WHSIZE(wosize);
  header_t **link = &pinned_free, *prev = NULL;
  while (*link != NULL && *link < hp) {
    prev = *link;
    link = (header_t **)&field(val_hp(prev), 0);
  }
  header_t *next = *link;
  if (next != NULL && hp + WHSIZE(wosize) == next && wosize + WHSIZE(hd_wosize(*next)) <= MAX_WOSIZE) {
    wosize += WHSIZE(hd_wosize(*next));   /* absorb the next free block */
    next = (header_t *)field(val_hp(next), 0);
  }
  if (prev != NULL && prev + WHSIZE(hd_wosize(*prev)) == hp &&
      hd_wosize(*prev) + WHSIZE(wosize) <= MAX_WOSIZE) {
    *prev = make_header(hd_wosize(*prev) + WHSIZE(wosize), ABSTRACT_TAG, COLOR_BLUE);
    field(val_hp(prev), 0) = (value)next;
  } else {
    *hp = make_header(wosize, ABSTRACT_TAG, COLOR_BLUE);
    field(val_hp(hp), 0) = (value)next;
    *link = hp;
  }
  /* The zone's lowest block free: the wilderness takes it back. */
  while (pinned_free == (header_t *)pinned_low) {
    pinned_low += WHSIZE(hd_wosize(*pinned_free));
    pinned_free = (header_t *)field(val_hp(pinned_free), 0);
  }
}

/* ---- nursery allocation ---- */
/* UCAML_GC_STRESS=1: tiny nursery, frequent full GCs; 2: and every full
 * GC compacts. */
static int gc_stress;

value uc_alloc(mlsize_t wosize, tag_t tag) {
  if (wosize == 0) return atom(tag);
  if (wosize <= MAX_YOUNG_WOSIZE) return uc_alloc_small(wosize, tag);
  return uc_alloc_major(wosize, tag);
}

/* ---- young custom blocks with a finaliser ---- */
static value *young_customs;   /* registered since the last minor collection */
static size_t young_customs_len, young_customs_cap;

int uc_gc_reserve_young_custom(void) {
  if (young_customs_len < young_customs_cap) return 1;
  size_t cap = young_customs_cap ? 2 * young_customs_cap : 32;
  value *grown = port_realloc(young_customs, cap * sizeof *grown);
  if (grown == NULL) return 0;
  young_customs = grown;
  young_customs_cap = cap;
  return 1;
}

void uc_gc_register_young_custom(value v) {
  young_customs[young_customs_len++] = v;
}

/* The dead ones release what they hold; the live ones stay listed until
 * they have left the nursery.  Live means forwarded (header 0) once a minor
 * collection has copied the survivors, or marked after a full mark, which
 * calls this before moving them so that freed bigarray elements make room. */
static void finalise_dead_young_customs(int after_mark) {
  size_t kept = 0;
  for (size_t i = 0; i < young_customs_len; i++) {
    value v = young_customs[i];
    int live = after_mark ? hd_color(hd_val(v)) == COLOR_BLACK : hd_val(v) == 0;
    if (live) young_customs[kept++] = v;
    else custom_ops_val(v)->finalize(v);
  }
  young_customs_len = kept;
}

/* ---- minor collection ---- */
static value promote_todo;   /* dead young copies whose new copy needs scanning */

static value promote_block(value v) {
  header_t hd = hd_val(v);
  mlsize_t sz = hd_wosize(hd);
  header_t *hp = major_alloc_raw(sz, 0);
  if (hp == NULL) uc_fatal("out of memory while promoting young blocks");
  *hp = with_color(hd, COLOR_WHITE);
  value r = val_hp(hp);
  memcpy((void *)r, (void *)v, sz * WORD_BYTES);
  stat_promoted_words += WHSIZE(sz);
  hd_val(v) = 0;   /* forwarded: field 0 holds the new address */
  field(v, 0) = r;
  /* Blocks of two fields or more are queued, linked through their dead
   * copy's field 1; one-field blocks are scanned at once by oldify. */
  if (hd_tag(hd) < NO_SCAN_TAG && sz >= 2) {
    field(v, 1) = promote_todo;
    promote_todo = v;
  }
  return r;
}

/* A forced lazy value (Forward block) can be bypassed: references to it
 * are redirected to its contents, unless those are themselves lazy, a float
 * (flat float arrays tell floats by their tag) or outside the heap. */
static int may_bypass_forward(value target) {
  if (!is_block(target)) return 1;
  if (!in_young(target) && !in_major(target)) return 0;
  header_t hd = hd_val(target);
  if (hd == 0) hd = hd_val(field(target, 0));   /* already promoted */
  tag_t tag = hd_tag(hd);
  return tag != FORWARD_TAG && tag != LAZY_TAG && tag != DOUBLE_TAG;
}

static void oldify(value *p) {
  for (;;) {
    value v = *p;
    if (!is_block(v) || !in_young(v)) return;
    header_t hd = hd_val(v);
    if (hd == 0) {
      *p = field(v, 0);
      return;
    }
    if (hd_tag(hd) == FORWARD_TAG && may_bypass_forward(field(v, 0))) {
      *p = field(v, 0);
      continue;
    }
    if (hd_tag(hd) == INFIX_TAG) {
      mlsize_t off = infix_offset_hd(hd);
      value base = v - (value)off;
      oldify(&base);
      *p = base + (value)off;
      return;
    }
    value r = promote_block(v);
    *p = r;
    /* A one-field scannable block is scanned now, iteratively. */
    if (hd_tag(hd) < NO_SCAN_TAG && hd_wosize(hd) == 1) {
      p = &field(r, 0);
      continue;
    }
    return;
  }
}

static void drain_promoted(void) {
  while (promote_todo != 0) {
    value v = promote_todo;
    promote_todo = field(v, 1);
    value r = field(v, 0);
    mlsize_t sz = wosize_val(r);
    /* Code pointers in closures are outside the heap: oldify skips them. */
    for (mlsize_t i = 0; i < sz; i++) oldify(&field(r, i));
  }
}

typedef void (*root_action)(value *p);
static void scan_roots(root_action act);

static value ephe_list;   /* every ephemeron, linked through field 0 */

/* Where a young block went: 1 with *to its new address if it was
 * promoted, 0 if it is dead.  An infix pointer follows its closure. */
static int young_survivor(value v, value *to) {
  value base = v;
  if (hd_val(v) != 0 && hd_tag(hd_val(v)) == INFIX_TAG) base = v - (value)infix_offset_val(v);
  if (hd_val(base) != 0) return 0;
  *to = field(base, 0) + (v - base);
  return 1;
}

static int ephe_young_key_dead(value e) {
  value to;
  for (mlsize_t i = 2; i < wosize_val(e); i++) {
    value k = field(e, i);
    if (is_block(k) && in_young(k) && !young_survivor(k, &to)) return 1;
  }
  return 0;
}

/* Ephemerons (always in the major heap) are weak in minor collections
 * too, as in ocamlrun: once everything else reachable is promoted, the
 * young data of an ephemeron whose keys all survived is promoted (to a
 * fixpoint: that data can keep other keys alive); then a young key that
 * did not survive empties its slot and the data. */
static void minor_ephemerons(void) {
  int changed = 1;
  while (changed) {
    changed = 0;
    for (value e = ephe_list; e != 0; e = field(e, 0)) {
      value d = field(e, 1), to;
      if (is_block(d) && in_young(d) && !young_survivor(d, &to) && !ephe_young_key_dead(e)) {
        oldify(&field(e, 1));
        drain_promoted();
        changed = 1;
      }
    }
  }
  for (value e = ephe_list; e != 0; e = field(e, 0)) {
    int cleared = 0;
    for (mlsize_t i = 1; i < wosize_val(e); i++) {
      value v = field(e, i), to;
      if (!is_block(v) || !in_young(v)) continue;
      if (young_survivor(v, &to)) field(e, i) = to;
      else {
        field(e, i) = uc_ephe_none;
        if (i >= 2) cleared = 1;
      }
    }
    if (cleared) field(e, 1) = uc_ephe_none;
  }
}

static void do_minor_gc(void) {
  promote_todo = 0;
  scan_roots(oldify);
  drain_promoted();
  for (size_t i = 0; i < remembered_len; i++) {
    oldify(remembered[i]);
    drain_promoted();
  }
  remembered_len = 0;
  minor_ephemerons();
  finalise_dead_young_customs(0);
  young_customs_len = 0;   /* all moved */
  stat_minor_words += (double)(uc_young_ptr - young_start);
  uc_young_ptr = young_start;
  close_young_reserve();
  stat_minor_gcs++;
  uc_memprof_minor_done();
}

/* Room promotion is sure to find, whatever the sizes: the wilderness, plus
 * what first-fit can carve from each large free block before its remainder
 * becomes too small to be useful. */
static uintnat safe_promotion_capacity(void) {
  uintnat room = (uintnat)(pinned_low - major_top);
  const mlsize_t waste = WHSIZE(MAX_YOUNG_WOSIZE) + SMALL_MAX + 2;
  for (unsigned k = next_nonempty_bin(0); k < LARGE_BINS; k = next_nonempty_bin(k + 1))
    for (value b = free_large[k]; b != 0; b = field(b, 0))
      if (wosize_val(b) > waste) room += wosize_val(b) - waste;
  return room;
}

void uc_minor_gc(void) {
  if (uc_young_ptr == young_start) return;
  /* Every young block might survive: copy only when they surely fit;
   * otherwise a full collection finds out exactly what survives. */
  if (remembered_overflow || safe_promotion_capacity() < (uintnat)(uc_young_ptr - young_start)) {
    full_gc(0);
    return;
  }
  do_minor_gc();
  if (allocated_since_major > growth_allowance() && !full_gc_running) full_gc(0);
}

static void collect_for_young(mlsize_t whsize) {
  uc_minor_gc();
  if (gc_stress && stat_minor_gcs % 16 == 0) full_gc(0);
  if (uc_young_ptr + whsize > young_alloc_end) uc_fatal("nursery too small for a %lu-word block", (unsigned long)whsize);
}

void uc_gc_ensure_young_room(mlsize_t whsize) {
  if (uc_young_ptr + whsize > young_alloc_end) collect_for_young(whsize);
}

value *uc_gc_nursery_end(void) { return young_alloc_end; }

/* uc_young_end is the nursery's end, or memprof's next sampled word. */
void uc_gc_make_young_room(mlsize_t whsize) {
  uc_gc_ensure_young_room(whsize);
  if (uc_young_ptr + whsize > uc_young_end) uc_memprof_track_young(whsize);
}

void uc_gc_alloc_small_slow(mlsize_t whsize) {
  uc_gc_ensure_young_room(whsize);
  if (uc_young_ptr + whsize > uc_young_end) uc_memprof_sample_young_now(whsize);
}

/* ---- marking ---- */
struct mark_entry {
  value block;
  mlsize_t next;   /* next field to scan */
};
static struct mark_entry mark_stack[UC_MARK_STACK_SIZE];
static size_t mark_top;
static int mark_overflow;
static uintnat marked_young_words;

static inline value block_start(value v) {
  if (tag_val(v) == INFIX_TAG) return v - (value)infix_offset_val(v);
  return v;
}

static void mark_value(value v) {
  if (!is_block(v)) return;
  if (!in_young(v) && !in_major(v)) return;
  v = block_start(v);
  header_t hd = hd_val(v);
  if (hd_color(hd) == COLOR_BLACK) return;
  hd_val(v) = with_color(hd, COLOR_BLACK);
  if (in_young(v)) marked_young_words += WHSIZE(hd_wosize(hd));
  if (hd_tag(hd) >= NO_SCAN_TAG || hd_wosize(hd) == 0) return;
  if (mark_top == UC_MARK_STACK_SIZE) {
    mark_overflow = 1;
    return;
  }
  mark_stack[mark_top].block = v;
  mark_stack[mark_top].next = 0;
  mark_top++;
}

static void mark_root(value *p) { mark_value(*p); }

/* Scans fields of old block b (rebuilding the remembered set). */
static void mark_drain(void) {
  while (mark_top > 0) {
    struct mark_entry *e = &mark_stack[mark_top - 1];
    value b = e->block;
    mlsize_t sz = wosize_val(b);
    int old = in_major(b);
    /* Scan a bounded slice so one big array cannot hog the stack top. */
    mlsize_t end = e->next + 64 < sz ? e->next + 64 : sz;
    mlsize_t i = e->next;
    if (end >= sz) mark_top--;
    else e->next = end;
    for (; i < end; i++) {
      value f = field(b, i);
      if (!is_block(f)) continue;
      while (is_block(f) && (in_young(f) || in_major(f)) && tag_val(f) == FORWARD_TAG &&
             may_bypass_forward(field(f, 0)))
        f = field(b, i) = field(f, 0);
      if (!is_block(f)) continue;
      if (old && in_young(f)) remember(&field(b, i));
      mark_value(f);
    }
  }
}

/* After a mark-stack overflow: rescan black blocks for white children. */
static void mark_rescan_region(value *from, value *to) {
  for (value *p = from; p < to;) {
    header_t hd = *(header_t *)p;
    mlsize_t sz = hd_wosize(hd);
    if (hd_color(hd) == COLOR_BLACK && hd_tag(hd) < NO_SCAN_TAG) {
      value b = val_hp(p);
      for (mlsize_t i = 0; i < sz; i++) {
        value f = field(b, i);
        if (is_block(f) && (in_young(f) || in_major(f)) &&
            hd_color(hd_val(block_start(f))) != COLOR_BLACK) {
          mark_value(f);
          mark_drain();
        }
      }
    }
    p += WHSIZE(sz);
  }
}

static void mark_complete(void) {
  mark_drain();
  while (mark_overflow) {
    mark_overflow = 0;
    mark_rescan_region(young_start, uc_young_ptr);
    mark_rescan_region(major_start, major_top);
  }
}

/* The remembered set must list the young pointers of live old blocks that
 * the mark reached, including those found during an overflow rescan. */
static void rebuild_remembered_after_rescan(void) {
  remembered_len = 0;
  remembered_overflow = 1;   /* simplest correct choice: scan at promotion */
}

static int is_white_heap_block(value v) {
  if (!is_block(v) || !(in_young(v) || in_major(v))) return 0;
  return hd_color(hd_val(block_start(v))) != COLOR_BLACK;
}

/* ---- finalisers ---- */
struct final_entry {
  value fn, val;
  int last;
};
static struct final_entry *finals, *finals_todo;
static size_t finals_len, finals_cap, todo_len, todo_cap;

static int push_final(struct final_entry **arr, size_t *len, size_t *cap, struct final_entry e) {
  if (*len == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    struct final_entry *grown = port_realloc(*arr, ncap * sizeof *grown);
    if (grown == NULL) return 0;
    *arr = grown;
    *cap = ncap;
  }
  (*arr)[(*len)++] = e;
  return 1;
}

void uc_final_register(value f, value v, int last) {
  struct final_entry e = {f, v, last};
  if (!push_final(&finals, &finals_len, &finals_cap, e)) uc_raise_out_of_memory();
}

/* Values of dead finalisable blocks move to the to-do list; "finalise"
 * values are kept alive until their function has run. */
static void final_update(int last_pass) {
  size_t kept = 0;
  for (size_t i = 0; i < finals_len; i++) {
    struct final_entry e = finals[i];
    if (e.last == last_pass && is_white_heap_block(e.val)) {
      if (last_pass) e.val = VAL_UNIT;
      if (!push_final(&finals_todo, &todo_len, &todo_cap, e)) uc_fatal("out of memory for finalisers");
    } else {
      finals[kept++] = e;
    }
  }
  finals_len = kept;
  for (size_t i = 0; i < todo_len; i++) {
    mark_value(finals_todo[i].fn);
    mark_value(finals_todo[i].val);
  }
  mark_complete();
  if (todo_len > 0) uc_pending_actions = 1;
}

value uc_callback(value closure, value arg);

void uc_run_pending_finalisers(void) {
  static int running;
  if (running) return;
  running = 1;
  uc_pending_actions = 0;
  while (todo_len > 0) {
    struct final_entry e = finals_todo[0];
    memmove(finals_todo, finals_todo + 1, (todo_len - 1) * sizeof *finals_todo);
    todo_len--;
    value fn = e.fn, v = e.val;
    UC_ROOTS2(fn, v);
    running = 0;   /* an exception in a finaliser leaves us consistent */
    uc_callback(fn, v);
    running = 1;
    UC_UNROOT();
  }
  running = 0;
  uc_memprof_run_pending();   /* the other pending actions */
}

/* ---- ephemerons ---- */
/* Layout (as the stdlib expects): field 0 link, field 1 data, keys from 2. */
static header_t ephe_none_block[2] = {make_header(0, ABSTRACT_TAG, COLOR_WHITE), 0};
value uc_ephe_none = (value)&ephe_none_block[1];

value uc_ephe_alloc(mlsize_t nkeys) {
  mlsize_t sz = nkeys + 2;
  if (sz > MAX_WOSIZE) uc_invalid_argument("Weak.create");
  header_t *hp = major_alloc_raw(sz, 1);
  if (hp == NULL) uc_raise_out_of_memory();
  *hp = make_header(sz, ABSTRACT_TAG, COLOR_WHITE);
  value e = val_hp(hp);
  for (mlsize_t i = 1; i < sz; i++) field(e, i) = uc_ephe_none;
  field(e, 0) = ephe_list;
  ephe_list = e;
  return e;
}

static int ephe_keys_alive(value e) {
  for (mlsize_t i = 2; i < wosize_val(e); i++)
    if (is_white_heap_block(field(e, i))) return 0;
  return 1;
}

/* Data of an ephemeron whose keys are all alive is alive (to a fixpoint). */
static void ephe_mark_data(void) {
  int changed = 1;
  while (changed) {
    changed = 0;
    for (value e = ephe_list; e != 0; e = field(e, 0)) {
      if (hd_color(hd_val(e)) != COLOR_BLACK) continue;
      value d = field(e, 1);
      if (is_white_heap_block(d) && ephe_keys_alive(e)) {
        mark_value(d);
        mark_complete();
        changed = 1;
      }
    }
  }
}

static void ephe_clean(void) {
  value *link = &ephe_list;
  while (*link != 0) {
    value e = *link;
    if (hd_color(hd_val(e)) != COLOR_BLACK) {   /* dead: unlink */
      *link = field(e, 0);
      continue;
    }
    int cleared = 0;
    for (mlsize_t i = 2; i < wosize_val(e); i++) {
      if (is_white_heap_block(field(e, i))) {
        field(e, i) = uc_ephe_none;
        cleared = 1;
      }
    }
    if (cleared || is_white_heap_block(field(e, 1))) field(e, 1) = uc_ephe_none;
    link = &field(e, 0);
  }
}

/* ---- sweeping ---- */
static void clear_free_lists(void) {
  for (int i = 0; i <= SMALL_MAX; i++) free_small[i] = 0;
  for (unsigned k = 0; k < LARGE_BINS; k++) free_large[k] = 0;
  for (unsigned w = 0; w < BITMAP_WORDS; w++) large_nonempty[w] = 0;
  large_summary = 0;
}

static void sweep(void) {
  clear_free_lists();
  uintnat live = 0;
  header_t *run = NULL;
  value *p = major_start;
  while (p < major_top) {
    header_t hd = *(header_t *)p;
    mlsize_t whsize = WHSIZE(hd_wosize(hd));
    unsigned color = hd_color(hd);
    if (color == COLOR_BLACK) {
      *(header_t *)p = with_color(hd, COLOR_WHITE);
      live += whsize;
      if (run != NULL) {
        free_run_insert(run, (mlsize_t)((header_t *)p - run));
        run = NULL;
      }
    } else {
      if (color == COLOR_WHITE && hd_tag(hd) == CUSTOM_TAG) {
        value v = val_hp(p);
        const struct custom_ops *ops = custom_ops_val(v);
        if (ops != NULL && ops->finalize != NULL) ops->finalize(v);
      }
      if (run == NULL) run = (header_t *)p;
    }
    p += whsize;
  }
  if (run != NULL) major_top = (value *)run;   /* give the tail back */
  live_after_major = live + pinned_words;
  allocated_since_major = 0;
}

static void clear_young_marks(void) {
  for (value *p = young_start; p < uc_young_ptr;) {
    header_t hd = *(header_t *)p;
    *(header_t *)p = with_color(hd, COLOR_WHITE);
    p += WHSIZE(hd_wosize(hd));
  }
}

/* ---- promotion after a full mark ----
 * The mark told which young blocks live.  They are moved in nursery order,
 * so a failure to find room is detected before anything is lost: the moves
 * done so far are undone and Out_of_memory is raised with the nursery as it
 * was.  Then every reference to them (roots, remembered old fields, the
 * moved blocks' own fields) is redirected. */
static mlsize_t young_block_wosize(value *p) {
  header_t hd = *(header_t *)p;
  if (hd == 0) return wosize_val(field(val_hp(p), 0));   /* moved: ask the copy */
  return hd_wosize(hd);
}

static void undo_moves(value *stop) {
  for (value *p = young_start; p < stop; p += WHSIZE(young_block_wosize(p))) {
    if (*(header_t *)p != 0) continue;
    value b = val_hp(p), copy = field(b, 0);
    *(header_t *)p = hd_val(copy);
    field(b, 0) = field(copy, 0);
    mlsize_t whsize = WHSIZE(wosize_val(copy));
    free_block_insert(hp_val(copy), whsize);
    allocated_since_major -= whsize;
  }
}

static void forward_ref(value *ref) {
  value v = *ref;
  if (!is_block(v) || !in_young(v)) return;
  value start = block_start(v);
  if (hd_val(start) == 0) *ref = field(start, 0) + (v - start);
}

static int promote_marked_young(void) {
  value *end = uc_young_ptr;
  finalise_dead_young_customs(1);
  for (value *p = young_start; p < end;) {
    header_t hd = *(header_t *)p;
    mlsize_t sz = hd_wosize(hd);
    if (hd_color(hd) == COLOR_BLACK) {
      header_t *dest = major_alloc_raw(sz, 0);
      if (dest == NULL) {
        undo_moves(p);
        return 0;
      }
      *dest = with_color(hd, COLOR_WHITE);
      memcpy(dest + 1, p + 1, sz * WORD_BYTES);
      stat_promoted_words += WHSIZE(sz);
      *(header_t *)p = 0;
      field(val_hp(p), 0) = val_hp(dest);
    }
    p += WHSIZE(sz);
  }
  scan_roots(forward_ref);
  for (size_t i = 0; i < remembered_len; i++) forward_ref(remembered[i]);
  for (value *p = young_start; p < end; p += WHSIZE(young_block_wosize(p))) {
    if (*(header_t *)p != 0) continue;
    value copy = field(val_hp(p), 0);
    if (tag_val(copy) < NO_SCAN_TAG)
      for (mlsize_t i = 0; i < wosize_val(copy); i++) forward_ref(&field(copy, i));
  }
  if (remembered_overflow) {
    for (value *p = major_start; p < major_top; p += WHSIZE(hd_wosize(*(header_t *)p))) {
      header_t hd = *(header_t *)p;
      if (hd_color(hd) == COLOR_BLUE || hd_tag(hd) >= NO_SCAN_TAG) continue;
      for (mlsize_t i = 0; i < hd_wosize(hd); i++) forward_ref(&field(val_hp(p), i));
    }
  }
  remembered_len = 0;
  remembered_overflow = 0;
  young_customs_len = 0;   /* all moved */
  stat_minor_words += (double)(end - young_start);
  uc_young_ptr = young_start;
  close_young_reserve();
  stat_minor_gcs++;
  uc_memprof_minor_done();
  return 1;
}

/* ---- roots ---- */
value *uc_stack_sp, *uc_stack_high;
value uc_global_data;

static value **global_roots;
static size_t global_roots_len, global_roots_cap;

void uc_register_root(value *r) {
  if (global_roots_len == global_roots_cap) {
    size_t cap = global_roots_cap ? global_roots_cap * 2 : 16;
    value **grown = port_realloc(global_roots, cap * sizeof *grown);
    if (grown == NULL) uc_fatal("out of memory registering a root");
    global_roots = grown;
    global_roots_cap = cap;
  }
  global_roots[global_roots_len++] = r;
}

void uc_remove_root(value *r) {
  for (size_t i = 0; i < global_roots_len; i++) {
    if (global_roots[i] == r) {
      global_roots[i] = global_roots[--global_roots_len];
      return;
    }
  }
}

/* ---- compaction ----
 * Slides the live blocks of the major heap to its bottom, in address order,
 * so that its free memory becomes one run (the wilderness, up to the
 * pinned zone).  It needs no memory: every reference to a block is first
 * threaded through the block's header (the header holds the address of
 * one referring word, that word the next one's, ..., the last one the
 * header, encoded so that it cannot be taken for an address); a second
 * pass gives each block its new address, unthreading its list; a third
 * moves the blocks.  Runs right after a sweep, when every block of the
 * major heap is live or free; live young blocks (black, before their
 * promotion) are not moved but their fields are updated.
 *
 * Encoded headers have low bits 01 (live: the tag's two low bits take the
 * colour's place, which is white for every live block after a sweep) or
 * 10 (free); words of a list are addresses, whose low bits are 00.  An
 * infix header inside a closure heads the list of references to that
 * infix pointer, ended by the infix header itself (its tag is odd). */
#define ENC_LIVE 1u
#define ENC_FREE 2u
static inline int is_thread_link(header_t w) { return (w & 3) == 0; }
static inline header_t encode_live(header_t h) {
  return (h & ~(header_t)0x3FF) | (h & 0xFC) | ((h & 3) << 8) | ENC_LIVE;
}
static inline header_t decode_live(header_t e) {
  return (e & ~(header_t)0x3FF) | (e & 0xFC) | ((e >> 8) & 3);
}
static inline header_t thread_end(header_t w) {
  while (is_thread_link(w)) w = *(header_t *)w;
  return w;
}

static void thread_ref(value *r) {
  value v = *r;
  if (!is_block(v) || !in_major(v)) return;
  header_t *slot = hp_val(v);
  *r = (value)*slot;
  *slot = (header_t)(uintptr_t)r;
}

/* Closures' fields below the start of their environment are code
 * pointers, closure information and infix headers: never references. */
static mlsize_t first_ref_field(header_t hd, value b) {
  return hd_tag(hd) == CLOSURE_TAG ? start_env_closinfo(closinfo_val(b)) : 0;
}

/* Compaction trusts the closure layout CLOSUREREC makes: every closure of
 * the heap is checked first (Obj can build others; then no compaction). */
static int closure_well_formed(header_t hd, value b) {
  mlsize_t n = hd_wosize(hd);
  if (n < 2 || !is_long(closinfo_val(b))) return 0;
  mlsize_t env = start_env_closinfo(closinfo_val(b));
  if (env < 2 || env > n || (env - 2) % 3 != 0) return 0;
  for (mlsize_t k = 2; k + 1 < env; k += 3) {
    header_t ih = (header_t)field(b, k);
    if (hd_tag(ih) != INFIX_TAG || hd_wosize(ih) != k + 1) return 0;
  }
  return 1;
}

static int heap_closures_well_formed(void) {
  for (value *p = major_start; p < major_top; p += WHSIZE(hd_wosize(*(header_t *)p))) {
    header_t hd = *(header_t *)p;
    if (hd_color(hd) != COLOR_BLUE && hd_tag(hd) == CLOSURE_TAG && !closure_well_formed(hd, val_hp(p)))
      return 0;
  }
  return 1;
}

static void thread_roots(void) {
  /* Roots held in C first: a root visited twice then finds a list word
   * that is no heap address, and leaves it. */
  thread_ref(&uc_global_data);
  for (value *sp = uc_stack_sp; sp < uc_stack_high; sp++) thread_ref(sp);
  for (struct uc_roots *f = uc_local_roots; f != NULL; f = f->prev)
    for (int i = 0; i < f->n; i++) thread_ref(f->slot[i]);
  for (size_t i = 0; i < global_roots_len; i++) thread_ref(global_roots[i]);
  uc_memprof_each_ref(thread_ref);
  for (size_t i = 0; i < finals_len; i++) {
    thread_ref(&finals[i].fn);
    thread_ref(&finals[i].val);
  }
  for (size_t i = 0; i < todo_len; i++) {
    thread_ref(&finals_todo[i].fn);
    thread_ref(&finals_todo[i].val);
  }
  /* Ephemerons (not scanned as blocks): their fields and the list. */
  value *link = &ephe_list;
  while (*link != 0) {
    value e = *link;
    mlsize_t n = hd_wosize(thread_end(*hp_val(e)));
    for (mlsize_t i = 1; i < n; i++) thread_ref(&field(e, i));
    thread_ref(link);
    link = &field(e, 0);
  }
}

static void thread_heap(void) {
  for (value *p = major_start; p < major_top;) {
    header_t e = thread_end(*(header_t *)p);
    mlsize_t sz = hd_wosize(e);
    if ((e & 3) == ENC_LIVE) {
      header_t hd = decode_live(e);
      value b = val_hp(p);
      if (hd_tag(hd) < NO_SCAN_TAG)
        for (mlsize_t i = first_ref_field(hd, b); i < sz; i++) thread_ref(&field(b, i));
    }
    p += WHSIZE(sz);
  }
  for (value *p = young_start; p < uc_young_ptr;) {
    header_t hd = *(header_t *)p;
    if (hd_color(hd) == COLOR_BLACK && hd_tag(hd) < NO_SCAN_TAG)
      for (mlsize_t i = 0; i < hd_wosize(hd); i++) thread_ref(&field(val_hp(p), i));
    p += WHSIZE(hd_wosize(hd));
  }
}

/* Every word of the list headed at *slot gets `to`; the slot gets back
 * what ended the list. */
static void unthread(header_t *slot, value to) {
  header_t w = *slot;
  while (is_thread_link(w)) {
    value *loc = (value *)w;
    w = (header_t)*loc;
    *loc = to;
  }
  *slot = w;
}

static void relocate(void) {
  value *dest = major_start;
  for (value *p = major_start; p < major_top;) {
    value to = val_hp(dest);
    unthread((header_t *)p, to);
    header_t e = *(header_t *)p;
    mlsize_t sz = hd_wosize(e);
    if ((e & 3) == ENC_LIVE) {
      header_t hd = decode_live(e);
      *(header_t *)p = hd;
      if (hd_tag(hd) == CLOSURE_TAG) {
        value b = val_hp(p);
        for (mlsize_t k = 2; k + 1 < first_ref_field(hd, b); k += 3)
          unthread((header_t *)&field(b, k), to + (value)((k + 1) * WORD_BYTES));
      }
      dest += WHSIZE(sz);
    } else {
      *(header_t *)p = make_header(sz, ABSTRACT_TAG, COLOR_BLUE);
    }
    p += WHSIZE(sz);
  }
}

static void slide(void) {
  value *dest = major_start;
  for (value *p = major_start; p < major_top;) {
    header_t hd = *(header_t *)p;
    mlsize_t whsize = WHSIZE(hd_wosize(hd));
    if (hd_color(hd) != COLOR_BLUE) {
      if (dest != p) memmove(dest, p, whsize * WORD_BYTES);
      dest += whsize;
    }
    p += whsize;
  }
  major_top = dest;
}

/* Returns 0, changing nothing, if the heap holds a closure it cannot
 * relocate. */
static int compact_heap(void) {
  if (!heap_closures_well_formed()) return 0;
  for (value *p = major_start; p < major_top; p += WHSIZE(hd_wosize(*(header_t *)p))) {
    header_t hd = *(header_t *)p;
    *(header_t *)p = hd_color(hd) == COLOR_BLUE ? (hd & ~(header_t)0x3FF) | ENC_FREE : encode_live(hd);
  }
  thread_roots();
  thread_heap();
  relocate();
  slide();
  clear_free_lists();
  /* The remembered set named fields at their old addresses: the promotion
   * that may follow finds the young pointers by a scan instead. */
  remembered_len = 0;
  remembered_overflow = 1;
  stat_compactions++;
  return 1;
}

/* After a full collection that left no room for whsize words although the
 * heap has them free: compacts.  The nursery is empty then. */
static int compact_for(mlsize_t whsize) {
  if (uc_gc_headroom_words() < whsize) return 0;
  return compact_heap();
}

static void full_gc(int forced) {
  if (full_gc_running) return;
  full_gc_running = 1;
  remembered_len = 0;
  remembered_overflow = 0;
  marked_young_words = 0;
  mark_top = 0;
  mark_overflow = 0;
  scan_roots(mark_root);
  for (size_t i = 0; i < todo_len; i++) {
    mark_value(finals_todo[i].fn);
    mark_value(finals_todo[i].val);
  }
  mark_drain();
  int overflowed = mark_overflow;
  mark_complete();
  final_update(0);
  ephe_mark_data();
  final_update(1);
  if (overflowed || mark_overflow) rebuild_remembered_after_rescan();
  ephe_clean();
  uc_memprof_major_update(is_white_heap_block);
  sweep();
  stat_major_gcs++;
  if (forced) stat_forced_major++;
  /* The survivors of the nursery must find room: compacting first makes
   * the free memory one run when it is there but in pieces. */
  if (gc_stress == 2 ||
      (marked_young_words > safe_promotion_capacity() && uc_gc_headroom_words() >= marked_young_words))
    compact_heap();
  full_gc_running = 0;
  if (!promote_marked_young()) {
    clear_young_marks();
    open_young_reserve();
    uc_raise_out_of_memory();
  }
}

void uc_full_gc(void) { full_gc(1); }

/* Gc.compact: the nursery is empty after a full collection. */
void uc_gc_compact(void) {
  full_gc(1);
  compact_heap();
}

static void scan_roots(root_action act) {
  act(&uc_global_data);
  for (value *sp = uc_stack_sp; sp < uc_stack_high; sp++) act(sp);
  for (struct uc_roots *f = uc_local_roots; f != NULL; f = f->prev)
    for (int i = 0; i < f->n; i++) act(f->slot[i]);
  for (size_t i = 0; i < global_roots_len; i++) act(global_roots[i]);
  uc_memprof_scan_roots(act, act != mark_root);
  /* Finalisable values are strong when young blocks move, and so are
   * ephemeron slots after a full mark (ephe_clean has emptied the dead
   * ones); a minor collection treats ephemerons itself (minor_ephemerons). */
  if (act != mark_root) {
    if (act != oldify)
      for (value e = ephe_list; e != 0; e = field(e, 0))
        for (mlsize_t i = 1; i < wosize_val(e); i++) act(&field(e, i));
    for (size_t i = 0; i < finals_len; i++) {
      act(&finals[i].fn);
      act(&finals[i].val);
    }
    for (size_t i = 0; i < todo_len; i++) {
      act(&finals_todo[i].fn);
      act(&finals_todo[i].val);
    }
  } else {
    for (size_t i = 0; i < finals_len; i++) act(&finals[i].fn);
  }
}

/* ---- set-up and statistics ---- */
/* The nursery: `words` words at `start`, empty. */
static void place_nursery(value *start, mlsize_t words) {
  young_start = start;
  young_end_real = young_start + words;
  uc_young_ptr = young_start;
  /* An eighth: the largest young block still fits beside it (nursery
   * >= 2 of them). */
  young_reserve = words / 8;
  young_alloc_end = young_end_real - young_reserve;
  uc_young_end = young_alloc_end;
}

/* What the region allows: at least two of the largest young blocks, at
 * most a quarter of the heap. */
static mlsize_t fit_nursery(mlsize_t words) {
  mlsize_t total = (mlsize_t)(uc_region_end - uc_region_start);
  if (words > total / 4) words = total / 4;
  if (words < 2 * WHSIZE(MAX_YOUNG_WOSIZE)) words = 2 * WHSIZE(MAX_YOUNG_WOSIZE);
  return words;
}

int uc_gc_init(size_t heap_bytes, size_t nursery_words) {
  for (int t = 0; t < 256; t++) uc_atom_table[t] = make_header(0, (tag_t)t, COLOR_BLACK);
  size_t got = 0;
  void *region = port_heap_region(heap_bytes, &got);
  if (region == NULL || got < 4096) return 0;
  heap_limit_bytes = got;
  mlsize_t words = got / WORD_BYTES;
  uc_region_start = (value *)region;
  uc_region_end = uc_region_start + words;
  const char *stress = port_getenv("UCAML_GC_STRESS");
  gc_stress = stress != NULL && (stress[0] == '1' || stress[0] == '2') ? stress[0] - '0' : 0;
  mlsize_t nursery = fit_nursery(gc_stress ? 0 : nursery_words ? nursery_words : UC_NURSERY_WORDS);
  if (nursery >= words) return 0;
  place_nursery(uc_region_start, nursery);
  major_start = major_top = young_end_real;
  heap_end = pinned_low = uc_region_end;
  return 1;
}

/* Gc.set's minor_heap_size, once the nursery is empty.  The old nursery is
 * given back (at the bottom of the region it becomes free major heap, at
 * the top wilderness again) and the new one is cut from the top of the
 * wilderness.  Without room there the nursery stays as it is. */
size_t uc_gc_resize_nursery(size_t requested) {
  mlsize_t words = fit_nursery(requested);
  mlsize_t old = (mlsize_t)(young_end_real - young_start);
  /* The new nursery is cut from the top, where pinned memory may be. */
  if (gc_stress || words == old || pinned_low != heap_end) return old;
  uc_minor_gc();
  int at_top = young_end_real == uc_region_end;
  mlsize_t room = (mlsize_t)(heap_end - major_top) + (at_top ? old : 0);
  if (uc_young_ptr != young_start || room < words + WHSIZE(MAX_YOUNG_WOSIZE)) return old;
  if (at_top) {
    heap_end = pinned_low = young_end_real;
  } else {
    major_start = young_start;
    free_run_insert((header_t *)young_start, old);
  }
  heap_end -= words;
  pinned_low = heap_end;
  place_nursery(heap_end, words);
  uc_memprof_minor_done();   /* re-arms its trigger in the new nursery */
  return words;
}

double uc_gc_minor_words(void) {
  return stat_minor_words + (double)(uc_young_ptr - young_start);
}

void uc_gc_stats(struct uc_gc_stats *s, int walk_heap) {
  memset(s, 0, sizeof *s);
  s->minor_words = uc_gc_minor_words();
  s->promoted_words = stat_promoted_words;
  s->major_words = stat_major_words;
  s->minor_collections = stat_minor_gcs;
  s->major_collections = stat_major_gcs;
  s->forced_major = stat_forced_major;
  s->compactions = stat_compactions;
  s->heap_words = heap_words_in_use();
  s->top_heap_words = stat_top_heap_words;
  s->heap_limit_bytes = heap_limit_bytes;
  s->nursery_words = (uintnat)(young_end_real - young_start);
  if (!walk_heap) return;
  value *ranges[2][2] = {{major_start, major_top}, {pinned_low, heap_end}};
  for (int r = 0; r < 2; r++) {
    for (value *p = ranges[r][0]; p < ranges[r][1];) {
      header_t hd = *(header_t *)p;
      mlsize_t whsize = WHSIZE(hd_wosize(hd));
      if (hd_color(hd) == COLOR_BLUE) {
        if (whsize == 1) s->fragments++;
        else {
          s->free_words += whsize;
          s->free_blocks++;
          if (whsize > s->largest_free) s->largest_free = whsize;
        }
      } else {
        s->live_words += whsize;
        s->live_blocks++;
      }
      p += whsize;
    }
  }
}

void uc_gc_each_block(void (*visit)(header_t hd, value v, int pinned, void *ctx), void *ctx) {
  value *ranges[2][2] = {{major_start, major_top}, {pinned_low, heap_end}};
  for (int r = 0; r < 2; r++) {
    for (value *p = ranges[r][0]; p < ranges[r][1];) {
      header_t hd = *(header_t *)p;
      if (hd_color(hd) != COLOR_BLUE) visit(hd, val_hp(p), hd_color(hd) == COLOR_PINNED, ctx);
      p += WHSIZE(hd_wosize(hd));
    }
  }
}

/* Words the program can surely still allocate, whatever dies: the major
 * heap's capacity less what was live after the last full collection, what
 * was put there since, and the nursery's contents (they may all survive).
 * Fragmentation is not counted. */
uintnat uc_gc_headroom_words(void) {
  uintnat capacity = (uintnat)(heap_end - major_start);
  uintnat used = live_after_major + allocated_since_major + (uintnat)(uc_young_ptr - young_start);
  return used >= capacity ? 0 : capacity - used;
}

uintnat uc_gc_capacity_words(void) { return (uintnat)(heap_end - major_start); }

