/* prim_obj.c: the Obj module, lazy values, object ids, and the blocks the
 * compiler allocates ahead of time for `let rec` definitions. */
#include "prim.h"

/* Obj.tag's answers for things that are not heap blocks. */
#define INT_TAG 1000
#define OUT_OF_HEAP_TAG 1001
#define UNALIGNED_TAG 1002

/* A zero-sized block of any tag is the shared atom. */
static value alloc_block(mlsize_t wosize, tag_t tag) {
  if (wosize == 0) return atom(tag);
  return uc_alloc(wosize, tag);
}

static void set_tag(value v, tag_t tag) {
  header_t hd = hd_val(v);
  hd_val(v) = make_header(hd_wosize(hd), tag, hd_color(hd));
}

PRIM value caml_obj_tag(value v) {
  if (is_long(v)) return val_int(INT_TAG);
  if ((uintnat)v & (WORD_BYTES - 1)) return val_int(UNALIGNED_TAG);
  if (uc_in_value_area(v)) return val_int(tag_val(v));
  return val_int(OUT_OF_HEAP_TAG);
}

PRIM value caml_obj_set_tag(value v, value tag) {
  set_tag(v, (tag_t)int_val(tag));
  return VAL_UNIT;
}

PRIM value caml_obj_raw_field(value v, value pos) {
  return uc_copy_nativeint(field(v, long_val(pos)));
}

PRIM value caml_obj_set_raw_field(value v, value pos, value bits) {
  field(v, long_val(pos)) = (value)nativeint_val(bits);
  return VAL_UNIT;
}

PRIM value caml_obj_make_forward(value blk, value fwd) {
  store_field(blk, 0, fwd);
  set_tag(blk, FORWARD_TAG);
  return VAL_UNIT;
}

/* Obj.new_block: fields of scannable blocks start as (); the kinds of block
 * whose first words the runtime interprets get a sane initial content. */
PRIM value caml_obj_block(value vtag, value vsize) {
  mlsize_t size = (mlsize_t)long_val(vsize);
  tag_t tag = (tag_t)long_val(vtag);
  value res;
  switch (tag) {
  case CLOSURE_TAG:
    if (size < 2) uc_invalid_argument("Obj.new_block");
    res = uc_alloc(size, tag);
    closinfo_val(res) = make_closinfo(0, 2);
    return res;
  case STRING_TAG:
    if (size == 0) uc_invalid_argument("Obj.new_block");
    res = uc_alloc(size, tag);
    field(res, size - 1) = 0;   /* length = size words - 1 byte */
    return res;
  case CUSTOM_TAG:
    uc_invalid_argument("Obj.new_block");
  default:
    return alloc_block(size, tag);
  }
}

PRIM value caml_obj_with_tag(value vtag, value v) {
  if (!is_block(v) || !uc_in_value_area(v)) uc_invalid_argument("ill-typed value: Obj.dup of an immediate");
  mlsize_t size = wosize_val(v);
  tag_t tag = (tag_t)long_val(vtag);
  if (size == 0) return atom(tag);
  UC_ROOTS1(v);
  value res;
  if (tag >= NO_SCAN_TAG) {
    res = uc_alloc(size, tag);
    memcpy((void *)res, (const void *)v, size * WORD_BYTES);
  } else if (size <= MAX_YOUNG_WOSIZE) {
    res = uc_alloc_small(size, tag);
    for (mlsize_t i = 0; i < size; i++) field(res, i) = field(v, i);
  } else {
    /* Closure code pointers are copied too: they point outside the heap,
     * which the write barrier ignores. */
    res = uc_alloc(size, tag);
    for (mlsize_t i = 0; i < size; i++) store_field(res, i, field(v, i));
  }
  UC_RETURN(res);
}

PRIM value caml_obj_dup(value v) {
  if (!is_block(v) || !uc_in_value_area(v)) uc_invalid_argument("ill-typed value: Obj.dup of an immediate");
  return caml_obj_with_tag(val_long(tag_val(v)), v);
}

/* Obj.truncate: the freed tail becomes a well-formed block (Abstract_tag,
 * colour 0) so that heap walks still see a sequence of blocks. */
