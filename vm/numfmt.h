/* numfmt.h: number <-> text conversions shared by the Int/Int32/Int64/
 * Nativeint and Float primitives.
 *
 * Integers are formatted by hand rather than with the C library's printf,
 * whose 64-bit support varies between embedded C libraries; the result
 * follows the C standard's rules for d, i, u, o, x and X exactly. */
#ifndef UC_NUMFMT_H
#define UC_NUMFMT_H

#include <math.h>
#include <stdint.h>
#include "value.h"

/* Converting NaN or an out-of-range double to an integer is undefined in C.
 * ocamlrun's plain casts give, on x86, the most negative integer of the
 * target width; these give that result everywhere. */
static inline int uc_double_fits(double d, int bits) {
  double lim = (double)((uint64_t)1 << (bits - 1)), t = trunc(d);
  return t >= -lim && t < lim;   /* false for NaN */
}
static inline int32_t uc_double_to_int32(double d) {
  return uc_double_fits(d, 32) ? (int32_t)d : INT32_MIN;
}
static inline int64_t uc_double_to_int64(double d) {
  return uc_double_fits(d, 64) ? (int64_t)d : INT64_MIN;
}
static inline intnat uc_double_to_intnat(double d) {
  return uc_double_fits(d, WORD_BITS) ? (intnat)d : INTPTR_MIN;
}

/* Format one integer as ocamlrun's ints.c does with an OCaml format such
 * as "%+5ld" or "0x%X": a size letter (l, n or L) before the last character
 * is replaced by `c_length`, the C length of the argument ("l" for intnat),
 * text around the conversion is kept, and the conversion reads the low bits
 * of an `arg_bits`-wide argument: `uval` when the format's last character
 * is u, o, x or X, else `sval`.  What C leaves undefined raises
 * Invalid_argument. */
value uc_format_integer(value fmt, const char *c_length, int arg_bits,
                        int64_t sval, uint64_t uval);

/* The exact decimal expansion of a finite double's magnitude:
 * 0.D1D2...Dn * 10^point with no trailing zero digit; zero is "0", point 1. */
#define UC_DECIMAL_MAX_DIGITS 800
struct uc_decimal {
  int ndigits, point;
  char digits[UC_DECIMAL_MAX_DIGITS];
};
void uc_decimal_of_double(double d, struct uc_decimal *x);
/* Keep the first `keep` digits (may be <= 0), rounding to nearest even. */
void uc_decimal_round(struct uc_decimal *x, int keep);

/* Format a double with a printf-style format holding one conversion among
 * e E f F g G a A, and possibly literal text; the output is glibc's. */
value uc_format_double(value fmt, double d);

/* Float.to_string's %h: hexadecimal notation, `prec` fraction digits (< 0:
 * as many as needed), `style` '+' or ' ' for the sign of positive numbers. */
value uc_hexstring_of_double(double d, intnat prec, int style);

/* Parse an OCaml integer literal ([+-], 0x/0o/0b/0u prefixes, underscores).
 * The result must fit in `nbits` bits (as a signed number for decimal
 * literals, unsigned for prefixed ones); raises Failure `errmsg` otherwise.
 * Returns the two's complement bits of the value. */
uint64_t uc_parse_integer(value s, int nbits, const char *errmsg);

/* float_of_string: decimal or hexadecimal, underscores ignored. */
double uc_parse_double(value s);

#endif
