/* numfmt_decimal.c: the exact decimal expansion of a double, and rounding
 * of it, for printf-style %e %f %g output that is the same on every C
 * library.  (Embedded printf implementations stop after 17 significant
 * digits and are inexact on subnormals; glibc, which ocamlrun uses, prints
 * exact digits.)
 *
 * |d| = m * 2^e with m an integer.  For e >= 0 the digits are those of the
 * integer m * 2^e; for e < 0, |d| = m * 5^-e / 10^-e, so they are those of
 * m * 5^-e with the point moved -e places left. */
#include "numfmt.h"

/* m * 5^1074 < 2^(53 + 2494): 80 words of 32 bits, 767 decimal digits
 * (UC_DECIMAL_MAX_DIGITS leaves room for the last 9-digit chunk). */
#define LIMBS 84

struct bignum {
  int n;                 /* words in use, least significant first */
  uint32_t w[LIMBS];
};

static void big_mul_small(struct bignum *b, uint32_t k) {
  uint64_t carry = 0;
  for (int i = 0; i < b->n; i++) {
    uint64_t t = (uint64_t)b->w[i] * k + carry;
    b->w[i] = (uint32_t)t;
    carry = t >> 32;
  }
  if (carry != 0) b->w[b->n++] = (uint32_t)carry;
}

static void big_shift_left(struct bignum *b, int bits) {
  int words = bits / 32, rest = bits % 32;
  for (int i = b->n - 1; i >= 0; i--) b->w[i + words] = b->w[i];
  for (int i = 0; i < words; i++) b->w[i] = 0;
  b->n += words;
  if (rest != 0) {
    uint32_t carry = 0;
    for (int i = words; i < b->n; i++) {
      uint32_t next = b->w[i] >> (32 - rest);
      b->w[i] = (b->w[i] << rest) | carry;
      carry = next;
    }
    if (carry != 0) b->w[b->n++] = carry;
  }
}

/* Divides in place, returns the remainder. */
static uint32_t big_div_small(struct bignum *b, uint32_t k) {
  uint64_t rem = 0;
  for (int i = b->n - 1; i >= 0; i--) {
    uint64_t cur = (rem << 32) | b->w[i];
    b->w[i] = (uint32_t)(cur / k);
    rem = cur % k;
  }
  while (b->n > 0 && b->w[b->n - 1] == 0) b->n--;
  return (uint32_t)rem;
}

/* Decimal digits of b (destroyed), most significant first; returns count.
 * They are produced from the end of `out`, then moved to its start. */
static int big_to_digits(struct bignum *b, char *out) {
  int at = UC_DECIMAL_MAX_DIGITS;
  while (b->n > 0) {
    uint32_t chunk = big_div_small(b, 1000000000u);
    for (int i = 0; i < 9; i++, chunk /= 10) out[--at] = (char)('0' + chunk % 10);
  }
  while (at < UC_DECIMAL_MAX_DIGITS - 1 && out[at] == '0') at++;
  memmove(out, out + at, (size_t)(UC_DECIMAL_MAX_DIGITS - at));
  return UC_DECIMAL_MAX_DIGITS - at;
}

void uc_decimal_of_double(double d, struct uc_decimal *x) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  int biased = (int)((bits >> 52) & 0x7FF);
  uint64_t m = bits & (((uint64_t)1 << 52) - 1);
  int e = biased == 0 ? -1074 : biased - 1075;
  if (biased != 0) m |= (uint64_t)1 << 52;
  if (m == 0) {
    x->digits[0] = '0';
    x->ndigits = 1;
    x->point = 1;
    return;
  }
  struct bignum b = {2, {(uint32_t)m, (uint32_t)(m >> 32)}};
  if (b.w[1] == 0) b.n = 1;
  if (e >= 0) {
    big_shift_left(&b, e);
  } else {
    int k = -e;
    for (; k >= 13; k -= 13) big_mul_small(&b, 1220703125u); /* 5^13 */
    for (; k > 0; k--) big_mul_small(&b, 5);
  }
  x->ndigits = big_to_digits(&b, x->digits);
  x->point = x->ndigits + (e < 0 ? e : 0);
  while (x->ndigits > 1 && x->digits[x->ndigits - 1] == '0') x->ndigits--;
}

/* Rounds to the first `keep` digits, to nearest, ties to even (as glibc
 * does in the default rounding mode).  A result of zero is "0", point 1. */
void uc_decimal_round(struct uc_decimal *x, int keep) {
  if (keep >= x->ndigits) return;
  int up = 0;
  if (keep >= 0) {
    char next = x->digits[keep];
    int exact_half = next == '5' && keep + 1 == x->ndigits;
    int prev_odd = keep > 0 && (x->digits[keep - 1] - '0') % 2 == 1;
    up = next > '5' || (next == '5' && (!exact_half || prev_odd));
  }
  x->ndigits = keep > 0 ? keep : 0;
  if (up) {
    int i = x->ndigits - 1;
    while (i >= 0 && x->digits[i] == '9') i--;
    if (i < 0) {           /* 999 -> 1000 */
      x->digits[0] = '1';
      x->ndigits = 1;
      x->point++;
    } else {
      x->digits[i]++;
      x->ndigits = i + 1;
    }
  }
  if (x->ndigits == 0) {
    x->digits[0] = '0';
    x->ndigits = 1;
    x->point = 1;
  }
  while (x->ndigits > 1 && x->digits[x->ndigits - 1] == '0') x->ndigits--;
}
