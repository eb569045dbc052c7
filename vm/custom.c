/* custom.c: the custom block kinds known by identifier (for Marshal). */
#include <string.h>
#include "custom.h"
#include "bigarray.h"

static const struct custom_ops *const known_ops[] = {
    &uc_int32_ops, &uc_int64_ops, &uc_nativeint_ops, &uc_bigarray_ops,
};

const struct custom_ops *uc_find_custom_ops(const char *identifier) {
  for (size_t i = 0; i < sizeof known_ops / sizeof known_ops[0]; i++)
    if (strcmp(known_ops[i]->identifier, identifier) == 0) return known_ops[i];
  return NULL;
}
