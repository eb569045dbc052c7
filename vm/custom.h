/* custom.h: custom blocks (Int32/Int64/Nativeint, channels, bigarrays, ...). */
#ifndef UC_CUSTOM_H
#define UC_CUSTOM_H

#include <stdnoreturn.h>
#include "value.h"

struct custom_ops {
  const char *identifier;                /* used by Marshal, e.g. "_j" */
  void (*finalize)(value v);             /* NULL: nothing to do */
  int (*compare)(value v1, value v2);    /* NULL: not comparable */
  intnat (*hash)(value v);               /* NULL: ignored by Hashtbl.hash */
  /* Marshal: write the payload with uc_serialize_*, report its size in
   * bytes on 32- and 64-bit hosts.  NULL: not serialisable. */
  void (*serialize)(value v, uintnat *bsize_32, uintnat *bsize_64);
  /* Read the payload (uc_deserialize_*) into dst, return its size. */
  uintnat (*deserialize)(void *dst);
  int (*compare_ext)(value v1, value v2); /* compare with an unboxed int */
};

/* `size` is the payload size in bytes.  A finaliser runs when the block
 * dies: in the minor collection for a block that dies young, in the sweep
 * otherwise. */
value uc_alloc_custom(const struct custom_ops *ops, mlsize_t size);

/* Ops known by identifier, for unmarshalling (see custom.c). */
const struct custom_ops *uc_find_custom_ops(const char *identifier);

/* Boxed integers, defined in prim_ints.c. */
extern const struct custom_ops uc_int32_ops, uc_int64_ops, uc_nativeint_ops;
value uc_copy_int32(int32_t i);
value uc_copy_int64(int64_t i);
value uc_copy_nativeint(intnat i);
#define int32_val(v) (*(int32_t *)custom_data(v))
static inline int64_t int64_val(value v) {
  int64_t i;
  memcpy(&i, custom_data(v), sizeof i);
  return i;
}
#define nativeint_val(v) (*(intnat *)custom_data(v))

/* Marshal payload I/O for custom ops (defined with Marshal). */
void uc_serialize_int_1(int i);
void uc_serialize_int_2(int i);
void uc_serialize_int_4(int32_t i);
void uc_serialize_int_8(int64_t i);
void uc_serialize_block_1(const void *data, uintnat len);
void uc_serialize_block_8(const void *data, uintnat len); /* 8-byte elements, little-endian order */
int uc_deserialize_uint_1(void);
int uc_deserialize_sint_1(void);
int uc_deserialize_uint_2(void);
int uc_deserialize_sint_2(void);
uint32_t uc_deserialize_uint_4(void);
int32_t uc_deserialize_sint_4(void);
uint64_t uc_deserialize_uint_8(void);
int64_t uc_deserialize_sint_8(void);
void uc_deserialize_block_1(void *data, uintnat len);
void uc_deserialize_block_8(void *data, uintnat len);
noreturn void uc_deserialize_error(const char *msg);
/* Bytes of input not yet read: bounds what a payload may claim to hold. */
uintnat uc_deserialize_available(void);

#endif
