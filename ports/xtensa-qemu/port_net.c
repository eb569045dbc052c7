/* port_net.c: the sockets of vm/port_dev.h and its wait, on lwIP (raw API,
 * bare metal) over the board's Ethernet (net/ethif.c).
 *
 * Linked into firmware images of programs that use the network (see
 * net/net.mk); others keep port_dev.c's "not supported" sockets and carry
 * no network stack.  The socket table lives here: each descriptor is a
 * slot holding the lwIP PCB, what was received and not yet read (pbufs,
 * whose bytes are acknowledged to the peer with tcp_recved only when read,
 * so the TCP window is the flow control), the accept queue of a listener,
 * and the error that ended a connection.  Readiness is computed from that
 * state by port_dev_wait, which feeds lwIP (frames, timers) and otherwise
 * sleeps in WAITI until the deadline, a frame or lwIP's next timer.
 *
 * Errors follow the host port's: refused (RST to a SYN), reset, closed
 * (writing after our shutdown), out of memory -> would block (wait and
 * retry) for writes, EMFILE for descriptors.
 * ESP-IDF: the BSD socket layer of its lwIP does the same (see
 * vm/port_dev.h); this file is what an lwIP-based board without an OS
 * needs in its place. */
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "port.h"
#include "port_dev.h"
#include "xq_net.h"

/* Socket descriptors start here: apart from semihosting's file numbers. */
#define SOCK_BASE 1000
#ifndef NET_SOCKETS
#define NET_SOCKETS 24
#endif
#define ACCEPT_MAX 16
#define UDP_QUEUE 8

enum kind { K_FREE, K_LISTEN, K_TCP, K_UDP };

struct dgram {
  struct pbuf *p;
  ip4_addr_t from;
  u16_t port;
};

struct sock {
  uint8_t kind;
  uint8_t connecting, peer_closed, read_shut, write_shut;
  int err;                     /* -PORT_DEV_E... that ended it, or 0 */
  union {
    struct tcp_pcb *tcp;
    struct udp_pcb *udp;
  } pcb;
  struct pbuf *rx;             /* TCP: unread data */
  u16_t rx_off;                /* read offset into rx */
  /* Listener: pending connections (slot numbers), ring. */
  uint8_t acc[ACCEPT_MAX];
  uint8_t acc_head, acc_n, acc_max;
  /* UDP: received datagrams, ring. */
  struct dgram dq[UDP_QUEUE];
  uint8_t dq_head, dq_n;
  /* Both ends, kept for port_sock_address after the PCB is gone. */
  ip4_addr_t local_ip, remote_ip;
  u16_t local_port, remote_port;
};

static struct sock net_socks[NET_SOCKETS];

static struct sock *sock_of(int fd)
{
  int i = fd - SOCK_BASE;
  if (i < 0 || i >= NET_SOCKETS || net_socks[i].kind == K_FREE) return NULL;
  return &net_socks[i];
}

static int fd_of(struct sock *s) { return SOCK_BASE + (int)(s - net_socks); }

static struct sock *sock_new(enum kind k)
{
  for (int i = 0; i < NET_SOCKETS; i++)
    if (net_socks[i].kind == K_FREE) {
      memset(&net_socks[i], 0, sizeof net_socks[i]);
      net_socks[i].kind = (uint8_t)k;
      return &net_socks[i];
    }
  return NULL;
}

/* Brings the interface up on first use.  0 or -error. */
static int net_up(void)
{
  return xq_net_start() == 0 ? 0 : -PORT_DEV_ENOTSUP;
}

/* A socket of kind k with the interface up; NULL with *err = -error. */
static struct sock *sock_open(enum kind k, int *err)
{
  *err = net_up();
  if (*err < 0) return NULL;
  struct sock *s = sock_new(k);
  if (s == NULL) *err = -PORT_DEV_EMFILE;
  return s;
}

/* lwIP had no control block to give: the socket goes back. */
static int sock_abandon(struct sock *s)
{
  s->kind = K_FREE;
  return -PORT_DEV_EMFILE;
}

