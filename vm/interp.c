/* interp.c: the bytecode interpreter.
 *
 * Registers: pc (next instruction, read in place from the code), sp (VM
 * stack, grows down), accu, env (current closure), extra_args (arguments
 * beyond those the current function takes).  The stack holds values, return
 * addresses (code pointers, outside the heap, so the GC skips them) and trap
 * frames for exception handlers:
 *
 *   trap frame: sp[0] handler pc, sp[1] previous frame (offset from the
 *   stack top, tagged), sp[2] env, sp[3] extra_args (tagged)
 *
 * Exceptions raised from C longjmp back to uc_interpret, which restarts the
 * loop at the innermost trap frame. */
#include "interp.h"
#include "config.h"
#include "gc_internal.h"
#include "census.h"
#include "opcodes.h"
#include "verify.h"

struct uc_program uc_prog;
static value *stack_low, *stack_threshold;
static value *trap_sp;            /* innermost trap frame */
#define STACK_MARGIN_WORDS 256
#define MAX_FRAME_MARGIN_WORDS (64 * 1024)
static uintnat stack_margin = STACK_MARGIN_WORDS;

int uc_interp_init(size_t stack_words) {
  stack_low = port_alloc((stack_words + stack_margin) * WORD_BYTES);
  if (stack_low == NULL) return 0;
  uc_stack_high = stack_low + stack_words + stack_margin;
  uc_stack_sp = uc_stack_high;
  stack_threshold = stack_low + stack_margin;
  trap_sp = uc_stack_high;
  return 1;
}

value *uc_trap_sp(void) { return trap_sp; }

/* Stack overflow is checked at calls: between two checks a function pushes
 * at most the verifier's largest frame, which must fit below the threshold.
 * Called by the loader before the stack is made (uc_interp_init), so the
 * margin kept below the threshold can grow to that frame. */
int uc_interp_reserve(size_t frame_words) {
  size_t words = frame_words + 16;   /* + what a C call or a trap adds */
  if (words > MAX_FRAME_MARGIN_WORDS) return 0;
  if (words > stack_margin) stack_margin = words;
  return 1;
}

int uc_is_code_pointer(value v) {
  return (code_t)v >= uc_prog.code && (code_t)v < uc_prog.code + uc_prog.code_words;
}

uintnat uc_stack_used_words(void) { return (uintnat)(uc_stack_high - uc_stack_sp); }
uintnat uc_stack_size_words(void) { return (uintnat)(uc_stack_high - stack_low); }
/* The words a program may use before Stack_overflow (the margin apart). */
uintnat uc_stack_limit_words(void) { return (uintnat)(uc_stack_high - stack_threshold); }

/* Trap frames link by offset from the top so the link is a tagged int. */
#define TRAP_LINK(tp) ((value *)(uc_stack_high - long_val((tp)[1])))
#define MAKE_TRAP_LINK(tp) val_long(uc_stack_high - (tp))

#if defined(__GNUC__) && !defined(UC_NO_COMPUTED_GOTO)
#define COMPUTED_GOTO 1
#define CASE(name) lbl_##name
#if UC_THREADED_CODE
/* Each opcode word holds its handler's offset from the first handler. */
#define NEXT goto *(void *)((const char *)&&lbl_ACC0 + *pc++)
static int32_t handler_offset[OP_COUNT];
#elif defined(UC_COUNT_BYTECODES)
/* Measurement builds: count the instructions executed (cost per instruction
 * = cycles / count).  Read by the port's exit report. */
uint64_t uc_bytecodes_executed;
#define NEXT do { uc_bytecodes_executed++; goto *jumptable[*pc++]; } while (0)
#else
#define NEXT goto *jumptable[*pc++]
#endif
#define DISPATCH NEXT;
#else
#define COMPUTED_GOTO 0
#undef UC_THREADED_CODE
#define UC_THREADED_CODE 0
#define CASE(name) case OP_##name
#define NEXT break
#define DISPATCH \
  for (;;)       \
    switch (*pc++)
#endif

/* Ill-typed values (Obj.magic, marshalled data of the wrong type, hostile
 * bytecode) must not take the VM outside its memory or its code.  Where
 * well-typed code needs no check these are cheap tests, almost never taken:
 * a call needs a closure, field access a block
 * large enough, a match an index within its table.  A failed check raises
 * Invalid_argument (the program can catch it; a server loses only the
 * connection that made the value). */
#if UC_CHECK_ILL_TYPED
#define UC_ILL_TYPED(cond) __builtin_expect(!!(cond), 0)
#else
#define UC_ILL_TYPED(cond) 0
#endif
/* Closures are made by CLOSURE and CLOSUREREC (verified targets) or read
 * by Marshal (checked code pointers): a block tagged closure or infix holds
 * one.  The tag is one byte load, the cheapest test on the board, where
 * calls are the hottest instructions. */
#define CHECK_CALLEE(f)                                                      \
  do {                                                                       \
    if (UC_ILL_TYPED(!is_block(f) ||                                         \
                     (tag_val(f) != CLOSURE_TAG && tag_val(f) != INFIX_TAG))) \
      goto ill_typed_call;                                                   \
  } while (0)
/* Fields are read and written only in blocks of fields: a string's bytes
 * or a custom block's operations read as a value would be a wild pointer. */
static inline int field_outside(value b, mlsize_t i) {
  header_t hd = hd_val(b);
  return hd_wosize(hd) <= i || hd_tag(hd) >= NO_SCAN_TAG;
}
#define CHECK_FIELD(b, i) \
  do { if (UC_ILL_TYPED(!is_block(b) || field_outside(b, (mlsize_t)(i)))) goto ill_typed_field; } while (0)
