/* prim_str.c: the primitives of OCaml's Str library (str.cma).
 *
 * Str.regexp compiles a regular expression (in OCaml, str.ml) into a record
 *   { prog : int array; cpool : string array; normtable : string;
 *     numgroups : int; numregisters : int; startchars : int }
 * whose program is a list of instructions `opcode lor (argument lsl 8)`.
 * This file runs that program by backtracking, trying alternatives in the
 * same order as the stock runtime so that every match, and every group
 * position, is the one ocamlrun gives.
 *
 * The record may be forged (Obj.magic, Marshal), so each primitive checks
 * it in full before running it: indices into the constant pool, groups and
 * registers, jump targets, and that every loop of the program records a
 * backtracking point (a loop without one could spin for ever).  The
 * backtracking stack is explicit, grows in scratch memory, and is bounded by
 * half the heap limit: beyond that, or when memory runs out, the match
 * raises Out_of_memory.  Matching works on offsets and allocates nothing
 * from the heap, so the byte pointers it holds stay valid while it runs. */
#include "prim.h"
#include "gc_internal.h"
#include <stdio.h>

enum str_op {
  OP_CHAR, OP_CHARNORM, OP_STRING, OP_STRINGNORM, OP_CHARCLASS,
  OP_BOL, OP_EOL, OP_WORDBOUNDARY, OP_BEGGROUP, OP_ENDGROUP, OP_REFGROUP,
  OP_ACCEPT, OP_SIMPLEOPT, OP_SIMPLESTAR, OP_SIMPLEPLUS, OP_GOTO,
  OP_PUSHBACK, OP_SETMARK, OP_CHECKPROGRESS, OP_COUNT
};

#define OPCODE(instr) ((unsigned)((instr) & 0xFF))
#define ARG(instr) ((uintnat)(instr) >> 8)
#define SIGNED_ARG(instr) ((instr) >> 8)   /* arithmetic shift */
#define CHARSET_BYTES 32                   /* a set of bytes, one bit each */
#define TABLE_BYTES 256                    /* one byte per byte value */
#define MAX_REGISTERS 64                   /* str.ml allocates at most 64 */

/* A compiled regexp once checked, read in place. */
struct regex {
  const value *prog;
  mlsize_t len;
  value cpool;
  const unsigned char *norm;        /* case folding table (CHARNORM...) */
  mlsize_t ngroups, nregs;
  const unsigned char *startchars;  /* 256 flags, or NULL: any byte */
};

/* A backtracking stack entry: a point to resume at (where >= 0: pc `where`,
 * text offset `old`) or a slot to restore (where < 0: slot -1-where held
 * `old`). */
struct backtrack {
  intnat where, old;
};

enum outcome { MATCHED, FAILED, NO_MEMORY };

#define LOCAL_SLOTS 32
#define LOCAL_STACK 64

struct matcher {
  struct regex re;
  const unsigned char *text;
  intnat len;
  /* Group g starts at slot 2g and ends at 2g+1; registers follow.  An
   * offset, or -1 for none. */
  intnat *slots;
  struct backtrack *stack;
  size_t depth, cap, max_entries;
  intnat local_slots[LOCAL_SLOTS];
  struct backtrack local_stack[LOCAL_STACK];
};

/* ---- checking a compiled regexp ---- */

static int is_string(value v) {
  return is_block(v) && tag_val(v) == STRING_TAG;
}

static int is_int_field(value record, mlsize_t i) {
  return is_long(field(record, i));
}

/* The string at `index` of the constant pool if it has at least `bytes`
 * bytes, else NULL. */
static const unsigned char *pool_bytes(value cpool, uintnat index, mlsize_t bytes) {
  if (index >= wosize_val(cpool)) return NULL;
  value s = field(cpool, index);
  if (!is_string(s) || string_length(s) < bytes) return NULL;
  return bytes_ptr(s);
}

