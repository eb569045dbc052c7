/* prim_unix_files.c: the Unix library's descriptors, files and directories. */
/* 64-bit offsets and inode numbers on 32-bit hosts too: readdir and stat
 * would fail with EOVERFLOW on large file systems. */
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/select.h>
#include <sys/types.h>
#include <unistd.h>
#include "unix_prims.h"

/* Reads and writes move at most this much per system call, as ocamlrun's
 * do through their buffer: a read of more returns less. */
#define IO_CHUNK 65536

/* Unix.open_flag, in unix.mli's order; O_CLOEXEC and O_KEEPEXEC apart. */
static const int open_flags[] = {
  O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK, O_APPEND, O_CREAT, O_TRUNC, O_EXCL,
  O_NOCTTY, O_DSYNC, O_SYNC, O_RSYNC, 0, 0, 0,
};
enum { OPEN_CLOEXEC = 13, OPEN_KEEPEXEC = 14 };

PRIM value unix_open(value path, value flags, value perm) {
  uc_unix_check_path(path, "open");
  int f = uc_unix_flags(flags, open_flags, 15), cloexec = 0;
  for (value l = flags; l != VAL_EMPTYLIST; l = field(l, 1)) {
    if (long_val(field(l, 0)) == OPEN_CLOEXEC) cloexec = 1;
    if (long_val(field(l, 0)) == OPEN_KEEPEXEC) cloexec = 0;
  }
  if (cloexec) f |= O_CLOEXEC;
  int fd = open(string_ptr(path), f, int_val(perm));
  if (fd == -1) uc_unix_fail("open", path);
  return val_int(fd);
}

