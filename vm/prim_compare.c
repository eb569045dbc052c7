/* prim_compare.c: polymorphic structural comparison (compare, =, <, ...).
 *
 * The walk over the two values is iterative: when two blocks of the same
 * shape are met, their first fields are compared next and the remaining ones
 * are remembered on an explicit stack, so deep values use no C stack.
 *
 * Pointers outside the heap that are not atoms (code pointers that ill-typed
 * unmarshalled data put into ordinary blocks) have no header to read: they
 * are ordered by address, after all integers, as stock OCaml does. */
#include "prim.h"
#include "compare.h"

#define LESS ((intnat)-1)
#define EQUAL ((intnat)0)
#define GREATER ((intnat)1)

int uc_compare_unordered;

/* Fields still to be compared: `left` pairs starting at a[0], b[0]. */
struct pending {
  const value *a, *b;
  mlsize_t left;
};

/* The stack starts in static storage and grows on the C heap.  It is shared
 * between calls (comparison never re-enters itself) and given back after
 * each comparison that needed more room, including before raising. */
#define BUILTIN_ENTRIES 64
#define MAX_ENTRIES ((size_t)1024 * 1024)
static struct pending builtin_stack[BUILTIN_ENTRIES];
static struct pending *stack = builtin_stack;
static size_t stack_capacity = BUILTIN_ENTRIES;

static void release_stack(void) {
  if (stack != builtin_stack) {
    port_free(stack);
    stack = builtin_stack;
    stack_capacity = BUILTIN_ENTRIES;
  }
}

/* Doubles the stack; raises Out_of_memory beyond MAX_ENTRIES / 2 entries,
 * where stock OCaml gives up too. */
static void grow_stack(void) {
  size_t want = 2 * stack_capacity;
  struct pending *bigger;
  if (want >= MAX_ENTRIES) {
    release_stack();
    uc_raise_out_of_memory();
  }
  if (stack == builtin_stack) {
    bigger = port_alloc(want * sizeof *bigger);
    if (bigger != NULL) memcpy(bigger, builtin_stack, sizeof builtin_stack);
  } else {
    bigger = port_realloc(stack, want * sizeof *bigger);
  }
  if (bigger == NULL) {
    release_stack();
    uc_raise_out_of_memory();
  }
  stack = bigger;
  stack_capacity = want;
}

static noreturn void compare_error(const char *msg) {
  release_stack();
  uc_invalid_argument(msg);
}

static intnat compare_doubles(double d1, double d2, int total) {
  if (d1 < d2) return LESS;
  if (d1 > d2) return GREATER;
  if (d1 != d2) {
    /* At least one NaN.  compare orders NaN below every other float and
     * equal to itself; the comparison operators see it as unordered. */
    if (!total) return UC_UNORDERED;
    if (d1 == d1) return GREATER;
    if (d2 == d2) return LESS;
  }
  return EQUAL;
}

static intnat compare_strings(value s1, value s2) {
  mlsize_t len1 = string_length(s1), len2 = string_length(s2);
  int res = memcmp(string_ptr(s1), string_ptr(s2), len1 < len2 ? len1 : len2);
  if (res < 0) return LESS;
  if (res > 0) return GREATER;
  if (len1 != len2) return len1 < len2 ? LESS : GREATER;
  return EQUAL;
}

static intnat compare_float_arrays(value a1, value a2, int total) {
  mlsize_t n1 = wosize_val(a1) / DOUBLE_WOSIZE, n2 = wosize_val(a2) / DOUBLE_WOSIZE;
  if (n1 != n2) return n1 < n2 ? LESS : GREATER;
  for (mlsize_t i = 0; i < n1; i++) {
    intnat res = compare_doubles(double_field(a1, i), double_field(a2, i), total);
    if (res != EQUAL) return res;
  }
  return EQUAL;
}

/* Runs a custom comparison function, noting whether it found the operands
 * unordered. */
static intnat call_custom_compare(int (*cmp)(value, value), value v1, value v2, int total) {
  int res;
  uc_compare_unordered = 0;
  res = cmp(v1, v2);
  if (uc_compare_unordered && !total) return UC_UNORDERED;
  return res;
}

static intnat compare_customs(value v1, value v2, int total) {
  const struct custom_ops *ops1 = custom_ops_val(v1), *ops2 = custom_ops_val(v2);
  /* Blocks of different custom types are ordered by their identifiers. */
  if (ops1->compare != ops2->compare)
    return strcmp(ops1->identifier, ops2->identifier) < 0 ? LESS : GREATER;
  if (ops1->compare == NULL) compare_error("compare: abstract value");
  return call_custom_compare(ops1->compare, v1, v2, total);
}

static intnat compare_objects(value o1, value o2) {
  intnat id1 = long_val(field(o1, 1)), id2 = long_val(field(o2, 1));
  if (id1 == id2) return EQUAL;
  return id1 < id2 ? LESS : GREATER;
}

/* The block-versus-integer case, for a block that is not a forwarder:
 * blocks are greater, except custom blocks that know how to compare
 * themselves with an integer.  `block_first` says which side the block is.
 * Sets *done to 0 if the pair turned out equal. */
static intnat compare_block_with_int(value block, value n, int block_first, int total,
                                    int *done) {
  if (tag_val(block) == CUSTOM_TAG && custom_ops_val(block)->compare_ext != NULL) {
    int (*cmp)(value, value) = custom_ops_val(block)->compare_ext;
    intnat res = block_first ? call_custom_compare(cmp, block, n, total)
                             : call_custom_compare(cmp, n, block, total);
    *done = res != EQUAL;
    return res;
  }
  *done = 1;
  return block_first ? GREATER : LESS;
}

