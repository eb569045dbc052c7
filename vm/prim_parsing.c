/* prim_parsing.c: the pushdown automaton behind ocamlyacc parsers.
 *
 * Parsing.yyparse drives this engine: it returns a command to the OCaml side
 * (read a token, grow the stacks, run a semantic action, ...) which calls it
 * back with the result.  The automaton's registers (sp, state, errflag) live
 * in the parser_env record between calls.  Nothing here allocates. */
#include <stdarg.h>
#include <stdio.h>
#include "prim.h"

/* Field indexes of Parsing.parse_tables (stdlib/parsing.ml). */
enum {
  PT_ACTIONS, PT_TRANSL_CONST, PT_TRANSL_BLOCK, PT_LHS, PT_LEN, PT_DEFRED,
  PT_DGOTO, PT_SINDEX, PT_RINDEX, PT_GINDEX, PT_TABLESIZE, PT_TABLE, PT_CHECK,
  PT_ERROR_FUNCTION, PT_NAMES_CONST, PT_NAMES_BLOCK
};

/* Field indexes of Parsing.parser_env. */
enum {
  PE_S_STACK, PE_V_STACK, PE_SYMB_START_STACK, PE_SYMB_END_STACK,
  PE_STACKSIZE, PE_STACKBASE, PE_CURR_CHAR, PE_LVAL, PE_SYMB_START,
  PE_SYMB_END, PE_ASP, PE_RULE_LEN, PE_RULE_NUMBER, PE_SP, PE_STATE,
  PE_ERRFLAG
};

/* Parsing.parser_input */
enum { IN_START, IN_TOKEN_READ, IN_STACKS_GROWN_1, IN_STACKS_GROWN_2,
       IN_SEMANTIC_ACTION_COMPUTED, IN_ERROR_DETECTED };

/* Parsing.parser_output */
#define OUT_READ_TOKEN val_int(0)
#define OUT_RAISE_PARSE_ERROR val_int(1)
#define OUT_GROW_STACKS_1 val_int(2)
#define OUT_GROW_STACKS_2 val_int(3)
#define OUT_COMPUTE_SEMANTIC_ACTION val_int(4)
#define OUT_CALL_ERROR_FUNCTION val_int(5)

/* The token number of the `error` pseudo-token. */
#define ERROR_TOKEN 256

int uc_parser_trace = 0;   /* OCAMLRUNPARAM=p, Parsing.set_trace */

/* Entry n of a table: a signed 16-bit little-endian number. */
static int entry(value tables, int which, intnat n) {
  const unsigned char *p = bytes_ptr(field(tables, which)) + 2 * n;
  return (int)(int16_t)(uint16_t)(p[0] | (p[1] << 8));
}

/* ---- Trace output (Parsing.set_trace true), in ocamlrun's words ---- */

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...) {
  char buf[160];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof buf) n = sizeof buf - 1;
  port_write(2, buf, (size_t)n);
}

static void trace_text(const char *s) { port_write(2, s, strlen(s)); }

/* The number-th NUL-terminated name of a names table. */
static const char *token_name(value names, int number) {
  const char *p = string_ptr(names);
  for (; number > 0; number--) {
    if (p[0] == 0) return "<unknown token>";
    p += strlen(p) + 1;
  }
  return p;
}

static void trace_token(value tables, int state, value tok) {
  if (is_long(tok)) {
    trace("State %d: read token ", state);
    trace_text(token_name(field(tables, PT_NAMES_CONST), int_val(tok)));
    trace_text("\n");
    return;
  }
  trace("State %d: read token ", state);
  trace_text(token_name(field(tables, PT_NAMES_BLOCK), tag_val(tok)));
  trace_text("(");
  value arg = field(tok, 0);
  if (is_long(arg))
    trace("%ld", (long)long_val(arg));
  else if (tag_val(arg) == STRING_TAG)
    trace_text(string_ptr(arg));
  else if (tag_val(arg) == DOUBLE_TAG)
    trace("%g", double_val(arg));
  else
    trace_text("_");
  trace_text(")\n");
}

/* ---- The automaton ---- */

struct registers {
  intnat sp;
  int state;
  int errflag;
};

