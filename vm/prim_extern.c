/* prim_extern.c: marshalling (output_value, Marshal.to_bytes/to_buffer).
 *
 * The value is walked depth-first, fields left to right, with an explicit
 * stack; the bytes written are exactly ocamlrun's for the same value and
 * flags.  Blocks already written are remembered in a hash table keyed by
 * address (nothing allocates during the walk, so addresses are stable) and
 * written again as back-references counted in objects.  Temporary memory
 * (uc_scratch_alloc) is released before this file raises; if a channel write
 * raises instead, the next run reclaims it.  Closures (with the Closures
 * flag) are written as offsets into the program's code plus its digest. */
#include "prim.h"
#include "interp.h"
#include "io.h"
#include "marshal.h"

/* ---- State ------------------------------------------------------------ */

struct seen_entry {
  value obj;      /* 0: free slot */
  uintnat pos;    /* object number in output order */
};

struct pending {
  value *fields;  /* fields still to write */
  uintnat count;
};

#define STACK_INIT 64
#define SEEN_INIT_LOG2 8

static struct pending stack_init[STACK_INIT];

static struct {
  int flags;
  /* Output: a growing buffer of ours, or the caller's fixed one. */
  unsigned char *buf, *ptr, *limit;
  int user_buffer;
  /* Objects written so far. */
  struct seen_entry *seen;
  uintnat seen_size, seen_count;   /* seen_size: a power of two */
  int seen_shift;
  uintnat obj_counter;
  uint64_t size_32, size_64;       /* heap words needed to read back */
  struct pending *stack;
  uintnat sp, cap;
} ext = {.stack = stack_init, .cap = STACK_INIT};

/* Frees everything; also reclaims a run cut short by an exception raised
 * from below (an I/O error while writing to a channel). */
static void release_resources(void) {
  if (!ext.user_buffer) uc_scratch_free(ext.buf);
  ext.buf = ext.ptr = ext.limit = NULL;
  ext.user_buffer = 0;
  uc_scratch_free(ext.seen);
  ext.seen = NULL;
  if (ext.stack != stack_init) uc_scratch_free(ext.stack);
  ext.stack = stack_init;
  ext.cap = STACK_INIT;
  ext.sp = 0;
}

static noreturn void extern_failwith(const char *msg) {
  release_resources();
  uc_failwith(msg);
}

static noreturn void extern_invalid_argument(const char *msg) {
  release_resources();
  uc_invalid_argument(msg);
}

static noreturn void extern_out_of_memory(void) {
  release_resources();
  uc_raise_out_of_memory();
}

/* ---- Output ----------------------------------------------------------- */

static void reserve(uintnat n) {
  if ((uintnat)(ext.limit - ext.ptr) >= n) return;
  if (ext.user_buffer) extern_failwith("Marshal.to_buffer: buffer overflow");
  uintnat used = (uintnat)(ext.ptr - ext.buf);
  uintnat cap = (uintnat)(ext.limit - ext.buf);
  uintnat want = cap < 256 ? 256 : cap;
  while (want - used < n) {
    if (want > UINTPTR_MAX / 2) extern_out_of_memory();
    want *= 2;
  }
  unsigned char *b = uc_scratch_realloc(ext.buf, cap, want);
  if (b == NULL) extern_out_of_memory();
  ext.buf = b;
  ext.ptr = b + used;
  ext.limit = b + want;
}

static void put8(unsigned c) {
  reserve(1);
  *ext.ptr++ = (unsigned char)c;
}

static void put_bytes(const void *p, uintnat n) {
  reserve(n);
  memcpy(ext.ptr, p, n);
  ext.ptr += n;
}

static void store_be(unsigned char *p, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) {
    p[i] = (unsigned char)x;
    x >>= 8;
  }
}

/* A code byte followed by a big-endian argument of `bytes` bytes. */
static void put_code(unsigned code, uint64_t arg, int bytes) {
  reserve(1 + (uintnat)bytes);
  ext.ptr[0] = (unsigned char)code;
  store_be(ext.ptr + 1, arg, bytes);
  ext.ptr += 1 + bytes;
}

/* A function, not an expression, so 32-bit builds see no constant test. */
static int fits32(uint64_t x) { return x < (UINT64_C(1) << 32); }

static int host_little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/* ---- The table of objects already written ----------------------------- */

