/* prim_weak.c: Weak arrays and ephemerons.
 *
 * An ephemeron is a block from uc_ephe_alloc: field 0 links it on the GC's
 * list, field 1 holds the data, keys follow.  Empty slots hold uc_ephe_none.
 * Keys are weak in minor and major collections alike (gc.c).  Stores need
 * no write barrier: ephemerons live in the major heap and every minor
 * collection goes through all of them (minor_ephemerons). */
#include "prim.h"
#include "gc_internal.h"

#define FIRST_KEY 2
#define DATA 1

static void store_slot(value *slot, value v) { *slot = v; }

static value create(value len) {
  intnat n = long_val(len);
  if (n < 0 || (uintnat)n > MAX_WOSIZE - FIRST_KEY) uc_invalid_argument("Weak.create");
  return uc_ephe_alloc((mlsize_t)n);
}
PRIM value caml_ephe_create(value len) { return create(len); }
PRIM value caml_weak_create(value len) { return create(len); }

static value slot_option(value v) {
  if (v == uc_ephe_none) return VAL_NONE;
  return uc_alloc_some(v);
}

/* A copy of a block slot (Weak.get_copy), shallow, as ocamlrun does;
 * custom blocks are shared rather than copied. */
static value slot_copy(value e, mlsize_t i) {
  value v = field(e, i);
  if (v == uc_ephe_none) return VAL_NONE;
  if (!is_block(v) || !uc_in_heap(v) || tag_val(v) == CUSTOM_TAG || tag_val(v) == INFIX_TAG)
    return uc_alloc_some(v);
  UC_ROOTS1(e);
  value copy = uc_alloc(wosize_val(v), tag_val(v));
  v = field(e, i);   /* reload: the allocation may have moved it */
  if (v == uc_ephe_none) UC_RETURN(VAL_NONE);
  if (tag_val(v) < NO_SCAN_TAG) {
    for (mlsize_t k = 0; k < wosize_val(v); k++) store_field(copy, k, field(v, k));
  } else {
    memcpy((void *)copy, (void *)v, bosize_val(v));
  }
  UC_UNROOT();
  return uc_alloc_some(copy);
}

PRIM value caml_ephe_set_key(value e, value n, value v) {
  store_slot(&field(e, FIRST_KEY + long_val(n)), v);
  return VAL_UNIT;
}
PRIM value caml_weak_set(value e, value n, value opt) {
  if (is_block(opt)) store_slot(&field(e, FIRST_KEY + long_val(n)), field(opt, 0));
  else field(e, FIRST_KEY + long_val(n)) = uc_ephe_none;
  return VAL_UNIT;
}
PRIM value caml_ephe_unset_key(value e, value n) {
  field(e, FIRST_KEY + long_val(n)) = uc_ephe_none;
  return VAL_UNIT;
}
PRIM value caml_ephe_get_key(value e, value n) { return slot_option(field(e, FIRST_KEY + long_val(n))); }
PRIM value caml_weak_get(value e, value n) { return slot_option(field(e, FIRST_KEY + long_val(n))); }
PRIM value caml_ephe_get_key_copy(value e, value n) { return slot_copy(e, FIRST_KEY + (mlsize_t)long_val(n)); }
PRIM value caml_weak_get_copy(value e, value n) { return slot_copy(e, FIRST_KEY + (mlsize_t)long_val(n)); }
PRIM value caml_ephe_check_key(value e, value n) {
  return val_bool(field(e, FIRST_KEY + long_val(n)) != uc_ephe_none);
}
PRIM value caml_weak_check(value e, value n) {
  return val_bool(field(e, FIRST_KEY + long_val(n)) != uc_ephe_none);
}

static void blit_slots(value src, mlsize_t from, value dst, mlsize_t to, mlsize_t len) {
  if (dst == src && to > from) {
    for (mlsize_t i = len; i > 0; i--) store_slot(&field(dst, to + i - 1), field(src, from + i - 1));
  } else {
    for (mlsize_t i = 0; i < len; i++) store_slot(&field(dst, to + i), field(src, from + i));
  }
}
PRIM value caml_ephe_blit_key(value src, value ofs, value dst, value ofd, value len) {
  blit_slots(src, FIRST_KEY + (mlsize_t)long_val(ofs), dst, FIRST_KEY + (mlsize_t)long_val(ofd),
             (mlsize_t)long_val(len));
  return VAL_UNIT;
}
PRIM value caml_weak_blit(value src, value ofs, value dst, value ofd, value len) {
  return caml_ephe_blit_key(src, ofs, dst, ofd, len);
}

PRIM value caml_ephe_set_data(value e, value v) {
  store_slot(&field(e, DATA), v);
  return VAL_UNIT;
}
PRIM value caml_ephe_unset_data(value e) {
  field(e, DATA) = uc_ephe_none;
  return VAL_UNIT;
}
PRIM value caml_ephe_get_data(value e) { return slot_option(field(e, DATA)); }
PRIM value caml_ephe_get_data_copy(value e) { return slot_copy(e, DATA); }
PRIM value caml_ephe_check_data(value e) { return val_bool(field(e, DATA) != uc_ephe_none); }
PRIM value caml_ephe_blit_data(value src, value dst) {
  store_slot(&field(dst, DATA), field(src, DATA));
  return VAL_UNIT;
}
