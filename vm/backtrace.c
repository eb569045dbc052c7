/* backtrace.c: recording where exceptions are raised (OCAMLRUNPARAM=b,
 * Printexc.record_backtrace).  The buffer holds code pointers: the raise
 * point, then the return addresses found on the stack up to the handler. */
#include "prim.h"
#include "interp.h"
#include "backtrace.h"
#include "gc_internal.h"

int uc_backtrace_active;
code_t uc_bt_buffer[UC_BACKTRACE_MAX];
size_t uc_bt_len;
value uc_bt_last_exn = VAL_UNIT;
static int last_exn_registered;

static void bt_add(code_t pc) {
  if (uc_bt_len < UC_BACKTRACE_MAX) uc_bt_buffer[uc_bt_len++] = pc;
}

void uc_backtrace_record_raise(value exn, code_t pc, value *sp, value *trap_sp, int reraise) {
  if (!last_exn_registered) {
    uc_register_root(&uc_bt_last_exn);
    last_exn_registered = 1;
  }
  if (!reraise || exn != uc_bt_last_exn) {
    uc_bt_len = 0;
    uc_bt_last_exn = exn;
  }
  if (uc_is_code_pointer((value)pc)) bt_add(pc);
  for (value *p = sp; p < trap_sp; p++)
    if (uc_is_code_pointer(*p)) bt_add((code_t)*p);
}

/* A primitive raised: the C call frame holds [env, pc after the call]. */
void uc_backtrace_record_c_raise(value exn) {
  if (!uc_backtrace_active || uc_stack_sp == NULL || uc_stack_sp >= uc_stack_high) return;
  value *sp = uc_stack_sp;
  code_t pc = (code_t)sp[1];
  if (!uc_is_code_pointer((value)pc)) return;
  uc_backtrace_record_raise(exn, pc, sp + 2, uc_trap_sp(), 0);
}
