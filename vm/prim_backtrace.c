/* prim_backtrace.c: Printexc's backtrace primitives.
 *
 * A raw backtrace slot is a code pointer with its low bit set, so that the
 * GC takes it for an integer.  Bytecode has no inlined frames. */
#include "prim.h"
#include "interp.h"
#include "backtrace.h"
#include "debuginfo.h"
#include "gc_internal.h"

#define slot_of_pc(pc) ((value)(pc) | 1)
#define pc_of_slot(v) ((code_t)((v) & ~(value)1))

PRIM value caml_record_backtrace(value flag) {
  uc_backtrace_set_active(int_val(flag));
  return VAL_UNIT;
}
PRIM value caml_backtrace_status(value unit) { return val_bool(uc_backtrace_active); }
PRIM value caml_ml_debug_info_status(value unit) { return val_int(uc_debuginfo_status()); }

PRIM value caml_get_exception_raw_backtrace(value unit) {
  if (!uc_backtrace_active || uc_bt_len == 0) return atom(0);
  value arr = uc_alloc(uc_bt_len, 0);
  for (size_t i = 0; i < uc_bt_len; i++) store_field(arr, i, slot_of_pc(uc_bt_buffer[i]));
  return arr;
}

PRIM value caml_restore_raw_backtrace(value exn, value bt) {
  uc_backtrace_set_last_exn(exn);
  mlsize_t n = wosize_val(bt);
  if (n > UC_BACKTRACE_MAX) n = UC_BACKTRACE_MAX;
  uc_bt_len = 0;
  if (n == 0 || !uc_backtrace_alloc_buffer()) return VAL_UNIT;
  for (mlsize_t i = 0; i < n; i++) uc_bt_buffer[i] = pc_of_slot(field(bt, i));
  uc_bt_len = n;
  return VAL_UNIT;
}

PRIM value caml_raw_backtrace_length(value bt) { return val_long(wosize_val(bt)); }

PRIM value caml_raw_backtrace_slot(value bt, value index) {
  uintnat i = (uintnat)long_val(index);
  if (i >= wosize_val(bt)) uc_invalid_argument("Printexc.get_raw_backtrace_slot: index out of bounds");
  return field(bt, i);
}

PRIM value caml_raw_backtrace_next_slot(value slot) { return VAL_NONE; }

/* Printexc.location record: Known_location (tag 0) or Unknown_location. */
static value convert_slot(value slot) {
  struct uc_debug_loc loc;
  uc_debuginfo_location(pc_of_slot(slot), &loc);
  if (!loc.valid) {
    value u = uc_alloc_small(1, 1);
    field(u, 0) = val_bool(loc.is_raise);
    return u;
  }
  value file = uc_copy_bytes(loc.file.ptr, loc.file.len);
  value name = VAL_UNIT;
  UC_ROOTS2(file, name);
  name = uc_copy_bytes(loc.defname.ptr, loc.defname.len);
  value k = uc_alloc_small(7, 0);
  field(k, 0) = val_bool(loc.is_raise);
  field(k, 1) = file;
  field(k, 2) = val_int(loc.line);
  field(k, 3) = val_int(loc.start_char);
  field(k, 4) = val_int(loc.end_char);
  field(k, 5) = VAL_FALSE;   /* is_inline */
  field(k, 6) = name;
  UC_RETURN(k);
}

/* Slots of bt converted to locations (empty array if there are none). */
static value convert_slots(value bt) {
  value arr = VAL_UNIT;
  UC_ROOTS2(bt, arr);
  mlsize_t n = wosize_val(bt);
  arr = uc_alloc(n, 0);
  for (mlsize_t i = 0; i < n; i++) {
    value loc = convert_slot(field(bt, i));
    store_field(arr, i, loc);
  }
  UC_RETURN(arr);
}

PRIM value caml_convert_raw_backtrace_slot(value slot) { return convert_slot(slot); }
PRIM value caml_convert_raw_backtrace(value bt) { return convert_slots(bt); }

/* The deprecated form: Some array of locations. */
PRIM value caml_get_exception_backtrace(value unit) {
  value arr = convert_slots(caml_get_exception_raw_backtrace(VAL_UNIT));
  UC_ROOTS1(arr);
  value res = uc_alloc_small(1, 0);
  field(res, 0) = arr;
  UC_RETURN(res);
}

struct collect {
  value arr;
  mlsize_t next;
};
static void collect_pc(code_t pc, void *ctx) {
  struct collect *c = ctx;
  field(c->arr, c->next++) = slot_of_pc(pc);   /* an integer: no barrier */
}

/* Walked twice: to size the array, then to fill it (the GC moves no stack
 * slots and code pointers are not heap values). */
PRIM value caml_get_current_callstack(value max_frames) {
  intnat max = long_val(max_frames);
  size_t n = uc_backtrace_walk_stack(max, NULL, NULL);
  struct collect c = {uc_alloc(n, 0), 0};
  if (n > 0) uc_backtrace_walk_stack(max, collect_pc, &c);
  return c.arr;
}
