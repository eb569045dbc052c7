/* marshal.h: the Marshal binary format (output_value / input_value).
 *
 * A marshalled value is a header followed by a stream of codes.  The small
 * header is 20 bytes: magic, data length, number of shareable objects, and
 * the heap size in words the value needs on 32- and on 64-bit hosts, all
 * 32-bit big-endian.  The big header (64-bit hosts only) is 32 bytes: magic,
 * a zero word, then data length, object count and 64-bit heap size as 64-bit
 * big-endian numbers.  The encoding is byte-compatible with ocamlrun's. */
#ifndef UC_MARSHAL_H
#define UC_MARSHAL_H

#include "value.h"

#define MARSHAL_MAGIC_SMALL 0x8495A6BEu
#define MARSHAL_MAGIC_BIG 0x8495A6BFu
#define MARSHAL_HEADER_SMALL 20
#define MARSHAL_HEADER_BIG 32

/* One-byte forms: the code byte carries the payload. */
#define PREFIX_SMALL_BLOCK 0x80   /* 1sss tttt: size s < 8, tag t < 16 */
#define PREFIX_SMALL_INT 0x40     /* 01nn nnnn: 0 <= n < 64 */
#define PREFIX_SMALL_STRING 0x20  /* 001l llll: length < 32, bytes follow */

/* Codes followed by big-endian arguments. */
enum {
  CODE_INT8 = 0x0, CODE_INT16 = 0x1, CODE_INT32 = 0x2, CODE_INT64 = 0x3,
  CODE_SHARED8 = 0x4, CODE_SHARED16 = 0x5, CODE_SHARED32 = 0x6,
  CODE_SHARED64 = 0x14,
  CODE_BLOCK32 = 0x8, CODE_BLOCK64 = 0x13,
  CODE_STRING8 = 0x9, CODE_STRING32 = 0xA, CODE_STRING64 = 0x15,
  CODE_DOUBLE_BIG = 0xB, CODE_DOUBLE_LITTLE = 0xC,
  CODE_DOUBLE_ARRAY8_BIG = 0xD, CODE_DOUBLE_ARRAY8_LITTLE = 0xE,
  CODE_DOUBLE_ARRAY32_BIG = 0xF, CODE_DOUBLE_ARRAY32_LITTLE = 0x7,
  CODE_DOUBLE_ARRAY64_BIG = 0x16, CODE_DOUBLE_ARRAY64_LITTLE = 0x17,
  CODE_CODEPOINTER = 0x10, CODE_INFIXPOINTER = 0x11,
  CODE_CUSTOM = 0x12,        /* old form: no sizes, payload follows */
  CODE_CUSTOM_LEN = 0x18,    /* identifier, 32- and 64-bit sizes, payload */
  CODE_CUSTOM_FIXED = 0x19   /* identifier, payload of the ops' fixed size */
};

/* Flags of Marshal.extern_flags, in constructor order. */
enum { MARSHAL_NO_SHARING = 1, MARSHAL_CLOSURES = 2, MARSHAL_COMPAT_32 = 4 };

/* Unmarshals a complete marshalled value (header and data) held in memory,
 * e.g. the DATA section of a bytecode file.  The result lives in the major
 * heap.  Raises Failure on malformed input (never reads past data[len-1]),
 * Out_of_memory if the heap is full. */
value uc_intern_block(const unsigned char *data, uintnat len);

/* Payload sizes (32-bit host, 64-bit host) of the custom blocks that are
 * marshalled with CODE_CUSTOM_FIXED; 0 if the identifier has none. */
int uc_custom_fixed_sizes(const char *identifier, uintnat *bsize_32,
                          uintnat *bsize_64);

/* MD5 digest of the running program's code, which identifies it in
 * marshalled code pointers (as ocamlrun's digest of its code fragment). */
const unsigned char *uc_code_digest(void);

/* MD5 digest of data[0..len) (prim_md5.c), as Digest.string computes it;
 * also identifies code in marshalled closures. */
void uc_md5_block(const void *data, uintnat len, unsigned char digest[16]);

#endif
