/* port.c: the platform interface of vm/port.h on bare-metal Xtensa under
 * QEMU (`-M sim -cpu lx106 -semihosting`).
 *
 * Console and files go through semihosting (the `simcall` instruction:
 * a2 = call number, a3..a5 = arguments; result in a2, error number in a3,
 * using newlib's errno numbering, the same as picolibc's).  Memory comes from
 * regions laid out by board.ld inside the RAM budget; time from CCOUNT.
 * Beside each function: what it becomes on an ESP32 under ESP-IDF. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "port.h"
#include "portconfig.h"
#include "bare.h"
#include "xq.h"

/* ---------------------------------------------------------------------- */
/* Semihosting */

enum { SYS_EXIT = 1, SYS_READ = 3, SYS_WRITE = 4, SYS_OPEN = 5, SYS_CLOSE = 6,
       SYS_LSEEK = 19, SYS_ARGC = 1000, SYS_ARGV_SIZE = 1001, SYS_ARGV = 1002 };

/* open() flags.  QEMU 7.2's xtensa semihosting hands the flags word to the
 * host's open() unchanged (checked: 0x241 creates a file, 0x601 does not),
 * so these are the Linux host's values; the error numbers it returns are
 * translated to newlib's.  (Later QEMUs decode the GDB/newlib encoding
 * instead: O_CREAT 0x200, O_TRUNC 0x400, O_APPEND 0x8, O_EXCL 0x800.) */
enum { H_O_RDONLY = 0, H_O_WRONLY = 1, H_O_RDWR = 2, H_O_CREAT = 0x40,
       H_O_EXCL = 0x80, H_O_TRUNC = 0x200, H_O_APPEND = 0x400 };

static int32_t simcall(int32_t nr, int32_t a, int32_t b, int32_t c, int32_t *err)
{
  register int32_t r2 __asm__("a2") = nr;
  register int32_t r3 __asm__("a3") = a;
  register int32_t r4 __asm__("a4") = b;
  register int32_t r5 __asm__("a5") = c;
  __asm__ volatile("simcall" : "+r"(r2), "+r"(r3) : "r"(r4), "r"(r5) : "memory");
  *err = r3;
  return r2;
}

/* Result of a call: the value, or -(error number). */
static long sim_result(int32_t r, int32_t err)
{
  if (r == -1 && err != 0) return -(long)err;
  if (r < 0) return -EIO;
  return r;
}

/* ---------------------------------------------------------------------- */
/* Start-up and exit */

/* ESP-IDF: nothing (app_main runs after the IDF's start-up). */
void port_init(void)
{
  (void)port_monotonic_ns();
}

/* ESP-IDF: exit status has no meaning there; log it, then esp_restart() or
 * park the task (vTaskDelete(NULL)). */
noreturn void port_exit(int status)
{
  int32_t err;
  status = bare_exit_checks(status);
  simcall(SYS_EXIT, status & 0xff, 0, 0, &err);
  for (;;) { }
}

/* Called from start.S on any CPU exception.  ESP-IDF: its panic handler. */
noreturn void xq_fatal_exception(uint32_t cause, uint32_t pc, uint32_t vaddr)
{
  const char *what = cause == 0 ? "illegal instruction"
                   : cause == 6 ? "integer division by zero"
                   : cause == 9 ? "unaligned load or store"
                   : cause == 2 || cause == 14 ? "bad instruction address"
                   : cause == 3 || cause == 15 ? "bad data address"
                   : "exception";
  char msg[128];
  int n = snprintf(msg, sizeof msg,
                   "ucaml: CPU exception %lu (%s) at pc 0x%08lx, address 0x%08lx\n",
                   (unsigned long)cause, what, (unsigned long)pc, (unsigned long)vaddr);
  int32_t err;
  if (n > 0) simcall(SYS_WRITE, 2, (int32_t)(uintptr_t)msg, n, &err);
  simcall(SYS_EXIT, 134, 0, 0, &err);
  for (;;) { }
}

/* Memory: the pool and port_heap_region are in ports/bare/pool.c. */

/* Descriptors.  ESP-IDF: read/write/open/close/lseek of its VFS (console on
 * UART or USB-CDC; files on SPIFFS/LittleFS/FAT, or raw esp_partition). */

long port_read(int fd, void *buf, size_t n)
{
  int32_t err;
  int32_t r = simcall(SYS_READ, fd, (int32_t)(uintptr_t)buf, (int32_t)n, &err);
  return sim_result(r, err);
}

long port_write(int fd, const void *buf, size_t n)
{
  int32_t err;
  int32_t r = simcall(SYS_WRITE, fd, (int32_t)(uintptr_t)buf, (int32_t)n, &err);
  return sim_result(r, err);
}

int port_open(const char *path, int flags, int perm)
{
  int h = 0;
  switch (flags & PORT_O_RDWR) {
  case PORT_O_RDONLY: h = H_O_RDONLY; break;
  case PORT_O_WRONLY: h = H_O_WRONLY; break;
  case PORT_O_RDWR: h = H_O_RDWR; break;
  default: return -EINVAL;
  }
  if (flags & PORT_O_APPEND) h |= H_O_APPEND;
  if (flags & PORT_O_CREAT) h |= H_O_CREAT;
  if (flags & PORT_O_TRUNC) h |= H_O_TRUNC;
  if (flags & PORT_O_EXCL) h |= H_O_EXCL;
  int32_t err;
  int32_t r = simcall(SYS_OPEN, (int32_t)(uintptr_t)path, h, perm, &err);
  return (int)sim_result(r, err);
}

