/* rv.h: functions of the riscv32-qemu port beyond vm/port.h. */
#ifndef RV_H
#define RV_H

#include <stdint.h>
#include <stdnoreturn.h>

#include "bare.h"   /* cycles, command line, pool and C stack peaks */

/* One semihosting call (start.S): op in a0, its argument block in a1. */
long rv_semihost(long op, void *args);
/* CLINT mtime: 64-bit, RV_MTIME_HZ. */
uint64_t rv_mtime(void);
/* Called by start.S on any trap. */
noreturn void rv_fatal_exception(uint32_t cause, uint32_t pc, uint32_t tval);

/* The virt machine's CLINT (hart 0). */
#define RV_CLINT_MTIMECMP 0x02004000u
#define RV_CLINT_MTIME 0x0200bff8u

#endif
