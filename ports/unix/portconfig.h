/* portconfig.h for the unix (host) port: large defaults, all features. */
#define UC_PORT_NAME "unix"
#define UC_DEFAULT_HEAP_BYTES ((sizeof(void *) == 8 ? 1024u : 512u) * 1024 * 1024)
#define UC_NURSERY_WORDS (64 * 1024)
#define UC_DEFAULT_STACK_WORDS (1024 * 1024)
#define UC_IO_BUFFER_SIZE 65536
#define UC_THREADED_CODE 1
/* One pass for any program (16M words: bitmaps of 2 MB at most). */
#define UC_VERIFY_WINDOW (16u * 1024 * 1024)
