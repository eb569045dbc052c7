/* prim_bigarray.c: the Bigarray module's primitives and the custom
 * operations (finalise, compare, hash, marshal) of bigarray blocks. */
#include "prim.h"
#include "bigarray.h"
#include "compare.h"
#include "hash.h"
#include "memprof.h"

static const unsigned char element_size[] = {
  4, 8, 1, 1, 2, 2, 4, 8, sizeof(value), sizeof(value), 8, 16, 1
};

static uintnat num_elts(const struct ba_array *b) {
  uintnat n = 1;
  for (intnat i = 0; i < b->num_dims; i++) n *= (uintnat)b->dim[i];
  return n;
}

static uintnat byte_size(const struct ba_array *b) {
  return num_elts(b) * element_size[ba_kind(b)];
}

static mlsize_t payload_size(intnat num_dims) {
  return sizeof(struct ba_array) + (mlsize_t)num_dims * sizeof(intnat);
}

/* ---- Allocation ---- */

/* A bigarray block viewing `data` (not owned: no proxy yet). */
static value alloc_header(intnat flags, intnat num_dims, void *data, const intnat *dim) {
  intnat dims[BA_MAX_NUM_DIMS];
  memcpy(dims, dim, (size_t)num_dims * sizeof(intnat));   /* dim may be in the heap */
  value res = uc_alloc_custom(&uc_bigarray_ops, payload_size(num_dims));
  struct ba_array *b = ba_val(res);
  b->data = data;
  b->num_dims = num_dims;
  b->flags = flags;
  b->proxy = NULL;
  memcpy(b->dim, dims, (size_t)num_dims * sizeof(intnat));
  return res;
}

static int mul_overflows(uintnat a, uintnat b, uintnat *res) {
  *res = a * b;
  return b != 0 && *res / b != a;
}

/* Memory for the elements: pinned in the major heap, so that one budget
 * serves values and elements and the allocation of elements paces the
 * collector (which frees dead arrays); from the port's pool when the heap
 * has no room.  `may_collect` is 0 while unmarshalling. */
static void *alloc_elements(uintnat size, int may_collect) {
  void *data = uc_alloc_pinned(size, may_collect);
  if (data == NULL) data = port_alloc(size > 0 ? size : 1);
  if (data == NULL && may_collect) {
    uc_full_gc();   /* dead arrays may hold pool memory */
    data = port_alloc(size > 0 ? size : 1);
  }
  return data;
}


/* A fresh array owning new memory of the right size. */
static value alloc_managed(intnat flags, intnat num_dims, const intnat *dim) {
  uintnat n = 1, size;
  for (intnat i = 0; i < num_dims; i++)
    if (mul_overflows(n, (uintnat)dim[i], &n)) uc_raise_out_of_memory();
  if (mul_overflows(n, element_size[flags & BA_KIND_MASK], &size)) uc_raise_out_of_memory();
  value res = alloc_header(flags | BA_MANAGED, num_dims, NULL, dim);
  UC_ROOTS1(res);
  void *data = alloc_elements(size, 1);
  if (data == NULL) uc_raise_out_of_memory();
  ba_val(res)->data = data;
  uc_memprof_track_custom(res, size);
  UC_RETURN(res);
}

static void release_memory(struct ba_array *b) {
  if ((b->flags & BA_MANAGED_MASK) != BA_MANAGED) return;
  if (b->proxy == NULL) {
    if (b->data != NULL) uc_scratch_free(b->data);
  } else if (--b->proxy->refcount == 0) {
    uc_scratch_free(b->proxy->data);
    port_free(b->proxy);
  }
}

static void finalize_bigarray(value v) {
  release_memory(ba_val(v));
}

/* The proxy through which b's memory is shared, created on first use. */
static struct ba_proxy *share_memory(struct ba_array *b) {
  if (b->proxy == NULL) {
    struct ba_proxy *p = port_alloc(sizeof *p);
    if (p == NULL) uc_raise_out_of_memory();
    p->refcount = 1;
    p->data = b->data;
    b->proxy = p;
  }
  return b->proxy;
}

