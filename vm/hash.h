/* hash.h: the mixing steps of OCaml's polymorphic hash (MurmurHash3 based),
 * for custom blocks whose hash must match stock OCaml's. */
#ifndef UC_HASH_H
#define UC_HASH_H

#include "value.h"

uint32_t uc_hash_mix_uint32(uint32_t h, uint32_t d);
/* Gives the same result on 32- and 64-bit hosts for d in [-2^31, 2^31). */
uint32_t uc_hash_mix_intnat(uint32_t h, intnat d);
uint32_t uc_hash_mix_int64(uint32_t h, int64_t d);
/* All NaNs hash alike, and so do 0.0 and -0.0. */
uint32_t uc_hash_mix_double(uint32_t h, double d);
uint32_t uc_hash_mix_float(uint32_t h, float d);
uint32_t uc_hash_mix_string(uint32_t h, value s);

#endif
