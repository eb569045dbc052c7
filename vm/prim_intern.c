/* prim_intern.c: unmarshalling (input_value, Marshal.from_bytes, and the
 * DATA section of bytecode files).
 *
 * The header tells how many heap words the value needs, so the whole result
 * is carved out of one uc_alloc_major_raw block: no collection can run while
 * the parser holds raw pointers.  Input is untrusted: every read is checked
 * against the end of the data, every block against the words left, every
 * back-reference against the objects seen.  The raw memory is kept walkable
 * at every step (blocks built so far, then one inert block), so a failure
 * only has to raise: what was built is unreachable and gets swept.  Nesting
 * is handled with an explicit stack, not C recursion. */
#include "prim.h"
#include "interp.h"
#include "io.h"
#include "marshal.h"
#include "memprof.h"

#define MSG_ILL_FORMED "input_value: ill-formed message"
#define MSG_TRUNCATED "input_value: truncated object"

/* Unmarshalled exceptions get fresh ids from the counter behind
 * CamlinternalOO's (prim_obj.c). */
value caml_fresh_oo_id(value unit);

struct marshal_header {
  int header_len;
  uintnat data_len;
  uintnat num_objects;
  uintnat whsize;        /* heap words needed on this host */
};

/* Pending work: store `count` values at dest[0..]; give the object at
 * `dest` a fresh id once its first two fields are known; turn the closure
 * at *dest into a pointer `count` bytes inside it, once it is read; or
 * check that the closure at dest starts with a code pointer and a closure
 * info. */
enum { OP_READ, OP_FRESH_OID, OP_SHIFT, OP_CODE };
struct intern_item {
  value *dest;
  uintnat count;
  int op;
};

#define STACK_INIT 64
#define SCRATCH_BYTES 512

static struct intern_item stack_init[STACK_INIT];
static union {
  max_align_t align;
  unsigned char bytes[SCRATCH_BYTES];
} scratch_init;

/* The state of the one unmarshalling in progress (the uc_deserialize_*
 * functions read through it). */
static struct {
  const unsigned char *src, *end;   /* unread input */
  header_t *heap, *dest, *heap_end; /* raw memory, next free word, limit */
  value *objs;                      /* shareable objects, in input order */
  uintnat num_objs, seen;
  struct intern_item *stack;
  uintnat sp, cap;
  void *input_buf;                  /* owned copy of a channel's data */
  void *scratch_buf;                /* owned custom payload buffer */
  /* A custom payload being decoded and not yet in a block: if the run stops
   * there, what the ops' deserializer allocated (bigarray data) is freed by
   * their finaliser.  The payload has one spare word before it. */
  const struct custom_ops *pending_ops;
  unsigned char *pending_data;
} ist = {.stack = stack_init, .cap = STACK_INIT};

/* ---- Cleanup ---------------------------------------------------------- */

/* Covers [p, p+words) with blocks the collector will neither scan nor
 * finalise. */
static void fill_inert(header_t *p, mlsize_t words) {
  while (words > 0) {
    mlsize_t wosize = words - 1;
    if (wosize > MAX_WOSIZE) wosize = MAX_WOSIZE;
    *p = make_header(wosize, ABSTRACT_TAG, 0);
    p += wosize + 1;
    words -= wosize + 1;
  }
}

/* Finalises a custom payload that never made it into a block: the value
 * the finaliser sees is made up in the spare word before the payload. */
static void finalize_pending(void) {
  const struct custom_ops *ops = ist.pending_ops;
  ist.pending_ops = NULL;
  if (ops == NULL || ops->finalize == NULL) return;
  value v = (value)(ist.pending_data - WORD_BYTES);
  field(v, 0) = (value)ops;
  ops->finalize(v);
}

/* Frees the C-side resources; also reclaims those of a run that was cut
 * short by an exception raised from below (I/O error, Out_of_memory). */
static void release_resources(void) {
  finalize_pending();
  uc_scratch_free(ist.input_buf);
  ist.input_buf = NULL;
  uc_scratch_free(ist.scratch_buf);
  ist.scratch_buf = NULL;
  uc_scratch_free(ist.objs);
  ist.objs = NULL;
  if (ist.stack != stack_init) uc_scratch_free(ist.stack);
  ist.stack = stack_init;
  ist.cap = STACK_INIT;
  ist.sp = 0;
  ist.heap = ist.dest = ist.heap_end = NULL;
  ist.src = ist.end = NULL;
}

