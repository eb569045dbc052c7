/* nodirs.c: the parts of vm/port.h a board without a file system of its
 * own cannot do: directories and a shell.  Semihosting reaches host files
 * by name only (each board's port.c opens, reads and removes them). */
#include <errno.h>
#include <stddef.h>

#include "port.h"

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
