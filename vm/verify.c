/* verify.c: load-time checks of the code section.
 *
 * Before anything runs, every instruction is decoded once: opcodes must be
 * known, operands inside the section, jump, closure and handler targets on
 * instruction boundaries, global indexes inside the global data and
 * primitive numbers inside the primitive table.  A corrupt or hostile
 * program is refused instead of corrupting memory.  Cost: one linear pass
 * over the code per window of VERIFY_WINDOW code words, with two bitmaps of
 * one bit per word of the window (freed afterwards): on a board the memory
 * needed does not grow with the code, which stays in place (flash); a host
 * takes the whole code in one window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verify.h"
#include "opcodes.h"
#include "port.h"
#include "gc.h"
#include "config.h"

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

/* Code words per window (config.h): each window costs a pass over the code. */
#define VERIFY_WINDOW ((size_t)UC_VERIFY_WINDOW)

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

/* ---- Stack heights ------------------------------------------------------
 *
 * The height of the stack, counted from the start of the current function's
 * frame (its arguments), is computed at every reachable instruction, as
 * ocamlc computes it when it emits the code.  Function bodies start at
 * closure targets with their arguments (GRAB n: n + 1 of them; else one),
 * the toplevel code at word 0 with none; an exception handler sees the
 * height of its PUSHTRAP, a return address that of its PUSH_RETADDR.
 * Refused: stack underflow, ACC/ASSIGN/POP/RETURN/APPTERM reaching below
 * the frame, different heights where paths join, reachable code running
 * off the end, frames above MAX_FRAME.  The largest height found bounds
 * what a function pushes between two stack checks (they happen at calls):
 * see max_frame in verify.h.
 *
 * Heights are kept for jump, handler, return and closure targets only:
 * a bitmap of the targets (one bit per code word), a rank every RANK_WORDS
 * words to find a target's index, and 2 bytes per target.  Sweeps over the
 * code carry the height from instruction to instruction until no target
 * gets a new height; ocamlc's code almost only jumps backwards to targets
 * already reached (loops), so one to three sweeps do, and MAX_SWEEPS bounds
 * the time spent on hostile code. */

#define MAX_FRAME 65000
#define UNKNOWN 0xFFFFu
#define RANK_WORDS 256
#define MAX_SWEEPS 16

struct stack_check {
  struct checker *c;
  uint8_t *is_target;   /* bitmap over the whole code */
  uint32_t *rank;       /* targets before each block of RANK_WORDS words */
  uint16_t *height;     /* per target, UNKNOWN until reached */
  size_t ntgt;
  int changed;          /* a target behind the sweep got its height */
  long long max_height;
};

static int bit(const uint8_t *map, size_t i) { return (map[i / 8] >> (i % 8)) & 1; }

/* The tables are taken from the heap, empty but for the global data while
 * loading, so that a board's pool need not be sized for them; from the
 * pool where there is no heap (tools checking code alone). */
static void *table_alloc(size_t n) {
  void *p = uc_alloc_pinned(n, 0);
  return p != NULL ? p : port_alloc(n);
}

/* Calls `body` with t set to each jump, handler, return-address and closure
 * target of the instruction at `at` (already checked to be in the code). */
#define FOR_EACH_TARGET(k, at, t, body)                                          \
  do {                                                                           \
    size_t t;                                                                    \
    switch ((k)[at]) {                                                           \
    case OP_PUSH_RETADDR: case OP_BRANCH: case OP_BRANCHIF: case OP_BRANCHIFNOT: \
    case OP_PUSHTRAP:                                                            \
      t = (size_t)((intptr_t)(at) + 1 + (k)[(at) + 1]); body; break;             \
    case OP_CLOSURE: t = (size_t)((intptr_t)(at) + 2 + (k)[(at) + 2]); body; break; \
    case OP_CLOSUREREC:                                                          \
      for (int32_t i_ = 0; i_ < (k)[(at) + 1]; i_++) {                           \
        t = (size_t)((intptr_t)(at) + 3 + (k)[(at) + 3 + i_]); body;             \
      }                                                                          \
      break;                                                                     \
    case OP_SWITCH:                                                              \
      for (size_t i_ = 0; i_ < ((uint32_t)(k)[(at) + 1] & 0xFFFF) + ((uint32_t)(k)[(at) + 1] >> 16); i_++) { \
        t = (size_t)((intptr_t)(at) + 2 + (k)[(at) + 2 + i_]); body;             \
      }                                                                          \
      break;                                                                     \
    case OP_BEQ: case OP_BNEQ: case OP_BLTINT: case OP_BLEINT: case OP_BGTINT:   \
    case OP_BGEINT: case OP_BULTINT: case OP_BUGEINT:                            \
      t = (size_t)((intptr_t)(at) + 2 + (k)[(at) + 2]); body; break;             \
    default: break;                                                              \
    }                                                                            \
  } while (0)

