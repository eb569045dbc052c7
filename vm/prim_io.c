/* prim_io.c: buffered channels (Stdlib in_channel / out_channel).
 *
 * A channel is a buffer in front of a port descriptor.  For an input
 * channel the valid bytes are [curr, max) and `offset` is the file position
 * of `max`; for an output channel (max == NULL) the pending bytes are
 * [buff, curr) and `offset` is the file position of `buff`.  Closing sets
 * curr = max = end, so the next read or write goes to the (invalid)
 * descriptor and fails with "Bad file descriptor", as in ocamlrun. */
#include "prim.h"
#include "io.h"
#include "memprof.h"

struct channel {
  int fd;                  /* -1 once closed */
  int refcount;            /* custom blocks pointing here */
  int64_t offset;
  char *curr, *max, *end;
  struct channel *next, *prev;
  char buff[UC_IO_BUFFER_SIZE];
};

/* Every channel not yet freed, most recently opened first. */
static struct channel *all_channels;

/* Messages of errors the core detects itself (glibc's wording). */
#define MSG_BAD_FD "Bad file descriptor"
#define MSG_OVERFLOW "Value too large for defined data type"

static noreturn void io_error(int err)
{
  if (port_error_is_would_block(err)) uc_raise_sys_blocked_io();
  uc_sys_error(NULL, err);
}

static noreturn void io_error_msg(const char *msg)
{
  uc_raise_sys_error(uc_copy_string(msg));
}

/* ---- Opening and freeing ---- */

static struct channel *open_descriptor(int fd, int output)
{
  struct channel *c = port_alloc(sizeof *c);
  if (c == NULL) uc_raise_out_of_memory();
  int64_t here = port_lseek(fd, 0, 1);
  c->fd = fd;
  c->refcount = 0;
  c->offset = here < 0 ? -1 : here;   /* not seekable: as ocamlrun, -1 */
  c->curr = c->buff;
  c->max = output ? NULL : c->buff;
  c->end = c->buff + UC_IO_BUFFER_SIZE;
  c->prev = NULL;
  c->next = all_channels;
  if (all_channels != NULL) all_channels->prev = c;
  all_channels = c;
  return c;
}

static void unlink_channel(struct channel *c)
{
  if (c->prev != NULL) c->prev->next = c->next;
  else all_channels = c->next;
  if (c->next != NULL) c->next->prev = c->prev;
}

static int has_pending_output(const struct channel *c)
{
  return c->max == NULL && c->curr != c->buff;
}

/* An open output channel with unflushed data stays alive (on the list), so
 * that flushing at exit still writes it out. */
static void finalize_channel(value v)
{
  struct channel *c = uc_channel_val(v);
  if (--c->refcount > 0) return;
  if (has_pending_output(c)) return;
  unlink_channel(c);
  port_free(c);
}

static int compare_channel(value v1, value v2)
{
  struct channel *a = uc_channel_val(v1), *b = uc_channel_val(v2);
  return a == b ? 0 : ((uintptr_t)a < (uintptr_t)b ? -1 : 1);
}

static intnat hash_channel(value v)
{
  return (intnat)(uintptr_t)uc_channel_val(v);
}

static const struct custom_ops channel_ops = {
  .identifier = "_chan",
  .finalize = finalize_channel,
  .compare = compare_channel,
  .hash = hash_channel,
};

struct channel *uc_channel_val(value chan)
{
  struct channel *c;
  memcpy(&c, custom_data(chan), sizeof c);
  return c;
}

static value alloc_channel(struct channel *c)
{
  c->refcount++;   /* first, so a collection here cannot free c */
  value v = uc_alloc_custom(&channel_ops, sizeof c);
  memcpy(custom_data(v), &c, sizeof c);
  uc_memprof_track_custom(v, sizeof *c);
  return v;
}

/* ---- Output ---- */

static long write_some(struct channel *c, const char *p, size_t n)
{
  long w = port_write(c->fd, p, n);
  /* A non-blocking descriptor may still accept a single byte. */
  if (w < 0 && n > 1 && port_error_is_would_block((int)-w))
    w = port_write(c->fd, p, 1);
  return w;
}

