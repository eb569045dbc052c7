/* numfmt_int.c: printf-style formatting and parsing of integer literals. */
#include "numfmt.h"
#include "gc.h"
#include "fail.h"
#include "prim.h"

/* ---- Formatting ----
 *
 * ocamlrun copies the OCaml format into a C printf format, replacing a size
 * letter (l, n or L) before the last character by the C length of the
 * argument, or inserting that length before the last character, and hands
 * the result to sprintf with the one integer argument.  Here that C format
 * is interpreted by hand: literal text, %% and one integer conversion.
 * What C leaves undefined (other conversions, a second one, '*', lengths
 * wider than the argument) raises Invalid_argument instead. */

/* ocamlrun builds the C format in a 32-byte buffer. */
#define OCAMLRUN_FORMAT_BUFFER 32
/* Widths and precisions beyond this are clamped; the allocation fails. */
#define MAX_FIELD ((size_t)1 << 28)

struct int_spec {
  int left, plus, space, alt, zero;
  size_t width;
  long precision; /* -1: not given */
  int length_bits; /* the C type the conversion reads: int is 32 bits */
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

/* Literal text of the C format before and after the integer conversion. */
struct format_text {
  char before[OCAMLRUN_FORMAT_BUFFER], after[OCAMLRUN_FORMAT_BUFFER];
  size_t before_len, after_len;
  int has_conversion;
};

static noreturn void bad_format(void) {
  uc_invalid_argument("format_int: unsupported format");
}

static size_t read_number(const char **pp) {
  size_t n = 0;
  const char *p = *pp;
  for (; *p >= '0' && *p <= '9'; p++) {
    n = n * 10 + (size_t)(*p - '0');
    if (n > MAX_FIELD) n = MAX_FIELD;
  }
  *pp = p;
  return n;
}

static const char *parse_flags(const char *p, struct int_spec *s) {
  for (;; p++) {
    if (*p == '-') s->left = 1;
    else if (*p == '+') s->plus = 1;
    else if (*p == ' ') s->space = 1;
    else if (*p == '#') s->alt = 1;
    else if (*p == '0') s->zero = 1;
    else if (*p != '\'') return p;   /* grouping: nothing in the C locale */
  }
}

/* At most one C length modifier; returns the width in bits it reads. */
static const char *parse_length(const char *p, int *bits) {
  switch (*p) {
  case 'h':
    if (p[1] == 'h') { *bits = 8; return p + 2; }
    *bits = 16; return p + 1;
  case 'l':
    if (p[1] == 'l') { *bits = 64; return p + 2; }
    *bits = (int)(8 * sizeof(long)); return p + 1;
  case 'q': case 'L': case 'j': *bits = 64; return p + 1;
  case 'z': case 't': *bits = (int)(8 * sizeof(size_t)); return p + 1;
  default: *bits = 32; return p;
  }
}

/* Parses one conversion after its '%'; returns the character after it. */
static const char *parse_conversion(const char *p, struct int_spec *s) {
  memset(s, 0, sizeof *s);
  s->precision = -1;
  p = parse_flags(p, s);
  s->width = read_number(&p);
  if (*p == '.') {
    p++;
    s->precision = (long)read_number(&p);
  }
  p = parse_length(p, &s->length_bits);
  s->conv = *p;
  if (*p == '\0') bad_format();
  return p + 1;
}

static int is_integer_conversion(char c) {
  return c == 'd' || c == 'i' || c == 'u' || c == 'o' || c == 'x' || c == 'X';
}

/* Splits the C format into its text and its integer conversion, if any. */
static void parse_c_format(const char *p, struct format_text *t, struct int_spec *spec) {
  memset(t, 0, sizeof *t);
  for (;;) {
    char *text = t->has_conversion ? t->after : t->before;
    size_t *len = t->has_conversion ? &t->after_len : &t->before_len;
    if (*p == '\0') return;
    if (*p != '%') { text[(*len)++] = *p++; continue; }
    struct int_spec s;
    p = parse_conversion(p + 1, &s);
    if (s.conv == '%') { text[(*len)++] = '%'; continue; }  /* glibc ignores its spec */
    if (!is_integer_conversion(s.conv) || t->has_conversion) bad_format();
    *spec = s;
    t->has_conversion = 1;
  }
}

/* ocamlrun's rewriting of the OCaml format, into `out` (NUL-terminated). */
static void build_c_format(value fmt, const char *c_length, char out[OCAMLRUN_FORMAT_BUFFER]) {
  mlsize_t len = string_length(fmt);
  size_t length_len = strlen(c_length);
  if (len + length_len + 1 >= OCAMLRUN_FORMAT_BUFFER)
    uc_invalid_argument("format_int: format too long");
  if (len == 0) bad_format();
  const char *src = string_ptr(fmt);
  size_t keep = len - 1;
  if (len >= 2 && (src[len - 2] == 'l' || src[len - 2] == 'n' || src[len - 2] == 'L')) keep--;
  memcpy(out, src, keep);
  memcpy(out + keep, c_length, length_len);
  out[keep + length_len] = src[len - 1];
  out[keep + length_len + 1] = '\0';
  /* An embedded NUL ends the C format there, as for sprintf. */
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
  int is_signed = s->conv == 'd' || s->conv == 'i';
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

/* The conversion reads the low `length_bits` bits of the argument, which
 * is what passing a wider integer to a narrower conversion does on the
 * little-endian targets ocamlrun runs on. */
static void lay_out_argument(const struct int_spec *s, int arg_bits, uint64_t arg,
                             struct int_layout *l) {
  if (s->length_bits > arg_bits) bad_format();
  int shift = 64 - s->length_bits;
  uint64_t u = (arg << shift) >> shift;
  int64_t v = (int64_t)(u << shift) >> shift;  /* arithmetic on every target compiler */
  lay_out(s, v, u, l);
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

value uc_format_integer(value fmt, const char *c_length, int arg_bits,
                        int64_t sval, uint64_t uval) {
  char c_format[OCAMLRUN_FORMAT_BUFFER];
  uc_string_arg(fmt);
  build_c_format(fmt, c_length, c_format);
  char last = string_ptr(fmt)[string_length(fmt) - 1];
  uint64_t arg = is_integer_conversion(last) && last != 'd' && last != 'i' ? uval : (uint64_t)sval;
  struct format_text text;
  struct int_spec spec = {0};
  struct int_layout layout = {0};
  parse_c_format(c_format, &text, &spec);
  if (text.has_conversion) lay_out_argument(&spec, arg_bits, arg, &layout);
  size_t n = layout_length(&layout);
  value res = uc_alloc_string(text.before_len + n + text.after_len);
  char *dst = string_ptr(res);
  memcpy(dst, text.before, text.before_len);
  layout_write(&layout, dst + text.before_len);
  memcpy(dst + text.before_len + n, text.after, text.after_len);
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
  uc_string_arg(s);
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
