/* xq.h: functions of the xtensa-qemu port beyond vm/port.h. */
#ifndef XQ_H
#define XQ_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "bare.h"   /* cycles, command line, pool and C stack peaks */

/* Called by start.S on a CPU exception. */
noreturn void xq_fatal_exception(uint32_t cause, uint32_t pc, uint32_t vaddr);

#endif
