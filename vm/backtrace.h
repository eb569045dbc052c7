/* backtrace.h: the recorded backtrace, read by prim_backtrace.c. */
#ifndef UC_BACKTRACE_H
#define UC_BACKTRACE_H

#include "value.h"

#define UC_BACKTRACE_MAX 1024
extern code_t uc_bt_buffer[UC_BACKTRACE_MAX];
extern size_t uc_bt_len;
extern value uc_bt_last_exn;

/* Prints the recorded backtrace on stderr as ocamlrun does. */
void uc_print_exception_backtrace(void);

#endif
