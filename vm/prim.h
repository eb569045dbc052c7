/* prim.h: what a primitive's file includes.
 *
 * A primitive is a C function taking and returning values, defined with the
 * PRIM marker at the start of the line:
 *
 *   PRIM value caml_string_length(value s) { ... }
 *
 * tools/gen_prims.sh collects every `PRIM value NAME(` in vm/prim_*.c and in
 * the port's own prim_*.c (ports/unix: the Unix library) into
 * the one primitive table (build/.../primtable.h), sorted by name; the loader
 * binds the names a bytecode file lists to it.  Primitives with more than five
 * arguments take (value *argv, int argc). */
#ifndef UC_PRIM_H
#define UC_PRIM_H

#include "value.h"
#include "gc.h"
#include "fail.h"
#include "custom.h"
#include "port.h"
#include "config.h"

#define PRIM

typedef value (*uc_prim)();

/* A primitive's argument that must be a string (or bytes): an ill-typed
 * value raises Invalid_argument instead of being read as one
 * (docs/robustness.md). */
static inline value uc_string_arg(value s) {
  if (!is_block(s) || !uc_in_value_area(s) || tag_val(s) != STRING_TAG)
    uc_invalid_argument("ill-typed value: not a string");
  return s;
}

/* Calling OCaml from C (finalisers, at_exit, printers).  Exceptions
 * propagate to the caller's handler unless the _exn variant is used, which
 * returns the exception with is_exception_result() true. */
value uc_callback(value closure, value arg);
value uc_callback2(value closure, value arg1, value arg2);
value uc_callbackN(value closure, int narg, value args[]);
value uc_callback_exn(value closure, value arg);
value uc_callbackN_exn(value closure, int narg, value args[]);
#define make_exception_result(v) ((v) | 2)
#define is_exception_result(v) (((v) & 3) == 2)
#define extract_exception(v) ((v) & ~3)

/* Values registered by OCaml with Callback.register. */
value *uc_named_value(const char *name);

/* The program's command line (Sys.argv) and name (Sys.executable_name). */
extern int uc_argc;
extern char **uc_argv;
extern const char *uc_exe_name;

/* The global data of the program (predefined exceptions first). */
extern value uc_global_data;

#endif
