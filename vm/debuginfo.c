/* debuginfo.c: the debug events of the DBUG section.
 *
 * Section layout (written by ocamlc -g): a 32-bit big-endian count of
 * compilation units, then per unit its code offset (32-bit big-endian), the
 * marshalled list of its Instruct.debug_event records and the marshalled
 * list of its source directories.  Event positions are byte offsets in the
 * unit's code.
 *
 * The events carry whole typing environments and are several times larger
 * than the section once unmarshalled, far more than a small heap holds, so
 * they are not unmarshalled: a reader walks the marshalled bytes and picks
 * out the few fields needed.  Values shared within a unit (locations, file
 * names) are marshalled once and referred to by object number afterwards; a
 * small cache keeps the recent ones, and a miss finds the object again by
 * scanning from a checkpoint noted on the way.
 *
 * Only events a backtrace slot can match are kept (see slot_map), each in
 * 20 bytes; names are not copied but point into the section. */
#include <stdlib.h>
#include "debuginfo.h"
#include "interp.h"
#include "marshal.h"
#include "opcodes.h"
#include "port.h"
#include "verify.h"

/* An event of the final table. */
struct event {
  uint32_t pc;     /* code offset in words */
  uint32_t name;   /* index in `names` */
  int32_t line, start, end;
};
/* File and definition names of a run of consecutive events: offsets in
 * the section of marshalled strings (NO_TEXT: not a string). */
struct name_pair {
  uint32_t file, defname;
};
#define NO_TEXT UINT32_MAX

static struct event *events;
static size_t num_events;
static struct name_pair *names;
static size_t num_names;
static int status;

int uc_debuginfo_status(void) { return status; }

size_t uc_debuginfo_table_bytes(void) {
  return num_events * sizeof(struct event) + num_names * sizeof(struct name_pair);
}

/* ---- reading marshalled data ---- */

/* Every CHECKPOINT_EVERY objects, the reader of a unit's events notes
 * where it is, so that finding an object again scans from the checkpoint
 * before it rather than from the start. */
#define CHECKPOINT_EVERY 256
struct checkpoint {
  const unsigned char *p;   /* an item */
  uint32_t nobj;            /* objects numbered before it */
};
struct checkpoints {
  struct checkpoint *at;
  size_t n, cap;
};

struct reader {
  const unsigned char *start, *p, *end;   /* one value's data */
  uint32_t nobj;                          /* objects numbered so far */
  int bad;
  struct checkpoints *ck;                 /* or NULL */
  int record;                             /* adds to ck as it reads */
};

enum { IT_INT, IT_BLOCK, IT_STRING, IT_SHARED, IT_LEAF, IT_INFIX };
struct item {
  int kind;
  intnat n;            /* IT_INT: the integer; IT_SHARED: object number */
  uint64_t size;       /* IT_BLOCK: number of fields */
  uint32_t obj;        /* IT_BLOCK, IT_STRING: own object number */
  const unsigned char *at;   /* IT_STRING: its code byte */
};

static int need(struct reader *r, uint64_t n) {
  if ((uint64_t)(r->end - r->p) >= n) return 1;
  r->bad = 1;
  return 0;
}

static uint64_t take(struct reader *r, int bytes) {
  uint64_t x = 0;
  if (!need(r, (uint64_t)bytes)) return 0;
  for (int i = 0; i < bytes; i++) x = x << 8 | *r->p++;
  return x;
}

static void skip_bytes(struct reader *r, uint64_t n) {
  if (need(r, n)) r->p += n;
}

static void block_item(struct reader *r, struct item *it, uint64_t size) {
  it->kind = IT_BLOCK;
  it->size = size;
  if (size > (uint64_t)(r->end - r->p)) r->bad = 1;   /* a field takes a byte at least */
  if (size > 0) it->obj = r->nobj++;
}

