/* cli_compile.c: `ucaml run` and `ucaml build`: OCaml sources to bytecode
 * with the stock ocamlc (through ocamlfind when packages are named), then
 * run on the host or turned into a firmware image for a board. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include "cli.h"

#define MAX_ITEMS 256

struct job {
  const char *target;          /* "unix" or a board */
  const char *files[MAX_ITEMS];
  int nfiles;
  const char *packages[MAX_ITEMS];
  int npackages;
  const char *output;
  const char *crunch[MAX_ITEMS];   /* Name=DIR: read-only stores (tools/crunch) */
  int ncrunch;
  const char *ram;             /* board RAM budget, e.g. "80k" */
  const char *timeout;         /* --timeout SECONDS: stop the program then */
  const char *forwards[MAX_ITEMS];   /* --forward SPEC: the board's ports */
  int nforwards;
  int debug;                   /* -g: keep debug info (always on the host) */
  int prog_argc;
  char **prog_argv;
  struct uc_settings settings;
};

static char workdir[PATH_MAX];

static void remove_workdir(void) {
  if (workdir[0] == 0) return;
  DIR *d = opendir(workdir);
  if (d != NULL) {
    struct dirent *e;
    char path[PATH_MAX + 300];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", workdir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(workdir);
  workdir[0] = 0;
}

static const char *make_workdir(void) {
  if (workdir[0] != 0) return workdir;
  const char *tmp = getenv("TMPDIR");
  snprintf(workdir, sizeof workdir, "%s/ucaml.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(workdir) == NULL) {
    fprintf(stderr, "ucaml: cannot create a temporary directory: %s\n", strerror(errno));
    exit(2);
  }
  atexit(remove_workdir);
  return workdir;
}

const char *cli_root(void) {
  static char root[PATH_MAX];
  if (root[0]) return root;
  const char *env = getenv("UCAML_ROOT");
  if (env != NULL) {
    snprintf(root, sizeof root, "%s", env);
    return root;
  }
  ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
  if (n <= 0) return ".";
  root[n] = 0;
  /* <root>/build/<port>/ucaml */
  for (int up = 0; up < 3; up++) {
    char *slash = strrchr(root, '/');
    if (slash == NULL) return ".";
    *slash = 0;
  }
  return root;
}

/* Ctrl-C, a hang-up or a kill while a child runs (the compiler, a board's
 * emulator): the child gets the signal too (sent on to it when it came to
 * us alone), we wait for it to end, then remove the work directory and
 * die of the same signal. */
static volatile pid_t running_child;
static volatile sig_atomic_t stopping_signal;

static void on_stop_signal(int sig) {
  stopping_signal = sig;
  if (running_child > 0) kill(running_child, sig);
}

static void catch_stop_signals(void) {
  static int done;
  if (done) return;
  done = 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

static void die_of_stop_signal(void) {
  int sig = stopping_signal;
  if (sig == 0) return;
  remove_workdir();
  signal(sig, SIG_DFL);
  raise(sig);
  _exit(128 + sig);
}

/* Runs argv in dir, waits; returns the exit status (or 127/128+sig). */
static int run_command(char *const argv[], const char *dir) {
  catch_stop_signals();
  die_of_stop_signal();
  pid_t pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    if (dir != NULL && chdir(dir) != 0) _exit(127);
    execvp(argv[0], argv);
    fprintf(stderr, "ucaml: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  running_child = pid;
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      running_child = 0;
      return 127;
    }
  running_child = 0;
  die_of_stop_signal();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

/* `--timeout` for a program run on the host, in this process. */
static void on_host_timeout(int sig) {
  (void)sig;
  static const char msg[] = "ucaml: --timeout reached, program stopped\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  remove_workdir();
  _exit(124);
}

/* Ctrl-C of a program run on the host: the work directory goes with it
 * (unless the program asked for the signal itself: Sys.signal). */
static void on_host_stop(int sig) {
  remove_workdir();
  signal(sig, SIG_DFL);
  raise(sig);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static void add_file(struct job *j, const char *f) {
  if (j->nfiles == MAX_ITEMS) {
    fprintf(stderr, "ucaml: too many files\n");
    exit(2);
  }
  j->files[j->nfiles++] = f;
}

/* `ucaml.crunch` lines "Name subdir": subdir's files become module Name, a
 * read-only key-value store inside the program (tools/crunch). */
static void add_crunch_list(struct job *j, const char *dir) {
  char path[PATH_MAX], name[128], sub[PATH_MAX / 2];
  snprintf(path, sizeof path, "%s/ucaml.crunch", dir);
  FILE *f = fopen(path, "r");
  if (f == NULL) return;
  while (j->ncrunch < MAX_ITEMS && fscanf(f, "%127s %2047s", name, sub) == 2) {
    char *spec = malloc(strlen(name) + strlen(dir) + strlen(sub) + 3);
    sprintf(spec, "%s=%s/%s", name, dir, sub);
    j->crunch[j->ncrunch++] = spec;
  }
  fclose(f);
}

/* Runs tools/crunch: `gen` (modules into dir, before compiling; their names
 * are appended to argv from *n) or `attach` (the data, to the program). */
static int crunch(const struct job *j, const char *dir, char **argv, int *n, const char *prog) {
  if (j->ncrunch == 0) return 1;
  char tool[PATH_MAX];
  snprintf(tool, sizeof tool, "%s/tools/crunch", cli_root());
  char blob[PATH_MAX + 16];
  snprintf(blob, sizeof blob, "%s/crunch.blob", dir);
  if (prog != NULL) {
    char *args[] = {"python3", tool, "attach", (char *)prog, blob, NULL};
    return run_command(args, NULL) == 0;
  }
  char *args[MAX_ITEMS + 5] = {"python3", tool, "gen", (char *)dir};
  for (int i = 0; i < j->ncrunch; i++) {
    args[4 + i] = (char *)j->crunch[i];
    const char *name = strchr(j->crunch[i], '=');
    char *ml = strndup(j->crunch[i], (size_t)(name - j->crunch[i]));
    ml[0] = (char)(ml[0] >= 'A' && ml[0] <= 'Z' ? ml[0] + 32 : ml[0]);
    char *file = malloc(strlen(ml) + 4);
    sprintf(file, "%s.ml", ml);
    argv[(*n)++] = file;
    free(ml);
  }
  args[4 + j->ncrunch] = NULL;
  int null = open("/dev/null", O_WRONLY);
  int saved = dup(1);
  dup2(null, 1);   /* gen prints the files it writes */
  int rc = run_command(args, NULL);
  dup2(saved, 1);
  close(saved);
  close(null);
  return rc == 0;
}

/* The library of unikernel devices (build/ocaml/ucaml-mirage) is found by
 * ocamlfind through OCAMLPATH. */
static void add_ocamlpath(void) {
  const char *old = getenv("OCAMLPATH");
  char *path = malloc(strlen(cli_root()) + (old ? strlen(old) : 0) + 16);
  sprintf(path, "%s/build/ocaml%s%s", cli_root(), old && *old ? ":" : "", old && *old ? old : "");
  setenv("OCAMLPATH", path, 1);
  free(path);
}

/* A directory stands for its sources: `ucaml.pkgs` (if any) lists packages,
 * `ucaml.files` the link order; otherwise main.ml alone. */
static void add_directory(struct job *j, const char *dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/ucaml.pkgs", dir);
  FILE *f = fopen(path, "r");
  char word[256];
  if (f != NULL) {
    while (fscanf(f, "%255s", word) == 1) j->packages[j->npackages++] = strdup(word);
    fclose(f);
  }
  add_crunch_list(j, dir);
  snprintf(path, sizeof path, "%s/ucaml.files", dir);
  f = fopen(path, "r");
  if (f != NULL) {
    while (fscanf(f, "%255s", word) == 1) {
      snprintf(path, sizeof path, "%s/%s", dir, word);
      add_file(j, strdup(path));
    }
    fclose(f);
    return;
  }
  snprintf(path, sizeof path, "%s/main.ml", dir);
  add_file(j, strdup(path));
}

static int parse_job(int argc, char **argv, struct job *j) {
  memset(j, 0, sizeof *j);
  j->target = "unix";
  uc_default_settings(&j->settings);
  int i = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    int used = cli_vm_option(argc, argv, i, &j->settings);
    if (used) {
      if (strcmp(a, "--heap") == 0) setenv("UCAML_HEAP", argv[i + 1], 1);
      else setenv("UCAML_STACK", argv[i + 1], 1);
      i += used - 1;
    } else if (strcmp(a, "-g") == 0) {
      j->debug = 1;
    } else if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if ((strcmp(a, "--target") == 0 || strcmp(a, "-package") == 0 ||
                strcmp(a, "-o") == 0 || strcmp(a, "--ram") == 0 ||
                strcmp(a, "--timeout") == 0 || strcmp(a, "--forward") == 0) && i + 1 < argc) {
      const char *v = argv[++i];
      if (strcmp(a, "--target") == 0) j->target = v;
      else if (strcmp(a, "-package") == 0) {
        if (j->npackages < MAX_ITEMS) j->packages[j->npackages++] = v;
      } else if (strcmp(a, "-o") == 0) j->output = v;
      else if (strcmp(a, "--timeout") == 0) {
        char *end;
        double t = strtod(v, &end);
        if (end == v || *end != 0 || t < 0) {
          fprintf(stderr, "ucaml: --timeout %s: expected a number of seconds\n", v);
          return 0;
        }
        j->timeout = v;
      } else if (strcmp(a, "--forward") == 0) {
        if (j->nforwards < MAX_ITEMS) j->forwards[j->nforwards++] = v;
      } else j->ram = v;
    } else if (has_suffix(a, ".ml") || has_suffix(a, ".mli")) {
      add_file(j, a);
    } else {
      struct stat st;
      if (stat(a, &st) == 0 && S_ISDIR(st.st_mode)) {
        add_directory(j, a);
      } else if (a[0] == '-') {
        fprintf(stderr, "ucaml: unknown option %s\n", a);
        return 0;
      } else {
        break;   /* first program argument */
      }
    }
  }
  j->prog_argc = argc - i;
  j->prog_argv = argv + i;
  if (j->nfiles == 0) {
    fprintf(stderr, "ucaml: no .ml file given\n");
    return 0;
  }
  return 1;
}

/* Copies the sources into the work directory and runs ocamlc there. */
static int compile(const struct job *j, const char *out) {
  const char *dir = make_workdir();
  char *argv[2 * MAX_ITEMS + 16];
  int n = 0;
  if (j->npackages > 0) {
    argv[n++] = "ocamlfind";
    argv[n++] = "ocamlc";
    for (int i = 0; i < j->npackages; i++) {
      argv[n++] = "-package";
      argv[n++] = (char *)j->packages[i];
    }
    argv[n++] = "-linkpkg";
  } else {
    argv[n++] = "ocamlc";
  }
  /* Debug info costs flash on a board (the stdlib's alone is ~1.4 MB). */
  if (j->debug || strcmp(j->target, "unix") == 0) argv[n++] = "-g";
  add_ocamlpath();
  if (!crunch(j, dir, argv, &n, NULL)) return 0;
  for (int i = 0; i < j->nfiles; i++) {
    char *src = realpath(j->files[i], NULL);
    if (src == NULL) {
      fprintf(stderr, "ucaml: %s: %s\n", j->files[i], strerror(errno));
      return 0;
    }
    const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
    char *copy = malloc(strlen(dir) + strlen(base) + 2);
    sprintf(copy, "%s/%s", dir, base);
    char *cp[] = {"cp", src, copy, NULL};
    if (run_command(cp, NULL) != 0) return 0;
    argv[n++] = (char *)base;
  }
  argv[n++] = "-o";
  argv[n++] = (char *)out;
  argv[n] = NULL;
  int rc = run_command(argv, dir);
  if (rc != 0) {
    if (rc == 127) fprintf(stderr, "ucaml: the OCaml compiler is missing (apt-get install ocaml-nox ocaml-findlib)\n");
    return 0;
  }
  return crunch(j, dir, NULL, NULL, out);
}

/* Sys.argv.(0): the last source file or directory, without its extension
 * ("examples/http/" gives "http"). */
static const char *program_name(const struct job *j) {
  char *path = strdup(j->files[j->nfiles - 1]);
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') path[--n] = 0;
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char *name = strdup(*base ? base : "main");
  free(path);
  char *dot = strrchr(name, '.');
  if (dot && dot != name) *dot = 0;
  return name;
}

/* Board images are built by the port's script; see ports/<board>/. */
static int board_image(const struct job *j, const char *bytecode, const char *image) {
  char script[PATH_MAX];
  snprintf(script, sizeof script, "%s/ports/%s/build-image.sh", cli_root(), j->target);
  if (access(script, X_OK) != 0) {
    fprintf(stderr, "ucaml: unknown target '%s' (no %s)\n", j->target, script);
    return 0;
  }
  char heap[32], stack[32];
  snprintf(heap, sizeof heap, "%lu", (unsigned long)j->settings.heap_bytes);
  snprintf(stack, sizeof stack, "%lu", (unsigned long)j->settings.stack_words);
  char *argv[] = {script, (char *)bytecode, (char *)image,
                  getenv("UCAML_HEAP") ? heap : "", getenv("UCAML_STACK") ? stack : "",
                  (char *)(j->ram ? j->ram : ""), NULL};
  return run_command(argv, NULL) == 0;
}

int cli_run(int argc, char **argv) {
  struct job j;
  if (!parse_job(argc, argv, &j)) return 2;
  char bytecode[PATH_MAX + 16];
  snprintf(bytecode, sizeof bytecode, "%s/prog.byte", make_workdir());
  if (!compile(&j, bytecode)) return 2;
  if (strcmp(j.target, "unix") == 0) {
    char **args = malloc((size_t)(j.prog_argc + 2) * sizeof *args);
    args[0] = (char *)program_name(&j);
    for (int i = 0; i < j.prog_argc; i++) args[i + 1] = j.prog_argv[i];
    args[j.prog_argc + 1] = NULL;
    if (j.nforwards > 0)
      fprintf(stderr, "ucaml: --forward is for boards; on the host the program's ports are the host's\n");
    signal(SIGINT, on_host_stop);
    signal(SIGTERM, on_host_stop);
    signal(SIGHUP, on_host_stop);
    if (j.timeout != NULL) {
      unsigned secs = (unsigned)(strtod(j.timeout, NULL) + 0.999);
      if (secs > 0) {
        signal(SIGALRM, on_host_timeout);
        alarm(secs);
      }
    }
    return cli_exec(bytecode, j.prog_argc + 1, args, &j.settings);
  }
  /* The image's name becomes the program's argv[0] on the board. */
  char image[2 * PATH_MAX];
  snprintf(image, sizeof image, "%s/%s.elf", make_workdir(), program_name(&j));
  if (!board_image(&j, bytecode, image)) return 2;
  char script[PATH_MAX];
  snprintf(script, sizeof script, "%s/ports/%s/run.sh", cli_root(), j.target);
  char **args = malloc((size_t)(j.prog_argc + 2 * j.nforwards + 6) * sizeof *args);
  int n = 0;
  args[n++] = script;
  if (j.timeout != NULL) {
    args[n++] = "--timeout";
    args[n++] = (char *)j.timeout;
  }
  for (int i = 0; i < j.nforwards; i++) {
    args[n++] = "--forward";
    args[n++] = (char *)j.forwards[i];
  }
  args[n++] = "--";
  args[n++] = image;
  for (int i = 0; i < j.prog_argc; i++) args[n++] = j.prog_argv[i];
  args[n] = NULL;
  return run_command(args, NULL);
}

/* The output path made absolute: compilation runs in the work directory. */
static char *absolute(const char *path) {
  if (path[0] == '/') return strdup(path);
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == NULL) return strdup(path);
  char *out = malloc(strlen(cwd) + strlen(path) + 2);
  sprintf(out, "%s/%s", cwd, path);
  return out;
}

int cli_build(int argc, char **argv) {
  struct job j;
  if (!parse_job(argc, argv, &j)) return 2;
  if (j.output == NULL) {
    fprintf(stderr, "ucaml build: -o OUTPUT is required\n");
    return 2;
  }
  char *out = absolute(j.output);
  if (strcmp(j.target, "unix") == 0) return compile(&j, out) ? 0 : 2;
  char bytecode[PATH_MAX + 16];
  snprintf(bytecode, sizeof bytecode, "%s/prog.byte", make_workdir());
  if (!compile(&j, bytecode)) return 2;
  return board_image(&j, bytecode, out) ? 0 : 2;
}

int cli_size(int argc, char **argv) {
  if (argc < 1) {
    fprintf(stderr, "usage: ucaml size IMAGE.elf\n");
    return 2;
  }
  char script[PATH_MAX];
  snprintf(script, sizeof script, "%s/tools/board-size.sh", cli_root());
  char *args[] = {script, argv[0], NULL};
  return run_command(args, NULL);
}
