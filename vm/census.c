/* census.c: the live heap by module and by kind of block (UCAML_STATS=2). */
#include <stdio.h>
#include <string.h>
#include "census.h"
#include "debuginfo.h"
#include "gc_internal.h"
#include "port.h"

int uc_census_on;

#define LINE_BYTES 300
static void say(const char *line, int n) {   /* n as snprintf returned it */
  if (n >= LINE_BYTES) n = LINE_BYTES - 1;
  if (n > 0) port_write(2, line, (size_t)n);
}

static uintnat live_words_now(uintnat *blocks) {
  struct uc_gc_stats s;
  uc_full_gc();
  uc_gc_stats(&s, 1);
  *blocks = s.live_blocks;
  return s.live_words;
}

void uc_census_module_done(code_t pc) {
  static uintnat previous;
  uintnat blocks, live = live_words_now(&blocks);
  struct uc_text file;
  char line[LINE_BYTES];
  int n;
  /* The module's initialisation has events before its SETGLOBAL. */
  if (uc_debuginfo_unit_file(pc - 2, 1, &file))
    n = snprintf(line, sizeof line, "ucaml-census: after %.*s: live %lu words (%+ld), %lu blocks\n",
                 (int)file.len, file.ptr, (unsigned long)live,
                 (long)live - (long)previous, (unsigned long)blocks);
  else
    n = snprintf(line, sizeof line, "ucaml-census: after global %d: live %lu words (%+ld), %lu blocks\n",
                 (int)pc[-1], (unsigned long)live, (long)live - (long)previous,
                 (unsigned long)blocks);
  previous = live;
  say(line, n);
}

/* ---- the heap by kind ---- */
enum { KIND_FIELDS, KIND_CLOSURE, KIND_STRING, KIND_DOUBLE, KIND_FLOATS,
       KIND_CUSTOM, KIND_OTHER, KIND_PINNED, KINDS };
static const char *const kind_name[KINDS] = {
  "blocks of fields", "closures", "strings", "floats", "float arrays",
  "custom blocks", "other", "pinned (C data)"};
#define SIZE_CLASSES 8   /* fields blocks of 1, 2, 3, 4, 5-8, 9-16, 17-64, 65+ words */
#define MAX_FILES 160
#define FILES_SHOWN 30

struct file_count {
  struct uc_text file;
  uintnat words, blocks;
};

struct census {
  uintnat words[KINDS], blocks[KINDS];
  uintnat by_size_words[SIZE_CLASSES], by_size_blocks[SIZE_CLASSES];
  struct file_count files[MAX_FILES];
  int nfiles;
  uintnat other_file_words;
};

static int size_class(mlsize_t wosize) {
  if (wosize <= 4) return wosize == 0 ? 0 : (int)wosize - 1;
  if (wosize <= 8) return 4;
  if (wosize <= 16) return 5;
  return wosize <= 64 ? 6 : 7;
}

static void count_closure(struct census *c, value v, mlsize_t whsize) {
  struct uc_text file;
  if (!uc_debuginfo_unit_file(code_val(v), 0, &file)) {
    c->other_file_words += whsize;
    return;
  }
  for (int i = 0; i < c->nfiles; i++)
    if (c->files[i].file.len == file.len &&
        memcmp(c->files[i].file.ptr, file.ptr, file.len) == 0) {
      c->files[i].words += whsize;
      c->files[i].blocks++;
      return;
    }
  if (c->nfiles == MAX_FILES) {
    c->other_file_words += whsize;
    return;
  }
  c->files[c->nfiles].file = file;
  c->files[c->nfiles].words = whsize;
  c->files[c->nfiles].blocks = 1;
  c->nfiles++;
}

static void count_block(header_t hd, value v, int pinned, void *ctx) {
  struct census *c = ctx;
  mlsize_t whsize = hd_wosize(hd) + 1;   /* with the header */
  int kind;
  if (pinned) kind = KIND_PINNED;
  else switch (hd_tag(hd)) {
    case CLOSURE_TAG: kind = KIND_CLOSURE; break;
    case STRING_TAG: kind = KIND_STRING; break;
    case DOUBLE_TAG: kind = KIND_DOUBLE; break;
    case DOUBLE_ARRAY_TAG: kind = KIND_FLOATS; break;
    case CUSTOM_TAG: kind = KIND_CUSTOM; break;
    default: kind = hd_tag(hd) < NO_SCAN_TAG ? KIND_FIELDS : KIND_OTHER;
  }
  c->words[kind] += whsize;
  c->blocks[kind]++;
  if (kind == KIND_FIELDS) {
    int k = size_class(hd_wosize(hd));
    c->by_size_words[k] += whsize;
    c->by_size_blocks[k]++;
  } else if (kind == KIND_CLOSURE) {
    count_closure(c, v, whsize);
  }
}

void uc_census_print_heap(void) {
  static struct census c;   /* large for a small C stack */
  static const char *const size_name[SIZE_CLASSES] = {
    "1", "2", "3", "4", "5-8", "9-16", "17-64", "65+"};
  char line[LINE_BYTES];
  uintnat blocks, live = live_words_now(&blocks);
  memset(&c, 0, sizeof c);
  uc_gc_each_block(count_block, &c);
  say(line, snprintf(line, sizeof line, "ucaml-census: live heap %lu words (%lu bytes) in %lu blocks\n",
                     (unsigned long)live, (unsigned long)(live * WORD_BYTES), (unsigned long)blocks));
  for (int k = 0; k < KINDS; k++)
    if (c.blocks[k])
      say(line, snprintf(line, sizeof line, "ucaml-census:   %-17s %8lu words %7lu blocks\n",
                         kind_name[k], (unsigned long)c.words[k], (unsigned long)c.blocks[k]));
  for (int k = 0; k < SIZE_CLASSES; k++)
    if (c.by_size_blocks[k])
      say(line, snprintf(line, sizeof line, "ucaml-census:     of %-5s fields %8lu words %7lu blocks\n",
                         size_name[k], (unsigned long)c.by_size_words[k],
                         (unsigned long)c.by_size_blocks[k]));
  /* The heaviest files first. */
  for (int i = 1; i < c.nfiles; i++)
    for (int j = i; j > 0 && c.files[j].words > c.files[j - 1].words; j--) {
      struct file_count t = c.files[j];
      c.files[j] = c.files[j - 1];
      c.files[j - 1] = t;
    }
  for (int i = c.nfiles > FILES_SHOWN ? FILES_SHOWN : c.nfiles; i < c.nfiles; i++)
    c.other_file_words += c.files[i].words;
  if (c.nfiles > FILES_SHOWN) c.nfiles = FILES_SHOWN;
  for (int i = 0; i < c.nfiles; i++)
    say(line, snprintf(line, sizeof line, "ucaml-census:   closures of %.*s: %lu words, %lu blocks\n",
                       (int)(c.files[i].file.len > 120 ? 120 : c.files[i].file.len), c.files[i].file.ptr,
                       (unsigned long)c.files[i].words, (unsigned long)c.files[i].blocks));
  if (c.other_file_words)
    say(line, snprintf(line, sizeof line, "ucaml-census:   closures elsewhere: %lu words\n",
                       (unsigned long)c.other_file_words));
}
