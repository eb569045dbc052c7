/* backtrace.h: the recorded backtrace, read by prim_backtrace.c. */
#ifndef UC_BACKTRACE_H
#define UC_BACKTRACE_H

#include "value.h"

/* As ocamlrun: at most this many code pointers are kept per exception. */
#define UC_BACKTRACE_MAX 1024
extern code_t uc_bt_buffer[UC_BACKTRACE_MAX];
extern size_t uc_bt_len;
extern value uc_bt_last_exn;

/* Turns recording on or off; a change forgets the current backtrace. */
void uc_backtrace_set_active(int flag);
/* Sets the exception the buffer belongs to (a GC root). */
void uc_backtrace_set_last_exn(value exn);

/* Calls f(pc, ctx) for each return address on the VM stack, innermost
 * first, from uc_stack_sp to the top (skipping exception handlers), at
 * most max times; returns the number of calls. */
size_t uc_backtrace_walk_stack(intnat max, void (*f)(code_t pc, void *ctx), void *ctx);

/* Prints the recorded backtrace on stderr as ocamlrun does. */
void uc_print_exception_backtrace(void);

#endif
