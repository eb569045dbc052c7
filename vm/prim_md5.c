/* prim_md5.c: the MD5 message digest (RFC 1321) behind Digest.string,
 * Digest.substring and Digest.channel. */
#include "prim.h"
#include "interp.h"
#include "io.h"
#include "marshal.h"

struct md5 {
  uint32_t state[4];
  uint64_t total;              /* bytes hashed so far */
  unsigned char pending[64];   /* start of an incomplete 64-byte chunk */
};

/* floor(|sin(i + 1)| * 2^32), as tabulated in the RFC. */
static const uint32_t sine_table[64] = {
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
  0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
  0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
  0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
  0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
  0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
  0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
  0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
  0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

/* Left-rotation amounts: four per round, repeated. */
static const unsigned char rotations[4][4] = {
  {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static uint32_t load_le32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* One 64-byte chunk: 64 steps in four rounds of 16. */
static void md5_chunk(uint32_t state[4], const unsigned char chunk[64]) {
  uint32_t w[16];
  for (int i = 0; i < 16; i++) w[i] = load_le32(chunk + 4 * i);
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (int i = 0; i < 64; i++) {
    int round = i / 16;
    uint32_t mix;
    int word;
    switch (round) {
    case 0: mix = (b & c) | (~b & d); word = i; break;
    case 1: mix = (d & b) | (~d & c); word = (5 * i + 1) % 16; break;
    case 2: mix = b ^ c ^ d; word = (3 * i + 5) % 16; break;
    default: mix = c ^ (b | ~d); word = (7 * i) % 16; break;
    }
    uint32_t sum = a + mix + sine_table[i] + w[word];
    a = d;
    d = c;
    c = b;
    b = b + rotl(sum, rotations[round][i % 4]);
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

static void md5_init(struct md5 *m) {
  m->state[0] = 0x67452301;
  m->state[1] = 0xefcdab89;
  m->state[2] = 0x98badcfe;
  m->state[3] = 0x10325476;
  m->total = 0;
}

static void md5_update(struct md5 *m, const unsigned char *p, uintnat len) {
  unsigned have = (unsigned)(m->total % 64);
  m->total += len;
  if (have > 0) {
    unsigned take = 64 - have;
    if (len < take) {
      memcpy(m->pending + have, p, len);
      return;
    }
    memcpy(m->pending + have, p, take);
    md5_chunk(m->state, m->pending);
    p += take;
    len -= take;
  }
  for (; len >= 64; p += 64, len -= 64) md5_chunk(m->state, p);
  memcpy(m->pending, p, len);
}

/* Pads with 0x80, zeros and the bit length (little-endian), then outputs
 * the state little-endian. */
static void md5_final(struct md5 *m, unsigned char digest[16]) {
  uint64_t bits = m->total * 8;
  unsigned char pad[72] = {0x80};
  unsigned have = (unsigned)(m->total % 64);
  unsigned padlen = have < 56 ? 56 - have : 120 - have;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (unsigned char)(bits >> (8 * i));
  md5_update(m, pad, padlen + 8);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) digest[4 * i + j] = (unsigned char)(m->state[i] >> (8 * j));
}

void uc_md5_block(const void *data, uintnat len, unsigned char digest[16]) {
  struct md5 m;
  md5_init(&m);
  md5_update(&m, data, len);
  md5_final(&m, digest);
}

const unsigned char *uc_code_digest(void) {
  static unsigned char digest[16];
  static code_t digested;
  static size_t digested_words;
  if (digested != uc_prog.code_section || digested_words != uc_prog.code_words) {
    uc_md5_block(uc_prog.code_section, (uintnat)uc_prog.code_words * 4, digest);
    digested = uc_prog.code_section;
    digested_words = uc_prog.code_words;
  }
  return digest;
}

static value digest_string(struct md5 *m) {
  unsigned char d[16];
  md5_final(m, d);
  return uc_copy_bytes(d, 16);
}

/* The bounds were checked by Digest.substring. */
PRIM value caml_md5_string(value str, value ofs, value len) {
  struct md5 m;
  md5_init(&m);
  md5_update(&m, bytes_ptr(str) + long_val(ofs), (uintnat)long_val(len));
  return digest_string(&m);
}

/* Hashes len bytes of the channel (End_of_file if fewer remain), or all
 * the rest when len < 0. */
PRIM value caml_md5_chan(value vchan, value vlen) {
  struct channel *c = uc_channel_val(vchan);
  intnat toread = long_val(vlen);
  char buf[512];
  struct md5 m;
  md5_init(&m);
  for (;;) {
    intnat want = sizeof buf;
    if (toread >= 0) {
      if (toread == 0) break;
      if (toread < want) want = toread;
    }
    intnat got = uc_getblock(c, buf, want);
    if (got == 0) {
      if (toread >= 0) uc_raise_end_of_file();
      break;
    }
    md5_update(&m, (const unsigned char *)buf, (uintnat)got);
    if (toread >= 0) toread -= got;
  }
  return digest_string(&m);
}
