/* backtrace.h: the recorded backtrace, read by prim_backtrace.c. */
#ifndef UC_BACKTRACE_H
#define UC_BACKTRACE_H

#include "value.h"

/* As ocamlrun: at most this many code pointers are kept per exception.
 * The buffer is allocated when first needed (NULL until then, or if memory
 * is short: nothing is recorded then). */
#define UC_BACKTRACE_MAX 1024
extern code_t *uc_bt_buffer;
extern size_t uc_bt_len;
int uc_backtrace_alloc_buffer(void);   /* 0 if it cannot be */
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
