/* fail.h: raising OCaml exceptions from C.  All of these unwind to the
 * nearest OCaml exception handler (longjmp) and never return. */
#ifndef UC_FAIL_H
#define UC_FAIL_H

#include <stdnoreturn.h>
#include "value.h"

/* Indexes of the predefined exceptions in the global data. */
enum {
  EXN_OUT_OF_MEMORY, EXN_SYS_ERROR, EXN_FAILURE, EXN_INVALID_ARGUMENT,
  EXN_END_OF_FILE, EXN_DIVISION_BY_ZERO, EXN_NOT_FOUND, EXN_MATCH_FAILURE,
  EXN_STACK_OVERFLOW, EXN_SYS_BLOCKED_IO, EXN_ASSERT_FAILURE,
  EXN_UNDEFINED_RECURSIVE_MODULE
};

noreturn void uc_raise(value exn);
noreturn void uc_raise_constant(value tag);
noreturn void uc_raise_with_arg(value tag, value arg);
noreturn void uc_raise_with_string(value tag, const char *msg);
noreturn void uc_raise_builtin(int exn_index);           /* constant ones */
noreturn void uc_failwith(const char *msg);               /* Failure msg */
noreturn void uc_failwith_value(value msg);
noreturn void uc_invalid_argument(const char *msg);       /* Invalid_argument msg */
noreturn void uc_invalid_argument_value(value msg);
noreturn void uc_raise_out_of_memory(void);
noreturn void uc_raise_stack_overflow(void);
noreturn void uc_raise_not_found(void);
noreturn void uc_raise_end_of_file(void);
noreturn void uc_raise_zero_divide(void);
noreturn void uc_raise_sys_blocked_io(void);
noreturn void uc_array_bound_error(void);                 /* "index out of bounds" */
noreturn void uc_raise_sys_error(value msg);              /* Sys_error msg */
/* Sys_error "<arg>: <message for port error code err>" (arg may be NULL). */
noreturn void uc_sys_error(const char *arg, int err);
/* Sys_error with a printf-style message. */
noreturn void uc_sys_errorf(const char *fmt, ...);

/* Before the global data exists (while it is being read), exceptions have
 * no values yet: the message of the failure is kept here for the loader. */
extern char uc_early_failure[200];

/* A fatal runtime error: message on stderr, exit status 2. */
noreturn void uc_fatal(const char *fmt, ...);

#endif