static int lwip_error(err_t e)
{
  switch (e) {
  case ERR_OK: return 0;
  case ERR_MEM: case ERR_BUF: case ERR_WOULDBLOCK: return -PORT_DEV_EAGAIN;
  case ERR_INPROGRESS: return -PORT_DEV_EINPROGRESS;
  case ERR_RTE: return -PORT_DEV_EUNREACHABLE;
  case ERR_USE: case ERR_ISCONN: return -PORT_DEV_EADDRINUSE;
  case ERR_RST: return -PORT_DEV_ERESET;
  case ERR_CLSD: case ERR_CONN: return -PORT_DEV_ECLOSED;
  case ERR_ABRT: return -PORT_DEV_ETIMEDOUT;   /* lwIP gave up retransmitting */
  case ERR_VAL: case ERR_ARG: return -PORT_DEV_EINVAL;
  case ERR_TIMEOUT: return -PORT_DEV_ETIMEDOUT;
  default: return -PORT_DEV_EIO;
  }
}

/* Host clients reach the board through QEMU's forwards from the host's
 * loopback, so a program binding 127.0.0.1 (the safe default on a host)
 * is bound to all of the board's addresses: its own loopback, and its
 * Ethernet address, which only those forwards reach. */
static void bind_address(const uint8_t addr[4], ip_addr_t *a)
{
  if (addr[0] == 127) ip_addr_set_zero_ip4(a);
  else IP_ADDR4(a, addr[0], addr[1], addr[2], addr[3]);
}

static void put_ip(const ip4_addr_t *ip, uint8_t out[4])
{
  uint32_t v = ip4_addr_get_u32(ip);   /* network order in memory */
  memcpy(out, &v, 4);
}

/* ---- TCP callbacks ---- */

static void tcp_detach(struct tcp_pcb *pcb)
{
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
  struct sock *s = arg;
  if (s == NULL) {                    /* closed by the program meanwhile */
    if (p) { tcp_recved(pcb, p->tot_len); pbuf_free(p); }
    return ERR_OK;
  }
  if (p == NULL) {
    s->peer_closed = 1;
    /* Both sides have sent their FIN: the PCB is in CLOSING or TIME_WAIT,
     * where lwIP frees it on its own without calling on_err (a TIME_WAIT
     * PCB is also the first taken when a new peer needs one).  Let go of
     * it now, or the slot would keep a pointer to a PCB given to someone
     * else. */
    if (s->write_shut) {
      tcp_detach(pcb);
      s->pcb.tcp = NULL;
    }
    return ERR_OK;
  }
  if (s->read_shut) {                 /* discarded, as a host does */
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
  }
  if (s->rx == NULL) {
    s->rx = p;
    s->rx_off = 0;
  } else if ((uint32_t)s->rx->tot_len + p->tot_len > 0xffff) {
    return ERR_MEM;                   /* lwIP keeps it and offers it again */
  } else {
    pbuf_cat(s->rx, p);
  }
  return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
  struct sock *s = arg;
  if (s == NULL) return;
  s->pcb.tcp = NULL;                  /* lwIP has freed it */
  /* A reset answering our SYN is a refusal. */
  s->err = s->connecting && err == ERR_RST ? -PORT_DEV_EREFUSED : lwip_error(err);
  if (s->err == 0) s->err = -PORT_DEV_ERESET;
  s->connecting = 0;
}

