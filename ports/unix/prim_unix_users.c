/* prim_unix_users.c: the Unix library's users and groups. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>
#include "unix_prims.h"

PRIM value unix_getuid(value unit) { return val_long(getuid()); }
PRIM value unix_geteuid(value unit) { return val_long(geteuid()); }
PRIM value unix_getgid(value unit) { return val_long(getgid()); }
PRIM value unix_getegid(value unit) { return val_long(getegid()); }

PRIM value unix_setuid(value id) {
  if (setuid((uid_t)long_val(id)) == -1) uc_unix_fail("setuid", VAL_UNIT);
  return VAL_UNIT;
}
PRIM value unix_setgid(value id) {
  if (setgid((gid_t)long_val(id)) == -1) uc_unix_fail("setgid", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_getgroups(value unit) {
  int n = getgroups(0, NULL);
  if (n == -1) uc_unix_fail("getgroups", VAL_UNIT);
  gid_t *gs = malloc(((size_t)n + 1) * sizeof *gs);
  if (gs == NULL) uc_raise_out_of_memory();
  n = getgroups(n, gs);
  if (n == -1) {
    free(gs);
    uc_unix_fail("getgroups", VAL_UNIT);
  }
  value r = n == 0 ? atom(0) : uc_alloc((mlsize_t)n, 0);
  for (int i = 0; i < n; i++) field(r, i) = val_long(gs[i]);   /* immediates: no barrier */
  free(gs);
  return r;
}

PRIM value unix_setgroups(value arr) {
  mlsize_t n = wosize_val(arr);
  gid_t *gs = malloc((n + 1) * sizeof *gs);
  if (gs == NULL) uc_raise_out_of_memory();
  for (mlsize_t i = 0; i < n; i++) gs[i] = (gid_t)long_val(field(arr, i));
  int r = setgroups(n, gs);
  free(gs);
  if (r == -1) uc_unix_fail("setgroups", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_initgroups(value user, value group) {
  uc_unix_check_path(user, "initgroups");
  if (initgroups(string_ptr(user), (gid_t)long_val(group)) == -1) uc_unix_fail("initgroups", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_getlogin(value unit) {
  const char *name = getlogin();
  if (name == NULL) uc_unix_error(ENOENT, "getlogin", VAL_UNIT);
  return uc_copy_string(name);
}

/* Unix.passwd_entry: name passwd uid gid gecos dir shell. */
static value alloc_passwd(const struct passwd *p, const char *fn) {
  if (p == NULL) {
    if (errno == EINTR) uc_unix_fail(fn, VAL_UNIT);
    uc_raise_not_found();
  }
  value s[5] = {VAL_UNIT, VAL_UNIT, VAL_UNIT, VAL_UNIT, VAL_UNIT};
  UC_ROOTS5(s[0], s[1], s[2], s[3], s[4]);
  s[0] = uc_copy_string(p->pw_name);
  s[1] = uc_copy_string(p->pw_passwd);
  s[2] = uc_copy_string(p->pw_gecos ? p->pw_gecos : "");
  s[3] = uc_copy_string(p->pw_dir);
  s[4] = uc_copy_string(p->pw_shell);
  value r = uc_alloc_small(7, 0);
  field(r, 0) = s[0];
  field(r, 1) = s[1];
  field(r, 2) = val_long(p->pw_uid);
  field(r, 3) = val_long(p->pw_gid);
  field(r, 4) = s[2];
  field(r, 5) = s[3];
  field(r, 6) = s[4];
  UC_RETURN(r);
}

/* Unix.group_entry: name passwd gid mem. */
static value alloc_group(const struct group *g, const char *fn) {
  if (g == NULL) {
    if (errno == EINTR) uc_unix_fail(fn, VAL_UNIT);
    uc_raise_not_found();
  }
  value name = VAL_UNIT, pass = VAL_UNIT, mem = VAL_UNIT;
  UC_ROOTS3(name, pass, mem);
  name = uc_copy_string(g->gr_name);
  pass = uc_copy_string(g->gr_passwd);
  mem = uc_copy_string_array((const char *const *)g->gr_mem);
  value r = uc_alloc_small(4, 0);
  field(r, 0) = name;
  field(r, 1) = pass;
  field(r, 2) = val_long(g->gr_gid);
  field(r, 3) = mem;
  UC_RETURN(r);
}

PRIM value unix_getpwnam(value name) {
  errno = 0;
  return alloc_passwd(getpwnam(string_ptr(name)), "getpwnam");
}
PRIM value unix_getpwuid(value id) {
  errno = 0;
  return alloc_passwd(getpwuid((uid_t)long_val(id)), "getpwuid");
}
PRIM value unix_getgrnam(value name) {
  errno = 0;
  return alloc_group(getgrnam(string_ptr(name)), "getgrnam");
}
PRIM value unix_getgrgid(value id) {
  errno = 0;
  return alloc_group(getgrgid((gid_t)long_val(id)), "getgrgid");
}