static void string_item(struct reader *r, struct item *it, uint64_t len) {
  it->kind = IT_STRING;
  it->obj = r->nobj++;
  skip_bytes(r, len);
}

static void shared_item(struct reader *r, struct item *it, uint64_t ofs) {
  it->kind = IT_SHARED;
  if (ofs == 0 || ofs > r->nobj) r->bad = 1;
  else it->n = (intnat)(r->nobj - ofs);
}

/* Custom blocks: only the boxed integers can occur in compiler data. */
static void custom_item(struct reader *r, int code) {
  const unsigned char *nul = memchr(r->p, 0, (size_t)(r->end - r->p));
  if (nul == NULL) {
    r->bad = 1;
    return;
  }
  const char *id = (const char *)r->p;
  r->p = nul + 1;
  if (code == CODE_CUSTOM_LEN) skip_bytes(r, 12);
  r->nobj++;
  if (strcmp(id, "_i") == 0) skip_bytes(r, 4);
  else if (strcmp(id, "_j") == 0) skip_bytes(r, 8);
  else if (strcmp(id, "_n") == 0) skip_bytes(r, take(r, 1) == 1 ? 4 : 8);
  else r->bad = 1;
}

static void double_array_item(struct reader *r, uint64_t len) {
  if (len > (uint64_t)(r->end - r->p) / 8) r->bad = 1;
  else skip_bytes(r, len * 8);
  r->nobj++;
}

static void coded_item(struct reader *r, struct item *it, int code) {
  switch (code) {
  case CODE_INT8: it->kind = IT_INT; it->n = (int8_t)take(r, 1); break;
  case CODE_INT16: it->kind = IT_INT; it->n = (int16_t)take(r, 2); break;
  case CODE_INT32: it->kind = IT_INT; it->n = (int32_t)take(r, 4); break;
  case CODE_INT64: it->kind = IT_INT; it->n = (intnat)(int64_t)take(r, 8); break;
  case CODE_SHARED8: shared_item(r, it, take(r, 1)); break;
  case CODE_SHARED16: shared_item(r, it, take(r, 2)); break;
  case CODE_SHARED32: shared_item(r, it, take(r, 4)); break;
  case CODE_SHARED64: shared_item(r, it, take(r, 8)); break;
  case CODE_BLOCK32: block_item(r, it, take(r, 4) >> 10); break;
  case CODE_BLOCK64: block_item(r, it, take(r, 8) >> 10); break;
  case CODE_STRING8: string_item(r, it, take(r, 1)); break;
  case CODE_STRING32: string_item(r, it, take(r, 4)); break;
  case CODE_STRING64: string_item(r, it, take(r, 8)); break;
  case CODE_DOUBLE_BIG: case CODE_DOUBLE_LITTLE: skip_bytes(r, 8); r->nobj++; break;
  case CODE_DOUBLE_ARRAY8_BIG: case CODE_DOUBLE_ARRAY8_LITTLE:
    double_array_item(r, take(r, 1));
    break;
  case CODE_DOUBLE_ARRAY32_BIG: case CODE_DOUBLE_ARRAY32_LITTLE:
    double_array_item(r, take(r, 4));
    break;
  case CODE_DOUBLE_ARRAY64_BIG: case CODE_DOUBLE_ARRAY64_LITTLE:
    double_array_item(r, take(r, 8));
    break;
  case CODE_CODEPOINTER: skip_bytes(r, 20); break;
  case CODE_INFIXPOINTER: it->kind = IT_INFIX; skip_bytes(r, 4); break;
  case CODE_CUSTOM_LEN: case CODE_CUSTOM_FIXED: custom_item(r, code); break;
  default: r->bad = 1; break;
  }
}

static void add_checkpoint(struct reader *r) {
  struct checkpoints *ck = r->ck;
  if (ck->n == ck->cap) {
    size_t cap = ck->cap ? ck->cap * 2 : 64;
    struct checkpoint *grown = port_realloc(ck->at, cap * sizeof *grown);
    if (grown == NULL) {   /* scans will just start further back */
      r->record = 0;
      return;
    }
    ck->at = grown;
    ck->cap = cap;
  }
  ck->at[ck->n++] = (struct checkpoint){r->p, r->nobj};
}

