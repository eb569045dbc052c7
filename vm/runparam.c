/* runparam.c: OCAMLRUNPARAM, read with ocamlrun's grammar.
 *
 * The text is a list of items separated by commas; empty items are
 * skipped.  An item is a letter, optionally followed by =N, where N is
 * decimal or 0x-hexadecimal with an optional k, M or G multiplier; a letter
 * alone means 1.  Unknown letters and anything after a value up to the next
 * comma are ignored.  ucaml uses b (backtraces), l (stack words), s
 * (nursery words) and p (parser trace); the other GC parameters are kept
 * for Gc.get; c, h and R mean nothing to ucaml. */
#include <stdlib.h>
#include "vm.h"

/* One step of ocamlrun's sscanf: a number in `base` at p, and the
 * character after it; nothing changes when no digit is there. */
static void scan_number(const char *p, int base, unsigned int *val, char *suffix) {
  char *end;
  unsigned long n = strtoul(p, &end, base);
  if (end == p) return;
  *val = (unsigned int)n;   /* scanf's %u keeps the low bits */
  if (*end != '\0') *suffix = *end;
}

/* The value of an item whose letter is just before p. */
static unsigned long item_value(const char *p) {
  unsigned int val = 1;
  char suffix = ' ';
  if (*p == '=') {
    scan_number(p + 1, 10, &val, &suffix);
    if (p[1] == '0' && p[2] == 'x') scan_number(p + 3, 16, &val, &suffix);
  }
  unsigned long n = val;
  switch (suffix) {
  case 'k': return n << 10;
  case 'M': return n << 20;
  case 'G': return n << 30;
  default: return n;
  }
}

/* ocamlrun's rule: at least 4096 words, at most 2^28, whole 4 KB pages. */
size_t uc_minor_heap_words(size_t words) {
  const size_t page_words = 4096 / sizeof(void *);
  if (words < 4096) words = 4096;
  if (words > ((size_t)1 << 28)) words = (size_t)1 << 28;
  return (words + page_words - 1) / page_words * page_words;
}

static unsigned long at_least_one(unsigned long n) { return n < 1 ? 1 : n; }

static void apply_item(char letter, unsigned long n, struct uc_settings *s) {
  struct uc_gc_params *gc = &s->gc;
  switch (letter) {
  case 'a': if (n <= 2) gc->allocation_policy = n; break;   /* others: unchanged */
  case 'b': s->backtrace = (int)n; break;   /* Sys.runtime_parameters shows it */
  case 'H': gc->huge_pages = n; break;
  case 'i': gc->major_heap_increment = n; break;
  case 'l': if (n > 0) s->stack_words = n; break;
  case 'M': gc->custom_major_ratio = at_least_one(n); break;
  case 'm': gc->custom_minor_ratio = at_least_one(n); break;
  case 'n': gc->custom_minor_max_size = n; break;
  case 'o': gc->space_overhead = at_least_one(n); break;
  case 'O': gc->max_overhead = n; break;
  case 'p': s->parser_trace = n != 0; break;
  case 's': s->nursery_words = uc_minor_heap_words(n); break;
  case 't': gc->trace_level = n; break;
  case 'v': gc->verbose = n; break;
  case 'w': gc->window_size = n < 1 ? 1 : n > 50 ? 50 : n; break;
  case 'W': gc->runtime_warnings = n; break;
  default: break;   /* c, h, R and unknown letters */
  }
}

void uc_parse_ocamlrunparam(const char *p, struct uc_settings *s) {
  while (*p != '\0') {
    char letter = *p++;
    if (letter == ',') continue;
    apply_item(letter, item_value(p), s);
    while (*p != '\0' && *p++ != ',') {}
  }
}
