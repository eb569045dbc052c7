/* pool.c: the bare-metal boards' memory: port_heap_region, and
 * port_alloc/port_realloc/port_free over the fixed arena [__uc_pool_start,
 * __uc_pool_end) their linker script reserves inside the RAM budget.
 * ESP-IDF: malloc/realloc/free (heap_caps). */
#include <stdint.h>
#include <string.h>

#include "port.h"
#include "bare.h"

extern char __uc_pool_start[], __uc_pool_end[];
extern char __uc_heap_start[], __uc_heap_end[];

/* The heap: the region the linker script leaves in the RAM budget after
 * data, bss, pool and stack, capped to `want`, zero-filled.  One VM at a
 * time: every call hands out the same region.  ESP-IDF:
 * heap_caps_malloc(want, MALLOC_CAP_8BIT) once (or a static array sized by
 * Kconfig). */
void *port_heap_region(size_t want, size_t *got)
{
  size_t have = (size_t)(__uc_heap_end - __uc_heap_start);
  size_t n = want < have ? want : have;
  n &= ~(size_t)7;
  memset(__uc_heap_start, 0, n);
  *got = n;
  return n ? __uc_heap_start : NULL;
}

/* port_alloc: first fit over the fixed pool [__uc_pool_start, __uc_pool_end).
 * Each block starts with an 8-byte header: its size in bytes including the
 * header (a multiple of 8, bit 0 set while in use) and the size of the block
 * before it (0 for the first), so that free() merges with both neighbours.
 * ESP-IDF: malloc/realloc/free (heap_caps). */
struct blk { uint32_t size; uint32_t prev; };
#define BLK_USED 1u
static int pool_ready;
static size_t pool_used, pool_peak;

static void pool_count(long delta)
{
  pool_used += (size_t)delta;
  if (pool_used > pool_peak) pool_peak = pool_used;
}

static struct blk *blk_next(struct blk *b)
{
  return (struct blk *)((char *)b + (b->size & ~BLK_USED));
}

static int blk_in_pool(struct blk *b) { return (char *)b < __uc_pool_end; }

static void pool_init(void)
{
  struct blk *b = (struct blk *)__uc_pool_start;
  b->size = (uint32_t)(__uc_pool_end - __uc_pool_start) & ~7u;
  b->prev = 0;
  pool_ready = 1;
}

/* Split block b (in use or about to be) so it is exactly `need` bytes if
 * the rest is big enough to be a block of its own. */
static void blk_split(struct blk *b, uint32_t need)
{
  uint32_t size = b->size & ~BLK_USED;
  if (size - need < 16) return;
  struct blk *r = (struct blk *)((char *)b + need);
  r->size = size - need;
  r->prev = need;
  b->size = need | (b->size & BLK_USED);
  struct blk *n = blk_next(r);
  if (blk_in_pool(n)) n->prev = r->size;
}

/* Merge free block b with the free blocks after it. */
static void blk_merge_next(struct blk *b)
{
  struct blk *n = blk_next(b);
  while (blk_in_pool(n) && !(n->size & BLK_USED)) {
    b->size += n->size;
    n = blk_next(b);
  }
  if (blk_in_pool(n)) n->prev = b->size & ~BLK_USED;
}

static uint32_t blk_need(size_t n)
{
  if (n > (size_t)(__uc_pool_end - __uc_pool_start)) return 0;
  return (uint32_t)((n + sizeof(struct blk) + 7) & ~(size_t)7);
}

/* Small blocks are taken first-fit from the bottom of the pool, large ones
 * (VM stack, marshalling tables, bigarrays) from the top of the highest free
 * block that fits, so that short-lived small blocks do not split the space
 * the large ones grow into. */
#define BLK_LARGE 512u

static void *blk_take_low(struct blk *b, uint32_t need)
{
  blk_split(b, need);
  b->size |= BLK_USED;
  pool_count((long)(b->size & ~BLK_USED));
  return b + 1;
}

static void *blk_take_high(struct blk *b, uint32_t need)
{
  uint32_t size = b->size;
  if (size - need < 16) return blk_take_low(b, need);
  struct blk *r = (struct blk *)((char *)b + (size - need));
  b->size = size - need;
  r->size = need | BLK_USED;
  r->prev = size - need;
  struct blk *n = blk_next(r);
  if (blk_in_pool(n)) n->prev = need;
  pool_count((long)need);
  return r + 1;
}

void *port_alloc(size_t n)
{
  if (!pool_ready) pool_init();
  uint32_t need = blk_need(n);
  if (need == 0) return NULL;
  struct blk *fit = NULL;
  for (struct blk *b = (struct blk *)__uc_pool_start; blk_in_pool(b); b = blk_next(b)) {
    if ((b->size & BLK_USED) || b->size < need) continue;
    if (need < BLK_LARGE) return blk_take_low(b, need);
    fit = b;
  }
  return fit ? blk_take_high(fit, need) : NULL;
}

void port_free(void *p)
{
  if (!p) return;
  struct blk *b = (struct blk *)p - 1;
  b->size &= ~BLK_USED;
  pool_count(-(long)b->size);
  blk_merge_next(b);
  if (b->prev) {
    struct blk *a = (struct blk *)((char *)b - b->prev);
    if (!(a->size & BLK_USED)) blk_merge_next(a);
  }
}

void *port_realloc(void *p, size_t n)
{
  if (!p) return port_alloc(n);
  uint32_t need = blk_need(n);
  if (need == 0) return NULL;
  struct blk *b = (struct blk *)p - 1;
  uint32_t size = b->size & ~BLK_USED, old = size;
  if (size < need) {
    /* Grow in place into a free successor if that is enough. */
    struct blk *nx = blk_next(b);
    if (blk_in_pool(nx) && !(nx->size & BLK_USED) && size + nx->size >= need) {
      b->size = (size + nx->size) | BLK_USED;
      nx = blk_next(b);
      if (blk_in_pool(nx)) nx->prev = b->size & ~BLK_USED;
      size = b->size & ~BLK_USED;
    }
  }
  if (size >= need) {
    blk_split(b, need);
    struct blk *r = blk_next(b);
    if (blk_in_pool(r) && !(r->size & BLK_USED)) blk_merge_next(r);
    pool_count((long)(b->size & ~BLK_USED) - (long)old);
    return p;
  }
  void *q = port_alloc(n);
  if (!q) return NULL;
  memcpy(q, p, size - sizeof(struct blk));
  port_free(p);
  return q;
}

/* Most bytes of the pool ever in use (for reports). */
size_t bare_pool_peak(void) { return pool_peak; }
