/* prim_dev_net.c: TCP and UDP sockets (vm/port_dev.h).  Descriptors are
 * non-blocking; results are >= 0 or a negative error class.  Addresses are
 * 4-byte strings; (address, port) pairs travel as 6-byte strings, the port
 * in the last two bytes, big-endian. */
#include "prim_dev.h"

PRIM value ucaml_net_tcp_listen(value addr, value port, value backlog)
{
  const uint8_t *a = dev_ipv4(addr);
  if (a == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  return val_long(port_tcp_listen(a, int_val(port), int_val(backlog)));
}

PRIM value ucaml_net_connection_limit(value unit)
{
  return val_long(port_tcp_connection_limit());
}

PRIM value ucaml_net_tcp_accept(value fd)
{
  uint8_t peer[4];
  int port;
  return val_long(port_tcp_accept(int_val(fd), peer, &port));
}

/* The descriptor of a connection being made (wait until writable, then ask
 * ucaml_net_connect_result), or an error. */
PRIM value ucaml_net_tcp_connect(value addr, value port)
{
  const uint8_t *a = dev_ipv4(addr);
  if (a == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  int fd = -1;
  int r = port_tcp_connect(a, int_val(port), &fd);
  if (r == -PORT_DEV_EINPROGRESS) return val_long(fd);
  return val_long(r);
}

PRIM value ucaml_net_connect_result(value fd)
{
  return val_long(port_tcp_connect_result(int_val(fd)));
}

PRIM value ucaml_net_read(value fd, value ba, value off, value len)
{
  unsigned char *p = dev_bigarray_range(ba, off, len);
  if (p == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  return val_long(port_sock_read(int_val(fd), p, (size_t)long_val(len)));
}

PRIM value ucaml_net_write(value fd, value ba, value off, value len)
{
  unsigned char *p = dev_bigarray_range(ba, off, len);
  if (p == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  return val_long(port_sock_write(int_val(fd), p, (size_t)long_val(len)));
}

PRIM value ucaml_net_shutdown(value fd, value how)
{
  return val_long(port_sock_shutdown(int_val(fd), int_val(how)));
}

PRIM value ucaml_net_close(value fd) { return val_long(port_sock_close(int_val(fd))); }

static void put_endpoint(value out, const uint8_t addr[4], int port)
{
  unsigned char *o = bytes_ptr(out);
  memcpy(o, addr, 4);
  o[4] = (unsigned char)(port >> 8);
  o[5] = (unsigned char)port;
}

static int get_endpoint(value e, uint8_t addr[4])
{
  const unsigned char *s = (const unsigned char *)string_ptr(e);
  memcpy(addr, s, 4);
  return (s[4] << 8) | s[5];
}

/* Writes the local (peer = false) or remote end into the 6-byte `out`. */
PRIM value ucaml_net_endpoint(value fd, value peer, value out)
{
  if (string_length(out) != 6) return DEV_ERROR(PORT_DEV_EINVAL);
  uint8_t addr[4];
  int port;
  int r = port_sock_address(int_val(fd), bool_val(peer), addr, &port);
  if (r < 0) return val_long(r);
  put_endpoint(out, addr, port);
  return val_long(0);
}

PRIM value ucaml_net_udp_bind(value addr, value port)
{
  const uint8_t *a = dev_ipv4(addr);
  if (a == NULL) return DEV_ERROR(PORT_DEV_EINVAL);
  return val_long(port_udp_bind(a, int_val(port)));
}

PRIM value ucaml_net_udp_sendto(value fd, value ba, value off, value len, value dst)
{
  unsigned char *p = dev_bigarray_range(ba, off, len);
  if (p == NULL || string_length(dst) != 6) return DEV_ERROR(PORT_DEV_EINVAL);
  uint8_t addr[4];
  int port = get_endpoint(dst, addr);
  return val_long(port_udp_sendto(int_val(fd), p, (size_t)long_val(len), addr, port));
}

/* Receives one datagram; its sender goes into the 6-byte `src`. */
PRIM value ucaml_net_udp_recvfrom(value fd, value ba, value off, value len, value src)
{
  unsigned char *p = dev_bigarray_range(ba, off, len);
  if (p == NULL || string_length(src) != 6) return DEV_ERROR(PORT_DEV_EINVAL);
  uint8_t addr[4];
  int port = 0;
  long r = port_udp_recvfrom(int_val(fd), p, (size_t)long_val(len), addr, &port);
  if (r >= 0) put_endpoint(src, addr, port);
  return val_long(r);
}