/* Reads one code: a block's fields are the items that follow it. */
static void read_item(struct reader *r, struct item *it) {
  it->kind = IT_LEAF;
  it->n = 0;
  if (!need(r, 1)) return;
  if (r->record && r->nobj >= r->ck->n * CHECKPOINT_EVERY) add_checkpoint(r);
  it->at = r->p;
  int code = *r->p++;
  if (code >= PREFIX_SMALL_BLOCK) block_item(r, it, (uint64_t)(code >> 4) & 7);
  else if (code >= PREFIX_SMALL_INT) {
    it->kind = IT_INT;
    it->n = code & 0x3F;
  } else if (code >= PREFIX_SMALL_STRING) string_item(r, it, (uint64_t)code & 0x1F);
  else coded_item(r, it, code);
}

/* Skips what follows an item already read: its fields, if any. */
static void skip_rest(struct reader *r, const struct item *first) {
  uint64_t pending = first->kind == IT_BLOCK ? first->size : first->kind == IT_INFIX;
  while (pending > 0 && !r->bad) {
    struct item it;
    read_item(r, &it);
    pending--;
    if (it.kind == IT_BLOCK) pending += it.size;
    else if (it.kind == IT_INFIX) pending++;
  }
}

static void skip_value(struct reader *r) {
  struct item it;
  read_item(r, &it);
  skip_rest(r, &it);
}

/* Positions *out on object number obj of r's data, scanning from the last
 * checkpoint before it.  0 if there is no such object. */
static int seek_object(const struct reader *r, uint32_t obj, struct reader *out) {
  *out = *r;
  out->record = 0;
  out->p = out->start;
  out->nobj = 0;
  if (r->ck != NULL) {
    size_t lo = 0, hi = r->ck->n;   /* the last checkpoint with nobj <= obj */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (r->ck->at[mid].nobj <= obj) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) {
      out->p = r->ck->at[lo - 1].p;
      out->nobj = r->ck->at[lo - 1].nobj;
    }
  }
  while (!out->bad && out->nobj <= obj) {
    const unsigned char *at = out->p;
    uint32_t before = out->nobj;
    struct item it;
    read_item(out, &it);
    if (before == obj && out->nobj == obj + 1) {
      out->p = at;
      out->nobj = before;
      return 1;
    }
  }
  return 0;
}

/* ---- which events can be found ---- */

/* A lookup of slot pc takes an event at pc or pc + 1. */
static void mark_slot(uint8_t *map, size_t words, size_t pc) {
  for (size_t at = pc; at <= pc + 1 && at <= words; at++) map[at / 8] |= (uint8_t)(1u << (at % 8));
}

static void mark_instruction(uint8_t *map, const int32_t *code, size_t words, size_t at, size_t len) {
  switch (code[at]) {
  case OP_APPLY1: case OP_APPLY2: case OP_APPLY3:
  case OP_C_CALL1: case OP_C_CALL2: case OP_C_CALL3: case OP_C_CALL4: case OP_C_CALL5:
  case OP_C_CALLN:
    mark_slot(map, words, at + len);   /* the return address */
    break;
  case OP_DIVINT: case OP_MODINT:
    mark_slot(map, words, at + 2);     /* as a C call with pc after the opcode */
    break;
  case OP_RAISE: case OP_RERAISE:
    mark_slot(map, words, at);
    break;
  /* Nursery allocations: memprof's callstacks start at the pc the
   * allocation's slow path saves (after the operands it has read). */
  case OP_MAKEBLOCK1: case OP_MAKEBLOCK2: case OP_MAKEBLOCK3:
  case OP_MAKEFLOATBLOCK: case OP_GETFLOATFIELD: case OP_GRAB: case OP_CLOSURE:
    mark_slot(map, words, at + 2);
    break;
  case OP_MAKEBLOCK: case OP_CLOSUREREC:
    mark_slot(map, words, at + 3);
    break;
  case OP_PUSH_RETADDR: {
    intptr_t target = (intptr_t)(at + 1) + code[at + 1];
    if (target >= 0 && (size_t)target < words) mark_slot(map, words, (size_t)target);
    break;
  }
  default:
    break;
  }
}

