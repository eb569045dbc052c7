/* fail.c: raising exceptions from C. */
#include <stdarg.h>
#include <stdio.h>
#include "prim.h"
#include "interp.h"
#include "io.h"

struct uc_catch *uc_catch_top;
value uc_exn_bucket;

noreturn void uc_raise(value exn) {
  struct uc_catch *c = uc_catch_top;
  if (c == NULL) uc_fatal("exception raised outside of any handler");
  uc_exn_bucket = exn;
  uc_local_roots = c->local_roots;
  longjmp(c->buf, 1);
}

char uc_early_failure[200];

/* Before the global data is loaded (while reading it) there are no
 * exception values: the message is kept for the loader instead. */
static int globals_loaded(void) { return uc_global_data != 0 && is_block(uc_global_data); }

static noreturn void early_failure(const char *msg) {
  snprintf(uc_early_failure, sizeof uc_early_failure, "%s", msg);
  uc_raise(VAL_UNIT);
}

static value builtin_exn(int index) {
  if (!globals_loaded()) early_failure("runtime error");
  return field(uc_global_data, index);
}

noreturn void uc_raise_constant(value tag) { uc_raise(tag); }

noreturn void uc_raise_with_arg(value tag, value arg) {
  UC_ROOTS2(tag, arg);
  value b = uc_alloc_small(2, 0);
  field(b, 0) = tag;
  field(b, 1) = arg;
  UC_UNROOT();
  uc_raise(b);
}

noreturn void uc_raise_with_string(value tag, const char *msg) {
  UC_ROOTS1(tag);
  value s = uc_copy_string(msg);
  UC_UNROOT();
  uc_raise_with_arg(tag, s);
}

noreturn void uc_raise_builtin(int index) { uc_raise_constant(builtin_exn(index)); }
noreturn void uc_failwith(const char *msg) {
  if (!globals_loaded()) early_failure(msg);
  uc_raise_with_string(builtin_exn(EXN_FAILURE), msg);
}
noreturn void uc_failwith_value(value msg) { uc_raise_with_arg(builtin_exn(EXN_FAILURE), msg); }
noreturn void uc_invalid_argument(const char *msg) {
  uc_raise_with_string(builtin_exn(EXN_INVALID_ARGUMENT), msg);
}
noreturn void uc_invalid_argument_value(value msg) {
  uc_raise_with_arg(builtin_exn(EXN_INVALID_ARGUMENT), msg);
}
noreturn void uc_raise_out_of_memory(void) {
  if (!globals_loaded()) early_failure("out of memory (the heap is too small for the program's data)");
  uc_raise_builtin(EXN_OUT_OF_MEMORY);
}
noreturn void uc_raise_stack_overflow(void) { uc_raise_builtin(EXN_STACK_OVERFLOW); }
noreturn void uc_raise_not_found(void) { uc_raise_builtin(EXN_NOT_FOUND); }
noreturn void uc_raise_end_of_file(void) { uc_raise_builtin(EXN_END_OF_FILE); }
noreturn void uc_raise_zero_divide(void) { uc_raise_builtin(EXN_DIVISION_BY_ZERO); }
noreturn void uc_raise_sys_blocked_io(void) { uc_raise_builtin(EXN_SYS_BLOCKED_IO); }
noreturn void uc_array_bound_error(void) { uc_invalid_argument("index out of bounds"); }
noreturn void uc_raise_sys_error(value msg) { uc_raise_with_arg(builtin_exn(EXN_SYS_ERROR), msg); }

noreturn void uc_sys_error(const char *arg, int err) {
  const char *text = port_error_message(err);
  char buf[512];
  if (arg != NULL) snprintf(buf, sizeof buf, "%s: %s", arg, text);
  else snprintf(buf, sizeof buf, "%s", text);
  uc_raise_with_string(builtin_exn(EXN_SYS_ERROR), buf);
}

noreturn void uc_sys_errorf(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  uc_raise_with_string(builtin_exn(EXN_SYS_ERROR), buf);
}

noreturn void uc_fatal(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  uc_flush_all();
  port_write(2, "ucaml: ", 7);
  port_write(2, buf, (size_t)n);
  port_exit(2);
}
