/* fuzz_common.h: setting up the VM inside a libFuzzer harness. */
#ifndef UC_FUZZ_COMMON_H
#define UC_FUZZ_COMMON_H

#include <stddef.h>

/* Heap and stack of every harness: small, so that inputs asking for huge
 * allocations reach the Out_of_memory paths quickly. */
#define FUZZ_HEAP_BYTES ((size_t)64 << 20)
#define FUZZ_STACK_WORDS ((size_t)256 << 10)

/* Copies data[0..len) so that its CODE section (if any) is 4-byte aligned,
 * as the port's loader does.  *block is to be freed afterwards. */
unsigned char *fuzz_aligned_image(const unsigned char *data, size_t len, void **block);

/* The heap and the command line; aborts on failure.  The VM stack is made
 * after loading (uc_interp_init), as the loader may ask for a larger margin. */
void fuzz_vm_init(void);

#endif
