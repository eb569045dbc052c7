/* unix_prims.h: what the host's unix_* primitives (prim_unix_*.c) share. */
#ifndef UC_UNIX_PRIMS_H
#define UC_UNIX_PRIMS_H

#include <stdnoreturn.h>
#include "prim.h"
#include "unix_error.h"

/* Unix.error for an errno value, and back. */
value uc_unix_error_of_errno(int err);
int uc_unix_errno_of_error(value err);
/* Unix_error(<errno err>, fn, arg); arg VAL_UNIT for "". */
noreturn void uc_unix_error(int err, const char *fn, value arg);
/* The same with errno. */
noreturn void uc_unix_fail(const char *fn, value arg);
/* A path with a NUL byte names no file: ENOENT, as ocamlrun says. */
void uc_unix_check_path(value path, const char *fn);

/* OCaml's signal numbers (Sys.sigxxx, negative) and the system's. */
int uc_unix_signal_of_ocaml(intnat sig);
intnat uc_unix_signal_to_ocaml(int sig);

/* A list of constant constructors as a bit set, through a table. */
int uc_unix_flags(value list, const int *table, int count);

/* stat results, shared by files (stat) and nothing else yet. */
value uc_unix_alloc_int_list(const int *xs, int n);

#endif