/* A new array over part of vb's memory, keeping that memory alive. */
static value alloc_view(value vb, intnat flags, intnat num_dims, void *data, const intnat *dim) {
  UC_ROOTS1(vb);
  int managed = (ba_val(vb)->flags & BA_MANAGED_MASK) == BA_MANAGED;
  struct ba_proxy *proxy = managed ? share_memory(ba_val(vb)) : NULL;
  value res = alloc_header(flags, num_dims, data, dim);
  if (proxy != NULL) {
    proxy->refcount++;
    ba_val(res)->proxy = proxy;
  }
  UC_RETURN(res);
}

PRIM value caml_ba_create(value vkind, value vlayout, value vdim) {
  intnat dim[BA_MAX_NUM_DIMS];
  mlsize_t num_dims = wosize_val(vdim);
  if (num_dims > BA_MAX_NUM_DIMS) uc_invalid_argument("Bigarray.create: bad number of dimensions");
  for (mlsize_t i = 0; i < num_dims; i++) {
    dim[i] = long_val(field(vdim, i));
    if (dim[i] < 0) uc_invalid_argument("Bigarray.create: negative dimension");
  }
  intnat flags = int_val(vkind) | (int_val(vlayout) << 8);
  return alloc_managed(flags, (intnat)num_dims, dim);
}

/* ---- Element access ---- */

/* The element offset of an index vector, checking bounds. */
static intnat element_offset(const struct ba_array *b, const intnat *index) {
  uintnat offset = 0;
  if ((b->flags & BA_LAYOUT_MASK) == BA_C_LAYOUT) {
    for (intnat i = 0; i < b->num_dims; i++) {
      if ((uintnat)index[i] >= (uintnat)b->dim[i]) uc_array_bound_error();
      offset = offset * (uintnat)b->dim[i] + (uintnat)index[i];
    }
  } else {
    for (intnat i = b->num_dims - 1; i >= 0; i--) {
      if ((uintnat)index[i] - 1 >= (uintnat)b->dim[i]) uc_array_bound_error();
      offset = offset * (uintnat)b->dim[i] + ((uintnat)index[i] - 1);
    }
  }
  return (intnat)offset;
}

static intnat offset_of_indexes(value vb, const value *vind, intnat nind, const char *what) {
  struct ba_array *b = ba_val(vb);
  intnat index[BA_MAX_NUM_DIMS];
  if (nind != b->num_dims) uc_invalid_argument(what);
  for (intnat i = 0; i < nind; i++) index[i] = long_val(vind[i]);
  return element_offset(b, index);
}

/* Loads and stores through memcpy: no alignment or aliasing assumptions. */
static float load_float(const void *p, intnat i) { float x; memcpy(&x, (const float *)p + i, sizeof x); return x; }
static double load_double(const void *p, intnat i) { double x; memcpy(&x, (const double *)p + i, sizeof x); return x; }
static int32_t load_i32(const void *p, intnat i) { int32_t x; memcpy(&x, (const int32_t *)p + i, sizeof x); return x; }
static int64_t load_i64(const void *p, intnat i) { int64_t x; memcpy(&x, (const int64_t *)p + i, sizeof x); return x; }
static intnat load_nat(const void *p, intnat i) { intnat x; memcpy(&x, (const intnat *)p + i, sizeof x); return x; }
static int16_t load_i16(const void *p, intnat i) { int16_t x; memcpy(&x, (const int16_t *)p + i, sizeof x); return x; }
static uint16_t load_u16(const void *p, intnat i) { uint16_t x; memcpy(&x, (const uint16_t *)p + i, sizeof x); return x; }

static void store_float(void *p, intnat i, float x) { memcpy((float *)p + i, &x, sizeof x); }
static void store_double(void *p, intnat i, double x) { memcpy((double *)p + i, &x, sizeof x); }
static void store_i32(void *p, intnat i, int32_t x) { memcpy((int32_t *)p + i, &x, sizeof x); }
static void store_i64(void *p, intnat i, int64_t x) { memcpy((int64_t *)p + i, &x, sizeof x); }
static void store_nat(void *p, intnat i, intnat x) { memcpy((intnat *)p + i, &x, sizeof x); }
static void store_u16(void *p, intnat i, uint16_t x) { memcpy((uint16_t *)p + i, &x, sizeof x); }