/* The record's shape and counts (before anything is allocated). */
static const char *check_record(value re, struct regex *r) {
  if (!is_block(re) || tag_val(re) != 0 || wosize_val(re) < 6) return "not a compiled regexp";
  value prog = field(re, 0), cpool = field(re, 1), norm = field(re, 2);
  if (!is_block(prog) || tag_val(prog) != 0 || wosize_val(prog) == 0) return "bad program";
  if (!is_block(cpool) || tag_val(cpool) != 0) return "bad constant pool";
  if (!is_string(norm)) return "bad case folding table";
  if (!is_int_field(re, 3) || !is_int_field(re, 4) || !is_int_field(re, 5)) return "bad counts";
  intnat ngroups = long_val(field(re, 3)), nregs = long_val(field(re, 4));
  if (ngroups < 1 || (uintnat)ngroups > MAX_WOSIZE / 2) return "bad number of groups";
  if (nregs < 0 || nregs > MAX_REGISTERS) return "bad number of registers";
  r->prog = (const value *)prog;
  r->len = wosize_val(prog);
  r->cpool = cpool;
  r->norm = string_length(norm) >= TABLE_BYTES ? bytes_ptr(norm) : NULL;
  r->ngroups = (mlsize_t)ngroups;
  r->nregs = (mlsize_t)nregs;
  intnat start = long_val(field(re, 5));
  r->startchars = NULL;
  if (start != -1) {
    r->startchars = pool_bytes(cpool, (uintnat)start, TABLE_BYTES);
    if (r->startchars == NULL) return "bad start characters";
  }
  return NULL;
}

/* Whether the pc after instruction i plus `displacement` is an instruction. */
static int jump_ok(const struct regex *r, mlsize_t i, intnat displacement) {
  intnat target = (intnat)i + 1 + displacement;
  return target >= 0 && (mlsize_t)target < r->len;
}

static const char *check_instruction(const struct regex *r, mlsize_t i) {
  value v = r->prog[i];
  if (!is_long(v)) return "program holds a non-integer";
  intnat instr = long_val(v);
  uintnat arg = ARG(instr);
  switch (OPCODE(instr)) {
    case OP_CHAR: case OP_BOL: case OP_EOL: case OP_WORDBOUNDARY: case OP_ACCEPT:
      return NULL;
    case OP_CHARNORM:
      return r->norm != NULL ? NULL : "case folding without a table";
    case OP_STRINGNORM:
      if (r->norm == NULL) return "case folding without a table";
      /* fall through */
    case OP_STRING:
      return pool_bytes(r->cpool, arg, 0) != NULL ? NULL : "bad string index";
    case OP_CHARCLASS: case OP_SIMPLEOPT: case OP_SIMPLESTAR: case OP_SIMPLEPLUS:
      return pool_bytes(r->cpool, arg, CHARSET_BYTES) != NULL ? NULL : "bad character set index";
    case OP_BEGGROUP: case OP_ENDGROUP: case OP_REFGROUP:
      return arg < r->ngroups ? NULL : "bad group number";
    case OP_SETMARK: case OP_CHECKPROGRESS:
      return arg < r->nregs ? NULL : "bad register number";
    case OP_GOTO: case OP_PUSHBACK:
      return jump_ok(r, i, SIGNED_ARG(instr)) ? NULL : "jump outside the program";
    default:
      return "unknown instruction";
  }
}

static int pushes(unsigned op) {
  return op == OP_PUSHBACK || op == OP_SETMARK || op == OP_BEGGROUP || op == OP_ENDGROUP;
}

/* Where control goes from instruction i without pushing an entry; -1 when
 * it stops there (ACCEPT) or pushes (which the stack's bound limits). */
static intnat next_without_push(const struct regex *r, mlsize_t i) {
  intnat instr = long_val(r->prog[i]);
  unsigned op = OPCODE(instr);
  if (op == OP_ACCEPT || pushes(op)) return -1;
  return (intnat)i + 1 + (op == OP_GOTO ? SIGNED_ARG(instr) : 0);
}

/* Every cycle of the program must push: each instruction has at most one
 * successor that does not, so following successors from each instruction,
 * marking the path (1) and then what is known to end (2), finds any cycle in
 * linear time.  `mark` has r->len zeroed bytes. */
