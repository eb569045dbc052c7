/* prim_meta.c: introspection of the running program (Meta, toplevel). */
#include "prim.h"
#include "interp.h"

PRIM value caml_get_global_data(value unit) { return uc_global_data; }
PRIM value caml_get_section_table(value unit) { uc_raise_not_found(); }
PRIM value caml_realloc_global(value size) {
  mlsize_t want = (mlsize_t)long_val(size), have = wosize_val(uc_global_data);
  if (want <= have) return VAL_UNIT;
  value g = uc_alloc(want, 0);
  for (mlsize_t i = 0; i < have; i++) store_field(g, i, field(uc_global_data, i));
  uc_global_data = g;
  return VAL_UNIT;
}
PRIM value caml_get_current_environment(value unit) { return atom(0); }
PRIM value caml_invoke_traced_function(value codeptr, value env, value arg) {
  uc_failwith("caml_invoke_traced_function: not supported");
}
PRIM value caml_reify_bytecode(value code, value debuginfo, value digest) {
  uc_failwith("ucaml does not load bytecode at run time");
}
PRIM value caml_static_release_bytecode(value code) {
  uc_failwith("ucaml does not load bytecode at run time");
}

uintnat uc_stack_used_words(void);
uintnat uc_stack_size_words(void);

/* Stacks are fixed-size here: the check is whether the room is there. */
PRIM value caml_ensure_stack_capacity(value required) {
  if ((uintnat)long_val(required) + uc_stack_used_words() + 256 > uc_stack_size_words())
    uc_raise_stack_overflow();
  return VAL_UNIT;
}
