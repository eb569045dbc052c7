/* numfmt_float.c: printf-style formatting of doubles, the %h notation and
 * float_of_string.  Decimal conversions of finite numbers use the C library
 * (snprintf, strtod); the VM never changes the locale, so they use "C". */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "numfmt.h"
#include "gc.h"
#include "fail.h"
#include "port.h"

/* ---- printf-style formatting ---- */

#define MAX_FLOAT_FORMAT 128

/* Where the single conversion of a float format lies, and its flags. */
struct float_spec {
  size_t start, end;          /* [start, end) covers "%...c" */
  size_t width_at, width_len; /* the width digits */
  int left, plus, space;
  char conv;
};

static int is_flag(char c) { return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Accepts literal text, "%%" and exactly one double conversion. */
static int find_float_spec(const char *f, size_t len, struct float_spec *s) {
  int found = 0;
  for (size_t i = 0; i < len; i++) {
    if (f[i] != '%') continue;
    if (i + 1 < len && f[i + 1] == '%') { i++; continue; }
    if (found) return 0;
    found = 1;
    memset(s, 0, sizeof *s);
    s->start = i++;
    for (; i < len && is_flag(f[i]); i++) {
      if (f[i] == '-') s->left = 1;
      if (f[i] == '+') s->plus = 1;
      if (f[i] == ' ') s->space = 1;
    }
    s->width_at = i;
    while (i < len && is_digit(f[i])) i++;
    s->width_len = i - s->width_at;
    if (i < len && f[i] == '.') {
      i++;
      while (i < len && is_digit(f[i])) i++;
    }
    while (i < len && f[i] == 'l') i++;  /* "%lf" is "%f" */
    if (i >= len || !strchr("eEfFgGaA", f[i]) || f[i] == 0) return 0;
    s->conv = f[i];
    s->end = i + 1;
  }
  return found;
}

static value snprintf_to_string(const char *cfmt, double d, const char *word) {
  int n = word ? snprintf(NULL, 0, cfmt, word) : snprintf(NULL, 0, cfmt, d);
  if (n < 0) uc_invalid_argument("format_float");
  value res = uc_alloc_string((mlsize_t)n);
  /* The byte after the contents is padding, so the NUL fits. */
  if (word) snprintf(string_ptr(res), (size_t)n + 1, cfmt, word);
  else snprintf(string_ptr(res), (size_t)n + 1, cfmt, d);
  return res;
}

/* C libraries disagree on nan and infinities; print them as glibc does
 * ("-nan", "+inf", "INF", padded with spaces only) via a %s conversion. */
static value format_non_finite(const char *f, const struct float_spec *s, double d) {
  char cfmt[MAX_FLOAT_FORMAT + 8], word[8];
  size_t k = 0, w = 0;
  int upper = s->conv >= 'A' && s->conv <= 'Z';
  if (signbit(d)) word[w++] = '-';
  else if (s->plus) word[w++] = '+';
  else if (s->space) word[w++] = ' ';
  memcpy(word + w, isnan(d) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 4);
  memcpy(cfmt, f, s->start);
  k = s->start;
  cfmt[k++] = '%';
  if (s->left) cfmt[k++] = '-';
  memcpy(cfmt + k, f + s->width_at, s->width_len);
  k += s->width_len;
  cfmt[k++] = 's';
  strcpy(cfmt + k, f + s->end);
  return snprintf_to_string(cfmt, 0.0, word);
}

value uc_format_double(value fmt, double d) {
  char cfmt[MAX_FLOAT_FORMAT];
  struct float_spec spec;
  mlsize_t len = string_length(fmt);
  if (len >= sizeof cfmt) uc_invalid_argument("format_float");
  memcpy(cfmt, string_ptr(fmt), len);
  cfmt[len] = 0;
  if (strlen(cfmt) != len || !find_float_spec(cfmt, len, &spec))
    uc_invalid_argument("format_float");
  if (!isfinite(d)) return format_non_finite(cfmt, &spec, d);
  return snprintf_to_string(cfmt, d, NULL);
}

/* ---- %h: hexadecimal notation ---- */

#define MANT_BITS 52
#define MANT_MASK (((uint64_t)1 << MANT_BITS) - 1)

static char hex_digit(unsigned d) { return (char)(d < 10 ? '0' + d : 'a' + d - 10); }

/* Rounds the mantissa (implicit bit included) to `prec` hex digits after
 * the point, to nearest, ties to even; may carry into the leading digit. */
static uint64_t round_mantissa(uint64_t m, intnat prec) {
  if (prec < 0 || prec >= 13) return m;
  uint64_t unit = (uint64_t)1 << (MANT_BITS - 4 * prec);
  uint64_t rest = m & (unit - 1), half = unit >> 1;
  m -= rest;
  if (rest > half || (rest == half && (m & unit) != 0)) m += unit;
  return m;
}

static value hex_non_finite(char *sign, int is_nan) {
  char buf[12];
  strcpy(buf, sign);
  strcat(buf, is_nan ? "nan" : "infinity");
  return uc_copy_string(buf);
}

value uc_hexstring_of_double(double d, intnat prec, int style) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  int biased = (int)((bits >> MANT_BITS) & 0x7FF);
  uint64_t m = bits & MANT_MASK;
  char sign[2] = {0, 0};
  if (bits >> 63) sign[0] = '-';
  else if (style == '+' || style == ' ') sign[0] = (char)style;
  if (biased == 0x7FF) return hex_non_finite(sign, m != 0);
  int exp = 0;
  if (biased != 0) { exp = biased - 1023; m |= (uint64_t)1 << MANT_BITS; }
  else if (m != 0) exp = -1022;
  m = round_mantissa(m, prec);
  /* Fraction digits: `prec` of them, or until the mantissa is exhausted. */
  uint64_t frac = m & MANT_MASK;
  size_t nfrac = 0;
  if (prec >= 0) nfrac = (size_t)prec;
  else for (uint64_t f = frac; f != 0; f = (f << 4) & MANT_MASK) nfrac++;
  char tail[16];
  int tail_len = snprintf(tail, sizeof tail, "p%+d", exp);
  size_t len = strlen(sign) + 3 + (nfrac ? nfrac + 1 : 0) + (size_t)tail_len;
  value res = uc_alloc_string(len);
  char *p = string_ptr(res);
  p += strlen(strcpy(p, sign));
  *p++ = '0'; *p++ = 'x';
  *p++ = hex_digit((unsigned)(m >> MANT_BITS));
  if (nfrac) *p++ = '.';
  for (size_t i = 0; i < nfrac; i++, frac = (frac << 4) & MANT_MASK)
    *p++ = hex_digit((unsigned)(frac >> (MANT_BITS - 4)));
  memcpy(p, tail, (size_t)tail_len);
  return res;
}

