/* verify.h: load-time checks of bytecode (see verify.c). */
#ifndef UC_VERIFY_H
#define UC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

struct uc_verify_env {
  size_t nglobals;
  size_t nprims;
  unsigned char *prim_used;   /* out: set to 1 for each primitive called */
  size_t max_frame;           /* out: the largest stack height of any function */
};

/* Words taken by the instruction at `at` (opcode and operands); 0 if it
 * runs past `len`.  The opcode must be valid. */
size_t uc_instr_length(const int32_t *code, size_t at, size_t len);

/* 1 if the code is well formed; else 0 with a message in err. */
int uc_verify_code(const int32_t *code, size_t len, struct uc_verify_env *env,
                   char *err, size_t errlen);

#endif