/* A bitmap of the code offsets a backtrace slot can match: events
 * elsewhere are never looked up, so are not kept.  Slots are raise
 * instructions and the code pointers the interpreter pushes (return
 * addresses, the pc of C calls): this follows interp.c.  NULL (keep all)
 * if the code cannot be decoded or memory is short. */
static uint8_t *slot_map(void) {
  const int32_t *code = uc_prog.code_section;
  size_t words = uc_prog.code_words;
  uint8_t *map = port_alloc(words / 8 + 1);
  if (map == NULL) return NULL;
  memset(map, 0, words / 8 + 1);
  for (size_t at = 0; at < words;) {
    size_t len = code[at] >= 0 && code[at] < OP_COUNT ? uc_instr_length(code, at, words) : 0;
    if (len == 0 || len > words - at) {
      port_free(map);
      return NULL;
    }
    mark_instruction(map, code, words, at, len);
    at += len;
  }
  return map;
}

static int wanted(const uint8_t *map, uint32_t pc) {
  return map == NULL || (pc <= uc_prog.code_words && (map[pc / 8] >> (pc % 8) & 1));
}

/* ---- the fields of debug events ---- */

struct pos {
  uint32_t file;
  int32_t line, bol, cnum;
};
enum { C_STRING, C_POS, C_LOC };
struct cached {
  uint32_t obj;
  int kind;
  struct pos pos;     /* C_STRING: pos.file only; C_LOC: the start */
  int32_t end_cnum;   /* C_LOC */
};
#define CACHE_SIZE 32

struct raw_event {
  uint32_t pc;
  int32_t line, start, end;
  uint32_t file, defname;
};

struct builder {
  const unsigned char *section;
  struct cached cache[CACHE_SIZE];
  unsigned next;
  struct raw_event *ev;
  size_t count, capacity;
  struct checkpoints ck;
  uint8_t *slots;   /* see slot_map */
};

static void cache_add(struct builder *b, uint32_t obj, int kind, const struct pos *pos,
                      int32_t end_cnum);

/* Entries found again move to the front, so that a unit's file name, used
 * by all its events, stays. */
static const struct cached *cache_find(struct builder *b, uint32_t obj, int kind) {
  for (unsigned i = 0; i < CACHE_SIZE; i++) {
    const struct cached *c = &b->cache[(b->next - 1 - i) % CACHE_SIZE];
    if (c->obj != obj || c->kind != kind) continue;
    if (i >= CACHE_SIZE / 4) {
      struct cached hit = *c;
      cache_add(b, hit.obj, hit.kind, &hit.pos, hit.end_cnum);
      return &b->cache[(b->next - 1) % CACHE_SIZE];
    }
    return c;
  }
  return NULL;
}

/* Object numbers restart with each unit. */
static void cache_clear(struct builder *b) {
  for (unsigned i = 0; i < CACHE_SIZE; i++) b->cache[i].obj = UINT32_MAX;
}

static void cache_add(struct builder *b, uint32_t obj, int kind, const struct pos *pos,
                      int32_t end_cnum) {
  struct cached *c = &b->cache[b->next++ % CACHE_SIZE];
  c->obj = obj;
  c->kind = kind;
  c->pos = *pos;
  c->end_cnum = end_cnum;
}

static intnat read_int(struct reader *r) {
  struct item it;
  read_item(r, &it);
  if (it.kind != IT_INT) r->bad = 1;
  return it.n;
}

