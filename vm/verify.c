/* verify.c: load-time checks of the code section.
 *
 * Before anything runs, every instruction is decoded once: opcodes must be
 * known, operands inside the section, jump, closure and handler targets on
 * instruction boundaries, global indexes inside the global data and
 * primitive numbers inside the primitive table.  A corrupt or hostile
 * program is refused instead of corrupting memory.  Cost: one linear pass
 * over the code per window of VERIFY_WINDOW code words, with two bitmaps of
 * one bit per word of the window (freed afterwards): the memory needed does
 * not grow with the code, which stays in place (flash on a board). */
#include <stdio.h>
#include <string.h>
#include "verify.h"
#include "opcodes.h"
#include "port.h"

#define OPNAME(name) #name,
const char *const uc_opcode_names[OP_COUNT] = {UC_FOR_EACH_OPCODE(OPNAME)};
#undef OPNAME

/* Inline operands per opcode; -1 for the variable-length ones. */
const signed char uc_opcode_operands[OP_COUNT] = {
    [OP_ACC] = 1, [OP_PUSHACC] = 1, [OP_POP] = 1, [OP_ASSIGN] = 1,
    [OP_ENVACC] = 1, [OP_PUSHENVACC] = 1, [OP_PUSH_RETADDR] = 1,
    [OP_APPLY] = 1, [OP_APPTERM] = 2, [OP_APPTERM1] = 1, [OP_APPTERM2] = 1,
    [OP_APPTERM3] = 1, [OP_RETURN] = 1, [OP_GRAB] = 1, [OP_CLOSURE] = 2,
    [OP_CLOSUREREC] = -1, [OP_OFFSETCLOSURE] = 1, [OP_PUSHOFFSETCLOSURE] = 1,
    [OP_GETGLOBAL] = 1, [OP_PUSHGETGLOBAL] = 1, [OP_GETGLOBALFIELD] = 2,
    [OP_PUSHGETGLOBALFIELD] = 2, [OP_SETGLOBAL] = 1, [OP_ATOM] = 1,
    [OP_PUSHATOM] = 1, [OP_MAKEBLOCK] = 2, [OP_MAKEBLOCK1] = 1,
    [OP_MAKEBLOCK2] = 1, [OP_MAKEBLOCK3] = 1, [OP_MAKEFLOATBLOCK] = 1,
    [OP_GETFIELD] = 1, [OP_GETFLOATFIELD] = 1, [OP_SETFIELD] = 1,
    [OP_SETFLOATFIELD] = 1, [OP_BRANCH] = 1, [OP_BRANCHIF] = 1,
    [OP_BRANCHIFNOT] = 1, [OP_SWITCH] = -1, [OP_PUSHTRAP] = 1,
    [OP_C_CALL1] = 1, [OP_C_CALL2] = 1, [OP_C_CALL3] = 1, [OP_C_CALL4] = 1,
    [OP_C_CALL5] = 1, [OP_C_CALLN] = 2, [OP_CONSTINT] = 1,
    [OP_PUSHCONSTINT] = 1, [OP_OFFSETINT] = 1, [OP_OFFSETREF] = 1,
    [OP_BEQ] = 2, [OP_BNEQ] = 2, [OP_BLTINT] = 2, [OP_BLEINT] = 2,
    [OP_BGTINT] = 2, [OP_BGEINT] = 2, [OP_BULTINT] = 2, [OP_BUGEINT] = 2,
    [OP_GETPUBMET] = 2,
};

/* Code words per window: 2 x 1 KB of bitmaps. */
#define VERIFY_WINDOW 8192u

struct checker {
  const int32_t *code;
  size_t len;
  uint8_t *needed;     /* bitmap: word base+i is a jump target */
  size_t base, win;    /* the window of code words the bitmaps cover */
  char *err;
  size_t errlen;
};

static int fail(struct checker *c, size_t at, const char *what) {
  snprintf(c->err, c->errlen, "%s at code word %lu", what, (unsigned long)at);
  return 0;
}

size_t uc_instr_length(const int32_t *code, size_t at, size_t len) {
  int32_t op = code[at];
  int n = uc_opcode_operands[op];
  if (op == OP_SWITCH) {
    if (at + 1 >= len) return 0;
    uint32_t sizes = (uint32_t)code[at + 1];
    return 2 + (sizes & 0xFFFF) + (sizes >> 16);
  }
  if (op == OP_CLOSUREREC) {
    if (at + 1 >= len || code[at + 1] <= 0) return 0;
    return 3 + (size_t)code[at + 1];
  }
  return 1 + (size_t)n;
}

/* A jump from the operand at `from` by `ofs` words. */
static int check_target(struct checker *c, size_t at, size_t from, int32_t ofs) {
  intptr_t target = (intptr_t)from + ofs;
  if (target < 0 || (size_t)target >= c->len) return fail(c, at, "jump target outside the code");
  size_t i = (size_t)target - c->base;
  if ((size_t)target >= c->base && i < c->win) c->needed[i / 8] |= (uint8_t)(0x80 >> (i % 8));
  return 1;
}

