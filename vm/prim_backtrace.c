/* prim_backtrace.c: Printexc's backtrace primitives. */
#include "prim.h"
#include "interp.h"
#include "backtrace.h"

PRIM value caml_record_backtrace(value flag) {
  uc_backtrace_active = bool_val(flag);
  uc_bt_len = 0;
  return VAL_UNIT;
}
PRIM value caml_backtrace_status(value unit) { return val_bool(uc_backtrace_active); }
PRIM value caml_ml_debug_info_status(value unit) { return val_int(0); }

/* Raw slots are code pointers tagged as integers. */
PRIM value caml_get_exception_raw_backtrace(value unit) {
  if (!uc_backtrace_active || uc_bt_len == 0) return atom(0);
  value arr = uc_alloc(uc_bt_len, 0);
  for (size_t i = 0; i < uc_bt_len; i++) store_field(arr, i, (value)uc_bt_buffer[i] | 1);
  return arr;
}
PRIM value caml_restore_raw_backtrace(value exn, value bt) {
  uc_bt_last_exn = exn;
  uc_bt_len = 0;
  for (mlsize_t i = 0; i < wosize_val(bt) && i < UC_BACKTRACE_MAX; i++)
    uc_bt_buffer[uc_bt_len++] = (code_t)(field(bt, i) & ~(value)1);
  return VAL_UNIT;
}
PRIM value caml_raw_backtrace_length(value bt) { return val_long(wosize_val(bt)); }
PRIM value caml_raw_backtrace_slot(value bt, value i) { return field(bt, long_val(i)); }
PRIM value caml_raw_backtrace_next_slot(value slot) { return VAL_NONE; }
PRIM value caml_get_current_callstack(value max) { return atom(0); }
PRIM value caml_get_exception_backtrace(value unit) { return VAL_NONE; }
PRIM value caml_convert_raw_backtrace_slot(value slot) { uc_failwith("No debug information available"); }
PRIM value caml_convert_raw_backtrace(value bt) { uc_failwith("No debug information available"); }

void uc_print_exception_backtrace(void) {}
