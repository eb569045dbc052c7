/* ethif.c: lwIP's network interface on the OpenCores MAC, lwIP's clock and
 * the idle wait of the xtensa-qemu board.
 *
 * Received frames are copied from the driver's ring into PBUF_RAM buffers
 * of their exact size (see lwipopts.h) and handed to ethernet_input; frames
 * to send are gathered from their pbuf chain into a TX buffer.  lwIP's
 * timers (TCP fast/slow, ARP) run from xq_net_poll, and the idle wait wakes
 * up for the next of them as well as for the MAC's interrupt, so an idle
 * board sleeps instead of spinning and still retransmits and ACKs on time.
 * ESP-IDF: esp_netif + esp_eth do this inside the tcpip task. */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "opencores_eth.h"
#include "port.h"
#include "portconfig.h"
#include "xq_net.h"

static struct netif eth_netif;
static int eth_state;          /* 0: not yet, 1: up, -1: no NIC */

/* ---- lwIP's platform hooks ---- */

u32_t sys_now(void)
{
  return (u32_t)(port_monotonic_ns() / 1000000u);
}

uint32_t xq_net_rand(void)
{
  uint32_t r;
  port_random_seed(&r, 1);
  return r;
}

void xq_net_assert(const char *msg, const char *file, int line)
{
  static const char head[] = "ucaml: lwIP assertion failed: ";
  port_write(2, head, sizeof head - 1);
  port_write(2, msg, strlen(msg));
  port_write(2, " (", 2);
  port_write(2, file, strlen(file));
  char num[16];
  int k = (int)sizeof num;
  num[--k] = ')';
  do num[--k] = (char)('0' + line % 10); while ((line /= 10) > 0 && k > 1);
  num[--k] = ':';
  port_write(2, num + k, sizeof num - (size_t)k);
  port_write(2, "\n", 1);
  port_exit(134);
}

/* ---- The interface ---- */

static err_t eth_linkoutput(struct netif *nif, struct pbuf *p)
{
  uint8_t *buf = oeth_tx_buffer();
  if (buf == NULL) return ERR_IF;
  /* The first ETH_PAD_SIZE bytes only align the IP header. */
  u16_t len = (u16_t)(p->tot_len - ETH_PAD_SIZE);
  if (len > OETH_FRAME_MAX) return ERR_IF;
  pbuf_copy_partial(p, buf, len, ETH_PAD_SIZE);
  oeth_tx_send(len);
  return ERR_OK;
}

static void eth_deliver(const uint8_t *frame, size_t len, void *ctx)
{
  struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(len + ETH_PAD_SIZE), PBUF_RAM);
  if (p == NULL) return;   /* out of memory: the peer retransmits */
  memcpy((uint8_t *)p->payload + ETH_PAD_SIZE, frame, len);
  if (eth_netif.input(p, &eth_netif) != ERR_OK) pbuf_free(p);
}

static err_t eth_init(struct netif *nif)
{
  nif->name[0] = 'e';
  nif->name[1] = 'n';
  nif->output = etharp_output;
  nif->linkoutput = eth_linkoutput;
  nif->mtu = 1500;
  nif->hwaddr_len = 6;
  nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
               NETIF_FLAG_LINK_UP;
  return oeth_init(nif->hwaddr) == 0 ? ERR_OK : ERR_IF;
}

static void env_addr(const char *name, const char *dflt, ip4_addr_t *a)
{
  const char *s = port_getenv(name);
  if (s == NULL || !ip4addr_aton(s, a)) ip4addr_aton(dflt, a);
}

int xq_net_start(void)
{
  if (eth_state) return eth_state > 0 ? 0 : -1;
  lwip_init();
  ip4_addr_t ip, mask, gw;
  env_addr("UCAML_IP", "10.0.2.15", &ip);
  env_addr("UCAML_NETMASK", "255.255.255.0", &mask);
  env_addr("UCAML_GATEWAY", "10.0.2.2", &gw);
  /* A locally administered address ending in the host part of the IP, so
   * that boards on one segment differ. */
  static const uint8_t oui[3] = { 0x02, 0x00, 0x5e };
  memcpy(eth_netif.hwaddr, oui, 3);
  uint32_t h = lwip_ntohl(ip4_addr_get_u32(&ip));
  eth_netif.hwaddr[3] = (uint8_t)(h >> 16);
  eth_netif.hwaddr[4] = (uint8_t)(h >> 8);
  eth_netif.hwaddr[5] = (uint8_t)h;
  if (netif_add(&eth_netif, &ip, &mask, &gw, NULL, eth_init, ethernet_input) == NULL) {
    eth_state = -1;
    return -1;
  }
  netif_set_default(&eth_netif);
  netif_set_up(&eth_netif);
  /* Resolve the gateway now rather than on the first connection. */
  etharp_request(&eth_netif, &gw);
  eth_state = 1;
  return 0;
}

int xq_net_started(void) { return eth_state > 0; }

int xq_net_poll(void)
{
  if (eth_state <= 0) return 0;
  int n = oeth_rx_drain(eth_deliver, NULL);
  netif_poll_all();   /* loopback */
  sys_check_timeouts();
  return n;
}

uint64_t xq_net_timer_deadline(void)
{
  if (eth_state <= 0) return UINT64_MAX;
  u32_t ms = sys_timeouts_sleeptime();
  if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE) return UINT64_MAX;
  return port_monotonic_ns() + (uint64_t)ms * 1000000u;
}

/* ---- The idle wait ---- */

/* Packets to ourselves queued while lwIP ran (delivered by the next poll). */
static int loop_pending(void)
{
  struct netif *n;
  NETIF_FOREACH(n) if (n->loop_first != NULL) return 1;
  return 0;
}

static inline uint32_t rd_ccount(void)
{
  uint32_t c;
  __asm__ volatile("rsr.ccount %0" : "=a"(c));
  return c;
}

/* CCOMPARE0 raises interrupt 6 of the lx106 configuration. */
#define TIMER0_INTERRUPT 6

/* The interrupt handler of start.S dismisses a level-1 interrupt by
 * clearing INTENABLE, so after WAITI both sources are off again and the
 * rest of the program runs at INTLEVEL 15 as before. */
void xq_net_idle(uint64_t deadline_ns)
{
  uint64_t t = xq_net_timer_deadline();
  if (t < deadline_ns) deadline_ns = t;
  if (eth_state > 0 && (oeth_rx_pending() || loop_pending())) return;
  uint64_t now = port_monotonic_ns();
  if (now >= deadline_ns) return;
  uint64_t ns = deadline_ns - now;
  /* At most ~26 s per sleep: CCOMPARE0 compares 32 bits. */
  uint64_t cycles = ns >= 26000000000ull ? 0x40000000u
                  : ns * (XQ_CPU_HZ / 1000000u) / 1000u + 1;
  uint32_t en = 1u << TIMER0_INTERRUPT;
  if (eth_state > 0) en |= 1u << OETH_CPU_INTERRUPT;
  __asm__ volatile("wsr.ccompare0 %0; isync" : : "a"(rd_ccount() + (uint32_t)cycles));
  __asm__ volatile("wsr.intenable %0; rsync" : : "a"(en));
  __asm__ volatile("waiti 0" ::: "memory");
  __asm__ volatile("rsil a2, 15" ::: "a2", "memory");
}
