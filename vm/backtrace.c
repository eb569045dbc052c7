/* backtrace.c: recording where exceptions are raised (OCAMLRUNPARAM=b,
 * Printexc.record_backtrace), as ocamlrun does.  The buffer holds code
 * pointers: the raise point, then every code pointer found on the VM stack
 * up to the handler that will catch the exception. */
#include <stdio.h>
#include "prim.h"
#include "interp.h"
#include "backtrace.h"
#include "debuginfo.h"
#include "gc_internal.h"

int uc_backtrace_active;
code_t *uc_bt_buffer;
size_t uc_bt_len;
value uc_bt_last_exn = VAL_UNIT;

void uc_backtrace_set_last_exn(value exn) {
  static int registered;
  if (!registered) {
    uc_register_root(&uc_bt_last_exn);
    registered = 1;
  }
  uc_bt_last_exn = exn;
}

void uc_backtrace_set_active(int flag) {
  if (flag == uc_backtrace_active) return;
  uc_backtrace_active = flag;
  uc_bt_len = 0;
  uc_backtrace_set_last_exn(VAL_UNIT);
}

int uc_backtrace_alloc_buffer(void) {
  if (uc_bt_buffer == NULL) uc_bt_buffer = port_alloc(UC_BACKTRACE_MAX * sizeof *uc_bt_buffer);
  return uc_bt_buffer != NULL;
}

static void bt_add(code_t pc) {
  if (uc_bt_len < UC_BACKTRACE_MAX) uc_bt_buffer[uc_bt_len++] = pc;
}

/* A re-raise of the exception being recorded extends its backtrace; any
 * other raise starts a new one. */
void uc_backtrace_record_raise(value exn, code_t pc, value *sp, value *trap_sp, int reraise) {
  if (!reraise || exn != uc_bt_last_exn) {
    uc_bt_len = 0;
    uc_backtrace_set_last_exn(exn);
  }
  if (!uc_backtrace_alloc_buffer()) return;
  if (uc_is_code_pointer((value)pc)) bt_add(pc);
  for (value *p = sp; p < trap_sp && uc_bt_len < UC_BACKTRACE_MAX; p++)
    if (uc_is_code_pointer(*p)) bt_add((code_t)*p);
}

/* A raise from C: the stack at uc_stack_sp starts with the C call frame
 * [env, pc after the call], so the call site comes first. */
void uc_backtrace_record_c_raise(value exn) {
  if (!uc_backtrace_active || uc_stack_sp == NULL) return;
  uc_backtrace_record_raise(exn, NULL, uc_stack_sp, uc_trap_sp(), 0);
}

/* Trap frames link to the next one by offset from the top of the stack. */
static value *next_trap(value *trap) { return uc_stack_high - long_val(trap[1]); }

size_t uc_backtrace_walk_stack(intnat max, void (*f)(code_t pc, void *ctx), void *ctx) {
  size_t n = 0;
  value *trap = uc_trap_sp();
  for (value *p = uc_stack_sp; p < uc_stack_high && (intnat)n < max; p++) {
    if (p == trap) {   /* a handler's address is no return address */
      trap = next_trap(trap);
      continue;
    }
    if (!uc_is_code_pointer(*p)) continue;
    if (f != NULL) f((code_t)*p, ctx);
    n++;
  }
  return n;
}

/* ---- printing (the runtime's own printer, without Printexc) ---- */

static void put(const char *s, size_t len) { port_write(2, s, len); }
static void puts_err(const char *s) { put(s, strlen(s)); }

static void put_int(int n) {
  char buf[16];
  int len = snprintf(buf, sizeof buf, "%d", n);
  put(buf, (size_t)len);
}

static void print_location(const struct uc_debug_loc *loc, size_t index) {
  if (!loc->valid && loc->is_raise) return;   /* a raise inserted by the compiler */
  if (loc->is_raise) puts_err(index == 0 ? "Raised at" : "Re-raised at");
  else puts_err(index == 0 ? "Raised by primitive operation at" : "Called from");
  if (!loc->valid) {
    puts_err(" unknown location\n");
    return;
  }
  puts_err(" ");
  put(loc->defname.ptr, loc->defname.len);
  puts_err(" in file \"");
  put(loc->file.ptr, loc->file.len);
  puts_err("\", line ");
  put_int(loc->line);
  puts_err(", characters ");
  put_int(loc->start_char);
  puts_err("-");
  put_int(loc->end_char);
  puts_err("\n");
}

void uc_print_exception_backtrace(void) {
  for (size_t i = 0; i < uc_bt_len; i++) {
    struct uc_debug_loc loc;
    uc_debuginfo_location(uc_bt_buffer[i], &loc);
    print_location(&loc, i);
  }
  if (uc_debuginfo_status() == -2)
    puts_err("(Cannot print locations:\n bytecode executable program file appears to be corrupt)\n");
}
