/* alloc.c: allocation helpers built on the collector. */
#include "gc.h"
#include "fail.h"
#include "custom.h"
#include "gc_internal.h"
#include "port.h"

value uc_alloc_string(mlsize_t len) {
  mlsize_t wosize = (len + WORD_BYTES) / WORD_BYTES;
  if (wosize > MAX_WOSIZE) uc_invalid_argument("String.create");
  value s = wosize <= MAX_YOUNG_WOSIZE ? uc_alloc_small(wosize, STRING_TAG)
                                       : uc_alloc_major(wosize, STRING_TAG);
  mlsize_t last = wosize * WORD_BYTES - 1;
  field(s, wosize - 1) = 0;
  bytes_ptr(s)[last] = (unsigned char)(last - len);
  return s;
}

value uc_copy_bytes(const void *p, mlsize_t len) {
  value s = uc_alloc_string(len);
  if (len > 0) memcpy(bytes_ptr(s), p, len);
  return s;
}

value uc_copy_string(const char *s) { return uc_copy_bytes(s, strlen(s)); }

value uc_alloc_float_array(mlsize_t len) {
  if (len == 0) return atom(0);
  if (len > MAX_WOSIZE / DOUBLE_WOSIZE) uc_invalid_argument("Array.make");
  return uc_alloc(len * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
}

value uc_alloc_tuple(mlsize_t n) { return uc_alloc(n, 0); }

value uc_alloc_some(value v) {
  UC_ROOTS1(v);
  value r = uc_alloc_small(1, 0);
  field(r, 0) = v;
  UC_RETURN(r);
}

value uc_copy_string_array(const char *const *strs) {
  mlsize_t n = 0;
  while (strs[n] != NULL) n++;
  if (n == 0) return atom(0);
  value arr = uc_alloc(n, 0);
  UC_ROOTS1(arr);
  for (mlsize_t i = 0; i < n; i++) {
    value s = uc_copy_string(strs[i]);
    store_field(arr, i, s);
  }
  UC_RETURN(arr);
}

value uc_alloc_custom(const struct custom_ops *ops, mlsize_t size) {
  mlsize_t wosize = 1 + (size + WORD_BYTES - 1) / WORD_BYTES;
  /* Short-lived blocks (a buffer's bigarray) die in the nursery, which
   * finalises those registered with it; the sweep finalises the others. */
  int young = wosize <= MAX_YOUNG_WOSIZE &&
              (ops->finalize == NULL || uc_gc_reserve_young_custom());
  value v = young ? uc_alloc_small(wosize, CUSTOM_TAG) : uc_alloc_major(wosize, CUSTOM_TAG);
  field(v, 0) = (value)ops;
  if (young && ops->finalize != NULL) uc_gc_register_young_custom(v);
  return v;
}

void *uc_scratch_alloc(size_t bytes) {
  void *p = port_alloc(bytes > 0 ? bytes : 1);
  return p != NULL ? p : uc_alloc_pinned(bytes, 0);
}

void *uc_scratch_realloc(void *p, size_t old_bytes, size_t bytes) {
  if (!uc_is_pinned(p)) {
    void *q = port_realloc(p, bytes > 0 ? bytes : 1);
    if (q != NULL) return q;
  }
  void *q = uc_scratch_alloc(bytes);
  if (q == NULL) return NULL;   /* p is still valid */
  if (p != NULL) {
    memcpy(q, p, old_bytes < bytes ? old_bytes : bytes);
    uc_scratch_free(p);
  }
  return q;
}

void uc_scratch_free(void *p) {
  if (uc_is_pinned(p)) uc_free_pinned(p);
  else port_free(p);
}
