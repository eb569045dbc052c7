/* main.c: firmware entry of the bare-metal boards (called by start.S).
 *
 * Runs the bytecode executable linked into ROM between ucaml_bytecode_start
 * and ucaml_bytecode_end.  The program name, fixed arguments and settings
 * are constants of the image, generated at build time by
 * tools/board-embed.sh; arguments from the emulator's command line
 * (bare_host_argv, after the first) are appended.
 * ESP-IDF: the same code in app_main(), with the image in a flash partition
 * (esp_partition_mmap) or linked in as here. */
#include "port.h"
#include "vm.h"
#include "bare.h"

extern const unsigned char ucaml_bytecode_start[], ucaml_bytecode_end[];
extern const char ucaml_program_name[];
extern const char *const ucaml_argv[];       /* fixed arguments, NULL-terminated */
extern const char ucaml_heap_size[];   /* bytes ("64k"); "": the whole heap region */
extern const char ucaml_stack_size[];  /* words; "": board.ld's VM_STACK_WORDS */
/* The global data prebuilt in flash (tools/static-data.py): root or 0. */
extern const char ucaml_static_start[], ucaml_static_end[];
extern const void *const ucaml_static_root;

extern char __uc_heap_start[], __uc_heap_end[];
/* board.ld's default VM stack in words, sized with the pool (its address). */
extern char VM_STACK_WORDS[];

int main(void);

int main(void)
{
  port_init();

  struct uc_settings s;
  uc_default_settings(&s);
  size_t heap = ucaml_heap_size[0] ? uc_parse_size(ucaml_heap_size) : 0;
  s.heap_bytes = heap ? heap : (size_t)(__uc_heap_end - __uc_heap_start);
  size_t stack = ucaml_stack_size[0] ? uc_parse_size(ucaml_stack_size) : 0;
  s.stack_words = stack ? stack : (size_t)(uintptr_t)VM_STACK_WORDS;
  s.static_root = ucaml_static_root;
  s.static_start = ucaml_static_start;
  s.static_end = ucaml_static_end;

  int nfixed = 0;
  while (ucaml_argv[nfixed]) nfixed++;
  int nhost = 0;
  char **host = bare_host_argv(&nhost);
  int nextra = nhost > 1 ? nhost - 1 : 0;
  char **argv = port_alloc(((size_t)(1 + nfixed + nextra) + 1) * sizeof *argv);
  if (!argv) {
    static const char msg[] = "ucaml: out of memory for the command line\n";
    port_write(2, msg, sizeof msg - 1);
    port_exit(2);
  }
  int argc = 0;
  argv[argc++] = (char *)ucaml_program_name;
  for (int i = 0; i < nfixed; i++) argv[argc++] = (char *)ucaml_argv[i];
  for (int i = 0; i < nextra; i++) argv[argc++] = host[i + 1];
  argv[argc] = NULL;

  int status = uc_run_image(ucaml_bytecode_start,
                            (size_t)(ucaml_bytecode_end - ucaml_bytecode_start),
                            ucaml_program_name, argc, argv, &s);

  port_exit(status);
}