/* One write of the pending bytes; 0 or -error, never raises. */
static int try_flush_partial(struct channel *c)
{
  size_t pending = (size_t)(c->curr - c->buff);
  if (pending == 0) return 0;
  long w = write_some(c, c->buff, pending);
  if (w < 0) return (int)w;
  c->offset += w;
  memmove(c->buff, c->buff + w, pending - (size_t)w);
  c->curr -= w;
  return 0;
}

/* Returns 1 when the buffer is empty afterwards. */
static int flush_partial(struct channel *c)
{
  int r = try_flush_partial(c);
  if (r < 0) io_error(-r);
  return c->curr == c->buff;
}

void uc_flush(struct channel *c)
{
  while (!flush_partial(c)) {}
}

void uc_flush_all(void)
{
  for (struct channel *c = all_channels; c != NULL; c = c->next) {
    if (c->max != NULL || c->fd == -1) continue;
    while (c->curr != c->buff) {
      char *before = c->curr;
      if (try_flush_partial(c) < 0 || c->curr == before) break;
    }
  }
}

void uc_putch(struct channel *c, int byte)
{
  if (c->curr >= c->end) flush_partial(c);
  *c->curr++ = (char)byte;
}

/* Buffers what fits; when that fills the buffer, writes it once.  Returns
 * the number of bytes taken from p. */
static intnat putblock_once(struct channel *c, const char *p, intnat len)
{
  intnat room = c->end - c->curr;
  if (len < room) {
    memmove(c->curr, p, (size_t)len);
    c->curr += len;
    return len;
  }
  memmove(c->curr, p, (size_t)room);
  c->curr = c->end;
  flush_partial(c);
  return room;
}

void uc_putblock(struct channel *c, const char *p, intnat len)
{
  while (len > 0) {
    intnat n = putblock_once(c, p, len);
    p += n;
    len -= n;
  }
}

/* ---- Input ---- */

static long read_some(struct channel *c, char *dst, size_t n)
{
  long r = port_read(c->fd, dst, n);
  if (r < 0) io_error((int)-r);
  return r;
}

/* Refills an empty buffer; returns the number of bytes now available. */
static long refill(struct channel *c)
{
  long n = read_some(c, c->buff, (size_t)(c->end - c->buff));
  c->offset += n;
  c->curr = c->buff;
  c->max = c->buff + n;
  return n;
}

int uc_getch(struct channel *c)
{
  if (c->curr >= c->max && refill(c) == 0) uc_raise_end_of_file();
  return (unsigned char)*c->curr++;
}

intnat uc_getblock(struct channel *c, char *p, intnat len)
{
  intnat avail = c->max - c->curr;
  if (avail == 0) avail = refill(c);
  intnat n = len < avail ? len : avail;
  memmove(p, c->curr, (size_t)n);
  c->curr += n;
  return n;
}

int uc_really_getblock(struct channel *c, char *p, intnat len)
{
  while (len > 0) {
    intnat n = uc_getblock(c, p, len);
    if (n == 0) return 0;
    p += n;
    len -= n;
  }
  return 1;
}

/* Length of the next line including its '\n' if the buffer holds one;
 * otherwise -(bytes available), at end of input or when the buffer is full. */
static intnat scan_line(struct channel *c)
{
  char *p = c->curr;
  for (;;) {
    if (p >= c->max) {
      if (c->curr > c->buff) {   /* slide unread bytes to the front */
        intnat shift = c->curr - c->buff;
        memmove(c->buff, c->curr, (size_t)(c->max - c->curr));
        c->curr -= shift;
        c->max -= shift;
        p -= shift;
      }
      if (c->max >= c->end) return -(c->max - c->curr);
      long n = read_some(c, c->max, (size_t)(c->end - c->max));
      if (n == 0) return -(c->max - c->curr);
      c->offset += n;
      c->max += n;
    }
    if (*p++ == '\n') return p - c->curr;
  }
}

