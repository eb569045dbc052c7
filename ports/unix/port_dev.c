/* port_dev.c: vm/port_dev.h on POSIX systems: poll(), BSD sockets,
 * getrandom, a file as block device and a simulated GPIO bank. */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "port.h"
#include "port_dev.h"

#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* errno -> -(error class) */
static int dev_error(int e)
{
  switch (e) {
  case EAGAIN:
#if EWOULDBLOCK != EAGAIN
  case EWOULDBLOCK:
#endif
  case EINTR: return -PORT_DEV_EAGAIN;
  case EINPROGRESS: return -PORT_DEV_EINPROGRESS;
  case ECONNREFUSED: return -PORT_DEV_EREFUSED;
  case ECONNRESET: case ECONNABORTED: return -PORT_DEV_ERESET;
  case EPIPE: case ENOTCONN: return -PORT_DEV_ECLOSED;
  case ETIMEDOUT: return -PORT_DEV_ETIMEDOUT;
  case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: return -PORT_DEV_EUNREACHABLE;
  case EADDRINUSE: case EADDRNOTAVAIL: return -PORT_DEV_EADDRINUSE;
  case ENOSYS: case EOPNOTSUPP: return -PORT_DEV_ENOTSUP;
  case EINVAL: case EBADF: return -PORT_DEV_EINVAL;
  case ENOENT: case ENODEV: return -PORT_DEV_ENOENT;
  case EROFS: case EACCES: case EPERM: return -PORT_DEV_EREADONLY;
  case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM: return -PORT_DEV_EMFILE;
  default: return -PORT_DEV_EIO;
  }
}

/* ---- The wait ---- */

/* Milliseconds from now until the deadline, rounded up so that the caller
 * never wakes just before it and spins. */
static int timeout_ms(uint64_t deadline_ns)
{
  if (deadline_ns == PORT_DEV_FOREVER) return -1;
  uint64_t now = port_monotonic_ns();
  if (deadline_ns <= now) return 0;
  uint64_t ms = (deadline_ns - now + 999999u) / 1000000u;
  return ms > 1000000u ? 1000000 : (int)ms;
}

#define WAIT_STACK_FDS 64

int port_dev_wait(struct port_dev_poll *fds, int n, uint64_t deadline_ns)
{
  struct pollfd local[WAIT_STACK_FDS];
  struct pollfd *p = n <= WAIT_STACK_FDS ? local : malloc((size_t)n * sizeof *p);
  if (p == NULL) return -PORT_DEV_EMFILE;
  for (int i = 0; i < n; i++) {
    p[i].fd = fds[i].fd;
    p[i].events = (short)(((fds[i].events & PORT_DEV_READABLE) ? POLLIN : 0) |
                          ((fds[i].events & PORT_DEV_WRITABLE) ? POLLOUT : 0));
    p[i].revents = 0;
  }
  int r = poll(p, (nfds_t)n, timeout_ms(deadline_ns));
  int err = errno;
  for (int i = 0; i < n; i++) {
    short re = r > 0 ? p[i].revents : 0;
    short fail = re & (POLLERR | POLLHUP | POLLNVAL);
    fds[i].ready = (((re & POLLIN) || fail) ? PORT_DEV_READABLE : 0) |
                   (((re & POLLOUT) || fail) ? PORT_DEV_WRITABLE : 0);
    fds[i].ready &= fds[i].events;
  }
  if (p != local) free(p);
  if (r < 0) return err == EINTR ? 0 : dev_error(err);
  return r;
}

/* ---- Entropy and the wall clock ---- */

int port_dev_entropy(void *buf, size_t n)
{
  static int urandom = -1;
  if (urandom < 0) urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  unsigned char *b = buf;
  while (n > 0 && urandom >= 0) {
    ssize_t r = read(urandom, b, n);
    if (r <= 0) break;
    b += r;
    n -= (size_t)r;
  }
  if (n == 0) return 1;
  /* No /dev/urandom (chroots): the seed generator of port.h, said so. */
  uint32_t w;
  for (; n > 0; n--) {
    port_random_seed(&w, 1);
    *b++ = (unsigned char)(w ^ (w >> 8) ^ (w >> 16) ^ (w >> 24));
  }
  return 0;
}