static void tcp_setup(struct sock *s, struct tcp_pcb *pcb)
{
  s->pcb.tcp = pcb;
  tcp_arg(pcb, s);
  tcp_recv(pcb, on_recv);
  tcp_err(pcb, on_err);
  tcp_nagle_disable(pcb);   /* replies are written whole (as on the host) */
  s->local_ip = *ip_2_ip4(&pcb->local_ip);
  s->local_port = pcb->local_port;
  s->remote_ip = *ip_2_ip4(&pcb->remote_ip);
  s->remote_port = pcb->remote_port;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
  struct sock *l = arg;
  if (pcb == NULL || err != ERR_OK) return ERR_VAL;
  if (l == NULL || l->acc_n >= l->acc_max) {
    tcp_abort(pcb);                   /* backlog full: the peer sees a reset */
    return ERR_ABRT;
  }
  struct sock *s = sock_new(K_TCP);
  if (s == NULL) {
    tcp_abort(pcb);
    return ERR_ABRT;
  }
  tcp_setup(s, pcb);
  /* Below the listener's priority: when a new peer finds every PCB taken,
   * lwIP resets the accepted connection inactive longest to make room
   * (tcp_kill_prio), so idle or slow peers cannot lock the others out. */
  tcp_setprio(pcb, TCP_PRIO_MIN);
  l->acc[(l->acc_head + l->acc_n) % ACCEPT_MAX] = (uint8_t)(s - net_socks);
  l->acc_n++;
  return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
  struct sock *s = arg;
  if (s == NULL) return ERR_OK;
  s->connecting = 0;
  s->local_ip = *ip_2_ip4(&pcb->local_ip);
  s->local_port = pcb->local_port;
  return ERR_OK;
}

/* Frees what a TCP slot holds and closes its PCB (reset if unread data
 * remains, as lwIP and hosts do). */
static void tcp_release(struct sock *s)
{
  if (s->rx) pbuf_free(s->rx);
  s->rx = NULL;
  struct tcp_pcb *pcb = s->pcb.tcp;
  s->pcb.tcp = NULL;
  if (pcb == NULL) return;
  tcp_detach(pcb);
  if (tcp_close(pcb) != ERR_OK) tcp_abort(pcb);
}

/* ---- TCP ---- */

int port_tcp_listen(const uint8_t addr[4], int port, int backlog)
{
  int r;
  struct sock *s = sock_open(K_LISTEN, &r);
  if (s == NULL) return r;
  struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
  if (pcb == NULL) return sock_abandon(s);
  ip_addr_t a;
  bind_address(addr, &a);
  /* Like SO_REUSEADDR on the host: rebinding while old connections of the
   * port linger in TIME_WAIT is allowed. */
  ip_set_option(pcb, SOF_REUSEADDR);
  err_t e = tcp_bind(pcb, &a, (u16_t)port);
  if (e != ERR_OK) {
    tcp_abort(pcb);
    s->kind = K_FREE;
    return lwip_error(e);
  }
  int b = backlog < 4 ? 4 : backlog > ACCEPT_MAX ? ACCEPT_MAX : backlog;
  /* ERR_USE here: another listener holds the port (both had REUSEADDR). */
  struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(pcb, (u8_t)(b * 2), &e);
  if (lpcb == NULL) {
    tcp_abort(pcb);
    s->kind = K_FREE;
    return e == ERR_MEM ? -PORT_DEV_EMFILE : lwip_error(e);
  }
  s->pcb.tcp = lpcb;
  s->acc_max = (uint8_t)b;
  s->local_ip = *ip_2_ip4(&lpcb->local_ip);
  s->local_port = lpcb->local_port;
  tcp_arg(lpcb, s);
  tcp_accept(lpcb, on_accept);
  return fd_of(s);
}

/* lwIP's active PCBs less 4: connections in TIME_WAIT (recycled oldest
 * first) and those being opened keep some. */
int port_tcp_connection_limit(void)
{
  return MEMP_NUM_TCP_PCB > 8 ? MEMP_NUM_TCP_PCB - 4 : MEMP_NUM_TCP_PCB / 2 + 1;
}

int port_tcp_accept(int fd, uint8_t peer[4], int *peer_port)
{
  struct sock *l = sock_of(fd);
  if (l == NULL || l->kind != K_LISTEN) return -PORT_DEV_EINVAL;
  xq_net_poll();
  if (l->acc_n == 0) return -PORT_DEV_EAGAIN;
  struct sock *s = &net_socks[l->acc[l->acc_head]];
  l->acc_head = (uint8_t)((l->acc_head + 1) % ACCEPT_MAX);
  l->acc_n--;
  put_ip(&s->remote_ip, peer);
  *peer_port = s->remote_port;
  return fd_of(s);
}

