/* cli.h: the sub-commands of the ucaml command (host only). */
#ifndef UC_CLI_H
#define UC_CLI_H

#include "vm.h"

int cli_vm_option(int argc, char **argv, int i, struct uc_settings *s);
int cli_exec(const char *path, int argc, char **argv, const struct uc_settings *s);
int cli_run(int argc, char **argv);
int cli_build(int argc, char **argv);
int cli_size(int argc, char **argv);

/* The project directory (where ports/ and the Makefile are). */
const char *cli_root(void);

#endif
