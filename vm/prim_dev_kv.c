/* prim_dev_kv.c: files crunched into the program at build time.
 *
 * tools/crunch appends the files' bytes to the bytecode executable as one
 * extra section, UKVS; the generated OCaml module holds only the directory
 * (names, offsets, lengths).  The image is read in place (in flash on a
 * board), so the contents stay there: they are copied into the heap only
 * when read, or viewed without copying through a read-only bigarray. */
#include "prim_dev.h"
#include "interp.h"
#include "loader.h"

/* The UKVS section of the running program, or NULL (found once). */
static const struct uc_section *crunch_section(void)
{
  static struct uc_section section;
  static int state;   /* 0: not looked for, 1: found, 2: absent */
  if (state == 0) {
    struct uc_image img;
    char err[100];
    const struct uc_section *s = NULL;
    if (uc_prog.image != NULL &&
        uc_parse_image(uc_prog.image, uc_prog.image_len, &img, err, sizeof err))
      s = uc_find_section(&img, "UKVS");
    if (s != NULL) section = *s;
    state = s != NULL ? 1 : 2;
  }
  return state == 1 ? &section : NULL;
}

/* Length of the crunched data, or -1 if the program has none. */
PRIM value ucaml_crunch_size(value unit)
{
  const struct uc_section *s = crunch_section();
  return val_long(s ? (intnat)s->len : -1);
}

/* A copy of bytes [off, off+len) of the crunched data. */
PRIM value ucaml_crunch_read(value off, value len)
{
  const struct uc_section *s = crunch_section();
  intnat o = long_val(off), n = long_val(len);
  if (s == NULL || o < 0 || n < 0 || (uintnat)o > s->len || (uintnat)n > s->len - (uintnat)o)
    uc_invalid_argument("crunched data: range out of bounds");
  value r = uc_alloc_string((mlsize_t)n);
  memcpy(bytes_ptr(r), s->data + o, (size_t)n);
  return r;
}

/* The crunched data as a char bigarray over the image itself (not owned,
 * never freed).  It must not be written: on boards it is flash. */
PRIM value ucaml_crunch_bigarray(value unit)
{
  const struct uc_section *s = crunch_section();
  if (s == NULL) uc_invalid_argument("the program has no crunched data");
  value r = uc_alloc_custom(&uc_bigarray_ops, sizeof(struct ba_array) + sizeof(intnat));
  struct ba_array *b = ba_val(r);
  b->data = (void *)s->data;
  b->num_dims = 1;
  b->flags = BA_CHAR | BA_C_LAYOUT | BA_EXTERNAL;
  b->proxy = NULL;
  b->dim[0] = (intnat)s->len;
  return r;
}
