/* xq.h: functions of the xtensa-qemu port beyond vm/port.h. */
#ifndef XQ_H
#define XQ_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* CCOUNT extended to 64 bits. */
uint64_t xq_cycles(void);
/* Deepest C stack use so far, in bytes (the stack is painted at start-up). */
size_t xq_stack_high_water(void);
/* Most bytes of the port_alloc pool ever in use (headers included). */
size_t xq_pool_peak(void);
/* The semihosting command line (see port.c), or NULL. */
char **xq_host_argv(int *argc);
/* Called by start.S on a CPU exception. */
noreturn void xq_fatal_exception(uint32_t cause, uint32_t pc, uint32_t vaddr);

#endif