/* The variables of a closure run from its closure info's start of
 * environment to the end of its block; an infix pointer's block starts
 * its offset earlier.  Below that start lie code pointers. */
static inline int infix_env_outside(value env, mlsize_t i) {
  header_t hd = hd_val(env);
  if (hd_tag(hd) != INFIX_TAG) return 1;   /* the toplevel's atom */
  value base = env - (value)infix_offset_hd(hd);
  return wosize_val(base) - hd_wosize(hd) <= i || i < start_env_closinfo(closinfo_val(env));
}
static inline int env_outside(value env, mlsize_t i) {
  header_t hd = hd_val(env);
  if (hd_tag(hd) != CLOSURE_TAG) return infix_env_outside(env, i);
  return hd_wosize(hd) <= i || i < start_env_closinfo(closinfo_val(env));
}
#define CHECK_ENV(i) \
  do { if (UC_ILL_TYPED(env_outside(env, (mlsize_t)(i)))) goto ill_typed_env; } while (0)
/* OFFSETCLOSURE: env + ofs words must be env's closure or one of its infix
 * pointers (recursive functions defined together). */
static inline int offset_outside(value env, intnat ofs) {
  header_t hd = hd_val(env);
  value base = env;
  if (hd_tag(hd) == INFIX_TAG) base = env - (value)infix_offset_hd(hd);
  else if (hd_tag(hd) != CLOSURE_TAG) return 1;
  intnat at = (env - base) / (intnat)WORD_BYTES + ofs;
  if (at == 0) return 0;
  if (at < 0 || (uintnat)at >= wosize_val(base)) return 1;
  header_t target = (header_t)field(base, at - 1);
  return hd_tag(target) != INFIX_TAG || hd_wosize(target) != (mlsize_t)at;
}
#define CHECK_OFFSET(ofs) \
  do { if (UC_ILL_TYPED(offset_outside(env, (ofs)))) goto ill_typed_env; } while (0)
/* Bytes of a string, floats of a float array, boxed floats. */
#define CHECK_BYTE(s, i)                                                       \
  do {                                                                         \
    if (UC_ILL_TYPED(!is_block(s) || tag_val(s) != STRING_TAG ||               \
                     (uintnat)(i) >= string_length(s)))                        \
      goto ill_typed_byte;                                                     \
  } while (0)
#define CHECK_FLOAT_FIELD(b, i)                                                \
  do {                                                                         \
    if (UC_ILL_TYPED(!is_block(b) || tag_val(b) != DOUBLE_ARRAY_TAG ||         \
                     (uintnat)(i) >= wosize_val(b) / DOUBLE_WOSIZE))            \
      goto ill_typed_field;                                                    \
  } while (0)
#define CHECK_FLOAT(f) \
  do { if (UC_ILL_TYPED(!is_block(f) || tag_val(f) != DOUBLE_TAG)) goto ill_typed_float; } while (0)

/* Save the live registers on the stack so a collection sees them. */
#define SAVE_FOR_GC \
  do {              \
    sp -= 2;        \
    sp[0] = accu;   \
    sp[1] = env;    \
    uc_stack_sp = sp; \
  } while (0)
#define RESTORE_AFTER_GC \
  do {                   \
    accu = sp[0];        \
    env = sp[1];         \
    sp += 2;             \
  } while (0)

/* The slow path also saves pc, after the instruction's operands as
 * ocamlrun has it: memprof's callstacks start there. */
#define ALLOC_SMALL(result, wosize, tag)                     \
  do {                                                       \
    value *next_ = uc_young_ptr + (wosize) + 1;              \
    if (next_ > uc_young_end) {                              \
      sp -= 3;                                               \
      sp[0] = accu;                                          \
      sp[1] = env;                                           \
      sp[2] = (value)pc;                                     \
      uc_stack_sp = sp;                                      \
      uc_gc_alloc_small_slow((mlsize_t)(wosize) + 1);        \
      accu = sp[0];                                          \
      env = sp[1];                                           \
      sp += 3;                                               \
      next_ = uc_young_ptr + (wosize) + 1;                   \
    }                                                        \
    *uc_young_ptr = make_header((wosize), (tag), 0);         \
    (result) = (value)(uc_young_ptr + 1);                    \
    uc_young_ptr = next_;                                    \
  } while (0)

/* Blocks too big for the nursery: fields are filled with uc_modify. */
#define ALLOC_MAJOR(result, wosize, tag) \
  do {                                   \
    SAVE_FOR_GC;                         \
    value r_ = uc_alloc_major((wosize), (tag)); \
    RESTORE_AFTER_GC;                    \
    (result) = r_;                       \
  } while (0)

/* C calls: env and the return pc are kept on the stack (for the GC and for
 * backtraces of exceptions raised in C). */
#define SETUP_C_CALL       \
  do {                     \
    sp -= 2;               \
    sp[0] = env;           \
    sp[1] = (value)(pc + 1); \
    uc_stack_sp = sp;      \
  } while (0)
#define RESTORE_C_CALL \
  do {                 \
    env = sp[0];       \
    sp += 2;           \
  } while (0)

#define PRIMITIVE(n) (uc_prog.prims[(n)])

