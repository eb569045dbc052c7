/* vm.h: the entry points a port's main() uses. */
#ifndef UC_VM_H
#define UC_VM_H

#include <stddef.h>

struct uc_settings {
  size_t heap_bytes;      /* hard limit of the heap (nursery + major) */
  size_t stack_words;     /* VM stack; Stack_overflow beyond it */
  int backtrace;          /* OCAMLRUNPARAM=b */
  /* The image's global data prebuilt in read-only memory, 32-bit layout
   * (tools/static-data.py): its root block, and the area of its blocks.
   * NULL: the DATA section is unmarshalled into the heap. */
  const void *static_root;
  const void *static_start, *static_end;
};

/* Defaults from config.h, then OCAMLRUNPARAM / UCAML_HEAP / UCAML_STACK. */
void uc_default_settings(struct uc_settings *s);
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
