/* port_dev.c: vm/port_dev.h on the emulated RISC-V board (QEMU `-M virt`):
 * the idle wait.  Entropy, the wall clock, sockets (none: networking is not
 * part of this board yet), block devices (host files through semihosting)
 * and GPIO (none): ports/bare/dev.c.  Beside each function: its ESP-IDF
 * counterpart. */
#include <stdint.h>

#include "port.h"
#include "port_dev.h"
#include "portconfig.h"
#include "rv.h"

/* ---- The wait ----
 * The CPU sleeps in WFI until the CLINT's timer reaches mtimecmp.  Only
 * the machine timer interrupt is enabled in mie, and never globally
 * (mstatus.MIE stays 0): WFI returns on the pending interrupt without a
 * trap.  Semihosting cannot poll: the console descriptors (0-2) always
 * count as ready (a read then blocks), others never become ready here.
 * ESP-IDF: lwip_select() with a timeout, or vTaskDelay(). */

#define MIE_MTIE (1u << 7)

static void set_mtimecmp(uint64_t t)
{
  volatile uint32_t *cmp = (volatile uint32_t *)(uintptr_t)RV_CLINT_MTIMECMP;
  cmp[1] = UINT32_MAX;   /* no early match while the low word changes */
  cmp[0] = (uint32_t)t;
  cmp[1] = (uint32_t)(t >> 32);
}

static void sleep_until(uint64_t mtime)
{
  set_mtimecmp(mtime);
  __asm__ volatile("csrs mie, %0" : : "r"(MIE_MTIE));
  __asm__ volatile("wfi" ::: "memory");
  __asm__ volatile("csrc mie, %0" : : "r"(MIE_MTIE));
  set_mtimecmp(UINT64_MAX);
}

int port_dev_wait(struct port_dev_poll *fds, int n, uint64_t deadline_ns)
{
  int ready = 0;
  for (int i = 0; i < n; i++) {
    fds[i].ready = fds[i].fd >= 0 && fds[i].fd <= 2 ? fds[i].events : 0;
    if (fds[i].ready) ready++;
  }
  if (ready > 0) return ready;
  if (deadline_ns == PORT_DEV_FOREVER) return -PORT_DEV_ENOTSUP;   /* would never wake */
  for (;;) {
    uint64_t now = port_monotonic_ns();
    if (now >= deadline_ns) return 0;
    uint64_t left = deadline_ns - now;
    uint64_t ticks = left / 1000000000u * RV_MTIME_HZ
                   + left % 1000000000u / (1000000000u / RV_MTIME_HZ) + 1;
    sleep_until(rv_mtime() + ticks);
  }
}
