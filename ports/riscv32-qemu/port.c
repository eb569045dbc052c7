/* port.c: the platform interface of vm/port.h on bare-metal RV32 under QEMU
 * (`-M virt -bios none -semihosting-config enable=on,target=native`).
 *
 * Console and files go through RISC-V semihosting, which has the ARM
 * semihosting calls: one operation number and a block of argument words
 * (start.S's rv_semihost).  Those calls have no descriptors 0-2 of their own
 * worth using (QEMU's semihosting console mixes stdout and stderr), so the
 * console is the host's /dev/stdin, /dev/stdout and /dev/stderr opened at
 * start-up, and every descriptor of this port is an index into a table of
 * host handles with the position the port keeps (the calls have no "tell").
 * Memory comes from regions laid out by board.ld inside the RAM budget
 * (ports/bare/pool.c); time from the CLINT's mtime.  Beside each function:
 * what it becomes on an ESP32-C3 under ESP-IDF. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "port.h"
#include "portconfig.h"
#include "rv.h"

/* ---------------------------------------------------------------------- */
/* Semihosting */

enum { SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE = 0x05, SYS_READ = 0x06,
       SYS_ISTTY = 0x09, SYS_SEEK = 0x0a, SYS_FLEN = 0x0c, SYS_REMOVE = 0x0e,
       SYS_RENAME = 0x0f, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15,
       SYS_EXIT_EXTENDED = 0x20 };
/* SYS_OPEN's modes: the fopen() strings, in this order. */
enum { M_R = 0, M_RPLUS = 2, M_W = 4, M_WPLUS = 6, M_A = 8, M_APLUS = 10 };
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static long semi(long op, uint32_t a, uint32_t b, uint32_t c)
{
  uint32_t args[3] = {a, b, c};
  return rv_semihost(op, args);
}

/* The host's error number of the last failed call (QEMU gives Linux's, the
 * same numbers as picolibc's for those the runtime names). */
static int semi_errno(void)
{
  long e = rv_semihost(SYS_ERRNO, NULL);
  return e > 0 ? (int)e : EIO;
}

/* ---------------------------------------------------------------------- */
/* Start-up and exit */

#define MAX_FDS 32
struct fd { int32_t handle; uint32_t pos; uint8_t used, append, seekable; };
static struct fd fds[MAX_FDS];

static int host_open(const char *path, int mode)
{
  return (int)semi(SYS_OPEN, (uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path));
}

static void open_console(int fd, const char *path, int mode, int append)
{
  int h = host_open(path, mode);
  fds[fd].handle = h;
  fds[fd].used = h >= 0;
  fds[fd].append = (uint8_t)append;
}

/* ESP-IDF: nothing (app_main runs after the IDF's start-up; the console is
 * the UART or USB-CDC). */
void port_init(void)
{
  open_console(0, "/dev/stdin", M_R, 0);
  /* Appending: redirected to a file, both streams add to its end in the
   * order written, as the host's shared descriptor would. */
  open_console(1, "/dev/stdout", M_A, 1);
  open_console(2, "/dev/stderr", M_A, 1);
}

/* ESP-IDF: exit status has no meaning there; log it, then esp_restart() or
 * park the task (vTaskDelete(NULL)). */
noreturn void port_exit(int status)
{
  status = bare_exit_checks(status);
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)(status & 0xff)};
  rv_semihost(SYS_EXIT_EXTENDED, block);
  for (;;) { }
}

/* Called from start.S on any trap.  ESP-IDF: its panic handler. */
noreturn void rv_fatal_exception(uint32_t cause, uint32_t pc, uint32_t tval)
{
  const char *what = cause == 0 || cause == 1 ? "bad instruction address"
                   : cause == 2 ? "illegal instruction"
                   : cause == 3 ? "breakpoint"
                   : cause == 4 || cause == 6 ? "unaligned load or store"
                   : cause == 5 || cause == 7 ? "bad data address"
                   : "exception";
  char msg[128];
  int n = snprintf(msg, sizeof msg,
                   "ucaml: CPU exception %lu (%s) at pc 0x%08lx, address 0x%08lx\n",
                   (unsigned long)cause, what, (unsigned long)pc, (unsigned long)tval);
  if (n > 0 && fds[2].used) semi(SYS_WRITE, (uint32_t)fds[2].handle, (uint32_t)(uintptr_t)msg, (uint32_t)n);
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, 134};
  rv_semihost(SYS_EXIT_EXTENDED, block);
  for (;;) { }
}

/* Memory: the pool and port_heap_region are in ports/bare/pool.c. */

/* ---------------------------------------------------------------------- */
/* Descriptors.  ESP-IDF: read/write/open/close/lseek of its VFS. */

static struct fd *fd_get(int fd)
{
  return fd >= 0 && fd < MAX_FDS && fds[fd].used ? &fds[fd] : NULL;
}

