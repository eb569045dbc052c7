/* prim_unix_proc.c: the Unix library's processes, signals and environment.
 * The VM runs one OCaml thread, so fork needs no preparation. */
#define _GNU_SOURCE   /* execvpe */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unix_prims.h"

extern char **environ;

PRIM value unix_getpid(value unit) { return val_long(getpid()); }
PRIM value unix_getppid(value unit) { return val_long(getppid()); }

PRIM value unix_fork(value unit) {
  pid_t pid = fork();
  if (pid == -1) uc_unix_fail("fork", VAL_UNIT);
  return val_long(pid);
}

PRIM value unix_exit(value code) { _exit(int_val(code)); }

PRIM value unix_nice(value incr) {
  errno = 0;
  int r = nice(int_val(incr));
  if (r == -1 && errno != 0) uc_unix_fail("nice", VAL_UNIT);
  return val_int(r);
}

PRIM value unix_setsid(value unit) {
  pid_t r = setsid();
  if (r == -1) uc_unix_fail("setsid", VAL_UNIT);
  return val_long(r);
}

/* A NULL-terminated copy of a string array; strings with NUL bytes name
 * nothing an exec could take. */
static char **string_vector(value arr, const char *fn) {
  mlsize_t n = wosize_val(arr);
  for (mlsize_t i = 0; i < n; i++)
    if (memchr(string_ptr(field(arr, i)), 0, string_length(field(arr, i))) != NULL)
      uc_unix_error(EINVAL, fn, VAL_UNIT);
  char **v = malloc((n + 1) * sizeof *v);
  if (v == NULL) uc_raise_out_of_memory();
  for (mlsize_t i = 0; i < n; i++) v[i] = string_ptr(field(arr, i));
  v[n] = NULL;
  return v;
}

PRIM value unix_execv(value path, value args) {
  uc_unix_check_path(path, "execv");
  char **argv = string_vector(args, "execv");
  execv(string_ptr(path), argv);
  free(argv);
  uc_unix_fail("execv", path);
}

PRIM value unix_execve(value path, value args, value env) {
  uc_unix_check_path(path, "execve");
  char **argv = string_vector(args, "execve"), **envp = string_vector(env, "execve");
  execve(string_ptr(path), argv, envp);
  free(argv), free(envp);
  uc_unix_fail("execve", path);
}

PRIM value unix_execvp(value path, value args) {
  uc_unix_check_path(path, "execvp");
  char **argv = string_vector(args, "execvp");
  execvp(string_ptr(path), argv);
  free(argv);
  uc_unix_fail("execvp", path);
}

PRIM value unix_execvpe(value path, value args, value env) {
  uc_unix_check_path(path, "execvpe");
  char **argv = string_vector(args, "execvpe"), **envp = string_vector(env, "execvpe");
  execvpe(string_ptr(path), argv, envp);
  free(argv), free(envp);
  uc_unix_fail("execvpe", path);
}

/* Unix.create_process and friends.  fork and exec rather than posix_spawn:
 * a failed exec is reported to the parent through a close-on-exec pipe,
 * on every system and emulator (qemu-user's posix_spawn cannot tell). */
PRIM value unix_spawn(value exe, value args, value optenv, value usepath, value redirect) {
  uc_unix_check_path(exe, "create_process");
  char **argv = string_vector(args, "create_process");
  char **envp = optenv != VAL_NONE ? string_vector(some_val(optenv), "create_process") : environ;
  int redir[3];
  for (int i = 0; i < 3; i++) redir[i] = int_val(field(redirect, i));
  int report[2];
  if (pipe2(report, O_CLOEXEC) == -1) {
    free(argv);
    if (optenv != VAL_NONE) free(envp);
    uc_unix_fail("create_process", exe);
  }
  pid_t pid = fork();
  if (pid == 0) {
    int err = 0;
    for (int dst = 0; dst <= 2 && err == 0; dst++) {
      int src = redir[dst];
      if (src == dst) continue;
      if (dup2(src, dst) == -1) err = errno;
      /* The source is closed after its last use as a redirection. */
      int last = 1;
      for (int j = dst + 1; j <= 2; j++)
        if (redir[j] == src) last = 0;
      if (last) close(src);
    }
    if (err == 0) {
      if (bool_val(usepath)) execvpe(string_ptr(exe), argv, envp);
      else execve(string_ptr(exe), argv, envp);
      err = errno;
    }
    ssize_t unused = write(report[1], &err, sizeof err);
    (void)unused;
    _exit(127);
  }
  int fork_err = errno;
  close(report[1]);
  free(argv);
  if (optenv != VAL_NONE) free(envp);
  if (pid == -1) {
    close(report[0]);
    uc_unix_error(fork_err, "create_process", exe);
  }
  int err = 0;
  ssize_t n;
  do n = read(report[0], &err, sizeof err);
  while (n == -1 && errno == EINTR);
  close(report[0]);
  if (n == (ssize_t)sizeof err) {
    int st;
    while (waitpid(pid, &st, 0) == -1 && errno == EINTR) {}
    uc_unix_error(err, "create_process", exe);
  }
  return val_long(pid);
}