static value copy_complex(double re, double im) {
  value res = uc_alloc_small(2 * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
  store_double_field(res, 0, re);
  store_double_field(res, 1, im);
  return res;
}

static value read_element(const struct ba_array *b, intnat i) {
  const void *p = b->data;
  switch (ba_kind(b)) {
  case BA_FLOAT32: return uc_copy_double(load_float(p, i));
  case BA_FLOAT64: return uc_copy_double(load_double(p, i));
  case BA_SINT8: return val_int(((const int8_t *)p)[i]);
  case BA_UINT8:
  case BA_CHAR: return val_int(((const uint8_t *)p)[i]);
  case BA_SINT16: return val_int(load_i16(p, i));
  case BA_UINT16: return val_int(load_u16(p, i));
  case BA_INT32: return uc_copy_int32(load_i32(p, i));
  case BA_INT64: return uc_copy_int64(load_i64(p, i));
  case BA_NATIVE_INT: return uc_copy_nativeint(load_nat(p, i));
  case BA_CAML_INT: return val_long(load_nat(p, i));
  case BA_COMPLEX32: return copy_complex(load_float(p, 2 * i), load_float(p, 2 * i + 1));
  case BA_COMPLEX64: return copy_complex(load_double(p, 2 * i), load_double(p, 2 * i + 1));
  default: return VAL_UNIT;
  }
}

static void write_element(const struct ba_array *b, intnat i, value v) {
  void *p = b->data;
  switch (ba_kind(b)) {
  case BA_FLOAT32: store_float(p, i, (float)double_val(v)); break;
  case BA_FLOAT64: store_double(p, i, double_val(v)); break;
  case BA_SINT8:
  case BA_UINT8:
  case BA_CHAR: ((uint8_t *)p)[i] = (uint8_t)long_val(v); break;
  case BA_SINT16:
  case BA_UINT16: store_u16(p, i, (uint16_t)long_val(v)); break;
  case BA_INT32: store_i32(p, i, int32_val(v)); break;
  case BA_INT64: store_i64(p, i, int64_val(v)); break;
  case BA_NATIVE_INT: store_nat(p, i, nativeint_val(v)); break;
  case BA_CAML_INT: store_nat(p, i, long_val(v)); break;
  case BA_COMPLEX32:
    store_float(p, 2 * i, (float)double_field(v, 0));
    store_float(p, 2 * i + 1, (float)double_field(v, 1));
    break;
  case BA_COMPLEX64:
    store_double(p, 2 * i, double_field(v, 0));
    store_double(p, 2 * i + 1, double_field(v, 1));
    break;
  default: break;
  }
}

static value get_n(value vb, const value *vind, intnat nind) {
  intnat offset = offset_of_indexes(vb, vind, nind, "Bigarray.get: wrong number of indices");
  return read_element(ba_val(vb), offset);
}

static value set_n(value vb, const value *vind, intnat nind, value v) {
  intnat offset = offset_of_indexes(vb, vind, nind, "Bigarray.set: wrong number of indices");
  write_element(ba_val(vb), offset, v);
  return VAL_UNIT;
}

PRIM value caml_ba_get_1(value vb, value i1) {
  return get_n(vb, &i1, 1);
}

PRIM value caml_ba_get_2(value vb, value i1, value i2) {
  value ind[2] = {i1, i2};
  return get_n(vb, ind, 2);
}

PRIM value caml_ba_get_3(value vb, value i1, value i2, value i3) {
  value ind[3] = {i1, i2, i3};
  return get_n(vb, ind, 3);
}

PRIM value caml_ba_get_generic(value vb, value vind) {
  return get_n(vb, &field(vind, 0), (intnat)wosize_val(vind));
}

PRIM value caml_ba_set_1(value vb, value i1, value v) {
  return set_n(vb, &i1, 1, v);
}

PRIM value caml_ba_set_2(value vb, value i1, value i2, value v) {
  value ind[2] = {i1, i2};
  return set_n(vb, ind, 2, v);
}

PRIM value caml_ba_set_3(value vb, value i1, value i2, value i3, value v) {
  value ind[3] = {i1, i2, i3};
  return set_n(vb, ind, 3, v);
}

PRIM value caml_ba_set_generic(value vb, value vind, value v) {
  return set_n(vb, &field(vind, 0), (intnat)wosize_val(vind), v);
}

/* ---- Multi-byte access to byte arrays (Bigstring), in host order ---- */

static unsigned char *bytes_at(value vb, value vind, intnat width) {
  intnat i = long_val(vind);
  struct ba_array *b = ba_val(vb);
  if (i < 0 || i >= b->dim[0] - (width - 1)) uc_array_bound_error();
  return (unsigned char *)b->data + i;
}

PRIM value caml_ba_uint8_get16(value vb, value vind) {
  uint16_t x;
  memcpy(&x, bytes_at(vb, vind, 2), sizeof x);
  return val_int(x);
}

PRIM value caml_ba_uint8_get32(value vb, value vind) {
  int32_t x;
  memcpy(&x, bytes_at(vb, vind, 4), sizeof x);
  return uc_copy_int32(x);
}

PRIM value caml_ba_uint8_get64(value vb, value vind) {
  int64_t x;
  memcpy(&x, bytes_at(vb, vind, 8), sizeof x);
  return uc_copy_int64(x);
}

PRIM value caml_ba_uint8_set16(value vb, value vind, value v) {
  uint16_t x = (uint16_t)long_val(v);
  memcpy(bytes_at(vb, vind, 2), &x, sizeof x);
  return VAL_UNIT;
}

PRIM value caml_ba_uint8_set32(value vb, value vind, value v) {
  int32_t x = int32_val(v);
  memcpy(bytes_at(vb, vind, 4), &x, sizeof x);
  return VAL_UNIT;
}

PRIM value caml_ba_uint8_set64(value vb, value vind, value v) {
  int64_t x = int64_val(v);
  memcpy(bytes_at(vb, vind, 8), &x, sizeof x);
  return VAL_UNIT;
}

/* ---- Shape ---- */

PRIM value caml_ba_num_dims(value vb) {
  return val_long(ba_val(vb)->num_dims);
}

PRIM value caml_ba_dim(value vb, value vn) {
  struct ba_array *b = ba_val(vb);
  intnat n = long_val(vn);
  if (n < 0 || n >= b->num_dims) uc_invalid_argument("Bigarray.dim");
  return val_long(b->dim[n]);
}

PRIM value caml_ba_dim_1(value vb) { return caml_ba_dim(vb, val_int(0)); }
PRIM value caml_ba_dim_2(value vb) { return caml_ba_dim(vb, val_int(1)); }
PRIM value caml_ba_dim_3(value vb) { return caml_ba_dim(vb, val_int(2)); }

PRIM value caml_ba_kind(value vb) {
  return val_int(ba_kind(ba_val(vb)));
}

PRIM value caml_ba_layout(value vb) {
  return val_int((ba_val(vb)->flags & BA_LAYOUT_MASK) >> 8);
}

/* ---- Views sharing the memory ---- */

PRIM value caml_ba_change_layout(value vb, value vlayout) {
  struct ba_array *b = ba_val(vb);
  intnat layout = (intnat)int_val(vlayout) << 8;
  if (layout == (b->flags & BA_LAYOUT_MASK)) return vb;
  intnat flags = (b->flags & (BA_KIND_MASK | BA_MANAGED_MASK)) | layout;
  intnat dim[BA_MAX_NUM_DIMS];
  for (intnat i = 0; i < b->num_dims; i++) dim[i] = b->dim[b->num_dims - 1 - i];
  return alloc_view(vb, flags, b->num_dims, b->data, dim);
}

PRIM value caml_ba_sub(value vb, value vofs, value vlen) {
  struct ba_array *b = ba_val(vb);
  intnat ofs = long_val(vofs), len = long_val(vlen);
  uintnat stride = 1;
  intnat changed;
  if (b->num_dims == 0) uc_invalid_argument("Bigarray.sub: bad sub-array");
  /* C arrays are cut along the first dimension, Fortran along the last. */
  if ((b->flags & BA_LAYOUT_MASK) == BA_C_LAYOUT) {
    for (intnat i = 1; i < b->num_dims; i++) stride *= (uintnat)b->dim[i];
    changed = 0;
  } else {
    for (intnat i = 0; i < b->num_dims - 1; i++) stride *= (uintnat)b->dim[i];
    changed = b->num_dims - 1;
    ofs--;
  }
  if (ofs < 0 || len < 0 || ofs + len > b->dim[changed])
    uc_invalid_argument("Bigarray.sub: bad sub-array");
  intnat dim[BA_MAX_NUM_DIMS];
  memcpy(dim, b->dim, (size_t)b->num_dims * sizeof(intnat));
  dim[changed] = len;
  char *data = (char *)b->data + (uintnat)ofs * stride * element_size[ba_kind(b)];
  return alloc_view(vb, b->flags, b->num_dims, data, dim);
}

PRIM value caml_ba_slice(value vb, value vind) {
  struct ba_array *b = ba_val(vb);
  intnat num_inds = (intnat)wosize_val(vind);
  intnat index[BA_MAX_NUM_DIMS];
  const intnat *sub_dims;
  if (num_inds > b->num_dims) uc_invalid_argument("Bigarray.slice: too many indices");
  /* C arrays are sliced from the left, Fortran ones from the right. */
  if ((b->flags & BA_LAYOUT_MASK) == BA_C_LAYOUT) {
    for (intnat i = 0; i < b->num_dims; i++)
      index[i] = i < num_inds ? long_val(field(vind, i)) : 0;
    sub_dims = b->dim + num_inds;
  } else {
    intnat free_dims = b->num_dims - num_inds;
    for (intnat i = 0; i < b->num_dims; i++)
      index[i] = i < free_dims ? 1 : long_val(field(vind, i - free_dims));
    sub_dims = b->dim;
  }
  intnat offset = element_offset(b, index);
  char *data = (char *)b->data + (uintnat)offset * element_size[ba_kind(b)];
  return alloc_view(vb, b->flags, b->num_dims - num_inds, data, sub_dims);
}

PRIM value caml_ba_reshape(value vb, value vdim) {
  struct ba_array *b = ba_val(vb);
  intnat dim[BA_MAX_NUM_DIMS];
  mlsize_t num_dims = wosize_val(vdim);
  uintnat n = 1;
  if (num_dims > BA_MAX_NUM_DIMS) uc_invalid_argument("Bigarray.reshape: bad number of dimensions");
  for (mlsize_t i = 0; i < num_dims; i++) {
    dim[i] = long_val(field(vdim, i));
    if (dim[i] < 0) uc_invalid_argument("Bigarray.reshape: negative dimension");
    n *= (uintnat)dim[i];
  }
  if (n != num_elts(b)) uc_invalid_argument("Bigarray.reshape: size mismatch");
  return alloc_view(vb, b->flags, (intnat)num_dims, b->data, dim);
}

/* ---- Bulk operations ---- */

PRIM value caml_ba_blit(value vsrc, value vdst) {
  struct ba_array *src = ba_val(vsrc), *dst = ba_val(vdst);
  if (src->num_dims != dst->num_dims) goto mismatch;
  for (intnat i = 0; i < src->num_dims; i++)
    if (src->dim[i] != dst->dim[i]) goto mismatch;
  memmove(dst->data, src->data, byte_size(src));
  return VAL_UNIT;
mismatch:
  uc_invalid_argument("Bigarray.blit: dimension mismatch");
}

PRIM value caml_ba_fill(value vb, value v) {
  struct ba_array *b = ba_val(vb);
  uintnat n = num_elts(b);
  if (n == 0) return VAL_UNIT;
  size_t width = element_size[ba_kind(b)];
  /* Write the first element, then double the filled prefix. */
  write_element(b, 0, v);
  uintnat done = 1;
  char *p = b->data;
  while (done < n) {
    uintnat chunk = done < n - done ? done : n - done;
    memcpy(p + done * width, p, chunk * width);
    done += chunk;
  }
  return VAL_UNIT;
}

/* ---- Custom operations: comparison ---- */

#define COMPARE_INTEGERS(type)                                  \
  for (uintnat i = 0; i < n; i++) {                             \
    type x, y;                                                  \
    memcpy(&x, (const type *)b1->data + i, sizeof x);           \
    memcpy(&y, (const type *)b2->data + i, sizeof y);           \
    if (x != y) return x < y ? -1 : 1;                          \
  }                                                             \
  return 0

/* NaNs sort below every number and equal to each other for compare; for
 * the = family they make the arrays unordered. */
#define COMPARE_FLOATS(type)                                    \
  for (uintnat i = 0; i < n; i++) {                             \
    type x, y;                                                  \
    memcpy(&x, (const type *)b1->data + i, sizeof x);           \
    memcpy(&y, (const type *)b2->data + i, sizeof y);           \
    if (x < y) return -1;                                       \
    if (x > y) return 1;                                        \
    if (x != y) {                                               \
      uc_compare_unordered = 1;                                 \
      if (x == x) return 1;                                     \
      if (y == y) return -1;                                    \
    }                                                           \
  }                                                             \
  return 0

static int compare_contents(const struct ba_array *b1, const struct ba_array *b2) {
  uintnat n = num_elts(b1);
  switch (ba_kind(b1)) {
  case BA_COMPLEX32: n *= 2; /* fall through */
  case BA_FLOAT32: COMPARE_FLOATS(float);
  case BA_COMPLEX64: n *= 2; /* fall through */
  case BA_FLOAT64: COMPARE_FLOATS(double);
  case BA_SINT8: COMPARE_INTEGERS(int8_t);
  case BA_UINT8:
  case BA_CHAR: COMPARE_INTEGERS(uint8_t);
  case BA_SINT16: COMPARE_INTEGERS(int16_t);
  case BA_UINT16: COMPARE_INTEGERS(uint16_t);
  case BA_INT32: COMPARE_INTEGERS(int32_t);
  case BA_INT64: COMPARE_INTEGERS(int64_t);
  case BA_CAML_INT:
  case BA_NATIVE_INT: COMPARE_INTEGERS(intnat);
  default: return 0;
  }
}

/* Kind and layout first, then shape, then contents; the first two are
 * ordered the way ocamlrun orders them (decreasing). */
static int compare_bigarrays(value v1, value v2) {
  const struct ba_array *b1 = ba_val(v1), *b2 = ba_val(v2);
  intnat f1 = b1->flags & (BA_KIND_MASK | BA_LAYOUT_MASK);
  intnat f2 = b2->flags & (BA_KIND_MASK | BA_LAYOUT_MASK);
  if (f1 != f2) return f2 < f1 ? -1 : 1;
  if (b1->num_dims != b2->num_dims) return b2->num_dims < b1->num_dims ? -1 : 1;
  for (intnat i = 0; i < b1->num_dims; i++)
    if (b1->dim[i] != b2->dim[i]) return b1->dim[i] < b2->dim[i] ? -1 : 1;
  return compare_contents(b1, b2);
}

/* ---- Custom operations: hashing (the same values as ocamlrun) ---- */

/* Bytes are mixed four at a time, little-endian; at most 256 of them. */
static uint32_t hash_bytes(const uint8_t *p, uintnat n) {
  uint32_t h = 0;
  if (n > 256) n = 256;
  uintnat i = 0;
  for (; i + 4 <= n; i += 4)
    h = uc_hash_mix_uint32(h, p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                       (uint32_t)p[i + 3] << 24);
  if (i < n) {
    uint32_t w = 0;
    for (uintnat k = n; k > i; k--) w = (w << 8) | p[k - 1];
    h = uc_hash_mix_uint32(h, w);
  }
  return h;
}

static uint32_t hash_shorts(const void *p, uintnat n) {
  uint32_t h = 0;
  if (n > 128) n = 128;
  uintnat i = 0;
  for (; i + 2 <= n; i += 2)
    h = uc_hash_mix_uint32(h, load_u16(p, (intnat)i) | (uint32_t)load_u16(p, (intnat)i + 1) << 16);
  if (i < n) h = uc_hash_mix_uint32(h, load_u16(p, (intnat)i));
  return h;
}

static intnat hash_bigarray(value v) {
  const struct ba_array *b = ba_val(v);
  const void *p = b->data;
  uintnat n = num_elts(b);
  uint32_t h = 0;
  switch (ba_kind(b)) {
  case BA_CHAR:
  case BA_SINT8:
  case BA_UINT8: return (intnat)hash_bytes(p, n);
  case BA_SINT16:
  case BA_UINT16: return (intnat)hash_shorts(p, n);
  case BA_INT32:
    if (n > 64) n = 64;
    for (uintnat i = 0; i < n; i++) h = uc_hash_mix_uint32(h, (uint32_t)load_i32(p, (intnat)i));
    break;
  case BA_CAML_INT:
  case BA_NATIVE_INT:
    if (n > 64) n = 64;
    for (uintnat i = 0; i < n; i++) h = uc_hash_mix_intnat(h, load_nat(p, (intnat)i));
    break;
  case BA_INT64:
    if (n > 32) n = 32;
    for (uintnat i = 0; i < n; i++) h = uc_hash_mix_int64(h, load_i64(p, (intnat)i));
    break;
  case BA_COMPLEX32: n *= 2; /* fall through */
  case BA_FLOAT32:
    if (n > 64) n = 64;
    for (uintnat i = 0; i < n; i++) h = uc_hash_mix_float(h, load_float(p, (intnat)i));
    break;
  case BA_COMPLEX64: n *= 2; /* fall through */
  case BA_FLOAT64:
    if (n > 32) n = 32;
    for (uintnat i = 0; i < n; i++) h = uc_hash_mix_double(h, load_double(p, (intnat)i));
    break;
  }
  return (intnat)h;
}

/* ---- Custom operations: marshalling, in ocamlrun's format ---- */

static void serialize_words(const void *p, uintnat n, int width) {
  for (uintnat i = 0; i < n; i++) {
    switch (width) {
    case 2: uc_serialize_int_2(load_u16(p, (intnat)i)); break;
    case 4: uc_serialize_int_4(load_i32(p, (intnat)i)); break;
    default: uc_serialize_int_8(load_i64(p, (intnat)i)); break;
    }
  }
}

/* OCaml ints and nativeints: 32 bits each when they all fit (readable on
 * every host), else flagged as 64-bit. */
static void serialize_longs(const void *p, uintnat n, intnat min, intnat max) {
  int wide = 0;
  for (uintnat i = 0; i < n && !wide; i++) {
    intnat x = load_nat(p, (intnat)i);
    wide = x < min || x > max;
  }
  uc_serialize_int_1(wide);
  for (uintnat i = 0; i < n; i++) {
    if (wide)
      uc_serialize_int_8((int64_t)load_nat(p, (intnat)i));
    else
      uc_serialize_int_4((int32_t)load_nat(p, (intnat)i));
  }
}

/* The lower bound ocamlrun applies to nativeints: on 64-bit hosts it is
 * +2^31 there (an unsigned constant negated), so no nativeint passes and
 * they are always written as 64-bit.  Kept for byte-identical output. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#define NATIVEINT_MIN_32 ((intnat)0x80000000)
#else
#define NATIVEINT_MIN_32 (-0x7FFFFFFF - 1)
#endif

static void serialize_bigarray(value v, uintnat *bsize_32, uintnat *bsize_64) {
  const struct ba_array *b = ba_val(v);
  uc_serialize_int_4((int32_t)b->num_dims);
  uc_serialize_int_4((int32_t)(b->flags & (BA_KIND_MASK | BA_LAYOUT_MASK)));
  for (intnat i = 0; i < b->num_dims; i++) {
    if (b->dim[i] < 0xffff) {
      uc_serialize_int_2((int)b->dim[i]);
    } else {
      uc_serialize_int_2(0xffff);
      uc_serialize_int_8(b->dim[i]);
    }
  }
  uintnat n = num_elts(b);
  switch (ba_kind(b)) {
  case BA_CHAR:
  case BA_SINT8:
  case BA_UINT8: uc_serialize_block_1(b->data, n); break;
  case BA_SINT16:
  case BA_UINT16: serialize_words(b->data, n, 2); break;
  case BA_FLOAT32:
  case BA_INT32: serialize_words(b->data, n, 4); break;
  case BA_COMPLEX32: serialize_words(b->data, 2 * n, 4); break;
  case BA_FLOAT64:
  case BA_INT64: serialize_words(b->data, n, 8); break;
  case BA_COMPLEX64: serialize_words(b->data, 2 * n, 8); break;
  case BA_CAML_INT: serialize_longs(b->data, n, -0x40000000, 0x3FFFFFFF); break;
  case BA_NATIVE_INT: serialize_longs(b->data, n, NATIVEINT_MIN_32, 0x7FFFFFFF); break;
  }
  *bsize_32 = (4 + (uintnat)b->num_dims) * 4;
  *bsize_64 = (4 + (uintnat)b->num_dims) * 8;
}

static void deserialize_words(void *p, uintnat n, int width) {
  for (uintnat i = 0; i < n; i++) {
    switch (width) {
    case 2: store_u16(p, (intnat)i, (uint16_t)uc_deserialize_uint_2()); break;
    case 4: store_i32(p, (intnat)i, uc_deserialize_sint_4()); break;
    default: store_i64(p, (intnat)i, uc_deserialize_sint_8()); break;
    }
  }
}

static void deserialize_longs(void *p, uintnat n) {
  int wide = uc_deserialize_uint_1();
  if (wide && sizeof(intnat) < 8)
    uc_deserialize_error("input_value: cannot read bigarray with 64-bit OCaml ints");
  for (uintnat i = 0; i < n; i++) {
    if (wide)
      store_nat(p, (intnat)i, (intnat)uc_deserialize_sint_8());
    else
      store_nat(p, (intnat)i, uc_deserialize_sint_4());
  }
}

static void deserialize_elements(struct ba_array *b, uintnat n) {
  switch (ba_kind(b)) {
  case BA_CHAR:
  case BA_SINT8:
  case BA_UINT8: uc_deserialize_block_1(b->data, n); break;
  case BA_SINT16:
  case BA_UINT16: deserialize_words(b->data, n, 2); break;
  case BA_FLOAT32:
  case BA_INT32: deserialize_words(b->data, n, 4); break;
  case BA_COMPLEX32: deserialize_words(b->data, 2 * n, 4); break;
  case BA_FLOAT64:
  case BA_INT64: deserialize_words(b->data, n, 8); break;
  case BA_COMPLEX64: deserialize_words(b->data, 2 * n, 8); break;
  case BA_CAML_INT:
  case BA_NATIVE_INT: deserialize_longs(b->data, n); break;
  }
}

static uintnat deserialize_bigarray(void *dst) {
  struct ba_array *b = dst;
  uint32_t num_dims = uc_deserialize_uint_4();
  if (num_dims > BA_MAX_NUM_DIMS)
    uc_deserialize_error("input_value: wrong number of bigarray dimensions");
  b->num_dims = (intnat)num_dims;
  /* The data is always ours: input claiming another owner (a mapped file)
   * would keep the finaliser from freeing it. */
  b->flags = ((intnat)uc_deserialize_uint_4() & ~(intnat)BA_MANAGED_MASK) | BA_MANAGED;
  b->proxy = NULL;
  b->data = NULL;
  for (intnat i = 0; i < b->num_dims; i++) {
    uintnat len = (uintnat)uc_deserialize_uint_2();
    if (len == 0xffff) len = (uintnat)uc_deserialize_uint_8();
    /* ocamlrun takes [0; -1] (no element) and then cannot read it back */
    if (len > (uintnat)MAX_LONG) uc_deserialize_error("input_value: negative bigarray dimension");
    b->dim[i] = (intnat)len;
  }
  uintnat n = 1, size;
  for (intnat i = 0; i < b->num_dims; i++)
    if (mul_overflows(n, (uintnat)b->dim[i], &n))
      uc_deserialize_error("input_value: size overflow for bigarray");
  if (ba_kind(b) > BA_CHAR) uc_deserialize_error("input_value: bad bigarray kind");
  /* Every element takes at least one byte of input: a short input cannot
   * ask for a huge allocation. */
  if (n > uc_deserialize_available()) uc_deserialize_error("input_value: truncated bigarray");
  if (mul_overflows(n, element_size[ba_kind(b)], &size))
    uc_deserialize_error("input_value: size overflow for bigarray");
  b->data = alloc_elements(size, 0);
  if (b->data == NULL) uc_deserialize_error("input_value: out of memory for bigarray");
  deserialize_elements(b, n);
  return payload_size(b->num_dims);
}

const struct custom_ops uc_bigarray_ops = {
  "_bigarr02",
  finalize_bigarray,
  compare_bigarrays,
  hash_bigarray,
  serialize_bigarray,
  deserialize_bigarray,
  NULL
};
