/* port_dev.c: vm/port_dev.h on the emulated Xtensa board (QEMU `-M sim
 * -cpu lx106 -semihosting`).
 *
 * What the emulator offers: clocks (CCOUNT), an idle wait, host files
 * through semihosting (the block device) and nothing else: the `sim`
 * machine has no network interface and no GPIO, so those calls return
 * -PORT_DEV_ENOTSUP (programs that need networking are refused when their
 * image is built, see tools/port-check.sh).  Entropy comes from a seeded
 * generator and says so.  Beside each function: its ESP-IDF counterpart.
 * Entropy, the wall clock, the sockets of images without networking, block
 * devices and GPIO: ports/bare/dev.c. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "port.h"
#include "port_dev.h"
#include "portconfig.h"
#include "xq.h"

/* ---- The wait ----
 * The CPU sleeps in WAITI until the CCOMPARE0 timer interrupt at the
 * deadline; start.S's handler dismisses the interrupt.  Without that
 * handler (xq_timer_wakeup absent) the wait spins on CCOUNT instead, at the
 * cost of a busy host CPU.  Semihosting cannot poll: the console
 * descriptors (0-2) always count as ready (a read then blocks), others
 * never become ready on this board.
 * ESP-IDF: lwip_select() with a timeout (sockets and, through the VFS, the
 * UART console), or vTaskDelay() when there is nothing to watch. */

static inline void write_ccompare0(uint32_t v)
{
  __asm__ volatile("wsr.ccompare0 %0; isync" : : "a"(v));
}

static inline uint32_t read_intenable(void)
{
  uint32_t v;
  __asm__ volatile("rsr.intenable %0" : "=a"(v));
  return v;
}

static inline void write_intenable(uint32_t v)
{
  __asm__ volatile("wsr.intenable %0; rsync" : : "a"(v));
}

static inline uint32_t read_ccount(void)
{
  uint32_t c;
  __asm__ volatile("rsr.ccount %0" : "=a"(c));
  return c;
}

/* The timer interrupt of the lx106 configuration (CCOMPARE0). */
#define TIMER0_INTERRUPT 6
/* Whether start.S dismisses the timer interrupt (weak: 0 without it). */
extern const int xq_timer_wakeup __attribute__((weak));

static uint64_t ns_to_cycles(uint64_t ns)
{
  uint64_t s = ns / 1000000000u, r = ns % 1000000000u;
  return s * XQ_CPU_HZ + r * XQ_CPU_HZ / 1000000000u;
}

/* Sleeps for at most `cycles` (< 2^31): arms CCOMPARE0 and waits in WAITI;
 * the interrupt handler in start.S disables the timer interrupt again.
 * If CCOUNT had already reached the target when CCOMPARE0 was written, the
 * match would come a whole counter wrap later (the emulator's clock runs on
 * between two instructions): then it returns at once, and the caller looks
 * at the time again. */
static void sleep_cycles(uint32_t cycles)
{
  uint32_t target = read_ccount() + cycles;
  write_ccompare0(target);
  if ((int32_t)(read_ccount() - target) >= 0) return;
  write_intenable(read_intenable() | (1u << TIMER0_INTERRUPT));
  __asm__ volatile("waiti 0" ::: "memory");
  __asm__ volatile("rsil a2, 15" ::: "a2", "memory");
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
    uint64_t left = ns_to_cycles(deadline_ns - now);
    if (!&xq_timer_wakeup) continue;   /* no timer interrupt: spin */
    sleep_cycles(left > 0x40000000u ? 0x40000000u : (uint32_t)left + 1);
  }
}

