/* loader.h: reading a bytecode executable held in memory. */
#ifndef UC_LOADER_H
#define UC_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define UC_EXEC_MAGIC "Caml1999X030"   /* OCaml 4.13 bytecode executables */

struct uc_section {
  char name[5];
  const unsigned char *data;
  size_t len;
};

struct uc_image {
  struct uc_section sections[16];
  int nsections;
  const void *static_root;   /* the global data prebuilt, or NULL (vm.h) */
};

/* Parses the trailer and section table; 0 with a message on error. */
int uc_parse_image(const unsigned char *image, size_t len, struct uc_image *out,
                   char *err, size_t errlen);
const struct uc_section *uc_find_section(const struct uc_image *img, const char *name);
/* Offset of the CODE section from the start of the image, or -1. */
long uc_code_offset(const unsigned char *image, size_t len);

/* Loads code, primitives and global data into uc_prog / uc_global_data. */
int uc_load_program(const struct uc_image *img, const char *name);

#endif
