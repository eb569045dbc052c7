/* nettest.c: a C-level test firmware for the board's network stack (lwIP
 * over the OpenCores MAC, without the VM): TCP echo and UDP echo on port 7,
 * a minimal HTTP/1.1 responder on port 80 (GET / gives a fixed page, any
 * other path 404; keep-alive unless "Connection: close").  Argument: seconds
 * to run (default 60); at exit it prints the driver's counters.
 *   ports/xtensa-qemu/run.sh --forward 18080:80 --forward 18007:7 \
 *     --forward udp:18007:7 build/xtensa-qemu/nettest.elf 30 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "opencores_eth.h"
#include "port.h"
#include "xq.h"
#include "xq_net.h"

int main(void);

#define MAX_CONN 16

struct conn {
  struct tcp_pcb *pcb;
  struct pbuf *pending;      /* echo: received, not yet queued for sending */
  int http;
  int close_after;           /* http: close once the response is acked */
  size_t hlen;
  char head[512];            /* http: the request so far */
};
static struct conn conns[MAX_CONN];
static unsigned long accepted, served, refused;

static char page[1751];
static const char *not_found = "not found\n";

static struct conn *conn_new(struct tcp_pcb *pcb, int http)
{
  for (int i = 0; i < MAX_CONN; i++)
    if (conns[i].pcb == NULL) {
      memset(&conns[i], 0, sizeof conns[i]);
      conns[i].pcb = pcb;
      conns[i].http = http;
      return &conns[i];
    }
  return NULL;
}

static void conn_free(struct conn *c)
{
  if (c->pending) pbuf_free(c->pending);
  c->pending = NULL;
  c->pcb = NULL;
}

static void conn_close(struct conn *c)
{
  struct tcp_pcb *pcb = c->pcb;
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
  tcp_poll(pcb, NULL, 0);
  conn_free(c);
  if (tcp_close(pcb) != ERR_OK) tcp_abort(pcb);
}

/* Echo: queue as much pending data as the send buffer takes, and open the
 * receive window by what left the pending queue. */