static noreturn void intern_fail(const char *msg) {
  release_resources();
  uc_failwith(msg);
}

static noreturn void intern_out_of_memory(void) {
  release_resources();
  uc_raise_out_of_memory();
}

/* ---- Reading the input ------------------------------------------------ */

static void need(uintnat n) {
  if ((uintnat)(ist.end - ist.src) < n) intern_fail(MSG_ILL_FORMED);
}

static unsigned read8u(void) {
  need(1);
  return *ist.src++;
}

static uint32_t read_be(int bytes) {
  uint32_t r = 0;
  need((uintnat)bytes);
  for (int i = 0; i < bytes; i++) r = (r << 8) | *ist.src++;
  return r;
}

static uint64_t read64u(void) {
  uint64_t hi = read_be(4);
  return (hi << 32) | read_be(4);
}

/* Big-endian numbers at p (no cursor), for headers. */
static uint32_t get32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static uint64_t get64(const unsigned char *p) {
  return ((uint64_t)get32(p) << 32) | get32(p + 4);
}

/* Copies a double given in the stream's byte order to dst in the host's.
 * Bytes, not a double, so that no signalling NaN passes an FPU register. */
static void read_double(void *dst, int little_endian) {
  const uint16_t one = 1;
  int host_little = *(const unsigned char *)&one == 1;
  unsigned char *out = dst;
  need(8);
  for (int i = 0; i < 8; i++) out[i] = ist.src[little_endian == host_little ? i : 7 - i];
  ist.src += 8;
}

/* ---- Header ----------------------------------------------------------- */

static noreturn void header_fail(const char *fun, const char *what) {
  char msg[128];
  size_t nf = strlen(fun), nw = strlen(what);
  if (nf + nw + 3 > sizeof msg) uc_failwith(what);
  memcpy(msg, fun, nf);
  memcpy(msg + nf, ": ", 2);
  memcpy(msg + nf + 2, what, nw + 1);
  uc_failwith(msg);
}

/* Parses the header at p (avail bytes readable); fun names the caller in
 * messages as ocamlrun does. */
static void parse_header(const unsigned char *p, uintnat avail, const char *fun,
                         struct marshal_header *h) {
  if (avail < MARSHAL_HEADER_SMALL) header_fail(fun, "bad object");
  uint32_t magic = get32(p);
  if (magic == MARSHAL_MAGIC_SMALL) {
    h->header_len = MARSHAL_HEADER_SMALL;
    h->data_len = get32(p + 4);
    h->num_objects = get32(p + 8);
    h->whsize = get32(p + (WORD_BYTES == 8 ? 16 : 12));
  } else if (magic == MARSHAL_MAGIC_BIG) {
    if (WORD_BYTES != 8)
      header_fail(fun, "object too large to be read back on a 32-bit platform");
    if (avail < MARSHAL_HEADER_BIG) header_fail(fun, "bad object");
    h->header_len = MARSHAL_HEADER_BIG;
    h->data_len = (uintnat)get64(p + 8);
    h->num_objects = (uintnat)get64(p + 16);
    h->whsize = (uintnat)get64(p + 24);
  } else {
    header_fail(fun, "bad object");
  }
}

/* ---- Allocation of the result ---------------------------------------- */

/* Every object costs at least one input byte.  One byte yields at most three
 * heap words: an empty string is its parent's field, its own header and a
 * padding word.  Larger claims are lies (and would waste the heap). */
static int header_plausible(const struct marshal_header *h) {
  return h->num_objects <= h->data_len && h->whsize / 3 <= h->data_len + 1;
}

/* Gets the raw heap memory and the object table.  May collect (the raw
 * allocation), so callers point ist.src at the data afterwards. */