int port_close(int fd)
{
  int32_t err;
  int32_t r = simcall(SYS_CLOSE, fd, 0, 0, &err);
  return (int)sim_result(r, err);
}

/* The offset travels in one 32-bit register that QEMU reads as unsigned, so
 * relative seeks are made absolute here and positions stay below 2 GB. */
static int64_t sim_lseek(int fd, uint32_t off, int whence)
{
  int32_t err;
  int32_t r = simcall(SYS_LSEEK, fd, (int32_t)off, whence, &err);
  return sim_result(r, err);
}

int64_t port_lseek(int fd, int64_t off, int whence)
{
  int64_t base = 0;
  if (whence == 1 || whence == 2) {
    base = sim_lseek(fd, 0, whence);
    if (base < 0 || off == 0) return base;
  } else if (whence != 0) {
    return -EINVAL;
  }
  int64_t pos = base + off;
  if (pos < 0) return -EINVAL;
  if (pos > INT32_MAX) return -EOVERFLOW;
  return sim_lseek(fd, (uint32_t)pos, 0);
}

/* Semihosting cannot tell; the console descriptors count as terminals.
 * ESP-IDF: isatty() of the VFS. */
int port_isatty(int fd) { return fd >= 0 && fd <= 2; }
/* The semihosted console tells nothing of its size. */
int port_terminal_rows(int fd) { return -1; }

/* ---------------------------------------------------------------------- */
/* Files and directories.  Semihosting here offers only open/close/lseek on
 * host files, so existence is probed by opening.  ESP-IDF: stat(),
 * unlink(), rename(), mkdir(), opendir()/readdir() of the VFS (SPIFFS has
 * no real directories). */

int port_file_exists(const char *path)
{
  int fd = port_open(path, PORT_O_RDONLY, 0);
  if (fd < 0) return 0;
  port_close(fd);
  return 1;
}

/* A host directory cannot be opened for writing (EISDIR); a file can,
 * without being changed (no O_TRUNC, no O_CREAT). */
int port_is_directory(const char *path)
{
  int fd = port_open(path, PORT_O_WRONLY, 0);
  if (fd >= 0) {
    port_close(fd);
    return 0;
  }
  if (fd == -EISDIR) return 1;
  fd = port_open(path, PORT_O_RDONLY, 0);
  if (fd < 0) return fd;
  port_close(fd);
  return 0;
}

int port_remove(const char *path) { (void)path; return -ENOSYS; }
int port_rename(const char *from, const char *to) { (void)from; (void)to; return -ENOSYS; }
/* Directories and port_system: ports/bare/nodirs.c. */

/* ---------------------------------------------------------------------- */
/* Time */

/* Seconds since the epoch at boot, baked in at build time (0 if not). */
extern const uint32_t ucaml_epoch_base __attribute__((weak));

static inline uint32_t ccount(void)
{
  uint32_t c;
  __asm__ volatile("rsr.ccount %0" : "=a"(c));
  return c;
}

/* CCOUNT extended to 64 bits: a wrap is noticed as a smaller reading, so
 * the clock must be read at least once per 2^32 cycles (107 s at 40 MHz,
 * 17.9 s at 240 MHz); the VM reads it at every poll. */
static uint32_t cc_last, cc_high;

uint64_t bare_cycles(void)
{
  uint32_t now = ccount();
  if (now < cc_last) cc_high++;
  cc_last = now;
  return ((uint64_t)cc_high << 32) | now;
}

/* ESP-IDF: esp_timer_get_time() * 1000 (64-bit microseconds since boot). */
uint64_t port_monotonic_ns(void)
{
  uint64_t c = bare_cycles();
  uint64_t s = c / XQ_CPU_HZ, r = c % XQ_CPU_HZ;
  return s * 1000000000u + r * 1000000000u / XQ_CPU_HZ;
}

/* Semihosting here has no clock call: seconds since boot plus a base baked in
 * at build time.  ESP-IDF: gettimeofday() once SNTP has set the clock. */
double port_time(void)
{
  double base = &ucaml_epoch_base ? (double)ucaml_epoch_base : 0.0;
  return base + (double)port_monotonic_ns() * 1e-9;
}

/* One program on the CPU: processor time is time since boot.
 * ESP-IDF: esp_timer_get_time() (or the task's run-time counter). */
double port_cpu_time(void) { return (double)port_monotonic_ns() * 1e-9; }

/* ---------------------------------------------------------------------- */
/* Semihosting command line (QEMU -semihosting-config arg=...; without
 * those, QEMU passes the kernel file name and the words of -append).
 * Returns a NULL-terminated vector in one port_alloc block (pointers, then
 * strings, as QEMU writes them) and its length in *argc; NULL if none. */
char **bare_host_argv(int *argc)
{
  int32_t err;
  int32_t n = simcall(SYS_ARGC, 0, 0, 0, &err);
  *argc = 0;
  if (n <= 0) return NULL;
  int32_t size = simcall(SYS_ARGV_SIZE, 0, 0, 0, &err);
  if (size < (n + 1) * 4) return NULL;
  char **v = port_alloc((size_t)size);
  if (!v) return NULL;
  simcall(SYS_ARGV, (int32_t)(uintptr_t)v, 0, 0, &err);
  *argc = n;
  return v;
}
