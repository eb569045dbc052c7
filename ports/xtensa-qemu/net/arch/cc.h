/* arch/cc.h: lwIP's compiler/platform definitions for the xtensa-qemu board
 * (little-endian lx106, picolibc).  Diagnostics and assertions go to the
 * semihosting console through xq_net_diag / xq_net_assert (netif.c), so
 * that lwIP does not pull in printf and abort. */
#ifndef XQ_LWIP_ARCH_CC_H
#define XQ_LWIP_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_CTYPE_H 0
/* <sys/time.h> would bring struct timeval; lwIP's sockets are not built. */
#define LWIP_TIMEVAL_PRIVATE 0

void xq_net_assert(const char *msg, const char *file, int line);
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) xq_net_assert((x), __FILE__, __LINE__)

/* ISNs and ephemeral ports: the port's seeded generator. */
uint32_t xq_net_rand(void);
#define LWIP_RAND() xq_net_rand()

#endif
