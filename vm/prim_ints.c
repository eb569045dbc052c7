/* prim_ints.c: int, Int32, Int64 and Nativeint primitives, and the custom
 * block kinds of the boxed integers.
 *
 * Arithmetic is done on unsigned types so that overflow wraps without
 * undefined behaviour.  Shift counts are reduced modulo the width, which is
 * what ocamlrun's plain C shifts do on x86. */
#include "prim.h"
#include "numfmt.h"

/* Arguments are boxed integers of the kind the primitive names: an
 * ill-typed value raises Invalid_argument instead of being read as one. */
static inline value boxed(value v, const struct custom_ops *ops) {
  if (!is_block(v) || !uc_in_value_area(v) || tag_val(v) != CUSTOM_TAG || custom_ops_val(v) != ops)
    uc_invalid_argument("ill-typed value: not a boxed integer of this kind");
  return v;
}
static inline int32_t arg_int32(value v) { return int32_val(boxed(v, &uc_int32_ops)); }
static inline int64_t arg_int64(value v) { return int64_val(boxed(v, &uc_int64_ops)); }
static inline intnat arg_nativeint(value v) { return nativeint_val(boxed(v, &uc_nativeint_ops)); }

/* The C length modifiers ocamlrun puts in its printf formats: "l" for
 * intnat, none for int32, "l" or "ll" for int64. */
#define INTNAT_LENGTH "l"
#define INT32_LENGTH ""
#define INT64_LENGTH (WORD_BITS == 64 ? "l" : "ll")

#define SIGN_OF_COMPARE(a, b) (((a) > (b)) - ((a) < (b)))

/* A shift count taken modulo the width of the shifted type. */
static unsigned shift_count(value n, int width) {
  return (unsigned)long_val(n) & (unsigned)(width - 1);
}

/* ---- Custom operations ---- */

static int int32_compare(value v1, value v2) {
  return SIGN_OF_COMPARE(arg_int32(v1), arg_int32(v2));
}
static intnat int32_hash(value v) { return arg_int32(v); }
static void int32_serialize(value v, uintnat *bsize_32, uintnat *bsize_64) {
  uc_serialize_int_4(arg_int32(v));
  *bsize_32 = *bsize_64 = 4;
}
static uintnat int32_deserialize(void *dst) {
  int32_t i = uc_deserialize_sint_4();
  memcpy(dst, &i, sizeof i);
  return 4;
}

static int int64_compare(value v1, value v2) {
  return SIGN_OF_COMPARE(arg_int64(v1), arg_int64(v2));
}
/* Both halves contribute, so equal 32-bit values hash alike everywhere. */
static intnat int64_hash(value v) {
  uint64_t x = (uint64_t)arg_int64(v);
  return (intnat)(uint32_t)((uint32_t)x ^ (uint32_t)(x >> 32));
}
static void int64_serialize(value v, uintnat *bsize_32, uintnat *bsize_64) {
  uc_serialize_int_8(arg_int64(v));
  *bsize_32 = *bsize_64 = 8;
}
static uintnat int64_deserialize(void *dst) {
  int64_t i = uc_deserialize_sint_8();
  memcpy(dst, &i, sizeof i);
  return 8;
}

static int nativeint_compare(value v1, value v2) {
  return SIGN_OF_COMPARE(arg_nativeint(v1), arg_nativeint(v2));
}
/* Folding the high half in makes a value that fits in 32 bits hash the same
 * on 32- and 64-bit hosts (for those, the high half is all sign bits). */
static intnat nativeint_hash(value v) {
  int64_t n = arg_nativeint(v);
  return (intnat)((n >> 32) ^ (n >> 63) ^ n);
}
/* Tag 1: a 4-byte value; tag 2: an 8-byte one (64-bit hosts only). */
static void nativeint_serialize(value v, uintnat *bsize_32, uintnat *bsize_64) {
  int64_t n = arg_nativeint(v);
  if (n >= INT32_MIN && n <= INT32_MAX) {
    uc_serialize_int_1(1);
    uc_serialize_int_4((int32_t)n);
  } else {
    uc_serialize_int_1(2);
    uc_serialize_int_8(n);
  }
  *bsize_32 = 4;
  *bsize_64 = 8;
}
static uintnat nativeint_deserialize(void *dst) {
  intnat n = 0;
  switch (uc_deserialize_uint_1()) {
  case 1:
    n = uc_deserialize_sint_4();
    break;
  case 2:
    if (WORD_BITS < 64) uc_deserialize_error("input_value: native integer value too large");
    n = (intnat)uc_deserialize_sint_8();
    break;
  default:
    uc_deserialize_error("input_value: ill-formed native integer");
  }
  memcpy(dst, &n, sizeof n);
  return sizeof n;
}

