/* common.c: the parts of vm/port.h that every bare-metal board shares (they
 * call only the port interface and the board's bare.h functions): error
 * texts, the environment baked into the image, identity, picolibc's stdio
 * streams on the console, the seed generator, and the exit-time checks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "port.h"
#include "bare.h"

extern char __stack_bottom[], __stack_top[];
extern char __uc_heap_start[], __uc_heap_end[];
extern char __uc_pool_start[], __uc_pool_end[];

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

/* NOT cryptographically secure: a fixed-seeded xorshift generator mixed with
 * the board's cycle counter (deterministic under -icount).  ESP-IDF: esp_fill_random(), which
 * is a hardware RNG when the radio is on. */
static uint32_t rng_state = 0x9e3779b9u;

void port_random_seed(uint32_t *buf, int n)
{
  for (int i = 0; i < n; i++) {
    uint32_t x = rng_state ^ ((uint32_t)bare_cycles() * 0x85ebca6bu);
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
 * the console descriptors. ESP-IDF: its own stdout/stderr on the console. */

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

static FILE bare_stdin = FDEV_SETUP_STREAM(NULL, con_get, NULL, _FDEV_SETUP_READ);
static FILE bare_stdout = FDEV_SETUP_STREAM(con_put, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE bare_stderr = FDEV_SETUP_STREAM(con_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &bare_stdin;
FILE *const stdout = &bare_stdout;
FILE *const stderr = &bare_stderr;

/* ---------------------------------------------------------------------- */
/* Exit */

/* Images built with a report (XTENSA_REPORT=1, RISCV32_REPORT=1) print their
 * peak memory use at exit. */
extern const int ucaml_report __attribute__((weak));
/* Defined by interp.c in builds with -DUC_COUNT_BYTECODES. */
extern uint64_t uc_bytecodes_executed __attribute__((weak));

static void report(int status)
{
  char buf[240];
  int n = snprintf(buf, sizeof buf,
                   "ucaml-report: status %d, C stack peak %u/%u bytes, pool peak %u/%u bytes, "
                   "heap region %u bytes, cycles %llu\n",
                   status, (unsigned)bare_stack_high_water(),
                   (unsigned)(__stack_top - __stack_bottom), (unsigned)bare_pool_peak(),
                   (unsigned)(__uc_pool_end - __uc_pool_start),
                   (unsigned)(__uc_heap_end - __uc_heap_start),
                   (unsigned long long)bare_cycles());
  if (n > 0) port_write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
  if (&uc_bytecodes_executed) {
    n = snprintf(buf, sizeof buf, "ucaml-report: bytecodes %llu\n",
                 (unsigned long long)uc_bytecodes_executed);
    if (n > 0) port_write(2, buf, (size_t)n);
  }
}

/* Deepest use of the C stack so far: start.S paints it with 0xa5. */
size_t bare_stack_high_water(void)
{
  const uint32_t *p = (const uint32_t *)__stack_bottom;
  const uint32_t *top = (const uint32_t *)__stack_top;
  while (p < top && *p == 0xa5a5a5a5u) p++;
  return (size_t)((const char *)top - (const char *)p);
}

/* What port_exit does on every board before the emulator is switched off:
 * the report, the C stack check, flushing stdio.  Returns the status to
 * exit with (134 if the C stack overflowed into the heap). */
int bare_exit_checks(int status)
{
  if (&ucaml_report && ucaml_report) report(status);
  if (bare_stack_high_water() >= (size_t)(__stack_top - __stack_bottom)) {
    static const char msg[] = "ucaml: the C stack overflowed into the heap (link with a larger STACK_SIZE)\n";
    port_write(2, msg, sizeof msg - 1);
    if (status == 0) status = 134;
  }
  fflush(stdout);
  fflush(stderr);
  return status;
}