static int loops_push(const struct regex *r, unsigned char *mark) {
  for (mlsize_t i = 0; i < r->len; i++) {
    intnat j = (intnat)i;
    while (j >= 0 && mark[j] == 0) {
      mark[j] = 1;
      j = next_without_push(r, (mlsize_t)j);
    }
    if (j >= 0 && mark[j] == 1) return 0;
    for (j = (intnat)i; j >= 0 && mark[j] == 1; j = next_without_push(r, (mlsize_t)j)) mark[j] = 2;
  }
  return 1;
}

static const char *check_program(const struct regex *r, unsigned char *mark) {
  for (mlsize_t i = 0; i < r->len; i++) {
    const char *err = check_instruction(r, i);
    if (err != NULL) return err;
  }
  /* Only ACCEPT and GOTO do not go on to the next instruction. */
  unsigned last = OPCODE(long_val(r->prog[r->len - 1]));
  if (last != OP_ACCEPT && last != OP_GOTO) return "program runs past its end";
  return loops_push(r, mark) ? NULL : "a loop that never backtracks";
}

/* ---- the matcher's memory ---- */

static void matcher_free(struct matcher *m) {
  if (m->slots != m->local_slots) uc_scratch_free(m->slots);
  if (m->stack != m->local_stack) uc_scratch_free(m->stack);
}

noreturn static void malformed(const char *why) {
  char msg[120];
  snprintf(msg, sizeof msg, "Str: malformed compiled regexp (%s)", why);
  uc_invalid_argument(msg);
}

/* Checks the program with the slots' memory as scratch (it is larger). */
static void matcher_check(struct matcher *m) {
  memset(m->slots, 0, m->re.len);
  const char *err = check_program(&m->re, (unsigned char *)m->slots);
  if (err != NULL) {
    matcher_free(m);
    malformed(err);
  }
}

/* Sets up m for regexp `re` on string `str`, checking `re` again: the
 * allocation of the result may have moved it. */
static void matcher_open(struct matcher *m, value re, value str) {
  const char *err = check_record(re, &m->re);
  if (err != NULL) malformed(err);
  m->text = bytes_ptr(str);
  m->len = (intnat)string_length(str);
  size_t nslots = 2 * m->re.ngroups + m->re.nregs;
  size_t bytes = nslots * sizeof(intnat);
  if (bytes < m->re.len) bytes = m->re.len;
  m->slots = bytes <= sizeof m->local_slots ? m->local_slots : uc_scratch_alloc(bytes);
  if (m->slots == NULL) uc_raise_out_of_memory();
  m->stack = m->local_stack;
  m->cap = LOCAL_STACK;
  m->depth = 0;
  m->max_entries = 0;
  matcher_check(m);
}

/* The most entries the stack may hold: half the heap limit. */
static size_t stack_limit(void) {
  struct uc_gc_stats s;
  uc_gc_stats(&s, 0);
  return s.heap_limit_bytes / 2 / sizeof(struct backtrack);
}

static int grow_stack(struct matcher *m) {
  if (m->max_entries == 0) m->max_entries = stack_limit();
  if (m->cap >= m->max_entries) return 0;
  size_t cap = m->cap * 2 < m->max_entries ? m->cap * 2 : m->max_entries;
  struct backtrack *s;
  if (m->stack == m->local_stack) {
    s = uc_scratch_alloc(cap * sizeof *s);
    if (s != NULL) memcpy(s, m->local_stack, sizeof m->local_stack);
  } else {
    s = uc_scratch_realloc(m->stack, m->cap * sizeof *s, cap * sizeof *s);
  }
  if (s == NULL) return 0;
  m->stack = s;
  m->cap = cap;
  return 1;
}

static inline int push(struct matcher *m, intnat where, intnat old) {
  if (m->depth == m->cap && !grow_stack(m)) return 0;
  m->stack[m->depth].where = where;
  m->stack[m->depth].old = old;
  m->depth++;
  return 1;
}

/* Sets a slot, remembering its old value for backtracking. */
static inline int set_slot(struct matcher *m, mlsize_t slot, intnat offset) {
  if (!push(m, -1 - (intnat)slot, m->slots[slot])) return 0;
  m->slots[slot] = offset;
  return 1;
}