/* ---- float_of_string ---- */

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Saturating int addition, for exponents. */
static int add_exponent(int e, int adj) {
  if (adj > 0 && e > INT_MAX - adj) return INT_MAX;
  if (adj < 0 && e < INT_MIN - adj) return INT_MIN;
  return e + adj;
}

/* The digits after "0x": hex digits with at most one point, then an optional
 * binary exponent p[+-]ddd.  The first 60 significant bits are kept and any
 * further nonzero bit is folded into the last one ("round to odd"), so the
 * single rounding of the final conversion is correct.  `s` is followed by a
 * NUL at `end`.  Returns 0 on success. */
static int parse_hex_float(const char *s, const char *end, double *out) {
  uint64_t mant = 0;
  int nbits = 0, mant_bits = 0, dropped_bits = 0, point = -1, exp = 0;
  while (s < end) {
    char c = *s++;
    if (c == '.') {
      if (point >= 0) return -1;
      point = nbits;
    } else if (c == 'p' || c == 'P') {
      char *after;
      if (s == end) return -1;
      long e = strtol(s, &after, 10);
      if (after != end) return -1;
      if (e <= INT_MIN) { *out = 0.0; return 0; }
      if (e >= INT_MAX) { *out = mant == 0 ? 0.0 : HUGE_VAL; return 0; }
      exp = (int)e;
      s = end;
    } else {
      int d = hex_value(c);
      if (d < 0) return -1;
      nbits += 4;
      if (d == 0 && mant == 0) continue;  /* leading zeros */
      if (mant_bits < 60) {
        mant = (mant << 4) + (uint64_t)d;
        mant_bits += 4;
      } else {
        if (d != 0) mant |= 1;
        dropped_bits += 4;
      }
    }
  }
  if (nbits == 0) return -1;
  int adj = dropped_bits + (point >= 0 ? point - nbits : 0);
  exp = add_exponent(exp, adj);
  double f = (double)(int64_t)mant;
  *out = exp != 0 ? ldexp(f, exp) : f;
  return 0;
}

/* Hexadecimal literals go through our parser (C libraries differ on them);
 * everything else, including leading blanks, "nan" and "inf", to strtod. */
static int parse_without_underscores(const char *buf, const char *end, double *out) {
  const char *p = buf;
  int negative = 0;
  if (*p == '-' || *p == '+') negative = (*p++ == '-');
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    if (parse_hex_float(p + 2, end, out) != 0) return -1;
    if (negative) *out = -*out;
    return 0;
  }
  char *stop;
  *out = strtod(buf, &stop);
  return stop == end ? 0 : -1;
}

double uc_parse_double(value s) {
  char local[64];
  mlsize_t len = string_length(s);
  char *buf = len < sizeof local ? local : port_alloc(len + 1);
  if (buf == NULL) uc_raise_out_of_memory();
  const char *src = string_ptr(s);
  char *dst = buf;
  for (mlsize_t i = 0; i < len; i++)
    if (src[i] != '_') *dst++ = src[i];
  *dst = 0;
  double d = 0.0;
  int bad = dst == buf || parse_without_underscores(buf, dst, &d) != 0;
  if (buf != local) port_free(buf);
  if (bad) uc_failwith("float_of_string");
  return d;
}
