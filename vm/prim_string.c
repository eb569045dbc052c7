/* prim_string.c: strings and byte sequences (creation, access, comparison,
 * blits) and their little-endian 16/32/64-bit accessors. */
#include "prim.h"

/* Largest length whose block still fits MAX_WOSIZE (one byte is padding). */
#define MAX_STRING_LENGTH (MAX_WOSIZE * WORD_BYTES - 1)

static value create_bytes(value len, const char *fn) {
  mlsize_t size = (mlsize_t)long_val(len);
  if (size > MAX_STRING_LENGTH) uc_invalid_argument(fn);
  return uc_alloc_string(size);
}

PRIM value caml_create_bytes(value len) { return create_bytes(len, "Bytes.create"); }

PRIM value caml_create_string(value len) { return create_bytes(len, "String.create"); }

PRIM value caml_ml_string_length(value s) { return val_long(string_length(uc_string_arg(s))); }

PRIM value caml_ml_bytes_length(value s) { return val_long(string_length(uc_string_arg(s))); }

PRIM value caml_string_of_bytes(value b) { return b; }

PRIM value caml_bytes_of_string(value s) { return s; }

/* Index of the first of `width` bytes at `index` in s; raises
 * Invalid_argument "index out of bounds" unless they all lie inside. */
static mlsize_t checked_offset(value s, value index, mlsize_t width) {
  intnat idx = long_val(index);
  if (idx < 0 || (uintnat)idx + width > string_length(uc_string_arg(s))) uc_array_bound_error();
  return (mlsize_t)idx;
}

/* Multi-byte accessors use little-endian order, as stock OCaml does on
 * little-endian hosts. */