static value run(code_t pc, value *boundary, int raised) {
#if COMPUTED_GOTO
#define UC_LABEL(name) &&lbl_##name,
  static void *const jumptable[] = {UC_FOR_EACH_OPCODE(UC_LABEL)};
#undef UC_LABEL
#if UC_THREADED_CODE
  if (pc == NULL) {   /* called once to learn where the handlers are */
    for (int i = 0; i < OP_COUNT; i++)
      handler_offset[i] = (int32_t)((const char *)jumptable[i] - (const char *)&&lbl_ACC0);
    return VAL_UNIT;
  }
#endif
#endif
  value *sp = uc_stack_sp;
  value accu = VAL_UNIT;
  value env = atom(0);
  intnat extra_args = 0;

  if (raised) {   /* raised from C: the backtrace starts at the C call */
    accu = uc_exn_bucket;
    if (uc_backtrace_active) uc_backtrace_record_c_raise(accu);
    goto raise_notrace;
  }

  DISPATCH {
    /* Stack and environment access */
    CASE(ACC0) : accu = sp[0]; NEXT;
    CASE(ACC1) : accu = sp[1]; NEXT;
    CASE(ACC2) : accu = sp[2]; NEXT;
    CASE(ACC3) : accu = sp[3]; NEXT;
    CASE(ACC4) : accu = sp[4]; NEXT;
    CASE(ACC5) : accu = sp[5]; NEXT;
    CASE(ACC6) : accu = sp[6]; NEXT;
    CASE(ACC7) : accu = sp[7]; NEXT;
    CASE(ACC) : accu = sp[*pc++]; NEXT;
    CASE(PUSH) : CASE(PUSHACC0) : *--sp = accu; NEXT;
    CASE(PUSHACC1) : *--sp = accu; accu = sp[1]; NEXT;
    CASE(PUSHACC2) : *--sp = accu; accu = sp[2]; NEXT;
    CASE(PUSHACC3) : *--sp = accu; accu = sp[3]; NEXT;
    CASE(PUSHACC4) : *--sp = accu; accu = sp[4]; NEXT;
    CASE(PUSHACC5) : *--sp = accu; accu = sp[5]; NEXT;
    CASE(PUSHACC6) : *--sp = accu; accu = sp[6]; NEXT;
    CASE(PUSHACC7) : *--sp = accu; accu = sp[7]; NEXT;
    CASE(PUSHACC) : *--sp = accu; accu = sp[*pc++]; NEXT;
    CASE(POP) : sp += *pc++; NEXT;
    CASE(ASSIGN) : sp[*pc++] = accu; accu = VAL_UNIT; NEXT;
    CASE(ENVACC1) : CHECK_ENV(1); accu = field(env, 1); NEXT;
    CASE(ENVACC2) : CHECK_ENV(2); accu = field(env, 2); NEXT;
    CASE(ENVACC3) : CHECK_ENV(3); accu = field(env, 3); NEXT;
    CASE(ENVACC4) : CHECK_ENV(4); accu = field(env, 4); NEXT;
    CASE(ENVACC) : CHECK_ENV(*pc); accu = field(env, *pc++); NEXT;
    CASE(PUSHENVACC1) : *--sp = accu; CHECK_ENV(1); accu = field(env, 1); NEXT;
    CASE(PUSHENVACC2) : *--sp = accu; CHECK_ENV(2); accu = field(env, 2); NEXT;
    CASE(PUSHENVACC3) : *--sp = accu; CHECK_ENV(3); accu = field(env, 3); NEXT;
    CASE(PUSHENVACC4) : *--sp = accu; CHECK_ENV(4); accu = field(env, 4); NEXT;
    CASE(PUSHENVACC) : *--sp = accu; CHECK_ENV(*pc); accu = field(env, *pc++); NEXT;

    /* Function application */
    CASE(PUSH_RETADDR) :
      sp -= 3;
      sp[0] = (value)(pc + *pc);
      sp[1] = env;
      sp[2] = val_long(extra_args);
      pc++;
      NEXT;
    CASE(APPLY) :
      CHECK_CALLEE(accu);
      extra_args = *pc - 1;
      pc = code_val(accu);
      env = accu;
      goto check_stack;
    CASE(APPLY1) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0];
      sp -= 3;
      sp[0] = a1;
      sp[1] = (value)pc;
      sp[2] = env;
      sp[3] = val_long(extra_args);
      pc = code_val(accu);
      env = accu;
      extra_args = 0;
      goto check_stack;
    }
    CASE(APPLY2) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0], a2 = sp[1];
      sp -= 3;
      sp[0] = a1;
      sp[1] = a2;
      sp[2] = (value)pc;
      sp[3] = env;
      sp[4] = val_long(extra_args);
      pc = code_val(accu);
      env = accu;
      extra_args = 1;
      goto check_stack;
    }
    CASE(APPLY3) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0], a2 = sp[1], a3 = sp[2];
      sp -= 3;
      sp[0] = a1;
      sp[1] = a2;
      sp[2] = a3;
      sp[3] = (value)pc;
      sp[4] = env;
      sp[5] = val_long(extra_args);
      pc = code_val(accu);
      env = accu;
      extra_args = 2;
      goto check_stack;
    }
    CASE(APPTERM) : {
      CHECK_CALLEE(accu);
      int nargs = pc[0];
      value *newsp = sp + pc[1] - nargs;
      for (int i = nargs - 1; i >= 0; i--) newsp[i] = sp[i];
      sp = newsp;
      pc = code_val(accu);
      env = accu;
      extra_args += nargs - 1;
      goto check_stack;
    }
    CASE(APPTERM1) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0];
      sp = sp + *pc - 1;
      sp[0] = a1;
      pc = code_val(accu);
      env = accu;
      goto check_stack;
    }
    CASE(APPTERM2) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0], a2 = sp[1];
      sp = sp + *pc - 2;
      sp[0] = a1;
      sp[1] = a2;
      pc = code_val(accu);
      env = accu;
      extra_args += 1;
      goto check_stack;
    }
    CASE(APPTERM3) : {
      CHECK_CALLEE(accu);
      value a1 = sp[0], a2 = sp[1], a3 = sp[2];
      sp = sp + *pc - 3;
      sp[0] = a1;
      sp[1] = a2;
      sp[2] = a3;
      pc = code_val(accu);
      env = accu;
      extra_args += 2;
      goto check_stack;
    }
    CASE(RETURN) :
      sp += *pc++;
      if (extra_args > 0) {   /* over-application: the result is applied */
        CHECK_CALLEE(accu);
        extra_args--;
        pc = code_val(accu);
        env = accu;
      } else {
        pc = (code_t)sp[0];
        env = sp[1];
        extra_args = long_val(sp[2]);
        sp += 3;
      }
      NEXT;
    CASE(RESTART) : {   /* env: a partial application made by GRAB */
      if (UC_ILL_TYPED(!is_block(env) || tag_val(env) != CLOSURE_TAG || wosize_val(env) < 3))
        goto ill_typed_env;
      mlsize_t nargs = wosize_val(env) - 3;
      if (sp - nargs < stack_threshold) goto stack_overflow;
      sp -= nargs;
      for (mlsize_t i = 0; i < nargs; i++) sp[i] = field(env, i + 3);
      env = field(env, 2);
      extra_args += (intnat)nargs;
      NEXT;
    }
    CASE(GRAB) : {
      int required = *pc++;
      if (extra_args >= required) {
        extra_args -= required;
      } else {
        mlsize_t nargs = 1 + (mlsize_t)extra_args;
        value clos;
        ALLOC_SMALL(clos, nargs + 3, CLOSURE_TAG);
        field(clos, 0) = (value)(pc - 3);   /* the RESTART before this GRAB */
        field(clos, 1) = make_closinfo(0, 2);
        field(clos, 2) = env;
        for (mlsize_t i = 0; i < nargs; i++) field(clos, i + 3) = sp[i];
        accu = clos;
        sp += nargs;
        pc = (code_t)sp[0];
        env = sp[1];
        extra_args = long_val(sp[2]);
        sp += 3;
      }
      NEXT;
    }
    CASE(CLOSURE) : {
      int nvars = *pc++;
      if (nvars > 0) *--sp = accu;
      value clos;
      if (nvars + 2 <= MAX_YOUNG_WOSIZE) {
        ALLOC_SMALL(clos, (mlsize_t)nvars + 2, CLOSURE_TAG);
        for (int i = 0; i < nvars; i++) field(clos, i + 2) = sp[i];
      } else {
        ALLOC_MAJOR(clos, (mlsize_t)nvars + 2, CLOSURE_TAG);
        for (int i = 0; i < nvars; i++) uc_modify(&field(clos, i + 2), sp[i]);
      }
      field(clos, 0) = (value)(pc + *pc);
      field(clos, 1) = make_closinfo(0, 2);
      pc++;
      sp += nvars;
      accu = clos;
      NEXT;
    }
    CASE(CLOSUREREC) : {
      int nfuncs = *pc++;
      int nvars = *pc++;
      mlsize_t envofs = (mlsize_t)nfuncs * 3 - 1;
      mlsize_t size = envofs + (mlsize_t)nvars;
      if (nvars > 0) *--sp = accu;
      value clos;
      if (size <= MAX_YOUNG_WOSIZE) {
        ALLOC_SMALL(clos, size, CLOSURE_TAG);
        for (int i = 0; i < nvars; i++) field(clos, envofs + i) = sp[i];
      } else {
        ALLOC_MAJOR(clos, size, CLOSURE_TAG);
        for (int i = 0; i < nvars; i++) uc_modify(&field(clos, envofs + i), sp[i]);
      }
      sp += nvars;
      field(clos, 0) = (value)(pc + pc[0]);
      field(clos, 1) = make_closinfo(0, envofs);
      *--sp = clos;
      for (int i = 1; i < nfuncs; i++) {
        value *p = &field(clos, 3 * i - 1);
        p[0] = (value)make_header(3 * i, INFIX_TAG, 0);
        p[1] = (value)(pc + pc[i]);
        p[2] = make_closinfo(0, envofs - 3 * (mlsize_t)i);
        *--sp = (value)(p + 1);
      }
      pc += nfuncs;
      accu = clos;
      NEXT;
    }
    CASE(PUSHOFFSETCLOSURE) : *--sp = accu; /* fall through */
    CASE(OFFSETCLOSURE) : CHECK_OFFSET(*pc); accu = env + *pc++ * (value)WORD_BYTES; NEXT;
    CASE(PUSHOFFSETCLOSUREM3) : *--sp = accu; /* fall through */
    CASE(OFFSETCLOSUREM3) : CHECK_OFFSET(-3); accu = env - 3 * (value)WORD_BYTES; NEXT;
    CASE(PUSHOFFSETCLOSURE0) : *--sp = accu; /* fall through */
    CASE(OFFSETCLOSURE0) : accu = env; NEXT;
    CASE(PUSHOFFSETCLOSURE3) : *--sp = accu; /* fall through */
    CASE(OFFSETCLOSURE3) : CHECK_OFFSET(3); accu = env + 3 * (value)WORD_BYTES; NEXT;

    /* Globals */
    CASE(PUSHGETGLOBAL) : *--sp = accu; /* fall through */
    CASE(GETGLOBAL) : accu = field(uc_global_data, *pc++); NEXT;
    CASE(PUSHGETGLOBALFIELD) : *--sp = accu; /* fall through */
    CASE(GETGLOBALFIELD) :
      accu = field(uc_global_data, pc[0]);
      CHECK_FIELD(accu, pc[1]);
      accu = field(accu, pc[1]);
      pc += 2;
      NEXT;
    CASE(SETGLOBAL) :
      uc_modify(&field(uc_global_data, *pc++), accu);
      accu = VAL_UNIT;
      if (uc_census_on) {   /* a module initialised: UCAML_STATS=2 */
        SAVE_FOR_GC;
        uc_census_module_done(pc);
        RESTORE_AFTER_GC;
      }
      NEXT;

    /* Blocks */
    CASE(PUSHATOM0) : *--sp = accu; /* fall through */
    CASE(ATOM0) : accu = atom(0); NEXT;
    CASE(PUSHATOM) : *--sp = accu; /* fall through */
    CASE(ATOM) : accu = atom(*pc++); NEXT;
    CASE(MAKEBLOCK) : {
      mlsize_t size = (mlsize_t)pc[0];
      tag_t tag = (tag_t)pc[1];
      pc += 2;
      value b;
      if (size <= MAX_YOUNG_WOSIZE) {
        ALLOC_SMALL(b, size, tag);
        field(b, 0) = accu;
        for (mlsize_t i = 1; i < size; i++) field(b, i) = *sp++;
      } else {
        ALLOC_MAJOR(b, size, tag);
        uc_modify(&field(b, 0), accu);
        for (mlsize_t i = 1; i < size; i++) uc_modify(&field(b, i), *sp++);
      }
      accu = b;
      NEXT;
    }
    CASE(MAKEBLOCK1) : {
      value b;
      tag_t tag = (tag_t)*pc++;
      ALLOC_SMALL(b, 1, tag);
      field(b, 0) = accu;
      accu = b;
      NEXT;
    }
    CASE(MAKEBLOCK2) : {
      value b;
      tag_t tag = (tag_t)*pc++;
      ALLOC_SMALL(b, 2, tag);
      field(b, 0) = accu;
      field(b, 1) = sp[0];
      sp += 1;
      accu = b;
      NEXT;
    }
    CASE(MAKEBLOCK3) : {
      value b;
      tag_t tag = (tag_t)*pc++;
      ALLOC_SMALL(b, 3, tag);
      field(b, 0) = accu;
      field(b, 1) = sp[0];
      field(b, 2) = sp[1];
      sp += 2;
      accu = b;
      NEXT;
    }
    CASE(MAKEFLOATBLOCK) : {
      mlsize_t n = (mlsize_t)*pc++;
      CHECK_FLOAT(accu);
      for (mlsize_t i = 1; i < n; i++) CHECK_FLOAT(sp[i - 1]);
      value b;
      if (n * DOUBLE_WOSIZE <= MAX_YOUNG_WOSIZE) ALLOC_SMALL(b, n * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
      else ALLOC_MAJOR(b, n * DOUBLE_WOSIZE, DOUBLE_ARRAY_TAG);
      store_double_field(b, 0, double_val(accu));
      for (mlsize_t i = 1; i < n; i++) store_double_field(b, i, double_val(*sp++));
      accu = b;
      NEXT;
    }
    CASE(GETFIELD0) : CHECK_FIELD(accu, 0); accu = field(accu, 0); NEXT;
    CASE(GETFIELD1) : CHECK_FIELD(accu, 1); accu = field(accu, 1); NEXT;
    CASE(GETFIELD2) : CHECK_FIELD(accu, 2); accu = field(accu, 2); NEXT;
    CASE(GETFIELD3) : CHECK_FIELD(accu, 3); accu = field(accu, 3); NEXT;
    CASE(GETFIELD) : CHECK_FIELD(accu, *pc); accu = field(accu, *pc++); NEXT;
    CASE(GETFLOATFIELD) : {
      CHECK_FLOAT_FIELD(accu, *pc);
      double d = double_field(accu, (mlsize_t)*pc++);
      ALLOC_SMALL(accu, DOUBLE_WOSIZE, DOUBLE_TAG);
      store_double_val(accu, d);
      NEXT;
    }
    CASE(SETFIELD0) :
      CHECK_FIELD(accu, 0);
      uc_modify(&field(accu, 0), *sp++);
      accu = VAL_UNIT;
      NEXT;
    CASE(SETFIELD1) :
      CHECK_FIELD(accu, 1);
      uc_modify(&field(accu, 1), *sp++);
      accu = VAL_UNIT;
      NEXT;
    CASE(SETFIELD2) :
      CHECK_FIELD(accu, 2);
      uc_modify(&field(accu, 2), *sp++);
      accu = VAL_UNIT;
      NEXT;
    CASE(SETFIELD3) :
      CHECK_FIELD(accu, 3);
      uc_modify(&field(accu, 3), *sp++);
      accu = VAL_UNIT;
      NEXT;
    CASE(SETFIELD) :
      CHECK_FIELD(accu, *pc);
      uc_modify(&field(accu, *pc++), *sp++);
      accu = VAL_UNIT;
      NEXT;
    CASE(SETFLOATFIELD) :
      CHECK_FLOAT_FIELD(accu, *pc);
      CHECK_FLOAT(sp[0]);
      store_double_field(accu, (mlsize_t)*pc++, double_val(*sp++));
      accu = VAL_UNIT;
      NEXT;

    /* Arrays and strings (bounds are checked by the compiled code, and
     * here again: the code may be unsafe or hostile) */
    CASE(VECTLENGTH) : {
      if (UC_ILL_TYPED(!is_block(accu))) goto ill_typed_field;
      mlsize_t size = wosize_val(accu);
      if (tag_val(accu) == DOUBLE_ARRAY_TAG) size /= DOUBLE_WOSIZE;
      accu = val_long(size);
      NEXT;
    }
    CASE(GETVECTITEM) :
      CHECK_FIELD(accu, long_val(sp[0]));
      accu = field(accu, long_val(sp[0]));
      sp += 1;
      NEXT;
    CASE(SETVECTITEM) :
      CHECK_FIELD(accu, long_val(sp[0]));
      uc_modify(&field(accu, long_val(sp[0])), sp[1]);
      accu = VAL_UNIT;
      sp += 2;
      NEXT;
    CASE(GETSTRINGCHAR) : CASE(GETBYTESCHAR) :
      CHECK_BYTE(accu, long_val(sp[0]));
      accu = val_int(bytes_ptr(accu)[long_val(sp[0])]);
      sp += 1;
      NEXT;
    CASE(SETBYTESCHAR) :
      CHECK_BYTE(accu, long_val(sp[0]));
      bytes_ptr(accu)[long_val(sp[0])] = (unsigned char)long_val(sp[1]);
      sp += 2;
      accu = VAL_UNIT;
      NEXT;

    /* Branches */
    CASE(BRANCH) : pc += *pc; NEXT;
    CASE(BRANCHIF) : if (accu != VAL_FALSE) pc += *pc; else pc++; NEXT;
    CASE(BRANCHIFNOT) : if (accu == VAL_FALSE) pc += *pc; else pc++; NEXT;
    CASE(SWITCH) : {
      uint32_t sizes = (uint32_t)*pc++;
      if (is_block(accu)) {
        if (UC_ILL_TYPED(tag_val(accu) >= (sizes >> 16))) goto ill_typed_match;
        pc += pc[(sizes & 0xFFFF) + tag_val(accu)];
      } else {
        if (UC_ILL_TYPED((uintnat)long_val(accu) >= (sizes & 0xFFFF))) goto ill_typed_match;
        pc += pc[long_val(accu)];
      }
      NEXT;
    }
    CASE(BOOLNOT) : accu = accu == VAL_FALSE ? VAL_TRUE : VAL_FALSE; NEXT;

    /* Exceptions */
    CASE(PUSHTRAP) :
      sp -= 4;
      sp[0] = (value)(pc + *pc);
      sp[1] = MAKE_TRAP_LINK(trap_sp);
      sp[2] = env;
      sp[3] = val_long(extra_args);
      trap_sp = sp;
      pc++;
      NEXT;
    CASE(POPTRAP) :
      if (uc_pending_actions) {
        pc--;   /* come back here once the finalisers have run */
        goto pending_actions;
      }
      /* the innermost handler: code that pops other slots as a trap frame
       * could make a later raise jump anywhere */
      if (UC_ILL_TYPED(sp != trap_sp)) goto corrupt_trap;
      trap_sp = TRAP_LINK(sp);
      sp += 4;
      NEXT;
    CASE(RAISE_NOTRACE) : goto raise_notrace;
    CASE(RERAISE) :
      if (uc_backtrace_active) uc_backtrace_record_raise(accu, pc - 1, sp, trap_sp, 1);
      goto raise_notrace;
    CASE(RAISE) :
      if (uc_backtrace_active) uc_backtrace_record_raise(accu, pc - 1, sp, trap_sp, 0);
    raise_notrace:
      if (trap_sp >= boundary) {
        uc_stack_sp = boundary;
        return make_exception_result(accu);
      }
      /* a handler popped without POPTRAP (its function returned) */
      if (UC_ILL_TYPED(trap_sp < sp ||
                       (uintnat)((code_t)trap_sp[0] - uc_prog.code) >= uc_prog.code_words))
        goto corrupt_trap;
      sp = trap_sp;
      pc = (code_t)sp[0];
      trap_sp = TRAP_LINK(sp);
      env = sp[2];
      extra_args = long_val(sp[3]);
      sp += 4;
      NEXT;

    check_stack:
      if (sp < stack_threshold) goto stack_overflow;
      if (!uc_pending_actions) NEXT;
      /* fall through */
    pending_actions:
      SAVE_FOR_GC;
      uc_run_pending_finalisers();
      RESTORE_AFTER_GC;
      NEXT;
    CASE(CHECK_SIGNALS) :
      if (uc_pending_actions) goto pending_actions;
      NEXT;

    /* Primitives */
    CASE(C_CALL1) :
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(accu);
      RESTORE_C_CALL;
      pc++;
      NEXT;
    CASE(C_CALL2) :
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(accu, sp[2]);
      RESTORE_C_CALL;
      sp += 1;
      pc++;
      NEXT;
    CASE(C_CALL3) :
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(accu, sp[2], sp[3]);
      RESTORE_C_CALL;
      sp += 2;
      pc++;
      NEXT;
    CASE(C_CALL4) :
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(accu, sp[2], sp[3], sp[4]);
      RESTORE_C_CALL;
      sp += 3;
      pc++;
      NEXT;
    CASE(C_CALL5) :
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(accu, sp[2], sp[3], sp[4], sp[5]);
      RESTORE_C_CALL;
      sp += 4;
      pc++;
      NEXT;
    CASE(C_CALLN) : {
      int nargs = *pc++;
      *--sp = accu;
      SETUP_C_CALL;
      accu = PRIMITIVE(*pc)(sp + 2, nargs);
      RESTORE_C_CALL;
      sp += nargs;
      pc++;
      NEXT;
    }

    /* Integer constants and arithmetic (OCaml ints wrap: use unsigned) */
    CASE(CONST0) : accu = val_int(0); NEXT;
    CASE(CONST1) : accu = val_int(1); NEXT;
    CASE(CONST2) : accu = val_int(2); NEXT;
    CASE(CONST3) : accu = val_int(3); NEXT;
    CASE(PUSHCONST0) : *--sp = accu; accu = val_int(0); NEXT;
    CASE(PUSHCONST1) : *--sp = accu; accu = val_int(1); NEXT;
    CASE(PUSHCONST2) : *--sp = accu; accu = val_int(2); NEXT;
    CASE(PUSHCONST3) : *--sp = accu; accu = val_int(3); NEXT;
    CASE(PUSHCONSTINT) : *--sp = accu; /* fall through */
    CASE(CONSTINT) : accu = val_long(*pc++); NEXT;
    CASE(NEGINT) : accu = (value)(2 - (uintnat)accu); NEXT;
    CASE(ADDINT) : accu = (value)((uintnat)accu + (uintnat)*sp++ - 1); NEXT;
    CASE(SUBINT) : accu = (value)((uintnat)accu - (uintnat)*sp++ + 1); NEXT;
    CASE(MULINT) :
      accu = val_long((uintnat)long_val(accu) * (uintnat)long_val(*sp++));
      NEXT;
    CASE(DIVINT) : {
      intnat d = long_val(*sp++);
      if (d == 0) {
        SETUP_C_CALL;
        uc_raise_zero_divide();
      }
      intnat n = long_val(accu);
      accu = d == -1 ? val_long(0 - (uintnat)n) : val_long(n / d);
      NEXT;
    }
    CASE(MODINT) : {
      intnat d = long_val(*sp++);
      if (d == 0) {
        SETUP_C_CALL;
        uc_raise_zero_divide();
      }
      accu = d == -1 ? val_long(0) : val_long(long_val(accu) % d);
      NEXT;
    }
    CASE(ANDINT) : accu &= *sp++; NEXT;
    CASE(ORINT) : accu |= *sp++; NEXT;
    CASE(XORINT) : accu = (accu ^ *sp++) | 1; NEXT;
    CASE(LSLINT) :
      accu = (value)((((uintnat)accu - 1) << (long_val(*sp++) & (WORD_BITS - 1))) + 1);
      NEXT;
    CASE(LSRINT) :
      accu = (value)(((uintnat)accu >> (long_val(*sp++) & (WORD_BITS - 1))) | 1);
      NEXT;
    CASE(ASRINT) :
      accu = (value)((accu >> (long_val(*sp++) & (WORD_BITS - 1))) | 1);
      NEXT;
    CASE(EQ) : accu = val_bool(accu == *sp++); NEXT;
    CASE(NEQ) : accu = val_bool(accu != *sp++); NEXT;
    CASE(LTINT) : accu = val_bool(accu < *sp++); NEXT;
    CASE(LEINT) : accu = val_bool(accu <= *sp++); NEXT;
    CASE(GTINT) : accu = val_bool(accu > *sp++); NEXT;
    CASE(GEINT) : accu = val_bool(accu >= *sp++); NEXT;
    CASE(ULTINT) : accu = val_bool((uintnat)accu < (uintnat)*sp++); NEXT;
    CASE(UGEINT) : accu = val_bool((uintnat)accu >= (uintnat)*sp++); NEXT;
    CASE(OFFSETINT) : accu = (value)((uintnat)accu + ((uintnat)(intnat)*pc++ << 1)); NEXT;
    CASE(OFFSETREF) :
      CHECK_FIELD(accu, 0);
      field(accu, 0) = (value)((uintnat)field(accu, 0) + ((uintnat)(intnat)*pc++ << 1));
      accu = VAL_UNIT;
      NEXT;
    CASE(ISINT) : accu = val_long(accu & 1); NEXT;

#define BRANCH_CMP(type, cmp)                                  \
  if ((type)(intnat)pc[0] cmp (type)long_val(accu)) pc += 1 + pc[1]; \
  else pc += 2;                                                \
  NEXT
    CASE(BEQ) : BRANCH_CMP(intnat, ==);
    CASE(BNEQ) : BRANCH_CMP(intnat, !=);
    CASE(BLTINT) : BRANCH_CMP(intnat, <);
    CASE(BLEINT) : BRANCH_CMP(intnat, <=);
    CASE(BGTINT) : BRANCH_CMP(intnat, >);
    CASE(BGEINT) : BRANCH_CMP(intnat, >=);
    CASE(BULTINT) : BRANCH_CMP(uintnat, <);
    CASE(BUGEINT) : BRANCH_CMP(uintnat, >=);
#undef BRANCH_CMP

    /* Objects: methods are looked up by binary search in the class's
     * table; the code is read-only, so there is no inline cache. */
    CASE(GETMETHOD) :
      CHECK_FIELD(sp[0], 0);
      CHECK_FIELD(field(sp[0], 0), int_val(accu));
      accu = field(field(sp[0], 0), int_val(accu));
      NEXT;
    CASE(GETPUBMET) :
      *--sp = accu;
      accu = val_int(*pc);
      pc += 2;
      goto lookup_method;
    CASE(GETDYNMET) :
    lookup_method : {
      CHECK_FIELD(sp[0], 0);
      value meths = field(sp[0], 0);
      /* the search reads the table up to its first field's index */
      if (UC_ILL_TYPED(!is_block(meths) || field_outside(meths, 0) ||
                       (uintnat)field(meths, 0) >= wosize_val(meths)))
        goto ill_typed_field;
      intnat lo = 3, hi = field(meths, 0);   /* tagged 2n+1: the last label's index */
      while (lo < hi) {
        intnat mid = ((lo + hi) >> 1) | 1;
        if (accu < field(meths, mid)) hi = mid - 2;
        else lo = mid;
      }
      accu = field(meths, lo - 1);
      NEXT;
    }

    CASE(STOP) :
      uc_stack_sp = sp;
      return accu;
    CASE(EVENT) : CASE(BREAK) :
      uc_stack_sp = sp;
      uc_fatal("debugger instructions (EVENT/BREAK) are not supported");

#if !COMPUTED_GOTO
    default:
      uc_fatal("bad opcode %ld", (long)pc[-1]);
#endif
  }

