/* interp.h: the interpreter's entry points and exception frames. */
#ifndef UC_INTERP_H
#define UC_INTERP_H

#include <setjmp.h>
#include "prim.h"

/* A C-level catch point: uc_raise longjmps to the innermost one. */
struct uc_catch {
  jmp_buf buf;
  struct uc_catch *prev;
  struct uc_roots *local_roots;
};
extern struct uc_catch *uc_catch_top;
extern value uc_exn_bucket;   /* the exception being raised */

/* The loaded program. */
struct uc_program {
  code_t code;             /* what runs: the CODE section, or its threaded copy */
  code_t code_section;     /* the CODE section as read from the image */
  size_t code_words;
  uc_prim *prims;          /* indexed by primitive number */
  const char **prim_names;
  size_t nprims;
  const unsigned char *debug_info;   /* DBUG section, or NULL */
  size_t debug_info_len;
  const unsigned char *image;
  size_t image_len;
};
extern struct uc_program uc_prog;

/* Threaded code (host speed mode, UC_THREADED_CODE): a copy of the code
 * where each opcode is replaced by the offset of its handler, saving a
 * table lookup per instruction.  Returns 0 if it could not be made. */
int uc_thread_code(void);

/* Runs code from pc (the program's start when from toplevel). */
value uc_interpret(code_t pc, int is_toplevel);
int uc_interp_init(size_t stack_words);
/* Room for frames of frame_words words between stack checks, kept below
 * the overflow threshold; called before uc_interp_init.  0 if absurd. */
int uc_interp_reserve(size_t frame_words);

/* Parsing.set_trace, set from OCAMLRUNPARAM=p at start-up. */
extern int uc_parser_trace;

/* Backtrace support */
extern int uc_backtrace_active;
/* Called on RAISE/RERAISE (pc of the instruction) and on exceptions raised
 * by primitives: records the raise point and the return addresses on the
 * stack up to the handler. */
void uc_backtrace_record_raise(value exn, code_t pc, value *sp, value *trap_sp, int reraise);
void uc_backtrace_record_c_raise(value exn);
value *uc_trap_sp(void);
int uc_is_code_pointer(value v);

#endif
