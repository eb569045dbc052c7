/* portconfig.h for riscv32-qemu: bare-metal RV32IMC (QEMU `-M virt`,
 * standing in for an ESP32-C3), small memory, files through semihosting. */
#define UC_PORT_NAME "riscv32-qemu"

/* Default OCaml heap when the image does not set one.  The firmware's main()
 * normally asks for the whole heap region left in the RAM budget (board.ld);
 * port_heap_region caps any request to that region. */
#define UC_DEFAULT_HEAP_BYTES (64u * 1024)
#define UC_NURSERY_WORDS 1024
#define UC_DEFAULT_STACK_WORDS 4096
#define UC_IO_BUFFER_SIZE 256
#define UC_MARK_STACK_SIZE 256
#define UC_REMEMBERED_MAX 1024
/* Host files through QEMU semihosting (SPIFFS/FAT through VFS on an ESP32-C3). */
#define UC_HAS_FILES 1

/* The virt machine's CLINT counts mtime at 10 MHz (the ESP32-C3's
 * systimer at 16 MHz). */
#define RV_MTIME_HZ 10000000u