static uintnat seen_hash(value v) {
  /* Fibonacci hashing: multiply by 2^wordsize / golden ratio. */
  const uintnat factor = WORD_BYTES == 8 ? (uintnat)UINT64_C(11400714819323198485)
                                         : (uintnat)2654435769u;
  return ((uintnat)v * factor) >> ext.seen_shift;
}

static void seen_alloc(int log2) {
  struct seen_entry *table = uc_scratch_alloc(((size_t)1 << log2) * sizeof *table);
  if (table == NULL) extern_out_of_memory();   /* frees the current table */
  ext.seen = table;
  ext.seen_size = (uintnat)1 << log2;
  ext.seen_shift = WORD_BITS - log2;
  memset(ext.seen, 0, ext.seen_size * sizeof *ext.seen);
}

static struct seen_entry *seen_slot(value v) {
  uintnat mask = ext.seen_size - 1;
  uintnat h = seen_hash(v);
  while (ext.seen[h].obj != 0 && ext.seen[h].obj != v) h = (h + 1) & mask;
  return &ext.seen[h];
}

static void seen_grow(void) {
  struct seen_entry *old = ext.seen;
  uintnat old_size = ext.seen_size;
  int log2 = WORD_BITS - ext.seen_shift + 1;
  if (log2 >= WORD_BITS - 4) extern_out_of_memory();
  seen_alloc(log2);
  for (uintnat i = 0; i < old_size; i++)
    if (old[i].obj != 0) *seen_slot(old[i].obj) = old[i];
  uc_scratch_free(old);
}

/* Gives the next object number to v, unless sharing is off. */
static void remember(value v) {
  if (ext.flags & MARSHAL_NO_SHARING) return;
  struct seen_entry *e = seen_slot(v);
  e->obj = v;
  e->pos = ext.obj_counter++;
  if (++ext.seen_count >= ext.seen_size / 3 * 2) seen_grow();
}

/* Writes a back-reference if v was written before. */
static int write_if_seen(value v) {
  if (ext.flags & MARSHAL_NO_SHARING) return 0;
  struct seen_entry *e = seen_slot(v);
  if (e->obj == 0) return 0;
  uintnat d = ext.obj_counter - e->pos;
  if (d < 0x100) put_code(CODE_SHARED8, d, 1);
  else if (d < 0x10000) put_code(CODE_SHARED16, d, 2);
  else if (WORD_BYTES == 8 && !fits32(d)) put_code(CODE_SHARED64, d, 8);
  else put_code(CODE_SHARED32, d, 4);
  return 1;
}

/* ---- Writing values --------------------------------------------------- */

static void write_int(intnat n) {
  if (n >= 0 && n < 0x40) {
    put8(PREFIX_SMALL_INT + (unsigned)n);
  } else if (n >= -128 && n < 128) {
    put_code(CODE_INT8, (uint64_t)n, 1);
  } else if (n >= -32768 && n < 32768) {
    put_code(CODE_INT16, (uint64_t)n, 2);
  } else if (WORD_BYTES == 8 && (n < -((intnat)1 << 30) || n >= ((intnat)1 << 30))) {
    if (ext.flags & MARSHAL_COMPAT_32)
      extern_failwith("output_value: integer cannot be read back on 32-bit platform");
    put_code(CODE_INT64, (uint64_t)n, 8);
  } else {
    put_code(CODE_INT32, (uint64_t)n, 4);
  }
}

static void write_header(mlsize_t size, tag_t tag) {
  if (tag < 16 && size < 8) {
    put8(PREFIX_SMALL_BLOCK + tag + (unsigned)(size << 4));
    return;
  }
  uint64_t hd = make_header(size, tag, 0);
  if (WORD_BYTES == 8 && size > 0x3FFFFF && (ext.flags & MARSHAL_COMPAT_32))
    extern_failwith("output_value: array cannot be read back on 32-bit platform");
  if (hd < UINT64_C(1) << 32) put_code(CODE_BLOCK32, hd, 4);
  else put_code(CODE_BLOCK64, hd, 8);
}

