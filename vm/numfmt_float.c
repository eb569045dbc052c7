/* numfmt_float.c: printf-style formatting of doubles, the %h notation and
 * float_of_string.  Decimal output is computed exactly (numfmt_decimal.c);
 * decimal input uses the C library's strtod (the VM never changes the
 * locale, so it reads the "C" format). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "numfmt.h"
#include "gc.h"
#include "fail.h"
#include "prim.h"
#include "port.h"

/* ---- printf-style formatting ---- */

#define MAX_FLOAT_FORMAT 128
/* Widths and precisions beyond this are clamped; the allocation fails. */
#define MAX_FIELD (1L << 28)

/* The single conversion of a float format. */
struct float_spec {
  size_t start, end;          /* [start, end) covers "%...c" */
  int left, plus, space, alt, zero;
  long width, precision;      /* precision -1: not given */
  char conv;
  int bare_point;             /* %#g printed as "1.e+P", see round_for */
};

static int is_flag(char c) { return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static long read_count(const char *f, size_t len, size_t *i) {
  long n = 0;
  for (; *i < len && is_digit(f[*i]); (*i)++) {
    n = n * 10 + (f[*i] - '0');
    if (n > MAX_FIELD) n = MAX_FIELD;
  }
  return n;
}

static void read_flags(const char *f, size_t len, size_t *i, struct float_spec *s) {
  for (; *i < len && is_flag(f[*i]); (*i)++) {
    switch (f[*i]) {
    case '-': s->left = 1; break;
    case '+': s->plus = 1; break;
    case ' ': s->space = 1; break;
    case '#': s->alt = 1; break;
    default: s->zero = 1; break;
    }
  }
}

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
    read_flags(f, len, &i, s);
    s->width = read_count(f, len, &i);
    s->precision = -1;
    if (i < len && f[i] == '.') {
      i++;
      s->precision = read_count(f, len, &i);
    }
    while (i < len && f[i] == 'l') i++;  /* "%lf" is "%f" */
    if (i >= len || f[i] == 0 || !strchr("eEfFgGaA", f[i])) return 0;
    s->conv = f[i];
    s->end = i + 1;
  }
  return found;
}

/* Output goes through this twice: counting (p == NULL), then writing. */
struct out {
  char *p;
  size_t n;
};

static void put(struct out *o, char c) {
  if (o->p) o->p[o->n] = c;
  o->n++;
}
static void put_many(struct out *o, char c, long k) {
  for (; k > 0; k--) put(o, c);
}
/* Literal text of the format, "%%" standing for '%'. */
static void put_literal(struct out *o, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '%' && i + 1 < len && s[i + 1] == '%') i++;
    put(o, s[i]);
  }
}

/* The i-th digit of the expansion; zeros on both sides. */
static char digit_at(const struct uc_decimal *x, long i) {
  return i >= 0 && i < x->ndigits ? x->digits[i] : '0';
}

/* ddd.fff with `frac` fraction digits. */
static void put_fixed(struct out *o, const struct uc_decimal *x, long frac, int dot) {
  if (x->point <= 0) put(o, '0');
  for (long i = 0; i < x->point; i++) put(o, digit_at(x, i));
  if (dot) put(o, '.');
  for (long i = 0; i < frac; i++) put(o, digit_at(x, x->point + i));
}

/* d.fffe+XX with `frac` fraction digits and at least two exponent digits. */
static void put_exponent(struct out *o, const struct uc_decimal *x, long frac, int dot,
                         int upper) {
  put(o, x->digits[0]);
  if (dot) put(o, '.');
  for (long i = 1; i <= frac; i++) put(o, digit_at(x, i));
  put(o, upper ? 'E' : 'e');
  int e = x->digits[0] == '0' ? 0 : x->point - 1;
  put(o, e < 0 ? '-' : '+');
  char buf[8];
  int n = 0;
  for (unsigned u = (unsigned)(e < 0 ? -e : e); u != 0 || n < 2; u /= 10)
    buf[n++] = (char)('0' + u % 10);
  while (n > 0) put(o, buf[--n]);
}

