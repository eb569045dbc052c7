/* prim_dev_memory.c: how much memory is left, for the devices that must
 * refuse work before the heap runs out (a server accepting connections). */
#include "prim_dev.h"
#include "gc.h"

/* Bytes the program can surely still allocate (vm/gc.c: fragmentation not
 * counted); [full] first runs a complete collection, for an exact figure. */
PRIM value ucaml_dev_heap_headroom(value full)
{
  if (bool_val(full)) uc_full_gc();
  return val_long((intnat)(uc_gc_headroom_words() * WORD_BYTES));
}

/* Bytes the major heap can hold at most (the nursery apart). */
PRIM value ucaml_dev_heap_capacity(value unit)
{
  (void)unit;
  return val_long((intnat)(uc_gc_capacity_words() * WORD_BYTES));
}