static void write_string(value v) {
  mlsize_t len = string_length(v);
  if (len < 0x20) {
    put8(PREFIX_SMALL_STRING + (unsigned)len);
  } else if (len < 0x100) {
    put_code(CODE_STRING8, len, 1);
  } else {
    if (WORD_BYTES == 8 && len > 0xFFFFFB && (ext.flags & MARSHAL_COMPAT_32))
      extern_failwith("output_value: string cannot be read back on 32-bit platform");
    if (fits32(len)) put_code(CODE_STRING32, len, 4);
    else put_code(CODE_STRING64, len, 8);
  }
  put_bytes(string_ptr(v), len);
  ext.size_32 += 1 + (len + 4) / 4;
  ext.size_64 += 1 + (len + 8) / 8;
}

/* Doubles go out in the host's byte order, tagged with it. */
static void write_double(value v) {
  put8(host_little_endian() ? CODE_DOUBLE_LITTLE : CODE_DOUBLE_BIG);
  put_bytes((const void *)v, 8);
  ext.size_32 += 3;
  ext.size_64 += 2;
}

static void write_double_array(value v) {
  mlsize_t n = wosize_val(v) / DOUBLE_WOSIZE;
  int little = host_little_endian();
  if (n < 0x100) {
    put_code(little ? CODE_DOUBLE_ARRAY8_LITTLE : CODE_DOUBLE_ARRAY8_BIG, n, 1);
  } else {
    if (WORD_BYTES == 8 && n > 0x1FFFFF && (ext.flags & MARSHAL_COMPAT_32))
      extern_failwith("output_value: float array cannot be read back on 32-bit platform");
    if (fits32(n))
      put_code(little ? CODE_DOUBLE_ARRAY32_LITTLE : CODE_DOUBLE_ARRAY32_BIG, n, 4);
    else
      put_code(little ? CODE_DOUBLE_ARRAY64_LITTLE : CODE_DOUBLE_ARRAY64_BIG, n, 8);
  }
  put_bytes((const void *)v, n * 8);
  ext.size_32 += 1 + 2 * (uint64_t)n;
  ext.size_64 += 1 + (uint64_t)n;
}

static void write_custom(value v) {
  const struct custom_ops *ops = custom_ops_val(v);
  uintnat sz_32 = 0, sz_64 = 0, fixed_32, fixed_64;
  if (ops->serialize == NULL)
    extern_invalid_argument("output_value: abstract value (Custom)");
  int fixed = uc_custom_fixed_sizes(ops->identifier, &fixed_32, &fixed_64);
  put8(fixed ? CODE_CUSTOM_FIXED : CODE_CUSTOM_LEN);
  put_bytes(ops->identifier, strlen(ops->identifier) + 1);
  if (fixed) {
    ops->serialize(v, &sz_32, &sz_64);
    if (sz_32 != fixed_32 || sz_64 != fixed_64)
      uc_fatal("output_value: incorrect fixed sizes specified by %s", ops->identifier);
  } else {
    /* The two sizes precede the payload: leave room, fill in after. */
    reserve(12);
    uintnat at = (uintnat)(ext.ptr - ext.buf);
    ext.ptr += 12;
    ops->serialize(v, &sz_32, &sz_64);
    store_be(ext.buf + at, sz_32, 4);
    store_be(ext.buf + at + 4, sz_64, 8);
  }
  ext.size_32 += 2 + ((sz_32 + 3) >> 2);
  ext.size_64 += 2 + ((sz_64 + 7) >> 3);
}

static void push_fields(value *fields, uintnat count) {
  if (ext.sp == ext.cap) {
    uintnat cap = 2 * ext.cap;
    struct pending *s = uc_scratch_alloc(cap * sizeof *s);
    if (s == NULL) extern_out_of_memory();
    memcpy(s, ext.stack, ext.sp * sizeof *s);
    if (ext.stack != stack_init) uc_scratch_free(ext.stack);
    ext.stack = s;
    ext.cap = cap;
  }
  ext.stack[ext.sp++] = (struct pending){fields, count};
}

/* A Forward block is written as its target, except where the target could
 * be mistaken for something else once the indirection is gone. */
static int forward_kept(value f) {
  if (!is_block(f)) return 0;
  if (uc_is_code_pointer(f)) return 1;
  tag_t t = tag_val(f);
  return t == FORWARD_TAG || t == LAZY_TAG || t == DOUBLE_TAG;
}

/* Writes a block that was not written before; the fields of ordinary
 * blocks are queued for the walk. */