static void intern_alloc(const struct marshal_header *h) {
  if (!header_plausible(h)) intern_fail(MSG_ILL_FORMED);
  if (h->whsize > 0) {
    ist.heap = uc_alloc_major_raw(h->whsize);
    ist.dest = ist.heap;
    ist.heap_end = ist.heap + h->whsize;
    fill_inert(ist.heap, h->whsize);
  }
  ist.num_objs = h->num_objects;
  ist.seen = 0;
  if (h->num_objects > 0) {
    if (h->num_objects > SIZE_MAX / sizeof(value)) intern_out_of_memory();
    ist.objs = uc_scratch_alloc(h->num_objects * sizeof(value));
    if (ist.objs == NULL) intern_out_of_memory();
  }
}

/* A block of wosize fields from the raw memory; its header is written. */
static value carve(mlsize_t wosize, tag_t tag) {
  if (ist.heap == NULL || wosize > MAX_WOSIZE ||
      wosize >= (mlsize_t)(ist.heap_end - ist.dest))
    intern_fail(MSG_ILL_FORMED);
  *ist.dest = make_header(wosize, tag, 0);
  value v = val_hp(ist.dest);
  ist.dest += wosize + 1;
  /* Keep the rest walkable at all times, whatever interrupts the run. */
  fill_inert(ist.dest, (mlsize_t)(ist.heap_end - ist.dest));
  return v;
}

/* Remembers a shareable object for later back-references. */
static void record(value v) {
  if (ist.objs == NULL) return;
  if (ist.seen >= ist.num_objs) intern_fail(MSG_ILL_FORMED);
  ist.objs[ist.seen++] = v;
}

/* ---- The work stack --------------------------------------------------- */

static void push(int op, value *dest, uintnat count) {
  if (ist.sp == ist.cap) {
    uintnat cap = 2 * ist.cap;
    struct intern_item *s = uc_scratch_alloc(cap * sizeof *s);
    if (s == NULL) intern_out_of_memory();
    memcpy(s, ist.stack, ist.sp * sizeof *s);
    if (ist.stack != stack_init) uc_scratch_free(ist.stack);
    ist.stack = s;
    ist.cap = cap;
  }
  ist.stack[ist.sp++] = (struct intern_item){dest, count, op};
}

static void refresh_oid(value obj) {
  /* Predefined exceptions have negative ids and keep them. */
  if (long_val(field(obj, 1)) >= 0)
    field(obj, 1) = caml_fresh_oo_id(VAL_UNIT);
}

/* ---- Decoding --------------------------------------------------------- */

static noreturn void unknown_code(const unsigned char digest[16]) {
  static const char hex[] = "0123456789ABCDEF";
  char msg[80] = "input_value: unknown code module ";
  size_t n = strlen(msg);
  for (int i = 0; i < 16; i++) {
    msg[n++] = hex[digest[i] >> 4];
    msg[n++] = hex[digest[i] & 15];
  }
  msg[n] = 0;
  intern_fail(msg);
}

/* A code pointer is an offset into the code identified by its digest: only
 * the running program's code can be resolved. */
static value read_code_pointer(void) {
  uint32_t ofs = read_be(4);
  unsigned char digest[16];
  need(16);
  memcpy(digest, ist.src, 16);
  ist.src += 16;
  const unsigned char *code = (const unsigned char *)uc_prog.code;
  if (code != NULL && ofs % 4 == 0 && ofs / 4 < uc_prog.code_words &&
      memcmp(digest, uc_code_digest(), 16) == 0)
    return (value)(code + ofs);
  value *placeholder = uc_named_value("Debugger.function_placeholder");
  /* as ocamlrun does, the placeholder function's code stands for it */
  if (placeholder != NULL && is_block(*placeholder) && tag_val(*placeholder) == CLOSURE_TAG)
    return field(*placeholder, 0);
  unknown_code(digest);
}

static int is_code_pointer(value v) {
  const int32_t *p = (const int32_t *)v;
  return uc_prog.code != NULL && p >= uc_prog.code && p < uc_prog.code + uc_prog.code_words;
}

/* Applies an infix offset, checking it names an entry of the closure. */
static void shift_to_infix(value *dest, uintnat ofs) {
  value base = *dest;
  uintnat k = ofs / WORD_BYTES;
  int ours = is_block(base) && (header_t *)base > ist.heap && (header_t *)base < ist.dest;
  if (!ours || tag_val(base) != CLOSURE_TAG || ofs % WORD_BYTES != 0 ||
      k == 0 || k >= wosize_val(base))
    intern_fail(MSG_ILL_FORMED);
  header_t hd = (header_t)field(base, k - 1);
  if (hd_tag(hd) != INFIX_TAG || hd_wosize(hd) != k || !is_code_pointer(field(base, k)))
    intern_fail(MSG_ILL_FORMED);
  *dest = base + (value)ofs;
}

