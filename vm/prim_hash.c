/* prim_hash.c: the polymorphic hash (Hashtbl.hash and friends).
 *
 * Results are bit-identical to OCaml 4.13's: a MurmurHash3-style mix over a
 * bounded breadth-first walk of the value.  Integers are mixed as native
 * words, so 32- and 64-bit hosts agree on the values both can represent. */
#include "prim.h"
#include "hash.h"
#include "interp.h"

static uint32_t rotl32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

uint32_t uc_hash_mix_uint32(uint32_t h, uint32_t d) {
  d *= 0xcc9e2d51u;
  d = rotl32(d, 15);
  d *= 0x1b873593u;
  h ^= d;
  h = rotl32(h, 13);
  return h * 5 + 0xe6546b64u;
}

static uint32_t final_mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

uint32_t uc_hash_mix_intnat(uint32_t h, intnat d) {
#if UINTPTR_MAX > 0xFFFFFFFFu
  /* Fold the high half in so that d in [-2^31, 2^31) mixes as (uint32_t)d,
   * as it does on a 32-bit host. */
  uint64_t u = (uint64_t)d;
  uint32_t sign = d < 0 ? 0xFFFFFFFFu : 0;
  return uc_hash_mix_uint32(h, (uint32_t)(u >> 32) ^ sign ^ (uint32_t)u);
#else
  return uc_hash_mix_uint32(h, (uint32_t)d);
#endif
}

uint32_t uc_hash_mix_int64(uint32_t h, int64_t d) {
  uint64_t u = (uint64_t)d;
  h = uc_hash_mix_uint32(h, (uint32_t)u);
  return uc_hash_mix_uint32(h, (uint32_t)(u >> 32));
}

uint32_t uc_hash_mix_double(uint32_t h, double d) {
  uint64_t bits;
  uint32_t hi, lo;
  memcpy(&bits, &d, sizeof bits);
  hi = (uint32_t)(bits >> 32);
  lo = (uint32_t)bits;
  if ((hi & 0x7FF00000u) == 0x7FF00000u && (lo | (hi & 0xFFFFFu)) != 0) {
    hi = 0x7FF00000u; /* one NaN for all */
    lo = 1;
  } else if (hi == 0x80000000u && lo == 0) {
    hi = 0; /* -0.0 as 0.0 */
  }
  h = uc_hash_mix_uint32(h, lo);
  return uc_hash_mix_uint32(h, hi);
}

uint32_t uc_hash_mix_float(uint32_t h, float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0)
    bits = 0x7F800001u;
  else if (bits == 0x80000000u)
    bits = 0;
  return uc_hash_mix_uint32(h, bits);
}

/* Bytes are taken four at a time in little-endian order, whatever the host. */
uint32_t uc_hash_mix_string(uint32_t h, value s) {
  mlsize_t len = string_length(s), i;
  const unsigned char *p = bytes_ptr(s);
  uint32_t w;
  for (i = 0; i + 4 <= len; i += 4) {
    w = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
        (uint32_t)p[i + 3] << 24;
    h = uc_hash_mix_uint32(h, w);
  }
  if (i < len) {
    w = 0;
    for (mlsize_t k = len; k > i; k--) w = (w << 8) | p[k - 1];
    h = uc_hash_mix_uint32(h, w);
  }
  return h ^ (uint32_t)len;
}

/* The walk: values wait in a queue of at most `limit` entries; each counts
 * against `count` when it contributes to the hash. */
#define QUEUE_SIZE 256
#define MAX_FORWARDS 1000

struct hash_state {
  value queue[QUEUE_SIZE];
  /* Set for queue entries that are code pointers taken from a closure. */
  unsigned char is_code[QUEUE_SIZE];
  intnat read, write, size, count;
  uint32_t h;
};

static void enqueue(struct hash_state *st, value v, int is_code) {
  if (st->write < st->size) {
    st->is_code[st->write] = (unsigned char)is_code;
    st->queue[st->write++] = v;
  }
}

/* Stock OCaml mixes a code pointer's address, which varies from run to run;
 * its position in the program's bytecode is mixed instead, deterministic and
 * still distinct for each function. */