const struct custom_ops uc_int32_ops = {
    "_i", NULL, int32_compare, int32_hash, int32_serialize, int32_deserialize, NULL};
const struct custom_ops uc_int64_ops = {
    "_j", NULL, int64_compare, int64_hash, int64_serialize, int64_deserialize, NULL};
const struct custom_ops uc_nativeint_ops = {
    "_n", NULL, nativeint_compare, nativeint_hash, nativeint_serialize,
    nativeint_deserialize, NULL};

value uc_copy_int32(int32_t i) {
  value res = uc_alloc_custom(&uc_int32_ops, sizeof i);
  memcpy(custom_data(res), &i, sizeof i);
  return res;
}
value uc_copy_int64(int64_t i) {
  value res = uc_alloc_custom(&uc_int64_ops, sizeof i);
  memcpy(custom_data(res), &i, sizeof i);
  return res;
}
value uc_copy_nativeint(intnat i) {
  value res = uc_alloc_custom(&uc_nativeint_ops, sizeof i);
  memcpy(custom_data(res), &i, sizeof i);
  return res;
}

/* ---- Tagged integers ---- */

PRIM value caml_int_compare(value v1, value v2) { return val_int(SIGN_OF_COMPARE(v1, v2)); }

PRIM value caml_bswap16(value v) {
  uintnat x = (uintnat)long_val(v);
  return val_long(((x & 0xFF) << 8) | ((x >> 8) & 0xFF));
}

PRIM value caml_int_of_string(value s) {
  return val_long((intnat)uc_parse_integer(s, WORD_BITS - 1, "int_of_string"));
}

/* Formats ending in u, o, x or X see the int's WORD_BITS-1 bits as
 * unsigned, as ocamlrun's do. */
PRIM value caml_format_int(value fmt, value arg) {
  return uc_format_integer(fmt, INTNAT_LENGTH, WORD_BITS, long_val(arg), (uintnat)arg >> 1);
}

/* ---- Int32 ---- */

PRIM value caml_int32_neg(value v) { return uc_copy_int32((int32_t)(0 - (uint32_t)arg_int32(v))); }
PRIM value caml_int32_add(value v1, value v2) {
  return uc_copy_int32((int32_t)((uint32_t)arg_int32(v1) + (uint32_t)arg_int32(v2)));
}
PRIM value caml_int32_sub(value v1, value v2) {
  return uc_copy_int32((int32_t)((uint32_t)arg_int32(v1) - (uint32_t)arg_int32(v2)));
}
PRIM value caml_int32_mul(value v1, value v2) {
  return uc_copy_int32((int32_t)((uint32_t)arg_int32(v1) * (uint32_t)arg_int32(v2)));
}
PRIM value caml_int32_and(value v1, value v2) {
  return uc_copy_int32(arg_int32(v1) & arg_int32(v2));
}
PRIM value caml_int32_or(value v1, value v2) {
  return uc_copy_int32(arg_int32(v1) | arg_int32(v2));
}
PRIM value caml_int32_xor(value v1, value v2) {
  return uc_copy_int32(arg_int32(v1) ^ arg_int32(v2));
}
/* Division by zero raises; min / -1 wraps to min and min mod -1 is 0, as
 * for type int (the C operators would trap). */
PRIM value caml_int32_div(value v1, value v2) {
  int32_t a = arg_int32(v1), b = arg_int32(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_int32(b == -1 ? (int32_t)(0 - (uint32_t)a) : a / b);
}
PRIM value caml_int32_mod(value v1, value v2) {
  int32_t a = arg_int32(v1), b = arg_int32(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_int32(b == -1 ? 0 : a % b);
}
PRIM value caml_int32_shift_left(value v1, value v2) {
  return uc_copy_int32((int32_t)((uint32_t)arg_int32(v1) << shift_count(v2, 32)));
}
PRIM value caml_int32_shift_right(value v1, value v2) {
  return uc_copy_int32(arg_int32(v1) >> shift_count(v2, 32));
}
PRIM value caml_int32_shift_right_unsigned(value v1, value v2) {
  return uc_copy_int32((int32_t)((uint32_t)arg_int32(v1) >> shift_count(v2, 32)));
}
PRIM value caml_int32_compare(value v1, value v2) {
  return val_int(SIGN_OF_COMPARE(arg_int32(v1), arg_int32(v2)));
}
PRIM value caml_int32_of_int(value v) { return uc_copy_int32((int32_t)long_val(v)); }
PRIM value caml_int32_to_int(value v) { return val_long((intnat)arg_int32(v)); }
PRIM value caml_int32_to_float(value v) { return uc_copy_double((double)arg_int32(v)); }

static uint32_t swap32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xFF00) | ((x & 0xFF00) << 8) | (x << 24);
}

