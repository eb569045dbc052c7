/* main.c: the `ucaml` command on the host.
 *
 *   ucaml exec [--heap N] [--stack N] prog.byte [args]   run bytecode
 *   ucaml run  [options] file.ml... [-- args]            compile, then run
 *   ucaml build --target xtensa-qemu file.ml -o app.elf  firmware image
 *                 (or riscv32-qemu)
 *   ucaml size app.elf                                   flash/RAM use
 *   ucaml prog.byte [args]                               as `exec`
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <errno.h>
#include "vm.h"
#include "loader.h"
#include "cli.h"
#include "port.h"

static void usage(void) {
  fputs("usage: ucaml exec [--heap SIZE] [--stack SIZE] PROGRAM.byte [ARGS...]\n"
        "       ucaml run [--target T] [--heap SIZE] [--stack SIZE] [-package P] [-g]\n"
        "                 [--timeout SECONDS] [--forward HOSTPORT:BOARDPORT] FILE.ml... [-- ARGS...]\n"
        "       ucaml build --target xtensa-qemu|riscv32-qemu [-package P] FILE.ml... -o IMAGE.elf\n"
        "       ucaml size IMAGE.elf\n"
        "SIZE: bytes with an optional k/M suffix (heap: total heap limit; stack: VM stack).\n"
        "A program runs until it ends (a board: until Ctrl-C) unless --timeout is given.\n"
        "Environment: UCAML_HEAP, UCAML_STACK, OCAMLRUNPARAM (b backtraces, l stack words,\n"
        "s minor heap words, p parser trace; as ocamlrun reads it).\n",
        stderr);
}

/* The file being run: the program executes from it, so it lives until the
 * end (a static keeps it reachable for leak checkers when exit() is called
 * from the program). */
static unsigned char *image_buffer;

/* Reads a whole file so that its CODE section is 4-byte aligned in memory. */
static unsigned char *read_image(const char *path, size_t *len_out) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "ucaml: %s: cannot open: %s\n", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "ucaml: %s: not a regular file\n", path);
    close(fd);
    return NULL;
  }
  size_t len = (size_t)st.st_size;
  unsigned char *buf = malloc(len + 8);
  if (buf == NULL) {
    fprintf(stderr, "ucaml: %s: out of memory reading the file\n", path);
    close(fd);
    return NULL;
  }
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + 4 + got, len - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  if (got != len) {
    fprintf(stderr, "ucaml: %s: read error\n", path);
    free(buf);
    return NULL;
  }
  /* The image was read at offset 4; shift it so the code is aligned. */
  long code = uc_code_offset(buf + 4, len);
  size_t shift = code < 0 ? 0 : (size_t)((4 - (uintptr_t)(buf + 4 + code) % 4) % 4);
  if (shift != 0) memmove(buf + 4 + shift, buf + 4, len);
  unsigned char *image = buf + 4 + shift;
  *len_out = len;
  image_buffer = buf;
  return image;
}

/* Parses --heap/--stack options shared by exec and run; returns args used. */
int cli_vm_option(int argc, char **argv, int i, struct uc_settings *s) {
  const char *opt = argv[i];
  if ((strcmp(opt, "--heap") == 0 || strcmp(opt, "--stack") == 0) && i + 1 < argc) {
    size_t n = uc_parse_size(argv[i + 1]);
    if (n == 0) {
      fprintf(stderr, "ucaml: %s: bad size '%s' (e.g. 64k, 2M)\n", opt, argv[i + 1]);
      exit(2);
    }
    if (opt[2] == 'h') s->heap_bytes = n;
    else s->stack_words = n / sizeof(void *);
    return 2;
  }
  return 0;
}

int cli_exec(const char *path, int argc, char **argv, const struct uc_settings *s) {
  size_t len;
  unsigned char *image = read_image(path, &len);
  if (image == NULL) return 2;
  int status = uc_run_image(image, len, path, argc, argv, s);
  free(image_buffer);
  image_buffer = NULL;
  return status;
}

static int cmd_exec(int argc, char **argv) {
  struct uc_settings s;
  uc_default_settings(&s);
  int i = 0;
  while (i < argc && argv[i][0] == '-') {
    int used = cli_vm_option(argc, argv, i, &s);
    if (used == 0) {
      fprintf(stderr, "ucaml exec: unknown option %s\n", argv[i]);
      return 2;
    }
    i += used;
  }
  if (i >= argc) {
    usage();
    return 2;
  }
  return cli_exec(argv[i], argc - i, argv + i, &s);
}

int main(int argc, char **argv) {
  port_init();
  if (argc < 2) {
    usage();
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "exec") == 0) return cmd_exec(argc - 2, argv + 2);
  if (strcmp(cmd, "run") == 0) return cli_run(argc - 2, argv + 2);
  if (strcmp(cmd, "build") == 0) return cli_build(argc - 2, argv + 2);
  if (strcmp(cmd, "size") == 0) return cli_size(argc - 2, argv + 2);
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    usage();
    return 0;
  }
  return cmd_exec(argc - 1, argv + 1);
}