/* Undoes slots up to the latest point to resume at; 0 if there is none. */
static int backtrack(struct matcher *m, mlsize_t *pc, intnat *t) {
  while (m->depth > 0) {
    struct backtrack *b = &m->stack[--m->depth];
    if (b->where >= 0) {
      *pc = (mlsize_t)b->where;
      *t = b->old;
      return 1;
    }
    m->slots[-1 - b->where] = b->old;
  }
  return 0;
}

/* ---- matching ---- */

static int in_set(const unsigned char *set, unsigned c) {
  return (set[c >> 3] >> (c & 7)) & 1;
}

/* Letters, digits, underscore and Latin-1 letters (not the signs x and /). */
static int is_word_byte(unsigned c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         c == '_' || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
}

static const unsigned char *pool_string(const struct matcher *m, uintnat index) {
  return bytes_ptr(field(m->re.cpool, index));
}

/* What one instruction leads to. */
enum step {
  STEP_END = -1,     /* the text ended: a match for a partial match, else fail */
  STEP_FAIL = 0,     /* backtrack */
  STEP_NEXT = 1,     /* go on */
  STEP_ACCEPT = 2,
  STEP_NO_MEMORY = 3
};

static enum step test(int holds) {
  return holds ? STEP_NEXT : STEP_FAIL;
}

static enum step pushed(int ok) {
  return ok ? STEP_NEXT : STEP_NO_MEMORY;
}

/* Matches a pool string (up to its first NUL, as the stock runtime reads
 * it) at *t, through the folding table if `norm`. */
static enum step match_literal(const struct matcher *m, uintnat index, const unsigned char *norm,
                         intnat *t) {
  value s = field(m->re.cpool, index);
  const unsigned char *p = bytes_ptr(s);
  mlsize_t n = string_length(s);
  for (mlsize_t i = 0; i < n && p[i] != 0; i++) {
    if (*t == m->len) return STEP_END;
    unsigned c = m->text[*t];
    if (p[i] != (norm != NULL ? norm[c] : c)) return STEP_FAIL;
    (*t)++;
  }
  return STEP_NEXT;
}

/* Matches the text of group g again at *t (fails if it is unset). */
static enum step match_group_again(const struct matcher *m, uintnat g, intnat *t) {
  intnat start = m->slots[2 * g], end = m->slots[2 * g + 1];
  if (start < 0 || end < 0) return STEP_FAIL;
  for (intnat i = start; i < end; i++) {
    if (*t == m->len) return STEP_END;
    if (m->text[i] != m->text[*t]) return STEP_FAIL;
    (*t)++;
  }
  return STEP_NEXT;
}

/* Whether a word starts or ends at t; STEP_END in an empty text. */
static enum step word_boundary(const struct matcher *m, intnat t) {
  if (t == 0) return t == m->len ? STEP_END : test(is_word_byte(m->text[0]));
  if (t == m->len) return test(is_word_byte(m->text[t - 1]));
  return test(is_word_byte(m->text[t - 1]) != is_word_byte(m->text[t]));
}

static void reset_slots(struct matcher *m, intnat start) {
  size_t nslots = 2 * m->re.ngroups + m->re.nregs;
  for (size_t i = 2; i < nslots; i++) m->slots[i] = -1;
  m->slots[0] = start;
  m->depth = 0;
}

