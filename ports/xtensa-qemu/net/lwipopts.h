/* lwipopts.h: lwIP 2.1.3 configuration of the xtensa-qemu board.
 *
 * Bare metal: no OS (NO_SYS), raw/callback API only, IPv4 with a static
 * address, one Ethernet interface (driver: opencores_eth.c) and loopback.
 * Memory is sized for the 320 KB RAM budget of an ESP32 application while
 * serving a handful of concurrent HTTP connections (wrk -c 8) and bulk TCP
 * echo: received frames are copied into exact-size PBUF_RAM buffers from
 * MEM_SIZE, so one heap holds both directions and small segments (requests,
 * ACKs) do not pin 1.5 KB each.  `ucaml size` reports lwIP's share (net/size-net.py). */
#ifndef XQ_LWIPOPTS_H
#define XQ_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_TCP 1
#define LWIP_UDP 1
/* The Ethernet interface and loopback (127.0.0.1: a program talking to
 * itself, as on a host); loopback packets are delivered from xq_net_poll. */
#define LWIP_SINGLE_NETIF 0
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 16
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_STATS 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0
/* The emulated MAC neither checks nor fills checksums. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_TCP 1

/* lx106 traps on unaligned accesses: 4-byte alignment throughout. */
#define MEM_ALIGNMENT 4
#define ETH_PAD_SIZE 2
/* The heap for PBUF_RAM: TCP send buffers, received frames, ARP queue. */
#define MEM_SIZE (24 * 1024)
#define MEMP_NUM_PBUF 8
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_SEG 48
/* Several packets may wait for one ARP reply (e.g. SYN-ACKs to the gateway
 * right after boot); with only the last one kept, the others would wait
 * for the peer's retransmission (seconds with QEMU's user network). */
#define ARP_QUEUEING 1
#define MEMP_NUM_ARP_QUEUE 16
/* The driver allocates from the heap, not from a pool. */
#define PBUF_POOL_SIZE 1
#define PBUF_POOL_BUFSIZE 256
/* Its check that the pool can hold a window does not apply then. */
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1

#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN 16
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 4
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 16
#define LWIP_TCP_KEEPALIVE 0
/* Connections the server closes first wait 2 x MSL in TIME_WAIT; lwIP
 * recycles the oldest such PCB when it needs one. */
#define TCP_MSL 10000UL
#define LWIP_CALLBACK_API 1
/* SO_REUSEADDR for listeners (port_net.c), as the host port sets it. */
#define SO_REUSE 1
#define LWIP_NETIF_TX_SINGLE_PBUF 0

#define LWIP_NOASSERT_ON_ERROR 1

#endif
