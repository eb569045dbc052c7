/* config.h: build-time settings.  Each port's portconfig.h (found first on
 * the include path) sets what differs; defaults follow. */
#ifndef UC_CONFIG_H
#define UC_CONFIG_H

#include "portconfig.h"

/* Heap: total bytes (nursery + major), settable at run time. */
#ifndef UC_DEFAULT_HEAP_BYTES
#define UC_DEFAULT_HEAP_BYTES (256u * 1024 * 1024)
#endif
/* Nursery size in words; on small heaps it is capped at 1/4 of the heap. */
#ifndef UC_NURSERY_WORDS
#define UC_NURSERY_WORDS (32 * 1024)
#endif
/* VM stack, in words. */
#ifndef UC_DEFAULT_STACK_WORDS
#define UC_DEFAULT_STACK_WORDS (1024 * 1024)
#endif
/* Channel buffer, bytes. */
#ifndef UC_IO_BUFFER_SIZE
#define UC_IO_BUFFER_SIZE 4096
#endif
/* Entries of the GC's mark stack (overflow is handled by rescanning). */
#ifndef UC_MARK_STACK_SIZE
#define UC_MARK_STACK_SIZE 4096
#endif
/* Entries of the remembered set before it falls back to a heap scan. */
#ifndef UC_REMEMBERED_MAX
#define UC_REMEMBERED_MAX (1u << 20)
#endif
/* Code words the verifier checks per pass over the code (two bitmaps of a
 * bit per word): small on boards, where RAM is scarcer than time. */
#ifndef UC_VERIFY_WINDOW
#define UC_VERIFY_WINDOW 8192
#endif
/* Run-time checks of values whose type bytecode does not prove (calls of
 * non-closures, fields of immediates or past a block, matches outside the
 * type): ill-typed values raise Invalid_argument instead of crashing the
 * VM.  Turn off (0) only for programs trusted not to use Obj.magic or to
 * unmarshal data from elsewhere: it saves 6-8% of the board's cycles on
 * call-heavy code, nothing measurable on the host. */
#ifndef UC_CHECK_ILL_TYPED
#define UC_CHECK_ILL_TYPED 1
#endif
/* Threaded code: a translated copy of the code in RAM (host speed mode). */
#ifndef UC_THREADED_CODE
#define UC_THREADED_CODE 0
#endif
/* Has a file system (Sys.file_exists, open_in, ...) */
#ifndef UC_HAS_FILES
#define UC_HAS_FILES 1
#endif

#endif