/* Runs the instruction at *pc, advancing *pc and *t. */
static enum step step(struct matcher *m, mlsize_t *pc, intnat *t) {
  intnat instr = long_val(m->re.prog[(*pc)++]);
  uintnat arg = ARG(instr);
  const unsigned char *text = m->text;
  switch (OPCODE(instr)) {
    case OP_CHAR:
    case OP_CHARNORM: {
      if (*t == m->len) return STEP_END;
      unsigned c = text[*t];
      if (OPCODE(instr) == OP_CHARNORM) c = m->re.norm[c];
      if (c != arg) return STEP_FAIL;
      (*t)++;
      return STEP_NEXT;
    }
    case OP_STRING: return match_literal(m, arg, NULL, t);
    case OP_STRINGNORM: return match_literal(m, arg, m->re.norm, t);
    case OP_CHARCLASS:
      if (*t == m->len) return STEP_END;
      if (!in_set(pool_string(m, arg), text[*t])) return STEP_FAIL;
      (*t)++;
      return STEP_NEXT;
    case OP_BOL: return test(*t == 0 || text[*t - 1] == '\n');
    case OP_EOL: return test(*t == m->len || text[*t] == '\n');
    case OP_WORDBOUNDARY: return word_boundary(m, *t);
    case OP_BEGGROUP: return pushed(set_slot(m, 2 * arg, *t));
    case OP_ENDGROUP: return pushed(set_slot(m, 2 * arg + 1, *t));
    case OP_REFGROUP: return match_group_again(m, arg, t);
    case OP_ACCEPT: return STEP_ACCEPT;
    case OP_SIMPLEOPT:
      if (*t < m->len && in_set(pool_string(m, arg), text[*t])) (*t)++;
      return STEP_NEXT;
    case OP_SIMPLEPLUS:
      if (*t == m->len) return STEP_END;
      if (!in_set(pool_string(m, arg), text[*t])) return STEP_FAIL;
      /* fall through */
    case OP_SIMPLESTAR: {
      const unsigned char *set = pool_string(m, arg);
      while (*t < m->len && in_set(set, text[*t])) (*t)++;
      return STEP_NEXT;
    }
    case OP_GOTO: *pc += (mlsize_t)SIGNED_ARG(instr); return STEP_NEXT;
    case OP_PUSHBACK: return pushed(push(m, (intnat)*pc + SIGNED_ARG(instr), *t));
    case OP_SETMARK: return pushed(set_slot(m, 2 * m->re.ngroups + arg, *t));
    /* A repetition of what matched empty text fails. */
    case OP_CHECKPROGRESS: return test(m->slots[2 * m->re.ngroups + arg] != *t);
    default: return STEP_FAIL;   /* excluded by check_instruction */
  }
}

/* Runs the program from text offset `start`; on a match, the slots hold the
 * groups (group 0 is the whole match).  With `partial`, reaching the end of
 * the text counts as a match. */
static enum outcome run(struct matcher *m, intnat start, int partial) {
  mlsize_t pc = 0;
  intnat t = start;
  reset_slots(m, start);
  for (;;) {
    enum step r = step(m, &pc, &t);
    if (r == STEP_NEXT) continue;
    if (r == STEP_ACCEPT || (r == STEP_END && partial)) {
      m->slots[1] = t;
      return MATCHED;
    }
    if (r == STEP_NO_MEMORY) return NO_MEMORY;
    if (!backtrack(m, &pc, &t)) return FAILED;
  }
}

/* ---- the primitives ---- */

/* Str's result: -1 for both ends of a group that did not match. */
static void fill_groups(value res, const struct matcher *m) {
  for (mlsize_t g = 0; g < m->re.ngroups; g++) {
    intnat start = m->slots[2 * g], end = m->slots[2 * g + 1];
    if (start < 0 || end < 0) start = end = -1;
    field(res, 2 * g) = val_long(start);
    field(res, 2 * g + 1) = val_long(end);
  }
}

static void check_position(value str, value pos, const char *fn) {
  intnat p = long_val(pos);
  if (p < 0 || (mlsize_t)p > string_length(str)) uc_invalid_argument(fn);
}

enum direction { AT_ONLY, PARTIAL_AT, FORWARD, BACKWARD };

/* Tries the start offsets from `pos` in `dir`, skipping those whose byte
 * cannot start a match (the byte after the text counts as NUL). */
static enum outcome search(struct matcher *m, intnat pos, enum direction dir) {
  if (dir == AT_ONLY || dir == PARTIAL_AT) return run(m, pos, dir == PARTIAL_AT);
  const unsigned char *first = m->re.startchars;
  intnat t = pos;
  while (t >= 0 && t <= m->len) {
    if (first != NULL) {
      if (dir == FORWARD)
        while (t < m->len && !first[m->text[t]]) t++;
      else
        while (t > 0 && !first[t < m->len ? m->text[t] : 0]) t--;
    }
    enum outcome o = run(m, t, 0);
    if (o != FAILED) return o;
    t += dir == FORWARD ? 1 : -1;
  }
  return FAILED;
}