ill_typed_call:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: applied but not a function");
ill_typed_field:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: field access outside a block");
ill_typed_match:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: matched but outside its type");
ill_typed_env:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: closure access outside its closure");
ill_typed_byte:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: byte access outside a string");
ill_typed_float:
  SETUP_C_CALL;
  uc_invalid_argument("ill-typed value: not a float");
corrupt_trap:   /* no handler to go on with */
  uc_stack_sp = sp;
  uc_fatal("ill-formed program: exception handlers do not match the stack");
stack_overflow:
  uc_stack_sp = sp;
  accu = field(uc_global_data, EXN_STACK_OVERFLOW);
  if (uc_backtrace_active) uc_backtrace_record_raise(accu, NULL, sp, trap_sp, 0);
  goto raise_notrace;
}

value uc_interpret(code_t pc, int is_toplevel) {
  struct uc_catch c;
  c.prev = uc_catch_top;
  c.local_roots = uc_local_roots;
  value *boundary = is_toplevel ? uc_stack_high : uc_stack_sp;
  uc_catch_top = &c;
  int raised = setjmp(c.buf);
  if (raised) uc_catch_top = &c;
  value res = run(pc, boundary, raised);
  uc_catch_top = c.prev;
  return res;
}

/* ---- callbacks from C ---- */
#define CALLBACK_CODE(n) {OP_ACC, (n) + 3, OP_APPLY, (n), OP_POP, 1, OP_STOP}
#define CALLBACK_MAX_ARGS 5
static const int32_t callback_code[CALLBACK_MAX_ARGS + 1][7] = {
    CALLBACK_CODE(0), CALLBACK_CODE(1), CALLBACK_CODE(2),
    CALLBACK_CODE(3), CALLBACK_CODE(4), CALLBACK_CODE(5),
};
#if UC_THREADED_CODE
static int32_t threaded_callback_code[CALLBACK_MAX_ARGS + 1][7];
#define CALLBACK_ENTRY(n) ((code_t)threaded_callback_code[n])
#else
#define CALLBACK_ENTRY(n) ((code_t)callback_code[n])
#endif

