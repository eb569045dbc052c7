/* prim_dev_time.c: clocks and the main loop's wait (vm/port_dev.h). */
#include "prim_dev.h"

PRIM value ucaml_dev_monotonic_ns(value unit)
{
  return uc_copy_int64((int64_t)port_monotonic_ns());
}

/* (seconds since the epoch, nanoseconds, whether the clock was ever set) */
PRIM value ucaml_dev_wall_clock(value unit)
{
  int64_t sec;
  uint32_t nsec;
  int set = port_dev_wall_clock(&sec, &nsec);
  value s = uc_copy_int64(sec);
  UC_ROOTS1(s);
  value r = uc_alloc_small(3, 0);
  field(r, 0) = s;
  field(r, 1) = val_long(nsec);
  field(r, 2) = val_bool(set);
  UC_RETURN(r);
}

/* The poll set lives outside the heap and is reused from wait to wait. */
static struct port_dev_poll *poll_set;
static int poll_capacity;

static int reserve_poll_set(int n)
{
  if (n <= poll_capacity) return 1;
  int want = n < 16 ? 16 : n * 2;
  struct port_dev_poll *p = port_realloc(poll_set, (size_t)want * sizeof *p);
  if (p == NULL) return 0;
  poll_set = p;
  poll_capacity = want;
  return 1;
}

/* Blocks until the monotonic deadline (ns; negative: none) or until one of
 * the descriptors is ready.  `fds` is [| fd0; events0; fd1; events1; ... |];
 * each events slot is replaced by what is ready.  Returns the number of
 * ready descriptors, or a negative error class. */
PRIM value ucaml_dev_wait(value fds, value deadline)
{
  int n = (int)(wosize_val(fds) / 2);
  int64_t d = int64_val(deadline);
  if (!reserve_poll_set(n)) return DEV_ERROR(PORT_DEV_EMFILE);
  for (int i = 0; i < n; i++) {
    poll_set[i].fd = int_val(field(fds, 2 * i));
    poll_set[i].events = int_val(field(fds, 2 * i + 1));
    poll_set[i].ready = 0;
  }
  int r = port_dev_wait(poll_set, n, d < 0 ? PORT_DEV_FOREVER : (uint64_t)d);
  for (int i = 0; i < n; i++) field(fds, 2 * i + 1) = val_int(poll_set[i].ready);
  return val_long(r);
}
