/* port.c: vm/port.h on POSIX systems (Linux, macOS, the host build).
 * Errors are returned as -errno. */
#define _FILE_OFFSET_BITS 64   /* 64-bit offsets and inodes on 32-bit hosts */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>   /* rename */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>   /* TIOCGWINSZ */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

/* Built with AddressSanitizer (gcc or clang): LeakSanitizer is active. */
#if defined(__SANITIZE_ADDRESS__)
#define UC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UC_LSAN 1
#endif
#endif
#ifdef UC_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* ---- Start-up and exit ---- */

void port_init(void)
{
  /* A closed pipe must give EPIPE (hence Sys_error), not kill the process. */
  signal(SIGPIPE, SIG_IGN);
}

noreturn void port_exit(int status)
{
  exit(status);
}

/* ---- Memory ---- */

#ifdef UC_LSAN
/* LeakSanitizer does not scan mmap'd memory, so the C memory owned by custom
 * blocks still alive at exit (bigarray data) would be reported as leaked.
 * Just before the leak check (registered at start-up, so its atexit handler
 * runs after this one), the heap pages actually in use become root regions;
 * registering the whole reservation would make the check read all of it. */
static unsigned char *lsan_heap;
static size_t lsan_heap_size;

static void lsan_register_heap(void)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t pages = (lsan_heap_size + page - 1) / page;
  unsigned char *resident = malloc(pages);
  if (resident == NULL) return;
  if (mincore(lsan_heap, lsan_heap_size, resident) == 0) {
    for (size_t i = 0; i < pages;) {
      size_t j = i;
      while (j < pages && (resident[j] & 1)) j++;
      if (j > i) __lsan_register_root_region(lsan_heap + i * page, (j - i) * page);
      i = j + 1;
    }
  }
  free(resident);
}
#endif

/* Reserves address space only: pages cost memory once touched.  If the
 * whole request is refused, smaller sizes are tried down to 1 MiB. */
void *port_heap_region(size_t want, size_t *got)
{
  const size_t smallest = (size_t)1 << 20;
  size_t size = want;
  for (;;) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) {
#ifdef UC_LSAN
      if (lsan_heap == NULL) atexit(lsan_register_heap);
      lsan_heap = p;
      lsan_heap_size = size;
#endif
      *got = size;
      return p;
    }
    if (size <= smallest) break;
    size = size / 2 < smallest ? smallest : size / 2;
  }
  *got = 0;
  return NULL;
}

void *port_alloc(size_t n) { return malloc(n); }
void *port_realloc(void *p, size_t n) { return realloc(p, n); }
void port_free(void *p) { free(p); }

/* ---- Descriptors ---- */

long port_read(int fd, void *buf, size_t n)
{
  ssize_t r;
  do r = read(fd, buf, n); while (r < 0 && errno == EINTR);
  return r < 0 ? -(long)errno : (long)r;
}

long port_write(int fd, const void *buf, size_t n)
{
  ssize_t r;
  do r = write(fd, buf, n); while (r < 0 && errno == EINTR);
  return r < 0 ? -(long)errno : (long)r;
}

static int posix_open_flags(int flags)
{
  int access = flags & PORT_O_RDWR;
  int f = access == PORT_O_RDWR ? O_RDWR : access == PORT_O_WRONLY ? O_WRONLY : O_RDONLY;
  if (flags & PORT_O_APPEND) f |= O_APPEND;
  if (flags & PORT_O_CREAT) f |= O_CREAT;
  if (flags & PORT_O_TRUNC) f |= O_TRUNC;
  if (flags & PORT_O_EXCL) f |= O_EXCL;
  if (flags & PORT_O_NONBLOCK) f |= O_NONBLOCK;
  return f | O_CLOEXEC;   /* programs run by Sys.command do not inherit it */
}

int port_open(const char *path, int flags, int perm)
{
  int fd;
  do fd = open(path, posix_open_flags(flags), (mode_t)perm);
  while (fd < 0 && errno == EINTR);
  return fd < 0 ? -errno : fd;
}

int port_close(int fd)
{
  return close(fd) < 0 ? -errno : 0;
}

int64_t port_lseek(int fd, int64_t off, int whence)
{
  static const int whences[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence < 0 || whence > 2) return -EINVAL;
  off_t r = lseek(fd, (off_t)off, whences[whence]);
  return r < 0 ? -(int64_t)errno : (int64_t)r;
}

int port_isatty(int fd) { return isatty(fd); }
int port_terminal_rows(int fd) {
  struct winsize size;
  return ioctl(fd, TIOCGWINSZ, &size) == 0 ? size.ws_row : -1;
}
const char *port_error_message(int err) { return strerror(err); }
int port_error_is_would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }
int port_error_is_broken_pipe(int err) { return err == EPIPE; }

/* ---- Files and directories ---- */

int port_file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

int port_is_directory(const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0) return -errno;
  return S_ISDIR(st.st_mode) ? 1 : 0;
}

int port_remove(const char *path) { return unlink(path) < 0 ? -errno : 0; }
int port_rename(const char *from, const char *to) { return rename(from, to) < 0 ? -errno : 0; }
int port_chdir(const char *path) { return chdir(path) < 0 ? -errno : 0; }
int port_getcwd(char *buf, size_t n) { return getcwd(buf, n) == NULL ? -errno : 0; }
int port_mkdir(const char *path, int perm) { return mkdir(path, (mode_t)perm) < 0 ? -errno : 0; }
int port_rmdir(const char *path) { return rmdir(path) < 0 ? -errno : 0; }

static int is_dot_or_dotdot(const char *name)
{
  return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

int port_readdir(const char *path, void (*f)(const char *name, void *ctx), void *ctx)
{
  DIR *d = opendir(path);
  if (d == NULL) return -errno;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (e == NULL) break;
    if (!is_dot_or_dotdot(e->d_name)) f(e->d_name, ctx);
  }
  int err = errno;
  closedir(d);
  return err != 0 ? -err : 0;
}

int port_system(const char *command)
{
  int status = system(command);
  if (status == -1) return -errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* ---- Environment and time ---- */

const char *port_getenv(const char *name) { return getenv(name); }

double port_time(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User plus system time, as ocamlrun's Sys.time. */
double port_cpu_time(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return (double)clock() / CLOCKS_PER_SEC;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
       + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

uint64_t port_monotonic_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bytes from /dev/urandom; whatever it could not give is made up from the
 * clock and process ids (weak, but different from run to run). */
void port_random_seed(uint32_t *buf, int n)
{
  size_t want = (size_t)(n > 0 ? n : 0) * sizeof *buf;
  ssize_t got = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    got = read(fd, buf, want);
    close(fd);
    if (got < 0) got = 0;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint32_t mix = (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7)
               ^ ((uint32_t)getpid() << 16) ^ (uint32_t)getppid();
  for (int i = (int)((size_t)got / sizeof *buf); i < n; i++) {
    mix = mix * 1103515245u + 12345u;   /* spread the few bits over words */
    buf[i] = mix ^ (uint32_t)i;
  }
}

/* ---- Identity ---- */

const char *port_os_type(void) { return "Unix"; }

const char *port_executable_name(void)
{
  static char name[4096];
  ssize_t n = readlink("/proc/self/exe", name, sizeof name - 1);
  name[n > 0 ? n : 0] = 0;
  return name;
}