/* A string's offset in the section, or NO_TEXT if the value is another. */
static uint32_t read_string(struct builder *b, struct reader *r) {
  struct item it;
  read_item(r, &it);
  if (r->bad) return NO_TEXT;
  struct pos found = {NO_TEXT, 0, 0, 0};
  if (it.kind == IT_SHARED) {
    const struct cached *c = cache_find(b, (uint32_t)it.n, C_STRING);
    if (c != NULL) return c->pos.file;
    struct reader sub;
    if (!seek_object(r, (uint32_t)it.n, &sub)) r->bad = 1;
    else found.file = read_string(b, &sub);
    r->bad |= sub.bad;
    return found.file;
  }
  if (it.kind != IT_STRING) {
    skip_rest(r, &it);
    return NO_TEXT;
  }
  found.file = (uint32_t)(it.at - b->section);
  cache_add(b, it.obj, C_STRING, &found, 0);
  return found.file;
}

/* A Lexing.position record: file name, line, start of line, offset. */
static void read_pos(struct builder *b, struct reader *r, struct pos *out) {
  struct item it;
  read_item(r, &it);
  if (r->bad) return;
  if (it.kind == IT_SHARED) {
    const struct cached *c = cache_find(b, (uint32_t)it.n, C_POS);
    struct reader sub;
    if (c != NULL) *out = c->pos;
    else if (!seek_object(r, (uint32_t)it.n, &sub)) r->bad = 1;
    else read_pos(b, &sub, out);
    if (c == NULL) r->bad |= sub.bad;
    return;
  }
  if (it.kind != IT_BLOCK || it.size < 4) {
    r->bad = 1;
    return;
  }
  out->file = read_string(b, r);
  out->line = (int32_t)read_int(r);
  out->bol = (int32_t)read_int(r);
  out->cnum = (int32_t)read_int(r);
  for (uint64_t i = 4; i < it.size && !r->bad; i++) skip_value(r);
  if (out->file == NO_TEXT) r->bad = 1;
  cache_add(b, it.obj, C_POS, out, 0);
}

/* A Location.t: start and end positions. */
static void read_loc(struct builder *b, struct reader *r, struct pos *start, struct pos *end) {
  struct item it;
  read_item(r, &it);
  if (r->bad) return;
  if (it.kind == IT_SHARED) {
    const struct cached *c = cache_find(b, (uint32_t)it.n, C_LOC);
    struct reader sub;
    if (c != NULL) {
      *start = c->pos;
      end->cnum = c->end_cnum;
    } else if (!seek_object(r, (uint32_t)it.n, &sub)) {
      r->bad = 1;
    } else {
      read_loc(b, &sub, start, end);
      r->bad |= sub.bad;
    }
    return;
  }
  if (it.kind != IT_BLOCK || it.size < 2) {
    r->bad = 1;
    return;
  }
  read_pos(b, r, start);
  read_pos(b, r, end);
  for (uint64_t i = 2; i < it.size && !r->bad; i++) skip_value(r);
  cache_add(b, it.obj, C_LOC, start, end->cnum);
}

/* An Instruct.debug_event: ev_pos, ev_module, ev_loc, ev_kind, ev_defname,
 * then fields not needed here. */
static void read_event(struct builder *b, struct reader *r, uint32_t orig) {
  struct item it;
  read_item(r, &it);
  if (it.kind != IT_BLOCK || it.size < 5) {
    r->bad = 1;
    return;
  }
  struct raw_event ev;
  struct pos start = {0, 0, 0, 0}, end = {0, 0, 0, 0};
  uint64_t offset = (uint64_t)orig + (uint64_t)read_int(r);
  (void)read_string(b, r);   /* ev_module: often shared with ev_defname */
  read_loc(b, r, &start, &end);
  skip_value(r);
  ev.defname = read_string(b, r);
  for (uint64_t i = 5; i < it.size && !r->bad; i++) skip_value(r);
  /* A position that is not an instruction's never matches. */
  ev.pc = offset % 4 == 0 && offset / 4 < UINT32_MAX ? (uint32_t)(offset / 4) : UINT32_MAX;
  ev.file = start.file;
  ev.line = start.line;
  ev.start = start.cnum - start.bol;
  ev.end = end.cnum - start.bol;
  if (!wanted(b->slots, ev.pc)) return;
  if (b->count >= b->capacity) r->bad = 1;
  else b->ev[b->count++] = ev;
}

