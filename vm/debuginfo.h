/* debuginfo.h: source locations of code pointers, from the DBUG section.
 *
 * ocamlc -g stores, per compilation unit, a marshalled list of debug events
 * (code offset, source location, enclosing definition).  The first lookup
 * reads them straight from the section, without building OCaml values, into
 * a compact table sorted by code offset; file and definition names are not
 * copied: they point into the section. */
#ifndef UC_DEBUGINFO_H
#define UC_DEBUGINFO_H

#include <stddef.h>
#include "value.h"

/* Text that is not NUL-terminated. */
struct uc_text {
  const char *ptr;
  size_t len;
};

struct uc_debug_loc {
  int valid;      /* an event matches the code pointer */
  int is_raise;   /* the code pointer is a RAISE/RERAISE instruction */
  struct uc_text file;
  struct uc_text defname;
  int line, start_char, end_char;
};

/* Location of code pointer pc (not valid if pc is not in the program). */
void uc_debuginfo_location(code_t pc, struct uc_debug_loc *loc);

/* The source file of the code at pc, from the nearest debug event after it
 * (a function's entry has none of its own) or, if before, at or before it
 * (the end of a module's initialisation).  0 without one. */
int uc_debuginfo_unit_file(code_t pc, int before, struct uc_text *file);

/* As Printexc's runtime_debug_info_status: 0 not read yet, 1 read (possibly
 * with no events, without -g), -2 the section is corrupt. */
int uc_debuginfo_status(void);

/* Memory held by the loaded table, in bytes (0 before the first lookup). */
size_t uc_debuginfo_table_bytes(void);

#endif
