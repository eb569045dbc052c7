/* unix_fallback.c: Unix_error, and the unix_* primitives a port lacks.
 *
 * A program linking the Unix library lists about 150 unix_* primitives,
 * whether it calls them or not.  Where the port provides none (a board) or
 * not that one, the loader binds the name to uc_unix_unavailable, so the
 * program loads and the call raises Unix_error(ENOSYS, name, "") as
 * ocamlrun does for a function the system lacks. */
#include <string.h>
#include "prim.h"
#include "interp.h"
#include "gc_internal.h"
#include "unix_error.h"

noreturn void uc_raise_unix_error(value err, const char *fn, value arg) {
  value *exn = uc_named_value("Unix.Unix_error");
  if (exn == NULL) uc_invalid_argument("Exception Unix.Unix_error not initialized, please link unix.cma");
  value name = VAL_UNIT, res;
  UC_ROOTS3(err, arg, name);
  name = uc_copy_string(fn);
  if (arg == VAL_UNIT) arg = uc_copy_string("");
  res = uc_alloc_small(4, 0);
  field(res, 0) = *exn;
  field(res, 1) = err;
  field(res, 2) = name;
  field(res, 3) = arg;
  UC_UNROOT();
  uc_raise(res);
}

int uc_is_unix_primitive(const char *name) {
  return strncmp(name, "unix_", 5) == 0 || strncmp(name, "caml_unix_", 10) == 0;
}

/* Which primitive is running: the C call saved its return address, just
 * after the operand that numbers the primitive. */
static const char *current_primitive(void) {
  code_t ret = (code_t)uc_stack_sp[1];
  uint32_t n = (uint32_t)ret[-1];
  if (n >= uc_prog.nprims) return "unknown";
  return uc_prog.prim_names[n];
}

value uc_unix_unavailable() {
  const char *name = current_primitive();
  char fn[64];
  if (strncmp(name, "caml_unix_", 10) == 0) name += 10;
  else if (strncmp(name, "unix_", 5) == 0) name += 5;
  size_t len = strlen(name);
  if (len >= sizeof fn) len = sizeof fn - 1;
  memcpy(fn, name, len);
  fn[len] = 0;
  /* The 64-bit variants raise under the name of the plain function. */
  if (len > 3 && strcmp(fn + len - 3, "_64") == 0) fn[len - 3] = 0;
  uc_raise_unix_error(val_int(UC_UNIX_ENOSYS), fn, VAL_UNIT);
}