int port_tcp_connect(const uint8_t addr[4], int port, int *fd)
{
  *fd = -1;
  int r;
  struct sock *s = sock_open(K_TCP, &r);
  if (s == NULL) return r;
  struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
  if (pcb == NULL) return sock_abandon(s);
  ip_addr_t a;
  IP_ADDR4(&a, addr[0], addr[1], addr[2], addr[3]);
  tcp_setup(s, pcb);
  s->remote_ip = *ip_2_ip4(&a);
  s->remote_port = (u16_t)port;
  s->connecting = 1;
  err_t e = tcp_connect(pcb, &a, (u16_t)port, on_connected);
  if (e != ERR_OK) {
    tcp_detach(pcb);
    tcp_abort(pcb);
    s->kind = K_FREE;
    return lwip_error(e);
  }
  *fd = fd_of(s);
  return -PORT_DEV_EINPROGRESS;
}

int port_tcp_connect_result(int fd)
{
  struct sock *s = sock_of(fd);
  if (s == NULL || s->kind != K_TCP) return -PORT_DEV_EINVAL;
  return s->err;   /* 0 while connecting too, like SO_ERROR */
}

long port_sock_read(int fd, void *buf, size_t n)
{
  struct sock *s = sock_of(fd);
  if (s == NULL) return -PORT_DEV_EINVAL;
  if (s->kind == K_UDP) {
    uint8_t a[4];
    int p;
    return port_udp_recvfrom(fd, buf, n, a, &p);
  }
  if (s->kind != K_TCP) return -PORT_DEV_EINVAL;
  xq_net_poll();
  if (s->rx == NULL) {
    if (s->read_shut || s->peer_closed) return 0;
    if (s->err) return s->err;
    return s->connecting || s->pcb.tcp ? -PORT_DEV_EAGAIN : 0;
  }
  u16_t avail = (u16_t)(s->rx->tot_len - s->rx_off);
  u16_t k = n < avail ? (u16_t)n : avail;
  pbuf_copy_partial(s->rx, buf, k, s->rx_off);
  /* Drop the pbufs wholly read; keep the offset into the next. */
  u16_t drop = (u16_t)(s->rx_off + k);
  while (s->rx && drop >= s->rx->len) {
    struct pbuf *p = s->rx;
    drop = (u16_t)(drop - p->len);
    s->rx = p->next;
    if (s->rx) pbuf_ref(s->rx);
    pbuf_free(p);
  }
  s->rx_off = drop;
  if (s->pcb.tcp) tcp_recved(s->pcb.tcp, k);
  return k;
}

/* Whether a write of at least one byte can be queued now. */
static int tcp_can_write(const struct sock *s)
{
  const struct tcp_pcb *pcb = s->pcb.tcp;
  return pcb && !s->connecting && tcp_sndbuf(pcb) > 0 &&
         tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN - 1;
}

long port_sock_write(int fd, const void *buf, size_t n)
{
  struct sock *s = sock_of(fd);
  if (s == NULL || s->kind != K_TCP) return -PORT_DEV_EINVAL;
  if (s->write_shut) return -PORT_DEV_ECLOSED;
  xq_net_poll();                       /* ACKs may be waiting */
  if (s->pcb.tcp == NULL) return s->err ? s->err : -PORT_DEV_ECLOSED;
  if (s->connecting || !tcp_can_write(s)) return -PORT_DEV_EAGAIN;
  struct tcp_pcb *pcb = s->pcb.tcp;
  size_t k = n < tcp_sndbuf(pcb) ? n : tcp_sndbuf(pcb);
  if (k > 0xffff) k = 0xffff;
  /* Out of memory for the whole: try one segment, else wait. */
  err_t e = tcp_write(pcb, buf, (u16_t)k, TCP_WRITE_FLAG_COPY);
  if (e == ERR_MEM && k > TCP_MSS) {
    k = TCP_MSS;
    e = tcp_write(pcb, buf, (u16_t)k, TCP_WRITE_FLAG_COPY);
  }
  if (e == ERR_MEM) {
    tcp_output(pcb);
    return -PORT_DEV_EAGAIN;
  }
  if (e != ERR_OK) return lwip_error(e);
  tcp_output(pcb);
  return (long)k;
}