PRIM value unix_close(value fd) {
  if (close(int_val(fd)) == -1) uc_unix_fail("close", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_fsync(value fd) {
  if (fsync(int_val(fd)) == -1) uc_unix_fail("fsync", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_read(value fd, value buf, value ofs, value len) {
  intnat n = long_val(len);
  if (n > IO_CHUNK) n = IO_CHUNK;
  ssize_t r = read(int_val(fd), bytes_ptr(buf) + long_val(ofs), (size_t)n);
  if (r == -1) uc_unix_fail("read", VAL_UNIT);
  return val_long(r);
}

PRIM value unix_write(value fd, value buf, value ofs, value len) {
  intnat done = 0, n = long_val(len), o = long_val(ofs);
  while (n > 0) {
    size_t chunk = n > IO_CHUNK ? IO_CHUNK : (size_t)n;
    ssize_t r = write(int_val(fd), bytes_ptr(buf) + o, chunk);
    if (r == -1) {
      /* Non-blocking descriptor full after some bytes: report those. */
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && done > 0) break;
      uc_unix_fail("write", VAL_UNIT);
    }
    done += r, o += r, n -= r;
  }
  return val_long(done);
}

PRIM value unix_single_write(value fd, value buf, value ofs, value len) {
  intnat n = long_val(len);
  if (n == 0) return val_int(0);
  if (n > IO_CHUNK) n = IO_CHUNK;
  ssize_t r = write(int_val(fd), bytes_ptr(buf) + long_val(ofs), (size_t)n);
  if (r == -1) uc_unix_fail("single_write", VAL_UNIT);
  return val_long(r);
}

/* Channels need descriptors that behave as streams. */
static int stream_error(int fd) {
  struct stat st;
  if (fstat(fd, &st) == -1) return errno;
  switch (st.st_mode & S_IFMT) {
  case S_IFREG: case S_IFCHR: case S_IFIFO: return 0;
  case S_IFSOCK: {
    int type;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1) return errno;
    return type == SOCK_STREAM ? 0 : EINVAL;
  }
  default: return EINVAL;
  }
}

value caml_ml_open_descriptor_in(value fd);
value caml_ml_open_descriptor_out(value fd);

PRIM value unix_inchannel_of_filedescr(value fd) {
  int err = stream_error(int_val(fd));
  if (err) uc_unix_error(err, "in_channel_of_descr", VAL_UNIT);
  return caml_ml_open_descriptor_in(fd);
}

PRIM value unix_outchannel_of_filedescr(value fd) {
  int err = stream_error(int_val(fd));
  if (err) uc_unix_error(err, "out_channel_of_descr", VAL_UNIT);
  return caml_ml_open_descriptor_out(fd);
}

static const int seek_commands[] = {SEEK_SET, SEEK_CUR, SEEK_END};

PRIM value unix_lseek(value fd, value ofs, value cmd) {
  off_t r = lseek(int_val(fd), (off_t)long_val(ofs), seek_commands[int_val(cmd)]);
  if (r == -1) uc_unix_fail("lseek", VAL_UNIT);
  if (r > (off_t)MAX_LONG) uc_unix_error(EOVERFLOW, "lseek", VAL_UNIT);
  return val_long((intnat)r);
}

PRIM value unix_lseek_64(value fd, value ofs, value cmd) {
  off_t r = lseek(int_val(fd), (off_t)int64_val(ofs), seek_commands[int_val(cmd)]);
  if (r == -1) uc_unix_fail("lseek", VAL_UNIT);
  return uc_copy_int64((int64_t)r);
}

PRIM value unix_truncate(value path, value len) {
  uc_unix_check_path(path, "truncate");
  if (truncate(string_ptr(path), (off_t)long_val(len)) == -1) uc_unix_fail("truncate", path);
  return VAL_UNIT;
}
PRIM value unix_truncate_64(value path, value len) {
  uc_unix_check_path(path, "truncate");
  if (truncate(string_ptr(path), (off_t)int64_val(len)) == -1) uc_unix_fail("truncate", path);
  return VAL_UNIT;
}
PRIM value unix_ftruncate(value fd, value len) {
  if (ftruncate(int_val(fd), (off_t)long_val(len)) == -1) uc_unix_fail("ftruncate", VAL_UNIT);
  return VAL_UNIT;
}
PRIM value unix_ftruncate_64(value fd, value len) {
  if (ftruncate(int_val(fd), (off_t)int64_val(len)) == -1) uc_unix_fail("ftruncate", VAL_UNIT);
  return VAL_UNIT;
}

/* ---- stat ---- */

/* A time stamp whose integer part stays the second it belongs to. */
static double timestamp(time_t sec, long nsec) {
  double s = (double)sec, t = s + (double)nsec / 1e9;
  if (t == s + 1.0) t = nextafter(t, s);
  return t;
}

/* Unix.file_kind: S_REG S_DIR S_CHR S_BLK S_LNK S_FIFO S_SOCK. */
static int file_kind(mode_t m) {
  switch (m & S_IFMT) {
  case S_IFDIR: return 1;
  case S_IFCHR: return 2;
  case S_IFBLK: return 3;
  case S_IFLNK: return 4;
  case S_IFIFO: return 5;
  case S_IFSOCK: return 6;
  default: return 0;
  }
}

static value alloc_stats(const struct stat *st, int large) {
  value at = VAL_UNIT, mt = VAL_UNIT, ct = VAL_UNIT, size = VAL_UNIT;
  UC_ROOTS4(at, mt, ct, size);
  at = uc_copy_double(timestamp(st->st_atim.tv_sec, st->st_atim.tv_nsec));
  mt = uc_copy_double(timestamp(st->st_mtim.tv_sec, st->st_mtim.tv_nsec));
  ct = uc_copy_double(timestamp(st->st_ctim.tv_sec, st->st_ctim.tv_nsec));
  size = large ? uc_copy_int64((int64_t)st->st_size) : val_long((intnat)st->st_size);
  value r = uc_alloc_small(12, 0);
  field(r, 0) = val_long((intnat)st->st_dev);
  field(r, 1) = val_long((intnat)st->st_ino);
  field(r, 2) = val_int(file_kind(st->st_mode));
  field(r, 3) = val_int(st->st_mode & 07777);
  field(r, 4) = val_long((intnat)st->st_nlink);
  field(r, 5) = val_long((intnat)st->st_uid);
  field(r, 6) = val_long((intnat)st->st_gid);
  field(r, 7) = val_long((intnat)st->st_rdev);
  field(r, 8) = size;
  field(r, 9) = at;
  field(r, 10) = mt;
  field(r, 11) = ct;
  UC_RETURN(r);
}

static int too_large(const struct stat *st) {
  return (intmax_t)st->st_size > (intmax_t)MAX_LONG && S_ISREG(st->st_mode);
}

static value stat_path(value path, int follow, int large) {
  const char *fn = follow ? "stat" : "lstat";
  uc_unix_check_path(path, fn);
  struct stat st;
  if ((follow ? stat : lstat)(string_ptr(path), &st) == -1) uc_unix_fail(fn, path);
  if (!large && too_large(&st)) uc_unix_error(EOVERFLOW, fn, path);
  return alloc_stats(&st, large);
}

static value stat_fd(value fd, int large) {
  struct stat st;
  if (fstat(int_val(fd), &st) == -1) uc_unix_fail("fstat", VAL_UNIT);
  if (!large && too_large(&st)) uc_unix_error(EOVERFLOW, "fstat", VAL_UNIT);
  return alloc_stats(&st, large);
}

PRIM value unix_stat(value path) { return stat_path(path, 1, 0); }
PRIM value unix_lstat(value path) { return stat_path(path, 0, 0); }
PRIM value unix_stat_64(value path) { return stat_path(path, 1, 1); }
PRIM value unix_lstat_64(value path) { return stat_path(path, 0, 1); }
PRIM value unix_fstat(value fd) { return stat_fd(fd, 0); }
PRIM value unix_fstat_64(value fd) { return stat_fd(fd, 1); }

PRIM value unix_isatty(value fd) { return val_bool(isatty(int_val(fd))); }

/* ---- names ---- */

/* The calls on one path that return nothing; ENOENT for a NUL in it. */
static value path_call(value path, int r, const char *fn) {
  if (r == -1) uc_unix_fail(fn, path);
  return VAL_UNIT;
}
#define SAFE_PATH(path, fn) (uc_unix_check_path(path, fn), string_ptr(path))

PRIM value unix_unlink(value path) { return path_call(path, unlink(SAFE_PATH(path, "unlink")), "unlink"); }
PRIM value unix_rmdir(value path) { return path_call(path, rmdir(SAFE_PATH(path, "rmdir")), "rmdir"); }
PRIM value unix_chdir(value path) { return path_call(path, chdir(SAFE_PATH(path, "chdir")), "chdir"); }
PRIM value unix_chroot(value path) { return path_call(path, chroot(SAFE_PATH(path, "chroot")), "chroot"); }
PRIM value unix_mkdir(value path, value perm) {
  return path_call(path, mkdir(SAFE_PATH(path, "mkdir"), (mode_t)int_val(perm)), "mkdir");
}
PRIM value unix_chmod(value path, value perm) {
  return path_call(path, chmod(SAFE_PATH(path, "chmod"), (mode_t)int_val(perm)), "chmod");
}
PRIM value unix_mkfifo(value path, value perm) {
  return path_call(path, mkfifo(SAFE_PATH(path, "mkfifo"), (mode_t)int_val(perm)), "mkfifo");
}

PRIM value unix_fchmod(value fd, value perm) {
  if (fchmod(int_val(fd), (mode_t)int_val(perm)) == -1) uc_unix_fail("fchmod", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_chown(value path, value uid, value gid) {
  uc_unix_check_path(path, "chown");
  if (chown(string_ptr(path), (uid_t)int_val(uid), (gid_t)int_val(gid)) == -1) uc_unix_fail("chown", path);
  return VAL_UNIT;
}

PRIM value unix_fchown(value fd, value uid, value gid) {
  if (fchown(int_val(fd), (uid_t)int_val(uid), (gid_t)int_val(gid)) == -1) uc_unix_fail("fchown", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_rename(value from, value to) {
  uc_unix_check_path(from, "rename");
  uc_unix_check_path(to, "rename");
  if (rename(string_ptr(from), string_ptr(to)) == -1) uc_unix_fail("rename", from);
  return VAL_UNIT;
}

PRIM value unix_link(value follow, value from, value to) {
  uc_unix_check_path(from, "link");
  uc_unix_check_path(to, "link");
  int r;
  if (follow == VAL_NONE) r = link(string_ptr(from), string_ptr(to));
  else r = linkat(AT_FDCWD, string_ptr(from), AT_FDCWD, string_ptr(to),
                  bool_val(some_val(follow)) ? AT_SYMLINK_FOLLOW : 0);
  if (r == -1) uc_unix_fail("link", to);
  return VAL_UNIT;
}

PRIM value unix_symlink(value to_dir, value from, value to) {
  uc_unix_check_path(from, "symlink");
  uc_unix_check_path(to, "symlink");
  if (symlink(string_ptr(from), string_ptr(to)) == -1) uc_unix_fail("symlink", to);
  return VAL_UNIT;
}

PRIM value unix_has_symlink(value unit) { return VAL_TRUE; }

PRIM value unix_readlink(value path) {
  uc_unix_check_path(path, "readlink");
  char buf[PATH_MAX];
  ssize_t n = readlink(string_ptr(path), buf, sizeof buf - 1);
  if (n == -1) uc_unix_fail("readlink", path);
  return uc_copy_bytes(buf, (mlsize_t)n);
}

PRIM value unix_realpath(value path) {
  uc_unix_check_path(path, "realpath");
  char *r = realpath(string_ptr(path), NULL);
  if (r == NULL) uc_unix_fail("realpath", path);
  value s = uc_copy_string(r);
  free(r);
  return s;
}

PRIM value unix_getcwd(value unit) {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == NULL) uc_unix_fail("getcwd", VAL_UNIT);
  return uc_copy_string(buf);
}

PRIM value unix_umask(value perm) { return val_int(umask((mode_t)int_val(perm))); }

/* Unix.access_permission: R_OK W_OK X_OK F_OK. */
static const int access_modes[] = {R_OK, W_OK, X_OK, F_OK};

PRIM value unix_access(value path, value perms) {
  uc_unix_check_path(path, "access");
  if (access(string_ptr(path), uc_unix_flags(perms, access_modes, 4)) == -1) uc_unix_fail("access", path);
  return VAL_UNIT;
}

/* ---- descriptors ---- */

static int cloexec_of(value opt) { return opt != VAL_NONE && bool_val(some_val(opt)); }

PRIM value unix_dup(value cloexec, value fd) {
  int r = fcntl(int_val(fd), cloexec_of(cloexec) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
  if (r == -1) uc_unix_fail("dup", VAL_UNIT);
  return val_int(r);
}

PRIM value unix_dup2(value cloexec, value from, value to) {
  int f = int_val(from), t = int_val(to);
  if (f == t) {
    /* dup3 refuses equal descriptors; only the flag changes. */
    if (cloexec != VAL_NONE) {
      int fl = fcntl(f, F_GETFD);
      if (fl == -1 || fcntl(f, F_SETFD, cloexec_of(cloexec) ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC) == -1)
        uc_unix_fail("dup2", VAL_UNIT);
    } else if (fcntl(f, F_GETFD) == -1) {
      uc_unix_fail("dup2", VAL_UNIT);
    }
    return VAL_UNIT;
  }
  if (dup2(f, t) == -1) uc_unix_fail("dup2", VAL_UNIT);
  if (cloexec_of(cloexec)) fcntl(t, F_SETFD, FD_CLOEXEC);
  return VAL_UNIT;
}

PRIM value unix_pipe(value cloexec, value unit) {
  int fds[2];
  if (pipe(fds) == -1) uc_unix_fail("pipe", VAL_UNIT);
  if (cloexec_of(cloexec)) fcntl(fds[0], F_SETFD, FD_CLOEXEC), fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  value r = uc_alloc_small(2, 0);
  field(r, 0) = val_int(fds[0]);
  field(r, 1) = val_int(fds[1]);
  return r;
}

static value change_flag(value fd, int get, int set, int bit, int on, const char *fn) {
  int fl = fcntl(int_val(fd), get);
  if (fl == -1 || fcntl(int_val(fd), set, on ? fl | bit : fl & ~bit) == -1) uc_unix_fail(fn, VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_set_nonblock(value fd) { return change_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, 1, "set_nonblock"); }
PRIM value unix_clear_nonblock(value fd) { return change_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, 0, "clear_nonblock"); }
PRIM value unix_set_close_on_exec(value fd) { return change_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, 1, "set_close_on_exec"); }
PRIM value unix_clear_close_on_exec(value fd) { return change_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, 0, "clear_close_on_exec"); }

/* Unix.lock_command: F_ULOCK F_LOCK F_TLOCK F_TEST F_RLOCK F_TRLOCK; the
 * read locks are fcntl's shared locks. */
PRIM value unix_lockf(value fd, value cmd, value span) {
  struct flock l;
  memset(&l, 0, sizeof l);
  l.l_whence = SEEK_CUR;
  intnat n = long_val(span);
  l.l_start = n < 0 ? (off_t)n : 0;
  l.l_len = n < 0 ? (off_t)-n : (off_t)n;
  int op, c = int_val(cmd);
  switch (c) {
  case 0: l.l_type = F_UNLCK; op = F_SETLK; break;
  case 1: l.l_type = F_WRLCK; op = F_SETLKW; break;
  case 2: l.l_type = F_WRLCK; op = F_SETLK; break;
  case 3:
    l.l_type = F_WRLCK;
    if (fcntl(int_val(fd), F_GETLK, &l) == -1) uc_unix_fail("lockf", VAL_UNIT);
    if (l.l_type != F_UNLCK) uc_unix_error(EACCES, "lockf", VAL_UNIT);
    return VAL_UNIT;
  case 4: l.l_type = F_RDLCK; op = F_SETLKW; break;
  default: l.l_type = F_RDLCK; op = F_SETLK; break;
  }
  if (fcntl(int_val(fd), op, &l) == -1) {
    if (errno == EAGAIN) errno = EACCES;
    uc_unix_fail("lockf", VAL_UNIT);
  }
  return VAL_UNIT;
}

/* ---- directories: an abstract block holding the DIR pointer ---- */

#define DIR_OF(v) (*(DIR **)(v))

PRIM value unix_opendir(value path) {
  uc_unix_check_path(path, "opendir");
  DIR *d = opendir(string_ptr(path));
  if (d == NULL) uc_unix_fail("opendir", path);
  value r = uc_alloc_small(1, ABSTRACT_TAG);
  DIR_OF(r) = d;
  return r;
}

PRIM value unix_readdir(value h) {
  DIR *d = DIR_OF(h);
  if (d == NULL) uc_unix_error(EBADF, "readdir", VAL_UNIT);
  struct dirent *e = readdir(d);
  if (e == NULL) uc_raise_end_of_file();
  return uc_copy_string(e->d_name);
}

PRIM value unix_rewinddir(value h) {
  DIR *d = DIR_OF(h);
  if (d == NULL) uc_unix_error(EBADF, "rewinddir", VAL_UNIT);
  rewinddir(d);
  return VAL_UNIT;
}

PRIM value unix_closedir(value h) {
  DIR *d = DIR_OF(h);
  if (d == NULL) uc_unix_error(EBADF, "closedir", VAL_UNIT);
  closedir(d);
  DIR_OF(h) = NULL;
  return VAL_UNIT;
}

/* ---- select: the lists of ready descriptors come out in reverse order
 * of the lists given, as ocamlrun's do ---- */

static int fill_fdset(value list, fd_set *set, int *maxfd) {
  FD_ZERO(set);
  for (; list != VAL_EMPTYLIST; list = field(list, 1)) {
    int fd = int_val(field(list, 0));
    if (fd < 0 || fd >= FD_SETSIZE) return -1;
    FD_SET(fd, set);
    if (fd > *maxfd) *maxfd = fd;
  }
  return 0;
}

static value ready_list(value list, const fd_set *set) {
  value res = VAL_EMPTYLIST;
  UC_ROOTS2(list, res);
  for (; list != VAL_EMPTYLIST; list = field(list, 1)) {
    int fd = int_val(field(list, 0));
    if (!FD_ISSET(fd, set)) continue;
    value cell = uc_alloc_small(2, 0);
    field(cell, 0) = val_int(fd);
    field(cell, 1) = res;
    res = cell;
  }
  UC_RETURN(res);
}

PRIM value unix_select(value rd, value wr, value ex, value timeout) {
  fd_set r, w, e;
  int maxfd = -1;
  if (fill_fdset(rd, &r, &maxfd) || fill_fdset(wr, &w, &maxfd) || fill_fdset(ex, &e, &maxfd))
    uc_unix_error(EINVAL, "select", VAL_UNIT);
  double t = double_val(timeout);
  struct timeval tv, *tvp = NULL;
  if (t >= 0.0) {
    tv.tv_sec = (time_t)t;
    tv.tv_usec = (suseconds_t)(1e6 * (t - (double)tv.tv_sec));
    tvp = &tv;
  }
  if (select(maxfd + 1, &r, &w, &e, tvp) == -1) uc_unix_fail("select", VAL_UNIT);
  UC_ROOTS3(rd, wr, ex);
  rd = ready_list(rd, &r);
  wr = ready_list(wr, &w);
  ex = ready_list(ex, &e);
  value res = uc_alloc_small(3, 0);
  field(res, 0) = rd;
  field(res, 1) = wr;
  field(res, 2) = ex;
  UC_RETURN(res);
}