static void write_block(value v, header_t hd) {
  tag_t tag = hd_tag(hd);
  mlsize_t size = hd_wosize(hd);
  switch (tag) {
  case STRING_TAG: write_string(v); break;
  case DOUBLE_TAG: write_double(v); break;
  case DOUBLE_ARRAY_TAG: write_double_array(v); break;
  case CUSTOM_TAG: write_custom(v); break;
  case ABSTRACT_TAG:
    extern_invalid_argument("output_value: abstract value (Abstract)");
  default:
    write_header(size, tag);
    ext.size_32 += 1 + size;
    ext.size_64 += 1 + size;
    remember(v);
    push_fields(&field(v, 0), size);
    return;
  }
  remember(v);
}

static void require_closures_flag(void) {
  if (!(ext.flags & MARSHAL_CLOSURES))
    extern_invalid_argument("output_value: functional value");
}

/* A code pointer: offset into the program's code, and the code's digest. */
static void write_code_pointer(value v) {
  require_closures_flag();
  put_code(CODE_CODEPOINTER, (uintnat)((const char *)v - (const char *)uc_prog.code), 4);
  put_bytes(uc_code_digest(), 16);
}

static void extern_walk(value root) {
  value v = root;
  for (;;) {
    if (is_long(v)) {
      write_int(long_val(v));
    } else if (uc_is_code_pointer(v)) {
      write_code_pointer(v);
    } else if (tag_val(v) == INFIX_TAG) {
      /* An inner entry of mutually recursive closures: the offset, then
       * the whole closure block. */
      require_closures_flag();
      put_code(CODE_INFIXPOINTER, infix_offset_val(v), 4);
      v -= (value)infix_offset_val(v);
      continue;
    } else {
      header_t hd = hd_val(v);
      if (hd_tag(hd) == FORWARD_TAG && hd_wosize(hd) > 0 && !forward_kept(field(v, 0))) {
        v = field(v, 0);
        continue;
      }
      if (hd_wosize(hd) == 0) write_header(0, hd_tag(hd));
      else if (!write_if_seen(v)) {
        if (hd_tag(hd) == CLOSURE_TAG) require_closures_flag();
        write_block(v, hd);
      }
    }
    /* Next pending field, if any. */
    while (ext.sp > 0 && ext.stack[ext.sp - 1].count == 0) ext.sp--;
    if (ext.sp == 0) return;
    struct pending *top = &ext.stack[ext.sp - 1];
    v = *top->fields++;
    top->count--;
  }
}

/* ---- Running a marshalling -------------------------------------------- */

static int convert_flags(value list) {
  static const int bits[] = {MARSHAL_NO_SHARING, MARSHAL_CLOSURES, MARSHAL_COMPAT_32};
  int flags = 0;
  for (; is_block(list); list = field(list, 1)) {
    if (!uc_in_value_area(list) || tag_val(list) >= NO_SCAN_TAG || wosize_val(list) < 2)
      uc_invalid_argument("ill-typed value: not a list of marshalling flags");
    intnat i = long_val(field(list, 0));
    if (i >= 0 && i < 3) flags |= bits[i];
  }
  return flags;
}

/* Marshals v into the output, which starts at ext.buf; fills in the header
 * (20 or 32 bytes) and returns its length. */
static int extern_value(value v, value flags, unsigned char header[MARSHAL_HEADER_BIG]) {
  ext.flags = convert_flags(flags);
  ext.obj_counter = 0;
  ext.seen_count = 0;
  ext.size_32 = ext.size_64 = 0;
  if (!(ext.flags & MARSHAL_NO_SHARING)) seen_alloc(SEEN_INIT_LOG2);
  extern_walk(v);
  uc_scratch_free(ext.seen);
  ext.seen = NULL;
  uint64_t len = (uint64_t)(ext.ptr - ext.buf);
  uint64_t limit = UINT64_C(1) << 32;
  if (WORD_BYTES == 8 && (len >= limit || ext.size_32 >= limit || ext.size_64 >= limit)) {
    if (ext.flags & MARSHAL_COMPAT_32)
      extern_failwith("output_value: object too big to be read back on 32-bit platform");
    store_be(header, MARSHAL_MAGIC_BIG, 4);
    store_be(header + 4, 0, 4);
    store_be(header + 8, len, 8);
    store_be(header + 16, ext.obj_counter, 8);
    store_be(header + 24, ext.size_64, 8);
    return MARSHAL_HEADER_BIG;
  }
  store_be(header, MARSHAL_MAGIC_SMALL, 4);
  store_be(header + 4, len, 4);
  store_be(header + 8, ext.obj_counter, 4);
  store_be(header + 12, ext.size_32, 4);
  store_be(header + 16, ext.size_64, 4);
  return MARSHAL_HEADER_SMALL;
}

