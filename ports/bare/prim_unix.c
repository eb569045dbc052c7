/* prim_unix.c: the few unix_* primitives the boards have (ports/bare: every
 * bare-metal port).
 *
 * A board has no processes, files or sockets of its own: every other
 * unix_* primitive is the core's fallback (vm/unix_fallback.c), raising
 * Unix_error(ENOSYS, name, "") at the call.  What is here needs no system:
 * the clocks through the port's wall clock, and the address conversions
 * (pure computation; the Unix module converts addresses as it
 * initialises). */
#include <stdio.h>
#include <string.h>
#include "prim.h"
#include "unix_error.h"

PRIM value unix_time(value unit) {
  double t = port_time();
  return uc_copy_double((double)(int64_t)t);
}

PRIM value unix_gettimeofday(value unit) {
  /* Microseconds, as gettimeofday gives. */
  double t = port_time();
  return uc_copy_double((double)(int64_t)(t * 1e6) / 1e6);
}

PRIM value unix_error_message(value err) {
  if (!is_block(err) && long_val(err) == UC_UNIX_ENOSYS) return uc_copy_string("Function not implemented");
  char buf[40];
  snprintf(buf, sizeof buf, "Unix error %ld", is_block(err) ? (long)long_val(field(err, 0)) : (long)long_val(err));
  return uc_copy_string(buf);
}

/* ---- addresses: dotted quads and IPv6 text ---- */

static int parse_ipv4(const char *s, unsigned char out[4]) {
  for (int i = 0; i < 4; i++) {
    if (*s < '0' || *s > '9') return 0;
    unsigned n = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
      n = n * 10 + (unsigned)(*s++ - '0');
      if (++digits > 3 || n > 255) return 0;
    }
    out[i] = (unsigned char)n;
    if (i < 3 && *s++ != '.') return 0;
  }
  return *s == 0;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int parse_ipv6(const char *s, unsigned char out[16]) {
  unsigned char words[16];
  int n = 0, gap = -1;   /* bytes parsed; where "::" stands */
  if (s[0] == ':') {
    if (s[1] != ':') return 0;
    gap = 0;
    s += 2;
  }
  while (*s) {
    if (n >= 16) return 0;
    const char *start = s;
    unsigned w = 0;
    int digits = 0, d;
    while ((d = hex_digit(*s)) >= 0) {
      w = w * 16 + (unsigned)d;
      if (++digits > 4) return 0;
      s++;
    }
    if (*s == '.') {   /* a trailing dotted quad */
      if (n > 12 || !parse_ipv4(start, words + n)) return 0;
      n += 4;
      break;
    }
    if (digits == 0) return 0;
    words[n++] = (unsigned char)(w >> 8);
    words[n++] = (unsigned char)w;
    if (*s == 0) break;
    if (*s++ != ':') return 0;
    if (*s == ':') {
      if (gap >= 0) return 0;
      gap = n;
      s++;
    } else if (*s == 0) {
      return 0;
    }
  }
  if (gap < 0 ? n != 16 : n > 14) return 0;
  memset(out, 0, 16);
  if (gap < 0) gap = n;
  memcpy(out, words, (size_t)gap);
  memcpy(out + 16 - (n - gap), words + gap, (size_t)(n - gap));
  return 1;
}

PRIM value unix_inet_addr_of_string(value s) {
  unsigned char buf[16];
  const char *p = string_ptr(s);
  if (memchr(p, 0, string_length(s)) == NULL) {
    if (parse_ipv4(p, buf)) return uc_copy_bytes(buf, 4);
    if (parse_ipv6(p, buf)) return uc_copy_bytes(buf, 16);
  }
  uc_failwith("inet_addr_of_string");
}

/* The usual text: the longest run of two or more zero words (the first of
 * equal ones) as "::", and IPv4-mapped or -compatible addresses ending in
 * a dotted quad. */
PRIM value unix_string_of_inet_addr(value a) {
  const unsigned char *b = (const unsigned char *)string_ptr(a);
  char out[64];
  if (string_length(a) != 16) {
    snprintf(out, sizeof out, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return uc_copy_string(out);
  }
  unsigned w[8];
  for (int i = 0; i < 8; i++) w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) { i++; continue; }
    int j = i;
    while (j < 8 && w[j] == 0) j++;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  if (best_len < 2) best = -1;
  size_t n = 0;
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      out[n++] = ':';
      if (i + best_len == 8) out[n++] = ':';
      i += best_len - 1;
      continue;
    }
    if (i > 0) out[n++] = ':';
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 7 && w[7] != 1) || (best_len == 5 && w[5] == 0xffff))) {
      n += (size_t)snprintf(out + n, sizeof out - n, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
      break;
    }
    n += (size_t)snprintf(out + n, sizeof out - n, "%x", w[i]);
  }
  out[n] = 0;
  return uc_copy_string(out);
}
