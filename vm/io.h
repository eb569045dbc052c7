/* io.h: buffered channels over port descriptors.
 *
 * An OCaml in_channel or out_channel is a custom block holding a pointer to
 * a struct channel, which lives outside the heap (port_alloc) so its buffer
 * never moves.  Besides the primitives of prim_io.c, Marshal and Digest read
 * and write channels through these functions. */
#ifndef UC_IO_H
#define UC_IO_H

#include "value.h"

struct channel;

/* The channel inside an OCaml in_channel/out_channel custom block. */
struct channel *uc_channel_val(value chan);

/* Output: buffered; raise Sys_error on an I/O error. */
void uc_putblock(struct channel *c, const char *p, intnat len);
void uc_putch(struct channel *c, int byte);
void uc_flush(struct channel *c);
/* Flush every open output channel, ignoring errors (exit paths). */
void uc_flush_all(void);

/* Input.  uc_getblock reads up to len (> 0) bytes, at least one unless at
 * end of input, where it returns 0.  uc_really_getblock reads exactly len
 * bytes: 1 on success, 0 if end of input came first.  uc_getch raises
 * End_of_file at end of input.  All raise Sys_error on an I/O error. */
intnat uc_getblock(struct channel *c, char *p, intnat len);
int uc_really_getblock(struct channel *c, char *p, intnat len);
int uc_getch(struct channel *c);

#endif
