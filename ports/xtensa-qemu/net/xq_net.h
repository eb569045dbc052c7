/* xq_net.h: the network interface of the xtensa-qemu board: lwIP (bare
 * metal, raw API) over the OpenCores MAC, serviced from the main loop. */
#ifndef XQ_NET_H
#define XQ_NET_H

#include <stdint.h>

/* Brings lwIP and the interface up (once; later calls return the first
 * result): the static address from UCAML_IP / UCAML_GATEWAY /
 * UCAML_NETMASK in the image's environment, by default 10.0.2.15,
 * 10.0.2.2, 255.255.255.0 (QEMU's user-mode network).  0, or -1 when the
 * machine has no NIC (QEMU's `sim`). */
int xq_net_start(void);
int xq_net_started(void);

/* Feeds every received frame to lwIP and runs its due timers.  Returns the
 * number of frames handled.  Call it whenever the program looks at
 * socket readiness. */
int xq_net_poll(void);

/* When lwIP's next timer is due (monotonic ns; UINT64_MAX: none). */
uint64_t xq_net_timer_deadline(void);

/* Sleeps in WAITI until deadline_ns (monotonic), a frame arrives or an
 * lwIP timer is due, whichever comes first.  Returns at once if a frame
 * already waits. */
void xq_net_idle(uint64_t deadline_ns);

#endif
