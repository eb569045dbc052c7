/* fma.c: x * y + z with a single rounding, in integer arithmetic.
 *
 * C libraries for FPU-less targets (picolibc on the Xtensa boards) get the
 * overflow and subnormal cases wrong, and Float.fma must be exact.  The
 * product of the two 53-bit significands is formed exactly in 128 bits, z is
 * aligned to it (bits shifted out are kept as a sticky bit), and the sum is
 * rounded once, to nearest even, into a normal, subnormal or infinite
 * result.  Only 32- and 64-bit integer operations are used. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fma.h"

struct u128 {
  uint64_t hi, lo;
};

static uint64_t bits_of(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

static double double_of(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

/* A finite nonzero double as m * 2^e, m an integer below 2^53. */
static void split(double d, uint64_t *m, int *e) {
  uint64_t b = bits_of(d);
  int biased = (int)((b >> 52) & 0x7FF);
  *m = b & ((UINT64_C(1) << 52) - 1);
  if (biased == 0) {
    *e = -1074;
  } else {
    *m |= UINT64_C(1) << 52;
    *e = biased - 1075;
  }
}

static struct u128 mul64(uint64_t a, uint64_t b) {
  uint64_t a0 = a & 0xFFFFFFFF, a1 = a >> 32, b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  struct u128 r;
  r.lo = (mid << 32) | (p00 & 0xFFFFFFFF);
  r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return r;
}

static int bit_length(struct u128 v) {
  int n = 0;
  uint64_t w = v.hi ? v.hi : v.lo;
  while (w) {
    n++;
    w >>= 1;
  }
  return v.hi ? n + 64 : n;
}

/* v >> n, with the bits shifted out ORed into bit 0 (sticky). */
static struct u128 shift_right_sticky(struct u128 v, int n) {
  struct u128 r;
  if (n <= 0) return v;
  if (n >= 128) {
    r.hi = 0;
    r.lo = (v.hi | v.lo) != 0;
    return r;
  }
  uint64_t lost;
  if (n >= 64) {
    lost = v.lo | (n > 64 ? v.hi << (128 - n) : 0);
    r.lo = n == 64 ? v.hi : v.hi >> (n - 64);
    r.hi = 0;
  } else {
    lost = v.lo << (64 - n);
    r.lo = (v.lo >> n) | (v.hi << (64 - n));
    r.hi = v.hi >> n;
  }
  r.lo |= lost != 0;
  return r;
}

static struct u128 shift_left(struct u128 v, int n) {
  struct u128 r;
  if (n <= 0) return v;
  if (n >= 64) {
    r.hi = v.lo << (n - 64);
    r.lo = 0;
  } else {
    r.hi = (v.hi << n) | (v.lo >> (64 - n));
    r.lo = v.lo << n;
  }
  return r;
}

static int less(struct u128 a, struct u128 b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

static struct u128 add(struct u128 a, struct u128 b) {
  struct u128 r = {a.hi + b.hi, a.lo + b.lo};
  r.hi += r.lo < a.lo;
  return r;
}

static struct u128 sub(struct u128 a, struct u128 b) {   /* a >= b */
  struct u128 r = {a.hi - b.hi, a.lo - b.lo};
  r.hi -= a.lo < b.lo;
  return r;
}

/* Rounds sign * v * 2^e (v != 0) to the nearest double, ties to even. */
static double round_to_double(int negative, struct u128 v, int e) {
  /* Keep 55 bits (53 + guard + sticky) at the top of v. */
  int len = bit_length(v);
  int shift = len - 55;
  v = shift > 0 ? shift_right_sticky(v, shift) : shift_left(v, -shift);
  e += shift;
  /* v is now in [2^54, 2^55); the value's exponent as a double: */
  int exponent = e + 54;   /* value = v/2^54 * 2^exponent */
  if (exponent < -1022) {  /* subnormal: fewer significant bits */
    v = shift_right_sticky(v, -1022 - exponent);
    exponent = -1022;
  }
  uint64_t m = v.lo;
  uint64_t keep = m >> 2, rest = m & 3;
  if (rest > 2 || (rest == 2 && (keep & 1))) keep++;
  /* keep is the significand with the hidden bit at bit 52 when normal;
   * rounding up may carry into bit 53. */
  if (keep >> 53) {
    keep >>= 1;
    exponent++;
  }
  uint64_t sign = negative ? UINT64_C(1) << 63 : 0;
  if (exponent > 1023) return double_of(sign | (UINT64_C(0x7FF) << 52));
  uint64_t biased = (keep >> 52) ? (uint64_t)(exponent + 1023) : 0;
  return double_of(sign | (biased << 52) | (keep & ((UINT64_C(1) << 52) - 1)));
}

double uc_fma(double x, double y, double z) {
  if (!isfinite(x) || !isfinite(y)) return x * y + z;
  if (!isfinite(z)) return z;   /* the exact product is finite */
  if (x == 0 || y == 0) return x * y + z;   /* exact product: one rounding */
  uint64_t mx, my, mz;
  int ex, ey, ez;
  split(x, &mx, &ex);
  split(y, &my, &ey);
  int negp = signbit(x) != signbit(y);
  struct u128 p = mul64(mx, my);
  int ep = ex + ey;
  if (z == 0) return round_to_double(negp, p, ep);
  split(z, &mz, &ez);
  int negz = signbit(z) != 0;
  struct u128 q = {0, mz};
  /* Align both at the smaller exponent, first making room: the larger one is
   * shifted left as far as 126 bits allow, the rest goes into stickiness. */
  struct u128 a = p, b = q;
  int ea = ep, eb = ez;
  int nega = negp, negb = negz;
  if (ea < eb) {
    struct u128 t = a;
    a = b;
    b = t;
    int te = ea;
    ea = eb;
    eb = te;
    int tn = nega;
    nega = negb;
    negb = tn;
  }
  /* now ea >= eb: shift a left (bounded), then b right with sticky */
  int room = 126 - bit_length(a);
  int diff = ea - eb;
  int left = diff < room ? diff : room;
  a = shift_left(a, left);
  ea -= left;
  b = shift_right_sticky(b, ea - eb);
  eb = ea;
  struct u128 r;
  int negr;
  if (nega == negb) {
    r = add(a, b);
    negr = nega;
  } else if (less(a, b)) {
    r = sub(b, a);
    negr = negb;
  } else {
    r = sub(a, b);
    negr = nega;
  }
  if (r.hi == 0 && r.lo == 0) return 0.0;   /* exact cancellation: +0 */
  return round_to_double(negr, r, ea);
}
