/* bigarray.h: the representation of Bigarray values.
 *
 * A bigarray is a custom block ("_bigarr02") whose payload describes the
 * elements, which live in a pinned block of the major heap, or in the
 * port's pool when the heap has no room (see alloc_elements).  Views made by
 * sub, slice, reshape and change_layout share the memory through a
 * reference-counted proxy, so it is freed when the last view dies. */
#ifndef UC_BIGARRAY_H
#define UC_BIGARRAY_H

#include "value.h"
#include "custom.h"

#define BA_MAX_NUM_DIMS 16

/* Element kinds, in the order of the constructors of Bigarray.kind. */
enum ba_kind {
  BA_FLOAT32, BA_FLOAT64, BA_SINT8, BA_UINT8, BA_SINT16, BA_UINT16,
  BA_INT32, BA_INT64, BA_CAML_INT, BA_NATIVE_INT, BA_COMPLEX32, BA_COMPLEX64,
  BA_CHAR
};

/* The flags word: kind, layout and who owns the memory (as ocamlrun's, since
 * kind and layout are marshalled). */
#define BA_KIND_MASK 0xFF
#define BA_C_LAYOUT 0
#define BA_FORTRAN_LAYOUT 0x100
#define BA_LAYOUT_MASK 0x100
#define BA_EXTERNAL 0
#define BA_MANAGED 0x200
#define BA_MANAGED_MASK 0x600

struct ba_proxy {
  intnat refcount;
  void *data;          /* start of the shared memory */
};

/* The payload: exactly 4 + num_dims words, as Marshal assumes. */
struct ba_array {
  void *data;
  intnat num_dims;
  intnat flags;
  struct ba_proxy *proxy;   /* NULL unless views share the memory */
  intnat dim[];
};

#define ba_val(v) ((struct ba_array *)custom_data(v))
#define ba_data(v) (ba_val(v)->data)
#define ba_kind(b) ((int)((b)->flags & BA_KIND_MASK))

extern const struct custom_ops uc_bigarray_ops;

#endif