static void save(value env, const struct registers *r) {
  field(env, PE_SP) = val_long(r->sp);
  field(env, PE_STATE) = val_int(r->state);
  field(env, PE_ERRFLAG) = val_int(r->errflag);
}

static void restore(value env, struct registers *r) {
  r->sp = long_val(field(env, PE_SP));
  r->state = int_val(field(env, PE_STATE));
  r->errflag = int_val(field(env, PE_ERRFLAG));
}

/* Looks up `key` in the packed table at index base + key: the entry of
 * `table` is valid if `check` there holds `key`.  Returns the index or -1. */
static intnat packed_index(value tables, int base, int key) {
  intnat n = (intnat)base + key;
  if (base != 0 && n >= 0 && n <= long_val(field(tables, PT_TABLESIZE)) &&
      entry(tables, PT_CHECK, n) == key)
    return n;
  return -1;
}

/* Where the engine goes next inside one call. */
enum step { LOOP, TESTSHIFT, RECOVER, SHIFT, SHIFT_RECOVER, PUSH, REDUCE,
            SEMANTIC_ACTION };

static void set_curr_token(value tables, value env, value tok) {
  if (is_block(tok)) {
    field(env, PE_CURR_CHAR) = field(field(tables, PT_TRANSL_BLOCK), tag_val(tok));
    store_field(env, PE_LVAL, field(tok, 0));
  } else {
    field(env, PE_CURR_CHAR) = field(field(tables, PT_TRANSL_CONST), int_val(tok));
    store_field(env, PE_LVAL, val_long(0));
  }
}

/* Error recovery: pop states until one can shift `error`.  Returns the
 * packed index to shift with, or -1 when the stack is exhausted. */
static intnat find_error_shift(value tables, value env, struct registers *r) {
  for (;;) {
    int state1 = int_val(field(field(env, PE_S_STACK), r->sp));
    intnat n = packed_index(tables, entry(tables, PT_SINDEX, state1), ERROR_TOKEN);
    if (n >= 0) {
      if (uc_parser_trace) trace("Recovering in state %d\n", state1);
      return n;
    }
    if (uc_parser_trace) trace("Discarding state %d\n", state1);
    if (r->sp <= long_val(field(env, PE_STACKBASE))) {
      if (uc_parser_trace) trace_text("No more states to discard\n");
      return -1;
    }
    r->sp--;
  }
}

/* Computes the goto state after reducing by rule n; sets r->sp. */
static void reduce_by(value tables, value env, struct registers *r, int n) {
  if (uc_parser_trace) trace("State %d: reduce by rule %d\n", r->state, n);
  int len = entry(tables, PT_LEN, n);
  field(env, PE_ASP) = val_long(r->sp);
  field(env, PE_RULE_NUMBER) = val_int(n);
  field(env, PE_RULE_LEN) = val_int(len);
  r->sp = r->sp - len + 1;
  int lhs = entry(tables, PT_LHS, n);
  int state1 = int_val(field(field(env, PE_S_STACK), r->sp - 1));
  intnat k = packed_index(tables, entry(tables, PT_GINDEX, lhs), state1);
  r->state = k >= 0 ? entry(tables, PT_TABLE, k) : entry(tables, PT_DGOTO, lhs);
}

static void push_state(value env, const struct registers *r) {
  field(field(env, PE_S_STACK), r->sp) = val_int(r->state);
  store_field(field(env, PE_V_STACK), r->sp, field(env, PE_LVAL));
  store_field(field(env, PE_SYMB_START_STACK), r->sp, field(env, PE_SYMB_START));
  store_field(field(env, PE_SYMB_END_STACK), r->sp, field(env, PE_SYMB_END));
}

static void store_action_result(value env, const struct registers *r, value result) {
  field(field(env, PE_S_STACK), r->sp) = val_int(r->state);
  store_field(field(env, PE_V_STACK), r->sp, result);
  intnat asp = long_val(field(env, PE_ASP));
  value end_stack = field(env, PE_SYMB_END_STACK);
  store_field(end_stack, r->sp, field(end_stack, asp));
  /* An empty right-hand side starts where it ends. */
  if (r->sp > asp)
    store_field(field(env, PE_SYMB_START_STACK), r->sp, field(end_stack, asp));
}

