/* portconfig.h for xtensa-qemu: bare-metal Xtensa (QEMU `-M sim -cpu lx106`,
 * standing in for an ESP32), small memory, files through semihosting. */
#define UC_PORT_NAME "xtensa-qemu"

/* Default OCaml heap when the image does not set one.  The firmware's main()
 * normally asks for the whole heap region left in the RAM budget (board.ld);
 * port_heap_region caps any request to that region. */
#define UC_DEFAULT_HEAP_BYTES (64u * 1024)
#define UC_NURSERY_WORDS 1024
#define UC_DEFAULT_STACK_WORDS 4096
#define UC_IO_BUFFER_SIZE 256
#define UC_MARK_STACK_SIZE 256
#define UC_REMEMBERED_MAX 1024
/* Host files through QEMU semihosting (SPIFFS/FAT through VFS on an ESP32). */
#define UC_HAS_FILES 1

/* Nominal CPU clock used to turn CCOUNT into time.  QEMU's lx106 model counts
 * CCOUNT at 40 MHz of virtual time (measured; with -icount shift=0 virtual
 * time is 1 ns per instruction).  An ESP32 runs at 160 or 240 MHz. */
#ifndef XQ_CPU_HZ
#define XQ_CPU_HZ 40000000u
#endif
