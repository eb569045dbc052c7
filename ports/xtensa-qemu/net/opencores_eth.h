/* opencores_eth.h: driver for the OpenCores 10/100 Ethernet MAC ("ethmac")
 * as QEMU's xtfpga boards (lx60-nommu, ...) provide it: registers at I/O
 * base + 0x0D030000, 128 buffer descriptors at + 0x0D030400 (TX first, RX
 * from index TX_BD_NUM), interrupt on the CPU's external interrupt 1.
 * Frames are copied between the driver's own buffers (in the RAM budget,
 * addressed physically by the MAC's DMA) and the caller. */
#ifndef XQ_OPENCORES_ETH_H
#define XQ_OPENCORES_ETH_H

#include <stddef.h>
#include <stdint.h>

/* Ring sizes.  QEMU drops a frame when the next RX descriptor is not empty
 * (its can_receive does not look at the ring, so nothing is queued), and
 * its user network retransmits a lost segment only after >= 1 s: the RX
 * ring must absorb the largest burst that arrives between two drains.
 * Measured under wrk -c 8: at most 9 frames waiting with the VM serving
 * HTTP, 18 with the C test server (ports/xtensa-qemu/net/nettest.c, which
 * answers faster and so draws denser bursts).  16 x 1.5 KB of the RAM
 * budget; raise it with -DOETH_RX_BUFS=N (XTENSA_CFLAGS) for more
 * concurrent connections. */
#ifndef OETH_RX_BUFS
#define OETH_RX_BUFS 16
#endif
#ifndef OETH_TX_BUFS
#define OETH_TX_BUFS 2
#endif
/* Largest frame the MAC hands over (MAXFL, FCS included). */
#define OETH_FRAME_MAX 1536

/* The Xtensa interrupt the MAC raises (xtfpga: external interrupt 1 of the
 * core, which is interrupt 1, level 1, on the lx106 configuration). */
#define OETH_CPU_INTERRUPT 1

struct oeth_stats {
  uint32_t rx_frames, rx_errors, rx_dropped_busy, tx_frames, tx_busy;
  uint32_t rx_max_batch;      /* most frames found waiting at one drain */
};

/* Resets the MAC, sets its address, lays out the rings and enables RX,
 * TX and the RX interrupt.  Returns 0, or -1 if no MAC answers. */
int oeth_init(const uint8_t mac[6]);

/* A TX buffer of OETH_FRAME_MAX bytes to fill (NULL while the MAC still
 * owns every TX descriptor), then oeth_tx_send(len) hands it over. */
uint8_t *oeth_tx_buffer(void);
void oeth_tx_send(size_t len);

/* Hands every received frame, oldest first, to deliver (frame without its
 * FCS) and gives its descriptor back to the MAC.  Returns how many. */
int oeth_rx_drain(void (*deliver)(const uint8_t *frame, size_t len, void *ctx), void *ctx);

/* Whether a received frame waits (the interrupt is also pending then). */
int oeth_rx_pending(void);

const struct oeth_stats *oeth_stats(void);

#endif
