/* prim_memprof.c: Gc.Memprof.start and stop (the profiler is memprof.c). */
#include "prim.h"
#include "memprof.h"

/* Both first run the callbacks of allocations already sampled: ocamlrun
 * would have run them before the primitive that made the blocks returned,
 * and they may themselves stop the profiler. */
PRIM value caml_memprof_start(value vrate, value vdepth, value tracker) {
  double rate = double_val(vrate);
  UC_ROOTS1(tracker);
  uc_memprof_run_pending();
  UC_UNROOT();
  if (uc_memprof_started()) uc_failwith("Gc.Memprof.start: already started.");
  if (long_val(vdepth) < 0 || !(rate >= 0.) || rate > 1.)   /* rejects NaN too */
    uc_invalid_argument("Gc.Memprof.start");
  uc_memprof_start(rate, long_val(vdepth), tracker);
  return VAL_UNIT;
}

PRIM value caml_memprof_stop(value unit) {
  uc_memprof_run_pending();
  if (!uc_memprof_started()) uc_failwith("Gc.Memprof.stop: not started.");
  uc_memprof_stop();
  return VAL_UNIT;
}
