/* prim_dev_error.c: the text of device error codes (vm/port_dev.h).  The
 * codes are the same on every port, so their texts live in the core. */
#include "prim.h"
#include "port_dev.h"

static const char *const messages[PORT_DEV_ERROR_COUNT] = {
  [PORT_DEV_EAGAIN] = "operation would block",
  [PORT_DEV_EINPROGRESS] = "operation in progress",
  [PORT_DEV_EREFUSED] = "connection refused",
  [PORT_DEV_ERESET] = "connection reset by peer",
  [PORT_DEV_ECLOSED] = "connection closed",
  [PORT_DEV_ETIMEDOUT] = "timed out",
  [PORT_DEV_EUNREACHABLE] = "network unreachable",
  [PORT_DEV_EADDRINUSE] = "address in use",
  [PORT_DEV_ENOTSUP] = "not supported on this port",
  [PORT_DEV_EINVAL] = "invalid argument",
  [PORT_DEV_ERANGE] = "out of range",
  [PORT_DEV_ENOENT] = "no such device",
  [PORT_DEV_EREADONLY] = "read-only device",
  [PORT_DEV_EMFILE] = "out of descriptors",
  [PORT_DEV_EIO] = "input/output error",
};

/* -(code) or code -> text */
PRIM value ucaml_dev_error_message(value code)
{
  intnat c = long_val(code);
  if (c < 0) c = -c;
  if (c <= 0 || c >= PORT_DEV_ERROR_COUNT || messages[c] == NULL)
    return uc_copy_string("unknown error");
  return uc_copy_string(messages[c]);
}