static void mix_code_pointer(struct hash_state *st, value v) {
  code_t pc = (code_t)v;
  intnat pos = 0;
  if (pc >= uc_prog.code && pc < uc_prog.code + uc_prog.code_words) pos = pc - uc_prog.code;
  st->h = uc_hash_mix_intnat(st->h, pos);
  st->count--;
}

static void mix_float_array(struct hash_state *st, value v) {
  mlsize_t len = wosize_val(v) / DOUBLE_WOSIZE;
  for (mlsize_t i = 0; i < len; i++) {
    st->h = uc_hash_mix_double(st->h, double_field(v, i));
    if (--st->count <= 0) break;
  }
}

/* Mixes the header (tag and size, uncounted) and queues the fields.  The
 * fields before a closure's environment are code pointers, closure infos and
 * infix headers; only the code pointers are even. */
static void mix_structured(struct hash_state *st, value v) {
  mlsize_t len = wosize_val(v), code_end = 0;
  st->h = uc_hash_mix_uint32(st->h, (uint32_t)(hd_val(v) & ~(header_t)0x300));
  if (tag_val(v) == CLOSURE_TAG) code_end = start_env_closinfo(closinfo_val(v));
  for (mlsize_t i = 0; i < len && st->write < st->size; i++) {
    value f = field(v, i);
    enqueue(st, f, i < code_end && is_block(f));
  }
}

/* Follows a chain of forwarders; returns 0 if it seems to loop. */
static int follow_forwards(value *v) {
  for (int i = MAX_FORWARDS; i > 0; i--) {
    *v = field(*v, 0);
    if (!uc_in_value_area(*v) || tag_val(*v) != FORWARD_TAG) return 1;
  }
  return 0;
}

static void mix_value(struct hash_state *st, value v) {
  for (;;) {
    if (is_long(v)) {
      st->h = uc_hash_mix_intnat(st->h, v);
      st->count--;
      return;
    }
    if (!uc_in_value_area(v)) {   /* no header to read: mixed as a code pointer */
      mix_code_pointer(st, v);
      return;
    }
    switch (tag_val(v)) {
    case STRING_TAG:
      st->h = uc_hash_mix_string(st->h, v);
      st->count--;
      return;
    case DOUBLE_TAG:
      st->h = uc_hash_mix_double(st->h, double_val(v));
      st->count--;
      return;
    case DOUBLE_ARRAY_TAG: mix_float_array(st, v); return;
    case ABSTRACT_TAG: return; /* contents unknown */
    case INFIX_TAG:
      /* The offset tells apart the functions of one recursive definition. */
      st->h = uc_hash_mix_uint32(st->h, (uint32_t)infix_offset_val(v));
      v -= (value)infix_offset_val(v);
      continue;
    case FORWARD_TAG:
      if (!follow_forwards(&v)) return;
      continue;
    case OBJECT_TAG:
      st->h = uc_hash_mix_intnat(st->h, long_val(field(v, 1)));
      st->count--;
      return;
    case CUSTOM_TAG:
      if (custom_ops_val(v)->hash != NULL) {
        /* Only the low 32 bits, so that word sizes agree. */
        st->h = uc_hash_mix_uint32(st->h, (uint32_t)custom_ops_val(v)->hash(v));
        st->count--;
      }
      return;
    default: mix_structured(st, v); return;
    }
  }
}

PRIM value caml_hash(value count, value limit, value seed, value obj) {
  struct hash_state st;
  st.size = long_val(limit);
  if (st.size < 0 || st.size > QUEUE_SIZE) st.size = QUEUE_SIZE;
  st.count = long_val(count);
  st.h = (uint32_t)long_val(seed);
  st.queue[0] = obj;
  st.is_code[0] = 0;
  st.read = 0;
  st.write = 1;
  while (st.read < st.write && st.count > 0) {
    intnat i = st.read++;
    if (st.is_code[i])
      mix_code_pointer(&st, st.queue[i]);
    else
      mix_value(&st, st.queue[i]);
  }
  /* Keep 30 bits: a non-negative OCaml int on every word size. */
  return val_int(final_mix(st.h) & 0x3FFFFFFFu);
}
