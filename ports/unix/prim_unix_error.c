/* prim_unix_error.c: errno values as Unix.error, and the helpers the other
 * prim_unix_*.c files share. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "unix_prims.h"

/* Indexed by Unix.error constructor. */
static const int errno_of_constructor[UC_UNIX_ERROR_COUNT] = {
  E2BIG, EACCES, EAGAIN, EBADF, EBUSY, ECHILD, EDEADLK, EDOM, EEXIST, EFAULT,
  EFBIG, EINTR, EINVAL, EIO, EISDIR, EMFILE, EMLINK, ENAMETOOLONG, ENFILE,
  ENODEV, ENOENT, ENOEXEC, ENOLCK, ENOMEM, ENOSPC, ENOSYS, ENOTDIR, ENOTEMPTY,
  ENOTTY, ENXIO, EPERM, EPIPE, ERANGE, EROFS, ESPIPE, ESRCH, EXDEV,
  EWOULDBLOCK, EINPROGRESS, EALREADY, ENOTSOCK, EDESTADDRREQ, EMSGSIZE,
  EPROTOTYPE, ENOPROTOOPT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EOPNOTSUPP,
  EPFNOSUPPORT, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, ENETDOWN,
  ENETUNREACH, ENETRESET, ECONNABORTED, ECONNRESET, ENOBUFS, EISCONN,
  ENOTCONN, ESHUTDOWN, ETOOMANYREFS, ETIMEDOUT, ECONNREFUSED, EHOSTDOWN,
  EHOSTUNREACH, ELOOP, EOVERFLOW,
};

value uc_unix_error_of_errno(int err) {
  /* The first constructor wins where two names share a number (EAGAIN and
   * EWOULDBLOCK on Linux). */
  for (int i = 0; i < UC_UNIX_ERROR_COUNT; i++)
    if (errno_of_constructor[i] == err) return val_int(i);
  value v = uc_alloc_small(1, 0);
  field(v, 0) = val_int(err);
  return v;
}

int uc_unix_errno_of_error(value err) {
  if (is_block(err)) return int_val(field(err, 0));
  intnat i = long_val(err);
  return i >= 0 && i < UC_UNIX_ERROR_COUNT ? errno_of_constructor[i] : EINVAL;
}

noreturn void uc_unix_error(int err, const char *fn, value arg) {
  UC_ROOTS1(arg);
  value e = uc_unix_error_of_errno(err);
  UC_UNROOT();
  uc_raise_unix_error(e, fn, arg);
}

noreturn void uc_unix_fail(const char *fn, value arg) { uc_unix_error(errno, fn, arg); }

void uc_unix_check_path(value path, const char *fn) {
  if (memchr(string_ptr(path), 0, string_length(path)) != NULL) uc_unix_error(ENOENT, fn, path);
}

PRIM value unix_error_message(value err) {
  return uc_copy_string(strerror(uc_unix_errno_of_error(err)));
}

/* Sys.sigabrt = -1 ... Sys.sigxfsz = -28, in Stdlib's order. */
static const int system_signals[] = {
  SIGABRT, SIGALRM, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGKILL, SIGPIPE, SIGQUIT,
  SIGSEGV, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP,
  SIGTTIN, SIGTTOU, SIGVTALRM, SIGPROF, SIGBUS, SIGPOLL, SIGSYS, SIGTRAP,
  SIGURG, SIGXCPU, SIGXFSZ,
};
#define SIGNAL_COUNT ((intnat)(sizeof system_signals / sizeof system_signals[0]))

int uc_unix_signal_of_ocaml(intnat sig) {
  if (sig < 0 && sig >= -SIGNAL_COUNT) return system_signals[-sig - 1];
  return (int)sig;
}

intnat uc_unix_signal_to_ocaml(int sig) {
  for (intnat i = 0; i < SIGNAL_COUNT; i++)
    if (system_signals[i] == sig) return -i - 1;
  return sig;
}

int uc_unix_flags(value list, const int *table, int count) {
  int flags = 0;
  for (; list != VAL_EMPTYLIST; list = field(list, 1)) {
    intnat i = long_val(field(list, 0));
    if (i >= 0 && i < count) flags |= table[i];
  }
  return flags;
}

value uc_unix_alloc_int_list(const int *xs, int n) {
  value list = VAL_EMPTYLIST;
  UC_ROOTS1(list);
  for (int i = n - 1; i >= 0; i--) {
    value cell = uc_alloc_small(2, 0);
    field(cell, 0) = val_int(xs[i]);
    field(cell, 1) = list;
    list = cell;
  }
  UC_RETURN(list);
}
