/* port.h: everything the core needs from the platform, and nothing else.
 *
 * The core (loader, interpreter, GC, primitives) calls no OS function
 * directly: it calls these.  ports/unix implements them with POSIX,
 * ports/xtensa-qemu on bare metal with semihosting.  Each port also provides
 * portconfig.h (sizes and feature switches, see vm/config.h).
 *
 * Errors: calls that can fail return a negative value, -(error code); the
 * code is turned into text by port_error_message (errno values on unix). */
#ifndef UC_PORT_H
#define UC_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Start-up and exit */
void port_init(void);
noreturn void port_exit(int status);

/* Memory: the region the heap lives in.  `want` bytes are asked for; the port
 * may give less (*got).  Pages not yet touched should cost no RAM where the
 * platform allows it.  port_alloc/port_free serve small runtime tables. */
void *port_heap_region(size_t want, size_t *got);
void *port_alloc(size_t n);     /* NULL on failure */
void *port_realloc(void *p, size_t n);
void port_free(void *p);

/* Descriptors: 0, 1, 2 are the console. */
long port_read(int fd, void *buf, size_t n);          /* 0 at end of input */
long port_write(int fd, const void *buf, size_t n);   /* bytes written */
enum { PORT_O_RDONLY = 1, PORT_O_WRONLY = 2, PORT_O_RDWR = 3, PORT_O_APPEND = 4,
       PORT_O_CREAT = 8, PORT_O_TRUNC = 16, PORT_O_EXCL = 32, PORT_O_NONBLOCK = 64 };
int port_open(const char *path, int flags, int perm);
int port_close(int fd);
int64_t port_lseek(int fd, int64_t off, int whence);  /* whence: 0 set, 1 cur, 2 end */
int port_isatty(int fd);
int port_terminal_rows(int fd);                       /* lines of the terminal on fd, or -1 */
const char *port_error_message(int err);             /* err > 0 */
int port_error_is_would_block(int err);
int port_error_is_broken_pipe(int err);

/* Files and directories (where the platform has them; else -ENOSYS-like). */
int port_file_exists(const char *path);               /* 1 or 0 */
int port_is_directory(const char *path);              /* 1, 0, or -err */
int port_remove(const char *path);
int port_rename(const char *from, const char *to);
int port_chdir(const char *path);
int port_getcwd(char *buf, size_t n);
int port_mkdir(const char *path, int perm);
int port_rmdir(const char *path);
/* Calls f(name, ctx) for each entry of a directory except . and ..; 0 or -err. */
int port_readdir(const char *path, void (*f)(const char *name, void *ctx), void *ctx);
int port_system(const char *command);                 /* exit status, or -err */

/* Environment and time */
const char *port_getenv(const char *name);
double port_time(void);                               /* wall clock, seconds since the epoch */
double port_cpu_time(void);                           /* processor time used, seconds */
uint64_t port_monotonic_ns(void);
void port_random_seed(uint32_t *buf, int n);          /* fill with seed words */

/* Identity of the platform, for Sys.os_type and friends. */
const char *port_os_type(void);                       /* "Unix" */
const char *port_executable_name(void);               /* may be "" */

#endif