/* The result (start and end of each group) is allocated before matching, so
 * that nothing allocates while the matcher holds pointers into the heap. */
static value match_primitive(value re, value str, value pos, enum direction dir, const char *fn) {
  check_position(str, pos, fn);
  struct matcher m;
  const char *err = check_record(re, &m.re);
  if (err != NULL) malformed(err);
  UC_ROOTS2(re, str);
  value res = uc_alloc(2 * m.re.ngroups, 0);
  matcher_open(&m, re, str);
  enum outcome o = search(&m, long_val(pos), dir);
  if (o == MATCHED) fill_groups(res, &m);
  matcher_free(&m);
  UC_UNROOT();
  if (o == NO_MEMORY) uc_raise_out_of_memory();
  return o == MATCHED ? res : atom(0);
}

PRIM value re_string_match(value re, value str, value pos) {
  return match_primitive(re, str, pos, AT_ONLY, "Str.string_match");
}

PRIM value re_partial_match(value re, value str, value pos) {
  return match_primitive(re, str, pos, PARTIAL_AT, "Str.string_partial_match");
}

PRIM value re_search_forward(value re, value str, value pos) {
  return match_primitive(re, str, pos, FORWARD, "Str.search_forward");
}

PRIM value re_search_backward(value re, value str, value pos) {
  return match_primitive(re, str, pos, BACKWARD, "Str.search_backward");
}

/* ---- replacement text: \0..\9 name groups, \\ a backslash ---- */

/* Offsets of group g in `groups` (as the match functions return them),
 * checked against the text of `orig_len` bytes. */
static void group_span(value groups, int g, mlsize_t orig_len, mlsize_t *start, mlsize_t *end) {
  mlsize_t i = 2 * (mlsize_t)g;
  if (!is_block(groups) || i >= wosize_val(groups))
    uc_failwith("Str.replace: reference to unmatched group");
  if (i + 1 >= wosize_val(groups)) uc_invalid_argument("Str.replace: malformed match result");
  value s = field(groups, i), e = field(groups, i + 1);
  if (!is_long(s) || !is_long(e)) uc_invalid_argument("Str.replace: malformed match result");
  if (long_val(s) == -1) uc_failwith("Str.replace: reference to unmatched group");
  if (long_val(s) < 0 || long_val(e) < long_val(s) || (mlsize_t)long_val(e) > orig_len)
    uc_invalid_argument("Str.replace: group outside the matched string");
  *start = (mlsize_t)long_val(s);
  *end = (mlsize_t)long_val(e);
}

/* Length of the replacement (checking it), or writes it to `out`. */
static mlsize_t expand_replacement(value repl, value groups, value orig, unsigned char *out) {
  const unsigned char *p = bytes_ptr(repl);
  mlsize_t n = string_length(repl), len = 0, orig_len = string_length(orig);
  for (mlsize_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c != '\\') {
      if (out) out[len] = c;
      len++;
      continue;
    }
    if (++i == n) uc_failwith("Str.replace: illegal backslash sequence");
    c = p[i];
    if (c >= '0' && c <= '9') {
      mlsize_t start, end;
      group_span(groups, c - '0', orig_len, &start, &end);
      if (out) memcpy(out + len, bytes_ptr(orig) + start, end - start);
      len += end - start;
    } else if (c == '\\') {
      if (out) out[len] = '\\';
      len++;
    } else {
      if (out) out[len] = '\\', out[len + 1] = c;
      len += 2;
    }
  }
  return len;
}

PRIM value re_replacement_text(value repl, value groups, value orig) {
  mlsize_t len = expand_replacement(repl, groups, orig, NULL);
  UC_ROOTS3(repl, groups, orig);
  value res = uc_alloc_string(len);
  expand_replacement(repl, groups, orig, bytes_ptr(res));
  UC_RETURN(res);
}