static long min_long(long a, long b) { return a < b ? a : b; }

/* %g: %e if the exponent is below -4 or not below the precision, else %f;
 * without '#', trailing zeros of the fraction (and a bare point) go. */
static void put_general(struct out *o, const struct uc_decimal *x, long prec, int alt, int upper,
                        int bare_point) {
  long e = x->digits[0] == '0' ? 0 : x->point - 1;
  if (bare_point) {
    put_exponent(o, x, 0, 1, upper);
  } else if (e >= -4 && e < prec) {
    long frac = prec - 1 - e;
    if (!alt) frac = min_long(frac, x->ndigits - x->point > 0 ? x->ndigits - x->point : 0);
    put_fixed(o, x, frac, frac > 0 || alt);
  } else {
    long frac = prec - 1;
    if (!alt) frac = min_long(frac, x->ndigits - 1);
    put_exponent(o, x, frac, frac > 0 || alt, upper);
  }
}

/* The number without sign, rounded as the conversion asks. */
static void put_body(struct out *o, const struct float_spec *s, const struct uc_decimal *x,
                     double d) {
  int upper = s->conv >= 'A' && s->conv <= 'Z';
  long prec = s->precision < 0 ? 6 : s->precision;
  if (!isfinite(d)) {
    const char *w = isnan(d) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    while (*w) put(o, *w++);
  } else if (s->conv == 'f' || s->conv == 'F') {
    put_fixed(o, x, prec, prec > 0 || s->alt);
  } else if (s->conv == 'e' || s->conv == 'E') {
    put_exponent(o, x, prec, prec > 0 || s->alt, upper);
  } else {
    put_general(o, x, prec == 0 ? 1 : prec, s->alt, upper, s->bare_point);
  }
}

static void put_conversion(struct out *o, const struct float_spec *s, const struct uc_decimal *x,
                           double d) {
  char sign = signbit(d) ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
  struct out count = {NULL, 0};
  put_body(&count, s, x, d);
  long pad = s->width - (long)count.n - (sign != 0);
  int zeros = s->zero && !s->left && isfinite(d);
  if (!s->left && !zeros) put_many(o, ' ', pad);
  if (sign) put(o, sign);
  if (zeros) put_many(o, '0', pad);
  put_body(o, s, x, d);
  if (s->left) put_many(o, ' ', pad);
}

/* Rounds the expansion where the conversion will cut it.
 * glibc quirk reproduced: with %#g, a number of P integer digits that
 * rounds up to 10^P keeps no fraction digits ("1.e+06", not "1.00000e+06"),
 * as glibc settles the fraction width before rounding. */
static void round_for(struct float_spec *s, struct uc_decimal *x) {
  long prec = s->precision < 0 ? 6 : s->precision;
  if (s->conv == 'f' || s->conv == 'F') {
    uc_decimal_round(x, (int)min_long(x->point + prec, MAX_FIELD));
  } else if (s->conv == 'e' || s->conv == 'E') {
    uc_decimal_round(x, (int)(prec + 1));
  } else {
    int point_before = x->point;
    if (prec == 0) prec = 1;
    uc_decimal_round(x, (int)prec);
    s->bare_point = s->alt && point_before == prec && x->point == prec + 1;
  }
}

static void put_all(struct out *o, const char *f, size_t len, const struct float_spec *s,
                    const struct uc_decimal *x, double d) {
  put_literal(o, f, s->start);
  put_conversion(o, s, x, d);
  put_literal(o, f + s->end, len - s->end);
}

/* %a is left to the C library (OCaml's Printf never produces it). */
static value format_hex_with_libc(const char *cfmt, double d) {
  int n = snprintf(NULL, 0, cfmt, d);
  if (n < 0) uc_invalid_argument("format_float");
  value res = uc_alloc_string((mlsize_t)n);
  /* The byte after the contents is padding, so the NUL fits. */
  snprintf(string_ptr(res), (size_t)n + 1, cfmt, d);
  return res;
}