long port_read(int fd, void *buf, size_t n)
{
  struct fd *f = fd_get(fd);
  if (!f) return -EBADF;
  if (n == 0) return 0;
  long left = semi(SYS_READ, (uint32_t)f->handle, (uint32_t)(uintptr_t)buf, (uint32_t)n);
  if (left < 0 || (size_t)left > n) return -EIO;
  size_t got = n - (size_t)left;
  /* QEMU 7.2 reports a failed read (a directory: EISDIR) as nothing read,
   * without an error number: it reads as the end of the file here. */
  f->pos += (uint32_t)got;
  return (long)got;
}

long port_write(int fd, const void *buf, size_t n)
{
  struct fd *f = fd_get(fd);
  if (!f) return -EBADF;
  if (n == 0) return 0;
  if (f->append) {
    /* QEMU 7.2 opens the "a" modes without O_APPEND (seen with strace):
     * seek to the end first, right with either behaviour.  Pipes and
     * terminals fail the seek and need none. */
    long len = semi(SYS_FLEN, (uint32_t)f->handle, 0, 0);
    if (len >= 0 && semi(SYS_SEEK, (uint32_t)f->handle, (uint32_t)len, 0) == 0) f->pos = (uint32_t)len;
  }
  long left = semi(SYS_WRITE, (uint32_t)f->handle, (uint32_t)(uintptr_t)buf, (uint32_t)n);
  if (left < 0 || (size_t)left > n) return -EIO;
  /* Nothing written: failed.  QEMU 7.2 keeps no error number for a failed
   * read or write (a full disk is not told from other errors). */
  if ((size_t)left == n) return -EIO;
  f->pos += (uint32_t)(n - (size_t)left);
  return (long)(n - (size_t)left);
}

static int new_fd(int handle, int append, int seekable)
{
  for (int i = 3; i < MAX_FDS; i++)
    if (!fds[i].used) {
      fds[i] = (struct fd){handle, 0, 1, (uint8_t)append, (uint8_t)seekable};
      return i;
    }
  semi(SYS_CLOSE, (uint32_t)handle, 0, 0);
  return -EMFILE;
}

static int exists(const char *path)
{
  int h = host_open(path, M_R);
  if (h < 0) return 0;
  semi(SYS_CLOSE, (uint32_t)h, 0, 0);
  return 1;
}

/* The calls open with fopen() modes only: the other combinations of flags
 * are made of a probe and a mode (not atomic, as on a board's VFS), and
 * appending is a seek before each write (port_write). */
int port_open(const char *path, int flags, int perm)
{
  (void)perm;   /* QEMU creates files 0644 */
  int acc = flags & PORT_O_RDWR;
  if (acc == 0) return -EINVAL;
  int creat = flags & PORT_O_CREAT, trunc = flags & PORT_O_TRUNC;
  int append = (flags & PORT_O_APPEND) != 0, rdwr = acc == PORT_O_RDWR;
  if (creat && (flags & PORT_O_EXCL) && exists(path)) return -EEXIST;
  int mode;
  if (acc == PORT_O_RDONLY && !trunc) {
    mode = M_R;
  } else if (append) {
    if (!creat && !exists(path)) return -ENOENT;
    mode = rdwr ? M_APLUS : M_A;
  } else if (trunc) {
    if (!creat && !exists(path)) return -ENOENT;
    mode = rdwr ? M_WPLUS : M_W;
  } else {
    /* Keep the contents: "r+" if it exists, else create it. */
    mode = M_RPLUS;
    if (creat && !exists(path)) mode = rdwr ? M_WPLUS : M_W;
  }
  int h = host_open(path, mode);
  if (h < 0) return -semi_errno();
  return new_fd(h, append, 1);
}

int port_close(int fd)
{
  struct fd *f = fd_get(fd);
  if (!f) return -EBADF;
  long r = semi(SYS_CLOSE, (uint32_t)f->handle, 0, 0);
  f->used = 0;
  return r < 0 ? -semi_errno() : 0;
}

/* Seeks are absolute in the calls, in 32 bits: positions stay below 2 GB. */
int64_t port_lseek(int fd, int64_t off, int whence)
{
  struct fd *f = fd_get(fd);
  if (!f) return -EBADF;
  if (fd <= 2 || !f->seekable) return -ESPIPE;
  int64_t base;
  if (whence == 0) {
    base = 0;
  } else if (whence == 1) {
    base = f->pos;
  } else if (whence == 2) {
    long len = semi(SYS_FLEN, (uint32_t)f->handle, 0, 0);
    if (len < 0) return -semi_errno();
    base = len;
  } else {
    return -EINVAL;
  }
  int64_t pos = base + off;
  if (pos < 0) return -EINVAL;
  if (pos > INT32_MAX) return -EOVERFLOW;
  if (whence == 1 && off == 0) return pos;
  if (semi(SYS_SEEK, (uint32_t)f->handle, (uint32_t)pos, 0) < 0) return -semi_errno();
  f->pos = (uint32_t)pos;
  return pos;
}

/* ESP-IDF: isatty() of the VFS. */
int port_isatty(int fd)
{
  struct fd *f = fd_get(fd);
  return f && semi(SYS_ISTTY, (uint32_t)f->handle, 0, 0) == 1;
}

