/* numfmt_int.c: printf-style formatting and parsing of integer literals. */
#include "numfmt.h"
#include "gc.h"
#include "fail.h"

/* ---- Formatting ---- */

/* ocamlrun builds the C format in a 32-byte buffer. */
#define OCAMLRUN_FORMAT_BUFFER 32
/* Widths and precisions beyond this are clamped; the allocation fails. */
#define MAX_FIELD ((size_t)1 << 28)

struct int_spec {
  int left, plus, space, alt, zero;
  size_t width;
  long precision; /* -1: not given */
  char conv;
};

/* The text of one formatted integer: spaces, prefix, zeros, digits. */
struct int_layout {
  char prefix[3];
  int prefix_len;
  char digits[24];      /* enough for 64 bits in octal */
  int ndigits;
  size_t zeros;         /* leading zeros between prefix and digits */
  size_t pad;           /* spaces to reach the width */
  int pad_right;
};

static size_t read_number(const char **pp, const char *end) {
  size_t n = 0;
  const char *p = *pp;
  for (; p < end && *p >= '0' && *p <= '9'; p++) {
    n = n * 10 + (size_t)(*p - '0');
    if (n > MAX_FIELD) n = MAX_FIELD;
  }
  *pp = p;
  return n;
}

static void parse_int_spec(const char *p, const char *end, struct int_spec *s) {
  memset(s, 0, sizeof *s);
  s->precision = -1;
  if (p < end && *p == '%') p++;
  for (; p < end; p++) {
    if (*p == '-') s->left = 1;
    else if (*p == '+') s->plus = 1;
    else if (*p == ' ') s->space = 1;
    else if (*p == '#') s->alt = 1;
    else if (*p == '0') s->zero = 1;
    else break;
  }
  s->width = read_number(&p, end);
  if (p < end && *p == '.') {
    p++;
    s->precision = (long)read_number(&p, end);
  }
}

static int to_digits(uint64_t u, unsigned base, int upper, char *out) {
  const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = set[u % base];
    u /= base;
  } while (u != 0);
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

static void lay_out(const struct int_spec *s, int64_t sval, uint64_t uval,
                    struct int_layout *l) {
  int is_signed = !(s->conv == 'u' || s->conv == 'o' || s->conv == 'x' || s->conv == 'X');
  unsigned base = (s->conv == 'o') ? 8 : (s->conv == 'x' || s->conv == 'X') ? 16 : 10;
  uint64_t mag = uval;
  memset(l, 0, sizeof *l);
  if (is_signed) {
    mag = sval < 0 ? 0 - (uint64_t)sval : (uint64_t)sval;
    if (sval < 0) l->prefix[l->prefix_len++] = '-';
    else if (s->plus) l->prefix[l->prefix_len++] = '+';
    else if (s->space) l->prefix[l->prefix_len++] = ' ';
  }
  /* Precision 0 with a zero value prints no digits at all. */
  if (!(s->precision == 0 && mag == 0))
    l->ndigits = to_digits(mag, base, s->conv == 'X', l->digits);
  size_t min_digits = s->precision < 0 ? 1 : (size_t)s->precision;
  if ((size_t)l->ndigits < min_digits) l->zeros = min_digits - (size_t)l->ndigits;
  if (s->alt && base == 8 && l->zeros == 0 && (l->ndigits == 0 || l->digits[0] != '0'))
    l->zeros = 1;
  if (s->alt && base == 16 && mag != 0) {
    l->prefix[l->prefix_len++] = '0';
    l->prefix[l->prefix_len++] = s->conv;
  }
  size_t body = (size_t)l->prefix_len + l->zeros + (size_t)l->ndigits;
  if (s->width > body) {
    if (s->zero && !s->left && s->precision < 0) l->zeros += s->width - body;
    else l->pad = s->width - body;
  }
  l->pad_right = s->left;
}

static size_t layout_length(const struct int_layout *l) {
  return l->pad + (size_t)l->prefix_len + l->zeros + (size_t)l->ndigits;
}

static void layout_write(const struct int_layout *l, char *dst) {
  if (!l->pad_right) { memset(dst, ' ', l->pad); dst += l->pad; }
  memcpy(dst, l->prefix, (size_t)l->prefix_len); dst += l->prefix_len;
  memset(dst, '0', l->zeros); dst += l->zeros;
  memcpy(dst, l->digits, (size_t)l->ndigits); dst += l->ndigits;
  if (l->pad_right) memset(dst, ' ', l->pad);
}

value uc_format_integer(value fmt, int size_suffix_len, int64_t sval, uint64_t uval) {
  mlsize_t len = string_length(fmt);
  if (len + (mlsize_t)size_suffix_len + 1 >= OCAMLRUN_FORMAT_BUFFER)
    uc_invalid_argument("format_int: format too long");
  const char *p = string_ptr(fmt), *end = p + len;
  const char *spec_end = end;
  /* The conversion letter is last; a size letter before it is dropped. */
  if (len >= 2 && (end[-2] == 'l' || end[-2] == 'n' || end[-2] == 'L')) spec_end = end - 2;
  else if (len >= 1) spec_end = end - 1;
  struct int_spec spec;
  parse_int_spec(p, spec_end, &spec);
  spec.conv = len >= 1 ? end[-1] : 'd';
  struct int_layout layout;
  lay_out(&spec, sval, uval, &layout);
  value res = uc_alloc_string(layout_length(&layout));
  layout_write(&layout, string_ptr(res));
  return res;
}

/* ---- Parsing ---- */

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads [+-] and a 0x/0o/0b/0u prefix.  Prefixed literals are unsigned. */
static const char *parse_sign_base(const char *p, const char *end, int *negative,
                                   unsigned *base, int *is_signed) {
  *negative = 0;
  if (p < end && (*p == '-' || *p == '+')) *negative = (*p++ == '-');
  *base = 10;
  *is_signed = 1;
  if (end - p >= 2 && p[0] == '0') {
    char c = p[1];
    if (c == 'x' || c == 'X') *base = 16;
    else if (c == 'o' || c == 'O') *base = 8;
    else if (c == 'b' || c == 'B') *base = 2;
    else if (c != 'u' && c != 'U') return p;
    *is_signed = 0;
    p += 2;
  }
  return p;
}

uint64_t uc_parse_integer(value s, int nbits, const char *errmsg) {
  const char *p = string_ptr(s), *end = p + string_length(s);
  int negative, is_signed;
  unsigned base;
  p = parse_sign_base(p, end, &negative, &base, &is_signed);
  /* The first character must be a digit (no leading underscore). */
  if (p >= end || digit_value(*p) < 0 || (unsigned)digit_value(*p) >= base)
    uc_failwith(errmsg);
  uint64_t limit = UINT64_MAX / base, res = 0;
  for (; p < end; p++) {
    if (*p == '_') continue;
    int d = digit_value(*p);
    if (d < 0 || (unsigned)d >= base) break;
    if (res > limit) uc_failwith(errmsg);
    res = res * base + (unsigned)d;
    if (res < (unsigned)d) uc_failwith(errmsg);
  }
  if (p != end) uc_failwith(errmsg);
  uint64_t half = (uint64_t)1 << (nbits - 1);
  if (is_signed) {
    if (negative ? res > half : res >= half) uc_failwith(errmsg);
  } else if (nbits < 64 && res >= half * 2) {
    uc_failwith(errmsg);
  }
  return negative ? 0 - res : res;
}