/* The counting pass: only ev_pos is read. */
static void count_event(struct builder *b, struct reader *r, uint32_t orig) {
  struct item it;
  read_item(r, &it);
  if (it.kind != IT_BLOCK || it.size < 5) {
    r->bad = 1;
    return;
  }
  uint64_t offset = (uint64_t)orig + (uint64_t)read_int(r);
  for (uint64_t i = 1; i < it.size && !r->bad; i++) skip_value(r);
  if (offset % 4 == 0 && offset / 4 < UINT32_MAX && wanted(b->slots, (uint32_t)(offset / 4)))
    b->count++;
}

/* Walks a unit's event list, counting its events or reading them. */
static void read_event_list(struct builder *b, struct reader *r, uint32_t orig, int fill) {
  for (;;) {
    struct item cell;
    read_item(r, &cell);
    if (r->bad || cell.kind == IT_INT) return;   /* [] */
    if (cell.kind != IT_BLOCK || cell.size != 2) {
      r->bad = 1;
      return;
    }
    if (fill) {
      read_event(b, r, orig);
    } else {
      count_event(b, r, orig);
    }
  }
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Sets r on the marshalled value at *p and moves *p past it; 0 if bad. */
static int open_marshalled(const unsigned char **p, const unsigned char *end, struct reader *r) {
  size_t avail = (size_t)(end - *p);
  uint64_t header, len;
  if (avail < MARSHAL_HEADER_SMALL) return 0;
  uint32_t magic = be32(*p);
  if (magic == MARSHAL_MAGIC_SMALL) {
    header = MARSHAL_HEADER_SMALL;
    len = be32(*p + 4);
  } else if (magic == MARSHAL_MAGIC_BIG && avail >= MARSHAL_HEADER_BIG) {
    header = MARSHAL_HEADER_BIG;
    len = (uint64_t)be32(*p + 8) << 32 | be32(*p + 12);
  } else {
    return 0;
  }
  if (len > avail - header) return 0;
  r->start = r->p = *p + header;
  r->end = r->start + len;
  r->nobj = 0;
  r->bad = 0;
  r->ck = NULL;
  r->record = 0;
  *p = r->end;
  return 1;
}

/* One pass over all units; 0 if the section is malformed. */
static int read_units(struct builder *b, int fill) {
  const unsigned char *p = uc_prog.debug_info, *end = p + uc_prog.debug_info_len;
  if (end - p < 4) return 0;
  uint32_t units = be32(p);
  p += 4;
  for (uint32_t i = 0; i < units; i++) {
    struct reader events_r, dirs_r;
    if (end - p < 4) return 0;
    uint32_t orig = be32(p);
    p += 4;
    if (!open_marshalled(&p, end, &events_r)) return 0;
    cache_clear(b);
    b->ck.n = 0;
    events_r.ck = &b->ck;
    events_r.record = fill;
    read_event_list(b, &events_r, orig, fill);
    if (events_r.bad || !open_marshalled(&p, end, &dirs_r)) return 0;
  }
  return 1;
}

/* ---- the sorted table ---- */

static int cmp_u32(uint32_t a, uint32_t b) { return (a > b) - (a < b); }
static int cmp_i32(int32_t a, int32_t b) { return (a > b) - (a < b); }

/* By code offset, then as ocamlrun orders events at the same offset (line,
 * start, end); the names only make the order total. */
static int cmp_raw_event(const void *x, const void *y) {
  const struct raw_event *a = x, *b = y;
  int c = cmp_u32(a->pc, b->pc);
  if (c == 0) c = cmp_i32(a->line, b->line);
  if (c == 0) c = cmp_i32(a->start, b->start);
  if (c == 0) c = cmp_i32(a->end, b->end);
  if (c == 0) c = cmp_u32(a->file, b->file);
  if (c == 0) c = cmp_u32(a->defname, b->defname);
  return c;
}

static int same_location(const struct raw_event *a, const struct raw_event *b) {
  return a->pc == b->pc && a->line == b->line && a->start == b->start && a->end == b->end &&
         a->file == b->file && a->defname == b->defname;
}

static int add_name(size_t *nnames, size_t *cap, uint32_t file, uint32_t defname) {
  if (*nnames > 0 && names[*nnames - 1].file == file && names[*nnames - 1].defname == defname)
    return 1;
  if (*nnames == *cap) {
    size_t grow = *cap ? *cap * 2 : 64;
    struct name_pair *grown = port_realloc(names, grow * sizeof *names);
    if (grown == NULL) return 0;
    names = grown;
    *cap = grow;
  }
  names[(*nnames)++] = (struct name_pair){file, defname};
  return 1;
}

static uint32_t raw_pc(const struct raw_event *raw, size_t i) {
  struct raw_event e;
  memcpy(&e, &raw[i], sizeof e);
  return e.pc;
}

/* Rewrites the sorted raw events in place as the smaller final events, with
 * one name pair per run of events sharing their names.  A lookup takes the
 * last event at an offset or the first at the next one, so events between
 * those two, and repeats, are dropped.  Writing event k never reaches raw
 * event k + 1, but may reach raw event k - 1: its pc is kept aside. */
static int compact(struct raw_event *raw, size_t n) {
  size_t nnames = 0, cap = 0, kept = 0;
  struct raw_event last = {0, 0, 0, 0, 0, 0}, cur;
  uint32_t prev_pc = UINT32_MAX;
  for (size_t i = 0; i < n; i++) {
    memcpy(&cur, &raw[i], sizeof cur);
    int middle = i > 0 && i + 1 < n && prev_pc == cur.pc && raw_pc(raw, i + 1) == cur.pc;
    prev_pc = cur.pc;
    if (middle || (kept > 0 && same_location(&last, &cur))) continue;
    last = cur;
    if (!add_name(&nnames, &cap, cur.file, cur.defname)) return 0;
    struct event e = {cur.pc, (uint32_t)(nnames - 1), cur.line, cur.start, cur.end};
    memcpy((char *)raw + kept++ * sizeof e, &e, sizeof e);
  }
  struct name_pair *fit = port_realloc(names, (nnames ? nnames : 1) * sizeof *names);
  if (fit != NULL) names = fit;
  num_names = nnames;
  events = port_realloc(raw, (kept ? kept : 1) * sizeof(struct event));
  if (events == NULL) events = (struct event *)(void *)raw;
  num_events = kept;
  return 1;
}

static void discard(struct builder *b) {
  port_free(b->ev);
  port_free(names);
  names = NULL;
  events = NULL;
  num_events = num_names = 0;
}

/* Fills the table; 0 if the section is malformed.  Short of memory, the
 * table stays empty: locations are unknown. */
static int build(struct builder *b) {
  if (!read_units(b, 0)) return 0;
  if (b->count == 0) return 1;
  b->capacity = b->count;
  b->count = 0;
  b->ev = port_alloc(b->capacity * sizeof *b->ev);
  if (b->ev == NULL) return 1;
  if (!read_units(b, 1) || b->count != b->capacity) {
    discard(b);
    return 0;
  }
  qsort(b->ev, b->count, sizeof *b->ev, cmp_raw_event);
  if (!compact(b->ev, b->count)) discard(b);
  return 1;
}

static void load(void) {
  status = 1;
  if (uc_prog.debug_info == NULL) return;   /* not linked with -g */
  struct builder *b = port_alloc(sizeof *b);
  if (b == NULL) return;
  memset(b, 0, sizeof *b);
  b->section = uc_prog.debug_info;
  b->slots = slot_map();
  if (!build(b)) status = -2;
  port_free(b->ck.at);
  port_free(b->slots);
  port_free(b);
}

/* ---- lookup ---- */

/* The event at pc; as ocamlrun, one at the next instruction word also
 * matches, because ocamlc may place an event after a PUSH. */
static const struct event *find_event(uint32_t pc) {
  if (num_events == 0) return NULL;
  size_t low = 0, high = num_events;
  while (low + 1 < high) {
    size_t mid = low + (high - low) / 2;
    if (pc < events[mid].pc) high = mid;
    else low = mid;
  }
  if (events[low].pc == pc || events[low].pc == pc + 1) return &events[low];
  if (low + 1 < num_events && events[low + 1].pc == pc + 1) return &events[low + 1];
  return NULL;
}

/* The first event at or after pc. */
static const struct event *next_event(uint32_t pc) {
  size_t low = 0, high = num_events;
  while (low < high) {
    size_t mid = low + (high - low) / 2;
    if (events[mid].pc < pc) low = mid + 1;
    else high = mid;
  }
  return low < num_events ? &events[low] : NULL;
}

/* A marshalled string at offset off of the section (checked when read). */
static struct uc_text section_text(uint32_t off) {
  static const char old[] = "<old bytecode>";
  struct uc_text t = {old, sizeof old - 1};
  if (off == NO_TEXT) return t;
  const unsigned char *p = uc_prog.debug_info + off;
  int code = *p;
  if (code >= PREFIX_SMALL_STRING) {
    t.len = (size_t)code & 0x1F;
    t.ptr = (const char *)p + 1;
  } else if (code == CODE_STRING8) {
    t.len = p[1];
    t.ptr = (const char *)p + 2;
  } else if (code == CODE_STRING32) {
    t.len = be32(p + 1);
    t.ptr = (const char *)p + 5;
  } else {
    t.len = (size_t)((uint64_t)be32(p + 1) << 32 | be32(p + 5));
    t.ptr = (const char *)p + 9;
  }
  return t;
}

void uc_debuginfo_location(code_t pc, struct uc_debug_loc *loc) {
  memset(loc, 0, sizeof *loc);
  if (!uc_is_code_pointer((value)pc)) return;
  /* The running code may be translated: read the original opcode. */
  int32_t op = uc_prog.code_section[pc - uc_prog.code];
  loc->is_raise = op == OP_RAISE || op == OP_RERAISE;
  if (status == 0) load();
  const struct event *e = find_event((uint32_t)(pc - uc_prog.code));
  if (e == NULL) return;
  loc->valid = 1;
  loc->file = section_text(names[e->name].file);
  loc->defname = section_text(names[e->name].defname);
  loc->line = e->line;
  loc->start_char = e->start;
  loc->end_char = e->end;
}

int uc_debuginfo_unit_file(code_t pc, int before, struct uc_text *file) {
  if (!uc_is_code_pointer((value)pc)) return 0;
  if (status == 0) load();
  const struct event *e = next_event((uint32_t)(pc - uc_prog.code));
  if (!before) {
    if (e == NULL) return 0;
    *file = section_text(names[e->name].file);
    return 1;
  }
  /* Backwards past the events of no location that end a module. */
  size_t i = e == NULL ? num_events : (size_t)(e - events);
  if (e != NULL && e->pc == (uint32_t)(pc - uc_prog.code)) i++;
  while (i > 0) {
    *file = section_text(names[events[--i].name].file);
    if (!(file->len == 6 && memcmp(file->ptr, "_none_", 6) == 0)) return 1;
  }
  return 0;
}
