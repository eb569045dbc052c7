/* prim_unix_time.c: the Unix library's clocks and calendar. */
#include <errno.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "unix_prims.h"

PRIM value unix_time(value unit) { return uc_copy_double((double)time(NULL)); }

PRIM value unix_gettimeofday(value unit) {
  struct timeval tv;
  if (gettimeofday(&tv, NULL) == -1) uc_unix_fail("gettimeofday", VAL_UNIT);
  return uc_copy_double((double)tv.tv_sec + (double)tv.tv_usec / 1e6);
}

/* Unix.tm: sec min hour mday mon year wday yday isdst. */
static value alloc_tm(const struct tm *tm) {
  value r = uc_alloc_small(9, 0);
  field(r, 0) = val_int(tm->tm_sec);
  field(r, 1) = val_int(tm->tm_min);
  field(r, 2) = val_int(tm->tm_hour);
  field(r, 3) = val_int(tm->tm_mday);
  field(r, 4) = val_int(tm->tm_mon);
  field(r, 5) = val_int(tm->tm_year);
  field(r, 6) = val_int(tm->tm_wday);
  field(r, 7) = val_int(tm->tm_yday);
  field(r, 8) = val_bool(tm->tm_isdst);
  return r;
}

/* A float as a time_t; NaN and values beyond its range are EINVAL, as
 * the calendar functions refuse them on a 64-bit system. */
static time_t clock_of(value t, const char *fn) {
  double d = double_val(t);
  double limit = sizeof(time_t) >= 8 ? 9.2e18 : 2147483647.0;
  if (!(d > -limit - 1.0 && d < limit + 1.0)) uc_unix_error(EINVAL, fn, VAL_UNIT);
  return (time_t)d;
}

PRIM value unix_gmtime(value t) {
  time_t clock = clock_of(t, "gmtime");
  struct tm tm;
  if (gmtime_r(&clock, &tm) == NULL) uc_unix_error(EINVAL, "gmtime", VAL_UNIT);
  return alloc_tm(&tm);
}

PRIM value unix_localtime(value t) {
  time_t clock = clock_of(t, "localtime");
  struct tm tm;
  if (localtime_r(&clock, &tm) == NULL) uc_unix_error(EINVAL, "localtime", VAL_UNIT);
  return alloc_tm(&tm);
}

PRIM value unix_mktime(value t) {
  struct tm tm = {0};
  tm.tm_sec = int_val(field(t, 0));
  tm.tm_min = int_val(field(t, 1));
  tm.tm_hour = int_val(field(t, 2));
  tm.tm_mday = int_val(field(t, 3));
  tm.tm_mon = int_val(field(t, 4));
  tm.tm_year = int_val(field(t, 5));
  tm.tm_wday = int_val(field(t, 6));
  tm.tm_yday = int_val(field(t, 7));
  tm.tm_isdst = -1;   /* let the time zone decide, as ocamlrun does */
  time_t clock = mktime(&tm);
  if (clock == (time_t)-1) uc_unix_error(ERANGE, "mktime", VAL_UNIT);
  value tmv = alloc_tm(&tm), clk = VAL_UNIT;
  UC_ROOTS2(tmv, clk);
  clk = uc_copy_double((double)clock);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = clk;
  field(res, 1) = tmv;
  UC_RETURN(res);
}

PRIM value unix_sleep(value duration) {
  double d = double_val(duration);
  if (d < 0.0) return VAL_UNIT;
  struct timespec ts;
  ts.tv_sec = (time_t)d;
  ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
  int r;
  do r = nanosleep(&ts, &ts);
  while (r == -1 && errno == EINTR);
  if (r == -1) uc_unix_fail("sleep", VAL_UNIT);
  return VAL_UNIT;
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

PRIM value unix_times(value unit) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  value r = uc_alloc_small(4 * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
  store_double_field(r, 0, seconds(self.ru_utime));
  store_double_field(r, 1, seconds(self.ru_stime));
  store_double_field(r, 2, seconds(children.ru_utime));
  store_double_field(r, 3, seconds(children.ru_stime));
  return r;
}

static struct timeval timeval_of(double t) {
  struct timeval tv;
  tv.tv_sec = (time_t)t;
  tv.tv_usec = (suseconds_t)((t - (double)tv.tv_sec) * 1e6);
  return tv;
}

PRIM value unix_utimes(value path, value atime, value mtime) {
  uc_unix_check_path(path, "utimes");
  double a = double_val(atime), m = double_val(mtime);
  struct timeval tv[2] = {timeval_of(a), timeval_of(m)};
  /* Both 0.0: now, as the documentation of Unix.utimes says. */
  if (utimes(string_ptr(path), a == 0.0 && m == 0.0 ? NULL : tv) == -1) uc_unix_fail("utimes", path);
  return VAL_UNIT;
}

PRIM value unix_alarm(value secs) { return val_int(alarm((unsigned)int_val(secs))); }

/* Unix.interval_timer: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF; a status
 * is {it_interval; it_value}, two floats. */
static const int itimers[] = {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF};

static value alloc_itimer(const struct itimerval *it) {
  value r = uc_alloc_small(2 * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
  store_double_field(r, 0, seconds(it->it_interval));
  store_double_field(r, 1, seconds(it->it_value));
  return r;
}

PRIM value unix_getitimer(value which) {
  struct itimerval it;
  if (getitimer(itimers[int_val(which)], &it) == -1) uc_unix_fail("getitimer", VAL_UNIT);
  return alloc_itimer(&it);
}

PRIM value unix_setitimer(value which, value newval) {
  struct itimerval it, old;
  it.it_interval = timeval_of(double_field(newval, 0));
  it.it_value = timeval_of(double_field(newval, 1));
  if (setitimer(itimers[int_val(which)], &it, &old) == -1) uc_unix_fail("setitimer", VAL_UNIT);
  return alloc_itimer(&old);
}