static uint64_t load_le(value s, mlsize_t ofs, int width) {
  const unsigned char *p = bytes_ptr(s) + ofs;
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void store_le(value s, mlsize_t ofs, int width, uint64_t v) {
  unsigned char *p = bytes_ptr(s) + ofs;
  for (int i = 0; i < width; i++, v >>= 8) p[i] = (unsigned char)v;
}

PRIM value caml_string_get(value s, value index) {
  return val_int(bytes_ptr(s)[checked_offset(s, index, 1)]);
}

PRIM value caml_bytes_get(value s, value index) { return caml_string_get(s, index); }

PRIM value caml_bytes_set(value s, value index, value c) {
  bytes_ptr(s)[checked_offset(s, index, 1)] = (unsigned char)long_val(c);
  return VAL_UNIT;
}

PRIM value caml_string_set(value s, value index, value c) { return caml_bytes_set(s, index, c); }

PRIM value caml_string_get16(value s, value index) {
  return val_int(load_le(s, checked_offset(s, index, 2), 2));
}

PRIM value caml_bytes_get16(value s, value index) { return caml_string_get16(s, index); }

PRIM value caml_string_get32(value s, value index) {
  return uc_copy_int32((int32_t)(uint32_t)load_le(s, checked_offset(s, index, 4), 4));
}

PRIM value caml_bytes_get32(value s, value index) { return caml_string_get32(s, index); }

PRIM value caml_string_get64(value s, value index) {
  return uc_copy_int64((int64_t)load_le(s, checked_offset(s, index, 8), 8));
}

PRIM value caml_bytes_get64(value s, value index) { return caml_string_get64(s, index); }

PRIM value caml_bytes_set16(value s, value index, value v) {
  store_le(s, checked_offset(s, index, 2), 2, (uint64_t)long_val(v));
  return VAL_UNIT;
}

PRIM value caml_bytes_set32(value s, value index, value v) {
  store_le(s, checked_offset(s, index, 4), 4, (uint32_t)int32_val(v));
  return VAL_UNIT;
}

PRIM value caml_bytes_set64(value s, value index, value v) {
  store_le(s, checked_offset(s, index, 8), 8, (uint64_t)int64_val(v));
  return VAL_UNIT;
}

/* Equal strings have equal blocks: the padding is a function of the length. */
PRIM value caml_string_equal(value s1, value s2) {
  if (s1 == s2) return VAL_TRUE;
  uc_string_arg(s1);
  uc_string_arg(s2);
  if (wosize_val(s1) != wosize_val(s2)) return VAL_FALSE;
  return val_bool(memcmp((void *)s1, (void *)s2, bosize_val(s1)) == 0);
}

PRIM value caml_bytes_equal(value s1, value s2) { return caml_string_equal(s1, s2); }

PRIM value caml_string_notequal(value s1, value s2) {
  return val_bool(caml_string_equal(s1, s2) == VAL_FALSE);
}

PRIM value caml_bytes_notequal(value s1, value s2) { return caml_string_notequal(s1, s2); }

/* -1, 0 or 1: bytes compared as unsigned, then the shorter one first. */
static int compare_bytes(value s1, value s2) {
  mlsize_t len1, len2;
  int res;
  if (s1 == s2) return 0;
  len1 = string_length(uc_string_arg(s1));
  len2 = string_length(uc_string_arg(s2));
  res = memcmp((void *)s1, (void *)s2, len1 < len2 ? len1 : len2);
  if (res != 0) return res < 0 ? -1 : 1;
  if (len1 != len2) return len1 < len2 ? -1 : 1;
  return 0;
}

PRIM value caml_string_compare(value s1, value s2) { return val_int(compare_bytes(s1, s2)); }
PRIM value caml_bytes_compare(value s1, value s2) { return val_int(compare_bytes(s1, s2)); }

PRIM value caml_string_lessthan(value s1, value s2) { return val_bool(compare_bytes(s1, s2) < 0); }
PRIM value caml_bytes_lessthan(value s1, value s2) { return val_bool(compare_bytes(s1, s2) < 0); }

PRIM value caml_string_lessequal(value s1, value s2) { return val_bool(compare_bytes(s1, s2) <= 0); }
PRIM value caml_bytes_lessequal(value s1, value s2) { return val_bool(compare_bytes(s1, s2) <= 0); }

PRIM value caml_string_greaterthan(value s1, value s2) { return val_bool(compare_bytes(s1, s2) > 0); }
PRIM value caml_bytes_greaterthan(value s1, value s2) { return val_bool(compare_bytes(s1, s2) > 0); }

PRIM value caml_string_greaterequal(value s1, value s2) {
  return val_bool(compare_bytes(s1, s2) >= 0);
}
PRIM value caml_bytes_greaterequal(value s1, value s2) {
  return val_bool(compare_bytes(s1, s2) >= 0);
}

/* The bytes ofs .. ofs + len - 1 of s, checked to lie inside it: the OCaml
 * callers check them, but Bytes.unsafe_blit or hostile code need not. */
static unsigned char *checked_range(value s, value ofs, value len) {
  intnat o = long_val(ofs), n = long_val(len);
  if (o < 0 || n < 0 || (uintnat)o + (uintnat)n > string_length(uc_string_arg(s)))
    uc_invalid_argument("ill-typed value: range outside a string");
  return bytes_ptr(s) + o;
}

/* Regions may overlap. */
PRIM value caml_blit_bytes(value src, value src_ofs, value dst, value dst_ofs, value len) {
  unsigned char *to = checked_range(dst, dst_ofs, len);
  memmove(to, checked_range(src, src_ofs, len), (size_t)long_val(len));
  return VAL_UNIT;
}

PRIM value caml_blit_string(value src, value src_ofs, value dst, value dst_ofs, value len) {
  return caml_blit_bytes(src, src_ofs, dst, dst_ofs, len);
}

PRIM value caml_fill_bytes(value s, value ofs, value len, value c) {
  memset(checked_range(s, ofs, len), (unsigned char)long_val(c), (size_t)long_val(len));
  return VAL_UNIT;
}

PRIM value caml_fill_string(value s, value ofs, value len, value c) {
  return caml_fill_bytes(s, ofs, len, c);
}
