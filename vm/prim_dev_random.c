/* prim_dev_random.c: entropy (vm/port_dev.h). */
#include "prim_dev.h"

/* Fills the bytes; true if they are fit for cryptography. */
PRIM value ucaml_dev_entropy(value buf)
{
  return val_bool(port_dev_entropy(bytes_ptr(buf), string_length(buf)));
}