/* ---- Positions ---- */

static int64_t checked_lseek(int fd, int64_t off, int whence)
{
  int64_t r = port_lseek(fd, off, whence);
  if (r < 0) io_error((int)-r);
  return r;
}

static int64_t channel_size(struct channel *c)
{
  int64_t here = c->offset;
  if (here == -1) here = checked_lseek(c->fd, 0, 1);
  int64_t size = checked_lseek(c->fd, 0, 2);
  if (checked_lseek(c->fd, here, 0) != here) io_error_msg(MSG_BAD_FD);
  return size;
}

/* Seeks to dest.  ocamlrun compares lseek's result (-1 on error) with dest,
 * so a seek to -1 "succeeds"; the same is done here for equal behaviour. */
static void seek_to(int fd, int64_t dest)
{
  int64_t r = port_lseek(fd, dest, 0);
  if (r < 0 && dest != -1) io_error((int)-r);
}

static void seek_out(struct channel *c, int64_t dest)
{
  uc_flush(c);
  seek_to(c->fd, dest);
  c->offset = dest;
}

static int64_t pos_out(struct channel *c)
{
  return c->offset + (c->curr - c->buff);
}

static void seek_in(struct channel *c, int64_t dest)
{
  /* Within the buffered data: just move the read pointer. */
  if (dest >= c->offset - (c->max - c->buff) && dest <= c->offset) {
    c->curr = c->max - (c->offset - dest);
    return;
  }
  seek_to(c->fd, dest);
  c->offset = dest;
  c->curr = c->max = c->buff;
}

static int64_t pos_in(struct channel *c)
{
  return c->offset - (c->max - c->curr);
}

static value int_position(int64_t pos)
{
  if (pos > MAX_LONG) io_error_msg(MSG_OVERFLOW);
  return val_long((intnat)pos);
}

/* ---- Primitives: opening, closing, listing ---- */

PRIM value caml_ml_open_descriptor_in(value fd)
{
  return alloc_channel(open_descriptor(int_val(fd), 0));
}

PRIM value caml_ml_open_descriptor_out(value fd)
{
  return alloc_channel(open_descriptor(int_val(fd), 1));
}

PRIM value caml_ml_set_channel_name(value chan, value name)
{
  /* Names only serve runtime warnings, which are not reported here. */
  return VAL_UNIT;
}

PRIM value caml_ml_out_channels_list(value unit)
{
  value list = VAL_EMPTYLIST, chan = VAL_UNIT;
  UC_ROOTS2(list, chan);
  for (struct channel *c = all_channels; c != NULL; c = c->next) {
    if (c->max != NULL) continue;   /* input, or closed */
    chan = alloc_channel(c);
    value cell = uc_alloc_small(2, 0);
    field(cell, 0) = chan;
    field(cell, 1) = list;
    list = cell;
  }
  UC_RETURN(list);
}

PRIM value caml_channel_descriptor(value chan)
{
  int fd = uc_channel_val(chan)->fd;
  if (fd == -1) io_error_msg(MSG_BAD_FD);
  return val_int(fd);
}

PRIM value caml_ml_close_channel(value chan)
{
  struct channel *c = uc_channel_val(chan);
  c->curr = c->max = c->end;
  if (c->fd == -1) return VAL_UNIT;
  int fd = c->fd;
  c->fd = -1;
  int r = port_close(fd);
  if (r < 0) uc_sys_error(NULL, -r);
  return VAL_UNIT;
}

PRIM value caml_ml_channel_size(value chan)
{
  return int_position(channel_size(uc_channel_val(chan)));
}

PRIM value caml_ml_channel_size_64(value chan)
{
  return uc_copy_int64(channel_size(uc_channel_val(chan)));
}

PRIM value caml_ml_set_binary_mode(value chan, value mode)
{
  return VAL_UNIT;   /* no text mode on supported platforms */
}

PRIM value caml_sys_isatty(value chan)
{
  return val_bool(port_isatty(uc_channel_val(chan)->fd) > 0);
}