static int check_targets(struct checker *c, size_t at) {
  const int32_t *k = c->code;
  switch (k[at]) {
  case OP_PUSH_RETADDR: case OP_BRANCH: case OP_BRANCHIF: case OP_BRANCHIFNOT:
  case OP_PUSHTRAP:
    return check_target(c, at, at + 1, k[at + 1]);
  case OP_CLOSURE:
    return check_target(c, at, at + 2, k[at + 2]);
  case OP_CLOSUREREC:
    for (int32_t i = 0; i < k[at + 1]; i++)
      if (!check_target(c, at, at + 3, k[at + 3 + i])) return 0;
    return 1;
  case OP_SWITCH: {
    uint32_t sizes = (uint32_t)k[at + 1];
    size_t n = (sizes & 0xFFFF) + (sizes >> 16);
    for (size_t i = 0; i < n; i++)
      if (!check_target(c, at, at + 2, k[at + 2 + i])) return 0;
    return 1;
  }
  case OP_BEQ: case OP_BNEQ: case OP_BLTINT: case OP_BLEINT: case OP_BGTINT:
  case OP_BGEINT: case OP_BULTINT: case OP_BUGEINT:
    return check_target(c, at, at + 2, k[at + 2]);
  default:
    return 1;
  }
}

static int check_indexes(struct checker *c, size_t at, const struct uc_verify_env *env) {
  const int32_t *k = c->code;
  switch (k[at]) {
  case OP_GETGLOBAL: case OP_PUSHGETGLOBAL: case OP_SETGLOBAL:
  case OP_GETGLOBALFIELD: case OP_PUSHGETGLOBALFIELD:
    if (k[at + 1] < 0 || (size_t)k[at + 1] >= env->nglobals)
      return fail(c, at, "global index out of range");
    return 1;
  case OP_C_CALL1: case OP_C_CALL2: case OP_C_CALL3: case OP_C_CALL4: case OP_C_CALL5:
    if (k[at + 1] < 0 || (size_t)k[at + 1] >= env->nprims)
      return fail(c, at, "primitive number out of range");
    env->prim_used[k[at + 1]] = 1;
    return 1;
  case OP_C_CALLN:
    if (k[at + 2] < 0 || (size_t)k[at + 2] >= env->nprims)
      return fail(c, at, "primitive number out of range");
    if (k[at + 1] < 1) return fail(c, at, "bad argument count");
    env->prim_used[k[at + 2]] = 1;
    return 1;
  case OP_MAKEBLOCK:
    if (k[at + 1] < 1 || k[at + 2] < 0 || k[at + 2] > 255) return fail(c, at, "bad block");
    return 1;
  case OP_MAKEBLOCK1: case OP_MAKEBLOCK2: case OP_MAKEBLOCK3: case OP_ATOM: case OP_PUSHATOM:
    if (k[at + 1] < 0 || k[at + 1] > 255) return fail(c, at, "bad tag");
    return 1;
  case OP_MAKEFLOATBLOCK: case OP_APPLY:
    if (k[at + 1] < 1) return fail(c, at, "bad size");
    return 1;
  case OP_CLOSURE:
    if (k[at + 1] < 0) return fail(c, at, "bad closure size");
    return 1;
  case OP_GRAB:   /* a partial application restarts at the RESTART before */
    if (at == 0 || k[at - 1] != OP_RESTART) return fail(c, at, "GRAB without RESTART");
    return 1;
  case OP_CLOSUREREC:
    if (k[at + 2] < 0) return fail(c, at, "bad closure size");
    return 1;
  default:
    return 1;
  }
}

int uc_verify_code(const int32_t *code, size_t len, const struct uc_verify_env *env,
                   char *err, size_t errlen) {
  size_t win = len < VERIFY_WINDOW ? len : VERIFY_WINDOW;
  struct checker c = {code, len, NULL, 0, win, err, errlen};
  uint8_t *needed = port_alloc(win / 8 + 1);
  uint8_t *starts = port_alloc(win / 8 + 1);
  if (needed == NULL || starts == NULL) {
    port_free(needed);
    port_free(starts);
    snprintf(err, errlen, "out of memory while checking the code");
    return 0;
  }
  c.needed = needed;
  int ok = 1;
  /* The first pass checks every instruction; later ones only redo the
   * decoding to find the starts and targets inside their window. */
  for (c.base = 0; ok && c.base < len; c.base += win) {
    memset(needed, 0, win / 8 + 1);
    memset(starts, 0, win / 8 + 1);
    size_t at = 0;
    while (ok && at < len) {
      if (code[at] < 0 || code[at] >= OP_COUNT) {
        ok = fail(&c, at, "unknown opcode");
        break;
      }
      size_t n = uc_instr_length(code, at, len);
      if (n == 0 || at + n > len) {
        ok = fail(&c, at, "truncated instruction");
        break;
      }
      size_t i = at - c.base;
      if (at >= c.base && i < win) starts[i / 8] |= (uint8_t)(0x80 >> (i % 8));
      ok = check_targets(&c, at) && (c.base > 0 || check_indexes(&c, at, env));
      at += n;
    }
    /* Every target must be the start of an instruction. */
    for (size_t i = 0; ok && i < win && c.base + i < len; i++)
      if ((needed[i / 8] & (0x80 >> (i % 8))) && !(starts[i / 8] & (0x80 >> (i % 8))))
        ok = fail(&c, c.base + i, "jump into the middle of an instruction");
  }
  port_free(needed);
  port_free(starts);
  return ok;
}