static size_t target_index(const struct stack_check *s, size_t t) {
  size_t idx = s->rank[t / RANK_WORDS];
  for (size_t i = t - t % RANK_WORDS; i < t; i++) idx += (size_t)bit(s->is_target, i);
  return idx;
}

/* Height h at the target with index i, seen from the instruction at `from`:
 * set it, or check that it agrees. */
static int meet_index(struct stack_check *s, size_t from, size_t target, size_t i, long long h) {
  if (h > MAX_FRAME) return fail(s->c, from, "stack frame too large");
  if (h < 0) return fail(s->c, from, "negative stack height");   /* GRAB -n */
  if (s->height[i] == UNKNOWN) {
    s->height[i] = (uint16_t)h;
    if (target < from) s->changed = 1;   /* behind the sweep: one more */
    return 1;
  }
  if (s->height[i] != h) return fail(s->c, target, "inconsistent stack heights where paths join");
  return 1;
}

static int meet(struct stack_check *s, size_t from, size_t target, long long h) {
  return meet_index(s, from, target, target_index(s, target), h);
}

/* The instruction at `at` run with height *h: checks it, records the heights
 * at its targets, updates *h; returns 0 on an error, else 1, or 2 if the
 * next instruction is not reached from this one. */
static int step(struct stack_check *s, size_t at, long long *hp) {
  const int32_t *k = s->c->code;
  int32_t op = k[at];
  long long h = *hp, need = 0, delta = 0, a = 0;   /* a: the first operand */
  int falls = 1;
  if (uc_opcode_operands[op] != 0) a = k[at + 1];
  switch (op) {   /* counts of stack slots are never negative */
  case OP_ACC: case OP_ASSIGN: case OP_PUSHACC: case OP_POP: case OP_RETURN:
  case OP_APPTERM1: case OP_APPTERM2: case OP_APPTERM3:
    if (a < 0) return fail(s->c, at, "negative stack operand");
    break;
  case OP_APPTERM:
    if (a < 1) return fail(s->c, at, "negative stack operand");
    break;
  default:
    break;
  }
  switch (op) {
  case OP_ACC0: case OP_ACC1: case OP_ACC2: case OP_ACC3:
  case OP_ACC4: case OP_ACC5: case OP_ACC6: case OP_ACC7:
    need = op - OP_ACC0 + 1; break;
  case OP_ACC: case OP_ASSIGN: need = a + 1; break;
  case OP_PUSHACC0: case OP_PUSHACC1: case OP_PUSHACC2: case OP_PUSHACC3:
  case OP_PUSHACC4: case OP_PUSHACC5: case OP_PUSHACC6: case OP_PUSHACC7:
    need = op - OP_PUSHACC0; delta = 1; break;
  case OP_PUSHACC: need = a; delta = 1; break;
  case OP_POP: need = a; delta = -a; break;
  case OP_PUSH: case OP_PUSHENVACC1: case OP_PUSHENVACC2: case OP_PUSHENVACC3:
  case OP_PUSHENVACC4: case OP_PUSHENVACC: case OP_PUSHOFFSETCLOSUREM3:
  case OP_PUSHOFFSETCLOSURE0: case OP_PUSHOFFSETCLOSURE3: case OP_PUSHOFFSETCLOSURE:
  case OP_PUSHGETGLOBAL: case OP_PUSHGETGLOBALFIELD: case OP_PUSHATOM0: case OP_PUSHATOM:
  case OP_PUSHCONST0: case OP_PUSHCONST1: case OP_PUSHCONST2: case OP_PUSHCONST3:
  case OP_PUSHCONSTINT: case OP_GETPUBMET:
    delta = 1; break;
  case OP_PUSH_RETADDR:   /* the callee returns there with the frame popped */
    if (!meet(s, at, (size_t)((intptr_t)at + 1 + a), h)) return 0;
    delta = 3; break;
  case OP_APPLY: need = a + 3; delta = -(a + 3); break;
  case OP_APPLY1: case OP_APPLY2: case OP_APPLY3:
    need = op - OP_APPLY1 + 1; delta = -need; break;
  /* A tail call or a return pops the whole frame: one that left slots
   * would have the callee return to a slot that is not a return address. */
  case OP_APPTERM:
    need = k[at + 2];
    if (a > need) return fail(s->c, at, "APPTERM with more arguments than its frame");
    if (h > need) return fail(s->c, at, "APPTERM that does not pop the whole frame");
    falls = 0; break;
  case OP_APPTERM1: case OP_APPTERM2: case OP_APPTERM3:
    need = a;
    if (a < op - OP_APPTERM1 + 1) return fail(s->c, at, "APPTERM with more arguments than its frame");
    if (h > need) return fail(s->c, at, "APPTERM that does not pop the whole frame");
    falls = 0; break;
  case OP_RETURN:
    need = a;
    if (h > need) return fail(s->c, at, "RETURN that does not pop the whole frame");
    falls = 0; break;
  case OP_RESTART:   /* entered from partial applications only, at run time */
    return 2;
  case OP_CLOSURE:   /* the accumulator and a - 1 stack slots go into it */
    if (a > 0) { need = a - 1; delta = 1 - a; }
    break;
  case OP_CLOSUREREC: {
    long long vars = k[at + 2];
    if (vars > 0) { need = vars - 1; delta = 1 - vars; }
    delta += a;   /* then one slot per function */
    break;
  }
  case OP_MAKEBLOCK: case OP_MAKEFLOATBLOCK: need = a - 1; delta = 1 - a; break;
  case OP_MAKEBLOCK2: need = 1; delta = -1; break;
  case OP_MAKEBLOCK3: need = 2; delta = -2; break;
  case OP_SETFIELD0: case OP_SETFIELD1: case OP_SETFIELD2: case OP_SETFIELD3:
  case OP_SETFIELD: case OP_SETFLOATFIELD: case OP_GETVECTITEM: case OP_GETBYTESCHAR:
  case OP_GETSTRINGCHAR: case OP_C_CALL2:
  case OP_ADDINT: case OP_SUBINT: case OP_MULINT: case OP_DIVINT: case OP_MODINT:
  case OP_ANDINT: case OP_ORINT: case OP_XORINT: case OP_LSLINT: case OP_LSRINT:
  case OP_ASRINT: case OP_EQ: case OP_NEQ: case OP_LTINT: case OP_LEINT:
  case OP_GTINT: case OP_GEINT: case OP_ULTINT: case OP_UGEINT:
    need = 1; delta = -1; break;
  case OP_SETVECTITEM: case OP_SETBYTESCHAR: case OP_C_CALL3: need = 2; delta = -2; break;
  case OP_C_CALL4: need = 3; delta = -3; break;
  case OP_C_CALL5: need = 4; delta = -4; break;
  case OP_C_CALLN: need = a - 1; delta = 1 - a; break;
  case OP_GETMETHOD: case OP_GETDYNMET: need = 1; break;
  case OP_PUSHTRAP:   /* the handler runs with the trap frame popped */
    if (!meet(s, at, (size_t)((intptr_t)at + 1 + a), h)) return 0;
    delta = 4; break;
  case OP_POPTRAP: need = 4; delta = -4; break;
  case OP_BRANCH: case OP_SWITCH: case OP_BRANCHIF: case OP_BRANCHIFNOT:
  case OP_BEQ: case OP_BNEQ: case OP_BLTINT: case OP_BLEINT: case OP_BGTINT:
  case OP_BGEINT: case OP_BULTINT: case OP_BUGEINT: {
    int ok = 1;
    FOR_EACH_TARGET(k, at, t, ok = ok && meet(s, at, t, h));
    if (!ok) return 0;
    falls = op != OP_BRANCH && op != OP_SWITCH;
    break;
  }
  case OP_RAISE: case OP_RERAISE: case OP_RAISE_NOTRACE: case OP_STOP:
    falls = 0; break;
  default:   /* no effect on the stack */
    break;
  }
  if (h < need) return fail(s->c, at, "stack underflow");
  h += delta;
  if (h > MAX_FRAME) return fail(s->c, at, "stack frame too large");
  if (h > s->max_height) s->max_height = h;
  *hp = h;
  return falls ? 1 : 2;
}