/* Compares two blocks of equal tag whose contents are not plain fields.
 * Returns 1 and sets *res if the tag is one of those. */
static int compare_leaf_blocks(tag_t tag, value v1, value v2, int total, intnat *res) {
  switch (tag) {
  case STRING_TAG: *res = v1 == v2 ? EQUAL : compare_strings(v1, v2); return 1;
  case DOUBLE_TAG: *res = compare_doubles(double_val(v1), double_val(v2), total); return 1;
  case DOUBLE_ARRAY_TAG: *res = compare_float_arrays(v1, v2, total); return 1;
  case ABSTRACT_TAG: compare_error("compare: abstract value");
  case CLOSURE_TAG:
  case INFIX_TAG: compare_error("compare: functional value");
  case OBJECT_TAG: *res = compare_objects(v1, v2); return 1;
  case CUSTOM_TAG: *res = compare_customs(v1, v2, total); return 1;
  default: return 0;
  }
}

static intnat compare_walk(value v1, value v2, int total) {
  size_t sp = 0; /* entries in use on the stack */
  for (;;) {
    intnat res = EQUAL;
    if (v1 == v2 && total) goto next;
    if ((is_block(v1) && !uc_in_value_area(v1)) || (is_block(v2) && !uc_in_value_area(v2))) {
      if (v1 == v2) goto next;
      if (is_long(v1)) return LESS;
      if (is_long(v2)) return GREATER;
      return v1 < v2 ? LESS : GREATER;
    }
    if (is_long(v1) || is_long(v2)) {
      int done;
      if (v1 == v2) goto next;
      if (is_long(v1) && is_long(v2))
        return long_val(v1) < long_val(v2) ? LESS : GREATER;
      if (is_block(v1) && tag_val(v1) == FORWARD_TAG) { v1 = field(v1, 0); continue; }
      if (is_block(v2) && tag_val(v2) == FORWARD_TAG) { v2 = field(v2, 0); continue; }
      res = is_block(v1) ? compare_block_with_int(v1, v2, 1, total, &done)
                         : compare_block_with_int(v2, v1, 0, total, &done);
      if (done) return res;
      goto next;
    }
    tag_t t1 = tag_val(v1), t2 = tag_val(v2);
    if (t1 != t2) {
      /* Forwarders may point to anything; closures and their infix
       * pointers are both functions.  Other mixes (possible with
       * existential types) are ordered by tag. */
      if (t1 == FORWARD_TAG) { v1 = field(v1, 0); continue; }
      if (t2 == FORWARD_TAG) { v2 = field(v2, 0); continue; }
      if (t1 == INFIX_TAG) t1 = CLOSURE_TAG;
      if (t2 == INFIX_TAG) t2 = CLOSURE_TAG;
      if (t1 != t2) return (intnat)t1 - (intnat)t2;
    }
    if (t1 == FORWARD_TAG) {
      v1 = field(v1, 0);
      v2 = field(v2, 0);
      continue;
    }
    if (compare_leaf_blocks(t1, v1, v2, total, &res)) {
      if (res != EQUAL) return res;
      goto next;
    }
    {
      mlsize_t n1 = wosize_val(v1), n2 = wosize_val(v2);
      if (n1 != n2) return n1 < n2 ? LESS : GREATER;
      if (n1 == 0) goto next;
      if (n1 > 1) {
        /* One slot stays unused, so that the depth limit is stock OCaml's. */
        if (sp + 1 == stack_capacity) grow_stack();
        stack[sp].a = &field(v1, 1);
        stack[sp].b = &field(v2, 1);
        stack[sp].left = n1 - 1;
        sp++;
      }
      v1 = field(v1, 0);
      v2 = field(v2, 0);
      continue;
    }
  next:
    if (sp == 0) return EQUAL;
    {
      struct pending *top = &stack[sp - 1];
      v1 = *top->a++;
      v2 = *top->b++;
      if (--top->left == 0) sp--;
    }
  }
}

intnat uc_compare_values(value v1, value v2, int total) {
  intnat res = compare_walk(v1, v2, total);
  release_stack();
  return res;
}

PRIM value caml_compare(value v1, value v2) {
  intnat res = uc_compare_values(v1, v2, 1);
  return val_int(res < 0 ? -1 : res > 0 ? 1 : 0);
}

PRIM value caml_equal(value v1, value v2) {
  return val_bool(uc_compare_values(v1, v2, 0) == 0);
}

PRIM value caml_notequal(value v1, value v2) {
  return val_bool(uc_compare_values(v1, v2, 0) != 0);
}

PRIM value caml_lessthan(value v1, value v2) {
  intnat res = uc_compare_values(v1, v2, 0);
  return val_bool(res < 0 && res != UC_UNORDERED);
}

PRIM value caml_lessequal(value v1, value v2) {
  intnat res = uc_compare_values(v1, v2, 0);
  return val_bool(res <= 0 && res != UC_UNORDERED);
}

PRIM value caml_greaterthan(value v1, value v2) {
  return val_bool(uc_compare_values(v1, v2, 0) > 0);
}

PRIM value caml_greaterequal(value v1, value v2) {
  return val_bool(uc_compare_values(v1, v2, 0) >= 0);
}
