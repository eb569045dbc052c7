/* loader.c: the executable's trailer and sections, primitives, globals.
 *
 * Layout of a bytecode executable (after an optional #! line):
 *   sections... | section table (name[4], length BE32) x n | n BE32 | magic[12]
 * Sections follow each other and end where the table starts. */
#include <stdio.h>
#include "loader.h"
#include "interp.h"
#include "marshal.h"
#include "verify.h"
#include "opcodes.h"
#include "port.h"
#include "fail.h"
#include "config.h"
#include "unix_error.h"

struct uc_prim_entry {
  const char *name;
  uc_prim fn;
};
#include "primtable.h"

#define TRAILER_LEN 16

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int uc_parse_image(const unsigned char *image, size_t len, struct uc_image *out,
                   char *err, size_t errlen) {
  if (len < TRAILER_LEN) {
    snprintf(err, errlen, "not a bytecode executable (file too short)");
    return 0;
  }
  const unsigned char *trailer = image + len - TRAILER_LEN;
  const char *magic = (const char *)trailer + 4;
  if (memcmp(magic, UC_EXEC_MAGIC, 12) != 0) {
    if (memcmp(magic, "Caml1999X", 9) == 0)
      snprintf(err, errlen, "bytecode of another OCaml version (magic %.12s; this runtime reads %s, OCaml 4.13)",
               magic, UC_EXEC_MAGIC);
    else
      snprintf(err, errlen, "not a bytecode executable (no OCaml trailer)");
    return 0;
  }
  uint32_t n = be32(trailer);
  if (n == 0 || n > sizeof out->sections / sizeof out->sections[0] ||
      (size_t)n * 8 > len - TRAILER_LEN) {
    snprintf(err, errlen, "inconsistent section table (%lu sections)", (unsigned long)n);
    return 0;
  }
  const unsigned char *table = trailer - (size_t)n * 8;
  size_t end = (size_t)(table - image);
  out->nsections = (int)n;
  out->static_root = NULL;
  for (int i = (int)n - 1; i >= 0; i--) {
    const unsigned char *e = table + 8 * (size_t)i;
    uint32_t slen = be32(e + 4);
    if (slen > end) {
      snprintf(err, errlen, "inconsistent section table (section %.4s overruns the file)", (const char *)e);
      return 0;
    }
    end -= slen;
    struct uc_section *s = &out->sections[i];
    memcpy(s->name, e, 4);
    s->name[4] = 0;
    s->data = image + end;
    s->len = slen;
  }
  return 1;
}

const struct uc_section *uc_find_section(const struct uc_image *img, const char *name) {
  for (int i = 0; i < img->nsections; i++)
    if (strcmp(img->sections[i].name, name) == 0) return &img->sections[i];
  return NULL;
}

long uc_code_offset(const unsigned char *image, size_t len) {
  struct uc_image img;
  char err[8];
  if (!uc_parse_image(image, len, &img, err, sizeof err)) return -1;
  const struct uc_section *code = uc_find_section(&img, "CODE");
  return code == NULL ? -1 : (long)(code->data - image);
}

