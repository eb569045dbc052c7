/* prim_unix_net.c: the Unix library's sockets, addresses and name services.
 *
 * Unix.inet_addr is a string of the address's 4 or 16 bytes (network
 * order); Unix.sockaddr is ADDR_UNIX of string (tag 0) or ADDR_INET of
 * inet_addr * port (tag 1). */
#define _GNU_SOURCE   /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "unix_prims.h"

#define IO_CHUNK 65536

static const int domains[] = {AF_UNIX, AF_INET, AF_INET6};
static const int socket_types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET};
static const int msg_flags[] = {MSG_OOB, MSG_DONTROUTE, MSG_PEEK};

static value domain_value(int af) { return val_int(af == AF_UNIX ? 0 : af == AF_INET ? 1 : 2); }
static value socket_type_value(int t) {
  return val_int(t == SOCK_STREAM ? 0 : t == SOCK_DGRAM ? 1 : t == SOCK_RAW ? 2 : 3);
}

union sockaddr_any {
  struct sockaddr gen;
  struct sockaddr_un un;
  struct sockaddr_in in;
  struct sockaddr_in6 in6;
  struct sockaddr_storage storage;
};

static void sockaddr_of_value(value a, union sockaddr_any *sa, socklen_t *len) {
  memset(sa, 0, sizeof *sa);
  if (tag_val(a) == 0) {
    value path = field(a, 0);
    mlsize_t n = string_length(path);
    if (n >= sizeof sa->un.sun_path) uc_unix_error(ENAMETOOLONG, "", path);
    sa->un.sun_family = AF_UNIX;
    memcpy(sa->un.sun_path, string_ptr(path), n);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    return;
  }
  value addr = field(a, 0);
  int port = int_val(field(a, 1));
  if (string_length(addr) == 16) {
    sa->in6.sin6_family = AF_INET6;
    memcpy(&sa->in6.sin6_addr, string_ptr(addr), 16);
    sa->in6.sin6_port = htons((uint16_t)port);
    *len = sizeof sa->in6;
  } else {
    sa->in.sin_family = AF_INET;
    memcpy(&sa->in.sin_addr, string_ptr(addr), 4);
    sa->in.sin_port = htons((uint16_t)port);
    *len = sizeof sa->in;
  }
}

static value value_of_sockaddr(const union sockaddr_any *sa, socklen_t len) {
  if (len < offsetof(struct sockaddr, sa_data) || sa->gen.sa_family == AF_UNIX) {
    /* An unnamed Unix socket may leave the family unset. */
    size_t n = 0, off = offsetof(struct sockaddr_un, sun_path);
    if (len > off) {
      n = len - off;
      /* Abstract names start with NUL and are taken whole. */
      if (sa->un.sun_path[0] != 0) n = strnlen(sa->un.sun_path, n);
    }
    value path = uc_copy_bytes(sa->un.sun_path, (mlsize_t)n);
    UC_ROOTS1(path);
    value r = uc_alloc_small(1, 0);
    field(r, 0) = path;
    UC_RETURN(r);
  }
  value addr;
  int port;
  if (sa->gen.sa_family == AF_INET) {
    addr = uc_copy_bytes(&sa->in.sin_addr, 4);
    port = ntohs(sa->in.sin_port);
  } else if (sa->gen.sa_family == AF_INET6) {
    addr = uc_copy_bytes(&sa->in6.sin6_addr, 16);
    port = ntohs(sa->in6.sin6_port);
  } else {
    uc_unix_error(EAFNOSUPPORT, "", VAL_UNIT);
  }
  UC_ROOTS1(addr);
  value r = uc_alloc_small(2, 1);
  field(r, 0) = addr;
  field(r, 1) = val_int(port);
  UC_RETURN(r);
}

static int cloexec_of(value opt) { return opt != VAL_NONE && bool_val(some_val(opt)); }

PRIM value unix_socket(value cloexec, value domain, value type, value proto) {
  int t = socket_types[int_val(type)] | (cloexec_of(cloexec) ? SOCK_CLOEXEC : 0);
  int fd = socket(domains[int_val(domain)], t, int_val(proto));
  if (fd == -1) uc_unix_fail("socket", VAL_UNIT);
  return val_int(fd);
}