static value read_block(tag_t tag, mlsize_t size) {
  /* Closures, objects, forwarders and the no-scan tags have fields that the
   * runtime reads whatever the size (code pointer and closure info, object
   * id, custom operations): stock marshalling never writes them empty. */
  if (size == 0) {
    if (tag >= CLOSURE_TAG) intern_fail(MSG_ILL_FORMED);
    return atom(tag);
  }
  /* Tags with a special representation never come with a plain header;
   * accepting them would hand the collector ill-formed blocks. */
  if ((tag >= INFIX_TAG && tag != FORWARD_TAG) || (tag == OBJECT_TAG && size < 2) ||
      (tag == CLOSURE_TAG && size < 2))
    intern_fail(MSG_ILL_FORMED);
  value v = carve(size, tag);
  for (mlsize_t i = 0; i < size; i++) field(v, i) = VAL_UNIT;
  record(v);
  if (tag == OBJECT_TAG) {
    if (size > 2) push(OP_READ, &field(v, 2), size - 2);
    push(OP_FRESH_OID, (value *)v, 0);
    push(OP_READ, &field(v, 0), 2);
  } else if (tag == CLOSURE_TAG) {   /* the interpreter trusts fields 0 and 1 */
    if (size > 2) push(OP_READ, &field(v, 2), size - 2);
    push(OP_CODE, (value *)v, 0);
    push(OP_READ, &field(v, 0), 2);
  } else {
    push(OP_READ, &field(v, 0), size);
  }
  return v;
}

static value read_string(uintnat len) {
  need(len);
  mlsize_t wosize = len / WORD_BYTES + 1;
  value v = carve(wosize, STRING_TAG);
  mlsize_t last = wosize * WORD_BYTES - 1;
  field(v, wosize - 1) = 0;
  memcpy(bytes_ptr(v), ist.src, len);
  bytes_ptr(v)[last] = (unsigned char)(last - len);
  ist.src += len;
  record(v);
  return v;
}

static value read_float(unsigned code) {
  need(8);
  value v = carve(DOUBLE_WOSIZE, DOUBLE_TAG);
  read_double((void *)v, code == CODE_DOUBLE_LITTLE);
  record(v);
  return v;
}