PRIM value caml_obj_truncate(value v, value vsize) {
  header_t hd = hd_val(v);
  tag_t tag = hd_tag(hd);
  mlsize_t wosize = hd_wosize(hd);
  mlsize_t new_wosize = (mlsize_t)long_val(vsize);
  if (tag == DOUBLE_ARRAY_TAG) new_wosize *= DOUBLE_WOSIZE;
  if (new_wosize == 0 || new_wosize > wosize) uc_invalid_argument("Obj.truncate");
  if (new_wosize == wosize) return VAL_UNIT;
  /* Let the collector see the references that disappear. */
  if (tag < NO_SCAN_TAG)
    for (mlsize_t i = new_wosize; i < wosize; i++) store_field(v, i, VAL_UNIT);
  field(v, new_wosize) = (value)make_header(wosize - new_wosize - 1, ABSTRACT_TAG, 0);
  hd_val(v) = make_header(new_wosize, tag, hd_color(hd));
  return VAL_UNIT;
}

PRIM value caml_obj_add_offset(value v, value offset) {
  return (value)((uintnat)v + (uintnat)(intnat)int32_val(offset));
}

PRIM value caml_lazy_make_forward(value v) {
  UC_ROOTS1(v);
  value res = uc_alloc_small(1, FORWARD_TAG);
  field(res, 0) = v;
  UC_RETURN(res);
}

/* ---- Objects ---- */

/* The method table of a class: field 0 holds n, then pairs (closure, tag)
 * sorted by tag, tags at the odd indexes 3 .. 2n+1.  Tags are compared as
 * raw words, which orders tagged integers like the integers. */
PRIM value caml_get_public_method(value obj, value tag) {
  value meths = field(obj, 0);
  intnat lo = 3, hi = 2 * long_val(field(meths, 0)) + 1;
  while (lo < hi) {
    intnat mid = ((lo + hi) >> 1) | 1;
    if (tag < field(meths, mid))
      hi = mid - 2;
    else
      lo = mid;
  }
  /* A missing method gives 0, as in ocamlrun (callers check first). */
  return tag == field(meths, lo) ? field(meths, lo - 1) : 0;
}

static intnat last_oo_id = 0;

static value next_oo_id(void) {
  return val_long(last_oo_id++);
}

PRIM value caml_set_oo_id(value obj) {
  field(obj, 1) = next_oo_id();
  return obj;
}

PRIM value caml_fresh_oo_id(value unit) {
  return next_oo_id();
}

PRIM value caml_int_as_pointer(value n) {
  return n - 1;
}

/* ---- let rec: blocks allocated before their contents are known ---- */

PRIM value caml_alloc_dummy(value size) {
  return alloc_block((mlsize_t)long_val(size), 0);
}

PRIM value caml_alloc_dummy_function(value size, value arity) {
  return caml_alloc_dummy(size);
}

PRIM value caml_alloc_dummy_float(value size) {
  return alloc_block((mlsize_t)long_val(size) * DOUBLE_WOSIZE, 0);
}

/* A dummy for a function defined in a group of mutually recursive ones: a
 * pointer `offset` words inside a closure block, behind an infix header.
 * Its closinfo makes the collector skip the (still meaningless) contents. */
PRIM value caml_alloc_dummy_infix(value vsize, value voffset) {
  mlsize_t size = (mlsize_t)long_val(vsize), offset = (mlsize_t)long_val(voffset);
  value v = uc_alloc(size, CLOSURE_TAG);
  closinfo_val(v) = make_closinfo(0, size);
  if (offset > 0) {
    v += (value)(offset * WORD_BYTES);
    hd_val(v) = make_header(offset, INFIX_TAG, 0);
  }
  return v;
}

static void copy_fields(value dst, value src, mlsize_t size) {
  for (mlsize_t i = 0; i < size; i++) store_field(dst, i, field(src, i));
}

/* Fill a dummy with the real value, in place, so the references to it
 * taken during the definition see the final contents. */