/* Runs the automaton from `step` until it needs the OCaml side. */
static value run(value tables, value env, struct registers *r, enum step step) {
  intnat n2 = 0;
  int rule = 0;
  for (;;) {
    switch (step) {
    case LOOP:
      rule = entry(tables, PT_DEFRED, r->state);
      if (rule != 0) { step = REDUCE; break; }
      if (int_val(field(env, PE_CURR_CHAR)) >= 0) { step = TESTSHIFT; break; }
      save(env, r);
      return OUT_READ_TOKEN;
    case TESTSHIFT: {
      int tok = int_val(field(env, PE_CURR_CHAR));
      n2 = packed_index(tables, entry(tables, PT_SINDEX, r->state), tok);
      if (n2 >= 0) { step = SHIFT; break; }
      intnat k = packed_index(tables, entry(tables, PT_RINDEX, r->state), tok);
      if (k >= 0) { rule = entry(tables, PT_TABLE, k); step = REDUCE; break; }
      if (r->errflag > 0) { step = RECOVER; break; }
      save(env, r);
      return OUT_CALL_ERROR_FUNCTION;
    }
    case RECOVER:
      if (r->errflag < 3) {
        r->errflag = 3;
        n2 = find_error_shift(tables, env, r);
        if (n2 < 0) return OUT_RAISE_PARSE_ERROR;
        step = SHIFT_RECOVER;
      } else {
        if (int_val(field(env, PE_CURR_CHAR)) == 0) return OUT_RAISE_PARSE_ERROR;
        if (uc_parser_trace) trace_text("Discarding last token read\n");
        field(env, PE_CURR_CHAR) = val_int(-1);
        step = LOOP;
      }
      break;
    case SHIFT:
      field(env, PE_CURR_CHAR) = val_int(-1);
      if (r->errflag > 0) r->errflag--;
      /* fall through */
    case SHIFT_RECOVER:
      if (uc_parser_trace)
        trace("State %d: shift to state %d\n", r->state, entry(tables, PT_TABLE, n2));
      r->state = entry(tables, PT_TABLE, n2);
      r->sp++;
      if (r->sp < long_val(field(env, PE_STACKSIZE))) { step = PUSH; break; }
      save(env, r);
      return OUT_GROW_STACKS_1;
    case PUSH:
      push_state(env, r);
      step = LOOP;
      break;
    case REDUCE:
      reduce_by(tables, env, r, rule);
      if (r->sp < long_val(field(env, PE_STACKSIZE))) { step = SEMANTIC_ACTION; break; }
      save(env, r);
      return OUT_GROW_STACKS_2;
    case SEMANTIC_ACTION:
      save(env, r);
      return OUT_COMPUTE_SEMANTIC_ACTION;
    default:
      return OUT_RAISE_PARSE_ERROR;
    }
  }
}

PRIM value caml_parse_engine(value tables, value env, value cmd, value arg) {
  struct registers r;
  switch (int_val(cmd)) {
  case IN_START:
    r.state = 0;
    r.sp = long_val(field(env, PE_SP));
    r.errflag = 0;
    return run(tables, env, &r, LOOP);
  case IN_TOKEN_READ:
    restore(env, &r);
    set_curr_token(tables, env, arg);
    if (uc_parser_trace) trace_token(tables, r.state, arg);
    return run(tables, env, &r, TESTSHIFT);
  case IN_ERROR_DETECTED:
    restore(env, &r);
    return run(tables, env, &r, RECOVER);
  case IN_STACKS_GROWN_1:
    restore(env, &r);
    return run(tables, env, &r, PUSH);
  case IN_STACKS_GROWN_2:
    restore(env, &r);
    return run(tables, env, &r, SEMANTIC_ACTION);
  case IN_SEMANTIC_ACTION_COMPUTED:
    restore(env, &r);
    store_action_result(env, &r, arg);
    return run(tables, env, &r, LOOP);
  default:
    return OUT_RAISE_PARSE_ERROR;
  }
}

PRIM value caml_set_parser_trace(value flag) {
  value old = val_bool(uc_parser_trace);
  uc_parser_trace = bool_val(flag);
  return old;
}