static value read_float_array(uintnat len, int little_endian) {
  if (len > (uintnat)(ist.end - ist.src) / 8) intern_fail(MSG_ILL_FORMED);
  value v;
  if (len == 0) {
    v = atom(0);
  } else {
    v = carve(len * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
    for (uintnat i = 0; i < len; i++) read_double((char *)v + 8 * i, little_endian);
  }
  record(v);
  return v;
}

/* Custom payloads are decoded into a scratch buffer with room to spare,
 * then copied: the ops write what they decode, whatever the sizes claim. */
static void *custom_scratch(uintnat expected) {
  uintnat want = expected + SCRATCH_BYTES / 2;
  unsigned char *p;
  if (want < expected || want + WORD_BYTES < want) intern_fail(MSG_ILL_FORMED);
  if (want + WORD_BYTES <= SCRATCH_BYTES) {
    p = scratch_init.bytes;
  } else {
    uc_scratch_free(ist.scratch_buf);
    ist.scratch_buf = uc_scratch_alloc(want + WORD_BYTES);
    if (ist.scratch_buf == NULL) intern_out_of_memory();
    p = ist.scratch_buf;
  }
  /* Zeroed, so that a finaliser run on a half-decoded payload (see
   * finalize_pending) finds null pointers rather than stale ones. */
  memset(p, 0, want + WORD_BYTES);
  return p + WORD_BYTES;
}

/* The payload size announced before the payload (or fixed by the ops). */
static uintnat custom_expected_size(unsigned code, const char *ident) {
  uintnat b32, b64;
  if (code == CODE_CUSTOM_FIXED) {
    if (!uc_custom_fixed_sizes(ident, &b32, &b64))
      intern_fail("input_value: expected a fixed-size custom block");
    return WORD_BYTES == 8 ? b64 : b32;
  }
  b32 = read_be(4);
  uint64_t big = read64u();
  if (WORD_BYTES == 8) return (uintnat)big;
  return b32;
}

static value read_custom(unsigned code) {
  const unsigned char *nul = memchr(ist.src, 0, (size_t)(ist.end - ist.src));
  if (nul == NULL) intern_fail(MSG_ILL_FORMED);
  const char *ident = (const char *)ist.src;
  const struct custom_ops *ops = uc_find_custom_ops(ident);
  if (ops == NULL) intern_fail("input_value: unknown custom block identifier");
  if (code == CODE_CUSTOM_FIXED && !uc_custom_fixed_sizes(ident, NULL, NULL))
    intern_fail("input_value: expected a fixed-size custom block");
  ist.src = nul + 1;
  uintnat expected = code == CODE_CUSTOM ? 0 : custom_expected_size(code, ident);
  if (ops->deserialize == NULL) intern_fail(MSG_ILL_FORMED);
  /* The block must fit in what is left of the raw memory. */
  if (ist.heap == NULL || expected / WORD_BYTES + 2 > (uintnat)(ist.heap_end - ist.dest))
    intern_fail(MSG_ILL_FORMED);
  unsigned char *buf = custom_scratch(expected);
  ist.pending_ops = ops;
  ist.pending_data = buf;
  uintnat size = ops->deserialize(buf);
  if (code != CODE_CUSTOM && size != expected)
    intern_fail("input_value: incorrect length of serialized custom block");
  if (size > expected + SCRATCH_BYTES / 2) intern_fail(MSG_ILL_FORMED);
  mlsize_t data_words = (size + WORD_BYTES - 1) / WORD_BYTES;
  value v = carve(1 + data_words, CUSTOM_TAG);
  field(v, 0) = (value)ops;
  if (data_words > 0) field(v, data_words) = 0;
  memcpy(custom_data(v), buf, size);
  ist.pending_ops = NULL;   /* the block owns the payload now */
  record(v);
  return v;
}

static value read_shared(uintnat ofs) {
  if (ist.objs == NULL || ofs == 0 || ofs > ist.seen) intern_fail(MSG_ILL_FORMED);
  return ist.objs[ist.seen - ofs];
}

/* Codes that only exist on 64-bit hosts. */
static uintnat read_wide(void) {
  if (WORD_BYTES != 8) intern_fail(MSG_ILL_FORMED);
  return (uintnat)read64u();
}

static value read_coded(unsigned code) {
  switch (code) {
  case CODE_INT8: return val_long((int8_t)read8u());
  case CODE_INT16: return val_long((int16_t)read_be(2));
  case CODE_INT32: return val_long((int32_t)read_be(4));
  case CODE_INT64:
    if (WORD_BYTES != 8) intern_fail("input_value: integer too large");
    return val_long((intnat)read64u());
  case CODE_SHARED8: return read_shared(read8u());
  case CODE_SHARED16: return read_shared(read_be(2));
  case CODE_SHARED32: return read_shared(read_be(4));
  case CODE_SHARED64: return read_shared(read_wide());
  case CODE_BLOCK32: {
    header_t hd = read_be(4);
    return read_block(hd_tag(hd), hd_wosize(hd));
  }
  case CODE_BLOCK64: {
    header_t hd = read_wide();
    return read_block(hd_tag(hd), hd_wosize(hd));
  }
  case CODE_STRING8: return read_string(read8u());
  case CODE_STRING32: return read_string(read_be(4));
  case CODE_STRING64: return read_string(read_wide());
  case CODE_DOUBLE_BIG:
  case CODE_DOUBLE_LITTLE: return read_float(code);
  case CODE_DOUBLE_ARRAY8_BIG: return read_float_array(read8u(), 0);
  case CODE_DOUBLE_ARRAY8_LITTLE: return read_float_array(read8u(), 1);
  case CODE_DOUBLE_ARRAY32_BIG: return read_float_array(read_be(4), 0);
  case CODE_DOUBLE_ARRAY32_LITTLE: return read_float_array(read_be(4), 1);
  case CODE_DOUBLE_ARRAY64_BIG: return read_float_array(read_wide(), 0);
  case CODE_DOUBLE_ARRAY64_LITTLE: return read_float_array(read_wide(), 1);
  case CODE_CODEPOINTER: return read_code_pointer();
  case CODE_CUSTOM:
  case CODE_CUSTOM_LEN:
  case CODE_CUSTOM_FIXED: return read_custom(code);
  default: intern_fail(MSG_ILL_FORMED);
  }
}

/* Decodes one item; blocks queue their fields on the work stack. */
static value read_item(unsigned code) {
  if (code >= PREFIX_SMALL_BLOCK) return read_block(code & 0xF, (code >> 4) & 0x7);
  if (code >= PREFIX_SMALL_INT) return val_int(code & 0x3F);
  if (code >= PREFIX_SMALL_STRING) return read_string(code & 0x1F);
  return read_coded(code);
}

static value intern_parse(void) {
  value result = VAL_UNIT;
  push(OP_READ, &result, 1);
  while (ist.sp > 0) {
    struct intern_item *top = &ist.stack[ist.sp - 1];
    if (top->op == OP_FRESH_OID) {
      ist.sp--;
      refresh_oid((value)top->dest);
      continue;
    }
    if (top->op == OP_CODE) {
      ist.sp--;
      value clos = (value)top->dest;
      if (!is_code_pointer(field(clos, 0)) || !is_long(closinfo_val(clos)) ||
          start_env_closinfo(closinfo_val(clos)) < 2 ||
          start_env_closinfo(closinfo_val(clos)) > wosize_val(clos))
        intern_fail(MSG_ILL_FORMED);
      continue;
    }
    if (top->op == OP_SHIFT) {
      ist.sp--;
      shift_to_infix(top->dest, top->count);
      continue;
    }
    value *dest = top->dest++;
    if (--top->count == 0) ist.sp--;
    unsigned code = read8u();
    if (code == CODE_INFIXPOINTER) {
      push(OP_SHIFT, dest, read_be(4));
      push(OP_READ, dest, 1);
      continue;
    }
    *dest = read_item(code);
  }
  return result;
}

/* ---- Running an unmarshalling ---------------------------------------- */

/* Starts a run: leftovers of a run cut short by a foreign exception are
 * reclaimed here. */
static void intern_begin(void) { release_resources(); }

static value intern_finish(value result) {
  if (ist.heap != NULL) uc_memprof_track_interned(ist.heap, ist.dest);
  release_resources();
  return result;
}

/* Unmarshals data already in C memory (not in the heap). */
static value intern_from_memory(const struct marshal_header *h,
                                const unsigned char *data) {
  intern_alloc(h);
  ist.src = data;
  ist.end = data + h->data_len;
  return intern_finish(intern_parse());
}

value uc_intern_block(const unsigned char *data, uintnat len) {
  struct marshal_header h;
  intern_begin();
  parse_header(data, len, "input_value_from_block", &h);
  if (h.data_len > len - (uintnat)h.header_len)
    uc_failwith("input_val_from_block: bad length");
  return intern_from_memory(&h, data + h.header_len);
}

PRIM value caml_input_value_from_bytes(value str, value vofs) {
  struct marshal_header h;
  uintnat len = string_length(str), ofs = (uintnat)long_val(vofs);
  intern_begin();
  if (ofs > len) uc_failwith("input_val_from_string: bad length");
  parse_header(bytes_ptr(str) + ofs, len - ofs, "input_val_from_string", &h);
  if (h.data_len > len - ofs - (uintnat)h.header_len)
    uc_failwith("input_val_from_string: bad length");
  UC_ROOTS1(str);
  intern_alloc(&h);   /* may move str */
  ist.src = bytes_ptr(str) + ofs + h.header_len;
  ist.end = ist.src + h.data_len;
  UC_UNROOT();
  return intern_finish(intern_parse());
}

/* Reads the header of the next value: End_of_file if the channel is at its
 * end, Failure if it ends inside the header. */
static void read_channel_header(struct channel *c, unsigned char *buf,
                                struct marshal_header *h) {
  intnat got = 0;
  while (got < MARSHAL_HEADER_SMALL) {
    intnat n = uc_getblock(c, (char *)buf + got, MARSHAL_HEADER_SMALL - got);
    if (n == 0) {
      if (got == 0) uc_raise_end_of_file();
      uc_failwith(MSG_TRUNCATED);
    }
    got += n;
  }
  int size = MARSHAL_HEADER_SMALL;
  if (get32(buf) == MARSHAL_MAGIC_BIG && WORD_BYTES == 8) {
    size = MARSHAL_HEADER_BIG;
    if (!uc_really_getblock(c, (char *)buf + got, size - got))
      uc_failwith(MSG_TRUNCATED);
  }
  parse_header(buf, (uintnat)size, "input_value", h);
}

PRIM value caml_input_value(value vchan) {
  struct channel *c = uc_channel_val(vchan);
  unsigned char hbuf[MARSHAL_HEADER_BIG];
  struct marshal_header h;
  intern_begin();
  read_channel_header(c, hbuf, &h);
  if (h.data_len > (uintnat)INTPTR_MAX) uc_raise_out_of_memory();
  ist.input_buf = uc_scratch_alloc(h.data_len);
  if (ist.input_buf == NULL) uc_raise_out_of_memory();
  if (h.data_len > 0 && !uc_really_getblock(c, ist.input_buf, (intnat)h.data_len)) {
    release_resources();
    uc_failwith(MSG_TRUNCATED);
  }
  return intern_from_memory(&h, ist.input_buf);
}

/* Size of the data after the first 20 header bytes (Marshal.data_size). */
PRIM value caml_marshal_data_size(value buf, value vofs) {
  const unsigned char *p = bytes_ptr(buf) + long_val(vofs);
  uint32_t magic = get32(p);
  if (magic == MARSHAL_MAGIC_SMALL) return val_long(get32(p + 4));
  if (magic != MARSHAL_MAGIC_BIG) uc_failwith("Marshal.data_size: bad object");
  if (WORD_BYTES != 8)
    uc_failwith("Marshal.data_size: object too large to be read back on a 32-bit platform");
  return val_long((uintnat)(MARSHAL_HEADER_BIG - MARSHAL_HEADER_SMALL) + (uintnat)get64(p + 8));
}

/* ---- Payloads of custom blocks ---------------------------------------- */

int uc_custom_fixed_sizes(const char *identifier, uintnat *bsize_32, uintnat *bsize_64) {
  static const struct { const char *id; uintnat b32, b64; } fixed[] = {
    {"_i", 4, 4}, {"_j", 8, 8}, {"_n", 4, 8}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    if (strcmp(identifier, fixed[i].id) == 0) {
      if (bsize_32 != NULL) *bsize_32 = fixed[i].b32;
      if (bsize_64 != NULL) *bsize_64 = fixed[i].b64;
      return 1;
    }
  }
  return 0;
}

uintnat uc_deserialize_available(void) { return (uintnat)(ist.end - ist.src); }
int uc_deserialize_uint_1(void) { return (int)read8u(); }
int uc_deserialize_sint_1(void) { return (int8_t)read8u(); }
int uc_deserialize_uint_2(void) { return (int)read_be(2); }
int uc_deserialize_sint_2(void) { return (int16_t)read_be(2); }
uint32_t uc_deserialize_uint_4(void) { return read_be(4); }
int32_t uc_deserialize_sint_4(void) { return (int32_t)read_be(4); }
uint64_t uc_deserialize_uint_8(void) { return read64u(); }
int64_t uc_deserialize_sint_8(void) { return (int64_t)read64u(); }

void uc_deserialize_block_1(void *data, uintnat len) {
  need(len);
  memcpy(data, ist.src, len);
  ist.src += len;
}

/* Elements of 8 bytes, big-endian in the stream, host order in memory. */
void uc_deserialize_block_8(void *data, uintnat len) {
  unsigned char *out = data;
  if (len > (uintnat)(ist.end - ist.src) / 8) intern_fail(MSG_ILL_FORMED);
  for (uintnat i = 0; i < len; i++) {
    uint64_t x = read64u();
    memcpy(out + 8 * i, &x, 8);
  }
}

noreturn void uc_deserialize_error(const char *msg) { intern_fail(msg); }
