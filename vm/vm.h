/* vm.h: the entry points a port's main() uses. */
#ifndef UC_VM_H
#define UC_VM_H

#include <stddef.h>

/* ocamlrun's GC parameters that ucaml's collector does not use: set by
 * OCAMLRUNPARAM or Gc.set, reported back by Gc.get and
 * Sys.runtime_parameters as ocamlrun reports them. */
struct uc_gc_params {
  unsigned long major_heap_increment;  /* i */
  unsigned long space_overhead;        /* o */
  unsigned long verbose;               /* v */
  unsigned long max_overhead;          /* O */
  unsigned long allocation_policy;     /* a */
  unsigned long window_size;           /* w */
  unsigned long custom_major_ratio;    /* M */
  unsigned long custom_minor_ratio;    /* m */
  unsigned long custom_minor_max_size; /* n */
  unsigned long huge_pages, trace_level, runtime_warnings;  /* H t W */
};

struct uc_settings {
  size_t heap_bytes;      /* hard limit of the heap (nursery + major) */
  size_t stack_words;     /* VM stack; Stack_overflow beyond it */
  size_t nursery_words;   /* OCAMLRUNPARAM=s; 0: the port's default */
  int backtrace;          /* OCAMLRUNPARAM=b */
  int parser_trace;       /* OCAMLRUNPARAM=p */
  struct uc_gc_params gc;
  /* The image's global data prebuilt in read-only memory, 32-bit layout
   * (tools/static-data.py): its root block, and the area of its blocks.
   * NULL: the DATA section is unmarshalled into the heap. */
  const void *static_root;
  const void *static_start, *static_end;
};

/* Defaults from config.h, then OCAMLRUNPARAM / UCAML_HEAP / UCAML_STACK. */
void uc_default_settings(struct uc_settings *s);
/* A minor heap size as ocamlrun rounds it (OCAMLRUNPARAM=s, Gc.set). */
size_t uc_minor_heap_words(size_t words);
/* Applies an OCAMLRUNPARAM text (ocamlrun's grammar) to the settings. */
void uc_parse_ocamlrunparam(const char *text, struct uc_settings *s);
/* Parses sizes such as "64k", "2M", "1000"; 0 on error. */
size_t uc_parse_size(const char *text);

/* Loads the bytecode executable image[0..len) (read in place: it must stay
 * valid and unchanged while the program runs; it may be in read-only memory,
 * 4-byte aligned), then runs it with the given command line (argv[0] is the
 * program name).  Returns the program's exit status; malformed images give a
 * message on stderr naming `name` and status 2. */
/* What the VM does before the process ends by Stdlib.exit: the statistics
 * that UCAML_STATS=1 asks for. */
void uc_at_exit(void);

int uc_run_image(const unsigned char *image, size_t len, const char *name,
                 int argc, char **argv, const struct uc_settings *s);

#endif
