/* unix_error.h: raising Unix.Unix_error from C.
 *
 * The Unix library registers its exception as "Unix.Unix_error"; its first
 * argument is a Unix.error: constant constructors in the order of
 * unix.mli's type (UC_UNIX_E2BIG = 0 ...), or EUNKNOWNERR of int, a block.
 * Ports that implement the unix_* primitives map their error codes to it;
 * the others get the fallback of vm/unix_fallback.c for every unix_* name
 * the loader cannot bind: it raises ENOSYS at the call. */
#ifndef UC_UNIX_ERROR_H
#define UC_UNIX_ERROR_H

#include <stdnoreturn.h>
#include "value.h"

enum {
  UC_UNIX_E2BIG, UC_UNIX_EACCES, UC_UNIX_EAGAIN, UC_UNIX_EBADF, UC_UNIX_EBUSY,
  UC_UNIX_ECHILD, UC_UNIX_EDEADLK, UC_UNIX_EDOM, UC_UNIX_EEXIST, UC_UNIX_EFAULT,
  UC_UNIX_EFBIG, UC_UNIX_EINTR, UC_UNIX_EINVAL, UC_UNIX_EIO, UC_UNIX_EISDIR,
  UC_UNIX_EMFILE, UC_UNIX_EMLINK, UC_UNIX_ENAMETOOLONG, UC_UNIX_ENFILE,
  UC_UNIX_ENODEV, UC_UNIX_ENOENT, UC_UNIX_ENOEXEC, UC_UNIX_ENOLCK, UC_UNIX_ENOMEM,
  UC_UNIX_ENOSPC, UC_UNIX_ENOSYS, UC_UNIX_ENOTDIR, UC_UNIX_ENOTEMPTY,
  UC_UNIX_ENOTTY, UC_UNIX_ENXIO, UC_UNIX_EPERM, UC_UNIX_EPIPE, UC_UNIX_ERANGE,
  UC_UNIX_EROFS, UC_UNIX_ESPIPE, UC_UNIX_ESRCH, UC_UNIX_EXDEV,
  UC_UNIX_EWOULDBLOCK, UC_UNIX_EINPROGRESS, UC_UNIX_EALREADY, UC_UNIX_ENOTSOCK,
  UC_UNIX_EDESTADDRREQ, UC_UNIX_EMSGSIZE, UC_UNIX_EPROTOTYPE,
  UC_UNIX_ENOPROTOOPT, UC_UNIX_EPROTONOSUPPORT, UC_UNIX_ESOCKTNOSUPPORT,
  UC_UNIX_EOPNOTSUPP, UC_UNIX_EPFNOSUPPORT, UC_UNIX_EAFNOSUPPORT,
  UC_UNIX_EADDRINUSE, UC_UNIX_EADDRNOTAVAIL, UC_UNIX_ENETDOWN,
  UC_UNIX_ENETUNREACH, UC_UNIX_ENETRESET, UC_UNIX_ECONNABORTED,
  UC_UNIX_ECONNRESET, UC_UNIX_ENOBUFS, UC_UNIX_EISCONN, UC_UNIX_ENOTCONN,
  UC_UNIX_ESHUTDOWN, UC_UNIX_ETOOMANYREFS, UC_UNIX_ETIMEDOUT,
  UC_UNIX_ECONNREFUSED, UC_UNIX_EHOSTDOWN, UC_UNIX_EHOSTUNREACH, UC_UNIX_ELOOP,
  UC_UNIX_EOVERFLOW, UC_UNIX_ERROR_COUNT
};

/* Raises Unix_error(err, fn, arg); err is a Unix.error value, arg an OCaml
 * string (VAL_UNIT: ""). Before the Unix module registered its exception,
 * raises Invalid_argument "Exception Unix.Unix_error not initialized". */
noreturn void uc_raise_unix_error(value err, const char *fn, value arg);

/* Whether the loader should bind an unknown primitive to the fallback. */
int uc_is_unix_primitive(const char *name);
/* The fallback: Unix_error(ENOSYS, "<name without unix_>", ""). */
value uc_unix_unavailable();

#endif
