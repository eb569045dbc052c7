/* prim_dev_block.c: block devices (vm/port_dev.h).  OCaml holds a slot
 * number, not the port's handle, so that a closed or made-up handle never
 * reaches the port.  Results: >= 0, or a negative error class. */
#include "prim_dev.h"

#define BLOCK_SLOTS 8

static struct block_slot {
  int open;
  int handle;
  struct port_block_info info;
} slots[BLOCK_SLOTS];

static struct block_slot *slot_of(value s)
{
  intnat i = long_val(s);
  if (i < 0 || i >= BLOCK_SLOTS || !slots[i].open) return NULL;
  return &slots[i];
}

PRIM value ucaml_block_open(value name)
{
  int i = 0;
  while (i < BLOCK_SLOTS && slots[i].open) i++;
  if (i == BLOCK_SLOTS) return DEV_ERROR(PORT_DEV_EMFILE);
  int h = port_block_open(string_ptr(name), &slots[i].info);
  if (h < 0) return val_long(h);
  slots[i].open = 1;
  slots[i].handle = h;
  return val_long(i);
}

/* (sector size, number of sectors, writable) */
PRIM value ucaml_block_info(value s)
{
  struct block_slot *b = slot_of(s);
  if (b == NULL) uc_invalid_argument("Block: device closed");
  value n = uc_copy_int64((int64_t)b->info.sectors);
  UC_ROOTS1(n);
  value r = uc_alloc_small(3, 0);
  field(r, 0) = val_long(b->info.sector_size);
  field(r, 1) = n;
  field(r, 2) = val_bool(b->info.writable);
  UC_RETURN(r);
}

/* Reads or writes the whole sectors that bytes [off, off+len) of ba hold,
 * starting at `sector`. */
static value transfer(value s, value sector, value ba, value off, value len, int write)
{
  struct block_slot *b = slot_of(s);
  if (b == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  unsigned char *p = dev_bigarray_range(ba, off, len);
  uint32_t size = b->info.sector_size;
  uintnat n = (uintnat)long_val(len);
  if (p == NULL || size == 0 || n % size != 0) return DEV_ERROR(PORT_DEV_EINVAL);
  int64_t first = int64_val(sector);
  uint64_t count = n / size;
  if (first < 0 || (uint64_t)first > b->info.sectors || count > b->info.sectors - (uint64_t)first)
    return DEV_ERROR(PORT_DEV_ERANGE);
  if (write && !b->info.writable) return DEV_ERROR(PORT_DEV_EREADONLY);
  int r = write ? port_block_write(b->handle, (uint64_t)first, p, (uint32_t)count)
                : port_block_read(b->handle, (uint64_t)first, p, (uint32_t)count);
  return val_long(r);
}

PRIM value ucaml_block_read(value s, value sector, value ba, value off, value len)
{
  return transfer(s, sector, ba, off, len, 0);
}

PRIM value ucaml_block_write(value s, value sector, value ba, value off, value len)
{
  return transfer(s, sector, ba, off, len, 1);
}

PRIM value ucaml_block_close(value s)
{
  struct block_slot *b = slot_of(s);
  if (b == NULL) return val_long(0);
  b->open = 0;
  return val_long(port_block_close(b->handle));
}
