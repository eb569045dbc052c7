/* opencores_eth.c: the OpenCores Ethernet MAC on QEMU's xtfpga boards.
 * Register and descriptor layout per the ethmac specification and QEMU's
 * model (hw/net/opencores_eth.c), whose behaviour matters here:
 *  - transmission happens synchronously when a ready TX descriptor is
 *    written, so the buffer pointer is written before the flags word;
 *  - a frame arriving while the next RX descriptor is not empty is dropped
 *    (INT_SOURCE.BUSY) rather than queued, so every ready descriptor is
 *    drained at each poll;
 *  - RX descriptors are used in order from TX_BD_NUM, wrapping at the one
 *    marked WRAP; RXEN (re)starts at TX_BD_NUM.
 * ESP-IDF: esp_eth with the "openeth" driver (CONFIG_ETH_USE_OPENETH) does
 * this on an ESP32 under Espressif's QEMU; real boards use the EMAC. */
#include "opencores_eth.h"

#include <string.h>

#define IO_BASE 0x90000000u
#define REGS ((volatile uint32_t *)(IO_BASE + 0x0D030000u))
#define DESC ((volatile uint32_t *)(IO_BASE + 0x0D030400u))

enum { MODER = 0, INT_SOURCE = 1, INT_MASK = 2, PACKETLEN = 6, TX_BD_NUM = 8,
       MAC_ADDR0 = 16, MAC_ADDR1 = 17, HASH0 = 18, HASH1 = 19 };
enum { MODER_RXEN = 0x1, MODER_TXEN = 0x2, MODER_FULLD = 0x400, MODER_RST = 0x800,
       MODER_CRCEN = 0x2000, MODER_PAD = 0x8000 };
enum { INT_TXB = 0x1, INT_RXB = 0x4, INT_BUSY = 0x10 };
enum { TXD_RD = 0x8000, TXD_WR = 0x2000, TXD_PAD = 0x1000, TXD_CRC = 0x800 };
enum { RXD_E = 0x8000, RXD_IRQ = 0x4000, RXD_WRAP = 0x2000,
       RXD_ERRORS = 0x01ff & ~0x80 /* all status bits but M (miss) */ };

/* Descriptor i: word 2i flags/length, word 2i+1 buffer address. */
#define D_FLAGS(i) DESC[2 * (i)]
#define D_BUF(i) DESC[2 * (i) + 1]

static uint8_t oeth_rx_buf[OETH_RX_BUFS][OETH_FRAME_MAX] __attribute__((aligned(4)));
static uint8_t oeth_tx_buf[OETH_TX_BUFS][OETH_FRAME_MAX] __attribute__((aligned(4)));
static unsigned oeth_rx_next, oeth_tx_next;
static struct oeth_stats oeth_counters;

static uint32_t rx_flags(unsigned i)
{
  return RXD_E | RXD_IRQ | (i == OETH_RX_BUFS - 1 ? RXD_WRAP : 0);
}

int oeth_init(const uint8_t mac[6])
{
  REGS[MODER] = MODER_RST;
  REGS[MODER] = 0;
  /* The reset value of TX_BD_NUM (0x40) proves the MAC is there. */
  if (REGS[TX_BD_NUM] != 0x40) return -1;
  REGS[TX_BD_NUM] = OETH_TX_BUFS;
  for (unsigned i = 0; i < OETH_TX_BUFS; i++) {
    D_BUF(i) = (uint32_t)(uintptr_t)oeth_tx_buf[i];
    D_FLAGS(i) = i == OETH_TX_BUFS - 1 ? TXD_WR : 0;
  }
  for (unsigned i = 0; i < OETH_RX_BUFS; i++) {
    D_BUF(OETH_TX_BUFS + i) = (uint32_t)(uintptr_t)oeth_rx_buf[i];
    D_FLAGS(OETH_TX_BUFS + i) = rx_flags(i);
  }
  oeth_rx_next = oeth_tx_next = 0;
  REGS[MAC_ADDR0] = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
                    (uint32_t)mac[4] << 8 | mac[5];
  REGS[MAC_ADDR1] = (uint32_t)mac[0] << 8 | mac[1];
  REGS[HASH0] = REGS[HASH1] = 0;
  REGS[PACKETLEN] = 0x40u << 16 | OETH_FRAME_MAX;   /* MINFL 64, MAXFL */
  REGS[INT_SOURCE] = 0x7f;                          /* write 1 to clear */
  REGS[INT_MASK] = INT_RXB | INT_BUSY;
  REGS[MODER] = MODER_RXEN | MODER_TXEN | MODER_FULLD | MODER_CRCEN | MODER_PAD;
  return 0;
}

uint8_t *oeth_tx_buffer(void)
{
  if (D_FLAGS(oeth_tx_next) & TXD_RD) {
    oeth_counters.tx_busy++;
    return NULL;
  }
  return oeth_tx_buf[oeth_tx_next];
}

void oeth_tx_send(size_t len)
{
  unsigned i = oeth_tx_next;
  uint32_t wrap = i == OETH_TX_BUFS - 1 ? TXD_WR : 0;
  D_BUF(i) = (uint32_t)(uintptr_t)oeth_tx_buf[i];
  D_FLAGS(i) = (uint32_t)len << 16 | TXD_RD | TXD_PAD | TXD_CRC | wrap;
  oeth_tx_next = wrap ? 0 : i + 1;
  oeth_counters.tx_frames++;
}

int oeth_rx_pending(void)
{
  return !(D_FLAGS(OETH_TX_BUFS + oeth_rx_next) & RXD_E);
}

int oeth_rx_drain(void (*deliver)(const uint8_t *frame, size_t len, void *ctx), void *ctx)
{
  /* Acknowledge first: a frame landing during the drain raises it again,
   * so the idle wait cannot miss it. */
  uint32_t src = REGS[INT_SOURCE];
  REGS[INT_SOURCE] = src;
  if (src & INT_BUSY) oeth_counters.rx_dropped_busy++;
  int n = 0;
  for (;;) {
  unsigned full = 0;
  while (full < OETH_RX_BUFS &&
         !(D_FLAGS(OETH_TX_BUFS + (oeth_rx_next + full) % OETH_RX_BUFS) & RXD_E))
    full++;
  if (full > oeth_counters.rx_max_batch) oeth_counters.rx_max_batch = full;
    unsigned d = OETH_TX_BUFS + oeth_rx_next;
    uint32_t f = D_FLAGS(d);
    if (f & RXD_E) break;
    size_t len = f >> 16;
    if ((f & RXD_ERRORS) || len < 18) {
      oeth_counters.rx_errors++;
    } else {
      oeth_counters.rx_frames++;
      deliver(oeth_rx_buf[oeth_rx_next], len - 4, ctx);   /* without the FCS */
    }
    D_FLAGS(d) = rx_flags(oeth_rx_next);
    oeth_rx_next = oeth_rx_next == OETH_RX_BUFS - 1 ? 0 : oeth_rx_next + 1;
    n++;
  }
  return n;
}

const struct oeth_stats *oeth_stats(void) { return &oeth_counters; }
