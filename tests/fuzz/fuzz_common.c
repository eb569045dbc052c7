/* fuzz_common.c: see fuzz_common.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>
#include "fuzz_common.h"
#include "gc_internal.h"
#include "interp.h"
#include "loader.h"

extern int uc_argc;
extern char **uc_argv;
extern const char *uc_exe_name;

unsigned char *fuzz_aligned_image(const unsigned char *data, size_t len, void **block) {
  unsigned char *buf = malloc(len + 8);
  if (buf == NULL) abort();
  memcpy(buf + 4, data, len);
  long code = uc_code_offset(buf + 4, len);
  size_t shift = code < 0 ? 0 : (size_t)((4 - (uintptr_t)(buf + 4 + code) % 4) % 4);
  if (shift != 0) memmove(buf + 4 + shift, buf + 4, len);
  *block = buf;
  return buf + 4 + shift;
}

void fuzz_vm_init(void) {
  static char *argv[] = {"fuzz", NULL};
  if (!uc_gc_init(FUZZ_HEAP_BYTES, 0)) {
    fprintf(stderr, "fuzz: cannot set up the VM\n");
    abort();
  }
  uc_argc = 1;
  uc_argv = argv;
  uc_exe_name = "fuzz";
}

/* The heap is mmap'd, which LeakSanitizer does not scan: without this, C
 * memory owned by custom blocks in the heap (bigarray data) would count as
 * leaked after every input.  The link wraps the port's function (see
 * fuzz.mk) so that the whole region is a root from the start. */
void *__real_port_heap_region(size_t want, size_t *got);
void *__wrap_port_heap_region(size_t want, size_t *got);
void *__wrap_port_heap_region(size_t want, size_t *got) {
  void *p = __real_port_heap_region(want, got);
  if (p != NULL) __lsan_register_root_region(p, *got);
  return p;
}
