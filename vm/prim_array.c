/* prim_array.c: arrays.  Float arrays are flat: a block of tag
 * DOUBLE_ARRAY_TAG holding the doubles themselves, DOUBLE_WOSIZE words
 * each.  Any other array holds values, one per field. */
#include "prim.h"

static mlsize_t array_length(value a) {
  return tag_val(a) == DOUBLE_ARRAY_TAG ? wosize_val(a) / DOUBLE_WOSIZE : wosize_val(a);
}

static int is_boxed_float(value v) { return is_block(v) && tag_val(v) == DOUBLE_TAG; }

/* ---- Element access ---- */

static mlsize_t checked_index(value index, mlsize_t len) {
  intnat idx = long_val(index);
  if (idx < 0 || (uintnat)idx >= len) uc_array_bound_error();
  return (mlsize_t)idx;
}

PRIM value caml_array_get_addr(value a, value index) {
  return field(a, checked_index(index, wosize_val(a)));
}

PRIM value caml_floatarray_get(value a, value index) {
  return uc_copy_double(double_field(a, checked_index(index, array_length(a))));
}

PRIM value caml_array_get(value a, value index) {
  if (tag_val(a) == DOUBLE_ARRAY_TAG) return caml_floatarray_get(a, index);
  return caml_array_get_addr(a, index);
}

PRIM value caml_array_set_addr(value a, value index, value v) {
  store_field(a, checked_index(index, wosize_val(a)), v);
  return VAL_UNIT;
}

PRIM value caml_floatarray_set(value a, value index, value v) {
  store_double_field(a, checked_index(index, array_length(a)), double_val(v));
  return VAL_UNIT;
}

PRIM value caml_array_set(value a, value index, value v) {
  if (tag_val(a) == DOUBLE_ARRAY_TAG) return caml_floatarray_set(a, index, v);
  return caml_array_set_addr(a, index, v);
}

PRIM value caml_floatarray_unsafe_get(value a, value index) {
  return uc_copy_double(double_field(a, (mlsize_t)long_val(index)));
}

PRIM value caml_array_unsafe_get(value a, value index) {
  if (tag_val(a) == DOUBLE_ARRAY_TAG) return caml_floatarray_unsafe_get(a, index);
  return field(a, long_val(index));
}

PRIM value caml_floatarray_unsafe_set(value a, value index, value v) {
  store_double_field(a, (mlsize_t)long_val(index), double_val(v));
  return VAL_UNIT;
}

PRIM value caml_array_unsafe_set(value a, value index, value v) {
  if (tag_val(a) == DOUBLE_ARRAY_TAG) return caml_floatarray_unsafe_set(a, index, v);
  store_field(a, long_val(index), v);
  return VAL_UNIT;
}

/* ---- Creation ---- */

/* An uninitialised flat float array of wosize words (wosize <= MAX_WOSIZE). */
static value alloc_float_words(mlsize_t wosize) {
  if (wosize == 0) return atom(0);
  if (wosize <= MAX_YOUNG_WOSIZE) return uc_alloc_small(wosize, DOUBLE_ARRAY_TAG);
  return uc_alloc(wosize, DOUBLE_ARRAY_TAG);
}

PRIM value caml_floatarray_create(value len) {
  mlsize_t wosize = (mlsize_t)long_val(len) * DOUBLE_WOSIZE;
  if (wosize > MAX_WOSIZE) uc_invalid_argument("Float.Array.create");
  return alloc_float_words(wosize);
}

PRIM value caml_make_float_vect(value len) { return caml_floatarray_create(len); }

/* n fields all equal to init.  A young block may be filled directly; an old
 * one needs the write barrier. */
static value make_value_array(mlsize_t n, value init) {
  value res;
  UC_ROOTS1(init);
  if (n <= MAX_YOUNG_WOSIZE) {
    res = uc_alloc_small(n, 0);
    for (mlsize_t i = 0; i < n; i++) field(res, i) = init;
  } else {
    /* Promote init first, so that the many stores below do not each
     * record an old-to-young pointer. */
    if (is_block(init) && uc_is_young(init)) uc_minor_gc();
    res = uc_alloc(n, 0);
    for (mlsize_t i = 0; i < n; i++) store_field(res, i, init);
  }
  UC_RETURN(res);
}

PRIM value caml_make_vect(value len, value init) {
  mlsize_t n = (mlsize_t)long_val(len);
  if (n == 0) return atom(0);
  if (is_boxed_float(init)) {
    double d = double_val(init);
    mlsize_t wosize = n * DOUBLE_WOSIZE;
    value res;
    if (wosize > MAX_WOSIZE) uc_invalid_argument("Array.make");
    res = alloc_float_words(wosize);
    for (mlsize_t i = 0; i < n; i++) store_double_field(res, i, d);
    return res;
  }
  if (n > MAX_WOSIZE) uc_invalid_argument("Array.make");
  return make_value_array(n, init);
}

/* Array literals arrive as blocks of boxed values; float ones are
 * flattened. */
PRIM value caml_make_array(value init) {
  mlsize_t n = wosize_val(init);
  value res;
  if (n == 0 || !is_boxed_float(field(init, 0))) return init;
  UC_ROOTS1(init);
  res = alloc_float_words(n * DOUBLE_WOSIZE);
  for (mlsize_t i = 0; i < n; i++) store_double_field(res, i, double_val(field(init, i)));
  UC_RETURN(res);
}

/* ---- Blit and fill (bounds checked by the OCaml callers) ---- */