static uc_prim lookup_prim(const char *name) {
  size_t lo = 0, hi = sizeof uc_prim_table / sizeof uc_prim_table[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(name, uc_prim_table[mid].name);
    if (c == 0) return uc_prim_table[mid].fn;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static void load_error(const char *name, const char *msg) {
  char buf[600];
  int n = snprintf(buf, sizeof buf, "ucaml: %s: %s\n", name, msg);
  if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
  port_write(2, buf, (size_t)n);
}

/* Splits the PRIM section (NUL-terminated names) and binds each name. */
static int bind_primitives(const struct uc_section *s, const char *name) {
  size_t count = 0;
  for (size_t i = 0; i < s->len; i++)
    if (s->data[i] == 0) count++;
  if (s->len > 0 && s->data[s->len - 1] != 0) {
    load_error(name, "malformed PRIM section");
    return 0;
  }
  uc_prog.prims = port_alloc((count + 1) * sizeof(uc_prim));
  uc_prog.prim_names = port_alloc((count + 1) * sizeof(const char *));
  if (uc_prog.prims == NULL || uc_prog.prim_names == NULL) {
    load_error(name, "out of memory for the primitive table");
    return 0;
  }
  const char *p = (const char *)s->data;
  for (size_t i = 0; i < count; i++) {
    uc_prog.prim_names[i] = p;
    uc_prog.prims[i] = lookup_prim(p);
    /* The Unix library loads everywhere; what the port lacks fails at the call. */
    if (uc_prog.prims[i] == NULL && uc_is_unix_primitive(p)) uc_prog.prims[i] = uc_unix_unavailable;
    p += strlen(p) + 1;
  }
  uc_prog.nprims = count;
  return 1;
}

/* Unknown primitives are refused only if the code calls them. */
static int report_unknown_primitives(const unsigned char *used, const char *name) {
  int missing = 0;
  for (size_t i = 0; i < uc_prog.nprims; i++) {
    if (!used[i] || uc_prog.prims[i] != NULL) continue;
    if (!missing) port_write(2, "ucaml: ", 7), port_write(2, name, strlen(name)),
                  port_write(2, ": unknown primitives:", 21);
    port_write(2, " ", 1);
    port_write(2, uc_prog.prim_names[i], strlen(uc_prog.prim_names[i]));
    missing++;
  }
  if (missing) port_write(2, "\n", 1);
  return missing == 0;
}

/* The global table is filled as modules initialise: a copy in the heap of
 * the prebuilt one, whose constants stay where they are. */
static value copy_root(const void *root) {
  value r = (value)root;
  if (tag_val(r) != 0 || wosize_val(r) == 0) uc_failwith("malformed prebuilt global data");
  value g = uc_alloc_major(wosize_val(r), 0);
  for (mlsize_t i = 0; i < wosize_val(r); i++) field(g, i) = field(r, i);
  return g;
}

static int load_globals(const struct uc_section *data, const void *static_root,
                        const char *name) {
  struct uc_catch c;
  c.prev = uc_catch_top;
  c.local_roots = uc_local_roots;
  uc_catch_top = &c;
  if (setjmp(c.buf)) {
    char msg[300];
    uc_catch_top = c.prev;
    snprintf(msg, sizeof msg, "cannot load the global data: %s", uc_early_failure);
    load_error(name, msg);
    return 0;
  }
  value g = static_root != NULL ? copy_root(static_root) : uc_intern_block(data->data, data->len);
  uc_catch_top = c.prev;
  uc_global_data = g;
  if (!is_block(uc_global_data) || tag_val(uc_global_data) != 0 ||
      wosize_val(uc_global_data) <= EXN_UNDEFINED_RECURSIVE_MODULE) {
    load_error(name, "malformed DATA section (no predefined exceptions)");
    return 0;
  }
  return 1;
}

int uc_load_program(const struct uc_image *img, const char *name) {
  const struct uc_section *code = uc_find_section(img, "CODE");
  const struct uc_section *data = uc_find_section(img, "DATA");
  const struct uc_section *prim = uc_find_section(img, "PRIM");
  if (code == NULL || data == NULL || prim == NULL) {
    load_error(name, "not a bytecode executable (CODE, DATA or PRIM section missing)");
    return 0;
  }
  if (code->len % 4 != 0 || code->len == 0) {
    load_error(name, "malformed CODE section (size not a multiple of 4)");
    return 0;
  }
  if (((uintptr_t)code->data & 3) != 0) {
    load_error(name, "CODE section not 4-byte aligned in memory");
    return 0;
  }
  uc_prog.code = uc_prog.code_section = (code_t)(const void *)code->data;
  uc_prog.code_words = code->len / 4;
  const struct uc_section *dbug = uc_find_section(img, "DBUG");
  uc_prog.debug_info = dbug ? dbug->data : NULL;
  uc_prog.debug_info_len = dbug ? dbug->len : 0;
  if (!bind_primitives(prim, name)) return 0;
  /* Global data first: the verifier checks global indexes against it. */
  if (!load_globals(data, img->static_root, name)) return 0;
  unsigned char *used = port_alloc(uc_prog.nprims + 1);
  if (used == NULL) {
    load_error(name, "out of memory");
    return 0;
  }
  memset(used, 0, uc_prog.nprims + 1);
  struct uc_verify_env env = {wosize_val(uc_global_data), uc_prog.nprims, used, 0};
  char err[200];
  if (!uc_verify_code(uc_prog.code, uc_prog.code_words, &env, err, sizeof err)) {
    char msg[260];
    snprintf(msg, sizeof msg, "malformed CODE section (%s)", err);
    load_error(name, msg);
    port_free(used);
    return 0;
  }
  int ok = report_unknown_primitives(used, name);
  port_free(used);
  if (ok && !uc_interp_reserve(env.max_frame)) {
    load_error(name, "the stack is too small for the program's largest function frame");
    return 0;
  }
  if (ok && UC_THREADED_CODE && !uc_thread_code()) {
    load_error(name, "out of memory for threaded code");
    return 0;
  }
  return ok;
}