int port_dev_wall_clock(int64_t *sec, uint32_t *nsec)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  *sec = (int64_t)ts.tv_sec;
  *nsec = (uint32_t)ts.tv_nsec;
  return 1;
}

/* ---- Sockets ---- */

static struct sockaddr_in make_address(const uint8_t addr[4], int port)
{
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  memcpy(&sa.sin_addr.s_addr, addr, 4);
  return sa;
}

static void read_address(const struct sockaddr_in *sa, uint8_t addr[4], int *port)
{
  memcpy(addr, &sa->sin_addr.s_addr, 4);
  *port = ntohs(sa->sin_port);
}

static int set_nonblocking(int fd)
{
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return dev_error(errno);
  return 0;
}

/* A new non-blocking socket of the given type, or -error. */
static int new_socket(int type)
{
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return dev_error(errno);
  int r = set_nonblocking(fd);
  if (r < 0) {
    close(fd);
    return r;
  }
  return fd;
}

static int fail_and_close(int fd)
{
  int r = dev_error(errno);
  close(fd);
  return r;
}

int port_tcp_listen(const uint8_t addr[4], int port, int backlog)
{
  int fd = new_socket(SOCK_STREAM);
  if (fd < 0) return fd;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = make_address(addr, port);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return fail_and_close(fd);
  if (listen(fd, backlog) < 0) return fail_and_close(fd);
  return fd;
}

/* The descriptors the process may open, less some for files and
 * listeners; at most 1024 (what one poll() set is kept to). */
int port_tcp_connection_limit(void)
{
  struct rlimit rl;
  long n = 1024 + 32;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) n = (long)rl.rlim_cur;
  n -= 32;
  return (int)(n < 4 ? 4 : n > 1024 ? 1024 : n);
}

int port_tcp_accept(int fd, uint8_t peer[4], int *peer_port)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int c = accept(fd, (struct sockaddr *)&sa, &len);
  if (c < 0) return dev_error(errno);
  int r = set_nonblocking(c);
  if (r < 0) {
    close(c);
    return r;
  }
  int one = 1;   /* replies are written whole: do not wait for more */
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  read_address(&sa, peer, peer_port);
  return c;
}

int port_tcp_connect(const uint8_t addr[4], int port, int *fd)
{
  *fd = new_socket(SOCK_STREAM);
  if (*fd < 0) return *fd;
  struct sockaddr_in sa = make_address(addr, port);
  if (connect(*fd, (struct sockaddr *)&sa, sizeof sa) == 0) return *fd;
  int r = dev_error(errno);
  if (r == -PORT_DEV_EINPROGRESS) return r;
  close(*fd);
  *fd = -1;
  return r;
}

int port_tcp_connect_result(int fd)
{
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return dev_error(errno);
  return err ? dev_error(err) : 0;
}

long port_sock_read(int fd, void *buf, size_t n)
{
  ssize_t r = recv(fd, buf, n, 0);
  return r < 0 ? dev_error(errno) : (long)r;
}

long port_sock_write(int fd, const void *buf, size_t n)
{
#ifdef MSG_NOSIGNAL
  ssize_t r = send(fd, buf, n, MSG_NOSIGNAL);
#else
  ssize_t r = send(fd, buf, n, 0);
#endif
  return r < 0 ? dev_error(errno) : (long)r;
}

int port_sock_shutdown(int fd, int how)
{
  int h = how == PORT_DEV_SHUT_READ ? SHUT_RD : how == PORT_DEV_SHUT_WRITE ? SHUT_WR : SHUT_RDWR;
  return shutdown(fd, h) < 0 ? dev_error(errno) : 0;
}

int port_sock_close(int fd)
{
  return close(fd) < 0 ? dev_error(errno) : 0;
}

int port_sock_address(int fd, int peer, uint8_t addr[4], int *port)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int r = peer ? getpeername(fd, (struct sockaddr *)&sa, &len)
               : getsockname(fd, (struct sockaddr *)&sa, &len);
  if (r < 0) return dev_error(errno);
  read_address(&sa, addr, port);
  return 0;
}