static void echo_flush(struct conn *c)
{
  while (c->pending) {
    struct pbuf *p = c->pending;
    u16_t room = tcp_sndbuf(c->pcb);
    if (room == 0) break;
    u16_t n = p->len < room ? p->len : room;
    if (tcp_write(c->pcb, p->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK) break;
    tcp_recved(c->pcb, n);
    if (n == p->len) {
      c->pending = p->next;
      if (p->next) pbuf_ref(p->next);
      pbuf_free(p);   /* frees just this one (the rest has its own ref) */
    } else {
      pbuf_remove_header(p, n);
    }
  }
  tcp_output(c->pcb);
}

static void http_respond(struct conn *c)
{
  char hdr[160];
  int ok = strncmp(c->head, "GET / ", 6) == 0 || strncmp(c->head, "GET /index.html ", 16) == 0;
  const char *body = ok ? page : not_found;
  size_t blen = ok ? sizeof page : strlen(not_found);
  int n = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %s\r\nContent-Type: text/%s\r\nContent-Length: %u\r\n%s\r\n",
                   ok ? "200 OK" : "404 Not Found", ok ? "html" : "plain", (unsigned)blen,
                   c->close_after ? "Connection: close\r\n" : "");
  if (tcp_sndbuf(c->pcb) < n + blen ||
      tcp_write(c->pcb, hdr, (u16_t)n, TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE) != ERR_OK ||
      tcp_write(c->pcb, body, (u16_t)blen, 0) != ERR_OK) {
    conn_close(c);   /* should not happen: the send buffer holds a page */
    return;
  }
  served++;
  tcp_output(c->pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
  struct conn *c = arg;
  if (c == NULL) return ERR_OK;
  if (c->http) {
    if (c->close_after && pcb->unsent == NULL && pcb->unacked == NULL) conn_close(c);
  } else {
    echo_flush(c);
  }
  return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
  struct conn *c = arg;
  if (c == NULL) {
    if (p) { tcp_recved(pcb, p->tot_len); pbuf_free(p); }
    return ERR_OK;
  }
  if (p == NULL) {                 /* the peer closed */
    conn_close(c);
    return ERR_OK;
  }
  if (!c->http) {
    if (c->pending) pbuf_cat(c->pending, p); else c->pending = p;
    echo_flush(c);
    return ERR_OK;
  }
  u16_t total = p->tot_len;
  for (struct pbuf *q = p; q; q = q->next) {
    const char *s = q->payload;
    for (u16_t i = 0; i < q->len; i++) {
      if (c->hlen < sizeof c->head - 1) c->head[c->hlen++] = s[i];
      c->head[c->hlen] = 0;
      if (c->hlen >= 4 && memcmp(c->head + c->hlen - 4, "\r\n\r\n", 4) == 0) {
        c->close_after = strstr(c->head, "Connection: close") != NULL ||
                         strstr(c->head, "HTTP/1.0") != NULL;
        http_respond(c);
        if (c->pcb == NULL) { pbuf_free(p); return ERR_OK; }
        c->hlen = 0;
      }
    }
  }
  tcp_recved(pcb, total);
  pbuf_free(p);
  return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
  struct conn *c = arg;
  if (c) conn_free(c);   /* the pcb is already gone */
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
  if (err != ERR_OK || pcb == NULL) return ERR_VAL;
  struct conn *c = conn_new(pcb, arg != NULL);
  if (c == NULL) {
    refused++;
    tcp_abort(pcb);
    return ERR_ABRT;
  }
  accepted++;
  tcp_arg(pcb, c);
  tcp_recv(pcb, on_recv);
  tcp_sent(pcb, on_sent);
  tcp_err(pcb, on_err);
  tcp_nagle_disable(pcb);
  return ERR_OK;
}

/* "stats" over UDP: the counters and the state of every TCP connection. */
static void send_stats(struct udp_pcb *pcb, const ip_addr_t *addr, u16_t port)
{
  static char msg[1024];
  const struct oeth_stats *s = oeth_stats();
  int n = snprintf(msg, sizeof msg, "accepted %lu served %lu refused %lu rx %lu rx_busy %lu rx_max_batch %lu tx %lu\n",
                   accepted, served, refused, (unsigned long)s->rx_frames,
                   (unsigned long)s->rx_dropped_busy, (unsigned long)s->rx_max_batch,
                   (unsigned long)s->tx_frames);
  for (struct tcp_pcb *t = tcp_active_pcbs; t && n < (int)sizeof msg - 80; t = t->next)
    n += snprintf(msg + n, sizeof msg - (size_t)n, "%u->%u state %d unsent %d unacked %d rcv_wnd %u snd_wnd %u\n",
                  t->local_port, t->remote_port, (int)t->state,
                  t->unsent != NULL, t->unacked != NULL, t->rcv_wnd, t->snd_wnd);
  struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
  if (q == NULL) return;
  memcpy(q->payload, msg, (size_t)n);
  udp_sendto(pcb, q, addr, port);
  pbuf_free(q);
}

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
  if (p->tot_len == 5 && memcmp(p->payload, "stats", 5) == 0) send_stats(pcb, addr, port);
  else udp_sendto(pcb, p, addr, port);
  pbuf_free(p);
}

static void listen_on(u16_t port, void *arg)
{
  struct tcp_pcb *pcb = tcp_new();
  if (pcb == NULL || tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) port_exit(3);
  pcb = tcp_listen_with_backlog(pcb, 8);
  tcp_arg(pcb, arg);
  tcp_accept(pcb, on_accept);
}

int main(void)
{
  port_init();
  int argc;
  char **argv = bare_host_argv(&argc);
  double secs = argc > 1 ? atof(argv[1]) : 60;
  for (size_t i = 0; i < sizeof page; i++) page[i] = (char)('a' + i % 26);
  memcpy(page, "<!doctype html><title>ucaml</title>\n", 36);
  page[sizeof page - 1] = '\n';

  if (xq_net_start() != 0) {
    fprintf(stderr, "nettest: no network interface\n");
    return 2;
  }
  listen_on(7, NULL);
  listen_on(80, page);
  struct udp_pcb *u = udp_new();
  udp_bind(u, IP_ANY_TYPE, 7);
  udp_recv(u, on_udp, NULL);
  fprintf(stderr, "nettest: up\n");

  uint64_t end = port_monotonic_ns() + (uint64_t)(secs * 1e9);
  unsigned long wakeups = 0;
  while (port_monotonic_ns() < end) {
    xq_net_poll();
    xq_net_idle(end);
    wakeups++;
  }
  const struct oeth_stats *s = oeth_stats();
  fprintf(stderr, "nettest: accepted %lu served %lu refused %lu wakeups %lu rx %lu "
          "rx_err %lu rx_busy %lu tx %lu tx_busy %lu\n",
          accepted, served, refused, wakeups, (unsigned long)s->rx_frames,
          (unsigned long)s->rx_errors, (unsigned long)s->rx_dropped_busy,
          (unsigned long)s->tx_frames, (unsigned long)s->tx_busy);
  return 0;
}