value uc_format_double(value fmt, double d) {
  char cfmt[MAX_FLOAT_FORMAT];
  struct float_spec spec;
  struct uc_decimal x;
  mlsize_t len = string_length(uc_string_arg(fmt));
  if (len >= sizeof cfmt) uc_invalid_argument("format_float");
  memcpy(cfmt, string_ptr(fmt), len);
  cfmt[len] = 0;
  if (strlen(cfmt) != len || !find_float_spec(cfmt, len, &spec))
    uc_invalid_argument("format_float");
  if (isfinite(d) && (spec.conv == 'a' || spec.conv == 'A')) return format_hex_with_libc(cfmt, d);
  if (isfinite(d)) {
    uc_decimal_of_double(d, &x);
    round_for(&spec, &x);
  }
  struct out o = {NULL, 0};
  put_all(&o, cfmt, len, &spec, &x, d);
  value res = uc_alloc_string(o.n);
  o.p = string_ptr(res);
  o.n = 0;
  put_all(&o, cfmt, len, &spec, &x, d);
  return res;
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

static value hex_non_finite(const char *sign, int is_nan) {
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

static int lower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Case-insensitive match of `word` at *p, which advances past it. */
static int skip_word(const char **p, const char *end, const char *word) {
  const char *q = *p;
  for (; *word; word++, q++)
    if (q >= end || lower(*q) != *word) return 0;
  *p = q;
  return 1;
}

/* A quiet nan whose payload is the number between the parentheses of
 * "nan(...)" when all of it reads as one (strtoull, base 0). */
static double nan_with_payload(const char *p, const char *end, int negative) {
  uint64_t bits = 0x7FF8000000000000u;
  char *stop;
  unsigned long long payload = strtoull(p, &stop, 0);
  if (stop == end && p != end) bits |= payload & 0x0007FFFFFFFFFFFFu;
  if (negative) bits |= (uint64_t)1 << 63;
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* "inf", "infinity", "nan" and "nan(chars)", any case, as glibc's strtod
 * reads them (not all C libraries do).  `p` is past blanks and sign. */
static int parse_non_finite(const char *p, const char *end, int negative, double *out) {
  if (skip_word(&p, end, "inf")) {
    skip_word(&p, end, "inity");
    *out = negative ? -HUGE_VAL : HUGE_VAL;
    return p == end ? 0 : -1;
  }
  if (!skip_word(&p, end, "nan")) return -1;
  if (p == end) {
    *out = nan_with_payload(p, p, negative);
    return 0;
  }
  if (*p != '(' || end[-1] != ')') return -1;
  for (const char *q = p + 1; q < end - 1; q++)
    if (!(is_digit(*q) || (lower(*q) >= 'a' && lower(*q) <= 'z') || *q == '_')) return -1;
  /* strtoull must stop at the ')': read a copy without it. */
  char payload[64];
  size_t n = (size_t)(end - 1 - (p + 1));
  if (n >= sizeof payload) n = sizeof payload - 1;
  memcpy(payload, p + 1, n);
  payload[n] = 0;
  *out = nan_with_payload(payload, payload + n, negative);
  return 0;
}

/* Hexadecimal literals and the names of non-finite values go through our
 * own parsers (C libraries differ on them); decimal numbers to strtod. */
static int parse_without_underscores(const char *buf, const char *end, double *out) {
  const char *p = buf;
  int negative = 0;
  if (*p == '-' || *p == '+') negative = (*p++ == '-');
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    if (parse_hex_float(p + 2, end, out) != 0) return -1;
    if (negative) *out = -*out;
    return 0;
  }
  /* strtod skips blanks before the sign. */
  p = buf;
  while (is_space(*p)) p++;
  negative = 0;
  if (*p == '-' || *p == '+') negative = (*p++ == '-');
  if (lower(*p) == 'i' || lower(*p) == 'n') return parse_non_finite(p, end, negative, out);
  char *stop;
  *out = strtod(buf, &stop);
  return stop == end ? 0 : -1;
}

double uc_parse_double(value s) {
  char local[64];
  mlsize_t len = string_length(uc_string_arg(s));
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