/* compiler-libs' Terminfo: how many lines the toplevel may redraw. */
PRIM value caml_terminfo_rows(value chan)
{
  return val_long(port_terminal_rows(uc_channel_val(chan)->fd));
}

/* ---- Primitives: output ---- */

PRIM value caml_ml_flush(value chan)
{
  struct channel *c = uc_channel_val(chan);
  if (c->fd != -1) uc_flush(c);   /* flushing a closed channel is allowed */
  return VAL_UNIT;
}

PRIM value caml_ml_flush_partial(value chan)
{
  struct channel *c = uc_channel_val(chan);
  if (c->fd == -1) return VAL_TRUE;
  return val_bool(flush_partial(c));
}

PRIM value caml_ml_output_char(value chan, value ch)
{
  uc_putch(uc_channel_val(chan), (int)long_val(ch));
  return VAL_UNIT;
}

PRIM value caml_ml_output_int(value chan, value w)
{
  struct channel *c = uc_channel_val(chan);
  uint32_t x = (uint32_t)long_val(w);
  for (int shift = 24; shift >= 0; shift -= 8) uc_putch(c, (int)(x >> shift) & 0xFF);
  return VAL_UNIT;
}

PRIM value caml_ml_output_bytes(value chan, value buf, value start, value len)
{
  /* Nothing here allocates, so the bytes cannot move. */
  uc_putblock(uc_channel_val(chan), string_ptr(buf) + long_val(start), long_val(len));
  return VAL_UNIT;
}

PRIM value caml_ml_output(value chan, value buf, value start, value len)
{
  return caml_ml_output_bytes(chan, buf, start, len);
}

PRIM value caml_ml_output_partial(value chan, value buf, value start, value len)
{
  intnat n = long_val(len);
  if (n <= 0) return val_long(0);
  return val_long(putblock_once(uc_channel_val(chan), string_ptr(buf) + long_val(start), n));
}

PRIM value caml_ml_seek_out(value chan, value pos)
{
  seek_out(uc_channel_val(chan), long_val(pos));
  return VAL_UNIT;
}

PRIM value caml_ml_seek_out_64(value chan, value pos)
{
  seek_out(uc_channel_val(chan), int64_val(pos));
  return VAL_UNIT;
}

PRIM value caml_ml_pos_out(value chan)
{
  return int_position(pos_out(uc_channel_val(chan)));
}

PRIM value caml_ml_pos_out_64(value chan)
{
  return uc_copy_int64(pos_out(uc_channel_val(chan)));
}

/* ---- Primitives: input ---- */

PRIM value caml_ml_input_char(value chan)
{
  return val_int(uc_getch(uc_channel_val(chan)));
}

PRIM value caml_ml_input_int(value chan)
{
  struct channel *c = uc_channel_val(chan);
  uint32_t x = 0;
  for (int i = 0; i < 4; i++) x = (x << 8) | (uint32_t)uc_getch(c);
  return val_long((int32_t)x);
}

PRIM value caml_ml_input(value chan, value buf, value start, value len)
{
  intnat n = long_val(len);
  if (n <= 0) return val_long(0);
  return val_long(uc_getblock(uc_channel_val(chan), string_ptr(buf) + long_val(start), n));
}

PRIM value caml_ml_seek_in(value chan, value pos)
{
  seek_in(uc_channel_val(chan), long_val(pos));
  return VAL_UNIT;
}

PRIM value caml_ml_seek_in_64(value chan, value pos)
{
  seek_in(uc_channel_val(chan), int64_val(pos));
  return VAL_UNIT;
}

PRIM value caml_ml_pos_in(value chan)
{
  return int_position(pos_in(uc_channel_val(chan)));
}

PRIM value caml_ml_pos_in_64(value chan)
{
  return uc_copy_int64(pos_in(uc_channel_val(chan)));
}

PRIM value caml_ml_input_scan_line(value chan)
{
  return val_long(scan_line(uc_channel_val(chan)));
}
