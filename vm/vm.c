/* vm.c: settings, start-up and the end of a program. */
#include <stdio.h>
#include <stdlib.h>
#include "vm.h"
#include "census.h"
#include "interp.h"
#include "loader.h"
#include "gc_internal.h"
#include "io.h"
#include "config.h"
#include "memprof.h"

int uc_argc;
char **uc_argv;
const char *uc_exe_name;

size_t uc_parse_size(const char *text) {
  char *end;
  if (text == NULL || *text == 0) return 0;
  unsigned long long n = strtoull(text, &end, 10);
  switch (*end) {
  case 'k': case 'K': n <<= 10; end++; break;
  case 'm': case 'M': n <<= 20; end++; break;
  case 'g': case 'G': n <<= 30; end++; break;
  default: break;
  }
  if (*end != 0 || n == 0 || n > (size_t)-1) return 0;
  return (size_t)n;
}

void uc_default_settings(struct uc_settings *s) {
  static const struct uc_gc_params ocamlrun_defaults = {
    .major_heap_increment = 15, .space_overhead = 120, .max_overhead = 500,
    .allocation_policy = 2, .window_size = 1, .custom_major_ratio = 44,
    .custom_minor_ratio = 100, .custom_minor_max_size = 8192,
  };
  s->heap_bytes = UC_DEFAULT_HEAP_BYTES;
  s->stack_words = UC_DEFAULT_STACK_WORDS;
  s->nursery_words = 0;
  s->backtrace = 0;
  s->parser_trace = 0;
  s->gc = ocamlrun_defaults;
  s->static_root = s->static_start = s->static_end = NULL;
  const char *param = port_getenv("OCAMLRUNPARAM");
  if (param == NULL) param = port_getenv("CAMLRUNPARAM");
  if (param != NULL) uc_parse_ocamlrunparam(param, s);
  size_t heap = uc_parse_size(port_getenv("UCAML_HEAP"));
  if (heap) s->heap_bytes = heap;
  size_t stack = uc_parse_size(port_getenv("UCAML_STACK"));
  if (stack) s->stack_words = stack / WORD_BYTES;
}

/* ---- uncaught exceptions ---- */
static int is_special_exception(value tag) {
  return tag == field(uc_global_data, EXN_MATCH_FAILURE) ||
         tag == field(uc_global_data, EXN_ASSERT_FAILURE) ||
         tag == field(uc_global_data, EXN_UNDEFINED_RECURSIVE_MODULE);
}

static void append(char *buf, size_t cap, size_t *len, const char *s) {
  while (*s && *len + 1 < cap) buf[(*len)++] = *s++;
  buf[*len] = 0;
}

/* The exception as ocamlrun prints it without Printexc. */
static int is_string(value v) {
  return is_block(v) && uc_in_value_area(v) && tag_val(v) == STRING_TAG;
}

/* An exception's constructor: a block whose first field is its name (an
 * ill-typed program may raise anything). */
static int is_constructor(value c) {
  return is_block(c) && uc_in_value_area(c) && tag_val(c) == OBJECT_TAG && wosize_val(c) >= 1 &&
         is_string(field(c, 0));
}

void uc_format_exception(value exn, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = 0;
  if (is_constructor(exn)) {
    append(buf, cap, &len, string_ptr(field(exn, 0)));
    return;
  }
  if (!is_block(exn) || !uc_in_value_area(exn) || tag_val(exn) != 0 || wosize_val(exn) < 1 ||
      !is_constructor(field(exn, 0))) {
    append(buf, cap, &len, "<ill-typed exception value>");
    return;
  }
  append(buf, cap, &len, string_ptr(field(field(exn, 0), 0)));
  value bucket = exn;
  mlsize_t start = 1;
  if (wosize_val(exn) == 2 && is_block(field(exn, 1)) && tag_val(field(exn, 1)) == 0 &&
      is_special_exception(field(exn, 0))) {
    bucket = field(exn, 1);
    start = 0;
  }
  append(buf, cap, &len, "(");
  for (mlsize_t i = start; i < wosize_val(bucket); i++) {
    if (i > start) append(buf, cap, &len, ", ");
    value v = field(bucket, i);
    if (is_long(v)) {
      char num[32];
      snprintf(num, sizeof num, "%ld", (long)long_val(v));
      append(buf, cap, &len, num);
    } else if (is_string(v)) {
      append(buf, cap, &len, "\"");
      append(buf, cap, &len, string_ptr(v));
      append(buf, cap, &len, "\"");
    } else {
      append(buf, cap, &len, "_");
    }
  }
  append(buf, cap, &len, ")");
}

