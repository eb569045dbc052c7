/* fuzz_load.c: libFuzzer harness for the bytecode loader.  The input is a
 * whole executable file: trailer and section table, primitive names, the
 * marshalled global data and the code, which the verifier checks.  Nothing
 * is run; every input must be either loaded or refused with a message. */
#include <stdint.h>
#include <stdlib.h>
#include "fuzz_common.h"
#include "interp.h"
#include "loader.h"
#include "port.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_vm_init();
  if (!uc_interp_init(FUZZ_STACK_WORDS)) abort();   /* nothing runs here */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  void *block;
  unsigned char *image = fuzz_aligned_image(data, size, &block);
  struct uc_image img;
  char err[200];
  if (uc_parse_image(image, size, &img, err, sizeof err)) {
    uc_load_program(&img, "fuzz");
    /* The tables of this load; the next input makes new ones. */
    port_free(uc_prog.prims);
    port_free(uc_prog.prim_names);
    uc_prog.prims = NULL;
    uc_prog.prim_names = NULL;
    uc_prog.nprims = 0;
  }
  if (uc_prog.code != uc_prog.code_section) port_free((void *)uc_prog.code);   /* threaded copy */
  uc_prog.code = uc_prog.code_section = NULL;
  uc_prog.code_words = 0;
  free(block);
  return 0;
}
