/* prim_callback.c: values registered by name (Callback.register), used by
 * the runtime to reach OCaml functions such as Printexc's printer. */
#include "prim.h"

struct named_value {
  struct named_value *next;
  value val;
  char name[];
};
static struct named_value *named_values;

value *uc_named_value(const char *name) {
  for (struct named_value *n = named_values; n != NULL; n = n->next)
    if (strcmp(n->name, name) == 0) return &n->val;
  return NULL;
}

PRIM value caml_register_named_value(value name, value v) {
  /* Callback.register types it as a string; ill-typed code must not make
   * the length below negative. */
  if (!is_block(name) || !uc_in_value_area(name) || tag_val(name) != STRING_TAG)
    uc_invalid_argument("Callback.register: the name is not a string");
  value *slot = uc_named_value(string_ptr(name));
  if (slot != NULL) {
    *slot = v;   /* a registered root: no barrier needed */
    return VAL_UNIT;
  }
  size_t len = string_length(name);
  struct named_value *n = port_alloc(sizeof *n + len + 1);
  if (n == NULL) uc_raise_out_of_memory();
  memcpy(n->name, string_ptr(name), len);
  n->name[len] = 0;
  n->val = v;
  n->next = named_values;
  named_values = n;
  uc_register_root(&n->val);
  return VAL_UNIT;
}