PRIM value caml_update_dummy(value dummy, value newval) {
  tag_t tag = tag_val(newval);
  if (tag == DOUBLE_ARRAY_TAG) {
    set_tag(dummy, DOUBLE_ARRAY_TAG);
    mlsize_t n = wosize_val(newval) / DOUBLE_WOSIZE;
    for (mlsize_t i = 0; i < n; i++) store_double_field(dummy, i, double_field(newval, i));
  } else if (tag == INFIX_TAG) {
    value clos = newval - (value)infix_offset_val(newval);
    value whole = dummy - (value)infix_offset_val(dummy);
    copy_fields(whole, clos, wosize_val(clos));
  } else {
    set_tag(dummy, tag);
    copy_fields(dummy, newval, wosize_val(newval));
  }
  return VAL_UNIT;
}

/* ---- Obj.reachable_words ---- */

/* The set of blocks already counted: open addressing on addresses. */
struct block_set {
  value *slots;   /* 0 = empty */
  uintnat mask;
  uintnat count;
};

/* Fields still to visit: `count` values from `next` on. */
struct pending {
  value *next;
  mlsize_t count;
};

struct walk {
  struct block_set seen;
  struct pending *stack;
  uintnat depth, capacity;
};

static void walk_free(struct walk *w) {
  port_free(w->seen.slots);
  port_free(w->stack);
}

static noreturn void walk_out_of_memory(struct walk *w) {
  walk_free(w);
  uc_raise_out_of_memory();
}

static uintnat slot_of(value v, uintnat mask) {
  uintnat h = (uintnat)v / WORD_BYTES;
  return (h * 2654435761u) & mask;
}

static void set_insert_unique(struct block_set *s, value v) {
  uintnat i = slot_of(v, s->mask);
  while (s->slots[i] != 0) i = (i + 1) & s->mask;
  s->slots[i] = v;
  s->count++;
}

static int set_grow(struct block_set *s) {
  struct block_set bigger = {NULL, s->mask * 2 + 1, 0};
  bigger.slots = port_alloc((bigger.mask + 1) * sizeof(value));
  if (bigger.slots == NULL) return 0;
  memset(bigger.slots, 0, (bigger.mask + 1) * sizeof(value));
  for (uintnat i = 0; i <= s->mask; i++)
    if (s->slots[i] != 0) set_insert_unique(&bigger, s->slots[i]);
  port_free(s->slots);
  *s = bigger;
  return 1;
}

/* Adds v; returns 0 if it was already there. */
static int set_add(struct walk *w, value v) {
  struct block_set *s = &w->seen;
  uintnat i = slot_of(v, s->mask);
  for (; s->slots[i] != 0; i = (i + 1) & s->mask)
    if (s->slots[i] == v) return 0;
  if (2 * (s->count + 1) > s->mask + 1) {
    if (!set_grow(s)) walk_out_of_memory(w);
  }
  set_insert_unique(s, v);
  return 1;
}

static void push_pending(struct walk *w, value *next, mlsize_t count) {
  if (w->depth == w->capacity) {
    uintnat cap = w->capacity ? 2 * w->capacity : 64;
    struct pending *st = port_realloc(w->stack, cap * sizeof *st);
    if (st == NULL) walk_out_of_memory(w);
    w->stack = st;
    w->capacity = cap;
  }
  w->stack[w->depth].next = next;
  w->stack[w->depth].count = count;
  w->depth++;
}

/* Counts v's block (header included) if not seen yet, and queues its
 * fields.  Integers and blocks outside the heap (atoms, constants) count 0. */
static intnat visit(struct walk *w, value v) {
  if (is_long(v) || !uc_in_heap(v)) return 0;
  if (tag_val(v) == INFIX_TAG) v -= (value)infix_offset_val(v);
  if (!set_add(w, v)) return 0;
  mlsize_t size = wosize_val(v);
  tag_t tag = tag_val(v);
  if (tag < NO_SCAN_TAG) {
    mlsize_t first = tag == CLOSURE_TAG ? start_env_closinfo(closinfo_val(v)) : 0;
    if (first < size) push_pending(w, &field(v, first), size - first);
  }
  return (intnat)size + 1;
}