/* Marshals into a buffer of ours; returns the header length. */
static int extern_to_own_buffer(value v, value flags, unsigned char header[MARSHAL_HEADER_BIG]) {
  release_resources();
  reserve(256);
  return extern_value(v, flags, header);
}

PRIM value caml_output_value(value vchan, value v, value flags) {
  struct channel *c = uc_channel_val(vchan);
  unsigned char header[MARSHAL_HEADER_BIG];
  int hlen = extern_to_own_buffer(v, flags, header);
  uc_putblock(c, (const char *)header, hlen);
  uc_putblock(c, (const char *)ext.buf, (intnat)(ext.ptr - ext.buf));
  release_resources();
  return VAL_UNIT;
}

PRIM value caml_output_value_to_bytes(value v, value flags) {
  unsigned char header[MARSHAL_HEADER_BIG];
  int hlen = extern_to_own_buffer(v, flags, header);
  uintnat len = (uintnat)(ext.ptr - ext.buf);
  /* The output is in C memory, so allocating now is safe; a failure here
   * leaves it to be reclaimed by the next run. */
  value res = uc_alloc_string((uintnat)hlen + len);
  memcpy(bytes_ptr(res), header, (size_t)hlen);
  memcpy(bytes_ptr(res) + hlen, ext.buf, len);
  release_resources();
  return res;
}

PRIM value caml_output_value_to_string(value v, value flags) {
  return caml_output_value_to_bytes(v, flags);
}

/* Marshal.to_buffer: the bounds were checked by the caller. */
PRIM value caml_output_value_to_buffer(value buf, value vofs, value vlen, value v, value flags) {
  unsigned char header[MARSHAL_HEADER_BIG];
  unsigned char *start = bytes_ptr(buf) + long_val(vofs);
  uintnat len = (uintnat)long_val(vlen);
  release_resources();
  /* Guess a small header; move the data if it turns out big. */
  if (len < MARSHAL_HEADER_SMALL) extern_failwith("Marshal.to_buffer: buffer overflow");
  ext.user_buffer = 1;
  ext.buf = ext.ptr = start + MARSHAL_HEADER_SMALL;
  ext.limit = start + len;
  int hlen = extern_value(v, flags, header);
  uintnat data_len = (uintnat)(ext.ptr - ext.buf);
  if (hlen != MARSHAL_HEADER_SMALL) {
    if (hlen + data_len > len) extern_failwith("Marshal.to_buffer: buffer overflow");
    memmove(start + hlen, start + MARSHAL_HEADER_SMALL, data_len);
  }
  memcpy(start, header, (size_t)hlen);
  release_resources();
  return val_long((uintnat)hlen + data_len);
}

/* ---- Payloads of custom blocks ---------------------------------------- */

void uc_serialize_int_1(int i) { put8((unsigned)i & 0xFF); }

void uc_serialize_int_2(int i) {
  reserve(2);
  store_be(ext.ptr, (uint64_t)(unsigned)i, 2);
  ext.ptr += 2;
}

void uc_serialize_int_4(int32_t i) {
  reserve(4);
  store_be(ext.ptr, (uint32_t)i, 4);
  ext.ptr += 4;
}

void uc_serialize_int_8(int64_t i) {
  reserve(8);
  store_be(ext.ptr, (uint64_t)i, 8);
  ext.ptr += 8;
}

void uc_serialize_block_1(const void *data, uintnat len) { put_bytes(data, len); }

/* Elements of 8 bytes in host order, written big-endian. */
void uc_serialize_block_8(const void *data, uintnat len) {
  const unsigned char *p = data;
  for (uintnat i = 0; i < len; i++) {
    uint64_t x;
    memcpy(&x, p + 8 * i, 8);
    uc_serialize_int_8((int64_t)x);
  }
}