int port_sock_shutdown(int fd, int how)
{
  struct sock *s = sock_of(fd);
  if (s == NULL || s->kind != K_TCP) return -PORT_DEV_EINVAL;
  if (s->pcb.tcp == NULL && !s->err) return -PORT_DEV_ECLOSED;
  if (how & PORT_DEV_SHUT_READ) {
    s->read_shut = 1;
    if (s->rx) {
      if (s->pcb.tcp) tcp_recved(s->pcb.tcp, (u16_t)(s->rx->tot_len - s->rx_off));
      pbuf_free(s->rx);
      s->rx = NULL;
    }
  }
  if ((how & PORT_DEV_SHUT_WRITE) && !s->write_shut) {
    s->write_shut = 1;
    if (s->pcb.tcp) {
      err_t e = tcp_shutdown(s->pcb.tcp, 0, 1);
      if (e != ERR_OK) return lwip_error(e);
      tcp_output(s->pcb.tcp);
    }
  }
  return 0;
}

int port_sock_close(int fd)
{
  struct sock *s = sock_of(fd);
  if (s == NULL) return -PORT_DEV_EINVAL;
  switch (s->kind) {
  case K_TCP:
    tcp_release(s);
    break;
  case K_LISTEN:
    /* Connections never accepted go with it. */
    while (s->acc_n > 0) {
      struct sock *c = &net_socks[s->acc[s->acc_head]];
      s->acc_head = (uint8_t)((s->acc_head + 1) % ACCEPT_MAX);
      s->acc_n--;
      if (c->pcb.tcp) {
        struct tcp_pcb *pcb = c->pcb.tcp;
        c->pcb.tcp = NULL;
        tcp_detach(pcb);
        tcp_abort(pcb);
      }
      tcp_release(c);
      c->kind = K_FREE;
    }
    if (s->pcb.tcp) {
      tcp_arg(s->pcb.tcp, NULL);
      tcp_accept(s->pcb.tcp, NULL);
      tcp_close(s->pcb.tcp);
    }
    break;
  case K_UDP:
    while (s->dq_n > 0) {
      pbuf_free(s->dq[s->dq_head].p);
      s->dq_head = (uint8_t)((s->dq_head + 1) % UDP_QUEUE);
      s->dq_n--;
    }
    if (s->pcb.udp) udp_remove(s->pcb.udp);
    break;
  }
  s->pcb.tcp = NULL;
  s->kind = K_FREE;
  return 0;
}

int port_sock_address(int fd, int peer, uint8_t addr[4], int *port)
{
  struct sock *s = sock_of(fd);
  if (s == NULL) return -PORT_DEV_EINVAL;
  if (peer) {
    if (s->kind != K_TCP) return -PORT_DEV_ECLOSED;   /* ENOTCONN */
    put_ip(&s->remote_ip, addr);
    *port = s->remote_port;
  } else {
    put_ip(&s->local_ip, addr);
    *port = s->local_port;
  }
  return 0;
}

/* ---- UDP ---- */

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
  struct sock *s = arg;
  if (s == NULL || s->dq_n >= UDP_QUEUE) {   /* a full receive buffer drops */
    pbuf_free(p);
    return;
  }
  struct dgram *d = &s->dq[(s->dq_head + s->dq_n) % UDP_QUEUE];
  d->p = p;
  d->from = *ip_2_ip4(addr);
  d->port = port;
  s->dq_n++;
}