PRIM value caml_floatarray_blit(value src, value src_ofs, value dst, value dst_ofs, value n) {
  memmove((char *)dst + (size_t)long_val(dst_ofs) * sizeof(double),
          (char *)src + (size_t)long_val(src_ofs) * sizeof(double),
          (size_t)long_val(n) * sizeof(double));
  return VAL_UNIT;
}

/* Field-by-field copy through the write barrier, in the order that is safe
 * when source and destination overlap. */
static void blit_with_barrier(value src, intnat src_ofs, value dst, intnat dst_ofs, intnat n) {
  if (src == dst && src_ofs < dst_ofs) {
    for (intnat i = n - 1; i >= 0; i--) store_field(dst, dst_ofs + i, field(src, src_ofs + i));
  } else {
    for (intnat i = 0; i < n; i++) store_field(dst, dst_ofs + i, field(src, src_ofs + i));
  }
}

PRIM value caml_array_blit(value src, value src_ofs, value dst, value dst_ofs, value n) {
  if (tag_val(dst) == DOUBLE_ARRAY_TAG) return caml_floatarray_blit(src, src_ofs, dst, dst_ofs, n);
  if (uc_is_young(dst)) {
    /* No old-to-young pointer can appear: copy the words. */
    memmove(&field(dst, long_val(dst_ofs)), &field(src, long_val(src_ofs)),
            (size_t)long_val(n) * sizeof(value));
  } else {
    blit_with_barrier(src, long_val(src_ofs), dst, long_val(dst_ofs), long_val(n));
  }
  return VAL_UNIT;
}

PRIM value caml_array_fill(value a, value ofs, value len, value v) {
  intnat start = long_val(ofs), count = long_val(len);
  if (tag_val(a) == DOUBLE_ARRAY_TAG) {
    double d = double_val(v);
    for (intnat i = 0; i < count; i++) store_double_field(a, (mlsize_t)(start + i), d);
  } else if (uc_is_young(a)) {
    for (intnat i = 0; i < count; i++) field(a, start + i) = v;
  } else {
    for (intnat i = 0; i < count; i++) store_field(a, start + i, v);
  }
  return VAL_UNIT;
}

/* ---- Sub, append, concat: gathering slices into a fresh array ---- */

/* A fresh array for `size` elements, flat if `is_float`.  Every size error
 * is reported as "Array.concat", as stock OCaml does for all three. */
static value alloc_gathered(mlsize_t size, int is_float) {
  if (size == 0) return atom(0);
  if (is_float) {
    if (size > MAX_WOSIZE / DOUBLE_WOSIZE) uc_invalid_argument("Array.concat");
    return alloc_float_words(size * DOUBLE_WOSIZE);
  }
  if (size <= MAX_YOUNG_WOSIZE) return uc_alloc_small(size, 0);
  if (size > MAX_WOSIZE) uc_invalid_argument("Array.concat");
  return uc_alloc(size, 0);
}

/* Copies n elements of src from src_ofs into the fresh array res at pos. */
static void copy_slice(value res, mlsize_t pos, value src, mlsize_t src_ofs, mlsize_t n) {
  if (n == 0) return;
  if (tag_val(res) == DOUBLE_ARRAY_TAG) {
    memcpy((char *)res + pos * sizeof(double), (char *)src + src_ofs * sizeof(double),
           n * sizeof(double));
  } else if (uc_is_young(res)) {
    memcpy(&field(res, pos), &field(src, src_ofs), n * sizeof(value));
  } else {
    for (mlsize_t i = 0; i < n; i++) store_field(res, pos + i, field(src, src_ofs + i));
  }
}

/* Adds a slice's length to *total; raises if the sum overflows. */
static void add_length(mlsize_t *total, mlsize_t len) {
  if ((mlsize_t)-1 - len < *total) uc_invalid_argument("Array.concat");
  *total += len;
}

PRIM value caml_array_sub(value a, value ofs, value len) {
  mlsize_t n = 0;
  value res;
  add_length(&n, (mlsize_t)long_val(len));
  UC_ROOTS1(a);
  res = alloc_gathered(n, tag_val(a) == DOUBLE_ARRAY_TAG);
  copy_slice(res, 0, a, (mlsize_t)long_val(ofs), n);
  UC_RETURN(res);
}

PRIM value caml_array_append(value a1, value a2) {
  mlsize_t n1 = array_length(a1), n2 = array_length(a2), n = 0;
  value res;
  add_length(&n, n1);
  add_length(&n, n2);
  UC_ROOTS2(a1, a2);
  res = alloc_gathered(n, tag_val(a1) == DOUBLE_ARRAY_TAG || tag_val(a2) == DOUBLE_ARRAY_TAG);
  copy_slice(res, 0, a1, 0, n1);
  copy_slice(res, n1, a2, 0, n2);
  UC_RETURN(res);
}

/* The arrays stay reachable through the (rooted) list while the result is
 * allocated, so the list is simply walked twice. */
PRIM value caml_array_concat(value list) {
  mlsize_t n = 0, pos = 0;
  int is_float = 0;
  value res, l;
  for (l = list; l != VAL_EMPTYLIST; l = field(l, 1)) {
    add_length(&n, array_length(field(l, 0)));
    if (tag_val(field(l, 0)) == DOUBLE_ARRAY_TAG) is_float = 1;
  }
  UC_ROOTS1(list);
  res = alloc_gathered(n, is_float);
  for (l = list; l != VAL_EMPTYLIST; l = field(l, 1)) {
    mlsize_t len = array_length(field(l, 0));
    copy_slice(res, pos, field(l, 0), 0, len);
    pos += len;
  }
  UC_RETURN(res);
}
