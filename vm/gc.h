/* gc.h: allocation, the write barrier and C roots.
 *
 * The heap is one region handed over by the port: a small nursery where
 * allocation is a pointer bump, and a non-moving mark-sweep major heap.
 * A collection can happen at any allocation.  C code that keeps a value in a
 * local variable across an allocation must register it (UC_ROOTS*), because
 * the minor collector moves young blocks and the major one frees dead ones. */
#ifndef UC_GC_H
#define UC_GC_H

#include "value.h"

/* Blocks up to this size are allocated young (in the nursery). */
#define MAX_YOUNG_WOSIZE 256

/* Allocate a block; scannable fields are initialised to VAL_UNIT.
 * Raises Out_of_memory when the heap limit is reached. */
value uc_alloc(mlsize_t wosize, tag_t tag);

/* The nursery's allocation pointer and end (for the inline fast path). */
extern value *uc_young_ptr, *uc_young_end;
void uc_gc_make_young_room(mlsize_t whsize);

/* Same as uc_alloc, for 1 <= wosize <= MAX_YOUNG_WOSIZE: the result is
 * young, so its fields may be written directly (no barrier) until the next
 * allocation.  Inline: a pointer bump in the common case. */
static inline value uc_alloc_small(mlsize_t wosize, tag_t tag) {
  if (uc_young_ptr + wosize + 1 > uc_young_end) uc_gc_make_young_room(wosize + 1);
  header_t *hp = (header_t *)uc_young_ptr;
  uc_young_ptr += wosize + 1;
  *hp = make_header(wosize, tag, 0);
  value b = val_hp(hp);
  if (tag < NO_SCAN_TAG)
    for (mlsize_t i = 0; i < wosize; i++) field(b, i) = VAL_UNIT;
  return b;
}
/* Allocate directly in the major heap (fields VAL_UNIT if scannable). */
value uc_alloc_major(mlsize_t wosize, tag_t tag);

value uc_alloc_string(mlsize_t len);                 /* uninitialised bytes */
value uc_copy_string(const char *s);                 /* NUL-terminated */
value uc_copy_bytes(const void *p, mlsize_t len);
static inline value uc_copy_double(double d) {
  value v = uc_alloc_small(DOUBLE_WOSIZE, DOUBLE_TAG);
  store_double_val(v, d);
  return v;
}
value uc_alloc_float_array(mlsize_t len);            /* tag Double_array */
value uc_alloc_tuple(mlsize_t n);
value uc_alloc_some(value v);
value uc_copy_string_array(const char *const *strs); /* NULL-terminated */
/* Uninitialised memory of `words` words in the major heap, for building many
 * blocks at once (unmarshalling).  The caller must fill all of it with
 * well-formed blocks (headers of colour 0) before anything else allocates.
 * Raises Out_of_memory. */
header_t *uc_alloc_major_raw(mlsize_t words);

/* Raw memory (word-aligned, not scanned) in the major heap, freed only by
 * uc_free_pinned: bigarray elements and load-time tables share the heap's
 * budget, and count towards the pace of major collections.  NULL when the
 * heap has no room (after a full collection if `may_collect`, which may
 * raise Out_of_memory), or before the heap is set up. */
void *uc_alloc_pinned(size_t bytes, int may_collect);
void uc_free_pinned(void *p);
/* Custom blocks with a finaliser may be young: the minor collection
 * finalises those that die there.  Reserve a slot before allocating the
 * block (0: no memory for one, allocate it in the major heap instead),
 * then register the block. */
int uc_gc_reserve_young_custom(void);
void uc_gc_register_young_custom(value v);

/* The runtime's own working memory (Marshal's tables and buffers): from
 * the port's pool, else pinned in the heap, so that a board's small pool
 * does not limit what the heap could hold.  Never collects; NULL when both
 * are full.  uc_scratch_free frees memory from either source, whoever took
 * it (port_alloc or uc_alloc_pinned). */
void *uc_scratch_alloc(size_t bytes);
void *uc_scratch_realloc(void *p, size_t old_bytes, size_t bytes);
void uc_scratch_free(void *p);

/* Blocks outside the heap that are values (prebuilt constants, read-only):
 * never collected nor marked, they must point only to themselves or atoms. */
void uc_gc_static_area(const void *start, const void *end);
int uc_in_static(value v);
/* Whether p came from uc_alloc_pinned (else from port_alloc). */
int uc_is_pinned(const void *p);

/* The write barrier: every store of a value into a heap block that may be
 * old must go through it (store_field), unless the block was just returned by
 * uc_alloc_small and nothing has been allocated since. */
void uc_modify(value *fieldp, value v);
#define store_field(block, i, v) uc_modify(&field((block), (i)), (v))

/* Local roots: a frame of addresses of C variables holding values. */
struct uc_roots {
  struct uc_roots *prev;
  int n;
  value *slot[6];
};
extern struct uc_roots *uc_local_roots;
#define UC_ROOTS_(...)                                                     \
  struct uc_roots uc__roots = {uc_local_roots,                             \
                               sizeof((value *[]){__VA_ARGS__}) / sizeof(value *), \
                               {__VA_ARGS__}};                             \
  uc_local_roots = &uc__roots
#define UC_ROOTS1(a) UC_ROOTS_(&(a))
#define UC_ROOTS2(a, b) UC_ROOTS_(&(a), &(b))
#define UC_ROOTS3(a, b, c) UC_ROOTS_(&(a), &(b), &(c))
#define UC_ROOTS4(a, b, c, d) UC_ROOTS_(&(a), &(b), &(c), &(d))
#define UC_ROOTS5(a, b, c, d, e) UC_ROOTS_(&(a), &(b), &(c), &(d), &(e))
#define UC_ROOTS6(a, b, c, d, e, f) UC_ROOTS_(&(a), &(b), &(c), &(d), &(e), &(f))
/* Pop the frame opened in this function; call before every return. */
#define UC_UNROOT() (uc_local_roots = uc__roots.prev)
#define UC_RETURN(x)      \
  do {                    \
    value uc__r = (x);    \
    UC_UNROOT();          \
    return uc__r;         \
  } while (0)

/* Long-lived roots held by C (e.g. a value stored in a static). */
void uc_register_root(value *r);
void uc_remove_root(value *r);

/* Collections */
void uc_minor_gc(void);
void uc_full_gc(void);        /* minor + complete major cycle */
uintnat uc_gc_headroom_words(void);   /* allocation surely possible, in words */
uintnat uc_gc_capacity_words(void);   /* the major heap's size at most, in words */
/* Every block of the major heap that is not free (the nursery is not
 * visited: collect first); pinned blocks hold C data, not fields. */
void uc_gc_each_block(void (*visit)(header_t hd, value v, int pinned, void *ctx), void *ctx);
int uc_is_young(value v);
int uc_in_heap(value v);      /* points into the nursery or the major heap */
/* A block whose header may be read: in the heap's region, static, or an
 * atom.  Other pointers (code pointers in ill-typed unmarshalled data) are
 * opaque.  Inline: compare and hash ask for every block they visit. */
extern value *uc_region_start, *uc_region_end;
int uc_in_value_area_slow(value v);
static inline int uc_in_value_area(value v) {
  if (!is_block(v)) return 0;
  if ((value *)v > uc_region_start && (value *)v <= uc_region_end) return 1;
  return uc_in_value_area_slow(v);
}

#endif