void uc_print_exception_backtrace(void);

/* Both below are called once, after the program ends: kept out of line so
 * that their large buffers are not part of uc_run_image's frame, which stays
 * on the C stack for the whole run (2.7 KB of it on Xtensa otherwise). */
#if defined(__GNUC__)
#define UC_COLD __attribute__((noinline, cold))
#else
#define UC_COLD
#endif

UC_COLD static void fatal_uncaught_exception(value exn) {
  UC_ROOTS1(exn);
  uc_memprof_suspend();   /* a callback raising now would hide exn */
  value *handler = uc_named_value("Printexc.handle_uncaught_exception");
  if (handler != NULL) {
    value args[2] = {exn, VAL_FALSE};
    uc_callbackN_exn(*handler, 2, args);
  } else {
    char msg[1024];
    uc_format_exception(exn, msg, sizeof msg);
    int saved = uc_backtrace_active;
    uc_backtrace_active = 0;
    value *at_exit = uc_named_value("Pervasives.do_at_exit");
    if (at_exit != NULL) uc_callback_exn(*at_exit, VAL_UNIT);
    uc_backtrace_active = saved;
    char line[1100];
    int n = snprintf(line, sizeof line, "Fatal error: exception %s\n", msg);
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    uc_flush_all();
    port_write(2, line, (size_t)n);
    if (uc_backtrace_active) uc_print_exception_backtrace();
  }
  UC_UNROOT();
}

UC_COLD static void print_stats(void) {
  const char *want = port_getenv("UCAML_STATS");
  if (want == NULL || (want[0] != '1' && want[0] != '2')) return;
  if (uc_census_on) uc_census_print_heap();
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  char line[200];
  int n = snprintf(line, sizeof line,
                   "ucaml-stats: heap_high_water_bytes=%lu minor_collections=%lu major_collections=%lu\n",
                   (unsigned long)((s.top_heap_words + s.nursery_words) * WORD_BYTES),
                   (unsigned long)s.minor_collections, (unsigned long)s.major_collections);
  port_write(2, line, (size_t)n);
}

void uc_at_exit(void) { print_stats(); }

int uc_run_image(const unsigned char *image, size_t len, const char *name,
                 int argc, char **argv, const struct uc_settings *s) {
  struct uc_image img;
  char err[200];
  uint32_t probe = 1;
  if (*(unsigned char *)&probe != 1) {
    port_write(2, "ucaml: big-endian hosts are not supported\n", 42);
    return 2;
  }
  if (!uc_parse_image(image, len, &img, err, sizeof err)) {
    char msg[300];
    int n = snprintf(msg, sizeof msg, "ucaml: %s: %s\n", name, err);
    if (n > (int)sizeof msg - 1) n = (int)sizeof msg - 1;
    port_write(2, msg, (size_t)n);
    return 2;
  }
  if (!uc_gc_init(s->heap_bytes, s->nursery_words)) {
    port_write(2, "ucaml: cannot set up the heap\n", 30);
    return 2;
  }
  if (s->static_root != NULL) {
    img.static_root = s->static_root;
    uc_gc_static_area(s->static_start, s->static_end);
  }
  uc_argc = argc;
  uc_argv = argv;
  uc_exe_name = name;
  uc_backtrace_active = s->backtrace;
  uc_parser_trace = s->parser_trace;
  uc_gc_params_init(&s->gc);
  if (!uc_load_program(&img, name)) return 2;
  /* The stack comes after loading, so it can reuse the loader's memory. */
  if (!uc_interp_init(s->stack_words)) {
    port_write(2, "ucaml: cannot allocate the stack\n", 33);
    return 2;
  }
  const char *stats = port_getenv("UCAML_STATS");
  uc_census_on = stats != NULL && stats[0] == '2';
  uc_prog.image = image;   /* for primitives reading extra sections */
  uc_prog.image_len = len;
  value res = uc_interpret(uc_prog.code, 1);
  if (is_exception_result(res)) {
    fatal_uncaught_exception(extract_exception(res));
    print_stats();
    return 2;
  }
  print_stats();
  return 0;
}
