/* value.h: OCaml's uniform value representation, word = pointer size.
 *
 * A value is either a tagged integer (lowest bit 1) or a pointer to the first
 * field of a block.  Every block is preceded by a one-word header:
 *   bits 0-7   tag
 *   bits 8-9   GC colour
 *   bits 10-   size in words (wosize)
 * The layout matches what the OCaml compiler assumes (Sys.max_array_length is
 * derived from it), so it is not ours to change. */
#ifndef UC_VALUE_H
#define UC_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef intptr_t value;
typedef intptr_t intnat;
typedef uintptr_t uintnat;
typedef uintptr_t header_t;
typedef uintptr_t mlsize_t;
typedef unsigned int tag_t;
typedef const int32_t *code_t;   /* bytecode, read in place */

#define WORD_BYTES ((mlsize_t)sizeof(value))
#define WORD_BITS (8 * (int)sizeof(value))

/* Tagged integers */
#define val_long(n) ((value)(((uintnat)(intnat)(n) << 1) + 1))
#define long_val(v) ((intnat)(v) >> 1)
#define val_int(n) val_long(n)
#define int_val(v) ((int)long_val(v))
#define MAX_LONG ((intnat)(((uintnat)1 << (WORD_BITS - 2)) - 1))
#define MIN_LONG (-MAX_LONG - 1)
#define VAL_UNIT val_int(0)
#define VAL_FALSE val_int(0)
#define VAL_TRUE val_int(1)
#define VAL_EMPTYLIST val_int(0)
#define VAL_NONE val_int(0)
#define val_bool(b) ((b) ? VAL_TRUE : VAL_FALSE)
#define bool_val(v) (int_val(v) != 0)
#define is_long(v) (((v) & 1) != 0)
#define is_block(v) (((v) & 1) == 0)

/* Headers */
#define hd_wosize(h) ((mlsize_t)((h) >> 10))
#define hd_tag(h) ((tag_t)((h) & 0xFF))
#define hd_color(h) ((unsigned)(((h) >> 8) & 3))
#define make_header(wosize, tag, color) \
  (((header_t)(wosize) << 10) | ((header_t)(color) << 8) | (header_t)(tag))
#define MAX_WOSIZE ((mlsize_t)(((uintnat)1 << (WORD_BITS - 10)) - 1))

#define hd_val(v) (((header_t *)(v))[-1])
#define wosize_val(v) hd_wosize(hd_val(v))
#define tag_val(v) hd_tag(hd_val(v))
#define bosize_val(v) (wosize_val(v) * WORD_BYTES)
#define field(v, i) (((value *)(v))[i])
#define val_hp(hp) ((value)(((header_t *)(hp)) + 1))  /* header pointer -> value */
#define hp_val(v) ((header_t *)(v) - 1)

/* Tags */
#define NO_SCAN_TAG 251
#define FORWARD_TAG 250
#define INFIX_TAG 249
#define OBJECT_TAG 248
#define CLOSURE_TAG 247
#define LAZY_TAG 246
#define ABSTRACT_TAG 251
#define STRING_TAG 252
#define DOUBLE_TAG 253
#define DOUBLE_ARRAY_TAG 254
#define CUSTOM_TAG 255

/* Closures: field 0 code pointer, field 1 closinfo (arity, start of env). */
#define code_val(v) ((code_t)field(v, 0))
#define closinfo_val(v) field(v, 1)
#define make_closinfo(arity, delta) \
  ((value)(((uintnat)(arity) << (WORD_BITS - 8)) | ((uintnat)(delta) << 1) | 1))
#define start_env_closinfo(info) ((mlsize_t)(((uintnat)(info) << 8) >> 9))
#define infix_offset_hd(h) (hd_wosize(h) * WORD_BYTES)
#define infix_offset_val(v) infix_offset_hd(hd_val(v))

/* Strings: padded to a word; the last byte holds (bytes of padding - 1). */
static inline mlsize_t string_length(value s) {
  mlsize_t bytes = bosize_val(s) - 1;
  return bytes - ((const unsigned char *)s)[bytes];
}
#define string_ptr(v) ((char *)(v))
#define bytes_ptr(v) ((unsigned char *)(v))

/* Floats: 8 bytes, only word-aligned on 32-bit targets, hence memcpy. */
#define DOUBLE_WOSIZE ((mlsize_t)(sizeof(double) / sizeof(value)))
static inline double double_val(value v) {
  double d;
  memcpy(&d, (const void *)v, sizeof d);
  return d;
}
static inline void store_double_val(value v, double d) { memcpy((void *)v, &d, sizeof d); }
static inline double double_field(value v, mlsize_t i) {
  double d;
  memcpy(&d, (const char *)v + i * sizeof(double), sizeof d);
  return d;
}
static inline void store_double_field(value v, mlsize_t i, double d) {
  memcpy((char *)v + i * sizeof(double), &d, sizeof d);
}

/* Custom blocks: field 0 points at the operations, data follows. */
struct custom_ops;
#define custom_ops_val(v) (*(const struct custom_ops **)(v))
#define custom_data(v) ((void *)&field(v, 1))

/* Atoms: zero-sized blocks live outside the heap. */
extern header_t uc_atom_table[256];
#define atom(tag) (val_hp(&uc_atom_table[tag]))

#define some_val(v) field(v, 0)

#endif
