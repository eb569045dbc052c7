/* prim_dev.h: helpers shared by the device primitives (vm/prim_dev_*.c).
 *
 * Device primitives never raise on device errors: they return a negative
 * error class (vm/port_dev.h) that the OCaml library turns into a `result`.
 * Buffers are byte bigarrays (Cstruct.t's memory) or bytes, with an offset
 * and a length checked here, so that bad arguments cannot reach memory. */
#ifndef UC_PRIM_DEV_H
#define UC_PRIM_DEV_H

#include "prim.h"
#include "bigarray.h"
#include "port_dev.h"

/* Address of bytes [off, off+len) of the byte bigarray ba, or NULL if the
 * range is not inside it. */
static inline unsigned char *dev_bigarray_range(value ba, value off, value len)
{
  intnat o = long_val(off), n = long_val(len);
  struct ba_array *b = ba_val(ba);
  intnat size = b->num_dims == 1 ? b->dim[0] : 0;
  if (o < 0 || n < 0 || o > size || n > size - o) return NULL;
  return (unsigned char *)b->data + o;
}

/* The 4 bytes of an IPv4 address string, or NULL if it has another length. */
static inline const uint8_t *dev_ipv4(value addr)
{
  return string_length(addr) == 4 ? (const uint8_t *)string_ptr(addr) : NULL;
}

#define DEV_ERROR(code) val_long(-(intnat)(code))

#endif