/* The semihosted console tells nothing of its size. */
int port_terminal_rows(int fd) { return -1; }

/* ---------------------------------------------------------------------- */
/* Files and directories.  ESP-IDF: stat(), unlink(), rename(), mkdir(),
 * opendir()/readdir() of the VFS (SPIFFS has no real directories). */

int port_file_exists(const char *path) { return exists(path); }

/* A host directory opens for reading but not for update (EISDIR). */
int port_is_directory(const char *path)
{
  int h = host_open(path, M_RPLUS);
  if (h >= 0) {
    semi(SYS_CLOSE, (uint32_t)h, 0, 0);
    return 0;
  }
  int err = semi_errno();
  if (err == EISDIR) return 1;
  h = host_open(path, M_R);
  if (h < 0) return -semi_errno();
  semi(SYS_CLOSE, (uint32_t)h, 0, 0);
  return 0;
}

int port_remove(const char *path)
{
  if (semi(SYS_REMOVE, (uint32_t)(uintptr_t)path, (uint32_t)strlen(path), 0) != 0) return -semi_errno();
  return 0;
}

int port_rename(const char *from, const char *to)
{
  uint32_t args[4] = {(uint32_t)(uintptr_t)from, (uint32_t)strlen(from),
                      (uint32_t)(uintptr_t)to, (uint32_t)strlen(to)};
  if (rv_semihost(SYS_RENAME, args) != 0) return -semi_errno();
  return 0;
}

/* Directories and port_system: ports/bare/nodirs.c. */

/* ---------------------------------------------------------------------- */
/* Time */

/* Seconds since the epoch at boot, baked in at build time (0 if not). */
extern const uint32_t ucaml_epoch_base __attribute__((weak));

#define CSR_READ(name, v) __asm__ volatile("csrr %0, " #name : "=r"(v))

/* mcycle, 64 bits (high word read twice across a carry).  Under -icount
 * QEMU counts one per instruction. */
uint64_t bare_cycles(void)
{
  uint32_t hi, lo, hi2;
  do {
    CSR_READ(mcycleh, hi);
    CSR_READ(mcycle, lo);
    CSR_READ(mcycleh, hi2);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

uint64_t rv_mtime(void)
{
  volatile uint32_t *mt = (volatile uint32_t *)(uintptr_t)RV_CLINT_MTIME;
  uint32_t hi, lo;
  do {
    hi = mt[1];
    lo = mt[0];
  } while (mt[1] != hi);
  return ((uint64_t)hi << 32) | lo;
}

/* ESP-IDF: esp_timer_get_time() * 1000. */
uint64_t port_monotonic_ns(void)
{
  uint64_t t = rv_mtime();
  return t / RV_MTIME_HZ * 1000000000u + t % RV_MTIME_HZ * (1000000000u / RV_MTIME_HZ);
}

/* Seconds since boot plus a base baked in at build time (the same on every
 * board).  ESP-IDF: gettimeofday() once SNTP has set the clock. */
double port_time(void)
{
  double base = &ucaml_epoch_base ? (double)ucaml_epoch_base : 0.0;
  return base + (double)port_monotonic_ns() * 1e-9;
}

/* One program on the CPU: processor time is time since boot. */
double port_cpu_time(void) { return (double)port_monotonic_ns() * 1e-9; }

/* ---------------------------------------------------------------------- */
/* The command line.  SYS_GET_CMDLINE gives QEMU's semihosting arguments
 * joined by spaces; run.sh writes each as 'x' and its bytes in hex, so that
 * any argument (spaces, empty) comes through.  Decoded in place. */

static int hexval(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char **bare_host_argv(int *argc)
{
  *argc = 0;
  char *line = NULL;
  for (uint32_t size = 1024; size <= 65536; size *= 4) {
    line = port_alloc(size);
    if (!line) return NULL;
    uint32_t block[2] = {(uint32_t)(uintptr_t)line, size};
    if (rv_semihost(SYS_GET_CMDLINE, block) == 0 && block[1] < size) {
      line[block[1]] = 0;
      break;
    }
    port_free(line);
    line = NULL;
  }
  if (!line) return NULL;
  int n = 0;
  char *out = line;
  for (char *p = line; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    if (*p == 'x') {
      p++;
      while (hexval(p[0]) >= 0 && hexval(p[1]) >= 0) {
        *out++ = (char)(hexval(p[0]) * 16 + hexval(p[1]));
        p += 2;
      }
    }
    while (*p && *p != ' ') *out++ = *p++;   /* unencoded: as it is */
    if (*p) p++;   /* past the space, which the terminator may overwrite */
    *out++ = 0;
    n++;
  }
  char **v = port_alloc((size_t)(n + 1) * sizeof *v);
  if (!v) return NULL;
  char *s = line;
  for (int i = 0; i < n; i++) {
    v[i] = s;
    s += strlen(s) + 1;
  }
  v[n] = NULL;
  *argc = n;
  return v;
}