PRIM value unix_socketpair(value cloexec, value domain, value type, value proto) {
  int fds[2];
  int t = socket_types[int_val(type)] | (cloexec_of(cloexec) ? SOCK_CLOEXEC : 0);
  if (socketpair(domains[int_val(domain)], t, int_val(proto), fds) == -1) uc_unix_fail("socketpair", VAL_UNIT);
  value r = uc_alloc_small(2, 0);
  field(r, 0) = val_int(fds[0]);
  field(r, 1) = val_int(fds[1]);
  return r;
}

PRIM value unix_accept(value cloexec, value fd) {
  union sockaddr_any sa;
  socklen_t len = sizeof sa;
  int s = accept4(int_val(fd), &sa.gen, &len, cloexec_of(cloexec) ? SOCK_CLOEXEC : 0);
  if (s == -1) uc_unix_fail("accept", VAL_UNIT);
  value addr = value_of_sockaddr(&sa, len);
  UC_ROOTS1(addr);
  value r = uc_alloc_small(2, 0);
  field(r, 0) = val_int(s);
  field(r, 1) = addr;
  UC_RETURN(r);
}

PRIM value unix_bind(value fd, value addr) {
  union sockaddr_any sa;
  socklen_t len;
  sockaddr_of_value(addr, &sa, &len);
  if (bind(int_val(fd), &sa.gen, len) == -1) uc_unix_fail("bind", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_connect(value fd, value addr) {
  union sockaddr_any sa;
  socklen_t len;
  sockaddr_of_value(addr, &sa, &len);
  if (connect(int_val(fd), &sa.gen, len) == -1) uc_unix_fail("connect", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_listen(value fd, value backlog) {
  if (listen(int_val(fd), int_val(backlog)) == -1) uc_unix_fail("listen", VAL_UNIT);
  return VAL_UNIT;
}

static const int shutdown_commands[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};

PRIM value unix_shutdown(value fd, value cmd) {
  if (shutdown(int_val(fd), shutdown_commands[int_val(cmd)]) == -1) uc_unix_fail("shutdown", VAL_UNIT);
  return VAL_UNIT;
}

PRIM value unix_getsockname(value fd) {
  union sockaddr_any sa;
  socklen_t len = sizeof sa;
  if (getsockname(int_val(fd), &sa.gen, &len) == -1) uc_unix_fail("getsockname", VAL_UNIT);
  return value_of_sockaddr(&sa, len);
}

PRIM value unix_getpeername(value fd) {
  union sockaddr_any sa;
  socklen_t len = sizeof sa;
  if (getpeername(int_val(fd), &sa.gen, &len) == -1) uc_unix_fail("getpeername", VAL_UNIT);
  return value_of_sockaddr(&sa, len);
}

static size_t chunk(value len) {
  intnat n = long_val(len);
  return n > IO_CHUNK ? IO_CHUNK : (size_t)n;
}

PRIM value unix_recv(value fd, value buf, value ofs, value len, value flags) {
  ssize_t r = recv(int_val(fd), bytes_ptr(buf) + long_val(ofs), chunk(len), uc_unix_flags(flags, msg_flags, 3));
  if (r == -1) uc_unix_fail("recv", VAL_UNIT);
  return val_long(r);
}

PRIM value unix_recvfrom(value fd, value buf, value ofs, value len, value flags) {
  union sockaddr_any sa;
  socklen_t alen = sizeof sa;
  ssize_t r = recvfrom(int_val(fd), bytes_ptr(buf) + long_val(ofs), chunk(len),
                       uc_unix_flags(flags, msg_flags, 3), &sa.gen, &alen);
  if (r == -1) uc_unix_fail("recvfrom", VAL_UNIT);
  value addr = value_of_sockaddr(&sa, alen);
  UC_ROOTS1(addr);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = val_long(r);
  field(res, 1) = addr;
  UC_RETURN(res);
}

PRIM value unix_send(value fd, value buf, value ofs, value len, value flags) {
  ssize_t r = send(int_val(fd), bytes_ptr(buf) + long_val(ofs), chunk(len), uc_unix_flags(flags, msg_flags, 3));
  if (r == -1) uc_unix_fail("send", VAL_UNIT);
  return val_long(r);
}

PRIM value unix_sendto(value *argv, int argc) {
  union sockaddr_any sa;
  socklen_t alen;
  sockaddr_of_value(argv[5], &sa, &alen);
  ssize_t r = sendto(int_val(argv[0]), bytes_ptr(argv[1]) + long_val(argv[2]), chunk(argv[3]),
                     uc_unix_flags(argv[4], msg_flags, 3), &sa.gen, alen);
  if (r == -1) uc_unix_fail("sendto", VAL_UNIT);
  return val_long(r);
}

/* ---- socket options: the tables follow Unix.socket_*_option ---- */

struct sockopt { int level, name; };
static const struct sockopt bool_opts[] = {
  {SOL_SOCKET, SO_DEBUG}, {SOL_SOCKET, SO_BROADCAST}, {SOL_SOCKET, SO_REUSEADDR},
  {SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_DONTROUTE}, {SOL_SOCKET, SO_OOBINLINE},
  {SOL_SOCKET, SO_ACCEPTCONN}, {IPPROTO_TCP, TCP_NODELAY}, {IPPROTO_IPV6, IPV6_V6ONLY},
  {SOL_SOCKET, SO_REUSEPORT},
};
static const struct sockopt int_opts[] = {
  {SOL_SOCKET, SO_SNDBUF}, {SOL_SOCKET, SO_RCVBUF}, {SOL_SOCKET, SO_ERROR},
  {SOL_SOCKET, SO_TYPE}, {SOL_SOCKET, SO_RCVLOWAT}, {SOL_SOCKET, SO_SNDLOWAT},
};
static const struct sockopt linger_opts[] = {{SOL_SOCKET, SO_LINGER}};
static const struct sockopt float_opts[] = {{SOL_SOCKET, SO_RCVTIMEO}, {SOL_SOCKET, SO_SNDTIMEO}};
static const struct sockopt error_opts[] = {{SOL_SOCKET, SO_ERROR}};
static const struct sockopt *const opt_tables[] = {bool_opts, int_opts, linger_opts, float_opts, error_opts};
static const char *const get_names[] = {"getsockopt", "getsockopt_int", "getsockopt_optint",
                                        "getsockopt_float", "getsockopt_error"};
static const char *const set_names[] = {"setsockopt", "setsockopt_int", "setsockopt_optint",
                                        "setsockopt_float", "setsockopt_error"};

PRIM value unix_getsockopt(value kind, value fd, value opt) {
  int k = int_val(kind);
  const struct sockopt *o = &opt_tables[k][int_val(opt)];
  union { int i; struct linger lg; struct timeval tv; } v;
  socklen_t len = k == 2 ? sizeof v.lg : k == 3 ? sizeof v.tv : sizeof v.i;
  if (getsockopt(int_val(fd), o->level, o->name, &v, &len) == -1) uc_unix_fail(get_names[k], VAL_UNIT);
  switch (k) {
  case 0: return val_bool(v.i);
  case 1: return val_int(v.i);
  case 2: return v.lg.l_onoff ? uc_alloc_some(val_int(v.lg.l_linger)) : VAL_NONE;
  case 3: return uc_copy_double((double)v.tv.tv_sec + (double)v.tv.tv_usec / 1e6);
  default:
    if (v.i == 0) return VAL_NONE;
    return uc_alloc_some(uc_unix_error_of_errno(v.i));
  }
}

PRIM value unix_setsockopt(value kind, value fd, value opt, value val) {
  int k = int_val(kind);
  const struct sockopt *o = &opt_tables[k][int_val(opt)];
  union { int i; struct linger lg; struct timeval tv; } v;
  socklen_t len = sizeof v.i;
  switch (k) {
  case 0: case 1: v.i = int_val(val); break;
  case 2:
    v.lg.l_onoff = val != VAL_NONE;
    v.lg.l_linger = val != VAL_NONE ? int_val(some_val(val)) : 0;
    len = sizeof v.lg;
    break;
  case 3: {
    double f = double_val(val);
    v.tv.tv_sec = (time_t)f;
    v.tv.tv_usec = (suseconds_t)(1e6 * (f - (double)v.tv.tv_sec));
    len = sizeof v.tv;
    break;
  }
  default: uc_unix_error(EINVAL, set_names[k], VAL_UNIT);
  }
  if (setsockopt(int_val(fd), o->level, o->name, &v, len) == -1) uc_unix_fail(set_names[k], VAL_UNIT);
  return VAL_UNIT;
}

/* ---- addresses ---- */

PRIM value unix_inet_addr_of_string(value s) {
  unsigned char buf[16];
  if (memchr(string_ptr(s), 0, string_length(s)) == NULL) {
    if (inet_pton(AF_INET, string_ptr(s), buf) == 1) return uc_copy_bytes(buf, 4);
    if (inet_pton(AF_INET6, string_ptr(s), buf) == 1) return uc_copy_bytes(buf, 16);
  }
  uc_failwith("inet_addr_of_string");
}

PRIM value unix_string_of_inet_addr(value a) {
  char buf[INET6_ADDRSTRLEN];
  int af = string_length(a) == 16 ? AF_INET6 : AF_INET;
  if (inet_ntop(af, string_ptr(a), buf, sizeof buf) == NULL) uc_unix_fail("string_of_inet_addr", VAL_UNIT);
  return uc_copy_string(buf);
}

PRIM value unix_gethostname(value unit) {
  char buf[256];
  if (gethostname(buf, sizeof buf) == -1) uc_unix_fail("gethostname", VAL_UNIT);
  buf[sizeof buf - 1] = 0;
  return uc_copy_string(buf);
}

static const char *const no_names[] = {NULL};

static value alloc_host(const struct hostent *h) {
  value name = VAL_UNIT, aliases = VAL_UNIT, addrs = VAL_UNIT;
  UC_ROOTS3(name, aliases, addrs);
  name = uc_copy_string(h->h_name);
  aliases = uc_copy_string_array(h->h_aliases ? (const char *const *)h->h_aliases : no_names);
  mlsize_t n = 0;
  while (h->h_addr_list[n] != NULL) n++;
  addrs = n == 0 ? atom(0) : uc_alloc(n, 0);
  for (mlsize_t i = 0; i < n; i++) {
    value a = uc_copy_bytes(h->h_addr_list[i], (mlsize_t)h->h_length);
    store_field(addrs, i, a);
  }
  value r = uc_alloc_small(4, 0);
  field(r, 0) = name;
  field(r, 1) = aliases;
  field(r, 2) = domain_value(h->h_addrtype);
  field(r, 3) = addrs;
  UC_RETURN(r);
}

PRIM value unix_gethostbyname(value name) {
  if (memchr(string_ptr(name), 0, string_length(name)) != NULL) uc_raise_not_found();
  struct hostent *h = gethostbyname(string_ptr(name));
  if (h == NULL) uc_raise_not_found();
  return alloc_host(h);
}

PRIM value unix_gethostbyaddr(value a) {
  int af = string_length(a) == 16 ? AF_INET6 : AF_INET;
  struct hostent *h = gethostbyaddr(string_ptr(a), (socklen_t)string_length(a), af);
  if (h == NULL) uc_raise_not_found();
  return alloc_host(h);
}

static value alloc_proto(const struct protoent *p) {
  if (p == NULL) uc_raise_not_found();
  value name = VAL_UNIT, aliases = VAL_UNIT;
  UC_ROOTS2(name, aliases);
  name = uc_copy_string(p->p_name);
  aliases = uc_copy_string_array((const char *const *)p->p_aliases);
  value r = uc_alloc_small(3, 0);
  field(r, 0) = name;
  field(r, 1) = aliases;
  field(r, 2) = val_int(p->p_proto);
  UC_RETURN(r);
}

PRIM value unix_getprotobyname(value name) { return alloc_proto(getprotobyname(string_ptr(name))); }
PRIM value unix_getprotobynumber(value n) { return alloc_proto(getprotobynumber(int_val(n))); }

static value alloc_service(const struct servent *s) {
  if (s == NULL) uc_raise_not_found();
  value name = VAL_UNIT, aliases = VAL_UNIT, proto = VAL_UNIT;
  UC_ROOTS3(name, aliases, proto);
  name = uc_copy_string(s->s_name);
  aliases = uc_copy_string_array((const char *const *)s->s_aliases);
  proto = uc_copy_string(s->s_proto);
  value r = uc_alloc_small(4, 0);
  field(r, 0) = name;
  field(r, 1) = aliases;
  field(r, 2) = val_int(ntohs((uint16_t)s->s_port));
  field(r, 3) = proto;
  UC_RETURN(r);
}

PRIM value unix_getservbyname(value name, value proto) {
  return alloc_service(getservbyname(string_ptr(name), string_ptr(proto)));
}
PRIM value unix_getservbyport(value port, value proto) {
  return alloc_service(getservbyport(htons((uint16_t)int_val(port)), string_ptr(proto)));
}

/* Unix.addr_info: family, socktype, protocol, addr, canonname. */
static value alloc_addrinfo(const struct addrinfo *a) {
  value addr = VAL_UNIT, canon = VAL_UNIT;
  UC_ROOTS2(addr, canon);
  addr = value_of_sockaddr((const union sockaddr_any *)a->ai_addr, a->ai_addrlen);
  canon = uc_copy_string(a->ai_canonname ? a->ai_canonname : "");
  value r = uc_alloc_small(5, 0);
  field(r, 0) = domain_value(a->ai_family);
  field(r, 1) = socket_type_value(a->ai_socktype);
  field(r, 2) = val_int(a->ai_protocol);
  field(r, 3) = addr;
  field(r, 4) = canon;
  UC_RETURN(r);
}

PRIM value unix_getaddrinfo(value node, value serv, value opts) {
  if (memchr(string_ptr(node), 0, string_length(node)) || memchr(string_ptr(serv), 0, string_length(serv)))
    return VAL_EMPTYLIST;
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  for (value l = opts; l != VAL_EMPTYLIST; l = field(l, 1)) {
    value o = field(l, 0);
    if (is_block(o)) {
      int arg = int_val(field(o, 0));
      switch (tag_val(o)) {
      case 0: hints.ai_family = domains[arg]; break;
      case 1: hints.ai_socktype = socket_types[arg]; break;
      default: hints.ai_protocol = arg; break;
      }
    } else {
      static const int flags[] = {AI_NUMERICHOST, AI_CANONNAME, AI_PASSIVE};
      hints.ai_flags |= flags[int_val(o)];
    }
  }
  const char *n = string_length(node) ? string_ptr(node) : NULL;
  const char *s = string_length(serv) ? string_ptr(serv) : NULL;
  value list = VAL_EMPTYLIST, e = VAL_UNIT;
  if (getaddrinfo(n, s, &hints, &res) != 0) return list;
  UC_ROOTS2(list, e);
  /* Consed in order of the results: the list comes out reversed, as
   * ocamlrun's does. */
  for (struct addrinfo *a = res; a != NULL; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6 && a->ai_family != AF_UNIX) continue;
    e = alloc_addrinfo(a);
    value cell = uc_alloc_small(2, 0);
    field(cell, 0) = e;
    field(cell, 1) = list;
    list = cell;
  }
  freeaddrinfo(res);
  UC_RETURN(list);
}

static const int ni_flags[] = {NI_NOFQDN, NI_NUMERICHOST, NI_NAMEREQD, NI_NUMERICSERV, NI_DGRAM};

PRIM value unix_getnameinfo(value addr, value opts) {
  union sockaddr_any sa;
  socklen_t len;
  sockaddr_of_value(addr, &sa, &len);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (getnameinfo(&sa.gen, len, host, sizeof host, serv, sizeof serv, uc_unix_flags(opts, ni_flags, 5)) != 0)
    uc_raise_not_found();
  value h = uc_copy_string(host), s = VAL_UNIT;
  UC_ROOTS2(h, s);
  s = uc_copy_string(serv);
  value r = uc_alloc_small(2, 0);
  field(r, 0) = h;
  field(r, 1) = s;
  UC_RETURN(r);
}