PRIM value caml_int32_bswap(value v) {
  return uc_copy_int32((int32_t)swap32((uint32_t)arg_int32(v)));
}
PRIM value caml_int32_of_float(value v) { return uc_copy_int32(uc_double_to_int32(double_val(v))); }
PRIM value caml_int32_format(value fmt, value arg) {
  int32_t i = arg_int32(arg);
  return uc_format_integer(fmt, INT32_LENGTH, 32, i, (uint32_t)i);
}
PRIM value caml_int32_of_string(value s) {
  return uc_copy_int32((int32_t)uc_parse_integer(s, 32, "Int32.of_string"));
}
/* Int32.bits_of_float: the bits of the nearest single-precision float. */
PRIM value caml_int32_bits_of_float(value v) {
  float f = (float)double_val(v);
  int32_t i;
  memcpy(&i, &f, sizeof i);
  return uc_copy_int32(i);
}
PRIM value caml_int32_float_of_bits(value v) {
  int32_t i = arg_int32(v);
  float f;
  memcpy(&f, &i, sizeof f);
  return uc_copy_double((double)f);
}

/* ---- Int64 ---- */

PRIM value caml_int64_neg(value v) { return uc_copy_int64((int64_t)(0 - (uint64_t)arg_int64(v))); }
PRIM value caml_int64_add(value v1, value v2) {
  return uc_copy_int64((int64_t)((uint64_t)arg_int64(v1) + (uint64_t)arg_int64(v2)));
}
PRIM value caml_int64_sub(value v1, value v2) {
  return uc_copy_int64((int64_t)((uint64_t)arg_int64(v1) - (uint64_t)arg_int64(v2)));
}
PRIM value caml_int64_mul(value v1, value v2) {
  return uc_copy_int64((int64_t)((uint64_t)arg_int64(v1) * (uint64_t)arg_int64(v2)));
}
PRIM value caml_int64_and(value v1, value v2) {
  return uc_copy_int64(arg_int64(v1) & arg_int64(v2));
}
PRIM value caml_int64_or(value v1, value v2) {
  return uc_copy_int64(arg_int64(v1) | arg_int64(v2));
}
PRIM value caml_int64_xor(value v1, value v2) {
  return uc_copy_int64(arg_int64(v1) ^ arg_int64(v2));
}
PRIM value caml_int64_div(value v1, value v2) {
  int64_t a = arg_int64(v1), b = arg_int64(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_int64(b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b);
}
PRIM value caml_int64_mod(value v1, value v2) {
  int64_t a = arg_int64(v1), b = arg_int64(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_int64(b == -1 ? 0 : a % b);
}
PRIM value caml_int64_shift_left(value v1, value v2) {
  return uc_copy_int64((int64_t)((uint64_t)arg_int64(v1) << shift_count(v2, 64)));
}
PRIM value caml_int64_shift_right(value v1, value v2) {
  return uc_copy_int64(arg_int64(v1) >> shift_count(v2, 64));
}
PRIM value caml_int64_shift_right_unsigned(value v1, value v2) {
  return uc_copy_int64((int64_t)((uint64_t)arg_int64(v1) >> shift_count(v2, 64)));
}
PRIM value caml_int64_compare(value v1, value v2) {
  return val_int(SIGN_OF_COMPARE(arg_int64(v1), arg_int64(v2)));
}
PRIM value caml_int64_of_int(value v) { return uc_copy_int64((int64_t)long_val(v)); }
PRIM value caml_int64_to_int(value v) { return val_long((intnat)arg_int64(v)); }
PRIM value caml_int64_to_float(value v) { return uc_copy_double((double)arg_int64(v)); }

static uint64_t swap64(uint64_t x) {
  return ((uint64_t)swap32((uint32_t)x) << 32) | swap32((uint32_t)(x >> 32));
}

PRIM value caml_int64_bswap(value v) {
  return uc_copy_int64((int64_t)swap64((uint64_t)arg_int64(v)));
}
PRIM value caml_int64_of_float(value v) { return uc_copy_int64(uc_double_to_int64(double_val(v))); }
PRIM value caml_int64_of_int32(value v) { return uc_copy_int64(arg_int32(v)); }
PRIM value caml_int64_to_int32(value v) { return uc_copy_int32((int32_t)arg_int64(v)); }
PRIM value caml_int64_of_nativeint(value v) { return uc_copy_int64(arg_nativeint(v)); }
PRIM value caml_int64_to_nativeint(value v) { return uc_copy_nativeint((intnat)arg_int64(v)); }
PRIM value caml_int64_format(value fmt, value arg) {
  int64_t i = arg_int64(arg);
  return uc_format_integer(fmt, INT64_LENGTH, 64, i, (uint64_t)i);
}
PRIM value caml_int64_of_string(value s) {
  return uc_copy_int64((int64_t)uc_parse_integer(s, 64, "Int64.of_string"));
}
PRIM value caml_int64_bits_of_float(value v) {
  double d = double_val(v);
  int64_t i;
  memcpy(&i, &d, sizeof i);
  return uc_copy_int64(i);
}
PRIM value caml_int64_float_of_bits(value v) {
  int64_t i = arg_int64(v);
  double d;
  memcpy(&d, &i, sizeof d);
  return uc_copy_double(d);
}

/* ---- Nativeint ---- */

PRIM value caml_nativeint_neg(value v) {
  return uc_copy_nativeint((intnat)(0 - (uintnat)arg_nativeint(v)));
}
PRIM value caml_nativeint_add(value v1, value v2) {
  return uc_copy_nativeint((intnat)((uintnat)arg_nativeint(v1) + (uintnat)arg_nativeint(v2)));
}
PRIM value caml_nativeint_sub(value v1, value v2) {
  return uc_copy_nativeint((intnat)((uintnat)arg_nativeint(v1) - (uintnat)arg_nativeint(v2)));
}
PRIM value caml_nativeint_mul(value v1, value v2) {
  return uc_copy_nativeint((intnat)((uintnat)arg_nativeint(v1) * (uintnat)arg_nativeint(v2)));
}
PRIM value caml_nativeint_and(value v1, value v2) {
  return uc_copy_nativeint(arg_nativeint(v1) & arg_nativeint(v2));
}
PRIM value caml_nativeint_or(value v1, value v2) {
  return uc_copy_nativeint(arg_nativeint(v1) | arg_nativeint(v2));
}
PRIM value caml_nativeint_xor(value v1, value v2) {
  return uc_copy_nativeint(arg_nativeint(v1) ^ arg_nativeint(v2));
}
PRIM value caml_nativeint_div(value v1, value v2) {
  intnat a = arg_nativeint(v1), b = arg_nativeint(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_nativeint(b == -1 ? (intnat)(0 - (uintnat)a) : a / b);
}
PRIM value caml_nativeint_mod(value v1, value v2) {
  intnat a = arg_nativeint(v1), b = arg_nativeint(v2);
  if (b == 0) uc_raise_zero_divide();
  return uc_copy_nativeint(b == -1 ? 0 : a % b);
}
PRIM value caml_nativeint_shift_left(value v1, value v2) {
  return uc_copy_nativeint((intnat)((uintnat)arg_nativeint(v1) << shift_count(v2, WORD_BITS)));
}
PRIM value caml_nativeint_shift_right(value v1, value v2) {
  return uc_copy_nativeint(arg_nativeint(v1) >> shift_count(v2, WORD_BITS));
}
PRIM value caml_nativeint_shift_right_unsigned(value v1, value v2) {
  return uc_copy_nativeint((intnat)((uintnat)arg_nativeint(v1) >> shift_count(v2, WORD_BITS)));
}
PRIM value caml_nativeint_compare(value v1, value v2) {
  return val_int(SIGN_OF_COMPARE(arg_nativeint(v1), arg_nativeint(v2)));
}
PRIM value caml_nativeint_of_int(value v) { return uc_copy_nativeint((intnat)long_val(v)); }
PRIM value caml_nativeint_to_int(value v) { return val_long((intnat)arg_nativeint(v)); }
PRIM value caml_nativeint_to_float(value v) { return uc_copy_double((double)arg_nativeint(v)); }

PRIM value caml_nativeint_bswap(value v) {
  uintnat x = (uintnat)arg_nativeint(v);
  return uc_copy_nativeint(WORD_BITS == 64 ? (intnat)swap64(x) : (intnat)swap32((uint32_t)x));
}
PRIM value caml_nativeint_of_float(value v) {
  return uc_copy_nativeint(uc_double_to_intnat(double_val(v)));
}
PRIM value caml_nativeint_of_int32(value v) { return uc_copy_nativeint(arg_int32(v)); }
PRIM value caml_nativeint_to_int32(value v) { return uc_copy_int32((int32_t)arg_nativeint(v)); }
PRIM value caml_nativeint_format(value fmt, value arg) {
  intnat i = arg_nativeint(arg);
  return uc_format_integer(fmt, INTNAT_LENGTH, WORD_BITS, i, (uintnat)i);
}
PRIM value caml_nativeint_of_string(value s) {
  return uc_copy_nativeint((intnat)uc_parse_integer(s, WORD_BITS, "Nativeint.of_string"));
}
