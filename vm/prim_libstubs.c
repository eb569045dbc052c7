/* prim_libstubs.c: the C stubs of widely used libraries whose OCaml code can
 * then run unmodified: cstruct and bigstringaf (angstrom).  Both work on
 * byte bigarrays; offsets and lengths have been checked by the OCaml side.
 * Results match the libraries' own stubs (memcmp gives the difference of
 * the first differing bytes, as glibc does). */
#include "prim.h"
#include "bigarray.h"

static unsigned char *bigstring_at(value ba, value off) {
  return (unsigned char *)ba_data(ba) + long_val(off);
}

static unsigned char *bytes_at(value s, value off) {
  return bytes_ptr(s) + long_val(off);
}

static size_t length(value len) {
  return (size_t)long_val(len);
}

static int compare_memory(const unsigned char *a, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return (int)a[i] - (int)b[i];
  return 0;
}

/* ---- cstruct ---- */

PRIM value caml_blit_bigstring_to_bigstring(value src, value src_off, value dst,
                                             value dst_off, value len) {
  memmove(bigstring_at(dst, dst_off), bigstring_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value caml_blit_bigstring_to_string(value src, value src_off, value dst,
                                          value dst_off, value len) {
  memcpy(bytes_at(dst, dst_off), bigstring_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value caml_blit_string_to_bigstring(value src, value src_off, value dst,
                                          value dst_off, value len) {
  memcpy(bigstring_at(dst, dst_off), bytes_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value caml_compare_bigstring(value a, value a_off, value b, value b_off, value len) {
  return val_int(compare_memory(bigstring_at(a, a_off), bigstring_at(b, b_off), length(len)));
}

PRIM value caml_fill_bigstring(value ba, value off, value len, value c) {
  memset(bigstring_at(ba, off), int_val(c), length(len));
  return VAL_UNIT;
}

/* Whether the address of byte `off` is a multiple of `alignment` (> 0). */
PRIM value caml_check_alignment_bigstring(value ba, value off, value alignment) {
  uintnat address = (uintnat)bigstring_at(ba, off);
  uintnat a = (uintnat)long_val(alignment);
  return val_bool(a != 0 && address % a == 0);
}

/* ---- bigstringaf ---- */

PRIM value bigstringaf_blit_to_bigstring(value src, value src_off, value dst,
                                         value dst_off, value len) {
  memmove(bigstring_at(dst, dst_off), bigstring_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value bigstringaf_blit_to_bytes(value src, value src_off, value dst,
                                     value dst_off, value len) {
  memcpy(bytes_at(dst, dst_off), bigstring_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value bigstringaf_blit_from_bytes(value src, value src_off, value dst,
                                       value dst_off, value len) {
  memcpy(bigstring_at(dst, dst_off), bytes_at(src, src_off), length(len));
  return VAL_UNIT;
}

PRIM value bigstringaf_memcmp_bigstring(value a, value a_off, value b, value b_off,
                                        value len) {
  return val_int(compare_memory(bigstring_at(a, a_off), bigstring_at(b, b_off), length(len)));
}

PRIM value bigstringaf_memcmp_string(value a, value a_off, value s, value s_off, value len) {
  return val_int(compare_memory(bigstring_at(a, a_off), bytes_at(s, s_off), length(len)));
}

/* The index (from the start of the bigstring) of the first c in
 * [off, off + len), or -1. */
PRIM value bigstringaf_memchr(value ba, value off, value c, value len) {
  const unsigned char *start = bigstring_at(ba, off);
  const unsigned char *hit = memchr(start, int_val(c), length(len));
  if (hit == NULL) return val_long(-1);
  return val_long(hit - (const unsigned char *)ba_data(ba));
}