PRIM value caml_obj_reachable_words(value v) {
  struct walk w = {{NULL, 255, 0}, NULL, 0, 0};
  w.seen.slots = port_alloc((w.seen.mask + 1) * sizeof(value));
  if (w.seen.slots == NULL) uc_raise_out_of_memory();
  memset(w.seen.slots, 0, (w.seen.mask + 1) * sizeof(value));
  intnat total = visit(&w, v);
  while (w.depth > 0) {
    struct pending *top = &w.stack[w.depth - 1];
    value next = *top->next++;
    if (--top->count == 0) w.depth--;
    total += visit(&w, next);
  }
  walk_free(&w);
  return val_long(total);
}

/* ---- Runtime services this VM does not provide ---- */

/* Sys.signal: actions are recorded so the previous one is returned as
 * ocamlrun does, but signals are never delivered to OCaml handlers. */
#define SIGNAL_SLOTS 65   /* Linux's NSIG */
static value signal_handlers = 0;   /* OCaml array of closures, lazily made */
static unsigned char signal_action[SIGNAL_SLOTS];   /* 0 default, 1 ignore, 2 handle */

/* OCaml's portable signal numbers (-1 .. -28) in Linux numbering. */
static const unsigned char linux_signal_numbers[] = {
  6, 14, 8, 1, 4, 2, 9, 13, 3, 11, 15, 10, 12, 17, 18,
  19, 20, 21, 22, 26, 27, 7, 29, 31, 5, 23, 24, 25
};

static intnat system_signal_number(intnat signo) {
  intnat count = (intnat)sizeof linux_signal_numbers;
  if (signo < 0 && signo >= -count) return linux_signal_numbers[-signo - 1];
  return signo;
}

static value previous_signal_action(int sig) {
  if (signal_action[sig] < 2) return val_int(signal_action[sig]);
  value res = uc_alloc_small(1, 0);
  field(res, 0) = field(signal_handlers, sig);
  return res;
}

PRIM value caml_install_signal_handler(value vsig, value action) {
  intnat sig = system_signal_number(long_val(vsig));
  if (sig < 0 || sig >= SIGNAL_SLOTS) uc_invalid_argument("Sys.signal: unavailable signal");
  /* The kernel refuses to change these (EINVAL). */
  if (sig == 0 || sig == 9 || sig == 19)
    uc_raise_sys_error(uc_copy_string("Invalid argument"));
  UC_ROOTS1(action);
  if (signal_handlers == 0) {
    value handlers = uc_alloc(SIGNAL_SLOTS, 0);
    signal_handlers = handlers;
    uc_register_root(&signal_handlers);
  }
  value res = previous_signal_action((int)sig);
  if (is_block(action)) {
    store_field(signal_handlers, sig, field(action, 0));
    signal_action[sig] = 2;
  } else {
    signal_action[sig] = (unsigned char)int_val(action);
  }
  UC_RETURN(res);
}

/* Sys.enable_runtime_warnings; other runtime parts may read the flag. */
int uc_runtime_warnings = 0;

PRIM value caml_ml_enable_runtime_warnings(value flag) {
  uc_runtime_warnings = bool_val(flag);
  return VAL_UNIT;
}

PRIM value caml_ml_runtime_warnings_enabled(value unit) {
  return val_bool(uc_runtime_warnings);
}

/* No AFL instrumentation and no event log: nothing to reset or pause. */
PRIM value caml_reset_afl_instrumentation(value full) { return VAL_UNIT; }
PRIM value caml_eventlog_pause(value unit) { return VAL_UNIT; }
PRIM value caml_eventlog_resume(value unit) { return VAL_UNIT; }

/* Dynamic loading of C libraries: not supported, answered like an ocamlrun
 * built without it. */
PRIM value caml_dynlink_open_lib(value mode, value filename) {
  uc_failwith("dynamic loading not supported on this platform");
}

PRIM value caml_dynlink_close_lib(value handle) { return VAL_UNIT; }

PRIM value caml_dynlink_lookup_symbol(value handle, value name) { return VAL_UNIT; }

PRIM value caml_dynlink_add_primitive(value handle) {
  uc_invalid_argument("dynlink_add_primitive");
}

PRIM value caml_dynlink_get_current_libs(value unit) { return atom(0); }
