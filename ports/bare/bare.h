/* bare.h: what the bare-metal boards (xtensa-qemu, riscv32-qemu) share
 * beyond vm/port.h.  ports/bare/ holds the code that only needs the port
 * interface and these functions; each board's folder has the rest. */
#ifndef BARE_H
#define BARE_H

#include <stddef.h>
#include <stdint.h>

/* Given by the board. */
/* The CPU's cycle counter extended to 64 bits (the report and the seed). */
uint64_t bare_cycles(void);
/* The emulator's command line as a NULL-terminated vector in one port_alloc
 * block, its length in *argc; NULL if none.  main.c skips element 0. */
char **bare_host_argv(int *argc);

/* Given by ports/bare/. */
/* Most bytes of the port_alloc pool ever in use (headers included). */
size_t bare_pool_peak(void);
/* Deepest C stack use so far, in bytes (start-up paints the stack 0xa5). */
size_t bare_stack_high_water(void);
/* Report, C stack check and stdio flush before switching off; returns the
 * exit status to use. */
int bare_exit_checks(int status);

#endif
