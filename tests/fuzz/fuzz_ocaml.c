/* fuzz_ocaml.c: libFuzzer harnesses that hand the input, as an OCaml
 * string, to a function of an OCaml program compiled with the stock ocamlc:
 * driver.ml (named by UCAML_FUZZ_PROG) or, for "http", http.ml (named by
 * UCAML_FUZZ_HTTP; FUZZ_PROG_VAR says which variable).  FUZZ_ENTRY, set at
 * compile time, names the function: "unmarshal" (Marshal.from_string and
 * what is done with its result), "numbers" (float_of_string,
 * int_of_string, ...), "scanf", "http" (a connection to cohttp's server).
 * The program catches the exceptions the input may rightly raise; any
 * other one, or a crash of the VM, is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_common.h"
#include "interp.h"
#include "loader.h"
#include "vm.h"

void uc_format_exception(value exn, char *buf, size_t cap);   /* vm.c */

#ifndef FUZZ_ENTRY
#error "FUZZ_ENTRY must name the driver's function"
#endif
#ifndef FUZZ_PROG_VAR
#define FUZZ_PROG_VAR "UCAML_FUZZ_PROG"
#endif

static value *entry;

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n == cap) {
      cap = cap ? 2 * cap : 1 << 16;
      buf = realloc(buf, cap);
      if (buf == NULL) abort();
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *path = getenv(FUZZ_PROG_VAR);
  size_t len;
  unsigned char *file = path ? read_file(path, &len) : NULL;
  if (file == NULL) {
    fprintf(stderr, "fuzz: set %s to the compiled OCaml program\n", FUZZ_PROG_VAR);
    exit(1);
  }
  void *block;   /* kept: the program runs from it */
  unsigned char *image = fuzz_aligned_image(file, len, &block);
  free(file);
  struct uc_image img;
  char err[200];
  if (!uc_parse_image(image, len, &img, err, sizeof err)) {
    fprintf(stderr, "fuzz: %s: %s\n", path, err);
    exit(1);
  }
  fuzz_vm_init();
  if (!uc_load_program(&img, path) || !uc_interp_init(FUZZ_STACK_WORDS)) exit(1);
  /* The toplevel registers the driver's functions. */
  value res = uc_interpret(uc_prog.code, 1);
  if (is_exception_result(res)) {
    fprintf(stderr, "fuzz: the driver raised an exception at start-up\n");
    exit(1);
  }
  entry = uc_named_value(FUZZ_ENTRY);
  if (entry == NULL) {
    fprintf(stderr, "fuzz: the driver has no function %s\n", FUZZ_ENTRY);
    exit(1);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  value s = uc_copy_bytes(data, size);
  value res = uc_callback_exn(*entry, s);
  if (is_exception_result(res)) {
    char msg[1024];
    uc_format_exception(extract_exception(res), msg, sizeof msg);
    fprintf(stderr, "fuzz: uncaught exception %s\n", msg);
    abort();
  }
  return 0;
}