/* One pass over the code, carrying the height along. */
static int sweep(struct stack_check *s) {
  const int32_t *k = s->c->code;
  size_t len = s->c->len, idx = 0;
  long long h = -1;   /* -1: not reached (yet) */
  for (size_t at = 0; at < len; at += uc_instr_length(k, at, len)) {
    /* RESTART; GRAB n is the entry of a function of n + 1 arguments: only
     * partial applications made by the GRAB resume at the RESTART, no jump
     * or closure reaches it and nothing falls into it (RESTART takes the
     * closure in env for a partial application). */
    if (k[at] == OP_RESTART &&
        (bit(s->is_target, at) || h >= 0 || at + 1 >= len || k[at + 1] != OP_GRAB))
      return fail(s->c, at, "RESTART not at a function entry");
    if (bit(s->is_target, at)) {
      if (h >= 0 && !meet_index(s, at, at, idx, h)) return 0;
      h = s->height[idx] == UNKNOWN ? -1 : s->height[idx];
      idx++;
    }
    if (h < 0) continue;
    int r = step(s, at, &h);
    if (r == 0) return 0;
    if (r == 2) h = -1;
  }
  if (h >= 0) return fail(s->c, len, "code runs off the end");
  return 1;
}

static int check_stack(struct checker *c, struct uc_verify_env *env) {
  const int32_t *k = c->code;
  size_t len = c->len, at;
  size_t blocks = len / RANK_WORDS + 1;
  struct stack_check s = {c, NULL, NULL, NULL, 0, 0, 0};
  s.is_target = table_alloc(len / 8 + 1);
  s.rank = table_alloc(blocks * sizeof *s.rank);
  int ok = s.is_target != NULL && s.rank != NULL;
  if (ok) {
    memset(s.is_target, 0, len / 8 + 1);
    s.is_target[0] = 1;   /* the toplevel code */
    for (at = 0; at < len; at += uc_instr_length(k, at, len))
      FOR_EACH_TARGET(k, at, t, s.is_target[t / 8] |= (uint8_t)(1u << (t % 8)));
    for (size_t b = 0; b < blocks; b++) {
      s.rank[b] = (uint32_t)s.ntgt;
      for (size_t i = b * RANK_WORDS; i < (b + 1) * RANK_WORDS && i < len; i++)
        s.ntgt += (size_t)bit(s.is_target, i);
    }
    s.height = table_alloc(s.ntgt * sizeof *s.height);
    ok = s.height != NULL;
  }
  if (!ok) {
    fail(c, 0, "out of memory while checking the stack");
  } else {
    for (size_t i = 0; i < s.ntgt; i++) s.height[i] = UNKNOWN;
    ok = meet_index(&s, 0, 0, 0, 0);
    /* Function bodies start with their arguments on the stack. */
    for (at = 0; ok && at < len; at += uc_instr_length(k, at, len))
      if (k[at] == OP_CLOSURE || k[at] == OP_CLOSUREREC)
        FOR_EACH_TARGET(k, at, t,
                        ok = ok && meet(&s, at, t, k[t] == OP_GRAB ? (long long)k[t + 1] + 1 : 1));
    int sweeps = 0;
    do {
      s.changed = 0;
      ok = ok && sweep(&s);
      if (ok && s.changed && ++sweeps == MAX_SWEEPS)
        ok = fail(c, 0, "stack heights do not settle (too many backward jumps)");
    } while (ok && s.changed);
  }
  env->max_frame = (size_t)s.max_height;
  /* Last taken, first freed: the heap gives the space back whole. */
  uc_scratch_free(s.height);
  uc_scratch_free(s.rank);
  uc_scratch_free(s.is_target);
  return ok;
}

int uc_verify_code(const int32_t *code, size_t len, struct uc_verify_env *env,
                   char *err, size_t errlen) {
  size_t win = len < VERIFY_WINDOW ? len : VERIFY_WINDOW;
  struct checker c = {code, len, NULL, 0, win, err, errlen};
  uint8_t *needed = table_alloc(win / 8 + 1);
  uint8_t *starts = table_alloc(win / 8 + 1);
  if (needed == NULL || starts == NULL) {
    uc_scratch_free(starts);
    uc_scratch_free(needed);
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
  uc_scratch_free(starts);
  uc_scratch_free(needed);
  if (ok && !check_stack(&c, env)) ok = 0;
  return ok;
}
