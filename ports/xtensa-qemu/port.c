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
extern const int ucaml_report __attribute__((weak));
extern char __stack_bottom[], __stack_top[];
static void report(int status);

noreturn void port_exit(int status)
{
  int32_t err;
  if (&ucaml_report && ucaml_report) report(status);
  if (xq_stack_high_water() >= (size_t)(__stack_top - __stack_bottom)) {
    static const char msg[] = "ucaml: the C stack overflowed into the heap (link with a larger STACK_SIZE)\n";
    port_write(2, msg, sizeof msg - 1);
    if (status == 0) status = 134;
  }
  fflush(stdout);
  fflush(stderr);
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

/* ---------------------------------------------------------------------- */
/* Memory */

extern char __uc_heap_start[], __uc_heap_end[];
extern char __uc_pool_start[], __uc_pool_end[];

/* The heap: the region board.ld leaves in the RAM budget after data, bss,
 * pool and stack, capped to `want`, zero-filled.  One VM at a time: every
 * call hands out the same region.  ESP-IDF: heap_caps_malloc(want,
 * MALLOC_CAP_8BIT) once (or a static array sized by Kconfig). */
void *port_heap_region(size_t want, size_t *got)
{
  size_t have = (size_t)(__uc_heap_end - __uc_heap_start);
  size_t n = want < have ? want : have;
  n &= ~(size_t)7;
  memset(__uc_heap_start, 0, n);
  *got = n;
  return n ? __uc_heap_start : NULL;
}

/* port_alloc: first fit over the fixed pool [__uc_pool_start, __uc_pool_end).
 * Each block starts with an 8-byte header: its size in bytes including the
 * header (a multiple of 8, bit 0 set while in use) and the size of the block
 * before it (0 for the first), so that free() merges with both neighbours.
 * ESP-IDF: malloc/realloc/free (heap_caps). */
struct blk { uint32_t size; uint32_t prev; };
#define BLK_USED 1u
static int pool_ready;
static size_t pool_used, pool_peak;

static void pool_count(long delta)
{
  pool_used += (size_t)delta;
  if (pool_used > pool_peak) pool_peak = pool_used;
}

static struct blk *blk_next(struct blk *b)
{
  return (struct blk *)((char *)b + (b->size & ~BLK_USED));
}

static int blk_in_pool(struct blk *b) { return (char *)b < __uc_pool_end; }

static void pool_init(void)
{
  struct blk *b = (struct blk *)__uc_pool_start;
  b->size = (uint32_t)(__uc_pool_end - __uc_pool_start) & ~7u;
  b->prev = 0;
  pool_ready = 1;
}

/* Split block b (in use or about to be) so it is exactly `need` bytes if
 * the rest is big enough to be a block of its own. */
static void blk_split(struct blk *b, uint32_t need)
{
  uint32_t size = b->size & ~BLK_USED;
  if (size - need < 16) return;
  struct blk *r = (struct blk *)((char *)b + need);
  r->size = size - need;
  r->prev = need;
  b->size = need | (b->size & BLK_USED);
  struct blk *n = blk_next(r);
  if (blk_in_pool(n)) n->prev = r->size;
}

/* Merge free block b with the free blocks after it. */
static void blk_merge_next(struct blk *b)
{
  struct blk *n = blk_next(b);
  while (blk_in_pool(n) && !(n->size & BLK_USED)) {
    b->size += n->size;
    n = blk_next(b);
  }
  if (blk_in_pool(n)) n->prev = b->size & ~BLK_USED;
}

static uint32_t blk_need(size_t n)
{
  if (n > (size_t)(__uc_pool_end - __uc_pool_start)) return 0;
  return (uint32_t)((n + sizeof(struct blk) + 7) & ~(size_t)7);
}

/* Small blocks are taken first-fit from the bottom of the pool, large ones
 * (VM stack, marshalling tables, bigarrays) from the top of the highest free
 * block that fits, so that short-lived small blocks do not split the space
 * the large ones grow into. */
#define BLK_LARGE 512u

static void *blk_take_low(struct blk *b, uint32_t need)
{
  blk_split(b, need);
  b->size |= BLK_USED;
  pool_count((long)(b->size & ~BLK_USED));
  return b + 1;
}

static void *blk_take_high(struct blk *b, uint32_t need)
{
  uint32_t size = b->size;
  if (size - need < 16) return blk_take_low(b, need);
  struct blk *r = (struct blk *)((char *)b + (size - need));
  b->size = size - need;
  r->size = need | BLK_USED;
  r->prev = size - need;
  struct blk *n = blk_next(r);
  if (blk_in_pool(n)) n->prev = need;
  pool_count((long)need);
  return r + 1;
}

void *port_alloc(size_t n)
{
  if (!pool_ready) pool_init();
  uint32_t need = blk_need(n);
  if (need == 0) return NULL;
  struct blk *fit = NULL;
  for (struct blk *b = (struct blk *)__uc_pool_start; blk_in_pool(b); b = blk_next(b)) {
    if ((b->size & BLK_USED) || b->size < need) continue;
    if (need < BLK_LARGE) return blk_take_low(b, need);
    fit = b;
  }
  return fit ? blk_take_high(fit, need) : NULL;
}

void port_free(void *p)
{
  if (!p) return;
  struct blk *b = (struct blk *)p - 1;
  b->size &= ~BLK_USED;
  pool_count(-(long)b->size);
  blk_merge_next(b);
  if (b->prev) {
    struct blk *a = (struct blk *)((char *)b - b->prev);
    if (!(a->size & BLK_USED)) blk_merge_next(a);
  }
}

void *port_realloc(void *p, size_t n)
{
  if (!p) return port_alloc(n);
  uint32_t need = blk_need(n);
  if (need == 0) return NULL;
  struct blk *b = (struct blk *)p - 1;
  uint32_t size = b->size & ~BLK_USED, old = size;
  if (size < need) {
    /* Grow in place into a free successor if that is enough. */
    struct blk *nx = blk_next(b);
    if (blk_in_pool(nx) && !(nx->size & BLK_USED) && size + nx->size >= need) {
      b->size = (size + nx->size) | BLK_USED;
      nx = blk_next(b);
      if (blk_in_pool(nx)) nx->prev = b->size & ~BLK_USED;
      size = b->size & ~BLK_USED;
    }
  }
  if (size >= need) {
    blk_split(b, need);
    struct blk *r = blk_next(b);
    if (blk_in_pool(r) && !(r->size & BLK_USED)) blk_merge_next(r);
    pool_count((long)(b->size & ~BLK_USED) - (long)old);
    return p;
  }
  void *q = port_alloc(n);
  if (!q) return NULL;
  memcpy(q, p, size - sizeof(struct blk));
  port_free(p);
  return q;
}

/* Most bytes of the pool ever in use (for reports). */
size_t xq_pool_peak(void) { return pool_peak; }

/* Defined by interp.c in builds with -DUC_COUNT_BYTECODES. */
extern uint64_t uc_bytecodes_executed __attribute__((weak));

/* XTENSA_REPORT=1 images print their peak memory use at exit. */
static void report(int status)
{
  char buf[240];
  int n = snprintf(buf, sizeof buf,
                   "ucaml-report: status %d, C stack peak %u/%u bytes, pool peak %u/%u bytes, "
                   "heap region %u bytes, cycles %llu\n",
                   status, (unsigned)xq_stack_high_water(),
                   (unsigned)(__stack_top - __stack_bottom), (unsigned)pool_peak,
                   (unsigned)(__uc_pool_end - __uc_pool_start),
                   (unsigned)(__uc_heap_end - __uc_heap_start),
                   (unsigned long long)xq_cycles());
  if (n > 0) port_write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
  if (&uc_bytecodes_executed) {
    n = snprintf(buf, sizeof buf, "ucaml-report: bytecodes %llu\n",
                 (unsigned long long)uc_bytecodes_executed);
    if (n > 0) port_write(2, buf, (size_t)n);
  }
}

/* Deepest use of the C stack so far: start.S paints it with 0xa5. */
size_t xq_stack_high_water(void)
{
  const uint32_t *p = (const uint32_t *)__stack_bottom;
  const uint32_t *top = (const uint32_t *)__stack_top;
  while (p < top && *p == 0xa5a5a5a5u) p++;
  return (size_t)((const char *)top - (const char *)p);
}

/* ---------------------------------------------------------------------- */
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

/* ESP-IDF: strerror(). */
const char *port_error_message(int err)
{
  switch (err) {
  case EPERM: return "Operation not permitted";
  case ENOENT: return "No such file or directory";
  case EIO: return "Input/output error";
  case EBADF: return "Bad file descriptor";
  case EAGAIN: return "Resource temporarily unavailable";
  case ENOMEM: return "Cannot allocate memory";
  case EACCES: return "Permission denied";
  case EFAULT: return "Bad address";
  case EEXIST: return "File exists";
  case ENOTDIR: return "Not a directory";
  case EISDIR: return "Is a directory";
  case EINVAL: return "Invalid argument";
  case EMFILE: return "Too many open files";
  case EFBIG: return "File too large";
  case ENOSPC: return "No space left on device";
  case ESPIPE: return "Illegal seek";
  case EROFS: return "Read-only file system";
  case EPIPE: return "Broken pipe";
  case ENAMETOOLONG: return "File name too long";
  case ENOSYS: return "Function not implemented";
  case ENOTEMPTY: return "Directory not empty";
  case EOVERFLOW: return "Value too large for defined data type";
  default: return "Unknown error";
  }
}

int port_error_is_would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }
int port_error_is_broken_pipe(int err) { return err == EPIPE; }

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
int port_chdir(const char *path) { (void)path; return -ENOSYS; }
int port_getcwd(char *buf, size_t n) { (void)buf; (void)n; return -ENOSYS; }
int port_mkdir(const char *path, int perm) { (void)path; (void)perm; return -ENOSYS; }
int port_rmdir(const char *path) { (void)path; return -ENOSYS; }