int port_udp_bind(const uint8_t addr[4], int port)
{
  int r;
  struct sock *s = sock_open(K_UDP, &r);
  if (s == NULL) return r;
  struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V4);
  if (pcb == NULL) return sock_abandon(s);
  ip_addr_t a;
  bind_address(addr, &a);
  err_t e = udp_bind(pcb, &a, (u16_t)port);
  if (e != ERR_OK) {
    udp_remove(pcb);
    s->kind = K_FREE;
    return lwip_error(e);
  }
  s->pcb.udp = pcb;
  s->local_ip = *ip_2_ip4(&pcb->local_ip);
  s->local_port = pcb->local_port;
  udp_recv(pcb, on_udp, s);
  return fd_of(s);
}

long port_udp_sendto(int fd, const void *buf, size_t n, const uint8_t addr[4], int port)
{
  struct sock *s = sock_of(fd);
  if (s == NULL || s->kind != K_UDP) return -PORT_DEV_EINVAL;
  /* No IP fragmentation on the board: one datagram per Ethernet frame. */
  if (n > 1500 - 28) return -PORT_DEV_EINVAL;
  struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
  if (p == NULL) {
    xq_net_poll();
    return -PORT_DEV_EAGAIN;
  }
  memcpy(p->payload, buf, n);
  ip_addr_t a;
  IP_ADDR4(&a, addr[0], addr[1], addr[2], addr[3]);
  err_t e = udp_sendto(s->pcb.udp, p, &a, (u16_t)port);
  pbuf_free(p);
  if (e != ERR_OK) return lwip_error(e);
  s->local_port = s->pcb.udp->local_port;
  return (long)n;
}

long port_udp_recvfrom(int fd, void *buf, size_t n, uint8_t addr[4], int *port)
{
  struct sock *s = sock_of(fd);
  if (s == NULL || s->kind != K_UDP) return -PORT_DEV_EINVAL;
  if (s->dq_n == 0) xq_net_poll();
  if (s->dq_n == 0) return -PORT_DEV_EAGAIN;
  struct dgram *d = &s->dq[s->dq_head];
  s->dq_head = (uint8_t)((s->dq_head + 1) % UDP_QUEUE);
  s->dq_n--;
  /* Like recvfrom: the rest of a datagram longer than buf is lost. */
  u16_t k = n < d->p->tot_len ? (u16_t)n : d->p->tot_len;
  pbuf_copy_partial(d->p, buf, k, 0);
  pbuf_free(d->p);
  put_ip(&d->from, addr);
  *port = d->port;
  return k;
}

/* ---- The wait ---- */

static int ready_of(const struct sock *s)
{
  switch (s->kind) {
  case K_LISTEN:
    return s->acc_n > 0 ? PORT_DEV_READABLE : 0;
  case K_TCP: {
    int failed = s->pcb.tcp == NULL;   /* reset, refused, timed out, closed */
    int r = (s->rx || s->peer_closed || s->read_shut || failed) ? PORT_DEV_READABLE : 0;
    if (failed || s->write_shut || (!s->connecting && tcp_can_write(s))) r |= PORT_DEV_WRITABLE;
    return r;
  }
  case K_UDP:
    return (s->dq_n > 0 ? PORT_DEV_READABLE : 0) | PORT_DEV_WRITABLE;
  default:
    return 0;
  }
}

/* Readiness of every descriptor; those that are not sockets of this file
 * (console, files) count as ready, as a host's poll reports them. */
static int scan(struct port_dev_poll *fds, int n)
{
  int count = 0;
  for (int i = 0; i < n; i++) {
    struct sock *s = sock_of(fds[i].fd);
    int r = s ? ready_of(s) : PORT_DEV_READABLE | PORT_DEV_WRITABLE;
    fds[i].ready = r & fds[i].events;
    if (fds[i].ready) count++;
  }
  return count;
}

int port_dev_wait(struct port_dev_poll *fds, int n, uint64_t deadline_ns)
{
  if (deadline_ns == PORT_DEV_FOREVER && n == 0) return 0;
  for (;;) {
    xq_net_poll();
    int count = scan(fds, n);
    if (count > 0) return count;
    if (port_monotonic_ns() >= deadline_ns) return 0;
    xq_net_idle(deadline_ns);
  }
}