#if UC_THREADED_CODE
/* Copies code, replacing each opcode by its handler's offset. */
static void translate(const int32_t *from, int32_t *to, size_t len) {
  size_t at = 0;
  while (at < len) {
    size_t n = uc_instr_length(from, at, len);
    to[at] = handler_offset[from[at]];
    for (size_t i = 1; i < n; i++) to[at + i] = from[at + i];
    at += n;
  }
}
#endif

int uc_thread_code(void) {
#if UC_THREADED_CODE
  run(NULL, NULL, 0);
  for (int n = 0; n <= CALLBACK_MAX_ARGS; n++) translate(callback_code[n], threaded_callback_code[n], 7);
  int32_t *copy = port_alloc(uc_prog.code_words * sizeof(int32_t));
  if (copy == NULL) return 0;
  translate(uc_prog.code_section, copy, uc_prog.code_words);
  uc_prog.code = copy;
#endif
  return 1;
}

value uc_callbackN_exn(value closure, int narg, value args[]) {
  if (narg < 1 || narg > CALLBACK_MAX_ARGS) uc_fatal("callback with %d arguments", narg);
  value *sp = uc_stack_sp;
  if (sp - (narg + 4) < stack_threshold) uc_raise_stack_overflow();
  sp -= narg + 4;
  for (int i = 0; i < narg; i++) sp[i] = args[i];
  sp[narg] = (value)(CALLBACK_ENTRY(narg) + 4);   /* return to POP 1; STOP */
  sp[narg + 1] = atom(0);
  sp[narg + 2] = val_long(0);
  sp[narg + 3] = closure;
  uc_stack_sp = sp;
  value res = uc_interpret(CALLBACK_ENTRY(narg), 0);
  /* Pop the frame we pushed, whether the call returned or raised. */
  uc_stack_sp = sp + narg + 4;
  return res;
}

value uc_callback_exn(value closure, value arg) { return uc_callbackN_exn(closure, 1, &arg); }

value uc_callbackN(value closure, int narg, value args[]) {
  value res = uc_callbackN_exn(closure, narg, args);
  if (is_exception_result(res)) uc_raise(extract_exception(res));
  return res;
}
value uc_callback(value closure, value arg) { return uc_callbackN(closure, 1, &arg); }
value uc_callback2(value closure, value a1, value a2) {
  value args[2] = {a1, a2};
  return uc_callbackN(closure, 2, args);
}