int port_readdir(const char *path, void (*f)(const char *name, void *ctx), void *ctx)
{
  (void)path; (void)f; (void)ctx;
  return -ENOSYS;
}

/* No shell on a microcontroller (ESP-IDF: the same). */
int port_system(const char *command) { (void)command; return -ENOSYS; }

/* ---------------------------------------------------------------------- */
/* Environment and time */

/* "NAME=value" strings baked into the image (NULL-terminated), if any.
 * ESP-IDF: the same table, or values kept in NVS (nvs_get_str). */
extern const char *const ucaml_environ[] __attribute__((weak));
/* Seconds since the epoch at boot, baked in at build time (0 if not). */
extern const uint32_t ucaml_epoch_base __attribute__((weak));

const char *port_getenv(const char *name)
{
  if (!ucaml_environ) return NULL;
  size_t len = strlen(name);
  for (const char *const *e = ucaml_environ; *e; e++)
    if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') return *e + len + 1;
  return NULL;
}

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

uint64_t xq_cycles(void)
{
  uint32_t now = ccount();
  if (now < cc_last) cc_high++;
  cc_last = now;
  return ((uint64_t)cc_high << 32) | now;
}

/* ESP-IDF: esp_timer_get_time() * 1000 (64-bit microseconds since boot). */
uint64_t port_monotonic_ns(void)
{
  uint64_t c = xq_cycles();
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

/* NOT cryptographically secure: a fixed-seeded xorshift generator mixed with
 * CCOUNT (deterministic under -icount).  ESP-IDF: esp_fill_random(), which
 * is a hardware RNG when the radio is on. */
static uint32_t rng_state = 0x9e3779b9u;

void port_random_seed(uint32_t *buf, int n)
{
  for (int i = 0; i < n; i++) {
    uint32_t x = rng_state ^ (ccount() * 0x85ebca6bu);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x ? x : 0x9e3779b9u;
    buf[i] = x;
  }
}

/* ---------------------------------------------------------------------- */
/* Identity.  OCaml's Filename module treats every os_type but Win32 and
 * Cygwin as Unix; "/" separated paths are also what ESP-IDF's VFS uses. */

const char *port_os_type(void) { return "Unix"; }

extern const char ucaml_program_name[] __attribute__((weak));

const char *port_executable_name(void)
{
  return ucaml_program_name ? ucaml_program_name : "";
}

/* ---------------------------------------------------------------------- */
/* picolibc's stdio (used by the runtime for messages): unbuffered streams on
 * the semihosting console. ESP-IDF: its own stdout/stderr on the console. */

static int con_put(char c, FILE *f)
{
  (void)f;
  return port_write(f == stderr ? 2 : 1, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static int con_get(FILE *f)
{
  (void)f;
  unsigned char c;
  long r = port_read(0, &c, 1);
  return r == 1 ? c : EOF;
}

static FILE xq_stdin = FDEV_SETUP_STREAM(NULL, con_get, NULL, _FDEV_SETUP_READ);
static FILE xq_stdout = FDEV_SETUP_STREAM(con_put, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE xq_stderr = FDEV_SETUP_STREAM(con_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &xq_stdin;
FILE *const stdout = &xq_stdout;
FILE *const stderr = &xq_stderr;

/* Semihosting command line (QEMU -semihosting-config arg=...; without
 * those, QEMU passes the kernel file name and the words of -append).
 * Returns a NULL-terminated vector in one port_alloc block (pointers, then
 * strings, as QEMU writes them) and its length in *argc; NULL if none. */
char **xq_host_argv(int *argc)
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