/* (pid, process_status): WEXITED n, WSIGNALED s, WSTOPPED s (tags 0-2). */
static value wait_result(pid_t pid, int status) {
  int tag, n;
  if (WIFEXITED(status)) tag = 0, n = WEXITSTATUS(status);
  else if (WIFSTOPPED(status)) tag = 2, n = (int)uc_unix_signal_to_ocaml(WSTOPSIG(status));
  else tag = 1, n = (int)uc_unix_signal_to_ocaml(WTERMSIG(status));
  value st = uc_alloc_small(1, (tag_t)tag);
  field(st, 0) = val_int(n);
  UC_ROOTS1(st);
  value r = uc_alloc_small(2, 0);
  field(r, 0) = val_long(pid);
  field(r, 1) = st;
  UC_RETURN(r);
}

PRIM value unix_wait(value unit) {
  int status = 0;
  pid_t pid;
  pid = wait(&status);
  if (pid == -1) uc_unix_fail("wait", VAL_UNIT);
  return wait_result(pid, status);
}

static const int wait_flags[] = {WNOHANG, WUNTRACED};

PRIM value unix_waitpid(value flags, value pid_) {
  int status = 0;
  pid_t pid = waitpid((pid_t)long_val(pid_), &status, uc_unix_flags(flags, wait_flags, 2));
  if (pid == -1) uc_unix_fail("waitpid", VAL_UNIT);
  return wait_result(pid, status);
}

PRIM value unix_kill(value pid, value sig) {
  if (kill((pid_t)long_val(pid), uc_unix_signal_of_ocaml(long_val(sig))) == -1) uc_unix_fail("kill", VAL_UNIT);
  return VAL_UNIT;
}

/* ---- signal masks: lists of OCaml signal numbers ---- */

static sigset_t sigset_of_list(value list) {
  sigset_t s;
  sigemptyset(&s);
  for (; list != VAL_EMPTYLIST; list = field(list, 1))
    sigaddset(&s, uc_unix_signal_of_ocaml(long_val(field(list, 0))));
  return s;
}

static value list_of_sigset(const sigset_t *s) {
  int sigs[64], n = 0;
  for (int i = 1; i < 64 && n < 64; i++)
    if (sigismember(s, i) == 1) sigs[n++] = (int)uc_unix_signal_to_ocaml(i);
  return uc_unix_alloc_int_list(sigs, n);
}

static const int sigmask_commands[] = {SIG_SETMASK, SIG_BLOCK, SIG_UNBLOCK};

PRIM value unix_sigprocmask(value cmd, value sigs) {
  sigset_t s = sigset_of_list(sigs), old;
  int r = sigprocmask(sigmask_commands[int_val(cmd)], &s, &old);
  if (r != 0) uc_unix_fail("sigprocmask", VAL_UNIT);
  return list_of_sigset(&old);
}

PRIM value unix_sigpending(value unit) {
  sigset_t s;
  if (sigpending(&s) == -1) uc_unix_fail("sigpending", VAL_UNIT);
  return list_of_sigset(&s);
}

PRIM value unix_sigsuspend(value sigs) {
  sigset_t s = sigset_of_list(sigs);
  if (sigsuspend(&s) == -1 && errno != EINTR) uc_unix_fail("sigsuspend", VAL_UNIT);
  return VAL_UNIT;
}

/* ---- environment ---- */

PRIM value unix_environment(value unit) {
  return uc_copy_string_array((const char *const *)environ);
}
PRIM value unix_environment_unsafe(value unit) { return unix_environment(unit); }

PRIM value unix_putenv(value name, value val) {
  mlsize_t nl = string_length(name), vl = string_length(val);
  if (memchr(string_ptr(name), 0, nl) != NULL || memchr(string_ptr(val), 0, vl) != NULL)
    uc_unix_error(EINVAL, "putenv", name);
  /* putenv keeps the string: it must outlive this call. */
  char *s = malloc(nl + vl + 2);
  if (s == NULL) uc_unix_error(ENOMEM, "putenv", name);
  memcpy(s, string_ptr(name), nl);
  s[nl] = '=';
  memcpy(s + nl + 1, string_ptr(val), vl);
  s[nl + vl + 1] = 0;
  if (putenv(s) == -1) {
    free(s);
    uc_unix_fail("putenv", name);
  }
  return VAL_UNIT;
}