int port_udp_bind(const uint8_t addr[4], int port)
{
  int fd = new_socket(SOCK_DGRAM);
  if (fd < 0) return fd;
  struct sockaddr_in sa = make_address(addr, port);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return fail_and_close(fd);
  return fd;
}

long port_udp_sendto(int fd, const void *buf, size_t n, const uint8_t addr[4], int port)
{
  struct sockaddr_in sa = make_address(addr, port);
  ssize_t r = sendto(fd, buf, n, 0, (struct sockaddr *)&sa, sizeof sa);
  return r < 0 ? dev_error(errno) : (long)r;
}

long port_udp_recvfrom(int fd, void *buf, size_t n, uint8_t addr[4], int *port)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  ssize_t r = recvfrom(fd, buf, n, 0, (struct sockaddr *)&sa, &len);
  if (r < 0) return dev_error(errno);
  read_address(&sa, addr, port);
  return (long)r;
}

/* ---- Block devices: a host file, 512-byte sectors ---- */

#define SECTOR 512u

int port_block_open(const char *name, struct port_block_info *info)
{
  int writable = 1;
  int fd = open(name, O_RDWR | O_CLOEXEC);
  if (fd < 0 && (errno == EACCES || errno == EROFS)) {
    writable = 0;
    fd = open(name, O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return dev_error(errno);
  struct stat st;
  if (fstat(fd, &st) < 0) return fail_and_close(fd);
  info->sector_size = SECTOR;
  info->sectors = (uint64_t)st.st_size / SECTOR;
  info->writable = writable;
  return fd;
}

static int block_transfer(int h, uint64_t sector, void *buf, uint32_t count, int write)
{
  struct stat st;
  if (fstat(h, &st) < 0) return dev_error(errno);
  uint64_t sectors = (uint64_t)st.st_size / SECTOR;
  if (sector > sectors || count > sectors - sector) return -PORT_DEV_ERANGE;
  size_t len = (size_t)count * SECTOR;
  off_t off = (off_t)(sector * SECTOR);
  while (len > 0) {
    ssize_t r = write ? pwrite(h, buf, len, off) : pread(h, buf, len, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r < 0 ? dev_error(errno) : -PORT_DEV_EIO;
    buf = (char *)buf + r;
    len -= (size_t)r;
    off += r;
  }
  return 0;
}

int port_block_read(int h, uint64_t sector, void *buf, uint32_t count)
{
  return block_transfer(h, sector, buf, count, 0);
}

int port_block_write(int h, uint64_t sector, const void *buf, uint32_t count)
{
  return block_transfer(h, sector, (void *)buf, count, 1);
}

int port_block_close(int h)
{
  return close(h) < 0 ? dev_error(errno) : 0;
}

/* ---- GPIO: a simulated bank of 32 pins in memory ----
 * Outputs read back what was written; inputs read their pull (low when
 * floating).  Enough to run GPIO programs on the host. */

#define SIM_PINS 32
static unsigned char pin_mode[SIM_PINS], pin_level[SIM_PINS];

int port_gpio_pins(void) { return SIM_PINS; }

int port_gpio_configure(int pin, int mode)
{
  if (pin < 0 || pin >= SIM_PINS) return -PORT_DEV_ERANGE;
  if (mode < PORT_GPIO_INPUT || mode > PORT_GPIO_INPUT_PULLDOWN) return -PORT_DEV_EINVAL;
  pin_mode[pin] = (unsigned char)mode;
  if (mode == PORT_GPIO_INPUT_PULLUP) pin_level[pin] = 1;
  if (mode == PORT_GPIO_INPUT_PULLDOWN || mode == PORT_GPIO_INPUT) pin_level[pin] = 0;
  return 0;
}

int port_gpio_read(int pin)
{
  if (pin < 0 || pin >= SIM_PINS) return -PORT_DEV_ERANGE;
  return pin_level[pin];
}

int port_gpio_write(int pin, int level)
{
  if (pin < 0 || pin >= SIM_PINS) return -PORT_DEV_ERANGE;
  if (pin_mode[pin] != PORT_GPIO_OUTPUT) return -PORT_DEV_EINVAL;
  pin_level[pin] = level != 0;
  return 0;
}
